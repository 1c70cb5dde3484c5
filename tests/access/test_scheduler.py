"""Scheduler invariants on a synthetic Walker shell: slots, masks, beams, gateways, chunking."""

import numpy as np
import pytest

from leonet.access.scheduler import (
    STRATEGIES,
    Schedule,
    SchedulerConfig,
    SchedulerState,
    schedule,
)
from leonet.access.visibility import Visibility, visible
from leonet.frames import geodetic_to_ecef
from leonet.outcomes import Outcome
from leonet.timegrid import TimeGrid

GRID = TimeGrid("2026-05-30T00:00:07Z", 1.0, 240)  # starts mid-slot on purpose


@pytest.fixture(scope="module")
def scene(walker):
    sats = walker(GRID.offsets_s, 550.0, 53.0, planes=24, per_plane=22)
    rng = np.random.default_rng(11)
    lat, lon = rng.uniform(20, 50, 40), rng.uniform(-10, 30, 40)
    vis = visible(sats, 25.0, geodetic_to_ecef(lat, lon), lat, lon)
    glat, glon = np.array([35.0, 45.0]), np.array([0.0, 20.0])
    gw = visible(sats, 25.0, geodetic_to_ecef(glat, glon), glat, glon)
    return vis, gw


def _pairs(vis: Visibility) -> dict[tuple[int, int, int], float]:
    return {
        (int(t), int(s), int(k)): float(e)
        for t, s, k, e in zip(vis.time_idx, vis.site_idx, vis.sat_idx, vis.el_deg, strict=True)
    }


def _chunked(vis, config, sizes, gateway_vis=None, lookahead=0) -> Schedule:
    """The schedule run chunk by chunk, each chunk given ``lookahead`` steps past it and
    at least the rest of its last step's slot (as the engine's chunk windows are)."""
    state, parts, first = None, [], 0
    slot = config.slot_ids(GRID.utc_ns)
    for size in sizes:
        stop = min(first + size, vis.n_time)
        rest = int((slot[stop:] == slot[stop - 1]).sum())
        end = min(stop + max(lookahead, rest), vis.n_time)
        part = schedule(
            vis.take_steps(first, end),
            GRID.utc_ns[first:end],
            config,
            state,
            gateway_vis=None if gateway_vis is None else gateway_vis.take_steps(first, end),
            lookahead_steps=end - stop,
        )
        parts.append(part)
        state, first = part.state, stop
    assert first == vis.n_time
    return Schedule(
        np.concatenate([p.serving_sat for p in parts]),
        np.concatenate([p.elevation_deg for p in parts]),
        np.concatenate([p.reason for p in parts]),
        np.sum([p.handovers for p in parts], axis=0),
        parts[-1].state,
    )


def _assert_equal(a: Schedule, b: Schedule) -> None:
    np.testing.assert_array_equal(a.serving_sat, b.serving_sat)
    np.testing.assert_array_equal(a.elevation_deg, b.elevation_deg)
    np.testing.assert_array_equal(a.reason, b.reason)
    np.testing.assert_array_equal(a.handovers, b.handovers)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@pytest.mark.parametrize("beams", [None, 3])
def test_served_satellite_is_visible_and_changes_only_at_slot_boundaries(scene, strategy, beams):
    vis, _ = scene
    config = SchedulerConfig(strategy, max_terminals_per_sat=beams)
    out = schedule(vis, GRID.utc_ns, config)
    pairs = _pairs(vis)
    for t, k in zip(*np.nonzero(out.served), strict=True):
        el = pairs[(int(t), int(k), int(out.serving_sat[t, k]))]
        assert out.elevation_deg[t, k] == el and el >= 25.0
    assert np.isnan(out.elevation_deg[~out.served]).all()
    slots = config.slot_ids(GRID.utc_ns)
    same_slot = slots[1:] == slots[:-1]
    prev, cur = out.serving_sat[:-1][same_slot], out.serving_sat[1:][same_slot]
    assert np.all((cur == prev) | (cur == -1))  # keep it, or lose it
    assert np.all(cur[prev == -1] == -1)  # no pick-up inside a slot
    lost = out.reason == Outcome.LOST_MID_SLOT
    assert not lost[0].any() and not lost[1:][~same_slot].any()
    assert np.array_equal(out.reason == 0, out.served)
    if beams is not None:
        for row in out.serving_sat:
            assert np.bincount(row[row >= 0]).max(initial=0) <= beams


def test_slot_boundaries_follow_the_utc_clock():
    config = SchedulerConfig(slot_s=15.0, phase_s=2.0)
    ids = config.slot_ids(GRID.utc_ns)  # grid starts at 00:00:07
    starts = np.flatnonzero(np.diff(ids)) + 1
    seconds = (GRID.utc_ns[starts] // 1_000_000_000) % 60
    assert set(seconds.tolist()) <= {2, 17, 32, 47}
    assert starts[0] == 10  # 00:00:17


def test_highest_elevation_takes_the_top_satellite_at_boundaries(scene):
    vis, _ = scene
    config = SchedulerConfig("highest-elevation")
    out = schedule(vis, GRID.utc_ns, config)
    slots = config.slot_ids(GRID.utc_ns)
    for t in np.concatenate(([0], np.flatnonzero(np.diff(slots)) + 1)):
        sl = vis.step_slice(int(t))
        best = np.full(vis.n_site, -np.inf)
        np.maximum.at(best, vis.site_idx[sl], vis.el_deg[sl])
        has = np.isfinite(best)
        np.testing.assert_array_equal(out.elevation_deg[t, has], best[has])
        assert np.all(out.reason[t, ~has] == Outcome.NO_SATELLITE)


def test_beam_limit_gives_no_beam_and_least_loaded_balances(scene):
    vis, _ = scene
    tight = schedule(vis, GRID.utc_ns, SchedulerConfig(max_terminals_per_sat=1))
    no_beam = tight.reason == Outcome.NO_BEAM
    assert no_beam.any()
    counts = vis.counts()[: tight.reason.shape[0]]
    assert np.all(counts[no_beam] > 0)
    high = schedule(vis, GRID.utc_ns, SchedulerConfig("highest-elevation"))
    flat = schedule(vis, GRID.utc_ns, SchedulerConfig("least-loaded"))

    def peak(s: Schedule) -> int:
        return max(np.bincount(r[r >= 0]).max(initial=0) for r in s.serving_sat)

    assert peak(flat) < peak(high)
    assert flat.served.sum() == high.served.sum() or flat.served.mean() > 0.9


def test_zero_beams_serves_nobody(scene):
    vis, _ = scene
    out = schedule(vis, GRID.utc_ns, SchedulerConfig(max_terminals_per_sat=0))
    assert not out.served.any()
    assert set(np.unique(out.reason)) <= {Outcome.NO_BEAM, Outcome.NO_SATELLITE}


def test_a_long_slot_loses_satellites_mid_slot(scene):
    vis, _ = scene
    out = schedule(vis, GRID.utc_ns, SchedulerConfig(slot_s=120.0))
    lost = out.reason == Outcome.LOST_MID_SLOT
    assert lost.any()
    after = np.argmax(lost, axis=0)  # first lost step per terminal
    k = int(np.flatnonzero(lost.any(axis=0))[0])
    assert out.serving_sat[after[k] - 1, k] >= 0  # it was served just before


def test_immediate_reselect_never_waits_for_the_slot(scene):
    vis, _ = scene
    out = schedule(vis, GRID.utc_ns, SchedulerConfig(immediate_reselect=True))
    assert not (out.reason == Outcome.LOST_MID_SLOT).any()
    counts = vis.counts()
    np.testing.assert_array_equal(out.served, counts > 0)


@pytest.mark.parametrize("strategy", sorted(STRATEGIES))
@pytest.mark.parametrize("reselect", [False, True])
def test_chunked_equals_unchunked(scene, strategy, reselect):
    vis, gw = scene
    config = SchedulerConfig(
        strategy, immediate_reselect=reselect, max_terminals_per_sat=4, horizon_s=30.0
    )
    whole = schedule(vis, GRID.utc_ns, config, gateway_vis=gw)
    lookahead = 30 if STRATEGIES[strategy].uses_lookahead else 0
    parts = _chunked(vis, config, [7, 50, 1, 100, 82], gateway_vis=gw, lookahead=lookahead)
    _assert_equal(whole, parts)
    np.testing.assert_array_equal(whole.state.serving_sat, parts.state.serving_sat)
    assert whole.state.slot_id == parts.state.slot_id


def test_longest_visibility_prefers_staying_power(scene):
    vis, _ = scene
    long = schedule(vis, GRID.utc_ns, SchedulerConfig("longest-visibility", horizon_s=1e4))
    high = schedule(vis, GRID.utc_ns, SchedulerConfig("highest-elevation"))
    assert long.handovers.sum() < high.handovers.sum()


def test_bent_pipe_needs_a_gateway(scene):
    vis, gw = scene
    out = schedule(vis, GRID.utc_ns, SchedulerConfig(), gateway_vis=gw)
    gw_pairs = set(zip(gw.time_idx.tolist(), gw.sat_idx.tolist(), strict=True))
    for t, k in zip(*np.nonzero(out.served), strict=True):
        assert (int(t), int(out.serving_sat[t, k])) in gw_pairs
    nowhere = Visibility(
        vis.n_time,
        1,
        vis.n_sat,
        np.zeros(vis.n_time + 1, np.int64),
        *(np.zeros(0, np.int32),) * 3,
        *(np.zeros(0),) * 3,
    )
    none = schedule(vis, GRID.utc_ns, SchedulerConfig(), gateway_vis=nowhere)
    assert not none.served.any()
    assert (none.reason == Outcome.NO_GATEWAY).any()
    assert np.all((none.reason == Outcome.NO_GATEWAY) == (vis.counts() > 0))


def test_handovers_count_changes_of_serving_satellite(scene):
    vis, _ = scene
    out = schedule(vis, GRID.utc_ns, SchedulerConfig())
    for k in range(vis.n_site):
        seq = out.serving_sat[:, k]
        seq = seq[seq >= 0]
        assert out.handovers[k] == np.count_nonzero(seq[1:] != seq[:-1])


def test_errors_teach_the_fix(scene):
    vis, _ = scene
    with pytest.raises(ValueError, match=r"'highest-elevation', 'least-loaded', 'longest-vis"):
        SchedulerConfig("nearest")
    with pytest.raises(ValueError, match=r"TimeGrid\.utc_ns"):
        schedule(vis, GRID.utc_ns[:-1])
    with pytest.raises(ValueError, match="same terminals"):
        schedule(vis, GRID.utc_ns, state=SchedulerState.initial(3))
    with pytest.raises(ValueError, match="max_terminals_per_sat"):
        SchedulerConfig(max_terminals_per_sat=-1)


def test_remaining_time_matches_a_brute_force_count(scene):
    from leonet.access.scheduler import _remaining_s

    vis, _ = scene
    part = vis.take_steps(0, 40)
    rng = np.random.default_rng(4)
    usable = rng.random(len(part)) < 0.9
    got = _remaining_s(part, usable, 1.0, 25.0)
    ok = {
        (int(t), int(s), int(k))
        for t, s, k, u in zip(part.time_idx, part.site_idx, part.sat_idx, usable, strict=True)
        if u
    }
    for i in range(0, len(part), 7):
        t, s, k = int(part.time_idx[i]), int(part.site_idx[i]), int(part.sat_idx[i])
        n = 0
        while (t + n, s, k) in ok:
            n += 1
        assert got[i] == min(n, 25.0)


def _reference(vis, utc_ns, config, gateway_sats, state):
    """The module docstring, step by step and terminal by terminal, for unlimited beams and
    ``highest-elevation`` (ties to the lower satellite index): the scheduler must agree."""
    n_term = vis.n_site
    seen = [[{} for _ in range(n_term)] for _ in range(vis.n_time)]
    for t, k, s, e in zip(vis.time_idx, vis.site_idx, vis.sat_idx, vis.el_deg, strict=True):
        seen[t][k][int(s)] = float(e)
    serving, reason = state.serving_sat.tolist(), state.reason.tolist()
    last, prev_slot = state.last_sat.tolist(), state.slot_id
    sat = np.full((vis.n_time, n_term), -1, np.int32)
    el = np.full((vis.n_time, n_term), np.nan)
    why = np.zeros((vis.n_time, n_term), np.uint8)
    handovers = np.zeros(n_term, np.int64)
    slots = config.slot_ids(utc_ns).tolist()
    for t, slot in enumerate(slots):
        usable = [
            {s: e for s, e in seen[t][k].items() if gateway_sats is None or s in gateway_sats[t]}
            for k in range(n_term)
        ]
        # The slot's last step given: a candidate still in view then is preferred (one
        # that sets mid-slot is the last resort).
        end = max(u for u in range(t, vis.n_time) if slots[u] == slot)
        for k in range(n_term):
            if slot != prev_slot:
                serving[k] = -1
            elif serving[k] >= 0 and serving[k] not in usable[k]:
                serving[k], reason[k] = -1, Outcome.LOST_MID_SLOT
            if serving[k] < 0 and (slot != prev_slot or config.immediate_reselect):
                lasting = {s: e for s, e in usable[k].items() if s in seen[end][k]}
                choice = lasting or usable[k]
                if choice:
                    serving[k] = min(choice, key=lambda s, c=choice: (-c[s], s))
                    reason[k] = Outcome.SERVED
                else:
                    reason[k] = Outcome.NO_GATEWAY if seen[t][k] else Outcome.NO_SATELLITE
            if serving[k] >= 0:
                sat[t, k], el[t, k] = serving[k], usable[k][serving[k]]
                handovers[k] += 0 <= last[k] != serving[k]
                last[k] = serving[k]
            else:
                why[t, k] = reason[k]
        prev_slot = slot
    return Schedule(
        sat,
        el,
        why,
        handovers,
        SchedulerState(
            np.array(serving, np.int32),
            np.array(reason, np.uint8),
            np.array(last, np.int32),
            prev_slot,
        ),
    )


@pytest.mark.parametrize("reselect", [False, True])
@pytest.mark.parametrize("bent_pipe", [False, True])
def test_schedule_matches_a_step_by_step_reference(reselect, bent_pipe, random_vis):
    rng = np.random.default_rng(7 + 2 * reselect + bent_pipe)
    n_time, n_site, n_sat = 50, 25, 30
    vis = random_vis(rng, n_time, n_site, n_sat)
    up = rng.random((n_time, n_sat)) < 0.7
    t, k = np.nonzero(up)
    offsets = np.zeros(n_time + 1, np.int64)
    np.cumsum(up.sum(axis=1), out=offsets[1:])
    zeros = np.zeros(t.size)
    gw = (
        Visibility(
            n_time,
            1,
            n_sat,
            offsets,
            t.astype(np.int32),
            np.zeros(t.size, np.int32),
            k.astype(np.int32),
            zeros,
            zeros,
            zeros,
        )
        if bent_pipe
        else None
    )
    gateway_sats = [set(np.flatnonzero(row).tolist()) for row in up] if bent_pipe else None
    config = SchedulerConfig(slot_s=4.0, immediate_reselect=reselect)
    utc = GRID.utc_ns[:n_time]
    state = SchedulerState.initial(n_site)
    for first, stop in ((0, 13), (13, 31), (31, 50)):  # chunks that cut slots
        got = schedule(
            vis.take_steps(first, stop),
            utc[first:stop],
            config,
            state,
            gateway_vis=None if gw is None else gw.take_steps(first, stop),
        )
        want = _reference(
            vis.take_steps(first, stop),
            utc[first:stop],
            config,
            None if gateway_sats is None else gateway_sats[first:stop],
            state,
        )
        _assert_equal(got, want)
        for name in ("serving_sat", "reason", "last_sat", "slot_id"):
            np.testing.assert_array_equal(getattr(got.state, name), getattr(want.state, name))
        state = got.state
    assert (got.reason == Outcome.LOST_MID_SLOT).any() != reselect


def test_shortest_path_takes_the_candidate_with_the_shortest_way_to_the_ground(scene):
    from leonet.constants import C_KM_S
    from leonet.network.reachability import Reachability

    vis, gw = scene
    rng = np.random.default_rng(3)
    # Every visible satellite reaches the ground, at a made-up delay.
    t, s = vis.time_idx.astype(np.int64), vis.sat_idx.astype(np.int64)
    delay = rng.uniform(2.0, 40.0, (vis.n_time, vis.n_sat))

    def delayed(t: np.ndarray, s: np.ndarray) -> Reachability:
        """The ``(time, sat)`` pairs that reach the ground, each at its made-up delay."""
        base = Reachability.from_pairs(t, s, vis.n_time, vis.n_sat)
        return Reachability(
            base.n_time,
            base.n_sat,
            base.offsets,
            base.time_idx,
            base.sat_idx,
            delay[base.time_idx, base.sat_idx],
        )

    reach = delayed(t, s)
    out = schedule(vis, GRID.utc_ns, SchedulerConfig("shortest-path"), gateway_vis=reach)
    # Where a satellite reaches no gateway (here: seen by no terminal) its way is endless.
    reached = np.full((vis.n_time, vis.n_sat), np.inf)
    reached[t, s] = delay[t, s]
    slots = SchedulerConfig().slot_ids(GRID.utc_ns)
    boundary = np.flatnonzero(np.concatenate(([True], slots[1:] != slots[:-1])))
    last = np.flatnonzero(np.concatenate((slots[1:] != slots[:-1], [True])))
    for b, end in zip(boundary, last, strict=True):
        sl = vis.step_slice(int(b))
        for k in range(vis.n_site):
            mine = vis.site_idx[sl] == k
            if not mine.any():
                continue
            sats = vis.sat_idx[sl][mine]
            # The way to the ground at its worst of the slot's first and last step, among
            # the candidates still in view at the slot's end (all of them where none is).
            ground = np.maximum(reached[b, sats], reached[end, sats])
            path = vis.range_km[sl][mine] * 1000.0 / C_KM_S + ground
            at_end = vis.sat_idx[vis.step_slice(int(end))][
                vis.site_idx[vis.step_slice(int(end))] == k
            ]
            lasting = np.isin(sats, at_end)
            if lasting.any():
                path = np.where(lasting, path, np.inf)
            assert out.serving_sat[b, k] == sats[np.argmin(path)]
    # A satellite best at the slot's start whose way to the ground is lost by its end
    # (its gateway gone: reachable at the first step only) is passed over.
    b, end = int(boundary[1]), int(last[1])
    sl = vis.step_slice(b)
    k = int(vis.site_idx[sl][0])
    chosen = int(out.serving_sat[b, k])
    keep = ~((t > b) & (t <= end) & (s == chosen))
    cut = delayed(t[keep], s[keep])
    again = schedule(vis, GRID.utc_ns, SchedulerConfig("shortest-path"), gateway_vis=cut)
    assert (vis.site_idx[sl] == k).sum() > 1  # it had another candidate
    assert again.serving_sat[b, k] not in (chosen, -1)
    # Lost by a fault to come instead, the planning foresees the way (foreseen_ground,
    # as a run passes it): the satellite is taken as before.
    config = SchedulerConfig("shortest-path")
    unaware = schedule(vis, GRID.utc_ns, config, gateway_vis=cut, foreseen_ground=reach)
    assert unaware.serving_sat[b, k] == chosen
    with pytest.raises(ValueError, match="foreseen_ground covers"):
        short = Reachability.from_pairs(t[:0], s[:0], 2, vis.n_sat)
        schedule(vis, GRID.utc_ns, config, gateway_vis=cut, foreseen_ground=short)
    # Without delays (bent-pipe's gateways in view) the user link alone ranks: the nearest.
    plain = schedule(vis, GRID.utc_ns, SchedulerConfig("shortest-path"), gateway_vis=gw)
    assert plain.served.any()


def test_path_delays_are_needed_at_each_slot_s_first_and_last_step_only():
    utc = GRID.utc_ns[:40]
    sp = SchedulerConfig("shortest-path")
    steps = sp.path_delay_steps(utc)
    slots = sp.slot_ids(utc)
    assert isinstance(steps, np.ndarray) and steps[0] and steps[-1]
    change = slots[1:] != slots[:-1]
    np.testing.assert_array_equal(steps[1:-1], change[1:] | change[:-1])
    assert 0 < steps.sum() < steps.size
    assert SchedulerConfig("shortest-path", immediate_reselect=True).path_delay_steps(utc).all()
    assert SchedulerConfig("highest-elevation").path_delay_steps(utc) is False


def _pairs_vis(n_time: int, rows: list[tuple[int, int, float]]) -> Visibility:
    """One terminal's pairs ``(step, satellite, elevation)``, sorted, as a Visibility."""
    rows = sorted(rows)
    t = np.array([r[0] for r in rows], np.int32)
    k = np.array([r[1] for r in rows], np.int32)
    el = np.array([r[2] for r in rows])
    offsets = np.zeros(n_time + 1, np.int64)
    np.cumsum(np.bincount(t, minlength=n_time), out=offsets[1:])
    zeros = np.zeros(t.size)
    return Visibility(n_time, 1, 2, offsets, t, np.zeros(t.size, np.int32), k, zeros, el, zeros)


def test_a_slot_is_planned_with_the_geometry_not_the_faults_to_come():
    """One slot of three steps: satellite 0 is the higher, satellite 1 stays in view.
    Satellite 0 sets before the slot's end: satellite 1 is taken.  Satellite 0 fails
    instead (gone from ``vis`` only, still in the ``foreseen`` geometry): no scheduler
    foresees a fault, so it is taken and lost mid-slot."""
    utc = np.array([0, 5, 10], np.int64) * 10**9
    config = SchedulerConfig(slot_s=15.0)
    full = [(t, 0, 80.0) for t in range(3)] + [(t, 1, 60.0) for t in range(3)]
    gone = [r for r in full if r[:2] != (2, 0)]
    sets = schedule(_pairs_vis(3, gone), utc, config)
    assert sets.serving_sat[:, 0].tolist() == [1, 1, 1]
    fails = schedule(_pairs_vis(3, gone), utc, config, foreseen=_pairs_vis(3, full))
    assert fails.serving_sat[:, 0].tolist() == [0, 0, -1]
    assert fails.reason[2, 0] == Outcome.LOST_MID_SLOT
    # Only the slot's last step of what is foreseen is read (what a run passes).
    assert config.slot_edges(utc)[1].tolist() == [2]
    at_end = _pairs_vis(3, [r for r in full if r[0] == 2])
    again = schedule(_pairs_vis(3, gone), utc, config, foreseen=at_end)
    np.testing.assert_array_equal(again.serving_sat, fails.serving_sat)
    with pytest.raises(ValueError, match="foreseen covers"):
        schedule(_pairs_vis(3, gone), utc, config, foreseen=_pairs_vis(2, full[:2]))


def test_pairs_found_at_one_step_at_once_equal_the_rows_search(random_vis):
    """``_find_pairs``'s one-step search (a slot's planning) gives the positions and
    presence its row-by-row search gives, for pairs present and absent."""
    from leonet.access.scheduler import _find_pairs

    rng = np.random.default_rng(5)
    vis = random_vis(rng, 6, 40, 30)
    for t in range(vis.n_time):
        term = rng.integers(0, vis.n_site, 500)
        sat = rng.integers(0, vis.n_sat, 500)
        one = _find_pairs(vis, np.full(500, t), term, sat)
        # One query at another step sends the rest through the rows' search.
        mixed_t = np.append(np.full(500, t), (t + 1) % vis.n_time)
        rows = _find_pairs(vis, mixed_t, np.append(term, 0), np.append(sat, 0))
        assert one[1].any() and not one[1].all()
        np.testing.assert_array_equal(one[0], rows[0][:500])
        np.testing.assert_array_equal(one[1], rows[1][:500])
