"""Large user layers: dsrgeo.Map against geopandas ``explore()`` on the same data.

Cases: 10,000, 50,000 and 200,000 random points (a name and a value each, coloured by the
value, both in the tooltip) and 20,000 random lines (4 to 11 vertices, a name and one of four
kinds, coloured by kind). Both tools get the same frame with the same columns and the same
colouring, and both draw the same land basemap: dsrgeo.Map always adds its ``land`` layer
(the Natural Earth land polygons; a page with one point is already about 0.4 MB), so the
explore() map gets ``dsrgeo.load("land")`` drawn first with the same fill and outline
(``tiles=None``: no tile basemap on either side). Both do the same work.

For each case and tool it measures:

- the size of the saved page;
- build time in Python (build the map and render its HTML; median of --repeat);
- time to ready in headless Chromium, from navigation start: for dsrgeo the moment its
  registry says every layer is drawn (``dsrgeo.maps[...].drawnMs``: data decoded, layers
  drawn, two frames painted); for explore() the ``load`` event plus two animation frames
  (folium draws its GeoJSON while the page loads);
- script errors on the page.

explore()'s pages ask CDNs for Leaflet and its plugins; as in ``bench_maps.py`` these requests
are answered with the vendored Leaflet files (other scripts with empty bodies) and tiles are
refused, so explore()'s time is a lower bound (and its colour-bar legend, which needs d3
from a CDN, reports one page error, "d3 is not defined"). The 200,000-point explore() page
is tens of megabytes and may take a minute to open; ``--sizes`` picks fewer cases.

    python benchmarks/bench_large_layers.py [--repeat 1] [--sizes 10000,50000,200000] [--keep DIR]
"""

import argparse
import functools
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_maps import CHROMIUM, CHROMIUM_ARGS, DRAWN_SCRIPT, _route_offline  # noqa: E402

LINES = 20_000
DSRGEO_DRAWN = (
    "() => window.dsrgeo && Object.keys(dsrgeo.maps).length > 0 && "
    "Object.values(dsrgeo.maps).every(m => m.drawnMs)"
)


def points_frame(n, seed=1):
    """``n`` random points between 60°S and 75°N with a name and a value."""
    import geopandas
    import numpy as np

    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(-180, 180, n), rng.uniform(-60, 75, n)
    return geopandas.GeoDataFrame(
        {"name": [f"Site {i:06d}" for i in range(n)], "value": rng.normal(50, 15, n).round(1)},
        geometry=geopandas.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )


def lines_frame(n, seed=2):
    """``n`` random walks of 4 to 11 vertices with a name and one of four kinds."""
    import geopandas
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    starts = np.column_stack([rng.uniform(-170, 170, n), rng.uniform(-55, 70, n)])
    lines = [
        shapely.LineString(starts[i] + rng.normal(0, 0.8, (rng.integers(4, 12), 2)).cumsum(0))
        for i in range(n)
    ]
    kinds = rng.choice(["road", "rail", "fibre", "pipeline"], n)
    return geopandas.GeoDataFrame(
        {"name": [f"Route {i:05d}" for i in range(n)], "kind": kinds},
        geometry=lines,
        crs="EPSG:4326",
    )


def build_dsrgeo(frame, column):
    import dsrgeo

    return dsrgeo.Map().add(frame, color_by=column, tooltip=["name", column]).to_html()


@functools.cache
def _land():
    import dsrgeo

    return dsrgeo.load("land")


def build_explore(frame, column):
    """explore() of ``frame`` over the land layer dsrgeo.Map draws as its basemap."""
    from dsrgeo import catalog

    style = catalog.get("land").map
    m = _land().explore(
        tiles=None,
        color=style["color"],
        style_kwds=dict(style["style"]),
        tooltip=False,
        popup=False,
        highlight=False,
        name="land",
    )
    m = frame.explore(m=m, column=column, tooltip=["name", column])
    return m.get_root().render()


def _timed(build, frame, column, repeat):
    times, html = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        html = build(frame, column)
        times.append(time.perf_counter() - start)
    return html, statistics.median(times)


def _offline(route):
    if route.request.url.startswith(("file:", "data:")):
        return route.continue_()
    return route.abort()


def _ready_ms(browser, path, tool, repeat, timeout_s):
    """Median time to ready in ms (None if a page did not get ready within the timeout)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    values, errors = [], []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            if tool == "dsrgeo.Map":
                page.route("**/*", _offline)
                page.goto(path.as_uri(), timeout=timeout_s * 1000)
                page.wait_for_function(DSRGEO_DRAWN, timeout=timeout_s * 1000)
                values.append(page.evaluate("Object.values(dsrgeo.maps)[0].drawnMs"))
            else:
                page.add_init_script(DRAWN_SCRIPT)
                _route_offline(page)
                page.goto(path.as_uri(), timeout=timeout_s * 1000)
                page.wait_for_function(
                    "() => window.__drawnMs !== undefined", timeout=timeout_s * 1000
                )
                values.append(page.evaluate("window.__drawnMs"))
        except PlaywrightTimeout:
            values.append(None)
        context.close()
    done = [v for v in values if v is not None]
    return (statistics.median(done) if len(done) == len(values) else None), errors


def _ms(value, timeout_s):
    return f"{value:>9.0f}" if value is not None else f"{'>' + str(timeout_s) + ' s':>9}"


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sizes", default="10000,50000,200000", help="point counts")
    parser.add_argument("--no-lines", action="store_true", help="skip the 20,000 lines")
    parser.add_argument("--keep", metavar="DIR", help="keep the HTML files in DIR")
    parser.add_argument(
        "--timeout-s", type=int, default=240, help="give up on a page after this long"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    from playwright.sync_api import sync_playwright

    import dsrgeo

    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_large_"))
    folder.mkdir(parents=True, exist_ok=True)
    cases = [(f"{int(n):,} points", points_frame(int(n)), "value") for n in args.sizes.split(",")]
    if not args.no_lines:
        cases.append((f"{LINES:,} lines", lines_frame(LINES), "kind"))
    dsrgeo.Map().add(points_frame(100), color_by="value").to_html()  # warm imports and caches
    build_explore(points_frame(100), "value")  # the same for explore() and its land layer
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        for case, frame, column in cases:
            for tool, build in (("dsrgeo.Map", build_dsrgeo), ("explore()", build_explore)):
                html, build_s = _timed(build, frame, column, args.repeat)
                slug = "".join(c if c.isalnum() else "_" for c in f"{case} {tool}")
                path = folder / f"{slug}.html"
                path.write_text(html, encoding="utf-8")
                ready_ms, errors = _ready_ms(browser, path, tool, args.repeat, args.timeout_s)
                rows.append((case, tool, path.stat().st_size, build_s, ready_ms, errors))
                print(
                    f"{case:<15} {tool:<11} {path.stat().st_size / 1e6:>8.2f} MB "
                    f"{build_s:>7.2f} s {_ms(ready_ms, args.timeout_s)} ms to ready, "
                    f"page errors: {len(errors)}",
                    flush=True,
                )
        browser.close()
    print()
    print(f"{'case':<15} {'tool':<11} {'size MB':>8} {'build s':>8} {'ready ms':>9}  page errors")
    for case, tool, size, build_s, ready_ms, errors in rows:
        print(
            f"{case:<15} {tool:<11} {size / 1e6:>8.2f} {build_s:>8.2f} "
            f"{_ms(ready_ms, args.timeout_s)}  {len(errors)}"
        )
    big = [r for r in rows if r[0] == "200,000 points" and r[1] == "dsrgeo.Map"]
    if big:
        size_mb, errors = big[0][2] / 1e6, big[0][5]
        print(f"200,000 points, dsrgeo: {size_mb:.2f} MB (target <= 4), {len(errors)} errors")
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
