"""The vendored Leaflet JS/CSS, read from ``dsrgeo/maps/vendor/`` and prepared for inlining.

The page a map writes must make no request: the JS loses its ``sourceMappingURL`` comment and
the CSS ``url(images/...)`` references become ``data:`` URIs. See ``vendor/VENDOR.md`` for the
version and checksums.
"""

import base64
import functools
import hashlib
import importlib.resources
import re

__all__ = ["VENDOR_SHA256", "leaflet_css", "leaflet_js", "vendor_bytes"]

#: sha256 of each vendored file, as copied from ``npm pack leaflet@1.9.4`` (see VENDOR.md)
VENDOR_SHA256 = {
    "leaflet.js": "db49d009c841f5ca34a888c96511ae936fd9f5533e90d8b2c4d57596f4e5641a",
    "leaflet.css": "a7837102824184820dfa198d1ebcd109ff6d0ff9a2672a074b9a1b4d147d04c6",
    "LICENSE": "53e8dc25862014e4324741ca18fbe3611e11d42ef69f59f86ea8c5389647d4cb",
    "images/layers.png": "1dbbe9d028e292f36fcba8f8b3a28d5e8932754fc2215b9ac69e4cdecf5107c6",
    "images/layers-2x.png": "066daca850d8ffbef007af00b06eac0015728dee279c51f3cb6c716df7c42edf",
    "images/marker-icon.png": "574c3a5cca85f4114085b6841596d62f00d7c892c7b03f28cbfa301deb1dc437",
    "images/marker-icon-2x.png": "00179c4c1ee830d3a108412ae0d294f55776cfeb085c60129a39aa6fc4ae2528",
    "images/marker-shadow.png": "264f5c640339f042dd729062cfc04c17f8ea0f29882b538e3848ed8f10edb4da",
}

_CSS_URL = re.compile(r"url\((images/[A-Za-z0-9_.-]+\.png)\)")


def vendor_bytes(name):
    """Return the bytes of one vendored file, checked against :data:`VENDOR_SHA256`.

    Parameters
    ----------
    name : str
        Path inside ``vendor/``, e.g. ``"leaflet.js"`` or ``"images/layers.png"``.

    Returns
    -------
    bytes

    Raises
    ------
    RuntimeError
        If the file differs from the vendored checksum (a damaged install).

    Examples
    --------
    >>> vendor_bytes("LICENSE").startswith(b"BSD 2-Clause License")
    True
    """
    data = importlib.resources.files("dsrgeo.maps").joinpath("vendor", name).read_bytes()
    expected = VENDOR_SHA256.get(name)
    if expected is not None and hashlib.sha256(data).hexdigest() != expected:
        raise RuntimeError(
            f"vendored file dsrgeo/maps/vendor/{name} does not match its sha256 in VENDOR.md; "
            "reinstall dsrgeo"
        )
    return data


@functools.cache
def leaflet_js():
    """Return Leaflet's JS ready to sit inside ``<script>``: no source-map comment.

    Examples
    --------
    >>> js = leaflet_js()
    >>> 'version="1.9.4"' in js, "sourceMappingURL" in js, "</script" in js
    (True, False, False)
    """
    text = vendor_bytes("leaflet.js").decode("utf-8")
    text = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", text)
    if "</script" in text.lower():  # cannot happen for 1.9.4; guards a future upgrade
        raise RuntimeError("leaflet.js contains '</script' and cannot be inlined as is")
    return text


@functools.cache
def leaflet_css():
    """Return Leaflet's CSS with its images inlined as ``data:`` URIs.

    Examples
    --------
    >>> css = leaflet_css()
    >>> "url(images/" in css, "data:image/png;base64," in css
    (False, True)
    """

    def _inline(match):
        png = base64.b64encode(vendor_bytes(match.group(1))).decode("ascii")
        return f"url(data:image/png;base64,{png})"

    return _CSS_URL.sub(_inline, vendor_bytes("leaflet.css").decode("utf-8"))
