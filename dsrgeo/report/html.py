"""The report's HTML page: one self-contained file rendered by jinja2 with autoescape on.

Every value from data (headings, paragraphs, table cells, captions, citations) is escaped by
the template engine; the only markup that enters unescaped is the map fragment that
:meth:`dsrgeo.Map.to_html` made (itself escaped where it holds data) and links, written only
for ``http(s)`` URLs. Figures are inlined as SVG data URIs, so the page needs no network.
"""

import base64
import functools

from markupsafe import Markup, escape

from dsrgeo.text import cell_text

__all__ = ["REPORT_CSS", "link", "render_report", "table_rows"]

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


def link(url, text=None):
    """Return an ``<a>`` for an http(s) URL, else the escaped text alone.

    Examples
    --------
    >>> str(link("https://example.org/?a=1&b=2"))
    '<a href="https://example.org/?a=1&amp;b=2">https://example.org/?a=1&amp;b=2</a>'
    >>> str(link("javascript:alert(1)"))
    'javascript:alert(1)'
    """
    url = "" if url is None else str(url)
    label = escape(text if text is not None else url)
    if url.lower().startswith(("https://", "http://")):
        return Markup('<a href="{}">{}</a>').format(url, label)
    return label


def table_rows(frame):
    """Yield each row of ``frame`` as display text (missing values empty).

    Examples
    --------
    >>> import pandas as pd
    >>> list(table_rows(pd.DataFrame({"a": [1, None]})))
    [['1'], ['']]
    """
    for row in frame.itertuples(index=False):
        yield [cell_text(v) for v in row]


def _svg_uri(figure):
    data = base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    return f"data:image/svg+xml;base64,{data}"


@functools.cache
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dsrgeo.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["rows"] = table_rows
    env.filters["svg_uri"] = _svg_uri
    env.globals["link"] = link
    return env


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
        else "the shipped snapshot of every layer"
    )
    nav = [("map", "Map"), *((s.id, s.heading) for s in report.sections), ("sources", "Sources")]
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        year=year,
        nav=nav,
        css=Markup(REPORT_CSS),
        map_fragment=Markup(report.map.to_html(fragment=True)),
    )
