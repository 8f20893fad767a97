"""The cable network as a model: cable-cut scenarios, chokepoints, dependence, bifurcation.

:func:`cut` breaks cables (whole, or at a place) and says which countries lose their sea
paths; :func:`exposure` gives each country the fewest faults that cut it off, the share of
its cables through each chokepoint and its dependence on suppliers and owners;
:func:`bifurcation` asks whether a country reaches the United States without Chinese cables
and China without US ones. All three run on :func:`load_network`, the shipped layers as of a
year; a :class:`Network` can also be built from other cable data. Every result carries the
provenance of the layers and tables it comes from in its ``attrs`` (:func:`provenance`:
sources, licences, citation), TeleGeography's CC BY-NC-SA licence among them.

Modules: :mod:`~dsrgeo.network.topology` (one cable's graph from its drawing),
:mod:`~dsrgeo.network.companies` (suppliers' and owners' home countries),
:mod:`~dsrgeo.network.model` (the :class:`Network`), :mod:`~dsrgeo.network.scenarios` (the
public functions over the shipped layers).

Examples
--------
>>> import dsrgeo
>>> after = dsrgeo.network.cut("Tonga Cable", as_of=2021).set_index("iso3")
>>> bool(after.loc["TON", "isolated_by_sea"]), after.loc["TON", "cables_cut"]
(True, ['tonga-cable'])
"""

from dsrgeo.network.companies import cable_companies, company_table
from dsrgeo.network.model import Network, build_topologies, place_geometry
from dsrgeo.network.scenarios import (
    bifurcation,
    cut,
    disconnected_cables,
    exposure,
    load_network,
    provenance,
)
from dsrgeo.network.topology import SNAP_KM, TOUCH_KM, Topology, cable_topology

__all__ = [
    "SNAP_KM",
    "TOUCH_KM",
    "Network",
    "Topology",
    "bifurcation",
    "build_topologies",
    "cable_companies",
    "cable_topology",
    "company_table",
    "cut",
    "disconnected_cables",
    "exposure",
    "load_network",
    "place_geometry",
    "provenance",
]
