"""The vectorised visibility engine: counts of visible satellites and PDOP per site.

How it works: every satellite is propagated at every epoch at once with
``sgp4.api.SatrecArray`` (TEME, km) and rotated to the Earth-fixed frame (see
:mod:`dsrgeo.gnss.frames` for the approximation and its size). For a site at ``r`` with
zenith unit vector ``u`` and a satellite at ``p``, with ``d = p - r``::

    sin(elevation) = d . u / |d|,     |d|^2 = |p|^2 + |r|^2 - 2 p . r

so both ``d . u`` and ``|d|^2`` of a block of sites against a block of (satellite, epoch)
columns come out of one matrix product, and the test ``sin(elevation) >= sin(mask)`` becomes
``a |a| >= s |s| |d|^2`` with ``a = d . u`` and ``s = sin(mask)``: no square root, no arcsine.
Counts per constellation are sums over contiguous slices of satellites. Work runs in blocks
of sites and epochs, so memory stays bounded whatever the number of sites or epochs.

PDOP per constellation uses the normal matrix ``N = sum over visible satellites of
[e, 1]^T [e, 1]`` (``e``: unit line of sight), whose entries are again weighted sums over
satellites, done as batched matrix products; PDOP is the square root of the trace of the
inverse's 3 x 3 position block, i.e. of ``(A - b b^T / n)^-1`` with ``A = sum e e^T``,
``b = sum e``, ``n`` visible satellites, in closed form.
"""

import numpy as np

from dsrgeo.errors import ElementSetError, ParameterError
from dsrgeo.gnss import frames
from dsrgeo.gnss.elements import CORE_SYSTEMS
from dsrgeo.gnss.inputs import check_mask

__all__ = [
    "PDOP_USABLE_MAX",
    "elevation_deg",
    "propagate_ecef_km",
    "single_threaded_blas",
    "site_statistics",
    "statistics_from_positions",
    "system_slices",
    "visibility_columns",
]

#: Epochs with a larger PDOP (near-singular geometry, e.g. four satellites almost on one
#: cone; values reach 50,000) count as having no usable fix, like fewer than 4 satellites.
PDOP_USABLE_MAX = 100.0
_SITE_CHUNK = 64  # sites per matrix product
_COLUMN_CHUNK = 8192  # (satellite, epoch) columns per matrix product
_EPOCH_BLOCK = 1440  # epochs propagated at once (bounds memory for long windows)


def visibility_columns(pdop=True):
    """Return the names of the columns :func:`~dsrgeo.gnss.visibility` produces, in order.

    Examples
    --------
    >>> visibility_columns()[:4]
    ['bds_max', 'bds_mean', 'bds_min', 'bds_pdop_mean']
    """
    stats = ("max", "mean", "min", "pdop_mean") if pdop else ("max", "mean", "min")
    return [f"{system}_{stat}" for system in CORE_SYSTEMS for stat in stats]


def propagate_ecef_km(sats, times):
    """Propagate satellites with SGP4 and return Earth-fixed positions.

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
    return _propagate(sats, sats.satrecs(), times)


def _propagate(sats, satrecs, times):
    """:func:`propagate_ecef_km` with the ``SatrecArray`` of ``sats`` already built."""
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


def site_statistics(sats, times, lat, lon, min_elevation_deg, *, pdop=True):
    """Run the engine: per-site visible-count statistics (and PDOP) per core system.

    Parameters
    ----------
    sats : Satellites
        Sorted by system (as :func:`~dsrgeo.gnss.read_tles` returns them); only the
        :data:`~dsrgeo.gnss.elements.CORE_SYSTEMS` are counted.
    times : numpy.ndarray of datetime64
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
    if len(times) == 0:
        raise ParameterError(
            "the window holds no epoch; make end later than start", parameter="end"
        )
    accumulator = _Accumulator(len(lat), pdop)
    satrecs, slices = sats.satrecs(), system_slices(sats)
    with single_threaded_blas():
        for b0 in range(0, len(times), _EPOCH_BLOCK):
            sat_km = _propagate(sats, satrecs, times[b0 : b0 + _EPOCH_BLOCK])
            _accumulate(sat_km, slices, lat, lon, min_elevation_deg, pdop, accumulator)
    return accumulator.result(len(times))


def single_threaded_blas():
    """Return a context manager that limits BLAS to one thread (``threadpoolctl``).

    The engine's matrix products are skinny (inner dimension 5): a second BLAS thread does
    not speed them up, and under Dask's thread pool BLAS threads oversubscribe the cores
    (measured here: the 1 degree grid took 35 s instead of 3.5 s).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def statistics_from_positions(sat_km, slices, lat, lon, min_elevation_deg, *, pdop=False):
    """Like :func:`site_statistics`, from positions already propagated (the grid's tasks).

    Parameters
    ----------
    sat_km : numpy.ndarray, shape (3, n_satellites, n_epochs)
        Earth-fixed positions from :func:`propagate_ecef_km`.
    slices : dict of str to slice
        From :func:`system_slices`.
    lat, lon : numpy.ndarray
        Degrees.
    min_elevation_deg : float
    pdop : bool

    Returns
    -------
    dict of str to numpy.ndarray
    """
    accumulator = _Accumulator(len(lat), pdop)
    _accumulate(sat_km, slices, lat, lon, min_elevation_deg, pdop, accumulator)
    return accumulator.result(sat_km.shape[2])


def _accumulate(sat_km, slices, lat, lon, min_elevation_deg, pdop, accumulator):
    """Feed one span of epochs, block by block, into the accumulator."""
    site_km, up = frames.site_ecef_km(lat, lon)
    sin_mask = float(np.sin(np.radians(min_elevation_deg)))
    epoch_chunk = max(1, _COLUMN_CHUNK // max(1, sat_km.shape[1]))
    for t0 in range(0, sat_km.shape[2], epoch_chunk):
        block = _SatelliteBlock(sat_km[:, :, t0 : t0 + epoch_chunk], slices, pdop)
        for i0 in range(0, len(lat), _SITE_CHUNK):
            rows = slice(i0, i0 + _SITE_CHUNK)
            block.accumulate(site_km[rows], up[rows], sin_mask, accumulator, rows)


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


class _Accumulator:
    """Running max / min / sum of counts and PDOP sums per site and system."""

    def __init__(self, n_sites, pdop):
        shape = (n_sites, len(CORE_SYSTEMS))
        self.max = np.zeros(shape, np.int64)
        self.min = np.full(shape, np.iinfo(np.int64).max)
        self.sum = np.zeros(shape, np.int64)
        self.pdop = pdop
        self.pdop_sum = np.zeros(shape)
        self.pdop_n = np.zeros(shape, np.int64)

    def result(self, n_epochs):
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


class _SatelliteBlock:
    """A block of (epoch, satellite) columns, prepared once and reused for every site chunk.

    Arrays are laid out (epoch, satellite, site): sums over a constellation's satellites then
    add whole contiguous rows, and PDOP's weighted sums are batched matrix products with no
    transposed copies.
    """

    def __init__(self, sat_km, slices, pdop):
        n_sat, n_epoch = sat_km.shape[1:]
        self.shape = (n_epoch, n_sat)
        self.slices = slices
        columns = sat_km.transpose(0, 2, 1).reshape(3, -1)  # column = epoch * n_sat + sat
        # columns x, y, z, 1, |p|^2: one product gives d.u, another |d|^2 (module docstring)
        self.augmented = np.empty((columns.shape[1], 5), np.float32)
        self.augmented[:, :3] = columns.T
        self.augmented[:, 3] = 1.0
        self.augmented[:, 4] = np.einsum("ij,ij->j", columns, columns)
        self.pdop = pdop
        if pdop:
            # per system, (epoch, feature, satellite): second moments of p (weighted by
            # 1/|d|^2 over visible satellites) and first moments (weighted by 1/|d|)
            self.second, self.first = {}, {}
            for system, sl in slices.items():
                x, y, z = sat_km[:, sl].transpose(0, 2, 1)
                ones = np.ones_like(x)
                self.second[system] = np.stack(
                    [x * x, x * y, x * z, y * y, y * z, z * z, x, y, z, ones], 1
                )
                self.first[system] = np.stack([x, y, z, ones], 1)

    def accumulate(self, site_km, up, sin_mask, acc, rows):
        n = len(site_km)
        to_up = np.empty((5, n))
        to_up[:3] = up.T
        to_up[3] = -np.einsum("ij,ij->i", site_km, up)
        to_up[4] = 0.0
        to_d2 = np.empty((5, n))
        to_d2[:3] = -2.0 * site_km.T
        to_d2[3] = np.einsum("ij,ij->i", site_km, site_km)
        to_d2[4] = 1.0
        a = self.augmented @ to_up.astype(np.float32)  # d . u, (epoch * sat, site)
        d2 = self.augmented @ to_d2.astype(np.float32)  # |d|^2
        visible = a * np.abs(a) >= np.float32(sin_mask * abs(sin_mask)) * d2
        visible = visible.reshape(*self.shape, n)
        d2 = d2.reshape(*self.shape, n)
        as_bytes = visible.view(np.uint8)
        for j, system in enumerate(CORE_SYSTEMS):
            sl = self.slices[system]
            counts = as_bytes[:, sl].sum(axis=1, dtype=np.uint8).astype(np.int64)  # (epoch, site)
            np.maximum(acc.max[rows, j], counts.max(axis=0), out=acc.max[rows, j])
            np.minimum(acc.min[rows, j], counts.min(axis=0), out=acc.min[rows, j])
            acc.sum[rows, j] += counts.sum(axis=0)
            if self.pdop and sl.stop > sl.start:
                value = self._pdop(site_km, visible[:, sl], d2[:, sl], system, counts)
                ok = np.isfinite(value)
                acc.pdop_sum[rows, j] += np.where(ok, value, 0.0).sum(axis=0)
                acc.pdop_n[rows, j] += ok.sum(axis=0)

    def _pdop(self, site_km, visible, d2, system, counts):
        """PDOP per (epoch, site) of one system; NaN where fewer than 4 are visible.

        With ``e = (p - r) / |d|`` the unit line of sight, PDOP is ``sqrt(trace(M^-1))`` for
        ``M = A - b b^T / n``, ``A = sum e e^T``, ``b = sum e`` over the ``n`` visible
        satellites (the position block of the inverse 4 x 4 normal matrix). ``A`` and ``b``
        are expanded into sums over ``p`` so that they are matrix products.
        """
        w1 = (visible / np.sqrt(d2)).astype(np.float64)  # 1/|d| if visible, else 0
        s1 = np.matmul(self.first[system], w1)  # (epoch, 4, site)
        s2 = np.matmul(self.second[system], np.square(w1, out=w1))  # (epoch, 10, site)
        rx, ry, rz = site_km.T
        pxx, pxy, pxz, pyy, pyz, pzz, px, py, pz, w = np.moveaxis(s2, 1, 0)
        a_xx = pxx - 2 * rx * px + rx * rx * w
        a_yy = pyy - 2 * ry * py + ry * ry * w
        a_zz = pzz - 2 * rz * pz + rz * rz * w
        a_xy = pxy - rx * py - ry * px + rx * ry * w
        a_xz = pxz - rx * pz - rz * px + rx * rz * w
        a_yz = pyz - ry * pz - rz * py + ry * rz * w
        b_x = s1[:, 0] - rx * s1[:, 3]
        b_y = s1[:, 1] - ry * s1[:, 3]
        b_z = s1[:, 2] - rz * s1[:, 3]
        with np.errstate(invalid="ignore", divide="ignore"):
            inv_n = 1.0 / counts
            m_xx = a_xx - b_x * b_x * inv_n
            m_yy = a_yy - b_y * b_y * inv_n
            m_zz = a_zz - b_z * b_z * inv_n
            m_xy = a_xy - b_x * b_y * inv_n
            m_xz = a_xz - b_x * b_z * inv_n
            m_yz = a_yz - b_y * b_z * inv_n
            c_xx = m_yy * m_zz - m_yz * m_yz  # cofactors: trace(M^-1) = sum / det
            c_yy = m_xx * m_zz - m_xz * m_xz
            c_zz = m_xx * m_yy - m_xy * m_xy
            det = (
                m_xx * c_xx
                + m_xy * (m_yz * m_xz - m_xy * m_zz)
                + m_xz * (m_xy * m_yz - m_yy * m_xz)
            )
            pdop = np.sqrt((c_xx + c_yy + c_zz) / det)
        usable = (counts >= 4) & (det > 0) & (pdop <= PDOP_USABLE_MAX)
        return np.where(usable, pdop, np.nan)
