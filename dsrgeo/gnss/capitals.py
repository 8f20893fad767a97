"""``capitals_visibility()``: the ``beidou_capitals`` layer's recipe for any day, mask or TLEs.

The sites are the shipped layer's own capitals (see the layer's catalog entry for the rule
that chose them); the layer itself is built by :mod:`dsrgeo.build.capitals` with the fixed
recipe below (:data:`LAYER_DATE`, :data:`LAYER_MIN_ELEVATION_DEG`, :data:`LAYER_STEP_S`,
:data:`LAYER_TLE_SNAPSHOT`).
"""

import datetime as _dt

import numpy as np

from dsrgeo import loading
from dsrgeo.errors import ParameterError
from dsrgeo.gnss.elements import DEFAULT_SNAPSHOT, SYSTEMS
from dsrgeo.gnss.inputs import FIRST_YEAR, LAST_YEAR, WORK_BUDGET_S, core_satellites, epochs
from dsrgeo.gnss.sites import visibility_table

__all__ = [
    "LAYER",
    "LAYER_DATE",
    "LAYER_MIN_ELEVATION_DEG",
    "LAYER_STEP_S",
    "LAYER_TLE_SNAPSHOT",
    "capitals_visibility",
    "site_columns",
]

#: The layer this recipe computes.
LAYER = "beidou_capitals"
#: The layer's day (UTC, 00:00-24:00), elevation mask, time step and TLE snapshot folder.
LAYER_DATE = "2022-02-05"
LAYER_MIN_ELEVATION_DEG = 10.0
LAYER_STEP_S = 60
LAYER_TLE_SNAPSHOT = DEFAULT_SNAPSHOT


def site_columns(frame):
    """Return the columns of ``frame`` that describe the sites (not visibility figures).

    Examples
    --------
    >>> import pandas as pd
    >>> site_columns(pd.DataFrame(columns=["id", "name", "bds_max", "gps_mean", "geometry"]))
    ['id', 'name', 'geometry']
    """
    prefixes = tuple(f"{system}_" for system in SYSTEMS)
    return [c for c in frame.columns if not str(c).startswith(prefixes)]


def _day(date):
    if isinstance(date, _dt.datetime):
        date = date.date()
    if not isinstance(date, _dt.date):
        try:
            date = _dt.date.fromisoformat(str(date))
        except ValueError:
            raise ParameterError(
                f"expected a day YYYY-MM-DD, got {date!r}", parameter="date"
            ) from None
    if not FIRST_YEAR <= date.year <= LAST_YEAR:
        raise ParameterError(
            f"{date.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR} that two-line "
            "element sets can describe",
            parameter="date",
        )
    return date


def capitals_visibility(
    sites=None,
    *,
    date=LAYER_DATE,
    min_elevation_deg=LAYER_MIN_ELEVATION_DEG,
    step_s=LAYER_STEP_S,
    tles=None,
    pdop=True,
    work_budget_s=WORK_BUDGET_S,
):
    """Return the capitals with their visible satellites over one UTC day.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame, optional
        Capitals as points with their describing columns (default: those of the shipped
        ``beidou_capitals`` layer: ``id``, ``name``, ``iso3``, ``role``...).
    date : str or datetime.date, optional
        The UTC day, 00:00 to 24:00.
    min_elevation_deg : float, optional
        Elevation mask in degrees.
    step_s : float, optional
        Time step in seconds.
    tles : optional
        As for :func:`~dsrgeo.gnss.visibility`; ``None`` is the shipped 2022-02-04 snapshot.
    pdop : bool, optional
        Include the ``<sys>_pdop_mean`` columns.
    work_budget_s : float or None, optional
        As for :func:`~dsrgeo.gnss.visibility`.

    Returns
    -------
    geopandas.GeoDataFrame
        The site columns, the visibility columns (maxima and minima as
        integers, means and PDOP rounded to 2 decimals), ``bds_minus_gps_max`` (integer) and
        ``bds_beats_gps`` (BeiDou's daily maximum above GPS's). ``.attrs`` records the
        window, mask, step and TLE epochs.

    Examples
    --------
    >>> table = capitals_visibility(step_s=3600, pdop=False)
    >>> int(table.bds_beats_gps.sum()), len(table)
    (197, 209)
    """
    if sites is None:
        layer = loading.load(LAYER)
        sites = layer[site_columns(layer)]
    day = _day(date)
    start = _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC)
    times = epochs(start, start + _dt.timedelta(days=1), step_s)
    core = core_satellites(tles, times, stacklevel=3)
    counts = visibility_table(sites, times, core, step_s, min_elevation_deg, pdop, work_budget_s)
    table = sites.copy()
    for column in counts.columns:
        values = counts[column].to_numpy()
        if column.endswith(("_max", "_min")):
            table[column] = values.astype(np.int64)
        else:
            table[column] = np.round(values, 2)
    table["bds_minus_gps_max"] = table["bds_max"] - table["gps_max"]
    table["bds_beats_gps"] = table["bds_max"] > table["gps_max"]
    table = table[[c for c in table.columns if c != "geometry"] + ["geometry"]]
    table.attrs.update(counts.attrs, date=day.isoformat())
    return table
