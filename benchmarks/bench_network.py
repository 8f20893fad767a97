"""Time the network model: topologies, exposure() for every country, N-1 over all cables.

Run from the checkout::

    python benchmarks/bench_network.py [--repeat N]

For the networks of several years (more cables and countries each time) it prints the time to
build the network, to compute ``exposure()`` for every country (one max-flow per country) and
to cut every cable in turn (N-1: one ``cut()`` per cable, each giving the full table), and how
those grow with the number of cables. Prints figures; asserts nothing about time.
"""

import argparse
import platform
import statistics
import time


def _median_s(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def _fresh(year, topologies, shared):
    """A new Network of ``year`` (nothing cached in it), sharing the cable topologies."""
    import dsrgeo
    from dsrgeo.network import Network

    countries, chokepoints = shared
    return Network(
        dsrgeo.load("cables", as_of=year),
        dsrgeo.load("landing_points"),
        countries=countries,
        chokepoints=chokepoints,
        topologies=topologies,
        as_of=year,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (median)")
    args = parser.parse_args(argv)

    import dsrgeo
    from dsrgeo.network import build_topologies

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    cables = dsrgeo.load("cables")
    points = dsrgeo.load("landing_points")
    build_s, _ = _median_s(lambda: build_topologies(cables, points), args.repeat)
    topologies = build_topologies(cables, points)
    links = sum(len(t.links) for t in topologies.values())
    print(
        f"topologies of all {len(cables)} cables ({links:,} links): {build_s:.2f} s "
        "(once per process)"
    )
    shared = (
        dsrgeo.load("bri_countries")[["iso3", "name", "geometry"]],
        dsrgeo.load("chokepoints")[["id", "name", "geometry"]],
    )

    print(
        f"\n{'network':>8} {'cables':>6} {'countries':>9} {'build':>8} "
        f"{'exposure':>9} {'per country':>11} {'N-1 cuts':>9} {'per cut':>8}"
    )
    rows = []
    for year in (1995, 2005, 2015, 2022, None):
        build_network_s, _ = _median_s(lambda y=year: _fresh(y, topologies, shared), args.repeat)
        exposure_s, _ = _median_s(
            lambda y=year: _fresh(y, topologies, shared).exposure(), args.repeat
        )
        exposure_s -= build_network_s  # the same fresh network is built on both sides
        network = _fresh(year, topologies, shared)
        n_minus_1_s, _ = _median_s(
            lambda n=network: [n.cut(cable_id) for cable_id in n.cable_ids], args.repeat
        )
        n_cables, n_countries = len(network.cable_ids), len(network.countries)
        rows.append((n_cables, n_countries, exposure_s, n_minus_1_s))
        label = "all" if year is None else str(year)
        print(
            f"{label:>8} {n_cables:>6} {n_countries:>9} {build_network_s:>7.2f}s "
            f"{exposure_s:>8.2f}s {1000 * exposure_s / n_countries:>9.1f}ms "
            f"{n_minus_1_s:>8.2f}s {1000 * n_minus_1_s / n_cables:>6.1f}ms"
        )

    (c0, k0, e0, n0), (c1, k1, e1, n1) = rows[1], rows[-1]
    growth_cables = c1 / c0
    print(
        f"\nfrom {c0} to {c1} cables (x{growth_cables:.1f}), {k0} to {k1} countries "
        f"(x{k1 / k0:.1f}): exposure x{e1 / e0:.1f}, N-1 x{n1 / n0:.1f}."
    )
    print(
        "exposure: one max-flow per country over the links of its own cables, so its cost "
        "grows with the sum over countries of their cables' links (about cables x landing "
        "countries per cable), not with the whole network. N-1: one cut per cable, each a "
        "union-find over every cable's pieces plus the table, so about cables x (cables + "
        "countries): quadratic in the cables."
    )
    cold_s, _ = _median_s(lambda: dsrgeo.network.exposure(as_of=2022), 1)
    warm_s, _ = _median_s(lambda: dsrgeo.network.exposure(as_of=2022), args.repeat)
    print(
        f"dsrgeo.network.exposure(as_of=2022) first call {cold_s:.2f} s (network and min-cuts), "
        f"then {1000 * warm_s:.1f} ms (kept per process, a copy each call)"
    )


if __name__ == "__main__":
    main()
