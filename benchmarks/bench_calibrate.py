"""``leonet calibrate check`` over every calibration country: wall time (target: ≤ 10 min
on the 2-core machine) and the latency errors it reports.

Simulates each country with published values (133) the way ``leonet calibrate check
--countries all`` does — 24 terminals, 60 s of 1-s steps at its busy hour, routed to its
home PoP — in ``--workers`` spawned processes, then prints the wall time, the median
absolute relative error of latency p50 (goal ≤ 10 %) and the worst ten countries.

    python benchmarks/bench_calibrate.py [--terminals 24] [--duration-s 60] [--workers 2]
                                         [--countries POL,DEU,...]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terminals", type=int, default=24)
    ap.add_argument("--duration-s", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--countries", default="all")
    args = ap.parse_args()

    import numpy as np

    from leonet.calibration import check_countries, published_countries

    names = (
        published_countries()
        if args.countries == "all"
        else [c.strip() for c in args.countries.split(",")]
    )
    began = time.perf_counter()
    checks = check_countries(
        names, terminals=args.terminals, duration_s=args.duration_s, workers=args.workers
    )
    wall_s = time.perf_counter() - began
    errs = {c.country.iso3: e[1] for c in checks if (e := c.latency_error()) is not None}
    print(
        f"{len(checks)} countries in {wall_s:.0f} s ({wall_s / len(checks):.1f} s each, "
        f"{args.workers} workers; target ≤ 600 s for all)"
    )
    print(
        f"median |relative error| of latency p50: {np.median(np.abs(list(errs.values()))):.1%}"
        " (goal ≤ 10 %)"
    )
    print("worst ten:")
    by = {c.country.iso3: c for c in checks}
    for iso in sorted(errs, key=lambda k: -abs(errs[k]))[:10]:
        c = by[iso]
        assert c.published is not None
        print(
            f"  {iso} {c.country.name}: simulated p50 {c.simulated_latency_ms[1]:.1f} ms, "
            f"published {c.published.latency_ms[1]:.1f} ms ({errs[iso]:+.0%}), PoP "
            f"{c.pop or 'nearest'}, median {c.median_satellites:.0f} satellites on the path, "
            f"unserved {c.unserved:.0%}"
        )


if __name__ == "__main__":
    main()
