"""From an ``add()`` call to a :class:`MapLayer`: read the input, style it, keep what is drawn.

Accepts a catalog id, a GeoDataFrame or a GeoJSON path (read strictly, as JSON:
:func:`dsrgeo.geojson.read_user_file`); brings it to EPSG:4326, checks its coordinates, splits
user geometry at the antimeridian (:func:`dsrgeo.geodesy.split_antimeridian`), applies
``as_of`` (:mod:`dsrgeo.timeline`), resolves colours and the legend (:mod:`dsrgeo.styles`)
and the tooltip/popup fields. No HTML here.
"""

import dataclasses
import os
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from dsrgeo import catalog, checks, geojson, loading, timeline
from dsrgeo.errors import InvalidLayerError, LayerNotFoundError, ParameterError
from dsrgeo.geodesy import split_antimeridian
from dsrgeo.maps.vector import BULK_POINTS, COORD_DECIMALS
from dsrgeo.styles import (
    MISSING_COLOR,
    apply_marks,
    check_color,
    resolve_colors,
    validate_palette,
)
from dsrgeo.text import column_words, did_you_mean

__all__ = ["AddOptions", "MapLayer", "TimeRule", "coverage_frame", "resolve_layer"]

#: Leaflet path options per geometry kind (the catalog's ``style`` and ``style=`` override them)
BASE_STYLE = {
    "line": {"weight": 2, "opacity": 0.85},
    "polygon": {"color": "#ffffff", "weight": 0.5, "opacity": 1, "fillOpacity": 0.75},
    "point": {"color": "#333333", "weight": 1, "opacity": 1, "fillOpacity": 0.9, "radius": 4},
}
#: Drawing order (pane z-index offset over Leaflet's overlay pane) per kind; a file that
#: mixes points, lines and polygons (QGIS, geojson.io) is one "mixed" layer
BASE_ORDER = {"polygon": 0, "line": 20, "mixed": 30, "point": 40}
_KINDS = {"LineString": "line", "Point": "point", "Polygon": "polygon"}
#: Point style of a layer with ``BULK_POINTS`` or more points, unless a radius is given
MANY_POINTS_STYLE = {"radius": 2.5, "weight": 0.5}
HIGHLIGHT_COLOR = "#ff00cc"
HIGHLIGHT_WEIGHT = 5
#: Leaflet path options ``style=`` may set, with the range each numeric one allows.
STYLE_RANGES = {
    "weight": (0.0, 50.0),
    "opacity": (0.0, 1.0),
    "fillOpacity": (0.0, 1.0),
    "radius": (0.0, 100.0),
}
STYLE_COLORS = ("color", "fillColor")
STYLE_KEYS = {*STYLE_RANGES, *STYLE_COLORS, "dashArray"}
#: The most features one layer may draw (a page beyond this would not open usefully).
MAX_FEATURES = 2_000_000


@dataclasses.dataclass(frozen=True)
class AddOptions:
    """The options of :meth:`dsrgeo.Map.add`; None means "the catalog's default"."""

    color: object = None
    color_by: object = None
    tooltip: object = None
    popup: object = None
    popup_html: object = None
    highlight: object = None
    name: object = None
    show: object = None
    as_of: object = None
    categories: object = None
    palette: object = None
    legend_title: object = None
    style: object = None


@dataclasses.dataclass(frozen=True)
class TimeRule:
    """Years per row and what the slider does outside them.

    Attributes
    ----------
    start, end : tuple of (int or None)
        Per row of the layer's ``gdf``: first year shown (None: always), first year of the
        "after" state (None: never), from :func:`dsrgeo.timeline.row_years`.
    during : tuple of dict
        Per row: the Leaflet style between ``start`` and ``end`` (a BRI member by signing
        year even if it has exited since).
    before, after : "hide" or dict
        ``"hide"`` removes the feature; a dict is the Leaflet style to draw it with.
    """

    start: tuple
    end: tuple
    during: tuple
    before: object
    after: object


@dataclasses.dataclass(frozen=True, repr=False)
class MapLayer:
    """One layer as added to a :class:`dsrgeo.Map` (the record static exports read).

    Attributes
    ----------
    name : str
        Display name (plain text; escaped when rendered).
    kind : {"line", "point", "polygon", "coverage"}
    role : {"basemap", "overlay"}
    gdf : geopandas.GeoDataFrame
        EPSG:4326, ``as_of`` applied, antimeridian split, only rows with a geometry, in
        drawing order (highlighted rows last). Full precision (the page rounds).
    colors : tuple of str
        ``#rrggbb`` per row of ``gdf`` (stroke for lines, fill for polygons and points).
    styles : tuple of dict
        Leaflet path options per row (``color``, ``fillColor``, ``weight``, ``opacity``,
        ``fillOpacity``, ``radius``); ``colors`` is folded in.
    legend : Legend or None
    citation, attribution : str or None
    layer_id : str or None
        Catalog id when the layer came from the catalog (or a frame loaded from it).
    show : bool
    tooltip, popup : tuple of str
        Columns shown on hover / click.
    labels : dict
        Column -> label text.
    feature_count : int
        Rows in the input, including rows without geometry (which cannot be drawn).
    order : int
        Drawing order; higher is on top.
    time : TimeRule or None
    popup_html : tuple of str or None
        Raw popup HTML per row, only when the caller passed ``popup_html=``.
    image : tuple or None
        For coverage layers: (PNG bytes, (south, west, north, east) degrees).
    decimals : int
        Decimals of the coordinates written to the page (at most 5; the catalog lowers it
        where the source is coarser, e.g. 3 for 1:50m country borders).
    sources : tuple of dict
        For a layer not from the catalog: the sources its frame's ``attrs`` list (``title``,
        ``publisher``, ``url``, ``as_of``), or else those of the catalog layers it was made
        from (``attrs["layers"]``); empty for catalog layers, whose sources the catalog holds.
    licence : str or None
        For a layer not from the catalog: its frame's ``attrs["licence"]``.
    credit : tuple of str
        The parts of the layer's short credit ("© TeleGeography, CC BY-NC-SA 3.0", "Natural
        Earth"): a map's one-line attribution shows each part once.
    formats : dict
        Column -> display format of its values in tooltips and popups (see
        :mod:`dsrgeo.maps.display`): ``"date"``, ``"countries"``, ``"sources"``, ``"url"``
        or ``{code: label}``.
    """

    name: str
    kind: str
    role: str
    gdf: object
    colors: tuple
    styles: tuple
    legend: object
    citation: object
    attribution: object
    layer_id: object
    show: bool
    tooltip: tuple
    popup: tuple
    labels: dict
    feature_count: int
    order: int
    time: object = None
    popup_html: object = None
    image: object = None
    decimals: int = 5
    credit: tuple = ()
    sources: tuple = ()
    licence: object = None
    formats: dict = dataclasses.field(default_factory=dict)

    def __repr__(self):
        return (
            f"MapLayer(name={self.name!r}, kind={self.kind!r}, role={self.role!r}, "
            f"features={len(self.gdf)}, show={self.show})"
        )


# -- reading the input ----------------------------------------------------------------------


def _catalog_info(layer_id):
    try:
        return catalog.get(layer_id)
    except LayerNotFoundError:
        return None


def _read_input(layer, as_of):
    """Return (frame, catalog info or None, source label)."""
    import geopandas

    if isinstance(layer, geopandas.GeoDataFrame):
        layer_id = layer.attrs.get("id")
        info = _catalog_info(layer_id) if isinstance(layer_id, str) else None
        if as_of is not None:
            if info is None:
                raise _no_years(as_of)
            cables = None
            if info.id == "landing_points":
                cables = loading.load("cables", as_of=as_of)
            layer = timeline.apply_as_of(layer, info, as_of, cables=cables)
        return layer, info, "GeoDataFrame"
    if isinstance(layer, str | os.PathLike):
        text = os.fspath(layer)
        if isinstance(layer, str) and text in catalog.layer_ids():
            return loading.load(text, as_of=as_of), catalog.get(text), text
        path = Path(text)
        if path.suffix.lower() in (".geojson", ".json") or path.exists():
            if as_of is not None:
                raise _no_years(as_of)
            return geojson.read_user_file(path), None, str(path)
        raise LayerNotFoundError(text, catalog.layer_ids())
    raise ParameterError(
        f"cannot add {type(layer).__name__}; pass a layer id (see dsrgeo.layers()), "
        "a GeoDataFrame or the path of a GeoJSON file",
        parameter="layer",
    )


def _no_years(as_of):
    return ParameterError(
        f"{as_of!r} needs a layer with years; pass a catalog id such as 'bri_countries' or "
        "a frame from dsrgeo.load(...)",
        parameter="as_of",
    )


def _check_columns(frame, name):
    names = [c for c in frame.columns if c != frame.geometry.name]
    bad = [c for c in names if not isinstance(c, str)]
    if bad:
        raise InvalidLayerError(
            f"layer {name!r} has a column named {bad[0]!r}; column names must be text "
            "(rename them, e.g. frame.columns = frame.columns.map(str))",
            field=str(bad[0]),
        )
    twice = sorted({c for c in names if names.count(c) > 1})
    if twice:
        raise InvalidLayerError(
            f"layer {name!r} has the column {twice[0]!r} more than once", field=twice[0]
        )


def _to_wgs84(frame, name):
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
            raise InvalidLayerError(
                f"layer {name!r} has no CRS and its coordinates are not lon/lat degrees; "
                "set one with gdf.set_crs(...)"
            )
        return frame.set_crs("EPSG:4326")
    if frame.crs.to_epsg() != 4326:
        try:
            return frame.to_crs("EPSG:4326")
        except Exception as err:  # pyproj raises several types for impossible transforms
            raise InvalidLayerError(
                f"layer {name!r} cannot be reprojected from {frame.crs} to EPSG:4326 ({err})"
            ) from err
    return frame


def _kind_of(frame, name):
    """The layer's kind: "point", "line", "polygon", or "mixed" when it holds several."""
    types = set(frame.geometry.geom_type.dropna().str.replace("Multi", "", regex=False))
    found = {_KINDS.get(t) for t in types}
    if None in found:
        raise InvalidLayerError(
            f"layer {name!r} holds geometry types {sorted(types)}; points, lines and "
            "polygons can be drawn (explode geometry collections first: gdf.explode())",
            field="geometry",
        )
    if len(found) > 1:
        return "mixed"
    return found.pop() if found else "point"


def row_kinds(frame, kind):
    """Per row: "point", "line" or "polygon" (a mixed layer's rows each have their own)."""
    if kind != "mixed":
        return [kind] * len(frame)
    types = frame.geometry.geom_type.str.replace("Multi", "", regex=False)
    return [_KINDS[t] for t in types]


def _drawable(frame, info, block, name):
    """EPSG:4326, rows with a geometry, checked coordinates, user data split at ±180°."""
    if not hasattr(frame, "geometry"):
        raise InvalidLayerError(f"layer {name!r} has no geometry column")
    _check_columns(frame, name)
    frame = _to_wgs84(frame, name)
    keep = ~(frame.geometry.isna() | frame.geometry.is_empty)
    frame = frame[keep.to_numpy()].copy()
    if not len(frame):
        raise InvalidLayerError(
            f"layer {name!r} has nothing to draw: every geometry is missing or empty",
            field="geometry",
        )
    if len(frame) > MAX_FEATURES:
        raise InvalidLayerError(
            f"layer {name!r} has {len(frame):,} features, over the limit of {MAX_FEATURES:,} "
            "for one page; aggregate or select first"
        )
    if info is None:  # catalog layers were checked and split when they were built
        geojson.check_coordinates(frame.geometry.values, name=name)
        frame = frame.set_geometry(split_antimeridian(frame.geometry.values), crs="EPSG:4326")
    if block.get("simplify_deg"):
        tolerance = float(block["simplify_deg"])
        values = np.asarray(frame.geometry.values, dtype=object)
        frame = frame.set_geometry(
            shapely.simplify(values, tolerance, preserve_topology=True), crs="EPSG:4326"
        )
    return frame


# -- options ---------------------------------------------------------------------------------


def _labels(info, block, columns, meanings=None, short=None):
    """Column -> label: "Stated length (km)" from name and schema unit, or the catalog's.

    ``meanings`` (a derived frame's ``attrs["columns"]``) name columns in words; ``short``
    (its ``attrs["labels"]``), where given, are the shorter labels tooltips and popups show.
    """
    labels = {column: str(text) for column, text in (meanings or {}).items() if column in columns}
    units = {}
    if info is not None:
        units = {f["name"]: f.get("unit") for f in info.schema}
    for column in columns:
        text = column_words(column)
        unit = units.get(column)
        if unit and unit != "year" and not text.endswith(f" {unit}"):
            text = f"{text} ({unit})"
        elif unit and text.endswith(f" {unit}"):
            text = f"{text[: -len(unit) - 1]} ({unit})"
        labels.setdefault(column, text)
    if isinstance(short, dict):
        labels.update({c: str(text) for c, text in short.items() if c in columns})
    labels.update(block.get("labels", {}))
    return labels


def _as_columns(value, frame, option, name):
    if value is None or value is False:
        return ()
    if isinstance(value, str):
        columns = (value,)
    elif isinstance(value, list | tuple):
        columns = tuple(value)
    else:
        raise ParameterError(
            f"expected a column name or a list of column names, got {value!r}",
            parameter=option,
        )
    available = [c for c in frame.columns if c != frame.geometry.name]
    for column in columns:
        if not isinstance(column, str) or column not in available:
            raise ParameterError(
                f"{column!r} is not a column of layer {name!r}"
                f"{did_you_mean(column, available) if isinstance(column, str) else ''}; "
                f"available: {', '.join(map(str, available))}",
                parameter=option,
            )
    return columns


def _highlight_rows(frame, highlight, name):
    if isinstance(highlight, str):
        wanted = [highlight]
    elif isinstance(highlight, list | tuple):
        wanted = list(highlight)
    else:
        raise ParameterError(
            f"expected a feature id or name, or a list of them, got {highlight!r}",
            parameter="highlight",
        )
    hit = np.zeros(len(frame), dtype=bool)
    names = frame["name"].astype(str).str.casefold() if "name" in frame.columns else None
    for item in wanted:
        match = np.zeros(len(frame), dtype=bool)
        if "id" in frame.columns:
            match |= (frame["id"].astype(str) == str(item)).to_numpy()
        if names is not None:
            match |= (names == str(item).casefold()).to_numpy()
        if not match.any():
            choices = [] if names is None else frame["name"].astype(str).tolist()
            raise ParameterError(
                f"{item!r} matches no id or name in layer {name!r}{did_you_mean(item, choices)}",
                parameter="highlight",
            )
        hit |= match
    return hit


def _style_for(base, kind, color):
    style = dict(base)
    if kind == "line":
        style["color"] = color
    else:
        style["fillColor"] = color
    return style


def _check_style(style):
    if not isinstance(style, dict):
        raise ParameterError(
            f"expected a dict of Leaflet path options, got {style!r}", parameter="style"
        )
    bad = sorted(str(k) for k in set(style) - STYLE_KEYS)
    if bad:
        raise ParameterError(f"unknown keys {bad}; use {sorted(STYLE_KEYS)}", parameter="style")
    for key, value in style.items():
        if key in STYLE_RANGES:
            low, high = STYLE_RANGES[key]
            checks.number(value, f"style[{key!r}]", low=low, high=high)
        elif key in STYLE_COLORS:
            check_color(value, option=f"style[{key!r}]")
        elif key == "dashArray" and not (
            isinstance(value, str) and all(p.isdigit() for p in value.replace(",", " ").split())
        ):
            raise ParameterError(
                f"expected numbers such as '4 4', got {value!r}", parameter="style['dashArray']"
            )
    return style


def _base_style(kind, block, options):
    """Leaflet path options of the layer, or per geometry kind for a mixed layer."""
    if kind == "mixed":
        return {k: _base_style(k, block, options) for k in ("point", "line", "polygon")}
    if options.style is not None and not isinstance(options.style, dict):
        _check_style(options.style)  # raises, naming the argument
    return _check_style({**BASE_STYLE[kind], **block.get("style", {}), **(options.style or {})})


def _colour(frame, block, options, name, kind, time_rows):
    """Return (colours, colours while "during" a time span or None without a slider, legend)."""
    user_color = options.color
    restyled = user_color is not None or options.color_by is not None
    hint = _style_hint(frame, options)
    categories = (
        options.categories
        if options.categories is not None
        else (hint.get("categories") if restyled else block.get("categories"))
    )
    if categories is not None and not isinstance(categories, dict):
        raise ParameterError(
            f"expected {{value: colour}}, got {categories!r}", parameter="categories"
        )
    palette = validate_palette(options.palette) or hint.get("palette") or block.get("palette")
    color_by = (
        options.color_by
        if options.color_by is not None
        else (None if user_color is not None else block.get("color_by"))
    )
    if color_by is not None and not isinstance(color_by, str):
        raise ParameterError(f"expected a column name, got {color_by!r}", parameter="color_by")
    color_options = {
        "layer_name": name,
        "geometry": kind,
        "color": check_color(user_color or block.get("color") or "#3388ff"),
        "color_by": color_by,
        "categories": categories,
        "palette": tuple(palette) if palette is not None else None,
        "value_range": (
            (hint.get("value_range") if options.palette is None else None)
            if restyled
            else block.get("value_range")
        ),
        "legend_title": options.legend_title
        or (
            None
            if options.color_by is None
            else _meaning(frame, options.color_by) or column_words(options.color_by)
        )
        or block.get("legend_title")
        or name,
        "single_label": block.get("label") or name,
        "missing_label": block.get("missing_label", "No data"),
        "missing_color": block.get("missing_color", MISSING_COLOR),
        "category_labels": hint.get("category_labels")
        if restyled
        else block.get("category_labels"),
    }
    marks = None if restyled else block.get("marks")
    if marks and marks["column"] == color_by:  # marked values take no category colour
        color_options["marked"] = tuple(marks["values"])
    plain = resolve_colors(frame, **color_options)
    colors, legend = list(plain.colors), plain.legend
    if marks:
        colors, legend = apply_marks(
            frame, colors, legend, marks, name, color_options["missing_color"]
        )
    if time_rows is None:
        return colors, None, legend
    during = list(colors)
    time_block = block.get("time") or {}
    if marks and time_block:
        # a row marked with a time state (e.g. "exited") was coloured normally before that:
        # as the category the time block names ("member"), or by its own colour_by value
        starts = time_rows[0]
        as_category = (categories or {}).get(time_block.get("during"))
        for i, value in enumerate(frame[marks["column"]].tolist()):
            has_start = starts[i] is not None and starts[i] != timeline.NEVER
            after = value == time_block.get("after")
            if after or (value == time_block.get("before") and has_start):
                during[i] = check_color(as_category) if as_category else plain.colors[i]
    return colors, during, legend


def _style_hint(frame, options):
    """The colours a derived frame suggests for the column it is coloured by, if any.

    A frame such as :func:`dsrgeo.alignment` may carry ``attrs["styles"]``: {column:
    {"categories", "category_labels", "palette", "value_range"}}; they apply when ``add()``
    colours by that column without its own ``categories``/``palette``, and are checked as
    the user's would be.
    """
    styles = frame.attrs.get("styles")
    if options.color is not None or not isinstance(styles, dict):
        return {}
    hint = styles.get(options.color_by)
    if not isinstance(hint, dict):
        return {}
    checked = {}
    if isinstance(hint.get("categories"), dict):
        checked["categories"] = {k: check_color(v) for k, v in hint["categories"].items()}
        labels = hint.get("category_labels")
        if isinstance(labels, dict):
            checked["category_labels"] = {k: str(v) for k, v in labels.items()}
    if hint.get("palette") is not None:
        checked["palette"] = tuple(validate_palette(hint["palette"]))
        low, high = hint.get("value_range") or (None, None)
        if isinstance(low, int | float) and isinstance(high, int | float) and low < high:
            checked["value_range"] = (float(low), float(high))
    return checked


def _meaning(frame, column):
    """What a derived frame says a column means (``attrs["columns"]``), or None."""
    meanings = frame.attrs.get("columns")
    return str(meanings[column]) if isinstance(meanings, dict) and column in meanings else None


def _fields(frame, block, options, info, name):
    """Return (tooltip columns, popup columns, raw popup HTML per row or None)."""
    for option in ("tooltip", "popup"):
        value = getattr(options, option)
        if value is True:
            raise ParameterError(
                "expected a column name or a list of them (True is not a column); pass [] for none",
                parameter=option,
            )
    tooltip_value = options.tooltip if options.tooltip is not None else block.get("tooltip")
    popup_value = options.popup if options.popup is not None else block.get("popup")
    if popup_value is None and info is None:
        popup_value = _suggested_popup(frame)
    tooltip = _as_columns(tooltip_value, frame, "tooltip", name)
    popup = _as_columns(popup_value, frame, "popup", name)
    popup_html = None
    if options.popup_html is not None:
        (column,) = _as_columns(options.popup_html, frame, "popup_html", name)
        popup_html = tuple("" if v is None else str(v) for v in frame[column])
    if not tooltip and not popup and info is None and options.tooltip is None:
        tooltip = tuple(c for c in ("name", "id") if c in frame.columns)[:1]
    return tooltip, popup, popup_html


def _suggested_popup(frame):
    """The popup columns a derived frame suggests (``attrs["popup"]``), those it still has."""
    suggested = frame.attrs.get("popup")
    if not isinstance(suggested, list | tuple):
        return None
    return [c for c in suggested if isinstance(c, str) and c in frame.columns] or None


def _citation(frame, info, name):
    """Return (citation, attribution, short credit parts) of the layer."""
    if info is not None:
        return catalog.citation(info.id), info.attribution, _credit_parts(info.credit)
    attrs = frame.attrs
    attribution = geojson.member_text(attrs, "attribution")
    known = catalog.known_layer_ids(attrs.get("layers"))
    if attrs.get("credit"):
        credit = _credit_parts(attrs["credit"])
    elif known:  # a frame dsrgeo derived from layers: their short credits
        credit = _credit_parts("; ".join(catalog.get(i).credit for i in known))
    else:
        credit = _credit_parts(attribution)
    if not credit:  # a frame citing only its source: that is its credit too
        credit = _credit_parts(attrs.get("citation"))
    if attrs.get("citation"):
        return str(attrs["citation"]), attribution, credit
    return f"{name}: user data, no source given", attribution, credit


#: The most sources a frame's ``attrs`` may list for the Sources panel, and their fields.
MAX_FRAME_SOURCES = 200
SOURCE_FIELDS = ("title", "publisher", "url", "as_of")


def _frame_provenance(frame, info):
    """Return (sources, licence) of a layer not from the catalog, for the Sources panel.

    ``attrs`` are the caller's (or a file's) claims: only dicts of text or numbers are kept,
    each value as :func:`~dsrgeo.geojson.member_text` keeps it; the panel escapes them and
    links only http(s) URLs.
    """
    if info is not None:
        return (), None
    attrs = frame.attrs
    listed = attrs.get("sources")
    sources = []
    if isinstance(listed, (list, tuple)):
        for source in listed[:MAX_FRAME_SOURCES]:
            if not isinstance(source, dict):
                continue
            # numbers (a year in as_of) as text; anything else that is not text is left out
            as_text = {k: str(v) if isinstance(v, int | float) else v for k, v in source.items()}
            kept = {
                key: text
                for key in SOURCE_FIELDS
                if (text := geojson.member_text(as_text, key)) is not None
            }
            if kept.get("title") or kept.get("url"):
                sources.append(kept)
    if not sources:  # e.g. a table dsrgeo wrote, read back: its layers' sources
        known = catalog.known_layer_ids(attrs.get("layers"))
        sources = catalog.provenance(known)["sources"] if known else []
    return tuple(sources), geojson.member_text(attrs, "licence")


def _credit_parts(text):
    """Split a credit at "; " into its parts, each once."""
    if not isinstance(text, str):
        return ()
    return tuple(dict.fromkeys(p.strip() for p in text.split("; ") if p.strip()))


def _formats(info, block, frame):
    """Column -> display format (see MapLayer.formats)."""
    formats = {}
    if info is not None:
        for field in info.schema:
            if field["type"] == "date":
                formats[field["name"]] = "date"
    for column in frame.columns:
        if isinstance(column, str) and column.endswith("source_ids"):
            formats[column] = "sources"
    if block.get("color_by") and block.get("category_labels"):
        formats[block["color_by"]] = dict(block["category_labels"])
    for column, fmt in (block.get("formats") or {}).items():
        formats[column] = dict(fmt) if isinstance(fmt, dict) else fmt
    attrs_formats = frame.attrs.get("formats")
    if isinstance(attrs_formats, dict):
        formats.update(attrs_formats)
    return formats


def _subset_note(info, source, options, rows):
    """Return "(152 of 241)" for a frame holding part of a catalog layer, else ""."""
    if info is None or source != "GeoDataFrame" or options.as_of is not None:
        return ""
    total = loading.feature_count(info.id)
    return f"({rows:,} of {total:,})" if rows < total else ""


def _display_name(options, info, frame, source, subset):
    """The layer's name: given, the catalog title (a subset says so), the frame's, the file's."""
    if options.name:
        return str(options.name)
    if info is not None:
        return f"{info.title} {subset}" if subset else info.title
    title = frame.attrs.get("title")
    if isinstance(title, str) and title.strip():
        return title
    return Path(source).stem if source != "GeoDataFrame" else None


@dataclasses.dataclass
class _Rows:
    """Per-row values that move together when rows are reordered or dropped."""

    frame: object
    colors: list
    styles: list
    during: object  # list, or None when no slider needs the "during" styles
    starts: object = None
    ends: object = None
    popup_html: object = None

    def take(self, positions):
        positions = list(positions)

        def pick(values):
            return None if values is None else [values[i] for i in positions]

        return _Rows(
            frame=self.frame.iloc[positions],
            colors=pick(self.colors),
            styles=pick(self.styles),
            during=pick(self.during),
            starts=pick(self.starts),
            ends=pick(self.ends),
            popup_html=None if self.popup_html is None else tuple(pick(self.popup_html)),
        )


def _highlight(rows, highlight, name, kinds, legend):
    """Draw the matching rows thick, in the highlight colour, last (on top); extend the legend."""
    hit = _highlight_rows(rows.frame, highlight, name)
    for i in np.flatnonzero(hit):
        for table in (t for t in (rows.styles, rows.during) if t is not None):
            table[i] = _style_for(
                {**table[i], "weight": HIGHLIGHT_WEIGHT}, kinds[i], HIGHLIGHT_COLOR
            )
        rows.colors[i] = HIGHLIGHT_COLOR
    frame = rows.frame
    labels = frame.loc[hit, "name"] if "name" in frame.columns else frame.index[hit]
    entries = tuple((f"Highlighted: {n}", HIGHLIGHT_COLOR) for n in dict.fromkeys(map(str, labels)))
    legend = dataclasses.replace(legend, entries=legend.entries + entries)
    return rows.take(np.argsort(hit, kind="stable")), legend


def _time_rule(rows, block, base_style, kind, marks):
    spec = block.get("time") or {}

    def rule(value):
        if value in (None, "hide"):
            return "hide"
        color = marks.get(value, {}).get("color", MISSING_COLOR)
        return _style_for(base_style, kind, color)

    return TimeRule(
        start=tuple(rows.starts),
        end=tuple(rows.ends),
        during=tuple(rows.during),
        before=rule(spec.get("before", "hide")),
        after=rule(spec.get("after")),
    )


def resolve_layer(layer, options=AddOptions(), *, default_order, time_slider=False, role="overlay"):
    """Read, filter and style one ``add()`` input into a :class:`MapLayer`.

    See :meth:`dsrgeo.Map.add` for the options. Raises the errors documented there.
    """
    frame, info, source = _read_input(layer, options.as_of)
    block = dict(info.map) if info is not None else {}
    subset = _subset_note(info, source, options, len(frame))  # "(152 of 241)" or ""
    name = _display_name(options, info, frame, source, subset)
    if options.show is not None:
        checks.boolean(options.show, "show")
    checks.text(options.name, "name")
    checks.text(options.legend_title, "legend_title")
    feature_count = len(frame)
    frame = _drawable(frame, info, block, name or source)
    kind = info.kind if info is not None else _kind_of(frame, name or source)
    if name is None:  # no name given or known: say what the layer holds
        name = f"{'Features' if kind == 'mixed' else kind.capitalize() + 's'} ({len(frame):,})"
    base_style = _base_style(kind, block, options)
    given = {**block.get("style", {}), **(options.style or {})}
    if kind == "point" and len(frame) >= BULK_POINTS and "radius" not in given:
        base_style = {**base_style, **MANY_POINTS_STYLE}  # dots that do not hide each other
    kinds = row_kinds(frame, kind)

    def styled(colours):
        if kind != "mixed":
            return [_style_for(base_style, kind, c) for c in colours]
        return [_style_for(base_style[k], k, c) for k, c in zip(kinds, colours)]

    time_rows = None
    if time_slider and info is not None:
        time_rows = timeline.row_years(frame, info.id)
    colors, during, legend = _colour(frame, block, options, name, kind, time_rows)
    tooltip, popup, popup_html = _fields(frame, block, options, info, name)
    rows = _Rows(
        frame=frame,
        colors=colors,
        styles=styled(colors),
        during=None if during is None else styled(during),
        starts=None if time_rows is None else list(time_rows[0]),
        ends=None if time_rows is None else list(time_rows[1]),
        popup_html=popup_html,
    )
    if options.highlight is not None:
        rows, legend = _highlight(rows, options.highlight, name, kinds, legend)
    if subset and options.legend_title is None and legend.title != name:
        legend = dataclasses.replace(legend, title=f"{legend.title} {subset}")
    time = None
    if time_rows is not None:
        marks = (block.get("marks") or {}).get("values", {})
        time = _time_rule(rows, block, base_style, kind, marks)
    citation, attribution, credit = _citation(rows.frame, info, name)
    sources, licence = _frame_provenance(rows.frame, info)
    return MapLayer(
        name=name,
        kind=kind,
        role=role,
        gdf=rows.frame.reset_index(drop=True),
        colors=tuple(rows.colors),
        styles=tuple(rows.styles),
        legend=legend,
        citation=citation,
        attribution=attribution,
        layer_id=info.id if info is not None else None,
        show=bool(options.show if options.show is not None else block.get("show", True)),
        tooltip=tooltip,
        popup=popup,
        labels=_labels(
            info, block, [*tooltip, *popup], frame.attrs.get("columns"), frame.attrs.get("labels")
        ),
        feature_count=feature_count,
        order=int(block.get("order", BASE_ORDER[kind] + default_order)),
        time=time,
        popup_html=rows.popup_html,
        decimals=min(int(block.get("decimals", COORD_DECIMALS)), COORD_DECIMALS),
        credit=credit,
        formats=_formats(info, block, frame),
        sources=sources,
        licence=licence,
    )


def coverage_frame(grid):
    """Return ``grid`` (DataFrame with lat, lon) as a point GeoDataFrame in EPSG:4326."""
    import geopandas

    return geopandas.GeoDataFrame(
        pd.DataFrame(grid).reset_index(drop=True),
        geometry=geopandas.points_from_xy(grid["lon"], grid["lat"]),
        crs="EPSG:4326",
    )
