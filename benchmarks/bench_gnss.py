"""Benchmark dsrgeo.gnss as users run it: fresh processes, first and warm calls, memory, scaling.

Run from the repository root (any dsrgeo on PYTHONPATH, e.g. an older checkout, to compare)::

    python benchmarks/bench_gnss.py            # about 5 minutes on 2 cores
    python benchmarks/bench_gnss.py --quick    # about 1.5 minutes: fewer repeats, no skyfield
    python benchmarks/bench_gnss.py --quick --cluster 0.25   # + the grid on a LocalCluster

Fresh processes start as users' do only from an installed dsrgeo (bytecode, no source tree);
to measure that, run it with the Python of a new virtual environment::

    python -m venv /tmp/bench && /tmp/bench/bin/pip install .
    /tmp/bench/bin/python benchmarks/bench_gnss.py --quick

Jobs: the ``beidou_capitals`` layer recipe (``capitals_visibility()``: 209 capitals x 134
satellites x 1,440 one-minute epochs of 2022-02-05, counts and PDOP) and
``coverage_grid(res, start=2022-02-05, end=+1 day, step_s=300, progress=False)`` at 2, 1,
0.5 and 0.25 degrees. For each it reports:

- whole fresh processes (``python -c "import dsrgeo.gnss; <one call>"``): wall time (median
  of ``--repeats``), user and system CPU, peak RSS (``ru_maxrss``);
- in one process: the first call and the warm (second) call;
- beside them the floor: bare ``SatrecArray.sgp4`` of the same satellites and epochs, the
  engine's own propagation of the capitals window (at 10-minute nodes, interpolated), and
  the capitals recipe against bare SGP4 timed in turn in one process (median ratio);
- how time grows with points (grids) and with epochs (the capitals at 30-240 s steps), as
  log-log slopes (1.0 = linear);
- skyfield's natural loop, ``(sat - site).at(t).altaz()`` for every satellite and every one
  of the 209 capitals (timed in full, not extrapolated), and whether the daily max / min
  agree.

The machine may be shared: run it twice and compare; medians and CPU times are steadier than
single wall times. Prints figures; asserts nothing. ``--json FILE`` also writes them.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

START = "2022-02-05"
GRID_CALL = (
    "coverage_grid({res}, start=start, end=start + dt.timedelta(days=1), step_s=300, "
    "progress=False)"
)
CHILD = """
import time
t_start = time.perf_counter()
import datetime as dt, json, resource, sys
import dsrgeo.gnss
from dsrgeo.gnss import capitals_visibility, coverage_grid
start = dt.datetime(2022, 2, 5, tzinfo=dt.timezone.utc)
t_import = time.perf_counter()
calls = []
for _ in range({calls}):
    t0 = time.perf_counter()
    result = {call}
    calls.append(time.perf_counter() - t0)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"import_s": t_import - t_start, "calls_s": calls, "rows": len(result),
                  "dsrgeo": dsrgeo.__file__,
                  "user_s": usage.ru_utime, "sys_s": usage.ru_stime,
                  "maxrss_mib": usage.ru_maxrss / 1024}}))
"""


def _dsrgeo_root():
    """The folder holding the dsrgeo package this process imported."""
    import dsrgeo

    return os.path.dirname(os.path.dirname(os.path.abspath(dsrgeo.__file__)))


def environment():
    """What moves a fresh process's start-up besides the machine: the facts, as a dict.

    A source tree on ``PYTHONPATH`` without bytecode (``PYTHONDONTWRITEBYTECODE``) makes every
    process compile dsrgeo's modules; an installed pyarrow is imported by pandas 3 in every
    process. ``pip install dsrgeo`` gives bytecode and, since 0.2, no pyarrow.
    """
    import glob
    import importlib.util

    root = _dsrgeo_root()
    sources = glob.glob(os.path.join(root, "dsrgeo", "gnss", "*.py"))
    return {
        "dsrgeo_root": root,
        "installed": os.path.basename(root) == "site-packages",
        "bytecode": all(os.path.exists(importlib.util.cache_from_source(f)) for f in sources),
        "pyarrow": importlib.util.find_spec("pyarrow") is not None,
    }


def job_call(job):
    """The Python expression one job runs."""
    if job == "capitals":
        return "capitals_visibility()"
    return GRID_CALL.format(res=job)


def child(job, calls):
    """Run a fresh interpreter doing ``calls`` calls of ``job``; return its figures."""
    code = CHILD.format(calls=calls, call=job_call(job))
    t0 = time.perf_counter()
    # -P and a neutral folder: the child imports the dsrgeo this process imported (from
    # PYTHONPATH or the installed one), never a checkout that happens to be the current folder
    done = subprocess.run(
        [sys.executable, "-P", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"PYTHONPATH": _dsrgeo_root()},
        cwd=tempfile.gettempdir(),
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process_s"] = time.perf_counter() - t0
    return figures


def fresh_processes(jobs, repeats):
    """Whole-process and first/warm figures for each job."""
    rows = {}
    for job in jobs:
        once = [child(job, 1) for _ in range(repeats)]
        twice = [child(job, 2) for _ in range(max(1, repeats // 2))]
        rows[job] = {
            "process_s": statistics.median(r["process_s"] for r in once),
            "process_min_s": min(r["process_s"] for r in once),
            "import_s": statistics.median(r["import_s"] for r in once),
            "user_s": statistics.median(r["user_s"] for r in once),
            "sys_s": statistics.median(r["sys_s"] for r in once),
            "maxrss_mib": max(r["maxrss_mib"] for r in once),
            "first_call_s": statistics.median(r["calls_s"][0] for r in twice),
            "warm_call_s": min(r["calls_s"][1] for r in twice),
            "rows": once[0]["rows"],
        }
        assert once[0]["dsrgeo"].startswith(_dsrgeo_root()), once[0]["dsrgeo"]
        r = rows[job]
        print(
            f"  {label(job):>13}  {r['process_s']:7.2f}  {r['import_s']:6.2f}  "
            f"{r['user_s']:6.1f}  {r['sys_s']:6.1f}  {r['maxrss_mib']:7.0f}  "
            f"{r['first_call_s']:7.2f}  {r['warm_call_s']:7.2f}  "
            f"{r['process_s'] / r['warm_call_s']:6.2f}",
            flush=True,
        )
    return rows


def label(job):
    return "capitals" if job == "capitals" else f"grid {job} deg"


def propagation_floor(n_epochs, step_s, repeats):
    """Best time of bare SatrecArray.sgp4 over the shipped 134 satellites and the epochs."""
    import datetime as dt

    from dsrgeo.gnss import frames, load_satellites
    from dsrgeo.gnss.inputs import epoch_times

    start = dt.datetime.fromisoformat(START).replace(tzinfo=dt.UTC)
    times = epoch_times(start, start + dt.timedelta(seconds=n_epochs * step_s), step_s)
    jd, fr = frames.julian_dates(times)
    satrecs = load_satellites().satrecs()
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        satrecs.sgp4(jd, fr)
        best = min(best, time.perf_counter() - t0)
    return best


def engine_propagation(n_epochs, step_s, repeats):
    """Best time of the engine's own propagation of that window (nodes, interpolated)."""
    from dsrgeo.gnss import load_satellites, propagation

    sats = load_satellites()
    satrecs = sats.satrecs()
    first = np.datetime64(START, "us")
    step = np.timedelta64(step_s, "s")
    return best_of(
        repeats, lambda: propagation.window_ecef_km(sats, satrecs, first, step, n_epochs)
    )


def capitals_against_floor(repeats):
    """The capitals recipe's warm call against bare SGP4, alternated in this process.

    Both are timed ``repeats`` times in turn (SGP4, then the recipe), so a busy spell of the
    machine slows both; returns the median of the per-pair ratios and the medians of each.
    """
    import datetime as dt

    from dsrgeo.gnss import capitals_visibility, frames, load_satellites
    from dsrgeo.gnss.inputs import epoch_times

    start = dt.datetime.fromisoformat(START).replace(tzinfo=dt.UTC)
    jd, fr = frames.julian_dates(epoch_times(start, start + dt.timedelta(days=1), 60))
    satrecs = load_satellites().satrecs()
    capitals_visibility()  # warm
    bare, recipe = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        satrecs.sgp4(jd, fr)
        t1 = time.perf_counter()
        capitals_visibility()
        t2 = time.perf_counter()
        bare.append(t1 - t0)
        recipe.append(t2 - t1)
    ratios = [r / b for r, b in zip(recipe, bare)]
    return {
        "ratio_median": statistics.median(ratios),
        "ratio_range": [min(ratios), max(ratios)],
        "recipe_s": statistics.median(recipe),
        "bare_s": statistics.median(bare),
    }


def best_of(repeats, func):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def slope(sizes, seconds):
    """Log-log slope of time against size (1.0: linear)."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def scaling(grids, repeats):
    """Warm in-process times against points (grids) and against epochs (capitals)."""
    import datetime as dt

    from dsrgeo.gnss import capitals_visibility, coverage_grid
    from dsrgeo.gnss.grid import grid_shape

    start = dt.datetime(2022, 2, 5, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1)
    coverage_grid(4, start=start, end=end, progress=False)  # warm up
    points, grid_s = [], []
    for res in grids:
        seconds = best_of(
            repeats, lambda r=res: coverage_grid(r, start=start, end=end, progress=False)
        )
        n_lat, n_lon = grid_shape(res)
        points.append(n_lat * n_lon)
        grid_s.append(seconds)
        print(f"  grid {res:5g} deg  {n_lat * n_lon:9,d} points  {seconds:7.2f} s", flush=True)
    epochs, capital_s = [], []
    for step_s in (240, 120, 60, 30):
        seconds = best_of(repeats, lambda s=step_s: capitals_visibility(step_s=s))
        epochs.append(86400 // step_s)
        capital_s.append(seconds)
        print(f"  capitals, step {step_s:3d} s  {86400 // step_s:5d} epochs  {seconds:7.3f} s")
    print(
        f"  log-log slope: time ~ points^{slope(points, grid_s):.2f} (grids), "
        f"~ epochs^{slope(epochs, capital_s):.2f} (capitals with PDOP)"
    )
    return {"grid_points": points, "grid_s": grid_s, "epochs": epochs, "capitals_s": capital_s}


def skyfield_all_capitals():
    """Time skyfield's loop over ALL 209 capitals and compare daily max / min with dsrgeo's."""
    from skyfield.api import EarthSatellite, load, wgs84

    import dsrgeo
    from dsrgeo.gnss import capitals_visibility, load_satellites
    from dsrgeo.gnss.elements import CORE_SYSTEMS

    systems = CORE_SYSTEMS
    sats = load_satellites()
    capitals = dsrgeo.load("beidou_capitals")
    t0 = time.perf_counter()
    ts = load.timescale()
    times = ts.utc(2022, 2, 5, 0, np.arange(1440))
    satellites = [EarthSatellite(a, b, n, ts) for n, a, b in zip(sats.name, sats.line1, sats.line2)]
    counts = np.zeros((len(capitals), len(systems), 1440), int)
    for i, point in enumerate(capitals.geometry):
        site = wgs84.latlon(point.y, point.x)
        for satellite, system in zip(satellites, sats.system):
            altitude, _, _ = (satellite - site).at(times).altaz()
            counts[i, systems.index(system)] += altitude.degrees >= 10.0
    seconds = time.perf_counter() - t0
    ours = capitals_visibility(pdop=False)
    differing = 0
    worst_mean = 0.0
    for j, system in enumerate(systems):
        differing += int(np.sum(ours[f"{system}_max"].to_numpy() != counts[:, j].max(axis=1)))
        differing += int(np.sum(ours[f"{system}_min"].to_numpy() != counts[:, j].min(axis=1)))
        gap = np.abs(ours[f"{system}_mean"].to_numpy() - counts[:, j].mean(axis=1))
        worst_mean = max(worst_mean, float(gap.max()))
    print(
        f"  skyfield loop over ALL {len(capitals)} capitals x {len(sats)} satellites x 1440 "
        f"epochs (timed in full, not extrapolated): {seconds:.1f} s"
    )
    print(
        f"  daily max/min differing from dsrgeo: {differing} of {len(capitals) * 8}; daily "
        f"means within {worst_mean:.4f} (layer rounds them to 0.01)"
    )
    return {"skyfield_s": seconds, "extremes_differing": differing, "worst_mean_gap": worst_mean}


def cluster_check(res):
    """The grid on a 2-worker LocalCluster (processes) against local threads: identical?"""
    import datetime as dt

    import distributed
    import pandas as pd

    from dsrgeo.gnss import coverage_grid

    start = dt.datetime(2022, 2, 5, tzinfo=dt.UTC)
    window = {"start": start, "end": start + dt.timedelta(days=1), "step_s": 300}
    t0 = time.perf_counter()
    on_threads = coverage_grid(res, **window, progress=False)
    threads_s = time.perf_counter() - t0
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        t0 = time.perf_counter()
        on_cluster = coverage_grid(res, **window, client=client, progress=False)
        cluster_s = time.perf_counter() - t0
    pd.testing.assert_frame_equal(on_cluster, on_threads, check_exact=True)
    print(
        f"  {res:g} deg grid ({len(on_threads):,} points): local threads {threads_s:.1f} s, "
        f"2-worker LocalCluster {cluster_s:.1f} s; all {on_threads.shape[1]} columns identical "
        "(assert_frame_equal, check_exact=True)"
    )
    return {"threads_s": threads_s, "cluster_s": cluster_s, "identical": True}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no skyfield")
    parser.add_argument("--repeats", type=int, default=None, help="fresh processes per job")
    parser.add_argument("--grids", default="2,1,0.5,0.25", help="grid resolutions, degrees")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--cluster",
        type=float,
        metavar="RES",
        help="also compare a RES degree grid on a 2-worker LocalCluster with local threads",
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (2 if args.quick else 5)
    grids = [float(r) for r in args.grids.split(",")]

    import dsrgeo

    print(
        f"dsrgeo {dsrgeo.__version__} from {os.path.dirname(dsrgeo.__file__)}, numpy "
        f"{np.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f} (other work on the machine skews wall times)\n"
    )
    env = environment()
    print(
        f"children import dsrgeo from {env['dsrgeo_root']} "
        f"({'installed' if env['installed'] else 'a source tree'}); its gnss modules have "
        f"bytecode: {'yes' if env['bytecode'] else 'no (every process compiles them)'}; "
        f"pyarrow installed: {'yes (pandas imports it in every process)' if env['pyarrow'] else 'no'}\n"
    )
    figures = {"environment": env}
    floor_capitals = propagation_floor(1440, 60, 5)
    floor_grid = propagation_floor(288, 300, 5)
    print(
        f"propagation floor (bare SatrecArray.sgp4, 134 satellites): {floor_capitals:.3f} s for "
        f"1440 epochs (capitals), {floor_grid:.3f} s for 288 epochs (grids)\n"
    )
    figures["floor_s"] = {"capitals": floor_capitals, "grid": floor_grid}
    own = engine_propagation(1440, 60, 5)
    print(
        f"the engine's own propagation of the capitals window (SGP4 at 10-minute nodes, "
        f"interpolated; dsrgeo.gnss.propagation): {own:.3f} s\n"
    )
    figures["engine_propagation_s"] = {"capitals": own}

    print(f"fresh processes (median of {repeats}; first/warm: calls 1 and 2 in one process)")
    print("            job  process  import    user     sys  maxRSS   first     warm  process")
    print("                       s       s       s       s     MiB  call s   call s   / warm")
    jobs = ["capitals", *(f"{r:g}" for r in grids)]
    figures["fresh"] = fresh_processes(jobs, repeats)
    capitals = figures["fresh"]["capitals"]
    print(
        f"  capitals recipe warm / floor: {capitals['warm_call_s'] / floor_capitals:.2f} x "
        "(the warm call includes loading the layer and the TLEs)"
    )
    pairs = capitals_against_floor(9 if args.quick else 15)
    print(
        f"  capitals recipe warm call / bare SGP4, alternated in one process: median "
        f"{pairs['ratio_median']:.2f} x ({pairs['ratio_range'][0]:.2f}-"
        f"{pairs['ratio_range'][1]:.2f}; {pairs['recipe_s']:.3f} s / {pairs['bare_s']:.3f} s)"
    )
    figures["capitals_against_floor"] = pairs
    if "0.25" in figures["fresh"] and "1" in figures["fresh"]:
        quarter, one = figures["fresh"]["0.25"], figures["fresh"]["1"]
        print(
            f"  0.25 deg fresh process / 1 deg warm call: "
            f"{quarter['process_s'] / one['warm_call_s']:.1f} x (16 x the points)"
        )

    print("\nscaling (warm, in this process, best of 2)")
    figures["scaling"] = scaling([g for g in grids if g >= (0.5 if args.quick else 0.25)], 2)

    if args.cluster:
        print("\ndask.distributed")
        figures["cluster"] = cluster_check(args.cluster)
    if not args.quick:
        print("\nagainst skyfield")
        figures["skyfield"] = skyfield_all_capitals()
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(figures, handle, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
