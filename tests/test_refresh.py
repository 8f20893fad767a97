"""dsrgeo.refresh against a real HTTP server on 127.0.0.1 that injects faults.

After every fault the data folder must be byte for byte what it was before.
"""

import hashlib
import json
import re
from pathlib import Path

import pytest
from httpserver import LocalServer, Route

import dsrgeo
from dsrgeo import datadir, refresh
from dsrgeo.errors import ParameterError, RefreshError

# CelesTrak's beidou.txt of 2022-02-04: 50 satellites (its line-1 records, counted below).
TLE_FILE = Path(__file__).parents[1] / "layers" / "sources" / "gnss" / "2022-02-04" / "beidou.txt"
TLE_BYTES = TLE_FILE.read_bytes()
TLE_COUNT = sum(line.startswith(b"1 ") for line in TLE_BYTES.splitlines())
FAST_TIMEOUT_S = 0.5  # the slow route waits longer than this before answering
SLOW_DELAY_S = 5.0  # cut short when the server stops, so the test stays fast


def _cable_mirror():
    """A tiny mirror in the Open Undersea Cable Map layout: 2 cables, 3 landing points."""
    routes = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "peace-cable", "name": "PEACE Cable"},
                "geometry": {
                    "type": "MultiLineString",
                    "coordinates": [[[67.0, 24.8], [60.0, 20.0], [43.1, 11.6]]],
                },
            },
            {
                "type": "Feature",
                "properties": {"id": "sagres", "name": "Sagres"},
                "geometry": {"type": "LineString", "coordinates": [[-9.1, 38.4], [-8.8, 37.1]]},
            },
        ],
    }
    points = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": pid, "name": pid},
                "geometry": {"type": "Point", "coordinates": lonlat},
            }
            for pid, lonlat in [
                ("karachi-pakistan", [67.0, 24.8]),
                ("djibouti-city-djibouti", [43.1, 11.6]),
                ("sesimbra-portugal", [-9.1, 38.4]),
            ]
        ],
    }
    index = [{"id": "peace-cable", "name": "PEACE Cable"}, {"id": "sagres", "name": "Sagres"}]
    records = {
        "peace-cable": {
            "id": "peace-cable",
            "name": "PEACE Cable",
            "length": "21,500 km",
            "landing_points": [
                {"id": "karachi-pakistan", "name": "Karachi, Pakistan", "country": "Pakistan"}
            ],
        },
        "sagres": {"id": "sagres", "name": "Sagres", "length": "140 km"},
    }
    supplier = {
        "id": "hmn-tech",
        "name": "HMN Tech",
        "cables": [{"id": "peace-cable", "name": "PEACE Cable"}],
    }
    files = {
        "/mirror/cable/cable-geo.json": routes,
        "/mirror/landing-point/landing-point-geo.json": points,
        "/mirror/cable/all.json": index,
        "/mirror/supplier/hmn-tech.json": supplier,
    }
    files |= {f"/mirror/cable/{cid}.json": rec for cid, rec in records.items()}
    served = {
        path: Route(json.dumps(doc).encode(), content_type="application/json")
        for path, doc in files.items()
    }
    served["/mirror/LICENSE"] = Route(b"CC BY-NC-SA 3.0\n", content_type="text/plain")
    return served


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv(datadir.ENV_VAR, str(folder))
    return folder


@pytest.fixture
def server():
    with LocalServer() as running:
        running.routes["/gnss.txt"] = Route(TLE_BYTES, content_type="text/plain")
        running.routes |= _cable_mirror()
        yield running


def fingerprint(folder):
    """Every path under ``folder`` with the sha256 of each file (None for folders)."""
    return {
        str(p.relative_to(folder)): (
            None if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(folder.rglob("*"))
    }


# --- good downloads -------------------------------------------------------------------------


def test_tle_refresh_stores_file_and_provenance(data_dir, server):
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"))

    path = datadir.latest_tle_path()
    assert path == snapshot.folder / datadir.TLE_FILE
    assert path.read_bytes() == TLE_BYTES
    assert data_dir in path.parents
    assert snapshot.contents == f"{TLE_COUNT} satellites"
    sidecar = json.loads((snapshot.folder / datadir.PROVENANCE_FILE).read_text())
    (record,) = sidecar["files"]
    assert record["url"] == server.url("/gnss.txt")
    assert record["sha256"] == hashlib.sha256(TLE_BYTES).hexdigest()
    assert record["size_bytes"] == len(TLE_BYTES)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", sidecar["retrieved_utc"])
    assert datadir.latest_snapshot("tle") == snapshot
    assert repr(snapshot) == (
        f"Snapshot(tle: {TLE_COUNT} satellites, 1 file, retrieved {snapshot.retrieved_utc}, "
        f"in {str(snapshot.folder)!r})"
    )


def test_gzip_response_is_stored_decoded(data_dir, server):
    server.routes["/gnss.txt"].gzip = True  # Content-Length counts the compressed bytes
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"))
    assert datadir.latest_tle_path().read_bytes() == TLE_BYTES
    assert snapshot.downloads[0].sha256 == hashlib.sha256(TLE_BYTES).hexdigest()


def test_refreshed_tles_read_back_with_read_tles(data_dir, server):
    from dsrgeo.gnss import read_tles

    refresh.refresh_tles(server.url("/gnss.txt"))
    assert len(read_tles(datadir.latest_tle_path())) == TLE_COUNT


def test_cables_refresh_mirrors_the_shipped_layout(data_dir, server):
    snapshot = refresh.refresh_cables(server.url("/mirror"))

    folder = datadir.latest_cables_dir()
    assert folder == snapshot.folder
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert names == [
        "LICENSE",
        "cable-geo.json",
        "cable/all.json",
        "cable/peace-cable.json",
        "cable/sagres.json",
        "landing-point-geo.json",
        "layers/cables.geojson",
        "layers/hmn_cables.geojson",
        "layers/landing_points.geojson",
        "provenance.json",
        "supplier/hmn-tech.json",
    ]
    assert snapshot.contents == "2 route features, 3 landing points, 2 cable records"
    by_name = {d.name: d for d in snapshot.downloads}
    assert by_name["cable-geo.json"].url == server.url("/mirror/cable/cable-geo.json")
    for name, download in by_name.items():
        content = (folder / name).read_bytes()
        assert download.sha256 == hashlib.sha256(content).hexdigest()
        assert download.size_bytes == len(content)


def test_mirror_without_licence_is_accepted(data_dir, server):
    del server.routes["/mirror/LICENSE"]
    snapshot = refresh.refresh_cables(server.url("/mirror/"))
    assert not (snapshot.folder / "LICENSE").exists()


def test_server_error_then_success_is_retried(data_dir, server):
    server.routes["/gnss.txt"].fail_first = 1
    refresh.refresh_tles(server.url("/gnss.txt"), retries=1)
    assert server.hits["/gnss.txt"] == 2
    assert datadir.latest_tle_path().read_bytes() == TLE_BYTES


def test_new_snapshot_replaces_pointer_and_old_ones_are_pruned(data_dir, server):
    first = refresh.refresh_tles(server.url("/gnss.txt"), keep=2)
    second = refresh.refresh_tles(server.url("/gnss.txt"), keep=2)
    third = refresh.refresh_tles(server.url("/gnss.txt"), keep=2)

    assert datadir.latest_tle_path() == third.folder / datadir.TLE_FILE
    assert len({first.folder, second.folder, third.folder}) == 3  # same second: -2, -3 suffix
    assert not first.folder.exists() and second.folder.exists()


def test_progress_bars_when_asked(data_dir, server, capsys):
    refresh.refresh_tles(server.url("/gnss.txt"), progress=True)
    refresh.refresh_cables(server.url("/mirror"), progress=True)
    err = capsys.readouterr().err
    assert f"{datadir.TLE_FILE}:" in err and f"/{len(TLE_BYTES) / 1000:.2f}k" in err
    assert "cable records:" in err and "/2 " in err


def test_no_progress_bars_when_told_not_to(data_dir, server, capsys):
    refresh.refresh_tles(server.url("/gnss.txt"), progress=False)
    assert capsys.readouterr().err == ""


def test_no_refresh_means_no_latest_data(data_dir):
    assert datadir.latest_tle_path() is None
    assert datadir.latest_cables_dir() is None


# --- faults: the previous data stays byte-identical ----------------------------------------


def _bad_checksum(tle):
    """Change the checksum digit of the first line 1 (CelesTrak beidou.txt, line 2)."""
    lines = tle.decode().split("\n")
    last = int(lines[1][-1])
    lines[1] = lines[1][:-1] + str((last + 1) % 10)
    return "\n".join(lines).encode()


TLE_FAULTS = {
    "404": (dict(status=404), "HTTP 404"),
    "500 every time": (dict(fail_first=99), "HTTP 500"),
    "dropped mid-body": (dict(send_bytes=len(TLE_BYTES) // 2), "broke off"),
    "slow": (dict(delay_s=SLOW_DELAY_S), f"timeout_s={FAST_TIMEOUT_S:g}"),
    "bad checksum": (dict(body=_bad_checksum(TLE_BYTES)), "line 2: checksum"),
    "line 2 missing": (dict(body=b"\n".join(TLE_BYTES.split(b"\n")[:2])), "line 2"),
    "not TLE": (
        dict(body=b"<html><body>Maintenance</body></html>\n<p>soon</p>\n"),
        "expected TLE line 1",
    ),
    "empty": (dict(body=b""), "no element sets"),
}


@pytest.mark.parametrize("fault", TLE_FAULTS, ids=list(TLE_FAULTS))
def test_tle_fault_keeps_previous_data(data_dir, server, fault):
    refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    change, message = TLE_FAULTS[fault]
    route = server.routes["/gnss.txt"]
    for key, value in change.items():
        setattr(route, key, value)

    with pytest.raises(RefreshError, match=re.escape(message)) as caught:
        refresh.refresh_tles(server.url("/gnss.txt"), timeout_s=FAST_TIMEOUT_S, retries=1)
    assert str(caught.value).endswith("the previous data is unchanged")

    assert fingerprint(data_dir) == before
    assert datadir.latest_tle_path().read_bytes() == TLE_BYTES


def test_first_refresh_failing_leaves_data_folder_empty(data_dir, server):
    with pytest.raises(RefreshError, match="HTTP 404"):
        refresh.refresh_tles(server.url("/nothing-here.txt"), retries=0)
    assert fingerprint(data_dir) == {}


def test_refused_connection_is_a_refresh_error(data_dir, server):
    url = server.url("/gnss.txt")
    server.__exit__(None, None, None)  # nobody listens on that port now
    with pytest.raises(RefreshError, match="could not download"):
        refresh.refresh_tles(url, retries=0)
    assert fingerprint(data_dir) == {}


def _replace_json(route, edit):
    doc = json.loads(route.body)
    edit(doc)
    route.body = json.dumps(doc).encode()


CABLE_FAULTS = {
    "routes 404": ("/mirror/cable/cable-geo.json", lambda r: setattr(r, "status", 404), "HTTP 404"),
    "routes invalid JSON": (
        "/mirror/cable/cable-geo.json",
        lambda r: setattr(r, "body", r.body[:-10]),
        "invalid JSON",
    ),
    "routes as points": (
        "/mirror/cable/cable-geo.json",
        lambda r: _replace_json(
            r, lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [0, 0]})
        ),
        "geometry must be LineString or MultiLineString",
    ),
    "landing point without id": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: _replace_json(r, lambda d: d["features"][1]["properties"].pop("id")),
        "property 'id' is None",
    ),
    "landing point ids twice": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: _replace_json(r, lambda d: d["features"].append(d["features"][0])),
        "not unique",
    ),
    "latitude out of range": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: _replace_json(
            r, lambda d: d["features"][0]["geometry"].update(coordinates=[24.8, 167.0])
        ),
        "(24.8, 167) is not lon/lat in degrees",
    ),
    "not a FeatureCollection": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: setattr(r, "body", b"[]"),
        "FeatureCollection",
    ),
    "index misses a routed cable": (
        "/mirror/cable/all.json",
        lambda r: _replace_json(r, lambda d: d.pop()),
        "routed cables have no record",
    ),
    "id that escapes the folder": (
        "/mirror/cable/all.json",
        lambda r: _replace_json(r, lambda d: d.append({"id": "../../evil", "name": "x"})),
        "expected a slug",
    ),
    "record 500 every time": (
        "/mirror/cable/sagres.json",
        lambda r: setattr(r, "fail_first", 99),
        "HTTP 500",
    ),
    "record dropped mid-body": (
        "/mirror/cable/sagres.json",
        lambda r: setattr(r, "send_bytes", 5),
        "broke off",
    ),
    "record slow": (
        "/mirror/cable/peace-cable.json",
        lambda r: setattr(r, "delay_s", SLOW_DELAY_S),
        "timeout_s=",
    ),
    "record for another cable": (
        "/mirror/cable/sagres.json",
        lambda r: _replace_json(r, lambda d: d.update(id="peace-cable")),
        "with id 'sagres'",
    ),
    "supplier invalid JSON": (
        "/mirror/supplier/hmn-tech.json",
        lambda r: setattr(r, "body", b"{"),
        "invalid JSON",
    ),
    "licence 500 every time": (
        "/mirror/LICENSE",
        lambda r: setattr(r, "fail_first", 99),
        "HTTP 500",
    ),
}


@pytest.mark.parametrize("fault", CABLE_FAULTS, ids=list(CABLE_FAULTS))
def test_cables_fault_keeps_previous_data(data_dir, server, fault):
    good = refresh.refresh_cables(server.url("/mirror"))
    before = fingerprint(data_dir)
    path, change, message = CABLE_FAULTS[fault]
    change(server.routes[path])

    with pytest.raises(RefreshError, match=re.escape(message)) as caught:
        refresh.refresh_cables(server.url("/mirror"), timeout_s=FAST_TIMEOUT_S, retries=1)
    assert str(caught.value).endswith("the previous data is unchanged")

    assert fingerprint(data_dir) == before
    assert datadir.latest_cables_dir() == good.folder


def test_unwritable_data_folder_is_a_refresh_error(data_dir, server):
    (data_dir / "tle").write_text("a file where the tle folder should be")
    before = fingerprint(data_dir)
    with pytest.raises(RefreshError, match="could not save the new snapshot"):
        refresh.refresh_tles(server.url("/gnss.txt"))
    assert fingerprint(data_dir) == before


# --- data folder ----------------------------------------------------------------------------


def test_data_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(datadir.ENV_VAR, str(tmp_path / "elsewhere"))
    assert datadir.data_dir() == (tmp_path / "elsewhere").resolve()


def test_data_dir_defaults_to_platformdirs(monkeypatch):
    import platformdirs

    monkeypatch.delenv(datadir.ENV_VAR, raising=False)
    assert datadir.data_dir() == Path(platformdirs.user_data_dir("dsrgeo", appauthor=False))


def test_data_dir_inside_the_package_is_refused(monkeypatch):
    import dsrgeo

    monkeypatch.setenv(datadir.ENV_VAR, str(Path(dsrgeo.__file__).parent / "data"))
    with pytest.raises(ParameterError, match="DSRGEO_DATA_DIR: .* must stay as shipped"):
        datadir.data_dir()
    # in a source checkout the shipped data folder is layers/: refused too
    monkeypatch.setenv(datadir.ENV_VAR, str(dsrgeo.catalog.shipped_dir() / "sub"))
    with pytest.raises(ParameterError, match="must stay as shipped"):
        datadir.data_dir()


def test_refresh_into_the_package_is_refused_before_downloading(server, monkeypatch):
    import dsrgeo

    monkeypatch.setenv(datadir.ENV_VAR, str(Path(dsrgeo.__file__).parent / "data"))
    with pytest.raises(ParameterError, match="must stay as shipped"):
        refresh.refresh_tles(server.url("/gnss.txt"))
    assert server.hits == {}


def test_damaged_pointer_says_to_refresh_again(data_dir, server):
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"))
    (data_dir / "tle" / "LATEST").write_text("gone\n")
    with pytest.raises(RefreshError, match="dsrgeo refresh tle"):
        datadir.latest_tle_path()
    assert snapshot.folder.is_dir()


@pytest.mark.parametrize(
    "kwargs", [dict(timeout_s=0), dict(timeout_s=float("nan")), dict(retries=-1), dict(retries=1.5)]
)
def test_bad_arguments_are_refused(data_dir, server, kwargs):
    with pytest.raises(ParameterError, match=next(iter(kwargs))):
        refresh.refresh_tles(server.url("/gnss.txt"), **kwargs)


# --- command line ---------------------------------------------------------------------------


def test_cli_refresh_tle_prints_provenance(data_dir, server, capsys):
    from dsrgeo.cli import main

    assert main(["refresh", "tle", "--url", server.url("/gnss.txt"), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert f"refreshed tle: {TLE_COUNT} satellites" in out
    assert hashlib.sha256(TLE_BYTES).hexdigest() in out
    assert str(datadir.latest_tle_path().parent) in out


def test_cli_refresh_cables_then_status(data_dir, server, capsys):
    from dsrgeo.cli import main

    assert main(["refresh", "cables", "--url", server.url("/mirror")]) == 0
    assert main(["refresh", "status"]) == 0
    out = capsys.readouterr().out
    assert "cables: 2 route features, 3 landing points, 2 cable records" in out
    assert "tle: none (the shipped data is used)" in out


def test_cli_refresh_failure_exits_2_with_the_reason(data_dir, server, capsys):
    from dsrgeo.cli import main

    server.routes["/gnss.txt"].status = 404
    assert main(["refresh", "tle", "--url", server.url("/gnss.txt"), "--retries", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dsrgeo refresh: error: ")
    assert "HTTP 404" in err and "the previous data is unchanged" in err
    assert fingerprint(data_dir) == {}


# --- using refreshed data -------------------------------------------------------------------


def test_load_latest_builds_cable_layers_from_the_refreshed_snapshot(data_dir, server):
    with pytest.raises(RefreshError, match="dsrgeo refresh cables"):
        dsrgeo.load("cables", snapshot="latest")
    refresh.refresh_cables(server.url("/mirror"))

    latest = dsrgeo.load("cables", snapshot="latest")
    assert sorted(latest["id"]) == ["peace-cable", "sagres"]
    assert latest.set_index("id").loc["sagres", "stated_length_km"] == 140.0
    assert latest.attrs["snapshot"].startswith(server.url("/mirror"))
    points = dsrgeo.load("landing_points", snapshot="latest")
    assert len(points) == 3
    # as_of judges landing points by the cables of the same snapshot: the mirror's records
    # give no service year, so none is in service (the shipped PEACE would keep Karachi)
    assert len(dsrgeo.load("landing_points", as_of=2022, snapshot="latest")) == 0
    # the default stays the shipped, reproducible snapshot
    shipped = dsrgeo.load("cables")
    assert len(shipped) > 500 and shipped.attrs["snapshot"] == "shipped"
    # layers without a refreshable source are read as shipped
    assert dsrgeo.load("land", snapshot="latest").attrs["snapshot"] == "shipped"
    with pytest.raises(ValueError, match="snapshot"):
        dsrgeo.load("cables", snapshot="newest")


def test_layers_are_built_before_the_swap_and_pruned_with_their_snapshot(data_dir, server):
    first = refresh.refresh_cables(server.url("/mirror"), keep=1)
    first_built = first.folder / datadir.LAYERS_FOLDER
    assert (first_built / "cables.geojson").is_file()  # built before LATEST pointed at it
    before = fingerprint(data_dir)
    dsrgeo.load("cables", snapshot="latest")  # reading builds nothing, writes nothing
    assert fingerprint(data_dir) == before

    second = refresh.refresh_tles(server.url("/gnss.txt"), keep=1)  # another kind: no effect
    refresh.refresh_tles(server.url("/gnss.txt"), keep=1)
    assert not second.folder.exists() and first_built.is_dir()

    third = refresh.refresh_cables(server.url("/mirror"), keep=1)
    assert not first.folder.exists()
    assert sorted(dsrgeo.load("cables", snapshot="latest")["id"]) == ["peace-cable", "sagres"]
    assert (third.folder / datadir.LAYERS_FOLDER / "cables.geojson").is_file()
