"""dsrgeo.refresh and dsrgeo.download against a real HTTP server on 127.0.0.1 that injects faults.

After every fault the data folder must be byte for byte what it was before (``fingerprint``).
No test here reaches the internet; the slow faults use small limits so the file stays fast.
"""

import contextlib
import functools
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from httpserver import LocalServer, Route, wait_for
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import dsrgeo
from dsrgeo import datadir, download, refresh
from dsrgeo.errors import DsrgeoError, ElementSetError, ParameterError, RefreshError
from dsrgeo.gnss import read_tles
from dsrgeo.gnss.elements import load_satellites

REPO = Path(__file__).parents[1]
# CelesTrak's "gnss" group of 2026-06-06, 172 satellites, CRLF line endings
# (layers/sources/gnss/2026-06-06/SOURCE.md): what the default URL serves.
TLE_FILE = REPO / "layers" / "sources" / "gnss" / "2026-06-06" / "gnss.txt"
TLE_BYTES = TLE_FILE.read_bytes()
TLE_COUNT = 172
TLE_CORE = 54 + 32 + 33 + 28  # BeiDou, GPS, Galileo, GLONASS in SOURCE.md's table
# The shipped default snapshot (2022-02-04, the four CelesTrak groups): 50 + 31 + 28 + 25
SHIPPED_CORE = 134
# The ISS element set printed in Wikipedia's "Two-line element set" article (epoch 2008).
ISS_TLE = (
    b"ISS (ZARYA)\n"
    b"1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927\n"
    b"2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\n"
)
FAST_TIMEOUT_S = 0.5  # the slow route waits longer than this before answering
SLOW_DELAY_S = 5.0  # cut short when the server stops, so the test stays fast
TRICKLE_S = 0.02  # one byte every 20 ms: 50 bytes/s, far below 1000 bytes/s
SMALL_WINDOW_S = 0.3  # the rate window the trickle tests use instead of 10 s


def _with_checksum(line):
    """Return a TLE line with its last digit set to the mod-10 checksum of the others."""
    body = line[:68]
    total = sum(int(c) if c.isdigit() else (1 if c == "-" else 0) for c in body)
    return body + str(total % 10)


def _edit_line1(tle, edit, *, only_first=False):
    """Apply ``edit`` to TLE line 1s (keeping the line endings) and fix their checksums."""
    out, done = [], False
    for line in tle.decode("ascii").split("\r\n"):
        if line.startswith("1 ") and not (only_first and done):
            line, done = _with_checksum(edit(line)), True
        out.append(line)
    return "\r\n".join(out).encode("ascii")


def _bad_checksum(tle):
    """Change the checksum digit of the first line 1 (gnss.txt, line 2)."""
    lines = tle.split(b"\r\n")
    last = int(lines[1][-1:])
    lines[1] = lines[1][:-1] + str((last + 1) % 10).encode()
    return b"\r\n".join(lines)


def _first_lines(tle, count):
    """The first ``count`` lines of a CRLF text, each with its line ending."""
    return b"".join(line + b"\r\n" for line in tle.split(b"\r\n")[:count])


def _records(tle, keep):
    """The 3-line records of a CRLF TLE text whose name line passes ``keep``."""
    lines = tle.split(b"\r\n")
    return b"".join(
        b"\r\n".join(lines[n : n + 3]) + b"\r\n"
        for n in range(0, len(lines) - 2, 3)
        if keep(lines[n])
    )


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
    files |= {f"/mirror/cable/{cid}.json": rec for cid, rec in CABLE_RECORDS.items()}
    served = {
        path: Route(json.dumps(doc, indent=1).encode(), content_type="application/json")
        for path, doc in files.items()
    }
    served["/mirror/LICENSE"] = Route(b"CC BY-NC-SA 3.0\n", content_type="text/plain")
    return served


CABLE_RECORDS = {
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
        for p in sorted(Path(folder).rglob("*"))
    }


def _refresh_mirror(server, **kwargs):
    """A cables refresh from the tiny mirror; the first one needs force=True, since the
    mirror has far fewer cables than the shipped data."""
    return refresh.refresh_cables(server.url("/mirror"), **kwargs)


@pytest.fixture
def small_rate_window(monkeypatch):
    """Measure the minimum rate over SMALL_WINDOW_S instead of 10 s (refresh's Limits)."""
    monkeypatch.setattr(
        refresh, "Limits", functools.partial(download.Limits, rate_window_s=SMALL_WINDOW_S)
    )


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
    assert sorted(p.name for p in (data_dir / "tle").iterdir()) == sorted(
        ["LATEST", snapshot.folder.name]
    )


def test_provenance_records_the_final_url_after_redirects(data_dir, server):
    server.routes["/old"] = Route(status=301, headers={"Location": "/moved"})
    server.routes["/moved"] = Route(status=302, headers={"Location": server.url("/gnss.txt")})
    snapshot = refresh.refresh_tles(server.url("/old"))

    assert snapshot.source_url == server.url("/old")  # what the user asked for
    sidecar = json.loads((snapshot.folder / datadir.PROVENANCE_FILE).read_text())
    assert sidecar["source_url"] == server.url("/old")
    assert sidecar["files"][0]["url"] == server.url("/gnss.txt")  # where the bytes came from
    assert server.hits == {"/old": 1, "/moved": 1, "/gnss.txt": 1}


def test_gzip_response_is_stored_decoded(data_dir, server):
    server.routes["/gnss.txt"].gzip = True  # Content-Length counts the compressed bytes
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"))
    assert datadir.latest_tle_path().read_bytes() == TLE_BYTES
    assert snapshot.downloads[0].sha256 == hashlib.sha256(TLE_BYTES).hexdigest()


def test_refreshed_tles_read_back_with_read_tles(data_dir, server):
    refresh.refresh_tles(server.url("/gnss.txt"))
    assert len(read_tles(datadir.latest_tle_path())) == TLE_COUNT
    assert len(load_satellites("latest")) == TLE_COUNT


def test_cables_refresh_mirrors_the_shipped_layout(data_dir, server):
    snapshot = _refresh_mirror(server, force=True)

    folder = datadir.latest_cables_dir()
    assert folder == snapshot.folder
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    built = ["layers/cables.geojson", "layers/hmn_cables.geojson", "layers/landing_points.geojson"]
    assert names == sorted(
        [
            "LICENSE",
            "cable-geo.json",
            "cable/all.json",
            "cable/peace-cable.json",
            "cable/sagres.json",
            "landing-point-geo.json",
            "provenance.json",
            "supplier/hmn-tech.json",
            *built,
        ]
    )
    assert snapshot.contents == "2 route features, 3 landing points, 2 cable records"
    by_name = {d.name: d for d in snapshot.downloads}
    assert by_name["cable-geo.json"].url == server.url("/mirror/cable/cable-geo.json")
    for name, download_record in by_name.items():
        content = (folder / name).read_bytes()
        assert download_record.sha256 == hashlib.sha256(content).hexdigest()
        assert download_record.size_bytes == len(content)
    # the built layers are fingerprinted too, so reading them can check them
    assert [b.name for b in snapshot.built] == built
    for entry in snapshot.built:
        assert entry.sha256 == hashlib.sha256((folder / entry.name).read_bytes()).hexdigest()


def test_mirror_without_licence_is_accepted(data_dir, server):
    del server.routes["/mirror/LICENSE"]
    snapshot = refresh.refresh_cables(server.url("/mirror/"), force=True)
    assert not (snapshot.folder / "LICENSE").exists()


def test_server_error_then_success_is_retried(data_dir, server):
    server.routes["/gnss.txt"].fail_first = 1
    refresh.refresh_tles(server.url("/gnss.txt"), retries=1)
    assert server.hits["/gnss.txt"] == 2
    assert datadir.latest_tle_path().read_bytes() == TLE_BYTES


def test_body_cut_short_then_complete_is_retried(data_dir, server):
    cut = Route(TLE_BYTES, send_bytes=100)
    server.routes["/gnss.txt"] = Route(sequence=[cut, Route(TLE_BYTES)])
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


def test_pruning_orders_suffixes_as_numbers(data_dir, server, monkeypatch):
    # a fixed clock: all 11 snapshots fall in the same second, so they are named -2 ... -11
    monkeypatch.setattr(refresh, "utc_now", lambda: "2030-01-01T00:00:00Z")
    root = data_dir / "tle"
    snapshots = [refresh.refresh_tles(server.url("/gnss.txt"), keep=20) for _ in range(11)]
    names = [s.folder.name for s in snapshots]
    assert len(set(names)) == 11 and names[-1].endswith("-11"), names
    refresh.refresh_tles(server.url("/gnss.txt"), keep=2)
    kept = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert names[-1] in kept and len(kept) == 2  # "-11" is newer than "-2"


def test_pruning_leaves_a_folder_whose_name_has_other_digits(data_dir, server):
    # "\u0660" is ARABIC-INDIC DIGIT ZERO: a \d without re.ASCII took this user's folder for
    # the oldest snapshot, and pruning removed it
    root = data_dir / "tle"
    refresh.refresh_tles(server.url("/gnss.txt"), keep=1)
    theirs = root / "20200101T00000\u0660Z"
    theirs.mkdir()
    refresh.refresh_tles(server.url("/gnss.txt"), keep=1)
    assert theirs.is_dir()


def test_progress_bars_when_asked(data_dir, server, capsys):
    refresh.refresh_tles(server.url("/gnss.txt"), progress=True)
    refresh.refresh_cables(server.url("/mirror"), progress=True, force=True)
    err = capsys.readouterr().err
    assert f"{datadir.TLE_FILE}:" in err and "/28.9k" in err  # 28,896 bytes
    assert "cable records:" in err and "/2 " in err


def test_no_progress_bars_when_told_not_to(data_dir, server, capsys):
    refresh.refresh_tles(server.url("/gnss.txt"), progress=False)
    assert capsys.readouterr().err == ""


def test_no_refresh_means_no_latest_data(data_dir):
    assert datadir.latest_tle_path() is None
    assert datadir.latest_cables_dir() is None


# --- faults: the previous data stays byte-identical ----------------------------------------

# Lines 257-258 of gnss.txt end the 86th satellite: half of the 516 lines.
HALF_THE_LINES = len(_first_lines(TLE_BYTES, 258))

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
    "half its lines, no Content-Length": (
        dict(no_length=True, send_bytes=HALF_THE_LINES),
        f"{86 - 5 - 10} satellites of the core constellations, but the current snapshot",
    ),
    "ISS only": (dict(body=ISS_TLE), "no BeiDou, GPS, Galileo or GLONASS satellites"),
    "BeiDou only": (
        dict(body=_records(TLE_BYTES, lambda name: name.startswith(b"BEIDOU"))),
        "no GPS, Galileo or GLONASS satellites among the 54 element sets",
    ),
    "epochs decades in the future": (
        dict(body=_edit_line1(TLE_BYTES, lambda line: line[:18] + "56" + line[20:])),
        # day 157.86 of the leap year 2056: 31+29+31+30+31 = 152 days to May 31, so June 5
        "gnss.txt:line 2: the epoch of GPS BIIR-5  (PRN 22) is 2056-06-05, 30 years after",
    ),
    "garbage epoch, valid checksum": (
        dict(
            body=_edit_line1(
                TLE_BYTES, lambda line: line[:18] + "26x57.8625O432" + line[32:], only_first=True
            )
        ),
        "gnss.txt:line 2: the epoch field '26x57.8625O432' (columns 19-32) is not",
    ),
    "day 400, valid checksum": (
        dict(
            body=_edit_line1(
                TLE_BYTES, lambda line: line[:18] + "26400" + line[23:], only_first=True
            )
        ),
        "gives day 400 of 2026, which has days 1-365",
    ),
    "not ASCII": (dict(body=TLE_BYTES[:10] + "é".encode() + TLE_BYTES[12:]), "not ASCII"),
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
    assert "\n" not in str(caught.value)

    assert fingerprint(data_dir) == before
    assert datadir.latest_tle_path().read_bytes() == TLE_BYTES


def test_first_refresh_failing_leaves_data_folder_empty(data_dir, server):
    with pytest.raises(RefreshError, match="HTTP 404"):
        refresh.refresh_tles(server.url("/nothing-here.txt"), retries=0)
    assert fingerprint(data_dir) == {}  # not even the lock file or the tle folder


def test_first_refresh_is_compared_with_the_shipped_snapshot(data_dir, server):
    server.routes["/gnss.txt"].body = _first_lines(TLE_BYTES, 258)  # 71 core satellites
    with pytest.raises(RefreshError, match=f"the shipped snapshot 2022-02-04 has {SHIPPED_CORE}"):
        refresh.refresh_tles(server.url("/gnss.txt"))
    assert fingerprint(data_dir) == {}


def test_refused_connection_is_a_refresh_error(data_dir, server):
    url = server.url("/gnss.txt")
    server.__exit__(None, None, None)  # nobody listens on that port now
    with pytest.raises(RefreshError, match=r"could not download .* cannot connect \(Connection"):
        refresh.refresh_tles(url, retries=0)
    assert fingerprint(data_dir) == {}


def test_force_stores_an_implausible_but_sound_set(data_dir, server):
    refresh.refresh_tles(server.url("/gnss.txt"))
    server.routes["/gnss.txt"].body = ISS_TLE
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"), force=True)
    assert datadir.latest_tle_path().read_bytes() == ISS_TLE
    assert snapshot.contents == "1 satellites"
    # force never lets an unsound set through
    server.routes["/gnss.txt"].body = _bad_checksum(TLE_BYTES)
    with pytest.raises(RefreshError, match="checksum"):
        refresh.refresh_tles(server.url("/gnss.txt"), force=True)


# --- faults: time limits --------------------------------------------------------------------


def test_trickling_body_is_cut_by_the_minimum_rate(data_dir, server, small_rate_window):
    refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    server.routes["/gnss.txt"].trickle_s = TRICKLE_S
    with pytest.raises(RefreshError) as caught:
        refresh.refresh_tles(server.url("/gnss.txt"), timeout_s=FAST_TIMEOUT_S, retries=3)
    message = str(caught.value)
    assert re.search(
        rf"download of \S+ is too slow and was stopped after \d+ bytes: \d+ bytes in the last "
        rf"{SMALL_WINDOW_S:g} s, less than the minimum of 1000 bytes/s over any "
        rf"{SMALL_WINDOW_S:g} s",
        message,
    ), message
    assert server.hits["/gnss.txt"] == 2  # one good refresh, one trickle: never retried
    assert fingerprint(data_dir) == before


def test_trickle_without_length_is_cut_by_the_minimum_rate(data_dir, server, small_rate_window):
    server.routes["/gnss.txt"].trickle_s = TRICKLE_S
    server.routes["/gnss.txt"].no_length = True
    with pytest.raises(RefreshError, match="is too slow"):
        refresh.refresh_tles(server.url("/gnss.txt"))
    assert fingerprint(data_dir) == {}


def test_trickle_is_cut_by_the_deadline(data_dir, server):
    refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    server.routes["/gnss.txt"].trickle_s = TRICKLE_S  # slower than 1 kB/s, but the 10 s
    with pytest.raises(RefreshError) as caught:  # window is longer than the deadline
        refresh.refresh_tles(server.url("/gnss.txt"), deadline_s=0.4)
    message = str(caught.value)
    assert "stopped after" in message
    assert "the deadline of deadline_s=0.4 s for the whole refresh has passed" in message
    assert fingerprint(data_dir) == before


def test_trickling_headers_count_as_no_answer(data_dir, server):
    route = server.routes["/gnss.txt"]
    route.trickle_s, route.trickle_headers = TRICKLE_S, True
    with pytest.raises(RefreshError, match=r"no answer from \S+ within timeout_s=0.3 s"):
        refresh.refresh_tles(server.url("/gnss.txt"), timeout_s=0.3, retries=0)
    assert fingerprint(data_dir) == {}


def test_deadline_covers_retries(data_dir, server):
    server.routes["/gnss.txt"].fail_first = 99  # 0, 1, 2, 4 s of backoff would follow
    with pytest.raises(RefreshError, match=r"HTTP 500 .*no time is left to try again within"):
        refresh.refresh_tles(server.url("/gnss.txt"), retries=4, deadline_s=1.5)
    assert server.hits["/gnss.txt"] == 3  # waits 0 s, 1 s, then 2 s would pass the deadline


def test_default_limits_cut_a_half_second_trickle_within_30_s():
    """The issue's trickle (one byte every 0.5 s) against the default limits, on a simulated
    clock: the minimum-rate check used by every download stops it after 10 s."""
    limits = download.Limits()
    assert refresh.refresh_tles.__kwdefaults__["timeout_s"] == limits.timeout_s
    assert refresh.refresh_tles.__kwdefaults__["deadline_s"] == limits.deadline_s
    watch = download.Throughput(limits.min_rate_bytes_per_s, limits.rate_window_s, start_s=0.0)
    cut_s = next(n * 0.5 for n in range(1, 10_000) if watch.add(n * 0.5, n) is not None)
    assert cut_s == limits.rate_window_s == 10.0 < 30
    # the rate cut is never retried, so this is the whole refresh; the deadline is a backstop
    assert limits.deadline_s == 600.0


def test_rate_check_keeps_a_steady_download():
    """1 kB/s exactly, in 100-byte pieces every 0.1 s for a minute: never too slow."""
    watch = download.Throughput(1000, 10, start_s=0.0)
    assert all(watch.add(n / 10, 100 * n) is None for n in range(1, 601))
    assert watch.add(60.1, 60_000) == (
        "9900 bytes in the last 10 s, less than the minimum of 1000 bytes/s over any 10 s"
    )


# --- faults: URLs and redirects -------------------------------------------------------------

URL_FAULTS = {
    "file://": ("file:///etc/passwd", "'file:///etc/passwd' is not an http:// or https:// URL"),
    "not-a-url": ("not-a-url", "'not-a-url' is not an http:// or https:// URL"),
    "no host": ("http:///gnss.txt", "has no host name"),
    "bad port": ("http://127.0.0.1:99999/", "is not a valid URL"),
    "ftp": ("ftp://127.0.0.1/gnss.txt", "is not an http:// or https:// URL"),
}


@pytest.mark.parametrize("fault", URL_FAULTS, ids=list(URL_FAULTS))
def test_non_http_url_is_refused_before_any_request(data_dir, server, fault):
    url, message = URL_FAULTS[fault]
    for run in (refresh.refresh_tles, refresh.refresh_cables):
        with pytest.raises(RefreshError, match=re.escape(message)):
            run(url)
    assert server.hits == {}
    assert fingerprint(data_dir) == {}


REDIRECT_FAULTS = {
    "to file://": (
        {"/r": Route(status=302, headers={"Location": "file:///etc/passwd"})},
        "redirected (HTTP 302) to 'file:///etc/passwd', which is not an http:// or https:// URL",
    ),
    "to not-a-url scheme": (
        {"/r": Route(status=307, headers={"Location": "gopher://127.0.0.1/x"})},
        "to 'gopher://127.0.0.1/x', which is not an http:// or https:// URL",
    ),
    "loop": (
        {
            "/r": Route(status=302, headers={"Location": "/loop-b"}),
            "/loop-b": Route(status=301, headers={"Location": "/r"}),
        },
        "redirect loop (",
    ),
    "to itself": ({"/r": Route(status=308, headers={"Location": "/r"})}, "redirect loop ("),
    "too many": (
        {
            f"/r{'' if n == 0 else n}": Route(status=302, headers={"Location": f"/r{n + 1}"})
            for n in range(8)
        },
        "more than max_redirects=5 redirects",
    ),
}


@pytest.mark.parametrize("fault", REDIRECT_FAULTS, ids=list(REDIRECT_FAULTS))
def test_bad_redirect_is_a_refresh_error(data_dir, server, fault):
    refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    routes, message = REDIRECT_FAULTS[fault]
    server.routes |= routes
    with pytest.raises(RefreshError, match=re.escape(message)) as caught:
        refresh.refresh_tles(server.url("/r"), retries=2)
    assert str(caught.value).startswith(server.url("/")) and "refused" in str(caught.value)
    assert server.hits["/r"] <= 2  # refused at once, never retried
    assert fingerprint(data_dir) == before


# --- faults: cable mirrors ------------------------------------------------------------------


def _replace_json(route, edit):
    doc = json.loads(route.body)
    edit(doc)
    route.body = json.dumps(doc, indent=1).encode()


def _half_the_lines(route):
    lines = route.body.split(b"\n")
    route.body = b"\n".join(lines[: len(lines) // 2]) + b"\n"
    route.send_bytes = len(route.body)
    route.no_length = True


CABLE_FAULTS = {
    "routes 404": ("/mirror/cable/cable-geo.json", lambda r: setattr(r, "status", 404), "HTTP 404"),
    "routes invalid JSON": (
        "/mirror/cable/cable-geo.json",
        lambda r: setattr(r, "body", r.body[:-10]),
        "invalid JSON",
    ),
    "routes: half the lines, no Content-Length": (
        "/mirror/cable/cable-geo.json",
        _half_the_lines,
        "invalid JSON",
    ),
    "record: half the lines, no Content-Length": (
        "/mirror/cable/peace-cable.json",
        _half_the_lines,
        "peace-cable.json: invalid JSON",
    ),
    "far fewer cables": (
        "/mirror/cable/cable-geo.json",
        lambda r: _replace_json(r, lambda d: d["features"].pop()),
        "1 cables, but the current snapshot",
    ),
    "far fewer landing points": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: _replace_json(r, lambda d: d["features"].pop()),
        "2 landing points, but the current snapshot",
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
    "landing point name a number": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: _replace_json(r, lambda d: d["features"][1]["properties"].update(name=5)),
        "do not build into layers",
    ),
    "latitude out of range": (
        "/mirror/landing-point/landing-point-geo.json",
        lambda r: _replace_json(
            r, lambda d: d["features"][0]["geometry"].update(coordinates=[24.8, 167.0])
        ),
        "(24.8, 167) is not lon/lat degrees",
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
    "record: landing_points a string": (
        "/mirror/cable/sagres.json",
        lambda r: _replace_json(r, lambda d: d.update(landing_points="x")),
        "sagres.json, field 'landing_points': 'x' is not of type 'array', 'null'",
    ),
    "record: rfs_year a word": (
        "/mirror/cable/sagres.json",
        lambda r: _replace_json(r, lambda d: d.update(rfs_year="abc")),
        "field 'rfs_year': 'abc' is not of type 'integer', 'null'",
    ),
    "record: length a number": (
        "/mirror/cable/sagres.json",
        lambda r: _replace_json(r, lambda d: d.update(length=5)),
        "field 'length': 5 is not of type 'string', 'null'",
    ),
    "record: landing point without country": (
        "/mirror/cable/peace-cable.json",
        lambda r: _replace_json(r, lambda d: d["landing_points"][0].pop("country")),
        "field 'landing_points/0': 'country' is a required property",
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
    "record redirected to file://": (
        "/mirror/cable/peace-cable.json",
        lambda r: (setattr(r, "status", 302), r.headers.update(Location="file:///etc/passwd")),
        "redirected (HTTP 302) to 'file:///etc/passwd'",
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
    good = _refresh_mirror(server, force=True)
    before = fingerprint(data_dir)
    path, change, message = CABLE_FAULTS[fault]
    change(server.routes[path])

    with pytest.raises(RefreshError, match=re.escape(message)) as caught:
        refresh.refresh_cables(server.url("/mirror"), timeout_s=FAST_TIMEOUT_S, retries=1)
    assert str(caught.value).endswith("the previous data is unchanged")

    assert fingerprint(data_dir) == before
    assert datadir.latest_cables_dir() == good.folder


def test_tiny_mirror_is_refused_against_the_shipped_data_unless_forced(data_dir, server):
    with pytest.raises(
        RefreshError, match=r"2 cables, but the shipped data has 521: fewer than 90"
    ):
        refresh.refresh_cables(server.url("/mirror"))
    assert fingerprint(data_dir) == {}
    _refresh_mirror(server, force=True)
    # now the current snapshot is the reference: the same mirror passes without force
    second = _refresh_mirror(server)
    assert datadir.latest_cables_dir() == second.folder


def test_unwritable_data_folder_is_a_refresh_error(data_dir, server):
    (data_dir / "tle").write_text("a file where the tle folder should be")
    before = fingerprint(data_dir)
    with pytest.raises(RefreshError, match="cannot lock .*check that the data folder is writable"):
        refresh.refresh_tles(server.url("/gnss.txt"))
    assert fingerprint(data_dir) == before
    assert server.hits == {}


# --- concurrent refreshes, killed refreshes -------------------------------------------------


def test_concurrent_refreshes_end_with_the_newer_data(data_dir, server):
    """A starts first and gets a slow answer; B starts while A downloads. B waits for A's
    lock, so its (newer) data is swapped in last; LATEST names B's existing snapshot."""
    newer = TLE_BYTES.replace(b"\r\n", b"\n")  # the same satellites, other bytes
    server.routes["/gnss.txt"] = Route(
        sequence=[Route(TLE_BYTES, delay_s=0.6), Route(newer)], content_type="text/plain"
    )
    results, errors = {}, []

    def run(label):
        try:
            results[label] = refresh.refresh_tles(server.url("/gnss.txt"), keep=1)
        except Exception as err:  # reported below
            errors.append(err)

    first = threading.Thread(target=run, args=("A",))
    first.start()
    assert wait_for(lambda: server.hits.get("/gnss.txt") == 1)  # A's answer is on its way
    second = threading.Thread(target=run, args=("B",))
    second.start()
    first.join(20)
    second.join(20)

    assert errors == []
    assert results["A"].retrieved_utc <= results["B"].retrieved_utc
    latest = datadir.latest_snapshot("tle")
    assert latest.folder == results["B"].folder and latest.folder.is_dir()
    assert datadir.latest_tle_path().read_bytes() == newer
    assert not results["A"].folder.exists()  # keep=1 pruned it
    assert sorted(p.name for p in (data_dir / "tle").iterdir()) == sorted(
        ["LATEST", latest.folder.name]
    )


def test_a_held_lock_makes_a_refresh_wait_then_give_up_at_its_deadline(data_dir, server):
    refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    held, release = threading.Event(), threading.Event()

    def hold():
        with datadir.refresh_lock("tle"):
            held.set()
            release.wait(20)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(20)
        with pytest.raises(RefreshError, match="another refresh of 'tle' is still running"):
            refresh.refresh_tles(server.url("/gnss.txt"), deadline_s=0.3)
        assert server.hits["/gnss.txt"] == 1  # it never downloaded
    finally:
        release.set()
        holder.join(20)
    assert fingerprint(data_dir) == before  # the holder removed the lock file


def test_older_download_never_replaces_newer_data(data_dir, server, monkeypatch):
    newer = refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    monkeypatch.setattr(refresh, "utc_now", lambda: "2020-01-01T00:00:00Z")  # a clock behind
    with pytest.raises(RefreshError, match="after this download .*it stays the latest"):
        refresh.refresh_tles(server.url("/gnss.txt"))
    assert fingerprint(data_dir) == before
    assert datadir.latest_snapshot("tle") == newer


_STALLING_REFRESH = """
import sys, time
from pathlib import Path
from dsrgeo import datadir, refresh

def stall(incoming, root, stamp):  # the folder is written; the swap never comes
    Path(sys.argv[2] + ".tmp").write_text(str(incoming))
    Path(sys.argv[2] + ".tmp").rename(sys.argv[2])  # the parent sees it whole
    time.sleep(60)

datadir._rename_into_place = stall
refresh.refresh_tles(sys.argv[1], retries=0)
"""


def test_killed_refresh_leftovers_are_removed_by_the_next_one(data_dir, server, tmp_path):
    good = refresh.refresh_tles(server.url("/gnss.txt"))
    root = data_dir / "tle"
    marker = tmp_path / "stalled"
    env = {**os.environ, datadir.ENV_VAR: str(data_dir), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", _STALLING_REFRESH, server.url("/gnss.txt"), str(marker)], env=env
    )
    try:
        assert wait_for(marker.exists, timeout_s=30)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait(20)
    leftover = Path(marker.read_text())
    assert leftover.parent == root and leftover.name.startswith(f".incoming-{child.pid}-")
    assert (leftover / datadir.TLE_FILE).read_bytes() == TLE_BYTES
    assert (root / datadir.LOCK_FILE).exists()  # flock died with the process; the file stays
    # a live process's folder and a fresh 0.1-style one stay; an old 0.1-style one goes
    live = root / f".incoming-{os.getppid()}-0123abcd"
    fresh_legacy, old_legacy = root / ".incoming-k3j4h5g6", root / ".incoming-a1b2c3d4"
    for folder in (live, fresh_legacy, old_legacy):
        folder.mkdir()
    os.utime(old_legacy, (time.time() - 2 * 3600,) * 2)
    assert datadir.latest_snapshot("tle") == good  # readers do not mind the leftovers

    # a failing refresh changes nothing, leftovers included
    before = fingerprint(data_dir)
    server.routes["/gnss.txt"].status = 404
    with pytest.raises(RefreshError, match="HTTP 404"):
        refresh.refresh_tles(server.url("/gnss.txt"), retries=0)
    assert fingerprint(data_dir) == before

    server.routes["/gnss.txt"].status = 200
    new = refresh.refresh_tles(server.url("/gnss.txt"))
    assert not leftover.exists() and not old_legacy.exists()
    assert live.exists() and fresh_legacy.exists()
    assert not (root / datadir.LOCK_FILE).exists()
    assert datadir.latest_snapshot("tle") == new


def test_sigterm_during_a_refresh_leaves_no_leftovers(data_dir, server, tmp_path):
    """The CLI turns SIGTERM into SystemExit, so the temporary folder is removed at once."""
    refresh.refresh_tles(server.url("/gnss.txt"))
    before = fingerprint(data_dir)
    marker = tmp_path / "stalled"
    code = _STALLING_REFRESH.replace(
        "refresh.refresh_tles(sys.argv[1], retries=0)",
        "from dsrgeo.cli import main\n"
        "sys.exit(main(['refresh', 'tle', '--url', sys.argv[1], '--no-progress']))",
    )
    env = {**os.environ, datadir.ENV_VAR: str(data_dir), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", code, server.url("/gnss.txt"), str(marker)], env=env
    )
    try:
        assert wait_for(marker.exists, timeout_s=30)
        child.send_signal(signal.SIGTERM)
        assert child.wait(20) == 128 + signal.SIGTERM
    finally:
        child.kill()
        child.wait(20)
    assert fingerprint(data_dir) == before


# --- sha256 checked on read -----------------------------------------------------------------


def test_tampered_tle_snapshot_is_detected_on_read(data_dir, server):
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"))
    path = snapshot.folder / datadir.TLE_FILE
    path.write_bytes(path.read_bytes().replace(b"GPS BIIR-5 ", b"GPS BIIR-6 ", 1))  # same size
    expected = r"tle\.txt changed after it was stored .* run `dsrgeo refresh tle` again"
    with pytest.raises(RefreshError, match=expected):
        datadir.latest_snapshot("tle")
    with pytest.raises(RefreshError, match=expected):
        datadir.latest_tle_path()
    with pytest.raises(RefreshError, match=expected):
        load_satellites("latest")
    path.unlink()
    with pytest.raises(RefreshError, match=r"tle\.txt is missing"):
        datadir.latest_snapshot("tle")
    # a refresh repairs it (compared with the shipped snapshot, the current one being broken)
    repaired = refresh.refresh_tles(server.url("/gnss.txt"))
    assert datadir.latest_snapshot("tle") == repaired


def test_tampered_cable_layer_is_detected_on_load(data_dir, server):
    snapshot = _refresh_mirror(server, force=True)
    assert len(dsrgeo.load("cables", snapshot="latest")) == 2
    layer = snapshot.folder / datadir.LAYERS_FOLDER / "cables.geojson"
    layer.write_bytes(layer.read_bytes() + b" ")
    with pytest.raises(RefreshError, match=r"layers/cables\.geojson changed after it was stored"):
        dsrgeo.load("cables", snapshot="latest")
    with pytest.raises(RefreshError, match="dsrgeo refresh cables"):
        dsrgeo.load("landing_points", snapshot="latest")


def test_tampered_provenance_is_detected(data_dir, server):
    snapshot = refresh.refresh_tles(server.url("/gnss.txt"))
    sidecar = snapshot.folder / datadir.PROVENANCE_FILE
    record = json.loads(sidecar.read_text())
    record["files"][0]["name"] = "../../../etc/passwd"
    sidecar.write_text(json.dumps(record))
    with pytest.raises(RefreshError, match="cannot read the provenance .* not a relative path"):
        datadir.latest_snapshot("tle")


# --- data folder ----------------------------------------------------------------------------


def test_data_dir_follows_the_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(datadir.ENV_VAR, str(tmp_path / "elsewhere"))
    assert datadir.data_dir() == (tmp_path / "elsewhere").resolve()


def test_data_dir_defaults_to_platformdirs(monkeypatch):
    import platformdirs

    monkeypatch.delenv(datadir.ENV_VAR, raising=False)
    assert datadir.data_dir() == Path(platformdirs.user_data_dir("dsrgeo", appauthor=False))


def test_refresh_into_a_missing_data_folder_removes_it_again_on_failure(tmp_path, monkeypatch):
    monkeypatch.setenv(datadir.ENV_VAR, str(tmp_path / "new" / "data"))
    with LocalServer() as running, pytest.raises(RefreshError, match="HTTP 404"):
        refresh.refresh_tles(running.url("/missing"), retries=0)
    assert list(tmp_path.iterdir()) == []


def test_data_dir_inside_the_package_is_refused(monkeypatch):
    monkeypatch.setenv(datadir.ENV_VAR, str(Path(dsrgeo.__file__).parent / "data"))
    with pytest.raises(ParameterError, match="DSRGEO_DATA_DIR: .* must stay as shipped"):
        datadir.data_dir()
    # in a source checkout the shipped data folder is layers/: refused too
    monkeypatch.setenv(datadir.ENV_VAR, str(dsrgeo.catalog.shipped_dir() / "sub"))
    with pytest.raises(ParameterError, match="must stay as shipped"):
        datadir.data_dir()


def test_refresh_into_the_package_is_refused_before_downloading(server, monkeypatch):
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


BAD_ARGUMENTS = [
    dict(timeout_s=0),
    dict(timeout_s=float("nan")),
    dict(timeout_s="30"),
    dict(deadline_s=0),
    dict(deadline_s=-1),
    dict(deadline_s=float("inf")),
    dict(retries=-1),
    dict(retries=1.5),
    dict(retries=True),
    dict(keep=0),
    dict(keep=2.5),
    dict(force="yes"),
    dict(progress="no"),
    dict(url=None),
    dict(url=b"http://127.0.0.1/"),
]


@pytest.mark.parametrize("bad", BAD_ARGUMENTS, ids=[repr(b) for b in BAD_ARGUMENTS])
def test_bad_arguments_are_refused_before_any_work(data_dir, server, bad):
    (parameter,) = bad
    for run in (refresh.refresh_tles, refresh.refresh_cables):
        with pytest.raises(ParameterError, match=f"^{parameter}: "):
            run(**{"url": server.url("/gnss.txt"), **bad})
    assert server.hits == {}
    assert fingerprint(data_dir) == {}


def test_bad_workers_are_refused(data_dir, server):
    for workers in (0, 65, 2.5):
        with pytest.raises(ParameterError, match="workers"):
            refresh.refresh_cables(server.url("/mirror"), workers=workers)
    assert server.hits == {}


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

    assert main(["refresh", "cables", "--url", server.url("/mirror"), "--force"]) == 0
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


CLI_FAULTS = {
    "file://": (["--url", "file:///etc/passwd"], "is not an http:// or https:// URL"),
    "not-a-url": (["--url", "not-a-url"], "is not an http:// or https:// URL"),
    "redirect to file://": (["--url", "/to-file"], "redirected (HTTP 302) to 'file:///etc/passwd'"),
    "redirect loop": (["--url", "/loop"], "redirect loop"),
    "deadline": (["--url", "/trickle", "--deadline-s", "0.3"], "deadline of deadline_s=0.3 s"),
    "deadline zero": (["--url", "/gnss.txt", "--deadline-s", "0"], "deadline_s: expected a number"),
    "timeout nan": (["--url", "/gnss.txt", "--timeout-s", "nan"], "timeout_s: expected a finite"),
    "keep zero": (["--url", "/gnss.txt", "--keep", "0"], "keep: expected a number in [1, 1000]"),
    "ISS only": (["--url", "/iss.txt"], "no BeiDou, GPS, Galileo or GLONASS"),
}


@pytest.mark.parametrize("fault", CLI_FAULTS, ids=list(CLI_FAULTS))
def test_cli_refresh_faults_are_one_line_and_exit_2(data_dir, server, capsys, fault):
    from dsrgeo.cli import main

    server.routes["/to-file"] = Route(status=302, headers={"Location": "file:///etc/passwd"})
    server.routes["/loop"] = Route(status=302, headers={"Location": "/loop"})
    server.routes["/trickle"] = Route(TLE_BYTES, trickle_s=TRICKLE_S)
    server.routes["/iss.txt"] = Route(ISS_TLE)
    args, message = CLI_FAULTS[fault]
    args = [server.url(a) if a.startswith("/") else a for a in args]
    assert main(["refresh", "tle", *args, "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("dsrgeo refresh: error: ") and message in captured.err
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert fingerprint(data_dir) == {}


def test_cli_force_stores_an_implausible_set(data_dir, server, capsys):
    from dsrgeo.cli import main

    server.routes["/iss.txt"] = Route(ISS_TLE)
    assert main(["refresh", "tle", "--url", server.url("/iss.txt"), "--force"]) == 0
    assert "refreshed tle: 1 satellites" in capsys.readouterr().out


def test_cli_status_reports_a_tampered_snapshot(data_dir, server, capsys):
    from dsrgeo.cli import main

    snapshot = _refresh_mirror(server, force=True)
    refresh.refresh_tles(server.url("/gnss.txt"))
    (snapshot.folder / "cable" / "sagres.json").write_text("{}")
    assert main(["refresh", "status"]) == 2
    captured = capsys.readouterr()
    assert f"tle: {TLE_COUNT} satellites" in captured.out
    assert "cables: damaged: snapshot" in captured.out and "sagres.json changed" in captured.out


# --- using refreshed data -------------------------------------------------------------------


def test_load_latest_builds_cable_layers_from_the_refreshed_snapshot(data_dir, server):
    with pytest.raises(RefreshError, match="dsrgeo refresh cables"):
        dsrgeo.load("cables", snapshot="latest")
    _refresh_mirror(server, force=True)

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
    first = _refresh_mirror(server, keep=1, force=True)
    first_built = first.folder / datadir.LAYERS_FOLDER
    assert (first_built / "cables.geojson").is_file()  # built before LATEST pointed at it
    before = fingerprint(data_dir)
    dsrgeo.load("cables", snapshot="latest")  # reading builds nothing, writes nothing
    assert fingerprint(data_dir) == before

    second = refresh.refresh_tles(server.url("/gnss.txt"), keep=1)  # another kind: no effect
    refresh.refresh_tles(server.url("/gnss.txt"), keep=1)
    assert not second.folder.exists() and first_built.is_dir()

    third = _refresh_mirror(server, keep=1)
    assert not first.folder.exists()
    assert sorted(dsrgeo.load("cables", snapshot="latest")["id"]) == ["peace-cable", "sagres"]
    assert (third.folder / datadir.LAYERS_FOLDER / "cables.geojson").is_file()


# --- generated input (hypothesis): only dsrgeo's own errors, nothing written on failure -----


@contextlib.contextmanager
def _fresh_data_folder():
    """A new empty data folder as DSRGEO_DATA_DIR for one generated case."""
    previous = os.environ.get(datadir.ENV_VAR)
    with tempfile.TemporaryDirectory() as folder:
        os.environ[datadir.ENV_VAR] = folder
        try:
            yield Path(folder)
        finally:
            if previous is None:
                del os.environ[datadir.ENV_VAR]
            else:
                os.environ[datadir.ENV_VAR] = previous


TLE_LINES = TLE_BYTES.decode("ascii").split("\r\n")[:-1]
_TLE_CHARS = st.sampled_from("0123456789 .+-ABCXYZaz\t#")


@st.composite
def tle_texts(draw):
    """TLE text near the real thing: whole records of the real set (sometimes all of them,
    sometimes cut anywhere), then edits of every kind, most with a fixed checksum so they
    reach the checks behind it."""
    records = len(TLE_LINES) // 3
    first = draw(st.integers(0, records - 1))
    count = draw(st.sampled_from([records, records - 10]) | st.integers(0, 12))
    lines = TLE_LINES[3 * first : 3 * (first + count)]
    if draw(st.integers(0, 9)) == 0:  # a slice that starts or ends inside a record
        lines = lines[draw(st.integers(0, 2)) : len(lines) - draw(st.integers(0, 2))]
    for _ in range(draw(st.integers(0, 3))):
        if not lines:
            break
        n = draw(st.integers(0, len(lines) - 1))
        kind = draw(
            st.sampled_from(
                ["epoch", "char+checksum", "char+checksum", "char", "drop", "dup", "junk", "trim"]
            )
        )
        line = lines[n]
        if kind == "epoch" and line.startswith("1 ") and len(line) == 69:
            year = draw(st.integers(0, 99))
            day = draw(st.floats(0, 400, allow_nan=False))
            lines[n] = _with_checksum(f"{line[:18]}{year:02d}{day:012.8f}"[:32] + line[32:])
        elif kind.startswith("char") and line:
            col = draw(st.integers(0, len(line) - 1))
            line = line[:col] + draw(_TLE_CHARS) + line[col + 1 :]
            if kind == "char+checksum" and len(line) >= 68 and line[:2] in ("1 ", "2 "):
                line = _with_checksum(line)  # gets past the checksum to the deeper checks
            lines[n] = line
        elif kind == "drop":
            del lines[n]
        elif kind == "dup":
            lines.insert(n, line)
        elif kind == "junk":
            lines.insert(n, draw(st.text(max_size=80)))
        elif kind == "trim":
            lines[n] = line[: draw(st.integers(0, len(line)))]
    ending = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    return ending.join(lines) + draw(st.sampled_from(["", ending]))


_OUTCOMES = [  # what a refusal says, in a few words (for --hypothesis-show-statistics)
    ("checksum", "bad checksum"),
    ("TLE line has", "line length"),
    ("should be the checksum digit", "bad checksum"),
    ("epoch field", "garbage epoch field"),
    ("inclination field", "garbage inclination field"),
    ("mean motion field", "garbage mean motion field"),
    ("satellite number", "line 1 and 2 numbers differ"),
    ("SGP4 cannot", "SGP4 refuses"),
    ("line 2 without", "unpaired line"),
    ("not followed by", "unpaired line"),
    ("expected TLE line 1", "not TLE"),
    ("not ASCII", "not ASCII"),
    ("no element sets", "empty"),
    ("core constellations (BeiDou", "core constellation missing"),
    ("fewer than 90%", "far fewer than before"),
    ("after the download", "epoch far ahead"),
    ("invalid JSON", "invalid JSON"),
    ("not UTF-8", "not UTF-8"),
    ("do not build into layers", "does not build"),
    ("is not of type", "schema: wrong type"),
    ("is a required property", "schema: field missing"),
    ("expected a cable record with id", "wrong record id"),
    ("is greater than the maximum", "schema: out of range"),
    ("is less than the minimum", "schema: out of range"),
    ("does not match", "schema: not a slug"),
    ("is too long", "schema: too long"),
    ("should be non-empty", "schema: empty"),
]


def _outcome(err):
    text = str(err)
    return next((label for words, label in _OUTCOMES if words in text), f"other: {text[:60]}")


@settings(max_examples=500, deadline=None, database=None)
@given(text=tle_texts())
def test_generated_tle_text_reads_or_raises_element_set_error(text):
    try:
        satellites = read_tles(text, source="https://example.org/gnss.txt")
    except ElementSetError as err:
        assert str(err).startswith("https://example.org/gnss.txt")
        event(f"refused: {_outcome(err)}")
        return
    event(f"read: {'none' if len(satellites) == 0 else 'some'} satellites")
    assert len(satellites) <= text.count("\n") + text.count("\r") + 1
    assert satellites.epoch.dtype.kind == "M"  # every epoch was readable


@pytest.fixture(scope="module")
def shared_server():
    with LocalServer() as running:
        running.routes |= _cable_mirror()
        yield running


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=tle_texts(), force=st.booleans())
def test_generated_tle_download_is_stored_whole_or_not_at_all(shared_server, text, force):
    body = text.encode("utf-8")
    shared_server.routes["/gen.txt"] = Route(body)
    with _fresh_data_folder() as folder:
        try:
            snapshot = refresh.refresh_tles(shared_server.url("/gen.txt"), force=force, retries=0)
        except DsrgeoError as err:
            assert isinstance(err, RefreshError), err
            assert fingerprint(folder) == {}
            event(f"refused: {_outcome(err)}")
            return
        event(f"stored{' (forced)' if force else ''}")
        assert datadir.latest_snapshot("tle") == snapshot
        assert f"{len(load_satellites('latest'))} satellites" == snapshot.contents
        assert (snapshot.folder / datadir.TLE_FILE).read_bytes() == body


def _json_values():
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(10**6), 10**6)
        | st.floats()
        | st.text(max_size=12)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


def _near(doc):
    """A strategy for documents like ``doc``: some fields replaced by any JSON value."""
    keys = sorted(doc)
    return st.fixed_dictionaries(
        {k: st.just(doc[k]) | _json_values() for k in keys},
        optional={
            k: _json_values() for k in ("rfs_year", "landing_points", "extra") if k not in doc
        },
    )


def _cable_records(cable_id="peace-cable"):
    """Cable records with the right id, fields mostly of the schema's types (sometimes not,
    sometimes out of range), names and texts of any characters."""
    slug = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True)
    texts = st.none() | st.text(max_size=30)
    landing_point = st.fixed_dictionaries(
        {
            "id": slug | _json_values(),
            "country": st.sampled_from(["Pakistan", "Djibouti", "Atlantis", ""]) | _json_values(),
        },
        optional={"name": texts, "is_tbd": st.none() | st.booleans()},
    )
    fields = {
        "length": texts | st.sampled_from(["21,500 km", "1,234.5 km", "n.a.", "km"]),
        "landing_points": st.none() | st.lists(landing_point, max_size=3),
        "owners": texts,
        "suppliers": texts | st.sampled_from(["HMN Tech", "Huawei Marine Networks, NEC"]),
        "rfs": texts,
        "rfs_year": st.none() | st.integers(1800, 2200),
        "is_planned": st.none() | st.booleans(),
        "url": texts,
        "notes": texts,
    }
    typed = st.fixed_dictionaries(
        {"id": st.just(cable_id), "name": st.text(min_size=1, max_size=30)}, optional=fields
    )
    return typed | _near(CABLE_RECORDS[cable_id])


FEATURE = {
    "type": "Feature",
    "properties": {"id": "peace-cable", "name": "PEACE"},
    "geometry": {"type": "LineString", "coordinates": [[67.0, 24.8], [43.1, 11.6]]},
}


def _bodies():
    docs = (
        _json_values()
        | st.builds(
            lambda f: {"type": "FeatureCollection", "features": f},
            st.lists(_near(FEATURE) | _json_values(), max_size=3),
        )
        | _cable_records()
        | st.lists(_near({"id": "peace-cable", "name": "PEACE"}), max_size=3)
        | st.builds(lambda c: {"cables": c}, _json_values())
    )
    return st.builds(lambda d: json.dumps(d).encode(), docs) | st.binary(max_size=64)


VALIDATORS = {
    "routes": lambda f: refresh._check_feature_collection(f, "line", unique_ids=False),
    "landing points": lambda f: refresh._check_feature_collection(f, "point", unique_ids=True),
    "index": lambda f: refresh._check_cable_index(f, ["peace-cable"]),
    "record": refresh._check_cable_record,
    "supplier": refresh._check_supplier,
}


@settings(max_examples=300, deadline=None, database=None)
@given(body=_bodies(), which=st.sampled_from(sorted(VALIDATORS)))
def test_generated_json_bodies_pass_or_raise_refresh_error(body, which):
    record = datadir.Download("cable/peace-cable.json", "https://example.org/x.json", "t", "0", 0)
    try:
        VALIDATORS[which]((record, body))
    except RefreshError as err:
        assert "\n" not in str(err)
        event(f"{which}: refused")
        return
    event(f"{which}: passed")


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(record=_cable_records())
def test_generated_cable_record_builds_and_loads_or_changes_nothing(shared_server, record):
    shared_server.routes["/mirror/cable/peace-cable.json"].body = json.dumps(record).encode()
    with _fresh_data_folder() as folder:
        try:
            refresh.refresh_cables(shared_server.url("/mirror"), force=True, retries=0)
        except DsrgeoError as err:
            assert isinstance(err, RefreshError), err
            assert fingerprint(folder) == {}
            event(f"refused: {_outcome(err)}")
            return
        event("stored, and its layers load")
        for layer_id in ("cables", "landing_points", "hmn_cables"):
            assert len(dsrgeo.load(layer_id, snapshot="latest")) >= 1


def test_pruning_removes_only_snapshot_folders(data_dir):
    """A folder a user keeps beside the snapshots is neither deleted nor counted as one."""
    root = data_dir / "demo"
    root.mkdir()
    for name in ("2025-archive", "zz", "notes"):
        (root / name).mkdir()
    made = []
    for hour in range(4):
        stamp = f"2026-01-01T0{hour}:00:00Z"
        entry = download.Download("a.txt", "http://127.0.0.1/a.txt", stamp,
                                  hashlib.sha256(b"hi").hexdigest(), 2)  # fmt: skip
        made.append(
            datadir.write_snapshot(
                "demo", [(entry, b"hi")], source_url=entry.url, retrieved_utc=stamp,
                contents="one file", keep=2,
            ).folder.name
        )  # fmt: skip
    left = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert left == sorted(["2025-archive", "zz", "notes", *made[-2:]])
    assert datadir.latest_snapshot("demo").folder.name == made[-1]


def test_a_redirect_from_https_to_http_is_refused():
    import requests

    response = requests.Response()
    response.status_code = 302
    response.headers["Location"] = "http://127.0.0.1/data.json"
    response.url = "https://127.0.0.1/data.json"
    with download.Downloader() as fetcher:  # no request is made: only the redirect is judged
        fetcher._session = requests.Session()
        with pytest.raises(RefreshError, match="from https to plain http"):
            fetcher._next_hop(["https://127.0.0.1/data.json"], response)
        response.headers["Location"] = "HTTPS://127.0.0.1/moved.json"
        assert fetcher._next_hop(["https://127.0.0.1/data.json"], response).endswith("moved.json")


def test_a_snapshot_is_on_disk_before_it_is_swapped_in(data_dir, monkeypatch):
    """Every file and folder of a new snapshot is fsynced before LATEST names it."""
    synced, real_fsync = [], os.fsync

    def recording_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    stamp = "2026-01-01T00:00:00Z"
    entry = download.Download("sub/a.txt", "http://127.0.0.1/a.txt", stamp,
                              hashlib.sha256(b"hi").hexdigest(), 2)  # fmt: skip
    snap = datadir.write_snapshot(
        "demo", [(entry, b"hi")], source_url=entry.url, retrieved_utc=stamp, contents="one file"
    )
    incoming = {Path(p).name for p in synced if ".incoming-" in p}
    assert {"a.txt", "sub", datadir.PROVENANCE_FILE} <= incoming
    assert any(Path(p).name.startswith(".incoming-") for p in synced)  # the folder itself
    assert (snap.folder / "sub" / "a.txt").read_bytes() == b"hi"
