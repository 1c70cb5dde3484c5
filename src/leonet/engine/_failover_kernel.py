"""The failover state machine of dual-homed terminals, compiled (see
:mod:`leonet.engine.failover`): a loop over sites and steps that numba runs in
nanoseconds per step; each step depends on the one before, so NumPy cannot."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = ["failover_kernel"]


@compiled()
def failover_kernel(
    served: NDArray[np.bool_],
    ranks: NDArray[np.int8],
    switch_steps: int,
    revert_steps: int,
    state: NDArray[np.int32],
    used: NDArray[np.int8],
    switching: NDArray[np.bool_],
) -> None:
    """Fill ``used`` (time, site) with the system each site uses (-1 never) and
    ``switching`` (time, site) with the steps it is switching over.

    ``served`` (system, time, site): whether each system would serve it; ``ranks`` (site,
    system): its systems by preference, -1 after the last; ``state`` (site, 4), carried
    in and out: the system in use (-1 before the first step), steps left of a switch,
    the system switched to, steps a more preferred system has served in a row."""
    n_sys, n_t, n_site = served.shape
    for s in range(n_site):
        cur = state[s, 0]
        wait = state[s, 1]
        target = state[s, 2]
        better = state[s, 3]
        for t in range(n_t):
            if wait > 0:  # switching over: down, then on the target
                switching[t, s] = True
                used[t, s] = target
                wait -= 1
                if wait == 0:
                    cur = target
                    better = 0
                continue
            best = -1
            best_k = n_sys
            cur_k = n_sys
            for k in range(n_sys):
                j = ranks[s, k]
                if j < 0:
                    break
                if j == cur:
                    cur_k = k
                if best < 0 and served[j, t, s]:
                    best = j
                    best_k = k
            if cur < 0:  # the first step: the most preferred that serves, else the first
                cur = best if best >= 0 else ranks[s, 0]
                cur_k = best_k if best >= 0 else 0
            if served[cur, t, s]:
                if best >= 0 and best_k < cur_k:  # a more preferred system serves
                    better += 1
                    if better >= revert_steps:  # make-before-break: no down time
                        cur = best
                        better = 0
                else:
                    better = 0
                used[t, s] = cur
            elif best >= 0:  # lost: switch over to the best that serves
                better = 0
                if switch_steps == 0:
                    cur = best
                    used[t, s] = cur
                else:
                    target = best
                    switching[t, s] = True
                    used[t, s] = target
                    wait = switch_steps - 1
                    if wait == 0:
                        cur = target
            else:  # nothing serves: stay on the system in use
                better = 0
                used[t, s] = cur
        state[s, 0] = cur
        state[s, 1] = wait
        state[s, 2] = target
        state[s, 3] = better
