"""Propagation: satellite ECEF positions and velocities shaped ``(time, sat, 3)``.

Two propagators share one entry point:

* ``"sgp4"`` — Vallado's official SGP4 (C++ through ``sgp4.api.SatrecArray``),
  every satellite at every step in one compiled call, then TEME → ITRF with
  UT1 and polar motion (:func:`leonet.frames.teme_to_ecef`).  A satellite that
  fails (decayed, eccentricity out of range…) gets NaN rows and its SGP4 error
  code; the batch never raises.
* ``"analytic"`` — circular orbits with J2 secular drift of the node and of
  the argument of latitude (:mod:`leonet.space.analytic`), for designed Walker
  shells; much faster, see docs/propagators.md for the difference.

``method="auto"`` picks analytic for Walker constellations and SGP4 otherwise.
Memory is bounded by streaming: :func:`propagate_chunks` yields one
:class:`Ephemeris` per time chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from sgp4.api import WGS72, Satrec, SatrecArray

from leonet.eop import EarthOrientation, load_eop
from leonet.frames import teme_to_ecef
from leonet.space.constellation import Constellation
from leonet.timegrid import TimeGrid

__all__ = [
    "SGP4_ERRORS",
    "Ephemeris",
    "Method",
    "Propagator",
    "default_chunk_steps",
    "propagate",
    "propagate_chunks",
    "sgp4_satrec_array",
    "sgp4_teme",
]

Method = Literal["auto", "sgp4", "analytic"]

#: SGP4 error codes (Vallado 2006) as returned per satellite.
SGP4_ERRORS: dict[int, str] = {
    0: "ok",
    1: "mean eccentricity out of range (e >= 1 or e < -0.001)",
    2: "mean motion below zero",
    3: "perturbed eccentricity out of range",
    4: "semi-latus rectum below zero",
    5: "epoch elements are sub-orbital (deprecated code)",
    6: "satellite has decayed",
}

#: Bound on position + velocity values held per chunk (time × sat); ~100 MB of float64.
_DEFAULT_CHUNK_SAT_STEPS = 2_000_000


@dataclass(frozen=True)
class Ephemeris:
    """States of every satellite over one time grid.

    ``r_ecef_km`` ``(time, sat, 3)`` ITRF km; ``v_ecef_km_s`` the same in km/s
    (Earth-fixed velocity) or ``None``; ``error`` ``(sat,)`` the first non-zero
    SGP4 error code met in this grid (0 = fine; rows of failed satellites are NaN).
    """

    times: TimeGrid
    r_ecef_km: NDArray[np.float64]
    v_ecef_km_s: NDArray[np.float64] | None
    error: NDArray[np.uint8]

    @property
    def failed(self) -> NDArray[np.intp]:
        """Indices of satellites that failed to propagate somewhere in this grid."""
        return np.flatnonzero(self.error)


def sgp4_satrec_array(constellation: Constellation) -> SatrecArray:
    """Initialise SGP4 (WGS72, improved mode, as for TLE) for every satellite."""
    el = constellation.elements
    sats = []
    for k in range(len(el)):
        sat = Satrec()
        satnum = int(constellation.norad_id[k]) if constellation.norad_id[k] >= 0 else k
        sat.sgp4init(
            WGS72,
            "i",
            satnum % 339_999 if satnum > 339_999 else satnum,
            (el.epoch_jd[k] + el.epoch_fr[k]) - 2_433_281.5,  # as twoline2rv: deep space needs it
            el.bstar_per_er[k],
            el.ndot_rad_min2[k],
            el.nddot_rad_min3[k],
            el.eccentricity[k],
            el.arg_perigee_rad[k],
            el.inclination_rad[k],
            el.mean_anomaly_rad[k],
            el.mean_motion_rad_min[k],
            el.raan_rad[k],
        )
        # sgp4init re-derives the split epoch from one float (jd - 2433281.5 + fr), which can
        # be off by ~1 µs; restore the exact split Julian date the elements carry.
        sat.jdsatepoch = float(el.epoch_jd[k])
        sat.jdsatepochF = float(el.epoch_fr[k])
        sats.append(sat)
    return SatrecArray(sats)


def sgp4_teme(
    array: SatrecArray, jd: NDArray[np.float64], fr: NDArray[np.float64]
) -> tuple[NDArray[np.uint8], NDArray[np.float64], NDArray[np.float64]]:
    """SGP4 states ``(sat, time, 3)`` in TEME (km, km/s) and error codes ``(sat, time)``.

    Rows with a non-zero error code are NaN: SatrecArray leaves some failures
    (e.g. code 6, decayed) with numbers that look valid.
    """
    err, r_teme, v_teme = array.sgp4(jd, fr)
    bad = err != 0
    r_teme[bad] = np.nan
    v_teme[bad] = np.nan
    return err, r_teme, v_teme


def default_chunk_steps(n_sats: int) -> int:
    """Steps per chunk that keep one chunk's states near 100 MB."""
    return max(1, _DEFAULT_CHUNK_SAT_STEPS // max(n_sats, 1))


def _resolve(method: Method, constellation: Constellation) -> Literal["sgp4", "analytic"]:
    if method == "auto":
        return "analytic" if constellation.analytic else "sgp4"
    if method not in ("sgp4", "analytic"):
        raise ValueError(
            f"unknown propagation method {method!r}; choose 'auto', 'sgp4' or 'analytic'"
        )
    if method == "analytic" and not constellation.analytic:
        raise ValueError(
            f"{constellation.name}: the analytic propagator is for designed circular Walker "
            "shells; a real catalogue needs method='sgp4' (or 'auto')"
        )
    return method


class Propagator:
    """A constellation made ready to propagate (SGP4 initialised once).

    Call it with any :class:`TimeGrid` to get that grid's :class:`Ephemeris`;
    the chunked runner and :func:`propagate_chunks` reuse one instance.
    """

    def __init__(
        self,
        constellation: Constellation,
        method: Method = "auto",
        eop: EarthOrientation | None = None,
    ) -> None:
        self.constellation = constellation
        self.kind = _resolve(method, constellation)
        self.eop = eop or load_eop()
        self._array = sgp4_satrec_array(constellation) if self.kind == "sgp4" else None

    def __call__(self, grid: TimeGrid, velocities: bool = True) -> Ephemeris:
        if self._array is None:
            from leonet.space.analytic import circular_j2_ecef

            r, v = circular_j2_ecef(
                self.constellation.elements, grid.utc_ns, self.eop, velocities=velocities
            )
            return Ephemeris(grid, r, v, np.zeros(self.constellation.size, dtype=np.uint8))
        jd, fr = grid.jd_fr()
        err, r_teme, v_teme = sgp4_teme(self._array, jd, fr)  # (sat, time, 3)
        r, v = teme_to_ecef(
            r_teme.transpose(1, 0, 2),
            v_teme.transpose(1, 0, 2) if velocities else None,
            grid.utc_ns,
            self.eop,
        )
        bad = err != 0
        first = np.where(bad.any(axis=1), err[np.arange(err.shape[0]), bad.argmax(axis=1)], 0)
        return Ephemeris(grid, r, v, first.astype(np.uint8))


def propagate_chunks(
    constellation: Constellation,
    times: TimeGrid,
    *,
    method: Method = "auto",
    velocities: bool = True,
    max_steps: int | None = None,
    eop: EarthOrientation | None = None,
) -> Iterator[Ephemeris]:
    """Yield one :class:`Ephemeris` per chunk of ``times`` (bounded memory)."""
    propagator = Propagator(constellation, method, eop)
    for chunk in times.chunks(max_steps or default_chunk_steps(constellation.size)):
        yield propagator(chunk, velocities)


def propagate(
    constellation: Constellation,
    times: TimeGrid,
    *,
    method: Method = "auto",
    velocities: bool = True,
    eop: EarthOrientation | None = None,
) -> Ephemeris:
    """States of every satellite at every time, ``(time, sat, 3)`` ECEF km (and km/s).

    Holds the whole grid in memory; use :func:`propagate_chunks` for long runs.
    """
    parts = list(
        propagate_chunks(constellation, times, method=method, velocities=velocities, eop=eop)
    )
    if len(parts) == 1:
        return parts[0]
    error = np.zeros(constellation.size, dtype=np.uint8)
    for p in parts:
        error = np.where(error == 0, p.error, error)
    return Ephemeris(
        times,
        np.concatenate([p.r_ecef_km for p in parts]),
        np.concatenate([p.v_ecef_km_s for p in parts if p.v_ecef_km_s is not None])
        if velocities
        else None,
        error,
    )
