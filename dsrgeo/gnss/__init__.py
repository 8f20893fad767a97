"""GNSS visibility from two-line element sets: BeiDou, GPS, Galileo and GLONASS.

:func:`read_tles` reads element sets into :class:`Satellites`, :func:`visibility` counts the
visible satellites and PDOP per site, :func:`coverage_grid` does the same over a global grid
on Dask, and :func:`capitals_visibility` recomputes the ``beidou_capitals`` layer for any
day, mask or TLE set.

Modules: :mod:`~dsrgeo.gnss.elements` (TLEs and constellations), :mod:`~dsrgeo.gnss.frames`
(time and reference frames), :mod:`~dsrgeo.gnss.inputs` (argument checks),
:mod:`~dsrgeo.gnss.propagation` (SGP4, at nodes and interpolated where it may be),
:mod:`~dsrgeo.gnss.engine` (the vectorised counting engine), :mod:`~dsrgeo.gnss.sites`,
:mod:`~dsrgeo.gnss.grid` and :mod:`~dsrgeo.gnss.capitals` (the three public entry points).

Examples
--------
>>> import dsrgeo
>>> sats = dsrgeo.gnss.read_tles(dsrgeo.gnss.snapshot_dir())
>>> sats
Satellites(134: bds 50, gps 31, gal 28, glo 25; epochs 2022-01-29..2022-02-04)
>>> sats[sats.system == "bds"].to_frame().orbit_class.value_counts().to_dict()
{'MEO': 29, 'IGSO': 12, 'GEO': 9}
"""

from dsrgeo.gnss.capitals import capitals_visibility
from dsrgeo.gnss.elements import Satellites, load_satellites, read_tles, snapshot_dir
from dsrgeo.gnss.grid import coverage_grid
from dsrgeo.gnss.sites import visibility

__all__ = [
    "Satellites",
    "capitals_visibility",
    "coverage_grid",
    "load_satellites",
    "read_tles",
    "snapshot_dir",
    "visibility",
]
