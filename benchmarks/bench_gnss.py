"""Benchmark dsrgeo.gnss side by side: skyfield's natural loop, bare SGP4, the engine, the grid.

Run from the repository root::

    python benchmarks/bench_gnss.py                     # about a minute on 2 cores
    python benchmarks/bench_gnss.py --skyfield-sites 0  # run the whole skyfield loop (slow)

Problem: the 202 Natural Earth capitals x the 134 satellites of the shipped 2022-02-04
TLEs x 1,440 one-minute epochs of 2022-02-05 (39.0 million site-satellite-epochs), 10 degree
mask. The skyfield loop, ``(sat - site).at(times).altaz()`` for every satellite and site,
is timed on the first ``--skyfield-sites`` capitals and scaled linearly to all of them (each
(site, satellite) pair is independent and costs the same). Prints figures; asserts nothing.
"""

import argparse
import datetime as dt
import os
import platform
import time
import tracemalloc

import numpy as np

import dsrgeo
from dsrgeo.catalog import sources_dir
from dsrgeo.gnss import coverage_grid, frames, visibility
from dsrgeo.gnss.capitals import capital_sites
from dsrgeo.gnss.elements import load_satellites
from dsrgeo.gnss.inputs import epoch_times

UTC = dt.UTC
START = dt.datetime(2022, 2, 5, tzinfo=UTC)
END = START + dt.timedelta(days=1)
MASK_DEG = 10.0
SYSTEMS = ("bds", "gps", "gal", "glo")


def best_of(repeats, func):
    """Return (best wall time in s, last result) over ``repeats`` runs."""
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


def peak_mib(func):
    """Return the peak traced Python/numpy allocation (MiB) while ``func`` runs."""
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def skyfield_loop(sats, sites, n_sites):
    """Visible counts the natural way: one altaz() per (satellite, site) over all epochs."""
    from skyfield.api import EarthSatellite, load, wgs84

    ts = load.timescale()
    minutes = np.arange(1440)
    times = ts.utc(2022, 2, 5, 0, minutes)
    satellites = [EarthSatellite(a, b, n, ts) for n, a, b in zip(sats.name, sats.line1, sats.line2)]
    systems = list(SYSTEMS)
    counts = np.zeros((n_sites, len(systems), 1440), int)
    for i in range(n_sites):
        site = wgs84.latlon(sites.geometry.y.iloc[i], sites.geometry.x.iloc[i])
        for satellite, system in zip(satellites, sats.system):
            alt, _, _ = (satellite - site).at(times).altaz()
            counts[i, systems.index(system)] += alt.degrees >= MASK_DEG
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skyfield-sites", type=int, default=6, help="capitals to run skyfield on (0: all of them)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--grids", default="2,1,0.5", help="grid resolutions in degrees")
    args = parser.parse_args(argv)

    sats = load_satellites()
    sites = capital_sites(sources_dir())
    times = epoch_times(START, END, 60)
    n_site, n_sat, n_epoch = len(sites), len(sats), len(times)
    work = n_site * n_sat * n_epoch
    print(
        f"dsrgeo {dsrgeo.__version__}, numpy {np.__version__}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs"
    )
    print(
        f"problem: {n_site} capitals x {n_sat} satellites x {n_epoch} epochs = "
        f"{work / 1e6:.1f} M site-satellite-epochs, mask {MASK_DEG:g} deg\n"
    )

    jd, fr = frames.julian_dates(times)
    satrecs = sats.satrecs()
    t_floor, _ = best_of(args.repeats, lambda: satrecs.sgp4(jd, fr))

    def run(pdop):
        return visibility(
            sites, start=START, end=END, step_s=60, min_elevation_deg=MASK_DEG, tles=sats, pdop=pdop
        )

    t_counts, _counts_only = best_of(args.repeats, lambda: run(False))
    t_full, full = best_of(args.repeats, lambda: run(True))
    peak_counts = peak_mib(lambda: run(False))
    peak_full = peak_mib(lambda: run(True))

    n_sky = n_site if args.skyfield_sites <= 0 else min(args.skyfield_sites, n_site)
    t0 = time.perf_counter()
    sky_counts = skyfield_loop(sats, sites, n_sky)
    t_sky_subset = time.perf_counter() - t0
    t_sky = t_sky_subset * n_site / n_sky
    # same daily max / min per system from both? means differ by a count at an epoch where a
    # satellite sits within ~0.0005 deg of the mask (the frame approximations; see frames.py)
    extremes_differing, mean_gap_epochs = 0, 0.0
    for j, system in enumerate(SYSTEMS):
        for stat, reduce in (("max", np.max), ("min", np.min)):
            ours = full[f"{system}_{stat}"].to_numpy()[:n_sky]
            extremes_differing += int(np.sum(ours != reduce(sky_counts[:, j], axis=1)))
        gap = np.abs(full[f"{system}_mean"].to_numpy()[:n_sky] - sky_counts[:, j].mean(axis=1))
        mean_gap_epochs = max(mean_gap_epochs, float(gap.max()) * n_epoch)

    print(f"capitals run (seconds, best of {args.repeats})")
    print(f"  bare SatrecArray.sgp4 of {n_sat} x {n_epoch} (floor)   {t_floor:8.3f}")
    print(
        f"  dsrgeo visibility, counts only (pdop=False)      {t_counts:8.3f}   "
        f"{t_counts / t_floor:5.1f} x floor   {work / t_counts / 1e6:6.0f} M/s"
    )
    print(
        f"  dsrgeo visibility, counts + PDOP (layer recipe)   {t_full:8.3f}   "
        f"{t_full / t_floor:5.1f} x floor   {work / t_full / 1e6:6.0f} M/s"
    )
    scaled = "measured"
    if n_sky < n_site:
        scaled = f"{n_sky} capitals timed ({t_sky_subset:.1f} s), scaled x{n_site / n_sky:.1f}"
    print(f"  skyfield loop (sat - site).at(t).altaz()         {t_sky:8.1f}   ({scaled})")
    print(
        f"  speed-up vs skyfield: {t_sky / t_full:6.0f} x with PDOP, "
        f"{t_sky / t_counts:6.0f} x counts only"
    )
    print(
        f"  vs skyfield on the timed capitals: daily max/min differing {extremes_differing} of "
        f"{n_sky * 8}; daily means differ by at most {mean_gap_epochs:.0f} satellite-epoch(s) "
        f"of {n_epoch}"
    )
    print(f"  peak traced memory: {peak_counts:.1f} MiB counts only, {peak_full:.1f} MiB with PDOP")
    wins = int((full.bds_max > full.gps_max).sum())
    print(f"  BeiDou daily max > GPS daily max: {wins} of {n_site}")

    print("\nglobal grid, 5-minute epochs (288), counts per system, Dask local threads")
    print("  res    points   seconds   M site-sat-epochs/s   us per point")
    for res in (float(r) for r in args.grids.split(",")):
        t0 = time.perf_counter()
        grid = coverage_grid(
            res,
            start=START,
            end=END,
            step_s=300,
            min_elevation_deg=MASK_DEG,
            tles=sats,
            progress=False,
        )
        seconds = time.perf_counter() - t0
        cells = len(grid) * n_sat * 288
        print(
            f"  {res:4g}  {len(grid):8d}  {seconds:8.2f}   {cells / seconds / 1e6:10.0f}   "
            f"{seconds / len(grid) * 1e6:12.1f}"
        )
    print(f"\nmax RSS of this process: {_max_rss_mib():.0f} MiB")
    return 0


def _max_rss_mib():
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
