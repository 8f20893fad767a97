"""How a data value reads in a tooltip or popup: escaped text, names for codes, titles for ids.

Every function returns HTML that is safe to put into the page: text is ``html.escape``-d
here, and the only markup written is ``<a href>`` for http(s) links (sources, web sites) and
``<br>`` between sources. A column's display format comes from the catalog's map block
(``formats``), its schema (``date`` columns) or its name (``*source_ids``):

- ``"date"``: ISO dates as "7 September 2013", "April 2018" or "2019";
- ``"countries"``: ISO 3166-1 alpha-3 codes as "Pakistan (PAK)";
- ``"sources"``: source ids of ``policy/SOURCES.md`` (a list, or one text joined with ``;``) as
  their titles, linked;
- ``"url"``: a web address as a link showing its host;
- ``"cables"``: cable ids of the ``cables`` layer as the cables' names;
- ``"percent"``: a share (0 to 1) as a whole percentage, "10%";
- a dict: category codes as words (``{"safe_city": "Safe City"}``).
"""

import datetime as dt
import functools
import html
import math
import re

import numpy as np
import pandas as pd

from dsrgeo import catalog, loading

__all__ = ["FORMATS", "MAX_LIST_ITEMS", "display_value", "format_value", "link"]

#: The named display formats (a dict of labels is the other kind)
FORMATS = ("date", "countries", "sources", "url", "cables", "percent")
#: Items of a list shown before "and N more"
MAX_LIST_ITEMS = 12
#: Longest source title and publisher-and-date shown, characters (longer ones end with "…")
MAX_TITLE_CHARS = 90
MAX_TAIL_CHARS = 60

_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def format_value(value):
    """Return a data value as html-escaped display text, or None when it is missing.

    Lists are joined with ", "; numbers of 10,000 and more get thousands separators and no
    decimals, whole numbers lose their ".0", others keep at most 2 decimals.

    Examples
    --------
    >>> format_value("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> format_value(["HMN Tech", "Orange"]), format_value(2019.0), format_value(None)
    ('HMN Tech, Orange', '2019', None)
    >>> format_value(21500.0), format_value(16.10), format_value(float("nan"))
    ('21,500', '16.1', None)
    """
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        parts = [format_value(v) for v in value]
        text = ", ".join(p for p in parts if p is not None)
        return text or None
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer, float, np.floating)):
        number = float(value)
        if math.isnan(number):
            return None
        if abs(number) >= 10_000:  # lengths in km: 21,500
            return f"{number:,.0f}"
        if number.is_integer():  # years stay 2019
            return str(int(number))
        return f"{number:.2f}".rstrip("0").rstrip(".")
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def link(url, text):
    """Return an ``<a>`` opening ``url`` in a new tab, or the escaped text if it is no http(s) URL.

    Examples
    --------
    >>> link("https://example.org/?a=1&b=2", "<Example>")
    '<a href="https://example.org/?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">&lt;Example&gt;</a>'
    >>> link("javascript:alert(1)", "x")
    'x'
    """
    label = html.escape(str(text), quote=True)
    url = "" if url is None else str(url)
    if not re.match(r"^https?://[^\s<>\"']+$", url, flags=re.IGNORECASE):
        return label
    return (
        f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
        f"{label}</a>"
    )


def _items(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [v for v in value if format_value(v) is not None]
    return [] if format_value(value) is None else [value]


def _listed(parts, separator=", "):
    if not parts:
        return None
    if len(parts) > MAX_LIST_ITEMS:
        more = len(parts) - MAX_LIST_ITEMS
        parts = [*parts[:MAX_LIST_ITEMS], f"and {more} more"]
    return separator.join(parts)


def _date(value):
    text = str(value).strip()
    match = _ISO_DATE.match(text)
    if not match:
        return html.escape(text, quote=True)
    year, month, day = match.groups()
    try:
        if day:
            when = dt.date(int(year), int(month), int(day))
            return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"
        if month and 1 <= int(month) <= 12:
            return f"{_MONTHS[int(month) - 1]} {year}"
    except ValueError:
        return html.escape(text, quote=True)
    return year


@functools.cache
def _country_names():
    land = loading.load("land")
    return dict(zip(land["id"].astype(str), land["name"].astype(str)))


@functools.cache
def _cable_names():
    cables = loading.load("cables")
    return dict(zip(cables["id"].astype(str), cables["name"].astype(str)))


def _country(code):
    code = str(code)
    name = _country_names().get(code)
    return html.escape(f"{name} ({code})" if name else code, quote=True)


def _source(source_id):
    entry = catalog.cited_source(str(source_id))
    if entry is None:
        return html.escape(str(source_id), quote=True)
    title = entry["title"]
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    extra = [
        part
        for part in (entry.get("publisher"), entry.get("as_of"))
        if part and part not in entry["title"]
    ]
    tail = ", ".join(extra)
    if len(tail) > MAX_TAIL_CHARS:
        tail = tail[: MAX_TAIL_CHARS - 1].rstrip(" ,;(") + "…"
    tail = f" ({html.escape(tail, quote=True)})" if tail else ""
    return link(entry.get("url"), title) + tail


def _url(value):
    text = str(value)
    host = re.sub(r"^https?://(www\.)?", "", text, flags=re.IGNORECASE).split("/")[0]
    return link(text, host or text)


def display_value(value, fmt=None):
    """Return ``value`` as safe display HTML in the format ``fmt``, or None when it is missing.

    Parameters
    ----------
    value : object
        A cell of a layer (text, number, list, date text...).
    fmt : str or dict, optional
        One of :data:`FORMATS`, or ``{code: label}``; None formats as :func:`format_value`.

    Returns
    -------
    str or None

    Examples
    --------
    >>> display_value("2013-09-07", "date"), display_value("2018-04", "date")
    ('7 September 2013', 'April 2018')
    >>> display_value(["PAK", "EGY"], "countries")
    'Pakistan (PAK), Egypt (EGY)'
    >>> display_value("safe_city", {"safe_city": "Safe City"})
    'Safe City'
    >>> display_value(["gfdc_bri_countries_2025_05"], "sources")  # doctest: +ELLIPSIS
    '<a href="https://greenfdc.org/countries-of-the-belt-and-road-initiative-bri/" ...>Countries of the Belt and Road Initiative (May 2025 update)</a> (Christoph Nedopil, ...)'
    >>> display_value("gfdc_bri_countries_2025_05; brf1_list_2017", "sources").count("<a href")
    2
    >>> display_value("<b>", "countries")
    '&lt;b&gt;'
    >>> display_value(0.126, "percent"), display_value(float("nan"), "percent") is None
    ('13%', True)
    """
    if fmt is None:
        return format_value(value)
    items = _items(value)
    if isinstance(fmt, dict):
        labels = [
            html.escape(str(fmt[v]), quote=True) if _hashable(v) and v in fmt else format_value(v)
            for v in items
        ]
        return _listed(labels)
    if fmt == "date":
        return _listed([_date(v) for v in items])
    if fmt == "countries":
        return _listed([_country(v) for v in items])
    if fmt == "sources":  # a list of ids, or one text of ids joined with ";"
        ids = [p.strip() for v in items for p in (v.split(";") if isinstance(v, str) else [v])]
        return _listed([_source(v) for v in ids if v != ""], "<br>")
    if fmt == "url":
        return _listed([_url(v) for v in items])
    if fmt == "percent":
        return _listed([_percent(v) for v in items])
    if fmt == "cables":
        names = _cable_names()
        return _listed([html.escape(names.get(str(v), str(v)), quote=True) for v in items])
    return format_value(value)


def _percent(value):
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return format_value(value)
    return f"{100 * float(value):.0f}%" if math.isfinite(value) else None


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
