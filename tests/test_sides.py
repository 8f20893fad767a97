"""dsrgeo.alignment: the components side by side, the score's arithmetic, its sensitivity.

The components are checked against the layers they come from (each pinned to its sources in
tests/test_counter_layers.py and tests/test_layers_data.py); the score against a hand
calculation written here.
"""

import math
from types import MappingProxyType

import pandas as pd
import pytest

import dsrgeo
from dsrgeo import sides
from dsrgeo.errors import ParameterError


@pytest.fixture(scope="module")
def table():
    return dsrgeo.alignment()


def test_one_row_per_country_of_the_indicators(table):
    indicators = dsrgeo.indicators()
    assert sorted(table["iso3"]) == sorted(indicators["iso3"])
    assert table["iso3"].is_unique
    assert table.crs.to_epsg() == 4326


def test_components_come_from_their_layers(table):
    rows = table.set_index("iso3")
    clean = dsrgeo.load("clean_network").set_index("iso3")
    huawei = dsrgeo.load("huawei_5g").set_index("iso3")
    bri = dsrgeo.load("bri_countries").set_index("iso3")
    codes = rows.index
    assert (rows["clean_network"] == clean.loc[codes, "status"]).all()
    pd.testing.assert_series_equal(
        rows["huawei_5g_restriction"], huawei.loc[codes, "restriction"], check_names=False
    )
    assert (rows["bri_status"] == bri.loc[codes, "bri_status"]).all()


def test_safe_city_projects_count_deployed_and_agreed_only(table):
    cities = dsrgeo.load("safe_cities")
    rows = table.set_index("iso3")
    # Nigeria: the Abuja and Lagos ZTE rows are cancelled, Huawei's rows are not
    nigeria = cities[cities["iso3"] == "NGA"]
    expected = int(nigeria["status"].isin(["deployed", "agreed"]).sum())
    assert (nigeria["status"] == "cancelled").any()
    assert rows.loc["NGA", "safe_city_projects"] == expected < len(nigeria)


def test_pakistan_lands_peace_an_international_hmn_cable(table):
    rows = table.set_index("iso3")
    # PEACE (supplied by HMN Tech) lands in Pakistan, Kenya, Egypt, France...
    peace = dsrgeo.load("cables").set_index("id").loc["peace-cable"]
    assert "PAK" in peace["countries"] and len(set(peace["countries"])) > 2
    assert rows.loc["PAK", "hmn_international_cables"] >= 1
    share = rows.loc["PAK", "hmn_international_share"]
    assert (
        share
        == rows.loc["PAK", "hmn_international_cables"] / rows.loc["PAK", "international_cables"]
    )


def test_score_is_the_weighted_mean_by_hand(table):
    us = table.set_index("iso3").loc["USA"]
    # the United States: no BRI, DSR, standards or Safe City row; open Chinese cloud regions
    # (Alibaba's Atlanta, Tencent's...); no HMN-built international cable; a Clean Network
    # member; Huawei banned. Components: cloud +1 (weight 0.5), clean -1, huawei -1.
    assert us["cloud_regions"] > 0 and us["hmn_international_cables"] == 0
    weights = dict(sides.DEFAULT_WEIGHTS)
    expected = (0.5 * 1 - 1 - 1) / sum(weights.values())
    assert math.isclose(us["alignment_score"], expected, abs_tol=1e-12)
    assert us["side"] == "us"
    without_cloud = dsrgeo.alignment(weights={"cloud_region": 0}).set_index("iso3")
    assert math.isclose(
        without_cloud.loc["USA", "alignment_score"],
        -2 / (sum(weights.values()) - 0.5),
        abs_tol=1e-12,
    )


def test_a_country_no_source_names_is_on_neither_side(table):
    rows = table.set_index("iso3")
    # Antarctica: no BRI document, no Clean Network, no position on Huawei, no cable
    assert rows.loc["ATA", "alignment_score"] == 0
    assert rows.loc["ATA", "side"] == "neither"


def test_as_of_moves_each_component_by_its_own_dates():
    before = dsrgeo.alignment(as_of=2018).set_index("iso3")
    # Poland: BRI document in 2015, Clean Network joint declaration 2019-09-02
    assert before.loc["POL", "bri_status"] == "member"
    assert before.loc["POL", "clean_network"] == "none"
    assert before.loc["POL", "side"] == "china"
    assert dsrgeo.alignment(as_of=2020).set_index("iso3").loc["POL", "clean_network"] == "member"


@pytest.mark.parametrize(
    "weights, message",
    [
        ({"colour": 1}, "unknown component"),
        ({"bri": -1}, ">= 0"),
        ({"bri": float("nan")}, "finite"),
        ({"bri": "heavy"}, "weights"),
        (dict.fromkeys(sides.COMPONENTS, 0), "above 0"),
        ([("bri", 1)], "expected a dict"),
    ],
)
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ParameterError, match=message):
        dsrgeo.alignment(weights=weights)


def test_weights_may_be_any_mapping_the_defaults_included(table):
    # DEFAULT_WEIGHTS is read-only (a mappingproxy), not a dict: passing it back is the
    # defaults, and any other mapping of weights is read like a dict
    same = dsrgeo.alignment(weights=sides.DEFAULT_WEIGHTS)
    assert same["alignment_score"].tolist() == table["alignment_score"].tolist()
    assert same.attrs["weights"] == dict(sides.DEFAULT_WEIGHTS)
    heavy = MappingProxyType({"bri": 2.0})
    assert dsrgeo.alignment(weights=heavy).attrs["weights"]["bri"] == 2.0
    moves = dsrgeo.alignment_sensitivity(weights=sides.DEFAULT_WEIGHTS, factors=(1.0,))
    assert (moves["changes at 1 x"] == 0).all()


def test_sensitivity_counts_side_changes(table):
    moves = dsrgeo.alignment_sensitivity(factors=(0.0, 1.0, 2.0)).set_index("component")
    assert list(moves.index) == list(sides.COMPONENTS)
    # multiplying a weight by 1 changes nothing
    assert (moves["changes at 1 x"] == 0).all()
    # dropping the BRI component moves only BRI members, each toward the US side, and
    # exactly the countries whose side differs in a table recomputed without it
    rows = table.set_index("iso3")
    changed = sorted(moves.attrs["changed"][("bri", 0.0)])
    assert changed and len(changed) == moves.loc["bri", "changes at 0 x"]
    assert rows.loc[changed, "bri_status"].isin(["member", "initiator"]).all()
    without = dsrgeo.alignment(weights={"bri": 0}).set_index("iso3")
    assert sorted(without.index[without["side"] != rows["side"]]) == changed
    rank = {"us": 0, "neither": 1, "china": 2}
    assert all(rank[without.loc[c, "side"]] < rank[rows.loc[c, "side"]] for c in changed)


def test_sensitivity_keeps_the_provenance_not_the_maps_settings(table):
    moves = dsrgeo.alignment_sensitivity(factors=(0.0,))
    for key in ("layers", "sources", "licence", "licences", "citation", "attribution"):
        assert moves.attrs[key] == table.attrs[key]
    assert moves.attrs["weights"] == table.attrs["weights"]
    # styles, popup, labels and formats describe a map of the countries: not this table
    assert not {"styles", "popup", "labels", "formats", "columns"} & set(moves.attrs)


def test_sensitivity_refuses_bad_factors():
    for factors in ("2", (), (-1.0,), (float("inf"),)):
        with pytest.raises(ParameterError, match="factors"):
            dsrgeo.alignment_sensitivity(factors=factors)


def test_alignment_goes_on_a_map_with_its_name_and_credit(table):
    the_map = dsrgeo.Map().add(table, color_by="side")
    layer = the_map.layers[-1]
    assert layer.name == "Alignment by country"
    assert layer.legend.title == sides.ALIGNMENT_COLUMNS["side"]
    assert "TeleGeography" in layer.attribution


def test_cli_alignment_csv(tmp_path):
    path = tmp_path / "alignment.csv"
    from dsrgeo import cli

    assert cli.main(["alignment", "--csv", str(path), "--weight", "bri=2"]) == 0
    written = pd.read_csv(path, keep_default_na=False)
    assert len(written) == len(dsrgeo.alignment())
    assert set(written["side"]) <= set(sides.SIDES)


def test_exposure_figures_sit_beside_the_components():
    # Tonga's one international cable (the Tonga Cable): both the 2019 and the January 2022
    # outages cut the country off (network/SOURCES.md, the incident rows)
    rows = dsrgeo.alignment(as_of=2021).set_index("iso3")
    assert rows.loc["TON", "international_cables"] == 1
    assert rows.loc["TON", "min_cables_to_isolate"] == 1
    # a country with no international cable has no exposure figures, and no score from them
    assert pd.isna(rows.loc["ATA", "min_cables_to_isolate"])
    exposure = dsrgeo.network.exposure(as_of=2021).set_index("iso3")
    assert rows.loc["PAK", "top_chokepoint"] == exposure.loc["PAK", "top_chokepoint"]


def test_maps_of_the_table_take_its_colours_unless_told_otherwise(table):
    layer = dsrgeo.Map().add(table, color_by="side").layers[-1]
    colours = dict(zip(layer.gdf["side"], layer.colors))
    assert colours["us"] == sides.ALIGNMENT_STYLES["side"]["categories"]["us"]
    labels = [label for label, _ in layer.legend.entries]
    assert "Leans to the US answer" in labels
    low, high = table.attrs["styles"]["alignment_score"]["value_range"]
    assert low == -high and high >= table["alignment_score"].abs().max()
    mine = dsrgeo.Map().add(table, color_by="side", categories={"us": "#000000"}).layers[-1]
    assert dict(zip(mine.gdf["side"], mine.colors))["us"] == "#000000"


def test_the_table_map_words_a_status_as_the_layers_map_does(table):
    # one country, one wording: the alignment map takes the catalog's words for each status
    ours = dsrgeo.Map().add(table, color_by="side").layers[-1].formats
    for column, layer_id, field in (
        ("bri_status", "bri_countries", "bri_status"),
        ("clean_network", "clean_network", "status"),
        ("huawei_5g_restriction", "huawei_5g", "restriction"),
    ):
        theirs = dsrgeo.Map().add(layer_id).layers[-1].formats[field]
        codes = set(table[column].dropna())
        assert codes <= set(theirs), column  # every code the table has is worded
        assert {c: ours[column][c] for c in codes} == {c: theirs[c] for c in codes}, column
    assert ours["bri_status"]["exited"] == "Exited the BRI"


def test_a_map_of_the_table_has_a_popup_in_words(table):
    layer = dsrgeo.Map().add(table, color_by="side").layers[-1]
    assert set(layer.popup) == set(sides.ALIGNMENT_POPUP)
    assert layer.labels["huawei_5g_restriction"] == "Huawei in 5G"
    assert layer.formats["clean_network_joined"] == "date"
    assert layer.formats["huawei_5g_restriction"]["partial"] == "Partial restriction"
    from dsrgeo.maps.display import display_value

    assert display_value(0.5, layer.formats["hmn_international_share"]) == "50%"
