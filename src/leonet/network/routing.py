"""Shortest-delay routes at one step: terminals to PoPs, and named terminal pairs.

All searches are :func:`scipy.sparse.csgraph.dijkstra` on a
:class:`~leonet.network.graph.NetworkGraph`:

* :func:`route_to_pops` — every terminal to its **nearest PoP by delay**
  (``pop_policy="nearest"``: *one* multi-source pass from all PoPs over the
  reversed graph, ``min_only=True``), to a **fixed PoP per terminal**
  (``pop_policy`` an ``(terminal,)`` array: one pass per distinct PoP), or to the
  nearest **of a set per terminal** (a ``(terminal, pop)`` mask, e.g. its country's
  PoPs: one multi-source pass per distinct set).
  Predecessors on the reversed graph are next hops, so a terminal's path is
  read off forwards.
* :func:`route_pairs` — named end-to-end pairs ``src → dst``:
  ``via="space"`` — over the space segment (a pass from each distinct source;
  arrival at ``dst`` is the best of its user links, since terminals never
  relay); ``via="pop"`` — ``src → PoP(src) → fibre → PoP(dst) → dst``, the
  way Starlink carries terminal-to-terminal traffic.  The ``PoP → dst`` leg is
  the mirror of ``dst``'s own route to its PoP (every link is reciprocal).

Latency of a path of ``h`` hops whose propagation delay is ``prop``:
``one_way_ms = prop + h × processing_delay_ms + n_access × scheduling_delay_ms``
where ``n_access`` is the number of user-link crossings (1 terminal → PoP,
2 terminal → terminal) and ``scheduling_delay_ms`` the MAC scheduling delay
of a user-link crossing; ``rtt_ms = 2 × one_way_ms`` (the reply takes the
mirrored path) and ``rtt_propagation_ms = 2 × prop``.

Where there is no path, ``reason`` says why, as an :class:`~leonet.outcomes.Outcome`:
``NO_SATELLITE`` (no satellite in view of a terminal), ``NO_GATEWAY`` (no gateway
reachable from it) or ``DISCONNECTED``; ``SERVED`` where there is a path.
``changed`` flags a path different from ``previous`` (the routes of the previous
step — the state carried between chunks).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse.csgraph import dijkstra

from leonet.network.graph import NetworkGraph, NodeLayout
from leonet.network.latency import tree_counts
from leonet.outcomes import Outcome, outcome_texts

__all__ = [
    "PopPolicy",
    "Routes",
    "path_changed",
    "route_pairs",
    "route_to_pops",
    "search_limit_ms",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


PopPolicy = Literal["nearest"] | ArrayLike
_NONE = -9999  # scipy's predecessor value for "no predecessor"
_GATEWAY_WEIGHT = 4096.0  # gateways and satellites on a path counted in one pass


@dataclass(frozen=True)
class Routes:
    """Routes at one step, all arrays ``(route,)`` (one route per terminal or per pair).

    ``source``/``target`` node indices; ``one_way_ms``, ``rtt_ms``,
    ``rtt_propagation_ms`` (``inf`` without a path); ``hops`` (edges, ``-1``
    without a path); ``path`` ``(route, longest)`` node indices, ``-1``
    padded, from source to target; ``gateway`` and ``pop`` the first gateway
    and PoP node on the path (``-1`` none); ``reason`` an
    :class:`~leonet.outcomes.Outcome` code (``SERVED`` with a path); ``changed`` the path
    differs from the previous step's.  ``node_ms`` — only from :func:`route_to_pops` given
    ``nodes`` — ``(node,)`` the delay (graph weight, ms) from each of those nodes to its
    nearest PoP, ``inf`` without a path; ``node_satellites`` and ``node_gateways`` —
    likewise — the satellites and gateways on each one's path to it (itself included).
    """

    layout: NodeLayout
    source: I64
    target: I64
    one_way_ms: F64
    rtt_ms: F64
    rtt_propagation_ms: F64
    hops: I64
    path: I64
    gateway: I64
    pop: I64
    reason: NDArray[np.int8]
    changed: NDArray[np.bool_]
    node_ms: F64 | None = None
    node_satellites: I64 | None = None
    node_gateways: I64 | None = None

    def __len__(self) -> int:
        return int(self.source.shape[0])

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        """The routes as plain arrays (for a checkpoint): each field, ``layout`` as its four
        counts and ``node_ms`` as ``(0,)`` plus ``has_node_ms`` False when ``None``;
        :meth:`from_arrays` reads them back.  ``node_satellites`` and ``node_gateways``
        (the latency terms' path counts of this step only) are not kept."""
        out: dict[str, NDArray[Any]] = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name not in ("layout", "node_ms", "node_satellites", "node_gateways")
        }
        lay = self.layout
        out["layout"] = np.array(
            [lay.n_sats, lay.n_gateways, lay.n_pops, lay.n_terminals], dtype=np.int64
        )
        out["has_node_ms"] = np.array(self.node_ms is not None)
        out["node_ms"] = np.zeros(0) if self.node_ms is None else self.node_ms
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]]) -> Routes:
        """The routes :meth:`to_arrays` wrote (``KeyError``/``ValueError`` if malformed)."""
        counts = [int(n) for n in np.asarray(arrays["layout"], dtype=np.int64).reshape(-1)]
        if len(counts) != 4 or min(counts) < 0:
            raise ValueError("routes: layout must be four counts >= 0")
        i64 = ("source", "target", "hops", "path", "gateway", "pop")
        f64 = ("one_way_ms", "rtt_ms", "rtt_propagation_ms")
        columns: dict[str, Any] = {name: np.asarray(arrays[name], dtype=np.int64) for name in i64}
        columns.update({name: np.asarray(arrays[name], dtype=np.float64) for name in f64})
        columns["reason"] = np.asarray(arrays["reason"], dtype=np.int8)
        columns["changed"] = np.asarray(arrays["changed"], dtype=np.bool_)
        n = columns["source"].shape
        if (
            len(n) != 1
            or columns["path"].ndim != 2
            or columns["path"].shape[0] != n[0]
            or any(columns[k].shape != n for k in columns if k != "path")
        ):
            raise ValueError("routes: every array must be (route,) and path (route, longest)")
        node_ms = (
            np.asarray(arrays["node_ms"], dtype=np.float64)
            if bool(np.asarray(arrays["has_node_ms"]))
            else None
        )
        return cls(layout=NodeLayout(*counts), node_ms=node_ms, **columns)

    def path_of(self, route: int) -> list[int]:
        """The node indices of one route's path, source first (empty without a path)."""
        row = self.path[route]
        return [int(n) for n in row[row >= 0]]

    def path_names(self, route: int) -> list[str]:
        """The path as readable names, e.g. ``['terminal:0', 'sat:17', 'gateway:2', 'pop:0']``."""
        return [self.layout.name(n) for n in self.path_of(route)]

    def reason_text(self) -> list[str]:
        """``reason`` as sentences (:attr:`Outcome.text <leonet.outcomes.Outcome.text>`),
        one per route."""
        return [str(t) for t in outcome_texts(self.reason)]


def _walk(pred: NDArray[np.int32], rows: I64, start: I64, reachable: NDArray[np.bool_]) -> I64:
    """Follow ``pred[rows, node]`` from ``start`` to the root: ``(n, length)``, -1 padded."""
    cur = np.where(reachable, start, -1).astype(np.int64)
    columns = [cur]
    active = reachable.copy()
    while active.any():
        nxt = np.where(active, pred[rows, np.maximum(cur, 0)], _NONE)
        active = nxt >= 0
        cur = np.where(active, nxt, -1).astype(np.int64)
        if active.any():
            columns.append(cur)
    return np.stack(columns, axis=1)


def _reverse_padded(path: I64) -> I64:
    """Reverse each row's valid (non -1) prefix, keeping the padding at the end."""
    length = (path >= 0).sum(axis=1)
    j = np.arange(path.shape[1])
    src = length[:, None] - 1 - j[None, :]
    out = np.take_along_axis(path, np.maximum(src, 0), axis=1)
    return np.where(src >= 0, out, -1)


def _concat_paths(parts: list[I64]) -> I64:
    """Join padded paths whose consecutive parts share their joint node."""
    lengths = [(p >= 0).sum(axis=1) for p in parts]
    n = parts[0].shape[0]
    width = sum(p.shape[1] for p in parts)
    out = np.full((n, max(width, 1)), -1, dtype=np.int64)
    offset = np.zeros(n, dtype=np.int64)
    for k, (part, length) in enumerate(zip(parts, lengths, strict=True)):
        skip = 0 if k == 0 else 1
        j = np.arange(part.shape[1])
        take = (j[None, :] >= skip) & (j[None, :] < length[:, None])
        rows, cols = np.nonzero(take)
        out[rows, offset[rows] + cols - skip] = part[rows, cols]
        offset += np.maximum(length - skip, 0)
    return out


def _first_of_kind(path: I64, lo: int, hi: int) -> I64:
    hit = (path >= lo) & (path < hi)
    first = np.argmax(hit, axis=1)
    return np.where(hit.any(axis=1), path[np.arange(path.shape[0]), first], -1).astype(np.int64)


def path_changed(path: I64, previous: Routes | None) -> NDArray[np.bool_]:
    """``(route,)``: the path ``(route, width)`` differs from ``previous``'s (none: all False)."""
    if previous is None:
        return np.zeros(path.shape[0], dtype=bool)
    if previous.path.shape[0] != path.shape[0]:
        raise ValueError(
            f"previous routes have {previous.path.shape[0]} rows, these "
            f"{path.shape[0]}: pass the previous step's routes of the same query"
        )
    width = max(path.shape[1], previous.path.shape[1])
    a = np.pad(path, ((0, 0), (0, width - path.shape[1])), constant_values=-1)
    b = np.pad(previous.path, ((0, 0), (0, width - previous.path.shape[1])), constant_values=-1)
    return np.asarray(np.any(a != b, axis=1))


def _finish(  # noqa: PLR0913 — private: the parts of one routing result
    graph: NetworkGraph,
    source: I64,
    target: I64,
    cost: F64,
    path: I64,
    reason: NDArray[np.int8],
    n_access: int,
    scheduling_delay_ms: float,
    previous: Routes | None,
) -> Routes:
    layout = graph.layout
    ok = np.isfinite(cost)
    hops = np.where(ok, (path >= 0).sum(axis=1) - 1, -1).astype(np.int64)
    # Arrival at a terminal is outside the CSR graph but is one more hop, charged the same.
    prop = cost - graph.processing_delay_ms * np.maximum(hops, 0)
    one_way = cost + n_access * scheduling_delay_ms
    return Routes(
        layout=layout,
        source=source,
        target=np.where(ok, target, -1).astype(np.int64),
        one_way_ms=np.where(ok, one_way, np.inf),
        rtt_ms=np.where(ok, 2.0 * one_way, np.inf),
        rtt_propagation_ms=np.where(ok, 2.0 * prop, np.inf),
        hops=hops,
        path=path,
        gateway=_first_of_kind(path, layout.gateway0, layout.pop0),
        pop=_first_of_kind(path, layout.pop0, layout.terminal0),
        reason=np.where(ok, Outcome.SERVED, reason).astype(np.int8),
        changed=path_changed(path, previous),
    )


def _access_counts(graph: NetworkGraph) -> I64:
    return np.bincount(graph.access_terminal, minlength=graph.layout.n_terminals).astype(np.int64)


def _distinct_rows(rows: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], I64]:
    """The distinct rows of a ``(n, k)`` boolean array and each row's index among them,
    by the rows' packed bytes (one sort of ``n`` short keys, not of ``n × k`` values)."""
    packed = np.ascontiguousarray(np.packbits(rows, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1).astype(np.int64)


def _allowed_pops(pop_policy: ArrayLike, n_t: int, n_pops: int) -> NDArray[np.bool_]:
    """``(terminal, pop)`` the PoPs each terminal may use, from ``(terminal,)`` PoP
    indices (one each) or a ``(terminal, pop)`` boolean mask (at least one each)."""
    arr = np.asarray(pop_policy)
    if arr.dtype == np.bool_:
        if arr.shape != (n_t, n_pops) or not arr.any(axis=1).all():
            raise ValueError(
                f"pop_policy as a mask must be ({n_t}, {n_pops}) booleans with at least one "
                f"PoP per terminal, got shape {arr.shape}"
            )
        return arr
    fixed = arr.astype(np.int64).reshape(-1)
    if fixed.shape != (n_t,) or (fixed < 0).any() or (fixed >= n_pops).any():
        raise ValueError(
            f"pop_policy must be ({n_t},) PoP indices in 0..{n_pops - 1}, got shape {fixed.shape}"
        )
    allowed = np.zeros((n_t, n_pops), dtype=bool)
    allowed[np.arange(n_t), fixed] = True
    return allowed


def route_to_pops(
    graph: NetworkGraph,
    *,
    pop_policy: PopPolicy = "nearest",
    scheduling_delay_ms: float = 0.0,
    previous: Routes | None = None,
    limit_ms: float | None = None,
    nodes: ArrayLike | None = None,
    node_pops: ArrayLike | None = None,
) -> Routes:
    """Every terminal's route to its PoP: ``(terminal,)`` :class:`Routes`, path terminal → PoP.

    ``pop_policy`` ``"nearest"`` (least delay), an ``(terminal,)`` array of
    PoP indices (0-based among the PoPs), or a ``(terminal, pop)`` boolean mask: each
    terminal to the nearest by delay of the PoPs it allows.  One multi-source pass
    (``min_only``) from each distinct set of PoPs allowed: one pass for ``"nearest"``,
    one per country where the mask is each terminal's country's PoPs.
    ``scheduling_delay_ms`` is added once per user-link crossing; ``previous`` sets
    ``changed``.

    ``limit_ms`` — a guess of the largest terminal → PoP delay (graph weight,
    ms): Dijkstra stops expanding beyond it (scipy's ``limit``), so only the
    part of the constellation near the PoPs is searched.  The answer stays
    exact: where a terminal with a user link is not reached within the limit
    the search is repeated without it.  A good guess is the previous step's
    largest delay with a margin (what :func:`leonet.engine.route.run_routes`
    passes).

    ``nodes`` — node indices (e.g. the satellites serving sites that are not
    in the graph, such as cells): the same searches give each one's delay to the
    nearest PoP it may use — of all (``node_pops`` ``None``) or of those its row of
    ``node_pops`` ``(node, pop)`` allows — returned as ``node_ms``; ``limit_ms`` must
    then cover them too (they are checked and searched again without it like the
    terminals).
    """
    layout = graph.layout
    n_t = layout.n_terminals
    terminals = layout.terminal0 + np.arange(n_t, dtype=np.int64)
    if layout.n_pops == 0:
        raise ValueError(
            "the graph has no PoPs: give GroundNodes.from_geodetic pop_lat_deg/"
            "pop_lon_deg, or route terminal pairs with route_pairs(via='space')"
        )
    reverse = graph.csr_reversed
    if isinstance(pop_policy, str):
        if pop_policy != "nearest":
            raise ValueError(
                f"pop_policy={pop_policy!r}: use 'nearest' or an (terminal,) array of PoP indices"
            )
        allowed = None
    else:
        allowed = _allowed_pops(pop_policy, n_t, layout.n_pops)
    extra = np.asarray([] if nodes is None else nodes, dtype=np.int64).reshape(-1)
    if extra.size and (extra.min() < 0 or extra.max() >= layout.n_nodes):
        raise ValueError(f"nodes must be node indices in 0..{layout.n_nodes - 1}")
    extra_allowed = None
    if node_pops is not None:
        if nodes is None:
            raise ValueError("node_pops needs nodes: one row of allowed PoPs per node")
        extra_allowed = np.asarray(node_pops)
        if (
            extra_allowed.dtype != np.bool_
            or extra_allowed.shape != (extra.size, layout.n_pops)
            or not extra_allowed.any(axis=1).all()
        ):
            raise ValueError(
                f"node_pops must be ({extra.size}, {layout.n_pops}) booleans with at least "
                f"one PoP per node, got {extra_allowed.dtype} {extra_allowed.shape}"
            )
    has_access = _access_counts(graph) > 0
    # Each distinct set of PoPs allowed is one search; rows: terminals, then the nodes.
    if allowed is None and extra_allowed is None:
        sets = np.ones((1, layout.n_pops), dtype=bool)
        group = np.zeros(n_t + extra.size, dtype=np.int64)
    else:
        every = np.ones((1, layout.n_pops), dtype=bool)
        rows = np.concatenate(
            [
                np.broadcast_to(every, (n_t, layout.n_pops)) if allowed is None else allowed,
                np.broadcast_to(every, (extra.size, layout.n_pops))
                if extra_allowed is None
                else extra_allowed,
            ]
        )
        sets, group = _distinct_rows(rows)
    t_group, x_group = group[:n_t], group[n_t:]
    dist = np.empty((sets.shape[0], layout.n_nodes))
    pred2 = np.empty((sets.shape[0], layout.n_nodes), dtype=np.int32)
    for g, pop_set in enumerate(sets):
        sources = layout.pop0 + np.flatnonzero(pop_set)
        d, p, _ = dijkstra(
            reverse,
            directed=True,
            indices=sources,
            return_predecessors=True,
            min_only=True,
            limit=np.inf if limit_ms is None else limit_ms,
        )
        if limit_ms is not None and not (
            np.isfinite(d[terminals[(t_group == g) & has_access]]).all()
            and np.isfinite(d[extra[x_group == g]]).all()
        ):
            d, p, _ = dijkstra(
                reverse, directed=True, indices=sources, return_predecessors=True, min_only=True
            )
        dist[g], pred2[g] = d, p
    cost = dist[t_group, terminals]
    node_ms = dist[x_group, extra] if nodes is not None else None
    node_sats = node_gws = None
    if nodes is not None:
        kind = np.zeros(layout.n_nodes)
        kind[: layout.n_sats] = 1.0
        kind[layout.gateway0 : layout.pop0] = _GATEWAY_WEIGHT
        on_path = np.zeros(extra.size, dtype=np.int64)
        for g in np.unique(x_group):
            mine = x_group == g
            on_path[mine] = tree_counts(pred2[g], kind)[extra[mine]].astype(np.int64)
        node_sats, node_gws = on_path % int(_GATEWAY_WEIGHT), on_path // int(_GATEWAY_WEIGHT)
    reachable = np.isfinite(cost)
    path = _walk(pred2, t_group, terminals, reachable)
    length = (path >= 0).sum(axis=1)
    target = np.where(reachable, path[np.arange(n_t), np.maximum(length - 1, 0)], -1)
    reason = np.full(n_t, Outcome.DISCONNECTED, dtype=np.int8)
    if not reachable.all():
        no_access = ~has_access
        reason[no_access] = Outcome.NO_SATELLITE
        gateways = layout.gateway0 + np.arange(layout.n_gateways)
        # (a search only when some unreachable terminal has a user link to explain)
        if (~reachable & ~no_access).any():
            if gateways.size:
                to_gw = dijkstra(reverse, directed=True, indices=gateways, min_only=True)[terminals]
            else:
                to_gw = np.full(n_t, np.inf)
            reason[(reason == Outcome.DISCONNECTED) & ~np.isfinite(to_gw)] = Outcome.NO_GATEWAY
    routes = _finish(
        graph,
        terminals,
        target.astype(np.int64),
        cost,
        path,
        reason,
        1,
        scheduling_delay_ms,
        previous,
    )
    if node_ms is None:
        return routes
    return dataclasses.replace(
        routes, node_ms=node_ms, node_satellites=node_sats, node_gateways=node_gws
    )


def route_pairs(
    graph: NetworkGraph,
    src_terminal: ArrayLike,
    dst_terminal: ArrayLike,
    *,
    via: Literal["space", "pop"] = "space",
    pop_policy: PopPolicy = "nearest",
    scheduling_delay_ms: float = 0.0,
    previous: Routes | None = None,
) -> Routes:
    """Routes between named terminal pairs, ``(pair,)`` :class:`Routes`, path src → dst.

    ``src_terminal``, ``dst_terminal`` ``(pair,)`` terminal indices (0-based
    among the terminals).  ``via="space"`` crosses the space segment (in
    ``"lasers"`` mode over lasers only, in ``"hybrid"`` mode ground relays
    too; in ``"bent-pipe"`` mode only two terminals under one satellite
    connect — use ``via="pop"``).  ``via="pop"`` goes through each
    terminal's PoP under ``pop_policy``.
    """
    layout = graph.layout
    src = np.asarray(src_terminal, dtype=np.int64).reshape(-1)
    dst = np.asarray(dst_terminal, dtype=np.int64).reshape(-1)
    if src.shape != dst.shape:
        raise ValueError(
            f"src_terminal and dst_terminal must pair up, got {src.shape} and {dst.shape}"
        )
    for name, arr in (("src_terminal", src), ("dst_terminal", dst)):
        if arr.size and (arr.min() < 0 or arr.max() >= layout.n_terminals):
            raise ValueError(f"{name} must be terminal indices in 0..{layout.n_terminals - 1}")
    n = src.shape[0]
    if via == "pop":
        return _pairs_via_pop(graph, src, dst, pop_policy, scheduling_delay_ms, previous)
    if via != "space":
        raise ValueError(f"via={via!r}: choose 'space' (over the satellites) or 'pop'")

    unique, rows = np.unique(src, return_inverse=True)
    rows = rows.astype(np.int64)
    dist, pred = dijkstra(
        graph.csr, directed=True, indices=layout.terminal0 + unique, return_predecessors=True
    )
    # Arrive at dst by the best of its user links (downlink delay = uplink delay).
    order = np.argsort(graph.access_terminal, kind="stable")
    acc_t, acc_s = graph.access_terminal[order], graph.access_sat[order]
    acc_ms = graph.access_delay_ms[order] + graph.processing_delay_ms
    starts = np.searchsorted(acc_t, np.arange(layout.n_terminals))
    counts = np.bincount(acc_t, minlength=layout.n_terminals)
    per_pair = counts[dst]
    pair_of = np.repeat(np.arange(n), per_pair)
    within = np.arange(pair_of.shape[0]) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    edge = starts[dst][pair_of] + within
    cand = dist[rows[pair_of], acc_s[edge]] + acc_ms[edge]
    best = np.lexsort((cand, pair_of))
    first = np.ones(best.shape[0], dtype=bool)
    first[1:] = pair_of[best][1:] != pair_of[best][:-1]
    best = best[first]
    cost = np.full(n, np.inf)
    arrival = np.full(n, -1, dtype=np.int64)
    cost[pair_of[best]] = cand[best]
    arrival[pair_of[best]] = acc_s[edge[best]]
    reachable = np.isfinite(cost)
    back = _walk(pred, rows, arrival, reachable)
    dst_node = layout.terminal0 + dst
    dst_col = np.where(reachable, dst_node, -1)[:, None]
    path = _concat_paths(
        [
            _reverse_padded(back),
            np.concatenate([np.where(reachable, arrival, -1)[:, None], dst_col], axis=1),
        ]
    )
    reason = np.full(n, Outcome.DISCONNECTED, dtype=np.int8)
    reason[(counts[src] == 0) | (counts[dst] == 0)] = Outcome.NO_SATELLITE
    return _finish(
        graph,
        layout.terminal0 + src,
        dst_node,
        cost,
        path,
        reason,
        2,
        scheduling_delay_ms,
        previous,
    )


def _pairs_via_pop(
    graph: NetworkGraph,
    src: I64,
    dst: I64,
    pop_policy: PopPolicy,
    scheduling_delay_ms: float,
    previous: Routes | None,
) -> Routes:
    layout = graph.layout
    legs = route_to_pops(graph, pop_policy=pop_policy)
    leg_cost = legs.one_way_ms  # no scheduling delay added above
    pop_a = legs.target[src] - layout.pop0
    pop_b = legs.target[dst] - layout.pop0
    sub = graph.csr[layout.pop0 : layout.terminal0, layout.pop0 : layout.terminal0]
    pp_dist, pp_pred = dijkstra(sub, directed=True, return_predecessors=True)
    both = (pop_a >= 0) & (pop_b >= 0)
    a, b = np.maximum(pop_a, 0), np.maximum(pop_b, 0)
    fibre = np.where(both, pp_dist[a, b], np.inf)
    cost = leg_cost[src] + fibre + leg_cost[dst]
    reachable = np.isfinite(cost)
    pp_back = _walk(pp_pred, a, b, reachable)
    pp_path = np.where(pp_back >= 0, pp_back + layout.pop0, -1)
    path = _concat_paths(
        [legs.path[src], _reverse_padded(pp_path), _reverse_padded(legs.path[dst])]
    )
    path = np.where(reachable[:, None], path, -1)
    reason = np.where(legs.reason[src] != Outcome.SERVED, legs.reason[src], legs.reason[dst])
    reason = np.where(reason == Outcome.SERVED, Outcome.DISCONNECTED, reason).astype(np.int8)
    return _finish(
        graph,
        layout.terminal0 + src,
        layout.terminal0 + dst,
        cost,
        path,
        reason,
        2,
        scheduling_delay_ms,
        previous,
    )


def search_limit_ms(previous: Routes | None, scheduling_delay_ms: float = 0.0) -> float | None:
    """Dijkstra's search radius for this step: the previous step's largest delay (of its
    terminals and of the ``nodes`` it was asked for) × 1.5 + 5 ms.

    Only a speed hint — :func:`route_to_pops` repeats the search without it
    when it falls short — so any value gives the same routes.
    """
    if previous is None:
        return None
    cost = previous.one_way_ms - scheduling_delay_ms
    if previous.node_ms is not None:
        cost = np.concatenate([cost, previous.node_ms])
    cost = cost[np.isfinite(cost)]
    return float(cost.max()) * 1.5 + 5.0 if cost.size else None
