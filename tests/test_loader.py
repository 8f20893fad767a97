"""dsrgeo.load and dsrgeo.layers: known counts, as_of, and errors that name the input."""

import json

import pandas as pd
import pytest

import dsrgeo
from dsrgeo import catalog, geojson, loading, timeline
from dsrgeo.errors import AsOfOutOfRangeError, InvalidLayerError, LayerNotFoundError

# TeleGeography's map, late 2022 release: 527 route features for about 520 systems.
MIN_CABLES = 500
# TeleGeography's cable page for PEACE states "21,500 km" (layers/sources/cables/cable/peace-cable.json)
PEACE_STATED_KM = 21500.0
# GFDC (Nedopil 2025): 151 countries have signed (China excluded), 2 of them exited since.
MIN_BRI_MEMBERS = 145


def test_layers_table():
    table = dsrgeo.layers()
    assert list(table.columns) == ["id", "title", "kind", "features", "licence", "as_of"]
    assert set(table["id"]) == set(loading.names())
    assert (table["features"] > 0).all()


def test_cables_known_counts():
    cables = dsrgeo.load("cables")
    assert len(cables) >= MIN_CABLES
    peace = cables.set_index("name").loc["PEACE Cable"]
    assert peace["stated_length_km"] == PEACE_STATED_KM
    assert peace["rfs_year"] == 2022
    assert "PAK" in peace["countries"] and "FRA" in peace["countries"]
    assert peace["suppliers"] == ["HMN Tech"]


def test_several_source_features_of_one_cable_are_merged():
    raw = json.loads((catalog.sources_dir() / "cables" / "cable-geo.json").read_text())
    ids = [f["properties"]["id"] for f in raw["features"]]
    assert ids.count("peace-cable") > 1
    cables = dsrgeo.load("cables")
    assert (cables["id"] == "peace-cable").sum() == 1
    assert len(cables) == len(set(ids))


def test_peace_is_an_hmn_cable():
    hmn = dsrgeo.load("hmn_cables").set_index("id")
    assert "peace-cable" in hmn.index
    assert hmn.loc["peace-cable", "origin"] == "both"
    # Every cable whose supplier is an HMN alias is in the layer, and nothing else from the map.
    aliases = set(catalog.hmn_supplier_aliases())
    cables = dsrgeo.load("cables")
    by_supplier = set(cables.loc[cables["suppliers"].map(lambda s: bool(aliases & set(s))), "id"])
    on_map = set(hmn.index[hmn["origin"] != "project_list"])
    assert by_supplier <= on_map


def test_unmatched_hmn_projects_keep_null_geometry_and_countries():
    hmn = dsrgeo.load("hmn_cables")
    projects = hmn[hmn["id"].str.startswith("hmn-project-")]  # no cable on the map
    assert len(projects) > 0
    assert projects.geometry.isna().all()
    solomon = projects[projects["name"].str.startswith("Solomon Islands")].iloc[0]
    assert solomon["countries"] == ["AUS", "SLB"]


def test_hmn_alias_table_is_not_a_substring_match():
    aliases = catalog.hmn_supplier_aliases()
    for name in ("HMN Tech", "HMN Technologies", "Huawei Marine", "Huawei Marine Networks"):
        assert name in aliases
    assert "Huawei" not in aliases


def test_bri_members_and_italy():
    bri = dsrgeo.load("bri_countries").set_index("iso3")
    assert (bri["bri_status"] == "member").sum() >= MIN_BRI_MEMBERS
    assert bri.loc["ITA", "bri_status"] == "exited"
    assert bri.loc["ITA", "exit_date"] == "2023-12-06"
    assert bri.loc["FRA", "bri_status"] == "none"  # ISO_A3 is -99 in Natural Earth
    assert bri.loc["PAK", "bri_status"] == "member"


def test_bri_as_of():
    in_2019 = dsrgeo.load("bri_countries", as_of=2019).set_index("iso3")
    assert in_2019.loc["ITA", "bri_status"] == "member"
    # Honduras signed on 2023-06-12 (Xinhua via People's Daily; The Times, 2023)
    assert in_2019.loc["HND", "bri_status"] == "none"
    assert pd.isna(in_2019.loc["HND", "mou_date"])
    assert in_2019.loc["CHN", "bri_status"] == "initiator"  # proposed the BRI in 2013
    in_2023 = dsrgeo.load("bri_countries", as_of=2023).set_index("iso3")
    assert in_2023.loc["ITA", "bri_status"] == "exited"
    assert in_2023.loc["PAN", "bri_status"] == "member"  # left 2025-02-04
    assert dsrgeo.load("bri_countries", as_of=2019).attrs["as_of"] == 2019


def test_cables_as_of_keeps_only_cables_in_service():
    cables = dsrgeo.load("cables", as_of=2015)
    assert (cables["rfs_year"] <= 2015).all()
    assert not cables["is_planned"].any()
    assert "peace-cable" not in set(cables["id"])
    points = dsrgeo.load("landing_points", as_of=2015)
    live = set(cables["id"])
    assert all(set(ids) <= live and ids for ids in points["cable_ids"])


def test_as_of_outside_the_data_years():
    with pytest.raises(AsOfOutOfRangeError, match="1989-2022") as info:
        dsrgeo.load("cables", as_of=1900)
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match="year"):
        dsrgeo.load("cables", as_of="last year")


def test_year_of_reads_ascii_digits_only():
    # "²⁰²²" is digits to str.isdigit but not to int(): a year parser that asked isdigit
    # raised a bare ValueError on it; other scripts' digits are no year of the data either
    assert timeline.year_of("\u00b2\u2070\u00b2\u00b2-01-01") is None
    assert timeline.year_of("\u0662\u0660\u0662\u0662") is None
    assert timeline.year_of(" 2022-01-01") == 2022


def test_unknown_layer_lists_the_available_ids():
    with pytest.raises(LayerNotFoundError) as info:
        dsrgeo.load("cabels")
    assert isinstance(info.value, KeyError)
    message = str(info.value)
    assert "'cabels'" in message and "cables" in message and "bri_countries" in message


def _cables_feature(**overrides):
    props = dict.fromkeys(catalog.get("cables").property_names)
    props.update(id="x", name="X", rfs_year=2000, countries=["PAK"])
    props.update(overrides)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
    }


@pytest.mark.parametrize(
    "overrides, field, text",
    [
        ({"rfs_year": "2000"}, "rfs_year", "integer"),
        ({"countries": "PAK"}, "countries", r"expected list\[string\], got 'PAK'"),
        ({"surprise": 1}, "surprise", "not in the catalog schema"),
    ],
)
def test_invalid_layer_names_file_feature_and_field(write_geojson_file, overrides, field, text):
    path = write_geojson_file([_cables_feature(), _cables_feature(id="bad", **overrides)])
    with pytest.raises(InvalidLayerError, match=text) as info:
        geojson.read_layer_file(path, catalog.get("cables"))
    assert info.value.feature == "bad" and info.value.field == field
    assert str(path) in str(info.value) and "'bad'" in str(info.value)


def test_invalid_geometry_kind_and_coordinates(write_geojson_file):
    point = _cables_feature(id="p")
    point["geometry"] = {"type": "Point", "coordinates": [0, 0]}
    with pytest.raises(InvalidLayerError, match="LineString"):
        geojson.read_layer_file(write_geojson_file([point]), catalog.get("cables"))
    projected = _cables_feature(id="m")
    projected["geometry"]["coordinates"] = [[500000.0, 4649776.0], [500100.0, 4649800.0]]
    with pytest.raises(InvalidLayerError, match="EPSG:4326"):
        geojson.read_layer_file(write_geojson_file([projected]), catalog.get("cables"))


@pytest.mark.parametrize(
    "coordinates",
    [
        [[0, 0], [True, 1]],  # a bool is not a number
        [[0, 0, 0, 0], [1, 1]],  # more than lon, lat, height
        [],  # no positions
        [[[0, 0], [1, 1]]],  # nested one level too deep for a LineString
    ],
)
def test_malformed_coordinates(write_geojson_file, coordinates):
    feature = _cables_feature(id="m")
    feature["geometry"]["coordinates"] = coordinates
    with pytest.raises(InvalidLayerError, match="geometry") as info:
        geojson.read_layer_file(write_geojson_file([feature]), catalog.get("cables"))
    assert info.value.feature == "m"


def test_wrong_crs_and_malformed_text(write_geojson_file, tmp_path):
    declared = write_geojson_file(
        [_cables_feature()], crs={"type": "name", "properties": {"name": "EPSG:3857"}}
    )
    with pytest.raises(InvalidLayerError, match="EPSG:3857"):
        geojson.read_layer_file(declared, catalog.get("cables"))
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(InvalidLayerError, match="broken.geojson"):
        geojson.read_layer_file(broken, catalog.get("cables"))


def test_duplicate_ids(write_geojson_file):
    path = write_geojson_file([_cables_feature(), _cables_feature()])
    with pytest.raises(InvalidLayerError, match="duplicate id"):
        geojson.read_layer_file(path, catalog.get("cables"))


def test_every_policy_row_lands_on_exactly_one_polygon():
    """Each policy row's ISO3 matches one bri_countries polygon, or is listed with a reason."""
    bri = dsrgeo.load("bri_countries")
    counts = bri["iso3"].value_counts()
    assert (counts == 1).all()
    from dsrgeo.build.countries import policy_rows_unplaced

    assert policy_rows_unplaced(catalog.sources_dir()) == []


def test_safe_cities_are_placed_or_null():
    cities = dsrgeo.load("safe_cities")
    placed = cities[cities.geometry.notna()]
    assert (placed["located_by"].notna()).all()
    assert cities.loc[cities.geometry.isna(), "located_by"].isna().all()
    nairobi = cities.set_index("id").loc["ken-nairobi"]
    # Nairobi, Natural Earth: 36.8167 E, 1.2833 S
    assert nairobi.geometry.x == pytest.approx(36.82, abs=0.05)
    assert nairobi.geometry.y == pytest.approx(-1.28, abs=0.05)


@pytest.mark.parametrize(
    "layer_id", ["cables", "hmn_cables", "cable_incidents", "safe_cities", "cloud_regions"]
)
def test_the_slider_shows_the_rows_load_returns_for_a_year(layer_id):
    """timeline.row_years (what a map's year slider shows) agrees with load(as_of=YEAR)."""
    full = dsrgeo.load(layer_id)
    start, _ = timeline.row_years(full, layer_id)
    first, last = catalog.get(layer_id).years
    for year in range(first, last + 1):
        shown = set(dsrgeo.load(layer_id, as_of=year)["id"])
        slider = {i for i, s in zip(full["id"], start) if s is None or s <= year}
        assert shown == slider, year


def test_an_undated_incident_is_in_no_year_on_the_slider_either():
    incidents = dsrgeo.load("cable_incidents").head(2).copy()
    incidents.loc[incidents.index[1], "date_start"] = None
    info = catalog.get("cable_incidents")
    kept = timeline.apply_as_of(incidents, info, 2024)
    start, _ = timeline.row_years(incidents, "cable_incidents")
    assert len(kept) == 1 and start[1] > 2024
