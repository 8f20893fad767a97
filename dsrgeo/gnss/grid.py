"""Visible satellites over a global latitude/longitude grid, computed in chunks on Dask."""

import numpy as np
import pandas as pd

from dsrgeo import checks
from dsrgeo.gnss.engine import (
    propagate_ecef_km,
    single_threaded_blas,
    statistics_from_positions,
    system_slices,
    visibility_columns,
)
from dsrgeo.gnss.inputs import check_mask, core_satellites, epoch_times

__all__ = ["coverage_grid", "grid_points"]

_POINTS_PER_TASK = 2048


def grid_points(resolution_deg):
    """Return the grid's latitudes and longitudes (flattened, latitude-major), in degrees.

    Latitudes run from -90 to 90 inclusive, longitudes from -180 (inclusive) to 180
    (exclusive), every ``resolution_deg``: at 1 degree, 181 x 360 = 65,160 points.

    Parameters
    ----------
    resolution_deg : float
        Spacing in degrees, in (0, 90].

    Returns
    -------
    lat, lon : numpy.ndarray

    Examples
    --------
    >>> lat, lon = grid_points(1.0)
    >>> len(lat), float(lat[0]), float(lon[0]), float(lat[-1]), float(lon[-1])
    (65160, -90.0, -180.0, 90.0, 179.0)
    """
    checks.number(resolution_deg, "resolution_deg", low=0, low_open=True, high=90)
    n_lat = int(np.floor(180.0 / resolution_deg + 1e-9)) + 1
    n_lon = int(np.ceil(360.0 / resolution_deg - 1e-9))
    lat = -90.0 + resolution_deg * np.arange(n_lat)
    lon = -180.0 + resolution_deg * np.arange(n_lon)
    lat_grid, lon_grid = np.meshgrid(lat, lon, indexing="ij")
    return lat_grid.ravel(), lon_grid.ravel()


def coverage_grid(
    resolution_deg,
    *,
    start,
    end,
    step_s=300,
    min_elevation_deg=10.0,
    tles=None,
    client=None,
    pdop=False,
    progress=True,
):
    """Count visible BeiDou, GPS, Galileo and GLONASS satellites over a global grid.

    Satellites are propagated once; the grid is cut into chunks of 2,048 points, each a Dask
    task running the engine of :mod:`~dsrgeo.gnss.engine`. Local threads are used by
    default; give a ``dask.distributed`` ``client`` to run on its cluster. Both give the same
    numbers.

    Parameters
    ----------
    resolution_deg : float
        Grid spacing in degrees (see :func:`grid_points`).
    start, end : datetime.datetime
        Timezone-aware window (``end`` excluded).
    step_s : float, optional
        Time step in seconds.
    min_elevation_deg : float, optional
        Elevation mask in degrees.
    tles : optional
        As for :func:`~dsrgeo.gnss.visibility` (``None``: the shipped 2022-02-04 snapshot).
    client : distributed.Client, optional
        Run on this cluster instead of local threads.
    pdop : bool, optional
        Also compute ``<sys>_pdop_mean`` (roughly four times the work).
    progress : bool, optional
        Show a progress bar (``dask.diagnostics.ProgressBar`` locally, ``distributed.progress``
        on a cluster).

    Returns
    -------
    pandas.DataFrame
        Columns ``lat``, ``lon`` and, for each of ``bds``, ``gps``, ``gal``, ``glo``:
        ``<sys>_max``, ``<sys>_mean``, ``<sys>_min`` (and ``<sys>_pdop_mean``), one row per
        grid point in :func:`grid_points` order.

    Warns
    -----
    StaleElementsWarning
        If the window lies more than 14 days from a used satellite's TLE epoch.

    Examples
    --------
    >>> import datetime as dt
    >>> utc = dt.timezone.utc
    >>> grid = coverage_grid(30, start=dt.datetime(2022, 2, 5, tzinfo=utc),
    ...                      end=dt.datetime(2022, 2, 5, 1, tzinfo=utc), progress=False)
    >>> grid.shape
    (84, 14)
    >>> int((grid.bds_max > grid.gps_max).sum())
    70
    """
    import dask

    lat, lon = grid_points(resolution_deg)
    times = epoch_times(start, end, step_s)
    check_mask(min_elevation_deg)
    core = core_satellites(tles, times, stacklevel=3)
    sat_km = propagate_ecef_km(core, times)
    slices = system_slices(core)
    columns = visibility_columns(pdop)

    def chunk(lat_part, lon_part, positions):
        stats = statistics_from_positions(
            positions, slices, lat_part, lon_part, min_elevation_deg, pdop=pdop
        )
        return np.column_stack([stats[c] for c in columns])

    positions = dask.delayed(sat_km, name="gnss-positions", pure=True) if client is None else None
    if client is not None:
        [positions] = client.scatter([sat_km], broadcast=True)
    run_chunk = dask.delayed(chunk, pure=True)
    tasks = [
        run_chunk(lat[i : i + _POINTS_PER_TASK], lon[i : i + _POINTS_PER_TASK], positions)
        for i in range(0, len(lat), _POINTS_PER_TASK)
    ]
    parts = _compute(tasks, client, progress)
    table = pd.DataFrame(np.vstack(parts), columns=columns)
    table.insert(0, "lon", lon)
    table.insert(0, "lat", lat)
    table.attrs.update(
        resolution_deg=resolution_deg,
        step_s=step_s,
        min_elevation_deg=float(min_elevation_deg),
        n_epochs=len(times),
    )
    return table


def _compute(tasks, client, progress):
    """Compute delayed tasks on local threads or on a distributed client, with a progress bar."""
    import dask

    if client is None:
        # distributed workers already run with OPENBLAS_NUM_THREADS=1 (dask's nanny sets it)
        with single_threaded_blas():
            if not progress:
                return dask.compute(*tasks, scheduler="threads")
            from dask.diagnostics import ProgressBar

            with ProgressBar():
                return dask.compute(*tasks, scheduler="threads")
    futures = client.compute(tasks)
    if progress:
        from distributed import progress as show_progress

        show_progress(futures, notebook=False)
    return client.gather(futures)
