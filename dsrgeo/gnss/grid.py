"""Visible satellites over a global latitude/longitude grid, in bands on threads or a cluster.

Each band of latitude rows is one task (:func:`_band_statistics`). Without ``client=`` the
tasks run on a pool of local threads and Dask is never imported (importing it costs a
fresh process 0.1-0.2 s, a sixth of the 1 degree grid); with a ``dask.distributed``
``client`` the same function runs as Dask tasks on its cluster. Either way each band's
result depends only on the band and the window, so both give identical numbers.
"""

from concurrent.futures import as_completed

import numpy as np
import pandas as pd

from dsrgeo import checks
from dsrgeo.gnss import engine
from dsrgeo.gnss.engine import (
    Accumulator,
    chunk_statistics,
    on_engine_thread,
    satellite_windows,
    single_threaded_blas,
    system_slices,
    thread_pool,
    visibility_columns,
)
from dsrgeo.gnss.inputs import (
    WORK_BUDGET_S,
    check_mask,
    check_work,
    core_satellites,
    engine_threads,
    epochs,
    workers,
)

__all__ = ["coverage_grid", "grid_points", "grid_shape"]

#: About this many grid points (whole latitude rows) make one task.
_POINTS_PER_TASK = 8192


def grid_shape(resolution_deg):
    """Return (latitudes, longitudes) of the grid at ``resolution_deg`` (see :func:`grid_points`).

    Examples
    --------
    >>> grid_shape(0.25)
    (721, 1440)
    """
    checks.number(resolution_deg, "resolution_deg", low=0, low_open=True, high=90)
    n_lat = int(np.floor(180.0 / resolution_deg + 1e-9)) + 1
    n_lon = int(np.ceil(360.0 / resolution_deg - 1e-9))
    return n_lat, n_lon


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
    return _grid_rows(resolution_deg, 0, grid_shape(resolution_deg)[0])


def _grid_rows(resolution_deg, row0, row1):
    """The points of grid rows ``row0:row1`` (latitude-major), as :func:`grid_points` has them."""
    lat = -90.0 + resolution_deg * np.arange(row0, row1)
    lon = -180.0 + resolution_deg * np.arange(grid_shape(resolution_deg)[1])
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
    work_budget_s=WORK_BUDGET_S,
):
    """Count visible BeiDou, GPS, Galileo and GLONASS satellites over a global grid.

    Satellites are propagated once per window of at most
    :data:`~dsrgeo.gnss.engine.WINDOW_EPOCHS` epochs; the grid is cut into bands of whole
    latitude rows (about 8,192 points each), each a task running the engine of
    :mod:`~dsrgeo.gnss.engine`. Local threads are used by default (without Dask); give a
    ``dask.distributed`` ``client`` to run the same tasks on its cluster. Both give the same
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
        Show a progress bar: locally one ``tqdm`` bar (on standard error) over all tasks, on a
        cluster ``distributed.progress``, one per window of epochs.
    work_budget_s : float or None, optional
        Refuse, before any work, a job estimated to run longer than this many seconds on the
        threads that will run it (the cores this process may use, at most 8, or the
        cluster's); ``None`` runs any job.

    Returns
    -------
    pandas.DataFrame
        Columns ``lat``, ``lon`` and, for each of ``bds``, ``gps``, ``gal``, ``glo``:
        ``<sys>_max``, ``<sys>_mean``, ``<sys>_min`` (and ``<sys>_pdop_mean``), then
        ``bds_minus_gps_max`` (BeiDou's daily maximum minus GPS's), one row per grid point
        in :func:`grid_points` order.

    Raises
    ------
    ParameterError
        If an argument is not allowed (see :func:`~dsrgeo.gnss.visibility`).
    WorkTooLargeError
        If the job would take longer than ``work_budget_s`` (the message says how long).

    Warns
    -----
    StaleElementsWarning
        If the window lies more than 14 days from a used satellite's TLE epoch.

    Notes
    -----
    Memory: the engine's working memory is a few MB per thread, allocated once and reused;
    epochs are propagated one window at a time, so a long window or a short step costs time,
    not memory. What grows with the grid is the result itself (about 350 bytes per point while
    it runs, 120 in the returned table).

    A real cluster: ``client`` is any ``distributed.Client``, so the same call runs on a
    cluster made by ``dask-jobqueue`` (e.g. ``SLURMCluster(cores=32, memory="64GB")`` then
    ``cluster.scale(jobs=8)``) or on Kubernetes (``dask_kubernetes.operator.KubeCluster``), or
    on a scheduler started by hand (``distributed.Client("tcp://scheduler:8786")``). The
    workers need dsrgeo installed (``pip install dsrgeo``, the same version); the element
    sets are read by the client and each window's positions are sent to every worker once
    (a few MB). The work budget counts the cluster's threads. See ``docs/guide/gnss-performance.md``.

    Examples
    --------
    >>> import datetime as dt
    >>> utc = dt.timezone.utc
    >>> grid = coverage_grid(30, start=dt.datetime(2022, 2, 5, tzinfo=utc),
    ...                      end=dt.datetime(2022, 2, 5, 1, tzinfo=utc), progress=False)
    >>> grid.shape
    (84, 15)
    >>> int((grid.bds_max > grid.gps_max).sum()), int(grid.bds_minus_gps_max.max())
    (70, 21)
    """
    n_lat, n_lon = grid_shape(resolution_deg)
    times = epochs(start, end, step_s)
    check_mask(min_elevation_deg)
    pdop = checks.boolean(pdop, "pdop")
    core = core_satellites(tles, times, stacklevel=3)
    check_work(
        n_lat * n_lon,
        len(core),
        len(times),
        pdop=pdop,
        budget_s=work_budget_s,
        threads=workers(client),
        what=f"the {resolution_deg:g} degree grid",
        step_s=times.step / np.timedelta64(1, "s"),
    )
    lat, lon = grid_points(resolution_deg)
    rows_per_task = max(1, _POINTS_PER_TASK // n_lon)
    bands = [(r, min(n_lat, r + rows_per_task)) for r in range(0, n_lat, rows_per_task)]
    slices = system_slices(core)
    total = Accumulator(len(lat), pdop)
    windows = satellite_windows(core, times, slices, min_elevation_deg, pdop=pdop)
    if client is None:
        n_windows = -(-len(times) // engine.WINDOW_EPOCHS)
        _on_threads(windows, resolution_deg, bands, total, progress, len(bands) * n_windows)
    else:
        _on_cluster(windows, resolution_deg, bands, total, progress, client)
    stats = total.result(len(times))
    table = pd.DataFrame({"lat": lat, "lon": lon} | {c: stats[c] for c in visibility_columns(pdop)})
    table["bds_minus_gps_max"] = table["bds_max"] - table["gps_max"]
    table.attrs.update(
        resolution_deg=resolution_deg,
        step_s=step_s,
        min_elevation_deg=float(min_elevation_deg),
        n_epochs=len(times),
    )
    return table


def _band_statistics(window, resolution_deg, row0, row1):
    """One task: the engine over grid rows ``row0:row1`` (the points :func:`grid_points` has)."""
    return chunk_statistics(window, *_grid_rows(resolution_deg, row0, row1))


def _on_threads(windows, resolution_deg, bands, total, progress, n_tasks):
    """Run every band of every window on local threads; fold the results into ``total``."""
    n_lon = grid_shape(resolution_deg)[1]
    bar = _progress_bar(progress, n_tasks)
    # on an engine thread (a nested call) the bands run inline: submitting them to the pool
    # the caller occupies could wait forever for a free thread
    pool = None if on_engine_thread() else thread_pool(engine_threads())
    running = {}
    try:
        with single_threaded_blas():
            for window in windows:
                if pool is None:
                    for r0, r1 in bands:
                        part = _band_statistics(window, resolution_deg, r0, r1)
                        total.merge(part, slice(r0 * n_lon, r1 * n_lon))
                        bar.update(1)
                    del window, part
                    continue
                running = {
                    pool.submit(_band_statistics, window, resolution_deg, r0, r1): (r0, r1)
                    for r0, r1 in bands
                }
                for done in as_completed(running):  # bands are disjoint: any order
                    r0, r1 = running.pop(done)
                    total.merge(done.result(), slice(r0 * n_lon, r1 * n_lon))
                    bar.update(1)
                del window  # one window alive at a time
    finally:
        for band in running:  # after an error, start no other band
            band.cancel()
        bar.close()


def _progress_bar(progress, n_tasks):
    """A ``tqdm`` bar over ``n_tasks`` tasks, or a stand-in that shows nothing."""
    if not progress:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=n_tasks, unit="band", desc="coverage_grid", leave=True)


class _NoBar:
    """What :func:`_progress_bar` returns when no bar is shown."""

    def update(self, n):
        pass

    def close(self):
        pass


def _on_cluster(windows, resolution_deg, bands, total, progress, client):
    """Run every band of every window as Dask tasks on ``client``'s cluster."""
    import dask

    n_lon = grid_shape(resolution_deg)[1]
    run_band = dask.delayed(_band_statistics, pure=True)
    for window in windows:
        [shared] = client.scatter([window], broadcast=True)
        # a task is a band of rows, named by its first and last row: the graph stays small
        futures = client.compute([run_band(shared, resolution_deg, r0, r1) for r0, r1 in bands])
        if progress:
            from distributed import progress as show_progress

            show_progress(futures, notebook=False)
        for (r0, r1), part in zip(bands, client.gather(futures)):
            total.merge(part, slice(r0 * n_lon, r1 * n_lon))
        del window, shared, futures  # one window alive at a time
