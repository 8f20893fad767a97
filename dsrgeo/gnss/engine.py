"""The vectorised visibility engine: counts of visible satellites and PDOP per site.

How it works: every satellite is propagated with ``sgp4.api.SatrecArray`` (TEME, km; at
10-minute nodes and interpolated where the epochs are evenly spaced and at least three to a
node, see :mod:`dsrgeo.gnss.propagation`) and rotated to the Earth-fixed frame (see
:mod:`dsrgeo.gnss.frames` for the approximation and its size), one *window* of at most
:data:`WINDOW_EPOCHS` epochs at a time, so a window of any length runs in the same memory.
For a site at ``r`` with zenith unit vector ``u`` and a satellite at ``p``, with
``d = p - r``::

    sin(elevation) = d . u / |d|,     |d|^2 = |p|^2 + |r|^2 - 2 p . r

so both ``d . u`` and ``|d|^2`` of a tile of sites against a block of (satellite, epoch) rows
come out of matrix products with an inner dimension of 5, and the test
``sin(elevation) >= sin(mask)`` becomes ``a |a| >= s |s| |d|^2`` with ``a = d . u`` and
``s = sin(mask)``: no square root, no arcsine. The test runs in float32; against float64
geometry (``tests/test_gnss_engine.py``) that changes no daily maximum or minimum over the
209 capitals (1,440 epochs) or a 2 degree grid (48 epochs), and one satellite-epoch of one
capital's daily mean (1/1,440). PDOP is summed and solved in float64.

Memory: sites are cut into tiles of :data:`TILE_SITES` neighbouring sites (Morton order) and
epochs into units sized to stay in the processor's cache; every array the inner loops write
is a view of a buffer that each thread allocates once and reuses (:func:`workspace`), so no
task allocates more than a few kB and peak memory does not grow with the number of sites
or epochs (only the per-site results do).

Horizon pre-test: a satellite at distance ``P`` from the Earth's centre can only be above
the mask ``m`` of a site whose zenith is within ``gamma(P) = arccos(b cos(m) / (P + tau)) - m
+ arcsin(tau / P)`` of the satellite's direction, where ``b`` is the WGS84 semi-minor axis
(the smallest ``r . u`` on the ellipsoid) and ``tau = 21.4 km`` bounds how far a site lies
off the line through the Earth's centre along its geodetic zenith (``N e^2 |sin cos|`` of
latitude). A tile whose zenith directions lie within ``rho`` of their mean direction ``c``
is tested only against the satellites with ``angle(p, c) <= gamma(P) + rho`` at some epoch
of a unit (a margin of 1e-4 rad covers rounding): about 40% of them for the tiles of a
1 degree grid. The pre-test never drops a satellite the full test would count (a test
compares results with and without it).

PDOP per constellation uses the normal matrix ``N = sum over visible satellites of
[e, 1]^T [e, 1]`` (``e``: unit line of sight), whose entries are again weighted sums over
satellites, done as batched matrix products; PDOP is the square root of the trace of the
inverse's 3 x 3 position block, i.e. of ``(A - b b^T / n)^-1`` with ``A = sum e e^T``,
``b = sum e``, ``n`` visible satellites, in closed form.
"""

import collections
import contextlib
import functools
import math
import os
import threading
import types

import numpy as np

from dsrgeo.errors import ParameterError
from dsrgeo.gnss import frames, propagation
from dsrgeo.gnss.elements import CORE_SYSTEMS
from dsrgeo.gnss.inputs import Epochs, check_mask, engine_threads
from dsrgeo.gnss.propagation import WINDOW_EPOCHS, propagate_ecef_km

__all__ = [
    "PDOP_USABLE_MAX",
    "TILE_SITES",
    "WINDOW_EPOCHS",
    "Accumulator",
    "SatelliteWindow",
    "SiteTiles",
    "chunk_statistics",
    "elevation_deg",
    "on_engine_thread",
    "propagate_ecef_km",
    "satellite_windows",
    "single_threaded_blas",
    "site_statistics",
    "system_slices",
    "thread_pool",
    "tile_statistics",
    "visibility_columns",
    "workspace",
]

#: Epochs with a larger PDOP (near-singular geometry, e.g. four satellites almost on one
#: cone; values reach 50,000) count as having no usable fix, like fewer than 4 satellites.
PDOP_USABLE_MAX = 100.0
#: Sites per tile (one matrix product per tile and unit of epochs).
TILE_SITES = 256
_SPAN_EPOCHS = 360  # epochs per span of site_statistics
_CHUNK_SITES = 8192  # sites per task of site_statistics (whole tiles), as the grid's bands
_TASKS_AHEAD_PER_THREAD = 2  # tasks of site_statistics in flight or done but not merged
_UNIT_CELLS = 2048 * 256  # (satellite, epoch, site) cells per unit before the pre-test
_PDOP_UNIT_CELLS = 192 * 1024  # with PDOP: its float64 weights stay in cache
_PDOP_BATCH_EPOCHS = 64  # epochs whose PDOP is solved at once per tile
_PRETEST = True  # the horizon pre-test (tests switch it off to check it changes nothing)
_PRETEST_MARGIN_RAD = 1e-4
_WGS84_A_KM = 6378.137
_WGS84_B_KM = 6356.752314245  # semi-minor axis: the smallest r . u on the ellipsoid
_OFF_AXIS_KM = 21.4  # max N e^2 |sin(lat) cos(lat)|: a site's distance off its zenith line
_SYSTEM_COUNT = len(CORE_SYSTEMS)


def visibility_columns(pdop=True):
    """Return the names of the columns :func:`~dsrgeo.gnss.visibility` produces, in order.

    Examples
    --------
    >>> visibility_columns()[:4]
    ['bds_max', 'bds_mean', 'bds_min', 'bds_pdop_mean']
    """
    stats = ("max", "mean", "min", "pdop_mean") if pdop else ("max", "mean", "min")
    return [f"{system}_{stat}" for system in CORE_SYSTEMS for stat in stats]


def _propagate(sats, satrecs, times, i0, i1):
    """Earth-fixed positions of epochs ``i0:i1`` of ``times`` (interpolated where it may be)."""
    if isinstance(times, Epochs):
        count = min(i1, len(times)) - i0
        return propagation.window_ecef_km(
            sats, satrecs, times.first + i0 * times.step, times.step, count
        )
    return propagation.direct_ecef_km(sats, satrecs, np.asarray(times[i0:i1]))


def elevation_deg(sats, times, lat, lon):
    """Return the elevation of every satellite from every site at every epoch, in degrees.

    A plain reference (full float64 arrays, an arcsine per value) for checks and small
    problems; :func:`visibility` never forms this array.

    Parameters
    ----------
    sats : Satellites
    times : numpy.ndarray of datetime64
        UTC epochs.
    lat, lon : array_like
        Site latitude and longitude in degrees (on the WGS84 ellipsoid).

    Returns
    -------
    numpy.ndarray, shape (n_sites, n_satellites, n_epochs)

    Examples
    --------
    >>> from dsrgeo.gnss.elements import read_tles, EXAMPLE_TLE
    >>> t = np.array(["2022-02-05T00:00"], dtype="datetime64[us]")
    >>> round(float(elevation_deg(read_tles(EXAMPLE_TLE), t, [39.93], [116.39])[0, 0, 0]), 2)
    36.24
    """
    sat_km = propagate_ecef_km(sats, times)
    site_km, up = frames.site_ecef_km(lat, lon)
    d = sat_km[:, None] - site_km.T[:, :, None, None]
    sin_el = np.einsum("inst,ni->nst", d, up) / np.sqrt(np.einsum("inst,inst->nst", d, d))
    return np.degrees(np.arcsin(sin_el))


_BLAS_LOCK = threading.Lock()
_BLAS = {"users": 0, "limiter": None}  # calls inside single_threaded_blas; the first's limit


@contextlib.contextmanager
def single_threaded_blas():
    """Return a context manager that limits BLAS to one thread (``threadpoolctl``).

    The engine's matrix products are skinny (inner dimension 5): a second BLAS thread does
    not speed them up, and under Dask's thread pool BLAS threads oversubscribe the cores
    (measured here: the 1 degree grid took 35 s instead of 3.5 s).

    The limit is the whole process's, so concurrent calls (on any threads) share one: the
    first in sets it, the last out restores the thread counts from before the first. (With
    a limit each, two overlapping calls left BLAS at one thread for good: the second in
    saved the first's limit of 1 and restored it last.)
    """
    from threadpoolctl import threadpool_limits

    with _BLAS_LOCK:
        if _BLAS["users"] == 0:
            _BLAS["limiter"] = _blas_change(lambda: threadpool_limits(limits=1, user_api="blas"))
        _BLAS["users"] += 1
    try:
        yield
    finally:
        with _BLAS_LOCK:
            _BLAS["users"] -= 1
            if _BLAS["users"] == 0:
                limiter, _BLAS["limiter"] = _BLAS["limiter"], None
                _blas_change(limiter.restore_original_limits)


def _blas_change(change):
    """Run ``change`` (a threadpoolctl limit or restore), then give up the thread's claim.

    threadpoolctl 3.8 lets only one thread change OpenBLAS's (process-wide, pthreads)
    thread count: the first that changes it, until it clears its claim, which its ``with``
    blocks do on leaving. The first call into :func:`single_threaded_blas` and the last out
    may be on different threads, so each change clears the claim it may have made; where
    ``clear_controlling_thread`` does not exist (older threadpoolctl) any thread may change it.
    """
    import threadpoolctl

    try:
        return change()
    finally:
        controller = getattr(threadpoolctl, "OpenBLASController", None)
        clear = getattr(controller, "clear_controlling_thread", None)
        if clear is not None:
            clear()  # only if this thread holds the claim


def system_slices(sats):
    """Return {system: slice} of the contiguous satellite range of each core system.

    Examples
    --------
    >>> from dsrgeo.gnss.elements import load_satellites
    >>> system_slices(load_satellites())["gps"]
    slice(50, 81, None)
    """
    slices = {}
    for system in CORE_SYSTEMS:
        where = np.flatnonzero(sats.system == system)
        if len(where) and (where[-1] - where[0] + 1) != len(where):
            raise ParameterError(
                "satellites must be sorted by system, as read_tles returns them", parameter="sats"
            )
        slices[system] = slice(int(where[0]), int(where[-1]) + 1) if len(where) else slice(0, 0)
    return slices


class SatelliteWindow:
    """The satellites over one window of epochs, prepared once for every tile of sites.

    Read-only once made, so threads share it and a cluster receives it once per window.

    Parameters
    ----------
    sat_km : numpy.ndarray, shape (3, n_satellites, n_epochs)
        Earth-fixed positions (km) from :func:`propagate_ecef_km`, satellites sorted by
        system.
    slices : dict of str to slice
        From :func:`system_slices`.
    min_elevation_deg : float
        The elevation mask the window will be tested against (it sets the pre-test's reach).
    pdop : bool
        Keep what PDOP needs (the float64 position products, :attr:`features`).

    Attributes
    ----------
    rows : numpy.ndarray, shape (n_satellites, n_epochs, 5), float32
        ``x, y, z, 1, |p|^2`` of every satellite at every epoch, satellite-major.
    directions : numpy.ndarray, shape (3, n_satellites * n_epochs)
        Unit vectors from the Earth's centre, for the horizon pre-test.
    reach_rad : numpy.ndarray, shape (n_satellites,)
        The largest angle from a satellite's direction to a zenith that can see it above the
        mask, over the window (see the module docstring).
    spans : numpy.ndarray of int
        ``spans[2 j]:spans[2 j + 1]`` are the satellites of ``CORE_SYSTEMS[j]``.
    features : numpy.ndarray, shape (n_epochs, 10, n_satellites), or None
        With ``pdop``: ``xx, xy, xz, yy, yz, zz, x, y, z, 1`` of every satellite (float64),
        made once per window rather than once per tile of sites.
    """

    def __init__(self, sat_km, slices, min_elevation_deg, *, pdop):
        n_sat, n_epoch = sat_km.shape[1:]
        self.n_satellites, self.n_epochs = n_sat, n_epoch
        self.pdop = pdop
        self.sin_mask = float(np.sin(np.radians(min_elevation_deg)))
        self.rows = np.empty((n_sat, n_epoch, 5), np.float32)
        self.rows[..., 0] = sat_km[0]
        self.rows[..., 1] = sat_km[1]
        self.rows[..., 2] = sat_km[2]
        self.rows[..., 3] = 1.0
        radius2_km2 = np.einsum("ijk,ijk->jk", sat_km, sat_km)
        self.rows[..., 4] = radius2_km2
        radius_km = np.sqrt(radius2_km2)
        self.directions = (sat_km / radius_km).reshape(3, -1)
        self.reach_rad = _reach_rad(radius_km, min_elevation_deg).max(axis=1, initial=0.0)
        self.spans = np.array([[slices[s].start, slices[s].stop] for s in CORE_SYSTEMS]).ravel()
        self.features = _pdop_features(sat_km) if pdop else None
        largest = max((s.stop - s.start for s in slices.values()), default=0)
        self.count_dtype = np.uint8 if largest <= 255 else np.uint16


def _pdop_features(sat_km):
    """The position products PDOP's sums weight, epoch-major (see :class:`SatelliteWindow`)."""
    x, y, z = (c.T for c in sat_km)  # (epoch, satellite)
    features = np.empty((x.shape[0], 10, x.shape[1]))
    for i, (p, q) in enumerate(((x, x), (x, y), (x, z), (y, y), (y, z), (z, z))):
        np.multiply(p, q, out=features[:, i])
    for i, c in enumerate((x, y, z)):
        features[:, 6 + i] = c
    features[:, 9] = 1.0
    return features


def _reach_rad(radius_km, min_elevation_deg):
    """The pre-test's reach (module docstring) for satellites at ``radius_km``; pi if none."""
    mask = np.radians(min_elevation_deg)
    with np.errstate(invalid="ignore"):
        ratio = _WGS84_B_KM * np.cos(mask) / (radius_km + _OFF_AXIS_KM)
        reach = np.arccos(ratio) - mask + np.arcsin(_OFF_AXIS_KM / radius_km)
    near = (radius_km <= _WGS84_A_KM + _OFF_AXIS_KM) | ~np.isfinite(reach)
    return np.where(near, np.pi, reach + _PRETEST_MARGIN_RAD)


def satellite_windows(sats, times, slices, min_elevation_deg, *, pdop):
    """Yield a :class:`SatelliteWindow` for each window of :data:`WINDOW_EPOCHS` epochs.

    Only one window is alive at a time if the caller drops each (``del window``) before
    asking for the next.

    Parameters
    ----------
    sats : Satellites
    times : Epochs or numpy.ndarray of datetime64
    slices : dict of str to slice
    min_elevation_deg : float
    pdop : bool
    """
    satrecs = sats.satrecs()
    for i0 in range(0, len(times), WINDOW_EPOCHS):
        window = SatelliteWindow(
            _propagate(sats, satrecs, times, i0, i0 + WINDOW_EPOCHS),
            slices,
            min_elevation_deg,
            pdop=pdop,
        )
        yield window
        del window  # before the next window is made (the caller drops its reference too)


def site_statistics(sats, times, lat, lon, min_elevation_deg, *, pdop=True):
    """Run the engine: per-site visible-count statistics (and PDOP) per core system.

    Each window of at most :data:`WINDOW_EPOCHS` epochs is propagated in one SGP4 call on
    the calling thread (SGP4 holds Python's lock, so nothing else could run beside it), then
    cut into spans of epochs (at most 360 each, and at least two per thread), and the sites
    into chunks of whole tiles (at most 8,192 sites). Each chunk and span is a task that
    :func:`~dsrgeo.gnss.inputs.engine_threads` threads count at once (the counting releases
    the lock), with at most two tasks per thread in flight, so memory beyond the result is
    a few chunks' worth however many sites there are. Results are merged chunk by chunk, in
    span order: the same sums in the same order as one task per span.

    Parameters
    ----------
    sats : Satellites
        Sorted by system (as :func:`~dsrgeo.gnss.read_tles` returns them); only the
        :data:`~dsrgeo.gnss.elements.CORE_SYSTEMS` are counted.
    times : Epochs or numpy.ndarray of datetime64
        UTC epochs.
    lat, lon : numpy.ndarray
        Degrees.
    min_elevation_deg : float
    pdop : bool

    Returns
    -------
    dict of str to numpy.ndarray
        The :func:`visibility_columns` as float arrays of length ``len(lat)``.
    """
    check_mask(min_elevation_deg)
    n_epochs = len(times)
    if n_epochs == 0:
        raise ParameterError(
            "the window holds no epoch; make end later than start", parameter="end"
        )
    threads = engine_threads()
    span = max(1, min(_SPAN_EPOCHS, -(-n_epochs // (2 * threads))))
    tiles = SiteTiles(lat, lon)
    chunks = tiles.chunks(_CHUNK_SITES)
    accumulator = Accumulator(len(lat), pdop)
    slices = system_slices(sats)
    satrecs = sats.satrecs()

    def run(sat_km, chunk):
        window = SatelliteWindow(sat_km, slices, min_elevation_deg, pdop=pdop)
        part = Accumulator(chunk.n_sites, pdop)
        tile_statistics(window, chunk, part)
        return part

    # on an engine thread (a nested call) the tasks run inline: submitting them to the pool
    # the caller occupies could wait forever for a free thread
    pool = None if on_engine_thread() else thread_pool(threads)
    with single_threaded_blas():
        for w0 in range(0, n_epochs, WINDOW_EPOCHS):
            w1 = min(n_epochs, w0 + WINDOW_EPOCHS)
            # spans start at multiples of span from the first epoch, whatever the window
            cuts = [w0, *range(w0 - w0 % span + span, w1, span), w1]
            sat_km = _propagate(sats, satrecs, times, w0, w1)
            work = [
                (rows, chunk, t0, t1) for rows, chunk in chunks for t0, t1 in zip(cuts, cuts[1:])
            ]
            tasks = (
                functools.partial(run, sat_km[:, :, t0 - w0 : t1 - w0], chunk)
                for _, chunk, t0, t1 in work
            )
            ahead = threads * _TASKS_AHEAD_PER_THREAD
            for (rows, *_), part in zip(work, _in_order(pool, tasks, ahead)):
                accumulator.merge(part, rows)
            del sat_km, tasks, part  # one window alive at a time
    return accumulator.reordered(tiles.order).result(n_epochs)


def _in_order(pool, tasks, ahead):
    """Yield the results of ``tasks`` (callables) in order, run on ``pool`` (None: here).

    At most ``ahead`` tasks are submitted and not yet read; after an error, or when the
    caller stops reading, the ones not started are cancelled.
    """
    if pool is None:
        for task in tasks:
            yield task()
        return
    pending = collections.deque()
    try:
        for task in tasks:
            pending.append(pool.submit(task))
            if len(pending) >= ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


_POOLS = {}  # threads -> pool, of this process
_POOLS_LOCK = threading.Lock()


def _after_fork_in_child():
    """A forked child has none of its parent's threads: forget their pools, locks and limit.

    The locks may have been held by a parent thread at the fork, and would then stay held;
    a parent thread inside :func:`single_threaded_blas` would stay counted as a user, so the
    child would never set its own limit.
    """
    global _POOLS_LOCK, _BLAS_LOCK
    _POOLS.clear()
    _POOLS_LOCK = threading.Lock()
    _BLAS_LOCK = threading.Lock()
    _BLAS.update(users=0, limiter=None)


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_after_fork_in_child)


def thread_pool(threads):
    """Return this process's pool of ``threads`` engine threads (made on first use).

    The threads outlive the call, so their :func:`workspace` is allocated once per process,
    not once per call (fresh memory costs a page fault per 4 kB: about 10,000 for the
    capitals recipe). A forked child starts with no pool and makes its own.

    Parameters
    ----------
    threads : int

    Returns
    -------
    concurrent.futures.ThreadPoolExecutor
    """
    from concurrent.futures import ThreadPoolExecutor

    key = int(threads)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = ThreadPoolExecutor(
                int(threads), "dsrgeo-gnss", initializer=_mark_engine_thread
            )
        return pool


def _mark_engine_thread():
    _THREAD.engine = True


def on_engine_thread():
    """Return whether the calling thread is one of a :func:`thread_pool`'s threads.

    An engine call made there (e.g. :func:`site_statistics` in a task of the pool) runs its
    work inline: submitting it to a pool whose threads may all be busy waiting for such
    calls would never return.
    """
    return getattr(_THREAD, "engine", False)


def chunk_statistics(window, lat, lon):
    """Statistics of some sites over one window, in their given order (a grid task).

    Parameters
    ----------
    window : SatelliteWindow
    lat, lon : numpy.ndarray
        Degrees.

    Returns
    -------
    Accumulator
        To :meth:`Accumulator.merge` into the whole grid's.

    Notes
    -----
    Run it with BLAS limited to one thread (:func:`single_threaded_blas` around the whole
    computation, or ``OPENBLAS_NUM_THREADS=1`` as ``dask.distributed`` workers have).
    """
    tiles = SiteTiles(lat, lon)
    accumulator = Accumulator(len(lat), window.pdop)
    tile_statistics(window, tiles, accumulator)
    return accumulator.reordered(tiles.order)


class SiteTiles:
    """Sites cut into tiles of neighbours, with what the engine needs of each tile.

    Parameters
    ----------
    lat, lon : numpy.ndarray
        Degrees.

    Attributes
    ----------
    order : numpy.ndarray of int
        Site ``order[i]`` is the ``i``-th in tile order.
    edges : numpy.ndarray of int
        Tile ``k`` holds tile-order sites ``edges[k]:edges[k + 1]`` (at least 2 each when
        there are 2 sites or more: one-site matrix products round differently).
    """

    def __init__(self, lat, lon):
        lat = np.asarray(lat, float)
        lon = np.asarray(lon, float)
        self.n_sites = len(lat)
        self.order = _morton_order(lat, lon)
        n_tiles = max(1, -(-self.n_sites // TILE_SITES))
        self.edges = np.linspace(0, self.n_sites, n_tiles + 1).round().astype(int)
        site_km, up = frames.site_ecef_km(lat, lon)
        self.site_km = site_km[self.order]
        self.up = up[self.order]

    def __len__(self):
        return len(self.edges) - 1

    def chunks(self, max_sites):
        """Return ``[(rows, SiteTiles)]``: runs of whole tiles, about ``max_sites`` sites each.

        ``rows`` are the run's tile-order rows here; the run's own tiles are these tiles
        (the same sites, so the same numbers), its rows counted from 0 and in order.
        """
        per = max(1, max_sites // TILE_SITES)
        out = []
        for k0 in range(0, len(self), per):
            k1 = min(len(self), k0 + per)
            e0, e1 = int(self.edges[k0]), int(self.edges[k1])
            run = SiteTiles.__new__(SiteTiles)
            run.n_sites = e1 - e0
            run.order = np.arange(run.n_sites)
            run.edges = self.edges[k0 : k1 + 1] - e0
            run.site_km, run.up = self.site_km[e0:e1], self.up[e0:e1]
            out.append((slice(e0, e1), run))
        return out

    def tile(self, k):
        """Return the :class:`_Tile` ``k``."""
        rows = slice(int(self.edges[k]), int(self.edges[k + 1]))
        return _Tile(self.site_km[rows], self.up[rows], rows)


class _Tile:
    """One tile: its site matrices for the two products and its pre-test geometry."""

    def __init__(self, site_km, up, rows):
        self.rows = rows
        if len(site_km) == 1:  # pad to 2 sites: the product is then a gemm, like any tile's
            site_km, up = np.repeat(site_km, 2, axis=0), np.repeat(up, 2, axis=0)
        self.n = len(site_km)
        self.site_km = site_km
        to_up = np.empty((5, self.n))
        to_up[:3] = up.T
        to_up[3] = -np.einsum("ij,ij->i", site_km, up)
        to_up[4] = 0.0
        to_d2 = np.empty((5, self.n))
        to_d2[:3] = -2.0 * site_km.T
        to_d2[3] = np.einsum("ij,ij->i", site_km, site_km)
        to_d2[4] = 1.0
        self.to_up = to_up.astype(np.float32)
        self.to_d2 = to_d2.astype(np.float32)
        centre = up.sum(axis=0)
        self.centre = centre / np.linalg.norm(centre)
        self.radius_rad = float(np.arccos(np.clip(up @ self.centre, -1.0, 1.0)).max())


def _morton_order(lat, lon):
    """Indices sorting sites along a Z-order curve of (lat, lon): neighbours end up together."""
    q_lat = np.clip((lat + 90.0) / 180.0 * 65535.0, 0, 65535).astype(np.uint64)
    q_lon = np.clip((lon + 180.0) / 360.0 * 65535.0, 0, 65535).astype(np.uint64)
    return np.argsort(_spread_bits(q_lat) << np.uint64(1) | _spread_bits(q_lon), kind="stable")


def _spread_bits(v):
    """Put bit ``i`` of 16-bit integers at bit ``2 i``."""
    v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
    v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
    v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
    return (v | (v << np.uint64(1))) & np.uint64(0x55555555)


class Accumulator:
    """Running max / min / sum of counts and PDOP sums per site and system (tile order).

    Parameters
    ----------
    n_sites : int
    pdop : bool
    """

    def __init__(self, n_sites, pdop):
        shape = (n_sites, _SYSTEM_COUNT)
        self.max = np.zeros(shape, np.int64)
        self.min = np.full(shape, np.iinfo(np.int64).max)
        self.sum = np.zeros(shape, np.int64)
        self.pdop = pdop
        self.pdop_sum = np.zeros(shape) if pdop else None
        self.pdop_n = np.zeros(shape, np.int64) if pdop else None

    def merge(self, other, rows=slice(None)):
        """Fold another accumulator (for sites ``rows`` of this one) into this one."""
        np.maximum(self.max[rows], other.max, out=self.max[rows])
        np.minimum(self.min[rows], other.min, out=self.min[rows])
        self.sum[rows] += other.sum
        if self.pdop:
            self.pdop_sum[rows] += other.pdop_sum
            self.pdop_n[rows] += other.pdop_n

    def reordered(self, order):
        """Return a copy with sites back in input order (``order`` from :class:`SiteTiles`)."""
        inverse = np.empty_like(order)
        inverse[order] = np.arange(len(order))
        copy = Accumulator.__new__(Accumulator)
        copy.pdop = self.pdop
        for name in ("max", "min", "sum", "pdop_sum", "pdop_n"):
            value = getattr(self, name)
            setattr(copy, name, None if value is None else value[inverse])
        return copy

    def result(self, n_epochs):
        """Return the :func:`visibility_columns`, sites in this accumulator's order."""
        out = {}
        for j, system in enumerate(CORE_SYSTEMS):
            out[f"{system}_max"] = self.max[:, j].astype(float)
            out[f"{system}_mean"] = self.sum[:, j] / n_epochs
            out[f"{system}_min"] = self.min[:, j].astype(float)
            if self.pdop:
                with np.errstate(invalid="ignore", divide="ignore"):
                    mean = self.pdop_sum[:, j] / self.pdop_n[:, j]
                out[f"{system}_pdop_mean"] = np.where(self.pdop_n[:, j] > 0, mean, np.nan)
        return out


class _Workspace:
    """Named scratch buffers of one thread, grown when a larger view is asked for."""

    def __init__(self):
        self._buffers = {}

    def array(self, name, shape, dtype):
        dtype = np.dtype(dtype)
        size = math.prod(shape) * dtype.itemsize
        buffer = self._buffers.get(name)
        if buffer is None or buffer.size < size:
            buffer = np.empty(max(size, 64), np.uint8)
            self._buffers[name] = buffer
        return buffer[:size].view(dtype).reshape(shape)

    @property
    def nbytes(self):
        return sum(b.size for b in self._buffers.values())


_THREAD = threading.local()


def workspace():
    """Return this thread's scratch buffers (made on the first call in each thread).

    Every array the engine's inner loops write is a view of one of them, so a thread
    allocates its working memory once (a few MB, see ``nbytes``) and reuses it for every
    tile, unit and task; freshly mapped memory is never touched twice.
    """
    space = getattr(_THREAD, "space", None)
    if space is None:
        space = _THREAD.space = _Workspace()
    return space


def tile_statistics(window, tiles, accumulator):
    """Count (and solve PDOP) for every tile of ``tiles`` over one window; fold the results in.

    Parameters
    ----------
    window : SatelliteWindow
    tiles : SiteTiles
    accumulator : Accumulator
        Of ``tiles.n_sites`` sites (tile order).
    """
    ws = workspace()
    k_mask = np.float32(window.sin_mask * abs(window.sin_mask))
    n_sat, n_epoch = window.n_satellites, window.n_epochs
    for k in range(len(tiles)):
        tile = tiles.tile(k)
        unit = _unit_epochs(n_sat, tile.n, window.pdop)
        counts = ws.array("counts", (_SYSTEM_COUNT, n_epoch, tile.n), window.count_dtype)
        candidates = _pretest(window, tile, unit, ws)
        solver = _PdopBatch(window, tile, counts, unit, ws) if window.pdop else None
        scratch = _UnitScratch(ws, n_sat * unit, tile.n, pdop=solver is not None)
        units, satellites = np.nonzero(candidates.T)  # by unit, then satellite
        ends = np.searchsorted(units, np.arange(1, candidates.shape[1] + 1))
        begin = 0
        for u, t0 in enumerate(range(0, n_epoch, unit)):
            chosen = satellites[begin : ends[u]]
            begin = ends[u]
            t1 = min(n_epoch, t0 + unit)
            _count_unit(window, tile, chosen, t0, t1, k_mask, counts, solver, scratch)
        if solver is not None:
            solver.flush()
        _fold(tile, counts, solver, accumulator)


def _unit_epochs(n_satellites, n_sites, pdop):
    """Epochs per unit: about ``_UNIT_CELLS`` cells (fewer sites, more epochs)."""
    cells = _PDOP_UNIT_CELLS if pdop else _UNIT_CELLS
    return max(1, cells // max(1, n_satellites * n_sites))


class _UnitScratch:
    """The unit-sized views of a thread's workspace for one tile (largest unit: all rows)."""

    def __init__(self, ws, rows, n, *, pdop):
        self.rows = ws.array("rows", (rows, 5), np.float32)
        self.a = ws.array("a", (rows, n), np.float32)  # d . u
        self.d2 = ws.array("d2", (rows, n), np.float32)  # |d|^2
        self.lhs = ws.array("lhs", (rows, n), np.float32)
        self.rhs = ws.array("rhs", (rows, n), np.float32) if pdop else self.d2
        self.visible = ws.array("visible", (rows, n), bool)


def _pretest(window, tile, unit, ws):
    """Return (n_satellites, n_units) bool: may the satellite be above a tile site's mask.

    True if it may be at some epoch of the unit (units of ``unit`` epochs).
    """
    n_sat, n_epoch = window.n_satellites, window.n_epochs
    n_units = -(-n_epoch // unit)
    candidates = ws.array("candidates", (n_sat, n_units), bool)
    if not _PRETEST:
        candidates[...] = True
        return candidates
    cosine = ws.array("cosine", (n_sat, n_epoch), np.float64)
    np.matmul(tile.centre, window.directions, out=cosine.reshape(n_sat * n_epoch))
    nearest = ws.array("nearest", (n_sat, n_units), np.float64)  # per unit: the closest
    full = n_epoch // unit
    if full:
        np.max(cosine[:, : full * unit].reshape(n_sat, full, unit), axis=2, out=nearest[:, :full])
    if full < n_units:
        np.max(cosine[:, full * unit :], axis=1, out=nearest[:, full])
    reach = window.reach_rad + tile.radius_rad
    threshold = np.where(reach >= np.pi, -np.inf, np.cos(np.minimum(reach, np.pi)))
    np.greater_equal(nearest, threshold[:, None], out=candidates)
    return candidates


def _count_unit(window, tile, chosen, t0, t1, k_mask, counts, solver, scratch):
    """Visible counts per system of one tile over epochs ``t0:t1`` into ``counts``."""
    n_e, n = t1 - t0, tile.n
    k = len(chosen)
    m = k * n_e
    if m == 0:
        counts[:, t0:t1] = 0
        if solver is not None:
            solver.skip(t0, t1)
        return
    rows = scratch.rows[:m]
    np.take(window.rows[:, t0:t1], chosen, axis=0, out=rows.reshape(k, n_e, 5))
    a, d2, lhs, rhs = scratch.a[:m], scratch.d2[:m], scratch.lhs[:m], scratch.rhs[:m]
    visible = scratch.visible[:m]
    np.matmul(rows, tile.to_up, out=a)
    np.matmul(rows, tile.to_d2, out=d2)
    np.abs(a, out=lhs)
    np.multiply(lhs, a, out=lhs)  # a |a|
    np.multiply(d2, k_mask, out=rhs)  # s |s| |d|^2
    np.greater_equal(lhs, rhs, out=visible)
    flags = visible.view(np.uint8).reshape(k, n_e * n)
    edges = np.searchsorted(chosen, window.spans)
    out = counts[:, t0:t1].reshape(_SYSTEM_COUNT, n_e * n)
    for j in range(_SYSTEM_COUNT):
        lo, hi = edges[2 * j], edges[2 * j + 1]
        if hi > lo:
            np.add.reduce(flags[lo:hi], axis=0, dtype=out.dtype, out=out[j])
        else:
            out[j] = 0
    if solver is not None:
        solver.add(t0, t1, chosen, edges, visible, d2)


def _fold(tile, counts, solver, accumulator):
    """Fold one tile's counts (all epochs of the window) and PDOP sums into the accumulator."""
    n_real = tile.rows.stop - tile.rows.start
    real = counts[:, :, :n_real]
    block = types.SimpleNamespace(
        max=real.max(axis=1).T,
        min=real.min(axis=1).T,
        sum=real.sum(axis=1, dtype=np.int64).T,
        pdop_sum=None if solver is None else solver.pdop_sum[:, :n_real].T,
        pdop_n=None if solver is None else solver.pdop_n[:, :n_real].T,
    )
    accumulator.merge(block, tile.rows)


class _PdopBatch:
    """PDOP of one tile: normal-matrix sums per unit, solved every few dozen epochs at once."""

    def __init__(self, window, tile, counts, unit, ws):
        self.window, self.tile, self.counts, self.ws = window, tile, counts, ws
        self.capacity = unit * max(1, _PDOP_BATCH_EPOCHS // unit)
        shape = (_SYSTEM_COUNT, self.capacity, tile.n)
        # feature-major, so that each sum the solver reads is one contiguous array
        self.first = ws.array("pdop_first", (4, _SYSTEM_COUNT, self.capacity, tile.n), float)
        self.second = ws.array("pdop_second", (10, _SYSTEM_COUNT, self.capacity, tile.n), float)
        self.scratch = [ws.array(f"pdop_{i}", shape, float) for i in range(14)]
        self.usable = ws.array("pdop_usable", shape, bool)
        self.unusable = ws.array("pdop_unusable", shape, bool)
        self.pdop_sum = np.zeros((_SYSTEM_COUNT, tile.n))
        self.pdop_n = np.zeros((_SYSTEM_COUNT, tile.n), np.int64)
        self.start = 0  # the window epoch at the batch's start
        self.filled = 0
        # rx, ry, rz, each contiguous: a strided operand makes every ufunc call copy it
        self.r = tuple(np.ascontiguousarray(c) for c in tile.site_km.T)

    def skip(self, t0, t1):
        """No satellite can be visible over ``t0:t1``: zero sums (PDOP is then undefined)."""
        self._reserve(t0, t1)
        u0, u1 = t0 - self.start, t1 - self.start
        self.first[:, :, u0:u1] = 0.0
        self.second[:, :, u0:u1] = 0.0

    def add(self, t0, t1, chosen, edges, visible, d2):
        """Weighted sums of one unit: first moments by 1/|d|, second by 1/|d|^2."""
        self._reserve(t0, t1)
        ws, n, n_e, k = self.ws, self.tile.n, t1 - t0, len(chosen)
        u0, u1 = t0 - self.start, t1 - self.start
        w1_32 = ws.array("pdop_w32", (k * n_e, n), np.float32)
        np.sqrt(d2, out=w1_32)
        np.divide(visible, w1_32, out=w1_32)  # 1/|d| if visible, else 0
        w1 = ws.array("pdop_w1", (k, n_e, n), float)
        np.copyto(w1, w1_32.reshape(k, n_e, n))
        w2 = ws.array("pdop_w2", (k, n_e, n), float)
        np.multiply(w1, w1, out=w2)  # the float64 square of w1
        features = self.window.features[t0:t1]
        if k < self.window.n_satellites:
            features = np.take(
                features, chosen, axis=2, out=ws.array("pdop_f", (n_e, 10, k), float)
            )
        for j in range(_SYSTEM_COUNT):
            lo, hi = int(edges[2 * j]), int(edges[2 * j + 1])
            if hi == lo:
                self.first[:, j, u0:u1] = 0.0
                self.second[:, j, u0:u1] = 0.0
                continue
            out1 = self.first[:, j, u0:u1].transpose(1, 0, 2)  # (epoch, feature, site)
            out2 = self.second[:, j, u0:u1].transpose(1, 0, 2)
            np.matmul(features[:, 6:, lo:hi], w1[lo:hi].transpose(1, 0, 2), out=out1)
            np.matmul(features[:, :, lo:hi], w2[lo:hi].transpose(1, 0, 2), out=out2)

    def _reserve(self, t0, t1):
        if t1 - self.start > self.capacity:
            self.flush()
            self.start = t0
        self.filled = t1 - self.start

    def flush(self):
        """Solve PDOP for the epochs gathered so far and add it to the tile's sums.

        With ``p``, ``P`` and ``w`` the 1/|d|^2-weighted sums of the satellite positions,
        their products and 1, and ``s``, ``t`` the 1/|d|-weighted sums of the positions
        and 1, for a site at ``r``: ``A = sum e e^T = P - r p^T - p r^T + w r r^T`` and
        ``b = sum e = s - t r``; PDOP^2 is the trace of ``M^-1``, ``M = A - b b^T / n``.
        """
        nb = self.filled
        if nb == 0:
            return
        s1, s2 = self.first[:, :, :nb], self.second[:, :, :nb]
        counts = self.counts[:, self.start : self.start + nb]
        view = [array[:, :nb] for array in self.scratch]
        m_xx, m_yy, m_zz, m_xy, m_xz, m_yz, c_x, c_y, c_z, g, tmp, k_xx, k_yy, k_zz = view
        rx, ry, rz = self.r
        pxx, pxy, pxz, pyy, pyz, pzz, px, py, pz, w = s2
        sx, sy, sz, t = s1
        # c_i = p_i - r_i w; then a_ii = P_ii - r_i (p_i + c_i), a_ij = P_ij - r_i p_j - r_j c_i
        for c, p_i, r_i in ((c_x, px, rx), (c_y, py, ry), (c_z, pz, rz)):
            np.multiply(r_i, w, out=c)
            np.subtract(p_i, c, out=c)
        for a, p_ii, p_i, c_i, r_i in (
            (m_xx, pxx, px, c_x, rx),
            (m_yy, pyy, py, c_y, ry),
            (m_zz, pzz, pz, c_z, rz),
        ):
            np.add(p_i, c_i, out=a)
            np.multiply(r_i, a, out=a)
            np.subtract(p_ii, a, out=a)
        for a, p_ij, r_i, p_j, r_j, c_i in (
            (m_xy, pxy, rx, py, ry, c_x),
            (m_xz, pxz, rx, pz, rz, c_x),
            (m_yz, pyz, ry, pz, rz, c_y),
        ):
            np.multiply(r_i, p_j, out=a)
            np.subtract(p_ij, a, out=a)
            np.multiply(r_j, c_i, out=tmp)
            np.subtract(a, tmp, out=a)
        b_x, b_y, b_z = c_x, c_y, c_z  # c is no longer needed
        for b, s_i, r_i in ((b_x, sx, rx), (b_y, sy, ry), (b_z, sz, rz)):
            np.multiply(r_i, t, out=b)
            np.subtract(s_i, b, out=b)
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(1.0, counts, out=tmp)
            g_x, g_y, g_z = k_xx, k_yy, k_zz  # b / n, until the cofactors need them
            for g_i, b_i in ((g_x, b_x), (g_y, b_y), (g_z, b_z)):
                np.multiply(b_i, tmp, out=g_i)
            # m_ij = a_ij - b_i b_j / n, in place of a_ij
            for m, b_i, g_j in (
                (m_xx, b_x, g_x),
                (m_yy, b_y, g_y),
                (m_zz, b_z, g_z),
                (m_xy, b_x, g_y),
                (m_xz, b_x, g_z),
                (m_yz, b_y, g_z),
            ):
                np.multiply(b_i, g_j, out=g)
                np.subtract(m, g, out=m)
            # cofactors: trace(M^-1) = (k_xx + k_yy + k_zz) / det
            for k, p, q, r in (
                (k_xx, m_yy, m_zz, m_yz),
                (k_yy, m_xx, m_zz, m_xz),
                (k_zz, m_xx, m_yy, m_xy),
            ):
                np.multiply(p, q, out=k)
                np.multiply(r, r, out=tmp)
                np.subtract(k, tmp, out=k)
            det, other = b_x, b_y  # b is no longer needed
            np.multiply(m_xx, k_xx, out=det)
            np.multiply(m_yz, m_xz, out=tmp)
            np.multiply(m_xy, m_zz, out=other)
            np.subtract(tmp, other, out=tmp)
            np.multiply(m_xy, tmp, out=tmp)
            np.add(det, tmp, out=det)
            np.multiply(m_xy, m_yz, out=tmp)
            np.multiply(m_yy, m_xz, out=other)
            np.subtract(tmp, other, out=tmp)
            np.multiply(m_xz, tmp, out=tmp)
            np.add(det, tmp, out=det)
            pdop = k_xx
            np.add(k_xx, k_yy, out=pdop)
            np.add(pdop, k_zz, out=pdop)
            np.divide(pdop, det, out=pdop)
            np.sqrt(pdop, out=pdop)
        usable, unusable = self.usable[:, :nb], self.unusable[:, :nb]
        np.greater_equal(counts, 4, out=usable)
        np.greater(det, 0.0, out=unusable)
        np.logical_and(usable, unusable, out=usable)
        np.less_equal(pdop, PDOP_USABLE_MAX, out=unusable)
        np.logical_and(usable, unusable, out=usable)
        np.logical_not(usable, out=unusable)
        np.copyto(pdop, 0.0, where=unusable)
        self.pdop_sum += pdop.sum(axis=1)
        self.pdop_n += usable.sum(axis=1)
        self.start += nb
        self.filled = 0
