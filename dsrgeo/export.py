"""Static exports of a :class:`dsrgeo.Map`: PNG, SVG and PDF drawn with matplotlib.

The drawing reads the map's own layer record (:attr:`dsrgeo.Map.layers`: geometries already
filtered for ``as_of`` and split at the antimeridian, a colour and a Leaflet style per feature,
the legend, the citations), so a static figure shows the same layers, colours, legend, title and
sources as the interactive page, with no browser. Only layers that the page shows when it opens
are drawn (landing points, off by default, are left out unless added with ``show=True``).
Web tiles (``Map(tiles=...)``) are not drawn: the offline ``land`` basemap always is. Layers
added with ``as_of`` are drawn as of that year.

Output is deterministic: the same map gives byte-identical files (no timestamps in the
metadata, a fixed SVG hash salt). matplotlib is imported inside the functions.
"""

import io
import math
import textwrap
from pathlib import Path

from dsrgeo.errors import ExportError

__all__ = [
    "DEFAULT_DPI",
    "DEFAULT_WIDTH_IN",
    "DEFAULT_WIDTH_PX",
    "OCEAN_COLOR",
    "deterministic_metadata",
    "figure",
    "to_pdf",
    "to_png",
    "to_svg",
]

DEFAULT_WIDTH_PX = 1600
DEFAULT_DPI = 200
#: Width of SVG and PDF figures, inches (A4 text width is about 6.3 in; a slide about 10 in)
DEFAULT_WIDTH_IN = 8.0
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
_SOURCES_PT = 5.5
_MARGIN_IN = 0.12
_ROW_IN = 0.155
_SWATCH_IN = (0.22, 0.11)
_MAX_LEGEND_COLUMNS = 4
_PT_PER_IN = 72.0
_CHAR_WIDTH_EM = 0.56  # mean glyph width of DejaVu Sans, in em, for wrapping text
_BOLD_WIDTH_EM = 0.64


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
    raise ExportError(f"unknown format {fmt!r}; use 'png', 'svg' or 'pdf'")


# -- geometry to matplotlib paths ----------------------------------------------------------


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
    ax.imshow(
        imread(io.BytesIO(png), format="png"),
        extent=(west, east, south, north),
        origin="upper",
        interpolation="nearest",
        zorder=zorder,
        aspect="auto",
    )


_DRAW = {
    "polygon": _draw_polygons,
    "line": _draw_lines,
    "point": _draw_points,
    "coverage": _draw_image,
}


# -- legend, title, sources ----------------------------------------------------------------


def _wrap(text, width_in, size_pt, *, bold=False):
    em = _BOLD_WIDTH_EM if bold else _CHAR_WIDTH_EM
    chars = max(8, int(width_in * _PT_PER_IN / (size_pt * em)))
    return textwrap.wrap(str(text), chars) or [""]


def _stop_label(value, span):
    """A ramp stop as text, with as many decimals as the ramp's span needs.

    Examples
    --------
    >>> _stop_label(2016.0, 12), _stop_label(2015.5, 12), _stop_label(0.125, 0.4)
    ('2016', '2016', '0.12')
    """
    decimals = 0 if span >= 5 else (1 if span >= 0.5 else 2)
    return f"{float(value):.{decimals}f}"


def _legend_rows(legend):
    """(label, colour) rows of a legend; a continuous ramp becomes one row per stop."""
    rows = []
    if legend.kind == "continuous" and legend.stops:
        span = legend.stops[-1][0] - legend.stops[0][0]
        rows += [(_stop_label(value, span), color) for value, color in legend.stops]
    return rows + [(str(label), color) for label, color in legend.entries]


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


def _legend_sections(layers, width_in):
    """Return (sections, columns, column width in) of the legend ``width_in`` inches wide.

    One section, (title lines, [(label lines, colour)], geometry), per visible styled overlay,
    wrapped to the width of a column; up to ``_MAX_LEGEND_COLUMNS`` columns.
    """
    legend_layers = _legend_layers(layers)
    columns = max(1, min(len(legend_layers), _MAX_LEGEND_COLUMNS))
    column_in = width_in / columns
    sections = []
    for layer in legend_layers:
        legend = layer.legend
        label_in = column_in - _SWATCH_IN[0] - 0.12
        rows = [
            (_wrap(label, label_in, _LEGEND_PT), color) for label, color in _legend_rows(legend)
        ]
        geometry = "polygon" if layer.kind == "coverage" else legend.geometry
        sections.append(
            (_wrap(legend.title, column_in - 0.1, _LEGEND_PT, bold=True), rows, geometry)
        )
    return sections, columns, column_in


def _section_height_in(section):
    title, rows, _ = section
    return _ROW_IN * (len(title) + sum(len(lines) for lines, _ in rows)) + 0.08


def _swatch(ax, x, y, color, geometry):
    """Draw a legend swatch whose top-left corner is (x, y) inches (y grows downwards)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    width, height = _SWATCH_IN
    middle = y + _ROW_IN / 2
    if geometry == "line":
        ax.add_line(
            Line2D(
                [x, x + width], [middle, middle], color=color, linewidth=2.2, solid_capstyle="butt"
            )
        )
    elif geometry == "point":
        ax.plot(
            [x + width / 2],
            [middle],
            marker="o",
            markersize=5,
            color=color,
            markeredgecolor="#333333",
            markeredgewidth=0.4,
            linestyle="",
        )
    else:
        ax.add_patch(
            Rectangle(
                (x, middle - height / 2),
                width,
                height,
                facecolor=color,
                edgecolor="#555555",
                linewidth=0.3,
            )
        )


def _pack(sections, columns):
    """Return ([(column, top in)] per section, height in): each goes in the shortest column."""
    tops = [0.0] * columns
    places = []
    for section in sections:
        column = tops.index(min(tops))
        places.append((column, tops[column]))
        tops[column] += _section_height_in(section)
    return places, max(tops)


def _draw_legend(ax, sections, places, column_in):
    for section, (column, top) in zip(sections, places):
        x, y = column * column_in, top
        title, rows, geometry = section
        for line in title:
            ax.text(
                x,
                y + _ROW_IN / 2,
                line,
                fontsize=_LEGEND_PT,
                fontweight="bold",
                va="center",
                ha="left",
            )
            y += _ROW_IN
        for lines, color in rows:
            _swatch(ax, x, y, color, geometry)
            for line in lines:
                ax.text(
                    x + _SWATCH_IN[0] + 0.06,
                    y + _ROW_IN / 2,
                    line,
                    fontsize=_LEGEND_PT,
                    va="center",
                    ha="left",
                )
                y += _ROW_IN


def _sources_lines(layers, width_in):
    seen = []
    for layer in filter(_drawn, layers):
        if layer.citation and layer.citation not in seen:
            seen.append(layer.citation)
    lines = []
    for i, text in enumerate(seen):
        lines += _wrap(("Sources: " if i == 0 else "") + text, width_in, _SOURCES_PT)
    return lines + ["Made with dsrgeo; colours and data as in the interactive map."]


# -- the figure ----------------------------------------------------------------------------


def _check_positive(name, value):
    try:
        number = float(value)
    except (TypeError, ValueError) as err:
        raise ExportError(f"{name} must be a positive number, got {value!r}") from err
    if not math.isfinite(number) or number <= 0:
        raise ExportError(f"{name} must be a positive number, got {value!r}")
    return number


def figure(map_, *, width_in=DEFAULT_WIDTH_IN):
    """Draw ``map_`` as a matplotlib Figure: title, map, legend and sources, top to bottom.

    The height follows from the width, the map's bounds (plate carrée: one degree of longitude
    as wide as one of latitude) and the space the legend and sources need.

    Parameters
    ----------
    map_ : dsrgeo.Map
    width_in : float
        Figure width in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot (no global state); save it with ``savefig`` or add it to a
        ``PdfPages``.

    Raises
    ------
    ExportError
        If ``width_in`` is not a positive number.

    Examples
    --------
    >>> import dsrgeo
    >>> fig = figure(dsrgeo.Map(title="HMN Tech cables").add("hmn_cables"), width_in=6)
    >>> float(fig.get_figwidth()), fig.texts[0].get_text()
    (6.0, 'HMN Tech cables')
    """
    from matplotlib.figure import Figure

    width_in = _check_positive("width_in", width_in)
    west, south, east, north = map_.bounds
    layers = map_.layers
    inner_in = width_in - 2 * _MARGIN_IN
    map_in = width_in * (north - south) / (east - west)
    title_lines = _wrap(map_.title, inner_in, _TITLE_PT, bold=True) if map_.title else []
    title_in = len(title_lines) * _TITLE_PT * 1.35 / _PT_PER_IN + (_MARGIN_IN if title_lines else 0)
    sections, columns, column_in = _legend_sections(layers, inner_in)
    places, legend_in = _pack(sections, columns)
    sources = _sources_lines(layers, inner_in)
    sources_in = len(sources) * _SOURCES_PT * 1.3 / _PT_PER_IN
    height_in = title_in + map_in + _MARGIN_IN + legend_in + sources_in + 2 * _MARGIN_IN

    fig = Figure(figsize=(width_in, height_in), facecolor="white")
    top = height_in
    if title_lines:
        fig.text(
            0.5,
            (top - _MARGIN_IN) / height_in,
            "\n".join(title_lines),
            fontsize=_TITLE_PT,
            fontweight="bold",
            ha="center",
            va="top",
        )
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
            _DRAW[layer.kind](ax, layer, zorder)
    top -= map_in + _MARGIN_IN
    if sections:
        legend_ax = fig.add_axes(
            (
                _MARGIN_IN / width_in,
                (top - legend_in) / height_in,
                inner_in / width_in,
                legend_in / height_in,
            )
        )
        legend_ax.set_xlim(0, inner_in)
        legend_ax.set_ylim(legend_in, 0)
        legend_ax.set_axis_off()
        _draw_legend(legend_ax, sections, places, column_in)
        top -= legend_in
    fig.text(
        _MARGIN_IN / width_in,
        (top - 0.04) / height_in,
        "\n".join(sources),
        fontsize=_SOURCES_PT,
        color="#444444",
        ha="left",
        va="top",
        linespacing=1.3,
    )
    return fig


def _save(fig, path, fmt, **kwargs):
    from dsrgeo.fileio import atomic_write

    return atomic_write(path, figure_bytes(fig, fmt, **kwargs))


def to_png(map_, path, *, width_px=DEFAULT_WIDTH_PX, dpi=DEFAULT_DPI):
    """Write ``map_`` as a PNG image ``width_px`` pixels wide.

    Parameters
    ----------
    map_ : dsrgeo.Map
    path : str or os.PathLike
        Written atomically (temp file in the same folder, then renamed).
    width_px : int
        Image width in pixels; the height follows from the map's bounds and legend.
    dpi : float
        Pixels per inch: sets the size of text and lines relative to the image (the figure is
        ``width_px / dpi`` inches wide).

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ExportError
        If ``width_px`` or ``dpi`` is not positive.

    Examples
    --------
    >>> import dsrgeo, tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "hmn.png"
    >>> dsrgeo.Map().add("hmn_cables").to_png(out, width_px=400, dpi=50).read_bytes()[:4]
    b'\\x89PNG'
    """
    width_px = int(_check_positive("width_px", width_px))
    dpi = _check_positive("dpi", dpi)
    fig = figure(map_, width_in=width_px / dpi)
    return _save(fig, path, "png", dpi=dpi)


def to_svg(map_, path, *, width_in=DEFAULT_WIDTH_IN):
    """Write ``map_`` as an SVG drawing (text as outlines, so it looks the same everywhere).

    Parameters
    ----------
    map_ : dsrgeo.Map
    path : str or os.PathLike
        Written atomically.
    width_in : float
        Drawing width in inches.

    Returns
    -------
    pathlib.Path
    """
    fig = figure(map_, width_in=width_in)
    return _save(fig, path, "svg")


def to_pdf(map_, path, *, width_in=DEFAULT_WIDTH_IN):
    """Write ``map_`` as a one-page vector PDF.

    Parameters
    ----------
    map_ : dsrgeo.Map
    path : str or os.PathLike
        Written atomically.
    width_in : float
        Page width in inches; the page height fits the figure.

    Returns
    -------
    pathlib.Path
    """
    fig = figure(map_, width_in=width_in)
    return _save(fig, path, "pdf")


# -- report pages --------------------------------------------------------------------------

#: Page size of report PDFs, inches (A4 portrait)
PAGE_IN = (8.27, 11.69)
_PAGE_MARGIN_IN = 0.6
_BLOCK_PT = {"title": 15, "heading": 12, "caption": 8, "text": 8.5, "table": 6.5}
_LINE_SPACING = 1.35
_MAX_CELL_CHARS = 400


def figure_bytes(fig, fmt, **kwargs):
    """Return ``fig`` saved as ``fmt`` ("png", "svg" or "pdf") with deterministic metadata.

    ``kwargs`` go to ``savefig`` (``dpi=...``).

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
    path : str or os.PathLike

    Returns
    -------
    pathlib.Path
    """
    from matplotlib.backends.backend_pdf import PdfPages

    from dsrgeo.fileio import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp, PdfPages(tmp, metadata=deterministic_metadata("pdf")) as pdf:
        for fig in figures:
            pdf.savefig(fig)
    return path


def _line_in(size_pt):
    return size_pt * _LINE_SPACING / _PT_PER_IN


def _cell_text(value):
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    text = str(value)
    return text if len(text) <= _MAX_CELL_CHARS else text[: _MAX_CELL_CHARS - 1] + "…"


def _table_rows(frame, width_in):
    """Wrap a DataFrame's header and cells to column widths; return (widths, header, rows)."""
    size = _BLOCK_PT["table"]
    texts = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]
    header = [str(c) for c in frame.columns]
    longest = [
        max(
            [
                len(header[j]) // 2 + 1,
                *(round(len(w) * _BOLD_WIDTH_EM / _CHAR_WIDTH_EM) + 1 for w in header[j].split()),
                *(min(len(r[j]), 60) for r in texts),
            ]
        )
        + 2
        for j in range(len(header))
    ]
    total = sum(longest)
    widths = [width_in * n / total for n in longest]

    def wrap_row(row, bold=False):
        return [
            _wrap(cell, w - 0.06, size, bold=bold) if cell else [""] for cell, w in zip(row, widths)
        ]

    return widths, wrap_row(header, bold=True), [wrap_row(r) for r in texts]


class _Pages:
    """Stack blocks of text and tables down A4 pages, starting a new page when one is full."""

    def __init__(self):
        self.figures = []
        self.width_in = PAGE_IN[0] - 2 * _PAGE_MARGIN_IN
        self._new_page()

    def _new_page(self):
        from matplotlib.figure import Figure

        fig = Figure(figsize=PAGE_IN, facecolor="white")
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, PAGE_IN[0])
        ax.set_ylim(PAGE_IN[1], 0)
        ax.set_axis_off()
        self.figures.append(fig)
        self.ax = ax
        self.y = _PAGE_MARGIN_IN

    def _room(self, height_in):
        if self.y + height_in > PAGE_IN[1] - _PAGE_MARGIN_IN and self.y > _PAGE_MARGIN_IN:
            self._new_page()

    def text(self, kind, text):
        size = _BLOCK_PT[kind]
        bold = kind != "text"
        lines = _wrap(text, self.width_in, size, bold=bold)
        gap = {"title": 0.15, "heading": 0.18, "caption": 0.06, "text": 0.06}[kind]
        if kind == "heading":
            self._room(len(lines) * _line_in(size) + gap + 0.8)  # keep a heading with its text
            self.y += gap
        for line in lines:
            self._room(_line_in(size))
            self.ax.text(
                _PAGE_MARGIN_IN,
                self.y,
                line,
                fontsize=size,
                va="top",
                fontweight="bold" if bold else "normal",
            )
            self.y += _line_in(size)
        self.y += gap if kind != "heading" else 0.05

    def table(self, frame):
        size = _BLOCK_PT["table"]
        line = _line_in(size)
        widths, header, rows = _table_rows(frame, self.width_in)

        def draw_row(cells, bold, shade):
            height = max(len(c) for c in cells) * line + 0.04
            self._room(height)
            if shade:
                from matplotlib.patches import Rectangle

                self.ax.add_patch(
                    Rectangle(
                        (_PAGE_MARGIN_IN, self.y),
                        self.width_in,
                        height,
                        facecolor=shade,
                        edgecolor="none",
                    )
                )
            x = _PAGE_MARGIN_IN
            for cell, width in zip(cells, widths):
                self.ax.text(
                    x + 0.03,
                    self.y + 0.02,
                    "\n".join(cell),
                    fontsize=size,
                    va="top",
                    linespacing=_LINE_SPACING,
                    fontweight="bold" if bold else "normal",
                )
                x += width
            self.y += height

        draw_row(header, True, "#e6e6e6")
        for i, cells in enumerate(rows):
            if self.y + line > PAGE_IN[1] - _PAGE_MARGIN_IN:
                self._new_page()
                draw_row(header, True, "#e6e6e6")
            draw_row(cells, False, "#f5f5f5" if i % 2 else None)
        self.y += 0.15


def flow_pages(blocks):
    """Lay out report blocks on A4 pages.

    Parameters
    ----------
    blocks : iterable of (kind, content)
        kind "title", "heading", "caption" or "text" with a plain string, or "table" with a
        DataFrame (long cells are wrapped; a table continues on the next page with its header).

    Returns
    -------
    list of matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd
    >>> pages = flow_pages([("heading", "Lengths"), ("table", pd.DataFrame({"km": [1, 2]}))])
    >>> len(pages)
    1
    """
    pages = _Pages()
    for kind, content in blocks:
        if kind == "table":
            pages.table(content)
        elif kind in _BLOCK_PT:
            pages.text(kind, str(content))
        else:
            raise ExportError(f"unknown report block {kind!r}; use one of {sorted(_BLOCK_PT)}")
    return pages.figures
