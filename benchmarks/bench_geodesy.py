"""Time the layer math: geodesic lengths of all cables (vectorised vs a per-feature loop),
``indicators()`` and ``cable_graph()``.

Run from the checkout::

    python benchmarks/bench_geodesy.py [--repeat N]

Prints figures; asserts nothing about time.
"""

import argparse
import platform
import statistics
import time

import numpy as np
import pyproj
import shapely


def _median_ms(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def per_feature_loop_km(geoms):
    """The baseline: one pyproj call per feature (and per part), in a Python loop."""
    geod = pyproj.Geod(ellps="WGS84")
    out = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            out.append(np.nan)
            continue
        parts = geom.geoms if hasattr(geom, "geoms") else [geom]
        total_m = 0.0
        for part in parts:
            lon, lat = np.asarray(part.coords)[:, :2].T
            total_m += geod.line_length(lon, lat)
        out.append(total_m / 1000)
    return np.array(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--repeat", type=int, default=20, help="timed runs per figure (median shown)"
    )
    args = parser.parse_args(argv)

    import dsrgeo
    from dsrgeo.analysis import cable_graph, indicators
    from dsrgeo.geodesy import geodesic_length_km

    cables = dsrgeo.load("cables")
    geoms = list(cables.geometry)
    vertices = len(shapely.get_coordinates(cables.geometry.array))
    print(
        f"python {platform.python_version()}, pyproj {pyproj.__version__}, "
        f"shapely {shapely.__version__}, {platform.machine()}"
    )
    print(f"cables layer: {len(cables)} features, {vertices} vertices\n")

    vectorised = geodesic_length_km(cables)
    looped = per_feature_loop_km(geoms)
    agree = np.nanmax(np.abs(vectorised - looped))
    print(f"max |vectorised - loop| = {agree * 1e6:.3f} mm over all cables")

    # the same vertices as one feature per segment: where a per-feature loop pays most
    coords, part = shapely.get_coordinates(
        shapely.get_parts(cables.geometry.array), return_index=True
    )
    keep = part[:-1] == part[1:]
    segments = list(shapely.linestrings(np.stack([coords[:-1][keep], coords[1:][keep]], axis=1)))

    indicators()  # warm the layer cache so the figures are the joins, not the disk
    rows = [
        ("geodesic_length_km (vectorised)", lambda: geodesic_length_km(cables)),
        ("per-feature loop (Geod.line_length)", lambda: per_feature_loop_km(geoms)),
        (f"vectorised, {len(segments)} 1-segment features", lambda: geodesic_length_km(segments)),
        (f"loop, {len(segments)} 1-segment features", lambda: per_feature_loop_km(segments)),
        ("audit_lengths (all cables)", lambda: dsrgeo.audit_lengths(cables)),
        ("indicators()", indicators),
        ("cable_graph()", cable_graph),
        ('cable_graph(suppliers="HMN")', lambda: cable_graph(suppliers="HMN")),
    ]

    print(f"\n{'what':<40} {'median ms':>10} {'best ms':>10}   (repeat={args.repeat})")
    for label, function in rows:
        median, best = _median_ms(function, args.repeat)
        print(f"{label:<40} {median:>10.2f} {best:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
