"""Radio + capacity speed and memory (issue: radio layer and capacity model).

Ukraine at H3 resolution 5 (2,467 cells) plus the 53 bundled named terminals against
the full bundled Starlink catalogue (10,395 satellites), one hour at 1 s (3,600 steps):
per step, every served site's downlink and uplink budget (FSPL, ITU-R atmosphere from
the per-site tables, antenna patterns, co-channel interference from every other visible
satellite, one jammer), the gateway feeder links of every satellite, beam assignment and
the two-stage max-min fair allocation (down and up).

Prerequisites per step (propagation, visibility of sites and gateways, the 15-s
scheduler) are timed apart: they belong to other layers.  Radio + capacity is timed on
``--steps`` consecutive steps and extrapolated to the hour (each step costs the same
work: ~2,500 links and ~130,000 visible pairs, so the per-step time is stable — the
spread is printed).  A straightforward per-link Python computation (scalar math per
link, per interferer, per beam) runs on ``--baseline-links`` links of one step in the
same run; the ratio compares time per link.  Peak memory is the process's maximum RSS.

    python benchmarks/bench_radio.py [--steps 60] [--baseline-links 300]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from leonet.access import SchedulerConfig, satellite_min_elevation_deg, schedule, visible
from leonet.capacity import CapacityModel, site_demand
from leonet.constants import C_KM_S
from leonet.ground import Sites, country, load_gateways, load_places, tile_region
from leonet.radio import DVBS2X_NORMAL, Jammer, RadioModel
from leonet.space import Propagator, load_constellation
from leonet.timegrid import TimeGrid

START = "2026-05-30T12:00:00Z"
HOUR_STEPS = 3_600


def python_baseline(
    model: RadioModel,
    sats: np.ndarray,
    serving: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray],
    links: np.ndarray,
) -> float:
    """Seconds per link for a plain-Python budget + interference + MODCOD of ``links``."""
    sites = model.sites
    cfg = model.config
    f_hz = cfg.downlink.centre_ghz * 1e9
    rs = cfg.downlink.channel_mhz * 1e6 / (1 + cfg.rolloff)
    table = sorted(DVBS2X_NORMAL, key=lambda m: m.esn0_db)
    by_site: dict[int, list[int]] = {}
    for s, j in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        by_site.setdefault(s, []).append(j)
    tt = model.terminal_types[0]
    g0 = tt.peak_gain_dbi(cfg.downlink.centre_ghz)
    dl = tt.diameter_over_wavelength(cfg.downlink.centre_ghz)
    t0 = time.perf_counter()
    for k in links.tolist():
        s = int(serving[k])
        p = sites.ecef_km[k]
        up = sites.enu[k, 2]

        def look(
            j: int, p: np.ndarray = p, up: np.ndarray = up
        ) -> tuple[list[float], float, float]:
            r = [sats[j][i] - p[i] for i in range(3)]
            d = math.sqrt(sum(x * x for x in r))
            el = math.degrees(math.asin(sum(r[i] * up[i] for i in range(3)) / d))
            return [x / d for x in r], el, d

        u, el, d = look(s)
        fspl = 20 * math.log10(4 * math.pi * d * 1e3 * f_hz / (C_KM_S * 1e3))
        atm = float(model.atm_down([k], [el])[0])
        scan = max(
            10 * tt.scan_exponent * math.log10(max(math.cos(math.radians(90 - el)), 1e-9)),
            tt.scan_floor_db,
        )
        snr = 36.7 - fspl - atm + float(model.gt_down_dbk[k]) + scan + 228.6 - 10 * math.log10(rs)
        i_lin = 0.0
        for j in by_site.get(k, []):
            if j == s:
                continue
            v, el_j, d_j = look(j)
            cos_psi = sum(a * b for a, b in zip(u, v, strict=True))
            psi = math.degrees(math.acos(max(-1.0, min(1.0, cos_psi))))
            main = g0 - 2.5e-3 * (dl * psi) ** 2
            env = 32 - 25 * math.log10(psi) if 3.6 <= psi < 48 else (-10.0 if psi >= 48 else -1e9)
            g = (
                max(main, env)
                - g0
                + max(13 * math.log10(max(math.cos(math.radians(90 - el_j)), 1e-9)), -30.0)
            )
            i_n = (
                36.7
                - 9.03
                - 20 * math.log10(4 * math.pi * d_j * f_hz / C_KM_S)
                - float(model.atm_down([k], [el_j])[0])
                + float(model.gt_down_dbk[k])
                + g
                + 228.6
                - 10 * math.log10(rs)
            )
            i_lin += 10 ** (i_n / 10)
        sinr = snr - 10 * math.log10(1 + i_lin)
        best = None
        for m in table:
            if m.esn0_db <= sinr - 1.0 and (best is None or m.efficiency_bps_hz > best):
                best = m.efficiency_bps_hz
    return (time.perf_counter() - t0) / max(links.size, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--baseline-links", type=int, default=300)
    args = ap.parse_args()

    t = time.perf_counter()
    constellation = load_constellation("starlink")
    cells = tile_region(country("Ukraine"), 5)
    sites = Sites.concatenate([cells, load_places()])
    gateways = load_gateways()
    gateways = gateways.take(np.flatnonzero(gateways.lat_deg > 30))  # Europe/Asia side
    mask = satellite_min_elevation_deg(constellation)
    print(
        f"{len(cells):,} cells + {len(sites) - len(cells)} named terminals; "
        f"{constellation.size:,} satellites; {len(gateways)} gateways"
    )
    setup_s = time.perf_counter() - t
    t = time.perf_counter()
    radio = RadioModel(sites, constellation.size, gateways=gateways)
    demand = site_demand(sites, len(cells), cells.area_km2)
    model = CapacityModel(radio, demand)
    tables_s = time.perf_counter() - t

    grid = TimeGrid(START, 1.0, args.steps)
    t = time.perf_counter()
    eph = Propagator(constellation)(grid, velocities=False)
    vis = visible(eph.r_ecef_km, mask, sites.ecef_km, sites.lat_deg, sites.lon_deg)
    gvis = visible(
        eph.r_ecef_km,
        mask,
        gateways.ecef_km,
        gateways.lat_deg,
        gateways.lon_deg,
        gateways.min_elevation_deg,
    )
    sched = schedule(vis, grid.utc_ns, SchedulerConfig())
    prereq_s = (time.perf_counter() - t) / args.steps

    jammer = Jammer("Pokrovsk EW", (48.28, 37.18), 60.0, 11.7, 2000.0)
    per_step = []
    served = []
    for k in range(args.steps):
        sl = vis.step_slice(k)
        gs = gvis.step_slice(k)
        t = time.perf_counter()
        out = model.step(
            eph.r_ecef_km[k],
            sched.serving_sat[k],
            visible_pairs=(vis.site_idx[sl], vis.sat_idx[sl]),
            gateway_pairs=(gvis.site_idx[gs], gvis.sat_idx[gs], gvis.el_deg[gs]),
            jammers=[jammer],
            utc_ns=int(grid.utc_ns[k]),
        )
        per_step.append(time.perf_counter() - t)
        served.append(int(out.links.served.sum()))
    step_s = np.array(per_step[1:] if len(per_step) > 1 else per_step)
    mean_s = float(step_s.mean())

    k = 0
    sl = vis.step_slice(k)
    links = np.flatnonzero(sched.serving_sat[k] >= 0)[: args.baseline_links]
    py_per_link = python_baseline(
        radio, eph.r_ecef_km[k], sched.serving_sat[k], (vis.site_idx[sl], vis.sat_idx[sl]), links
    )
    vec_per_link = mean_s / max(np.mean(served), 1)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"set-up (catalogue, cells): {setup_s:.1f} s; radio tables (itur, once): {tables_s:.1f} s"
    )
    print(f"prerequisites (propagation + visibility + scheduler): {1e3 * prereq_s:.1f} ms/step")
    print(
        f"radio + capacity: {1e3 * mean_s:.1f} ms/step (median {1e3 * np.median(step_s):.1f}, "
        f"max {1e3 * step_s.max():.1f}) over {step_s.size} steps, "
        f"{np.mean(served):,.0f} served sites and {len(vis) / args.steps:,.0f} visible pairs "
        "a step"
    )
    print(
        f"one hour at 1 s, extrapolated: {HOUR_STEPS * mean_s:.0f} s radio + capacity, "
        f"{HOUR_STEPS * (mean_s + prereq_s):.0f} s with prerequisites"
    )
    print(
        f"per link: vectorised {1e6 * vec_per_link:.2f} µs vs plain Python "
        f"{1e6 * py_per_link:.0f} µs ({links.size} links) → "
        f"ratio {py_per_link / vec_per_link:.0f}×"
    )
    print(f"peak memory (max RSS): {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
