"""Max-min fair allocation: hand-solved cases, capacity bounds and the bottleneck property."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leonet.capacity import Binding, allocate, assign_beams, water_fill

REL = 1e-9


def test_water_fill_hand_cases():
    # One beam, terminals at 100 and 50 Mb/s links, both want 80: x/100 + x/50 = 1 → 33.3.
    assert water_fill([0, 0], [1, 1], [80, 80], [1 / 100, 1 / 50], [1.0])[0] == pytest.approx(
        100 / 3
    )
    # The small demand is met (10/50 = 0.2 of the time); the other gets 0.8 × 100 = 80.
    assert water_fill([0, 0], [1, 1], [10, 200], [1 / 50, 1 / 100], [1.0])[0] == pytest.approx(80)
    # Swapped links: 10/100 = 0.1 of the time, the other 0.9 × 50 = 45.
    assert water_fill([0, 0], [1, 1], [10, 200], [1 / 100, 1 / 50], [1.0])[0] == pytest.approx(45)
    # Everything fits → no level.
    assert np.isinf(water_fill([0], [1], [10], [1 / 100], [1.0])[0])
    # Weights: a cell of 9 terminals and one named terminal on a 100 Mb/s beam → 10 each.
    assert water_fill([0, 0], [9, 1], [50, 50], [0.01, 0.01], [1.0])[0] == pytest.approx(10)
    # Independent groups and an empty one.
    lv = water_fill([0, 2], [1, 1], [80, 80], [1.0, 1.0], [40.0, 5.0, 100.0])
    assert lv[0] == pytest.approx(40) and np.isinf(lv[1]) and np.isinf(lv[2])


def test_allocate_hand_case_with_all_bindings():
    # sites: 0,1 share beam 0 of sat 0 (backhaul 50); 2 alone on sat 1's beam (link 200,
    # demand 500 → radio); 3 unserved; 4 on sat 1's second beam, small demand.
    a = allocate(
        serving_sat=[0, 0, 1, -1, 1],
        beam=[0, 0, 1, -1, 2],
        rate_mbps=[100, 50, 200, 0, 300],
        terminals=[1, 1, 1, 1, 1],
        offered_mbps=[80, 80, 500, 10, 5],
        backhaul_mbps=[50, 1_000],
    )
    np.testing.assert_allclose(a.per_terminal_mbps, [25, 25, 200, 0, 5])
    assert a.binding.tolist() == [
        Binding.GATEWAY,
        Binding.GATEWAY,
        Binding.RADIO,
        Binding.OUTAGE,
        Binding.DEMAND,
    ]
    a = allocate([0, 0], [0, 0], [100, 50], [1, 1], [80, 80], [1_000])
    assert a.binding.tolist() == [Binding.BEAM_SHARE] * 2
    np.testing.assert_allclose(a.per_terminal_mbps, [100 / 3] * 2)


def test_assign_beams_round_robin():
    b = assign_beams([0, 0, 0, 1, 1, -1, 0], [5, 6, 7, 5, 5, 1, 5], [2, 3], 8)
    assert b.beam.tolist() == [0, 1, 0, 2, 2, -1, 0]
    assert b.cells_on_beam.tolist() == [2, 1, 2, 1, 1, 0, 2]
    assert b.channel.tolist() == [0, 1, 0, 0, 0, -1, 0]
    assert b.n_beams == 5
    with pytest.raises(ValueError, match="at least one user beam"):
        assign_beams([0], [0], [0], 8)


def _check(serving, beam, rate, n, d, back, a):
    x = a.per_terminal_mbps
    ok = (serving >= 0) & (rate > 0)
    assert np.all(x <= d + 1e-9) and np.all(x[~ok] == 0)
    assert np.all(x[ok] <= rate[ok] * (1 + REL))
    n_beams = beam.max(initial=-1) + 1
    time = np.bincount(beam[ok], weights=(n * x / np.where(ok, rate, 1))[ok], minlength=n_beams)
    assert np.all(time <= 1 + 1e-9)
    load = np.bincount(serving[ok], weights=(n * x)[ok], minlength=back.size)
    assert np.all(load <= back * (1 + REL) + 1e-9)
    # Max-min fairness certificate: every terminal short of its demand has a saturated
    # constraint (its beam's time or its satellite's backhaul) on which its rate is largest.
    for i in np.flatnonzero(ok & (x < d * (1 - 1e-7)) & (n > 0)):
        same_beam = ok & (beam == beam[i]) & (n > 0)
        same_sat = ok & (serving == serving[i]) & (n > 0)
        beam_bottleneck = (time[beam[i]] >= 1 - 1e-7) and x[i] >= x[same_beam].max() * (1 - 1e-7)
        sat_bottleneck = load[serving[i]] >= back[serving[i]] * (1 - 1e-7) and x[i] >= x[
            same_sat
        ].max() * (1 - 1e-7)
        assert beam_bottleneck or sat_bottleneck, i


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_allocations_respect_capacities_and_are_max_min_fair(data):
    n_site = data.draw(st.integers(1, 12))
    n_sat = data.draw(st.integers(1, 3))
    serving = np.array(
        data.draw(st.lists(st.integers(-1, n_sat - 1), min_size=n_site, max_size=n_site))
    )
    cells = np.array(data.draw(st.lists(st.integers(0, 4), min_size=n_site, max_size=n_site)))
    beams = assign_beams(serving, cells, data.draw(st.integers(1, 3)), 8)
    rate = np.array(
        data.draw(
            st.lists(
                st.sampled_from([0.0, 10.0, 50.0, 333.0, 1341.0]), min_size=n_site, max_size=n_site
            )
        )
    )
    n = np.array(
        data.draw(
            st.lists(st.sampled_from([0.0, 1.0, 2.5, 25.0]), min_size=n_site, max_size=n_site)
        )
    )
    d = np.array(data.draw(st.lists(st.floats(0.0, 500.0), min_size=n_site, max_size=n_site)))
    back = np.array(
        data.draw(
            st.lists(st.sampled_from([0.0, 20.0, 300.0, 1e9]), min_size=n_sat, max_size=n_sat)
        )
    )
    a = allocate(serving, beams.beam, rate, n, d, back, beams.n_beams)
    _check(serving, beams.beam, rate, n, d, back, a)
