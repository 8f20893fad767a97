"""dsrgeo.gnss.visibility and its engine (dsrgeo.gnss.engine), checked against skyfield.

skyfield (Rhodes, https://rhodesmill.org/skyfield/earth-satellites.html) propagates the same
TLEs with the same SGP4 code but converts TEME to the Earth-fixed frame through its full
chain (IAU 2000 nutation, UT1 from its bundled tables); ``(satellite - site).at(t).altaz()``
is the "natural" computation the vectorised engine must agree with.
"""

import datetime as dt
import itertools

import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely
import skyfield.api as skyfield_api

from dsrgeo.errors import ParameterError, StaleElementsWarning
from dsrgeo.gnss import engine, read_tles, snapshot_dir
from dsrgeo.gnss import visibility as vis_fn

UTC = dt.UTC
DAY_START = dt.datetime(2022, 2, 5, tzinfo=UTC)
ELEVATION_TOL_DEG = 0.01  # the agreement with skyfield the engine promises (gnss/frames.py)
PDOP_REL_TOL = 1e-3  # from <0.001 deg elevation differences
MASK_DEG = 10.0
SYSTEMS = ("bds", "gps", "gal", "glo")

# (name, lat, lon): a spread of latitudes and longitudes, both hemispheres, near a pole
SITES = pd.DataFrame(
    [
        ("Beijing", 39.93, 116.39),
        ("Cape Town", -33.92, 18.43),
        ("Reykjavik", 64.15, -21.95),
        ("McMurdo", -77.85, 166.67),
        ("Quito", -0.22, -78.51),
        ("Honolulu", 21.31, -157.86),
    ],
    columns=["name", "lat", "lon"],
).set_index("name")
HOURS = np.arange(24)


@pytest.fixture(scope="module")
def sats():
    return read_tles(snapshot_dir())


@pytest.fixture(scope="module")
def skyfield_altitudes(sats):
    """Skyfield's elevation (deg) of every satellite from every site at each hour.

    Shape (site, satellite, hour).
    """
    ts = skyfield_api.load.timescale()
    times = ts.utc(2022, 2, 5, HOURS)
    out = np.empty((len(SITES), len(sats), len(HOURS)))
    for i, (lat, lon) in enumerate(zip(SITES.lat, SITES.lon)):
        site = skyfield_api.wgs84.latlon(lat, lon)
        for j in range(len(sats)):
            satellite = skyfield_api.EarthSatellite(sats.line1[j], sats.line2[j], sats.name[j], ts)
            out[i, j] = (satellite - site).at(times).altaz()[0].degrees
    return out


def _hourly_times():
    return np.datetime64("2022-02-05T00:00", "us") + HOURS * np.timedelta64(3600, "s")


def test_elevation_within_a_hundredth_of_a_degree(sats, skyfield_altitudes):
    ours = engine.elevation_deg(sats, _hourly_times(), SITES.lat, SITES.lon)
    assert np.abs(ours - skyfield_altitudes).max() < ELEVATION_TOL_DEG


def test_counts_identical_to_skyfield(sats, skyfield_altitudes):
    table = vis_fn(SITES, start=DAY_START, end=DAY_START + dt.timedelta(days=1), step_s=3600)
    visible = skyfield_altitudes >= MASK_DEG
    for system in SYSTEMS:
        counts = visible[:, sats.system == system].sum(axis=1)  # (site, hour)
        assert table[f"{system}_max"].tolist() == counts.max(axis=1).tolist(), system
        assert table[f"{system}_min"].tolist() == counts.min(axis=1).tolist(), system
        assert table[f"{system}_mean"].to_numpy() == pytest.approx(counts.mean(axis=1), abs=1e-12)
    assert table.index.tolist() == SITES.index.tolist()


def test_pdop_equals_inverse_of_normal_matrix(sats, skyfield_altitudes):
    # PDOP = sqrt(trace of the position block of (G^T G)^-1), G rows [e_east, e_north, e_up, 1]
    ts = skyfield_api.load.timescale()
    t = ts.utc(2022, 2, 5, 0)
    one_epoch = vis_fn(SITES, start=DAY_START, end=DAY_START + dt.timedelta(seconds=60))
    for i, (lat, lon) in enumerate(zip(SITES.lat, SITES.lon)):
        site = skyfield_api.wgs84.latlon(lat, lon)
        for system in SYSTEMS:
            rows = []
            above = (sats.system == system) & (skyfield_altitudes[i, :, 0] >= MASK_DEG)
            for j in np.flatnonzero(above):
                satellite = skyfield_api.EarthSatellite(sats.line1[j], sats.line2[j], ts=ts)
                alt, az, _ = (satellite - site).at(t).altaz()
                el, a = alt.radians, az.radians
                rows.append([np.cos(el) * np.sin(a), np.cos(el) * np.cos(a), np.sin(el), 1.0])
            g = np.array(rows)
            expected = np.nan
            if len(rows) >= 4:
                expected = np.sqrt(np.trace(np.linalg.inv(g.T @ g)[:3, :3]))
            got = one_epoch[f"{system}_pdop_mean"].iloc[i]
            if np.isnan(expected):
                assert np.isnan(got)
            else:
                assert got == pytest.approx(expected, rel=PDOP_REL_TOL), (SITES.index[i], system)


def test_results_do_not_depend_on_chunk_sizes(monkeypatch):
    sites = pd.DataFrame({"lat": np.linspace(-80, 80, 9), "lon": np.linspace(-170, 170, 9)})
    window = {"start": DAY_START, "end": DAY_START + dt.timedelta(hours=3), "step_s": 300}
    whole = vis_fn(sites, **window)
    monkeypatch.setattr(engine, "TILE_SITES", 2)
    monkeypatch.setattr(engine, "_UNIT_CELLS", 300)
    monkeypatch.setattr(engine, "_PDOP_UNIT_CELLS", 300)
    monkeypatch.setattr(engine, "WINDOW_EPOCHS", 7)
    monkeypatch.setattr(engine, "_PDOP_BATCH_EPOCHS", 5)
    chunked = vis_fn(sites, **window)
    counts = [c for c in whole.columns if "pdop" not in c]
    pd.testing.assert_frame_equal(chunked[counts], whole[counts], check_exact=True)
    pd.testing.assert_frame_equal(chunked, whole, check_exact=False, rtol=1e-12)


def test_geodataframe_in_any_crs_gives_the_same_answer():
    points = geopandas.GeoDataFrame(
        {"name": ["Beijing", "Quito"]},
        geometry=[shapely.Point(116.39, 39.93), shapely.Point(-78.51, -0.22)],
        crs="EPSG:4326",
    )
    window = {"start": DAY_START, "end": DAY_START + dt.timedelta(hours=1), "pdop": False}
    in_4326 = vis_fn(points, **window)
    in_3857 = vis_fn(points.to_crs("EPSG:3857"), **window)
    pd.testing.assert_frame_equal(in_4326, in_3857)


def test_tles_forms_agree(sats, tmp_path):
    text = "".join(f"{n}\n{a}\n{b}\n" for n, a, b in zip(sats.name, sats.line1, sats.line2))
    (tmp_path / "all.txt").write_text(text)
    site = SITES.iloc[:1]
    window = {
        "start": DAY_START,
        "end": DAY_START + dt.timedelta(hours=1),
        "step_s": 600,
        "pdop": False,
    }
    expected = vis_fn(site, **window)
    for tles in (snapshot_dir(), tmp_path / "all.txt", str(tmp_path), text, sats):
        pd.testing.assert_frame_equal(vis_fn(site, tles=tles, **window), expected)


def test_lower_mask_never_sees_fewer():
    window = {
        "start": DAY_START,
        "end": DAY_START + dt.timedelta(hours=2),
        "step_s": 600,
        "pdop": False,
    }
    counts = [vis_fn(SITES, min_elevation_deg=m, **window) for m in (15.0, 10.0, 0.0, -5.0)]
    for higher, lower in itertools.pairwise(counts):
        assert (lower.to_numpy() >= higher.to_numpy()).all()


def test_attrs_record_the_method():
    table = vis_fn(SITES.iloc[:1], start=DAY_START, end=DAY_START + dt.timedelta(hours=1))
    assert table.attrs == {
        "start": "2022-02-05T00:00:00Z",
        "end": "2022-02-05T01:00:00Z",
        "step_s": 60,
        "min_elevation_deg": 10.0,
        "n_epochs": 60,
        "tle_epochs": "2022-01-29..2022-02-04",
        "satellites": {"bds": 50, "gps": 31, "gal": 28, "glo": 25},
    }
    assert table.columns.tolist() == [
        f"{s}_{stat}" for s in SYSTEMS for stat in ("max", "mean", "min", "pdop_mean")
    ]


def test_other_timezones_mean_the_same_instant():
    beijing_time = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime(2022, 2, 5, 8, tzinfo=beijing_time)
    a = vis_fn(SITES, start=start, end=start + dt.timedelta(hours=1), pdop=False)
    b = vis_fn(SITES, start=DAY_START, end=DAY_START + dt.timedelta(hours=1), pdop=False)
    pd.testing.assert_frame_equal(a, b)


def test_naive_datetime_is_an_error():
    with pytest.raises(ValueError, match="naive datetime"):
        vis_fn(SITES, start=dt.datetime(2022, 2, 5), end=dt.datetime(2022, 2, 6, tzinfo=UTC))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"end": DAY_START}, "must be after start"),
        ({"step_s": 0}, r"step_s: expected a number in \[0.001"),
        ({"step_s": 1e-9}, r"step_s: expected a number in \[0.001"),
        ({"step_s": 1e13}, r"step_s: expected a number in \[0.001, 3155760000.0\]"),
        ({"start": dt.datetime(9999, 12, 31, tzinfo=UTC)}, "outside the years 1957-2100"),
        ({"min_elevation_deg": 95}, r"in \[-90, 90\]"),
        ({"start": "2022-02-05"}, "timezone-aware datetime"),
        ({"pdop": "no"}, "pdop: expected True or False, got 'no'"),
        ({"pdop": 1}, "pdop: expected True or False, got 1"),
    ],
)
def test_bad_window_arguments(kwargs, words):
    args = {"start": DAY_START, "end": DAY_START + dt.timedelta(hours=1)} | kwargs
    with pytest.raises(ParameterError, match=words):
        vis_fn(SITES, **args)


def test_the_longest_step_gives_one_epoch():
    from dsrgeo.gnss.inputs import MAX_STEP_S

    end = DAY_START + dt.timedelta(hours=1)
    table = vis_fn(SITES, start=DAY_START, end=end, step_s=MAX_STEP_S, pdop=False)
    assert table.attrs["n_epochs"] == 1


@pytest.mark.parametrize(
    "sites, words",
    [
        (pd.DataFrame({"x": [1.0]}), "'lat' and 'lon'"),
        (
            pd.DataFrame({"lat": [91.0], "lon": [0.0]}, index=["north of the pole"]),
            "north of the pole",
        ),
        (pd.DataFrame({"lat": [], "lon": []}), "sites: is empty"),
        (pd.DataFrame({"lat": [10.0], "lon": [300.0]}), r"longitude in \[-180, 180\]"),
        (
            geopandas.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=4326),
            "must be points",
        ),
    ],
)
def test_bad_sites(sites, words):
    with pytest.raises(ParameterError, match=words):
        vis_fn(sites, start=DAY_START, end=DAY_START + dt.timedelta(hours=1))


def test_stale_elements_warn():
    march = dt.datetime(2022, 3, 1, tzinfo=UTC)
    with pytest.warns(StaleElementsWarning, match=r"days from the window 2022-03-01"):
        vis_fn(SITES.iloc[:1], start=march, end=march + dt.timedelta(hours=1), pdop=False)


def test_fresh_elements_do_not_warn():
    # filterwarnings = error in setup.cfg turns any warning into a failure here
    vis_fn(SITES.iloc[:1], start=DAY_START, end=DAY_START + dt.timedelta(days=1), step_s=3600)
