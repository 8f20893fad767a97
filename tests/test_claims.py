"""Tests for dsrgeo.brief (``dsrgeo.claims()``): the policy brief's figures against the layers."""

import csv
import json
import math

import pytest

import dsrgeo
from dsrgeo.brief import CLAIMS, MILE_KM, VERDICTS, Claim, claims, verdict

# The brief's words, quoted exactly (paragraph numbers of the policy brief).
BRIEF_WORDS = {
    "peace_length": ("5.5", "7,500 miles long"),
    "hmn_projects": ("5.4", "some 90 projects"),
    "bri_countries_2019": ("5.3", "199 cooperation documents ... 137 countries"),
    "standards_agreements_2019": (
        "2.8",
        "85 cooperation agreements on technical standardisation with 49 countries",
    ),
    "beidou_capitals": (
        "5.6",
        "capital cities for 165 of 195 major countries are observed more frequently by Beidou "
        "satellites than by GPS",
    ),
    "safe_cities": ("7.6", "utilised by more than 230 cities"),
}


POLICY = "layers/sources/policy"


@pytest.fixture(scope="module")
def table():
    return claims()


def _rows(repo_root, name):
    with open(repo_root / POLICY / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_claim_with_the_briefs_words(table):
    assert list(table.columns) == [
        "id",
        "paragraph",
        "subject",
        "claim",
        "refers_to",
        "refers_to_source",
        "as_of",
        "claimed",
        "data",
        "unit",
        "how_computed",
        "tolerance",
        "verdict",
    ]
    assert dict(zip(table["id"], zip(table["paragraph"], table["claim"]))) == BRIEF_WORDS


def test_public_entry_point_is_the_same_function():
    assert dsrgeo.claims is claims
    assert dsrgeo.brief.claims is claims


def test_verdicts_on_the_shipped_layers(table):
    assert dict(zip(table["id"], table["verdict"])) == {
        "peace_length": "consistent",
        "hmn_projects": "data incomplete",
        "bri_countries_2019": "consistent",
        "standards_agreements_2019": "data incomplete",
        "beidou_capitals": "consistent",
        "safe_cities": "data incomplete",
    }
    assert set(table["verdict"]) <= set(VERDICTS)


def test_peace_length_as_announced_when_the_brief_was_written(table):
    row = table.set_index("id").loc["peace_length"]
    assert row["claimed"] == pytest.approx(7500 * 1.609344, abs=0.1)  # international mile
    assert row["refers_to"] == "2018"
    # Converge Digest, 2018-01-08, "China funds PEACE subsea cable": total length 13,000 km
    assert row["data"] == 13000.0
    assert row["verdict"] == "consistent"  # 12,070 km is 7% below 13,000 km: within 10%
    # the values since: TeleGeography's 21,500 km (cable/peace-cable.json, "21,500 km") and
    # PTA's 2022-09-07 statement (15,000 km to France plus 6,500 km to Singapore)
    assert "21,500 km stated today" in row["how_computed"]
    assert "15,000 km Pakistan-France plus 6,500 km" in row["how_computed"]


def test_bri_members_2019(table, repo_root):
    # the oracle: the audited table read here as plain CSV: signatories whose document is
    # dated 2019 or earlier (or undated), not exited by then
    members = [
        r
        for r in _rows(repo_root, "bri_countries.csv")
        if r["role"] == "signatory"
        and (not r["year_joined"] or int(r["year_joined"]) <= 2019)
        and not (r["exit_date"] and int(r["exit_date"][:4]) <= 2019)
    ]
    row = table.set_index("id").loc["bri_countries_2019"]
    assert row["as_of"] == 2019 and row["data"] == len(members) == 137
    assert row["verdict"] == "consistent"


def test_safe_cities_count_deployments_dated_by_2019(table, repo_root):
    # the oracle: distinct named cities of the merged table with a deployment dated <= 2019
    deployed = {
        (r["iso3"], r["city"])
        for r in _rows(repo_root, "safe_cities.csv")
        if r["city"] and r["status"] == "deployed" and r["year"] and int(r["year"]) <= 2019
    }
    row = table.set_index("id").loc["safe_cities"]
    assert row["as_of"] == 2019 and row["data"] == len(deployed) < 230
    assert row["verdict"] == "data incomplete"


def test_hmn_projects_never_count_withdrawn_or_dropped(table, repo_root):
    # the oracle: HMN systems of the status table (one row per system) that existed by the
    # end of 2019 and that HMN supplied, upgraded or was awarded, each project once. A system
    # on TeleGeography's map (a cable record under the row's key, or the cable the project
    # list's name matches in catalog.json) existed if in service by then (rfs_year <= 2019,
    # not planned); a project with no cable on the map, if its project-list year is <= 2019
    # (an undated project is not known to exist by then). Withdrawn, dropped and disputed
    # systems and rows repeating another (duplicate_of) are not counted.
    cable_dir = repo_root / "layers" / "sources" / "cables" / "cable"
    matches = json.loads((repo_root / "layers" / "catalog.json").read_text("utf-8"))[
        "hmn_project_matches"
    ]
    project_years = {r["name"]: r["year"] for r in _rows(repo_root, "hmn_projects.csv")}

    def existed_by_2019(key):
        cable_id = key if (cable_dir / f"{key}.json").is_file() else matches.get(key)
        if cable_id:
            record = json.loads((cable_dir / f"{cable_id}.json").read_text("utf-8"))
            rfs = record["rfs_year"]
            return rfs is not None and int(rfs) <= 2019 and not record["is_planned"]
        year = project_years[key]
        return bool(year) and int(year) <= 2019

    counted = [
        r["key"]
        for r in _rows(repo_root, "hmn_status.csv")
        if r["hmn_status"] in ("supplied", "upgrade", "awarded")
        and not r["duplicate_of"]
        and existed_by_2019(r["key"])
    ]
    row = table.set_index("id").loc["hmn_projects"]
    assert row["as_of"] == 2019
    assert "withdrawn" in row["how_computed"] and "not counted" in row["how_computed"]
    assert row["data"] == len(counted)
    assert row["verdict"] == "data incomplete"  # fewer than "some 90", a lower bound


def test_beidou_on_the_195_state_footing(table, repo_root):
    # the oracle: the layer file read as plain JSON: seats of government counted_195
    raw = json.loads((repo_root / "layers" / "beidou_capitals.geojson").read_text("utf-8"))
    seats = [f["properties"] for f in raw["features"] if f["properties"]["counted_195"]]
    wins = sum(p["bds_max"] > p["gps_max"] for p in seats)
    row = table.set_index("id").loc["beidou_capitals"]
    assert len(seats) == 195
    assert row["data"] == round(wins / 195 * 100, 1)
    assert f"{wins} of 195 see more BeiDou" in row["how_computed"]
    assert row["refers_to"] == "2020-11"  # Nikkei Asian Review, 2020-11-25
    assert row["verdict"] == "consistent"  # 165/195 = 84.6%, within 10% of the share


def _claim(**overrides):
    base = dict(
        id="x",
        paragraph="1",
        subject="s",
        words="w",
        claimed=100.0,
        unit="u",
        comparison="about",
        tolerance=0.1,
        tolerance_reason="r",
        data_is_lower_bound=False,
        refers_to="2019",
        refers_to_source="s",
        as_of=None,
    )
    return Claim(**{**base, **overrides})


@pytest.mark.parametrize(
    "claim, value, expected",
    [
        (_claim(), 110.0, "consistent"),  # the tolerance edge is inside
        (_claim(), 89.0, "differs"),
        (_claim(), 111.0, "differs"),
        (_claim(data_is_lower_bound=True), 50.0, "data incomplete"),
        (_claim(data_is_lower_bound=True), 150.0, "differs"),  # more than claimed: a real gap
        (_claim(comparison="more_than"), 100.0, "differs"),
        (_claim(comparison="more_than"), 101.0, "consistent"),
        (_claim(), None, "not computed"),
        (_claim(), math.nan, "not computed"),
    ],
)
def test_verdict_rules(claim, value, expected):
    assert verdict(claim, value) == expected


def test_mile_is_exact():
    assert MILE_KM == 1.609344  # 1 international mile = 1,609.344 m exactly (1959 agreement)


def test_cli_claims_prints_every_claim(capsys):
    from dsrgeo.cli import main

    assert main(["claims"]) == 0
    out = capsys.readouterr().out
    for _, words in BRIEF_WORDS.values():
        assert f'"{words}"' in out
    assert "CONSISTENT" in out


def test_cli_claims_csv(tmp_path, capsys):
    import pandas as pd

    from dsrgeo.cli import main

    target = tmp_path / "claims.csv"
    assert main(["claims", "--csv", str(target)]) == 0
    assert pd.read_csv(target)["id"].tolist() == [c.id for c in CLAIMS]
