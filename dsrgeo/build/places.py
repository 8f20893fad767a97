"""Which territory a place is in, and which state it belongs to: the curated territory tables.

``policy/territories.csv`` gives every country name of the cable data the ISO 3166-1 code of
the territory itself (Hong Kong ``HKG``, Puerto Rico ``PRI``...), its ``sovereign_iso3`` (the
UN member or observer state it belongs to) and whether its status is disputed, each row with
its sources. ``policy/landing_point_territories.csv`` lists the landing points whose
TeleGeography country is not the territory they lie in (the Hong Kong points coded "China",
Puerto Rico's coded "United States"...), with how that was found. Disputed places keep the
source's coding and carry a flag.
"""

from pathlib import Path
from typing import NamedTuple

from dsrgeo.build.common import cached_per_build, read_csv
from dsrgeo.errors import InvalidLayerError

__all__ = ["Territory", "landing_point_overrides", "sovereign_of", "territories"]

#: Natural Earth's sovereignty codes that are not ISO codes, and the states they stand for.
NATURAL_EARTH_SOVEREIGNS = {
    "AU1": "AUS",
    "CH1": "CHN",
    "DN1": "DNK",
    "FI1": "FIN",
    "FR1": "FRA",
    "GB1": "GBR",
    "NL1": "NLD",
    "NZ1": "NZL",
    "US1": "USA",
}


class Territory(NamedTuple):
    """One territory: its own code, the state it belongs to, and whether that is disputed."""

    iso3: str
    sovereign_iso3: str | None
    disputed: bool


def _flag(text):
    return str(text).strip().lower() == "true"


@cached_per_build
def _table(sources):
    path = Path(sources) / "policy" / "territories.csv"
    by_name, by_code = {}, {}
    for row in read_csv(path):
        territory = Territory(row["iso3"], row["sovereign_iso3"] or None, _flag(row["disputed"]))
        if row["telegeography_country"]:
            by_name[row["telegeography_country"]] = territory
        by_code.setdefault(row["iso3"], territory)
    return by_name, by_code


def territories(sources):
    """Return {TeleGeography country name: Territory} from ``policy/territories.csv``."""
    return _table(str(sources))[0]


def territory_of_code(sources, iso3):
    """Return the Territory of an ISO3 code listed in ``policy/territories.csv``, or None."""
    return _table(str(sources))[1].get(iso3)


@cached_per_build
def _overrides(sources):
    path = Path(sources) / "policy" / "landing_point_territories.csv"
    table = {}
    for row in read_csv(path):
        if not row["iso3"]:
            raise InvalidLayerError(
                "every recoded landing point needs an iso3",
                path=path,
                feature=row["landing_point_id"],
                field="iso3",
            )
        table[row["landing_point_id"]] = (row["iso3"], row["telegeography_country"])
    return table


def landing_point_overrides(sources):
    """Return {landing point id: (territory iso3, TeleGeography country)} for recoded points."""
    return _overrides(str(sources))


@cached_per_build
def _states(sources):
    """Codes of the states: UN members and observers and the listed others (capitals.csv)."""
    rows = read_csv(Path(sources) / "policy" / "capitals.csv")
    return frozenset(row["iso3"] for row in rows)


def sovereign_of(sources, iso3, natural_earth=None):
    """Return (sovereign iso3, disputed) of a territory code.

    A state of ``policy/capitals.csv`` (UN members and observers, Taiwan, Kosovo) is its own
    sovereign; otherwise the territory table decides where it lists the code, then Natural
    Earth's ``SOV_A3`` (given as ``natural_earth``, its non-ISO codes translated).

    Examples
    --------
    >>> from dsrgeo.catalog import sources_dir
    >>> sovereign_of(sources_dir(), "HKG"), sovereign_of(sources_dir(), "PAK")
    (('CHN', False), ('PAK', False))
    >>> sovereign_of(sources_dir(), "FLK", natural_earth="GB1")
    ('GBR', False)
    >>> sovereign_of(sources_dir(), "PSE", natural_earth="IS1")  # an observer state
    ('PSE', False)
    """
    territory = territory_of_code(sources, iso3)
    if iso3 in _states(str(sources)):
        return iso3, bool(territory and territory.disputed)
    if territory is not None:
        return territory.sovereign_iso3, territory.disputed
    if natural_earth:
        return NATURAL_EARTH_SOVEREIGNS.get(natural_earth, natural_earth), False
    return iso3, False
