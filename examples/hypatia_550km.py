"""Reproduce the Hypatia set-up (Kassing et al., IMC 2020) on Starlink's 550 km shell.

Starlink shell 1 — 72 planes × 22 satellites at 550 km, 53° — with +Grid
lasers (max 5,400 km, line of sight above 80 km), ground stations at major
cities with a 25° elevation mask, each free to use any satellite in view, and
traffic routed over lasers only (ground stations never relay).  Prints the
RTT (min / median / max, ms) of each city pair over 200 s and writes the time
series as CSV.

    python examples/hypatia_550km.py [--step-s 1.0] [--duration-s 200] [--csv out.csv]

Orbits: leonet's Walker shell and analytic J2 propagator (``leonet.space``).
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

from leonet.ground import great_circle_km
from leonet.network import (
    GroundNodes,
    build_graph,
    plus_grid_candidates,
    plus_grid_links,
    route_pairs,
)
from leonet.space.propagate import propagate
from leonet.space.walker import WalkerShell, walker_constellation
from leonet.timegrid import TimeGrid

EPOCH = "2026-06-01T00:00:00Z"
PHASING = 17  # Walker f used for this shell in the literature; the seam links follow it

CITIES: dict[str, tuple[float, float]] = {  # lat, lon (deg)
    "Tokyo": (35.690, 139.692),
    "Delhi": (28.704, 77.102),
    "Shanghai": (31.230, 121.474),
    "Sao Paulo": (-23.551, -46.633),
    "Mexico City": (19.433, -99.133),
    "Cairo": (30.044, 31.236),
    "Mumbai": (19.076, 72.878),
    "Beijing": (39.904, 116.407),
    "Dhaka": (23.810, 90.413),
    "Osaka": (34.694, 135.502),
    "New York": (40.713, -74.006),
    "Karachi": (24.861, 67.010),
    "Buenos Aires": (-34.604, -58.382),
    "Istanbul": (41.008, 28.978),
    "Kolkata": (22.573, 88.364),
    "Manila": (14.599, 120.984),
    "Lagos": (6.524, 3.379),
    "Rio de Janeiro": (-22.907, -43.173),
    "Moscow": (55.756, 37.617),
    "Paris": (48.857, 2.352),
    "London": (51.507, -0.128),
    "Dalian": (38.914, 121.615),
    "St. Petersburg": (59.939, 30.316),
    "Los Angeles": (34.052, -118.244),
    "Johannesburg": (-26.204, 28.047),
    "Sydney": (-33.869, 151.209),
    "Singapore": (1.352, 103.820),
}
PAIRS: list[tuple[str, str]] = [
    ("Manila", "Dalian"),
    ("Paris", "Moscow"),
    ("Rio de Janeiro", "St. Petersburg"),
    ("Istanbul", "Moscow"),
    ("London", "New York"),
    ("Sao Paulo", "Tokyo"),
    ("Tokyo", "Los Angeles"),
    ("Paris", "Sydney"),
    ("Singapore", "London"),
]


def positions(t_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """``(time, sat, 3)`` ECEF km, plane, slot and the propagator's name."""
    shell = WalkerShell("starlink-550", 550.0, 53.0, 72, 22, phasing=PHASING)
    constellation = walker_constellation([shell], EPOCH)
    grid = TimeGrid(EPOCH, float(t_s[1] - t_s[0]) if t_s.size > 1 else 1.0, t_s.size)
    eph = propagate(constellation, grid, method="analytic", velocities=False)
    return (
        eph.r_ecef_km,
        constellation.plane,
        constellation.slot,
        "leonet analytic J2 Walker propagator",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Hypatia-style RTTs over Starlink's 550 km shell")
    parser.add_argument("--step-s", type=float, default=1.0)
    parser.add_argument("--duration-s", type=float, default=200.0)
    parser.add_argument("--csv", type=Path, default=Path("hypatia_550km_rtt.csv"))
    args = parser.parse_args(argv)

    t_s = np.arange(0.0, args.duration_s, args.step_s)
    began = time.perf_counter()
    r, plane, slot, how = positions(t_s)
    names = list(CITIES)
    lat = np.array([CITIES[n][0] for n in names])
    lon = np.array([CITIES[n][1] for n in names])
    ground = GroundNodes.from_geodetic(
        terminal_lat_deg=lat,
        terminal_lon_deg=lon,
        terminal_min_elevation_deg=25.0,
        terminal_names=names,
    )
    cand = plus_grid_candidates(np.zeros_like(plane), plane, slot, phasing=[PHASING])
    src = np.array([names.index(a) for a, _ in PAIRS])
    dst = np.array([names.index(b) for _, b in PAIRS])

    rtt = np.empty((t_s.size, len(PAIRS)))
    hops = np.empty((t_s.size, len(PAIRS)), dtype=np.int64)
    changed = np.zeros((t_s.size, len(PAIRS)), dtype=bool)
    previous = None
    for k in range(t_s.size):
        step_r = r[k]
        graph = build_graph(step_r, ground, mode="lasers", lasers=plus_grid_links(cand, step_r))
        previous = route_pairs(graph, src, dst, via="space", previous=previous)
        rtt[k], hops[k], changed[k] = previous.rtt_ms, previous.hops, previous.changed
    elapsed = time.perf_counter() - began

    with args.csv.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["t_s", "src", "dst", "rtt_ms", "hops", "path_changed"])
        for k in range(t_s.size):
            for p, (a, b) in enumerate(PAIRS):
                out.writerow(
                    [f"{t_s[k]:.3f}", a, b, f"{rtt[k, p]:.4f}", hops[k, p], int(changed[k, p])]
                )

    gc_ms = 2e3 * great_circle_km(lat[src], lon[src], lat[dst], lon[dst]) / 299_792.458
    print(
        f"{r.shape[1]} satellites ({how}), {len(names)} cities, {t_s.size} steps of "
        f"{args.step_s:g} s: {elapsed:.1f} s ({1e3 * elapsed / t_s.size:.1f} ms/step)"
    )
    print(
        f"{'pair':<34} {'min':>7} {'median':>7} {'max':>7} {'c-floor':>8} {'hops':>6} "
        f"{'changes':>7}"
    )
    for p, (a, b) in enumerate(PAIRS):
        finite = np.isfinite(rtt[:, p])
        vals = rtt[finite, p]
        stats = (
            f"{vals.min():7.1f} {np.median(vals):7.1f} {vals.max():7.1f}"
            if vals.size
            else f"{'-':>7} {'-':>7} {'-':>7}"
        )
        print(
            f"{a + ' - ' + b:<34} {stats} {gc_ms[p]:8.1f} "
            f"{int(np.median(hops[finite, p])) if vals.size else -1:6d} "
            f"{int(changed[:, p].sum()):7d}"
            + ("" if finite.all() else f"  ({(~finite).sum()} steps unreachable)")
        )
    print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
