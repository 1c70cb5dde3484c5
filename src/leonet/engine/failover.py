"""Failover between several systems: which system a terminal (or cell) uses at each step.

The rule (docs/systems.md), per site with its systems by preference:

- at the first step it uses the most preferred system that serves it (else its first);
- it stays on the system in use while that system serves it;
- when that system stops serving it and another subscribed system serves, it is down for
  ``switch_steps`` steps (:attr:`~leonet.outcomes.Outcome.SWITCHING_OVER`) and then uses
  the most preferred system that served when the switch began;
- when nothing else serves either, it stays on the system in use (its outcome is that
  system's);
- when a more preferred system has served for ``revert_steps`` steps in a row while it
  uses a fallback, it moves back without a break (make-before-break).

Each step depends on the one before, so the state machine is a compiled kernel over
``(time, site)`` (:mod:`leonet.engine._failover_kernel`); :class:`FailoverState` carries
it from one block of steps to the next, so blocks give what one pass gives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.engine._failover_kernel import failover_kernel

__all__ = ["FailoverState", "failover", "steps_for"]


def steps_for(duration_s: float, step_s: float) -> int:
    """Whole steps of ``step_s`` that cover ``duration_s`` (a part step counts whole)."""
    if step_s <= 0:
        raise ValueError(f"step_s {step_s:g} must be positive")
    return max(math.ceil(duration_s / step_s - 1e-9), 0)


@dataclass
class FailoverState:
    """Per site ``(site, 4)`` int32: the system in use (-1 before the first step), steps
    left of a switch-over, the system switched to, steps a more preferred system has
    served in a row."""

    arrays: NDArray[np.int32]

    @classmethod
    def start(cls, n_sites: int) -> FailoverState:
        """Before the first step."""
        state = np.zeros((n_sites, 4), dtype=np.int32)
        state[:, 0] = -1
        state[:, 2] = -1
        return cls(state)


def failover(
    served: NDArray[np.bool_],
    ranks: NDArray[np.int8],
    switch_steps: int,
    revert_steps: int,
    state: FailoverState,
) -> tuple[NDArray[np.int8], NDArray[np.bool_]]:
    """The system each site uses and whether it is switching over, both ``(time, site)``.

    ``served`` ``(system, time, site)`` bool: whether each system would serve the site;
    ``ranks`` ``(site, system)`` int8: each site's systems (indices into ``served``'s first
    axis) most preferred first, -1 after the last (each site has at least one);
    ``state`` is advanced in place (pass the one the previous block left)."""
    n_sys, n_t, n_site = served.shape
    if ranks.shape != (n_site, n_sys):
        raise ValueError(f"ranks {ranks.shape} must be (site, system) = {(n_site, n_sys)}")
    if n_site and (ranks[:, 0] < 0).any():
        raise ValueError("every site subscribes to at least one system (ranks[:, 0] >= 0)")
    if switch_steps < 0 or revert_steps < 0:
        raise ValueError("switch_steps and revert_steps must be >= 0")
    used = np.full((n_t, n_site), -1, dtype=np.int8)
    switching = np.zeros((n_t, n_site), dtype=bool)
    failover_kernel(
        np.ascontiguousarray(served, dtype=np.bool_),
        np.ascontiguousarray(ranks, dtype=np.int8),
        int(switch_steps),
        int(revert_steps),
        state.arrays,
        used,
        switching,
    )
    return used, switching
