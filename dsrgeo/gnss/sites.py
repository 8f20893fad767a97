"""``visibility()``: visible BeiDou, GPS, Galileo and GLONASS satellites from given sites."""

import numpy as np
import pandas as pd

from dsrgeo import checks
from dsrgeo.gnss.elements import CORE_SYSTEMS
from dsrgeo.gnss.engine import site_statistics, visibility_columns
from dsrgeo.gnss.inputs import (
    WORK_BUDGET_S,
    check_work,
    core_satellites,
    engine_threads,
    epoch_span,
    epochs,
    site_coordinates,
)

__all__ = ["visibility", "visibility_table"]


def visibility(
    sites,
    *,
    start,
    end,
    step_s=60,
    min_elevation_deg=10.0,
    tles=None,
    pdop=True,
    work_budget_s=WORK_BUDGET_S,
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
    work_budget_s : float or None, optional
        Refuse a job estimated to run longer than this many seconds (default 600), before
        any work; ``None`` runs any job. Memory stays flat however long the window.

    Returns
    -------
    pandas.DataFrame
        One row per site, with the index of ``sites``; for each of ``bds``, ``gps``,
        ``gal``, ``glo``: ``<sys>_max``, ``<sys>_mean``, ``<sys>_min`` visible satellites
        over the window and ``<sys>_pdop_mean``, the mean position dilution of precision of
        that constellation alone over the epochs with a usable fix: at least 4 satellites
        visible and PDOP at most :data:`~dsrgeo.gnss.engine.PDOP_USABLE_MAX` (NaN if there is none).
        ``.attrs`` records the window, step, mask and TLE epochs.

    Raises
    ------
    ParameterError
        If a datetime is naive, ``end`` is not after ``start``, ``step_s`` is out of range,
        the mask is not degrees in [-90, 90], or sites are not points with valid coordinates.
    WorkTooLargeError
        If the job would take longer than ``work_budget_s`` (the message says how long).
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
    times = epochs(start, end, step_s)
    core = core_satellites(tles, times, stacklevel=3)
    return visibility_table(sites, times, core, step_s, min_elevation_deg, pdop, work_budget_s)


def visibility_table(sites, times, core, step_s, min_elevation_deg, pdop, work_budget_s):
    """The table :func:`visibility` returns, for satellites from :func:`core_satellites`.

    ``times`` is an :class:`~dsrgeo.gnss.inputs.Epochs`; ``pdop`` must be a bool; the work
    is checked against ``work_budget_s`` once the sites are known, before any satellite is
    propagated.
    """
    pdop = checks.boolean(pdop, "pdop")
    lat, lon = site_coordinates(sites)
    check_work(
        len(lat),
        len(core),
        len(times),
        pdop=pdop,
        budget_s=work_budget_s,
        threads=engine_threads(),
        step_s=times.step / np.timedelta64(1, "s"),
    )
    stats = site_statistics(core, times, lat, lon, min_elevation_deg, pdop=pdop)
    table = pd.DataFrame(stats, index=getattr(sites, "index", None))[visibility_columns(pdop)]
    table.attrs.update(
        start=f"{times.first.astype('datetime64[s]')}Z",
        end=f"{times.end.astype('datetime64[s]')}Z",
        step_s=step_s,
        min_elevation_deg=float(min_elevation_deg),
        n_epochs=len(times),
        tle_epochs=epoch_span(core),
        satellites={s: int(np.sum(core.system == s)) for s in CORE_SYSTEMS},
    )
    return table
