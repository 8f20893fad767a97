"""Legend, title, sources and other HTML boxes on the map; every text is escaped here.

The HTML is built in Python from :class:`dsrgeo.styles.Legend` objects and citations, with
``html.escape`` on every label, and handed to the page as a JSON string (see
:class:`HtmlControl`). Colours are checked by :func:`dsrgeo.styles.check_color` before they
reach a ``style=`` attribute.
"""

import html

from folium.template import Template

from dsrgeo.maps.display import link
from dsrgeo.maps.safe import SafeMacro, script_json
from dsrgeo.styles import check_color

__all__ = ["HtmlControl", "layer_table_html", "legend_html", "legend_words", "sources_html"]


def _number(value):
    return str(int(value)) if float(value).is_integer() else f"{value:.3g}"


def _swatch(geometry, color):
    color = check_color(color)
    if geometry == "line":
        return f'<span class="dsrgeo-sw line" style="border-top-color:{color}"></span>'
    css_class = "point" if geometry == "point" else "polygon"
    return f'<span class="dsrgeo-sw {css_class}" style="background:{color}"></span>'


def legend_html(sections):
    """Return the legend box's inner HTML.

    Parameters
    ----------
    sections : list of (str, Legend) or (str, Legend, bool)
        (layer key, legend[, shown]) in drawing order; the key ties a section to the layer so
        the runtime can hide it when the layer is switched off; ``shown=False`` starts hidden.

    Returns
    -------
    str

    Examples
    --------
    >>> from dsrgeo.styles import Legend
    >>> box = legend_html([("l0", Legend("<b>Cables</b>", "categorical", "line",
    ...                                  (("HMN", "#d7301f"),)))])
    >>> "&lt;b&gt;Cables&lt;/b&gt;" in box and "<b>" not in box
    True
    """
    parts = []
    for key, legend, *shown in sections:
        hidden = ' style="display:none"' if shown and not shown[0] else ""
        rows = []
        if legend.kind != "single":  # a single swatch says what it is in its own label
            rows.append(f"<h4>{html.escape(legend.title)}</h4>")
        if legend.kind == "continuous" and legend.stops:
            colors = ",".join(check_color(c) for _, c in legend.stops)
            if len(legend.stops) == 1:
                colors = f"{colors},{colors}"
            low, high = legend.stops[0][0], legend.stops[-1][0]
            ramp = f"background:linear-gradient(to right,{colors})"
            rows.append(f'<div class="dsrgeo-ramp" style="{ramp}"></div>')
            rows.append(
                f'<div class="dsrgeo-ramp-labels"><span>{html.escape(_number(low))}</span>'
                f"<span>{html.escape(_number(high))}</span></div>"
            )
        for label, color in legend.entries:
            rows.append(
                f'<div class="dsrgeo-row">{_swatch(legend.geometry, color)}'
                f"<span>{html.escape(str(label))}</span></div>"
            )
        parts.append(f'<div data-dsrgeo-legend="{html.escape(key)}"{hidden}>{"".join(rows)}</div>')
    return "".join(parts)


def _source_item(source):
    """One source as safe HTML: the title (linked when its URL is a web address), publisher, date."""
    url = str(source.get("url") or "")
    title = link(url, source.get("title") or source.get("publisher") or "source")
    extra = [str(source[k]) for k in ("publisher", "as_of") if source.get(k)]
    if not url.lower().startswith(("https://", "http://")) and url:
        extra.append("each row cites its own sources (in the popups)")
    return title + (f" ({html.escape(', '.join(extra))})" if extra else "")


def sources_html(entries):
    """Return the "Sources" panel: each layer once, its sources linked, its licence.

    Parameters
    ----------
    entries : list of dict
        One per layer: ``name``; ``sources`` (dicts with ``title``, ``publisher``, ``url``,
        ``as_of``) or, for data without them, ``citation`` (plain text); optional
        ``licence``, ``licence_url`` and ``attribution``.

    Returns
    -------
    str
        A closed ``<details>`` (the panel starts as a button).

    Examples
    --------
    >>> box = sources_html([{"name": "Cables", "sources": [{"title": "Cable map",
    ...     "publisher": "TeleGeography <tg>", "url": "https://example.org", "as_of": "2022"}],
    ...     "licence": "CC BY-NC-SA 3.0", "licence_url": "https://creativecommons.org/"}])
    >>> '<a href="https://example.org"' in box, "&lt;tg&gt;" in box, box.count("Cables")
    (True, True, 1)
    """
    parts = []
    for entry in entries:
        rows = [f"<h4>{html.escape(entry['name'])}</h4>"]
        if entry.get("sources"):
            items = "".join(f"<li>{_source_item(s)}</li>" for s in entry["sources"])
            rows.append(f"<ul>{items}</ul>")
        elif entry.get("citation"):
            rows.append(f"<p>{html.escape(entry['citation'])}</p>")
        notes = []
        if entry.get("licence"):
            licence = link(entry.get("licence_url"), entry["licence"])
            notes.append(f"Licence: {licence}.")
        if entry.get("attribution"):
            notes.append(html.escape(entry["attribution"]))
        if notes:
            rows.append(f"<p>{' '.join(notes)}</p>")
        parts.append("".join(rows))
    body = "".join(parts)
    return (
        f'<details><summary>Sources</summary><div class="dsrgeo-sources-body">{body}'
        "<p>Map drawn with dsrgeo and Leaflet.</p></div></details>"
    )


def legend_words(legend):
    """Return a legend as one line of plain text (for the text alternative).

    Examples
    --------
    >>> from dsrgeo.styles import Legend
    >>> legend_words(Legend("Cables", "categorical", "line", (("HMN", "#d7301f"), ("Other", "#999999"))))
    'HMN; Other'
    """
    words = []
    if legend.kind == "continuous" and legend.stops:
        low, high = legend.stops[0][0], legend.stops[-1][0]
        words.append(f"colour scale from {_number(low)} (light or dark end) to {_number(high)}")
    words += [str(label) for label, _ in legend.entries]
    return "; ".join(words)


def layer_table_html(rows, *, caption):
    """Return the map's text alternative: a table of its layers for screen readers.

    Parameters
    ----------
    rows : list of dict
        ``name``, ``features`` (int), ``shown`` (bool), ``legend`` (plain text), ``credit``.
    caption : str
        Plain text (the map's title).

    Examples
    --------
    >>> print(layer_table_html([{"name": "<x>", "features": 3, "shown": True,
    ...     "legend": "a", "credit": "b"}], caption="Map"))  # doctest: +ELLIPSIS
    <table><caption>Map: the layers of this interactive map</caption>...<td>&lt;x&gt;</td>...
    """
    head = "<tr><th>Layer</th><th>Features</th><th>Shown</th><th>Key</th><th>Credit</th></tr>"
    body = "".join(
        f"<tr><td>{html.escape(r['name'])}</td><td>{int(r['features']):,}</td>"
        f"<td>{'yes' if r['shown'] else 'no (in the layer control)'}</td>"
        f"<td>{html.escape(r['legend'])}</td><td>{html.escape(r['credit'])}</td></tr>"
        for r in rows
    )
    return (
        f"<table><caption>{html.escape(caption)}: the layers of this interactive map</caption>"
        f"<thead>{head}</thead><tbody>{body}</tbody></table>"
    )


class HtmlControl(SafeMacro):
    """A Leaflet control (a box in a map corner) holding HTML built and escaped in Python.

    Parameters
    ----------
    inner_html : str
        Safe HTML (from the functions in this module).
    position : {"topleft", "topright", "bottomleft", "bottomright"}
    css_class : str
        Classes of the box.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        dsrgeo.control({{ this._parent.get_name()|tojson }}, {{ this.position|tojson }},
                       {{ this.css_class|tojson }}, {{ this.html_json }});
        {% endmacro %}
        """
    )

    def __init__(self, inner_html, *, position, css_class):
        super().__init__()
        self._name = "DsrgeoControl"
        self.position = position
        self.css_class = css_class
        self.html_json = script_json(inner_html)
