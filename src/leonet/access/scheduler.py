"""The satellite scheduler: which satellite serves each terminal, in 15-second slots.

Starlink re-plans user-to-satellite assignments globally on a fixed cadence
(15 s); between re-plans a terminal stays on its satellite.  This module
reproduces that: at every **slot boundary** every terminal is (re)assigned by
a registered **strategy**; inside a slot a terminal keeps its satellite while
that satellite stays a usable candidate.

Time and slots
    Slot boundaries lie on the UTC clock, at instants where
    ``(utc − phase_s) mod slot_s == 0`` (``slot_id = floor((utc_ns − phase_ns) /
    slot_ns)``), so chunks and resumed runs see the same boundaries.  A step
    starts a new slot when its ``slot_id`` differs from the previous step's
    (the first step of a run always does).  With ``step_s > slot_s`` every step
    is a boundary.

Candidates
    A candidate of terminal ``k`` at step ``t`` is a satellite in the terminal
    :class:`~leonet.access.visibility.Visibility` (above the terminal's mask).
    In **bent-pipe** mode (``gateway_vis`` given) the satellite must at the same
    step also see at least one gateway above that gateway's mask.

The slot is planned whole
    At a boundary (or a re-selection) a terminal's candidates still in its view at the
    slot's last step are preferred; the others are taken only where none is (one that
    sets below the mask mid-slot would leave its terminals unserved until the boundary,
    as below).  What is foreseen is the geometry (``foreseen``), not a fault to come.
    Chunks need the rest of their last slot to see that far: pass it as
    ``lookahead_steps`` (the engine's chunk windows do,
    :func:`leonet.engine.stages.chunk_window`), and chunked runs equal a single run.

Inside a slot
    If the serving satellite stops being a candidate (set below the mask or, in
    bent-pipe mode, lost its last gateway) the terminal is in outage with reason
    ``LOST_MID_SLOT`` until the next boundary — unless
    ``immediate_reselect=True``, when every unserved terminal is re-assigned at
    every step (beam limits respected).  Without it, a terminal unserved at the
    boundary keeps the boundary's reason for the whole slot.

Beams
    ``max_terminals_per_sat`` (``None`` = unlimited) caps the terminals one
    satellite serves, for every strategy; it is never exceeded.  A terminal
    that has usable candidates but finds them all full gets ``NO_BEAM``.
    Assignment is greedy in vectorised *rounds*: each unassigned terminal
    proposes to its best remaining candidate; each satellite accepts as many
    proposers as it has free beams, those with the fewest candidates first
    (then higher elevation, then lower index); rejected terminals propose to
    their next choice.  Load-aware strategies (``least-loaded``) re-rank each
    round and each satellite accepts one proposer per round (water filling),
    so their rounds number about the largest load.  Each round is vectorised
    over all candidate pairs.  With unlimited beams and a load-independent
    strategy one round suffices: each terminal's best pair is a segmented
    minimum (key, then elevation, then satellite), no sort.

Handovers
    A handover is counted when a terminal is served by a satellite other than
    the one that served it last (an outage in between does not reset it).

Lookahead (``longest-visibility``)
    The remaining time a candidate stays usable is counted over the steps of
    the :class:`Visibility` passed in, capped at ``horizon_s``.  Steps beyond it
    are unknown, so near the end of the given visibility the remaining time is
    truncated.  Pass ``lookahead_steps`` extra trailing steps (computed but not
    scheduled) of at least ``horizon_s / step_s`` and chunked runs equal a
    single run exactly; without them they may differ near chunk ends.

How it runs
    Assignments change only at slot boundaries (or, with
    ``immediate_reselect``, at any step), so the Python loop is over those
    steps.  From one to the next every held ``(step, terminal, satellite)``
    pair is looked up at once — a binary search in each ``(step, terminal)``
    row of the visibility's CSR index, plus the gateway test in bent-pipe mode
    — and a terminal keeps its satellite up to the first step where the pair
    is missing.  Handovers can only happen at such steps.  On the Ukraine
    workload (2,522 terminals, 10,395 satellites, ~176,000 visible pairs a
    step, a 15-s slot at 1 s) this takes about 0.7 ms a step (5 ms stepping
    through every step, on a shared 2-core machine).

State
    :class:`SchedulerState` (assignment, held reason, last serving satellite,
    slot of the last step) is returned with every :class:`Schedule` and passed
    to the next chunk: chunked runs equal one run.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.access.visibility import Visibility
from leonet.constants import C_KM_S
from leonet.outcomes import Outcome

__all__ = [
    "STRATEGIES",
    "GatewayAccess",
    "Schedule",
    "SchedulerConfig",
    "SchedulerState",
    "Strategy",
    "register_strategy",
    "schedule",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


class GatewayAccess(Protocol):
    """``(time, sat)`` pairs over a chunk: at step ``time_idx`` satellite ``sat_idx`` can
    hand traffic to a gateway (:class:`~leonet.access.Visibility` of the gateways, or
    :class:`leonet.network.reachability.Reachability`)."""

    @property
    def n_time(self) -> int: ...
    @property
    def n_sat(self) -> int: ...
    @property
    def time_idx(self) -> NDArray[np.int32]: ...
    @property
    def sat_idx(self) -> NDArray[np.int32]: ...


@dataclass(frozen=True)
class Strategy:
    """An assignment preference.

    ``rank(el_deg, remaining_s, sat_load)`` gets per-candidate arrays ``(pair,)``
    — elevation (deg), remaining usable time (s, capped at the horizon) and
    the candidate satellite's current number of terminals — and returns a
    ``(pair,)`` key, **lower preferred**; ties go to the higher elevation,
    then the lower satellite index.  ``uses_load`` marks keys that depend on
    ``sat_load`` (re-ranked every assignment round).  ``uses_path_delay``: the
    rank takes a fourth array, the candidate's one-way propagation delay to the
    ground (ms: user link plus the satellite's shortest laser path to a gateway,
    :attr:`leonet.network.reachability.Reachability.ground_ms`; 0 without them,
    as in bent-pipe mode).
    """

    name: str
    rank: Callable[..., NDArray[np.float64] | NDArray[np.int64]]
    description: str = ""
    uses_load: bool = False
    uses_lookahead: bool = False
    uses_path_delay: bool = False

    def key(self, el_deg: F64, remaining_s: F64, load: I64, path_ms: F64 | None) -> NDArray[Any]:
        """The rank of candidates (``path_ms`` only for ``uses_path_delay``)."""
        if self.uses_path_delay:
            return np.asarray(self.rank(el_deg, remaining_s, load, path_ms))
        return np.asarray(self.rank(el_deg, remaining_s, load))


_STRATEGIES: dict[str, Strategy] = {}
#: The registered strategies by name (read-only view; add with :func:`register_strategy`).
STRATEGIES: Mapping[str, Strategy] = MappingProxyType(_STRATEGIES)


def register_strategy(strategy: Strategy) -> Strategy:
    """Add ``strategy`` to :data:`STRATEGIES` (a name may be registered once)."""
    if strategy.name in _STRATEGIES:
        raise ValueError(f"a scheduler strategy named {strategy.name!r} is already registered")
    _STRATEGIES[strategy.name] = strategy
    return strategy


register_strategy(
    Strategy(
        "highest-elevation",
        lambda el, _rem, _load: -el,
        "the candidate highest in the sky (shortest path, least atmosphere)",
    )
)
register_strategy(
    Strategy(
        "longest-visibility",
        lambda _el, rem, _load: -rem,
        "the candidate that stays usable longest (fewest handovers); needs lookahead",
        uses_lookahead=True,
    )
)
register_strategy(
    Strategy(
        "shortest-path",
        lambda _el, _rem, _load, path_ms: path_ms,
        "the candidate with the shortest path to the ground: user link plus its shortest "
        "laser path to a gateway (keeps traffic off long laser detours); laser modes only",
        uses_path_delay=True,
    )
)
register_strategy(
    Strategy(
        "least-loaded",
        lambda _el, _rem, load: load,
        "the candidate serving the fewest terminals so far (balances beams)",
        uses_load=True,
    )
)


@dataclass(frozen=True)
class SchedulerConfig:
    """How to schedule.

    ``strategy`` a name in :data:`STRATEGIES`; ``slot_s`` the re-plan period and
    ``phase_s`` its offset on the UTC clock (s); ``immediate_reselect`` lets an
    unserved terminal pick a new satellite at any step; ``max_terminals_per_sat``
    the beam limit per satellite (``None``: unlimited); ``horizon_s`` caps the
    lookahead of ``longest-visibility``.
    """

    strategy: str = "highest-elevation"
    slot_s: float = 15.0
    phase_s: float = 0.0
    immediate_reselect: bool = False
    max_terminals_per_sat: int | None = None
    horizon_s: float = 600.0

    def __post_init__(self) -> None:
        if self.strategy not in _STRATEGIES:
            raise ValueError(
                f"unknown scheduler strategy {self.strategy!r}; choose one of "
                f"{', '.join(repr(n) for n in sorted(_STRATEGIES))}"
            )
        if not (math.isfinite(self.slot_s) and round(self.slot_s * 1e9) >= 1):
            raise ValueError(f"slot_s must be a positive number of seconds, got {self.slot_s!r}")
        if not math.isfinite(self.phase_s):
            raise ValueError(f"phase_s must be a finite number of seconds, got {self.phase_s!r}")
        beams = self.max_terminals_per_sat
        if beams is not None and (isinstance(beams, bool) or int(beams) != beams or beams < 0):
            raise ValueError(
                f"max_terminals_per_sat must be a whole number >= 0 or None (unlimited), "
                f"got {beams!r}"
            )
        if not self.horizon_s > 0:
            raise ValueError(f"horizon_s must be positive, got {self.horizon_s!r}")

    @property
    def slot_ns(self) -> int:
        return round(self.slot_s * 1e9)

    @property
    def phase_ns(self) -> int:
        return round(self.phase_s * 1e9)

    @property
    def uses_path_delay(self) -> bool:
        """Whether the strategy ranks by the way to the ground (``shortest-path``)."""
        return _STRATEGIES[self.strategy].uses_path_delay

    def path_delay_steps(self, utc_ns: ArrayLike) -> NDArray[np.bool_] | bool:
        """The steps of a chunk at ``utc_ns`` whose path delays the strategy needs:
        ``False`` for strategies that do not rank by them, every step with
        ``immediate_reselect``, else each slot's first and last step in the chunk (a
        slot is planned for its whole length: :func:`schedule`)."""
        if not self.uses_path_delay:
            return False
        utc = np.asarray(utc_ns, dtype=np.int64).reshape(-1)
        steps = np.full(utc.shape[0], self.immediate_reselect)
        for edge in self.slot_edges(utc):
            steps[edge] = True
        return steps

    def slot_edges(self, utc_ns: ArrayLike) -> tuple[I64, I64]:
        """``(firsts, lasts)``: the index of each slot's first and last step among the
        instants ``utc_ns`` (sorted), a slot cut at the instants' start or end beginning
        or ending there.  A slot's planning looks ahead to its last (:func:`schedule`)."""
        slots = self.slot_ids(utc_ns).reshape(-1)
        lasts = np.flatnonzero(np.append(slots[1:] != slots[:-1], True))
        return np.concatenate(([0], lasts[:-1] + 1)).astype(np.int64), lasts

    def slot_ids(self, utc_ns: ArrayLike) -> I64:
        """The slot number of each UTC instant (int64 ns) — equal ids share a slot."""
        return np.floor_divide(np.asarray(utc_ns, dtype=np.int64) - self.phase_ns, self.slot_ns)


@dataclass(frozen=True)
class SchedulerState:
    """What the scheduler carries from one chunk to the next, all ``(terminal,)``.

    ``serving_sat`` (int32, -1 none) the current assignment; ``reason`` (uint8)
    the outage reason held until the next boundary; ``last_sat`` (int32) the
    satellite that served most recently (-1 never), for handovers;
    ``slot_id`` the slot of the last step scheduled (``None`` before any).
    """

    serving_sat: NDArray[np.int32]
    reason: NDArray[np.uint8]
    last_sat: NDArray[np.int32]
    slot_id: int | None = None

    @classmethod
    def initial(cls, n_terminal: int) -> SchedulerState:
        """The state before the first step: nobody served, nothing decided."""
        return cls(
            np.full(n_terminal, -1, np.int32),
            np.full(n_terminal, Outcome.NO_SATELLITE, np.uint8),
            np.full(n_terminal, -1, np.int32),
            None,
        )

    @property
    def n_terminal(self) -> int:
        return int(self.serving_sat.shape[0])

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        """The state as plain arrays (for a checkpoint); :meth:`from_arrays` reads them back.
        ``slot_id`` is ``(0,)`` for ``None``, else ``(1,)``."""
        slot = [] if self.slot_id is None else [self.slot_id]
        return {
            "serving_sat": self.serving_sat,
            "reason": self.reason,
            "last_sat": self.last_sat,
            "slot_id": np.array(slot, dtype=np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]]) -> SchedulerState:
        """The state :meth:`to_arrays` wrote (``KeyError``/``ValueError`` if malformed)."""
        serving = np.asarray(arrays["serving_sat"], dtype=np.int32)
        reason = np.asarray(arrays["reason"], dtype=np.uint8)
        last = np.asarray(arrays["last_sat"], dtype=np.int32)
        slot = np.asarray(arrays["slot_id"], dtype=np.int64).reshape(-1)
        if (
            serving.ndim != 1
            or reason.shape != serving.shape
            or last.shape != serving.shape
            or slot.size > 1
        ):
            raise ValueError(
                "scheduler state: serving_sat, reason and last_sat must be "
                "(terminal,) and slot_id hold at most one value"
            )
        return cls(serving, reason, last, int(slot[0]) if slot.size else None)


@dataclass(frozen=True)
class Schedule:
    """The scheduler's answer for one chunk.

    ``serving_sat`` ``(time, terminal)`` int32 (-1 when unserved),
    ``elevation_deg`` ``(time, terminal)`` float64 of the serving satellite (NaN
    when unserved), ``reason`` ``(time, terminal)`` uint8 :class:`~leonet.outcomes.Outcome`,
    ``handovers`` ``(terminal,)`` int64 counted in this chunk, and ``state`` to
    pass to the next chunk.
    """

    serving_sat: NDArray[np.int32]
    elevation_deg: F64
    reason: NDArray[np.uint8]
    handovers: I64
    state: SchedulerState = field(repr=False)

    @property
    def served(self) -> NDArray[np.bool_]:
        """``(time, terminal)`` True where a satellite serves the terminal."""
        return self.serving_sat >= 0


def _first_per_group(group: I64, idx: I64) -> I64:
    """Entries of ``idx`` (whose ``group[idx]`` is sorted) that start each group."""
    g = group[idx]
    return idx[np.concatenate(([True], g[1:] != g[:-1]))] if idx.size else idx


def _best_per_terminal(
    term: I64, sat: I64, el_deg: F64, key: NDArray[Any]
) -> tuple[I64, I64] | None:
    """Each terminal's first pair in ``lexsort((sat, -el_deg, key, term))`` order.

    Segmented minima instead of a sort: the lowest ``key``, then the highest
    elevation, then the lowest satellite.  Needs ``term`` sorted and no NaN in
    ``key`` or ``el_deg`` (where a sort and ``==`` would disagree); returns
    ``None`` otherwise, for the caller to sort.
    """
    if (
        np.any(term[1:] < term[:-1])
        or np.isnan(el_deg).any()
        or (key.dtype.kind == "f" and np.isnan(key).any())
    ):
        return None
    starts = np.flatnonzero(np.concatenate(([True], term[1:] != term[:-1])))
    counts = np.diff(np.append(starts, term.size))
    best = key == np.repeat(np.minimum.reduceat(key, starts), counts)
    neg_el = np.where(best, -el_deg, np.inf)
    best &= neg_el == np.repeat(np.minimum.reduceat(neg_el, starts), counts)
    return term[starts], np.minimum.reduceat(np.where(best, sat, np.iinfo(np.int64).max), starts)


def _assign(  # noqa: PLR0913 — the pairs, their ranks and the beam state
    term: I64,
    sat: I64,
    el_deg: F64,
    remaining_s: F64,
    n_term: int,
    load: I64,
    free_beams: I64 | None,
    strategy: Strategy,
    path_ms: F64 | None = None,
) -> NDArray[np.int32]:
    """Greedy assignment in vectorised rounds (see the module docstring).

    Pairs ``(pair,)`` are the usable candidates of the terminals to assign;
    ``load`` ``(sat,)`` terminals already on each satellite, ``free_beams``
    ``(sat,)`` beams left (``None``: unlimited).  Returns ``(terminal,)`` int32,
    -1 where nothing could be assigned.  ``load``/``free_beams`` are updated.
    """
    chosen = np.full(n_term, -1, np.int32)
    if term.size == 0:
        return chosen
    if free_beams is None and not strategy.uses_load:  # each terminal takes its best pair
        key = strategy.key(el_deg, remaining_s, load[sat], path_ms)
        best = _best_per_terminal(term, sat, el_deg, key)
        if best is not None:
            chosen[best[0]] = best[1]
            load += np.bincount(best[1], minlength=load.size)
            return chosen
    options = np.bincount(term, minlength=n_term)
    if not strategy.uses_load:  # rank once: each terminal's pairs best first
        order = np.lexsort(
            (sat, -el_deg, strategy.key(el_deg, remaining_s, load[sat], path_ms), term)
        )
        term, sat, el_deg = term[order], sat[order], el_deg[order]
        remaining_s = remaining_s[order]
        if path_ms is not None:
            path_ms = path_ms[order]
    while True:
        active = chosen[term] < 0
        if free_beams is not None:
            active &= free_beams[sat] > 0
        idx = np.flatnonzero(active)
        if idx.size == 0:
            return chosen
        if strategy.uses_load:
            key = strategy.key(
                el_deg[idx],
                remaining_s[idx],
                load[sat[idx]],
                None if path_ms is None else path_ms[idx],
            )
            idx = idx[np.lexsort((sat[idx], -el_deg[idx], key, term[idx]))]
        prop = _first_per_group(term, idx)
        p_term, p_sat = term[prop], sat[prop]
        if free_beams is None and not strategy.uses_load:
            chosen[p_term] = p_sat
            np.add.at(load, p_sat, 1)
            return chosen
        # each satellite takes proposers, fewest options first, up to its quota
        by_sat = np.lexsort((p_term, -el_deg[prop], options[p_term], p_sat))
        p_term, p_sat = p_term[by_sat], p_sat[by_sat]
        start = np.concatenate(([True], p_sat[1:] != p_sat[:-1]))
        first = np.maximum.accumulate(np.where(start, np.arange(p_sat.size), 0))
        rank_in_sat = np.arange(p_sat.size) - first
        if strategy.uses_load:  # water filling: one terminal per satellite per round
            quota = np.ones_like(p_sat)
        else:  # static ranks: fill every free beam now (free_beams is set on this path)
            assert free_beams is not None
            quota = free_beams[p_sat]
        accept = rank_in_sat < quota
        chosen[p_term[accept]] = p_sat[accept]
        taken = np.bincount(p_sat[accept], minlength=load.size)
        load += taken
        if free_beams is not None:
            free_beams -= taken


def _remaining_s(
    vis: Visibility, usable: NDArray[np.bool_], step_s: float, horizon_s: float
) -> F64:
    """Per pair ``(pair,)``: how long (s) the pair stays usable from its step, capped.

    One backward pass over the steps: a pair usable at ``t`` lasts one step
    more than the same (site, sat) pair at ``t + 1`` (matched by binary search
    in that step's sorted keys), vectorised over the pairs of each step.
    """
    steps_out = np.zeros(len(vis), np.int64)
    next_keys = np.zeros(0, np.int64)
    next_steps = np.zeros(0, np.int64)
    for t in range(vis.n_time - 1, -1, -1):
        sl = vis.step_slice(t)
        idx = np.arange(sl.start, sl.stop)[usable[sl]]
        keys = vis.site_idx[idx].astype(np.int64) * vis.n_sat + vis.sat_idx[idx]
        steps = np.ones(idx.size, np.int64)
        if next_keys.size and idx.size:
            pos = np.minimum(np.searchsorted(next_keys, keys), next_keys.size - 1)
            found = next_keys[pos] == keys
            steps[found] += next_steps[pos[found]]
        steps_out[idx] = steps
        next_keys, next_steps = keys, steps
    remaining_s: F64 = np.minimum(steps_out * step_s, horizon_s)
    return remaining_s


def _find_pairs(vis: Visibility, t: I64, term: I64, sat: I64) -> tuple[I64, NDArray[np.bool_]]:
    """Positions in ``vis`` of the pairs ``(t, term, sat)`` (equal-shape arrays) and
    whether they exist.

    A binary search inside each ``(t, term)`` row of the CSR index (its
    satellites are sorted), vectorised over the queries; absent pairs get the
    insertion position.  Queries all at one step (a slot's planning, the check at
    each step) search that step's pairs at once, sorted by ``(term, sat)``: one
    :func:`numpy.searchsorted` in C, 4× faster than the rows' search in numpy steps.
    """
    if t.size and t.min() == t.max():
        step = vis.step_slice(int(t[0]))
        keys = vis.site_idx[step].astype(np.int64) * vis.n_sat + vis.sat_idx[step]
        want = term.astype(np.int64) * vis.n_sat + sat
        at = np.searchsorted(keys, want)
        found = at < keys.size
        found[found] = keys[at[found]] == want[found]
        return step.start + at, found
    rows = t.astype(np.int64) * vis.n_site + term
    lo = vis.offsets[rows]
    end = vis.offsets[rows + 1]
    hi = end.copy()
    sats = vis.sat_idx
    todo = np.flatnonzero(lo < hi)
    while todo.size:
        mid = (lo[todo] + hi[todo]) >> 1
        right = sats[mid] < sat[todo]
        lo[todo] = np.where(right, mid + 1, lo[todo])
        hi[todo] = np.where(right, hi[todo], mid)
        todo = todo[lo[todo] < hi[todo]]
    found = lo < end
    found[found] = sats[lo[found]] == sat[found]
    return lo, found


def _ground_matrix(gateway_vis: GatewayAccess | None, n_time: int, n_sat: int) -> F64:
    """``(time, sat)`` each satellite's shortest delay to the ground, ms, from
    ``gateway_vis``'s ``ground_ms`` (``inf``: no way; ``0`` where none is computed)."""
    # Without delays (no gateway_vis, or bent-pipe's gateways in view) the path to the
    # ground counts from the satellite: the user link alone ranks.
    out = np.zeros((n_time, n_sat))
    delays = getattr(gateway_vis, "ground_ms", None)
    if gateway_vis is not None and delays is not None:
        out[:] = np.inf
        out[gateway_vis.time_idx, gateway_vis.sat_idx] = delays
        # Delays computed at some steps only (the slot boundaries): the others rank like
        # the steps without any (only immediate re-selection uses them).
        if np.isnan(delays).any():
            out[np.isnan(out)] = 0.0
    return out


def schedule(
    vis: Visibility,
    utc_ns: ArrayLike,
    config: SchedulerConfig | None = None,
    state: SchedulerState | None = None,
    *,
    gateway_vis: GatewayAccess | None = None,
    lookahead_steps: int = 0,
    foreseen: Visibility | None = None,
    foreseen_ground: GatewayAccess | None = None,
) -> Schedule:
    """Assign a serving satellite to every terminal at every step of a chunk.

    ``vis`` the terminals' :class:`Visibility` (sites = terminals) over
    ``n_time`` steps at UTC instants ``utc_ns`` ``(n_time,)`` int64 ns;
    ``gateway_vis`` the satellites that reach a gateway (:class:`GatewayAccess`) over
    the same steps and satellites (when given, only those serve); the last
    ``lookahead_steps`` steps only inform ``longest-visibility`` and the planning of the
    slot they end, and are not scheduled; ``foreseen`` what the slot's planning may know
    of its last step (default ``vis``; only the slots' last steps, ``config.slot_edges``,
    are read; a run passes its pairs before satellite faults, which no scheduler
    foresees); ``foreseen_ground`` likewise the ways to the ground
    (``ground_ms``) the planning of a slot sees at its last step (default
    ``gateway_vis``; a run passes them with the faults in force at the slot's first
    step: a gateway, PoP or laser that fails within the slot is not foreseen).
    ``state`` is the previous chunk's :attr:`Schedule.state` (``None`` for the first chunk).
    Returns a :class:`Schedule` over ``n_time - lookahead_steps`` steps.
    """
    config = config or SchedulerConfig()
    strategy = _STRATEGIES[config.strategy]
    ahead = vis if foreseen is None else foreseen
    if (ahead.n_time, ahead.n_site, ahead.n_sat) != (vis.n_time, vis.n_site, vis.n_sat):
        raise ValueError(
            f"foreseen covers {ahead.n_time} steps × {ahead.n_site} terminals × "
            f"{ahead.n_sat} satellites; it must match vis ({vis.n_time} × {vis.n_site} × "
            f"{vis.n_sat})"
        )
    utc = np.asarray(utc_ns, dtype=np.int64).reshape(-1)
    n_time, n_term, n_sat = vis.n_time, vis.n_site, vis.n_sat
    if utc.shape != (n_time,):
        raise ValueError(
            f"utc_ns has {utc.size} instants but the visibility has {n_time} steps; "
            "pass the chunk's TimeGrid.utc_ns"
        )
    if not 0 <= lookahead_steps < max(n_time, 1):
        raise ValueError(
            f"lookahead_steps={lookahead_steps} must leave at least one of the {n_time} steps "
            "to schedule"
        )
    state = state or SchedulerState.initial(n_term)
    if state.n_terminal != n_term:
        raise ValueError(
            f"the state is for {state.n_terminal} terminals but the visibility has {n_term}; "
            "pass the state returned for the same terminals"
        )
    has_gateway = None  # (time, sat): the satellite sees a gateway (bent-pipe mode)
    if gateway_vis is not None:
        if (gateway_vis.n_time, gateway_vis.n_sat) != (n_time, n_sat):
            raise ValueError(
                f"gateway_vis covers {gateway_vis.n_time} steps × {gateway_vis.n_sat} satellites; "
                f"it must match the terminals' {n_time} × {n_sat} (same chunk, same satellites)"
            )
        has_gateway = np.zeros((n_time, n_sat), bool)
        has_gateway[gateway_vis.time_idx, gateway_vis.sat_idx] = True
    ground_ms = None  # (time, sat): shortest delay to a gateway (shortest-path strategy)
    planned_ms = None  # the same as a slot's planning foresees it at the slot's last step
    if strategy.uses_path_delay:
        ground_ms = _ground_matrix(gateway_vis, n_time, n_sat)
        planned_ms = ground_ms
        if foreseen_ground is not None:
            if (foreseen_ground.n_time, foreseen_ground.n_sat) != (n_time, n_sat):
                raise ValueError(
                    f"foreseen_ground covers {foreseen_ground.n_time} steps × "
                    f"{foreseen_ground.n_sat} satellites; it must match the terminals' "
                    f"{n_time} × {n_sat} (same chunk, same satellites)"
                )
            planned_ms = _ground_matrix(foreseen_ground, n_time, n_sat)
    remaining = None
    if strategy.uses_lookahead:
        usable = (
            np.ones(len(vis), bool)
            if has_gateway is None
            else has_gateway[vis.time_idx, vis.sat_idx]
        )
        step_s = float(np.diff(utc[:2])[0]) / 1e9 if n_time > 1 else config.slot_s
        remaining = _remaining_s(vis, usable, step_s, config.horizon_s)

    def usable_at(t: I64, term: I64, sat: I64) -> tuple[I64, NDArray[np.bool_]]:
        pos, found = _find_pairs(vis, t, term, sat)
        if has_gateway is not None:
            found &= has_gateway[t, sat]
        return pos, found

    def assign(t: int, needy: NDArray[np.bool_]) -> None:
        """(Re)assign the ``needy`` terminals at step ``t``; set their reasons."""
        sl = vis.step_slice(t)
        all_term = vis.site_idx[sl]
        ok = None if has_gateway is None else has_gateway[t, vis.sat_idx[sl]]
        pick = needy[all_term]
        if ok is not None:
            pick &= ok
        # The slot is planned whole: of a terminal's candidates, those still above its
        # mask at the slot's last step come first — one that sets mid-slot would leave
        # its terminals unserved (LOST_MID_SLOT) until the next boundary.  A terminal
        # with none keeps the others.
        end = int(slot_end[t])
        if end > t:
            cand = vis.sat_idx[sl].astype(np.int64)
            at = np.flatnonzero(pick)
            _, lasting_at = _find_pairs(
                ahead, np.full(at.size, end), all_term[at].astype(np.int64), cand[at]
            )
            lasting = np.zeros_like(pick)
            lasting[at[lasting_at]] = True
            has_lasting = np.bincount(all_term[lasting], minlength=n_term) > 0
            pick = np.where(has_lasting[all_term], lasting, pick)
        load = np.bincount(serving[serving >= 0], minlength=n_sat).astype(np.int64)
        free = None if beams is None else np.maximum(beams - load, 0)
        path = None
        if ground_ms is not None and planned_ms is not None:
            # The slot is planned for its whole length: a satellite's way to the ground
            # counts at its worst of the slot's first and last step (one that loses its
            # gateway within the slot would carry its terminals over a laser detour), the
            # last as foreseen: its geometry, the faults in force now.
            sats = vis.sat_idx[sl][pick]
            ground = np.fmax(ground_ms[t, sats], planned_ms[slot_end[t], sats])
            path = vis.range_km[sl][pick] * (1000.0 / C_KM_S) + ground
        chosen = _assign(
            all_term[pick].astype(np.int64),
            vis.sat_idx[sl][pick].astype(np.int64),
            vis.el_deg[sl][pick],
            np.zeros(int(pick.sum())) if remaining is None else remaining[sl][pick],
            n_term,
            load,
            free,
            strategy,
            path,
        )
        got = needy & (chosen >= 0)
        serving[got] = chosen[got]
        any_vis = np.bincount(all_term, minlength=n_term) > 0
        any_usable = any_vis if ok is None else np.bincount(all_term[ok], minlength=n_term) > 0
        failed = needy & (chosen < 0)
        reason[got] = Outcome.SERVED
        reason[failed] = np.where(
            ~any_vis[failed],
            Outcome.NO_SATELLITE,
            np.where(~any_usable[failed], Outcome.NO_GATEWAY, Outcome.NO_BEAM),
        )

    slots = config.slot_ids(utc)
    # The last step of each step's slot within the chunk.
    _, ends = config.slot_edges(utc)
    slot_end = ends[np.searchsorted(ends, np.arange(n_time))]
    beams = config.max_terminals_per_sat
    n_out = n_time - lookahead_steps
    boundary = np.ones(n_out, bool)
    boundary[1:] = slots[1:n_out] != slots[: n_out - 1]
    if state.slot_id is not None:
        boundary[0] = int(slots[0]) != state.slot_id
    next_boundary = np.append(np.flatnonzero(boundary), n_out)

    out_sat = np.full((n_out, n_term), -1, np.int32)
    out_el = np.full((n_out, n_term), np.nan)
    out_reason = np.zeros((n_out, n_term), np.uint8)
    handovers = np.zeros(n_term, np.int64)
    serving = state.serving_sat.copy()
    reason = state.reason.copy()
    last_sat = state.last_sat.copy()

    # Assignments change only at a boundary (or, with immediate re-selection, at
    # any step); in between, a terminal keeps its satellite until the first step
    # where the pair is missing or unusable, found for the whole stretch at once.
    t = 0
    while t < n_out:
        if boundary[t]:
            serving[:] = -1
            assign(t, np.ones(n_term, bool))
        else:
            held = np.flatnonzero(serving >= 0)
            _, found = usable_at(np.full(held.size, t), held, serving[held].astype(np.int64))
            lost = held[~found]
            serving[lost] = -1
            reason[lost] = Outcome.LOST_MID_SLOT
            if config.immediate_reselect and (serving < 0).any():
                assign(t, serving < 0)
        stop = (
            t + 1
            if config.immediate_reselect
            else int(next_boundary[np.searchsorted(next_boundary, t, side="right")])
        )
        held = np.flatnonzero(serving >= 0)
        steps = np.arange(t, stop)
        shape = (steps.size, held.size)
        pos, found = usable_at(
            np.repeat(steps, held.size),
            np.tile(held, steps.size),
            np.tile(serving[held].astype(np.int64), steps.size),
        )
        up = np.logical_and.accumulate(found.reshape(shape), axis=0)  # still on its satellite
        out_sat[t:stop, held] = np.where(up, serving[held], -1)
        out_el[t:stop, held] = np.where(
            up, vis.el_deg[np.where(found, pos, 0)].reshape(shape), np.nan
        )
        out_reason[t:stop] = reason
        out_reason[t:stop, held] = np.where(up, Outcome.SERVED, Outcome.LOST_MID_SLOT)
        switched = held[(last_sat[held] >= 0) & (last_sat[held] != serving[held])]
        handovers[switched] += 1
        last_sat[held] = serving[held]
        gone = held[~up[-1]]
        serving[gone] = -1
        reason[gone] = Outcome.LOST_MID_SLOT
        t = stop
    prev_slot = int(slots[n_out - 1])

    return Schedule(
        out_sat,
        out_el,
        out_reason,
        handovers,
        SchedulerState(serving.copy(), reason.copy(), last_sat.copy(), prev_slot),
    )
