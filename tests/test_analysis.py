"""Tests for dsrgeo.analysis: the country cable graph and the indicators per country."""

import json

import geopandas as gpd
import numpy as np
import pytest

import dsrgeo
from dsrgeo.analysis import (
    all_hmn_countries,
    cable_graph,
    hmn_mask,
    indicators,
    reachable_countries,
)
from dsrgeo.errors import ParameterError

# PEACE's landing countries per TeleGeography, layers/sources/cables/cable/peace-cable.json
# (late 2022: Pakistan to Marseille plus branches and the Singapore extension).
PEACE_COUNTRIES = [
    "CYP",
    "DJI",
    "EGY",
    "FRA",
    "KEN",
    "MDV",
    "MLT",
    "PAK",
    "SAU",
    "SGP",
    "SOM",
    "SYC",
]


# --- the hand-made fixture: answers known by construction (tests/data/README.md) ---------


def test_fixture_graph_edges(three_cables):
    graph = cable_graph(cables=three_cables)
    assert sorted(graph.nodes) == ["DJI", "EGY", "FRA", "PAK", "USA"]
    assert sorted(map(sorted, graph.edges)) == [
        ["DJI", "EGY"],
        ["DJI", "PAK"],
        ["EGY", "FRA"],
        ["EGY", "PAK"],
        ["FRA", "USA"],
    ]
    edge = graph.edges["EGY", "FRA"]
    assert edge == {
        "cable_ids": ["beta"],
        "names": ["Beta Cable"],
        "suppliers": ["Huawei Marine Networks"],
    }
    assert graph.graph["cables"]["gamma"]["is_hmn"] is False


def test_fixture_hmn_reach_from_pakistan(three_cables):
    graph = cable_graph(suppliers="HMN", cables=three_cables)
    assert reachable_countries(graph, "PAK") == ["DJI", "EGY", "FRA"]
    assert reachable_countries(graph, "PAK", max_hops=1) == ["DJI", "EGY"]
    assert reachable_countries(graph, "USA") == []  # lands only a SubCom cable


def test_fixture_reach_over_all_cables(three_cables):
    graph = cable_graph(cables=three_cables)
    assert reachable_countries(graph, "pak") == ["DJI", "EGY", "FRA", "USA"]


def test_fixture_as_of_drops_later_cables(three_cables):
    graph = cable_graph(suppliers="HMN", as_of=2021, cables=three_cables)
    assert reachable_countries(graph, "PAK") == ["DJI", "EGY"]  # beta is in service from 2022


def test_fixture_all_hmn_countries(three_cables):
    assert all_hmn_countries(cable_graph(cables=three_cables)) == ["DJI", "EGY", "PAK"]


def test_all_hmn_refuses_a_filtered_graph(three_cables):
    with pytest.raises(ParameterError, match="cable_graph\\(\\) instead"):
        all_hmn_countries(cable_graph(suppliers="HMN", cables=three_cables))


def test_supplier_by_name_and_list(three_cables):
    assert sorted(cable_graph(suppliers="subcom", cables=three_cables).nodes) == ["FRA", "USA"]
    graph = cable_graph(suppliers=["SubCom", "HMN Tech"], cables=three_cables)
    assert sorted(graph.graph["cables"]) == ["alpha", "gamma"]


def test_unknown_supplier_suggests_close_names(three_cables):
    with pytest.raises(ParameterError, match="'Subcomm'.*did you mean 'SubCom'"):
        cable_graph(suppliers="Subcomm", cables=three_cables)


def test_bad_country_code_is_refused(three_cables):
    with pytest.raises(ParameterError, match="ISO 3166-1 alpha-3"):
        reachable_countries(cable_graph(cables=three_cables), "Pakistan")


def test_hmn_mask_uses_the_alias_table_not_substrings():
    import pandas as pd

    suppliers = [["Huawei Marine"], ["HMN Technologies"], ["Huawei"], ["NEC"]]
    frame = pd.DataFrame({"suppliers": suppliers})
    assert hmn_mask(frame).tolist() == [True, True, False, False]
    exact = pd.DataFrame({"suppliers": [["huawei marine"], ["HMN TECH"]]})
    assert hmn_mask(exact).tolist() == [False, False]  # the alias table's spelling, exactly


def test_hmn_mask_reads_the_is_hmn_flag_when_there_is_one():
    import pandas as pd

    frame = pd.DataFrame(
        {"suppliers": [["NEC"], ["HMN Tech"], ["NEC"]], "is_hmn": [True, False, None]}
    )
    assert hmn_mask(frame).tolist() == [True, False, False]


def test_shipped_is_hmn_flag_follows_the_alias_table(repo_root):
    # the oracle: TeleGeography's own list of HMN Tech's cables (supplier/hmn-tech.json)
    listed = json.loads(
        (repo_root / "layers/sources/cables/supplier/hmn-tech.json").read_text("utf-8")
    )
    cables = dsrgeo.load("cables")
    assert set(cables.loc[cables["is_hmn"], "id"]) == {c["id"] for c in listed["cables"]}
    # HMN-built is the audited status, not the supplier field: Gulf2Africa's supplier field
    # names HMN Tech, but TeleGeography's CommsUpdate (2016-02-12) reported an Xtera contract
    built = hmn_mask(cables)
    assert built.tolist() == (cables["hmn_status"] == "supplied").tolist()
    g2a = cables.set_index("id").loc["gulf2africa-g2a"]
    assert g2a["is_hmn"] and g2a["hmn_status"] == "disputed"
    assert not built[cables["id"] == "gulf2africa-g2a"].any()


# --- the shipped layers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def hmn_graph():
    return cable_graph(suppliers="HMN")


def test_peace_links_all_its_landing_countries(hmn_graph):
    cables = dsrgeo.load("cables")
    assert cables.set_index("id").loc["peace-cable", "countries"] == PEACE_COUNTRIES
    for a in PEACE_COUNTRIES:
        for b in PEACE_COUNTRIES:
            if a < b:
                assert "peace-cable" in hmn_graph.edges[a, b]["cable_ids"]


def test_pakistan_reaches_at_least_peace_countries_over_hmn(hmn_graph):
    direct = reachable_countries(hmn_graph, "PAK", max_hops=1)
    assert set(PEACE_COUNTRIES) - {"PAK"} <= set(direct)
    assert set(direct) <= set(reachable_countries(hmn_graph, "PAK"))


def test_hmn_graph_holds_the_on_map_cables_of_the_hmn_layer(hmn_graph):
    hmn = dsrgeo.load("hmn_cables")
    on_map = set(hmn.loc[(hmn["origin"] != "project_list") & hmn["hmn_built"], "id"])
    assert "peace-cable" in on_map
    assert set(hmn_graph.graph["cables"]) == on_map
    assert all(info["is_hmn"] for info in hmn_graph.graph["cables"].values())


def test_all_hmn_countries_on_the_shipped_layer():
    # in service at the end of 2022, only Suriname's international cables (the
    # Suriname-Guyana system) are all HMN-built; with planned cables too, no country's are
    assert all_hmn_countries(cable_graph(as_of=2022)) == ["SUR"]
    assert all_hmn_countries(cable_graph()) == []


@pytest.fixture(scope="module")
def table():
    return indicators()


def test_indicators_one_row_per_country(table):
    assert isinstance(table, gpd.GeoDataFrame)
    assert table["iso3"].is_unique
    assert len(table) == len(dsrgeo.load("bri_countries"))
    assert table.crs.to_epsg() == 4326
    for column in [
        "cables_landing",
        "hmn_cables",
        "hmn_share",
        "landing_points",
        "bri_status",
        "bri_year",
        "dsr_agreement_year",
        "standards_agreement_year",
        "safe_cities",
    ]:
        assert column in table.columns


def test_indicators_known_values(table):
    row = table.set_index("iso3").loc["PAK"]
    assert row["hmn_cables"] >= 1  # PEACE
    assert row["bri_status"] == "member"
    peace_hmn = table.set_index("iso3").loc[PEACE_COUNTRIES, "hmn_cables"]
    assert (peace_hmn >= 1).all()


def test_indicators_share_is_a_fraction(table):
    share = table["hmn_share"]
    assert ((share >= 0) & (share <= 1) | share.isna()).all()
    assert share.isna().equals(table["cables_landing"] == 0)
    assert (table["hmn_cables"] <= table["cables_landing"]).all()


def test_indicators_totals_match_layers(table):
    cables = dsrgeo.load("cables")
    landed = cables.explode("countries")
    in_table = landed[landed["countries"].isin(table["iso3"])]
    assert table["cables_landing"].sum() == len(in_table[["id", "countries"]].drop_duplicates())
    unmatched = set(landed["countries"].dropna()) - set(table["iso3"])
    assert unmatched <= set(table.attrs["unmatched_iso3"])


def test_indicators_as_of(table):
    past = indicators(as_of=2019).set_index("iso3")
    assert past.loc["ITA", "bri_status"] == "member"  # Italy left in 2023
    assert table.set_index("iso3").loc["ITA", "bri_status"] == "exited"
    assert past["cables_landing"].sum() < table["cables_landing"].sum()


def test_indicators_join_the_shipped_beidou_layer(table):
    assert "beidou_capitals" in table.attrs["layers"]
    for column in ("bds_max", "gps_max", "bds_minus_gps_max"):
        assert np.isfinite(float(table.set_index("iso3").loc["PAK", column]))


def test_indicators_join_capital_figures_of_the_seat_of_government(repo_root):
    # read the shipped layer file as plain JSON (not through dsrgeo) as the oracle of the join
    raw = json.loads((repo_root / "layers" / "beidou_capitals.geojson").read_text("utf-8"))
    rows = {f["properties"]["id"]: f["properties"] for f in raw["features"]}
    table = indicators().set_index("iso3")
    islamabad = rows["pak-islamabad"]
    assert table.loc["PAK", "capital"] == "Islamabad"
    assert table.loc["PAK", ["bds_max", "gps_max"]].tolist() == [
        islamabad["bds_max"],
        islamabad["gps_max"],
    ]
    # Bolivia has two capitals in the layer: the one without a note (La Paz, the seat of
    # government) is joined, not Sucre (the constitutional capital)
    assert table.loc["BOL", "capital"] == "La Paz"
    assert table.loc["BOL", "bds_max"] == rows["bol-la-paz"]["bds_max"]


def test_unknown_supplier_error_mentions_as_of(three_cables):
    expected = "in service by the end of 2019 lists supplier 'HMN Tech'"
    with pytest.raises(ParameterError, match=expected):
        cable_graph(suppliers="HMN Tech", as_of=2019, cables=three_cables)


def test_empty_selection_gives_an_empty_graph(three_cables):
    graph = cable_graph(suppliers="HMN", as_of=2019, cables=three_cables)
    assert graph.number_of_nodes() == 0
    assert reachable_countries(graph, "PAK") == []


def test_public_names():
    assert dsrgeo.indicators is indicators
    assert dsrgeo.cable_graph is cable_graph


def test_import_dsrgeo_stays_free_of_networkx():
    import subprocess
    import sys

    code = "import sys, dsrgeo; print('networkx' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )


def test_indicators_go_straight_onto_a_map(table):
    # the README's example: Map().add(indicators, color_by="hmn_share") works as is
    html = dsrgeo.Map().add(table, color_by="hmn_share").to_html()
    assert "Pakistan" in html
