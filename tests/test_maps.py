"""dsrgeo.Map without a browser: offline assets, escaping, determinism, styles, errors, output."""

import base64
import hashlib
import io
import json
import os
import pathlib
import re

import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString

import dsrgeo
from dsrgeo import fileio
from dsrgeo.errors import (
    AsOfOutOfRangeError,
    InvalidLayerError,
    LayerNotFoundError,
    ParameterError,
)
from dsrgeo.maps import Map, MapLayer, assets
from dsrgeo.maps.layer import HIGHLIGHT_COLOR
from dsrgeo.maps.vector import COORD_DECIMALS, spec_geometries, spec_value

HOSTILE = "<img src=x onerror=window.__pwned=1>"
CDN_HOSTS = (
    "cdn.jsdelivr.net",
    "unpkg.com",
    "cdnjs.cloudflare.com",
    "code.jquery.com",
    "bootstrapcdn.com",
    "googleapis.com",
    "fontawesome",
)


@pytest.fixture(scope="module")
def small_map_html():
    return Map(title="HMN").add("hmn_cables").add("safe_cities").to_html()


# -- self-contained --------------------------------------------------------------------


def _layer_spec(m, layer, key):
    """The layer's page data (``Map._body``) with its geometry inline, as a dict."""
    spec, geometries = m._body(layer)
    inline = {} if geometries is None else {"geometry": [json.loads(g) for g in geometries]}
    return {"key": key, **spec, **inline}


def test_vendored_files_match_vendor_md(repo_root):
    vendor = repo_root / "dsrgeo" / "maps" / "vendor"
    table = dict(
        re.findall(
            r"^\| (\S+) \| ([0-9a-f]{64}) \|$", (vendor / "VENDOR.md").read_text(), flags=re.M
        )
    )
    assert table == assets.VENDOR_SHA256
    for name, digest in table.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest


def test_page_loads_nothing_from_the_network(small_map_html):
    assert "1.9.4" in small_map_html  # Leaflet inline
    for host in CDN_HOSTS:
        assert host not in small_map_html
    loads = r"""<(script|link|img|iframe|source)\b[^>]*\b(src|href)\s*=\s*["']?(https?:)?//"""
    assert not re.search(loads, small_map_html)
    assert not re.search(r"""url\(\s*["']?(https?:)?//|@import""", small_map_html)
    assert "<link" not in small_map_html
    assert "sourceMappingURL" not in small_map_html
    assert "url(images/" not in small_map_html


def test_tiles_are_opt_in():
    assert "tile.openstreetmap.org" not in Map().add("hmn_cables").to_html()
    assert "tile.openstreetmap.org" in Map(tiles="OpenStreetMap").add("hmn_cables").to_html()


def test_fit_bounds_opens_on_the_box():
    page = Map().add("hmn_cables").fit_bounds((30, -10, 120, 40)).to_html()
    # the page keeps FIT_PADDING_PX free around the box, so nothing asked for is clipped
    assert ", [[-10.0, 30.0], [40.0, 120.0]], 24, null)" in page  # dsrgeo.view(name, box, ...)
    hmn = dsrgeo.load("hmn_cables")
    west, south, east, north = hmn.total_bounds
    assert Map().add("hmn_cables").fit_bounds()._bounds == pytest.approx((west, south, east, north))


def test_land_is_the_basemap():
    (basemap,) = [layer for layer in Map().layers if layer.role == "basemap"]
    assert basemap.layer_id == "land"
    assert len(basemap.gdf) == len(dsrgeo.load("land"))


def test_shared_basemap_and_simplified_geometry_are_not_shared_state():
    first = Map()
    page = first.to_html()
    land = first.layers[0]
    land.styles[0]["color"] = "#000000"  # a Map's record is its own copy
    land.gdf["extra"] = 1
    second = Map()
    assert second.layers[0].styles[0]["color"] != "#000000"
    assert "extra" not in second.layers[0].gdf.columns
    assert second.to_html() == page
    shipped = dsrgeo.load("bri_countries")
    expected = shipped.geometry.simplify(0.02, preserve_topology=True)  # the catalog's tolerance
    for _ in range(2):  # computed, then from the cache
        bri = Map().add("bri_countries").layers[-1]
        assert bri.gdf.geometry.geom_equals_exact(expected, tolerance=0).all()


# -- safe text -------------------------------------------------------------------------


def test_hostile_text_is_escaped_everywhere(layer_named):
    frame = layer_named(HOSTILE, kind=[HOSTILE, "x", "y"])
    page = (
        Map(title=HOSTILE)
        .add(
            frame,
            name=HOSTILE,
            tooltip=["name"],
            popup=["name", "kind"],
            color_by="kind",
            legend_title=HOSTILE,
        )
        .to_html()
    )
    assert HOSTILE not in page
    assert "<img" not in page
    # html.escape ran in Python: inside JSON the ampersand itself is \u0026
    assert "\\u0026lt;img src=x onerror=window.__pwned=1\\u0026gt;" in page
    assert "<title>&lt;img" in page


def test_raw_html_only_through_popup_html(layer_named):
    frame = layer_named("Gwadar", link=['<a href="#x">more</a>', "", ""])
    page = Map().add(frame, popup_html="link").to_html()
    assert '\\u003ca href=\\"#x\\"\\u003emore\\u003c/a\\u003e' in page  # raw, JSON-escaped
    assert "&lt;a href" not in page


def test_script_close_tag_in_data_cannot_end_the_script(layer_named):
    page = Map().add(layer_named("</script><script>window.__pwned=1</script>")).to_html()
    assert "</script><script>window.__pwned" not in page


def test_bad_colour_is_refused(layer_named):
    with pytest.raises(ParameterError, match="not a colour"):
        Map().add(layer_named("x"), color="red;background:url(http://x)")


# -- reproducible ----------------------------------------------------------------------


def test_same_inputs_give_identical_bytes(layer_named, small_map_html):
    assert Map(title="HMN").add("hmn_cables").add("safe_cities").to_html() == small_map_html
    frame = layer_named("Djibouti")
    assert Map().add(frame).to_html(fragment=True) == Map().add(frame).to_html(fragment=True)


def test_page_data_kept_per_layer_follows_positions():
    m = Map().add("hmn_cables")
    m.to_html()  # keeps hmn_cables' page data while it is at position l1
    m.add("bri_countries")  # drawn below it: hmn_cables moves to l2
    assert m.to_html() == Map().add("hmn_cables").add("bri_countries").to_html()


def test_ids_are_not_random_and_do_not_leak(small_map_html):
    from branca.element import Element

    ids = set(re.findall(r"dsrgeo_map_([0-9a-f]{12})\d{6}", small_map_html))
    assert len(ids) == 1  # one seed per map
    other = Map(title="Other").add("hmn_cables").add("safe_cities").to_html()
    assert not ids & set(re.findall(r"dsrgeo_map_([0-9a-f]{12})\d{6}", other))
    assert Element()._id != Element()._id  # branca's own ids stay random: nothing is patched


def test_two_fragments_share_a_page_without_id_clash(layer_named):
    first = Map(title="A").add(layer_named("one")).to_html(fragment=True)
    second = Map(title="B").add(layer_named("two")).to_html(fragment=True)
    names = lambda text: set(re.findall(r"\b(\w+_[0-9a-f]{12}\d{6})\b", text))  # noqa: E731
    assert first.startswith('<div class="dsrgeo-fragment">') and "<html" not in first
    assert names(first) and names(second) and not names(first) & names(second)


def test_coordinates_are_rounded_and_only_shown_columns_written():
    frame = geopandas.GeoDataFrame(
        {"name": ["Cable A"], "secret_owner": ["do-not-publish"]},
        geometry=[LineString([(10.123456789, 1.987654321), (12.5, 3.25)])],
        crs="EPSG:4326",
    )
    m = Map().add(frame, tooltip=["name"])
    page = m.to_html()
    assert "do-not-publish" not in page and "secret_owner" not in page
    spec = _layer_spec(m, m.layers[-1], "l1")
    assert spec["columns"] == ["name"] and spec["strings"] == ["Cable A"]
    assert spec_geometries(spec) == [
        {"type": "LineString", "coordinates": [[10.12346, 1.98765], [12.5, 3.25]]}
    ]
    with_secret = Map().add(frame, tooltip=["name", "secret_owner"]).to_html()
    assert "do-not-publish" in with_secret


def test_every_catalog_geometry_round_trips_through_the_page_encoding():
    m = Map().add("hmn_cables").add("safe_cities")
    for layer in m.layers:
        spec = _layer_spec(m, layer, "l")
        assert spec["decimals"] <= COORD_DECIMALS
        drawn = spec_geometries(spec)
        assert len(drawn) == len(layer.gdf)
        for geometry, back in zip(layer.gdf.geometry, drawn):
            back = shapely.geometry.shape(back)
            assert back.geom_type == geometry.geom_type
            assert back.hausdorff_distance(geometry) <= 10 ** -spec["decimals"]


# -- layers and styles -----------------------------------------------------------------


def test_default_catalog_styling_is_a_finished_map():
    m = Map().add("bri_countries").add("hmn_cables").add("cables").add("landing_points")
    layers = {layer.layer_id: layer for layer in m.layers}
    bri = layers["bri_countries"]
    assert bri.legend.kind == "continuous"
    assert [v for v, _ in bri.legend.stops][:: len(bri.legend.stops) - 1] == [2013, 2025]
    status = bri.gdf.set_index("iso3")["bri_status"]
    colors = pd.Series(bri.colors, index=bri.gdf["iso3"])
    assert colors["ITA"] == "#f16913" and status["ITA"] == "exited"  # exited marked
    none = colors[status == "none"]
    assert set(none) == {"#e3e3e3"}  # non-members grey
    members = colors[(status == "member") & bri.gdf.set_index("iso3")["bri_year"].notna()]
    assert members.nunique() > 5  # a ramp over signing years
    labels = [label for label, _ in bri.legend.entries]
    assert "Exited the BRI" in labels and "No BRI cooperation document" in labels
    assert layers["hmn_cables"].order > layers["cables"].order  # HMN drawn over the others
    assert set(layers["hmn_cables"].colors).isdisjoint(layers["cables"].colors)
    assert layers["landing_points"].show is False
    assert [layer.order for layer in m.layers] == sorted(layer.order for layer in m.layers)


def test_map_layers_record_for_exports():
    m = Map().add("safe_cities", color_by="vendor").add("hmn_cables", highlight="PEACE Cable")
    for layer in m.layers:
        assert isinstance(layer, MapLayer)
        assert layer.gdf.crs.to_epsg() == 4326
        assert len(layer.colors) == len(layer.styles) == len(layer.gdf)
        assert layer.gdf.geometry.notna().all()
        assert layer.citation
    (hmn,) = [layer for layer in m.layers if layer.layer_id == "hmn_cables"]
    assert hmn.feature_count == len(dsrgeo.load("hmn_cables"))  # incl. unmapped projects
    assert hmn.gdf["name"].iloc[-1] == "PEACE Cable" and hmn.colors[-1] == HIGHLIGHT_COLOR
    assert any("PEACE Cable" in label for label, _ in hmn.legend.entries)
    assert repr(hmn) == (
        f"MapLayer(name={hmn.name!r}, kind='line', role='overlay', features={len(hmn.gdf)}, "
        "show=True)"
    )


def test_color_by_categorical_and_numeric(layer_named):
    frame = layer_named("x", vendor=["Huawei", "ZTE", None], year=[2013, 2019, None])
    cats = Map().add(frame, color_by="vendor").layers[-1]
    assert cats.legend.kind == "categorical"
    assert [label for label, _ in cats.legend.entries] == ["Huawei", "ZTE", "No data"]
    ramp = Map().add(frame, color_by="year", palette=["#000000", "#ffffff"]).layers[-1]
    assert ramp.colors == ("#000000", "#ffffff", "#bdbdbd")


def test_antimeridian_user_line_is_split():
    frame = geopandas.GeoDataFrame(
        {"name": ["Across the Pacific"]},
        geometry=[LineString([(170, -15), (-170, -10)])],
        crs="EPSG:4326",
    )
    (geometry,) = Map().add(frame).layers[-1].gdf.geometry
    assert geometry.geom_type == "MultiLineString" and len(geometry.geoms) == 2
    for part in geometry.geoms:
        lon = np.asarray(part.coords)[:, 0]
        assert np.abs(np.diff(lon)).max() < 180


def test_other_crs_and_geojson_path(tmp_path, layer_named):
    frame = layer_named("Djibouti").to_crs("EPSG:3857")
    layer = Map().add(frame).layers[-1]
    assert layer.gdf.crs.to_epsg() == 4326
    assert layer.gdf.geometry.iloc[0].x == pytest.approx(43.15)
    path = tmp_path / "points.geojson"
    layer_named("From a file").to_file(path, driver="GeoJSON")
    from_file = Map().add(path).layers[-1]
    assert from_file.name == "points" and from_file.tooltip == ("name",)


def test_as_of(layer_named, tmp_path):
    bri = Map().add("bri_countries", as_of=2019).layers[-1]
    color = dict(zip(bri.gdf["iso3"], bri.colors))
    assert color["ITA"] not in ("#f16913", "#e3e3e3")  # a member in 2019
    frame = dsrgeo.load("cables")
    old = Map().add(frame, as_of=2005).layers[-1]
    assert old.gdf["rfs_year"].max() <= 2005 and len(old.gdf) < len(frame)
    # a loaded frame gets exactly what the catalog id gets (the loader's rule, planned dropped)
    by_id = Map().add("cables", as_of=2005).layers[-1]
    assert sorted(old.gdf["id"]) == sorted(by_id.gdf["id"])
    points = Map().add(dsrgeo.load("landing_points"), as_of=2019).layers[-1]
    assert sorted(points.gdf["id"]) == sorted(
        Map().add("landing_points", as_of=2019).layers[-1].gdf["id"]
    )
    with pytest.raises(ParameterError, match="needs a layer with years"):
        Map().add(layer_named("x"), as_of=2019)
    path = tmp_path / "cables.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(ParameterError, match="needs a layer with years"):
        Map().add(path, as_of=2019)  # a file has no catalog id: refused, not ignored
    with pytest.raises(AsOfOutOfRangeError):
        Map().add("cables", as_of=1900)
    with pytest.raises(AsOfOutOfRangeError):
        Map().add(frame, as_of=1900)


def test_time_slider_specs():
    m = Map(time_slider=True).add("bri_countries").add("cables")
    bri, cables = m.layers[1], m.layers[2]
    years = dict(zip(bri.gdf["iso3"], zip(bri.time.start, bri.time.end)))
    assert years["ITA"] == (2019, 2023)
    assert cables.time.before == "hide"
    italy = list(bri.gdf["iso3"]).index("ITA")
    assert bri.colors[italy] == "#f16913"  # the page opens at the last year: exited
    assert bri.time.during[italy]["fillColor"] not in ("#f16913", "#e3e3e3")  # member before
    # today's statuses, then a year applied by the map: the loader's answer, as for the id
    # (its ramp spans the signing years up to 2019; the slider's spans all of them)
    in_2019 = Map().add(dsrgeo.load("bri_countries"), as_of=2019).layers[-1]
    colours_2019 = dict(zip(in_2019.gdf["iso3"], in_2019.colors))
    assert colours_2019["ITA"] not in ("#f16913", "#e3e3e3")  # a member in 2019
    for year in (2015, 2019):
        by_frame = Map().add(dsrgeo.load("bri_countries"), as_of=year).layers[-1]
        by_id = Map().add("bri_countries", as_of=year).layers[-1]
        assert dict(zip(by_frame.gdf["iso3"], by_frame.colors)) == dict(
            zip(by_id.gdf["iso3"], by_id.colors)
        )
    page = m.to_html()
    assert "dsrgeo.setYear" in page and "input.min = 2000" in page


# -- errors ----------------------------------------------------------------------------


def test_errors_name_the_input(layer_named, tmp_path):
    with pytest.raises(LayerNotFoundError, match="no layer 'cabels'"):
        Map().add("cabels")
    with pytest.raises(ParameterError, match="tooltip: 'nope' is not a column of layer"):
        Map().add("hmn_cables", tooltip=["nope"])
    with pytest.raises(ParameterError, match="did you mean 'PEACE Cable'"):
        Map().add("hmn_cables", highlight="PEACE Cabel")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        Map().add("hmn_cables", colour="red")
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [')
    with pytest.raises(InvalidLayerError, match="bad.geojson"):
        Map().add(bad)
    with pytest.raises(ParameterError, match="west, south, east, north"):
        Map().fit_bounds((0, 95, 10, 96))
    empty = geopandas.GeoDataFrame({"name": []}, geometry=[], crs="EPSG:4326")
    with pytest.raises(InvalidLayerError, match="nothing to draw"):
        Map().add(empty)
    with pytest.raises(ParameterError, match="no such layer on the map"):
        Map().add("hmn_cables").fit_bounds("cables")
    with pytest.raises(ParameterError, match="unknown tiles"):
        Map(tiles="No Such Tiles")


# -- output ----------------------------------------------------------------------------


def test_save_is_atomic(tmp_path, monkeypatch, layer_named):
    target = tmp_path / "map.html"
    Map().add(layer_named("first")).save(target)
    before = target.read_bytes()
    assert b"first" in before

    def broken(self, fragment=False):
        raise RuntimeError("render failed")

    second = Map().add(layer_named("second"))
    written = []

    def disk_full(fd, chunk):  # half the page reaches the disk, then the write fails
        os.write(fd, bytes(chunk[: len(chunk) // 2]))
        written.append(pathlib.Path(os.readlink(f"/proc/self/fd/{fd}")))
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(fileio, "_write_chunk", disk_full)
        with pytest.raises(OSError, match="No space"):
            second.save(target)
    assert written and written[0].parent == tmp_path and written[0] != target
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]

    def rename_fails(src, dst):
        raise PermissionError("cannot replace")

    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", rename_fails)
        with pytest.raises(PermissionError):
            second.save(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]

    monkeypatch.setattr(Map, "to_html", broken)
    with pytest.raises(RuntimeError):
        second.save(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_repr_html_is_a_sandboxed_srcdoc_iframe(layer_named):
    out = Map().add(layer_named("x"))._repr_html_()
    assert out.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts' in out
    assert "<script" not in out  # the page is attribute-escaped inside srcdoc


def test_static_exports_are_the_export_modules_files(tmp_path):
    m = Map().add("hmn_cables")
    for suffix, method, function in [
        ("png", m.to_png, dsrgeo.export.to_png),
        ("svg", m.to_svg, dsrgeo.export.to_svg),
        ("pdf", m.to_pdf, dsrgeo.export.to_pdf),
    ]:
        ours, theirs = tmp_path / f"a.{suffix}", tmp_path / f"b.{suffix}"
        method(ours)
        function(m, theirs)
        assert ours.read_bytes() == theirs.read_bytes()


def test_repr():
    assert repr(Map(title="t").add("hmn_cables")) == (
        f"Map(title='t', layers=[{dsrgeo.catalog.get('hmn_cables').title!r}])"
    )


# -- coverage --------------------------------------------------------------------------


def test_coverage_overlay_is_placed_in_web_mercator():
    import pyproj
    from PIL import Image

    to_mercator = pyproj.Transformer.from_crs(4326, 3857, always_xy=True)

    def mercator_y(lat):  # the authority: PROJ's EPSG:3857, not the code under test
        return to_mercator.transform(0.0, lat)[1]

    lats = np.arange(-80, 81, 10)
    grid = pd.DataFrame(
        [(lat, lon, float(lat)) for lat in lats for lon in range(-180, 180, 10)],
        columns=["lat", "lon", "bds_max"],
    )
    layer = Map().add_coverage(grid, "bds", palette=["#000000", "#ffffff"]).layers[-1]
    png, (south, west, north, east) = layer.image
    assert (south, west, north, east) == (-85, -185, 85, 175)
    image = np.asarray(Image.open(io.BytesIO(png)))
    height = image.shape[0]
    y_top, y_bottom = mercator_y(north), mercator_y(south)
    for lat in (-60.0, 0.0, 40.0, 70.0):  # row of the cell centre, in EPSG:3857 metres
        row = int((y_top - mercator_y(lat)) / (y_top - y_bottom) * height)
        grey = image[row, 5, 0]
        assert grey == pytest.approx((lat + 80) / 160 * 255, abs=1.5)
    assert layer.legend.kind == "continuous" and layer.legend.stops[0][0] == -80
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    assert uri in Map().add_coverage(grid, "bds", palette=["#000000", "#ffffff"]).to_html()
    with pytest.raises(ParameterError, match="gps_max"):
        Map().add_coverage(grid, "gps")


def test_coverage_refuses_scattered_points_and_keeps_real_grids():
    # scattered points made a unique(lat) x unique(lon) table: 20,000 of them asked for
    # 400 million cells and the process was killed for memory
    rng = np.random.default_rng(3)
    scattered = pd.DataFrame(
        {"lat": rng.uniform(-60, 60, 300), "lon": rng.uniform(-180, 180, 300), "bds_max": 8.0}
    )
    with pytest.raises(ParameterError, match="not a regular lat/lon grid.*coverage_grid"):
        Map().add_coverage(scattered, "bds")
    # evenly spaced but mostly empty (points snapped to a fine lattice): refused as well
    sparse = pd.DataFrame(
        [(lat, lon, 8.0) for lat in range(-60, 61) for lon in (0, 1)]
        + [(0, lon, 8.0) for lon in range(2, 180)],
        columns=["lat", "lon", "bds_max"],
    )
    with pytest.raises(ParameterError, match="cells; expected a table"):
        Map().add_coverage(sparse, "bds")
    # a cross of 3,000 points on a 1,500 x 1,500 lattice: over the cell limit
    fine = pd.DataFrame({"lat": np.arange(1500.0) / 20 - 37, "lon": 0.0, "bds_max": 8.0})
    fine = pd.concat([fine, fine.assign(lat=0.0, lon=np.arange(1500.0) / 10 - 75)])
    with pytest.raises(ParameterError, match="2,250,000 cells, over the limit of 2,000,000"):
        Map().add_coverage(fine, "bds")
    # a grid shaped as dsrgeo.gnss.coverage_grid(10, ...) makes it (poles included)
    from dsrgeo.gnss.grid import grid_points

    lat, lon = grid_points(10)
    grid = pd.DataFrame({"lat": lat, "lon": lon, "bds_max": 6 + np.abs(lat) / 10})
    layer = Map().add_coverage(grid, "bds").layers[-1]
    assert len(layer.gdf) == 19 * 36 and layer.image[1] == (
        -85.05112878,
        -185.0,
        85.05112878,
        175.0,
    )
    assert grid_points(10)[0].size == len(grid)


def test_coverage_palette_and_value_range_are_checked():
    from dsrgeo import export

    grid = pd.DataFrame(
        [(lat, lon, float(lat)) for lat in range(-80, 81, 20) for lon in range(-180, 180, 20)],
        columns=["lat", "lon", "bds_max"],
    )
    # a colormap name is a ramp, as in add(): its legend samples it (it used to fail with
    # "'v' is not a colour")
    m = Map().add_coverage(grid, "bds", palette="viridis")
    legend = m.layers[-1].legend
    assert legend.colormap == ("viridis",) and len(legend.stops) == 9
    assert legend.stops[0] == (-80.0, "#440154") and legend.stops[-1] == (80.0, "#fde725")
    assert "#fde725" in m.to_html()
    export.figure(m)
    # a name in a list is not a colour: refused when added, not when the page is written
    with pytest.raises(ParameterError, match="palette: 'viridis' is not a colour"):
        Map().add_coverage(grid, "bds", palette=["viridis"])
    with pytest.raises(ParameterError, match="palette: expected a matplotlib colormap name"):
        Map().add_coverage(grid, "bds", palette="no-such-map")
    for bad, message in [
        ((1, 2, 3), "expected \\(low, high\\), two numbers"),
        (5, "expected \\(low, high\\), two numbers"),
        ((2, 1), "low < high"),
        ((0, float("nan")), "finite number"),
        (("0", 1), "finite number"),
    ]:
        with pytest.raises(ParameterError, match=f"value_range: .*{message}"):
            Map().add_coverage(grid, "bds", value_range=bad)
    stops = Map().add_coverage(grid, "bds", value_range=[0, 40]).layers[-1].legend.stops
    assert (stops[0][0], stops[-1][0]) == (0.0, 40.0)


def test_coverage_refuses_grids_over_the_cell_limit(monkeypatch):
    from dsrgeo.maps import coverage

    monkeypatch.setattr(coverage, "MAX_CELLS", 100)
    grid = pd.DataFrame(
        [(lat, lon, 1.0) for lat in range(11) for lon in range(10)], columns=["lat", "lon", "v"]
    )
    with pytest.raises(ParameterError, match="11 latitudes x 10 longitudes make 110 cells, over"):
        Map().add_coverage(grid, "v", metric=None)


# -- the default map, derived and user data, popups ---------------------------------------


def _page_tables(page):
    """The page's shared geometry table and each layer's page spec (compressed or not)."""
    import zlib

    def unpack(text):
        data = json.loads(text)
        if "z" in data:
            data = {**data, **json.loads(zlib.decompress(base64.b64decode(data["z"])))}
        return data

    table = unpack(re.search(r"dsrgeo\.geometries\([^,]+, (\{.*?\})\);\n", page).group(1))
    specs = [
        unpack(m.group(1)) for m in re.finditer(r"dsrgeo\.vector\([^,]+, (\{.*?\})\);\n", page)
    ]
    return table, specs


def test_default_map_has_a_point_of_view():
    m = Map.default()
    assert m.title and "Digital Silk Road" in m.title
    shown = [layer.layer_id for layer in m.layers if layer.show]
    assert shown == ["land", "bri_countries", "cables", "hmn_cables"]
    by_id = {layer.layer_id: layer for layer in m.layers}
    assert by_id["hmn_cables"].order > by_id["cables"].order > by_id["bri_countries"].order
    for layer_id in ("landing_points", "safe_cities", "beidou_capitals", "clean_network"):
        assert by_id[layer_id].show is False  # one click away in the layer control
    assert Map.default(as_of=2019).title.endswith("2019")


def test_country_polygons_the_layers_share_travel_once():
    page = Map.default().to_html()
    table, specs = _page_tables(page)
    countries = len(dsrgeo.load("land"))
    # land, bri_countries, clean_network and huawei_5g draw the same 241 polygons
    assert len(table["3"]) == countries
    polygon_layers = [s for s in specs if s["kind"] == "polygon"]
    assert len(polygon_layers) == 4
    assert all(sorted(set(s["g"])) == list(range(countries)) for s in polygon_layers)
    # 1.26 MB before the table (three copies of the polygons); 1.01 MB after it, and 1.10 MB
    # once the popups listed second sources (their linked titles, per row)
    assert len(page) < 1_200_000


def test_pacific_view_draws_trans_pacific_cables_whole():
    m = Map(center_lon=150).add("cables")
    spec = _layer_spec(m, m.layers[-1], "l1")
    drawn = dict(zip(m.layers[-1].gdf["name"], spec_geometries(spec)))
    for name in ("Unity/EAC-Pacific", "Pacific Crossing-1 (PC-1)", "CAP-1"):
        line = drawn[name]  # stored as two parts split at 180: one line across the Pacific
        assert line["type"] == "LineString", name
        xs = [x for x, _ in line["coordinates"]]
        assert min(xs) < 180 < max(xs) <= 330, name
    assert Map(center_lon=150).bounds == (-20.0, -56.0, 330.0, 75.0)
    assert "center_lon=150" in repr(m)
    with pytest.raises(ParameterError, match="center_lon"):
        Map(center_lon=181)


def test_mixed_geometry_file_is_one_named_layer(write_geojson_file):
    path = write_geojson_file(
        [
            {"type": "Feature", "properties": {"name": "Landing"},
             "geometry": {"type": "Point", "coordinates": [43.15, 11.6]}},
            {"type": "Feature", "properties": {"name": "Route"},
             "geometry": {"type": "LineString", "coordinates": [[43.15, 11.6], [62.3, 25.1]]}},
            {"type": "Feature", "properties": {"name": "Area"},
             "geometry": {"type": "Polygon",
                          "coordinates": [[[55, 15], [60, 15], [60, 20], [55, 20], [55, 15]]]}},
        ],
        name="survey.geojson",
    )  # fmt: skip
    m = Map().add(path)
    layer = m.layers[-1]
    assert (layer.name, layer.kind, len(layer.gdf)) == ("survey", "mixed", 3)
    assert layer.legend.kind == "single" and len(layer.legend.entries) == 1
    styles = dict(zip(layer.gdf["name"], layer.styles))
    assert "radius" in styles["Landing"] and "fillColor" in styles["Area"]
    assert styles["Route"]["color"] == layer.colors[1]  # a line is stroked in its colour
    assert "survey" in m.to_html()


def test_derived_frames_keep_their_names_scales_and_credits():
    indicators = dsrgeo.indicators()
    layer = Map().add(indicators, color_by="hmn_share").layers[-1]
    assert layer.name == "Indicators by country"
    assert layer.legend.title == indicators.attrs["columns"]["hmn_share"]
    assert layer.legend.kind == "continuous"
    assert "© TeleGeography, CC BY-NC-SA 3.0" in layer.credit
    assert len(layer.credit) == len(set(layer.credit))
    bri = dsrgeo.load("bri_countries")
    members = Map().add(bri[bri["bri_status"] == "member"]).layers[-1]
    count = f"({int((bri['bri_status'] == 'member').sum()):,} of {len(bri):,})"
    assert members.name.endswith(count) and members.legend.title.endswith(count)


def test_a_subset_of_a_catalog_layer_is_counted_once(monkeypatch):
    from dsrgeo.maps import layer as layer_module

    bri = dsrgeo.load("bri_countries")
    asked = []
    feature_count = layer_module.loading.feature_count
    monkeypatch.setattr(
        layer_module.loading,
        "feature_count",
        lambda layer_id: asked.append(layer_id) or feature_count(layer_id),
    )
    layer = Map().add(bri.head(10)).layers[-1]
    assert asked == ["bri_countries"]  # the name and the legend title share one count
    assert layer.name.endswith(f"(10 of {len(bri):,})")


def test_user_frames_get_names_and_legend_titles_in_words(layer_named):
    frame = layer_named("x", share_pct=[1.0, 2.0, 3.0])
    frame.attrs.clear()
    layer = Map().add(frame, color_by="share_pct").layers[-1]
    assert layer.name == "Points (3)"
    assert layer.legend.title == "Share pct"


def test_colours_are_checked_when_added(layer_named):
    frame = layer_named("x", kind=["a", "b", "c"])
    with pytest.raises(ParameterError, match="categories"):
        Map().add(frame, color_by="kind", categories={"a": "url(x)"})
    with pytest.raises(ParameterError, match="palette"):
        Map().add(frame, color_by="kind", palette=["#12345"])
    with pytest.raises(ParameterError, match="style"):
        Map().add(frame, style={"fillColor": "red;x"})


def _strings(m, layer_id, column):
    layer = next(layer for layer in m.layers if layer.layer_id == layer_id)
    spec = _layer_spec(m, layer, "l")
    rows = dict(
        zip(layer.gdf["name"] if "name" in layer.gdf else layer.gdf["city"], range(len(layer.gdf)))
    )
    return lambda name: spec_value(spec, column, rows[name])


def test_popups_read_as_words_not_codes():
    m = Map.default()
    for layer in m.layers:
        if layer.role == "overlay":
            assert layer.popup or layer.tooltip, layer.layer_id  # every layer has a popup
    peace = _strings(m, "hmn_cables", "countries")("PEACE Cable")
    assert "Pakistan (PAK)" in peace and "France (FRA)" in peace
    sources = _strings(m, "hmn_cables", "source_ids")("PEACE Cable")
    assert "cceonline_peace_2018" not in sources
    entry = dsrgeo.catalog.cited_source("cceonline_peace_2018")
    assert f'<a href="{entry["url"]}"' in sources
    assert _strings(m, "bri_countries", "mou_date")("China") == "7 September 2013"
    assert _strings(m, "bri_countries", "bri_status")("Italy") == "Exited the BRI"
    assert _strings(m, "safe_cities", "project_type")("Nairobi") == "Safe City"


def _credit_line_names_each_once(m):
    """The map's one-line credits (dsrgeo.export.credit_text): each drawn credit, once."""
    line = dsrgeo.export.credit_text(m.layers)
    parts = [part for layer in m.layers if layer.show for part in layer.credit]
    for part in parts:  # a count, not a presence: a credit inside a longer one counts too
        assert line.count(part) == 1, (part, line)
    assert line.count("TeleGeography") == 1, line
    return parts


def test_one_line_credits_name_each_credit_once():
    m = Map.default()
    parts = _credit_line_names_each_once(m)
    assert "© TeleGeography, CC BY-NC-SA 3.0" in parts and "Natural Earth" in parts
    page = m.to_html()
    assert "policy/SOURCES.md" not in parts
    # the full citations are in the Sources panel, with links
    assert 'href=\\"https://github.com/stevesong/open_undersea_cable_map\\"' in page
    # a scenario's cable layers credit the catalog's short credit, not the long attribution
    scenario = Map().add_scenario(dsrgeo.network.cut("ACE", as_of=2017))
    assert "© TeleGeography, CC BY-NC-SA 3.0" in _credit_line_names_each_once(scenario)


def test_the_page_has_a_text_alternative():
    page = Map.default().to_html()
    assert 'role="region"' in page and 'aria-describedby="' in page
    assert "<table><caption>" in page and "the layers of this interactive map" in page


@pytest.mark.slow
def test_200000_points_make_a_page_of_at_most_4_mb(random_points):
    n = 200_000
    frame = random_points(n, seed=1)
    page = Map().add(frame, color_by="value", tooltip=["name", "value"]).to_html()
    assert len(page.encode("utf-8")) <= 4_000_000
    _, specs = _page_tables(page)
    (points,) = [s for s in specs if s.get("bulk")]
    assert len(spec_geometries(points)) == n


def test_the_page_credits_coverage_and_frames_that_only_cite(layer_named):
    # the page's one-line credits come from layer.credit: a layer without one lost its
    # licence credit on the page while the static exports still printed its citation
    cited = layer_named("x")
    cited.attrs["citation"] = "Example Org (2024), CC BY 4.0"
    m = Map().add(cited)
    assert m.layers[-1].credit == ("Example Org (2024), CC BY 4.0",)
    (spec,) = _page_tables(m.to_html())[1][1:]
    assert spec["credit"] == ["Example Org (2024), CC BY 4.0"]
    grid = pd.DataFrame(
        [(lat, lon, 8 + (lat > 0)) for lat in range(-80, 81, 20) for lon in range(-180, 180, 20)],
        columns=["lat", "lon", "bds_max"],
    )
    m = Map().add_coverage(grid, "bds")
    text = "BeiDou satellites in view, daily maximum: computed with dsrgeo.gnss from CelesTrak TLEs"
    assert m.layers[-1].credit == (text,)
    assert f"credit: {json.dumps([text])}" in m.to_html()
    grid.attrs["attribution"] = "Orbits: CelesTrak"
    assert Map().add_coverage(grid, "bds").layers[-1].credit == ("Orbits: CelesTrak",)
    # a grid's claims that are not text count as none: a list citation crashed the page
    grid.attrs.update(citation=["a"], attribution={"html": "<b>"})
    m = Map().add_coverage(grid, "bds")
    assert (m.layers[-1].citation, m.layers[-1].attribution) == (text, None)
    assert "&lt;b&gt;" not in m.to_html()


def test_hostile_credits_and_citations_are_escaped(layer_named):
    frame = layer_named("x")
    frame.attrs.update(credit=HOSTILE, citation=HOSTILE, title=HOSTILE)
    page = Map(title=HOSTILE).add(frame).to_html()
    assert HOSTILE not in page and "<img" not in page
    m = Map().add(frame)
    spec = _layer_spec(m, m.layers[-1], "l1")
    assert spec["credit"] == ["&lt;img src=x onerror=window.__pwned=1&gt;"]
