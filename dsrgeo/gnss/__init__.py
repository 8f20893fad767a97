"""GNSS visibility from two-line element sets: BeiDou, GPS, Galileo and GLONASS.

    >>> import dsrgeo
    >>> sats = dsrgeo.gnss.read_tles(dsrgeo.gnss.elements.EXAMPLE_TLE)
    >>> sats.system.tolist()
    ['bds']

:func:`read_tles` reads element sets, :func:`visibility` counts visible satellites and
PDOP per site, :func:`coverage_grid` does the same for a global grid on Dask.
"""

from dsrgeo.gnss.elements import Satellites, read_tles
from dsrgeo.gnss.grid import coverage_grid
from dsrgeo.gnss.visibility import visibility

__all__ = ["Satellites", "read_tles", "visibility", "coverage_grid"]
