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

from dsrgeo.errors import InvalidLayerError
from dsrgeo.maps.styles import (
    CONTINUOUS_PALETTE,
    Legend,
    _hex_to_rgb,
    interpolate_color,
)

__all__ = ["MERCATOR_MAX_LAT_DEG", "coverage_image", "coverage_colors", "png_data_uri"]

MERCATOR_MAX_LAT_DEG = 85.05112878  # Web Mercator's square world
PIXELS_PER_CELL = 2  # output resolution relative to the grid spacing in longitude


def _mercator_y(lat_deg):
    lat = np.radians(np.clip(lat_deg, -MERCATOR_MAX_LAT_DEG, MERCATOR_MAX_LAT_DEG))
    return np.log(np.tan(np.pi / 4 + lat / 2))


def _rgb_table(palette, steps=256):
    colors = [interpolate_color(palette, i / (steps - 1)) for i in range(steps)]
    return np.array([_hex_to_rgb(c) for c in colors], dtype=np.uint8)


def coverage_colors(values, low, high, palette=CONTINUOUS_PALETTE):
    """Return ``#rrggbb`` per value on the ramp from ``low`` to ``high`` (NaN -> None).

    Examples
    --------
    >>> coverage_colors([0, 10, float("nan")], 0, 10, ["#000000", "#ffffff"])
    ['#000000', '#ffffff', None]
    """
    span = (high - low) or 1.0
    return [
        None if not np.isfinite(v) else interpolate_color(palette, (v - low) / span)
        for v in np.asarray(values, dtype=float)
    ]


def coverage_image(grid, column, *, palette=CONTINUOUS_PALETTE, value_range=None, opacity=0.65):
    """Render one column of a regular lat/lon grid as a Web-Mercator-ready RGBA PNG.

    Parameters
    ----------
    grid : pandas.DataFrame
        Columns ``lat`` and ``lon`` (degrees, a regular grid) and ``column``.
    column : str
        The value to colour.
    palette : sequence of str
        Ramp stops.
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
    InvalidLayerError
        If ``lat``/``lon``/``column`` are missing or the grid has fewer than 2x2 points.

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

    for needed in ("lat", "lon", column):
        if needed not in grid.columns:
            raise InvalidLayerError(
                f"coverage grid has no column {needed!r}; columns: {', '.join(map(str, grid.columns))}",
                field=needed,
            )
    lats = np.unique(grid["lat"].to_numpy(dtype=float))
    lons = np.unique(grid["lon"].to_numpy(dtype=float))
    if lats.size < 2 or lons.size < 2:
        raise InvalidLayerError(
            "coverage grid needs at least 2 latitudes and 2 longitudes", field="lat"
        )
    dlat, dlon = float(np.min(np.diff(lats))), float(np.min(np.diff(lons)))
    table = np.full((lats.size, lons.size), np.nan)
    rows = np.searchsorted(lats, grid["lat"].to_numpy(dtype=float))
    cols = np.searchsorted(lons, grid["lon"].to_numpy(dtype=float))
    table[rows, cols] = grid[column].to_numpy(dtype=float)

    finite = table[np.isfinite(table)]
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
    count = len(palette)
    stops = tuple((low + (high - low) * i / (count - 1), palette[i]) for i in range(count))
    bounds = (float(south), float(west), float(north), float(east))
    return buffer.getvalue(), bounds, stops, (low, high)


def png_data_uri(png):
    """Return PNG bytes as a ``data:image/png;base64,...`` URI (what the page's overlay loads).

    Examples
    --------
    >>> png_data_uri(b"abc")
    'data:image/png;base64,YWJj'
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def coverage_legend(title, stops):
    """Return the continuous :class:`Legend` of a coverage overlay."""
    return Legend(title, "continuous", "polygon", stops=stops)
