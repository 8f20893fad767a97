"""Reference frames for satellite visibility: UTC to Julian dates, TEME to Earth-fixed, sites.

The rotation from SGP4's TEME frame to the Earth-fixed frame is the classic one
(Vallado et al. 2006, "Revisiting Spacetrack Report #3", AIAA 2006-6753, eq. for PEF): a
single rotation about the z axis by the Greenwich mean sidereal time of IAU 1982, with
UTC standing in for UT1 and polar motion ignored. The sizes of what is ignored:

- polar motion (under 0.5 arcsecond): moves a site by at most ~15 m, which changes a GNSS
  satellite's elevation by under 0.0001 degrees;
- UT1 - UTC (kept under 0.9 s by leap seconds; about -0.1 s in February 2022): an Earth
  rotation error of at most 13.5 arcseconds, i.e. at most ~0.005 degrees of elevation for a
  GNSS satellite, and about 0.0006 degrees in February 2022.

- the TEME-to-Earth-fixed convention itself (GMST 1982, the equation of the equinoxes left
  in TEME, as SGP4 defines it) against skyfield's IAU 2000 chain with its own UT1 tables:
  measured over 6 sites x 134 satellites x 24 hours of 2022-02-05, elevations agree within
  0.0005 degrees (1.7 arcseconds).

All are far below the 0.01 degree agreement with skyfield that the tests check.
"""

import numpy as np

__all__ = ["gmst_rad", "julian_dates", "site_ecef_km", "teme_to_ecef"]

_UNIX_EPOCH_JD = 2440587.5
_WGS84_A_KM = 6378.137
_WGS84_F = 1 / 298.257223563
_WGS84_E2 = _WGS84_F * (2 - _WGS84_F)


def julian_dates(times_utc):
    """Split UTC instants into the two-part Julian dates that SGP4 takes.

    Parameters
    ----------
    times_utc : numpy.ndarray of datetime64
        Instants in UTC (timezone-naive ``datetime64`` values that mean UTC).

    Returns
    -------
    jd, fr : numpy.ndarray of float
        Whole-day part (ending in .5) and fraction of a day; ``jd + fr`` is the Julian date.

    Examples
    --------
    >>> jd, fr = julian_dates(np.array(["2000-01-01T12:00"], dtype="datetime64[s]"))
    >>> float(jd[0]), float(fr[0])
    (2451544.5, 0.5)
    """
    seconds = (np.asarray(times_utc, dtype="datetime64[ns]") - np.datetime64(0, "ns")).astype(
        np.int64
    )
    days, rem_ns = np.divmod(seconds, 86_400 * 10**9)
    return _UNIX_EPOCH_JD + days.astype(float), rem_ns / (86_400 * 1e9)


def gmst_rad(jd, fr):
    """Return the Greenwich mean sidereal time (IAU 1982) in radians, UTC taken as UT1.

    Parameters
    ----------
    jd, fr : array_like of float
        Two-part Julian date (see :func:`julian_dates`).

    Returns
    -------
    numpy.ndarray
        Angle in [0, 2 pi).

    Examples
    --------
    At J2000.0 the GMST is 280.46 degrees (Astronomical Almanac):

    >>> round(float(np.degrees(gmst_rad(2451545.0, 0.0))), 4)
    280.4606
    """
    t_cent = ((np.asarray(jd, float) - 2451545.0) + np.asarray(fr, float)) / 36525.0
    seconds = (
        67310.54841
        + (876600.0 * 3600.0 + 8640184.812866) * t_cent
        + 0.093104 * t_cent**2
        - 6.2e-6 * t_cent**3
    )
    return np.mod(np.radians(seconds / 240.0), 2 * np.pi)


def teme_to_ecef(r_teme_km, jd, fr):
    """Rotate TEME positions to the Earth-fixed frame by GMST (polar motion ignored).

    Parameters
    ----------
    r_teme_km : numpy.ndarray, shape (..., n_epochs, 3)
        Positions in km, as ``SatrecArray.sgp4`` returns them.
    jd, fr : numpy.ndarray, shape (n_epochs,)
        Two-part Julian dates of the epochs.

    Returns
    -------
    numpy.ndarray, shape (3, ..., n_epochs)
        Earth-fixed x, y, z in km, component first (the layout the visibility engine uses).

    Examples
    --------
    >>> r = np.array([[[7000.0, 0.0, 0.0]]])
    >>> xyz = teme_to_ecef(r, np.array([2451545.0]), np.array([0.0]))
    >>> np.round(np.hypot(xyz[0], xyz[1]), 6).tolist()
    [[7000.0]]
    """
    theta = gmst_rad(jd, fr)
    cos_t, sin_t = np.cos(theta), np.sin(theta)
    x, y, z = r_teme_km[..., 0], r_teme_km[..., 1], r_teme_km[..., 2]
    return np.stack([cos_t * x + sin_t * y, -sin_t * x + cos_t * y, z])


def site_ecef_km(lat_deg, lon_deg, height_m=0.0):
    """Return Earth-fixed positions and local "up" unit vectors of sites on the WGS84 ellipsoid.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Geodetic latitude and longitude in degrees.
    height_m : float or array_like, optional
        Height above the ellipsoid in metres.

    Returns
    -------
    position_km, up : numpy.ndarray, shape (n, 3)
        Earth-fixed position (km) and the unit normal to the ellipsoid (geodetic zenith).

    Examples
    --------
    >>> pos, up = site_ecef_km([0.0, 90.0], [0.0, 0.0])
    >>> np.round(pos, 3).tolist()
    [[6378.137, 0.0, 0.0], [0.0, 0.0, 6356.752]]
    >>> np.round(up, 12).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    lat = np.radians(np.atleast_1d(np.asarray(lat_deg, float)))
    lon = np.radians(np.atleast_1d(np.asarray(lon_deg, float)))
    h_km = np.broadcast_to(np.asarray(height_m, float) / 1000.0, lat.shape)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    n_km = _WGS84_A_KM / np.sqrt(1.0 - _WGS84_E2 * sin_lat**2)
    up = np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), sin_lat], axis=-1)
    position = np.stack(
        [
            (n_km + h_km) * cos_lat * np.cos(lon),
            (n_km + h_km) * cos_lat * np.sin(lon),
            (n_km * (1.0 - _WGS84_E2) + h_km) * sin_lat,
        ],
        axis=-1,
    )
    return position, up
