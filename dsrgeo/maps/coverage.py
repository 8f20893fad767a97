"""A lat/lon grid of values (e.g. visible BeiDou satellites) as an inline PNG overlay + legend.

Leaflet stretches an image overlay linearly in Web Mercator, so the grid is resampled onto rows
evenly spaced in Mercator y (nearest grid cell) before it is coloured; the PNG travels as a
``data:`` URI (:func:`png_data_uri`, built when the page is rendered), so the page stays
offline.
"""

import base64
import io
import math

import numpy as np

from dsrgeo.errors import ParameterError
from dsrgeo.styles import Legend, colormap, ramp_colors, ramp_stops
from dsrgeo.text import column_words

__all__ = [
    "MERCATOR_MAX_LAT_DEG",
    "coverage_colors",
    "coverage_image",
    "coverage_label",
    "coverage_legend",
    "png_data_uri",
]

#: Default ramp of coverage overlays: light to dark green (ColorBrewer Greens)
COVERAGE_PALETTE = ("#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b")

MERCATOR_MAX_LAT_DEG = 85.05112878  # Web Mercator's square world
PIXELS_PER_CELL = 2  # output resolution relative to the grid spacing in longitude
#: The most cells (latitudes x longitudes) one overlay may have: coverage_grid(0.25) has
#: 1,038,240; the image, ``PIXELS_PER_CELL`` squared per cell, is built in memory
MAX_CELLS = 2_000_000
#: The share of its latitudes x longitudes cells a grid must hold (missing cells can be
#: rows whose value is NaN): scattered points are not a grid
MIN_FILL = 0.9
#: How far (relative to the step) the latitudes or longitudes of a regular grid may be off
#: even spacing (float noise of a computed grid)
SPACING_RTOL = 1e-3


def _mercator_y(lat_deg):
    lat = np.radians(np.clip(lat_deg, -MERCATOR_MAX_LAT_DEG, MERCATOR_MAX_LAT_DEG))
    return np.log(np.tan(np.pi / 4 + lat / 2))


def _rgb_table(palette, steps=256):
    rgba = colormap(tuple(palette))(np.linspace(0.0, 1.0, steps))
    return np.round(rgba[:, :3] * 255).astype(np.uint8)


_SYSTEMS = {"bds": "BeiDou", "gps": "GPS", "gal": "Galileo", "glo": "GLONASS"}
_METRICS = {
    "max": "satellites in view, daily maximum",
    "mean": "satellites in view, daily mean",
    "min": "satellites in view, daily minimum",
    "pdop_mean": "PDOP, daily mean",
}


def coverage_label(column, attrs=None):
    """Return a grid column's meaning in words (a coverage layer's name and legend title).

    Parameters
    ----------
    column : str
        E.g. ``"bds_max"``: a constellation prefix and a statistic.
    attrs : dict, optional
        The grid's ``.attrs``: ``min_elevation_deg`` is added as the mask.

    Examples
    --------
    >>> coverage_label("bds_max", {"min_elevation_deg": 10.0})
    'BeiDou satellites in view, daily maximum (10° mask)'
    >>> coverage_label("gps_pdop_mean"), coverage_label("my_value")
    ('GPS PDOP, daily mean', 'My value')
    >>> coverage_label("bds_minus_gps_max")
    'BeiDou minus GPS satellites in view, daily maximum'
    """
    system, _, metric = str(column).partition("_")
    first, _, rest = str(column).partition("_minus_")
    other, _, difference = rest.partition("_")
    if system in _SYSTEMS and metric in _METRICS:
        text = f"{_SYSTEMS[system]} {_METRICS[metric]}"
    elif first in _SYSTEMS and other in _SYSTEMS and difference in _METRICS:
        text = f"{_SYSTEMS[first]} minus {_SYSTEMS[other]} {_METRICS[difference]}"
    else:
        text = column_words(column)
    mask = (attrs or {}).get("min_elevation_deg")
    return f"{text} ({float(mask):g}° mask)" if mask is not None else text


def coverage_colors(values, low, high, palette=COVERAGE_PALETTE):
    """Return ``#rrggbb`` per value on the ramp from ``low`` to ``high`` (NaN -> None).

    Examples
    --------
    >>> coverage_colors([0, 10, float("nan")], 0, 10, ["#000000", "#ffffff"])
    ['#000000', '#ffffff', None]
    """
    return ramp_colors(values, low, high, tuple(palette))


def coverage_image(grid, column, *, palette=COVERAGE_PALETTE, value_range=None, opacity=0.65):
    """Render one column of a regular lat/lon grid as a Web-Mercator-ready RGBA PNG.

    Parameters
    ----------
    grid : pandas.DataFrame
        Columns ``lat`` and ``lon`` (degrees, a regular grid) and ``column``.
    column : str
        The value to colour.
    palette : sequence of str
        Ramp colours, or a matplotlib colormap name in a 1-tuple (checked by
        :func:`dsrgeo.styles.validate_palette` in :meth:`dsrgeo.Map.add_coverage`).
    value_range : (float, float), optional
        Ends of the ramp; the data's min and max by default.
    opacity : float
        Alpha of the cells (0..1); cells without a value are transparent.

    Returns
    -------
    tuple
        (PNG bytes, (south, west, north, east) degrees, Legend stops tuple, (low, high)).

    Raises
    ------
    ParameterError
        If ``grid`` is not a regular grid with ``lat``, ``lon`` and ``column`` (evenly
        spaced, a row for at least 90% of its cells, at most ``MAX_CELLS`` cells), or has
        fewer than 2x2 points, or its values are not finite numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> grid = pd.DataFrame([(lat, lon, lat + lon) for lat in (-10, 0, 10) for lon in (0, 10)],
    ...                     columns=["lat", "lon", "bds_max"])
    >>> png, bounds, stops, (low, high) = coverage_image(grid, "bds_max")
    >>> png[1:4] == b"PNG", bounds, (low, high)
    (True, (-15.0, -5.0, 15.0, 15.0), (-10.0, 20.0))
    """
    from PIL import Image

    lats, lons = check_grid(grid, column)
    dlat, dlon = float(np.min(np.diff(lats))), float(np.min(np.diff(lons)))
    table = np.full((lats.size, lons.size), np.nan)
    rows = np.searchsorted(lats, grid["lat"].to_numpy(dtype=float))
    cols = np.searchsorted(lons, grid["lon"].to_numpy(dtype=float))
    table[rows, cols] = grid[column].to_numpy(dtype=float)

    finite = table[np.isfinite(table)]
    if not finite.size:
        raise ParameterError(f"column {column!r} has no finite value to colour", parameter="grid")
    low, high = (
        (float(v) for v in value_range)
        if value_range
        else (float(finite.min()), float(finite.max()))
    )
    south = max(lats[0] - dlat / 2, -MERCATOR_MAX_LAT_DEG)
    north = min(lats[-1] + dlat / 2, MERCATOR_MAX_LAT_DEG)
    west, east = lons[0] - dlon / 2, lons[-1] + dlon / 2

    width = lons.size * PIXELS_PER_CELL
    y_top, y_bottom = _mercator_y(north), _mercator_y(south)
    height = max(2, int(round(width * (y_top - y_bottom) / math.radians(east - west))))
    pixel_y = y_top - (np.arange(height) + 0.5) * (y_top - y_bottom) / height
    pixel_lat = np.degrees(2 * np.arctan(np.exp(pixel_y)) - np.pi / 2)
    row_index = np.clip(np.round((pixel_lat - lats[0]) / dlat).astype(int), 0, lats.size - 1)
    col_index = np.repeat(np.arange(lons.size), PIXELS_PER_CELL)
    values = table[row_index][:, col_index]

    span = (high - low) or 1.0
    scaled = np.clip((values - low) / span, 0, 1)
    lut = _rgb_table(tuple(palette))
    index = np.nan_to_num(scaled * 255).astype(int)
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    rgba[..., :3] = lut[index]
    rgba[..., 3] = np.where(np.isfinite(values), int(round(opacity * 255)), 0)
    buffer = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buffer, format="PNG", optimize=True)
    stops = ramp_stops(low, high, palette)
    bounds = (float(south), float(west), float(north), float(east))
    return buffer.getvalue(), bounds, stops, (low, high)


def check_grid(grid, column):
    """Check that ``grid`` is a regular lat/lon table with a numeric ``column``.

    A regular grid has evenly spaced latitudes and longitudes, at most :data:`MAX_CELLS`
    cells (latitudes x longitudes), and a row for at least :data:`MIN_FILL` of them.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Its latitudes and longitudes, sorted, each once.

    Raises
    ------
    ParameterError
        Naming what is missing or wrong.

    Examples
    --------
    >>> import pandas as pd
    >>> grid = pd.DataFrame({"lat": [0, 0, 10, 10], "lon": [0, 5, 0, 5], "v": [1, 2, 3, 4]})
    >>> [a.tolist() for a in check_grid(grid, "v")]
    [[0.0, 10.0], [0.0, 5.0]]
    >>> check_grid(grid.assign(lat=[0, 0, 10, 25]), "v")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: grid: is not a regular lat/lon grid: its 3 latitudes are not evenly spaced (steps from 10 to 15); expected a table such as dsrgeo.gnss.coverage_grid makes, one row per cell of evenly spaced latitudes x longitudes
    """
    import pandas as pd

    if not isinstance(grid, pd.DataFrame):
        raise ParameterError(
            f"expected a DataFrame from dsrgeo.gnss.coverage_grid, got {type(grid).__name__}",
            parameter="grid",
        )
    for needed in ("lat", "lon", column):
        if needed not in grid.columns:
            columns = ", ".join(map(str, grid.columns))
            raise ParameterError(f"has no column {needed!r}; columns: {columns}", parameter="grid")
    for needed in ("lat", "lon", column):
        if not pd.api.types.is_numeric_dtype(grid[needed]):
            raise ParameterError(f"column {needed!r} must hold numbers", parameter="grid")
    lat, lon = grid["lat"].to_numpy(float), grid["lon"].to_numpy(float)
    if not (
        np.isfinite(lat).all()
        and np.isfinite(lon).all()
        and np.abs(lat).max() <= 90
        and np.abs(lon).max() <= 180
    ):
        raise ParameterError(
            "lat/lon must be finite degrees (lat in [-90, 90], lon in [-180, 180])",
            parameter="grid",
        )
    lats, lons = np.unique(lat), np.unique(lon)
    if lats.size < 2 or lons.size < 2:
        raise ParameterError("needs at least 2 latitudes and 2 longitudes", parameter="grid")
    expected = (
        "expected a table such as dsrgeo.gnss.coverage_grid makes, one row per cell of "
        "evenly spaced latitudes x longitudes"
    )
    for what, values in (("latitudes", lats), ("longitudes", lons)):
        steps = np.diff(values)
        if steps.max() - steps.min() > SPACING_RTOL * steps.min():
            raise ParameterError(
                f"is not a regular lat/lon grid: its {values.size:,} {what} are not evenly "
                f"spaced (steps from {steps.min():.6g} to {steps.max():.6g}); {expected}",
                parameter="grid",
            )
    cells = lats.size * lons.size
    if cells > MAX_CELLS:
        raise ParameterError(
            f"its {lats.size:,} latitudes x {lons.size:,} longitudes make {cells:,} cells, over "
            f"the limit of {MAX_CELLS:,} for one overlay; use a coarser grid "
            "(coverage_grid(0.25) has 1,038,240 cells)",
            parameter="grid",
        )
    if len(grid) < MIN_FILL * cells:
        raise ParameterError(
            f"is not a regular lat/lon grid: {len(grid):,} rows for {lats.size:,} latitudes x "
            f"{lons.size:,} longitudes = {cells:,} cells; {expected} (at least "
            f"{MIN_FILL:.0%} of the cells; a cell without a value can be a row with NaN)",
            parameter="grid",
        )
    return lats, lons


def png_data_uri(png):
    """Return PNG bytes as a ``data:image/png;base64,...`` URI (what the page's overlay loads).

    Examples
    --------
    >>> png_data_uri(b"abc")
    'data:image/png;base64,YWJj'
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def coverage_legend(title, stops, palette=COVERAGE_PALETTE):
    """Return the continuous :class:`~dsrgeo.styles.Legend` of a coverage overlay."""
    return Legend(title, "continuous", "polygon", stops=stops, colormap=tuple(palette))
