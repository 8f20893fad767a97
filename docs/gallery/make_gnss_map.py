"""Make the 0.25 degree BeiDou-minus-GPS world map: an interactive page and a static PNG.

Run from the repository root::

    python docs/gallery/make_gnss_map.py            # about 15 s on 2 cores (the grid)
    python docs/gallery/make_gnss_map.py --cached   # reuse benchmarks/out/gnss_grid_025.npz

It computes ``coverage_grid(0.25, ...)`` over 2022-02-05 (5-minute epochs, 10 degree mask,
the shipped 2022-02-04 TLEs: 1,038,240 points), keeps it in ``benchmarks/out/`` (not in git),
and writes ``docs/gallery/beidou_minus_gps_025.html`` (not in git: 1 MB of page, open it in a
browser, offline) and ``docs/gallery/beidou_minus_gps_025.png`` (in git), both from
``Map().add_coverage(grid, "bds_minus_gps", metric="max")``: BeiDou's daily maximum of visible
satellites minus GPS's at every point.
"""

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd

import dsrgeo
from dsrgeo.gnss import coverage_grid

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "benchmarks" / "out" / "gnss_grid_025.npz"
OUT = ROOT / "docs" / "gallery"
START = dt.datetime(2022, 2, 5, tzinfo=dt.UTC)
COLUMNS = ["lat", "lon", "bds_max", "gps_max", "bds_minus_gps_max"]
# diverging, white at a tie: GPS ahead (brown) below 0, BeiDou ahead (blue-green) above;
# the ramp's 7 stops sit at -5, 0, 5, ... 25 satellites
PALETTE = ["#8c510a", "#f5f5f5", "#c7eae5", "#80cdc1", "#35978f", "#01665e", "#003c30"]
VALUE_RANGE = (-5.0, 25.0)


def grid(cached):
    """Return the 0.25 degree grid's columns, computed (and cached) or read from the cache."""
    if cached and CACHE.exists():
        data = np.load(CACHE)
        return pd.DataFrame({c: data[c] for c in COLUMNS})
    t0 = time.perf_counter()
    table = coverage_grid(0.25, start=START, end=START + dt.timedelta(days=1), step_s=300)
    print(f"0.25 degree grid: {len(table):,} points in {time.perf_counter() - t0:.1f} s")
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(CACHE, **{c: table[c].to_numpy() for c in COLUMNS})
    return table[COLUMNS]


def main(argv=None):
    """Compute or read the grid, then write the page and the PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cached", action="store_true", help=f"reuse {CACHE.name} if present")
    args = parser.parse_args(argv)
    table = grid(args.cached)
    ahead = float((table.bds_minus_gps_max > 0).mean())
    low, high = float(table.bds_minus_gps_max.min()), float(table.bds_minus_gps_max.max())
    print(
        f"BeiDou's daily max above GPS's at {ahead:.1%} of the points; "
        f"BeiDou minus GPS from {low:g} to {high:g}"
    )
    title = "BeiDou minus GPS: daily maximum of visible satellites, 2022-02-05, 10° mask"
    world = dsrgeo.Map(title=title).add_coverage(
        table,
        "bds_minus_gps",
        metric="max",
        name="BeiDou minus GPS, satellites (daily max, 0.25° grid)",
        palette=PALETTE,
        value_range=VALUE_RANGE,
        opacity=0.85,
    )
    page = world.save(OUT / "beidou_minus_gps_025.html")
    png = world.to_png(OUT / "beidou_minus_gps_025.png", width_px=1600)
    print(
        f"wrote {page} ({page.stat().st_size / 1e6:.1f} MB) and {png} "
        f"({png.stat().st_size / 1e6:.2f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
