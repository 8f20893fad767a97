"""Maps in a real headless Chromium with every network request refused.

Checks what a reader sees: the default map loads without script errors, Leaflet draws as many
features per layer as the data holds, legend and layer control exist, the year slider changes
what is shown, hostile names render as text and run nothing, and the notebook form renders.
"""

import pytest
import shapely
from conftest import ALL_DRAWN

import dsrgeo
from dsrgeo.cli import main
from dsrgeo.maps import Map

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=window.__pwned=1>"
TIMEOUT_MS = 30_000


def open_map(page, path):
    page.goto(path.as_uri())
    page.wait_for_function(ALL_DRAWN, timeout=TIMEOUT_MS)
    return page.evaluate("Object.keys(dsrgeo.maps)")


def counts(page, map_name):
    return page.evaluate("name => dsrgeo.counts(name)", map_name)


def painted_pixels(page, pane):
    """Pixels the canvases of a drawing-order pane have painted (layers draw on canvas)."""
    return page.evaluate(
        """pane => [...document.querySelectorAll('.leaflet-' + pane + '-pane canvas')]
               .reduce((total, canvas) => {
                   const data = canvas.getContext('2d')
                       .getImageData(0, 0, canvas.width, canvas.height).data;
                   let painted = 0;
                   for (let i = 3; i < data.length; i += 4) { if (data[i]) { painted++; } }
                   return total + painted; }, 0)""",
        pane,
    )


def expect(locator):
    """playwright's auto-waiting assertions (imported here: without playwright the tests skip)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def expand_layer_control(page):
    """Open the layer control as a reader does (it is a button on smaller maps)."""
    page.locator(".leaflet-control-layers").hover()


@pytest.fixture(scope="module")
def default_map(tmp_path_factory):
    path = tmp_path_factory.mktemp("default") / "dsr_map.html"
    assert main(["map", "-o", str(path), "--title", "Digital Silk Road"]) == 0
    return path


def test_default_map_draws_every_feature_offline(offline_page, default_map, tmp_path):
    (name,) = open_map(offline_page, default_map)
    assert offline_page.errors == [] and offline_page.blocked == []
    drawn = counts(offline_page, name)
    by_title = {info["name"]: info for info in drawn.values()}
    expected_ids = [layer.layer_id for layer in Map.default().layers]  # land included
    assert {
        "land",
        "bri_countries",
        "cables",
        "hmn_cables",
        "landing_points",
        "safe_cities",
    } <= set(expected_ids)
    for layer_id in expected_ids:
        frame = dsrgeo.load(layer_id)
        info = by_title[dsrgeo.catalog.get(layer_id).title]
        with_geometry = int((frame.geometry.notna() & ~frame.geometry.is_empty).sum())
        assert info["features"] == len(frame)
        assert info["drawn"] == info["drawable"] == with_geometry, layer_id
    assert by_title[dsrgeo.catalog.get("landing_points").title]["on_map"] is False
    # every cable is on the map and the cables' canvas has painted them
    cables = dsrgeo.load("cables")
    assert by_title[dsrgeo.catalog.get("cables").title]["visible"] == len(cables)
    assert painted_pixels(offline_page, "dsrgeo-120") > 10_000
    # legend, layer control, sources and title are on the page
    assert offline_page.locator(".leaflet-control-layers").count() == 1
    overlays = offline_page.locator(".leaflet-control-layers-overlays input").count()
    assert overlays == len(expected_ids) - 1  # land is the base layer
    legend = offline_page.locator(".dsrgeo-legend")
    assert "BRI member: year of signing" in legend.inner_text()
    assert offline_page.locator(".dsrgeo-ramp").count() >= 1
    assert "Sources" in offline_page.locator(".dsrgeo-sources").inner_text()
    assert offline_page.locator(".dsrgeo-title").inner_text() == "Digital Silk Road"
    shot = tmp_path / "default_map.png"
    offline_page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000


def _overlay_input(page, title):
    """The layer control's checkbox of the overlay named ``title``."""
    label = page.locator(".leaflet-control-layers-overlays label").filter(
        has=page.get_by_text(title, exact=True)
    )
    return label.locator("input")


def test_layer_control_hides_layer_and_legend(offline_page, default_map):
    open_map(offline_page, default_map)
    sections = offline_page.locator(".dsrgeo-legend [data-dsrgeo-legend]")

    def visible():
        return [s.get_attribute("data-dsrgeo-legend") for s in sections.all() if s.is_visible()]

    shown = visible()
    expand_layer_control(offline_page)
    cables = _overlay_input(offline_page, dsrgeo.catalog.get("cables").title)
    assert cables.is_checked()
    cables.click()
    assert len(visible()) == len(shown) - 1
    # an optional layer starts switched off, its legend hidden; one click shows both
    clean = _overlay_input(offline_page, dsrgeo.catalog.get("clean_network").title)
    assert not clean.is_checked()
    clean.click()
    assert len(visible()) == len(shown)


def test_slider_steps_through_the_years(offline_page, tmp_path):
    path = Map(time_slider=True).add("bri_countries").add("cables").save(tmp_path / "s.html")
    (name,) = open_map(offline_page, path)
    assert offline_page.errors == []
    cables = dsrgeo.load("cables")
    total = counts(offline_page, name)
    key = [k for k, v in total.items() if v["name"] == dsrgeo.catalog.get("cables").title][0]
    # the page opens at the slider's last year: the rows load(as_of=<data's last year>) keeps
    # (one rule for both, dsrgeo.timeline); planned cables are not in service yet
    assert total[key]["visible"] == len(dsrgeo.load("cables", as_of=2022)) < len(cables)

    def set_year(year):
        offline_page.evaluate(
            """year => { const input = document.querySelector('.dsrgeo-slider input');
                         input.value = String(year);
                         input.dispatchEvent(new Event('input')); }""",
            year,
        )
        return counts(offline_page, name)

    def italy_fill():
        return offline_page.evaluate(
            """name => { for (const item of dsrgeo.maps[name].layers) {
                             if (item.spec.columns.indexOf('name') < 0) { continue; }
                             const sub = item.layer.dsrgeoAll.find(
                                 s => dsrgeo.valueOf(item.spec, s, 'name') === 'Italy');
                             if (sub) { return sub.options.fillColor; } } }""",
            name,
        )

    in_2005 = set_year(2005)
    # in service by the end of 2005, computed here from the raw columns
    in_service = (cables["rfs_year"] <= 2005) & ~cables["is_planned"].fillna(False).astype(bool)
    expected = int(in_service.fillna(False).sum())
    assert in_2005[key]["visible"] == expected == len(dsrgeo.load("cables", as_of=2005))
    assert offline_page.locator(".dsrgeo-slider output").inner_text() == "2005"
    assert italy_fill() == "#e3e3e3"  # not yet a member
    set_year(2019)
    assert italy_fill() not in ("#e3e3e3", "#f16913")  # member, coloured by signing year
    set_year(2024)
    assert italy_fill() == "#f16913"  # exited
    assert offline_page.errors == []


def test_hostile_names_render_as_text(offline_page, tmp_path, layer_named):
    frame = layer_named(HOSTILE, kind=[HOSTILE, "b", "c"])
    path = (
        Map(title=HOSTILE)
        .add(frame, name=HOSTILE, tooltip=["name"], popup=["name"], color_by="kind")
        .save(tmp_path / "hostile.html")
    )
    (name,) = open_map(offline_page, path)
    offline_page.evaluate(
        """name => dsrgeo.maps[name].layers.forEach(item => item.layer.eachLayer(sub => {
               sub.openTooltip(); sub.openPopup(); }))""",
        name,
    )
    assert offline_page.evaluate("window.__pwned") is None
    assert (
        offline_page.locator(
            ".leaflet-tooltip img, .leaflet-popup img, .dsrgeo-legend img, "
            ".dsrgeo-title img, .leaflet-control-layers img"
        ).count()
        == 0
    )
    assert HOSTILE in offline_page.locator(".dsrgeo-title").inner_text()
    assert HOSTILE in offline_page.locator(".dsrgeo-legend").inner_text()
    assert HOSTILE in offline_page.locator(".leaflet-control-layers").inner_text()
    assert HOSTILE in offline_page.locator(".leaflet-popup-content").first.inner_text()
    assert HOSTILE in offline_page.locator(".leaflet-tooltip").first.inner_text()
    assert offline_page.title() == HOSTILE
    assert offline_page.errors == [] and offline_page.blocked == []


def test_notebook_repr_renders_offline(offline_page, tmp_path):
    m = Map(title="In a notebook").add("hmn_cables")
    host = tmp_path / "notebook.html"
    host.write_text(
        f"<!DOCTYPE html><html><body><h1>cell output</h1>{m._repr_html_()}</body></html>",
        encoding="utf-8",
    )
    offline_page.goto(host.as_uri())
    offline_page.wait_for_function(
        "() => document.querySelector('iframe') !== null", timeout=TIMEOUT_MS
    )
    frame = offline_page.frames[1]
    frame.wait_for_function(ALL_DRAWN, timeout=TIMEOUT_MS)
    (name,) = frame.evaluate("Object.keys(dsrgeo.maps)")
    drawn = frame.evaluate("name => dsrgeo.counts(name)", name)
    hmn = dsrgeo.load("hmn_cables")
    assert {
        v["drawn"] for k, v in drawn.items() if v["name"] == dsrgeo.catalog.get("hmn_cables").title
    } == {int(hmn.geometry.notna().sum())}
    assert offline_page.errors == [] and offline_page.blocked == []


VIEW = "() => Object.values(dsrgeo.maps).map(e => [e.map.getCenter().lat, e.map.getCenter().lng, e.map.getZoom()])"


def _view_in(page, frame=False):
    """The opening views of the maps of a page (or of its first frame), once drawn."""
    target = page.frames[1] if frame else page
    target.wait_for_function(ALL_DRAWN, timeout=TIMEOUT_MS, polling=100)
    return target.evaluate(VIEW)


@pytest.mark.parametrize(
    "hide, show",
    [
        (
            '<div id="box" style="display:none">',
            'document.getElementById("box").style.display = ""',
        ),
        ('<details id="box"><summary>Map</summary>', 'document.getElementById("box").open = true'),
        (  # too narrow for its padding first, then full width
            '<div id="box" style="width:0;overflow:hidden">',
            'const box = document.getElementById("box"); box.style.width = "40px"; '
            'setTimeout(() => { box.style.width = ""; }, 150)',
        ),
    ],
    ids=["hidden", "collapsed", "growing"],
)
@pytest.mark.parametrize("form", ["notebook", "fragment"])
def test_a_map_opened_hidden_draws_and_fits_once_shown(offline_page, tmp_path, hide, show, form):
    """A collapsed output, a closed <details> or a hidden tab: the map has no size when its
    script runs. Leaflet computed the opening view as NaN, threw, and the map never drew."""
    m = Map(title="Hidden").add("bri_countries")
    body = m._repr_html_() if form == "notebook" else m.to_html(fragment=True)
    close = "</details>" if hide.startswith("<details") else "</div>"
    shown = tmp_path / "shown.html"
    shown.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    hidden = tmp_path / "hidden.html"
    hidden.write_text(
        f"<!DOCTYPE html><html><body>{hide}{body}{close}"
        f"<script>setTimeout(() => {{ {show}; }}, 500)</script></body></html>",
        encoding="utf-8",
    )
    offline_page.goto(shown.as_uri())
    expected = _view_in(offline_page, frame=form == "notebook")
    offline_page.goto(hidden.as_uri())
    offline_page.wait_for_timeout(1000)  # shown after 500 ms
    (view,) = _view_in(offline_page, frame=form == "notebook")
    # the view of a map shown at once: the same zoom, the centre within 2 pixels (a page's
    # scroll bar can move it by a few)
    (lat, lon, zoom) = expected[0]
    two_px_deg = 2 * 360 / (256 * 2**zoom)
    assert view[2] == zoom
    assert view[:2] == pytest.approx([lat, lon], abs=two_px_deg)
    assert offline_page.errors == [] and offline_page.blocked == []


def test_two_fragments_on_one_page(offline_page, tmp_path, layer_named):
    first = Map(title="First").add(layer_named("one")).to_html(fragment=True)
    second = Map(title="Second").add("hmn_cables").to_html(fragment=True)
    host = tmp_path / "report.html"
    host.write_text(
        f"<!DOCTYPE html><html><body><h1>Report</h1>{first}<p>text</p>{second}</body></html>",
        encoding="utf-8",
    )
    names = open_map(offline_page, host)
    assert len(names) == 2
    assert offline_page.locator(".dsrgeo-map").count() == 2
    assert offline_page.errors == [] and offline_page.blocked == []


def _overlap(a, b):
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_fragment_legend_leaves_the_layer_control_usable(offline_page, tmp_path):
    """In a fixed-height fragment the legend scrolls instead of covering the layer control."""
    fragment = Map.default().to_html(fragment=True)
    host = tmp_path / "embedded.html"
    host.write_text(
        f"<!DOCTYPE html><html><body style='width:1200px'>{fragment}</body></html>",
        encoding="utf-8",
    )
    offline_page.set_viewport_size({"width": 1280, "height": 2400})  # tall page, short map
    open_map(offline_page, host)
    legend = offline_page.locator(".dsrgeo-legend").bounding_box()
    control = offline_page.locator(".leaflet-control-layers").bounding_box()
    assert not _overlap(legend, control), (legend, control)


def test_the_same_map_twice_with_keys(offline_page, tmp_path):
    """Ids come from the content; a ``key`` per copy lets one map appear twice on a page."""
    the_map = Map(title="Twice").add("hmn_cables")
    copies = [the_map.to_html(fragment=True, key=key) for key in ("left", "right")]
    host = tmp_path / "twice.html"
    host.write_text(
        f"<!DOCTYPE html><html><body>{copies[0]}{copies[1]}</body></html>", encoding="utf-8"
    )
    names = open_map(offline_page, host)
    assert len(names) == 2
    assert offline_page.locator(".dsrgeo-map").count() == 2
    assert offline_page.errors == [] and offline_page.blocked == []


def test_coverage_overlay_renders_offline(offline_page, tmp_path):
    import pandas as pd

    grid = pd.DataFrame(
        [
            (lat, lon, 6 + (lat + 90) / 20)
            for lat in range(-80, 81, 10)
            for lon in range(-180, 180, 10)
        ],
        columns=["lat", "lon", "bds_max"],
    )
    path = Map().add_coverage(grid, "bds").add("hmn_cables").save(tmp_path / "grid.html")
    open_map(offline_page, path)
    images = offline_page.locator("img.leaflet-image-layer")
    assert images.count() == 3  # the map wraps: once per copy of the world
    image = images.first
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    assert (
        offline_page.evaluate("document.querySelector('img.leaflet-image-layer').naturalWidth") > 0
    )
    assert (
        "BeiDou satellites in view, daily maximum"
        in offline_page.locator(".dsrgeo-legend").inner_text()
    )
    credits = offline_page.locator(".leaflet-control-attribution").inner_text()
    assert "computed with dsrgeo.gnss from CelesTrak TLEs" in credits
    assert offline_page.errors == [] and offline_page.blocked == []


def test_a_frame_citing_only_its_source_is_credited_on_the_page(
    offline_page, tmp_path, layer_named
):
    frame = layer_named("Djibouti port")
    frame.attrs["citation"] = "Example Org (2024), CC BY 4.0"
    path = Map().add(frame).save(tmp_path / "cited.html")
    open_map(offline_page, path)
    credits = offline_page.locator(".leaflet-control-attribution").inner_text()
    assert "Example Org (2024), CC BY 4.0" in credits
    assert offline_page.errors == [] and offline_page.blocked == []


# -- a map a newsroom would publish: panels, Pacific, popups, keyboard, large layers ------

#: (width, height) of a phone, an embed and a desktop screen, and the share of the map the
#: panels may cover there when it opens
SCREENS = [((390, 844), 0.30), ((800, 500), 0.30), ((1600, 1000), 0.15)]
PANELS = {
    "title": ".dsrgeo-title",
    "layer control": ".leaflet-control-layers",
    "legend": ".dsrgeo-legend",
    "sources": ".dsrgeo-sources",
    "attribution": ".leaflet-control-attribution",
}


@pytest.fixture(scope="module")
def newsroom_map(tmp_path_factory):
    """The default map as `dsrgeo map` writes it, with its own title."""
    path = tmp_path_factory.mktemp("newsroom") / "default.html"
    assert main(["map", "-o", str(path)]) == 0
    return path


def _union_area(boxes):
    """Area covered by axis-aligned boxes, counting overlaps once (a grid of the edges)."""
    xs = sorted({v for b in boxes for v in (b["x"], b["x"] + b["width"])})
    ys = sorted({v for b in boxes for v in (b["y"], b["y"] + b["height"])})
    area = 0.0
    for x0, x1 in zip(xs, xs[1:]):
        for y0, y1 in zip(ys, ys[1:]):
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            if any(
                b["x"] <= cx <= b["x"] + b["width"] and b["y"] <= cy <= b["y"] + b["height"]
                for b in boxes
            ):
                area += (x1 - x0) * (y1 - y0)
    return area


@pytest.mark.parametrize("screen, budget", SCREENS, ids=["phone", "embed", "desktop"])
def test_panels_fit_the_map(offline_page, newsroom_map, screen, budget):
    width, height = screen
    offline_page.set_viewport_size({"width": width, "height": height})
    open_map(offline_page, newsroom_map)
    assert offline_page.errors == [] and offline_page.blocked == []
    the_map = offline_page.locator(".dsrgeo-map").bounding_box()
    boxes = {}
    for label, selector in PANELS.items():
        panel = offline_page.locator(selector)
        assert panel.count() == 1, label
        assert "leaflet-control" in panel.get_attribute("class"), label  # a Leaflet control
        boxes[label] = panel.bounding_box()
    zoom = offline_page.locator(".leaflet-control-zoom").bounding_box()
    every = [*boxes.values(), zoom]
    for i, a in enumerate(every):  # no panel overlaps another, each is inside the map
        assert the_map["x"] <= a["x"] and a["x"] + a["width"] <= the_map["x"] + the_map["width"]
        assert a["y"] + a["height"] <= the_map["y"] + the_map["height"] + 0.5
        for b in every[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    share = _union_area(every) / (the_map["width"] * the_map["height"])
    assert share <= budget, (screen, round(share, 3), boxes)
    title = offline_page.locator(".dsrgeo-title")
    assert title.is_visible() and "Digital Silk Road" in title.inner_text()
    assert boxes["title"]["y"] < 20 and boxes["title"]["height"] >= 20
    collapsed = "leaflet-control-layers-expanded" not in offline_page.locator(
        ".leaflet-control-layers"
    ).get_attribute("class")
    if width < 1000:  # small screens: the layer control is a button, the sources a button
        assert collapsed and boxes["layer control"]["width"] < 60
    assert boxes["sources"]["height"] < 40  # sources start as a button everywhere
    assert boxes["attribution"]["height"] < 20  # one line
    credits = offline_page.locator(".leaflet-control-attribution").inner_text()
    assert credits.count("TeleGeography") == 1 and credits.count("Natural Earth") == 1


def test_sources_panel_lists_each_layer_once_with_links(offline_page, newsroom_map):
    open_map(offline_page, newsroom_map)
    offline_page.locator(".dsrgeo-sources summary").click()
    panel = offline_page.locator(".dsrgeo-sources")
    names = panel.locator("h4").all_inner_texts()
    assert len(names) == len(set(names)) and dsrgeo.catalog.get("cables").title in names
    links = panel.locator("a[href^='https://']")
    assert links.count() >= 10
    zoom = offline_page.locator(".leaflet-control-zoom").bounding_box()
    assert not _overlap(panel.bounding_box(), zoom)  # opened, it leaves the zoom buttons free


def _container_point(page, name, lat, lon):
    return page.evaluate(
        """([name, lat, lon]) => { const map = dsrgeo.maps[name].map;
               const p = map.latLngToContainerPoint([lat, lon]);
               const box = map.getContainer().getBoundingClientRect();
               return [p.x + box.left, p.y + box.top]; }""",
        [name, lat, lon],
    )


def test_pacific_view_draws_trans_pacific_cables_whole(offline_page, tmp_path):
    path = tmp_path / "pacific.html"
    assert main(["map", "--center-lon", "150", "-o", str(path)]) == 0
    (name,) = open_map(offline_page, path)
    assert offline_page.errors == []
    center = offline_page.evaluate("name => dsrgeo.maps[name].map.getCenter().lng", name)
    assert 140 < center < 160
    spans = offline_page.evaluate(
        """name => { const out = {};
               for (const item of dsrgeo.maps[name].layers) {
                   if (!item.layer.dsrgeoAll || item.spec.columns.indexOf('name') < 0) continue;
                   for (const sub of item.layer.dsrgeoAll) {
                       const label = dsrgeo.valueOf(item.spec, sub, 'name');
                       if (label !== 'Unity/EAC-Pacific') continue;
                       const parts = sub.getLatLngs();
                       const flat = Array.isArray(parts[0]) ? parts : [parts];
                       out[item.key] = flat.map(p => [p.length, Math.min(...p.map(q => q.lng)),
                                                      Math.max(...p.map(q => q.lng))]);
                   } }
               return out; }""",
        name,
    )
    (parts,) = spans.values()  # the cables layer (Unity is not an HMN cable)
    assert len(parts) == 1  # one line, drawn from Japan across 180 to California
    _, west, east = parts[0]
    assert west < 180 < east <= 330


def test_hover_shows_a_tooltip_and_a_click_only_the_popup(offline_page, newsroom_map):
    (name,) = open_map(offline_page, newsroom_map)
    x, y = _container_point(offline_page, name, 35, 103)  # inside China
    offline_page.mouse.move(x, y)
    offline_page.wait_for_selector(".leaflet-tooltip")
    assert "China" in offline_page.locator(".leaflet-tooltip").inner_text()
    offline_page.mouse.click(x, y)
    popup = offline_page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "China" in text and "7 September 2013" in text and "_" not in text
    tooltips = offline_page.locator(".leaflet-tooltip")
    expect(tooltips).to_have_count(0)  # one of the two at a time (after a 0.2 s fade)
    offline_page.mouse.move(x + 3, y + 3)
    offline_page.wait_for_timeout(300)
    expect(tooltips).to_have_count(0)
    # clicking draws no focus rectangle: the canvases take no focus or pointer events
    assert offline_page.evaluate(
        "() => [...document.querySelectorAll('.leaflet-pane canvas')].every("
        "c => getComputedStyle(c).pointerEvents === 'none')"
    )
    assert offline_page.errors == []


def test_points_under_points_share_one_popup(offline_page, tmp_path):
    nairobi = (-1.2864, 36.8172)  # Natural Earth's Nairobi: capital and Safe City
    path = Map().add("safe_cities").add("beidou_capitals").save(tmp_path / "points.html")
    (name,) = open_map(offline_page, path)
    offline_page.evaluate(
        "([name, lat, lon]) => { dsrgeo.maps[name].map.setView([lat, lon], 5, {animate: false}); }",
        [name, *nairobi],
    )
    x, y = _container_point(offline_page, name, *nairobi)
    offline_page.mouse.click(x, y)
    popup = offline_page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "BeiDou, daily max" in text and "Safe City" in text  # both, in one popup
    assert offline_page.locator(".leaflet-popup-content .dsrgeo-pick").count() >= 2


def test_keyboard_reaches_the_controls_the_slider_and_popups(offline_page, tmp_path):
    path = Map.default(time_slider=True).save(tmp_path / "keys.html")
    (name,) = open_map(offline_page, path)
    reached = set()
    for _ in range(40):
        offline_page.keyboard.press("Tab")
        reached.add(
            offline_page.evaluate(
                """() => { const el = document.activeElement;
                       if (el.matches('.dsrgeo-map')) return 'map';
                       if (el.matches('.leaflet-control-layers-toggle')) return 'layers';
                       if (el.matches('.dsrgeo-legend summary')) return 'legend';
                       if (el.matches('.dsrgeo-sources summary')) return 'sources';
                       if (el.matches('.dsrgeo-slider input')) return 'slider';
                       if (el.matches('.leaflet-control-zoom-in')) return 'zoom';
                       return el.tagName; }"""
            )
        )
    assert {"map", "layers", "legend", "sources", "slider", "zoom"} <= reached
    offline_page.focus(".dsrgeo-map")
    offline_page.evaluate(
        "name => { dsrgeo.maps[name].map.setView([35, 103], 4, {animate: false}); }", name
    )
    offline_page.keyboard.press("Enter")  # the popup of what is at the centre: China
    offline_page.locator(".leaflet-popup-content").wait_for()
    assert "China" in offline_page.locator(".leaflet-popup-content").inner_text()
    assert offline_page.evaluate(
        "() => document.activeElement.matches('.leaflet-popup-close-button')"
    )
    offline_page.keyboard.press("Enter")  # closes it, back on the map
    expect(offline_page.locator(".leaflet-popup")).to_have_count(0)
    assert offline_page.evaluate("() => document.activeElement.matches('.dsrgeo-map')")
    assert offline_page.errors == []


def test_every_catalog_layer_has_a_readable_popup(offline_page, tmp_path):
    """One small map per layer on one page; a click on a feature opens its popup in words."""
    fragments, places = [], {}
    for layer_id in dsrgeo.catalog.layer_ids():
        if layer_id == "land":
            continue
        frame = dsrgeo.load(layer_id)
        frame = frame[frame.geometry.notna()].reset_index(drop=True)
        row = len(frame) // 2
        spot = frame.geometry.iloc[row]
        spot = spot if spot.geom_type == "Point" else spot.representative_point()
        if frame.geometry.iloc[row].geom_type.endswith("LineString"):
            spot = shapely.get_parts(frame.geometry.iloc[row])[0].interpolate(0.5, normalized=True)
        places[layer_id] = (spot.y, spot.x)
        one = Map().add(frame.iloc[[row]], name=layer_id, show=True)
        fragments.append(one.to_html(fragment=True))
    host = tmp_path / "popups.html"
    host.write_text("<!DOCTYPE html><html><body>" + "".join(fragments) + "</body></html>")
    names = open_map(offline_page, host)
    assert offline_page.errors == [] and len(names) == len(places)
    for name, (layer_id, (lat, lon)) in zip(names, places.items()):
        text = offline_page.evaluate(
            """([name, lat, lon]) => { const map = dsrgeo.maps[name].map;
                   map.setView([lat, lon], 6, {animate: false});
                   const point = map.latLngToContainerPoint([lat, lon]);
                   const hits = dsrgeo.openPicked(name, {containerPoint: point,
                       layerPoint: map.containerPointToLayerPoint(point), latlng: L.latLng(lat, lon)});
                   const popup = map.getContainer().querySelector('.leaflet-popup-content');
                   const text = hits && popup ? popup.innerText : '';
                   map.closePopup();
                   return text; }""",
            [name, lat, lon],
        )
        assert text.strip(), layer_id
        for code in ("safe_city", "smart_city", "bri_status", "_ids", "['"):
            assert code not in text, (layer_id, code, text)


def test_200000_points_load_and_answer(offline_page, tmp_path, random_points):
    n = 200_000
    frame = random_points(n, seed=7)
    path = Map().add(frame, color_by="value").save(tmp_path / "points.html")
    assert path.stat().st_size <= 4_000_000
    (name,) = open_map(offline_page, path)
    assert offline_page.errors == []
    drawn = [v for v in counts(offline_page, name).values() if v["features"] == n]
    assert drawn and drawn[0]["drawn"] == drawn[0]["visible"] == n
    assert painted_pixels(offline_page, "dsrgeo-140") > 100_000
    lat, lon = float(frame.geometry.y.iloc[0]), float(frame.geometry.x.iloc[0])
    offline_page.evaluate(
        "([name, lat, lon]) => { dsrgeo.maps[name].map.setView([lat, lon], 9, {animate: false}); }",
        [name, lat, lon],
    )
    offline_page.wait_for_timeout(100)
    x, y = _container_point(offline_page, name, lat, lon)
    offline_page.mouse.move(x, y)
    offline_page.wait_for_selector(".leaflet-tooltip")
    assert "Site 000000" in offline_page.locator(".leaflet-tooltip").inner_text()


def test_the_world_wraps_east_of_180(offline_page, newsroom_map):
    (name,) = open_map(offline_page, newsroom_map)
    offline_page.evaluate(
        "name => { dsrgeo.maps[name].map.setView([50, 200], 3, {animate: false}); }", name
    )
    offline_page.wait_for_timeout(200)
    copies = offline_page.evaluate(
        """name => dsrgeo.maps[name].layers.filter(i => i.copies && i.copies[1])
               .map(i => [i.name, i.copies[1].getLayers().length])""",
        name,
    )
    assert dict(copies)[dsrgeo.catalog.get("cables").title] > 0
    x, y = _container_point(offline_page, name, 64, 210)  # Alaska, 360 degrees east
    offline_page.mouse.move(x, y)
    offline_page.wait_for_selector(".leaflet-tooltip")
    assert "United States" in offline_page.locator(".leaflet-tooltip").inner_text()
    assert counts(offline_page, name)  # the registry still counts each feature once
    assert offline_page.errors == []
