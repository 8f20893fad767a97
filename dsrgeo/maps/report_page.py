"""The report's HTML page: one self-contained file built from a :class:`dsrgeo.report.Report`.

Every text that comes from data (headings, paragraphs, table cells, captions, citations) passes
through :func:`esc` (``html.escape``) or :func:`table_html` (pandas ``to_html(escape=True)``);
links are written only for ``http(s)`` URLs. Figures are inlined as SVG data URIs and the map
as a :meth:`dsrgeo.Map.to_html` fragment, so the page needs no network.
"""

import base64
import html

__all__ = ["REPORT_CSS", "esc", "link", "render_report", "table_html"]

REPORT_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d1d1d;
 max-width:1100px;margin:0 auto;padding:0 18px 40px}
h1{font-size:26px;margin:22px 0 4px} h2{font-size:20px;margin:34px 0 8px;
 border-bottom:1px solid #ddd;padding-bottom:4px} h3{font-size:15px;margin:18px 0 6px}
.meta{color:#555;font-size:13px} nav a{margin-right:14px;font-size:13px}
table.dsrgeo-table{border-collapse:collapse;font-size:13px;margin:6px 0 14px;width:auto}
table.dsrgeo-table th,table.dsrgeo-table td{padding:3px 8px;border-bottom:1px solid #e3e3e3;
 text-align:left;vertical-align:top}
table.dsrgeo-table thead th{background:#f0f0f0}
table.dsrgeo-table td{max-width:420px}
figure{margin:10px 0} figure img{max-width:100%;height:auto} figcaption{font-size:13px;color:#555}
.sources li{margin:4px 0;font-size:13px}
footer{margin-top:40px;color:#666;font-size:12px}
"""


def esc(value):
    """Return ``value`` as HTML text: ``& < > " '`` escaped (the one escaping helper here).

    Examples
    --------
    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> esc(None)
    ''
    """
    return "" if value is None else html.escape(str(value), quote=True)


def table_html(frame):
    """Return a DataFrame as an HTML table whose header and cells are escaped.

    Examples
    --------
    >>> import pandas as pd
    >>> page = table_html(pd.DataFrame({"<b>name</b>": ["<script>x</script>"]}))
    >>> "<script>" in page or "<b>" in page
    False
    >>> "&lt;script&gt;x&lt;/script&gt;" in page
    True
    """
    return frame.to_html(
        index=False, escape=True, border=0, classes="dsrgeo-table", na_rep="", justify="left"
    )


def link(url, text=None):
    """Return an ``<a>`` for an http(s) URL, else the escaped text alone.

    Examples
    --------
    >>> link("https://example.org/?a=1&b=2")
    '<a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a>'
    >>> link("javascript:alert(1)")
    'javascript:alert(1)'
    """
    url = "" if url is None else str(url)
    label = esc(text if text is not None else url)
    if url.lower().startswith(("https://", "http://")):
        return f'<a href="{esc(url)}">{label}</a>'
    return label


def _figure_html(figure):
    data = base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure><img alt="{esc(figure.caption)}" src="data:image/svg+xml;base64,{data}">'
        f"<figcaption>{esc(figure.caption)}</figcaption></figure>"
    )


def _section_html(section):
    parts = [f'<section id="{esc(section.id)}"><h2>{esc(section.heading)}</h2>']
    parts += [f"<p>{esc(text)}</p>" for text in section.paragraphs]
    parts += [_figure_html(figure) for figure in section.figures]
    for table in section.tables:
        parts.append(f"<h3>{esc(table.caption)}</h3>{table_html(table.frame)}")
    parts.append("</section>")
    return "\n".join(parts)


def _sources_html(citations):
    items = []
    for row in citations.itertuples(index=False):
        licence = link(row.licence_url, row.licence) if row.licence_url else esc(row.licence)
        items.append(
            f"<li><strong>{esc(row.layer_title)}</strong> (<code>{esc(row.layer)}</code>, "
            f"as of {esc(row.layer_as_of)}): {esc(row.publisher)}, "
            f"&ldquo;{esc(row.title)}&rdquo; ({esc(row.source_as_of)}), {link(row.url)}. "
            f"Licence: {licence}. {esc(row.attribution)}</li>"
        )
    return (
        '<section id="sources"><h2>Sources and licences</h2><ul class="sources">'
        + "\n".join(items)
        + "</ul></section>"
    )


def render_report(report):
    """Return the whole report page as a string.

    Parameters
    ----------
    report : dsrgeo.report.Report

    Returns
    -------
    str
        An HTML5 document with the map fragment, sections and sources; no external resource.
    """
    year = (
        f"as of the end of {report.as_of}"
        if report.as_of is not None
        else ("the shipped snapshot of every layer")
    )
    nav = " ".join(
        f'<a href="#{esc(section_id)}">{esc(heading)}</a>'
        for section_id, heading in [
            ("map", "Map"),
            *((s.id, s.heading) for s in report.sections),
            ("sources", "Sources"),
        ]
    )
    body = [
        f"<header><h1>{esc(report.title)}</h1>",
        (
            f'<p class="meta">Layers: {esc(year)}. Built with dsrgeo {esc(report.version)}; '
            "every figure comes from the cited layers listed under Sources.</p>"
        ),
        f"<nav>{nav}</nav></header>",
        '<section id="map"><h2>Map</h2>',
        report.map.to_html(fragment=True),
        (
            '<p class="meta">Switch layers on and off in the control at the top right; '
            "hover or click a feature for its data.</p></section>"
        ),
        *(_section_html(section) for section in report.sections),
        _sources_html(report.citations),
        (
            f"<footer>dsrgeo {esc(report.version)}. The map and tables cite their sources; "
            "boundaries do not imply any judgement on legal status.</footer>"
        ),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(report.title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
