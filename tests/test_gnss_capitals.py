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


def test_every_natural_earth_capital_once():
    # ne_50m_populated_places: FEATURECLA == "Admin-0 capital" holds 202 places
    sites = capital_sites(sources_dir())
    assert len(sites) == 202
    assert sites["id"].is_unique
    assert sites.crs.to_epsg() == 4326


def test_countries_with_several_capitals_keep_each_city():
    sites = capital_sites(sources_dir()).set_index("id")
    assert sites.loc["bol-la-paz", "capital_note"] == "administrative capital"
    assert sites.loc["bol-sucre", "capital_note"] == "official (constitutional) capital"
    south_africa = sites[sites.iso3 == "ZAF"].index.tolist()
    assert south_africa == [
        "zaf-bloemfontein",
        "zaf-cape-town",
        "zaf-johannesburg",
        "zaf-pretoria",
    ]
    assert {"kos-pristina", "sol-hargeysa"} <= set(sites.index)


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
