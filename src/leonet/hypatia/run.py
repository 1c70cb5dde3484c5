"""``leonet hypatia``: Hypatia's inputs in, all-pairs routing every step, Hypatia's outputs out.

:func:`run_hypatia` propagates the TLEs with SGP4 (leonet's
``SatrecArray`` path; TEME → ITRF with the IERS Earth orientation, or
UT1 = UTC and no polar motion as Hypatia's pyephem assumes when
``ut1_equals_utc``), joins each station to every satellite within the
maximum ground-link length, takes the ISL list as given and computes all
station pairs every step with :func:`leonet.network.allpairs.all_pairs`.
Time ``t`` runs over ``0, step, 2·step, … < duration`` from the TLEs' common
epoch, as in Hypatia.

The output folder is a Hypatia satellite-network folder (what its ns-3
module reads) plus leonet's all-pairs tables:

* ``tles.txt``, ``isls.txt``, ``ground_stations.txt`` (extended, with
  Hypatia's WGS72 ECEF metres), ``description.txt``,
  ``gsl_interfaces_info.txt``;
* ``dynamic_state_<step_ms>ms_for_<duration_s>s/fstate_<t_ns>.txt`` (full at
  the first step, then changes) and ``gsl_if_bandwidth_<t_ns>.txt``;
* ``all_pairs_rtt.csv``, ``pair_summary.csv``, ``path_changes.csv``
  (:mod:`leonet.hypatia.outputs`), and ``run.json`` (the parameters, the
  thread count and the time per step).

Every file is written atomically; the long CSVs grow as ``.part`` files and
are renamed into place at the end, so a killed run leaves no truncated table
under the final name.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray
from sgp4.api import WGS72, Satrec, SatrecArray

from leonet._numba import fastest_threads
from leonet.atomic import atomic_path, atomic_write_bytes, atomic_write_text
from leonet.constants import WGS72_RADIUS_KM
from leonet.eop import EarthOrientation, load_eop
from leonet.frames import geodetic_to_ecef, teme_to_ecef
from leonet.hypatia._text_kernel import format_path_rows
from leonet.hypatia.inputs import (
    GroundStations,
    HypatiaInputError,
    HypatiaTles,
    write_isls,
    write_tles,
)
from leonet.hypatia.outputs import (
    PAIR_SUMMARY_HEADER,
    PATH_CHANGES_HEADER,
    RTT_HEADER,
    fstate_bytes,
    fstate_name,
    rtt_bytes,
)
from leonet.network.allpairs import AllPairs, IslGraph, all_pairs
from leonet.space.propagate import sgp4_teme
from leonet.timegrid import TimeGrid

__all__ = [
    "HypatiaRunResult",
    "Progress",
    "max_gsl_length_m",
    "run_hypatia",
    "ut1_equals_utc_eop",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

#: ``progress(steps_done, steps_total, elapsed_s)``.
Progress = Callable[[int, int, float], None]

_CHUNK_STEPS = 60


def max_gsl_length_m(altitude_m: float, min_elevation_deg: float) -> float:
    """Hypatia's maximum ground-link length: ``sqrt(cone² + altitude²)`` with the cone radius
    ``altitude / tan(elevation)`` (its flat-Earth rule), i.e. ``altitude / sin(elevation)``."""
    if not 0.0 < min_elevation_deg <= 90.0:
        raise ValueError(f"min_elevation_deg={min_elevation_deg:g}: give an angle in (0, 90]")
    if not altitude_m > 0.0:
        raise ValueError(f"altitude_m={altitude_m:g}: give a positive altitude in metres")
    cone_m = altitude_m / math.tan(math.radians(min_elevation_deg))
    return math.sqrt(cone_m**2 + altitude_m**2)


def ut1_equals_utc_eop() -> EarthOrientation:
    """Earth orientation with UT1 = UTC and no polar motion (Hypatia's pyephem frame)."""
    zero = np.zeros(2)
    return EarthOrientation(
        np.array([0.0, 200_000.0]), zero, zero, zero, "UT1=UTC, no polar motion"
    )


@dataclass(frozen=True)
class HypatiaRunResult:
    """What a run wrote and how long it took."""

    out_dir: Path
    steps: int
    n_sats: int
    n_stations: int
    gsl_max_range_m: float
    threads: int
    routing_ms_per_step: float
    total_ms_per_step: float
    files: list[str] = field(default_factory=list)


def _satrecs(tles: HypatiaTles) -> SatrecArray:
    return SatrecArray(
        [Satrec.twoline2rv(a, b, WGS72) for a, b in zip(tles.line1, tles.line2, strict=True)]
    )


def _wgs72_ecef_m(stations: GroundStations) -> F64:
    """Hypatia's extended ground-station coordinates (WGS72 ellipsoid, metres)."""
    a, f = 6_378_135.0, 1.0 / 298.26
    e2 = 2.0 * f - f * f
    lat, lon = np.radians(stations.lat_deg), np.radians(stations.lon_deg)
    v = a / np.sqrt(1.0 - e2 * np.sin(lat) ** 2)
    h = stations.elevation_m
    return np.stack(
        [
            (v + h) * np.cos(lat) * np.cos(lon),
            (v + h) * np.cos(lat) * np.sin(lon),
            (v * (1.0 - e2) + h) * np.sin(lat),
        ],
        axis=1,
    )


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _write_network_folder(
    out: Path,
    tles: HypatiaTles,
    isl_a: I64,
    isl_b: I64,
    stations: GroundStations,
    gsl_max_m: float,
    isl_max_m: float | None,
) -> None:
    write_tles(out / "tles.txt", tles)
    write_isls(out / "isls.txt", isl_a, isl_b)
    xyz = _wgs72_ecef_m(stations)
    rows = [
        f"{k},{name},{lat!r},{lon!r},{ele!r},{x!r},{y!r},{z!r}\n"
        for k, (name, lat, lon, ele, (x, y, z)) in enumerate(
            zip(
                stations.names,
                stations.lat_deg.tolist(),
                stations.lon_deg.tolist(),
                stations.elevation_m.tolist(),
                xyz.tolist(),
                strict=True,
            )
        )
    ]
    atomic_write_text(out / "ground_stations.txt", "".join(rows))
    isl_text = repr(float(isl_max_m)) if isl_max_m is not None else "inf"
    atomic_write_text(
        out / "description.txt",
        f"max_gsl_length_m={float(gsl_max_m)!r}\nmax_isl_length_m={isl_text}\n",
    )
    n = tles.n_sats + len(stations)
    atomic_write_text(out / "gsl_interfaces_info.txt", "".join(f"{k},1,1.0\n" for k in range(n)))


def _check_isl_lengths(
    graph: IslGraph, r_km: F64, isl_max_m: float | None, t_ns: int, isls_source: str
) -> None:
    if isl_max_m is None:
        return
    length_m = graph.isl_length_km(r_km) * 1e3
    over = np.flatnonzero(length_m > isl_max_m)
    if over.size:
        k = int(over[0])
        raise HypatiaInputError(
            isls_source,
            k + 1,
            f"the link {int(graph.isl_a[k])}-"
            f"{int(graph.isl_b[k])} is {length_m[k]:.1f} m long at t = "
            f"{t_ns} ns, over the maximum ISL length {isl_max_m:.1f} m (as "
            "Hypatia, leonet refuses it): drop the link or raise the limit",
        )


def run_hypatia(  # noqa: PLR0913 — keyword-only options with defaults, the CLI's options
    tles: HypatiaTles,
    isls: tuple[I64, I64],
    stations: GroundStations,
    out_dir: str | os.PathLike[str],
    *,
    duration_s: float,
    step_s: float,
    gsl_max_range_m: float,
    ut1_equals_utc: bool = False,
    isl_max_length_m: float | None = None,
    isls_source: str = "isls.txt",
    progress: Progress | None = None,
) -> HypatiaRunResult:
    """Run Hypatia's all-pairs computation and write its outputs to ``out_dir`` (see the
    module docstring).  ``isl_max_length_m`` (optional) refuses an ISL that grows longer."""
    step_ns = round(step_s * 1e9)
    duration_ns = round(duration_s * 1e9)
    if step_ns <= 0 or duration_ns <= 0:
        raise ValueError(f"--duration {duration_s:g} s and --step {step_s:g} s must be positive")
    n_steps = -(-duration_ns // step_ns)  # t = 0, step, … < duration (Hypatia's range)
    if not gsl_max_range_m > 0.0:
        raise ValueError(f"the maximum ground-link length must be positive, got {gsl_max_range_m}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    graph = IslGraph.from_isls(tles.n_sats, *isls)
    _write_network_folder(
        out, tles, graph.isl_a, graph.isl_b, stations, gsl_max_range_m, isl_max_length_m
    )
    state_dir = out / f"dynamic_state_{_number(step_ns / 1e6)}ms_for_{_number(duration_ns / 1e9)}s"
    state_dir.mkdir(exist_ok=True)

    eop = ut1_equals_utc_eop() if ut1_equals_utc else load_eop()
    satrecs = _satrecs(tles)
    gs_km = geodetic_to_ecef(stations.lat_deg, stations.lon_deg, stations.elevation_m / 1e3)
    gsl_max_km = gsl_max_range_m / 1e3
    n_gs = len(stations)
    src, dst = np.triu_indices(n_gs, k=1)
    src, dst = src.astype(np.int64), dst.astype(np.int64)
    t_decimals = max(0, min(9, 9 - len(str(step_ns)) + len(str(step_ns).rstrip("0"))))
    names = [n.replace(",", " ") for n in stations.names]

    n_pairs = src.shape[0]
    stats = _PairStats.empty(n_pairs)

    grid = TimeGrid(tles.epoch, step_ns / 1e9, int(n_steps))
    previous: AllPairs | None = None
    prev_path: I64 | None = None
    threads = 1
    routing_s = 0.0
    started = time.perf_counter()
    with ExitStack() as stack:
        handles: dict[str, BinaryIO] = {}
        for name, header in (
            ("all_pairs_rtt.csv", RTT_HEADER),
            ("path_changes.csv", PATH_CHANGES_HEADER),
        ):
            tmp = stack.enter_context(atomic_path(out / name))
            handles[name] = stack.enter_context(open(tmp, "wb"))
            handles[name].write(header.encode())
        for chunk in grid.chunks(_CHUNK_STEPS):
            jd, fr = chunk.jd_fr()
            _, r_teme, _ = sgp4_teme(satrecs, jd, fr)
            r_ecef, _ = teme_to_ecef(r_teme.transpose(1, 0, 2), None, chunk.utc_ns, eop)
            for k in range(len(chunk)):
                t_ns = int(chunk.utc_ns[k] - grid.start_ns)
                r_km = np.ascontiguousarray(r_ecef[k])
                _check_isl_lengths(graph, r_km, isl_max_length_m, t_ns, isls_source)
                if previous is None:

                    def first_step(r: F64 = r_km) -> AllPairs:
                        return all_pairs(graph, r, gs_km, gsl_max_km)

                    threads = fastest_threads(first_step)
                t0 = time.perf_counter()
                now = all_pairs(graph, r_km, gs_km, gsl_max_km)
                fwd = now.forwarding(previous)
                routing_s += time.perf_counter() - t0
                state_file = state_dir / fstate_name(t_ns)
                with atomic_path(state_file) as tmp:
                    tmp.write_bytes(fstate_bytes(fwd))
                bandwidth = state_dir / f"gsl_if_bandwidth_{t_ns}.txt"
                with atomic_path(bandwidth) as tmp:
                    tmp.write_bytes(_bandwidth_bytes(graph, n_gs) if previous is None else b"")
                rtt = now.rtt_ms[src, dst]
                hops = now.pair_hops[src, dst]
                handles["all_pairs_rtt.csv"].write(
                    rtt_bytes(src, dst, t_ns / 1e9, rtt, hops, t_decimals)
                )
                stats.add(rtt, hops)
                path = now.paths(src, dst, trim=False)
                if prev_path is None:
                    changed = np.ones(n_pairs, dtype=bool)
                else:
                    if prev_path.shape[1] != path.shape[1]:  # a longer path widened it
                        width = max(path.shape[1], prev_path.shape[1])
                        path, prev_path = (
                            np.pad(p, ((0, 0), (0, width - p.shape[1])), constant_values=-1)
                            for p in (path, prev_path)
                        )
                    changed = (path != prev_path).any(axis=1)
                    stats.changes += changed
                handles["path_changes.csv"].write(
                    format_path_rows(
                        src, dst, t_ns / 1e9, t_decimals, rtt, hops, path, np.flatnonzero(changed)
                    )
                )
                previous, prev_path = now, path
                done = int(chunk.utc_ns[k] - grid.start_ns) // step_ns + 1
                if progress is not None:
                    progress(done, int(n_steps), time.perf_counter() - started)
        for handle in handles.values():
            handle.flush()
    total_s = time.perf_counter() - started
    stats.write(out / "pair_summary.csv", src, dst, names, int(n_steps))
    result = HypatiaRunResult(
        out,
        int(n_steps),
        tles.n_sats,
        n_gs,
        float(gsl_max_range_m),
        threads,
        routing_s / n_steps * 1e3,
        total_s / n_steps * 1e3,
        [
            "tles.txt",
            "isls.txt",
            "ground_stations.txt",
            "description.txt",
            "gsl_interfaces_info.txt",
            state_dir.name + "/",
            "all_pairs_rtt.csv",
            "pair_summary.csv",
            "path_changes.csv",
            "run.json",
        ],
    )
    atomic_write_text(
        out / "run.json",
        json.dumps(
            {
                "tles": tles.source,
                "satellites": tles.n_sats,
                "ground_stations": stations.source,
                "stations": n_gs,
                "isls": graph.n_isls,
                "epoch_utc": tles.epoch.isoformat(),
                "duration_s": duration_ns / 1e9,
                "step_s": step_ns / 1e9,
                "steps": int(n_steps),
                "gsl_max_range_m": float(gsl_max_range_m),
                "isl_max_length_m": isl_max_length_m,
                "ut1_equals_utc": ut1_equals_utc,
                "earth_orientation": eop.source,
                "numba_threads": threads,
                "routing_ms_per_step": result.routing_ms_per_step,
                "total_ms_per_step": result.total_ms_per_step,
                "wgs72_radius_km": WGS72_RADIUS_KM,
            },
            indent=2,
        )
        + "\n",
    )
    return result


def _bandwidth_bytes(graph: IslGraph, n_gs: int) -> bytes:
    """Hypatia's ``gsl_if_bandwidth_0.txt``: ``node,gsl_interface,bandwidth`` (1.0 each)."""
    rows = [f"{k},{int(graph.isls_per_sat[k])},1.000000\n" for k in range(graph.n_sats)]
    rows += [f"{graph.n_sats + k},0,1.000000\n" for k in range(n_gs)]
    return "".join(rows).encode()


@dataclass
class _PairStats:
    """Per-pair accumulators of the summary, arrays ``(pair,)``."""

    reach: I64
    rtt_sum: F64
    rtt_min: F64
    rtt_max: F64
    hops_min: I64
    hops_max: I64
    changes: I64

    @classmethod
    def empty(cls, n: int) -> _PairStats:
        return cls(
            np.zeros(n, dtype=np.int64),
            np.zeros(n),
            np.full(n, np.inf),
            np.full(n, -np.inf),
            np.full(n, np.iinfo(np.int64).max, dtype=np.int64),
            np.full(n, -1, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
        )

    def add(self, rtt: F64, hops: I64) -> None:
        ok = np.isfinite(rtt)
        self.reach += ok
        self.rtt_sum += np.where(ok, rtt, 0.0)
        np.minimum(self.rtt_min, np.where(ok, rtt, np.inf), out=self.rtt_min)
        np.maximum(self.rtt_max, np.where(ok, rtt, -np.inf), out=self.rtt_max)
        np.minimum(self.hops_min, np.where(ok, hops, self.hops_min), out=self.hops_min)
        np.maximum(self.hops_max, hops, out=self.hops_max)

    def write(self, path: Path, src: I64, dst: I64, names: list[str], steps: int) -> None:
        lines = [PAIR_SUMMARY_HEADER]
        for i in range(src.shape[0]):
            n = self.reach[i]
            values = (
                f"{self.rtt_min[i]:.6f},{self.rtt_sum[i] / n:.6f},{self.rtt_max[i]:.6f},"
                f"{self.hops_min[i]},{self.hops_max[i]}"
                if n > 0
                else "nan,nan,nan,-1,-1"
            )
            lines.append(
                f"{src[i]},{dst[i]},{names[src[i]]},{names[dst[i]]},{n},{steps},"
                f"{values},{self.changes[i]}\n"
            )
        atomic_write_bytes(path, "".join(lines).encode())
