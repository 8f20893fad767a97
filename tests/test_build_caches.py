"""What a build computes once and shares between builders (dsrgeo.build.common.cached_per_build)."""

from dsrgeo.build import cables, common, countries
from dsrgeo.catalog import sources_dir


def _counting(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_country_polygons_are_simplified_once_per_build(monkeypatch):
    calls = _counting(monkeypatch, countries, "drawn_polygon")
    sources = sources_dir()
    with common.source_cache():
        n_countries = len(common.ne_countries(sources))
        layers = [
            countries.build_clean_network(sources),
            countries.build_huawei_5g(sources),
            countries.build_land(sources),
        ]
    assert len(calls) == n_countries
    for layer in layers[1:]:  # the same polygons, in the same order
        assert layer.geometry.geom_equals_exact(layers[0].geometry, tolerance=0).all()


def test_cable_records_are_checked_once_per_build(monkeypatch):
    calls = _counting(monkeypatch, cables, "check_cable_record")
    sources = sources_dir()
    with common.source_cache():
        cables.build_cables(sources)
        cables.build_landing_points(sources)
        cables.build_hmn_cables(sources)
    checked = [kwargs["source"] for _, kwargs in calls]
    assert checked and len(checked) == len(set(checked))  # each record file once
