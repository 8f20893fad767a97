"""From an ``add()`` call to a :class:`MapLayer`: read the input, style it, keep what is drawn.

Accepts a catalog id, a GeoDataFrame or a GeoJSON path; brings it to EPSG:4326, splits user
geometry at the antimeridian (:func:`dsrgeo.geodesy.split_antimeridian`), applies ``as_of``,
resolves colours and the legend (:mod:`dsrgeo.maps.styles`) and the tooltip/popup fields. No
HTML here.
"""

import dataclasses
import difflib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from dsrgeo.errors import InvalidLayerError, LayerNotFoundError
from dsrgeo.geodesy import split_antimeridian
from dsrgeo.maps.legend import check_color
from dsrgeo.maps.styles import MISSING_COLOR, apply_marks, resolve_colors, year_of
from dsrgeo.maps.vector import COORD_DECIMALS

__all__ = ["MapLayer", "TimeRule", "resolve_layer"]

#: Leaflet path options per geometry kind (the catalog's ``style`` and ``style=`` override them)
BASE_STYLE = {
    "line": {"weight": 2, "opacity": 0.85},
    "polygon": {"color": "#ffffff", "weight": 0.5, "opacity": 1, "fillOpacity": 0.75},
    "point": {"color": "#333333", "weight": 1, "opacity": 1, "fillOpacity": 0.9, "radius": 4},
}
#: Drawing order (pane z-index offset over Leaflet's overlay pane) per kind
BASE_ORDER = {"polygon": 0, "line": 20, "point": 40}
HIGHLIGHT_COLOR = "#ff00cc"
HIGHLIGHT_WEIGHT = 5
STYLE_KEYS = {"color", "weight", "opacity", "fillColor", "fillOpacity", "radius", "dashArray"}
OPTION_NAMES = (
    "color",
    "color_by",
    "tooltip",
    "popup",
    "popup_html",
    "highlight",
    "name",
    "show",
    "as_of",
    "categories",
    "palette",
    "legend_title",
    "style",
)


@dataclasses.dataclass(frozen=True)
class TimeRule:
    """Years per row and what the slider does outside them.

    Attributes
    ----------
    start, end : tuple of (int or None)
        Per row of the layer's ``gdf``: first year shown (None: always), first year of the
        "after" state (None: never), e.g. BRI MoU year and exit year.
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

    def __repr__(self):
        return (
            f"MapLayer(name={self.name!r}, kind={self.kind!r}, role={self.role!r}, "
            f"features={len(self.gdf)}, show={self.show})"
        )


def _catalog_info(layer_id):
    from dsrgeo import catalog

    try:
        return catalog.get(layer_id)
    except LayerNotFoundError:
        return None


def _read_input(layer, as_of):
    """Return (frame, catalog info or None, source label)."""
    import geopandas

    from dsrgeo import catalog, loader

    if isinstance(layer, geopandas.GeoDataFrame):
        layer_id = layer.attrs.get("id")
        info = _catalog_info(layer_id) if isinstance(layer_id, str) else None
        if as_of is not None:
            if info is None:
                raise _no_years(as_of)
            layer = loader.apply_as_of(layer, info.id, as_of)  # what load(as_of=) does
        return layer, info, "GeoDataFrame"
    if isinstance(layer, (str, os.PathLike)):
        text = os.fspath(layer)
        if isinstance(layer, str) and text in catalog.layer_ids():
            return loader.load(text, as_of=as_of), catalog.get(text), text
        path = Path(text)
        if path.suffix.lower() in (".geojson", ".json") or path.exists():
            if as_of is not None:
                raise _no_years(as_of)
            return _read_geojson(path), None, str(path)
        raise LayerNotFoundError(text, catalog.layer_ids())
    raise InvalidLayerError(
        f"cannot add {type(layer).__name__}; pass a layer id (see dsrgeo.layers()), "
        "a GeoDataFrame or the path of a GeoJSON file"
    )


def _no_years(as_of):
    return InvalidLayerError(
        f"as_of={as_of!r} needs a layer with years; pass a catalog id such as "
        "'bri_countries' or a frame from dsrgeo.load(...)",
        field="as_of",
    )


def _read_geojson(path):
    import geopandas

    if not path.is_file():
        raise InvalidLayerError("no such GeoJSON file", path=path)
    try:
        frame = geopandas.read_file(path)
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise InvalidLayerError(f"not a readable GeoJSON file ({err})", path=path) from err
    frame.attrs.setdefault("title", path.stem)
    return frame


def _to_wgs84(frame, name):
    if frame.crs is None:
        minx, miny, maxx, maxy = frame.total_bounds if len(frame) else (0, 0, 0, 0)
        if not (-180 <= minx and maxx <= 360 and -90 <= miny and maxy <= 90):
            raise InvalidLayerError(
                f"layer {name!r} has no CRS and its coordinates are not lon/lat degrees; "
                "set one with gdf.set_crs(...)"
            )
        return frame.set_crs("EPSG:4326")
    if frame.crs.to_epsg() != 4326:
        return frame.to_crs("EPSG:4326")
    return frame


def _kind_of(frame, name):
    types = set(frame.geometry.geom_type.dropna().str.replace("Multi", "", regex=False))
    kinds = {"LineString": "line", "Point": "point", "Polygon": "polygon"}
    found = {kinds.get(t) for t in types}
    if None in found or len(found) > 1:
        raise InvalidLayerError(
            f"layer {name!r} mixes geometry types {sorted(types)}; add one type per layer "
            "(e.g. gdf[gdf.geom_type == 'Point'])",
            field="geometry",
        )
    return found.pop() if found else "point"


def _labels(info, block, columns):
    """Column -> label: "Stated length (km)" from name and schema unit, or the catalog's."""
    labels = {}
    units = {}
    if info is not None:
        units = {f["name"]: f.get("unit") for f in info.schema}
    for column in columns:
        text = column.replace("_", " ")
        text = text[:1].upper() + text[1:]
        unit = units.get(column)
        if unit and unit != "year" and not text.endswith(f" {unit}"):
            text = f"{text} ({unit})"
        elif unit and text.endswith(f" {unit}"):
            text = f"{text[: -len(unit) - 1]} ({unit})"
        labels[column] = text
    labels.update(block.get("labels", {}))
    return labels


def _as_columns(value, frame, option, name):
    if value is None or value is False:
        return ()
    columns = (value,) if isinstance(value, str) else tuple(value)
    for column in columns:
        if column not in frame.columns or column == "geometry":
            available = ", ".join(c for c in frame.columns if c != "geometry")
            raise InvalidLayerError(
                f"{option} column {column!r} is not in layer {name!r}; available: {available}",
                field=column,
            )
    return columns


def _highlight_rows(frame, highlight, name):
    wanted = [highlight] if isinstance(highlight, str) else list(highlight)
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
            close = difflib.get_close_matches(str(item), choices, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise InvalidLayerError(
                f"highlight={item!r} matches no id or name in layer {name!r}{hint}",
                field="highlight",
            )
        hit |= match
    return hit


def _time_rule(frame, block, base_style, kind, during, colour_of_mark):
    spec = block.get("time")
    if not spec:
        return None
    start = (
        tuple(year_of(v) for v in frame[spec["start"]])
        if spec.get("start")
        else (None,) * len(frame)
    )
    end = tuple(year_of(v) for v in frame[spec["end"]]) if spec.get("end") else (None,) * len(frame)

    def rule(value):
        if value in (None, "hide"):
            return "hide"
        color = colour_of_mark(value)
        return _style_for(base_style, kind, color)

    return TimeRule(
        start=start,
        end=end,
        during=tuple(during),
        before=rule(spec.get("before")),
        after=rule(spec.get("after")),
    )


def _style_for(base, kind, color):
    style = dict(base)
    if kind == "line":
        style["color"] = color
    else:
        style["fillColor"] = color
    return style


def _citation(frame, info, name):
    if info is not None:
        from dsrgeo import catalog

        return catalog.citation(info.id), info.attribution
    attrs = frame.attrs  # a dsrgeo frame with "sources" has an "id" or at least a "citation"
    if attrs.get("citation"):
        return str(attrs["citation"]), attrs.get("attribution")
    return f"{name}: user data, no source given", attrs.get("attribution")


@dataclasses.dataclass
class _Rows:
    """Per-row values that move together when rows are reordered or dropped."""

    frame: object
    colors: list
    styles: list
    during: object  # list, or None when no slider needs the "during" styles
    popup_html: object = None

    def take(self, positions):
        positions = list(positions)
        return _Rows(
            frame=self.frame.iloc[positions],
            colors=[self.colors[i] for i in positions],
            styles=[self.styles[i] for i in positions],
            during=None if self.during is None else [self.during[i] for i in positions],
            popup_html=None
            if self.popup_html is None
            else tuple(self.popup_html[i] for i in positions),
        )


def _display_name(options, info, frame, source):
    name = (
        options.get("name")
        or (info.title if info is not None else None)
        or frame.attrs.get("title")
        or (Path(source).stem if source != "GeoDataFrame" else "Layer")
    )
    return str(name)


def _drawable(frame, info, block, name):
    """EPSG:4326, rows with a geometry, user data split at ±180°, display simplification."""
    if not hasattr(frame, "geometry"):
        raise InvalidLayerError(f"layer {name!r} has no geometry column")
    frame = _to_wgs84(frame, name)
    keep = ~(frame.geometry.isna() | frame.geometry.is_empty)
    frame = frame[keep.to_numpy()].copy()
    if info is None:  # catalog layers are already split at the antimeridian (RFC 7946)
        frame = frame.set_geometry(split_antimeridian(frame.geometry.values), crs="EPSG:4326")
    if block.get("simplify_deg"):
        tolerance = float(block["simplify_deg"])
        frame = frame.set_geometry(
            _simplified(frame.geometry.values, info.id, tolerance), crs="EPSG:4326"
        )
    return frame


#: (layer id, tolerance) -> {id(geometry): (geometry, simplified)}. Shapely geometries are
#: immutable and a loaded layer's rows share them, so each is simplified once per process; the
#: original is kept so a recycled id() cannot match.
_SIMPLIFIED = {}
_SIMPLIFIED_MAX = 2048  # entries per layer (a few copies of it) before the table starts over


def _simplified(geometries, layer_id, tolerance):
    """``shapely.simplify(geometries, tolerance, preserve_topology=True)``, cached per geometry."""
    table = _SIMPLIFIED.setdefault((layer_id, tolerance), {})
    out = [None] * len(geometries)
    missing = []
    for i, geometry in enumerate(geometries):
        hit = table.get(id(geometry))
        if hit is not None and hit[0] is geometry:
            out[i] = hit[1]
        else:
            missing.append(i)
    if missing:
        if len(table) + len(missing) > _SIMPLIFIED_MAX:
            table.clear()
        todo = np.empty(len(missing), dtype=object)
        todo[:] = [geometries[i] for i in missing]
        for i, original, simple in zip(
            missing, todo, shapely.simplify(todo, tolerance, preserve_topology=True)
        ):
            table[id(original)] = (original, simple)
            out[i] = simple
    return out


def _base_style(kind, block, options):
    style = {**BASE_STYLE[kind], **block.get("style", {}), **(options.get("style") or {})}
    bad = sorted(set(style) - STYLE_KEYS)
    if bad:
        raise InvalidLayerError(
            f"unknown style keys {bad}; use {sorted(STYLE_KEYS)}", field="style"
        )
    return style


def _colour(frame, block, options, name, kind, time_slider):
    """Return (colours, colours while "during" a time span or None without a slider, legend)."""
    user_color = options.get("color")
    restyled = user_color is not None or "color_by" in options  # drop the catalog's colouring
    categories = options.get("categories", None if restyled else block.get("categories"))
    palette = options.get("palette") or block.get("palette")
    for value in (categories or {}).values():
        check_color(value, option="categories")
    for value in palette or ():
        check_color(value, option="palette")
    color_options = dict(
        layer_name=name,
        geometry=kind,
        color=check_color(user_color or block.get("color") or "#3388ff"),
        color_by=options.get("color_by", None if user_color else block.get("color_by")),
        categories=categories,
        palette=palette,
        value_range=None if restyled else block.get("value_range"),
        legend_title=options.get("legend_title") or block.get("legend_title") or name,
        single_label=block.get("label") or name,
        missing_label=block.get("missing_label", "No data"),
        category_labels=None if restyled else block.get("category_labels"),
    )
    marks = None if restyled else block.get("marks")
    plain = resolve_colors(frame, marks=None, **color_options)
    colors, legend = list(plain.colors), plain.legend
    if marks:
        colors, legend = apply_marks(frame, colors, legend, marks, name)
    if not time_slider:
        return colors, None, legend
    during = list(colors)
    time_block = block.get("time") or {}
    if marks and time_block:
        # a row marked with a time state (e.g. "exited") was coloured normally before that
        starts = frame[time_block["start"]].tolist() if time_block.get("start") else None
        for i, value in enumerate(frame[marks["column"]].tolist()):
            has_start = starts is not None and year_of(starts[i]) is not None
            after = value == time_block.get("after")
            if after or (value == time_block.get("before") and has_start):
                during[i] = plain.colors[i]
    return colors, during, legend


def _fields(frame, block, options, info, name):
    """Return (tooltip columns, popup columns, raw popup HTML per row or None)."""
    tooltip = _as_columns(options.get("tooltip", block.get("tooltip")), frame, "tooltip", name)
    popup = _as_columns(options.get("popup", block.get("popup")), frame, "popup", name)
    popup_html = None
    if options.get("popup_html") is not None:
        (column,) = _as_columns(options["popup_html"], frame, "popup_html", name)
        popup_html = tuple("" if v is None else str(v) for v in frame[column])
    if not tooltip and not popup and info is None:
        tooltip = tuple(c for c in ("name", "id") if c in frame.columns)[:1]
    return tooltip, popup, popup_html


def _highlight(rows, highlight, name, kind, legend):
    """Draw the matching rows thick, in the highlight colour, last (on top); extend the legend."""
    hit = _highlight_rows(rows.frame, highlight, name)
    for i in np.flatnonzero(hit):
        for table in (t for t in (rows.styles, rows.during) if t is not None):
            table[i] = _style_for({**table[i], "weight": HIGHLIGHT_WEIGHT}, kind, HIGHLIGHT_COLOR)
        rows.colors[i] = HIGHLIGHT_COLOR
    frame = rows.frame
    labels = frame.loc[hit, "name"] if "name" in frame.columns else frame.index[hit]
    entries = tuple((f"Highlighted: {n}", HIGHLIGHT_COLOR) for n in dict.fromkeys(map(str, labels)))
    legend = dataclasses.replace(legend, entries=legend.entries + entries)
    return rows.take(np.argsort(hit, kind="stable")), legend


def resolve_layer(layer, *, default_order, time_slider=False, role="overlay", **options):
    """Read, filter and style one ``add()`` input into a :class:`MapLayer`.

    See :meth:`dsrgeo.Map.add` for the options. Raises the errors documented there.
    """
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise TypeError(
            f"add() got unknown option(s) {', '.join(unknown)}; options: {', '.join(OPTION_NAMES)}"
        )
    as_of = options.get("as_of")
    frame, info, source = _read_input(layer, as_of)
    block = dict(info.map) if info is not None else {}
    name = _display_name(options, info, frame, source)
    feature_count = len(frame)
    frame = _drawable(frame, info, block, name)
    kind = info.kind if info is not None else _kind_of(frame, name)
    base_style = _base_style(kind, block, options)
    colors, during, legend = _colour(frame, block, options, name, kind, time_slider)
    tooltip, popup, popup_html = _fields(frame, block, options, info, name)
    rows = _Rows(
        frame=frame,
        colors=colors,
        styles=[_style_for(base_style, kind, c) for c in colors],
        during=None if during is None else [_style_for(base_style, kind, c) for c in during],
        popup_html=popup_html,
    )
    if options.get("highlight") is not None:
        rows, legend = _highlight(rows, options["highlight"], name, kind, legend)

    time = None
    if time_slider:
        marks = (block.get("marks") or {}).get("values", {})
        time = _time_rule(
            rows.frame,
            block,
            base_style,
            kind,
            rows.during,
            lambda v: marks.get(v, {}).get("color", MISSING_COLOR),
        )
    citation, attribution = _citation(rows.frame, info, name)
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
        show=bool(options.get("show", block.get("show", True))),
        tooltip=tooltip,
        popup=popup,
        labels=_labels(info, block, [*tooltip, *popup]),
        feature_count=feature_count,
        order=int(block.get("order", BASE_ORDER[kind] + default_order)),
        time=time,
        popup_html=rows.popup_html,
        decimals=min(int(block.get("decimals", COORD_DECIMALS)), COORD_DECIMALS),
    )


def coverage_frame(grid):
    """Return ``grid`` (DataFrame with lat, lon) as a point GeoDataFrame in EPSG:4326."""
    import geopandas

    return geopandas.GeoDataFrame(
        pd.DataFrame(grid).reset_index(drop=True),
        geometry=geopandas.points_from_xy(grid["lon"], grid["lat"]),
        crs="EPSG:4326",
    )
