"""Hostile input: user files, frames and arguments an attacker (or a slip) would give.

Every case must end in one of dsrgeo's own errors, naming the input, with nothing written;
the property-based tests (hypothesis) generate GeoJSON documents, frames and argument values
and check that nothing else ever escapes (no traceback from a dependency, no partial file).
The download side (refresh) has its own suite with a fault-injecting server, in
tests/test_refresh.py.
"""

import json
import math
import os

import geopandas
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import dsrgeo
from dsrgeo import cli, geojson
from dsrgeo.errors import DsrgeoError, InvalidLayerError, ParameterError
from dsrgeo.maps import Map

# The GDAL VRT of the attack (a .geojson that is really XML): a format-sniffing reader would
# open /etc/passwd through it, or fetch a URL with /vsicurl/.
VRT = (
    '<OGRVRTDataSource><OGRVRTLayer name="p"><SrcDataSource>{source}</SrcDataSource>'
    '<OpenOptions><OOI key="HEADERS">NO</OOI></OpenOptions>'
    "<SrcSQL dialect=\"SQLITE\">SELECT 'POINT(0 10)' AS wkt, field_1 AS name FROM passwd</SrcSQL>"
    "<GeometryType>wkbPoint</GeometryType><LayerSRS>EPSG:4326</LayerSRS>"
    '<GeometryField encoding="WKT" field="wkt"/></OGRVRTLayer></OGRVRTDataSource>'
)


def _collection(*geometries, properties=None):
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": properties or {"name": "x"}, "geometry": g}
                for g in geometries
            ],
        }
    )


def _point(lon, lat):
    return {"type": "Point", "coordinates": [lon, lat]}


#: name -> (file text or bytes, what the error must say)
HOSTILE_FILES = {
    "vrt reading /etc/passwd": (VRT.format(source="CSV:/etc/passwd"), "not valid JSON"),
    "vrt fetching a url": (
        VRT.format(source="/vsicurl/http://127.0.0.1:9/x.csv"),
        "not valid JSON",
    ),
    "NaN literal": ('{"type":"Point","coordinates":[NaN,0]}', "NaN"),
    "Infinity literal": ('{"type":"Point","coordinates":[Infinity,0]}', "Infinity"),
    "number overflowing to inf": ('{"type":"Point","coordinates":[1e400,0]}', "not finite"),
    "lon 500": (_collection(_point(500, 0)), "not lon/lat degrees"),
    "lat 95": (_collection(_point(0, 95)), "not lon/lat degrees"),
    "metres labelled degrees": (
        _collection({"type": "LineString", "coordinates": [[500000, 4e6], [6e5, 4.1e6]]}),
        "not lon/lat degrees",
    ),
    "Circle type": (_collection({"type": "Circle", "coordinates": [0, 0], "radius": 5}), "Circle"),
    "string coordinates": (_collection({"type": "Point", "coordinates": ["0", "1"]}), "'0'"),
    "empty coordinates": (
        _collection({"type": "Point", "coordinates": []}),
        "expected a position",
    ),
    "all geometries null": (_collection(None, None), "no feature with a geometry"),
    "no features": ('{"type":"FeatureCollection","features":[]}', "no feature with a geometry"),
    "nested 100000 deep": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "nested 40 deep behind a number": (
        _collection(_point(0, 0), properties={"a": [0, "[" * 40 + "]" * 40]}).replace(
            '"' + "[" * 40 + "]" * 40 + '"', "[" * 40 + "]" * 40
        ),
        "nested deeper than 32 levels",
    ),
    "not UTF-8": (b'{"type":"Point","coordinates":[0,0],"n":"\xff\xfe"}', "not UTF-8"),
    "a zip file": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)), "not UTF-8"),
    "repeated key": ('{"type":"Point","type":"Point","coordinates":[0,0]}', "duplicate key"),
    "property named geometry": (
        _collection(_point(0, 0), properties={"geometry": "x"}),
        "may not be named 'geometry'",
    ),
    "properties a list": (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],'
        '"geometry":{"type":"Point","coordinates":[0,0]}}]}',
        "properties must be an object",
    ),
    "features not a list": ('{"type":"FeatureCollection","features":{"a":1}}', "features"),
}


def _write(path, content):
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(HOSTILE_FILES))
def test_hostile_file_is_refused_naming_it(case, tmp_path):
    content, message = HOSTILE_FILES[case]
    path = _write(tmp_path / "evil.geojson", content)
    with pytest.raises(InvalidLayerError, match="evil.geojson") as caught:
        Map().add(path)
    assert message in str(caught.value)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd


@pytest.mark.parametrize("case", ["vrt reading /etc/passwd", "lon 500", "all geometries null"])
def test_hostile_file_through_the_command_writes_nothing(case, tmp_path, capsys):
    content, _ = HOSTILE_FILES[case]
    path = _write(tmp_path / "evil.geojson", content)
    out = tmp_path / "out.html"
    assert cli.main(["map", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "evil.geojson" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.geojson"]


def test_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    path = _write(tmp_path / "big.geojson", _collection(*[_point(0, 0)] * 200))
    with pytest.raises(InvalidLayerError, match="over the limit of 1,000"):
        geojson.read_user_file(path, max_bytes=1000)


#: Provenance a hostile file claims, as a dsrgeo-written table carries it (tables.write_table).
HOSTILE_PROVENANCE = {
    "title": "<svg onload=alert(3)>",
    "citation": '<script>alert("cite")</script>',
    "attribution": "<img src=x onerror=alert(1)>",
    "credit": '<b onmouseover=alert(2)>bold</b>; "q" & co',
}


def test_provenance_a_written_file_claims_reaches_the_page_as_escaped_text(tmp_path):
    """What a file's members say of its data is shown, and only as text, never as markup."""
    from dsrgeo.tables import write_table

    frame = _frame(POINT)
    frame.attrs.update(HOSTILE_PROVENANCE)
    path = write_table(frame, tmp_path / "claims.geojson")
    m = Map().add(path)
    (layer,) = [layer for layer in m.layers if layer.role == "overlay"]
    assert layer.citation == HOSTILE_PROVENANCE["citation"]
    assert layer.credit == ("<b onmouseover=alert(2)>bold</b>", '"q" & co')
    page = m.to_html()
    for raw in ("<svg onload", "<script>alert", "<img src=x", "<b onmouseover"):
        assert raw not in page, raw
    # html-escaped where the page shows them; "&" travels as \u0026 inside the page's JSON
    text = page.replace("\\u0026", "&")
    assert "&lt;script&gt;alert(&quot;cite&quot;)&lt;/script&gt;" in text  # Sources panel
    assert "&lt;b onmouseover=alert(2)&gt;bold&lt;/b&gt;; &quot;q&quot; &amp; co" in text
    assert "&lt;svg onload=alert(3)&gt;" in text  # the layer's name


def test_sources_a_frame_claims_reach_the_panel_only_as_capped_escaped_text(layer_named):
    from dsrgeo.maps.layer import MAX_FRAME_SOURCES
    from dsrgeo.maps.map import _source_entries

    frame = layer_named("x")
    frame.attrs["sources"] = [
        {"title": "<script>alert(1)</script>", "url": "javascript:alert(2)", "as_of": 2024},
        {"title": "ok", "url": "https://example.org/a?b=<c>", "publisher": {"html": "<b>"}},
        "<img src=x onerror=alert(3)>",
        {"publisher": "no title, no url"},
        *[{"title": "t" * (geojson.MAX_MEMBER_CHARS + 10)}] * (MAX_FRAME_SOURCES + 5),
    ]
    m = Map().add(frame)
    (layer,) = [layer for layer in m.layers if layer.role == "overlay"]
    assert layer.sources[:2] == (
        {"title": "<script>alert(1)</script>", "url": "javascript:alert(2)", "as_of": "2024"},
        {"title": "ok", "url": "https://example.org/a?b=<c>"},
    )
    assert len(layer.sources) == MAX_FRAME_SOURCES - 2  # the list is cut, then bad items go
    assert {len(s["title"]) for s in layer.sources[2:]} == {geojson.MAX_MEMBER_CHARS}
    (entry,) = _source_entries([layer])
    page = m.to_html()
    for raw in ("<script>alert(1)", "javascript:alert", "<img src=x", "?b=<c>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.replace("\\u0026", "&")
    assert entry["sources"][0]["title"] == "<script>alert(1)</script>"  # escaped on the page


@pytest.mark.parametrize("value", [{"html": "<b>x</b>"}, ["a", "b"], 7, "   "])
def test_a_frames_attribution_or_licence_that_is_not_text_is_left_out(layer_named, value):
    # a dict attribution crashed the page: the Sources panel escaped it as text
    frame = layer_named("x")
    frame.attrs.update(citation="Mine", attribution=value, licence=value)
    m = Map().add(frame)
    (layer,) = [layer for layer in m.layers if layer.role == "overlay"]
    assert (layer.attribution, layer.licence) == (None, None)
    assert "&lt;b&gt;x" not in m.to_html()


@pytest.mark.parametrize("layers", [5, "cables", {"cables": 1}, [["cables"], {"id": "land"}]])
def test_a_frames_layers_claim_that_is_not_a_list_of_ids_is_ignored(layer_named, layers):
    frame = layer_named("x")
    frame.attrs.update(layers=layers, citation="Mine")
    (layer,) = [layer for layer in Map().add(frame).layers if layer.role == "overlay"]
    assert (layer.citation, layer.sources, layer.credit) == ("Mine", (), ("Mine",))


def test_provenance_members_are_taken_only_as_capped_text_and_known_layer_ids(tmp_path):
    document = json.loads(_collection(_point(0, 0)))
    document.update(
        citation="x" * (geojson.MAX_MEMBER_CHARS + 100),
        attribution={"html": "<b>x</b>"},
        credit=["a", "b"],
        licence="   ",
        layers=["land", "land", "../etc/passwd", 7, {"id": "cables"}],
        sources="<a href='javascript:alert(1)'>x</a>",
    )
    path = _write(tmp_path / "members.geojson", json.dumps(document))
    attrs = geojson.read_user_file(path).attrs
    assert attrs == {
        "citation": "x" * (geojson.MAX_MEMBER_CHARS - 1) + "…",
        "layers": ["land"],
        "title": "members",
    }


def _frame(geometry, **columns):
    return geopandas.GeoDataFrame(
        {"name": ["x"] * len(geometry), **columns}, geometry=geometry, crs="EPSG:4326"
    )


POINT = [shapely.Point(43.1, 11.6)]

#: name -> (a call that must fail, the error class, what the message must name)
HOSTILE_CALLS = {
    "NaN coordinate": (lambda: Map().add(_frame([shapely.Point(np.nan, 0)])), InvalidLayerError, "not finite"),
    "infinite coordinate": (lambda: Map().add(_frame([shapely.Point(np.inf, 0)])), InvalidLayerError, "not finite"),
    "lon 500 in a frame": (lambda: Map().add(_frame([shapely.Point(500, 0)])), InvalidLayerError, "lon/lat degrees"),
    "non-string column name": (lambda: Map().add(_frame(POINT, **{"1": [1]}).rename(columns={"1": 1})), InvalidLayerError, "must be text"),
    "duplicate column": (lambda: Map().add(pd.concat([_frame(POINT), pd.DataFrame({"name": ["y"]})], axis=1).pipe(geopandas.GeoDataFrame, crs=4326)), InvalidLayerError, "more than once"),
    "color_by a list column": (lambda: Map().add(_frame(POINT, tags=[["a", "b"]]), color_by="tags"), ParameterError, "color_by"),
    "style weight NaN": (lambda: Map().add(_frame(POINT), style={"weight": float("nan")}), ParameterError, "style['weight']"),
    "invalid colour": (lambda: Map().add(_frame(POINT), color="not-a-colour"), ParameterError, "color"),
    "tooltip=True": (lambda: Map().add(_frame(POINT), tooltip=True), ParameterError, "tooltip"),
    "width_px 10**6": (lambda: Map().add(_frame(POINT)).to_png(os.devnull, width_px=10**6), ParameterError, "width_px"),
    "add_coverage(None)": (lambda: Map().add_coverage(None), ParameterError, "grid"),
    "nothing drawable": (lambda: Map().add(_frame([None])), InvalidLayerError, "nothing to draw"),
    "empty geometries": (lambda: Map().add(_frame([shapely.Point()])), InvalidLayerError, "nothing to draw"),
    "as_of a text": (lambda: dsrgeo.load("cables", as_of="2019"), ParameterError, "as_of"),
    "as_of a float": (lambda: dsrgeo.load("cables", as_of=2019.5), ParameterError, "as_of"),
    "as_of a bool": (lambda: dsrgeo.load("cables", as_of=True), ParameterError, "as_of"),
    "layer id not text": (lambda: dsrgeo.load(["cables"]), DsrgeoError, "cables"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(HOSTILE_CALLS))
def test_hostile_call_gives_a_clear_error(case):
    call, error, message = HOSTILE_CALLS[case]
    with pytest.raises(error) as caught:
        call()
    assert message in str(caught.value)


def test_a_band_around_the_pole_drawn_from_minus_180_to_180_is_kept_whole():
    # edges between -180 and 180 on the meridian run along a parallel; nothing to split
    band = shapely.Polygon([(-180, 80), (0, 80), (180, 80), (180, 85), (-180, 85)])
    layer = Map().add(_frame([band])).layers[-1]
    assert layer.gdf.geometry.iloc[0].bounds == (-180.0, 80.0, 180.0, 85.0)


# -- property-based: generated files, frames and arguments -----------------------------------

NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, 180, -180, 90, -90, 180.0000001, 1e308]),
)
GOOD_POSITIONS = st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list)
POSITIONS = st.one_of(
    GOOD_POSITIONS,
    GOOD_POSITIONS,
    GOOD_POSITIONS,
    st.lists(NUMBERS, max_size=4),
    st.one_of(st.none(), st.text(max_size=3), st.booleans()),
)
#: the nesting depth of each geometry type's coordinates above a position
DEPTHS = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2}
DEPTHS["MultiPolygon"] = 3


def _nested(depth, clean=False, rings=False):
    values = GOOD_POSITIONS if clean else POSITIONS
    for level in range(depth):
        # well-formed: a line has 2 positions or more, a ring 3 and its closing one
        least = (3 if rings else 2) if level == 0 else 1
        values = st.lists(values, min_size=least if clean else 0, max_size=5)
        if level == 0 and rings:  # rings: closed (always when clean, else most of the time)
            values = values.map(lambda ring: ring + ring[:1] if ring else ring)
    return values


@st.composite
def geometries(draw, kind=None, clean=False):
    kind = kind or draw(st.sampled_from(sorted(DEPTHS)))
    if clean:
        rings = kind.endswith("Polygon")
        return {"type": kind, "coordinates": draw(_nested(DEPTHS[kind], clean=True, rings=rings))}
    if draw(st.integers(0, 4)) == 0:  # something that is not this type's geometry
        return draw(
            st.sampled_from(
                [
                    None,
                    {"type": "Circle", "coordinates": [0, 0], "radius": 1},
                    {"type": kind},
                    {"type": kind, "coordinates": draw(_nested(draw(st.integers(0, 3))))},
                    {"type": "GeometryCollection", "geometries": []},
                    [1, 2],
                    "POINT (0 0)",
                ]
            )
        )
    return {
        "type": kind,
        "coordinates": draw(_nested(DEPTHS[kind], rings=kind.endswith("Polygon"))),
    }


PROPERTY_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["<script>alert(1)</script>", "$x^$", "</script><img src=x onerror=alert(1)>"]),
    st.lists(st.text(max_size=5), max_size=3),
)


@st.composite
def documents(draw):
    kind = draw(st.sampled_from(sorted(DEPTHS)))  # one kind per file, mostly
    clean = draw(st.booleans())  # half the files are well formed, down to the coordinates
    properties = st.dictionaries(st.text(max_size=8), PROPERTY_VALUES, max_size=4)
    feature = st.fixed_dictionaries(
        {
            "type": st.just("Feature") if clean else st.sampled_from(["Feature"] * 8 + [None]),
            "properties": properties
            if clean
            else st.one_of(properties, properties, st.none(), st.lists(st.integers(), max_size=2)),
            "geometry": geometries(kind, clean=True)
            if clean
            else st.one_of(geometries(kind), geometries(kind), geometries()),
        }
    )
    document = {
        "type": draw(st.sampled_from(["FeatureCollection"] * 8 + ["Feature", 3])),
        "features": draw(st.lists(feature, min_size=1 if clean else 0, max_size=5)),
    }
    text = json.dumps(document, allow_nan=True)
    if not clean and draw(st.booleans()):  # damage the text: drop or repeat a slice
        start = draw(st.integers(0, len(text)))
        stop = draw(st.integers(start, min(len(text), start + 12)))
        text = text[:start] + (text[start:stop] * draw(st.integers(0, 2))) + text[stop:]
    return text


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=documents())
def test_generated_geojson_files_give_a_map_or_a_named_error(text, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    path = _write(folder / "generated.geojson", text)
    out = folder / "out.html"
    try:
        frame = geojson.read_user_file(path)
    except InvalidLayerError as err:
        assert "generated.geojson" in str(err)
        event(f"file refused: {str(err).split(': ', 2)[-1][:40]}")
        status = cli.main(["map", str(path), "-o", str(out)])
        assert status == 2 and not out.exists()
    else:
        try:
            page = Map().add(frame).to_html()
        except DsrgeoError as err:
            event(f"read, refused by the map: {type(err).__name__}")
        else:
            event("drawn")
            assert "<script>alert(1)</script>" not in page
            assert cli.main(["map", str(path), "-o", str(out)]) == 0 and out.stat().st_size
    leftovers = [
        p.name for p in folder.iterdir() if p.name not in ("generated.geojson", "out.html")
    ]
    assert leftovers == []


TEXTS = st.one_of(
    st.none(), st.text(max_size=12), st.sampled_from(["name", "kind", "value", "geometry", "$x$"])
)
ANY = st.one_of(
    TEXTS,
    st.booleans(),
    st.integers(-5, 10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(TEXTS, max_size=3),
    st.dictionaries(st.text(max_size=6), st.one_of(st.floats(), st.text(max_size=6)), max_size=2),
)
STYLES = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(
            [
                "weight",
                "radius",
                "opacity",
                "fillOpacity",
                "color",
                "fillColor",
                "dashArray",
                "onclick",
            ]
        ),
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-10, 1000),
            st.text(max_size=8),
            st.none(),
        ),
        max_size=3,
    ),
    ANY,
)


@pytest.fixture(scope="module")
def small_frame():
    return geopandas.GeoDataFrame(
        {
            "name": ["a", "b <i>", "c"],
            "kind": ["x", "y", None],
            "value": [1.0, np.nan, 3.5],
            "tags": [["p"], [], ["q", "r"]],
        },
        geometry=[shapely.Point(0, 0), shapely.Point(10, 5), shapely.Point(-20, 40)],
        crs="EPSG:4326",
    )


COLUMNS = st.sampled_from(["name", "kind", "value", "tags"])
COLOURS = st.sampled_from(["#1f78b4", "teal", "red", "#fff", "not-a-colour", "#12345g"])
GOOD_OPTIONS = {
    "color": COLOURS,
    "color_by": COLUMNS,
    "tooltip": st.lists(COLUMNS, max_size=3),
    "popup": st.lists(COLUMNS, max_size=3),
    "name": st.text(max_size=20),
    "show": st.booleans(),
    "legend_title": st.text(max_size=20),
    "categories": st.dictionaries(st.sampled_from(["x", "y", "z"]), COLOURS, max_size=3),
    "palette": st.one_of(
        st.lists(COLOURS, min_size=1, max_size=4), st.sampled_from(["viridis", "PuOr", "nope"])
    ),
    "style": st.dictionaries(
        st.sampled_from(["weight", "radius", "opacity", "fillOpacity", "color", "dashArray"]),
        st.one_of(
            st.floats(0, 20), st.floats(allow_nan=True), COLOURS, st.sampled_from(["4 2", "x"])
        ),
        max_size=3,
    ),
    "highlight": st.sampled_from(["a", "b <i>", "zz"]),
}


@settings(
    max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    options=st.fixed_dictionaries(
        {},
        optional={
            # seven in eight a value of the right kind, else anything
            key: st.integers(0, 7).flatmap(
                lambda i, good=good, key=key: (
                    (STYLES if key == "style" else ANY) if i == 0 else good
                )
            )
            for key, good in GOOD_OPTIONS.items()
        },
    )
)
def test_generated_add_options_give_a_map_or_a_named_error(options, small_frame):
    try:
        page = Map().add(small_frame.copy(), **options).to_html()
    except DsrgeoError as err:
        assert err.args and str(err)
        event(f"refused: {type(err).__name__} {getattr(err, 'parameter', '') or ''}")
    else:
        event("drawn")
        assert "b <i>" not in page  # data text reaches the page escaped


LAYER_IDS = st.one_of(
    st.sampled_from(["cables", "bri_countries", "safe_cities", "huawei_5g", "land"]), ANY
)
YEARS = st.one_of(
    st.none(),
    st.integers(1900, 2100),
    st.floats(allow_nan=True),
    st.text(max_size=4),
    st.booleans(),
)


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    call=st.one_of(
        st.tuples(st.just("load"), st.fixed_dictionaries({"layer_id": LAYER_IDS, "as_of": YEARS})),
        st.tuples(st.just("indicators"), st.fixed_dictionaries({"as_of": YEARS, "by": ANY})),
        st.tuples(
            st.just("alignment"),
            st.fixed_dictionaries(
                {
                    "weights": st.one_of(
                        ANY,
                        st.dictionaries(
                            st.sampled_from(["bri", "clean_network", "x"]), ANY, max_size=2
                        ),
                    )
                }
            ),
        ),
        st.tuples(
            st.just("audit_lengths"),
            st.fixed_dictionaries({"short_ratio": ANY, "long_ratio": ANY}),
        ),
        st.tuples(
            st.just("geodesic_length_km"),
            st.fixed_dictionaries({"geoms": st.one_of(ANY, st.lists(geometries(), max_size=3))}),
        ),
    )
)
def test_generated_arguments_to_public_functions_give_a_result_or_a_named_error(call):
    name, kwargs = call
    function = getattr(dsrgeo, name)
    if name == "geodesic_length_km":
        args, kwargs = (kwargs["geoms"],), {}
    elif name == "load":
        args, kwargs = (kwargs.pop("layer_id"),), kwargs
    else:
        args = ()
    try:
        result = function(*args, **kwargs)
    except DsrgeoError as err:
        assert str(err)
        event(f"{name}: {type(err).__name__}")
    else:
        event(f"{name}: result")
        assert result is not None
        if isinstance(result, np.ndarray):
            assert all(math.isnan(v) or v >= 0 for v in result)
