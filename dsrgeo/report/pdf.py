"""The report as a PDF drawn with matplotlib: A4 pages of text, tables and figures.

Text is wrapped by measuring each word with matplotlib's own font metrics (no guessed glyph
widths), tables continue on the next page with their header, and every page is A4 portrait,
the title page first.
"""

from dsrgeo import catalog
from dsrgeo.errors import ParameterError
from dsrgeo.export import figure as map_figure
from dsrgeo.export import pdf_pages, text_width_pt, wrap_text
from dsrgeo.text import cell_text

__all__ = ["PAGE_IN", "flow_pages", "to_pdf"]

#: Page size of report PDFs, inches (A4 portrait)
PAGE_IN = (8.27, 11.69)
_PAGE_MARGIN_IN = 0.6
_BLOCK_PT = {"title": 15, "heading": 12, "caption": 8, "text": 8.5, "table": 6.5}
_LINE_SPACING = 1.35
_MAX_CELL_CHARS = 400
_PT_PER_IN = 72.0


def _line_in(size_pt):
    return size_pt * _LINE_SPACING / _PT_PER_IN


def _cell_text(value):
    text = cell_text(value)  # as the HTML page shows it; long cells cut to fit a page
    return text if len(text) <= _MAX_CELL_CHARS else text[: _MAX_CELL_CHARS - 1] + "…"


def _column_widths(needs, least, total):
    """Share ``total`` among table columns, never breaking a header word if it can be helped.

    Each column is as wide as it ``needs`` if all fit; else each gets at least ``least`` (its
    longest header word) and the rest is shared by what each needs beyond that.

    Examples
    --------
    >>> _column_widths([10, 30], [5, 5], 80)
    [20.0, 60.0]
    >>> _column_widths([10, 60], [10, 20], 50)  # the first keeps its word, the second wraps
    [10.0, 40.0]
    """
    if sum(needs) <= total or sum(least) >= total:
        return [total * n / sum(needs) for n in needs]
    beyond = [max(0.0, n - m) for n, m in zip(needs, least)]
    spare = total - sum(least)
    return [m + spare * b / sum(beyond) for m, b in zip(least, beyond)]


def _table_rows(frame, width_in):
    """Wrap a DataFrame's header and cells to column widths; return (widths, header, rows)."""
    size = _BLOCK_PT["table"]
    texts = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False)]
    header = [str(c) for c in frame.columns]
    needs, least = [], []
    pad = 0.12 * _PT_PER_IN
    for j in range(len(header)):
        longest_word = max((text_width_pt(w, size, True) for w in header[j].split()), default=0)
        cells = [min(text_width_pt(r[j], size, False), 3 * _PT_PER_IN) for r in texts if r[j]]
        needs.append(max([longest_word, *cells, 0.3 * _PT_PER_IN]) + pad)
        least.append(longest_word + pad)  # a header word is never broken
    widths = _column_widths(needs, least, width_in * _PT_PER_IN)
    widths = [w / _PT_PER_IN for w in widths]

    def wrap_row(row, bold=False):
        return [
            wrap_text(cell, w - 0.06, size, bold=bold) if cell else [""]
            for cell, w in zip(row, widths)
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

    def _text(self, x, y, text, **style):
        artist = self.ax.text(x, y, text, va="top", **style)
        artist.set_parse_math(False)  # '$' in data is text, not math

    def text(self, kind, text):
        size = _BLOCK_PT[kind]
        bold = kind != "text"
        lines = wrap_text(text, self.width_in, size, bold=bold)
        gap = {"title": 0.15, "heading": 0.18, "caption": 0.06, "text": 0.06}[kind]
        if kind == "heading":
            self._room(len(lines) * _line_in(size) + gap + 0.8)  # keep a heading with its text
            self.y += gap
        for line in lines:
            self._room(_line_in(size))
            self._text(
                _PAGE_MARGIN_IN,
                self.y,
                line,
                fontsize=size,
                fontweight="bold" if bold else "normal",
            )
            self.y += _line_in(size)
        self.y += gap if kind != "heading" else 0.05

    def figure(self, fig, caption):
        """Place a matplotlib figure (drawn as an image) at full text width, with a caption."""
        import io

        from matplotlib.image import imread

        from dsrgeo.export import figure_bytes

        width, height = fig.get_size_inches()
        room = PAGE_IN[1] - 2 * _PAGE_MARGIN_IN - 0.4  # a page's text height, less a caption
        scale = min(self.width_in / width, room / height)  # full text width, if it fits
        shown_w, shown_h = width * scale, height * scale
        self._room(shown_h + 0.3)
        image = imread(io.BytesIO(figure_bytes(fig, "png", dpi=200)), format="png")
        self.ax.imshow(
            image,
            extent=(_PAGE_MARGIN_IN, _PAGE_MARGIN_IN + shown_w, self.y + shown_h, self.y),
            interpolation="antialiased",
            zorder=1,
        )
        self.y += shown_h + 0.05
        if caption:
            self.text("caption", caption)

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
                self._text(
                    x + 0.03,
                    self.y + 0.02,
                    "\n".join(cell),
                    fontsize=size,
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
        kind "title", "heading", "caption" or "text" with a plain string, "table" with a
        DataFrame (long cells are wrapped; a table continues on the next page with its
        header), or "figure" with (matplotlib figure, caption).

    Returns
    -------
    list of matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        For an unknown block kind.

    Examples
    --------
    >>> import pandas as pd
    >>> pages = flow_pages([("heading", "Lengths"), ("table", pd.DataFrame({"km": [1, 2]}))])
    >>> len(pages), pages[0].get_size_inches().round(2).tolist()
    (1, [8.27, 11.69])
    """
    pages = _Pages()
    for kind, content in blocks:
        if kind == "table":
            pages.table(content)
        elif kind == "figure":
            pages.figure(*content)
        elif kind in _BLOCK_PT:
            pages.text(kind, str(content))
        else:
            raise ParameterError(
                f"unknown report block {kind!r}; use one of {sorted([*_BLOCK_PT, 'figure'])}",
                parameter="blocks",
            )
    return pages.figures


def to_pdf(report, path):
    """Write the report as an A4 PDF drawn with matplotlib: title page first, then sections.

    Parameters
    ----------
    report : dsrgeo.report.Report
        The content, from :func:`dsrgeo.report.build_report`.
    path : str or os.PathLike
        Written atomically.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    blocks = [
        ("title", report.title),
        (
            "text",
            f"dsrgeo {report.version}. Layers as of "
            + (str(report.as_of) if report.as_of is not None else "the shipped snapshot")
            + "; the interactive map is in the HTML report.",
        ),
        (
            "figure",
            (map_figure(report.map, width_in=PAGE_IN[0] - 2 * _PAGE_MARGIN_IN, credit="short"), ""),
        ),
    ]
    for section in report.sections:
        blocks.append(("heading", section.heading))
        blocks += [("text", text) for text in section.paragraphs]
        for figure in section.figures:
            blocks.append(("figure", (figure.figure, figure.caption)))
        for table in section.tables:
            blocks += [("caption", table.caption), ("table", table.frame)]
    blocks.append(("heading", "Sources and licences"))
    blocks += [
        ("text", catalog.citation(layer_id))
        for layer_id in dict.fromkeys(report.citations["layer"])
    ]
    return pdf_pages(flow_pages(blocks), path)
