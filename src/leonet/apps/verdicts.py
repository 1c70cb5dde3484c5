"""Verdicts: whether an application works, is degraded or fails at each (time, site).

Inputs are ``(time, site)`` arrays of what a run recorded (:class:`LinkSeries`); the
measures an application is judged on are derived from them, vectorised:

- ``down_mbps``, ``up_mbps``, ``rtt_ms``: as recorded while served (NaN otherwise: a break
  is judged by ``break_s``, not by a zero rate);
- ``jitter_ms``: ``|rtt(t) - rtt(t-1)|`` where both steps are served;
- ``loss_pct``: the share of the period not served, over a trailing window of
  :data:`LOSS_WINDOW_S` (terminals; outages for a policy reason are breaks, not loss) or
  within the slot (cells, which record a served share);
- ``break_s``: while not served, how long the break has lasted so far (endless for a
  policy reason, :data:`LASTING_REASONS`; a profile without ``break_s`` fails any break).

Each requirement gives a level (0 works, 1 degraded, 2 fails; exactly at ``works`` still
works, exactly at ``fails`` is still degraded); the verdict is the worst level, and the
requirement that *decided* it is the first at that level in :data:`REQUIREMENTS` order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.scenario.appspec import AT_LEAST, AppProfileSpec

__all__ = [
    "DEGRADED",
    "FAILS",
    "LASTING_REASONS",
    "LOSS_WINDOW_S",
    "PLANNED_REASONS",
    "REQUIREMENTS",
    "VERDICTS",
    "WORKS",
    "LinkSeries",
    "Verdicts",
    "judge",
    "measures",
]

WORKS, DEGRADED, FAILS = 0, 1, 2
#: Verdict words by code.
VERDICTS: tuple[str, ...] = ("works", "degraded", "fails")
#: The requirements, in the order that breaks ties for "decided by".
REQUIREMENTS: tuple[str, ...] = (
    "break_s",
    "down_mbps",
    "up_mbps",
    "rtt_ms",
    "jitter_ms",
    "loss_pct",
)
#: Outage reasons that are decisions, not transients: a break for one of them is endless
#: (the application fails at once rather than riding through its first seconds).
LASTING_REASONS: tuple[str, ...] = (
    "area-cut-off",
    "deny-listed",
    "not-authorised",
    "outside-service-area",
)
#: Outage reasons that are planned breaks of known length, not loss: the break counts as it
#: lasts, and the time after it is not judged lossy for it (a dual-homed terminal switching
#: over to another system, docs/systems.md).
PLANNED_REASONS: tuple[str, ...] = ("switching-over",)
#: The trailing window over which a terminal's packet loss is the share of time not served
#: (an assumption: the horizon a transport's loss estimate and a codec's FEC work over).
LOSS_WINDOW_S = 60.0

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class LinkSeries:
    """What a run recorded for ``(time, site)``: the ``served`` share (1/0 per step for a
    terminal, 0..1 per slot for a cell), ``rtt_ms`` (NaN unserved), throughputs (mean over
    the period, 0 while unserved), ``duration_s`` ``(time,)`` of each period, and whether
    ``served`` is a share within a period (``per_slot``, cells) or a state (terminals);
    ``lasting`` marks periods not served for a reason that does not pass by itself (the
    operator's policy: :data:`LASTING_REASONS`), where the break counts as endless;
    ``planned`` those not served for a :data:`PLANNED_REASONS` reason (a break, not loss)."""

    served: F64
    rtt_ms: F64
    down_mbps: F64
    up_mbps: F64
    duration_s: F64
    per_slot: bool = False
    lasting: NDArray[np.bool_] | None = None
    planned: NDArray[np.bool_] | None = None


@dataclass(frozen=True)
class Verdicts:
    """``verdict`` (0 works, 1 degraded, 2 fails) and ``decided`` (index into
    :data:`REQUIREMENTS`, -1 where it works) per ``(time, site)``."""

    verdict: NDArray[np.uint8]
    decided: NDArray[np.int8]


def _break_s(served: F64, duration_s: F64, per_slot: bool) -> F64:
    """How long the break has lasted at each period (0 where served throughout)."""
    n_time = served.shape[0]
    down = served <= 0.0
    idx = np.arange(n_time)[:, None]
    last_up = np.maximum.accumulate(np.where(down, -1, idx), axis=0)
    ends = np.cumsum(duration_s)
    ends_before = np.r_[0.0, ends][last_up + 1]  # the end of the last served period
    elapsed = np.where(down, ends[:, None] - ends_before, 0.0)
    if per_slot:  # a partly served slot: its unserved part is one break
        partial = (served > 0.0) & (served < 1.0)
        elapsed = np.where(partial, (1.0 - served) * duration_s[:, None], elapsed)
    return np.asarray(elapsed, dtype=np.float64)


def _trailing_loss_pct(served: F64, duration_s: F64, lasting: NDArray[np.bool_] | None) -> F64:
    """Percent of the last :data:`LOSS_WINDOW_S` not served for a transient reason
    (terminals; a policy outage is a break, not loss)."""
    unserved = 1.0 - served if lasting is None else np.where(lasting, 0.0, 1.0 - served)
    lost = np.cumsum(unserved * duration_s[:, None], axis=0)
    total = np.cumsum(duration_s)
    start = np.searchsorted(total, total - LOSS_WINDOW_S, side="right")
    lost0 = np.vstack([np.zeros((1, served.shape[1])), lost])[start]
    span = total - np.r_[0.0, total][start]
    return np.asarray(100.0 * (lost - lost0) / span[:, None], dtype=np.float64)


def measures(series: LinkSeries) -> dict[str, F64]:
    """The measures each requirement is judged on, ``(time, site)``; NaN = not judged."""
    served = np.asarray(series.served, dtype=np.float64)
    up = served > 0.0
    share = np.where(up, served, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        down_mbps = np.where(up, series.down_mbps / share, np.nan)
        up_mbps = np.where(up, series.up_mbps / share, np.nan)
    rtt = np.where(up, series.rtt_ms, np.nan)
    jitter = np.full_like(rtt, np.nan)
    jitter[1:] = np.abs(np.diff(rtt, axis=0))
    if series.per_slot:
        loss = np.where(up, 100.0 * (1.0 - served), np.nan)
    else:
        no_loss = series.lasting
        if series.planned is not None:
            no_loss = series.planned if no_loss is None else no_loss | series.planned
        loss = np.where(up, _trailing_loss_pct(served, series.duration_s, no_loss), np.nan)
    gap = _break_s(served, series.duration_s, series.per_slot)
    if series.lasting is not None:
        gap = np.where(series.lasting & (served < 1.0), np.inf, gap)
    return {
        "break_s": gap,
        "down_mbps": down_mbps,
        "up_mbps": up_mbps,
        "rtt_ms": rtt,
        "jitter_ms": jitter,
        "loss_pct": loss,
    }


def judge(profile: AppProfileSpec, values: dict[str, F64]) -> Verdicts:
    """The verdict of ``profile`` on :func:`measures` ``values``."""
    shape = values["break_s"].shape
    levels = np.zeros((len(REQUIREMENTS), *shape), dtype=np.uint8)
    for k, key in enumerate(REQUIREMENTS):
        req = getattr(profile, key)
        v = values[key]
        if req is None:
            if key == "break_s":  # no tolerance given: any break fails
                levels[k] = np.where(v > 0.0, FAILS, WORKS)
            continue
        if key in AT_LEAST:
            levels[k] = np.where(v < req.fails, FAILS, np.where(v < req.works, DEGRADED, WORKS))
        else:
            levels[k] = np.where(v > req.fails, FAILS, np.where(v > req.works, DEGRADED, WORKS))
    verdict = levels.max(axis=0)
    decided = np.argmax(levels == verdict[None], axis=0).astype(np.int8)
    return Verdicts(verdict.astype(np.uint8), np.where(verdict > 0, decided, -1).astype(np.int8))
