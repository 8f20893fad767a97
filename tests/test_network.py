"""The network model: topology from drawings, cuts, min-cuts, exposure and bifurcation.

Two kinds of expected values:

- hand-made networks of a few cables whose answers are worked out in each test's comments
  (the independent oracle for splitting, reach and the min-cut);
- outcomes that follow from the cited cable data alone, each test first checking the fact
  it rests on in the ``cables`` layer itself (e.g. "ACE was the only cable landing in
  Mauritania in 2017"). None depends on which code a territory carries (Hong Kong, Puerto
  Rico...), and the real-data checks of whole results are invariants, not pins.
"""

import geopandas
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from shapely import LineString, MultiLineString, Point

import dsrgeo
from dsrgeo.errors import AsOfOutOfRangeError, ParameterError
from dsrgeo.network import Network, cable_topology, cut, exposure
from dsrgeo.network.topology import SNAP_KM

#: 1 degree of latitude (or of longitude on the equator) is about this many km on WGS84
DEGREE_KM = 111.0
GEOD = pyproj.Geod(ellps="WGS84")


def make_network(cables, points, *, countries=None, chokepoints=None, status=None):
    """A Network of hand-made cables: [(id, geometry, [landing ids], suppliers, owners)] and
    points {landing id: (iso3, (lon, lat))}; ``status`` {id: hmn_status} adds that column."""
    cable_frame = geopandas.GeoDataFrame(
        {
            "id": [c[0] for c in cables],
            "name": [c[0].upper() for c in cables],
            "landing_point_ids": [c[2] for c in cables],
            "suppliers": [c[3] if len(c) > 3 else [] for c in cables],
            "owners": [c[4] if len(c) > 4 else [] for c in cables],
        },
        geometry=[c[1] for c in cables],
        crs="EPSG:4326",
    )
    if status is not None:
        cable_frame["hmn_status"] = [status.get(c[0]) for c in cables]
    point_frame = geopandas.GeoDataFrame(
        {"id": list(points), "iso3": [v[0] for v in points.values()]},
        geometry=[Point(v[1]) for v in points.values()],
        crs="EPSG:4326",
    )
    return Network(cable_frame, point_frame, countries=countries, chokepoints=chokepoints)


def by_code(frame):
    return frame.set_index("iso3")


# -- one cable's topology -----------------------------------------------------------------


def test_parts_join_at_shared_vertices_and_across_the_antimeridian():
    # two parts meeting at (5, 0); a Pacific pair split at 180, far from them
    drawing = MultiLineString(
        [[(0, 0), (5, 0)], [(5, 0), (10, 0)], [(170, 0), (180, 0)], [(-180, 0), (-170, 0)]]
    )
    topo = cable_topology("x", drawing, [("a", (0, 0)), ("b", (10, 0)), ("c", (-170, 0))])
    assert topo.pieces == ((0, 1), (2,))  # a-b joined at (5, 0); c on the Pacific pair
    pacific = cable_topology(
        "p", MultiLineString([[(170, 0), (180, 0)], [(-180, 0), (-170, 0)]]),
        [("p", (170, 0)), ("q", (-170, 0))],
    )  # fmt: skip
    assert pacific.is_connected and pacific.snap_km == ()  # one vertex: +180 is -180


def test_a_branch_drawn_off_its_trunk_is_joined_within_the_snap_distance():
    # branch end 0.02 degrees (about 2.2 km) above the trunk: a branching unit
    near = MultiLineString([[(0, 0), (20, 0)], [(10, 1), (10, 0.02)]])
    stations = [("a", (0, 0)), ("c", (20, 0)), ("d", (10, 1))]
    topo = cable_topology("near", near, stations)
    assert topo.is_connected
    (snap,) = topo.snap_km
    assert snap == pytest.approx(0.02 * DEGREE_KM, rel=0.01)
    # the same branch ending 0.5 degrees (about 55 km) away is a gap, not a branching unit
    assert 0.5 * DEGREE_KM > SNAP_KM
    far = MultiLineString([[(0, 0), (20, 0)], [(10, 1), (10, 0.5)]])
    topo = cable_topology("far", far, stations)
    assert topo.pieces == ((0, 1), (2,))
    assert topo.gap_km == pytest.approx(0.5 * DEGREE_KM, rel=0.01)


def test_landing_points_attach_to_the_nearest_vertex_even_mid_line():
    # a festoon drawn as one line through its middle landing
    topo = cable_topology(
        "f", LineString([(0, 0), (10, 0), (20, 0)]), [("a", (0, 0)), ("b", (10, 0.01))]
    )
    b = topo.stations.index("b")
    assert tuple(topo.nodes[topo.station_nodes[b]]) == (10, 0.01)
    assert topo.attach_km[b] == pytest.approx(0.01 * DEGREE_KM, rel=0.01)


# -- cuts on hand-made networks ---------------------------------------------------------------

FESTOON_POINTS = {"a": ("AAA", (0, 0)), "b": ("BBB", (10, 0)), "c": ("CCC", (20, 0))}
FESTOON = [("festoon", LineString([(0, 0), (10, 0), (20, 0)]), ["a", "b", "c"])]


def test_a_fault_splits_a_cable_and_each_side_keeps_what_it_reaches():
    network = make_network(FESTOON, FESTOON_POINTS)
    # a fault at (5, 0), halfway between A and B: A is alone, B and C keep each other
    after = by_code(network.cut(at=(5, 0), radius_km=50))
    assert after.loc["AAA", "isolated_by_sea"]
    assert after.loc["AAA", ["reach_before", "reach_after"]].tolist() == [2, 0]
    assert after.loc["BBB", ["reach_before", "reach_after"]].tolist() == [2, 1]
    assert after.loc["BBB", "reach_lost_share"] == pytest.approx(0.5)
    assert after.loc["BBB", "international_cables_after"] == 1  # still links B to C
    assert after.loc["CCC", "cables_cut"] == ["festoon"]
    # cut whole, nobody keeps anything
    whole = by_code(network.cut("festoon"))
    assert whole["isolated_by_sea"].all() and (whole["international_cables_after"] == 0).all()


def test_a_fault_beyond_the_radius_cuts_nothing_and_radius_is_geodesic():
    network = make_network(FESTOON, FESTOON_POINTS)
    # (5, 1) is about 111 km from the line y = 0
    missed = network.cut(at=(5, 1), radius_km=100)
    assert missed.attrs["cables_cut"] == [] and not missed["isolated_by_sea"].any()
    hit = network.cut(at=(5, 1), radius_km=115)
    assert hit.attrs["cables_cut"] == ["festoon"]


def test_reach_runs_through_countries_and_hyperedges():
    # X-Y on one cable, Y-Z on another: Z reaches X through Y; cutting X-Y leaves Z only Y
    points = {"x": ("XXX", (0, 0)), "y1": ("YYY", (5, 0)), "y2": ("YYY", (5, 2)),
              "z": ("ZZZ", (10, 2))}  # fmt: skip
    cables = [
        ("xy", LineString([(0, 0), (5, 0)]), ["x", "y1"]),
        ("yz", LineString([(5, 2), (10, 2)]), ["y2", "z"]),  # Y's two stations: one node
    ]
    after = by_code(make_network(cables, points).cut("xy"))
    assert after.loc["ZZZ", ["reach_before", "reach_after"]].tolist() == [2, 1]
    assert after.loc["XXX", "isolated_by_sea"] and not after.loc["ZZZ", "isolated_by_sea"]


def test_a_domestic_cable_is_no_international_link():
    points = {"x1": ("XXX", (0, 0)), "x2": ("XXX", (0, 3)), "y": ("YYY", (5, 0))}
    cables = [
        ("domestic", LineString([(0, 0), (0, 3)]), ["x1", "x2"]),
        ("xy", LineString([(0, 0), (5, 0)]), ["x1", "y"]),
    ]
    network = make_network(cables, points)
    assert network.min_cut("XXX") == (1, ["xy"])
    assert by_code(network.exposure()).loc["XXX", "international_cables"] == 1
    assert by_code(network.cut("xy")).loc["XXX", "isolated_by_sea"]


# -- the min-cut ----------------------------------------------------------------------------


def test_min_cut_counts_faults_not_cables():
    points = {
        "x1": ("XXX", (0, 0)), "y": ("YYY", (10, 0)), "x2": ("XXX", (20, 0)),
        "z": ("ZZZ", (30, 0)),
        "s1": ("SSS", (10, 5)), "s2": ("SSS", (12, 5)), "w": ("WWW", (30, 5)),
    }  # fmt: skip
    cables = [
        # X-Y-X-Z along one trunk: separating {x1, x2} from {y, z} takes two faults (e.g.
        # the shore ends of x1 and x2); no single link does it
        ("trunk", LineString([(0, 0), (10, 0), (20, 0), (30, 0)]), ["x1", "y", "x2", "z"]),
        # S has two stations on one spur from a branching unit at (10, 3) on a W cable:
        # one fault on the spur (between the unit and S's first station) isolates both
        ("spur", MultiLineString([[(0, 3), (10, 3), (30, 5)], [(10, 3), (10, 5), (12, 5)]]),
         ["s1", "s2", "w"]),
    ]  # fmt: skip
    network = make_network(cables, points)
    assert network.min_cut("XXX") == (2, ["trunk", "trunk"])
    assert network.min_cut("SSS") == (1, ["spur"])
    # Y in the middle of the trunk: its own shore end is one fault
    assert network.min_cut("YYY") == (1, ["trunk"])
    table = by_code(network.exposure())
    assert table.loc["XXX", ["international_cables", "min_cables_to_isolate"]].tolist() == [1, 2]
    # faults at x1 and x2 do isolate X (a place cuts every link near it: here the trunk on
    # both sides of x2 too, which also cuts Z off)
    shores = by_code(network.cut("trunk", at=shapely.MultiPoint([(0, 0), (20, 0)]), radius_km=1))
    assert shores.loc["XXX", "isolated_by_sea"] and shores.loc["ZZZ", "isolated_by_sea"]
    one = by_code(network.cut("trunk", at=(0, 0), radius_km=1))
    assert not one.loc["XXX", "isolated_by_sea"]  # x2 still reaches Y and Z


def test_min_cut_of_parallel_cables_is_their_number():
    points = {"x": ("XXX", (0, 0)), "y": ("YYY", (5, 0))}
    cables = [(f"c{i}", LineString([(0, 0), (2.5, i), (5, 0)]), ["x", "y"]) for i in range(3)]
    assert make_network(cables, points).min_cut("XXX") == (3, ["c0", "c1", "c2"])


# -- exposure and bifurcation on hand-made networks ----------------------------------------


def test_chokepoint_and_supplier_shares():
    points = {"x": ("XXX", (0, 0)), "y": ("YYY", (10, 0)), "z": ("ZZZ", (0, 10))}
    strait = geopandas.GeoDataFrame(
        {"id": ["strait"], "name": ["Strait"]}, geometry=[Point(5, 0).buffer(1)], crs=4326
    )
    cables = [
        ("through", LineString([(0, 0), (10, 0)]), ["x", "y"], ["HMN Tech", "NEC"]),
        ("around", LineString([(0, 0), (0, 10)]), ["x", "z"], ["SubCom"], ["China Unicom"]),
    ]
    table = by_code(make_network(cables, points, chokepoints=strait).exposure())
    x = table.loc["XXX"]
    assert x["share_via_strait"] == 0.5 and x["top_chokepoint"] == "strait"
    assert (x["share_hmn"], x["share_nec"], x["share_subcom"], x["share_asn"]) == (
        0.5, 0.5, 0.5, 0.0
    )  # fmt: skip
    assert x["share_chinese_state_carrier"] == 0.5
    assert table.loc["ZZZ", "share_via_strait"] == 0.0


def test_hmn_share_follows_the_audited_status_not_the_supplier_names():
    # both cables name HMN Tech as supplier, but the audited status says only "built" was
    # supplied by HMN; "won" was only awarded (as SEA-H2X or SIGMAR in the cables layer)
    points = {"x": ("XXX", (0, 0)), "y": ("YYY", (10, 0)), "z": ("ZZZ", (0, 10))}
    cables = [
        ("built", LineString([(0, 0), (10, 0)]), ["x", "y"], ["HMN Tech"]),
        ("won", LineString([(0, 0), (0, 10)]), ["x", "z"], ["HMN Tech"]),
    ]
    network = make_network(cables, points, status={"built": "supplied", "won": "awarded"})
    table = by_code(network.exposure())
    assert table.loc["XXX", "share_hmn"] == 0.5
    assert table.loc["YYY", "share_hmn"] == 1.0 and table.loc["ZZZ", "share_hmn"] == 0.0
    # an HMN name keeps "won" out of the other suppliers' share all the same
    assert table.loc["ZZZ", "share_other_supplier"] == 0.0
    # without a status column, the names decide (analysis.hmn_mask's fallback)
    assert by_code(make_network(cables, points).exposure()).loc["ZZZ", "share_hmn"] == 1.0


def test_bifurcation_paths_avoid_the_other_sides_cables():
    # company homes from the cited table: HMN Tech CHN, SubCom USA, NEC JPN
    points = {"x1": ("XXX", (0, 0)), "x2": ("XXX", (0, 1)), "u1": ("USA", (10, 0)),
              "u2": ("USA", (10, 1)), "c1": ("CHN", (5, 5)), "c2": ("CHN", (5, 6))}  # fmt: skip
    cables = [
        ("x-usa", LineString([(0, 0), (10, 0)]), ["x1", "u1"], ["HMN Tech"]),  # Chinese
        ("x-chn", LineString([(0, 1), (5, 5)]), ["x2", "c1"], ["SubCom"]),  # US
        ("chn-usa", LineString([(5, 6), (10, 1)]), ["c2", "u2"], ["NEC"]),  # neither
    ]
    table = by_code(make_network(cables, points).bifurcation())
    # without x-usa, X still reaches USA through China (x-chn, chn-usa); without x-chn,
    # X reaches China through the US
    assert table.loc["XXX", "reaches_usa_without_chinese"]
    assert table.loc["XXX", "reaches_chn_without_us"]
    assert pd.isna(table.loc["USA", "reaches_usa_without_chinese"])
    assert table.loc["XXX", ["chinese_cables", "us_cables"]].tolist() == [1, 1]
    # make the China-US link SubCom too: without US cables X can reach only the US
    cables[2] = ("chn-usa", LineString([(5, 6), (10, 1)]), ["c2", "u2"], ["SubCom"])
    table = by_code(make_network(cables, points).bifurcation())
    assert not table.loc["XXX", "reaches_chn_without_us"]
    assert table.loc["XXX", "reach_without_us"] == 1


def test_land_borders_are_a_separate_flagged_assumption():
    points = {"x": ("XXX", (0, 0)), "y": ("YYY", (10, 0)), "z": ("ZZZ", (20, 0))}
    cables = [
        ("xy", LineString([(0, 0), (10, 0)]), ["x", "y"]),
        ("yz", LineString([(10, 0), (20, 0)]), ["y", "z"]),
    ]
    countries = geopandas.GeoDataFrame(
        {"iso3": ["XXX", "ZZZ", "VVV"], "name": ["X", "Z", "V"]},
        geometry=[
            shapely.box(-1, -5, 1, 5),
            shapely.box(19, -5, 21, 5),
            shapely.box(1, -5, 19, -4),
        ],
        crs=4326,
    )  # X and Z each touch V (landlocked): a land route X-V-Z
    network = make_network(cables, points, countries=countries)
    assert network.land_borders() == (("VVV", "XXX"), ("VVV", "ZZZ"))
    after = by_code(network.cut("xy", terrestrial=True))
    assert after.loc["XXX", "isolated_by_sea"]  # by sea: nothing left
    assert not after.loc["XXX", "isolated_with_land"]  # over land: via V to Z, then Y
    assert after.loc["XXX", "reach_after_with_land"] == 2
    plain = network.cut("xy")
    assert "isolated_with_land" not in plain.columns


def test_a_network_no_one_holds_is_freed_after_its_cached_answers():
    # land borders and bifurcation are worked out once per network and kept with it, not
    # in a cache of the class that would keep every network ever built alive
    import gc
    import weakref

    points = {"x": ("XXX", (0, 0)), "y": ("YYY", (10, 0))}
    cables = [("xy", LineString([(0, 0), (10, 0)]), ["x", "y"], ["HMN Tech"])]
    countries = geopandas.GeoDataFrame(
        {"iso3": ["XXX", "YYY"], "name": ["X", "Y"]},
        geometry=[shapely.box(-1, -1, 1, 1), shapely.box(9, -1, 11, 1)],
        crs=4326,
    )
    network = make_network(cables, points, countries=countries)
    first = network.bifurcation(terrestrial=True)
    assert network.land_borders() == () and network.land_borders() is network.land_borders()
    assert network.bifurcation(terrestrial=True).equals(first)
    gone = weakref.ref(network)
    del network
    gc.collect()
    assert gone() is None


# -- arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "nothing to cut"),
        ({"cables": "Nosuch Cable"}, "no cable in service by the end of 2018"),
        ({"cables": "BSCS"}, "names several cables"),
        ({"at": (200, 0)}, "longitude 200"),
        ({"at": "atlantis"}, "no chokepoint 'atlantis'"),
        ({"at": "gulf_of_suez"}, "has no polygon"),
        ({"at": (0, 0), "radius_km": -1}, "radius_km"),
        ({"cables": "ACE", "at": (150, -30)}, "nowhere within 50 km"),
        ({"cables": 3}, "expected a cable id or name"),
    ],
)
def test_cut_refuses_bad_arguments(kwargs, message):
    as_of = 2018 if kwargs.get("cables") != "BSCS" else None  # the two BSCS: 2021 and 2022
    with pytest.raises(ParameterError, match=message):
        cut(as_of=as_of, **kwargs)


def test_as_of_outside_the_cable_years_is_refused():
    with pytest.raises(AsOfOutOfRangeError):
        exposure(as_of=2030)


# -- outcomes that follow from the cited cable data -----------------------------------------


def cables_landing(code, as_of):
    cables = dsrgeo.load("cables", as_of=as_of)
    return cables[cables["countries"].map(lambda c: code in c)]


def test_ace_was_mauritanias_only_cable_so_cutting_it_isolates_mauritania():
    assert cables_landing("MRT", 2017)["name"].tolist() == ["Africa Coast to Europe (ACE)"]
    after = by_code(cut("ACE", as_of=2017, terrestrial=True))
    assert after.loc["MRT", "isolated_by_sea"]
    assert after.loc["MRT", "international_cables_after"] == 0
    # over land Mauritania borders Senegal, which lands other cables
    countries = dsrgeo.load("bri_countries").set_index("iso3").geometry
    assert countries["MRT"].intersects(countries["SEN"])
    assert len(cables_landing("SEN", 2017)) > 1
    assert not after.loc["MRT", "isolated_with_land"]


def test_tonga_has_one_international_cable_and_one_fault_isolates_it():
    tonga = cables_landing("TON", 2021)
    international = tonga[tonga["countries"].map(len) > 1]
    assert international["id"].tolist() == ["tonga-cable"]  # the other, TDCE, is domestic
    row = by_code(exposure(as_of=2021)).loc["TON"]
    assert row["international_cables"] == 1
    assert (row["min_cables_to_isolate"], row["min_cut_cables"]) == (1, ["tonga-cable"])
    assert by_code(cut("Tonga Cable", as_of=2021)).loc["TON", "isolated_by_sea"]


def test_cutting_a_whole_cable_removes_exactly_its_international_links():
    network = dsrgeo.network.load_network(as_of=2022)
    before = by_code(network.exposure())["international_cables"]
    after = by_code(network.cut("SAT-3/WASC"))
    sat3 = dsrgeo.load("cables").set_index("id").loc["sat-3wasc", "countries"]
    for code, row in after.iterrows():
        assert row["international_cables_before"] == before[code]
        lost = 1 if code in sat3 else 0
        assert row["international_cables_after"] == before[code] - lost, code


def test_exposure_invariants_over_the_real_network():
    network = dsrgeo.network.load_network(as_of=2022)
    table = network.exposure()
    assert (table["min_cables_to_isolate"] >= table["international_cables"]).all()
    assert (table["min_cut_cables"].map(len) == table["min_cables_to_isolate"]).all()
    assert table["international_cables"].gt(0).all()
    for column in [c for c in table.columns if c.startswith("share_")]:
        assert table[column].between(0, 1).all(), column
    # the cables of a min cut, cut whole, do isolate the country (a sample)
    for code in table["iso3"].iloc[::20]:
        row = table.set_index("iso3").loc[code]
        after = by_code(network.cut(sorted(set(row["min_cut_cables"]))))
        assert after.loc[code, "isolated_by_sea"], code


def test_reach_is_shared_within_components_and_a_cut_never_adds_reach():
    network = dsrgeo.network.load_network(as_of=2022)
    after = network.cut(at="bab_el_mandeb", radius_km=0)
    assert (after["reach_after"] <= after["reach_before"]).all()
    assert (after["international_cables_after"] <= after["international_cables_before"]).all()
    # countries reaching r others form components of r + 1 countries each
    whole = network.cut(["ACE", "SAT-3/WASC", "WACS", "MainOne"])
    for reach, count in whole["reach_after"].value_counts().items():
        assert count % (reach + 1) == 0, (reach, count)


def test_bab_el_mandeb_polygon_is_crossed_by_the_cables_drawn_through_it():
    bab = dsrgeo.load("chokepoints").set_index("id").loc["bab_el_mandeb"]
    cables = dsrgeo.load("cables", as_of=2022)
    crossing = cables[shapely.intersects(cables.geometry.to_numpy(), bab.geometry)]
    result = cut(at=bab, radius_km=0, as_of=2022)
    assert result.attrs["cables_cut"] == sorted(crossing["id"])
    shares = by_code(exposure(as_of=2022))["share_via_bab_el_mandeb"]
    assert shares["DJI"] == pytest.approx(
        len(set(crossing["id"]) & set(cables_landing("DJI", 2022)["id"]))
        / by_code(exposure(as_of=2022)).loc["DJI", "international_cables"]
    )


# -- drawings that do not connect their landing points -------------------------------------


def drawing_pieces(cable_id, buffer_deg):
    """Independent of the model: how many pieces the drawing is, thickened by buffer_deg."""
    geometry = dsrgeo.load("cables").set_index("id").loc[cable_id, "geometry"]
    return len(
        shapely.get_parts(
            shapely.union_all(shapely.buffer(shapely.get_parts(geometry), buffer_deg))
        )
    )


@pytest.mark.parametrize("cable_id", ["falcon", "south-america-1-sam-1", "sjjk"])
def test_disconnected_drawings_are_listed_with_their_gap(cable_id):
    table = dsrgeo.network.disconnected_cables().set_index("id")
    assert table.loc[cable_id, "gap_km"] > 2 * SNAP_KM
    assert drawing_pieces(cable_id, 0.5) > 1  # 0.5 degrees each side still leaves a gap
    assert table.loc[cable_id, "pieces"] >= 2


@pytest.mark.parametrize("cable_id", ["africa-coast-to-europe-ace", "peace-cable", "seamewe-5"])
def test_connected_drawings_are_not_listed(cable_id):
    assert drawing_pieces(cable_id, 0.3) == 1  # joined once thickened by ~SNAP_KM
    assert cable_id not in set(dsrgeo.network.disconnected_cables()["id"])


def test_falcon_pieces_are_joined_through_india():
    table = dsrgeo.network.disconnected_cables().set_index("id")
    pieces = [set(p.split()) for p in table.loc["falcon", "piece_countries"]]
    assert len(pieces) == 2 and "IND" in pieces[0] & pieces[1]


# -- the layers -------------------------------------------------------------------------------


def test_chokepoint_polygons_are_geodesic_circles_of_the_cited_half_width():
    for row in dsrgeo.load("chokepoints").dropna(subset=["centre_lon"]).itertuples():
        ring = np.asarray(shapely.get_exterior_ring(shapely.get_parts(row.geometry)[0]).coords)
        _, _, metres = GEOD.inv(
            np.full(len(ring), row.centre_lon), np.full(len(ring), row.centre_lat),
            ring[:, 0], ring[:, 1],
        )  # fmt: skip
        assert metres / 1000 == pytest.approx(row.half_width_km, rel=1e-4, abs=0.001), row.id
    assert dsrgeo.load("chokepoints").set_index("id").loc["gulf_of_suez", "geometry"] is None


def test_incidents_by_year_and_their_cable_ids_exist():
    incidents = dsrgeo.load("cable_incidents")
    known = set(dsrgeo.load("cables")["id"])
    assert set().union(*incidents["cable_ids"]) <= known
    in_2018 = dsrgeo.load("cable_incidents", as_of=2018)
    assert (in_2018["date_start"].str[:4].astype(int) <= 2018).all()
    assert len(in_2018) == (incidents["date_start"].str[:4].astype(int) <= 2018).sum()
    located = incidents[incidents.geometry.notna()]
    points = dsrgeo.load("landing_points").set_index("id").geometry
    for row in located.itertuples():
        assert row.geometry.distance(points[row.landing_point_id]) < 1e-4


# -- faces: the map and the command line -----------------------------------------------------


def test_add_scenario_draws_countries_by_reach_lost_and_cut_cables_dashed():
    from dsrgeo.maps.map import SCENARIO_CLASSES

    scenario = cut("ACE", as_of=2017)
    the_map = dsrgeo.Map().add_scenario(scenario)
    countries, uncut, cut_cables = the_map.layers[1:]
    assert cut_cables.gdf["id"].tolist() == ["africa-coast-to-europe-ace"]
    assert all(style["dashArray"] == "6 4" for style in cut_cables.styles)
    assert "dashArray" not in uncut.styles[0]
    assert len(uncut.gdf) + 1 == len(dsrgeo.load("cables", as_of=2017))
    classes = dict(zip(countries.gdf["iso3"], countries.gdf["reach_lost"]))
    assert classes["MRT"] == "Isolated by sea" and classes["SEN"] == "Lost international cables"
    colours = dict(SCENARIO_CLASSES)
    row = countries.gdf["iso3"].tolist().index("MRT")
    assert countries.colors[row] == colours["Isolated by sea"]
    assert {"reach_before", "reach_after", "cables_cut"} <= set(countries.popup)


def test_add_scenario_escapes_every_string_and_refuses_other_tables():
    scenario = cut("ACE", as_of=2017)
    scenario.loc[scenario["iso3"] == "MRT", "name"] = "<img src=x onerror=alert(1)>"
    page = dsrgeo.Map().add_scenario(scenario, name="<b>scenario</b>", context=False).to_html()
    assert "<img src=x onerror" not in page and "<b>scenario</b>" not in page
    assert "lt;img src=x" in page
    with pytest.raises(ParameterError, match="dsrgeo.network.cut"):
        dsrgeo.Map().add_scenario(exposure(as_of=2017))


def test_a_cut_at_a_place_reads_the_place_once(monkeypatch):
    from dsrgeo.network import model

    calls = []

    def counted(at):
        calls.append(at)
        return place_geometry(at)

    place_geometry = model.place_geometry
    monkeypatch.setattr(model, "place_geometry", counted)
    table = cut(at=(43.35, 12.61), radius_km=10, as_of=2022)
    assert len(calls) == 1
    assert table.attrs["at"].equals(Point(43.35, 12.61))
    assert cut("ACE", as_of=2017).attrs["at"] is None


def test_add_scenario_at_a_place_draws_the_area_cut():
    the_map = dsrgeo.Map().add_scenario(cut(at=(43.35, 12.61), as_of=2022), context=False)
    area = next(layer for layer in the_map.layers if layer.name == "Area cut")
    assert area.gdf["name"].tolist() == ["Area cut: within 50 km of the place"]
    ring = np.asarray(area.gdf.geometry[0].exterior.coords)
    _, _, metres = GEOD.inv(np.full(len(ring), 43.35), np.full(len(ring), 12.61), *ring.T)
    assert metres / 1000 == pytest.approx(50, rel=1e-4)


def test_exposure_is_a_choropleth():
    layer = dsrgeo.Map().add(exposure(as_of=2022), color_by="min_cables_to_isolate").layers[-1]
    assert layer.kind == "polygon" and layer.legend.kind == "continuous"
    assert "TeleGeography" in layer.citation


def test_cli_network_cut(capsys):
    from dsrgeo.cli import main

    assert main(["network", "cut", "ACE", "--as-of", "2018"]) == 0
    out = capsys.readouterr().out
    summary = out.strip().splitlines()[-1]
    assert "isolated by sea" in summary and "MRT" in summary
    assert (
        main(["network", "cut", "--at", "43.35,12.61", "--radius-km", "10", "--as-of", "2022"]) == 0
    )
    assert "cable(s) cut" in capsys.readouterr().out
    assert main(["network", "cut", "ACX", "--as-of", "2018"]) == 2
    assert "no cable in service by the end of 2018" in capsys.readouterr().err
    assert main(["network", "cut"]) == 2


def test_cli_network_exposure_writes_csv(tmp_path, capsys):
    from dsrgeo.cli import main

    target = tmp_path / "exposure.csv"
    assert main(["network", "exposure", "--as-of", "2021", "-o", str(target)]) == 0
    table = pd.read_csv(target).set_index("iso3")
    assert "min_cables_to_isolate" in table.columns and "geometry" not in table.columns
    assert table.loc["TON", "min_cut_cables"] == "tonga-cable"
    assert main(["network", "bifurcation", "--as-of", "2021", "-o", str(tmp_path / "b.csv")]) == 0


def test_write_table_joins_list_cells_in_csv(tmp_path):
    # the library's writer, not only the command line, turns list cells into "a;b" in CSV
    from dsrgeo.tables import write_table

    table = exposure(as_of=2021)
    assert table.set_index("iso3").loc["TON", "min_cut_cables"] == ["tonga-cable"]
    written = pd.read_csv(write_table(table, tmp_path / "x.csv")).set_index("iso3")
    assert written.loc["TON", "min_cut_cables"] == "tonga-cable"
    cut_many = written["min_cut_cables"][written["min_cables_to_isolate"] > 1].iloc[0]
    assert ";" in cut_many and "[" not in cut_many and "'" not in cut_many
    # the frame written is not changed
    assert table.set_index("iso3").loc["TON", "min_cut_cables"] == ["tonga-cable"]


def test_report_has_a_network_section():
    from dsrgeo import report

    built = report.build_report(as_of=2021)
    section = next(s for s in built.sections if s.id == "network")
    single, straits, sides = (table.frame for table in section.tables)
    assert "TON" in set(single["ISO3"])  # Tonga's one international cable in 2021
    expected = by_code(exposure(as_of=2021))
    assert set(single["ISO3"]) == set(expected.index[expected["min_cables_to_isolate"] == 1])
    assert "chokepoints" in set(built.citations["layer"])
    assert '<section id="network">' in report.to_html(built)


def test_a_cable_without_a_segment_and_an_unknown_country_are_refused():
    from dsrgeo.errors import InvalidLayerError

    with pytest.raises(InvalidLayerError, match="no drawn segment"):
        cable_topology("dot", LineString([(0, 0), (0, 0)]), [("a", (0, 0))])
    with pytest.raises(ParameterError, match="lands no international cable"):
        make_network(FESTOON, FESTOON_POINTS).min_cut("ZZZ")


# -- provenance ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: cut("ACE", as_of=2017),
        lambda: cut(at="bab_el_mandeb", radius_km=0, as_of=2022),
        lambda: exposure(as_of=2022),
        lambda: dsrgeo.network.bifurcation(as_of=2022, terrestrial=True),
        lambda: dsrgeo.network.disconnected_cables(),
        lambda: dsrgeo.alignment(),
    ],
    ids=["cut", "cut_at", "exposure", "bifurcation", "disconnected_cables", "alignment"],
)
def test_every_network_result_carries_the_cable_datas_licence(make):
    # TeleGeography's cable data is CC BY-NC-SA (the catalog's cables entry): a result made
    # from it must carry that licence and the layers it came from, whatever it is
    licence = dsrgeo.catalog.get("cables").licence
    assert "BY-NC-SA" in licence
    attrs = make().attrs
    assert licence in attrs["licences"] and licence in attrs["licence"]
    assert set(dsrgeo.network.scenarios.LAYERS) <= set(attrs["layers"])
    assert "TeleGeography" in attrs["attribution"]
    publishers = {source["publisher"] for source in attrs["sources"]}
    assert any("TeleGeography" in p for p in publishers)
    assert any("company_home_country" in source["title"] for source in attrs["sources"])
    assert "company_home_country.csv" in attrs["citation"]


def test_alignment_credits_the_layers_of_its_exposure_columns():
    # top_chokepoint comes from the chokepoints layer via exposure(), not from indicators()
    attrs = dsrgeo.alignment().attrs
    assert "chokepoints" not in dsrgeo.indicators().attrs["layers"]
    assert "chokepoints" in attrs["layers"]
    assert dsrgeo.catalog.get("chokepoints").licence in attrs["licences"]


def test_a_networks_citation_and_attribution_are_its_provenances():
    cables, points = dsrgeo.load("cables", as_of=2012), dsrgeo.load("landing_points", as_of=2012)
    network = Network(cables, points, provenance={"citation": "P", "licence": "L"})
    assert (network.citation, network.attribution) == ("P", None)
    network.attribution = "A"  # one copy: what a result's attrs say is the provenance's
    attrs = network.exposure().attrs
    assert (attrs["citation"], attrs["attribution"], attrs["licence"]) == ("P", "A", "L")
    given = Network(cables, points, provenance={"citation": "P"}, citation="C")
    assert given.citation == given.provenance["citation"] == "C"


def test_a_results_provenance_is_its_own_copy():
    first = exposure(as_of=2022)
    first.attrs["sources"][0]["publisher"] = "changed"
    first.attrs["licences"].clear()
    again = exposure(as_of=2022).attrs
    assert again["sources"][0]["publisher"] != "changed" and again["licences"]


def test_the_scenario_map_credits_the_network_layers():
    the_map = dsrgeo.Map().add_scenario(cut(at="bab_el_mandeb", as_of=2022), context=False)
    countries = next(layer for layer in the_map.layers if layer.name.endswith("reach lost by sea"))
    assert dsrgeo.catalog.get("cables").credit in countries.credit
    assert "TeleGeography" in countries.citation and "CC BY-NC-SA" in countries.citation


# -- who counts as HMN-built ------------------------------------------------------------


def test_exposure_counts_the_hmn_cables_hmn_mask_counts():
    # the cables layer's audited status: Gulf2Africa is disputed, SEA-H2X, SIGMAR and UNSC
    # only awarded; their supplier field names HMN all the same
    cables = dsrgeo.load("cables")
    status = cables.set_index("id")["hmn_status"]
    assert status["gulf2africa-g2a"] == "disputed"
    assert (status[["sea-h2x", "singapore-myanmar-sigmar"]] == "awarded").all()
    assert cables.set_index("id").loc["sea-h2x", "suppliers"] == ["HMN Tech"]
    built = set(cables.loc[dsrgeo.analysis.hmn_mask(cables), "id"])
    flags = dsrgeo.network.cable_companies(cables)
    assert set(flags.index[flags["hmn"]]) == built
    assert not built & {"gulf2africa-g2a", "sea-h2x", "singapore-myanmar-sigmar"}
    # and so exposure's share agrees with alignment's, country by country
    share = exposure().set_index("iso3")["share_hmn"]
    rows = dsrgeo.alignment().set_index("iso3")["hmn_international_share"]
    both = share.index.intersection(rows.index)
    assert len(both) > 150
    assert share[both].to_numpy() == pytest.approx(rows[both].to_numpy(), abs=1e-12)


def test_cable_companies_carries_the_cables_licence_and_the_company_table():
    cables = dsrgeo.load("cables", as_of=2017)
    flags = dsrgeo.network.cable_companies(cables)
    # TeleGeography's CC BY-NC-SA licence travels with the frame made from its data
    assert flags.attrs["licence"] == "CC BY-NC-SA 3.0"
    assert "TeleGeography" in flags.attrs["citation"] and flags.attrs["as_of"] == 2017
    assert flags.attrs["layers"] == ["cables"] and "id" not in flags.attrs  # not the layer
    assert cables.attrs["sources"][0] in flags.attrs["sources"]
    # and the shipped supplier and owner table it read is cited beside them, once
    source = dsrgeo.network.companies.COMPANY_SOURCE
    assert flags.attrs["sources"].count(source) == 1
    assert "Supplier and owner home countries" in flags.attrs["citation"]
    assert "supplier and owner home countries" in flags.attrs["attribution"]
    # a copy, not the cables' own attrs
    flags.attrs["sources"].clear()
    assert len(cables.attrs["sources"]) == 2
    # a user's table is not cited as the shipped one
    table = dsrgeo.network.company_table(
        dsrgeo.catalog.sources_dir() / dsrgeo.network.companies.COMPANY_TABLE
    )
    own = dsrgeo.network.cable_companies(cables, table)
    assert source not in own.attrs["sources"] and own.attrs["licence"] == "CC BY-NC-SA 3.0"


def test_the_company_table_is_cited_by_paths_of_the_checkout(repo_root):
    # as the catalog's compiled sources (layers/sources/policy/SOURCES.md), which the docs
    # link to a page of their own when the path names a file of the checkout
    attrs = dsrgeo.network.provenance()
    source = attrs["sources"][-1]
    assert source == dsrgeo.network.companies.COMPANY_SOURCE
    assert source["url"] == "layers/sources/network/SOURCES.md"
    assert (repo_root / source["url"]).is_file()
    path = attrs["citation"].rpartition("Supplier and owner home countries: ")[2]
    assert (repo_root / path.rpartition(", ")[2]).is_file()


def test_a_network_table_written_as_geojson_carries_its_licence(tmp_path):
    """Derived tables keyed by iso3 (no id column) write as GeoJSON, credits included."""
    import json

    from dsrgeo.tables import write_table

    table = dsrgeo.network.exposure(as_of=2022)
    document = json.loads(write_table(table, tmp_path / "x.geojson").read_text())
    assert len(document["features"]) == len(table)
    assert [f["properties"]["iso3"] for f in document["features"]] == list(table["iso3"])
    assert "CC BY-NC-SA 3.0" in document["licences"]
    assert "TeleGeography" in document["attribution"]
    assert document["sources"] == table.attrs["sources"]
