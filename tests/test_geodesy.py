"""Tests for dsrgeo.geodesy: geodesic lengths against known answers, and the length audit."""

import math

import antimeridian
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import LineString, MultiLineString, Point, Polygon

from dsrgeo.errors import InvalidLayerError, ParameterError
from dsrgeo.geodesy import LENGTH_FLAGS, audit_lengths, geodesic_length_km

ONE_METRE_KM = 0.001
ONE_CENTIMETRE_KM = 1e-5

# WGS84 semi-major axis a = 6378137 m (NIMA TR8350.2, 3rd ed., Table 3.1). The equator is a
# geodesic of the ellipsoid, so an arc of it is a * angle.
WGS84_A_KM = 6378.137
EQUATOR_QUARTER_KM = WGS84_A_KM * math.pi / 2  # 10,018.754 km
EQUATOR_DEGREE_KM = WGS84_A_KM * math.pi / 180  # 111.3195 km
# WGS84 quarter meridian (equator to pole) 10,001.965729 km: Karney (2011), "Geodesics on an
# ellipsoid of revolution", and https://en.wikipedia.org/wiki/Meridian_arc (table, WGS84 m_p).
QUARTER_MERIDIAN_KM = 10001.965729

# A made-up trans-Pacific route (Japan to California) that crosses the antimeridian once.
TRANS_PACIFIC = LineString(
    [(139.7, 35.0), (160.0, 40.0), (175.0, 45.0), (-170.0, 48.0), (-150.0, 45.0), (-124.0, 40.0)]
)


def test_quarter_of_equator():
    lengths = geodesic_length_km([LineString([(0, 0), (90, 0)])])
    assert lengths[0] == pytest.approx(EQUATOR_QUARTER_KM, abs=ONE_METRE_KM)
    assert round(lengths[0], 2) == 10018.75  # 6378.137 km x pi / 2 = 10,018.754 km


def test_quarter_meridian():
    lengths = geodesic_length_km([LineString([(0, 0), (0, 90)])])
    assert lengths[0] == pytest.approx(QUARTER_MERIDIAN_KM, abs=ONE_METRE_KM)


def test_antimeridian_segment_goes_the_short_way():  # one degree of equator, not 359
    lengths = geodesic_length_km([LineString([(179.5, 0), (-179.5, 0)])])
    assert lengths[0] == pytest.approx(EQUATOR_DEGREE_KM, abs=ONE_METRE_KM)
    assert lengths[0] == pytest.approx(111.32, abs=0.01)


def test_split_at_antimeridian_keeps_length():
    split = antimeridian.fix_line_string(TRANS_PACIFIC, great_circle=True)
    assert split.geom_type == "MultiLineString" and len(split.geoms) == 2
    assert {abs(c[0]) for c in split.geoms[0].coords[-1:] + split.geoms[1].coords[:1]} == {180}
    whole, pieces = geodesic_length_km([TRANS_PACIFIC, split])
    # the split point is found on the sphere, the length on the ellipsoid: a centimetre apart
    assert pieces == pytest.approx(whole, abs=ONE_CENTIMETRE_KM * 10)


def test_split_equator_segment_is_exact():
    split = antimeridian.fix_line_string(LineString([(179.5, 0), (-179.5, 0)]), great_circle=True)
    assert geodesic_length_km([split])[0] == pytest.approx(EQUATOR_DEGREE_KM, abs=ONE_METRE_KM)


def test_gap_between_parts_is_not_counted():
    multi = MultiLineString([[(0, 0), (1, 0)], [(10, 0), (11, 0)]])
    assert geodesic_length_km([multi])[0] == pytest.approx(2 * EQUATOR_DEGREE_KM, abs=ONE_METRE_KM)


def test_features_do_not_bleed_into_each_other():
    lines = [
        LineString([(0, 0), (1, 0)]),
        LineString([(50, 0), (52, 0)]),
        LineString([(3, 0), (4, 0)]),
    ]
    np.testing.assert_allclose(
        geodesic_length_km(lines),
        [EQUATOR_DEGREE_KM, 2 * EQUATOR_DEGREE_KM, EQUATOR_DEGREE_KM],
        atol=ONE_METRE_KM,
    )


def test_vectorised_equals_per_feature_pyproj():
    import pyproj

    geod = pyproj.Geod(ellps="WGS84")
    rng = np.random.default_rng(7)
    lines = []
    for _ in range(40):
        n = rng.integers(2, 12)
        lonlat = np.column_stack([rng.uniform(-180, 180, n), rng.uniform(-80, 80, n)])
        lines.append(LineString(lonlat))
    expected = [geod.line_length(*np.asarray(line.coords).T) / 1000 for line in lines]
    np.testing.assert_allclose(geodesic_length_km(lines), expected, rtol=1e-12)


def test_null_and_empty_give_nan():
    lengths = geodesic_length_km(
        [None, LineString(), MultiLineString(), LineString([(0, 0), (1, 0)])]
    )
    assert np.isnan(lengths[:3]).all()
    assert lengths[3] == pytest.approx(EQUATOR_DEGREE_KM, abs=ONE_METRE_KM)


def test_empty_input_gives_empty_array():
    assert geodesic_length_km([]).shape == (0,)


def test_geoseries_and_geodataframe_and_mapping():
    gs = gpd.GeoSeries([LineString([(0, 0), (90, 0)])], crs="EPSG:4326", index=["q"])
    gdf = gpd.GeoDataFrame({"id": ["q"]}, geometry=gs, index=gs.index)
    mapping = {"type": "LineString", "coordinates": [[0, 0], [90, 0]]}
    for geoms in (gs, gdf, [mapping], mapping):
        assert geodesic_length_km(geoms)[0] == pytest.approx(EQUATOR_QUARTER_KM, abs=ONE_METRE_KM)


def test_projected_geoseries_is_reprojected():
    gs = gpd.GeoSeries([LineString([(0, 0), (1, 0)])], crs="EPSG:4326").to_crs("EPSG:3857")
    assert geodesic_length_km(gs)[0] == pytest.approx(EQUATOR_DEGREE_KM, abs=ONE_METRE_KM)


@pytest.mark.parametrize(
    "geom, type_name",
    [(Point(0, 0), "Point"), (Polygon([(0, 0), (1, 0), (1, 1)]), "Polygon")],
)
def test_non_line_is_refused_naming_the_feature(geom, type_name):
    gs = gpd.GeoSeries([LineString([(0, 0), (1, 0)]), geom], index=["ok", "bad-one"])
    with pytest.raises(InvalidLayerError, match=f"bad-one.*{type_name}") as info:
        geodesic_length_km(gs)
    assert info.value.feature == "bad-one"
    assert isinstance(info.value, ValueError)


def test_latitude_out_of_range_is_refused():
    with pytest.raises(InvalidLayerError, match=r"feature 1.*outside \[-90, 90\]"):
        geodesic_length_km([LineString([(0, 0), (1, 0)]), LineString([(0, 0), (500000, 4000000)])])


def test_non_geometry_item_is_refused():
    with pytest.raises(InvalidLayerError, match="feature 0.*str"):
        geodesic_length_km(["LINESTRING (0 0, 1 0)"])


# --- audit_lengths -----------------------------------------------------------------------


@pytest.fixture
def audit_cables():
    return gpd.GeoDataFrame(
        {
            "id": ["ok", "short", "long", "unstated", "undrawn"],
            "name": ["Ok", "Short", "Long", "Unstated", "Undrawn"],
            "stated_length_km": [EQUATOR_DEGREE_KM * 10, 2000.0, 100.0, None, 500.0],
        },
        geometry=[
            LineString([(0, 0), (10, 0)]),
            LineString([(0, 0), (1, 0)]),
            LineString([(0, 0), (2, 0)]),
            LineString([(0, 0), (1, 0)]),
            None,
        ],
        crs="EPSG:4326",
    )


def test_audit_flags(audit_cables):
    report = audit_lengths(audit_cables)
    assert list(report.columns) == ["id", "name", "stated_km", "drawn_km", "ratio", "flag"]
    assert dict(zip(report["id"], report["flag"])) == {
        "ok": "ok",
        "short": "drawn_short",
        "long": "drawn_long",
        "unstated": "no_stated_length",
        "undrawn": "no_geometry",
    }
    assert report.loc[0, "ratio"] == pytest.approx(1.0, abs=0.001)
    assert report.loc[0, "drawn_km"] == pytest.approx(1113.2, abs=0.05)
    assert set(report["flag"]) <= set(LENGTH_FLAGS)
    assert "stylised" in report.attrs["note"]


def test_audit_thresholds_are_parameters(audit_cables):
    report = audit_lengths(audit_cables, short_ratio=0.01, long_ratio=3)
    assert report.loc[report["id"] == "short", "flag"].item() == "ok"
    assert report.loc[report["id"] == "long", "flag"].item() == "ok"
    assert report.attrs["short_ratio"] == 0.01


@pytest.mark.parametrize("bounds", [(0, 1.2), (1.1, 1.2), (0.8, 0.9)])
def test_audit_refuses_bad_bounds(audit_cables, bounds):
    with pytest.raises(ParameterError, match="(short|long)_ratio: expected a number"):
        audit_lengths(audit_cables, short_ratio=bounds[0], long_ratio=bounds[1])


def test_audit_names_missing_column(audit_cables):
    with pytest.raises(InvalidLayerError, match="stated_length_km"):
        audit_lengths(audit_cables.drop(columns="stated_length_km"))


@pytest.fixture
def cables_layer():
    from dsrgeo.loading import load

    return load("cables")


def test_audit_of_shipped_cables(cables_layer):
    report = audit_lengths()
    assert len(report) == len(cables_layer)
    assert report["id"].is_unique
    peace = report.loc[report["name"].str.contains("PEACE")].iloc[0]
    assert peace["stated_km"] == 21500  # TeleGeography, cable/peace-cable.json "21,500 km"
    assert peace["flag"] == "ok"  # drawn 22,279 km: ratio 1.04
    # every cable with a route and a stated length gets a finite ratio
    both = report["flag"].isin(["ok", "drawn_short", "drawn_long"])
    assert np.isfinite(report.loc[both, "ratio"]).all()


def _karney_km(geometry):
    """The independent oracle: PROJ's geodesic line length (Karney 2013) summed per part."""
    import pyproj

    geod = pyproj.Geod(ellps="WGS84")
    parts = getattr(geometry, "geoms", [geometry])
    return sum(geod.line_length(*np.asarray(part.coords).T) for part in parts) / 1000.0


def test_shipped_drawn_length_column_matches(cables_layer):
    # the build measures before coordinates are rounded to 6 decimals (0.1 m): allow one
    # step of the 0.1 km rounding
    karney = [_karney_km(g) for g in cables_layer.geometry]
    np.testing.assert_allclose(cables_layer["drawn_length_km"].astype(float), karney, atol=0.1)
    np.testing.assert_allclose(geodesic_length_km(cables_layer), karney, rtol=1e-9)


def test_shapely_flattening_assumption():
    # the vectorised sum relies on get_parts/get_coordinates keeping input order
    multi = MultiLineString([[(0, 0), (1, 1)], [(2, 2), (3, 3)]])
    parts, index = shapely.get_parts([multi], return_index=True)
    assert list(index) == [0, 0]
    assert shapely.get_coordinates(parts)[:, 0].tolist() == [0, 1, 2, 3]


# --- the hand-made fixture and the CLI ------------------------------------------------------


def test_audit_of_three_cable_fixture(three_cables):
    report = audit_lengths(three_cables).set_index("id")
    # known by construction: tests/data/README.md
    assert report["flag"].to_dict() == {
        "alpha": "ok",
        "beta": "drawn_short",
        "gamma": "no_stated_length",
    }
    assert report.loc["alpha", "ratio"] == pytest.approx(5251.5 / 5300, abs=0.001)
    karney = three_cables.set_index("id").geometry.map(_karney_km)
    np.testing.assert_allclose(report["drawn_km"], karney[report.index], atol=0.05)
    np.testing.assert_allclose(three_cables["drawn_length_km"], karney.to_numpy(), atol=0.05)


def test_cli_lengths_one_cable(capsys):
    from dsrgeo.cli import main

    assert main(["lengths", "--cable", "peace"]) == 0
    out = capsys.readouterr().out
    assert "peace-cable" in out and "21500.0" in out and "stylised" in out


def test_cli_lengths_unknown_cable_names_it(capsys):
    from dsrgeo.cli import main

    assert main(["lengths", "--cable", "no such cable xyz"]) == 2
    assert "'no such cable xyz'" in capsys.readouterr().err


def test_cli_lengths_csv_is_atomic(tmp_path, capsys):
    from dsrgeo.cli import main

    target = tmp_path / "lengths.csv"
    assert main(["lengths", "--csv", str(target)]) == 0
    written = pd.read_csv(target)
    assert list(written.columns) == ["id", "name", "stated_km", "drawn_km", "ratio", "flag"]
    assert len(written) >= 500
    good = target.read_bytes()
    # a failing run leaves the good file untouched and no temporary file behind
    assert main(["lengths", "--csv", str(target), "--short-ratio", "2"]) == 2
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["lengths.csv"]


def test_public_names():
    import dsrgeo

    assert dsrgeo.geodesic_length_km is geodesic_length_km
    assert dsrgeo.audit_lengths is audit_lengths


# -- recentring: a map centred on another meridian (the Pacific view) ---------------------


def test_recentre_rejoins_a_line_split_at_the_antimeridian():
    from dsrgeo.geodesy import recentre

    # stored split at 180 as RFC 7946 asks; the parts stop 20 m short of the meridian, as the
    # cable drawings do (179.9998 degrees)
    cable = MultiLineString([[(140, 35), (179.9998, 40)], [(-179.9998, 40), (-122, 37)]])
    (pacific,) = recentre([cable], center_lon=150)
    assert pacific.geom_type == "LineString"
    xs = [x for x, _ in pacific.coords]
    assert xs[0] == 140 and xs[-1] == pytest.approx(238.0)  # -122 + 360, by hand
    assert max(np.abs(np.diff(xs))) < 180
    # the length along the ellipsoid is the same line's plus the 0.0004 degree gap it now
    # bridges at 40N: 0.0004 x 111.32 km x cos(40) = 34 m, by hand (PROJ reads 238 as -122)
    gap_km = 0.0004 * 111.32 * math.cos(math.radians(40))
    assert geodesic_length_km([pacific])[0] == pytest.approx(
        geodesic_length_km([cable])[0] + gap_km, abs=0.002
    )


def test_recentre_cuts_at_the_new_seam_and_keeps_area():
    from dsrgeo.geodesy import recentre

    # a 20 x 10 degree box across -30, the seam of a map centred on 150: 10 degrees stay at
    # -30..-20, the other 10 go to 320..330 (-40..-30 + 360); the area is unchanged
    box = shapely.box(-40, 0, -20, 10)
    (moved,) = recentre([box], center_lon=150)
    assert moved.area == pytest.approx(box.area)
    assert moved.bounds == pytest.approx((-30, 0, 330, 10))
    # a country split at 180 (Fiji, Russia) is one polygon again
    split = shapely.MultiPolygon(
        [shapely.box(170, -20, 180, -10), shapely.box(-180, -20, -175, -10)]
    )
    (whole,) = recentre([split], center_lon=150)
    assert whole.geom_type == "Polygon" and whole.bounds == pytest.approx((170, -20, 185, -10))


def test_recentre_moves_points_into_the_window_and_leaves_greenwich_alone():
    from dsrgeo.geodesy import recentre

    points = [Point(-170, 5), Point(10, 5), None]
    assert [p.x for p in recentre(points, center_lon=150)[:2]] == [190, 10]
    assert recentre(points, center_lon=150)[2] is None
    assert recentre(points, center_lon=0) == points
    assert recentre([Point(170, 0)], center_lon=-150)[0].x == -190
    with pytest.raises(ParameterError, match="center_lon"):
        recentre(points, center_lon=200)


def test_recentre_makes_every_trans_pacific_cable_continuous(cables_layer):
    from dsrgeo.geodesy import recentre

    frame = cables_layer[cables_layer.geometry.notna()]
    crossing = frame[frame.geometry.bounds.minx.lt(-179.99) & frame.geometry.bounds.maxx.gt(179.99)]
    assert len(crossing) >= 20  # FASTER, JUPITER, Southern Cross... (the shipped layer)
    moved = recentre(crossing.geometry.values, center_lon=150)
    for name, before, after in zip(crossing["name"], crossing.geometry.values, moved):
        lines = list(shapely.get_parts(after))
        assert len(lines) < len(shapely.get_parts(before)), name
        for line in lines:  # no jump across the map anywhere: each part is drawn whole
            xs = np.asarray(line.coords)[:, 0]
            assert np.abs(np.diff(xs)).max() < 180 and -30 <= xs.min() and xs.max() <= 330, name
        assert geodesic_length_km([after])[0] == pytest.approx(
            geodesic_length_km([before])[0], abs=0.1
        ), name


def test_one_geod_serves_every_geodesic_call():
    # making a pyproj.Geod per call cost more than the call (11,098 calls building the
    # network's topologies): geodesy keeps one, and the network's topology uses the same
    from dsrgeo import geodesy
    from dsrgeo.network import topology

    assert geodesy._geod() is geodesy._geod()
    assert topology._geod is geodesy._geod
    _, _, metres = geodesy._geod().inv(0.0, 0.0, 0.0, 1.0)
    assert metres == pytest.approx(110_574, abs=1)  # 1 degree of latitude at the equator
