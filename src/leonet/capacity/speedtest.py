"""The speed test: the rate one terminal gets when it saturates its link while every
other terminal carries its busy-hour background load — what Starlink's and Ookla's
published speeds measure, beside the fair-share allocation of :mod:`.allocation`.

Per direction and step, for a terminal ``j`` on beam ``b`` of satellite ``s`` with link
rate ``r_j`` (its MODCOD rate on the beam's channel):

* The beam's background: every terminal ``i`` of the cells the beam serves asks for
  ``d`` Mb/s (the busy-hour demand of one subscriber, the same for all), costing
  ``d / r_i`` of the beam's time.  With ``W_b = Σ_i n_i / r_i`` (``n_i`` terminals
  at site ``i``) the background takes ``d · W_b`` of the beam's time when it fits.
* The test terminal is one of its site's terminals; the others weigh
  ``W'_b = W_b − 1 / r_j``.  It takes the beam time they leave: ``r_j (1 − d W'_b)``;
  when they and the test would overfill the beam (``d W'_b + d / r_j > 1``) the beam
  is shared max-min fairly and every terminal, the test one included, gets the level
  ``L = 1 / (W'_b + 1 / r_j)`` (< d).
  Either way the test never exceeds ``r_j`` and the beam's time adds up to at most 1.
* The satellite's backhaul: the test gets what the background leaves of it, and at
  least one fair share ``backhaul / (terminals + 1)``.

No loop: ``unique`` and ``bincount`` over the served sites, nothing per beam of the
constellation.

**The calibrated background** (:func:`speed_tests`, what `leonet run`'s
``speedtest_down_mbps`` / ``speedtest_up_mbps`` columns and `leonet calibrate` both use):
the beam's other terminals carry a *fitted* load (:class:`ThroughputParameters`,
:mod:`leonet.calibration.throughput` explains its five parameters), not the scenario's
cells' demand: ``beam_background_*_mbps × (REFERENCE_IN_VIEW / in view) ** exponent ×
max(1 + cv·z, 0)`` with ``z`` a standard-normal draw per terminal-step, and the test is
:func:`speed_test` of one terminal on a beam of its own carrying that load.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.defaults import (
    SPEEDTEST_BEAM_BACKGROUND_DOWN_MBPS,
    SPEEDTEST_BEAM_BACKGROUND_UP_MBPS,
    SPEEDTEST_IN_VIEW_EXPONENT,
    SPEEDTEST_LOAD_CV_DOWN,
    SPEEDTEST_LOAD_CV_UP,
)
from leonet.radio.parameters import BUSY_HOUR_DOWN_MBPS, BUSY_HOUR_UP_MBPS

__all__ = [
    "REFERENCE_IN_VIEW",
    "ThroughputParameters",
    "busy_hour_utilisation",
    "speed_test",
    "speed_tests",
]

F64 = NDArray[np.float64]


def speed_test(
    serving_sat: ArrayLike,
    beam: ArrayLike,
    rate_mbps: ArrayLike,
    terminals: ArrayLike,
    background_mbps: float,
    backhaul_mbps: ArrayLike,
    n_beams_total: int,
) -> F64:
    """Speed-test rate (Mb/s) of one terminal at each site ``(site,)``; 0 where unserved.

    ``serving_sat``, ``beam`` ``(site,)`` (−1 none; global beam ids below
    ``n_beams_total``), ``rate_mbps`` the link's MODCOD rate, ``terminals`` the
    background terminals at each site, ``background_mbps`` each one's busy-hour demand,
    ``backhaul_mbps`` ``(sat,)``.
    """
    sat = np.asarray(serving_sat, dtype=np.int64).reshape(-1)
    bm = np.asarray(beam, dtype=np.int64).reshape(-1)
    r = np.asarray(rate_mbps, dtype=np.float64).reshape(-1)
    n = np.asarray(terminals, dtype=np.float64).reshape(-1)
    back = np.asarray(backhaul_mbps, dtype=np.float64).reshape(-1)
    d = float(background_mbps)
    if d < 0 or not np.isfinite(d):
        raise ValueError(f"background_mbps must be a finite demand >= 0, got {d}")
    out = np.zeros(sat.shape[0])
    ok = (sat >= 0) & (bm >= 0) & (r > 0) & np.isfinite(r)
    if not ok.any():
        return out
    if bm[ok].max() >= n_beams_total or sat[ok].max() >= back.shape[0]:
        raise IndexError(
            f"beam ids must be below n_beams_total={n_beams_total} and "
            f"satellites below {back.shape[0]} (backhaul_mbps)"
        )
    s, b, rj, nj = sat[ok], bm[ok], r[ok], np.maximum(n[ok], 0.0)
    # Compact beam and satellite numbers: nothing the size of the constellation's beams.
    _, beam_no = np.unique(b, return_inverse=True)
    sats, sat_no = np.unique(s, return_inverse=True)
    w = np.bincount(beam_no, weights=nj / rj)  # W_b, the beam's time per Mb/s each
    # The test terminal is one of its site's terminals: the others' share of W_b.
    others = np.maximum(w[beam_no] - np.minimum(nj, 1.0) / rj, 0.0)
    fits = d * others + d / rj <= 1.0
    beam_rate = np.where(fits, rj * (1.0 - d * others), 1.0 / (others + 1.0 / rj))
    # Background per terminal on each beam (without the test), and its satellites' load.
    wb = w[beam_no]
    x = np.where(d * wb <= 1.0, d, 1.0 / np.where(wb > 0, wb, np.inf))
    used = np.bincount(sat_no, weights=nj * x)
    users = np.bincount(sat_no, weights=nj)
    back_s = back[sats]
    with np.errstate(invalid="ignore"):
        left = np.maximum(back_s - used, back_s / (users + 1.0))
    left = np.where(np.isnan(left), np.inf, left)
    out[ok] = np.minimum(beam_rate, left[sat_no])
    return out


#: Satellites in view at which the beam background is the fitted value (a normalisation).
REFERENCE_IN_VIEW = 30.0


@dataclass(frozen=True)
class ThroughputParameters:
    """The speed test's background: mean beam load down and up (Mb/s) where
    :data:`REFERENCE_IN_VIEW` satellites are in view, its spread each way and how it
    scales with the satellites in view (exponent)."""

    beam_background_down_mbps: float = SPEEDTEST_BEAM_BACKGROUND_DOWN_MBPS
    beam_background_up_mbps: float = SPEEDTEST_BEAM_BACKGROUND_UP_MBPS
    load_cv_down: float = SPEEDTEST_LOAD_CV_DOWN
    load_cv_up: float = SPEEDTEST_LOAD_CV_UP
    in_view_exponent: float = SPEEDTEST_IN_VIEW_EXPONENT

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if not (np.isfinite(v) and v >= 0):
                raise ValueError(f"ThroughputParameters.{f.name} must be finite and >= 0, got {v}")

    def scaled(self, load_scale: float, up_scale: float | None = None) -> ThroughputParameters:
        """The same background with its mean load down × ``load_scale`` and up ×
        ``up_scale`` (default ``load_scale``): a region busier, > 1, or quieter, < 1,
        than the calibrated one; spread and exponent kept."""
        up = load_scale if up_scale is None else up_scale
        for name, v in (("load_scale", load_scale), ("up_scale", up)):
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {v}")
        return dataclasses.replace(
            self,
            beam_background_down_mbps=self.beam_background_down_mbps * load_scale,
            beam_background_up_mbps=self.beam_background_up_mbps * up,
        )


def _load_factor(z: F64, cv: float) -> F64:
    """Load factors ``max(1 + cv·z, 0)`` from standard-normal ``z``: mean ~1, spread ``cv``."""
    return np.asarray(np.maximum(1.0 + cv * z, 0.0), dtype=np.float64)


def _background_mbps(z: F64, in_view: F64, p: ThroughputParameters) -> tuple[F64, F64]:
    """The beam's busy-hour background down and up, Mb/s at the terminal's MODCOD."""
    share = (REFERENCE_IN_VIEW / np.maximum(np.asarray(in_view, dtype=np.float64), 1.0)) ** (
        p.in_view_exponent
    )
    return (
        p.beam_background_down_mbps * share * _load_factor(z, p.load_cv_down),
        p.beam_background_up_mbps * share * _load_factor(z, p.load_cv_up),
    )


def busy_hour_utilisation(
    link_down_mbps: F64,
    link_up_mbps: F64,
    load_z: F64,
    in_view: F64,
    params: ThroughputParameters | None = None,
) -> tuple[F64, F64]:
    """``(down, up)`` ρ of terminal-steps ``(n,)`` at the busy hour: the share of their
    beam's time its other terminals' background (the speed test's, :func:`speed_tests`)
    takes, background over link rate (0 without a link).  What a packet that is not
    part of a speed test queues behind (:class:`leonet.network.LatencyParameters`)."""
    bg_down, bg_up = _background_mbps(
        np.asarray(load_z, dtype=np.float64), np.asarray(in_view), params or ThroughputParameters()
    )

    def rho(load: F64, rate: ArrayLike) -> F64:
        r = np.asarray(rate, dtype=np.float64)
        ok = np.isfinite(r) & (r > 0)
        return np.asarray(np.where(ok, load / np.where(ok, r, 1.0), 0.0), dtype=np.float64)

    return rho(bg_down, link_down_mbps), rho(bg_up, link_up_mbps)


def _one_direction(rate_mbps: F64, load: F64, d: float) -> F64:
    if not (np.isfinite(d) and d > 0):
        raise ValueError(f"busy-hour demand must be a finite rate > 0 Mb/s, got {d}")
    n = rate_mbps.shape[0]
    if n == 0:
        return np.zeros(0)
    # One beam per test: its other terminals, each asking the busy-hour demand d, carry
    # `load` Mb/s in all; the test is one more terminal (speed_test counts it in).
    return _own_beam_speed_test(rate_mbps, 1.0 + load / d, d)


def _own_beam_speed_test(rate_mbps: F64, terminals: F64, d: float) -> F64:
    """:func:`speed_test` of sites ``(n,)`` each on a beam and a satellite of its own with
    unlimited backhaul — the same numbers, bit for bit, without its grouping of beams and
    satellites (two sorts per call: most of a run step's speed-test time)."""
    out = np.zeros(rate_mbps.shape[0])
    ok = (rate_mbps > 0) & np.isfinite(rate_mbps)
    rj, nj = rate_mbps[ok], np.maximum(terminals[ok], 0.0)
    # W_b of a beam holding one site, and the others' share of it (as in speed_test).
    others = np.maximum(nj / rj - np.minimum(nj, 1.0) / rj, 0.0)
    fits = d * others + d / rj <= 1.0
    out[ok] = np.where(fits, rj * (1.0 - d * others), 1.0 / (others + 1.0 / rj))
    return out


def speed_tests(
    link_down_mbps: F64,
    link_up_mbps: F64,
    load_z: F64,
    in_view: F64,
    params: ThroughputParameters | None = None,
    *,
    busy_hour_down_mbps: float = BUSY_HOUR_DOWN_MBPS,
    busy_hour_up_mbps: float = BUSY_HOUR_UP_MBPS,
) -> tuple[F64, F64]:
    """Speed-test rates ``(down, up)`` Mb/s of terminal-steps with the given link rates,
    load draws ``load_z`` (standard normal, one per terminal-step; the same draw loads
    both directions: a busy beam is busy both ways) and satellites ``in_view``, all
    ``(n,)``; the fitted beam background (``params``, default the calibrated values of
    ``data/latency_calibration.json``) is carried by terminals each asking the busy-hour
    demand ``busy_hour_*_mbps``.  `leonet calibrate` and `leonet run` both call this."""
    bg_down, bg_up = _background_mbps(
        np.asarray(load_z, dtype=np.float64), np.asarray(in_view), params or ThroughputParameters()
    )
    down = _one_direction(
        np.asarray(link_down_mbps, dtype=np.float64), bg_down, busy_hour_down_mbps
    )
    up = _one_direction(np.asarray(link_up_mbps, dtype=np.float64), bg_up, busy_hour_up_mbps)
    return down, up
