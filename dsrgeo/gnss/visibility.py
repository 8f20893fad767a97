"""Visible GNSS satellites and PDOP per site: the vectorised engine behind the capitals layer.

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

import datetime as _dt
import warnings

import numpy as np
import pandas as pd

from dsrgeo.errors import ElementSetError, StaleElementsWarning
from dsrgeo.gnss import frames
from dsrgeo.gnss.elements import CORE_SYSTEMS, load_satellites

__all__ = [
    "PDOP_USABLE_MAX",
    "STALE_AFTER_DAYS",
    "elevation_deg",
    "epoch_times",
    "propagate_ecef_km",
    "single_threaded_blas",
    "site_coordinates",
    "site_statistics",
    "statistics_from_positions",
    "system_slices",
    "visibility",
    "visibility_columns",
    "warn_if_stale",
]

#: A window further than this from an element set's epoch triggers StaleElementsWarning.
STALE_AFTER_DAYS = 14.0
#: Epochs with a larger PDOP (near-singular geometry, e.g. four satellites almost on one
#: cone; values reach 50,000) count as having no usable fix, like fewer than 4 satellites.
PDOP_USABLE_MAX = 100.0
_SITE_CHUNK = 64  # sites per matrix product
_COLUMN_CHUNK = 8192  # (satellite, epoch) columns per matrix product
_EPOCH_BLOCK = 1440  # epochs propagated at once (bounds memory for long windows)


def visibility_columns(pdop=True):
    """Return the names of the columns :func:`visibility` produces, in order.

    Examples
    --------
    >>> visibility_columns()[:4]
    ['bds_max', 'bds_mean', 'bds_min', 'bds_pdop_mean']
    """
    stats = ("max", "mean", "min", "pdop_mean") if pdop else ("max", "mean", "min")
    return [f"{system}_{stat}" for system in CORE_SYSTEMS for stat in stats]


def visibility(
    sites,
    *,
    start,
    end,
    step_s=60,
    min_elevation_deg=10.0,
    tles=None,
    pdop=True,
):
    """Count the BeiDou, GPS, Galileo and GLONASS satellites visible from each site.

    Epochs run from ``start`` (included) to ``end`` (excluded) every ``step_s`` seconds; a
    satellite counts as visible when its elevation above the site's WGS84 horizon (site on
    the ellipsoid, no terrain) is at least ``min_elevation_deg``.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame or pandas.DataFrame
        Point geometries (any CRS; converted to EPSG:4326), or columns ``lat`` and ``lon`` in
        degrees.
    start, end : datetime.datetime or pandas.Timestamp
        Timezone-aware start and end of the window (UTC or any zone).
    step_s : float, optional
        Time step in seconds.
    min_elevation_deg : float, optional
        Elevation mask in degrees.
    tles : None, str, os.PathLike or Satellites, optional
        ``None`` for the shipped 2022-02-04 CelesTrak snapshot, ``"latest"`` for the newest
        snapshot fetched by ``dsrgeo refresh tle``, a TLE file, a folder of ``*.txt`` TLE
        files, TLE text, or :class:`~dsrgeo.gnss.Satellites`.
    pdop : bool, optional
        Compute the ``<sys>_pdop_mean`` columns (they about double the run time).

    Returns
    -------
    pandas.DataFrame
        One row per site, with the index of ``sites``; for each of ``bds``, ``gps``,
        ``gal``, ``glo``: ``<sys>_max``, ``<sys>_mean``, ``<sys>_min`` visible satellites
        over the window and ``<sys>_pdop_mean``, the mean position dilution of precision of
        that constellation alone over the epochs with a usable fix: at least 4 satellites
        visible and PDOP at most :data:`PDOP_USABLE_MAX` (NaN if there is none).
        ``.attrs`` records the window, step, mask and TLE epochs.

    Raises
    ------
    ValueError
        If a datetime is naive, ``end`` is not after ``start``, ``step_s`` is not positive,
        or sites are not points with valid coordinates.
    ElementSetError
        If a TLE is malformed or SGP4 fails for a satellite within the window.

    Warns
    -----
    StaleElementsWarning
        If the window lies more than 14 days from a used satellite's TLE epoch.

    See Also
    --------
    coverage_grid : the same for a global latitude/longitude grid, on Dask.

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> utc = dt.timezone.utc
    >>> beijing = pd.DataFrame({"lat": [39.93], "lon": [116.39]}, index=["Beijing"])
    >>> table = visibility(beijing, start=dt.datetime(2022, 2, 5, tzinfo=utc),
    ...                    end=dt.datetime(2022, 2, 5, 1, tzinfo=utc))
    >>> table.loc["Beijing", ["bds_max", "gps_max"]].tolist()
    [25.0, 9.0]
    """
    times = epoch_times(start, end, step_s)
    core = _core_satellites(tles, times, stacklevel=3)
    return _visibility_table(sites, times, core, step_s, min_elevation_deg, pdop)


def _core_satellites(tles, times, *, stacklevel):
    """Load ``tles``, keep the :data:`CORE_SYSTEMS` and warn if ``times`` are stale for them.

    The setup shared by :func:`visibility`, :func:`~dsrgeo.gnss.coverage_grid` and
    :func:`~dsrgeo.gnss.capitals_visibility`; ``stacklevel`` is the one the caller would
    give :func:`warn_if_stale` (3: the line that called the caller).
    """
    sats = load_satellites(tles)
    core = sats[np.isin(sats.system, CORE_SYSTEMS)]
    warn_if_stale(core, times, stacklevel=stacklevel + 1)
    return core


def _visibility_table(sites, times, core, step_s, min_elevation_deg, pdop):
    """The table :func:`visibility` returns, for satellites from :func:`_core_satellites`."""
    lat, lon = site_coordinates(sites)
    stats = site_statistics(core, times, lat, lon, min_elevation_deg, pdop=pdop)
    table = pd.DataFrame(stats, index=getattr(sites, "index", None))[visibility_columns(pdop)]
    table.attrs.update(
        start=f"{times[0].astype('datetime64[s]')}Z",
        end=f"{(times[-1] + _step(step_s)).astype('datetime64[s]')}Z",
        step_s=step_s,
        min_elevation_deg=float(min_elevation_deg),
        n_epochs=len(times),
        tle_epochs=_epoch_span(core),
        satellites={s: int(np.sum(core.system == s)) for s in CORE_SYSTEMS},
    )
    return table


def epoch_times(start, end, step_s):
    """Return the UTC epochs from ``start`` (included) to ``end`` (excluded) as datetime64.

    Parameters
    ----------
    start, end : datetime.datetime or pandas.Timestamp
        Timezone-aware instants.
    step_s : float
        Step in seconds, positive.

    Returns
    -------
    numpy.ndarray of datetime64[us]
        Naive values meaning UTC.

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
    ValueError: start=datetime.datetime(2022, 2, 5, 0, 0) is a naive datetime; give a timezone, e.g. datetime(..., tzinfo=datetime.timezone.utc)
    """
    bounds = []
    for label, value in (("start", start), ("end", end)):
        if not isinstance(value, _dt.datetime):
            raise TypeError(f"{label} must be a timezone-aware datetime, not {value!r}")
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            raise ValueError(
                f"{label}={value!r} is a naive datetime; give a timezone, "
                "e.g. datetime(..., tzinfo=datetime.timezone.utc)"
            )
        utc = pd.Timestamp(value).tz_convert("UTC").tz_localize(None)
        bounds.append(utc.to_datetime64().astype("datetime64[us]"))
    if not np.isfinite(step_s) or step_s <= 0:
        raise ValueError(f"step_s={step_s!r} must be a positive number of seconds")
    if bounds[1] <= bounds[0]:
        raise ValueError(f"end={end!r} must be after start={start!r}")
    return np.arange(bounds[0], bounds[1], _step(step_s))


def _step(step_s):
    """The time step as a numpy timedelta (microsecond resolution)."""
    return np.timedelta64(round(step_s * 1e6), "us")


def site_coordinates(sites):
    """Return (lat, lon) arrays in degrees from point geometries or ``lat`` / ``lon`` columns.

    Examples
    --------
    >>> import pandas as pd
    >>> site_coordinates(pd.DataFrame({"lat": [10.0], "lon": [20.0]}))
    (array([10.]), array([20.]))
    """
    geometry = getattr(sites, "geometry", None) if hasattr(sites, "crs") else None
    if geometry is not None:
        if sites.crs is not None and not sites.crs.equals("EPSG:4326"):
            geometry = geometry.to_crs("EPSG:4326")
        bad = geometry.isna() | geometry.is_empty | (geometry.geom_type != "Point")
        if bad.any():
            raise ValueError(
                f"sites must be points; row {sites.index[np.argmax(bad.to_numpy())]!r} is "
                f"{geometry[bad].iloc[0]!r}"
            )
        lat, lon = geometry.y.to_numpy(float), geometry.x.to_numpy(float)
    elif hasattr(sites, "columns") and {"lat", "lon"} <= set(sites.columns):
        lat, lon = sites["lat"].to_numpy(float), sites["lon"].to_numpy(float)
    else:
        raise ValueError(
            "sites must be a GeoDataFrame of points or a DataFrame with 'lat' and 'lon' "
            f"columns (degrees); got {type(sites).__name__}"
        )
    if len(lat) == 0:
        raise ValueError("sites is empty; give at least one site")
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 360))
    if bad.any():
        row = getattr(sites, "index", range(len(lat)))[int(np.argmax(bad))]
        raise ValueError(
            f"site {row!r} has lat={lat[bad][0]!r}, lon={lon[bad][0]!r}; expected "
            "latitude in [-90, 90] and longitude in [-180, 180] degrees"
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
        raise ValueError("the window holds no epoch; make end later than start")
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


def check_mask(min_elevation_deg):
    """Raise ValueError unless the elevation mask is a number of degrees in [-90, 90]."""
    if not isinstance(min_elevation_deg, (int, float, np.number)) or not (
        -90 <= min_elevation_deg <= 90
    ):
        raise ValueError(
            f"min_elevation_deg={min_elevation_deg!r} must be a number of degrees in [-90, 90]"
        )


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
            raise ValueError("satellites must be sorted by system, as read_tles returns them")
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


def _epoch_span(sats):
    """Return 'YYYY-MM-DD..YYYY-MM-DD' of the satellites' TLE epochs."""
    if len(sats) == 0:
        return ""
    return f"{str(sats.epoch.min())[:10]}..{str(sats.epoch.max())[:10]}"
