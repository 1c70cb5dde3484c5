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
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["speed_test"]

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
