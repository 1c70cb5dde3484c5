"""Compiled path sums over a shortest-path tree behind
:func:`leonet.network.latency.tree_counts`.

One walk per node towards its root that stops at the first node already summed, so each
node is summed once: O(nodes), against the ``log2(depth)`` passes over every node of
NumPy pointer jumping (~0.3 ms a step on the default scenario's ~10,000 nodes, once a
step for the cells' satellites and gateways).

Compiled on first use and cached (see :mod:`leonet._numba`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = ["tree_sums"]


@compiled()
def tree_sums(pred: NDArray[np.int64], weight: NDArray[np.float64]) -> NDArray[np.float64]:
    """``acc[v] = weight[v] + acc[pred[v]]`` (``weight[v]`` where ``pred[v] < 0``) over
    every node ``(node,)``; ``pred`` must be a forest (no cycles; each index below the
    node count or negative).  A cycle or an index out of range gives NaN on the nodes
    whose walk meets it."""
    n = pred.shape[0]
    acc = np.empty(n)
    state = np.zeros(n, dtype=np.int8)  # 0 not summed, 1 on the current walk, 2 summed
    stack = np.empty(n, dtype=np.int64)
    for v in range(n):
        if state[v] == 2:
            continue
        top = 0
        u = v
        base = 0.0
        while True:
            state[u] = 1
            stack[top] = u
            top += 1
            p = pred[u]
            if p < 0:
                break
            if p >= n or state[p] == 1:  # out of range or a cycle
                base = np.nan
                break
            if state[p] == 2:
                base = acc[p]
                break
            u = p
        for i in range(top - 1, -1, -1):
            w = stack[i]
            base = weight[w] + base
            acc[w] = base
            state[w] = 2
    return acc
