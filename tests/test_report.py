"""`dsrgeo report`: one offline page with the map, tables, figures and sources; text escaped."""

import json
import re

import pandas as pd
import pytest

import dsrgeo
from dsrgeo import report
from dsrgeo.cli import main
from dsrgeo.report.html import render_report

HOSTILE = "<img src=x onerror=window.__pwned=1>"
# PEACE: 7,500 international miles x 1.609344 km/mi (policy brief, para 5.5); 21,500 km stated
# by TeleGeography; 22,279 km measured along the drawn route (WGS84, dsrgeo.audit_lengths)
PEACE_KM = ("12,070", "21,500", "22,279")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    path = folder / "report.html"
    assert main(["report", "-o", str(path), "--pdf"]) == 0
    return path


def test_page_is_self_contained(written):
    page = written.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    # no resource is fetched: no src/href to the network, no CSS import (links to the cited
    # sources are plain <a href> that a reader may click)
    assert not re.search(r"""(src|data-src)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"""<link[^>]+href=["']?https?:""", page)
    assert "@import" not in page
    assert page.count('class="dsrgeo-map"') == 1


def test_page_has_every_section(written):
    page = written.read_text(encoding="utf-8")
    for anchor in ("map", "indicators", "lengths", "beidou", "claims", "sources"):
        assert f'id="{anchor}"' in page
    for km in PEACE_KM:
        assert km in page
    assert "7,500 miles long" in page  # the brief's words, from dsrgeo.claims()
    assert "Countries by BRI status" in page


def test_sources_come_from_the_catalog(written):
    page = written.read_text(encoding="utf-8")
    built = report.build_report()
    for row in built.citations.itertuples():
        assert f"<code>{row.layer}</code>" in page
        assert row.licence in page
    assert 'href="https://creativecommons.org/licenses/by-nc-sa/3.0/"' in page


def test_report_is_byte_identical_when_rebuilt(written, tmp_path):
    again = tmp_path / "again.html"
    report.write_report(again, pdf=True)
    assert again.read_bytes() == written.read_bytes()
    assert again.with_suffix(".pdf").read_bytes() == written.with_suffix(".pdf").read_bytes()


def test_write_report_takes_a_built_report(written, tmp_path):
    built = tmp_path / "built.html"
    assert report.write_report(built, report=report.build_report()) == [built]
    assert built.read_bytes() == written.read_bytes()
    with pytest.raises(dsrgeo.ParameterError, match="build_report"):
        report.write_report(built, report=report.build_report(), as_of=2015)


def test_pdf_has_map_and_tables(written):
    pdf = written.with_suffix(".pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) >= 4


def _hostile_report():
    table = report.ReportTable(HOSTILE, pd.DataFrame({HOSTILE: [HOSTILE], "n": [1]}))
    section = report.ReportSection("x", HOSTILE, paragraphs=(HOSTILE,), tables=(table,))
    citations = report.citations(["cables"]).assign(
        title=HOSTILE, url="javascript:alert(1)", attribution=HOSTILE
    )
    return report.Report(
        title=HOSTILE,
        as_of=None,
        map=dsrgeo.Map().add("hmn_cables"),
        sections=(section,),
        citations=citations,
        version="0",
    )


def test_every_text_is_escaped():
    page = render_report(_hostile_report())
    assert HOSTILE not in page
    assert page.count("&lt;img src=x onerror=window.__pwned=1&gt;") >= 7
    assert 'href="javascript' not in page


@pytest.mark.browser
def test_report_renders_offline_and_runs_nothing_hostile(written, offline_page, tmp_path):
    offline_page.goto(written.as_uri())
    offline_page.wait_for_function(
        "() => window.dsrgeo && Object.values(dsrgeo.maps).every(m => m.drawnMs)", timeout=30_000
    )
    assert offline_page.errors == [] and offline_page.blocked == []
    assert offline_page.locator("table.dsrgeo-table").count() >= 5
    assert offline_page.locator("figure img").count() == 1
    hostile = tmp_path / "hostile.html"
    hostile.write_text(render_report(_hostile_report()), encoding="utf-8")
    offline_page.goto(hostile.as_uri())
    offline_page.wait_for_function(
        "() => window.dsrgeo && Object.values(dsrgeo.maps).every(m => m.drawnMs)", timeout=30_000
    )
    assert offline_page.evaluate("window.__pwned === undefined")
    assert HOSTILE in offline_page.inner_text("h1")


def test_as_of_cuts_the_layers(tmp_path):
    built = report.build_report(as_of=2015)
    assert built.title.endswith("as of 2015") and built.as_of == 2015
    status = built.sections[0].tables[1].frame.set_index("BRI status")["Countries"]
    now = report.build_report().sections[0].tables[1].frame.set_index("BRI status")["Countries"]
    assert status["member"] < now["member"]  # fewer BRI members at the end of 2015 than today


def test_capitals_where_gps_wins(repo_root):
    # the oracle: the shipped layer file read as plain JSON
    raw = json.loads((repo_root / "layers" / "beidou_capitals.geojson").read_text("utf-8"))
    props = [f["properties"] for f in raw["features"]]
    gps_ahead = {p["name"] for p in props if p["bds_max"] < p["gps_max"]}
    wins = sum(p["bds_max"] > p["gps_max"] for p in props)
    section = next(s for s in report.build_report().sections if s.id == "beidou")
    (table,) = section.tables
    assert set(table.frame["Capital"]) == gps_ahead
    assert f"BeiDou beats GPS over {wins} of {len(props)} capitals" in section.paragraphs[2]
    assert section.figures[0].svg.lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--as-of", "1800"], "as_of: 1800 is outside the years the data covers (2013-2022)"),
        (["--as-of", "2024"], "(2013-2022)"),
        ([], "does not exist"),
    ],
)
def test_cli_errors_leave_no_file(tmp_path, capsys, argv, message):
    out = tmp_path / ("missing/report.html" if not argv else "report.html")
    assert main(["report", "-o", str(out), *argv]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_pdf_pages_flow_tables_over_a4_pages(tmp_path):
    from dsrgeo.export import pdf_pages
    from dsrgeo.report.pdf import PAGE_IN, flow_pages

    frame = pd.DataFrame({"name": [f"<cable {i}>" for i in range(150)], "km": range(150)})
    pages = flow_pages([("title", "T"), ("table", frame)])
    assert len(pages) >= 2
    assert {tuple(p.get_size_inches().round(2)) for p in pages} == {PAGE_IN}
    pdf = pdf_pages(pages, tmp_path / "t.pdf").read_bytes()
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == len(pages)
    with pytest.raises(dsrgeo.ParameterError, match="unknown report block"):
        flow_pages([("poem", "x")])


def test_pdf_has_one_page_size_and_the_title_first(written):
    pdf = written.with_suffix(".pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox \[\s*([^\]]+?)\s*\]", pdf)
    assert len(boxes) >= 4
    # A4 portrait: 210 x 297 mm = 8.27 x 11.69 in = 595.44 x 841.68 pt (72 pt per inch)
    sizes = {tuple(round(float(v), 1) for v in box.split()) for box in boxes}
    assert sizes == {(0.0, 0.0, 595.4, 841.7)}
    built = report.build_report()
    from dsrgeo.report.pdf import flow_pages

    (first, *_) = flow_pages([("title", built.title), ("text", "x")])
    assert first.axes[0].texts[0].get_text() == built.title  # the title page comes first


def test_whole_figures_print_as_integers(written):
    page = written.read_text(encoding="utf-8")
    assert "230 cities" in page and "230.0 cities" not in page
    assert "137 countries" in page


def test_the_pdf_map_credits_each_source_once():
    from dsrgeo.export import credit_text

    built = report.build_report()
    line = credit_text(built.map.layers, "short")
    assert "\n" not in line and line.count("TeleGeography") == 1


def test_a_failing_pdf_changes_neither_file_and_leaves_no_temporary(written, monkeypatch):
    # write_report wrote the PDF under its own ".report.pdf.partial" name, which the
    # stale-temporary cleanup of dsrgeo.fileio does not know; it now goes through to_pdf
    import dsrgeo.report.pdf as pdf_module

    folder = written.parent
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(before) == {"report.html", "report.pdf"}
    names = []

    def pages(blocks):
        from dsrgeo import fileio

        names.extend(p.name for p in folder.iterdir() if p.name.endswith(fileio.TEMP_SUFFIX))
        raise RuntimeError("disk on fire")
        yield  # a generator, as flow_pages is

    monkeypatch.setattr(pdf_module, "flow_pages", pages)
    built = report.build_report()
    with pytest.raises(RuntimeError, match="disk on fire"):
        report.write_report(written, pdf=True, report=built)
    (name,) = names  # fileio's temporary of report.pdf, which its cleanup knows
    assert name.startswith(".report.pdf.") and name.endswith(".dsrgeo-tmp")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
