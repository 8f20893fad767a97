"""What may enter the page's scripts: script-safe JSON, and elements rendered verbatim.

branca's ``MacroElement.render`` wraps each rendered macro in ``Element(text)``, which compiles
the text as a Jinja template a second time, so data containing ``{{ ... }}`` would be evaluated
in Python. Every dsrgeo element derives from :class:`SafeMacro` (or :class:`SafeLayer`), which
adds its rendered macros to the page verbatim; dsrgeo draws its own layer control instead of
folium's for the same reason.
"""

import json

from branca.element import Element, MacroElement
from folium.map import Layer

__all__ = ["RawElement", "SafeLayer", "SafeMacro", "script_json"]


def script_json(obj):
    r"""Serialise ``obj`` as compact JSON that is safe inside an inline ``<script>``.

    ``<``, ``>``, ``&`` and the JS line separators become ``\\uXXXX`` escapes, so no data value
    can close the script element or start a comment.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name":"\\u003c/script\\u003e\\u003cb\\u003e"}'
    """
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class RawElement(Element):
    """An element whose text goes into the page as is (never compiled as a template).

    Examples
    --------
    >>> RawElement("{{ 7 * 7 }}").render()
    '{{ 7 * 7 }}'
    """

    def __init__(self, text):
        super().__init__()
        self._name = "RawElement"
        self.text = text

    def render(self, **kwargs):
        """Return the text as it is."""
        return self.text


class SafeMacro(MacroElement):
    """A ``MacroElement`` whose rendered header/html/script macros are added verbatim."""

    def render(self, **kwargs):
        """Add each rendered macro to the figure's header, html and script, verbatim."""
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(
                    RawElement(macro(self, kwargs)), name=self.get_name()
                )
        for child in self._children.values():
            child.render(**kwargs)


class SafeLayer(SafeMacro, Layer):
    """A folium ``Layer`` (seen by the layer control) rendered like :class:`SafeMacro`.

    Its template must add it to the map itself when ``this.show`` is true. ``render`` is
    :meth:`SafeMacro.render` (first in the MRO, before folium's ``Layer.render``).
    """
