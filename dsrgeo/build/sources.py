"""The cited-source table: every source id the layers cite, with its title and link.

Rows of the policy tables cite sources by id (``cceonline_peace_2018``); maps show the
title and link instead. The table is parsed from the Markdown once, at build time, and
shipped as ``source_titles.json`` (read by :func:`dsrgeo.catalog.cited_source`), so nothing
parses Markdown at run time.

``SOURCES.md`` lists sources as bullets, most as
``- `id` | title | publisher | URL | as of | licence | what was taken``; older sections use
``- `id` URL (date)`` or ``- `id`: text (URL, date)``. Where a line names several ids and as
many URLs, they pair in order; a URL cut short (``...``) is no link.
"""

import re
from pathlib import Path

from dsrgeo.catalog import SOURCE_TITLES_FILE
from dsrgeo.errors import InvalidLayerError

__all__ = [
    "SOURCE_LISTS",
    "SOURCE_TITLES_FILE",
    "build_source_titles",
    "parse_sources_md",
]

_ID = re.compile(r"`([a-z0-9_]+)`")
_URL = re.compile(r"https?://[^\s|;,)]+")
_LATER_URL = re.compile(r"`([a-z0-9_]+)`,\s*(https?://[^\s|;,)]+)")
_BULLET = re.compile(r"^\s*[-*] (Context only(?: \(no rows\))?: )?`")
#: First fields that are no title (the entry is elsewhere in the file)
_NOT_TITLES = ("reused from", "see above", "same as")


def _clean_url(url):
    """A URL as written, without the sentence's closing stop; None if it was cut short ("...")."""
    if "..." in url or "…" in url:
        return None
    return url.rstrip(".:")


def _plain(text):
    text = re.sub(r"\*\*|`", "", text).strip()
    quoted = re.fullmatch(r"[\"“](.+?)[\"”]\s*(.*)", text)
    if quoted:  # "A title" (Reuters) -> A title (Reuters)
        text = " ".join(part for part in quoted.groups() if part)
    return text


def _date(text):
    """The first ISO date or year in ``text`` ("as of 2019-08" -> "2019-08"), or ""."""
    found = re.search(r"\b(?:19|20)\d{2}(?:-\d{2}){0,2}\b", _URL.sub("", text))
    return found.group(0) if found else ""


def _publisher(text):
    text = re.split(r",?\s*\b(?:read (?:via|through|at)|via)\b", _plain(text))[0]
    return _URL.sub("", text).strip(" ,;:")


def _host(url):
    host = re.sub(r"^https?://", "", url).split("/")[0]
    return host[4:] if host.startswith("www.") else host


def _piped(ids, fields):
    title, publisher = _plain(fields[1]), _publisher(fields[2])
    urls = [u for u in (_clean_url(m) for m in _URL.findall(" ".join(fields[1:4]))) if u]
    as_of = next((_date(f) for f in fields[3:5] if _date(f)), "")
    if title.lower().startswith(_NOT_TITLES):
        title = ""
    publishers = [p.strip() for p in publisher.split(",")]
    entries = {}
    for i, source_id in enumerate(ids):
        url = urls[i] if len(urls) == len(ids) else (urls[0] if urls else None)
        entries[source_id] = {
            "title": title,
            "publisher": publishers[i] if len(publishers) == len(ids) > 1 else publisher,
            "url": url,
            "as_of": as_of,
        }
    return entries


def _loose(ids, rest):
    """``- `id` URL (date)`` or ``- `id`: text (URL, date)``: the text before a URL is its title."""
    found = [u for u in (_clean_url(m) for m in _URL.findall(rest)) if u]
    url = found[0] if found else None
    head = _URL.split(rest, maxsplit=1)[0] if url else rest
    head = re.sub(r"\b(read|mirror|read via|read at)\s*$", "", head.strip(" :,(.;")).strip(" :,(")
    date = re.search(r"\(([^()]*)\)", rest)
    title = _plain(head.split(". ")[0]) if head and not head.lower().startswith(_NOT_TITLES) else ""
    entry = {
        "title": title if len(title) > 3 else "",
        "publisher": _host(url) if url else "",
        "url": url,
        "as_of": _date(date.group(1)) if date else "",
    }
    return {source_id: dict(entry) for source_id in ids}


def _entries(body):
    fields = body.split(" | ")
    if len(fields) >= 4:
        return _piped(_ID.findall(fields[0]), fields)
    lead = re.match(r"(\s*`[a-z0-9_]+`\s*,?\s*)+", body)
    ids = _ID.findall(lead.group(0)) if lead else []
    return _loose(ids, body[lead.end() :] if lead else body)


def _merge(table, entries):
    """The first entry of an id with a title wins; later ones fill what it lacks."""
    for source_id, entry in entries.items():
        known = table.get(source_id)
        if known is not None and (known["title"] or not entry["title"]):
            entry, known = known, entry
        table[source_id] = {
            key: entry[key] or (known or {}).get(key) or entry[key] for key in entry
        }


def parse_sources_md(text):
    """Return {source id: {"title", "publisher", "url", "as_of"}} from SOURCES.md text.

    The first entry of an id with a title wins; an id whose every entry lacks a title gets the
    publisher (or the URL's host) as its title. ``url`` is None where no whole http(s) URL is
    given.

    Examples
    --------
    >>> table = parse_sources_md(
    ...     "- `a_2019` | 'A report' | Reuters | https://example.org/a | 2019-04 | none | x"
    ...     + chr(10) + "- `b_2018` https://news.example.com/b (2018-01-16)")
    >>> table["a_2019"]
    {'title': "'A report'", 'publisher': 'Reuters', 'url': 'https://example.org/a', 'as_of': '2019-04'}
    >>> table["b_2018"]["title"], table["b_2018"]["as_of"]
    ('news.example.com', '2018-01-16')
    """
    table = {}
    for line in text.splitlines():
        match = _BULLET.match(line)
        if match:
            _merge(table, _entries(line[match.end() - 1 :]))
        if line.lstrip().startswith(("- ", "* ")):
            for source_id, url in _LATER_URL.findall(line):  # - "quote": `id`, URL (...)
                entry = table.setdefault(
                    source_id, {"title": "", "publisher": "", "url": None, "as_of": ""}
                )
                entry["url"] = entry["url"] or _clean_url(url)
                entry["publisher"] = entry["publisher"] or _host(url)
    for entry in table.values():
        entry["title"] = (
            entry["title"] or entry["publisher"] or (_host(entry["url"]) if entry["url"] else "")
        )
    return table


#: The source lists whose ids the layers cite.
SOURCE_LISTS = ("policy/SOURCES.md", "network/SOURCES.md")


def build_source_titles(sources):
    """Return the table of every source id in :data:`SOURCE_LISTS` (:func:`parse_sources_md`).

    An id both lists give keeps the first list's entry when both point to the same URL.

    Raises
    ------
    InvalidLayerError
        If two lists give one id different URLs (two sources under one id).
    """
    table = {}
    for name in SOURCE_LISTS:
        path = Path(sources) / name
        for source_id, entry in parse_sources_md(path.read_text(encoding="utf-8")).items():
            if table.setdefault(source_id, entry).get("url") != entry.get("url"):
                raise InvalidLayerError(
                    f"the id names another source (URL {table[source_id].get('url')!r}) in an "
                    "earlier source list",
                    path=path,
                    feature=source_id,
                )
    return table
