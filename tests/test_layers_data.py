"""Every shipped layer: schema, provenance, coordinates, ids, geometry kind, and a fresh build."""

import json
import urllib.parse

import numpy as np
import pytest
import shapely

import dsrgeo
from dsrgeo import build, catalog, loading
from dsrgeo.errors import InvalidLayerError

LAYER_IDS = loading.names()
BUILT_IDS = [layer_id for layer_id in LAYER_IDS if layer_id in build.BUILDERS]
GEOMETRY_TYPES = {
    "line": {"LineString", "MultiLineString"},
    "point": {"Point"},
    "polygon": {"Polygon", "MultiPolygon"},
}


def test_every_catalog_layer_has_a_builder():
    assert set(LAYER_IDS) == set(build.BUILDERS)


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_provenance(layer_id, repo_root):
    info = catalog.get(layer_id)
    assert info.title and info.licence and info.attribution and info.as_of
    assert info.sources
    for source in info.sources:
        assert {"title", "publisher", "url", "as_of"} <= set(source)
        # a link or a file of the checkout (the docs link those; chokepoints and incidents
        # gave "sources/network/SOURCES.md", which is no path)
        url = source["url"]
        assert url.startswith("https://") or (repo_root / url).is_file(), url
    frame = dsrgeo.load(layer_id)
    for key in ("title", "sources", "licence", "attribution", "as_of", "citation"):
        assert frame.attrs[key], key
    assert info.title in frame.attrs["citation"]


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_schema_and_geometry(layer_id):
    info = catalog.get(layer_id)
    frame = dsrgeo.load(layer_id)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*info.property_names, "geometry"]
    assert frame["id"].is_unique and frame["id"].notna().all()
    geoms = frame.geometry[frame.geometry.notna()]
    assert len(geoms) > 0
    assert set(geoms.geom_type) <= GEOMETRY_TYPES[info.kind]
    invalid = geoms[~geoms.is_valid]
    assert invalid.empty, f"{layer_id}: invalid geometry in rows {list(invalid.index)}"
    xy = shapely.get_coordinates(geoms.to_numpy())
    assert np.all((-180 <= xy[:, 0]) & (xy[:, 0] <= 180))
    assert np.all((-90 <= xy[:, 1]) & (xy[:, 1] <= 90))


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_file_is_rfc7946(layer_id):
    """Plain GeoJSON: no CRS member, lon/lat with at most 6 decimals, feature ids."""
    info = catalog.get(layer_id)
    data = json.loads(info.file.read_text(encoding="utf-8"))
    assert "crs" not in data
    text = info.file.read_text(encoding="utf-8")
    decimals = [len(m) for m in __import__("re").findall(r"\d\.(\d+)[,\]]", text)]
    assert max(decimals, default=0) <= 6
    assert all(f["id"] == f["properties"]["id"] for f in data["features"])


def test_polygons_follow_the_right_hand_rule():
    """RFC 7946: exterior rings counter-clockwise, holes clockwise."""
    for layer_id in ("bri_countries", "land"):
        for polygon in shapely.get_parts(dsrgeo.load(layer_id).geometry.to_numpy()):
            assert polygon.exterior.is_ccw
            assert not any(ring.is_ccw for ring in polygon.interiors)


def test_lines_are_split_at_the_antimeridian():
    """No drawn segment jumps across the map: every step is shorter than 180 degrees."""
    for layer_id in ("cables", "hmn_cables"):
        geoms = dsrgeo.load(layer_id).geometry.dropna()
        for part in shapely.get_parts(geoms.to_numpy()):
            lon = shapely.get_coordinates(part)[:, 0]
            assert np.all(np.abs(np.diff(lon)) < 180)


@pytest.mark.slow
@pytest.mark.parametrize("layer_id", BUILT_IDS)
def test_committed_file_equals_fresh_build(layer_id, tmp_path):
    written = build.build(tmp_path, [layer_id])
    fresh = written[layer_id].read_bytes()
    assert fresh == catalog.get(layer_id).file.read_bytes(), (
        f"layers/{layer_id}.geojson differs from a fresh build: run `python -m dsrgeo.build`"
    )


def test_source_titles_equal_a_fresh_parse_of_sources_md(repo_root):
    from dsrgeo.build import sources
    from dsrgeo.build.common import sorted_json_text

    table = sources.build_source_titles(repo_root / "layers" / "sources")
    shipped = catalog.shipped_dir() / catalog.SOURCE_TITLES_FILE
    assert sorted_json_text(table) == shipped.read_text(encoding="utf-8"), (
        "layers/source_titles.json differs from SOURCES.md: run `python -m dsrgeo.build`"
    )


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_every_cited_source_id_has_a_title_to_show_and_only_whole_links(layer_id):
    """Popups show sources by title and link: every id a layer cites is in source_titles.

    Ids come from every ``*source_ids`` list and from ``second_source_id`` strings ("a; b").
    """
    frame = dsrgeo.load(layer_id)
    columns = [c for c in frame.columns if c.endswith("source_ids") or c == "second_source_id"]
    cited = set()
    for column in columns:
        for value in frame[column]:
            if isinstance(value, list):
                cited |= set(value)
            elif isinstance(value, str) and value:
                cited |= {part.strip() for part in value.split(";") if part.strip()}
    missing = sorted(i for i in cited if catalog.cited_source(i) is None)
    assert missing == []
    for source_id in sorted(cited):
        entry = catalog.cited_source(source_id)
        assert entry["title"], (layer_id, source_id)
        # a title that is only the host was the parser's fallback for a line giving none
        host = urllib.parse.urlsplit(entry["url"] or "").hostname or ""
        assert entry["title"] not in {host, host.removeprefix("www.")}, (layer_id, source_id)
        url = entry["url"]
        assert url is None or (url.startswith(("http://", "https://")) and "..." not in url), (
            layer_id,
            source_id,
        )


def test_a_hand_checked_sources_line_gives_its_title_link_and_date():
    # a hand-checked entry of SOURCES.md section 5, once an old-style line (id, URL, date) that
    # gave the host as its title; the old-style form is checked by parse_sources_md's doctest
    assert catalog.cited_source("cceonline_peace_2018") == {
        "title": "Huawei Marine begins work on Kenya-Pakistan subsea cable",
        "publisher": "CCE Online News",
        "url": "https://cceonlinenews.com/2018/01/16/huawei-marine-begins-work-on-kenya-pakistan-subsea-cable/",
        "as_of": "2018-01-16",
    }


def test_land_is_the_country_polygons_simplified_as_maps_draw_them():
    """The basemap lines up with the country fills: the same 1:50m polygons, same simplification.

    bri_countries stores them unsimplified (maps simplify it); clean_network and huawei_5g
    store them as drawn, so a map draws them as they are.
    """
    land = dsrgeo.load("land").set_index("id")
    for layer_id in ("bri_countries", "clean_network", "huawei_5g"):
        info = catalog.get(layer_id)
        assert info.coordinate_decimals == catalog.get("land").coordinate_decimals
        countries = dsrgeo.load(layer_id).set_index("id")
        assert list(countries.index) == list(land.index)
        drawn = countries.geometry.values
        if layer_id == "bri_countries":
            drawn = shapely.simplify(drawn, info.map["simplify_deg"], preserve_topology=True)
        else:
            assert "simplify_deg" not in info.map  # simplifying again could move a vertex
        same = shapely.equals(shapely.normalize(drawn), shapely.normalize(land.geometry.values))
        assert same.all(), list(land.index[~same])


def test_bri_countries_keeps_the_unsimplified_polygons_for_analysis():
    """Point-in-country work needs the 1:50m detail: bri_countries has about twice land's vertices."""
    full = shapely.get_num_coordinates(dsrgeo.load("bri_countries").geometry.values).sum()
    drawn = shapely.get_num_coordinates(dsrgeo.load("land").geometry.values).sum()
    assert full > 1.5 * drawn


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_file_carries_its_licence_and_credit(layer_id):
    """A GIS opening the file alone sees its licence, attribution and sources (RFC 7946 6.1)."""
    info = catalog.get(layer_id)
    data = json.loads(info.file.read_text(encoding="utf-8"))
    assert data["name"] == layer_id and data["title"] == info.title
    assert data["licence"] == info.licence and data["attribution"] == info.attribution
    assert data["sources"] == [dict(s) for s in info.sources]


# -- the curated tables ----------------------------------------------------------------------

POLICY = catalog.sources_dir() / "policy"
NETWORK = catalog.sources_dir() / "network"


def _csv(name, folder=POLICY):
    import csv

    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _documented_source_ids(folder=POLICY):
    import re

    ids = set()
    for line in (folder / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("- `", "* `")):
            ids |= set(re.findall(r"`([a-z0-9_]+)`", line.split("|")[0]))
    return ids


@pytest.mark.parametrize(
    "name, columns",
    [
        ("bri_countries.csv", ("source_id", "second_source_id")),
        ("dsr_agreements.csv", ("source_id", "second_source_id")),
        ("standards_agreements.csv", ("source_id", "second_source_id")),
        ("hmn_projects.csv", ("source_id",)),
        ("hmn_status.csv", ("status_source_ids", "second_source_id")),
        ("safe_cities.csv", ("source_id", "second_source_id")),
        ("capitals.csv", ("source_ids", "second_source_id")),
        ("territories.csv", ("source_ids",)),
        ("cable_announcements.csv", ("source_id",)),
        ("clean_network.csv", ("source_ids", "second_source_id")),
        ("huawei_5g.csv", ("source_ids", "second_source_id")),
        ("cloud_regions.csv", ("source_ids", "second_source_id")),
        ("network/cable_incidents.csv", ("source_ids", "second_source_id")),
        ("network/chokepoints.csv", ("source_ids",)),
        ("network/company_home_country.csv", ("source_ids",)),
    ],
)
def test_every_cited_source_is_documented(name, columns):
    """Each id a table cites is a bullet of the SOURCES.md beside it (policy/ or network/)."""
    folder = NETWORK if name.startswith("network/") else POLICY
    name = name.removeprefix("network/")
    documented = _documented_source_ids(folder)
    cited = {
        part.strip()
        for row in _csv(name, folder)
        for column in columns
        for part in (row.get(column) or "").split(";")
        if part.strip()
    }
    assert cited, name
    assert cited <= documented, sorted(cited - documented)


#: The curated tables with a second_source_id column, and where a row without a second
#: source says so: in its confidence ("single_source", "low; single_source") where the
#: layer maps that to a level, else (the layer's confidence is high/medium/low only) at the
#: start of its notes ("single_source. ...").
SINGLE_SOURCE_MARK = {
    "bri_countries.csv": "confidence",
    "dsr_agreements.csv": "confidence",
    "standards_agreements.csv": "confidence",
    "hmn_status.csv": "confidence",
    "safe_cities.csv": "notes",
    "clean_network.csv": "notes",
    "huawei_5g.csv": "notes",
    "cloud_regions.csv": "notes",
}


def _marked_single_source(row, column):
    if column == "confidence":
        return "single_source" in (part.strip() for part in row["confidence"].split(";"))
    return row[column].startswith("single_source")


@pytest.mark.parametrize("name", sorted(SINGLE_SOURCE_MARK))
def test_every_curated_row_has_a_second_source_or_says_it_has_none(name):
    """Project rule: a curated row has a second independent source or is marked single-sourced."""
    rows = _csv(name)
    assert rows and "second_source_id" in rows[0], name
    unmarked = [
        next(iter(row.values()))
        for row in rows
        if not row["second_source_id"].strip()
        and not _marked_single_source(row, SINGLE_SOURCE_MARK[name])
    ]
    assert unmarked == [], name


def test_confidence_is_recorded_for_every_audited_row():
    for name in (
        "bri_countries.csv",
        "hmn_status.csv",
        "safe_cities.csv",
        "capitals.csv",
        "clean_network.csv",
        "huawei_5g.csv",
        "cloud_regions.csv",
    ):
        for row in _csv(name):
            words = (row["confidence"] or "").split(";")[0].strip()
            assert words in ("high", "medium", "low", "single_source"), (name, row)


def _ne_polygons_by_code():
    from dsrgeo.build.common import country_codes, ne_countries, source_cache

    with source_cache():
        features = ne_countries(catalog.sources_dir())
        return {
            country_codes(f["properties"]): shapely.geometry.shape(f["geometry"]) for f in features
        }


def _distance_km(point, polygon):
    import pyproj

    nearest = shapely.ops.nearest_points(polygon.boundary, point)[0]
    _, _, metres = pyproj.Geod(ellps="WGS84").inv(point.x, point.y, nearest.x, nearest.y)
    return metres / 1000


def test_landing_points_lie_in_their_territory():
    """Each point is in (or within 10 km of) the Natural Earth 1:50m polygon of its code.

    The exceptions are listed, each with its reason, in policy/landing_point_exceptions.csv
    (small islands and offshore platforms not drawn at 1:50m, disputed places kept on the
    source's code, the Spanish enclaves drawn inside Morocco, two points the source places in
    a neighbouring country); the test fails on any point that is neither.
    """
    import shapely.ops  # noqa: F401

    polygons = _ne_polygons_by_code()
    exceptions = {row["landing_point_id"]: row for row in _csv("landing_point_exceptions.csv")}
    points = dsrgeo.load("landing_points")
    # territories that Natural Earth 1:50m draws inside another polygon: Christmas and Cocos
    # Islands in its "Indian Ocean Territories" (IOA), Gibraltar in Spain, the others (the
    # French overseas departments, Bonaire, Svalbard, Tokelau) in their state's polygon
    drawn_in = {"CXR": "IOA", "CCK": "IOA", "GIB": "ESP"}
    unexplained = []
    for row in points.itertuples():
        if row.iso3 is None or row.id in exceptions:
            continue
        polygon = polygons.get(row.iso3) or polygons.get(drawn_in.get(row.iso3, row.sovereign_iso3))
        if polygon is None:
            unexplained.append((row.id, row.iso3, "no polygon"))
        elif not polygon.contains(row.geometry) and _distance_km(row.geometry, polygon) > 10:
            unexplained.append((row.id, row.iso3, round(_distance_km(row.geometry, polygon))))
    assert unexplained == []
    # every exception names its reason, and refers to a point that exists
    assert set(exceptions) <= set(points["id"])
    assert all(row["notes"] for row in exceptions.values())


def test_hong_kong_and_puerto_rico_keep_their_own_codes():
    # TeleGeography codes these points "China" and "United States"; they lie in the Natural
    # Earth polygons of Hong Kong and Puerto Rico (policy/landing_point_territories.csv)
    points = dsrgeo.load("landing_points").set_index("id")
    assert points.loc["tseung-kwan-o-china", ["iso3", "sovereign_iso3"]].tolist() == [
        "HKG",
        "CHN",
    ]
    assert points.loc["tseung-kwan-o-china", "recoded_from"] == "China"
    polygons = _ne_polygons_by_code()
    for code, expected in (("HKG", 6), ("PRI", 8)):
        assert (points["iso3"] == code).sum() == expected
    assert polygons["HKG"].contains(points.loc["tseung-kwan-o-china", "geometry"])


def test_cloud_regions_lie_in_their_country():
    """Each placed region is in (or within 10 km of) the 1:50m polygon of its iso3 code.

    An independent check of the place matching: the Natural Earth place was found by name
    within the country, and the country polygon is a different file. Singapore and Hong Kong
    cities lie on coasts drawn coarsely at 1:50m, hence the 10 km.
    """
    import shapely.ops  # noqa: F401

    polygons = _ne_polygons_by_code()
    regions = dsrgeo.load("cloud_regions")
    placed = regions[regions.geometry.notna()]
    assert len(placed) >= 80
    far = [
        (row.id, row.iso3)
        for row in placed.itertuples()
        if not polygons[row.iso3].contains(row.geometry)
        and _distance_km(row.geometry, polygons[row.iso3]) > 10
    ]
    assert far == []


def test_every_row_of_the_new_policy_layers_is_cited():
    for layer_id in ("clean_network", "huawei_5g", "cloud_regions", "safe_cities"):
        frame = dsrgeo.load(layer_id)
        rows = (
            frame
            if layer_id in ("cloud_regions", "safe_cities")
            else frame[frame["confidence"].notna()]
        )
        assert len(rows) > 0
        assert rows["source_ids"].map(len).gt(0).all(), layer_id


def test_the_builds_record_of_checked_files_matches_the_shipped_files():
    from dsrgeo import geojson

    recorded = json.loads((catalog.shipped_dir() / catalog.CHECKED_FILE).read_text())
    for layer_id in catalog.layer_ids():
        info = catalog.get(layer_id)
        digest = geojson.checked_digest(info.file.read_bytes(), info)
        assert recorded[info.file.name] == digest, layer_id


@pytest.mark.parametrize("layer_id", LAYER_IDS)
def test_every_shipped_file_passes_the_full_check(layer_id):
    """What the recorded digest lets load() skip still holds: the full check passes."""
    from dsrgeo import geojson

    info = catalog.get(layer_id)
    assert len(geojson.read_layer_file(info.file, info)) == len(dsrgeo.load(layer_id))


def _one_feature(properties, geometry_type, coordinates):
    """A FeatureCollection of one feature (id from its properties), as compact GeoJSON text."""
    feature = {
        "type": "Feature",
        "id": properties["id"],
        "properties": properties,
        "geometry": {"type": geometry_type, "coordinates": coordinates},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}, separators=(",", ":"))


def test_a_file_is_checked_unless_it_has_the_digest_the_build_recorded(tmp_path):
    import dataclasses

    from dsrgeo import geojson

    info = catalog.get("land")
    bad = tmp_path / "land.geojson"
    bad.write_text(_one_feature({"id": "x", "name": "X", "extra": 1}, "Point", [0, 0]))
    digest = geojson.checked_digest(bad.read_bytes(), info)
    with pytest.raises(InvalidLayerError, match="land.geojson"):
        geojson.read_layer_file(bad, info, checked_sha256="0" * 64)
    with pytest.raises(InvalidLayerError):
        geojson.read_layer_file(bad, info)
    # with the recorded digest the bytes are the ones the build checked: not checked again
    assert len(geojson.read_layer_file(bad, info, checked_sha256=digest)) == 1
    # a file that passes, read against a changed catalog entry, is checked again
    good = tmp_path / "good.geojson"
    good.write_text(
        _one_feature({"id": "x", "name": "X"}, "Polygon", [[[0, 0], [1, 0], [1, 1], [0, 0]]])
    )
    recorded = geojson.checked_digest(good.read_bytes(), info)
    assert len(geojson.read_layer_file(good, info, checked_sha256=recorded)) == 1
    field = {"name": "iso_a3", "type": "string", "unit": None, "meaning": "a new column"}
    stricter = dataclasses.replace(info, schema=(*info.schema, field))
    with pytest.raises(InvalidLayerError, match="iso_a3"):
        geojson.read_layer_file(good, stricter, checked_sha256=recorded)
    # only files of the shipped folder have a recorded digest
    assert catalog.checked_sha256(bad) is None
