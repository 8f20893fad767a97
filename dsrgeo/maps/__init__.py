"""Interactive maps: ``dsrgeo.Map`` and the only code in dsrgeo that imports folium or writes HTML.

Modules: :mod:`~dsrgeo.maps.map` (the Map), :mod:`~dsrgeo.maps.layer` (inputs to styled
layers), :mod:`~dsrgeo.maps.legend` (escaped HTML boxes), :mod:`~dsrgeo.maps.vector`
(compact GeoJSON in the page), :mod:`~dsrgeo.maps.coverage` (grid overlays),
:mod:`~dsrgeo.maps.slider` (year slider), :mod:`~dsrgeo.maps.page` (map, title and image
elements), :mod:`~dsrgeo.maps.runtime` (the page's JS: canvas drawing, picking, wrapping,
panels), :mod:`~dsrgeo.maps.display` (how values read in popups), :mod:`~dsrgeo.maps.assets`
(vendored Leaflet), :mod:`~dsrgeo.maps.safe` (what may enter a script), :mod:`~dsrgeo.maps.ids`
(deterministic element ids). Colours and legends come from :mod:`dsrgeo.styles`.
"""

from dsrgeo.maps.layer import MapLayer
from dsrgeo.maps.map import Map

__all__ = ["Map", "MapLayer"]
