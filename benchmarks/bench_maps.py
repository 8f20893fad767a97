"""dsrgeo.Map against geopandas ``explore()`` on the same layers, side by side in one run.

Two comparisons, each labelled in the output:

- **same work**: explore() is given exactly what dsrgeo writes into its page: the rows dsrgeo
  draws (its simplified geometries), the columns its tooltips and popups show and nothing else,
  coordinates rounded to the same decimals. Only the page machinery differs.
- **default vs default**: each tool as a user calls it with no options (explore() then writes
  every column at full precision), which is what a newcomer would see.

For the cables-only map and the default map (every core layer) it measures:

- file size of the saved HTML;
- build time in Python (load the layers, build the map, render the HTML; median of --repeat);
- in-browser time in headless Chromium from navigation start to all layers drawn (the ``load``
  event, then two animation frames, so the first paint with every layer is done; median).
  dsrgeo's pages decode part of their data after ``load``, so for them it is the later of that
  and the moment the page's registry says every layer is drawn (``dsrgeo.maps[...].drawnMs``).

The browser refuses every request except ``file:`` and ``data:``. dsrgeo's pages need nothing
else. explore()'s pages load Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; to let them
render at all here, Leaflet's requests are answered with the same vendored Leaflet 1.9.4 files
and the other CDN files with empty bodies, and tile requests are refused. So explore()'s
browser time is a lower bound (no real network), and its file size excludes Leaflet, while
dsrgeo's includes Leaflet (~160 kB) and the land basemap.

    python benchmarks/bench_maps.py [--repeat 3] [--keep DIR]
"""

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DRAWN_SCRIPT = """
window.addEventListener('load', () => requestAnimationFrame(() => requestAnimationFrame(() => {
    window.__drawnMs = performance.now();
})));
"""


def _default_ids():
    """The layers Map.default() draws (the same list, so both sides compare like with like)."""
    from dsrgeo.maps import Map

    return [layer.layer_id for layer in Map.default().layers if layer.role == "overlay"]


def build_dsrgeo(layer_ids):
    from dsrgeo.maps import Map

    m = Map()
    for layer_id in layer_ids:
        m.add(layer_id)
    return m.to_html()


def build_explore(layer_ids):
    """explore() with its defaults: every column, full precision."""
    import dsrgeo

    m = None
    for layer_id in layer_ids:
        frame = dsrgeo.load(layer_id)
        frame = frame[frame.geometry.notna()]
        m = frame.explore(m=m, name=layer_id)
    import folium

    folium.LayerControl().add_to(m)
    return m.get_root().render()


def build_explore_same_work(layer_ids):
    """explore() given what dsrgeo's page holds: its rows, columns and decimals."""
    import folium
    import numpy as np
    import shapely

    from dsrgeo.maps import Map

    m = None
    for layer_id in layer_ids:
        layer = Map().add(layer_id).layers[-1]
        columns = list(dict.fromkeys([*layer.tooltip, *layer.popup]))
        frame = layer.gdf[[*columns, "geometry"]].copy()
        frame["geometry"] = shapely.transform(
            frame.geometry.values, lambda xy, d=layer.decimals: np.round(xy, d)
        )
        for column in columns:  # explore() cannot write list cells; dsrgeo joins them as text
            if frame[column].map(lambda v: isinstance(v, list)).any():
                frame[column] = frame[column].map(lambda v: ", ".join(v or []))
        m = frame.explore(
            m=m,
            name=layer_id,
            tooltip=list(layer.tooltip) or False,
            popup=list(layer.popup) or False,
        )
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def _timed(build, layer_ids, repeat):
    times, html = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        html = build(layer_ids)
        times.append(time.perf_counter() - start)
    return html, statistics.median(times)


def _route_offline(page):
    from dsrgeo.maps.assets import vendor_bytes

    leaflet = {
        "leaflet.js": ("application/javascript", vendor_bytes("leaflet.js")),
        "leaflet.css": ("text/css", vendor_bytes("leaflet.css")),
    }

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:", "about:")):
            return request_route.continue_()
        name = url.rsplit("/", 1)[-1].split("?")[0]
        if "leaflet@" in url and name in leaflet:
            kind, body = leaflet[name]
            return request_route.fulfill(status=200, content_type=kind, body=body)
        if url.endswith((".js", ".css")):
            return request_route.fulfill(status=200, body=b"")
        return request_route.abort()

    page.route("**/*", route)


def _browser_ms(browser, path, repeat):
    values, errors = [], []
    for _ in range(repeat):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.add_init_script(DRAWN_SCRIPT)
        _route_offline(page)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri())
        page.wait_for_function(
            "() => window.__drawnMs !== undefined && (!window.dsrgeo || "
            "Object.values(dsrgeo.maps).every(m => m.drawnMs))",
            timeout=60_000,
        )
        values.append(
            page.evaluate(
                "Math.max(window.__drawnMs, ...Object.values((window.dsrgeo || {maps: {}}).maps)"
                ".map(m => m.drawnMs))"
            )
        )
        context.close()
    return statistics.median(values), errors


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep the HTML files in DIR")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # explore() warns about list columns; not our concern here
    from playwright.sync_api import sync_playwright

    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench_maps_"))
    folder.mkdir(parents=True, exist_ok=True)
    cases = {"cables only": ["cables"], "default map": _default_ids()}
    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        build_dsrgeo(["hmn_cables"])  # warm imports and caches for both
        build_explore(["hmn_cables"])
        tools = (
            ("dsrgeo.Map", build_dsrgeo),
            ("explore() same work", build_explore_same_work),
            ("explore() defaults", build_explore),
        )
        for case, layer_ids in cases.items():
            for tool, build in tools:
                html, build_s = _timed(build, layer_ids, args.repeat)
                slug = "".join(c if c.isalnum() else "_" for c in f"{case} {tool}")
                path = folder / f"{slug}.html"
                path.write_text(html, encoding="utf-8")
                drawn_ms, errors = _browser_ms(browser, path, args.repeat)
                rows.append((case, tool, path.stat().st_size, build_s, drawn_ms, errors))
        browser.close()
    print(f"layers in the default map: {', '.join(cases['default map'])}")
    print(f"{'map':<12} {'tool':<20} {'size MB':>8} {'build s':>8} {'drawn ms':>9}  page errors")
    for case, tool, size, build_s, drawn_ms, errors in rows:
        print(
            f"{case:<12} {tool:<20} {size / 1e6:>8.2f} {build_s:>8.2f} {drawn_ms:>9.0f}  "
            f"{len(errors)}"
        )
    sizes = {(case, tool): size for case, tool, size, *_ in rows}
    for label in ("explore() same work", "explore() defaults"):
        ratio = sizes[("cables only", "dsrgeo.Map")] / sizes[("cables only", label)]
        print(f"cables-only size ratio dsrgeo / {label}: {ratio:.2f}")
    default = [r for r in rows if r[0] == "default map" and r[1] == "dsrgeo.Map"][0]
    print(
        f"default map: {default[2] / 1e6:.2f} MB (target < 2.5), drawn in {default[4]:.0f} ms "
        "(target < 1500)"
    )
    print(f"files in {folder}")


if __name__ == "__main__":
    main()
