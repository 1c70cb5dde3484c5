"""Propagation speed and memory (issue: space segment).

Prints, in one run on one core:
  1. SGP4 through leonet (SatrecArray + TEME→ITRF with UT1 and polar motion) for the
     full bundled catalogue (~10,400 satellites × 3,600 one-second steps), against the raw
     ``SatrecArray.sgp4`` rate on the same work (target: leonet within 1.5×);
  2. skyfield's per-satellite ``EarthSatellite.at(t)`` + ITRS on a sample (ratio);
  3. the analytic J2 Walker propagator on Starlink Gen1 (target ≥ 5e7 sat-steps/s);
  4. peak memory of a streamed 24-hour run at 1 s in a fresh process (target < 2 GiB):
     Starlink Gen1 analytic by default, the full catalogue through SGP4 with ``--day-sgp4``
     (about 8 minutes), plus the SGP4 stream over ``--sgp4-hours`` (default 1) to show that
     peak memory does not grow with the duration.

    python benchmarks/bench_propagation.py [--day-sgp4] [--sgp4-hours H]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from leonet.space.catalogue import bundled_catalogue
from leonet.space.presets import load_preset
from leonet.space.propagate import propagate_chunks, sgp4_satrec_array
from leonet.timegrid import TimeGrid

START = "2026-05-30T00:00:00Z"


def _best(func, repeats: int = 2) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        func()
        times.append(time.perf_counter() - began)
    return min(times)


def sgp4_rates(steps: int) -> None:
    catalogue = bundled_catalogue()
    grid = TimeGrid(START, 1.0, steps)
    array = sgp4_satrec_array(catalogue)
    work = catalogue.size * steps

    def raw() -> None:
        for chunk in grid.chunks(200):
            jd, fr = chunk.jd_fr()
            array.sgp4(jd, fr)

    def leonet_positions() -> None:
        for _ in propagate_chunks(catalogue, grid, velocities=False, max_steps=200):
            pass

    def leonet_states() -> None:
        for _ in propagate_chunks(catalogue, grid, velocities=True, max_steps=200):
            pass

    t_raw = _best(raw)
    t_pos = _best(leonet_positions)
    t_state = _best(leonet_states)
    print(f"SGP4, {catalogue.size:,} satellites × {steps:,} steps = {work:,.0f} sat-steps")
    print(f"  raw SatrecArray.sgp4 (TEME)        {work / t_raw:12,.0f} sat-steps/s")
    print(
        f"  leonet positions (ECEF)            {work / t_pos:12,.0f} sat-steps/s  "
        f"ratio to raw {t_pos / t_raw:.2f}× (target ≤ 1.5×)"
    )
    print(
        f"  leonet positions + velocities      {work / t_state:12,.0f} sat-steps/s  "
        f"ratio to raw {t_state / t_raw:.2f}×"
    )

    from skyfield.api import EarthSatellite
    from skyfield.framelib import itrs

    from leonet.eop import skyfield_timescale

    ts = skyfield_timescale()
    t = ts.from_datetimes(grid.datetimes())
    lines = catalogue_lines()
    sample = lines[:: max(1, len(lines) // 40)][:40]
    began = time.perf_counter()
    for name, l1, l2 in sample:
        EarthSatellite(l1, l2, name, ts).at(t).frame_xyz(itrs)
    t_sky = (time.perf_counter() - began) / (len(sample) * steps)
    print(
        f"  skyfield EarthSatellite.at + ITRS  {1 / t_sky:12,.0f} sat-steps/s  "
        f"(sample of {len(sample)} satellites); leonet is {t_sky * work / t_pos:,.0f}× faster"
    )


def catalogue_lines() -> list[tuple[str, str, str]]:
    from importlib.resources import files

    text = (files("leonet") / "data" / "starlink_tle_2026-05-30.txt").read_text()
    raw = text.splitlines()
    return [(raw[k].strip(), raw[k + 1], raw[k + 2]) for k in range(0, len(raw) - 2, 3)]


def analytic_rate(steps: int) -> None:
    gen1 = load_preset("starlink-gen1", START)
    grid = TimeGrid(START, 1.0, steps)
    work = gen1.size * steps

    def run() -> None:
        for _ in propagate_chunks(gen1, grid, method="analytic", velocities=False):
            pass

    elapsed = _best(run)
    print(
        f"analytic J2, Starlink Gen1 {gen1.size:,} × {steps:,} steps: "
        f"{work / elapsed:,.0f} sat-steps/s (target ≥ 50,000,000)"
    )


def stream_child(kind: str, hours: float) -> None:
    """Run in a child process: stream ``hours`` at 1 s and print peak RSS."""
    import resource

    constellation = bundled_catalogue() if kind == "sgp4" else load_preset("starlink-gen1", START)
    grid = TimeGrid(START, 1.0, int(hours * 3600))
    began = time.perf_counter()
    checksum = 0.0
    for eph in propagate_chunks(constellation, grid, velocities=False):
        checksum += float(np.nanmean(eph.r_ecef_km[-1, :, 2]))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{peak_mib:.0f} {time.perf_counter() - began:.1f} {constellation.size}")


def streamed_peak(kind: str, hours: float) -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(hours)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    peak_mib, seconds, sats = float(out[0]), float(out[1]), int(out[2])
    label = "SGP4 bundled catalogue" if kind == "sgp4" else "analytic Starlink Gen1"
    print(
        f"streamed {hours:g} h at 1 s, {label} ({sats:,} sats): peak RSS {peak_mib:,.0f} MiB "
        f"(target < 2,048 MiB), {seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=3_600)
    parser.add_argument("--day-sgp4", action="store_true", help="stream 24 h of the full catalogue")
    parser.add_argument("--sgp4-hours", type=float, default=1.0)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        stream_child(args.child[0], float(args.child[1]))
        return
    sgp4_rates(args.steps)
    analytic_rate(args.steps)
    streamed_peak("analytic", 24.0)
    streamed_peak("sgp4", args.sgp4_hours)
    if args.day_sgp4:
        streamed_peak("sgp4", 24.0)


if __name__ == "__main__":
    main()
