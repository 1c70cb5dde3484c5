"""``leonet calibrate check`` over every calibration country: wall time (target: ≤ 10 min
on the 2-core machine), its ratio to a machine-speed reference measured in the same run,
and the errors it reports.

Simulates each country with published values (133) the way ``leonet calibrate check
--countries all`` does — 24 terminals, 60 s of 1-s steps at its busy hour, routed to its
home PoP, the radio every 5th step for the speed tests — in ``--workers`` spawned
processes, then prints the wall time, the median absolute relative error of latency,
download and upload p50 (goals ≤ 10 %, 20 %, 20 %) and p20-p80 spread (goal ≤ 25 % each),
and the worst ten countries by latency p50 and by latency spread.

The reference is :func:`bench_run.machine_reference_s` (raw ``SatrecArray.sgp4`` of the
bundled catalogue, 600 1-s steps, one thread), taken before and after the check; the
ratio wall / reference says how long the check is in machine-independent units.

    python benchmarks/bench_calibrate.py [--terminals 24] [--duration-s 60] [--step-s 1]
                                         [--workers 2] [--countries POL,DEU,...]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from bench_run import machine_reference_s  # after the thread setting


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--terminals", type=int, default=24)
    ap.add_argument("--duration-s", type=float, default=None, help="default: calibrate's")
    ap.add_argument("--step-s", type=float, default=None, help="default: calibrate's")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--countries", default="all")
    args = ap.parse_args()

    from leonet.calibration import (
        KINDS,
        SAMPLE_DURATION_S,
        SAMPLE_STEP_S,
        check_countries,
        median_errors,
        median_summary,
        published_countries,
    )

    names = (
        published_countries()
        if args.countries == "all"
        else [c.strip() for c in args.countries.split(",")]
    )
    ref_before, n_sats = machine_reference_s(600)
    began = time.perf_counter()
    duration_s = SAMPLE_DURATION_S if args.duration_s is None else args.duration_s
    step_s = SAMPLE_STEP_S if args.step_s is None else args.step_s
    checks = check_countries(
        names,
        terminals=args.terminals,
        duration_s=duration_s,
        step_s=step_s,
        workers=args.workers,
    )
    wall_s = time.perf_counter() - began
    ref_after, _ = machine_reference_s(600)
    ref_s = 0.5 * (ref_before + ref_after)
    print(
        f"machine reference: raw SatrecArray.sgp4, {n_sats:,} satellites × 600 steps in "
        f"{ref_before:.2f} s before the check, {ref_after:.2f} s after"
    )
    print(
        f"{len(checks)} countries in {wall_s:.0f} s ({wall_s / len(checks):.1f} s each, "
        f"{args.workers} workers, {duration_s:g} s at {step_s:g}-s steps each; target ≤ 600 s "
        f"for all) = {wall_s / ref_s:.0f}× the reference"
    )
    medians = median_errors(checks)
    for kind in KINDS:
        n, _ = medians[f"{kind}_p50"]
        if n:
            line = median_summary(medians, kind)
            print(f"median |relative error| over {n} countries, {kind}: {line}")
    errs_lat = {c.country.iso3: e[1] for c in checks if (e := c.latency_error()) is not None}
    print("worst ten by latency p50:")
    by = {c.country.iso3: c for c in checks}
    for iso in sorted(errs_lat, key=lambda k: -abs(errs_lat[k]))[:10]:
        c = by[iso]
        assert c.published is not None
        print(
            f"  {iso} {c.country.name}: simulated p50 {c.simulated_latency_ms[1]:.1f} ms, "
            f"published {c.published.latency_ms[1]:.1f} ms ({errs_lat[iso]:+.0%}), PoP "
            f"{c.pop or 'nearest'}, median {c.median_satellites:.0f} satellites on the path, "
            f"unserved {c.unserved:.0%}; download {c.simulated_download_mbps[1]:.0f} vs "
            f"{c.published.download_mbps[1]:.0f} Mb/s"
        )
    print("worst ten by latency p20-p80 spread:")
    for c in sorted(checks, key=lambda c: -abs(c.spread_error("latency") or 0.0))[:10]:
        sim, pub = c.spreads("latency")
        print(
            f"  {c.country.iso3} {c.country.name}: simulated {sim:.1f} ms, published "
            f"{pub:.1f} ms ({c.spread_error('latency'):+.0%}), median "
            f"{c.median_satellites:.0f} satellites on the path, unserved {c.unserved:.0%}"
        )


if __name__ == "__main__":
    main()
