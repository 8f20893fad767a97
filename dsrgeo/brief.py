"""The policy brief's quantitative claims, set against what the layers said at the time.

Each claim is a small :class:`Claim` record (the brief's words exactly, its paragraph, the
claimed number, how to compare, and the date the figure refers to, with the source that
dates it) plus a function that measures the same quantity in the layers as of that date.
:func:`claims` runs them all and computes a verdict; nothing in the verdict column is written
by hand, and each row says which comparison it made.

Module name: ``dsrgeo.claims`` would clash with the function ``dsrgeo.claims()`` (importing a
submodule sets an attribute of that name on the package), hence ``brief``.
"""

import csv
import dataclasses
import functools
import math

import pandas as pd

from dsrgeo import catalog, loading
from dsrgeo.analysis import BEIDOU_LAYER, HMN_PROJECT_STATUSES, one_capital_per_country
from dsrgeo.errors import ParameterError

__all__ = ["CLAIMS", "MILE_KM", "VERDICTS", "Claim", "announced_lengths", "claims", "verdict"]

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
    refers_to : str
        The date (or year) the claimed figure describes.
    refers_to_source : str
        What dates the figure: the source the brief's figure comes from, with its date.
    as_of : int or None
        The year the layers are cut at to judge the claim (None: the layer as shipped, when
        it has no years or the figure postdates its last year).
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
    refers_to: str
    refers_to_source: str
    as_of: int | None


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
        refers_to="2018",
        refers_to_source=(
            "the length announced when PEACE was launched: 13,000 km for the whole planned "
            "system (Converge Digest, 2018-01-08; EIR, 2018-01-31, from the Tropic Science / "
            "Huawei Marine statement), before the extension to Singapore"
        ),
        as_of=None,
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
        refers_to="2019",
        refers_to_source=(
            "Huawei Marine's own count as reported in 2019 (Reuters via no1geekfun, 2019: "
            "'operates in 90 projects worldwide')"
        ),
        as_of=2019,
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
        refers_to="2019-12-31",
        refers_to_source="the brief's own date: cooperation documents by the end of 2019",
        as_of=2019,
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
        refers_to="2019-06",
        refers_to_source="the brief's own date: agreements by June 2019",
        as_of=2019,
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
        refers_to="2020-11",
        refers_to_source=(
            "Nikkei Asian Review, 2020-11-25, from Trimble's GNSS planning tool (the daily "
            "maximum of observable satellites at each capital)"
        ),
        as_of=None,
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
        refers_to="2019",
        refers_to_source="the brief's own date: cities using the technology in 2019",
        as_of=2019,
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
# Each measure takes ``load(layer_id, as_of=None)`` and the claim: claims() passes a loader
# that reads each (layer, as_of) once per call (bri_countries as of 2019 serves two
# claims), so a measure must not modify the frames it gets. It returns (value, how computed).


def announced_lengths(cable_id):
    """Return the lengths announced for a cable over time (``policy/cable_announcements.csv``).

    Parameters
    ----------
    cable_id : str

    Returns
    -------
    pandas.DataFrame
        ``date``, ``length_km``, ``scope``, ``publisher``, ``title``, ``url``, sorted by date.

    Examples
    --------
    >>> first = announced_lengths("peace-cable").iloc[0]
    >>> first.date, float(first.length_km)
    ('2018-01-08', 13000.0)
    """
    path = catalog.sources_dir() / "policy" / "cable_announcements.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["cable_id"] == cable_id]
    table = pd.DataFrame(rows, columns=["date", "length_km", "scope", "publisher", "title", "url"])
    table["length_km"] = table["length_km"].astype(float)
    return table.sort_values("date").reset_index(drop=True)


def _peace_length(load, claim):
    cables = load("cables")
    peace = cables[cables["id"] == "peace-cable"]
    history = announced_lengths("peace-cable")
    if peace.empty or history.empty:
        return math.nan, "no PEACE cable or announced length in the data"
    stated_km = float(peace["stated_length_km"].iloc[0])
    drawn_km = float(peace["drawn_length_km"].iloc[0])  # the layer's geodesic length
    at_the_time = history[history["date"].str[:4] <= claim.refers_to]
    launched = at_the_time[at_the_time["length_km"] == at_the_time["length_km"].max()].iloc[0]
    how = (
        f"compared: the length announced in {claim.refers_to}, {launched.length_km:,.0f} km "
        f"({launched.publisher}, {launched.date}: {launched.scope}). Since then: "
        f"{stated_km:,.0f} km stated today (cables layer, TeleGeography 2022-12; the system "
        "was extended to Singapore: 15,000 km Pakistan-France plus 6,500 km, PTA 2022-09-07) "
        f"and {drawn_km:,.0f} km for the drawn route (WGS84 geodesic, all branches). "
        f"Claim: 7,500 mi x {MILE_KM} km/mi = {7500 * MILE_KM:,.0f} km"
    )
    return float(launched.length_km), how


def _hmn_projects(load, claim):
    hmn = load("hmn_cables", as_of=claim.as_of)
    projects = hmn[hmn["duplicate_of"].isna()]  # a project counted twice counts once
    counted = projects[projects["hmn_status"].isin(HMN_PROJECT_STATUSES)]
    statuses = projects["hmn_status"].value_counts()
    how = (
        f"hmn_cables as_of={claim.as_of}: projects HMN supplied, upgraded or was awarded, "
        f"each once ({len(counted)}: {statuses.get('supplied', 0)} supplied, "
        f"{statuses.get('upgrade', 0)} upgrades, {statuses.get('awarded', 0)} awarded); "
        f"{statuses.get('withdrawn', 0)} withdrawn, {statuses.get('dropped', 0)} dropped and "
        f"{statuses.get('disputed', 0)} disputed projects are not counted. A compilation from "
        "TeleGeography and news items, not HMN's own reference list"
    )
    return float(len(counted)), how


def _bri_countries_2019(load, claim):
    countries = load("bri_countries", as_of=claim.as_of)
    members = int((countries["bri_status"] == "member").sum())
    undated = int(((countries["bri_status"] == "member") & countries["bri_year"].isna()).sum())
    how = (
        f"bri_countries as_of={claim.as_of}: countries with bri_status 'member' ({members}, "
        f"including {undated} that no source dates); China, the initiator, is not counted; "
        "the number of documents (199) is not in the data"
    )
    return float(members), how


def _standards_agreements_2019(load, claim):
    countries = load("bri_countries", as_of=claim.as_of)
    count = int(countries["standards_agreement_year"].notna().sum())
    how = (
        f"bri_countries as_of={claim.as_of}: countries with a standards_agreement_year "
        f"({count}); the source list names only the countries found in news items and "
        "forum outcome lists, not SAC's 49"
    )
    return float(count), how


def _beidou_capitals(load, claim):
    capitals = load(BEIDOU_LAYER)
    as_of = capitals.attrs.get("as_of", "?")
    seats = one_capital_per_country(capitals)  # the brief counts countries, not cities
    on_195 = seats[seats["counted_195"]]
    if on_195.empty:
        return math.nan, "beidou_capitals has no capitals on the 195-state footing"
    count, total = int(on_195["bds_beats_gps"].sum()), len(on_195)
    full = int(seats["bds_beats_gps"].sum())
    by_mean = int((on_195["bds_mean"] > on_195["gps_mean"]).sum())
    how = (
        f"compared: the layer of {as_of}, the nearest TLE snapshot dsrgeo ships (the claim "
        f"refers to {claim.refers_to}); the seat of government of each of the 193 UN members "
        f"and 2 observer states: {count} of {total} see more BeiDou than GPS satellites by "
        f"the daily maximum ({by_mean} by the daily mean); with Taiwan and Kosovo, {full} of "
        f"{len(seats)}. The share by the daily maximum is compared with 165/195"
    )
    return count / total * 100, how


def _safe_cities(load, claim):
    cities = load("safe_cities", as_of=claim.as_of)
    named = cities.dropna(subset=["city"])
    deployed = named[(named["status"] == "deployed") & named["year"].notna()]
    count = len(deployed[["iso3", "city"]].drop_duplicates())
    agreed = len(named[named["status"] == "agreed"][["iso3", "city"]].drop_duplicates())
    how = (
        f"safe_cities as_of={claim.as_of}: distinct named cities with a deployment dated "
        f"{claim.as_of} or earlier ({count}); {agreed} more had an agreement but no reported "
        "deployment, and proposals, cancelled and undated rows are not counted; an "
        "incomplete compilation (the CSIS city list was not recoverable)"
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

#: The layers each claim reads (their provenance travels with the table).
_LAYERS = {
    "peace_length": ("cables",),
    "hmn_projects": ("hmn_cables",),
    "bri_countries_2019": ("bri_countries",),
    "standards_agreements_2019": ("bri_countries",),
    "beidou_capitals": (BEIDOU_LAYER,),
    "safe_cities": ("safe_cities",),
}


def claims():
    """Check the policy brief's figures against the layers as of their time: one row per claim.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``paragraph``, ``subject``, ``claim`` (the brief's words, exactly),
        ``refers_to`` (the date the claimed figure describes) and ``refers_to_source``,
        ``as_of`` (the year the layers were cut at; None: as shipped), ``claimed`` and
        ``data`` (the same quantity in the layers, both in ``unit``), ``unit``,
        ``how_computed`` (which comparison was made, and the other values where the data
        changed since), ``tolerance`` (text) and ``verdict`` (one of :data:`VERDICTS`,
        computed by :func:`verdict`). Numbers are rounded to 0.1. ``.attrs`` carries the
        provenance of the layers read.

    Examples
    --------
    >>> table = claims().set_index("id")
    >>> row = table.loc["bri_countries_2019"]
    >>> print(row["as_of"], row["claimed"], row["data"], row["verdict"])
    2019 137.0 137.0 consistent
    >>> float(table.loc["peace_length", "data"]), table.loc["peace_length", "verdict"]
    (13000.0, 'consistent')
    """
    load = functools.cache(lambda layer_id, as_of=None: loading.load(layer_id, as_of=as_of))
    rows = []
    for claim in CLAIMS:
        value, how = _MEASURES[claim.id](load, claim)
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
                "refers_to": claim.refers_to,
                "refers_to_source": claim.refers_to_source,
                "as_of": claim.as_of,
                "claimed": round(claim.claimed, 1),
                "data": round(value, 1) if not math.isnan(value) else math.nan,
                "unit": claim.unit,
                "how_computed": how,
                "tolerance": tolerance,
                "verdict": verdict(claim, value),
            }
        )
    table = pd.DataFrame(rows)
    table["as_of"] = table["as_of"].astype("Int64")
    layers = [layer for claim in CLAIMS for layer in _LAYERS[claim.id]]
    table.attrs.update(
        catalog.provenance(layers, title="The policy brief's claims"),
        verdicts=dict(VERDICTS),
    )
    return table
