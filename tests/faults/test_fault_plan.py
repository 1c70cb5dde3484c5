"""Fault plans: seeded random losses, planes, names, gateways/PoPs, lasers, jammers, timing."""

from __future__ import annotations

import numpy as np
import pytest

import leonet.faults as lf
from leonet.events import NEVER_NS
from leonet.faults import FaultPlan, LaserFault, SatelliteFault, SiteFault
from leonet.radio import Jammer
from leonet.scenario import fault_plan, load_scenario, with_overrides
from leonet.space import load_constellation

S = 10**9
T0 = 1_780_142_400 * S  # 2026-05-30T12:00:00Z


@pytest.fixture(scope="module")
def gen1():  # type: ignore[no-untyped-def]
    return load_constellation("starlink-gen1")


def test_public_names_sorted() -> None:
    assert lf.__all__ == sorted(lf.__all__, key=lambda n: (not n.isupper(), n))


def test_fraction_is_seeded_and_exact(gen1) -> None:  # type: ignore[no-untyped-def]
    fault = SatelliteFault(T0, NEVER_NS, fraction=0.1)
    a = FaultPlan([fault], seed=7).failed_satellites(0, gen1)
    b = FaultPlan([fault], seed=7).failed_satellites(0, gen1)
    c = FaultPlan([fault], seed=8).failed_satellites(0, gen1)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.size == round(0.1 * gen1.size) and np.unique(a).size == a.size
    # the same selection in every chunk
    plan = FaultPlan([fault], seed=7)
    up1 = plan.satellite_up(T0 + np.arange(5) * S, gen1)
    up2 = plan.satellite_up(T0 + np.arange(5, 9) * S, gen1)
    assert (up1 == up1[0]).all() and (up2 == up1[0]).all()
    assert (~up1[0]).sum() == a.size


def test_same_scenario_same_satellites() -> None:
    s = load_scenario("quick")
    c = load_constellation("starlink-gen1")
    t = s.grid().utc_ns
    up_a = fault_plan(s).satellite_up(t, c)
    up_b = fault_plan(load_scenario("quick")).satellite_up(t, c)
    assert np.array_equal(up_a, up_b)
    assert abs((~up_a[0]).mean() - 0.05) < 1e-3
    other = fault_plan(with_overrides(s, seed=2)).satellite_up(t, c)
    assert not np.array_equal(other, up_a)
    # size-only use works for fraction faults
    assert np.array_equal(fault_plan(s).satellite_up(t, c.size), up_a)


def test_timing_start_inclusive_end_exclusive(gen1) -> None:  # type: ignore[no-untyped-def]
    plan = FaultPlan([SatelliteFault(T0 + 10 * S, T0 + 20 * S, names=(str(gen1.sat_names[3]),))])
    t = T0 + np.array([9, 10, 19, 20]) * S
    up = plan.satellite_up(t, gen1)
    assert up[:, 3].tolist() == [True, False, False, True]
    assert up[:, :3].all() and up[:, 4:].all()


def test_whole_plane(gen1) -> None:  # type: ignore[no-untyped-def]
    plan = FaultPlan([SatelliteFault(T0, planes=(("starlink-550", 5), (1, 0)))])
    down = ~plan.satellite_up(np.array([T0]), gen1)[0]
    s550 = [s.name for s in gen1.shells].index("starlink-550")
    expected = ((gen1.shell == s550) & (gen1.plane == 5)) | ((gen1.shell == 1) & (gen1.plane == 0))
    assert np.array_equal(down, expected)
    assert down.sum() == 2 * 22


def test_norad_ids_and_unknown_names(gen1) -> None:  # type: ignore[no-untyped-def]
    cat = load_constellation("starlink")
    norad = int(cat.norad_id[10])
    down = ~FaultPlan([SatelliteFault(T0, norad_ids=(norad,))]).satellite_up(np.array([T0]), cat)[0]
    assert np.flatnonzero(down).tolist() == [10]
    with pytest.raises(ValueError, match=r"faults.satellites\[0\].names .*no satellite"):
        FaultPlan([SatelliteFault(T0, names=("starlink-550-P00-S0",))]).satellite_up(
            np.array([T0]), gen1
        )
    with pytest.raises(ValueError, match="no shell 'starlink-55'"):
        FaultPlan([SatelliteFault(T0, planes=(("starlink-55", 0),))]).satellite_up(
            np.array([T0]), gen1
        )
    with pytest.raises(ValueError, match="has no plane 99"):
        FaultPlan([SatelliteFault(T0, planes=(("starlink-550", 99),))]).satellite_up(
            np.array([T0]), gen1
        )
    with pytest.raises(ValueError, match="needs the Constellation"):
        FaultPlan([SatelliteFault(T0, names=("x",))]).satellite_up(np.array([T0]), 10)


def test_other_constellation_index_is_ignored(gen1) -> None:  # type: ignore[no-untyped-def]
    plan = FaultPlan([SatelliteFault(T0, fraction=1.0, constellation=1)])
    assert plan.satellite_up(np.array([T0]), gen1, index=0).all()
    assert not plan.satellite_up(np.array([T0]), gen1, index=1).any()


def test_gateway_and_pop_outages() -> None:
    plan = FaultPlan(
        gateways=[SiteFault("gateway", ("Wola Krobowska, PL",), T0 + 10 * S, T0 + 40 * S)],
        pops=[SiteFault("pop", ("wrswpol1", "frntdeu1"), T0)],
    )
    t = T0 + np.array([0, 10, 39, 40]) * S
    gw = plan.gateway_up(t, ["Kaunas, LT", "Wola Krobowska, PL"])
    assert gw.tolist() == [[True, True], [True, False], [True, False], [True, True]]
    pops = plan.pop_up(t, np.array(["frntdeu1", "mlnnita1", "wrswpol1"]))
    assert pops[:, 1].all() and not pops[:, [0, 2]].any()
    with pytest.raises(ValueError, match="no gateway 'Wola Krobowska, PL'"):
        plan.gateway_up(t, ["Kaunas, LT"])


def test_laser_fraction_is_stable_per_link() -> None:
    rng = np.random.default_rng(0)
    a = rng.integers(0, 5000, 20_000)
    b = rng.integers(0, 5000, 20_000)
    plan = FaultPlan(lasers=[LaserFault(T0, T0 + 10 * S, fraction=0.2)], seed=3)
    t = T0 + np.array([0, 10]) * S
    down = plan.laser_disabled(t, a, b)
    assert down.shape == (2, a.size)
    assert not down[1].any()  # ended
    assert abs(down[0].mean() - 0.2) < 0.01
    # order-free, and the same link is down whatever other links exist
    swapped = plan.laser_disabled(t[:1], b, a)[0]
    assert np.array_equal(swapped, down[0])
    subset = plan.laser_disabled(t[:1], a[::7], b[::7])[0]
    assert np.array_equal(subset, down[0, ::7])
    other_seed = FaultPlan(lasers=[LaserFault(T0, fraction=0.2)], seed=4)
    assert not np.array_equal(other_seed.laser_disabled(t[:1], a, b)[0], down[0])


def test_laser_pairs_by_name(gen1) -> None:  # type: ignore[no-untyped-def]
    n0, n1 = str(gen1.sat_names[0]), str(gen1.sat_names[1])
    plan = FaultPlan(lasers=[LaserFault(T0, pairs=((n1, n0),))])
    down = plan.laser_disabled(np.array([T0]), [0, 1, 0], [1, 0, 2], gen1)
    assert down[0].tolist() == [True, True, False]
    with pytest.raises(ValueError, match="needs the Constellation"):
        plan.laser_disabled(np.array([T0]), [0], [1])


def test_jammers_active_and_data() -> None:
    s = load_scenario("ukraine")
    plan = fault_plan(s)
    (jam,) = plan.jammers
    assert isinstance(jam, Jammer)
    # A 71 dBW directional Ku barrage over the 2 GHz user downlink (docs/radio.md).
    assert jam.eirp_dbw == 71 and jam.centre_ghz == 11.7 and jam.bandwidth_mhz == 2000
    assert jam.beamwidth_deg == 1.5 and jam.position == (48.25, 37.35)
    assert jam.height_m == pytest.approx(10.0)  # alt_km: 0.01
    t = s.grid().utc_ns
    on = plan.active_jammers(t)
    assert on.shape == (3600, 1)
    assert np.flatnonzero(on[:, 0])[[0, -1]].tolist() == [1800, 2999]
    assert FaultPlan().active_jammers(t).shape == (3600, 0)


def test_jammer_positions_fixed_and_on_a_track() -> None:
    from leonet.ground import Track

    truck = Track(
        "truck", ["2026-05-30T12:00:00Z", "2026-05-30T13:00:00Z"], [48.0, 49.0], [37.0, 37.0]
    )
    plan = FaultPlan(
        jammers=[
            Jammer("fixed", (48.25, 37.35), 30, 11.7, 250, height_m=10.0),
            Jammer("mobile", truck, 20, 11.7, 250, height_m=2.0),
        ]
    )
    t = T0 + np.array([0, 1800]) * S
    lat, lon, alt = plan.jammer_positions(t)
    assert lat.shape == lon.shape == (2, 2)
    assert lat[:, 0].tolist() == [48.25, 48.25] and alt[0, 0] == pytest.approx(0.01)
    assert np.allclose(lat[:, 1], [48.0, 48.5], atol=1e-3) and np.allclose(alt[:, 1], 0.002)


def test_events_rows() -> None:
    plan = FaultPlan(
        satellites=[SatelliteFault(T0, fraction=0.5)],
        gateways=[SiteFault("gateway", ("Kaunas, LT",), T0 + S, T0 + 2 * S, "storm")],
        jammers=[Jammer("j", (48.0, 37.0), 30, 11.7, 250, active=[(T0, T0 + 5 * S)])],
    )
    rows = plan.events()
    assert [(e.kind, e.action) for e in rows] == [
        ("fault", "start"),
        ("fault", "start"),
        ("fault", "end"),
        ("jammer", "start"),
        ("jammer", "end"),
    ]
    assert rows[1].description == "storm" and rows[1].target == "gateway Kaunas, LT"


def test_validation() -> None:
    with pytest.raises(ValueError, match="end must be after start"):
        SatelliteFault(T0, T0, fraction=0.1)
    with pytest.raises(ValueError, match=r"must be in \[0, 1\]"):
        SatelliteFault(T0, fraction=1.5)
    # 0 is allowed: the no-loss baseline of a satellite-loss sweep
    none_lost = FaultPlan(satellites=[SatelliteFault(T0, fraction=0.0)], seed=1)
    assert none_lost.failed_satellites(0, 100).size == 0
    with pytest.raises(ValueError, match="give names"):
        SatelliteFault(T0)
