"""Checking what the GNSS functions are given: the window, the sites, the mask, the TLEs, the work.

Each check raises :class:`~dsrgeo.errors.ParameterError` naming the argument, so a bad value
is refused before any satellite is propagated. :func:`check_work` refuses, up front, a job
that would run longer than the work budget (:class:`~dsrgeo.errors.WorkTooLargeError`).
"""

import dataclasses
import os
import warnings

import numpy as np
import pandas as pd

from dsrgeo import checks
from dsrgeo.errors import ParameterError, StaleElementsWarning, WorkTooLargeError
from dsrgeo.gnss import propagation
from dsrgeo.gnss.elements import CORE_SYSTEMS, load_satellites

__all__ = [
    "MAX_ENGINE_THREADS",
    "MAX_STEP_S",
    "MIN_STEP_S",
    "STALE_AFTER_DAYS",
    "WORK_BUDGET_S",
    "Epochs",
    "check_mask",
    "check_work",
    "core_satellites",
    "engine_threads",
    "epoch_span",
    "epoch_times",
    "epochs",
    "estimate_work_s",
    "site_coordinates",
    "step",
    "warn_if_stale",
    "workers",
]

#: A window further than this from an element set's epoch triggers StaleElementsWarning.
STALE_AFTER_DAYS = 14.0
#: The shortest time step accepted, seconds (SGP4 positions change by ~4 m in 1 ms).
MIN_STEP_S = 0.001
#: The longest time step accepted, seconds: 100 years of 365.25 days, longer than any window
#: (1957-2100) needs; a larger one would overflow the microsecond count of the step.
MAX_STEP_S = 100 * 365.25 * 86400
#: The years a window may lie in: TLE epochs have two-digit years, 1957 to 2056, and SGP4
#: is used some weeks around them.
FIRST_YEAR, LAST_YEAR = 1957, 2100
#: The default work budget of the GNSS functions, seconds: a job estimated to take longer
#: is refused with WorkTooLargeError unless ``work_budget_s`` is raised or ``None``.
WORK_BUDGET_S = 600.0
# The cost model behind estimate_work_s, measured on a 2-core AMD EPYC (Zen 4) virtual
# machine with benchmarks/bench_gnss.py and rounded up: per satellite-epoch (on one thread:
# SatrecArray holds the GIL), SGP4 plus the frame rotation where every epoch is propagated,
# and the rotation, interpolation and window where it is at nodes (dsrgeo.gnss.propagation;
# one site, a day at 1 s steps: 0.12 us); and the engine per site-satellite-epoch and
# thread, without and with PDOP.
_PROPAGATE_S = 0.7e-6
_INTERPOLATED_S = 0.1e-6
_COUNT_S = 0.7e-9
_PDOP_S = 5.0e-9  # sites spread over the globe (the capitals), where the pre-test drops none


@dataclasses.dataclass(frozen=True)
class Epochs:
    """Evenly spaced UTC epochs, described rather than listed (a long window costs no memory).

    ``block(i0, i1)`` gives epochs ``i0`` to ``i1 - 1`` as ``datetime64[us]``, the same values
    ``numpy.arange(first, first + count * step, step)`` would hold.

    Attributes
    ----------
    first : numpy.datetime64
        The first epoch (naive, meaning UTC), microseconds.
    step : numpy.timedelta64
        The spacing, microseconds.
    count : int
        How many epochs.

    Examples
    --------
    >>> e = Epochs(np.datetime64("2022-02-05T00:00", "us"), np.timedelta64(60, "s"), 1440)
    >>> len(e), str(e.last), str(e.end)
    (1440, '2022-02-05T23:59:00.000000', '2022-02-06T00:00:00.000000')
    >>> e.block(1, 3)
    array(['2022-02-05T00:01:00.000000', '2022-02-05T00:02:00.000000'],
          dtype='datetime64[us]')
    """

    first: np.datetime64
    step: np.timedelta64
    count: int

    def __len__(self):
        return self.count

    @property
    def last(self):
        """The last epoch."""
        return self.first + (self.count - 1) * self.step

    @property
    def end(self):
        """One step after the last epoch (the window's excluded end)."""
        return self.first + self.count * self.step

    def block(self, i0, i1):
        """Return epochs ``i0`` (included) to ``i1`` (excluded) as ``datetime64[us]``."""
        i1 = min(i1, self.count)
        return self.first + np.arange(i0, i1, dtype=np.int64) * self.step


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

    The whole array: for a window of any length use :func:`epochs`, which lists nothing.

    Parameters
    ----------
    start, end : datetime.datetime or pandas.Timestamp
        Timezone-aware instants, between the years 1957 and 2100 (SGP4's element sets).
    step_s : float
        Step in seconds, from :data:`MIN_STEP_S` to :data:`MAX_STEP_S`.

    Returns
    -------
    numpy.ndarray of datetime64[us]
        Naive values meaning UTC.

    Raises
    ------
    ParameterError
        If a datetime is naive or out of range, ``end`` is not after ``start`` or ``step_s``
        is not a number of seconds from :data:`MIN_STEP_S` to :data:`MAX_STEP_S`.

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
    window = epochs(start, end, step_s)
    return window.block(0, len(window))


def epochs(start, end, step_s):
    """Return the UTC epochs from ``start`` (included) to ``end`` (excluded) as :class:`Epochs`.

    The same checks and the same epochs as :func:`epoch_times`, without listing them.

    Examples
    --------
    >>> import datetime as dt
    >>> start = dt.datetime(2022, 2, 5, tzinfo=dt.timezone.utc)
    >>> len(epochs(start, start + dt.timedelta(days=365), 1))
    31536000
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
    checks.number(step_s, "step_s", low=MIN_STEP_S, high=MAX_STEP_S)
    if bounds[1] <= bounds[0]:
        raise ParameterError(f"{end!r} must be after start={start!r}", parameter="end")
    spacing = step(step_s)
    span_us = int((bounds[1] - bounds[0]) / np.timedelta64(1, "us"))
    count = -(-span_us // int(spacing / np.timedelta64(1, "us")))  # ceil: end is excluded
    return Epochs(bounds[0], spacing, count)


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
    """Warn (StaleElementsWarning) if ``times`` reach further than 14 days from a TLE epoch.

    ``times`` is an :class:`Epochs` or an array of ``datetime64``.
    """
    if len(sats) == 0:
        return
    first, last = (times.first, times.last) if isinstance(times, Epochs) else (times[0], times[-1])
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


#: The most local threads the engine runs on, however many cores there are.
MAX_ENGINE_THREADS = 8


def engine_threads():
    """Return how many local threads run the engine: the cores this process may use, at most 8.

    The cores are those of the process's CPU affinity where the system reports it
    (``os.sched_getaffinity``, e.g. Linux): ``os.cpu_count()`` counts every core of the
    machine, so a container pinned to 2 of 64 cores would run 64 threads on 2 cores and
    estimate its work 32 times too low. Elsewhere (macOS, Windows) ``os.cpu_count()``.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # no CPU affinity on this system
        cores = os.cpu_count() or 1
    return max(1, min(MAX_ENGINE_THREADS, cores))


def workers(client=None):
    """Return how many threads run the engine: the cluster's, or :func:`engine_threads`."""
    if client is not None:
        return max(1, sum(client.nthreads().values()))
    return engine_threads()


def estimate_work_s(n_sites, n_satellites, n_epochs, *, pdop, threads=1, step_s=None):
    """Return the estimated run time of a visibility job in seconds (see :func:`check_work`).

    Parameters
    ----------
    n_sites, n_satellites, n_epochs : int
    pdop : bool
    threads : int, optional
        Threads the engine runs on.
    step_s : float, optional
        The epochs' spacing: with it, epochs that are interpolated rather than propagated
        (:func:`~dsrgeo.gnss.propagation.sgp4_epochs`) are counted as such; without it, as
        if SGP4 ran at every epoch (an upper bound).

    Examples
    --------
    The ``beidou_capitals`` recipe, 209 capitals x 134 satellites x 1,440 epochs with PDOP,
    on one thread, at its one-minute steps and as if every epoch were propagated:

    >>> round(estimate_work_s(209, 134, 1440, pdop=True, step_s=60), 2)
    0.23
    >>> round(estimate_work_s(209, 134, 1440, pdop=True), 2)
    0.34
    """
    cells = float(n_sites) * n_satellites * n_epochs
    propagated = n_epochs if step_s is None else propagation.sgp4_epochs(step_s, n_epochs)
    propagate = float(n_satellites) * (
        propagated * _PROPAGATE_S + (n_epochs - propagated) * _INTERPOLATED_S
    )
    return propagate + cells * (_PDOP_S if pdop else _COUNT_S) / max(1, threads)


def check_work(
    n_sites, n_satellites, n_epochs, *, pdop, budget_s, threads=1, what="the job", step_s=None
):
    """Refuse a job whose estimated run time exceeds ``budget_s`` seconds.

    Parameters
    ----------
    n_sites, n_satellites, n_epochs : int
    pdop : bool
    budget_s : float or None
        The budget in seconds; ``None`` allows any job.
    threads : int
        Threads the engine runs on (the cluster's for a distributed client).
    what : str
        How to name the job in the message.
    step_s : float, optional
        The epochs' spacing, for :func:`estimate_work_s`.

    Raises
    ------
    WorkTooLargeError
        Naming the work, the estimate and the budget, and what to change.

    Examples
    --------
    >>> check_work(1, 134, 31_536_000, pdop=False, budget_s=300, what="a year at 1 s", step_s=1)
    Traceback (most recent call last):
    ...
    dsrgeo.errors.WorkTooLargeError: work_budget_s: a year at 1 s is 1 site x 134 satellites x 31,536,000 epochs: about 7 min on 1 thread(s), over the work budget of 5 min; use fewer sites, a longer step_s or a shorter window (or a cluster, client=), or pass work_budget_s=None (or a larger budget) to run it anyway
    """
    if budget_s is None:
        return
    budget_s = checks.number(budget_s, "work_budget_s", low=0, low_open=True)
    estimate = estimate_work_s(
        n_sites, n_satellites, n_epochs, pdop=pdop, threads=threads, step_s=step_s
    )
    if estimate <= budget_s:
        return
    sites = f"{n_sites:,} site{'s' if n_sites != 1 else ''}"
    raise WorkTooLargeError(
        f"{what} is {sites} x {n_satellites:,} satellites x {n_epochs:,} epochs: about "
        f"{_duration(estimate)} on {threads} thread(s), over the work budget of "
        f"{_duration(budget_s)}; use fewer sites, a longer step_s or a shorter window (or a "
        "cluster, client=), or pass work_budget_s=None (or a larger budget) to run it anyway",
        estimate_s=estimate,
        budget_s=budget_s,
        parameter="work_budget_s",
    )


def _duration(seconds):
    """'0.2 s', '42 s', '12 min', '3.4 h' or '5.1 days'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
