"""Legend, title, sources and other HTML boxes on the map; every text is escaped here.

The HTML is built in Python from :class:`dsrgeo.styles.Legend` objects and citations, with
``html.escape`` on every label, and handed to the page as a JSON string (see
:class:`HtmlControl`). Colours are checked by :func:`dsrgeo.styles.check_color` before they
reach a ``style=`` attribute.
"""

import html

from folium.template import Template

from dsrgeo.maps.safe import SafeMacro, script_json
from dsrgeo.styles import check_color

__all__ = ["HtmlControl", "legend_html", "sources_html"]


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
    >>> box = legend_html([("l0", Legend("<b>Cables</b>", "single", "line", (("HMN", "#d7301f"),)))])
    >>> "&lt;b&gt;Cables&lt;/b&gt;" in box and "<b>" not in box
    True
    """
    parts = []
    for key, legend, *shown in sections:
        hidden = ' style="display:none"' if shown and not shown[0] else ""
        rows = [f"<h4>{html.escape(legend.title)}</h4>"]
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


def sources_html(citations):
    """Return the collapsible "Sources" box listing one citation per layer (plain text).

    Parameters
    ----------
    citations : list of (str, str)
        (layer name, citation text) pairs.

    Examples
    --------
    >>> sources_html([("Cables", "TeleGeography <2022>")])
    '<details><summary>Sources (1)</summary><ul><li><b>Cables</b>: TeleGeography &lt;2022&gt;</li></ul></details>'
    """
    items = "".join(
        f"<li><b>{html.escape(name)}</b>: {html.escape(text)}</li>" for name, text in citations
    )
    return f"<details><summary>Sources ({len(citations)})</summary><ul>{items}</ul></details>"


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
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var box = L.DomUtil.create("div", {{ this.css_class|tojson }});
            box.innerHTML = {{ this.html_json }};
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            return box;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, inner_html, *, position, css_class):
        super().__init__()
        self._name = "DsrgeoControl"
        self.position = position
        self.css_class = css_class
        self.html_json = script_json(inner_html)
