"""The failover rule of dual-homed terminals (leonet.engine.failover), step by step."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.engine.failover import FailoverState, failover, steps_for

STARLINK, ONEWEB, GEO = 0, 1, 2


def _served(*rows: str) -> np.ndarray:
    """One string per system, one character per step ('1' serves), one site."""
    return np.array([[c == "1" for c in r] for r in rows], dtype=bool)[:, :, None]


def _run(served: np.ndarray, ranks: list[int], switch: int, revert: int = 1000):
    row = np.full(served.shape[0], -1, dtype=np.int8)
    row[: len(ranks)] = ranks
    used, switching = failover(served, row[None, :], switch, revert, FailoverState.start(1))
    return used[:, 0].tolist(), switching[:, 0].tolist()


def test_a_single_homed_terminal_stays_on_its_system_and_never_switches() -> None:
    used, switching = _run(_served("1110000", "1111111"), [STARLINK], switch=2)
    assert used == [STARLINK] * 7
    assert not any(switching)


def test_a_dual_homed_terminal_is_down_for_the_switch_over_then_on_the_fallback() -> None:
    used, switching = _run(_served("1110000000", "1111111111"), [STARLINK, ONEWEB], switch=3)
    assert switching == [False] * 3 + [True] * 3 + [False] * 4
    assert used == [STARLINK] * 3 + [ONEWEB] * 7  # during the switch: the system switched to


def test_no_switch_over_time_switches_at_once() -> None:
    used, switching = _run(_served("1100", "1111"), [STARLINK, ONEWEB], switch=0)
    assert used == [STARLINK, STARLINK, ONEWEB, ONEWEB]
    assert not any(switching)


def test_the_next_system_by_preference_that_serves_is_chosen() -> None:
    served = _served("1000", "0000", "1111")  # OneWeb does not serve: the GEO terminal does
    used, switching = _run(served, [STARLINK, ONEWEB, GEO], switch=1)
    assert used == [STARLINK, GEO, GEO, GEO]
    assert switching == [False, True, False, False]


def test_when_nothing_else_serves_it_stays_and_no_switch_is_counted() -> None:
    used, switching = _run(_served("1001", "0000"), [STARLINK, ONEWEB], switch=2)
    assert used == [STARLINK] * 4
    assert not any(switching)


def test_it_starts_on_the_most_preferred_system_that_serves() -> None:
    used, _ = _run(_served("0011", "1111"), [STARLINK, ONEWEB], switch=2, revert=1000)
    assert used == [ONEWEB] * 4  # it stays on the fallback while it serves (revert later)


def test_it_moves_back_to_the_preferred_system_after_it_served_revert_steps() -> None:
    served = _served("1100111111", "1111111111")
    used, switching = _run(served, [STARLINK, ONEWEB], switch=1, revert=3)
    # lost at 2: switching at 2, OneWeb from 3; Starlink serves again from 4: three steps
    # in a row (4, 5, 6) and it moves back at 6 without a break
    assert switching == [False, False, True] + [False] * 7
    assert used == [STARLINK, STARLINK, ONEWEB, ONEWEB, ONEWEB, ONEWEB] + [STARLINK] * 4


def test_blocks_carry_the_state_and_give_what_one_pass_gives() -> None:
    rng = np.random.default_rng(7)
    served = rng.random((3, 500, 40)) < 0.8
    ranks = np.array([rng.permutation(3) for _ in range(40)], dtype=np.int8)
    ranks[::3, 2] = -1  # some sites subscribe to two systems only
    whole = failover(served, ranks, 4, 9, FailoverState.start(40))
    state = FailoverState.start(40)
    parts = [failover(served[:, a : a + 70], ranks, 4, 9, state) for a in range(0, 500, 70)]
    assert np.array_equal(whole[0], np.concatenate([p[0] for p in parts]))
    assert np.array_equal(whole[1], np.concatenate([p[1] for p in parts]))
    # a site only ever uses one of its own systems
    own = np.zeros((40, 3), dtype=bool)
    for s in range(40):
        own[s, ranks[s][ranks[s] >= 0]] = True
    assert own[np.arange(40)[None, :].repeat(500, 0), whole[0]].all()


def test_bad_arguments_are_named() -> None:
    served = np.ones((2, 3, 1), dtype=bool)
    with pytest.raises(ValueError, match="ranks"):
        failover(served, np.zeros((1, 3), dtype=np.int8), 1, 1, FailoverState.start(1))
    with pytest.raises(ValueError, match="at least one system"):
        failover(served, np.full((1, 2), -1, dtype=np.int8), 1, 1, FailoverState.start(1))


def test_steps_for_counts_a_part_step_whole() -> None:
    assert steps_for(30.0, 1.0) == 30
    assert steps_for(30.0, 15.0) == 2
    assert steps_for(31.0, 15.0) == 3
    assert steps_for(0.0, 15.0) == 0
