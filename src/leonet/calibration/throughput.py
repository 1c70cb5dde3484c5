"""Download and upload the way Starlink measures them: a speed test per terminal-step.

A country's sample (:class:`~leonet.calibration.simulate.CountrySample`) keeps, for its
terminal-steps with service, the link's MODCOD rate down and up on the serving
satellite's beam (the twin's radio, every beam of that satellite lit: the busy hour).
The speed test of one terminal is :func:`leonet.capacity.speed_test`: it saturates its
link while the rest of its beam carries the beam's busy-hour background load.  The
background is what the calibration cannot see (subscribers per beam, their demand, the
share of a beam's time a cell gets under beam hopping) and is therefore **fitted**, as
five free parameters (:class:`ThroughputParameters`):

``beam_background_down_mbps`` / ``beam_background_up_mbps``
    the mean load the beam's other terminals carry during a test where
    :data:`REFERENCE_IN_VIEW` satellites are in view, Mb/s at the test terminal's own
    MODCOD (so a test gets its link rate less the load, while that is more than its
    fair share).  Where ``n`` satellites are in view the load is ``× (REFERENCE_IN_VIEW /
    n) ** in_view_exponent``: an area's busy-hour demand is shared by the satellites that
    can serve it (Starlink's satellites crowd at the shells' turning latitudes, ~50°, and
    are fewest near the equator, where the published speeds are lowest); the exponent
    (fitted, 1 were demand per km² alike everywhere) lets the data say how strongly;
``load_cv_down`` / ``load_cv_up``
    the spread of that load from one terminal-step to the next (a factor ``max(1 +
    cv·z, 0)``, ``z`` standard normal): how busy a beam is varies with the cell, the
    evening minute and the satellite.  Each sample holds its own standard-normal draws
    (``load_z``), so the percentiles are a smooth function of the parameters.

The fitted values live with their provenance in ``data/latency_calibration.json``
(key ``throughput``), read by :mod:`leonet.defaults`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.capacity import speed_test
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
    "THROUGHPUT_FREE",
    "ThroughputParameters",
    "speed_tests",
    "throughput_percentiles",
]

F64 = NDArray[np.float64]

#: Satellites in view at which the beam background is the fitted value (a normalisation).
REFERENCE_IN_VIEW = 30.0

#: The fitted throughput parameters and their bounds.
THROUGHPUT_FREE: dict[str, tuple[float, float]] = {
    "beam_background_down_mbps": (0.0, 2000.0),
    "beam_background_up_mbps": (0.0, 200.0),
    "load_cv_down": (0.0, 3.0),
    "load_cv_up": (0.0, 3.0),
    "in_view_exponent": (0.0, 2.0),
}


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


def _load_factor(z: F64, cv: float) -> F64:
    """Load factors ``max(1 + cv·z, 0)`` from standard-normal ``z``: mean ~1, spread ``cv``."""
    return np.asarray(np.maximum(1.0 + cv * z, 0.0), dtype=np.float64)


def _one_direction(
    rate_mbps: F64, z: F64, share: F64, background_mbps: float, cv: float, d: float
) -> F64:
    n = rate_mbps.shape[0]
    if n == 0:
        return np.zeros(0)
    load = background_mbps * share * _load_factor(z, cv)
    # One beam per test: its other terminals, each asking the busy-hour demand d, carry
    # `load` Mb/s in all; the test is one more terminal (speed_test counts it in).
    idx = np.arange(n)
    return speed_test(idx, idx, rate_mbps, 1.0 + load / d, d, np.full(n, np.inf), n)


def speed_tests(
    link_down_mbps: F64,
    link_up_mbps: F64,
    load_z: F64,
    in_view: F64,
    params: ThroughputParameters | None = None,
) -> tuple[F64, F64]:
    """Speed-test rates ``(down, up)`` Mb/s of terminal-steps with the given link rates,
    load draws ``load_z`` (standard normal, one per terminal-step; the same draw loads
    both directions: a busy beam is busy both ways) and satellites ``in_view``."""
    p = params or ThroughputParameters()
    share = (REFERENCE_IN_VIEW / np.maximum(np.asarray(in_view, dtype=np.float64), 1.0)) ** (
        p.in_view_exponent
    )
    down = _one_direction(
        np.asarray(link_down_mbps, dtype=np.float64),
        np.asarray(load_z, dtype=np.float64),
        share,
        p.beam_background_down_mbps,
        p.load_cv_down,
        BUSY_HOUR_DOWN_MBPS,
    )
    up = _one_direction(
        np.asarray(link_up_mbps, dtype=np.float64),
        np.asarray(load_z, dtype=np.float64),
        share,
        p.beam_background_up_mbps,
        p.load_cv_up,
        BUSY_HOUR_UP_MBPS,
    )
    return down, up


def throughput_percentiles(rate_mbps: F64) -> tuple[float, float, float]:
    """``(p20, p50, p80)`` of a rate, the usual way round (p20 the slow end, as Starlink
    labels download and upload too)."""
    if rate_mbps.size == 0:
        return (float("nan"),) * 3
    p20, p50, p80 = np.percentile(rate_mbps, [20.0, 50.0, 80.0])
    return float(p20), float(p50), float(p80)
