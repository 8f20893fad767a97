"""dsrgeo: cited layers, maps and layer math for China's Digital Silk Road.

The public surface::

    import dsrgeo
    cables = dsrgeo.load("cables")            # GeoDataFrame, provenance in .attrs
    dsrgeo.layers()                           # the catalog as a DataFrame
    dsrgeo.Map().add("bri_countries").add("hmn_cables").save("dsr.html")

Heavy dependencies (folium, sgp4, dask, matplotlib, networkx) are imported only when the
part that needs them is first used, so ``import dsrgeo`` stays quick.
"""

import importlib

from dsrgeo import errors
from dsrgeo.errors import *  # noqa: F403  (the whole error tree is public)
from dsrgeo.loader import layers, load

__version__ = "0.1.0"

# name -> module that defines it; imported on first attribute access (PEP 562)
_LAZY = {
    "Map": "dsrgeo.maps",
    "geodesic_length_km": "dsrgeo.geodesy",
    "audit_lengths": "dsrgeo.geodesy",
    "indicators": "dsrgeo.analysis",
    "cable_graph": "dsrgeo.analysis",
    "claims": "dsrgeo.analysis",
}
_SUBPACKAGES = ("gnss", "catalog", "maps", "geodesy", "analysis", "export", "refresh", "build")

__all__ = ["__version__", "load", "layers", *_LAZY, "gnss", *errors.__all__]


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return importlib.import_module(f"dsrgeo.{name}")
    raise AttributeError(f"module 'dsrgeo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
