"""leonet.network.latency: named latency terms, each switchable, summing to the RTT."""

from __future__ import annotations

import numpy as np
import pytest

from leonet import defaults
from leonet.network.latency import (
    IDLE_TERMS,
    OPERATOR_LATENCY,
    TERMS,
    LatencyParameters,
    counter_uniform,
    operator_latency,
    path_counts,
    since_slot_start_s,
    tree_counts,
    user_link_uniforms,
    utilisation,
)

PROP = np.array([8.0, 12.5, 30.0, np.nan])
SATS = np.array([1, 3, 12, 0])
GWS = np.array([1, 1, 1, 0])
SINCE = np.array([0.0, 0.5, 7.0, 3.0])
RHO = np.array([0.0, 0.5, 2.0, 0.3])
# The parts of a downlink frame and an uplink cycle each sample waits (the run's draws).
FRAME, CYCLE = user_link_uniforms(11, np.arange(4), 1_780_000_000_000_000_000, 15.0)


def _rtt(p: LatencyParameters) -> tuple[np.ndarray, np.ndarray]:
    return p.rtt_ms(PROP, SATS, GWS, SINCE, RHO, RHO, FRAME, CYCLE)


@pytest.mark.parametrize("term", [t for t in TERMS if t != "propagation"])
def test_switching_a_term_off_lowers_the_total_by_exactly_that_term(term: str) -> None:
    # Every term on (a fitted default may be 0): sourced values where they exist.
    p = LatencyParameters(
        slot_spike_s=1.0, satellite_processing_ms=0.1, pop_ms=8.0, user_uplink_cycle_ms=5.0
    )
    terms = p.terms(PROP, SATS, GWS, SINCE, RHO, RHO, FRAME, CYCLE)
    # The user link's waits differ sample by sample: each is removed as it was drawn.
    assert np.ptp(terms["user_downlink"][:3]) > 0 and np.ptp(terms["user_uplink"][:3]) > 0
    idle, loaded = _rtt(p)
    idle_off, loaded_off = _rtt(p.without(term))
    ok = np.isfinite(PROP)
    assert (terms[term][ok] > 0).any(), f"{term} contributes nothing in this test"
    np.testing.assert_allclose(loaded[ok] - loaded_off[ok], terms[term][ok], atol=1e-12)
    expected_idle = 0.0 if term == "queueing" else terms[term][ok]
    np.testing.assert_allclose(idle[ok] - idle_off[ok], expected_idle, atol=1e-12)
    assert np.isnan(idle[~ok]).all() and np.isnan(loaded[~ok]).all()


def test_all_terms_off_leaves_propagation_only() -> None:
    p = LatencyParameters().without(*[t for t in TERMS if t != "propagation"])
    idle, loaded = _rtt(p)
    np.testing.assert_array_equal(idle[:3], PROP[:3])
    np.testing.assert_array_equal(loaded[:3], PROP[:3])


def test_terms_by_hand() -> None:
    p = LatencyParameters(
        user_downlink_frame_ms=1.0,
        user_uplink_scheduling_ms=4.0,
        satellite_processing_ms=0.1,
        gateway_processing_ms=0.5,
        ground_equipment_ms=1.0,
        pop_ms=7.0,
        slot_spike_ms=20.0,
        slot_spike_s=1.0,
        queue_scale_ms=2.0,
        max_utilisation=0.9,
        user_uplink_cycle_ms=6.0,
    )
    frame, cycle = np.array([0.0, 0.25, 0.5, 0.9]), np.array([0.1, 0.0, 0.5, 0.99])
    t = p.terms(PROP, SATS, GWS, SINCE, RHO, RHO, frame, cycle)
    # 3 satellites crossed each way at 0.1 ms: 0.6 ms; the spike only within 1 s of a slot.
    assert t["satellite_processing"][1] == pytest.approx(0.6)
    assert t["gateway_processing"][1] == pytest.approx(1.0)
    assert t["slot_spike"].tolist()[:3] == [20.0, 20.0, 0.0]
    # M/M/1: ρ=0.5 → 2 × 2 ms × 1 (both ways); ρ=2 is capped at 0.9 → 2 × 2 × 9.
    assert t["queueing"][1] == pytest.approx(4.0)
    assert t["queueing"][2] == pytest.approx(36.0)
    # The waits: that part of a 1-ms frame; 4 ms plus that part of a 6-ms cycle.
    np.testing.assert_allclose(t["user_downlink"][:3], [0.0, 0.25, 0.5])
    np.testing.assert_allclose(t["user_uplink"][:3], [4.6, 4.0, 7.0])
    idle, _ = p.rtt_ms(PROP, SATS, GWS, SINCE, RHO, RHO, frame, cycle)
    assert idle[2] == pytest.approx(30.0 + 0.5 + 7 + 2.4 + 1 + 1 + 7)
    # Without draws each wait is at its mean: half a frame, half a cycle.
    mean = p.terms(PROP, SATS, GWS, SINCE)
    assert mean["user_downlink"][0] == pytest.approx(0.5)
    assert mean["user_uplink"][0] == pytest.approx(4.0 + 3.0)
    assert sorted(IDLE_TERMS) == sorted(set(TERMS) - {"queueing"})


def test_defaults_are_the_calibrated_values_and_the_frame_is_750_hz() -> None:
    p = LatencyParameters()
    assert p.pop_ms == defaults.LATENCY_POP_MS
    assert p.user_uplink_scheduling_ms == defaults.LATENCY_USER_UPLINK_SCHEDULING_MS
    assert p.user_downlink_frame_ms == pytest.approx(1.3333, abs=1e-3)
    assert p.user_uplink_cycle_ms == defaults.LATENCY_USER_UPLINK_CYCLE_MS
    # Switching the uplink term off removes its fixed part and its cycle together.
    off = p.without("user_uplink")
    assert off.user_uplink_scheduling_ms == 0.0 and off.user_uplink_cycle_ms == 0.0


def test_the_user_link_waits_are_uniform_over_a_frame_and_a_cycle() -> None:
    # 400 terminals × 900 steps of 1 s, as a run draws them.
    n = 400 * 900
    utc = 1_780_000_000_000_000_000 + np.arange(900, dtype=np.int64) * 1_000_000_000
    frame, cycle = user_link_uniforms(20260530, np.arange(400)[:, None], utc[None, :], 15.0)
    assert frame.shape == cycle.shape == (400, 900)
    p = LatencyParameters(user_uplink_cycle_ms=5.0)
    t = p.terms(np.zeros(frame.shape), 1, 1, 7.0, 0.0, 0.0, frame, cycle)
    down = t["user_downlink"].ravel()
    # The cycle's wait is drawn once a slot (utc is on a boundary): a draw each 15 steps.
    wait = t["user_uplink"][:, ::15].ravel() - p.user_uplink_scheduling_ms
    for x, width_ms in ((down, p.user_downlink_frame_ms), (wait, 5.0)):
        assert x.min() >= 0.0 and x.max() < width_ms
        # Mean half the width, within 5 standard errors of a uniform's mean (width/√(12n)).
        assert abs(x.mean() - width_ms / 2) < 5 * width_ms / np.sqrt(12 * x.size)
        # Kolmogorov-Smirnov against the uniform distribution (scipy): not rejected at 0.1 %.
        from scipy.stats import kstest, uniform

        assert kstest(x, uniform(0.0, width_ms).cdf).pvalue > 1e-3
    # The two waits are independent: correlation within 5 / √n of 0.
    assert abs(np.corrcoef(frame.ravel(), cycle.ravel())[0, 1]) < 5 / np.sqrt(n)


def test_the_draws_are_the_same_whatever_the_chunking_and_keyed_by_every_input() -> None:
    utc = 1_780_000_000_000_000_000 + np.arange(60, dtype=np.int64) * 1_000_000_000
    sites = np.arange(50)
    whole = user_link_uniforms(7, sites[None, :], utc[:, None], 15.0)
    # Step by step, in chunks of 7 (a resume starts at any chunk) and one site at a time.
    for got in (
        [np.stack([user_link_uniforms(7, sites, t, 15.0)[i] for t in utc]) for i in (0, 1)],
        [
            np.concatenate(
                [
                    user_link_uniforms(7, sites, c[:, None], 15.0)[i]
                    for c in np.split(utc, [7, 14, 21, 56])
                ]
            )
            for i in (0, 1)
        ],
    ):
        np.testing.assert_array_equal(got[0], whole[0])
        np.testing.assert_array_equal(got[1], whole[1])
    assert user_link_uniforms(7, 3, utc[5], 15.0)[0] == whole[0][5, 3]
    # Another seed, site or step: another draw.
    assert user_link_uniforms(8, 3, utc[5], 15.0)[0] != whole[0][5, 3]
    assert len(np.unique(whole[0])) == whole[0].size
    assert counter_uniform(7, 1, 3, 5) != counter_uniform(7, 2, 3, 5)


def test_the_uplink_wait_holds_through_a_slot_and_steps_at_its_boundary() -> None:
    # Slots of 15 s with boundaries at :12, :27, :42, :57 (phase 12 s, Starlink's).
    t0 = 1_780_000_020 * 10**9  # a whole minute
    assert (t0 // 10**9) % 60 == 0
    utc = t0 + np.arange(60, dtype=np.int64) * 10**9
    frame, cycle = user_link_uniforms(3, np.arange(5)[None, :], utc[:, None], 15.0, 12.0)
    slot = (utc // 10**9 - 12) // 15  # the slot each second falls in
    for k in np.unique(slot):
        inside = cycle[slot == k]
        # One draw per site through the slot, whatever the second.
        np.testing.assert_array_equal(inside, np.broadcast_to(inside[0], inside.shape))
    # Each new slot a new draw for every site; the frame's part a new one each second.
    firsts = np.array([cycle[slot == k][0] for k in np.unique(slot)])
    assert (np.diff(firsts, axis=0) != 0).all()
    assert len(np.unique(frame)) == frame.size
    # The slot's draw is the one keyed by its first instant, wherever a run starts.
    late = user_link_uniforms(3, np.arange(5), utc[20], 15.0, 12.0)[1]
    np.testing.assert_array_equal(late, cycle[slot == slot[20]][0])


def test_bad_parameters_and_terms_are_named() -> None:
    with pytest.raises(ValueError, match="pop_ms"):
        LatencyParameters(pop_ms=-1.0)
    with pytest.raises(ValueError, match="max_utilisation"):
        LatencyParameters(max_utilisation=1.0)
    with pytest.raises(ValueError, match="choose from"):
        LatencyParameters().without("warp")


def test_slot_clock_matches_the_scheduler_boundaries() -> None:
    utc = np.array([0, 14, 15, 16, 29, 30], dtype=np.int64) * 1_000_000_000
    np.testing.assert_allclose(since_slot_start_s(utc, 15.0), [0, 14, 0, 1, 14, 0])
    np.testing.assert_allclose(since_slot_start_s(utc, 15.0, phase_s=12.0), [3, 2, 3, 4, 2, 3])


def test_utilisation_is_offered_over_the_fair_share_level() -> None:
    rho = utilisation([10.0, 10.0, 10.0, 10.0], [np.inf, 20.0, 5.0, np.nan])
    np.testing.assert_allclose(rho, [0.0, 0.5, 2.0, 0.0])


def test_tree_counts_sum_weights_along_each_path_by_pointer_jumping() -> None:
    # A chain 5 → 4 → 3 → 2 → 1 → 0 (root), a branch 6 → 2, an unreached node 7.
    pred = np.array([-9999, 0, 1, 2, 3, 4, 2, -9999])
    weight = np.array([0.0, 1, 1, 1, 1, 1, 1, 1])
    np.testing.assert_array_equal(tree_counts(pred, weight), [0, 1, 2, 3, 4, 5, 3, 1])
    # ... and agrees with walking each path by hand on a random tree.
    rng = np.random.default_rng(1)
    n = 300
    pred = np.array([-1] + [int(rng.integers(0, i)) for i in range(1, n)])
    w = rng.integers(0, 3, n).astype(float)
    walked = []
    for v in range(n):
        s, u = 0.0, v
        while u >= 0:
            s, u = s + w[u], pred[u]
        walked.append(s)
    np.testing.assert_array_equal(tree_counts(pred, w), walked)


def test_path_counts() -> None:
    # 4 satellites (0-3), gateways 4-5, PoP 6, terminals 7+.
    path = np.array([[7, 1, 2, 4, 6], [8, 3, 5, 6, -1], [-1, -1, -1, -1, -1]])
    sats, gws = path_counts(path, 4, 4, 6)
    assert sats.tolist() == [2, 1, 0] and gws.tolist() == [1, 1, 0]


def test_operator_latency_rows_name_real_parameters_and_every_radio_operator() -> None:
    from leonet.radio import RADIO_SYSTEMS

    assert set(OPERATOR_LATENCY) == set(RADIO_SYSTEMS)
    fields = set(LatencyParameters.__dataclass_fields__)
    for operator, row in OPERATOR_LATENCY.items():
        assert set(row) <= fields, operator
        LatencyParameters(**row)  # valid values (finite, >= 0)
    # Neither OneWeb nor a geostationary system has Starlink's 15-s slot spike.
    assert operator_latency("oneweb")["slot_spike_ms"] == 0.0
    assert operator_latency("ka-sat")["slot_spike_ms"] == 0.0
    assert operator_latency("starlink") == {}


def test_operator_latency_is_a_copy_and_refuses_an_unknown_operator() -> None:
    row = operator_latency("oneweb")
    row["pop_ms"] = 99.0
    assert "pop_ms" not in OPERATOR_LATENCY["oneweb"]
    with pytest.raises(ValueError, match="no latency defaults for operator 'iridium'"):
        operator_latency("iridium")
