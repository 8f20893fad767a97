"""What every builder shares: raw inputs read once per build, small parsers, sorted JSON text.

Raw JSON inputs are parsed at most once within a :func:`source_cache` block (the
``cables`` and ``hmn_cables`` builders read the same files), and the cache is dropped at the
end of the block, because the files may change before the next build.
"""

import contextlib
import csv
import functools
import json
import logging
import re
from pathlib import Path

from dsrgeo.errors import InvalidLayerError

__all__ = [
    "country_codes",
    "frame",
    "int_or_none",
    "log",
    "ne_countries",
    "read_csv",
    "read_json",
    "sorted_json_text",
    "source_cache",
    "split_ids",
    "split_list",
]

#: The build's logger: notes on rows that could not be placed, etc. (``dsrgeo build`` shows
#: them on stderr).
log = logging.getLogger("dsrgeo.build")

_CACHES = []


def cached_per_build(function):
    """Decorate a builder helper so its results are kept until the current build ends."""
    wrapped = functools.cache(function)
    _CACHES.append(wrapped)
    return wrapped


@contextlib.contextmanager
def source_cache():
    """Within the block, parsed sources are shared between builders; cleared at its end."""
    try:
        yield
    finally:
        for cache in _CACHES:
            cache.cache_clear()


@cached_per_build
def read_json(path):
    """Parse a source JSON file (read-only result; see :func:`source_cache`)."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidLayerError(f"source file is not valid JSON ({err})", path=path) from err


def sorted_json_text(table):
    """Return a dict as deterministic JSON text: keys sorted, one entry per line.

    The build writes its tables with it (``source_titles.json``, ``checked.json``), so the
    same table always gives the same bytes and a change shows as a one-line diff.

    Examples
    --------
    >>> print(sorted_json_text({"b": {"title": "B"}, "a": {"title": "A"}}), end="")
    {
    "a":{"title":"A"},
    "b":{"title":"B"}
    }
    """
    lines = [
        json.dumps(key, ensure_ascii=False)
        + ":"
        + json.dumps(table[key], ensure_ascii=False, separators=(",", ":"))
        for key in sorted(table)
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


def read_csv(path):
    """Return the rows of a UTF-8 CSV file as dicts."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def int_or_none(text):
    """Return the integer in ``text``, or None when it is empty.

    Examples
    --------
    >>> int_or_none(" 2019 "), int_or_none("")
    (2019, None)
    """
    text = (text or "").strip()
    return int(text) if text else None


def split_ids(text):
    """Split a semicolon-separated list of ids.

    Examples
    --------
    >>> split_ids("a; b;;c")
    ['a', 'b', 'c']
    """
    return [part.strip() for part in (text or "").split(";") if part.strip()]


#: A legal-form suffix that belongs to the name before it ("Seren Juno Network Co., Ltd.").
_LEGAL_SUFFIX = re.compile(
    r"^(Ltd|Lda|Ltda|Inc|LLC|L\.L\.C|S\.?A|S\.?A\.?S|Co|Corp|Limited|PLC|plc|AG|GmbH|B\.?V|"
    r"N\.?V|S\.?p\.?A|Oy|AB|ASA|Pte|Bhd)\.?$"
)


def split_list(text):
    """Split a comma-separated list of names (TeleGeography's owners and suppliers).

    A comma inside parentheses does not split, and a legal-form suffix after a comma stays
    with its name, so company names that contain commas survive.

    Examples
    --------
    >>> split_list("NEC, HMN Tech")
    ['NEC', 'HMN Tech']
    >>> split_list("Seren Juno Network Co., Ltd.")
    ['Seren Juno Network Co., Ltd.']
    >>> split_list("Kakike, Lda., KumoxiCom, Lda.")
    ['Kakike, Lda.', 'KumoxiCom, Lda.']
    >>> split_list("GN Great Nordic, Telia Eesti (formerly Eesti Telekom, EMT, Elion)")
    ['GN Great Nordic', 'Telia Eesti (formerly Eesti Telekom, EMT, Elion)']
    """
    parts, depth, current = [], 0, ""
    for char in text or "":
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    names = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if names and _LEGAL_SUFFIX.match(part):
            names[-1] = f"{names[-1]}, {part}"
        else:
            names.append(part)
    return names


def frame(records, geometries):
    """Return records and shapely geometries as a GeoDataFrame in EPSG:4326."""
    import geopandas

    return geopandas.GeoDataFrame(records, geometry=list(geometries), crs="EPSG:4326")


def ne_countries(sources):
    """Return the features of Natural Earth's 1:50m admin-0 countries."""
    path = Path(sources) / "naturalearth" / "ne_50m_admin_0_countries.json"
    return read_json(path)["features"]


def country_codes(properties):
    """Return the checked country code of a Natural Earth admin-0 feature.

    Natural Earth leaves ``ISO_A3`` as ``"-99"`` for France, Norway, Kosovo and a few
    disputed areas; there ``ADM0_A3`` (France ``FRA``, Norway ``NOR``, Kosovo ``KOS``) is used.

    Examples
    --------
    >>> country_codes({"ISO_A3": "-99", "ADM0_A3": "FRA"})
    'FRA'
    >>> country_codes({"ISO_A3": "ITA", "ADM0_A3": "ITA"})
    'ITA'
    """
    code = properties.get("ISO_A3")
    if not code or code == "-99":
        code = properties["ADM0_A3"]
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidLayerError(
            f"Natural Earth feature {properties.get('ADMIN')!r} has no usable country code "
            f"(ISO_A3 {properties.get('ISO_A3')!r})"
        )
    return code
