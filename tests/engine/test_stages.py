"""The stages run, route and coverage share: lookahead, chunk windows, positions, bent-pipe
reachability."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from leonet.access.scheduler import SchedulerConfig, Strategy, register_strategy
from leonet.engine.stages import (
    SatellitePositions,
    chunk_windows,
    gateways_in_view,
    lookahead_steps,
)
from leonet.ground import Sites
from leonet.space import Propagator, load_preset
from leonet.timegrid import TimeGrid

START = "2026-05-30T00:00:00Z"


@pytest.fixture(scope="module")
def gen1():
    return load_preset("starlink-gen1", START)


def test_lookahead_follows_the_strategy_flag_not_its_name():
    register_strategy(
        Strategy("test-stages-farsighted", lambda _el, rem, _load: -rem, uses_lookahead=True)
    )
    far = SchedulerConfig(strategy="test-stages-farsighted", horizon_s=95.0)
    assert lookahead_steps(far, 10.0) == math.ceil(95.0 / 10.0)
    assert (
        lookahead_steps(SchedulerConfig(strategy="longest-visibility", horizon_s=60.0), 5.0) == 12
    )
    assert lookahead_steps(SchedulerConfig(strategy="highest-elevation"), 1.0) == 0


def test_chunk_windows_cover_the_grid_once_with_lookahead_inside_it():
    grid = TimeGrid(START, 5.0, 23)
    windows = list(chunk_windows(grid, 7, 4))
    assert [w.first for w in windows] == [0, 7, 14, 21]
    assert sum(w.n_run for w in windows) == 23
    assert [w.n_lookahead for w in windows] == [4, 4, 2, 0]  # never past the grid's end
    np.testing.assert_array_equal(windows[1].grid.utc_ns, grid.utc_ns[7:18])


def test_chunk_windows_reach_the_end_of_their_last_slot():
    """A chunk that ends inside a 15-s slot sees the rest of it (the scheduler plans a slot
    whole); one that ends on a boundary, or a longer lookahead, needs no more."""
    grid = TimeGrid("2026-05-30T00:00:07Z", 1.0, 60)  # 8 s to the first boundary
    slots = SchedulerConfig()
    windows = list(chunk_windows(grid, 10, 0, slots))
    # Chunk 0 runs :07-:16; the slot :15-:29 goes on 13 steps.  Chunk 1 ends at :26,
    # 3 s before the boundary at :30; chunk 5 ends at the grid's end.
    assert [w.n_lookahead for w in windows] == [13, 3, 8, 13, 3, 0]
    for w in windows[:-1]:
        ids = slots.slot_ids(w.grid.utc_ns)
        end = w.grid.utc_ns[-1] + 10**9  # the step after the window: the next slot's
        assert ids[w.n_run - 1] == ids[-1] != slots.slot_ids(end)
    assert [w.n_lookahead for w in chunk_windows(grid, 10, 20, slots)][:2] == [20, 20]
    aligned = TimeGrid("2026-05-30T00:00:00Z", 1.0, 60)
    assert [w.n_lookahead for w in chunk_windows(aligned, 15, 0, slots)] == [0, 0, 0, 0]
    assert [w.n_lookahead for w in chunk_windows(grid, 10, 0)] == [0] * 6


def test_positions_are_nan_for_satellites_outside_every_shell(gen1):
    grid = TimeGrid(START, 60.0, 3)
    shell = np.where(np.arange(gen1.size) % 3 == 0, -1, gen1.shell).astype(np.int32)
    raising = dataclasses.replace(gen1, shell=shell)
    r = SatellitePositions(raising)(grid)
    everyone = Propagator(gen1)(grid, velocities=False).r_ecef_km
    out = shell < 0
    assert np.isnan(r[:, out]).all()
    np.testing.assert_array_equal(r[:, ~out], everyone[:, ~out])  # bit for bit
    kept = SatellitePositions(raising, in_service_only=False)(grid)
    np.testing.assert_array_equal(kept, everyone)


def test_bent_pipe_gateways_without_a_mask_of_their_own_use_25_degrees(gen1):
    grid = TimeGrid(START, 30.0, 4)
    r = Propagator(gen1)(grid, velocities=False).r_ecef_km
    lat, lon = [50.0, 52.2], [19.9, 21.0]
    unknown = Sites(["a", "b"], lat, lon, min_elevation_deg=[np.nan, np.nan])
    at_25 = Sites(["a", "b"], lat, lon, min_elevation_deg=[25.0, 25.0])
    at_40 = Sites(["a", "b"], lat, lon, min_elevation_deg=[40.0, 40.0])
    got, want, fewer = (gateways_in_view(r, g) for g in (unknown, at_25, at_40))
    np.testing.assert_array_equal(got.mask(), want.mask())
    assert fewer.mask().sum() < want.mask().sum()
    down = np.ones((grid.count, 2), dtype=bool)
    down[2] = False  # both gateways out at step 2
    gone = gateways_in_view(r, at_25, down)
    assert len(gone.step(2)) == 0 and np.array_equal(gone.step(1), want.step(1))


def test_reachability_from_pairs_sorts_and_merges_repeats():
    from leonet.network.reachability import Reachability

    reach = Reachability.from_pairs(np.array([2, 0, 2, 0, 2]), np.array([5, 1, 3, 1, 5]), 4, 6)
    np.testing.assert_array_equal(reach.offsets, [0, 1, 1, 3, 3])
    assert reach.step(0).tolist() == [1] and reach.step(2).tolist() == [3, 5]
    assert len(reach.step(3)) == 0 and reach.mask().sum() == 3


def test_reachability_with_steps_replaces_those_steps_pairs_and_delays():
    """The ways at steps 0 and 2 written in from a two-step reachability: those steps take
    its pairs and delays (step 2 none at all), steps 1 and 3 keep theirs."""
    from leonet.network.reachability import Reachability

    def with_ms(reach: Reachability, ms: list[float]) -> Reachability:
        return Reachability(
            reach.n_time, reach.n_sat, reach.offsets, reach.time_idx, reach.sat_idx, np.array(ms)
        )

    base = with_ms(
        Reachability.from_pairs(np.array([0, 0, 1, 2, 3]), np.array([1, 4, 2, 5, 0]), 4, 6),
        [1.0, 4.0, 12.0, 25.0, 30.0],
    )
    other = with_ms(Reachability.from_pairs(np.array([0, 0]), np.array([0, 3]), 2, 6), [7.0, 8.0])
    out = base.with_steps(np.array([0, 2]), other)
    np.testing.assert_array_equal(out.offsets, [0, 2, 3, 3, 4])
    assert [out.step(t).tolist() for t in range(4)] == [[0, 3], [2], [], [0]]
    np.testing.assert_array_equal(out.ground_ms, [7.0, 8.0, 12.0, 30.0])
    with pytest.raises(ValueError, match="one step for each"):
        base.with_steps(np.array([0]), other)
    with pytest.raises(ValueError, match="ground_ms"):
        base.with_steps(np.array([0, 2]), Reachability.from_pairs(np.zeros(0), np.zeros(0), 2, 6))
