"""Maps in a real headless Chromium with every network request refused.

Checks what a reader sees: the default map loads without script errors, Leaflet draws as many
features per layer as the data holds, legend and layer control exist, the year slider changes
what is shown, hostile names render as text and run nothing, and the notebook form renders.
"""

import pytest

import dsrgeo
from dsrgeo.cli import main
from dsrgeo.maps import Map

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=window.__pwned=1>"
ALL_DRAWN = (
    "() => window.dsrgeo && Object.keys(dsrgeo.maps).length > 0 && "
    "Object.values(dsrgeo.maps).every(m => m.drawnMs)"
)
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
    assert offline_page.errors == [] and offline_page.blocked == []
