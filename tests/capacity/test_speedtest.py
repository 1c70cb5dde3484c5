"""The speed test: one terminal saturating its link over busy-hour background load."""

import numpy as np
import pytest

from leonet.capacity import allocate, assign_beams, speed_test
from leonet.radio import BUSY_HOUR_DOWN_MBPS, BUSY_HOUR_UP_MBPS


def test_alone_in_its_beam_a_terminal_gets_its_modcod_rate():
    got = speed_test([0], [0], [600.0], [1.0], 3.0, [np.inf], 1)
    assert got[0] == pytest.approx(600.0)


def test_background_takes_its_beam_time_first():
    # Beam 0: the test site (1 terminal, 600 Mb/s link) and a cell of 50 terminals on a
    # 300 Mb/s link, each asking 3 Mb/s: they use 50·3/300 = 0.5 of the beam's time.
    got = speed_test([0, 0], [0, 0], [600.0, 300.0], [1.0, 50.0], 3.0, [np.inf], 1)
    assert got[0] == pytest.approx(600.0 * 0.5)
    # The cell's own test: its 49 other terminals use 49·3/300 = 0.49, the site 3/600.
    assert got[1] == pytest.approx(300.0 * (1 - 0.49 - 0.005))


def test_overloaded_beam_gives_the_fair_share():
    # 200 terminals at 3 Mb/s on a 300 Mb/s link overfill the beam (2×): max-min fair.
    got = speed_test([0], [0], [300.0], [200.0], 3.0, [np.inf], 1)
    assert got[0] == pytest.approx(300.0 / 200.0)


def test_backhaul_left_by_the_background_caps_it():
    got = speed_test([0, 0], [0, 1], [600.0, 600.0], [1.0, 100.0], 3.0, [350.0], 2)
    # Background on the satellite: 3 + 300 Mb/s; 350 − 303 = 47 Mb/s left.
    assert got[0] == pytest.approx(47.0)


def test_unserved_and_outage_sites_get_zero():
    got = speed_test([-1, 0], [-1, 0], [600.0, 0.0], [1.0, 1.0], 3.0, [np.inf], 1)
    np.testing.assert_array_equal(got, [0.0, 0.0])


def test_bad_background_is_named():
    with pytest.raises(ValueError, match="background_mbps"):
        speed_test([0], [0], [600.0], [1.0], -1.0, [np.inf], 1)


def test_busy_hour_demand_from_monthly_volume():
    # 500 GB and 40 GB a month, ×2 at the busy hour: 3.04 and 0.243 Mb/s.
    assert pytest.approx(500e9 * 8 / (30.4375 * 86400) * 2 / 1e6) == BUSY_HOUR_DOWN_MBPS
    assert pytest.approx(40e9 * 8 / (30.4375 * 86400) * 2 / 1e6) == BUSY_HOUR_UP_MBPS


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_speed_test_never_exceeds_modcod_rate_or_beam_capacity(seed):
    """Random steps: the test ≤ the terminal's MODCOD rate; the test's beam time plus the
    other terminals' background time ≤ the beam's time (1); and ≥ the fair share."""
    rng = np.random.default_rng(seed)
    n_site, n_sat = 400, 6
    sat = rng.integers(-1, n_sat, n_site)
    cell = rng.integers(0, 60, n_site)
    beams = assign_beams(sat, cell, 4, 8)
    rate = np.where(rng.random(n_site) < 0.05, 0.0, rng.uniform(50, 650, n_site))
    terminals = rng.choice([1.0, 5.0, 40.0, 300.0], n_site)
    back = rng.uniform(200, 5000, n_sat)
    d = 3.0
    got = speed_test(sat, beams.beam, rate, terminals, d, back, beams.n_beams)
    ok = (sat >= 0) & (rate > 0)
    assert (got[~ok] == 0).all()
    assert (got <= rate * (1 + 1e-12)).all()
    # Beam time: the others' background at min(d, L) each, plus the test's share.
    b, r, n = beams.beam[ok], rate[ok], terminals[ok]
    w = np.bincount(b, weights=n / r, minlength=beams.n_beams)
    others = w[b] - 1.0 / r
    level = np.minimum(d, got[ok])  # the others never get more than the test's level
    assert (others * level + got[ok] / r <= 1 + 1e-9).all()
    fair = allocate(sat, beams.beam, rate, terminals, np.full(n_site, 100.0), back, beams.n_beams)
    beam_bound = fair.binding != 3  # where the backhaul binds, the rule is looser
    assert (got[ok & beam_bound] >= fair.per_terminal_mbps[ok & beam_bound] * (1 - 1e-9)).all()


@pytest.mark.parametrize("seed", range(3))
def test_own_beam_shortcut_equals_speed_test_bit_for_bit(seed):
    """The calibrated speed tests put each test on a beam of its own with unlimited
    backhaul; their shortcut must give exactly speed_test's numbers, beams that fit and
    overfull ones, unusable rates (0, NaN, inf) included."""
    from leonet.capacity.speedtest import _own_beam_speed_test

    rng = np.random.default_rng(seed)
    n = 3000
    rate = rng.uniform(1.0, 900.0, n)
    rate[rng.random(n) < 0.05] = 0.0
    rate[rng.random(n) < 0.02] = np.nan
    rate[rng.random(n) < 0.01] = np.inf
    terminals = 1.0 + rng.exponential(80.0, n)  # some beams overfull at 2 Mb/s each
    idx = np.arange(n)
    reference = speed_test(idx, idx, rate, terminals, 2.0, np.full(n, np.inf), n)
    shortcut = _own_beam_speed_test(rate, terminals, 2.0)
    assert (reference < rate * (1 - 1e-9)).any() and (reference == 0).any()  # both regimes
    np.testing.assert_array_equal(shortcut, reference)


def test_busy_hour_utilisation_is_the_speed_test_background_over_the_link_rate():
    from leonet.capacity.speedtest import ThroughputParameters, busy_hour_utilisation

    p = ThroughputParameters(300.0, 30.0, 0.5, 0.0, 1.0)
    down, up = busy_hour_utilisation(
        np.array([600.0, 600.0, 600.0, 0.0]),
        np.array([60.0, 60.0, 60.0, 60.0]),
        np.array([0.0, 1.0, -4.0, 0.0]),  # load draws: mean, +1 sigma, an idle beam
        np.array([30.0, 30.0, 15.0, 30.0]),  # half the satellites in view: twice the load
        p,
    )
    # 300 Mb/s of a 600 Mb/s beam's time: 0.5; × (1 + 0.5·1) = 0.75; the idle beam 0; no
    # link: 0.  Up: cv 0, so 30/60 = 0.5 each, doubled where half the satellites are seen.
    np.testing.assert_allclose(down, [0.5, 0.75, 0.0, 0.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(up, [0.5, 0.5, 1.0, 0.5], rtol=0, atol=1e-12)
