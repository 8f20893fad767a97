"""Time: the world at the end of year Y, for every layer, and the years the slider steps.

One rule per layer, used both by ``load(layer, as_of=Y)`` (:func:`apply_as_of`) and by the
map's year slider (:func:`row_years`), and one year parser (:func:`year_of`), so a map with a
slider at year Y shows exactly the rows ``load(..., as_of=Y)`` returns.

The rules:

- ``cables``: in service: a ready-for-service year at or before Y and not marked planned.
- ``hmn_cables``: cables as above; projects without a cable on the map by their project year.
- ``landing_points``: points where at least one cable in service by Y lands (their
  ``cable_ids`` are cut to those cables).
- ``bri_countries``: a member from the year its cooperation document was signed (members
  without a known date count in every year), ``exited`` from the year of the exit date; China,
  the initiator, in every year from 2013; DSR and standards agreement years after Y are
  blanked.
- ``safe_cities``: rows dated Y or earlier, and undated rows.
- ``clean_network``: ``none`` until the year a country joined (members without a date count
  in every year), ``withdrawn`` from the year it left (the programme ended in January 2021,
  so later years show its last state).
- ``huawei_5g``: a restriction from its year; before it no position (restriction fields
  blanked).
- ``cloud_regions``: regions opened in Y or earlier, and regions without an opening year.
- ``cable_incidents``: incidents that began in Y or earlier.

Layers without time (``land``, ``beidou_capitals``) ignore ``as_of``.
"""

import math

import pandas as pd

from dsrgeo import checks
from dsrgeo.errors import AsOfOutOfRangeError

__all__ = [
    "NEVER",
    "apply_as_of",
    "check_as_of",
    "in_service",
    "row_years",
    "year_of",
]

#: A start year that is never reached (a planned cable, for the slider).
NEVER = 9999


def year_of(value):
    """Return the year of a value that is a year (number) or an ISO date, else None.

    The one year parser of dsrgeo: numbers, numeric text, ISO dates (``"2023-12-06"``,
    ``"2023-12"``), pandas/py datetimes; missing values (None, NaN, NA) give None.

    Examples
    --------
    >>> year_of(2019.0), year_of("2023-12-06"), year_of(None), year_of(float("nan"))
    (2019, 2023, None, None)
    >>> year_of("abc") is None
    True
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        head = value.strip()[:4]
        # ASCII digits only: str.isdigit also takes "²⁰²²", which int() refuses
        return int(head) if len(head) == 4 and head.isascii() and head.isdigit() else None
    if hasattr(value, "year"):
        return int(value.year)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else int(number)


def _years(series):
    """A nullable Int64 Series of :func:`year_of` over ``series``."""
    return pd.array([year_of(v) for v in series], dtype="Int64")


def check_as_of(info, as_of):
    """Return ``as_of`` as an int year for the layer ``info``, or None.

    Parameters
    ----------
    info : dsrgeo.catalog.LayerInfo
    as_of : int or None

    Returns
    -------
    int or None
        None when ``as_of`` is None or the layer has no time.

    Raises
    ------
    ParameterError
        If ``as_of`` is not a whole year.
    AsOfOutOfRangeError
        If it lies outside the layer's years.
    """
    if as_of is None:
        return None
    year = checks.year(as_of)
    if info.years is None:
        return None
    first, last = info.years
    if not first <= year <= last:
        raise AsOfOutOfRangeError(year, first, last, info.id)
    return year


def in_service(cables, year):
    """Return a boolean Series: cables in service by the end of ``year``.

    In service means a ready-for-service year at or before ``year`` and not marked planned
    (``rfs_year`` may be any numeric or numeric-text column).

    Examples
    --------
    >>> frame = pd.DataFrame({"rfs_year": [2010, 2024, None], "is_planned": [False, True, None]})
    >>> in_service(frame, 2022).tolist()
    [True, False, False]
    """
    rfs = _years(cables["rfs_year"])
    planned = _planned(cables)
    return pd.Series(((rfs <= year) & ~planned).fillna(False).astype(bool), index=cables.index)


def _planned(cables):
    return cables["is_planned"].astype("boolean").fillna(False).to_numpy(dtype=bool)


def _cable_start(frame):
    """First year a cable is in service: its RFS year; NEVER if planned or the year is unknown."""
    planned = _planned(frame)
    starts = [None if p else year_of(rfs) for rfs, p in zip(frame["rfs_year"], planned)]
    return [NEVER if start is None else start for start in starts]


# -- the rules ----------------------------------------------------------------------------
# Each rule takes (frame, year, cables) and returns the rows (and values) as of the end of
# ``year``; ``cables`` is the cables layer as of that year (landing points need it).


def _cables_as_of(frame, year, cables):
    return frame[in_service(frame, year)]


def _hmn_as_of(frame, year, cables):
    on_map = (frame["origin"] != "project_list").to_numpy()
    listed = ~on_map & (_years(frame["project_year"]) <= year).fillna(False).to_numpy(bool)
    return frame[(on_map & in_service(frame, year).to_numpy()) | listed]


def _landing_points_as_of(frame, year, cables):
    live = set(cables["id"])
    cable_ids = frame["cable_ids"].map(lambda ids: sorted(i for i in ids if i in live))
    frame = frame.assign(cable_ids=cable_ids)
    return frame[frame["cable_ids"].map(len) > 0]


def _bri_as_of(frame, year, cables):
    frame = frame.copy()
    start, end = _bri_years(frame)
    initiator = (frame["bri_status"] == "initiator").to_numpy()
    listed = (frame["bri_status"] != "none").to_numpy() & ~initiator
    joined = listed & (start.isna() | (start <= year)).fillna(False).to_numpy(bool)
    left = joined & (end <= year).fillna(False).to_numpy(bool)
    frame["bri_status"] = "none"
    frame.loc[joined, "bri_status"] = "member"
    frame.loc[left, "bri_status"] = "exited"
    frame.loc[initiator, "bri_status"] = "initiator"  # China, from 2013: the first year
    joined = joined | initiator
    for column in ("mou_date", "bri_year"):
        frame[column] = frame[column].where(joined, None)
    frame["exit_date"] = frame["exit_date"].where(left, None)
    for column in ("dsr_agreement_year", "standards_agreement_year"):
        keep = (_years(frame[column]) <= year).fillna(False).to_numpy(bool)
        frame[column] = frame[column].where(keep, None)
    return frame


def _bri_years(frame):
    return _years(frame["bri_year"]), _years(frame["exit_date"])


def _dated_rows(column):
    """The rule of point layers: rows dated ``column`` <= Y, and undated rows."""

    def rule(frame, year, cables):
        years = _years(frame[column])
        return frame[(years.isna() | (years <= year)).fillna(False).to_numpy(bool)]

    return rule


def _clean_network_as_of(frame, year, cables):
    frame = frame.copy()
    start, end = _years(frame["joined_year"]), _years(frame["left_date"])
    listed = (frame["status"] != "none").to_numpy()
    joined = listed & (start.isna() | (start <= year)).fillna(False).to_numpy(bool)
    left = joined & (end <= year).fillna(False).to_numpy(bool)
    withdrawn = (frame["status"] == "withdrawn").to_numpy()
    frame["status"] = frame["status"].where(joined, "none")
    frame.loc[joined & withdrawn & ~left, "status"] = "member"
    for column in ("joined_date", "joined_year"):
        frame[column] = frame[column].where(joined, None)
    frame["left_date"] = frame["left_date"].where(left, None)
    return frame


def _huawei_5g_as_of(frame, year, cables):
    frame = frame.copy()
    start = _years(frame["restriction_year"])
    later = (start > year).fillna(False).to_numpy(bool)
    for column in (
        "restriction",
        "restriction_date",
        "restriction_year",
        "restriction_basis",
        "restriction_note",
    ):
        frame[column] = frame[column].where(~later, None)
    return frame


def _incidents_as_of(frame, year, cables):
    return frame[(_years(frame["date_start"]) <= year).fillna(False).to_numpy(bool)]


_AS_OF = {
    "cables": _cables_as_of,
    "hmn_cables": _hmn_as_of,
    "landing_points": _landing_points_as_of,
    "bri_countries": _bri_as_of,
    "safe_cities": _dated_rows("year"),
    "clean_network": _clean_network_as_of,
    "huawei_5g": _huawei_5g_as_of,
    "cloud_regions": _dated_rows("opening_year"),
    "cable_incidents": _incidents_as_of,
}


def apply_as_of(frame, info, as_of, *, cables=None):
    """Return a layer's rows (and BRI statuses) as they were at the end of a year.

    This is what ``load(layer_id, as_of=...)`` applies; call it on a frame you loaded without
    ``as_of`` (perhaps changed since) to get the same answer.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Rows of the catalog layer ``info``, with its columns.
    info : dsrgeo.catalog.LayerInfo
        Which layer's rule to apply (see the module docstring).
    as_of : int or None
        The year; None returns ``frame`` unchanged. Layers without time ignore it.
    cables : geopandas.GeoDataFrame, optional
        The cables in service by ``as_of``; needed for ``landing_points`` only.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame with a fresh index; ``.attrs`` are kept, ``attrs["as_of"]`` set to the
        year.

    Raises
    ------
    AsOfOutOfRangeError
        If ``as_of`` is outside the layer's years.
    ParameterError
        If ``as_of`` is not a year, or ``cables`` is missing for ``landing_points``.
    """
    year = check_as_of(info, as_of)
    if year is None or info.id not in _AS_OF:
        return frame
    if info.id == "landing_points" and cables is None:
        raise checks.ParameterError(
            "landing points as of a year need the cables as of that year", parameter="cables"
        )
    attrs = dict(frame.attrs)
    result = _AS_OF[info.id](frame, year, cables).reset_index(drop=True)
    result.attrs.update(attrs, as_of=year)
    return result


def row_years(frame, layer_id):
    """Return (start, end) years per row: when the row appears, and when it turns "after".

    The slider's view of :func:`apply_as_of`: at year Y a row is absent (``before``) if
    ``start > Y``, in its ``after`` state (e.g. an exited BRI member) if ``end <= Y``, and
    present otherwise. None means always present (start) or never after (end); a planned
    cable starts at :data:`NEVER`.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows of the layer ``layer_id``.
    layer_id : str

    Returns
    -------
    tuple of (list, list) or None
        None for layers without time.

    Examples
    --------
    >>> frame = pd.DataFrame({"rfs_year": [2010, 2024, None], "is_planned": [False, True, False]})
    >>> row_years(frame, "cables")
    ([2010, 9999, 9999], [None, None, None])
    """
    n = len(frame)
    if layer_id == "cables":
        return _cable_start(frame), [None] * n
    if layer_id == "hmn_cables":
        start = _cable_start(frame)
        listed = (frame["origin"] == "project_list").tolist()
        years = [year_of(v) or NEVER for v in frame["project_year"]]
        return [y if only else s for s, y, only in zip(start, years, listed)], [None] * n
    if layer_id == "bri_countries":
        start, end = _bri_years(frame)
        none = (frame["bri_status"] == "none").tolist()
        start = [
            NEVER if is_none else (None if s is pd.NA else int(s))
            for s, is_none in zip(start, none)
        ]
        return start, [None if e is pd.NA else int(e) for e in end]
    if layer_id in ("safe_cities", "cloud_regions"):
        column = "year" if layer_id == "safe_cities" else "opening_year"
        return [year_of(v) for v in frame[column]], [None] * n
    if layer_id == "clean_network":
        none = (frame["status"] == "none").tolist()
        start = [NEVER if is_none else year_of(v) for v, is_none in zip(frame["joined_year"], none)]
        return start, [year_of(v) for v in frame["left_date"]]
    if layer_id == "huawei_5g":
        return [year_of(v) for v in frame["restriction_year"]], [None] * n
    if layer_id == "cable_incidents":  # an undated incident is in no year (apply_as_of)
        start = [year_of(v) for v in frame["date_start"]]
        return [NEVER if s is None else s for s in start], [None] * n
    return None
