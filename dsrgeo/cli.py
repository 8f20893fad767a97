"""The ``dsrgeo`` command: argument parsing over the same calls as the Python API.

Each subcommand has a parser function ``_add_<name>_parser(subparsers)`` and a runner
``_cmd_<name>(args) -> int``; ``_PARSERS`` lists the parser functions in help order. The
runners only parse, call the library and print. Errors dsrgeo raises on purpose become one
line on stderr and exit status 2.
"""

import argparse
import signal
import sys

from dsrgeo._version import __version__
from dsrgeo.errors import DsrgeoError

__all__ = ["main"]


def _add_csv_option(parser):
    parser.add_argument(
        "--csv", metavar="PATH", help="write the table as CSV instead (replaced only when complete)"
    )


def _wrote_csv(table, path):
    """Write ``table`` to ``path`` atomically if a path was given; True if it was written."""
    if not path:
        return False
    from dsrgeo.fileio import atomic_write

    atomic_write(path, table.to_csv(index=False))
    _say_written(table, path)
    return True


def _say_written(table, path, noun="rows"):
    """Say what was written and, for data with a licence, how to credit it."""
    print(f"wrote {len(table)} {noun} to {path}")
    citation = table.attrs.get("citation")
    if citation:  # a CSV file cannot carry its data's credit: the reader is told here
        print(f"credit: {citation}")


def _add_page_options(parser, *, title_help):
    """-o FILE, --as-of YEAR and --title TEXT: the options of commands that write a page."""
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="HTML file to write (replaced only by a complete new file)",
    )
    parser.add_argument(
        "--as-of",
        type=int,
        metavar="YEAR",
        help="the world at the end of YEAR (layers with years only)",
    )
    parser.add_argument("--title", metavar="TEXT", help=title_help)


def _print_table(table, **display):
    """Print a DataFrame in full, without its index."""
    import pandas as pd

    options = {
        "display.width": 200,
        "display.max_rows": None,
        "display.max_columns": None,
        **{f"display.{k}": v for k, v in display.items()},
    }
    with pd.option_context(*[x for item in options.items() for x in item]):
        print(table.to_string(index=False))


# -- layers -----------------------------------------------------------------------------


def _add_layers_parser(subparsers):
    parser = subparsers.add_parser("layers", help="list the shipped layers with sources")
    _add_csv_option(parser)
    parser.set_defaults(run=_cmd_layers)


def _cmd_layers(args):
    from dsrgeo.loading import layers

    table = layers()
    if not _wrote_csv(table, args.csv):
        _print_table(table, max_colwidth=60)
    return 0


# -- build ------------------------------------------------------------------------------


def _add_build_parser(subparsers):
    parser = subparsers.add_parser(
        "build",
        help="rebuild the layer GeoJSON files from layers/sources (in a source checkout)",
        description="Rebuild layers from the raw inputs, byte for byte. Writes into the "
        "source checkout's layers/ (or --out DIR); never into an installed package.",
    )
    parser.add_argument("layers", nargs="*", metavar="LAYER", help="layer ids (default: all)")
    parser.add_argument(
        "--out", metavar="DIR", help="output folder (default: the source checkout's layers/)"
    )
    parser.add_argument(
        "--sources", metavar="DIR", help="raw inputs (default: the checkout's layers/sources)"
    )
    parser.set_defaults(run=_cmd_build)


def _cmd_build(args):
    from dsrgeo import build

    build.show_build_log()
    return build.run(args)


# -- lengths ----------------------------------------------------------------------------


def _add_lengths_parser(subparsers):
    parser = subparsers.add_parser(
        "lengths",
        help="drawn (geodesic) vs stated cable lengths, with flags",
        description="Compare each cable's drawn route length (WGS84 geodesic) with its "
        "stated system length. Routes are stylised drawings, so a ratio far from 1 flags "
        "a disagreement between drawing and published figure, not an error in either.",
    )
    parser.add_argument(
        "--cable",
        metavar="NAME",
        help="only cables whose name contains NAME (any case) or whose id is NAME",
    )
    _add_csv_option(parser)
    parser.add_argument(
        "--short-ratio",
        type=float,
        metavar="R",
        help="flag drawn/stated below R as drawn_short (default: "
        "dsrgeo.geodesy.DEFAULT_SHORT_RATIO)",
    )
    parser.add_argument(
        "--long-ratio",
        type=float,
        metavar="R",
        help="flag drawn/stated above R as drawn_long (default: dsrgeo.geodesy.DEFAULT_LONG_RATIO)",
    )
    parser.set_defaults(run=_cmd_lengths)


def _cmd_lengths(args):
    from dsrgeo.analysis import match_cables
    from dsrgeo.geodesy import DEFAULT_LONG_RATIO, DEFAULT_SHORT_RATIO, audit_lengths

    if args.short_ratio is None:
        args.short_ratio = DEFAULT_SHORT_RATIO
    if args.long_ratio is None:
        args.long_ratio = DEFAULT_LONG_RATIO
    table = audit_lengths(short_ratio=args.short_ratio, long_ratio=args.long_ratio)
    if args.cable:
        table = match_cables(table, args.cable)
    if _wrote_csv(table, args.csv):
        return 0
    _print_table(table, max_colwidth=50)
    counts = ", ".join(f"{flag} {n}" for flag, n in table["flag"].value_counts().items())
    print(
        f"\n{len(table)} cables: {counts}. Routes are stylised drawings; "
        f"ratio = drawn_km / stated_km, flagged outside {args.short_ratio}-{args.long_ratio}."
    )
    return 0


# -- claims -----------------------------------------------------------------------------


def _add_claims_parser(subparsers):
    parser = subparsers.add_parser(
        "claims", help="the policy brief's figures set against the layers, with verdicts"
    )
    _add_csv_option(parser)
    parser.set_defaults(run=_cmd_claims)


def _cmd_claims(args):
    import math

    from dsrgeo.brief import claims

    table = claims()
    if _wrote_csv(table, args.csv):
        return 0
    for row in table.itertuples():
        data = "n/a" if math.isnan(row.data) else f"{row.data:,.1f}"
        print(f'[{row.paragraph}] "{row.claim}"  ({row.subject})')
        print(
            f"    claimed {row.claimed:,.1f} {row.unit} | data {data} {row.unit} "
            f"| {row.verdict.upper()}"
        )
        print(f"    how: {row.how_computed}")
        print(f"    tolerance: {row.tolerance}\n")
    return 0


# -- alignment --------------------------------------------------------------------------


def _weight(text):
    """Parse ``COMPONENT=WEIGHT`` (argparse type of ``--weight``)."""
    name, sep, value = text.partition("=")
    try:
        if not sep:
            raise ValueError
        return name.strip(), float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected COMPONENT=NUMBER (e.g. cloud_region=0), got {text!r}"
        ) from None


def _add_alignment_parser(subparsers):
    parser = subparsers.add_parser(
        "alignment",
        help="one row per country: China's offers and the US answer side by side, with a score",
        description="Print (or write as CSV) dsrgeo.alignment(): per country, BRI and Digital "
        "Silk Road agreements, Safe City projects, Chinese cloud regions, HMN-built cables, "
        "Clean Network membership and Huawei 5G restrictions, with the optional score and "
        "its side. --sensitivity prints how many countries change side when each weight "
        "moves instead.",
    )
    parser.add_argument("--as-of", type=int, metavar="YEAR", help="the world at the end of YEAR")
    parser.add_argument(
        "--by",
        choices=("territory", "sovereign"),
        default="territory",
        help="one row per territory (default) or per state",
    )
    parser.add_argument(
        "--weight",
        action="append",
        type=_weight,
        default=[],
        metavar="COMPONENT=NUMBER",
        help="a weight of the score (repeatable; components: see dsrgeo.sides.COMPONENTS)",
    )
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="print the countries changing side when each weight is dropped, halved, doubled",
    )
    _add_csv_option(parser)
    parser.set_defaults(run=_cmd_alignment)


def _cmd_alignment(args):
    import pandas as pd

    from dsrgeo.sides import alignment, alignment_sensitivity

    weights = dict(args.weight) or None
    if args.sensitivity:
        table = alignment_sensitivity(as_of=args.as_of, by=args.by, weights=weights)
    else:
        table = alignment(as_of=args.as_of, by=args.by, weights=weights).drop(columns="geometry")
    if _wrote_csv(table, args.csv):
        return 0
    if not args.sensitivity:
        table = table[["iso3", "name", "bri_status", "clean_network", "huawei_5g_restriction",
                       "safe_city_projects", "cloud_regions", "hmn_international_share",
                       "alignment_score", "side"]]  # fmt: skip
        table = table.assign(
            huawei_5g_restriction=table["huawei_5g_restriction"].fillna("no position found"),
            hmn_international_share=table["hmn_international_share"].map(
                lambda share: "no cable" if pd.isna(share) else f"{share:.0%}"
            ),
        )
    _print_table(table, float_format="{:.2f}".format)
    return 0


# -- refresh ----------------------------------------------------------------------------


def _add_refresh_parser(subparsers):
    parser = subparsers.add_parser(
        "refresh",
        help="download fresh TLEs or cable data into the user data folder",
        description="Download, validate and store a new snapshot in the user data folder "
        "($DSRGEO_DATA_DIR, else the platform's user data folder). The shipped data stays "
        'the default; ask for the refreshed one with tles="latest" or snapshot="latest". '
        "A failed, truncated or invalid download changes nothing.",
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, default, what in [
        ("tle", "CelesTrak's GNSS group", "two-line element sets"),
        (
            "cables",
            "the Open Undersea Cable Map on GitHub",
            "cable routes, landing points and cable records from a "
            "mirror of the Open Undersea Cable Map (URL is the mirror's base)",
        ),
    ]:
        sub = kinds.add_parser(kind, help=what, description=what)
        sub.add_argument("--url", help=f"where to download from (default: {default})")
        sub.add_argument(
            "--timeout-s",
            type=float,
            default=30.0,
            metavar="S",
            help="seconds to connect and get an answer, and the longest wait for more of the "
            "body (default: 30)",
        )
        sub.add_argument(
            "--deadline-s",
            type=float,
            default=600.0,
            metavar="S",
            help="seconds the whole refresh may take, retries included; a body must also "
            "arrive at 1000 bytes/s or more over any 10 s (default: 600)",
        )
        sub.add_argument(
            "--retries",
            type=int,
            default=3,
            metavar="N",
            help="retries after connection errors and HTTP 5xx (default: 3)",
        )
        sub.add_argument(
            "--keep",
            type=int,
            default=3,
            metavar="N",
            help="snapshots to keep, the new one included (default: 3)",
        )
        sub.add_argument(
            "--force",
            action="store_true",
            help="store the data even if it looks incomplete (a core constellation missing, "
            "far fewer satellites or cables than now); it must still be sound",
        )
        sub.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    kinds.add_parser(
        "status", help="show the refreshed snapshots and where they are (each file checked)"
    )
    parser.set_defaults(run=_cmd_refresh)


def _cmd_refresh(args):
    from dsrgeo import refresh
    from dsrgeo.datadir import data_dir, latest_snapshot
    from dsrgeo.errors import RefreshError

    if args.kind == "status":
        print(f"data folder: {data_dir()}")
        status = 0
        for kind in ("tle", "cables"):
            try:
                snapshot = latest_snapshot(kind)
            except RefreshError as err:
                print(f"{kind}: damaged: {err}")
                status = 2
                continue
            print(
                f"{kind}: "
                + (
                    "none (the shipped data is used)"
                    if snapshot is None
                    else f"{snapshot.contents}, {snapshot.retrieved_utc} from "
                    f"{snapshot.source_url}\n  in {snapshot.folder}"
                )
            )
        return status
    run = refresh.refresh_tles if args.kind == "tle" else refresh.refresh_cables
    default = refresh.DEFAULT_TLE_URL if args.kind == "tle" else refresh.DEFAULT_CABLES_URL
    args.url = args.url or default
    snapshot = run(
        args.url,
        timeout_s=args.timeout_s,
        deadline_s=args.deadline_s,
        retries=args.retries,
        keep=args.keep,
        force=args.force,
        progress=False if args.no_progress else None,
    )
    size_bytes = sum(d.size_bytes for d in snapshot.downloads)
    print(
        f"refreshed {args.kind}: {snapshot.contents} ({len(snapshot.downloads)} files, "
        f"{size_bytes:,} bytes)"
    )
    print(f"  from      {snapshot.source_url}")
    print(f"  retrieved {snapshot.retrieved_utc}")
    print(f"  saved in  {snapshot.folder}")
    if len(snapshot.downloads) == 1:
        print(f"  sha256    {snapshot.downloads[0].sha256}")
    return 0


# -- map --------------------------------------------------------------------------------


def _add_map_parser(subparsers):
    parser = subparsers.add_parser(
        "map",
        help="write a self-contained HTML map (opens offline)",
        description="Write an interactive map of shipped layers and/or GeoJSON files to one "
        "HTML file that works without network. Without layers: the default map (BRI status, "
        "cables and HMN Tech cables shown; landing points, Safe Cities, BeiDou capitals, "
        "Clean Network, Huawei 5G and cloud regions one click away in the layer control).",
    )
    parser.add_argument(
        "layers",
        nargs="*",
        metavar="LAYER_OR_FILE",
        help="layer ids (see `dsrgeo layers`) or GeoJSON files",
    )
    _add_page_options(parser, title_help="title shown on the map")
    parser.add_argument(
        "--slider",
        action="store_true",
        help="add a year slider for BRI joins and cable service years",
    )
    parser.add_argument(
        "--tiles",
        metavar="NAME",
        help="also offer web tiles, e.g. OpenStreetMap (needs network to show)",
    )
    parser.add_argument(
        "--center-lon",
        type=float,
        default=0.0,
        metavar="DEGREES",
        help="central meridian of the map, degrees east (150: a Pacific view with "
        "trans-Pacific cables whole)",
    )
    parser.set_defaults(run=_cmd_map)


def _cmd_map(args):
    from pathlib import Path

    from dsrgeo import catalog
    from dsrgeo.maps import Map

    output = Path(args.output)
    if not output.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(output)!r}: folder {str(output.parent)!r} does not exist"
        )
    options = {
        "title": args.title,
        "tiles": args.tiles,
        "time_slider": args.slider,
        "center_lon": args.center_lon,
    }
    if not args.layers:
        the_map = Map.default(as_of=args.as_of, **options)
    else:
        the_map = Map(**options)
        ids = set(catalog.layer_ids())
        for layer in args.layers:  # as_of applies to catalog layers; GeoJSON files have no time
            the_map.add(layer, as_of=args.as_of if layer in ids else None)
    path = the_map.save(output)
    size_kb = path.stat().st_size / 1024
    overlays = sum(layer.role == "overlay" for layer in the_map.layers)
    print(f"wrote {path} ({overlays} layers, {size_kb:,.0f} kB)")
    return 0


# -- report -----------------------------------------------------------------------------


def _add_report_parser(subparsers):
    parser = subparsers.add_parser(
        "report",
        help="write a one-page HTML report (map, indicators, lengths, claims, sources)",
        description="Write one self-contained HTML page (no network needed): the default map, "
        "indicators by country, the cable length audit, BeiDou vs GPS over capitals "
        "(when that layer is built), the policy brief's claims and the sources.",
    )
    _add_page_options(parser, title_help="title of the report")
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="also write a PDF of the same content beside FILE (matplotlib)",
    )
    parser.set_defaults(run=_cmd_report)


def _cmd_report(args):
    from dsrgeo.report import write_report

    for path in write_report(args.output, as_of=args.as_of, pdf=args.pdf, title=args.title):
        print(f"wrote {path} ({path.stat().st_size / 1024:,.0f} kB)")
    return 0


# -- gnss -------------------------------------------------------------------------------


def _add_gnss_parser(subparsers):
    gnss = subparsers.add_parser("gnss", help="GNSS visibility: BeiDou vs GPS over the capitals")
    gnss.set_defaults(run=lambda args: gnss.print_help() or 2)
    commands = gnss.add_subparsers(dest="gnss_command", metavar="SUBCOMMAND")
    capitals = commands.add_parser(
        "capitals",
        help="recompute the beidou_capitals layer for a day, mask, step or TLE set",
        description="Count the BeiDou, GPS, Galileo and GLONASS satellites visible from every "
        "national capital over one UTC day (00:00-24:00), with PDOP. Without -o, print a "
        "summary table.",
    )
    capitals.add_argument(
        "--date", metavar="D", help="UTC day YYYY-MM-DD (default: the layer's, 2022-02-05)"
    )
    capitals.add_argument(
        "--mask",
        type=float,
        metavar="DEG",
        help="elevation mask in degrees (default: the layer's, 10)",
    )
    capitals.add_argument(
        "--step-s", type=float, metavar="S", help="time step in seconds (default: the layer's, 60)"
    )
    capitals.add_argument(
        "--tle",
        metavar="DIR",
        help="TLE file or folder of *.txt, or 'latest' after `dsrgeo refresh "
        "tle` (default: the shipped 2022-02-04 snapshot)",
    )
    capitals.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write GeoJSON (.geojson, .json) or CSV (.csv), atomically",
    )
    capitals.set_defaults(run=_cmd_gnss_capitals)


def _cmd_gnss_capitals(args):
    from pathlib import Path

    import pandas as pd

    from dsrgeo.errors import ParameterError
    from dsrgeo.gnss import capitals_visibility
    from dsrgeo.gnss.capitals import LAYER_DATE, LAYER_MIN_ELEVATION_DEG, LAYER_STEP_S
    from dsrgeo.tables import SUFFIXES, write_table

    args.date = LAYER_DATE if args.date is None else args.date
    args.mask = LAYER_MIN_ELEVATION_DEG if args.mask is None else args.mask
    args.step_s = LAYER_STEP_S if args.step_s is None else args.step_s
    if args.output and Path(args.output).suffix.lower() not in SUFFIXES:
        raise ParameterError(
            f"{args.output!r}: give a .geojson, .json or .csv file name", parameter="-o"
        )
    table = capitals_visibility(
        date=args.date, min_elevation_deg=args.mask, step_s=args.step_s, tles=args.tle
    )
    wins = int(table["bds_beats_gps"].sum())
    summary = (
        f"BeiDou's daily max above GPS's at {wins} of {len(table)} capitals "
        f"({table['iso3'].nunique()} countries); {table.attrs['date']} UTC, mask "
        f"{args.mask:g} deg, step {args.step_s:g} s, TLE epochs "
        f"{table.attrs['tle_epochs']}"
    )
    if args.output:
        write_table(table, args.output)
        _say_written(table, args.output, "capitals")
        print(summary)
        return 0
    columns = [
        "name",
        "iso3",
        "bds_max",
        "gps_max",
        "gal_max",
        "glo_max",
        "bds_mean",
        "gps_mean",
        "bds_minus_gps_max",
    ]
    ordered = table.sort_values(["bds_minus_gps_max", "id"], ascending=[False, True])
    _print_table(pd.DataFrame(ordered[columns]))
    print(f"\n{summary}")
    return 0


# -- network ----------------------------------------------------------------------------


def _lon_lat(text):
    """``--at`` value: "LON,LAT" degrees as a pair, anything else as a chokepoint id."""
    parts = text.split(",")
    if len(parts) == 2:
        try:
            return (float(parts[0]), float(parts[1]))
        except ValueError:
            pass
    return text


def _add_network_parser(subparsers):
    network = subparsers.add_parser(
        "network",
        help="cable-cut scenarios, exposure and bifurcation of the cable network",
        description="The submarine cable network as a model (dsrgeo.network): cut cables and "
        "see which countries lose their sea paths; each country's fewest faults to "
        "isolate, chokepoints and supplier/owner dependence; paths avoiding Chinese or US "
        "cables. A topology model: capacity, routing and satellite or land backup are "
        "outside it.",
    )
    network.set_defaults(run=lambda args: network.print_help() or 2)
    commands = network.add_subparsers(dest="network_command", metavar="SUBCOMMAND")

    def common(parser, *, land):
        parser.add_argument(
            "--as-of",
            type=int,
            metavar="YEAR",
            help="the cables in service at the end of YEAR (default: every cable on the map, "
            "planned ones included)",
        )
        if land:
            parser.add_argument(
                "--land",
                action="store_true",
                help="also report reach over land borders between neighbours (an assumption; "
                "*_with_land columns)",
            )
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write the whole table: .csv, or .geojson with country polygons (atomically)",
        )

    cut = commands.add_parser(
        "cut",
        help="cut cables (whole, or at a place) and show who loses sea paths",
        description="Cut cables and print the countries affected: cables before and after, "
        "isolated by sea, reach (other countries reachable by sea) before and after.",
    )
    cut.add_argument(
        "cables",
        nargs="*",
        metavar="CABLE",
        help="cable ids, names or abbreviations (ACE, SAT-3/WASC, peace-cable)",
    )
    cut.add_argument(
        "--at",
        type=_lon_lat,
        metavar="PLACE",
        help="cut at a place: LON,LAT degrees or a chokepoint id (bab_el_mandeb); with "
        "CABLEs, only those are cut there",
    )
    cut.add_argument(
        "--radius-km",
        type=float,
        default=50.0,
        metavar="KM",
        help="how far from --at the fault reaches (default: 50)",
    )
    common(cut, land=True)
    cut.set_defaults(run=_cmd_network_cut)
    exposure = commands.add_parser(
        "exposure",
        help="per country: fewest faults to isolate, chokepoints, supplier/owner shares",
    )
    common(exposure, land=False)
    exposure.set_defaults(run=_cmd_network_exposure)
    bifurcation = commands.add_parser(
        "bifurcation",
        help="per country: a sea path to the US without Chinese cables, to China without US ones",
    )
    common(bifurcation, land=True)
    bifurcation.set_defaults(run=_cmd_network_bifurcation)


def _write_network_table(table, path):
    """Write a network result as CSV, or as GeoJSON of the rows with a country polygon."""
    import geopandas

    from dsrgeo.tables import write_table

    if not str(path).lower().endswith(".csv") and isinstance(table, geopandas.GeoDataFrame):
        table = table[table.geometry.notna()]
    write_table(table, path)
    _say_written(table, path)


def _cmd_network_cut(args):
    import pandas as pd

    from dsrgeo.errors import ParameterError
    from dsrgeo.network import cut

    if not args.cables and args.at is None:
        raise ParameterError("give CABLEs to cut, --at PLACE, or both", parameter="cables")
    table = cut(
        args.cables or None,
        at=args.at,
        radius_km=args.radius_km,
        as_of=args.as_of,
        terrestrial=args.land,
    )
    if args.output:
        _write_network_table(table, args.output)
    hit = table[(table["cables_cut"].map(len) > 0) | table["isolated_by_sea"]]
    hit = hit.sort_values(["reach_lost_share", "iso3"], ascending=[False, True])
    columns = [
        "iso3",
        "name",
        "international_cables_before",
        "international_cables_after",
        "isolated_by_sea",
        "reach_before",
        "reach_after",
        "reach_lost_share",
    ]
    columns += ["reach_after_with_land"] if args.land else []
    if not args.output:
        _print_table(pd.DataFrame(hit[columns]), float_format="{:.3f}".format)
    isolated = table.loc[table["isolated_by_sea"], "iso3"].tolist()
    fewer = table["international_cables_after"] < table["international_cables_before"]
    lost = table[~table["isolated_by_sea"] & (table["reach_lost_share"] > 0)]
    when = f" (as of {args.as_of})" if args.as_of else ""
    print(
        f"\n{table.attrs['title']}{when}: {len(table.attrs['cables_cut'])} cable(s) cut; "
        f"{len(isolated)} of {len(table)} countries isolated by sea "
        f"({', '.join(isolated) or 'none'}); {int(fewer.sum())} lose international cables; "
        f"{len(lost)} others can no longer reach some countries. The rows above land a cut "
        "cable or are isolated. A topology model: capacity, routing and backup are outside it."
    )
    return 0


def _cmd_network_exposure(args):
    import pandas as pd

    from dsrgeo.network import exposure

    table = exposure(as_of=args.as_of)
    if args.output:
        _write_network_table(table, args.output)
        return 0
    columns = [
        "iso3",
        "name",
        "international_cables",
        "landing_stations",
        "min_cables_to_isolate",
        "top_chokepoint",
        "top_chokepoint_share",
        "share_hmn",
        "share_chinese_state_carrier",
    ]
    _print_table(pd.DataFrame(table[columns]), float_format="{:.2f}".format)
    return 0


def _cmd_network_bifurcation(args):
    import pandas as pd

    from dsrgeo.network import bifurcation

    table = bifurcation(as_of=args.as_of, terrestrial=args.land)
    if args.output:
        _write_network_table(table, args.output)
        return 0
    _print_table(pd.DataFrame(table.drop(columns="geometry")))
    return 0


_PARSERS = [
    _add_layers_parser,
    _add_build_parser,
    _add_lengths_parser,
    _add_claims_parser,
    _add_alignment_parser,
    _add_refresh_parser,
    _add_map_parser,
    _add_report_parser,
    _add_gnss_parser,
    _add_network_parser,
]


def _parser():
    parser = argparse.ArgumentParser(
        prog="dsrgeo",
        description="Cited maps and layer math for China's Digital Silk Road.",
    )
    parser.add_argument("--version", action="version", version=f"dsrgeo {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _PARSERS:
        add(subparsers)
    return parser


def main(argv=None):
    """Run the ``dsrgeo`` command line; return the exit status.

    Examples
    --------
    >>> import tempfile
    >>> main(["build", "land", "--out", tempfile.mkdtemp()])  # doctest: +ELLIPSIS
    land: .../land.geojson
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        with _terminated_as_exit():
            return args.run(args)
    except DsrgeoError as err:
        print(f"dsrgeo {args.command}: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`dsrgeo alignment | head`): stop quietly
        _silence_stdout()
        return 141
    except (OSError, ValueError) as err:
        print(f"dsrgeo {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _silence_stdout():
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests, notebooks)
        pass


class _terminated_as_exit:  # noqa: N801 (a context manager used as a statement)
    """Within the block, SIGTERM raises SystemExit, so temporary files are cleaned up."""

    def __enter__(self):
        self.previous = None
        try:
            self.previous = signal.signal(signal.SIGTERM, self._exit)
        except ValueError:  # not the main thread: leave signals alone
            self.previous = None
        return self

    @staticmethod
    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


if __name__ == "__main__":
    sys.exit(main())
