"""The ``dsrgeo`` command: argument parsing over the same calls as the Python API.

Each subcommand has a parser function ``_add_<name>_parser(subparsers)`` and a runner
``_cmd_<name>(args) -> int``; ``_PARSERS`` lists the parser functions in help order.
Errors dsrgeo raises on purpose become one line on stderr and exit status 2.
"""

import argparse
import sys

from dsrgeo.errors import DsrgeoError

__all__ = ["main"]


# -- layers -----------------------------------------------------------------------------

def _add_layers_parser(subparsers):
    parser = subparsers.add_parser("layers", help="list the shipped layers with sources")
    parser.add_argument("--csv", metavar="PATH", help="write the table as CSV instead")
    parser.set_defaults(run=_cmd_layers)


def _cmd_layers(args):
    import pandas as pd

    from dsrgeo.fileio import atomic_write
    from dsrgeo.loader import layers

    table = layers()
    if args.csv:
        atomic_write(args.csv, table.to_csv(index=False))
        print(f"wrote {args.csv}")
        return 0
    with pd.option_context("display.width", 200, "display.max_colwidth", 60,
                           "display.max_columns", None):
        print(table.to_string(index=False))
    return 0


# -- build ------------------------------------------------------------------------------

def _add_build_parser(subparsers):
    parser = subparsers.add_parser(
        "build", help="rebuild the layer GeoJSON files from layers/sources")
    parser.add_argument("layers", nargs="*", metavar="LAYER", help="layer ids (default: all)")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: the shipped layers folder)")
    parser.set_defaults(run=_cmd_build)


def _cmd_build(args):
    from dsrgeo.build import build

    for layer_id, path in build(args.out, args.layers or None).items():
        print(f"{layer_id}: {path}")
    return 0


# -- lengths ----------------------------------------------------------------------------

def _add_lengths_parser(subparsers):
    from dsrgeo.geodesy import DEFAULT_LONG_RATIO, DEFAULT_SHORT_RATIO

    parser = subparsers.add_parser(
        "lengths",
        help="drawn (geodesic) vs stated cable lengths, with flags",
        description="Compare each cable's drawn route length (WGS84 geodesic) with its "
        "stated system length. Routes are stylised drawings, so a ratio far from 1 flags "
        "a disagreement between drawing and published figure, not an error in either.",
    )
    parser.add_argument("--cable", metavar="NAME",
                        help="only cables whose name contains NAME (any case) or whose id is NAME")
    parser.add_argument("--csv", metavar="PATH", help="write the table as CSV instead")
    parser.add_argument("--short-ratio", type=float, default=DEFAULT_SHORT_RATIO, metavar="R",
                        help="flag drawn/stated below R as drawn_short (default: %(default)s)")
    parser.add_argument("--long-ratio", type=float, default=DEFAULT_LONG_RATIO, metavar="R",
                        help="flag drawn/stated above R as drawn_long (default: %(default)s)")
    parser.set_defaults(run=_cmd_lengths)


def _cmd_lengths(args):
    import difflib

    import pandas as pd

    from dsrgeo.fileio import atomic_write
    from dsrgeo.geodesy import audit_lengths

    table = audit_lengths(short_ratio=args.short_ratio, long_ratio=args.long_ratio)
    if args.cable:
        wanted = args.cable.casefold()
        keep = table["name"].str.casefold().str.contains(wanted, regex=False) | (
            table["id"] == args.cable)
        if not keep.any():
            close = difflib.get_close_matches(args.cable, table["name"].tolist(), n=3, cutoff=0.4)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise DsrgeoError(f"no cable name contains {args.cable!r}{hint} "
                              "(run `dsrgeo lengths` for all names)")
        table = table[keep]
    if args.csv:
        atomic_write(args.csv, table.to_csv(index=False))
        print(f"wrote {len(table)} rows to {args.csv}")
        return 0
    with pd.option_context("display.width", 200, "display.max_colwidth", 50,
                           "display.max_rows", None):
        print(table.to_string(index=False))
    counts = ", ".join(f"{flag} {n}" for flag, n in table["flag"].value_counts().items())
    print(f"\n{len(table)} cables: {counts}. Routes are stylised drawings; "
          f"ratio = drawn_km / stated_km, flagged outside {args.short_ratio}-{args.long_ratio}.")
    return 0


# -- claims -----------------------------------------------------------------------------

def _add_claims_parser(subparsers):
    parser = subparsers.add_parser(
        "claims", help="the policy brief's figures set against the layers, with verdicts")
    parser.add_argument("--csv", metavar="PATH", help="write the table as CSV instead")
    parser.set_defaults(run=_cmd_claims)


def _cmd_claims(args):
    import math

    from dsrgeo.brief import claims
    from dsrgeo.fileio import atomic_write

    table = claims()
    if args.csv:
        atomic_write(args.csv, table.to_csv(index=False))
        print(f"wrote {len(table)} rows to {args.csv}")
        return 0
    for row in table.itertuples():
        data = "n/a" if math.isnan(row.data) else f"{row.data:,.1f}"
        print(f"[{row.paragraph}] \"{row.claim}\"  ({row.subject})")
        print(f"    claimed {row.claimed:,.1f} {row.unit} | data {data} {row.unit} "
              f"| {row.verdict.upper()}")
        print(f"    how: {row.how_computed}")
        print(f"    tolerance: {row.tolerance}\n")
    return 0


_PARSERS = [
    _add_layers_parser,
    _add_build_parser,
    _add_lengths_parser,
    _add_claims_parser,
]


def _parser():
    from dsrgeo import __version__

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
    >>> main(["--version"])  # doctest: +SKIP
    dsrgeo 0.1.0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except DsrgeoError as err:
        print(f"dsrgeo {args.command}: error: {err}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as err:
        print(f"dsrgeo {args.command}: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
