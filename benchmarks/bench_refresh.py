"""Time a full-size refresh from 127.0.0.1, and what checking a snapshot on read costs.

The shipped cable sources (``layers/sources/cables``: 527 route features, 1414 landing
points, 521 cable records) and the 2026-06-06 TLE set are served in the upstream layout by
the tests' local HTTP server. Printed: the median and spread of ``--repeat`` runs of

- ``refresh_tles`` and ``refresh_cables`` (download, checks, build, swap);
- reading a snapshot's provenance alone (``Snapshot.from_folder``) and reading it with every
  file's size and sha256 checked (``latest_snapshot``, what every read of refreshed data
  does): the difference is the cost of the check;
- ``load("cables", snapshot="latest")`` (checked, then read from the per-process cache).

    python benchmarks/bench_refresh.py
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from httpserver import LocalServer, Route  # noqa: E402

import dsrgeo  # noqa: E402
from dsrgeo import datadir, refresh  # noqa: E402


def _mirror(sources):
    routes = {
        "/m/cable/cable-geo.json": sources / "cable-geo.json",
        "/m/landing-point/landing-point-geo.json": sources / "landing-point-geo.json",
        "/m/supplier/hmn-tech.json": sources / "supplier" / "hmn-tech.json",
        "/m/LICENSE": sources / "LICENSE",
    }
    routes |= {f"/m/cable/{p.name}": p for p in (sources / "cable").glob("*.json")}
    return {path: Route(file.read_bytes()) for path, file in routes.items()}


def _time(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    sources = REPO / "layers" / "sources" / "cables"
    tle = REPO / "layers" / "sources" / "gnss" / "2026-06-06" / "gnss.txt"
    with tempfile.TemporaryDirectory() as folder, LocalServer() as server:
        os.environ[datadir.ENV_VAR] = folder
        server.routes |= _mirror(sources)
        server.routes["/gnss.txt"] = Route(tle.read_bytes())
        tle_url, cables_url = server.url("/gnss.txt"), server.url("/m/")
        results = {
            "refresh_tles (172 satellites)": _time(
                lambda: refresh.refresh_tles(tle_url, progress=False), args.repeat
            ),
            "refresh_cables (521 records)": _time(
                lambda: refresh.refresh_cables(cables_url, progress=False), args.repeat
            ),
        }
        snapshot = datadir.latest_snapshot("cables")
        files = len(snapshot.downloads) + len(snapshot.built)
        size = sum(d.size_bytes for d in (*snapshot.downloads, *snapshot.built))
        repeat = 10 * args.repeat
        results[f"cables provenance only ({files} files)"] = _time(
            lambda: datadir.Snapshot.from_folder(snapshot.folder), repeat
        )
        results[f"cables provenance + sha256 ({size / 1e6:.1f} MB)"] = _time(
            lambda: datadir.latest_snapshot("cables"), repeat
        )
        results["tle provenance + sha256"] = _time(lambda: datadir.latest_snapshot("tle"), repeat)
        results["load('cables', snapshot='latest')"] = _time(
            lambda: dsrgeo.load("cables", snapshot="latest"), repeat
        )
    print(f"{'what':<46} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for label, values in results.items():
        print(
            f"{label:<46} {statistics.median(values) * 1e3:>10.1f} "
            f"{min(values) * 1e3:>8.1f} {max(values) * 1e3:>8.1f}   (n={len(values)})"
        )


if __name__ == "__main__":
    main()
