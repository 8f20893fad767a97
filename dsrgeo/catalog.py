"""The layer catalog: provenance, schema and default map style of every shipped layer.

``layers/catalog.json`` is the single source of layer metadata. Each entry must carry an
id, title, kind, sources, licence and attribution; an entry without them is refused when
the catalog is read, so no layer can be shown without saying where it comes from.
"""

import dataclasses
import functools
import json
from pathlib import Path

from dsrgeo.errors import InvalidLayerError, LayerNotFoundError

__all__ = ["LayerInfo", "layer_ids", "get", "hmn_supplier_aliases", "is_hmn_supplier",
           "hmn_project_matches", "country_name_iso3", "citation", "catalog_path"]

KINDS = ("line", "point", "polygon")
REQUIRED_FIELDS = ("id", "title", "description", "kind", "file", "sources", "licence",
                   "attribution", "as_of", "schema")
SOURCE_FIELDS = ("title", "publisher", "url", "as_of")
SCHEMA_TYPES = ("string", "integer", "number", "boolean", "date", "list[string]")


@dataclasses.dataclass(frozen=True)
class LayerInfo:
    """What the catalog says about one layer.

    Attributes
    ----------
    id, title, description : str
        Stable snake_case id, a neutral title and a description of the content.
    kind : {"line", "point", "polygon"}
        Geometry kind of every (non-null) feature.
    file : pathlib.Path
        The GeoJSON file holding the layer.
    sources : tuple of dict
        Each with ``title``, ``publisher``, ``url`` and ``as_of``.
    licence, licence_url, attribution : str
        Terms of the data and the credit line to show with it.
    as_of : str
        The date (or year) the data describes.
    years : tuple of int or None
        First and last year ``load(..., as_of=YEAR)`` accepts; None if the layer has no time.
    schema : tuple of dict
        One dict per property: ``name``, ``type``, ``unit`` (or None), ``meaning``.
    map : dict
        Default map style, tooltip, legend (read by :mod:`dsrgeo.maps`).
    """

    id: str
    title: str
    description: str
    kind: str
    file: Path
    sources: tuple
    licence: str
    licence_url: str | None
    attribution: str
    as_of: str
    years: tuple | None
    schema: tuple
    map: dict

    @property
    def property_names(self):
        """Names of the properties in schema order."""
        return tuple(field["name"] for field in self.schema)

    def __repr__(self):
        return f"LayerInfo(id={self.id!r}, kind={self.kind!r}, as_of={self.as_of!r})"


def catalog_path():
    """Return the path of ``catalog.json`` (installed package or source checkout)."""
    from dsrgeo.loader import layers_dir

    return layers_dir() / "catalog.json"


@functools.lru_cache(maxsize=4)
def _read(path):
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InvalidLayerError("the layer catalog is missing", path=path) from err
    except json.JSONDecodeError as err:
        raise InvalidLayerError(f"not valid JSON ({err})", path=path) from err
    entries = raw.get("layers")
    if not isinstance(entries, list):
        raise InvalidLayerError("expected a top-level 'layers' list", path=path)
    infos = {}
    for entry in entries:
        info = _parse_entry(entry, Path(path))
        if info.id in infos:
            raise InvalidLayerError("duplicate layer id", path=path, feature=info.id)
        infos[info.id] = info
    aliases = raw.get("hmn_supplier_aliases")
    if not isinstance(aliases, list) or not aliases:
        raise InvalidLayerError("expected a non-empty list", path=path,
                                field="hmn_supplier_aliases")
    tables = {}
    for name in ("hmn_project_matches", "country_name_iso3"):
        if not isinstance(raw.get(name), dict):
            raise InvalidLayerError("expected an object", path=path, field=name)
        tables[name] = dict(raw[name])
    return infos, tuple(aliases), tables


def _parse_entry(entry, path):
    layer_id = entry.get("id", "?") if isinstance(entry, dict) else "?"
    if not isinstance(entry, dict):
        raise InvalidLayerError("catalog entry is not an object", path=path, feature=layer_id)
    for field in REQUIRED_FIELDS:
        if entry.get(field) in (None, "", []):
            raise InvalidLayerError("required catalog field is missing or empty",
                                    path=path, feature=layer_id, field=field)
    if entry["kind"] not in KINDS:
        raise InvalidLayerError(f"kind must be one of {KINDS}, got {entry['kind']!r}",
                                path=path, feature=layer_id, field="kind")
    for source in entry["sources"]:
        missing = [f for f in SOURCE_FIELDS if not source.get(f)]
        if missing:
            raise InvalidLayerError(f"a source lacks {', '.join(missing)}",
                                    path=path, feature=layer_id, field="sources")
    for field in entry["schema"]:
        if not {"name", "type", "meaning"} <= set(field):
            raise InvalidLayerError("schema entries need name, type and meaning",
                                    path=path, feature=layer_id, field="schema")
        if field["type"] not in SCHEMA_TYPES:
            raise InvalidLayerError(
                f"property {field['name']!r} has type {field['type']!r}; "
                f"expected one of {SCHEMA_TYPES}", path=path, feature=layer_id, field="schema")
    years = entry.get("years")
    return LayerInfo(
        id=entry["id"],
        title=entry["title"],
        description=entry["description"],
        kind=entry["kind"],
        file=path.parent / entry["file"],
        sources=tuple(dict(s) for s in entry["sources"]),
        licence=entry["licence"],
        licence_url=entry.get("licence_url"),
        attribution=entry["attribution"],
        as_of=str(entry["as_of"]),
        years=tuple(years) if years else None,
        schema=tuple(dict(f, unit=f.get("unit")) for f in entry["schema"]),
        map=dict(entry.get("map") or {}),
    )


def _catalog():
    return _read(str(catalog_path()))


def layer_ids():
    """Return the ids of all catalog layers, in catalog order.

    Examples
    --------
    >>> "cables" in layer_ids()
    True
    """
    return list(_catalog()[0])


def get(layer_id):
    """Return the :class:`LayerInfo` of ``layer_id``.

    Raises
    ------
    LayerNotFoundError
        If the id is not in the catalog; the message lists the ids that are.

    Examples
    --------
    >>> get("cables").kind
    'line'
    """
    infos = _catalog()[0]
    try:
        return infos[layer_id]
    except (KeyError, TypeError):
        raise LayerNotFoundError(layer_id, infos) from None


def hmn_supplier_aliases():
    """Return the supplier names under which HMN Tech appears in the sources.

    HMN Technologies was Huawei Marine Networks until 2020; the alias table (not a substring
    match) decides which cables belong to the ``hmn_cables`` layer.

    Examples
    --------
    >>> "Huawei Marine" in hmn_supplier_aliases()
    True
    """
    return _catalog()[1]


def is_hmn_supplier(suppliers):
    """Return True if one of ``suppliers`` is a name of HMN Tech in :func:`hmn_supplier_aliases`.

    Exact names (case and all), not substrings: the rule that sets the ``is_hmn`` flag of the
    ``cables`` layer when it is built.

    Examples
    --------
    >>> is_hmn_supplier(["NEC", "Huawei Marine"]), is_hmn_supplier(["Huawei"]), is_hmn_supplier([])
    (True, False, False)
    """
    aliases = hmn_supplier_aliases()
    return any(name in aliases for name in (suppliers or ()))


def hmn_project_matches():
    """Return the curated match of each HMN project-list name to a cable id (or None).

    ``None`` means the project has no cable on the map (an upgrade, a cancelled contract or a
    system TeleGeography does not show); ``hmn_cables`` keeps such projects with a null
    geometry.

    Examples
    --------
    >>> hmn_project_matches()["PEACE (Pakistan & East Africa Connecting Europe)"]
    'peace-cable'
    """
    return dict(_catalog()[2]["hmn_project_matches"])


def country_name_iso3():
    """Return ISO3 codes for the cable map's country names that Natural Earth spells otherwise.

    Examples
    --------
    >>> country_name_iso3()["Réunion"]
    'REU'
    """
    return dict(_catalog()[2]["country_name_iso3"])


def citation(layer_id):
    """Return a one-line plain-text citation for a layer: sources, licence, as-of date.

    Examples
    --------
    >>> print(citation("land"))  # doctest: +ELLIPSIS
    Land and borders...: Natural Earth...
    """
    info = get(layer_id)
    sources = "; ".join(
        f"{s['publisher']}, \"{s['title']}\" ({s['as_of']}), {s['url']}" for s in info.sources
    )
    return f"{info.title}: {sources}. Licence: {info.licence}. {info.attribution}"
