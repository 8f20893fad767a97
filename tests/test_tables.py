"""dsrgeo.tables.write_table: what a written file carries, and what reading it back keeps."""

import json

import dsrgeo
from dsrgeo import export
from dsrgeo.maps import Map
from dsrgeo.tables import PROVENANCE_ATTRS, write_table


def _added(data):
    """The layer Map().add(data) drew (the basemap is the map's other layer)."""
    (layer,) = [layer for layer in Map().add(data).layers if layer.role == "overlay"]
    return layer


def test_write_table_carries_what_the_credit_is_made_of(tmp_path):
    frame = dsrgeo.indicators()
    document = json.loads(write_table(frame, tmp_path / "indicators.geojson").read_text())
    assert {"layers", "credit"} <= set(PROVENANCE_ATTRS)
    assert document["layers"] == frame.attrs["layers"]
    assert document["citation"] == frame.attrs["citation"]


def test_a_written_table_added_back_from_its_file_keeps_its_credit_and_citation(tmp_path):
    frame = dsrgeo.indicators()
    path = write_table(frame, tmp_path / "indicators.geojson")
    direct = _added(frame)
    back = _added(path)
    assert back.citation == direct.citation == frame.attrs["citation"]
    assert back.attribution == direct.attribution == frame.attrs["attribution"]
    assert back.credit == direct.credit
    short = export.credit_text(Map().add(path).layers, "short")
    assert short == export.credit_text(Map().add(frame).layers, "short")
    assert "Natural Earth" in short
    assert "no source given" not in export.credit_text(Map().add(path).layers, "full")
    assert dsrgeo.geojson.read_user_file(path).attrs["layers"] == frame.attrs["layers"]


def test_a_file_without_provenance_is_still_user_data_with_no_source(tmp_path):
    path = _point_file(tmp_path)
    frame = dsrgeo.geojson.read_user_file(path)
    assert frame.attrs == {"title": "mine"}
    assert _added(path).citation.endswith("user data, no source given")


def _panel(data):
    """The Sources panel's entry of the layer Map().add(data) drew."""
    from dsrgeo.maps.map import _source_entries

    (entry,) = _source_entries([_added(data)])
    return entry


def test_the_sources_panel_lists_a_derived_tables_sources_and_licence(tmp_path):
    # it showed only the citation text: no links, and not the licence the data carries
    frame = dsrgeo.indicators()
    path = write_table(frame, tmp_path / "indicators.geojson")
    for data in (frame, path):  # in memory, and read back from its file
        entry = _panel(data)
        assert entry["licence"] == frame.attrs["licence"]
        assert "CC BY-NC-SA 3.0" in entry["licence"]  # TeleGeography's cables are among them
        assert entry["attribution"] == frame.attrs["attribution"]
        assert entry["sources"] == frame.attrs["sources"]
    page = Map().add(path).to_html()
    assert 'href=\\"https://greenfdc.org/countries-of-the-belt-and-road-initiative-bri/\\"' in page
    assert "Licence: Facts with citations" in page


def test_the_sources_panel_keeps_a_user_files_licence_and_attribution(tmp_path):
    frame = dsrgeo.geojson.read_user_file(
        _point_file(tmp_path, citation="My survey, 2024", licence="CC BY 4.0", attribution="Me")
    )
    entry = _panel(frame)
    assert entry == {
        "name": "mine",
        "citation": "My survey, 2024",
        "licence": "CC BY 4.0",
        "attribution": "Me",
    }


def _point_file(tmp_path, **members):
    path = tmp_path / "mine.geojson"
    point = {"type": "Point", "coordinates": [0, 0]}
    feature = {"type": "Feature", "properties": {"name": "a"}, "geometry": point}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature], **members}))
    return path
