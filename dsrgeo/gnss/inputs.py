"""Checking what the GNSS functions are given: the window, the sites, the mask, the TLEs.

Each check raises :class:`~dsrgeo.errors.ParameterError` naming the argument, so a bad value
is refused before any satellite is propagated.
"""

import warnings

import numpy as np
import pandas as pd

from dsrgeo import checks
from dsrgeo.errors import ParameterError, StaleElementsWarning
from dsrgeo.gnss.elements import CORE_SYSTEMS, load_satellites

__all__ = [
    "MIN_STEP_S",
    "STALE_AFTER_DAYS",
    "check_mask",
    "core_satellites",
    "epoch_span",
    "epoch_times",
    "site_coordinates",
    "step",
    "warn_if_stale",
]

#: A window further than this from an element set's epoch triggers StaleElementsWarning.
STALE_AFTER_DAYS = 14.0
#: The shortest time step accepted, seconds (SGP4 positions change by ~4 m in 1 ms).
MIN_STEP_S = 0.001
#: The years a window may lie in: TLE epochs have two-digit years, 1957 to 2056, and SGP4
#: is used some weeks around them.
FIRST_YEAR, LAST_YEAR = 1957, 2100


def core_satellites(tles, times, *, stacklevel):
    """Load ``tles``, keep the :data:`CORE_SYSTEMS` and warn if ``times`` are stale for them.

    The setup shared by :func:`~dsrgeo.gnss.visibility`, :func:`~dsrgeo.gnss.coverage_grid`
    and :func:`~dsrgeo.gnss.capitals_visibility`; ``stacklevel`` is the one the caller would
    give :func:`warn_if_stale` (3: the line that called the caller).
    """
    sats = load_satellites(tles)
    core = sats[np.isin(sats.system, CORE_SYSTEMS)]
    warn_if_stale(core, times, stacklevel=stacklevel + 1)
    return core


def epoch_times(start, end, step_s):
    """Return the UTC epochs from ``start`` (included) to ``end`` (excluded) as datetime64.

    Parameters
    ----------
    start, end : datetime.datetime or pandas.Timestamp
        Timezone-aware instants, between the years 1957 and 2100 (SGP4's element sets).
    step_s : float
        Step in seconds, at least :data:`MIN_STEP_S`.

    Returns
    -------
    numpy.ndarray of datetime64[us]
        Naive values meaning UTC.

    Raises
    ------
    ParameterError
        If a datetime is naive or out of range, ``end`` is not after ``start`` or ``step_s``
        is not a number of seconds of at least :data:`MIN_STEP_S`.

    Examples
    --------
    >>> import datetime as dt
    >>> utc = dt.timezone.utc
    >>> start = dt.datetime(2022, 2, 5, tzinfo=utc)
    >>> epoch_times(start, start + dt.timedelta(minutes=3), 60)
    array(['2022-02-05T00:00:00.000000', '2022-02-05T00:01:00.000000',
           '2022-02-05T00:02:00.000000'], dtype='datetime64[us]')
    >>> epoch_times(dt.datetime(2022, 2, 5), dt.datetime(2022, 2, 6), 60)
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: start: datetime.datetime(2022, 2, 5, 0, 0) is a naive datetime; give a timezone, e.g. datetime(..., tzinfo=datetime.timezone.utc)
    """
    bounds = []
    for label, value in (("start", start), ("end", end)):
        checks.aware_datetime(value, label)
        utc = pd.Timestamp(value).tz_convert("UTC").tz_localize(None)
        if not FIRST_YEAR <= utc.year <= LAST_YEAR:
            raise ParameterError(
                f"{value!r} is outside the years {FIRST_YEAR}-{LAST_YEAR} that two-line "
                "element sets can describe",
                parameter=label,
            )
        bounds.append(utc.to_datetime64().astype("datetime64[us]"))
    checks.number(step_s, "step_s", low=MIN_STEP_S)
    if bounds[1] <= bounds[0]:
        raise ParameterError(f"{end!r} must be after start={start!r}", parameter="end")
    return np.arange(bounds[0], bounds[1], step(step_s))


def step(step_s):
    """The time step as a numpy timedelta (microsecond resolution)."""
    return np.timedelta64(round(step_s * 1e6), "us")


def site_coordinates(sites):
    """Return (lat, lon) arrays in degrees from point geometries or ``lat`` / ``lon`` columns.

    Raises
    ------
    ParameterError
        If ``sites`` is empty, not points, or a coordinate is not finite, latitude is outside
        [-90, 90] or longitude outside [-180, 180] degrees.

    Examples
    --------
    >>> site_coordinates(pd.DataFrame({"lat": [10.0], "lon": [20.0]}))
    (array([10.]), array([20.]))
    """
    geometry = getattr(sites, "geometry", None) if hasattr(sites, "crs") else None
    if geometry is not None:
        if sites.crs is not None and not sites.crs.equals("EPSG:4326"):
            geometry = geometry.to_crs("EPSG:4326")
        bad = geometry.isna() | geometry.is_empty | (geometry.geom_type != "Point")
        if bad.any():
            raise ParameterError(
                f"sites must be points; row {sites.index[np.argmax(bad.to_numpy())]!r} is "
                f"{geometry[bad].iloc[0]!r}",
                parameter="sites",
            )
        lat, lon = geometry.y.to_numpy(float), geometry.x.to_numpy(float)
    elif hasattr(sites, "columns") and {"lat", "lon"} <= set(sites.columns):
        try:
            lat, lon = sites["lat"].to_numpy(float), sites["lon"].to_numpy(float)
        except (TypeError, ValueError) as err:
            raise ParameterError(
                f"the 'lat' and 'lon' columns must hold numbers ({err})", parameter="sites"
            ) from err
    else:
        raise ParameterError(
            "expected a GeoDataFrame of points or a DataFrame with 'lat' and 'lon' columns "
            f"(degrees); got {type(sites).__name__}",
            parameter="sites",
        )
    if len(lat) == 0:
        raise ParameterError("is empty; give at least one site", parameter="sites")
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if bad.any():
        row = getattr(sites, "index", range(len(lat)))[int(np.argmax(bad))]
        raise ParameterError(
            f"site {row!r} has lat={lat[bad][0]!r}, lon={lon[bad][0]!r}; expected "
            "latitude in [-90, 90] and longitude in [-180, 180] degrees",
            parameter="sites",
        )
    return lat, lon


def warn_if_stale(sats, times, *, stacklevel=2):
    """Warn (StaleElementsWarning) if ``times`` reach further than 14 days from a TLE epoch."""
    if len(sats) == 0:
        return
    first, last = times[0], times[-1]
    gap_days = np.maximum(np.abs(sats.epoch - first), np.abs(sats.epoch - last)) / np.timedelta64(
        1, "D"
    )
    worst = int(np.argmax(gap_days))
    if gap_days[worst] > STALE_AFTER_DAYS:
        n_stale = int(np.sum(gap_days > STALE_AFTER_DAYS))
        warnings.warn(
            f"TLE epoch {str(sats.epoch[worst])[:16]} of {sats.name[worst]} is "
            f"{gap_days[worst]:.1f} days from the window {str(first)[:16]}..{str(last)[:16]} "
            f"UTC ({n_stale} of {len(sats)} satellites are over {STALE_AFTER_DAYS:g} days "
            "off); SGP4 errors grow with time from the epoch: use element sets from the "
            "window's dates (dsrgeo refresh tle) or pick a window near the TLE epochs",
            StaleElementsWarning,
            stacklevel=stacklevel,
        )


def check_mask(min_elevation_deg):
    """Return the elevation mask as a float, refusing anything but degrees in [-90, 90]."""
    return checks.number(min_elevation_deg, "min_elevation_deg", low=-90, high=90)


def epoch_span(sats):
    """Return 'YYYY-MM-DD..YYYY-MM-DD' of the satellites' TLE epochs."""
    if len(sats) == 0:
        return ""
    return f"{str(sats.epoch.min())[:10]}..{str(sats.epoch.max())[:10]}"
