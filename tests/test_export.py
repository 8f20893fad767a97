"""Static exports: the same layers, colours, legend and sources as the page; deterministic files."""

import re
import struct
import subprocess
import sys

import geopandas
import numpy as np
import pytest
from matplotlib.colors import to_hex
from shapely.geometry import LineString

import dsrgeo
from dsrgeo import export
from dsrgeo.errors import ParameterError

SMALL_PX = 480  # fast PNGs; the drawing code is the same at any size
SMALL_DPI = 60


@pytest.fixture(scope="module")
def hmn_map():
    return (
        dsrgeo.Map(title="HMN <Tech> cables")
        .add("bri_countries")
        .add("hmn_cables", highlight="PEACE Cable")
    )


def png_size(path):
    """(width, height) from the PNG's IHDR chunk (PNG spec, section 11.2.2)."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_png_has_the_requested_width(hmn_map, tmp_path):
    for width_px, dpi in [(SMALL_PX, SMALL_DPI), (1600, 200), (1001, 150)]:
        path = hmn_map.to_png(tmp_path / f"{width_px}.png", width_px=width_px, dpi=dpi)
        width, height = png_size(path)
        assert width == width_px
        assert height > width_px * 0.3


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_repeated_exports_are_byte_identical(hmn_map, tmp_path, fmt):
    options = {"width_px": SMALL_PX, "dpi": SMALL_DPI} if fmt == "png" else {"width_in": 5}
    save = getattr(hmn_map, f"to_{fmt}")
    first = save(tmp_path / f"a.{fmt}", **options).read_bytes()
    again = getattr(
        dsrgeo.Map(title="HMN <Tech> cables")
        .add("bri_countries")
        .add("hmn_cables", highlight="PEACE Cable"),
        f"to_{fmt}",
    )(tmp_path / f"b.{fmt}", **options)
    assert again.read_bytes() == first


def test_vector_files_carry_no_timestamp(hmn_map, tmp_path):
    svg = hmn_map.to_svg(tmp_path / "m.svg").read_text(encoding="utf-8")
    pdf = hmn_map.to_pdf(tmp_path / "m.pdf").read_bytes()
    assert "<dc:date>" not in svg and "dsrgeo (matplotlib)" in svg
    assert b"/CreationDate" not in pdf and rb"dsrgeo \(matplotlib\)" in pdf


def _collections(fig):
    return fig.axes[0].collections


def test_colours_are_the_pages_colours(hmn_map):
    fig = export.figure(hmn_map)
    layers = {layer.layer_id: layer for layer in hmn_map.layers}
    hmn = layers["hmn_cables"]
    from matplotlib.collections import LineCollection

    (lines,) = [c for c in _collections(fig) if isinstance(c, LineCollection)]
    drawn = [to_hex(c) for c in lines.get_colors()]
    # every cable part gets its cable's colour, PEACE (highlighted, drawn last) in magenta
    expected = [
        color
        for geom, color in zip(hmn.gdf.geometry, hmn.colors)
        for _ in getattr(geom, "geoms", [geom])
    ]
    assert drawn == expected
    assert drawn[-1] == "#ff00cc"
    polygons = [c for c in _collections(fig) if not isinstance(c, LineCollection)]
    bri = layers["bri_countries"]
    faces = {to_hex(c) for c in polygons[-1].get_facecolors()}
    assert faces == set(bri.colors)


def _legend_texts(fig):
    """Every text of the figure's legends and colorbar titles."""
    texts = []
    for legend in fig.legends:
        texts.append(legend.get_title().get_text())
        texts += [t.get_text() for t in legend.get_texts()]
    texts += [ax.get_title(loc="left") for ax in fig.axes[1:]]
    return texts


def test_legend_title_and_sources_as_on_the_page(hmn_map):
    fig = export.figure(hmn_map)
    legend = _legend_texts(fig)
    credits = "\n".join(t.get_text() for t in fig.texts)
    assert fig.texts[0].get_text() == "HMN <Tech> cables"  # plain text: nothing to escape
    for layer in hmn_map.layers[1:]:
        if layer.legend.kind != "single":  # a single swatch is its own label, as on the page
            assert layer.legend.title in legend
        for label, _ in layer.legend.entries:
            assert label in legend
    assert "Highlighted: PEACE Cable" in legend
    assert "TeleGeography" in credits and "Natural Earth" in credits


def test_continuous_scales_are_colorbars_titled_in_words(hmn_map):
    fig = export.figure(hmn_map)
    (bar_ax,) = fig.axes[1:]  # bri_countries' signing years: one colorbar
    assert bar_ax.get_title(loc="left") == "BRI member: year of signing"
    ticks = [t.get_text() for t in bar_ax.get_xticklabels() if t.get_text()]
    assert ticks and all(re.fullmatch(r"20\d\d", t) for t in ticks)  # years, no decimals


def test_short_credit_names_each_attribution_once(hmn_map):
    text = export.credit_text(hmn_map.layers, "short")
    assert text.count("TeleGeography") == 1
    assert "\n" not in text
    full = export.credit_text(hmn_map.layers, "full")
    assert full.startswith("Sources:") and "https://" in full


def test_text_from_data_is_drawn_as_given(tmp_path, layer_named):
    # matplotlib would read "$x^$" as math and fail at draw time; dsrgeo draws it as text
    frame = layer_named("Cost $x^$", kind=["a $1 b", "b $2 c", "c"])
    m = dsrgeo.Map(title="Cost $x^$").add(frame, color_by="kind", legend_title="$x^$")
    for fmt in ("png", "svg", "pdf"):
        options = {"width_px": SMALL_PX, "dpi": SMALL_DPI} if fmt == "png" else {}
        assert getattr(m, f"to_{fmt}")(tmp_path / f"m.{fmt}", **options).stat().st_size > 0
    fig = export.figure(m)
    assert fig.texts[0].get_text() == "Cost $x^$" and "a $1 b" in _legend_texts(fig)


def test_hidden_layers_are_not_drawn():
    shown = export.figure(dsrgeo.Map().add("landing_points", show=True))
    hidden = export.figure(dsrgeo.Map().add("landing_points", show=False))
    assert len(_collections(shown)) == len(_collections(hidden)) + 1
    assert len(hidden.axes) == 1 and hidden.legends == []  # no legend for a layer that is off


def test_user_line_across_the_antimeridian_is_split():
    # Fiji to Samoa across 180 degrees: drawn as two short pieces, not a line across the world
    frame = geopandas.GeoDataFrame(
        {"id": ["x"], "name": ["Fiji - Samoa"]},
        geometry=[LineString([(178.4, -18.1), (-171.8, -13.8)])],
        crs="EPSG:4326",
    )
    fig = export.figure(dsrgeo.Map().add(frame, color="#123456").fit_bounds((-180, -40, 180, 10)))
    from matplotlib.collections import LineCollection

    (lines,) = [c for c in _collections(fig) if isinstance(c, LineCollection)]
    segments = lines.get_segments()
    assert len(segments) == 2
    for segment in segments:
        assert np.abs(np.diff(segment[:, 0])).max() < 10  # degrees of longitude per step
    assert {to_hex(c) for c in lines.get_colors()} == {"#123456"}


def test_coverage_grid_is_drawn_as_an_image():
    import pandas as pd

    grid = pd.DataFrame(
        [(lat, lon, 8 + (lat > 0)) for lat in range(-80, 81, 20) for lon in range(-180, 180, 20)],
        columns=["lat", "lon", "bds_max"],
    )
    fig = export.figure(dsrgeo.Map().add_coverage(grid, "bds"))
    ax = fig.axes[0]
    # cells are 20 degrees wide, centred from -180 to 160: the image spans -190..170 and its
    # copy 360 degrees east fills the map's last 10 degrees, as the wrapping page does
    extents = sorted(tuple(image.get_extent()[:2]) for image in ax.images)
    assert extents == [(-190.0, 170.0), (170.0, 530.0)]
    assert ax.get_xlim() == (-170.0, 180.0)


@pytest.mark.parametrize(
    "options, words",
    [
        ({"width_px": 0}, r"width_px: expected a number in \[16, 20000\]"),
        ({"width_px": -5}, r"width_px: expected a number in \[16, 20000\]"),
        ({"width_px": 10**6}, r"width_px: expected a number in \[16, 20000\]"),
        ({"width_px": 20_000, "dpi": 10}, "2000 in wide"),
        ({"dpi": "many"}, "dpi: expected a finite number"),
        ({"dpi": float("nan")}, "dpi: expected a finite number"),
        ({"credit": "long"}, "credit: expected one of 'short', 'full'"),
    ],
)
def test_bad_size_is_refused_and_old_file_kept(hmn_map, tmp_path, options, words):
    path = tmp_path / "map.png"
    path.write_bytes(b"old")
    with pytest.raises(ParameterError, match=words):
        hmn_map.to_png(path, **options)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]


def test_failed_save_leaves_no_partial_file(hmn_map, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    path = tmp_path / "map.pdf"
    path.write_bytes(b"old")

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(OSError, match="disk full"):
        hmn_map.to_pdf(path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.pdf"]


def test_missing_folder_is_named(hmn_map, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        hmn_map.to_svg(tmp_path / "no" / "map.svg")


def test_importing_export_does_not_import_matplotlib():
    code = "import sys, dsrgeo.export; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_exports_of_a_pacific_map_move_each_layer_once(monkeypatch):
    # the static exports moved every layer into the map's longitudes on every call, though
    # the map keeps each layer as it draws it (the page uses the same geometries)
    from dsrgeo.maps import map as map_module

    calls = []
    recentre = map_module.recentre

    def counted(values, **kwargs):
        calls.append(len(values))
        return recentre(values, **kwargs)

    monkeypatch.setattr(map_module, "recentre", counted)
    m = dsrgeo.Map(center_lon=150).add("cables")
    cables = len(m.layers[-1].gdf)
    first = export.figure_bytes(export.figure(m, width_in=4), "svg")
    assert len(calls) == 2  # the basemap and the cables, once each
    assert export.figure_bytes(export.figure(m, width_in=4), "svg") == first
    assert len(calls) == 2
    m.to_html()  # the page draws the cables the exports drew
    assert calls.count(cables) == 1
    drawn = export.figure(m, width_in=4).axes[0]
    assert drawn.get_xlim() == (-20.0, 330.0)
