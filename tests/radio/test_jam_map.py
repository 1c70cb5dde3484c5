"""The jammer map agrees with the link budget at sampled points."""

import math

import numpy as np
import pytest

from leonet.ground import Sites
from leonet.radio import EFFECTS, Jammer, RadioModel, jam_map
from leonet.radio.budget import BOLTZMANN_DBW_HZ_K, fspl_db
from leonet.radio.modcod import symbol_rate_msps
from leonet.radio.parameters import USER_DOWNLINK

LAT, LON = 50.45, 30.52


@pytest.fixture(scope="module")
def satellites():
    """Three satellites 550 km up: over the jammer, 200 km east, 400 km north."""
    site = Sites(["c"], [LAT], [LON])
    up, east, north = site.enu[0, 2], site.enu[0, 0], site.enu[0, 1]
    base = site.ecef_km[0] + 550 * up
    return np.stack([base, base + 200 * east, base + 400 * north])


@pytest.fixture(scope="module")
def strong(satellites):
    jammer = Jammer("strong", (LAT, LON), 65.0, 11.7, 2000.0, height_m=10.0)
    return jam_map(jammer, satellites, 0, radius_km=24.0, spacing_km=1.5)


def test_map_points_equal_single_terminal_budgets(strong, satellites):
    """At sampled points, a one-terminal model built there gives the map's numbers."""
    m = strong
    rng = np.random.default_rng(0)
    for k in rng.choice(len(m), 6, replace=False):
        one = RadioModel(Sites(["t"], [m.lat_deg[k]], [m.lon_deg[k]]), satellites.shape[0])
        serving = np.array([m.sat[k]], dtype=np.int32)
        clean = one.user_links(satellites, serving)
        jammed = one.user_links(satellites, serving, jammers=[m.jammer], utc_ns=0)
        assert clean.down.sinr_db[0] == pytest.approx(m.sinr_down_db[k], abs=1e-9)
        assert jammed.down.sinr_db[0] == pytest.approx(m.sinr_down_jammed_db[k], abs=1e-9)
        assert jammed.down.capacity_mbps[0] == pytest.approx(m.rate_down_jammed_mbps[k])
        assert jammed.up.capacity_mbps[0] == pytest.approx(m.rate_up_jammed_mbps[k])


def test_j_over_s_by_hand_at_sampled_points(strong, satellites):
    """J/S = EIRP + 10·log10(R_s / B_jam) − FSPL(chord) + G/T + G_rel(ψ, θ) − k − 10·log10 R_s
    − S/N, with the geometry (chord, ψ off the terminal's beam, θ off its zenith) done here
    and the terminal's relative gain and thermal S/N from the model."""
    from leonet.frames import enu_basis, geodetic_to_ecef

    m = strong
    rs = float(symbol_rate_msps(USER_DOWNLINK.channel_mhz))
    j_xyz = geodetic_to_ecef(LAT, LON, 0.010)
    hit = np.flatnonzero(np.isfinite(m.j_over_s_down_db))
    for k in np.random.default_rng(1).choice(hit, 5, replace=False):
        one = RadioModel(Sites(["t"], [m.lat_deg[k]], [m.lon_deg[k]]), satellites.shape[0])
        down, _ = one.budgets(satellites, [0], [m.sat[k]])
        t_xyz = geodetic_to_ecef(m.lat_deg[k], m.lon_deg[k], 0.0)
        basis = enu_basis(m.lat_deg[k], m.lon_deg[k])
        to_j = basis @ (j_xyz - t_xyz)
        to_s = basis @ (satellites[m.sat[k]] - t_xyz)
        chord = float(np.linalg.norm(to_j))
        cos_psi = to_j @ to_s / (chord * np.linalg.norm(to_s))
        psi = math.degrees(math.acos(max(-1.0, min(1.0, cos_psi))))
        theta = math.degrees(math.acos(to_j[2] / chord))
        g_rel = float(one.terminal_relative_gain_db([0], [psi], [theta], 11.7)[0])
        j_over_n = (
            65.0
            + 10 * math.log10(rs / 2000.0)
            - float(fspl_db(chord, 11.7))
            + float(one.gt_down_dbk[0])
            + g_rel
            - BOLTZMANN_DBW_HZ_K
            - 10 * math.log10(rs * 1e6)
        )
        assert m.j_over_s_down_db[k] == pytest.approx(j_over_n - float(down.snr_db[0]), abs=1e-6)
        assert -80.0 < g_rel < -20.0  # the array's far side lobes toward the horizon


def test_effects_follow_the_rates(strong):
    m = strong
    denied = m.effect == EFFECTS.index("denied")
    degraded = m.effect == EFFECTS.index("degraded")
    unaffected = m.effect == EFFECTS.index("unaffected")
    assert denied.any() and degraded.any() and unaffected.any()
    assert (m.rate_down_jammed_mbps[denied] == 0).all() or (
        m.rate_up_jammed_mbps[denied] == 0
    ).all()
    assert (m.rate_down_jammed_mbps[unaffected] == m.rate_down_mbps[unaffected]).all()
    # Harm falls with distance: denial is nearer the jammer than mere degradation.
    assert m.distance_km[denied].max() < m.distance_km[degraded].max()
    assert m.area_km2("denied") == pytest.approx(denied.sum() * 1.5**2)


def test_beyond_the_radio_horizon_nothing_happens(satellites):
    jammer = Jammer("low", (LAT, LON), 65.0, 11.7, 2000.0, height_m=1.0)
    m = jam_map(jammer, satellites, 0, radius_km=20.0, spacing_km=2.0)
    far = m.distance_km > 4.12 + 7.15 + 0.1  # horizon of 1 m and 3 m antennas, 4/3 Earth
    assert far.any()
    assert np.isneginf(m.j_over_s_down_db[far]).all()
    assert (m.effect[far] == EFFECTS.index("unaffected")).all()


def test_inactive_jammer_and_huge_grid_are_named(satellites):
    later = Jammer(
        "later", (LAT, LON), 65.0, 11.7, 2000.0, active=[("2030-01-01T00:00Z", "2030-01-02T00:00Z")]
    )
    with pytest.raises(ValueError, match="not active"):
        jam_map(later, satellites, 0)
    with pytest.raises(ValueError, match="spacing_km"):
        jam_map(
            Jammer("j", (LAT, LON), 65.0, 11.7, 2000.0),
            satellites,
            0,
            radius_km=500.0,
            spacing_km=0.1,
        )
