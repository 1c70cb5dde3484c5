"""Max-min fair allocation by vectorised water-filling.

:func:`water_fill` solves, for many independent groups at once, the
progressive-filling problem

    maximise L_g  subject to  Σ_{i in g} w_i · c_i · min(d_i, L_g) ≤ B_g

(``w`` terminals in item ``i``, ``c`` the resource one unit of rate costs,
``d`` the demand per terminal, ``B`` the group's budget); every terminal in
the group then gets ``min(d_i, L_g)`` — the max-min fair share.  Items are
sorted by (group, demand) once; prefix sums give each group's filling level in
O(n log n) — one compiled pass (:mod:`leonet.capacity._kernels`), no Python
loop over groups or items.

:func:`allocate` applies it twice, for one direction of one step:

1. **beam share** — per beam (group), the beam's time (budget 1) is shared by
   the terminals of the cells it serves; a terminal at rate ``x`` on a
   link of MODCOD rate ``r`` uses ``x / r`` of the beam's time, so
   ``c = 1 / r`` and the result never exceeds ``r`` (**radio** bound);
2. **gateway** — per satellite, the sum over its terminals is capped by its
   backhaul (feeder link to a gateway, plus laser links): ``c = 1``.

Capping stage-1 shares by a satellite-wide level in stage 2 keeps the result
max-min fair: a terminal cut by the gateway level frees beam time only for
terminals that are themselves cut by that level or already at their demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.capacity._kernels import bindings, fill_levels

__all__ = ["Allocation", "Binding", "allocate", "water_fill"]

F64 = NDArray[np.float64]


class Binding(IntEnum):
    """What limits a terminal's allocated throughput (stored as uint8)."""

    #: the terminal gets its whole offered load
    DEMAND = 0
    #: its own link: the MODCOD rate of its channel (it has the beam to itself)
    RADIO = 1
    #: the beam's time, shared with the other terminals/cells on the beam
    BEAM_SHARE = 2
    #: the satellite's backhaul (gateway feeder link and lasers)
    GATEWAY = 3
    #: not served: no satellite, or no MODCOD closes the link
    OUTAGE = 4


def water_fill(
    group: ArrayLike, weight: ArrayLike, demand: ArrayLike, cost: ArrayLike, budget: ArrayLike
) -> F64:
    """The fill level ``L_g`` of each group ``(group,)`` (``inf`` when every demand fits).

    ``group`` ``(item,)`` int in ``[0, n_group)`` with ``n_group = len(budget)``;
    ``weight``, ``demand``, ``cost`` ``(item,)`` ≥ 0.  Each item then receives
    ``min(demand, L[group])`` per unit of weight.
    """
    g = np.ascontiguousarray(group, dtype=np.int64).reshape(-1)
    b = np.asarray(budget, dtype=np.float64).reshape(-1)
    level = np.full(b.shape[0], np.inf)
    if g.size and (g.min() < 0 or g.max() >= b.shape[0]):
        raise IndexError(f"group indices must be in [0, {b.shape[0]}) (one budget per group)")
    level[g] = _item_levels(g, weight, demand, cost, b[g])
    return level


def _item_levels(
    group: NDArray[np.int64],
    weight: ArrayLike,
    demand: ArrayLike,
    cost: ArrayLike,
    budget: ArrayLike,
) -> F64:
    """:func:`water_fill`'s level of each item's group ``(item,)``, from the budget of each
    item's group ``(item,)`` — nothing the size of the groups."""
    w = np.asarray(weight, dtype=np.float64)
    c = np.asarray(cost, dtype=np.float64)
    d = np.ascontiguousarray(demand, dtype=np.float64).reshape(-1)
    a = np.ascontiguousarray(w * c, dtype=np.float64).reshape(-1)
    b = np.ascontiguousarray(budget, dtype=np.float64).reshape(-1)
    if not group.shape == a.shape == d.shape == b.shape:
        raise ValueError(
            f"group, weight, demand and cost must be (item,) arrays of one length, "
            f"got {group.shape}, {a.shape} and {d.shape}"
        )
    level = np.empty(group.shape[0])
    fill_levels(np.lexsort((d, group)), group, a, d, b, level)
    return level


@dataclass(frozen=True)
class Allocation:
    """One direction's allocation, arrays ``(site,)``.

    ``per_terminal_mbps``: throughput of each terminal of the site (a cell's
    terminals all get the same); ``total_mbps`` = that × terminals;
    ``binding``: :class:`Binding` codes (uint8); ``beam_level_mbps`` and
    ``gateway_level_mbps``: the fill levels (per site's beam and satellite).
    """

    per_terminal_mbps: F64
    total_mbps: F64
    binding: NDArray[np.uint8]
    beam_level_mbps: F64
    gateway_level_mbps: F64


def allocate(
    serving_sat: ArrayLike,
    beam: ArrayLike,
    rate_mbps: ArrayLike,
    terminals: ArrayLike,
    offered_mbps: ArrayLike,
    backhaul_mbps: ArrayLike,
    n_beams_total: int | None = None,
) -> Allocation:
    """Max-min fair throughput per terminal: beam time, then satellite backhaul.

    ``serving_sat``, ``beam`` ``(site,)`` int (−1 = not served / no beam;
    beam ids are global, ``0 … n_beams_total−1``); ``rate_mbps`` ``(site,)``
    the MODCOD rate of each site's link (0 = outage); ``terminals`` and
    ``offered_mbps`` ``(site,)`` the terminals at the site and each one's
    offered load; ``backhaul_mbps`` ``(sat,)``.
    """
    sat = np.asarray(serving_sat, dtype=np.int64)
    bm = np.asarray(beam, dtype=np.int64)
    r = np.asarray(rate_mbps, dtype=np.float64)
    n = np.asarray(terminals, dtype=np.float64)
    d = np.asarray(offered_mbps, dtype=np.float64)
    back = np.asarray(backhaul_mbps, dtype=np.float64)
    n_site = sat.shape[0]
    ok = (sat >= 0) & (bm >= 0) & (r > 0) & np.isfinite(r)
    items = np.flatnonzero(ok & (n > 0))
    n_beams = int(n_beams_total if n_beams_total is not None else (bm.max(initial=-1) + 1))
    b_items, s_items, n_items = bm[items], sat[items], n[items]
    d_items, r_items = d[items], r[items]
    if items.size and b_items.max() >= n_beams:
        raise IndexError(f"beam ids must be below n_beams_total={n_beams}")
    # Levels per item (each item's beam's, then its satellite's): no (beam,) arrays.
    beam_level = _item_levels(b_items, n_items, d_items, 1.0 / r_items, np.ones(items.size))
    x1 = np.minimum(d_items, beam_level)
    sat_level = _item_levels(s_items, n_items, x1, np.ones(items.size), back[s_items])
    x2 = np.minimum(x1, sat_level)

    per = np.zeros(n_site)
    per[items] = x2
    binding = np.empty(n_site, dtype=np.uint8)
    bindings(
        np.ascontiguousarray(ok),
        items,
        d_items,
        r_items,
        x1,
        x2,
        (
            int(Binding.DEMAND),
            int(Binding.RADIO),
            int(Binding.BEAM_SHARE),
            int(Binding.GATEWAY),
            int(Binding.OUTAGE),
        ),
        1e-9,
        binding,
    )
    bl = np.full(n_site, np.nan)
    gl = np.full(n_site, np.nan)
    bl[items] = beam_level
    gl[items] = sat_level
    return Allocation(per, per * n, binding, bl, gl)
