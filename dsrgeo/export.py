"""Static exports of a :class:`dsrgeo.Map`: PNG, SVG and PDF drawn with matplotlib.

The drawing reads the map's own layer record (:attr:`dsrgeo.Map.layers`: geometries already
filtered for ``as_of`` and split at the antimeridian, a colour and a Leaflet style per feature,
the legend, the citations), so a static figure shows the same layers, colours, legend, title and
credits as the interactive page, with no browser. Only layers that the page shows when it opens
are drawn (landing points, off by default, are left out unless added with ``show=True``).
Web tiles (``Map(tiles=...)``) are not drawn: the offline ``land`` basemap always is.

Legends are matplotlib legends (categories, with real text extents measured by the renderer)
and colorbars (continuous scales, with their title in words); the credit line is short (the
layers' attributions, each once) or full (every citation). Every text from data is drawn as
given: ``$`` never starts matplotlib's math mode.

Output is deterministic: the same map gives byte-identical files (no timestamps in the
metadata, a fixed SVG hash salt).
"""

import functools
import io
from pathlib import Path

from dsrgeo import checks
from dsrgeo.errors import ParameterError
from dsrgeo.fileio import atomic_path, atomic_write

__all__ = [
    "CREDITS",
    "DEFAULT_DPI",
    "DEFAULT_WIDTH_IN",
    "DEFAULT_WIDTH_PX",
    "MAX_PIXELS",
    "OCEAN_COLOR",
    "credit_text",
    "deterministic_metadata",
    "figure",
    "figure_bytes",
    "pdf_pages",
    "text_width_pt",
    "to_pdf",
    "to_png",
    "to_svg",
    "wrap_text",
]

DEFAULT_WIDTH_PX = 1600
DEFAULT_DPI = 200
#: Width of SVG and PDF figures, inches (A4 text width is about 6.3 in; a slide about 10 in)
DEFAULT_WIDTH_IN = 8.0
#: The widest figure accepted, inches, and the most pixels a PNG may have (about 100 MP)
MAX_WIDTH_IN = 60.0
MAX_PIXELS = 100_000_000
#: Credit lines: "short" (each layer's attribution, once) or "full" (every citation)
CREDITS = ("short", "full")
#: Sea colour: the background of the interactive map (``.dsrgeo-map`` in the page's CSS)
OCEAN_COLOR = "#dbe7f0"
#: Leaflet stroke widths are screen pixels on a map about 1,000 px wide; on an 8-inch figure
#: half a point per pixel keeps the same visual weight
LINE_PT_PER_PX = 0.5
#: Marker diameter in points per Leaflet ``radius`` pixel (a radius of 5 px gives a 6 pt dot)
MARKER_PT_PER_RADIUS_PX = 0.6
#: What the files say made them (no version or date, so files stay byte-identical)
CREATOR = "dsrgeo (matplotlib)"
#: SVG element ids derive from this salt instead of a random one
SVG_HASH_SALT = "dsrgeo"

_TITLE_PT = 12
_LEGEND_PT = 7
_CREDIT_PT = 5.5
_MARGIN_IN = 0.12
_GAP_IN = 0.08
_COLORBAR_IN = (2.2, 0.09)  # width, bar height


def deterministic_metadata(fmt):
    """Return ``savefig(metadata=...)`` for ``fmt`` that leaves out dates and versions.

    Parameters
    ----------
    fmt : {"png", "svg", "pdf"}

    Returns
    -------
    dict

    Examples
    --------
    >>> deterministic_metadata("pdf")["CreationDate"] is None
    True
    >>> deterministic_metadata("svg")
    {'Creator': 'dsrgeo (matplotlib)', 'Date': None}
    """
    if fmt == "png":
        return {"Software": CREATOR}
    if fmt == "svg":
        return {"Creator": CREATOR, "Date": None}
    if fmt == "pdf":
        return {"Creator": CREATOR, "Producer": CREATOR, "CreationDate": None}
    raise ParameterError(f"unknown format {fmt!r}; use 'png', 'svg' or 'pdf'", parameter="fmt")


# -- geometry to matplotlib ------------------------------------------------------------------


def _rgba(color, alpha):
    from matplotlib.colors import to_rgba

    return to_rgba(color, max(0.0, min(1.0, float(alpha))))


def _polygon_path(geometry):
    """One compound Path for a (Multi)Polygon: exteriors counter-clockwise, holes clockwise."""
    import numpy as np
    import shapely
    from matplotlib.path import Path as MplPath

    vertices, codes = [], []
    for polygon in shapely.get_parts(shapely.orient_polygons(geometry)):
        for ring in (polygon.exterior, *polygon.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 3:
                continue
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=MplPath.code_type)
            ring_codes[0] = MplPath.MOVETO
            ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    if not vertices:
        return None
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


def _line_parts(geometry):
    import numpy as np
    import shapely

    return [
        np.asarray(part.coords)[:, :2]
        for part in shapely.get_parts(geometry)
        if len(part.coords) >= 2
    ]


def _paint(style):
    """(face, edge, line width in pt) of a filled feature, with Leaflet's path defaults."""
    color = style.get("color", "#3388ff")
    return (
        _rgba(style.get("fillColor", color), style.get("fillOpacity", 0.2)),
        _rgba(color, style.get("opacity", 1.0)),
        float(style.get("weight", 1)) * LINE_PT_PER_PX,
    )


def _draw_polygons(ax, layer, zorder):
    from matplotlib.collections import PathCollection

    paths, faces, edges, widths = [], [], [], []
    for geometry, style in zip(layer.gdf.geometry, layer.styles):
        path = _polygon_path(geometry)
        if path is None:
            continue
        paths.append(path)
        face, edge, width = _paint(style)
        faces.append(face)
        edges.append(edge)
        widths.append(width)
    if paths:
        collection = PathCollection(
            paths, facecolors=faces, edgecolors=edges, linewidths=widths, zorder=zorder
        )
        collection.set_transform(ax.transData)
        ax.add_collection(collection, autolim=False)


def _draw_lines(ax, layer, zorder):
    from matplotlib.collections import LineCollection

    segments, colors, widths = [], [], []
    for geometry, style in zip(layer.gdf.geometry, layer.styles):
        color = _rgba(style.get("color", "#3388ff"), style.get("opacity", 1.0))
        width = float(style.get("weight", 3)) * LINE_PT_PER_PX
        for part in _line_parts(geometry):
            segments.append(part)
            colors.append(color)
            widths.append(width)
    if segments:
        ax.add_collection(
            LineCollection(
                segments,
                colors=colors,
                linewidths=widths,
                zorder=zorder,
                capstyle="round",
                joinstyle="round",
            ),
            autolim=False,
        )


def _draw_points(ax, layer, zorder):
    import numpy as np
    import shapely

    xs, ys, sizes, faces, edges, widths = [], [], [], [], [], []
    for geometry, style in zip(layer.gdf.geometry, layer.styles):
        coords = shapely.get_coordinates(geometry)
        diameter_pt = 2 * float(style.get("radius", 4)) * MARKER_PT_PER_RADIUS_PX
        face, edge, width = _paint(style)
        for x, y in coords:
            xs.append(x)
            ys.append(y)
            sizes.append(diameter_pt**2)
            faces.append(face)
            edges.append(edge)
            widths.append(width)
    if xs:
        ax.scatter(
            np.asarray(xs),
            np.asarray(ys),
            s=sizes,
            c=faces,
            edgecolors=edges,
            linewidths=widths,
            zorder=zorder,
        )


def _draw_image(ax, layer, zorder):
    from matplotlib.image import imread

    png, (south, west, north, east) = layer.image[0], layer.image[1]
    image = imread(io.BytesIO(png), format="png")
    left, right = ax.get_xlim()
    for shift in (-360.0, 0.0, 360.0):  # the grid wraps with the map: each copy in view
        if west + shift >= right or east + shift <= left:
            continue
        ax.imshow(
            image,
            extent=(west + shift, east + shift, south, north),
            origin="upper",
            interpolation="nearest",
            zorder=zorder,
            aspect="auto",
        )


def _recentred(layer, map_):
    """The layer with its geometry as ``map_`` draws it, in the longitudes of its centre.

    The map moves each layer once and keeps the result (``Map._drawn_geometries``, which the
    page uses too), so repeated exports do not move every layer again.
    """
    if not getattr(map_, "center_lon", 0.0) or layer.kind == "coverage":
        return layer
    import dataclasses

    moved = map_._drawn_geometries(layer)
    return dataclasses.replace(layer, gdf=layer.gdf.set_geometry(moved, crs=layer.gdf.crs))


def _draw_mixed(ax, layer, zorder):
    """A layer mixing geometry kinds: its polygons, then lines, then points over them."""
    import dataclasses

    types = layer.gdf.geometry.geom_type.str.replace("Multi", "", regex=False).to_numpy()
    for geom_type, draw in (
        ("Polygon", _draw_polygons),
        ("LineString", _draw_lines),
        ("Point", _draw_points),
    ):
        rows = [i for i, t in enumerate(types) if t == geom_type]
        if rows:
            part = dataclasses.replace(
                layer, gdf=layer.gdf.iloc[rows], styles=tuple(layer.styles[i] for i in rows)
            )
            draw(ax, part, zorder)


_DRAW = {
    "polygon": _draw_polygons,
    "line": _draw_lines,
    "point": _draw_points,
    "mixed": _draw_mixed,
    "coverage": _draw_image,
}


# -- legends, title, credits ---------------------------------------------------------------

_PT_PER_IN = 72.0


@functools.lru_cache(maxsize=50_000)
def text_width_pt(text, size_pt, bold=False):
    """Return the width of ``text`` in points, from matplotlib's font metrics (no math mode).

    Parameters
    ----------
    text : str
        One line of text (``$`` is a plain character).
    size_pt : float
        Font size in points.
    bold : bool
        Measure the bold face.

    Returns
    -------
    float
        The advance width in points.

    Examples
    --------
    >>> text_width_pt("ab", 10) > text_width_pt("a", 10) > 0
    True
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=size_pt, weight="bold" if bold else "normal")
    width, _, _ = TextToPath().get_text_width_height_descent(text, prop, ismath=False)
    return width


def wrap_text(text, width_in, size_pt, *, bold=False):
    """Wrap ``text`` into lines at most ``width_in`` inches wide, measured with matplotlib.

    Parameters
    ----------
    text : str
        The text; its newlines start new lines.
    width_in : float
        The widest a line may be, in inches (at least 0.2 is used).
    size_pt : float
        Font size in points.
    bold : bool
        Measure the bold face.

    Returns
    -------
    list of str
        Never empty (an empty text gives ``[""]``); a word too long for a line is broken.

    Examples
    --------
    >>> wrap_text("a b c", 10, 8)
    ['a b c']
    >>> len(wrap_text("word " * 60, 2.0, 8)) > 3
    True
    """
    limit = max(width_in, 0.2) * _PT_PER_IN
    lines = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width_pt(candidate, size_pt, bold) <= limit:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width_pt(word, size_pt, bold) > limit and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_width_pt(word[:cut], size_pt, bold) > limit:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines or [""]


def _drawn(layer):
    """True for the layers the page shows when it opens: basemaps and overlays with show=True."""
    return layer.role != "overlay" or layer.show


def _legend_layers(layers):
    """The visible overlays that have a legend, in map order."""
    return [
        layer
        for layer in layers
        if layer.role == "overlay" and _drawn(layer) and layer.legend is not None
    ]


def credit_text(layers, credit="short"):
    """Return the credit line(s) of the drawn layers.

    Parameters
    ----------
    layers : list of dsrgeo.maps.MapLayer
        A map's layers (``Map.layers``); only those drawn when the page opens count.
    credit : {"short", "full"}
        ``"short"``: the layers' short credits (the catalog's ``credit``: "© TeleGeography,
        CC BY-NC-SA 3.0", "Natural Earth"...), each once, on one line, top layers first, as the
        page's attribution line (what a licence such as CC BY-NC-SA requires; a report gives
        the full sources elsewhere); ``"full"``: one citation per layer (sources, URLs,
        licence).

    Returns
    -------
    str
        The text under a static map (empty if no drawn layer has a credit).

    Examples
    --------
    >>> import dsrgeo
    >>> print(credit_text(dsrgeo.Map().add("hmn_cables").layers))
    Credits: © TeleGeography, CC BY-NC-SA 3.0; HMN projects: cited reports; Natural Earth.
    """
    checks.choice(credit, "credit", CREDITS)
    drawn = [layer for layer in layers if _drawn(layer)]
    if credit == "full":
        seen = list(dict.fromkeys(layer.citation for layer in drawn if layer.citation))
        return "\n".join(["Sources:", *seen])
    parts = []
    for layer in sorted(drawn, key=lambda layer: -layer.order):
        parts += [part for part in layer.credit if part not in parts]
    return "Credits: " + "; ".join(parts) + "." if parts else ""


def _plain(text_artist):
    """Draw text as given: no math mode for '$'."""
    text_artist.set_parse_math(False)
    return text_artist


def _handles(legend):
    """(handles, labels) of a categorical or single legend."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for _, color in legend.entries:
        if legend.geometry == "line":
            handles.append(Line2D([], [], color=color, linewidth=2.2))
        elif legend.geometry == "point":
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="",
                    markersize=5,
                    markerfacecolor=color,
                    markeredgecolor="#333333",
                    markeredgewidth=0.4,
                )
            )
        else:
            handles.append(Patch(facecolor=color, edgecolor="#555555", linewidth=0.3))
    return handles, [str(label) for label, _ in legend.entries]


def _legend_blocks(fig, layers, width_in):
    """Make one legend or colorbar block per visible styled overlay; return their sizes.

    Each block is (kind, artist-maker, width_in, height_in); sizes are measured with the
    figure's renderer, so wrapping and packing follow real text extents.
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    from dsrgeo.styles import colormap

    renderer = fig.canvas.get_renderer()
    blocks = []
    singles = ([], [])  # single swatches say what they are: one block for all of them
    for layer in _legend_layers(layers):
        legend = layer.legend
        if legend.kind == "single":
            handles, labels = _handles(legend)
            singles[0].extend(handles)
            singles[1].extend(labels)
            continue
        if legend.kind == "continuous" and legend.stops:
            low, high = legend.stops[0][0], legend.stops[-1][0]
            mappable = ScalarMappable(
                Normalize(low, high if high > low else low + 1), colormap(legend.colormap or None)
            )
            blocks.append(("colorbar", (mappable, legend), _COLORBAR_IN[0] + 0.3, 0.55))
            if legend.entries:
                blocks.append(_categorical_block(fig, renderer, _handles(legend), "", width_in))
        else:
            blocks.append(
                _categorical_block(fig, renderer, _handles(legend), legend.title, width_in)
            )
    if singles[0]:
        blocks.append(_categorical_block(fig, renderer, singles, "", width_in))
    return blocks


def _categorical_block(fig, renderer, handles_labels, title, width_in):
    handles, labels = handles_labels
    columns = 1 if len(labels) <= 3 else 2
    made = _make_legend(fig, handles, labels, title, columns, (0, 0))
    box = made.get_window_extent(renderer)
    if box.width / fig.dpi > width_in and columns > 1:
        made.remove()
        columns = 1
        made = _make_legend(fig, handles, labels, title, columns, (0, 0))
        box = made.get_window_extent(renderer)
    made.remove()
    return ("legend", (handles, labels, title, columns), box.width / fig.dpi, box.height / fig.dpi)


def _make_legend(fig, handles, labels, title, columns, anchor_in):
    made = fig.legend(
        handles,
        labels,
        title=title or None,
        ncols=columns,
        loc="upper left",
        bbox_to_anchor=anchor_in,
        bbox_transform=fig.dpi_scale_trans,
        frameon=False,
        fontsize=_LEGEND_PT,
        title_fontsize=_LEGEND_PT,
        alignment="left",
        borderaxespad=0,
        borderpad=0.2,
        handlelength=1.6,
        columnspacing=1.2,
    )
    for text in made.get_texts():
        _plain(text)
    _plain(made.get_title()).set_fontweight("bold")
    return made


def _pack(blocks, width_in):
    """Place blocks left to right in rows: return ([(x_in, row_top_in)], total height)."""
    places, x, row_top, row_height = [], 0.0, 0.0, 0.0
    for _, _, width, height in blocks:
        if x > 0 and x + width > width_in:
            row_top += row_height + _GAP_IN
            x, row_height = 0.0, 0.0
        places.append((x, row_top))
        x += width + 0.25
        row_height = max(row_height, height)
    return places, (row_top + row_height if blocks else 0.0)


def _draw_blocks(fig, blocks, places, top_in, height_in):
    for (kind, payload, _, _), (x, y) in zip(blocks, places):
        left, top = _MARGIN_IN + x, height_in - (top_in + y)
        if kind == "legend":
            handles, labels, title, columns = payload
            _make_legend(fig, handles, labels, title, columns, (left, top))
        else:
            mappable, legend = payload
            bar_w, bar_h = _COLORBAR_IN
            cax = fig.add_axes(
                (
                    left / fig.get_figwidth(),
                    (top - 0.2 - bar_h) / height_in,
                    bar_w / fig.get_figwidth(),
                    bar_h / height_in,
                )
            )
            bar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
            bar.ax.tick_params(labelsize=_LEGEND_PT - 1, length=2, pad=1)
            bar.outline.set_linewidth(0.4)
            span = mappable.norm.vmax - mappable.norm.vmin
            if span >= 5:
                bar.ax.xaxis.set_major_formatter("{x:.0f}")
            _plain(
                cax.set_title(
                    legend.title, fontsize=_LEGEND_PT, fontweight="bold", loc="left", pad=3
                )
            )


def figure(map_, *, width_in=DEFAULT_WIDTH_IN, credit="full"):
    """Draw ``map_`` as a matplotlib Figure: title, map, legends and credits, top to bottom.

    The height follows from the width, the map's bounds (plate carrée: one degree of longitude
    as wide as one of latitude) and the space the legends and credits need, measured with the
    renderer.

    Parameters
    ----------
    map_ : dsrgeo.Map
        The map to draw: its layers shown when the page opens, with their colours.
    width_in : float
        Figure width in inches.
    credit : {"full", "short"}
        The credits below the map: every citation, or one short line of attributions (each
        credit once; reports use it, with the full sources elsewhere).

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot (no global state); save it with ``savefig`` or add it to a
        ``PdfPages``.

    Raises
    ------
    ParameterError
        If ``width_in`` is not a positive number of inches (at most 60) or ``credit`` is not
        one of :data:`CREDITS`.

    Examples
    --------
    >>> import dsrgeo
    >>> fig = figure(dsrgeo.Map(title="HMN Tech cables").add("hmn_cables"), width_in=6)
    >>> float(fig.get_figwidth()), fig.texts[0].get_text()
    (6.0, 'HMN Tech cables')
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width_in = checks.number(width_in, "width_in", low=0.5, high=MAX_WIDTH_IN)
    checks.choice(credit, "credit", CREDITS)
    west, south, east, north = map_.bounds
    layers = map_.layers
    inner_in = width_in - 2 * _MARGIN_IN
    map_in = width_in * (north - south) / (east - west)

    fig = Figure(figsize=(width_in, map_in + 1.0), facecolor="white")
    FigureCanvasAgg(fig)  # measures text with the renderer that draws PNGs
    renderer = fig.canvas.get_renderer()
    title = None
    title_in = 0.0
    if map_.title:
        lines = wrap_text(map_.title, inner_in, _TITLE_PT, bold=True)
        title = _plain(
            fig.text(
                0.5,
                1.0,
                "\n".join(lines),
                fontsize=_TITLE_PT,
                fontweight="bold",
                ha="center",
                va="top",
            )
        )
        title_in = title.get_window_extent(renderer).height / fig.dpi + 2 * _MARGIN_IN
    blocks = _legend_blocks(fig, layers, inner_in)
    places, legend_in = _pack(blocks, inner_in)
    credit_lines = wrap_text(credit_text(layers, credit), inner_in, _CREDIT_PT)
    credits = _plain(
        fig.text(
            0,
            0,
            "\n".join(credit_lines),
            fontsize=_CREDIT_PT,
            color="#444444",
            ha="left",
            va="top",
            linespacing=1.3,
        )
    )
    credits_in = credits.get_window_extent(renderer).height / fig.dpi
    height_in = (
        title_in
        + map_in
        + _MARGIN_IN
        + legend_in
        + (_GAP_IN if blocks else 0)
        + credits_in
        + 2 * _MARGIN_IN
    )
    fig.set_size_inches(width_in, height_in)

    top = height_in
    if title is not None:
        title.set_position((0.5, (top - _MARGIN_IN) / height_in))
        top -= title_in
    ax = fig.add_axes((0, (top - map_in) / height_in, 1, map_in / height_in))
    ax.set_facecolor(OCEAN_COLOR)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.4)
        spine.set_color("#888888")
    for zorder, layer in enumerate(layers, start=1):
        if _drawn(layer) and layer.kind in _DRAW and len(layer.gdf):
            _DRAW[layer.kind](ax, _recentred(layer, map_), zorder)
    top -= map_in + _MARGIN_IN
    _draw_blocks(fig, blocks, places, height_in - top, height_in)
    top -= legend_in + (_GAP_IN if blocks else 0)
    credits.set_position((_MARGIN_IN / width_in, top / height_in))
    return fig


def figure_bytes(fig, fmt, **kwargs):
    """Return ``fig`` saved as ``fmt`` ("png", "svg" or "pdf") with deterministic metadata.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    fmt : {"png", "svg", "pdf"}
        The file format.
    **kwargs
        Passed to ``savefig`` (``dpi=...``).

    Returns
    -------
    bytes
        The file's content: the same figure gives the same bytes (no dates, fixed SVG ids).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1))
    >>> figure_bytes(fig, "svg") == figure_bytes(fig, "svg")
    True
    """
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, metadata=deterministic_metadata(fmt), **kwargs)
    return buffer.getvalue()


def pdf_pages(figures, path):
    """Write matplotlib figures as the pages of one PDF, atomically and deterministically.

    Parameters
    ----------
    figures : sequence of matplotlib.figure.Figure
        One page per figure, in order.
    path : str or os.PathLike
        The PDF file, replaced only when complete.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from matplotlib.backends.backend_pdf import PdfPages

    path = Path(path)
    with atomic_path(path) as tmp, PdfPages(tmp, metadata=deterministic_metadata("pdf")) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return path


def to_png(map_, path, *, width_px=DEFAULT_WIDTH_PX, dpi=DEFAULT_DPI, credit="full"):
    r"""Write ``map_`` as a PNG image ``width_px`` pixels wide.

    Parameters
    ----------
    map_ : dsrgeo.Map
        The map to draw (see :func:`figure`).
    path : str or os.PathLike
        Written atomically (temp file in the same folder, then renamed).
    width_px : int
        Image width in pixels (16 to 20,000); the height follows from the map's bounds and
        legend.
    dpi : float
        Pixels per inch (10 to 1,200): sets the size of text and lines relative to the image
        (the figure is ``width_px / dpi`` inches wide).
    credit : {"full", "short"}
        See :func:`figure`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ParameterError
        If ``width_px`` or ``dpi`` is out of range, or the image would exceed
        :data:`MAX_PIXELS`.

    Examples
    --------
    >>> import dsrgeo, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "hmn.png"
    >>> dsrgeo.Map().add("hmn_cables").to_png(out, width_px=400, dpi=50).read_bytes()[:4]
    b'\x89PNG'
    """
    width_px = checks.number(width_px, "width_px", low=16, high=20_000, integer=True)
    dpi = checks.number(dpi, "dpi", low=10, high=1200)
    width_in = width_px / dpi
    if width_in > MAX_WIDTH_IN:
        raise ParameterError(
            f"{width_px} px at {dpi:g} dpi is {width_in:.0f} in wide, over {MAX_WIDTH_IN:g} "
            "in; raise dpi or lower width_px",
            parameter="width_px",
        )
    fig = figure(map_, width_in=width_in, credit=credit)
    pixels = width_px * fig.get_figheight() * dpi
    if pixels > MAX_PIXELS:
        raise ParameterError(
            f"the image would have {pixels:,.0f} pixels, over {MAX_PIXELS:,}; lower width_px",
            parameter="width_px",
        )
    return atomic_write(path, figure_bytes(fig, "png", dpi=dpi))


def to_svg(map_, path, *, width_in=DEFAULT_WIDTH_IN, credit="full"):
    """Write ``map_`` as an SVG drawing (text as outlines, so it looks the same everywhere).

    Parameters
    ----------
    map_ : dsrgeo.Map
        The map to draw (see :func:`figure`).
    path : str or os.PathLike
        Written atomically.
    width_in : float
        Drawing width in inches.
    credit : {"full", "short"}
        See :func:`figure`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return atomic_write(path, figure_bytes(figure(map_, width_in=width_in, credit=credit), "svg"))


def to_pdf(map_, path, *, width_in=DEFAULT_WIDTH_IN, credit="full"):
    """Write ``map_`` as a one-page vector PDF.

    Parameters
    ----------
    map_ : dsrgeo.Map
        The map to draw (see :func:`figure`).
    path : str or os.PathLike
        Written atomically.
    width_in : float
        Page width in inches; the page height fits the figure.
    credit : {"full", "short"}
        See :func:`figure`.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    return atomic_write(path, figure_bytes(figure(map_, width_in=width_in, credit=credit), "pdf"))
