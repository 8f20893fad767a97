"""The year slider: a range input that steps BRI joins/exits and cable ready-for-service years.

Written here instead of folium's ``TimestampedGeoJson`` (which needs CDN plugins and has
known bugs): each layer carries per-feature start/end years (``_y0``/``_y1``) and a rule per
state (``"hide"`` or a style index), and the runtime's ``dsrgeo.setYear`` applies them. The
page starts at the last year, so with the slider untouched it shows the same as without it.
"""

from folium.template import Template

from dsrgeo.maps.safe import SafeMacro

__all__ = ["FIRST_YEAR", "YearSlider"]

#: The slider's first year (the BRI was announced in 2013; cables before 2000 are shown as
#: present from the start)
FIRST_YEAR = 2000


class YearSlider(SafeMacro):
    """A bottom-left control with a year range input bound to ``dsrgeo.setYear``.

    Parameters
    ----------
    first_year, last_year : int
        Range of the slider (inclusive); it starts at ``last_year``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var mapName = {{ this._parent.get_name()|tojson }};
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var box = L.DomUtil.create("div", "dsrgeo-box dsrgeo-slider");
                var label = L.DomUtil.create("label", "", box);
                label.appendChild(document.createTextNode("Year "));
                var input = L.DomUtil.create("input", "", label);
                input.type = "range";
                input.min = {{ this.first_year|tojson }};
                input.max = {{ this.last_year|tojson }};
                input.step = 1;
                input.value = {{ this.last_year|tojson }};
                input.setAttribute("aria-label", "Year");
                var output = L.DomUtil.create("output", "", label);
                output.textContent = String({{ this.last_year|tojson }});
                input.addEventListener("input", function () {
                    dsrgeo.setYear(mapName, parseInt(input.value, 10));
                });
                L.DomEvent.disableClickPropagation(box);
                return box;
            };
            control.addTo(map);
            dsrgeo.setYear(mapName, {{ this.last_year|tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, first_year, last_year):
        super().__init__()
        self._name = "DsrgeoYearSlider"
        self.first_year = int(first_year)
        self.last_year = int(max(last_year, first_year))
