"""Colours per feature and the legend that explains them, from a catalog ``map`` block or options.

Everything here is plain Python over pandas columns (no folium), so static exports can reuse
exactly the colours the web map shows (see :attr:`dsrgeo.Map.layers`).
"""

import dataclasses
import math

import numpy as np
import pandas as pd

from dsrgeo.errors import InvalidLayerError

__all__ = [
    "CATEGORICAL_PALETTE",
    "CONTINUOUS_PALETTE",
    "MISSING_COLOR",
    "Legend",
    "ColorResult",
    "apply_marks",
    "interpolate_color",
    "resolve_colors",
    "year_of",
]

#: Default categorical colours (ColorBrewer "Set2" then "Dark2", colour-blind friendly)
CATEGORICAL_PALETTE = (
    "#66c2a5",
    "#fc8d62",
    "#8da0cb",
    "#e78ac3",
    "#a6d854",
    "#ffd92f",
    "#e5c494",
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
)
#: Default continuous ramp (viridis at 0, .25, .5, .75, 1)
CONTINUOUS_PALETTE = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
#: Colour of features whose ``color_by`` value is missing
MISSING_COLOR = "#bdbdbd"
MAX_CATEGORIES = len(CATEGORICAL_PALETTE)
OTHER_LABEL = "Other"


@dataclasses.dataclass(frozen=True)
class Legend:
    """What a legend shows for one layer.

    Attributes
    ----------
    title : str
        Plain text (escaped when rendered).
    kind : {"single", "categorical", "continuous"}
        ``single``: one swatch; ``categorical``: ``entries``; ``continuous``: a ramp over
        ``stops`` plus any extra ``entries`` (e.g. "Exited", "No data").
    geometry : {"line", "point", "polygon"}
        How swatches are drawn.
    entries : tuple of (str, str)
        (label, colour) pairs.
    stops : tuple of (float, str)
        (value, colour) pairs from the low to the high end of the ramp.
    """

    title: str
    kind: str
    geometry: str
    entries: tuple = ()
    stops: tuple = ()


@dataclasses.dataclass(frozen=True)
class ColorResult:
    """Colours per feature (hex strings, in row order) and the legend for them."""

    colors: tuple
    legend: Legend


def _hex_to_rgb(color):
    color = color.lstrip("#")
    return tuple(int(color[i : i + 2], 16) for i in (0, 2, 4))


def interpolate_color(palette, fraction):
    """Return the colour at ``fraction`` (0..1) along a ramp of hex colours, linear in RGB.

    Parameters
    ----------
    palette : sequence of str
        Evenly spaced ``#rrggbb`` stops.
    fraction : float
        Position on the ramp; clipped to [0, 1].

    Returns
    -------
    str
        ``#rrggbb``.

    Examples
    --------
    >>> interpolate_color(["#000000", "#ffffff"], 0.5)
    '#808080'
    >>> interpolate_color(["#000000", "#ffffff"], 2)
    '#ffffff'
    """
    fraction = min(max(float(fraction), 0.0), 1.0)
    position = fraction * (len(palette) - 1)
    low = min(int(math.floor(position)), len(palette) - 2)
    weight = position - low
    a, b = _hex_to_rgb(palette[low]), _hex_to_rgb(palette[low + 1])
    rgb = (round(x + (y - x) * weight) for x, y in zip(a, b))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def year_of(value):
    """Return the year of a value that is a year (int/float) or an ISO date string, else None.

    Examples
    --------
    >>> year_of(2019.0), year_of("2023-12-06"), year_of(None), year_of(float("nan"))
    (2019, 2023, None, None)
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        head = value.strip()[:4]
        return int(head) if head.isdigit() else None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    if hasattr(value, "year"):
        return int(value.year)
    return int(value)


def _require_column(frame, column, option, layer_name):
    if column not in frame.columns:
        available = ", ".join(c for c in frame.columns if c != "geometry")
        raise InvalidLayerError(
            f"{option}={column!r} is not a column of layer {layer_name!r}; "
            f"available columns: {available}",
            field=column,
        )


def _label(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def resolve_colors(
    frame,
    *,
    layer_name,
    geometry,
    color="#3388ff",
    color_by=None,
    categories=None,
    palette=None,
    value_range=None,
    marks=None,
    legend_title=None,
    single_label=None,
    missing_label="No data",
    category_labels=None,
):
    """Give every row of ``frame`` a colour and describe the result as a legend.

    Parameters
    ----------
    frame : pandas.DataFrame
        The layer's rows (a GeoDataFrame works).
    layer_name : str
        Used in error messages and as the default legend title.
    geometry : {"line", "point", "polygon"}
        Swatch shape for the legend.
    color : str
        The colour when ``color_by`` is None.
    color_by : str, optional
        A column: numeric columns get a continuous ramp, others categories.
    categories : dict, optional
        ``{value: colour}`` for a categorical ``color_by`` (order kept in the legend); values
        not listed get palette colours.
    palette : sequence of str, optional
        Ramp stops (continuous) or colours (categorical).
    value_range : (float, float), optional
        Fixed ends of a continuous ramp; the data's min and max by default.
    marks : dict, optional
        ``{"column": name, "values": {value: {"color": c, "label": text}}}``: rows whose
        ``column`` equals a listed value take that colour whatever ``color_by`` says (e.g. BRI
        members by signing year, but exited countries in one colour).
    legend_title : str, optional
    single_label : str, optional
        Legend label of the single swatch when ``color_by`` is None (default: ``layer_name``).
    missing_label : str
        Legend label of rows whose ``color_by`` value is missing.
    category_labels : dict, optional
        ``{value: label}`` shown in the legend instead of raw category values.

    Returns
    -------
    ColorResult

    Raises
    ------
    InvalidLayerError
        If ``color_by`` or the ``marks`` column is not a column of ``frame``.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": [2013, 2023, None]})
    >>> result = resolve_colors(frame, layer_name="t", geometry="polygon", color_by="year",
    ...                         palette=["#000000", "#ffffff"])
    >>> result.colors
    ('#000000', '#ffffff', '#bdbdbd')
    >>> result.legend.kind, result.legend.stops, result.legend.entries
    ('continuous', ((2013.0, '#000000'), (2023.0, '#ffffff')), (('No data', '#bdbdbd'),))
    """
    n = len(frame)
    title = legend_title or layer_name
    if color_by is None:
        colors = [color] * n
        legend = Legend(title, "single", geometry, entries=((single_label or layer_name, color),))
    else:
        _require_column(frame, color_by, "color_by", layer_name)
        values = frame[color_by]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if numeric and not categories:
            colors, legend = _continuous(
                values, title, geometry, palette, value_range, missing_label
            )
        else:
            colors, legend = _categorical(
                values, title, geometry, categories, palette, missing_label, category_labels or {}
            )
    if marks:
        colors, legend = apply_marks(frame, colors, legend, marks, layer_name)
    return ColorResult(tuple(colors), legend)


def _continuous(values, title, geometry, palette, value_range, missing_label):
    palette = tuple(palette or CONTINUOUS_PALETTE)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = numbers[np.isfinite(numbers)]
    if value_range is not None:
        low, high = (float(v) for v in value_range)
    elif finite.size:
        low, high = float(finite.min()), float(finite.max())
    else:
        low = high = 0.0
    span = high - low
    colors = []
    for number in numbers:
        if not np.isfinite(number):
            colors.append(MISSING_COLOR)
        else:
            colors.append(interpolate_color(palette, 0.0 if span == 0 else (number - low) / span))
    stops = ((low, palette[0]), (high, palette[-1])) if span else ((low, palette[0]),)
    if len(palette) > 2 and span:
        count = len(palette)
        stops = tuple((low + span * i / (count - 1), palette[i]) for i in range(count))
    entries = ((missing_label, MISSING_COLOR),) if finite.size < len(numbers) else ()
    return colors, Legend(title, "continuous", geometry, entries=entries, stops=stops)


def _categorical(values, title, geometry, categories, palette, missing_label, labels):
    palette = tuple(palette or CATEGORICAL_PALETTE)
    mapping = dict(categories or {})
    present = [v for v in pd.unique(values) if not _missing(v)]
    unlisted = sorted((v for v in present if v not in mapping), key=str)
    if len(unlisted) > MAX_CATEGORIES - len(mapping):
        counts = values.value_counts()
        unlisted = sorted(
            counts[[v in unlisted for v in counts.index]].index[: MAX_CATEGORIES - 1], key=str
        )
        overflow = True
    else:
        overflow = False
    used = set(mapping.values())
    free = [c for c in palette if c not in used] or list(palette)
    for i, value in enumerate(unlisted):
        mapping[value] = free[i % len(free)]
    colors = []
    for value in values:
        if _missing(value):
            colors.append(MISSING_COLOR)
        else:
            colors.append(mapping.get(value, MISSING_COLOR))
    entries = [(str(labels.get(k, _label(k))), v) for k, v in mapping.items() if k in set(present)]
    if overflow:
        entries.append((OTHER_LABEL, MISSING_COLOR))
    if any(_missing(v) for v in values):
        entries.append((missing_label, MISSING_COLOR))
    return colors, Legend(title, "categorical", geometry, entries=tuple(entries))


def _missing(value):
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False  # lists and other containers


def apply_marks(frame, colors, legend, marks, layer_name):
    """Return (colours, legend) with ``marks`` applied (see :func:`resolve_colors`)."""
    column = marks["column"]
    _require_column(frame, column, "marks column", layer_name)
    rules = marks["values"]
    colors = list(colors)
    values = frame[column].tolist()
    hit = set()
    for i, value in enumerate(values):
        rule = rules.get(value) if not _missing(value) else None
        if rule is not None:
            colors[i] = rule["color"]
            hit.add(value)
    # a marked value replaces the ramp for its rows; the missing-value entry stays only if
    # some unmarked row still has no value
    remaining = [c for c, value in zip(colors, values) if value not in hit]
    entries = [e for e in legend.entries if e[1] != MISSING_COLOR or MISSING_COLOR in remaining]
    for value, rule in rules.items():
        if value in hit:
            entries.append((rule.get("label", str(value)), rule["color"]))
    return colors, dataclasses.replace(legend, entries=tuple(entries))
