"""Regenerate the gallery: screenshots of dsrgeo's maps and report, and a static export.

Every image is made from the current code: the default map (``dsrgeo map``) at a phone's,
an embed's and a desktop's size, the Pacific view (``--center-lon 150``), a popup, the
report (its page and the first page of its PDF), a static export and a large layer of
200,000 points. Pages are opened in headless Chromium with every network request refused,
as a reader's browser would open a saved file offline; the static export is drawn with
matplotlib (``Map.to_png``). ``README.md`` beside this script lists the images with what each
shows (it is written here too, so names and captions agree), including the 0.25 degree
BeiDou-minus-GPS map, which ``make_gnss_map.py`` makes (its grid takes a while) and this
script does not remake.

    python docs/gallery/make_gallery.py [--chromium /usr/bin/chromium] [--out docs/gallery]

Needs playwright and Chromium; the PDF page is rendered with ``pdftoppm`` (poppler) when it is
installed, and left out otherwise.
"""

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
READY = (
    "() => window.dsrgeo && Object.keys(dsrgeo.maps).length > 0 && "
    "Object.values(dsrgeo.maps).every(m => m.drawnMs)"
)

#: (file, caption) of every image, in the order README.md lists them
IMAGES = [
    ("default_1600x1000.png", "The default map (`dsrgeo map -o map.html`) on a 1600x1000 screen: "
     "BRI status by country, every submarine cable and the HMN Tech cables on top; the other "
     "layers are in the expanded layer control. Panels cover at most 15% of the map."),
    ("default_800x500.png", "The same page embedded at 800x500: the layer control is a button, "
     "the legend stays open; panels cover at most 30%."),
    ("default_390x844.png", "The same page on a 390x844 phone: it opens on Africa, Europe and "
     "Asia; the title is clamped to two lines, the credits to one (a tap shows them whole)."),
    ("pacific_1600x1000.png", "The Pacific view (`dsrgeo map --center-lon 150`): trans-Pacific "
     "cables are whole lines and Russia and Fiji whole countries; the world wraps east and west."),
    ("popup_peace.png", "A click on PEACE: HMN Tech's role, the countries it lands in by name, "
     "and its sources by title, each linked."),
    ("popup_nairobi.png", "Points over points: a click on Nairobi lists its Safe City project and "
     "the capital's BeiDou and GPS figures in one popup."),
    ("report_page.png", "The report (`dsrgeo report -o report.html`): the map at the page's "
     "full width with its legend complete."),
    ("report_pdf_page1.png", "The first page of the report's PDF (`--pdf`): title first, every "
     "page A4, the map with the short credit line (full sources at the end)."),
    ("static_export.png", "A static export (`Map.default().to_png(..., credit='short')`): the "
     "BRI scale as a colorbar titled in words, one short credit line."),
    ("points_200k_800x500.png", "200,000 points coloured by a value, drawn on canvas: a 3.5 MB "
     "page that opens in about 2 s (benchmarks/bench_large_layers.py)."),
    ("beidou_minus_gps_025.png", "BeiDou's daily maximum of visible satellites minus GPS's over "
     "2022-02-05 (10° mask) on the 0.25° grid of `dsrgeo.gnss.coverage_grid`, 1,038,240 points; "
     "a static export (`Map.to_png`): white is a tie, brown GPS ahead, blue-green BeiDou ahead."),
]  # fmt: skip

#: Images of IMAGES another script makes (this one lists them but does not remake them)
MADE_BY = {"beidou_minus_gps_025.png": "make_gnss_map.py"}


def _shoot(browser, path, out, size, prepare=None):
    """Open ``path`` offline at ``size`` (w, h), run ``prepare(page, name)``, save a screenshot."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
    )
    page.goto(Path(path).resolve().as_uri())
    page.wait_for_function(READY, timeout=120_000)
    name = page.evaluate("Object.keys(dsrgeo.maps)[0]")
    if prepare is not None:
        prepare(page, name)
    page.wait_for_timeout(400)  # tooltips and popups fade in
    png = page.screenshot(full_page=False)
    page.close()
    if errors:
        raise RuntimeError(f"{path}: script errors {errors}")
    _save(png, out)


def _save(png, out):
    """Write a screenshot as an optimised PNG (colours exact: legends are compared with maps)."""
    from PIL import Image

    Image.open(io.BytesIO(png)).convert("RGB").save(out, optimize=True)
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} kB)")


def _click_at(lat, lon, zoom):
    def prepare(page, name):
        page.evaluate(
            "([n, lat, lon, z]) => { dsrgeo.maps[n].map.setView([lat, lon], z, {animate: false}); }",
            [name, lat, lon, zoom],
        )
        page.wait_for_timeout(300)
        x, y = page.evaluate(
            """([n, lat, lon]) => { const m = dsrgeo.maps[n].map;
                   const p = m.latLngToContainerPoint([lat, lon]);
                   const box = m.getContainer().getBoundingClientRect();
                   return [p.x + box.left, p.y + box.top]; }""",
            [name, lat, lon],
        )
        page.mouse.click(x, y)
        page.locator(".leaflet-popup-content").wait_for()

    return prepare


def _lonely_point_of(cable_name):
    """(lat, lon) of the vertex of a cable farthest from every other cable (a clean click)."""
    import shapely

    import dsrgeo

    cables = dsrgeo.load("cables")
    cables = cables[cables.geometry.notna()]
    mine = cables[cables["name"] == cable_name].geometry.iloc[0]
    others = shapely.union_all(cables[cables["name"] != cable_name].geometry.values)
    points = shapely.points(shapely.get_coordinates(mine))
    best = points[int(shapely.distance(points, others).argmax())]
    return best.y, best.x


def _points_frame(n=200_000):
    import geopandas
    import numpy as np

    rng = np.random.default_rng(1)
    return geopandas.GeoDataFrame(
        {"name": [f"Site {i:06d}" for i in range(n)], "value": rng.normal(50, 15, n).round(1)},
        geometry=geopandas.points_from_xy(rng.uniform(-180, 180, n), rng.uniform(-60, 75, n)),
        crs="EPSG:4326",
    )


def readme_text():
    """The gallery's README: what each image shows and how to make them again."""
    lines = [
        "# Gallery",
        "",
        "Images of dsrgeo's maps, report and static exports, made from the current code by two",
        "scripts: [`make_gallery.py`](make_gallery.py) (`python docs/gallery/make_gallery.py`;",
        "screenshots in headless Chromium, every network request refused, and a static export)",
        "and [`make_gnss_map.py`](make_gnss_map.py) (`python docs/gallery/make_gnss_map.py`; the",
        "0.25° BeiDou-minus-GPS map, a static export). Static exports are drawn with matplotlib.",
        "Do not edit the images by hand: run the scripts again.",
        "",
    ]
    for name, caption in IMAGES:
        if name in MADE_BY:  # the others are make_gallery.py's
            caption += f" Made by [`{MADE_BY[name]}`]({MADE_BY[name]})."
        lines += [f"## `{name}`", "", caption, "", f"![{name}]({name})", ""]
    return "\n".join(lines)


def main(argv=None):
    """Make every image and README.md (see the module docstring); return 0."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--out", default=str(HERE), help="folder of the images")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    import dsrgeo
    from dsrgeo.cli import main as cli

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dsrgeo_gallery_"))
    default = work / "default.html"
    pacific = work / "pacific.html"
    cli(["map", "-o", str(default)])
    cli(["map", "--center-lon", "150", "-o", str(pacific)])
    nairobi = dsrgeo.Map(title="Safe City projects and capitals: Nairobi")
    nairobi.add("safe_cities").add("beidou_capitals").save(work / "nairobi.html")
    report = work / "report.html"
    dsrgeo.report.write_report(report, pdf=True)
    points = dsrgeo.Map(title="200,000 points").add(
        _points_frame(), name="Sites", color_by="value", legend_title="Value"
    )
    points.save(work / "points.html")
    dsrgeo.Map.default().to_png(out / "static_export.png", width_px=1600, dpi=200, credit="short")
    print(f"wrote {out / 'static_export.png'}")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for size in ((1600, 1000), (800, 500), (390, 844)):
            _shoot(browser, default, out / f"default_{size[0]}x{size[1]}.png", size)
        _shoot(browser, pacific, out / "pacific_1600x1000.png", (1600, 1000))
        # PEACE where it runs alone, not under other cables
        lat, lon = _lonely_point_of("PEACE Cable")
        _shoot(browser, default, out / "popup_peace.png", (1280, 800), _click_at(lat, lon, 5))
        _shoot(
            browser, work / "nairobi.html", out / "popup_nairobi.png", (1280, 800),
            _click_at(-1.2864, 36.8172, 6),
        )  # fmt: skip
        _shoot(browser, report, out / "report_page.png", (1280, 900))
        _shoot(browser, work / "points.html", out / "points_200k_800x500.png", (800, 500))
        browser.close()

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run(
            [pdftoppm, "-r", "90", "-png", "-f", "1", "-l", "1", "-singlefile",
             str(report.with_suffix(".pdf")), str(work / "pdf")],
            check=True,
        )  # fmt: skip
        _save((work / "pdf.png").read_bytes(), out / "report_pdf_page1.png")
    else:
        print("pdftoppm not found: report_pdf_page1.png not made", file=sys.stderr)
    (out / "README.md").write_text(readme_text() + "\n", encoding="utf-8")
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
