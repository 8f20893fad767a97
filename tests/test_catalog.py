"""The catalog: required provenance, citations, repr."""

import json

import pytest

from dsrgeo import catalog
from dsrgeo.errors import InvalidLayerError


def test_repr_and_citation():
    info = catalog.get("cables")
    assert repr(info) == "LayerInfo(id='cables', kind='line', as_of='2022-12')"
    assert "TeleGeography" in catalog.citation("cables")
    assert "CC BY-NC-SA 3.0" in catalog.citation("cables")


@pytest.mark.parametrize("field", ["sources", "licence", "attribution", "title"])
def test_an_entry_without_provenance_is_refused(tmp_path, field):
    raw = json.loads(catalog.catalog_path().read_text(encoding="utf-8"))
    del raw["layers"][0][field]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(InvalidLayerError, match=field) as info:
        catalog._read(str(path))
    assert info.value.feature == "cables"


def test_a_source_without_url_is_refused(tmp_path):
    raw = json.loads(catalog.catalog_path().read_text(encoding="utf-8"))
    del raw["layers"][0]["sources"][0]["url"]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(InvalidLayerError, match="url"):
        catalog._read(str(path))


def test_a_derived_frames_attribution_joins_its_parts_without_a_stray_full_stop():
    attrs = catalog.provenance(catalog.layer_ids())
    assert ".;" not in attrs["attribution"]
    # every layer's attribution is still there
    for layer_id in catalog.layer_ids():
        assert catalog.get(layer_id).attribution.removesuffix(".") in attrs["attribution"]


def test_a_popup_that_shows_confidence_shows_the_second_sources_it_rests_on():
    # "High (two independent sources agree)" beside one listed source: the BRI popup gave a
    # date that only its unlisted second sources state (Bangladesh, 14 October 2016)
    for layer_id in catalog.layer_ids():
        info = catalog.get(layer_id)
        fields = [field["name"] for field in info.schema]
        second = [name for name in fields if name.startswith("second_source_id")]
        popup = info.map.get("popup", [])
        if second and "confidence" in popup:
            assert second[0] in popup, layer_id
