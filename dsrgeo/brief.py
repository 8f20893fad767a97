"""The policy brief's quantitative claims, set against what the layers say.

Each claim is a small :class:`Claim` record (the brief's words exactly, its paragraph, the
claimed number, how to compare) plus a function that measures the same quantity in the
layers. :func:`claims` runs them all and computes a verdict; nothing in the verdict column
is written by hand.

Module name: ``dsrgeo.claims`` would clash with the function ``dsrgeo.claims()`` (importing a
submodule sets an attribute of that name on the package), hence ``brief``.
"""

import dataclasses
import functools
import math

import pandas as pd

from dsrgeo import loading
from dsrgeo.analysis import BEIDOU_LAYER, one_capital_per_country
from dsrgeo.errors import ParameterError

__all__ = ["CLAIMS", "MILE_KM", "VERDICTS", "Claim", "claims", "verdict"]

#: One international mile in km (exact, by the 1959 international yard and pound agreement).
MILE_KM = 1.609344

#: The verdicts :func:`claims` can give, and what each means.
VERDICTS = {
    "consistent": "the data agree with the claim within the stated tolerance",
    "differs": "the data disagree with the claim beyond the tolerance",
    "data incomplete": (
        "the data fall short of the claim, but they are a partial compilation (a lower "
        "bound), so they can neither confirm nor refute it"
    ),
    "not computed": "the data needed for this claim could not be measured",
}


@dataclasses.dataclass(frozen=True)
class Claim:
    """One quantitative claim of the policy brief.

    Attributes
    ----------
    id : str
        Stable short id.
    paragraph : str
        Paragraph of the brief ("5.5").
    subject : str
        What the claim is about, in our words.
    words : str
        The brief's words, exactly as quoted.
    claimed : float
        The number the claim states, in ``unit``.
    unit : str
        Unit of ``claimed`` and of the value in the data.
    comparison : {"about", "more_than"}
        ``"about"``: consistent when ``|data - claimed| <= tolerance``;
        ``"more_than"``: consistent when ``data > claimed``.
    tolerance : float
        Relative tolerance (fraction of ``claimed``) for ``"about"``.
    tolerance_reason : str
        Why that tolerance.
    data_is_lower_bound : bool
        True when the data are a partial compilation: a shortfall then means "data
        incomplete", not "differs".
    """

    id: str
    paragraph: str
    subject: str
    words: str
    claimed: float
    unit: str
    comparison: str
    tolerance: float
    tolerance_reason: str
    data_is_lower_bound: bool


CLAIMS = (
    Claim(
        id="peace_length",
        paragraph="5.5",
        subject="Length of the PEACE cable",
        words="7,500 miles long",
        claimed=7500 * MILE_KM,
        unit="km",
        comparison="about",
        tolerance=0.10,
        tolerance_reason=(
            "10%: published system lengths of one cable vary with branches and phases, "
            "and drawn routes differ from the stated length by more than that for 4 in "
            "10 cables (see audit_lengths)"
        ),
        data_is_lower_bound=False,
    ),
    Claim(
        id="hmn_projects",
        paragraph="5.4",
        subject="Submarine cable projects of Huawei Marine (HMN Tech)",
        words="some 90 projects",
        claimed=90,
        unit="projects",
        comparison="about",
        tolerance=0.10,
        tolerance_reason="10%: 'some 90' is a round figure",
        data_is_lower_bound=True,
    ),
    Claim(
        id="bri_countries_2019",
        paragraph="5.3",
        subject="Countries with BRI cooperation documents by the end of 2019",
        words="199 cooperation documents ... 137 countries",
        claimed=137,
        unit="countries",
        comparison="about",
        tolerance=0.05,
        tolerance_reason=(
            "5% (about 7 countries): lists differ on unconfirmed MoUs (Austria, Niger, "
            "Russia, Congo) and on Palestine"
        ),
        data_is_lower_bound=False,
    ),
    Claim(
        id="standards_agreements_2019",
        paragraph="2.8",
        subject="Countries with standardisation agreements with China by June 2019",
        words="85 cooperation agreements on technical standardisation with 49 countries",
        claimed=49,
        unit="countries",
        comparison="about",
        tolerance=0.10,
        tolerance_reason="10%: counts of agreements and partner countries shift with dates",
        data_is_lower_bound=True,
    ),
    Claim(
        id="beidou_capitals",
        paragraph="5.6",
        subject="Countries whose capital sees more BeiDou than GPS satellites",
        words=(
            "capital cities for 165 of 195 major countries are observed more frequently "
            "by Beidou satellites than by GPS"
        ),
        claimed=165 / 195 * 100,
        unit="% of countries",
        comparison="about",
        tolerance=0.10,
        tolerance_reason=(
            "10% of the share: the capital list (Natural Earth) is not the brief's '195 "
            "major countries', and satellite counts change with the date"
        ),
        data_is_lower_bound=False,
    ),
    Claim(
        id="safe_cities",
        paragraph="7.6",
        subject="Cities using Chinese Safe City technology",
        words="utilised by more than 230 cities",
        claimed=230,
        unit="cities",
        comparison="more_than",
        tolerance=0.0,
        tolerance_reason="none: 'more than' is a bound",
        data_is_lower_bound=True,
    ),
)


def verdict(claim, value):
    """Return the verdict for ``value`` measured in the data against ``claim``.

    Parameters
    ----------
    claim : Claim
    value : float or None
        The same quantity measured in the layers; None or NaN if it cannot be computed.

    Returns
    -------
    str
        One of :data:`VERDICTS`.

    Examples
    --------
    >>> safe = next(c for c in CLAIMS if c.id == "safe_cities")
    >>> verdict(safe, 66), verdict(safe, 240)
    ('data incomplete', 'consistent')
    >>> peace = next(c for c in CLAIMS if c.id == "peace_length")
    >>> verdict(peace, 21500.0)
    'differs'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not computed"
    if claim.comparison == "more_than":
        agrees = value > claim.claimed
    elif claim.comparison == "about":
        agrees = abs(value - claim.claimed) <= claim.tolerance * claim.claimed
    else:
        raise ParameterError(
            f"claim {claim.id!r}: unknown comparison {claim.comparison!r}", parameter="claim"
        )
    if agrees:
        return "consistent"
    if claim.data_is_lower_bound and value < claim.claimed:
        return "data incomplete"
    return "differs"


# -- measuring each claim in the layers ---------------------------------------------------
# Each measure takes ``load(layer_id, as_of=None)``: claims() passes one that reads each
# (layer, as_of) once per call (bri_countries as of 2019 serves two claims), so a measure
# must not modify the frames it gets.


def _peace_length(load):
    cables = load("cables")
    peace = cables[cables["id"] == "peace-cable"]
    if peace.empty:
        return math.nan, "no cable with id 'peace-cable' in the cables layer"
    stated_km = float(peace["stated_length_km"].iloc[0])
    drawn_km = float(peace["drawn_length_km"].iloc[0])  # the layer's geodesic length
    how = (
        f"cables layer, id 'peace-cable': stated length {stated_km:,.0f} km "
        f"({stated_km / MILE_KM:,.0f} mi, TeleGeography) is the value compared; the drawn "
        f"route measures {drawn_km:,.0f} km (WGS84 geodesic, all branches). "
        f"Claim: 7,500 mi x {MILE_KM} km/mi = {7500 * MILE_KM:,.0f} km"
    )
    return stated_km, how


def _hmn_projects(load):
    hmn = load("hmn_cables")
    origin = hmn["origin"].value_counts()
    how = (
        f"features of the hmn_cables layer: {len(hmn)} = cables with an HMN supplier "
        f"({origin.get('cable_map', 0) + origin.get('both', 0)}, of which "
        f"{origin.get('both', 0)} also in the project list) + projects only in the "
        f"project list ({origin.get('project_list', 0)}); compiled from TeleGeography and "
        "news items, not HMN's own reference list"
    )
    return float(len(hmn)), how


def _bri_countries_2019(load):
    countries = load("bri_countries", as_of=2019)
    members = int((countries["bri_status"] == "member").sum())
    undated = int(((countries["bri_status"] == "member") & countries["bri_year"].isna()).sum())
    how = (
        f"bri_countries as_of=2019: countries with bri_status 'member' ({members}, "
        f"including {undated} that GFDC lists without a confirmed MoU date); the number of "
        "documents (199) is not in the data"
    )
    return float(members), how


def _standards_agreements_2019(load):
    countries = load("bri_countries", as_of=2019)
    with_agreement = countries["standards_agreement_year"].notna()
    count = int(with_agreement.sum())
    how = (
        f"bri_countries as_of=2019: countries with a standards_agreement_year "
        f"({count}); the source list names only the countries found in news items and "
        "forum outcome lists, not SAC's 49"
    )
    return float(count), how


def _beidou_capitals(load):
    capitals = load(BEIDOU_LAYER)
    as_of = capitals.attrs.get("as_of", "?")
    capitals = one_capital_per_country(capitals)  # the brief counts countries, not cities
    # the press figure's metric is the layer's bds_beats_gps (daily maximum: bds_max >
    # gps_max); the mean visible count over the day is reported beside it
    by_max = capitals["bds_beats_gps"].dropna()
    by_mean = capitals[["bds_mean", "gps_mean"]].dropna()
    count, total = int(by_max.sum()), len(by_max)
    if total == 0:
        return math.nan, "beidou_capitals has no rows with BeiDou and GPS figures"
    mean_count = int((by_mean["bds_mean"] > by_mean["gps_mean"]).sum())
    how = (
        f"beidou_capitals (as of {as_of}; one capital per country): countries whose "
        f"capital sees more BeiDou than GPS satellites: {count} of {total} by the daily "
        f"maximum visible count; {mean_count} of {len(by_mean)} by the mean visible count "
        "over the day; the share by the daily maximum visible count is compared with 165/195"
    )
    return count / total * 100, how


def _safe_cities(load):
    cities = load("safe_cities")
    named = cities.dropna(subset=["city"])
    count = len(named[["iso3", "city"]].drop_duplicates())
    huawei = len(
        named[named["vendor"].fillna("").str.contains("Huawei")][["iso3", "city"]].drop_duplicates()
    )
    how = (
        f"safe_cities: distinct named cities ({count}, of which {huawei} name Huawei as a "
        f"vendor; {len(cities) - len(named)} country-level rows without a city not "
        "counted); an incomplete compilation from news items"
    )
    return float(count), how


_MEASURES = {
    "peace_length": _peace_length,
    "hmn_projects": _hmn_projects,
    "bri_countries_2019": _bri_countries_2019,
    "standards_agreements_2019": _standards_agreements_2019,
    "beidou_capitals": _beidou_capitals,
    "safe_cities": _safe_cities,
}


def claims():
    """Check the policy brief's figures against the layers: one row per claim.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``paragraph``, ``subject``, ``claim`` (the brief's words, exactly),
        ``claimed`` and ``data`` (the same quantity in the layers, both in ``unit``),
        ``unit``, ``how_computed``, ``tolerance`` (text) and ``verdict`` (one of
        :data:`VERDICTS`, computed by :func:`verdict`). Numbers are rounded to 0.1.

    Examples
    --------
    >>> table = claims().set_index("id")
    >>> row = table.loc["bri_countries_2019"]
    >>> print(row["claimed"], row["data"], row["verdict"])
    137.0 137.0 consistent
    >>> table.loc["peace_length", "verdict"]
    'differs'
    """
    load = functools.cache(lambda layer_id, as_of=None: loading.load(layer_id, as_of=as_of))
    rows = []
    for claim in CLAIMS:
        value, how = _MEASURES[claim.id](load)
        if claim.comparison == "about":
            tolerance = f"within {claim.tolerance:.0%} of the claim; {claim.tolerance_reason}"
        else:
            tolerance = claim.tolerance_reason
        rows.append(
            {
                "id": claim.id,
                "paragraph": claim.paragraph,
                "subject": claim.subject,
                "claim": claim.words,
                "claimed": round(claim.claimed, 1),
                "data": round(value, 1) if not math.isnan(value) else math.nan,
                "unit": claim.unit,
                "how_computed": how,
                "tolerance": tolerance,
                "verdict": verdict(claim, value),
            }
        )
    table = pd.DataFrame(rows)
    table.attrs["verdicts"] = dict(VERDICTS)
    return table
