"""Coverage speed and memory (issue: ground segment, visibility and the scheduler).

Ukraine at H3 resolution 5 (2,467 cells) plus the 53 bundled named terminals, against the
full bundled Starlink catalogue (10,395 satellites), one hour at 1 s, through the whole
coverage run (propagation, culled visibility, the 15-s scheduler, metrics).
Prints the time per step and in total, the same visibility computed densely (all
site × satellite pairs, ``visible_dense``) on a sample of steps in the same run — the
ratio per step (target ≥ 20×) —, and the run's peak memory (target < 2 GiB), measured in
a fresh child process.  The first call of ``visible`` in a process loads (or, the very
first time, compiles) its numba kernels: it is timed on its own, before the sample.

    python benchmarks/bench_coverage.py [--duration-s 3600] [--dense-steps 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from leonet.access import satellite_min_elevation_deg, visible, visible_dense
from leonet.engine import run_coverage
from leonet.ground import Sites, country, load_places, tile_region
from leonet.space import Propagator, load_constellation
from leonet.timegrid import TimeGrid

START = "2026-05-30T12:00:00Z"


def ukraine_sites() -> tuple[Sites, int, np.ndarray]:
    cells = tile_region(country("Ukraine"), 5)
    return Sites.concatenate([cells, load_places()]), len(cells), cells.area_km2


def child(duration_s: float) -> None:
    constellation = load_constellation("starlink")
    sites, n_cells, area = ukraine_sites()
    grid = TimeGrid.spanning(START, duration_s, 1.0)
    result = run_coverage(constellation, sites, grid, n_cells=n_cells, cell_area_km2=area)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(result.elapsed_s, grid.count, len(sites), peak_mib, float(result.region.area_coverage[0]))


def dense_ratio(steps: int) -> None:
    constellation = load_constellation("starlink")
    sites, _, _ = ukraine_sites()
    grid = TimeGrid(START, 1.0, steps)
    eph = Propagator(constellation)(grid, velocities=False)
    mask = satellite_min_elevation_deg(constellation)
    args = (
        eph.r_ecef_km,
        mask,
        sites.ecef_km,
        sites.lat_deg,
        sites.lon_deg,
        sites.min_elevation_deg,
    )
    began = time.perf_counter()
    visible(eph.r_ecef_km[:1], *args[1:])
    t_first = time.perf_counter() - began
    began = time.perf_counter()
    culled = visible(*args)
    t_culled = (time.perf_counter() - began) / steps
    began = time.perf_counter()
    dense = visible_dense(*args)
    t_dense = (time.perf_counter() - began) / steps
    assert np.array_equal(culled.sat_idx, dense.sat_idx), "culled and dense disagree"
    print(
        f"visibility per step, {len(sites):,} sites × {constellation.size:,} satellites "
        f"({len(culled) / steps:,.0f} visible pairs a step), {steps} sampled steps:"
    )
    print(
        f"  culled {1000 * t_culled:8.1f} ms   dense all-pairs {1000 * t_dense:8.1f} ms"
        f"   ratio {t_dense / t_culled:.0f}× (target ≥ 20×)"
    )
    print(f"  first call of visible (numba kernels loaded or compiled): {t_first:.2f} s")
    return None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--duration-s", type=float, default=3600.0)
    parser.add_argument("--dense-steps", type=int, default=5)
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    dense_ratio(args.dense_steps)
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(args.duration_s)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    elapsed, steps, n_sites, peak_mib, coverage = (float(v) for v in out)
    print(
        f"whole coverage run, Ukraine res 5 + named terminals = {n_sites:,.0f} sites, "
        f"{steps:,.0f} steps of 1 s:"
    )
    print(
        f"  {elapsed:.1f} s in total, {1000 * elapsed / steps:.1f} ms per step, "
        f"peak RSS {peak_mib:,.0f} MiB (target < 2,048 MiB); area coverage {100 * coverage:.2f}%"
    )


if __name__ == "__main__":
    main()
