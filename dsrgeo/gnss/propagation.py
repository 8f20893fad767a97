"""Satellite positions over a window of epochs: SGP4, directly or at nodes and interpolated.

SGP4 (``sgp4.api.SatrecArray``) costs the same for every epoch it is asked for, while a
navigation satellite's orbit is smooth over minutes: its position at one-minute steps is
given, to well under a millimetre, by a polynomial through positions ten minutes apart.
:func:`window_ecef_km` uses that for evenly spaced epochs, the way precise GNSS orbits are
distributed (SP3 files at 15-minute nodes, read by Lagrange interpolation):

1. propagate at *nodes* every ``m`` epochs (``m`` = :data:`NODE_SPACING_S` // step, at least
   :data:`MIN_EPOCHS_PER_NODE` and at most the window's epochs), from four nodes before the first epoch to five past the
   start of the last interval (:data:`STENCIL_NODES` - 1 more than the intervals);
2. for an epoch between nodes ``q`` and ``q + 1``, take the Lagrange polynomial through the
   :data:`STENCIL_NODES` nodes around it (``q - 4`` to ``q + 5``): a fixed weight vector per
   offset ``0 .. m - 1`` inside the interval, so all epochs come out of one matrix product;
3. check: propagate every :data:`CHECK_EVERY`-th interval's middle epoch directly and compare;
   if any satellite is more than :data:`CHECK_TOLERANCE_KM` off, use SGP4 at every epoch.

It is only tried for satellites that allow it (at most :data:`MAX_REV_PER_DAY` revolutions a
day, eccentricity at most :data:`MAX_ECCENTRICITY`: every GNSS orbit, from GLONASS's 2.13 to
the geosynchronous 1.0), and any SGP4 error at a node sends the window to SGP4 at every epoch,
which reports it as before. For the shipped 134 satellites on 2022-02-05 at one-minute steps
the interpolated positions are within 0.9 mm of SGP4's (``tests/test_gnss_propagation.py``),
a two-thousandth of the 2 m resolution of the float32 positions the visibility test uses.

Positions are rotated from TEME to the Earth-fixed frame after interpolation (see
:mod:`dsrgeo.gnss.frames`), so the rotation is exact at every epoch.
"""

import functools

import numpy as np

from dsrgeo.errors import ElementSetError
from dsrgeo.gnss import frames

__all__ = [
    "CHECK_EVERY",
    "CHECK_TOLERANCE_KM",
    "MAX_ECCENTRICITY",
    "MAX_REV_PER_DAY",
    "MIN_EPOCHS_PER_NODE",
    "NODE_SPACING_S",
    "STENCIL_NODES",
    "WINDOW_EPOCHS",
    "direct_ecef_km",
    "interpolable",
    "lagrange_weights",
    "propagate_ecef_km",
    "sgp4_epochs",
    "window_ecef_km",
]

#: Epochs propagated at once: the most epochs whose positions are held in memory.
WINDOW_EPOCHS = 1440

#: The longest time between two nodes.
NODE_SPACING_S = 600
#: Nodes each interpolated position is taken from (the polynomial's degree plus one; even).
STENCIL_NODES = 10
#: Below this many epochs per node, every epoch is propagated (interpolation would save little).
MIN_EPOCHS_PER_NODE = 3
#: Every this many intervals, the middle epoch is propagated directly as a check.
CHECK_EVERY = 8
#: The largest accepted distance between an interpolated and a propagated position (1 cm).
CHECK_TOLERANCE_KM = 1e-5
#: Interpolation is tried only for orbits this slow and this round (every GNSS orbit is).
MAX_REV_PER_DAY = 2.5
MAX_ECCENTRICITY = 0.25


def propagate_ecef_km(sats, times):
    """Propagate satellites with SGP4 at every epoch and return Earth-fixed positions.

    Parameters
    ----------
    sats : Satellites
    times : numpy.ndarray of datetime64
        UTC epochs.

    Returns
    -------
    numpy.ndarray, shape (3, n_satellites, n_epochs)
        x, y, z in km, Earth-fixed (GMST rotation of TEME).

    Raises
    ------
    ElementSetError
        If SGP4 reports an error (e.g. decayed orbit) for a satellite at an epoch.
    """
    return direct_ecef_km(sats, sats.satrecs(), np.asarray(times))


def window_ecef_km(sats, satrecs, first, step, count):
    """Return Earth-fixed positions at ``count`` epochs ``first + i step``, interpolated if it may.

    Parameters
    ----------
    sats : Satellites
    satrecs : sgp4.api.SatrecArray
        ``sats.satrecs()``, made once by the caller.
    first : numpy.datetime64
        The first epoch (naive, UTC).
    step : numpy.timedelta64
        The spacing (positive).
    count : int

    Returns
    -------
    numpy.ndarray, shape (3, n_satellites, count)
        As :func:`propagate_ecef_km` (the same positions to within :data:`CHECK_TOLERANCE_KM`).

    Examples
    --------
    >>> from dsrgeo.gnss import read_tles
    >>> from dsrgeo.gnss.elements import EXAMPLE_TLE
    >>> sats = read_tles(EXAMPLE_TLE)
    >>> first, step = np.datetime64("2022-02-05T00:00", "us"), np.timedelta64(60, "s")
    >>> fast = window_ecef_km(sats, sats.satrecs(), first, step, 1440)
    >>> exact = propagate_ecef_km(sats, first + np.arange(1440) * step)
    >>> bool(np.abs(fast - exact).max() < 1e-5)  # km
    True
    """
    times = first + np.arange(count, dtype=np.int64) * step
    plan = _plan(step / np.timedelta64(1, "s"), count)
    if plan is None or not interpolable(sats):
        return direct_ecef_km(sats, satrecs, times)
    per_node, intervals, nodes, check = plan
    half = STENCIL_NODES // 2
    node_times = first + (np.arange(nodes, dtype=np.int64) - (half - 1)) * (per_node * step)
    error, node_km, _ = satrecs.sgp4(*frames.julian_dates(node_times))
    if np.any(error):  # e.g. a decay past the window's end: SGP4 at each epoch says where
        return direct_ecef_km(sats, satrecs, times)
    stencils = np.lib.stride_tricks.sliding_window_view(node_km, STENCIL_NODES, axis=1)
    # (satellite, interval, xyz, node) @ (node, offset) -> (satellite, interval, xyz, offset)
    teme_km = np.matmul(stencils[:, :intervals], lagrange_weights(per_node, STENCIL_NODES))
    teme_km = teme_km.transpose(0, 1, 3, 2).reshape(len(sats), intervals * per_node, 3)
    teme_km = teme_km[:, :count]
    error, check_km, _ = satrecs.sgp4(*frames.julian_dates(times[check]))
    off_km = np.abs(check_km - teme_km[:, check]).max(initial=0.0)
    if np.any(error) or not off_km <= CHECK_TOLERANCE_KM:
        return direct_ecef_km(sats, satrecs, times)
    return frames.teme_to_ecef(teme_km, *frames.julian_dates(times))


def sgp4_epochs(step_s, n_epochs):
    """Return how many epochs SGP4 runs for ``n_epochs`` epochs ``step_s`` apart.

    Window by window of :data:`WINDOW_EPOCHS`, nodes and checks included, for satellites that
    may be interpolated (:func:`interpolable`); ``n_epochs`` where every epoch is propagated.

    Examples
    --------
    The capitals recipe, a day at one-minute steps: 153 nodes and 18 checks.

    >>> sgp4_epochs(60, 1440)
    171
    >>> sgp4_epochs(300, 288)  # the grids' five-minute steps: every epoch
    288
    """
    full, rest = divmod(int(n_epochs), WINDOW_EPOCHS)
    total = 0
    for count, windows in ((WINDOW_EPOCHS, full), (rest, 1 if rest else 0)):
        plan = _plan(step_s, count)
        total += windows * (count if plan is None else plan[2] + len(plan[3]))
    return total


def _plan(step_s, count):
    """``(epochs per node, intervals, nodes, check epochs)`` of a window, or None: every epoch.

    At most ``count`` epochs per node, so that the interpolated epochs (whole intervals) stay
    fewer than twice the window's, however short the step.
    """
    per_node = min(int(NODE_SPACING_S // step_s), count) if step_s > 0 else 0
    if per_node < MIN_EPOCHS_PER_NODE:
        return None
    intervals = -(-count // per_node)
    nodes = intervals + STENCIL_NODES - 1
    if nodes >= count:
        return None
    return per_node, intervals, nodes, np.arange(per_node // 2, count, CHECK_EVERY * per_node)


def interpolable(sats):
    """Whether every satellite's orbit is slow and round enough to interpolate (module doc).

    Examples
    --------
    >>> from dsrgeo.gnss import read_tles
    >>> from dsrgeo.gnss.elements import EXAMPLE_TLE
    >>> interpolable(read_tles(EXAMPLE_TLE))  # a geostationary BeiDou satellite
    True
    """
    rev_per_day = np.array([float(line[52:63]) for line in sats.line2])
    eccentricity = np.array([float("0." + line[26:33].strip()) for line in sats.line2])
    return bool(np.all(rev_per_day <= MAX_REV_PER_DAY) and np.all(eccentricity <= MAX_ECCENTRICITY))


@functools.lru_cache(maxsize=16)
def lagrange_weights(per_node, stencil_nodes):
    """Return the Lagrange weights, shape (stencil_nodes, per_node), of evenly spaced nodes.

    The array is shared (cached) and read-only.

    Column ``j`` weights nodes ``-(stencil_nodes / 2 - 1) .. stencil_nodes / 2`` (in node
    spacings) for the point ``j / per_node`` of the interval between nodes 0 and 1.

    Examples
    --------
    A polynomial of the stencil's degree comes out exactly:

    >>> w = lagrange_weights(4, 4)  # nodes -1, 0, 1, 2
    >>> np.round(np.array([-1.0, 0.0, 1.0, 8.0]) @ w, 12).tolist()  # x**3 at 0, 1/4, 1/2, 3/4
    [0.0, 0.015625, 0.125, 0.421875]
    """
    nodes = np.arange(stencil_nodes, dtype=float) - (stencil_nodes // 2 - 1)
    x = np.arange(per_node) / per_node
    weights = np.ones((stencil_nodes, per_node))
    for a in range(stencil_nodes):
        for b in range(stencil_nodes):
            if a != b:
                weights[a] *= (x - nodes[b]) / (nodes[a] - nodes[b])
    weights.flags.writeable = False  # cached: shared by every call
    return weights


def direct_ecef_km(sats, satrecs, times):
    """:func:`propagate_ecef_km` with the ``SatrecArray`` of ``sats`` already made."""
    from sgp4.api import SGP4_ERRORS

    jd, fr = frames.julian_dates(times)
    error, r_teme, _ = satrecs.sgp4(jd, fr)
    if np.any(error):
        sat, epoch = np.argwhere(error)[0]
        raise ElementSetError(
            f"SGP4 error {int(error[sat, epoch])} ({SGP4_ERRORS.get(int(error[sat, epoch]))}) "
            f"for {sats.name[sat]} at {str(times[epoch])[:19]} UTC; the element set is "
            "unusable for this window: use a TLE with an epoch near it",
            source=sats.source[sat],
        )
    return frames.teme_to_ecef(r_teme, jd, fr)
