"""The beidou_capitals layer: its builder (dsrgeo.build.capitals) and recipe (dsrgeo.gnss.capitals)."""

import numpy as np
import pytest

from dsrgeo import catalog
from dsrgeo.build.capitals import build_beidou_capitals, capital_sites
from dsrgeo.catalog import sources_dir

SYSTEMS = ("bds", "gps", "gal", "glo")


@pytest.fixture(scope="module")
def layer():
    return build_beidou_capitals(sources_dir())


def test_one_rule_for_every_country(repo_root):
    # the oracle: policy/capitals.csv read as plain CSV (sources: the CIA World Factbook's
    # capital entries and the UN's 193 members and 2 observer states)
    import csv

    with open(repo_root / "layers/sources/policy/capitals.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sites = capital_sites(sources_dir())
    assert len(sites) == len(rows) == 209 and sites["id"].is_unique
    counted = sites[sites["counted_195"]]
    assert len(counted) == counted["iso3"].nunique() == 195  # one seat per UN member/observer
    assert set(counted["un_status"]) == {"un_member", "un_observer"}
    assert (counted["role"] == "seat_of_government").all()
    others = sites[sites["un_status"] == "other"].set_index("iso3")
    assert sorted(others.index) == ["KOS", "TWN"] and others["disputed"].all()
    assert sites.crs.to_epsg() == 4326


def test_alternates_are_separate_rows_never_counted_twice():
    sites = capital_sites(sources_dir()).set_index("id")
    assert sites.loc["bol-la-paz", "role"] == "seat_of_government"
    assert sites.loc["bol-sucre", "role"] == "alternate"
    assert sites.loc["nld-the-hague", "role"] == "seat_of_government"
    assert sites.loc["nld-amsterdam", "role"] == "alternate"
    south_africa = sites[sites.iso3 == "ZAF"]
    assert dict(zip(south_africa.index, south_africa.role)) == {
        "zaf-bloemfontein": "alternate",
        "zaf-cape-town": "alternate",
        "zaf-pretoria": "seat_of_government",
    }  # Johannesburg is no capital (CIA World Factbook): not a row
    assert not sites.loc[sites.role == "alternate", "counted_195"].any()
    # current names: Kyiv, Nay Pyi Taw; Tanzania's seat moved to Dodoma
    assert {"ukr-kyiv", "mmr-nay-pyi-taw", "tza-dodoma"} <= set(sites.index)
    assert sites.loc["nru-yaren-district", "located_by"] == "cia_factbook"


def test_columns_follow_the_catalog_schema(layer):
    names = [field["name"] for field in catalog.get("beidou_capitals").schema]
    assert [c for c in layer.columns if c != "geometry"] == names


def test_derived_columns(layer):
    assert (layer.bds_minus_gps_max == layer.bds_max - layer.gps_max).all()
    assert (layer.bds_beats_gps == (layer.bds_max > layer.gps_max)).all()
    for system in SYSTEMS:
        assert (layer[f"{system}_min"] <= layer[f"{system}_mean"]).all()
        assert (layer[f"{system}_mean"] <= layer[f"{system}_max"]).all()
        # a mean of counts over 1,440 epochs, written with 2 decimals
        assert np.array_equal(layer[f"{system}_mean"], layer[f"{system}_mean"].round(2))


def test_pdop_in_a_plausible_range(layer):
    # a full constellation gives PDOP ~1.5-3 at a 10 deg mask (GPS SPS Performance
    # Standard, 5th ed. 2020, section 3.6: PDOP <= 6 at 98% of the time, worldwide); with 30
    # BeiDou satellites in view it can fall below 1
    for system in ("bds", "gps", "gal"):
        pdop = layer[f"{system}_pdop_mean"]
        assert pdop.notna().all(), system
        assert pdop.between(0.8, 4.0).all(), system
    # GLONASS (24 slots, 10 deg mask) drops to 4 satellites in poor geometry at times: its
    # daily mean is pulled up by spikes, but never beyond the usable-fix cap
    assert layer["glo_pdop_mean"].between(1.5, 100.0).all()
    assert layer["glo_pdop_mean"].median() < 4.0


def test_beidou_geo_and_igso_favour_asia_pacific(layer):
    by_id = layer.set_index("id")
    # BeiDou's GEO/IGSO satellites sit over 58.75-160 E: far more BeiDou than GPS in Beijing
    assert by_id.loc["chn-beijing", "bds_minus_gps_max"] >= 10
    assert by_id.loc["chn-beijing", "bds_max"] > by_id.loc["usa-washington-d-c", "bds_max"]


def test_stale_warning_points_at_the_caller():
    from dsrgeo.errors import StaleElementsWarning
    from dsrgeo.gnss import capitals_visibility

    with pytest.warns(StaleElementsWarning) as caught:
        capitals_visibility(date="2022-06-01", step_s=6 * 3600, pdop=False)
    assert len(caught) == 1
    assert caught[0].filename == __file__


def test_pdop_must_be_a_bool():
    from dsrgeo.errors import ParameterError
    from dsrgeo.gnss import capitals_visibility

    with pytest.raises(ParameterError, match="pdop: expected True or False, got 'no'"):
        capitals_visibility(step_s=3600, pdop="no")
