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
    path = tmp_path / "mine.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "a"},
                        "geometry": {"type": "Point", "coordinates": [0, 0]},
                    }
                ],
            }
        )
    )
    frame = dsrgeo.geojson.read_user_file(path)
    assert frame.attrs == {"title": "mine"}
    assert _added(path).citation.endswith("user data, no source given")
