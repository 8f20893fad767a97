"""Colours per feature and the legend that explains them: one palette for page and static.

Ramps are matplotlib colormaps (``viridis`` by default; a list of colours becomes a linear
colormap through them), so the interactive page and the static exports colour every feature
from the same function, :func:`resolve_colors`. Colours are checked by :func:`check_color`
before they are used, so no value can reach a ``style=`` attribute or matplotlib unchecked.
"""

import dataclasses
import functools
import re

import numpy as np
import pandas as pd

from dsrgeo.errors import ParameterError

__all__ = [
    "CATEGORICAL_PALETTE",
    "CONTINUOUS_COLORMAP",
    "MISSING_COLOR",
    "ColorResult",
    "Legend",
    "apply_marks",
    "check_color",
    "colormap",
    "ramp_colors",
    "ramp_stops",
    "resolve_colors",
    "validate_palette",
]

#: Default categorical colours: Okabe and Ito's palette for colour-blind readers (Okabe M.,
#: Ito K., "Color Universal Design", 2008), without its black. Seven colours stay apart
#: under simulated protan, deutan and tritan vision (tests/test_styles.py); an eighth
#: category and more are drawn as "Other".
CATEGORICAL_PALETTE = (
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#f0e442",
    "#0072b2",
    "#d55e00",
    "#cc79a7",
)
#: Default continuous colormap (matplotlib's name)
CONTINUOUS_COLORMAP = "viridis"
#: Colour of features whose ``color_by`` value is missing
MISSING_COLOR = "#bdbdbd"
#: How many (value, colour) stops the legend of a named colormap carries (the page's CSS
#: gradient); a ramp through given colours has those colours as its stops
LEGEND_STOPS = 9
MAX_CATEGORIES = len(CATEGORICAL_PALETTE)
OTHER_LABEL = "Other"

# What may be written into CSS: a hex colour or a plain colour name (no ';', '(', spaces)
_CSS_SAFE = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20})$")


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
    colormap : tuple of str
        The colours the ramp was built from (a colormap name in a 1-tuple, or hex colours),
        so a static colorbar draws the same ramp.
    """

    title: str
    kind: str
    geometry: str
    entries: tuple = ()
    stops: tuple = ()
    colormap: tuple = ()


@dataclasses.dataclass(frozen=True)
class ColorResult:
    """Colours per feature (hex strings, in row order) and the legend for them."""

    colors: tuple
    legend: Legend


def check_color(color, *, option="color"):
    """Return ``color`` if it is ``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or a named colour.

    Raises
    ------
    ParameterError
        For anything else (which could inject CSS into the page or fail later in matplotlib).

    Examples
    --------
    >>> check_color("#d7301f"), check_color("teal")
    ('#d7301f', 'teal')
    >>> check_color("red;background:url(x)")
    Traceback (most recent call last):
    ...
    dsrgeo.errors.ParameterError: color: 'red;background:url(x)' is not a colour; use '#rrggbb' or a colour name such as 'teal'
    """
    from matplotlib.colors import is_color_like

    if not isinstance(color, str) or not _CSS_SAFE.match(color) or not is_color_like(color):
        raise ParameterError(
            f"{color!r} is not a colour; use '#rrggbb' or a colour name such as 'teal'",
            parameter=option,
        )
    return color


@functools.lru_cache(maxsize=64)
def colormap(palette=None):
    """Return a matplotlib colormap: a registered name, or a linear ramp through colours.

    Parameters
    ----------
    palette : str or tuple of str, optional
        A colormap name (``"viridis"``), or evenly spaced colours; default
        :data:`CONTINUOUS_COLORMAP`.

    Returns
    -------
    matplotlib.colors.Colormap

    Raises
    ------
    ParameterError
        If the name is not a matplotlib colormap or a colour is malformed.

    Examples
    --------
    >>> colormap("viridis").name
    'viridis'
    >>> colormap(("#000000", "#ffffff")).N
    256
    """
    import matplotlib
    from matplotlib.colors import LinearSegmentedColormap

    if palette is None:
        palette = CONTINUOUS_COLORMAP
    if isinstance(palette, str):
        palette = (palette,)
    palette = tuple(palette)
    if len(palette) == 1 and palette[0] in matplotlib.colormaps:
        return matplotlib.colormaps[palette[0]]
    if len(palette) < 2:
        raise ParameterError(
            f"expected a matplotlib colormap name or at least two colours, got {palette!r}",
            parameter="palette",
        )
    for value in palette:
        check_color(value, option="palette")
    return LinearSegmentedColormap.from_list("dsrgeo", list(palette))


def ramp_colors(values, low, high, palette=None):
    """Return ``#rrggbb`` per value on the ramp from ``low`` to ``high`` (NaN -> None).

    Values outside the range take the colour of the nearer end.

    Examples
    --------
    >>> ramp_colors([0, 10, float("nan")], 0, 10, ("#000000", "#ffffff"))
    ['#000000', '#ffffff', None]
    """
    cmap = colormap(None if palette is None else tuple(palette))
    numbers = np.asarray(values, dtype=float)
    span = (high - low) or 1.0
    fractions = np.clip((numbers - low) / span, 0.0, 1.0)
    rgba = cmap(np.nan_to_num(fractions))
    # matplotlib's to_hex, for all rows at once: round(channel * 255) (half to even), 2 hex digits
    channels = np.round(np.asarray(rgba)[:, :3] * 255).astype(int)
    table = {}
    out = []
    for finite, (r, g, b) in zip(np.isfinite(numbers).tolist(), channels.tolist()):
        if not finite:
            out.append(None)
            continue
        key = (r << 16) | (g << 8) | b
        text = table.get(key)
        if text is None:
            text = table[key] = f"#{r:02x}{g:02x}{b:02x}"
        out.append(text)
    return out


def _require_column(frame, column, option, layer_name):
    if column not in frame.columns:
        available = ", ".join(str(c) for c in frame.columns if c != "geometry")
        raise ParameterError(
            f"{column!r} is not a column of layer {layer_name!r}; available columns: {available}",
            parameter=option,
        )


def _label(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _hashable(value, column, layer_name):
    try:
        hash(value)
    except TypeError:
        raise ParameterError(
            f"column {column!r} of layer {layer_name!r} holds {type(value).__name__} values, "
            "which cannot be colour categories; colour by a column of text or numbers",
            parameter="color_by",
        ) from None
    return value


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
    legend_title=None,
    single_label=None,
    missing_label="No data",
    category_labels=None,
    missing_color=MISSING_COLOR,
    marked=(),
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
    palette : str or sequence of str, optional
        A colormap name or ramp colours (continuous), or colours (categorical).
    value_range : (float, float), optional
        Fixed ends of a continuous ramp; the data's min and max by default.
    legend_title : str, optional
    single_label : str, optional
        Legend label of the single swatch when ``color_by`` is None (default: ``layer_name``).
    missing_label : str
        Legend label of rows whose ``color_by`` value is missing.
    category_labels : dict, optional
        ``{value: label}`` shown in the legend instead of raw category values.
    missing_color : str
        Colour of rows whose ``color_by`` value is missing.
    marked : tuple, optional
        ``color_by`` values that marks applied later with :func:`apply_marks` colour: they
        get no category colour and no legend entry of their own.

    Returns
    -------
    ColorResult

    Raises
    ------
    ParameterError
        If ``color_by`` is not a column of ``frame``, holds values that cannot be categories
        (lists), or a colour is malformed.

    Examples
    --------
    >>> frame = pd.DataFrame({"year": [2013, 2023, None]})
    >>> result = resolve_colors(frame, layer_name="t", geometry="polygon", color_by="year",
    ...                         palette=["#000000", "#ffffff"])
    >>> result.colors
    ('#000000', '#ffffff', '#bdbdbd')
    >>> result.legend.kind, result.legend.stops[0], result.legend.stops[-1], result.legend.entries
    ('continuous', (2013.0, '#000000'), (2023.0, '#ffffff'), (('No data', '#bdbdbd'),))
    """
    n = len(frame)
    title = legend_title or layer_name
    if color_by is None:
        color = check_color(color)
        colors = [color] * n
        legend = Legend(title, "single", geometry, entries=((single_label or layer_name, color),))
    else:
        _require_column(frame, color_by, "color_by", layer_name)
        values = frame[color_by]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        missing_color = check_color(missing_color, option="missing_color")
        if numeric and not categories:
            colors, legend = _continuous(
                values, title, geometry, palette, value_range, missing_label, missing_color
            )
        else:
            colors, legend = _categorical(
                values,
                title,
                geometry,
                categories,
                palette,
                (missing_label, missing_color),
                category_labels or {},
                (color_by, layer_name, tuple(marked)),
            )
    return ColorResult(tuple(colors), legend)


def _continuous(values, title, geometry, palette, value_range, missing_label, missing_color):
    palette = CONTINUOUS_COLORMAP if palette is None else palette
    palette = (palette,) if isinstance(palette, str) else tuple(palette)
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = numbers[np.isfinite(numbers)]
    if value_range is not None:
        low, high = (float(v) for v in value_range)
    elif finite.size:
        low, high = float(finite.min()), float(finite.max())
    else:
        low = high = 0.0
    colors = [c or missing_color for c in ramp_colors(numbers, low, high, palette)]
    stops = ramp_stops(low, high, palette)
    entries = ((missing_label, missing_color),) if finite.size < len(numbers) else ()
    legend = Legend(title, "continuous", geometry, entries=entries, stops=stops, colormap=palette)
    return colors, legend


def ramp_stops(low, high, palette):
    """Return the (value, colour) stops of a legend's ramp from ``low`` to ``high``.

    A ramp through given colours has those colours as its stops, evenly spaced; a colormap
    name (a 1-tuple) is sampled at :data:`LEGEND_STOPS` values; ``low == high`` is one stop.

    Examples
    --------
    >>> ramp_stops(0, 10, ("#000000", "#ffffff"))
    ((0.0, '#000000'), (10.0, '#ffffff'))
    >>> stops = ramp_stops(0, 8, ("viridis",))
    >>> len(stops), stops[0], stops[-1]
    (9, (0.0, '#440154'), (8.0, '#fde725'))
    """
    palette = tuple(palette)
    if high - low and len(palette) > 1:
        levels = np.linspace(low, high, len(palette))
        return tuple(zip(levels.tolist(), palette))
    if high - low:
        levels = np.linspace(low, high, LEGEND_STOPS)
        return tuple(zip(levels.tolist(), ramp_colors(levels, low, high, palette)))
    return ((float(low), ramp_colors([low], low, high, palette)[0]),)


def _categorical(values, title, geometry, categories, palette, missing, labels, where):
    missing_label, missing_color = missing
    column, layer_name, marked = where
    palette = tuple(palette or CATEGORICAL_PALETTE)
    for color in palette:
        check_color(color, option="palette")
    mapping = {k: check_color(v, option="categories") for k, v in dict(categories or {}).items()}
    for value in values:  # check before pandas hashes them (a list column fails there)
        _hashable(value, column, layer_name)
    present = (
        [v for v in pd.unique(values.astype(object)) if not _missing(v) and v not in marked]
        if len(values)
        else []
    )
    unlisted = sorted((v for v in present if v not in mapping), key=str)
    overflow = len(unlisted) > MAX_CATEGORIES - len(mapping)
    if overflow:
        counts = values.value_counts()
        unlisted = sorted(
            counts[[v in unlisted for v in counts.index]].index[: MAX_CATEGORIES - 1], key=str
        )
    used = set(mapping.values())
    free = [c for c in palette if c not in used] or list(palette)
    for i, value in enumerate(unlisted):
        mapping[value] = free[i % len(free)]
    colors = [missing_color if _missing(v) else mapping.get(v, MISSING_COLOR) for v in values]
    present_set = set(present)
    entries = [(str(labels.get(k, _label(k))), v) for k, v in mapping.items() if k in present_set]
    if overflow:
        entries.append((OTHER_LABEL, MISSING_COLOR))
    if any(_missing(v) for v in values):
        entries.append((missing_label, missing_color))
    return colors, Legend(title, "categorical", geometry, entries=tuple(entries))


def _missing(value):
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False  # lists and other containers


def apply_marks(frame, colors, legend, marks, layer_name, missing_color=MISSING_COLOR):
    """Return (colours, legend) with ``marks`` applied.

    ``marks`` is ``{"column": name, "values": {value: {"color": c, "label": text}}}``: rows
    whose ``column`` equals a listed value take that colour whatever ``color_by`` said (e.g.
    BRI members by signing year, but exited countries in one colour), with a legend entry.
    """
    column = marks["column"]
    _require_column(frame, column, "marks", layer_name)
    rules = marks["values"]
    colors = list(colors)
    values = frame[column].tolist()
    hit = set()
    for i, value in enumerate(values):
        rule = rules.get(value) if not _missing(value) else None
        if rule is not None:
            colors[i] = check_color(rule["color"], option="marks")
            hit.add(value)
    # a marked value replaces the ramp for its rows; the missing-value entry stays only if
    # some unmarked row still has no value
    remaining = [c for c, value in zip(colors, values) if value not in hit]
    entries = [e for e in legend.entries if e[1] != missing_color or missing_color in remaining]
    for value, rule in rules.items():
        if value in hit:
            entries.append((rule.get("label", str(value)), rule["color"]))
    return colors, dataclasses.replace(legend, entries=tuple(entries))


def validate_palette(palette, *, option="palette"):
    """Return ``palette`` as a tuple after checking each colour (or a colormap name)."""
    if palette is None:
        return None
    if isinstance(palette, str):
        colormap(palette)
        return (palette,)
    try:
        palette = tuple(palette)
    except TypeError:
        raise ParameterError(
            f"expected a list of colours, got {palette!r}", parameter=option
        ) from None
    for value in palette:
        check_color(value, option=option)
    return palette
