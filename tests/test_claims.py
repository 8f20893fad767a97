"""Tests for dsrgeo.brief (``dsrgeo.claims()``): the policy brief's figures against the layers."""

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


@pytest.fixture(scope="module")
def table():
    return claims()


def test_one_row_per_claim_with_the_briefs_words(table):
    assert list(table.columns) == [
        "id",
        "paragraph",
        "subject",
        "claim",
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
        "peace_length": "differs",
        "hmn_projects": "data incomplete",
        "bri_countries_2019": "consistent",
        "standards_agreements_2019": "data incomplete",
        "beidou_capitals": "consistent",
        "safe_cities": "data incomplete",
    }
    assert set(table["verdict"]) <= set(VERDICTS)


def test_peace_length(table):
    row = table.set_index("id").loc["peace_length"]
    assert row["claimed"] == pytest.approx(7500 * 1.609344, abs=0.1)  # international mile
    assert row["data"] == 21500.0  # TeleGeography, cable/peace-cable.json
    assert row["verdict"] == "differs"
    assert "22,279 km" in row["how_computed"]  # the drawn route, reported beside it


def test_bri_members_2019(table):
    row = table.set_index("id").loc["bri_countries_2019"]
    assert row["data"] == 137  # bri_countries as_of=2019, bri_status 'member'
    assert row["verdict"] == "consistent"


def test_partial_compilations_say_data_incomplete(table):
    rows = table.set_index("id")
    assert rows.loc["safe_cities", "data"] < 230
    assert rows.loc["safe_cities", "verdict"] == "data incomplete"
    assert rows.loc["hmn_projects", "data"] == len(dsrgeo.load("hmn_cables"))
    assert rows.loc["hmn_projects", "verdict"] == "data incomplete"


def test_beidou_computed_from_the_shipped_layer(table):
    row = table.set_index("id").loc["beidou_capitals"]
    assert row["data"] == 89.3  # 175 of 196 countries by the daily maximum
    assert "175 of 196 by the daily maximum" in row["how_computed"]
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
