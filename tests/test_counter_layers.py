"""The other side's layers: Clean Network members, Huawei 5G restrictions, Chinese cloud regions.

Expected values come from the cited sources (policy/SOURCES.md section 11 for the Clean
Network and Huawei 5G rows, section 9 for the cloud regions), not from the build's output.
"""

import pandas as pd
import pytest

import dsrgeo


@pytest.fixture(scope="module")
def clean():
    return dsrgeo.load("clean_network").set_index("iso3")


@pytest.fixture(scope="module")
def huawei():
    return dsrgeo.load("huawei_5g").set_index("iso3")


def test_clean_network_covers_every_country_once(clean):
    bri = dsrgeo.load("bri_countries")
    assert sorted(clean.index) == sorted(bri["iso3"])
    assert clean.index.is_unique


def test_clean_network_dated_joins(clean):
    # Poland: joint declaration of 2019-09-02; Czechia: joint declaration of 2020-05-06
    # (CTK, Reuters; Radio Prague's "Tuesday" 2020-05-05 recorded as the other value);
    # Estonia: 2019-10-31 (Estonian World, Baltic Times)
    assert clean.loc["POL", ["status", "joined_date"]].tolist() == ["member", "2019-09-02"]
    assert clean.loc["CZE", "joined_date"] == "2020-05-06"
    assert clean.loc["EST", "joined_date"] == "2019-10-31"
    assert clean.loc["CHN", "status"] == "none"


def test_eswatini_joined_and_withdrew_in_january_2021(clean):
    # Krach called Eswatini the 60th Clean Country on 2021-01-15 (State Department); its ICT
    # ministry withdrew the statement on 2021-01-24 (Ecofin, Connecting Africa)
    assert clean.loc["SWZ", ["status", "joined_date", "left_date"]].tolist() == [
        "withdrawn",
        "2021-01-15",
        "2021-01-24",
    ]
    as_of_2020 = dsrgeo.load("clean_network", as_of=2020).set_index("iso3")
    assert as_of_2020.loc["SWZ", "status"] == "none"
    assert as_of_2020.loc["GEO", "status"] == "none"  # Georgia's MoU: 2021-01-14


def test_named_members_stay_below_the_state_departments_count(clean):
    # The State Department counted 60 Clean Countries (Krach, 2021-01-15) and 53 on
    # 2020-11-25 (Pompeo via hhtgroup); the layer names only those a source names
    members = clean[clean["status"] == "member"]
    assert 30 <= len(members) <= 60
    as_of_2020 = dsrgeo.load("clean_network", as_of=2020)
    assert (as_of_2020["status"] == "member").sum() <= 53
    as_of_2018 = dsrgeo.load("clean_network", as_of=2018)
    # only the undated members (the United States, convener, and members no source dates)
    assert set(as_of_2018.loc[as_of_2018["status"] == "member", "iso3"]) == set(
        members.index[members["joined_date"].isna()]
    )


def test_huawei_5g_restrictions_from_the_sources(huawei):
    # Australia: Huawei and ZTE excluded from 5G on 2018-08-23 (Guardian; Canadian Press
    # timeline); UK: the ban decision of 2020-07-14; Brazil: Anatel's rules name no vendor
    assert huawei.loc["AUS", ["restriction", "restriction_date"]].tolist() == ["ban", "2018-08-23"]
    assert huawei.loc["GBR", ["restriction", "restriction_date"]].tolist() == ["ban", "2020-07-14"]
    assert huawei.loc["BRA", "restriction"] == "none"
    # South Africa: no source states the legal position, so no value, not "none"
    assert pd.isna(huawei.loc["ZAF", "restriction"])
    assert huawei.loc["ZAF", "source_ids"]


def test_huawei_5g_as_of_blanks_later_restrictions():
    before = dsrgeo.load("huawei_5g", as_of=2017).set_index("iso3")
    after = dsrgeo.load("huawei_5g", as_of=2018).set_index("iso3")
    assert pd.isna(before.loc["AUS", "restriction"])
    assert pd.isna(before.loc["AUS", "restriction_date"])
    assert after.loc["AUS", "restriction"] == "ban"


def test_cloud_regions_from_the_providers_lists():
    regions = dsrgeo.load("cloud_regions").set_index("id")
    # Alibaba's Sydney and Mumbai regions are labelled Closed/Decommissioned in its docs
    assert regions.loc["alibaba-ap-southeast-2", "status"] == "closed"
    assert regions.loc["alibaba-ap-south-1", "status"] == "closed"
    # Huawei Cloud's Riyadh region opened on 2023-09-04
    assert regions.loc["huawei-me-east-1", ["iso3", "opening_year"]].tolist() == ["SAU", 2023]
    # every provider has regions outside mainland China
    abroad = regions[(regions["iso3"] != "CHN") & (regions["status"] == "open")]
    assert set(abroad["provider"]) == {"alibaba", "huawei", "tencent"}
    # a region named only by a state is not placed at a guessed city
    assert pd.isna(regions.loc["alibaba-us-east-1", "city"])
    assert regions.loc["alibaba-us-east-1", "geometry"] is None


def test_cloud_regions_as_of_keeps_undated_and_earlier_openings():
    as_of = dsrgeo.load("cloud_regions", as_of=2020)
    years = as_of["opening_year"]
    assert (years.isna() | (years <= 2020)).all()
    assert "huawei-me-east-1" not in set(as_of["id"])
