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


_PARSERS = [
    _add_layers_parser,
    _add_build_parser,
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
