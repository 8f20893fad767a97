"""The layer catalog: where the shipped data lives, and each layer's provenance and schema.

``catalog.json`` (checked against ``catalog.schema.json`` with :mod:`jsonschema`) is the one
source of layer metadata: id, title, kind, sources (title, publisher, URL, as-of date),
licence and attribution, the property schema and the default map style. An entry without its
provenance is refused when the catalog is read, so no layer can be shown without saying where
it comes from.

The shipped data folder is ``dsrgeo/data/`` inside an installed package (read through
:mod:`importlib.resources`) and the checkout's ``layers/`` folder in a source checkout.
"""

import dataclasses
import functools
import importlib.resources
import json
from pathlib import Path

from dsrgeo.errors import InvalidLayerError, LayerNotFoundError

__all__ = [
    "LayerInfo",
    "catalog_path",
    "checkout_dir",
    "citation",
    "cited_source",
    "get",
    "hmn_project_matches",
    "hmn_supplier_aliases",
    "is_hmn_supplier",
    "known_layer_ids",
    "layer_ids",
    "provenance",
    "shipped_dir",
    "sources_dir",
]

CATALOG_FILE = "catalog.json"
SCHEMA_FILE = "catalog.schema.json"
#: The table of cited source ids (built from ``policy/SOURCES.md`` and ``network/SOURCES.md``;
#: see :func:`cited_source`)
SOURCE_TITLES_FILE = "source_titles.json"
#: The build's record of the layer files it checked and wrote: {file name: digest}, each
#: :func:`dsrgeo.geojson.checked_digest` (a sha256 of the layer's schema and the file's bytes).
CHECKED_FILE = "checked.json"

#: JSON Schema types of the catalog's property types (``date`` is checked as text here and as
#: an ISO date by :mod:`dsrgeo.geojson`)
_JSON_TYPES = {
    "string": {"type": ["string", "null"]},
    "integer": {"type": ["integer", "null"]},
    "number": {"type": ["number", "null"]},
    "boolean": {"type": ["boolean", "null"]},
    "date": {"type": ["string", "null"], "format": "date-ish"},
    "list[string]": {"type": ["array", "null"], "items": {"type": "string"}},
}


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
        The shipped GeoJSON file holding the layer.
    sources : tuple of dict
        Each with ``title``, ``publisher``, ``url`` and ``as_of``.
    licence, licence_url, attribution : str
        Terms of the data and the credit line to show with it.
    credit : str
        The short credit of a map's one-line attribution ("© TeleGeography, CC BY-NC-SA
        3.0"), parts separated by "; " (a map shows each part once); ``attribution`` when the
        catalog gives none.
    as_of : str
        The date (or year) the data describes.
    years : tuple of int or None
        First and last year ``load(..., as_of=YEAR)`` accepts; None if the layer has no time.
    schema : tuple of dict
        One dict per property: ``name``, ``type``, ``unit`` (or None), ``meaning``.
    map : dict
        Default map style, tooltip, legend (read by :mod:`dsrgeo.maps`).
    coordinate_decimals : int
        Decimals of degrees the built file keeps (6, about 0.1 m, unless the catalog says
        fewer: the 1:50m country polygons keep 4, about 11 m, far below the source's detail).
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
    coordinate_decimals: int = 6
    credit: str = ""

    @property
    def property_names(self):
        """Names of the properties in schema order."""
        return tuple(field["name"] for field in self.schema)

    def property_types(self):
        """Return {property name: catalog type} (``"integer"``, ``"list[string]"``...)."""
        return {field["name"]: field["type"] for field in self.schema}

    def feature_schema(self):
        """Return the JSON Schema every feature's ``properties`` must satisfy.

        The one schema that the build (before writing), the loader (after reading) and
        refresh (before swapping) check features against; see :mod:`dsrgeo.geojson`.

        Examples
        --------
        >>> schema = get("land").feature_schema()
        >>> schema["required"], schema["additionalProperties"]
        (['id', 'name'], False)
        """
        properties = {}
        for field in self.schema:
            spec = dict(_JSON_TYPES[field["type"]])
            for key in ("enum", "pattern", "minimum", "maximum"):
                if key in field:
                    spec[key] = field[key] if key != "enum" else [*field[key], None]
            properties[field["name"]] = spec
        properties["id"] = {"type": "string", "minLength": 1}
        return {
            "type": "object",
            "properties": properties,
            "required": list(self.property_names),
            "additionalProperties": False,
        }

    def __repr__(self):
        return f"LayerInfo(id={self.id!r}, kind={self.kind!r}, as_of={self.as_of!r})"


def checkout_dir():
    """Return the source checkout dsrgeo runs from, or None for an installed package.

    A checkout is the folder above the ``dsrgeo`` package when it holds ``layers/`` with
    ``catalog.json`` and the raw ``layers/sources/`` (an editable install is one).

    Examples
    --------
    >>> root = checkout_dir()
    >>> root is None or (root / "layers" / "catalog.json").is_file()
    True
    """
    root = Path(__file__).resolve().parent.parent
    layers = root / "layers"
    if (layers / CATALOG_FILE).is_file() and (layers / "sources" / "naturalearth").is_dir():
        return root
    return None


@functools.cache
def shipped_dir():
    """Return the folder of the shipped layers and catalog.

    ``dsrgeo/data`` in an installed package (through :mod:`importlib.resources`), else the
    source checkout's ``layers/``.

    Raises
    ------
    InvalidLayerError
        If neither holds a catalog (a damaged install).

    Examples
    --------
    >>> (shipped_dir() / "catalog.json").is_file()
    True
    """
    packaged = Path(str(importlib.resources.files("dsrgeo").joinpath("data")))
    if (packaged / CATALOG_FILE).is_file():
        return packaged
    root = checkout_dir()
    if root is not None:
        return root / "layers"
    raise InvalidLayerError(
        f"no layer catalog in {packaged}; reinstall dsrgeo (pip install dsrgeo) or run "
        "from a complete source checkout"
    )


def sources_dir():
    """Return the folder of inputs the builders read (``layers/sources`` in a checkout).

    An installed package ships only the inputs needed at run time (the TLE snapshots and
    the tables a refresh rebuilds cable layers with); the raw inputs of every layer are in
    the source checkout.

    Examples
    --------
    >>> (sources_dir() / "gnss").is_dir()
    True
    """
    return shipped_dir() / "sources"


def catalog_path():
    """Return the path of ``catalog.json``.

    Examples
    --------
    >>> catalog_path().name
    'catalog.json'
    """
    return shipped_dir() / CATALOG_FILE


@functools.lru_cache(maxsize=4)
def _read(path):
    import jsonschema

    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        schema = json.loads((shipped_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise InvalidLayerError(f"missing {Path(err.filename).name}", path=path) from err
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidLayerError(f"not valid JSON ({err})", path=path) from err
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(raw)
    )
    if error is not None:
        location = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        layer = _entry_id(raw, error.absolute_path)
        raise InvalidLayerError(
            f"{error.message} (at {location}; see {SCHEMA_FILE})",
            path=path,
            feature=layer,
            field=error.absolute_path[-1] if error.absolute_path else None,
        )
    infos = {}
    for entry in raw["layers"]:
        if entry["id"] in infos:
            raise InvalidLayerError("duplicate layer id", path=path, feature=entry["id"])
        infos[entry["id"]] = _info(entry, path.parent)
    tables = {"hmn_project_matches": raw["hmn_project_matches"]}
    return infos, tuple(raw["hmn_supplier_aliases"]), tables


def _entry_id(raw, where):
    where = list(where)
    if len(where) >= 2 and where[0] == "layers" and isinstance(where[1], int):
        entry = raw["layers"][where[1]]
        return entry.get("id") if isinstance(entry, dict) else where[1]
    return None


def _info(entry, folder):
    years = entry.get("years")
    return LayerInfo(
        id=entry["id"],
        title=entry["title"],
        description=entry["description"],
        kind=entry["kind"],
        file=folder / entry["file"],
        sources=tuple(dict(s) for s in entry["sources"]),
        licence=entry["licence"],
        licence_url=entry.get("licence_url"),
        attribution=entry["attribution"],
        as_of=str(entry["as_of"]),
        years=tuple(years) if years else None,
        schema=tuple(dict(f, unit=f.get("unit")) for f in entry["schema"]),
        map=dict(entry.get("map") or {}),
        coordinate_decimals=int(entry.get("coordinate_decimals", 6)),
        credit=entry.get("credit") or entry["attribution"],
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


def known_layer_ids(values):
    """Return the catalog layer ids among ``values``, in their order and each once.

    A frame's ``attrs["layers"]``, or a file's ``layers`` member, is a claim: only the
    catalog ids of a list or tuple count; anything else gives ``[]``.

    Parameters
    ----------
    values : object
        Claimed layer ids, usually a list.

    Returns
    -------
    list of str

    Examples
    --------
    >>> known_layer_ids(["land", "x", "land", 3])
    ['land']
    >>> known_layer_ids("land")
    []
    """
    if not isinstance(values, (list, tuple)):
        return []
    ids = set(layer_ids())
    return [v for v in dict.fromkeys(v for v in values if isinstance(v, str)) if v in ids]


def get(layer_id):
    """Return the :class:`LayerInfo` of ``layer_id``.

    Parameters
    ----------
    layer_id : str
        A catalog id (see :func:`layer_ids`).

    Returns
    -------
    LayerInfo
        What the catalog says about the layer.

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

    Parameters
    ----------
    suppliers : iterable of str or None
        A cable's supplier names (None or empty: no supplier).

    Returns
    -------
    bool

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


def citation(layer_id):
    """Return a one-line plain-text citation for a layer: sources, licence, as-of date.

    Parameters
    ----------
    layer_id : str
        A catalog id.

    Returns
    -------
    str
        The layer's title, each source (publisher, title, as-of date, URL), the licence and
        the attribution the licence asks for.

    Examples
    --------
    >>> print(citation("land"))  # doctest: +ELLIPSIS
    Land and borders...: Natural Earth...
    """
    info = get(layer_id)
    sources = "; ".join(
        f'{s["publisher"]}, "{s["title"]}" ({s["as_of"]}), {s["url"]}' for s in info.sources
    )
    return f"{info.title}: {sources}. Licence: {info.licence}. {info.attribution}"


@functools.lru_cache(maxsize=4)
def _json_table(path):
    """A shipped JSON object (source titles, checked digests), read once; {} if absent."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidLayerError(f"not valid JSON ({err})", path=path) from err


def checked_sha256(path):
    """Return the digest the build recorded for a shipped layer file, or None.

    ``dsrgeo build`` checks every layer against its catalog schema before writing it and
    records :func:`dsrgeo.geojson.checked_digest` in :data:`CHECKED_FILE` beside it: a sha256
    of the geometry kind, the feature schema and the file's bytes, not of the bytes alone. A
    shipped file whose bytes and catalog entry give that digest again need not be checked
    again when it is read (:func:`dsrgeo.load`).

    Parameters
    ----------
    path : str or os.PathLike
        A file of :func:`shipped_dir`.

    Returns
    -------
    str or None
        None for a file outside the shipped folder or one the build did not record.

    Examples
    --------
    >>> len(checked_sha256(get("cables").file))
    64
    """
    path = Path(path)
    if path.parent.resolve() != shipped_dir().resolve():
        return None
    return _json_table(str(path.parent / CHECKED_FILE)).get(path.name)


def cited_source(source_id):
    """Return what the source lists say of a cited source id, or None if it is not there.

    The table is built by ``dsrgeo build`` from the Markdown of ``policy/SOURCES.md`` and
    ``network/SOURCES.md`` (:data:`dsrgeo.build.sources.SOURCE_LISTS`) into
    :data:`SOURCE_TITLES_FILE`, and shipped beside the catalog.

    Parameters
    ----------
    source_id : str
        An id from a ``source_ids`` column, e.g. ``"cceonline_peace_2018"``.

    Returns
    -------
    dict or None
        ``title`` (never empty), ``publisher``, ``url`` (None where the source gives no whole
        http(s) link) and ``as_of`` (an ISO date or year, or "").

    Examples
    --------
    >>> cited_source("gfdc_bri_countries_2025_05")["url"]
    'https://greenfdc.org/countries-of-the-belt-and-road-initiative-bri/'
    >>> cited_source("no_such_source") is None
    True
    """
    entry = _json_table(str(shipped_dir() / SOURCE_TITLES_FILE)).get(source_id)
    return dict(entry) if entry is not None else None


def provenance(layer_ids, *, title=None):
    """Return the ``.attrs`` a frame derived from these layers carries: sources, licences, credit.

    Every frame dsrgeo derives from layers (indicators, the length audit, the claims, graph
    and network outputs) carries the union of its inputs' provenance, so a map or an export
    of it shows the credit the data's licences require (CC BY-NC-SA for TeleGeography's
    cables).

    Parameters
    ----------
    layer_ids : iterable of str
        The catalog layers the frame was made from.
    title : str, optional
        The frame's title (a map's default layer name).

    Returns
    -------
    dict
        ``title``, ``layers``, ``sources`` (list of dicts), ``licence`` and ``attribution``
        (each distinct one once, joined with "; "), ``licences`` (list), ``citation`` (one
        line per layer).

    Examples
    --------
    >>> attrs = provenance(["cables", "land"], title="Cables and land")
    >>> attrs["licence"]
    'CC BY-NC-SA 3.0; Public domain'
    >>> "TeleGeography" in attrs["attribution"] and attrs["layers"] == ["cables", "land"]
    True
    """
    ids = list(dict.fromkeys(layer_ids))
    infos = [get(layer_id) for layer_id in ids]
    licences = list(dict.fromkeys(info.licence for info in infos))
    attributions = list(dict.fromkeys(info.attribution for info in infos))
    sources = []
    for info in infos:
        sources += [dict(s) for s in info.sources if dict(s) not in sources]
    return {
        "title": title,
        "layers": ids,
        "sources": sources,
        "licence": "; ".join(licences),
        "licences": licences,
        # "status.; Cable data" read badly: a part's full stop gives way to the separator
        "attribution": "; ".join(
            [a.removesuffix(".") for a in attributions[:-1]] + attributions[-1:]
        ),
        "citation": "\n".join(citation(layer_id) for layer_id in ids),
    }
