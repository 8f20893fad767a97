"""Sizes and times of the static exports of the default map, of the report, and of the notebooks.

Each export and the report run ``--repeat`` times (default 3) in this process after one warm-up
(layers cached by then, as in a notebook); the median time is printed. Notebooks run once each
in a fresh python3 kernel (nbclient), from a temporary folder.

    python benchmarks/bench_export.py [--repeat N] [--no-notebooks]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import dsrgeo
from dsrgeo import export, report

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _timed(function, repeat):
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return result, statistics.median(times)


def _exports(folder, repeat):
    for name, write in [
        ("PNG 1600 px, 200 dpi", lambda: export.to_png(dsrgeo.Map.default(), folder / "map.png")),
        ("SVG 8 in", lambda: export.to_svg(dsrgeo.Map.default(), folder / "map.svg")),
        ("PDF 8 in", lambda: export.to_pdf(dsrgeo.Map.default(), folder / "map.pdf")),
        ("report HTML", lambda: report.write_report(folder / "report.html")[0]),
        ("report HTML + PDF", lambda: report.write_report(folder / "r2.html", pdf=True)[1]),
    ]:
        path, seconds = _timed(write, repeat)
        print(
            f"{name:22s} {path.stat().st_size / 1e6:7.2f} MB  {seconds:6.2f} s "
            "(median, map built and drawn)"
        )


def _notebooks():
    import nbformat
    from nbclient import NotebookClient

    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        with tempfile.TemporaryDirectory() as folder:
            client = NotebookClient(
                notebook,
                kernel_name="python3",
                timeout=300,
                resources={"metadata": {"path": folder}},
            )
            start = time.perf_counter()
            client.execute()
            print(f"{path.name:32s} {time.perf_counter() - start:6.1f} s (kernel start included)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-notebooks", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"dsrgeo {dsrgeo.__version__}; default map layers: "
        f"{[layer.layer_id for layer in dsrgeo.Map.default().layers]}"
    )
    with tempfile.TemporaryDirectory() as folder:
        _exports(Path(folder), args.repeat)
    if not args.no_notebooks:
        _notebooks()


if __name__ == "__main__":
    main()
