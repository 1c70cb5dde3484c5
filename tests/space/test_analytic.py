"""The analytic circular-J2 propagator against SGP4, finite differences and itself.

Where the two propagators differ, and why: both start from the same SGP4 mean
elements and advance node and argument of latitude at the same (SGP4) secular
rates, so nothing grows with time.  What remains is periodic: SGP4 adds J3's
long-period terms, which turn the ``e = 0`` mean orbit into the frozen orbit
(osculating e ≈ 8e-4, perigee near the pole): ±6 km radial and up to ±12 km
along-track, and J2's short-period terms (~1–2 km).  Measured for the
Starlink 550 km shell (53°) over 1 h at 10 s: mean 9.4 km, max 12.1 km; the
same after 24 h.
"""

from __future__ import annotations

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from leonet.eop import load_eop
from leonet.space.analytic import circular_j2_ecef, secular_rates
from leonet.space.elements import ElementSet
from leonet.space.propagate import propagate
from leonet.space.walker import WalkerShell, walker_constellation
from leonet.timegrid import TimeGrid

EPOCH = "2026-05-30T00:00:00Z"


@pytest.fixture(scope="module")
def shell_550():  # type: ignore[no-untyped-def]
    return walker_constellation([WalkerShell("s550", 550, 53.0, 72, 22, phasing=17)], EPOCH)


def _difference_rtn(analytic_r, analytic_v, sgp4_r):  # type: ignore[no-untyped-def]
    """SGP4 minus analytic in the analytic orbit's radial/along/cross frame, km."""
    d = sgp4_r - analytic_r
    radial = analytic_r / np.linalg.norm(analytic_r, axis=-1, keepdims=True)
    cross = np.cross(analytic_r, analytic_v)
    cross /= np.linalg.norm(cross, axis=-1, keepdims=True)
    along = np.cross(cross, radial)
    return (np.sum(d * radial, -1), np.sum(d * along, -1), np.sum(d * cross, -1))


@pytest.mark.parametrize("start_h", [0, 23])
def test_close_to_sgp4_over_an_hour_and_no_drift_after_a_day(shell_550, start_h: int) -> None:  # type: ignore[no-untyped-def]
    start = np.datetime64("2026-05-30T00:00:00") + np.timedelta64(start_h, "h")
    grid = TimeGrid(f"{start}Z", 10.0, 360)
    a = propagate(shell_550, grid, method="analytic")
    s = propagate(shell_550, grid, method="sgp4", velocities=False)
    distance = np.linalg.norm(a.r_ecef_km - s.r_ecef_km, axis=-1)
    assert distance.mean() < 11.0  # measured 9.4 km
    assert distance.max() < 14.0  # measured 12.1 km
    radial, along, cross = _difference_rtn(a.r_ecef_km, a.v_ecef_km_s, s.r_ecef_km)
    assert np.abs(along).max() > np.abs(radial).max() > np.abs(cross).max()  # along-track first
    # Same secular rates: averaged over the hour (≈ 0.6 orbits per satellite, many phases),
    # the along-track offset stays sub-km both at the start and a day later.
    assert abs(along.mean()) < 1.0


def test_velocity_is_the_derivative_of_position(shell_550) -> None:  # type: ignore[no-untyped-def]
    eop = load_eop()
    grid = TimeGrid(EPOCH, 0.5, 3)
    r, v = circular_j2_ecef(shell_550.elements, grid.utc_ns, eop)
    assert v is not None
    central = (r[2] - r[0]) / 1.0
    np.testing.assert_allclose(v[1], central, atol=2e-6)  # km/s; O(dt²) error ~1e-7
    s = propagate(shell_550, grid, method="sgp4")
    assert s.v_ecef_km_s is not None
    assert np.linalg.norm(v - s.v_ecef_km_s, axis=-1).max() < 0.015  # measured 0.009 km/s


def test_rates_match_sgp4() -> None:
    """Node and argument-of-latitude rates equal those ``sgp4init`` stores."""
    c = walker_constellation(
        [WalkerShell("a", 550, 53, 2, 2), WalkerShell("b", 1200, 97.6, 2, 2)], EPOCH
    )
    rates = secular_rates(c.elements)
    el = c.elements
    for k in range(c.size):
        sat = Satrec()
        sat.sgp4init(
            WGS72,
            "i",
            k,
            el.epoch_jd[k] - 2_433_281.5 + el.epoch_fr[k],
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            el.inclination_rad[k],
            el.mean_anomaly_rad[k],
            el.mean_motion_rad_min[k],
            el.raan_rad[k],
        )
        assert rates.node_rate_rad_s[k] * 60 == pytest.approx(sat.nodedot, rel=1e-12)
        assert rates.arg_latitude_rate_rad_s[k] * 60 == pytest.approx(
            sat.mdot + sat.argpdot, rel=1e-12
        )


def test_any_order_and_any_epochs_give_the_same_states(shell_550) -> None:  # type: ignore[no-untyped-def]
    """The fast path (planes, blocks) equals the general one (shuffled, epochs moved)."""
    eop = load_eop()
    grid = TimeGrid(EPOCH, 30.0, 20)
    r, v = circular_j2_ecef(shell_550.elements, grid.utc_ns, eop)
    order = np.random.default_rng(7).permutation(shell_550.size)
    el = shell_550.elements.take(order)
    rates = secular_rates(el)
    shift_s = np.linspace(-3_600.0, 3_600.0, el.epoch_jd.shape[0])  # move each epoch
    moved = ElementSet(
        epoch_jd=el.epoch_jd,
        epoch_fr=el.epoch_fr + shift_s / 86_400.0,
        mean_motion_rad_min=el.mean_motion_rad_min,
        eccentricity=el.eccentricity,
        inclination_rad=el.inclination_rad,
        raan_rad=el.raan_rad + rates.node_rate_rad_s * shift_s,
        arg_perigee_rad=el.arg_perigee_rad,
        mean_anomaly_rad=el.mean_anomaly_rad + rates.arg_latitude_rate_rad_s * shift_s,
        bstar_per_er=el.bstar_per_er,
        ndot_rad_min2=el.ndot_rad_min2,
        nddot_rad_min3=el.nddot_rad_min3,
    )
    r2, v2 = circular_j2_ecef(moved, grid.utc_ns, eop)
    assert v is not None and v2 is not None
    np.testing.assert_allclose(r2, r[:, order], atol=1e-6)  # km
    np.testing.assert_allclose(v2, v[:, order], atol=1e-9)  # km/s


@pytest.mark.parametrize("path", ["scattered groups", "per-satellite"])
def test_general_paths_equal_the_fast_one(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Interleaved shells (groups split into runs) and many-rate sets give the same states."""
    from leonet.space import analytic

    c = walker_constellation(
        [
            WalkerShell("a", 550, 53, 6, 5, 1),
            WalkerShell("b", 1200, 87.9, 4, 3, 1, 180.0),
            WalkerShell("c", 560, 97.6, 3, 4, 2),
        ],
        EPOCH,
    )
    eop = load_eop()
    utc_ns = TimeGrid(EPOCH, 45.0, 40).utc_ns
    r, v = circular_j2_ecef(c.elements, utc_ns, eop)
    order = np.random.default_rng(3).permutation(c.size)
    if path == "per-satellite":
        monkeypatch.setattr(analytic, "_MAX_GROUPS", 1)
    r2, v2 = circular_j2_ecef(c.elements.take(order), utc_ns, eop)
    assert v is not None and v2 is not None
    np.testing.assert_allclose(r2, r[:, order], atol=1e-9)
    np.testing.assert_allclose(v2, v[:, order], atol=1e-12)


def test_grids_longer_than_a_day_match_day_by_day(shell_550) -> None:  # type: ignore[no-untyped-def]
    """Polar motion is held per day of the grid; splitting the grid changes nothing visible."""
    eop = load_eop()
    utc_ns = TimeGrid(EPOCH, 3_600.0, 60).utc_ns  # 2.5 days
    whole, _ = circular_j2_ecef(shell_550.elements, utc_ns, eop, velocities=False)
    parts = [
        circular_j2_ecef(shell_550.elements, utc_ns[k : k + 7], eop, velocities=False)[0]
        for k in range(0, 60, 7)
    ]
    assert np.abs(whole - np.concatenate(parts)).max() < 1e-3  # km; measured well below


def test_polar_motion_is_metres_and_velocities_optional(shell_550) -> None:  # type: ignore[no-untyped-def]
    eop = load_eop()
    utc_ns = TimeGrid(EPOCH, 60.0, 5).utc_ns
    r, v = circular_j2_ecef(shell_550.elements, utc_ns, eop, velocities=False)
    assert v is None and r.shape == (5, 1584, 3)
    r0, _ = circular_j2_ecef(shell_550.elements, utc_ns, eop, velocities=False, polar_motion=False)
    shift_m = np.linalg.norm(r - r0, axis=-1) * 1e3
    assert 0.1 < shift_m.max() < 50.0  # polar motion ~0.3" ≈ 10 m at 7,000 km


def test_empty_inputs() -> None:
    c = walker_constellation([WalkerShell("a", 550, 53, 2, 2)], EPOCH)
    r, v = circular_j2_ecef(c.elements, np.zeros(0, dtype=np.int64), load_eop())
    assert r.shape == (0, 4, 3) and v is not None and v.shape == (0, 4, 3)
