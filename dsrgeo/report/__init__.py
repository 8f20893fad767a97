"""The report: map, indicators, length audit, BeiDou vs GPS, claims and citations in one page.

Everything comes from the public API and is written as one offline HTML page (and a PDF of
the same content).

:func:`build_report` collects the content (:mod:`dsrgeo.report.content`); :func:`write_report`
renders it as HTML through jinja2 with autoescape (:mod:`dsrgeo.report.html`) and, with
``pdf=True``, as an A4 PDF drawn with matplotlib (:mod:`dsrgeo.report.pdf`). Nothing here
reaches the network.
"""

from pathlib import Path

from dsrgeo import checks
from dsrgeo.errors import ParameterError
from dsrgeo.fileio import atomic_write
from dsrgeo.report.content import (
    Report,
    ReportFigure,
    ReportSection,
    ReportTable,
    build_report,
    citations,
    year_range,
)
from dsrgeo.report.html import render_report
from dsrgeo.report.pdf import to_pdf

__all__ = [
    "Report",
    "ReportFigure",
    "ReportSection",
    "ReportTable",
    "build_report",
    "citations",
    "to_html",
    "to_pdf",
    "write_report",
    "year_range",
]


def to_html(report):
    """Return the report as one self-contained HTML page (see :mod:`dsrgeo.report.html`).

    Parameters
    ----------
    report : Report
        The content, from :func:`build_report`.

    Returns
    -------
    str
        The page: map, tables and figures inline, every text escaped; it opens offline.
    """
    return render_report(report)


def write_report(path, *, as_of=None, pdf=False, title=None, report=None):
    """Build the report and write it as HTML (and, with ``pdf=True``, a PDF beside it).

    Parameters
    ----------
    path : str or os.PathLike
        The HTML file; written atomically (an existing file is replaced only when the new
        one is complete).
    as_of : int, optional
        See :func:`build_report`.
    pdf : bool
        Also write ``path`` with the suffix ``.pdf``. The PDF is made first: if that fails,
        neither file is changed.
    title : str, optional
        See :func:`build_report`.
    report : Report, optional
        Write this report, already built with :func:`build_report`, instead of building one
        (then ``as_of`` and ``title`` must not be given).

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    ParameterError
        If ``report`` is given together with ``as_of`` or ``title``.
    FileNotFoundError
        If the folder of ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> [p.name for p in write_report(out)]
    ['report.html']
    >>> [p.name for p in write_report(out, report=build_report())]
    ['report.html']
    """
    path = Path(path)
    pdf = checks.boolean(pdf, "pdf")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(path)!r}: folder {str(path.parent)!r} does not exist"
        )
    if report is None:
        report = build_report(as_of=as_of, title=title)
    elif as_of is not None or title is not None:
        raise ParameterError(
            "pass as_of and title to build_report(), not with report=", parameter="report"
        )
    page = to_html(report)
    written = []
    if pdf:  # the PDF first (written atomically): if it fails, the HTML is not replaced either
        written.append(to_pdf(report, path.with_suffix(".pdf")))
    return [atomic_write(path, page), *written]
