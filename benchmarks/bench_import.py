"""Time ``python -c "import dsrgeo"`` against ``python -c "import geopandas"``.

Each command runs in a fresh interpreter ``--repeat`` times (default 15), alternating the
two so machine noise hits both alike; the median and the spread are printed.

    python benchmarks/bench_import.py
"""

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c 'pass'": "pass",
    "import dsrgeo": "import dsrgeo",
    "import geopandas": "import geopandas",
}


def _run(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    for code in COMMANDS.values():  # warm the file cache
        _run(code)
    times = {label: [] for label in COMMANDS}
    for _ in range(args.repeat):
        for label, code in COMMANDS.items():
            times[label].append(_run(code))
    print(f"{'command':<20} {'median ms':>10} {'min ms':>8} {'max ms':>8}   (n={args.repeat})")
    for label, values in times.items():
        print(
            f"{label:<20} {statistics.median(values) * 1e3:>10.0f} "
            f"{min(values) * 1e3:>8.0f} {max(values) * 1e3:>8.0f}"
        )
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, dsrgeo; print(sorted(m for m in "
            "('folium','branca','sgp4','dask','distributed','matplotlib','networkx','skyfield',"
            "'requests','geopandas','shapely','pyproj') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    print(f"heavy modules loaded by `import dsrgeo`: {loaded}")


if __name__ == "__main__":
    main()
