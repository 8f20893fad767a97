"""dsrgeo: cited layers, maps and layer math for China's Digital Silk Road.

The public surface::

    import dsrgeo
    dsrgeo.layers()                           # the catalog as a DataFrame
    cables = dsrgeo.load("cables")            # GeoDataFrame, provenance in .attrs
    dsrgeo.Map().add("bri_countries").add("hmn_cables").save("dsr.html")
    dsrgeo.geodesic_length_km(cables)         # WGS84 km per cable
    dsrgeo.audit_lengths()                    # drawn vs stated lengths, flagged
    dsrgeo.indicators()                       # one row per country
    dsrgeo.alignment()                        # which side each country lines up on
    dsrgeo.cable_graph(suppliers="HMN")       # countries linked by cables (networkx)
    dsrgeo.claims()                           # the policy brief's figures vs the data
    dsrgeo.gnss.visibility(...)               # BeiDou, GPS, Galileo, GLONASS in view
    dsrgeo.network.cut("ACE", as_of=2017)     # countries cut off when cables fail

Errors are in :mod:`dsrgeo.errors` (every one also a builtin: ``ValueError``, ``KeyError``,
``OSError``). Each name is imported on first use (PEP 562), so ``import dsrgeo`` stays quick
and loads none of the heavy dependencies.
"""

import importlib

from dsrgeo._version import __version__
from dsrgeo.errors import (  # noqa: F401  (importable from the top; documented in errors)
    AsOfOutOfRangeError,
    DsrgeoError,
    DsrgeoWarning,
    ElementSetError,
    InvalidLayerError,
    LayerNotFoundError,
    ParameterError,
    RefreshError,
    StaleElementsWarning,
    WorkTooLargeError,
)

# public name -> module that defines it; imported on first attribute access (PEP 562)
_LAZY = {
    "load": "dsrgeo.loading",
    "layers": "dsrgeo.loading",
    "Map": "dsrgeo.maps",
    "geodesic_length_km": "dsrgeo.geodesy",
    "audit_lengths": "dsrgeo.geodesy",
    "indicators": "dsrgeo.analysis",
    "cable_graph": "dsrgeo.analysis",
    "claims": "dsrgeo.brief",
    "alignment": "dsrgeo.sides",
    "alignment_sensitivity": "dsrgeo.sides",
}
#: Subpackages and modules reachable as attributes (``dsrgeo.gnss``, ``dsrgeo.catalog``...).
_MODULES = (
    "analysis",
    "brief",
    "build",
    "catalog",
    "checks",
    "datadir",
    "download",
    "errors",
    "export",
    "fileio",
    "geodesy",
    "geojson",
    "gnss",
    "loading",
    "maps",
    "network",
    "refresh",
    "report",
    "sides",
    "styles",
    "tables",
    "text",
    "timeline",
)

__all__ = ["__version__", *_LAZY, "gnss", "network"]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _MODULES:
        return importlib.import_module(f"dsrgeo.{name}")
    raise AttributeError(f"module 'dsrgeo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | set(_MODULES))
