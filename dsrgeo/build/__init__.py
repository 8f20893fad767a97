"""Rebuild every layer's GeoJSON from the raw inputs in ``layers/sources/``, deterministically.

Run ``dsrgeo build`` (or ``python -m dsrgeo.build``) in a source checkout. The same sources
always give byte-identical files: features are sorted by id, properties follow the catalog
schema, coordinates are rounded to 6 decimals, and JSON is written with fixed separators.
Every built layer is checked against its catalog schema before it is written
(:func:`dsrgeo.geojson.check_features`), the same check :func:`dsrgeo.load` makes.

The build writes into the checkout's ``layers/`` or into a folder given with ``out_dir``; it
never writes into an installed package. One module per layer family:
:mod:`~dsrgeo.build.cables`, :mod:`~dsrgeo.build.countries`, :mod:`~dsrgeo.build.policy`,
:mod:`~dsrgeo.build.capitals`, :mod:`~dsrgeo.build.network`. A full build also writes
``source_titles.json``, the title and link of every source id the policy tables cite
(:mod:`~dsrgeo.build.sources`), which maps show instead of the ids.
"""

import argparse
import json
import logging
import sys
from pathlib import Path

from dsrgeo import catalog, geojson
from dsrgeo.build import cables, capitals, countries, network, policy
from dsrgeo.build import sources as source_table
from dsrgeo.build.common import log, sorted_json_text, source_cache
from dsrgeo.errors import InvalidLayerError, LayerNotFoundError, ParameterError
from dsrgeo.fileio import atomic_write

__all__ = [
    "BUILDERS",
    "add_arguments",
    "build",
    "build_snapshot_layers",
    "main",
    "run",
    "show_build_log",
]

#: Layer id -> builder(sources) returning a GeoDataFrame with the catalog's properties.
BUILDERS = {
    "cables": cables.build_cables,
    "landing_points": cables.build_landing_points,
    "hmn_cables": cables.build_hmn_cables,
    "bri_countries": countries.build_bri_countries,
    "safe_cities": policy.build_safe_cities,
    "clean_network": countries.build_clean_network,
    "huawei_5g": countries.build_huawei_5g,
    "cloud_regions": policy.build_cloud_regions,
    "land": countries.build_land,
    "beidou_capitals": capitals.build_beidou_capitals,
    "chokepoints": network.build_chokepoints,
    "cable_incidents": network.build_cable_incidents,
}
#: The layers a refreshed cable snapshot rebuilds (from its own cable data).
SNAPSHOT_BUILDERS = {
    "cables": cables.build_cables,
    "landing_points": cables.build_landing_points,
    "hmn_cables": cables.build_hmn_cables,
}


def _installed_package():
    return Path(__file__).resolve().parent.parent


def _inside(path, folder):
    path, folder = Path(path).resolve(), Path(folder).resolve()
    return path == folder or folder in path.parents


def default_out_dir():
    """Return where ``dsrgeo build`` writes by default: the checkout's ``layers/``.

    Raises
    ------
    ParameterError
        When dsrgeo runs from an installed package (there is no checkout to write into).
    """
    root = catalog.checkout_dir()
    if root is None:
        raise ParameterError(
            f"dsrgeo is installed at {str(_installed_package())!r}, not run from a source "
            "checkout; the build never writes into an installed package. Run it in a clone "
            "of the repository, or give an output folder (--out DIR / out_dir=)",
            parameter="out_dir",
        )
    return root / "layers"


def _check_out_dir(out):
    package = _installed_package()
    if _inside(out, package):
        raise ParameterError(
            f"{str(out)!r} is inside the dsrgeo package {str(package)!r}; the build never "
            "writes into a package. Give a folder outside it",
            parameter="out_dir",
        )
    if catalog.checkout_dir() is None and _inside(out, catalog.shipped_dir()):
        raise ParameterError(
            f"{str(out)!r} is the installed package's data folder; give a folder outside it",
            parameter="out_dir",
        )


def _write_layer(gdf, info, out):
    missing = [n for n in info.property_names if n not in gdf.columns]
    if missing:
        raise ParameterError(
            f"the builder of {info.id!r} did not produce {missing}", parameter="layer_ids"
        )
    for field in info.schema:
        if field["type"] == "integer":
            gdf[field["name"]] = gdf[field["name"]].astype("Int64")
    text = geojson.geojson_text(
        gdf,
        info.property_names,
        members=geojson.layer_members(info),
        decimals=info.coordinate_decimals,
    )
    path = Path(out) / info.file.name
    geojson.check_features(json.loads(text)["features"], info, path=path)
    return atomic_write(path, text)


def build(out_dir=None, layer_ids=None, sources=None):
    """Rebuild layers from the raw sources and write them as GeoJSON.

    Parameters
    ----------
    out_dir : str or os.PathLike, optional
        Where to write ``<id>.geojson`` (default: the source checkout's ``layers/``; from an
        installed package it must be given, and may not lie inside the package).
    layer_ids : list of str, optional
        Which layers (default: every layer with a builder).
    sources : str or os.PathLike, optional
        The raw inputs (default: the checkout's ``layers/sources``).

    Returns
    -------
    dict
        Layer id -> path written; a full build (no ``layer_ids``) also has
        ``"source_titles"`` -> the path of ``source_titles.json``.

    Raises
    ------
    ParameterError
        If ``out_dir`` is missing or inside the package, or the sources lack raw inputs.
    LayerNotFoundError
        If a layer id has no builder.
    InvalidLayerError
        If a built layer does not match its catalog schema (nothing is written for it).
    """
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    _check_out_dir(out)
    src = Path(sources) if sources is not None else catalog.sources_dir()
    if not (src / "naturalearth").is_dir():
        raise ParameterError(
            f"{str(src)!r} holds no raw inputs (no naturalearth/ folder); run the build in a "
            "source checkout or give the sources folder of one",
            parameter="sources",
        )
    wanted = list(layer_ids or BUILDERS)
    for layer_id in wanted:
        if layer_id not in BUILDERS:
            raise LayerNotFoundError(layer_id, BUILDERS)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with source_cache():
        for layer_id in wanted:
            written[layer_id] = _write_layer(BUILDERS[layer_id](src), catalog.get(layer_id), out)
    _record_checked(out, {written[layer_id]: catalog.get(layer_id) for layer_id in wanted})
    if not layer_ids:
        text = sorted_json_text(source_table.build_source_titles(src))
        written["source_titles"] = atomic_write(out / catalog.SOURCE_TITLES_FILE, text)
    return written


def _record_checked(out, checked):
    """Record in ``checked.json`` that each layer file just written passed its check.

    ``checked`` maps each written file to its catalog entry; the record is
    :func:`dsrgeo.geojson.checked_digest` (file bytes and schema). Entries of layers not
    rebuilt stay; an entry whose file is gone is dropped.
    """
    path = Path(out) / catalog.CHECKED_FILE
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        table = {}
    for written, info in checked.items():
        table[Path(written).name] = geojson.checked_digest(Path(written).read_bytes(), info)
    table = {name: digest for name, digest in table.items() if (Path(out) / name).is_file()}
    atomic_write(path, sorted_json_text(table))


def build_snapshot_layers(cables_dir, out_dir):
    """Build the cable layers of a refreshed snapshot (its cable data, the shipped tables).

    Parameters
    ----------
    cables_dir : str or os.PathLike
        A folder laid out like ``layers/sources/cables/``.
    out_dir : str or os.PathLike
        Where to write them (the snapshot's ``layers/`` folder, before it is swapped in).

    Returns
    -------
    dict
        Layer id -> path written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with source_cache():
        for layer_id, builder in SNAPSHOT_BUILDERS.items():
            gdf = builder(catalog.sources_dir(), Path(cables_dir))
            written[layer_id] = _write_layer(gdf, catalog.get(layer_id), out)
    return written


def add_arguments(parser):
    """Add the build's options to an :mod:`argparse` parser (``dsrgeo build`` uses them)."""
    parser.add_argument("layers", nargs="*", metavar="LAYER", help="layer ids (default: all)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default: the source checkout's layers/; never a package)",
    )
    parser.add_argument(
        "--sources",
        metavar="DIR",
        help="raw inputs folder (default: the checkout's layers/sources)",
    )


def run(args):
    """Run a build for parsed :func:`add_arguments` options; print what was written."""
    unknown = [name for name in args.layers if name not in BUILDERS]
    if unknown:
        raise LayerNotFoundError(unknown[0], BUILDERS)
    for layer_id, path in build(args.out, args.layers or None, args.sources).items():
        print(f"{layer_id}: {path}")
    return 0


def main(argv=None):
    """``python -m dsrgeo.build [--out DIR] [--sources DIR] [LAYER ...]``, as ``dsrgeo build``.

    Examples
    --------
    >>> import tempfile
    >>> main(["land", "--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    land: .../land.geojson
    0
    """
    parser = argparse.ArgumentParser(prog="python -m dsrgeo.build", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    show_build_log()
    try:
        return run(args)
    except (ParameterError, LayerNotFoundError, InvalidLayerError) as err:
        print(f"dsrgeo build: error: {err}", file=sys.stderr)
        return 2


def show_build_log():
    """Send the build's log (rows that could not be placed...) to stderr, once."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
