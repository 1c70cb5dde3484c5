"""Frames against skyfield (same EOP table) and closed-form cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import Satrec

from leonet.constants import WGS84_A_KM, WGS84_B_KM
from leonet.frames import ecef_to_geodetic, enu_basis, geodetic_to_ecef, look_angles, teme_to_ecef
from leonet.timegrid import TimeGrid

TEN_METRES_KM = 0.010


def _tles(path, count):
    lines = path.read_text().splitlines()
    picks = np.linspace(0, len(lines) // 3 - 1, count).astype(int)
    return [(lines[3 * k].strip(), lines[3 * k + 1], lines[3 * k + 2]) for k in picks]


def test_teme_to_ecef_matches_skyfield_itrs_over_a_day(shared_data, skyfield_ts):
    from skyfield.api import EarthSatellite
    from skyfield.framelib import itrs

    grid = TimeGrid("2026-05-30T00:00:00Z", 900.0, 96)
    t = skyfield_ts.from_datetimes(grid.datetimes())
    jd, fr = grid.jd_fr()
    for name, l1, l2 in _tles(shared_data / "starlink_tle_2026-05-30.txt", 8):
        error, r_teme, v_teme = Satrec.twoline2rv(l1, l2).sgp4_array(jd, fr)
        assert not error.any(), name
        r, v = teme_to_ecef(r_teme, v_teme, grid.utc_ns)
        position = EarthSatellite(l1, l2, name, skyfield_ts).at(t)
        ref_r, ref_v = position.frame_xyz_and_velocity(itrs)
        assert np.abs(r - ref_r.km.T).max() < TEN_METRES_KM, name
        assert np.abs(v - ref_v.km_per_s.T).max() < 1e-5, name  # 1 cm/s


def test_polar_motion_is_a_metres_level_correction(shared_data):
    grid = TimeGrid("2026-05-30T00:00:00Z", 600.0, 10)
    _, l1, l2 = _tles(shared_data / "starlink_tle_2026-05-30.txt", 1)[0]
    jd, fr = grid.jd_fr()
    _, r_teme, _ = Satrec.twoline2rv(l1, l2).sgp4_array(jd, fr)
    with_pm, _ = teme_to_ecef(r_teme, None, grid.utc_ns)
    without_pm, _ = teme_to_ecef(r_teme, None, grid.utc_ns, polar_motion=False)
    shift_m = np.linalg.norm(with_pm - without_pm, axis=-1) * 1000
    assert 1.0 < shift_m.max() < 30.0


def test_teme_to_ecef_broadcasts_time_sat_axes():
    grid = TimeGrid("2026-05-30T00:00:00Z", 60.0, 5)
    rng = np.random.default_rng(1)
    r = rng.normal(size=(5, 7, 3)) * 7000
    out, _ = teme_to_ecef(r, None, grid.utc_ns)
    for k in range(7):
        one, _ = teme_to_ecef(r[:, k, :], None, grid.utc_ns)
        np.testing.assert_allclose(out[:, k, :], one, rtol=0, atol=1e-9)


def test_geodetic_closed_form_points():
    np.testing.assert_allclose(geodetic_to_ecef(0, 0, 0), [WGS84_A_KM, 0, 0], atol=1e-9)
    np.testing.assert_allclose(geodetic_to_ecef(90, 0, 0), [0, 0, WGS84_B_KM], atol=1e-9)
    np.testing.assert_allclose(geodetic_to_ecef(0, 90, 550), [0, WGS84_A_KM + 550, 0], atol=1e-9)


def test_geodetic_matches_skyfield_wgs84():
    from skyfield.api import wgs84

    lat, lon, alt = 50.45, 30.52, 0.179
    ref = wgs84.latlon(lat, lon, elevation_m=alt * 1000).itrs_xyz.km
    np.testing.assert_allclose(geodetic_to_ecef(lat, lon, alt), ref, atol=1e-6)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-90, 90),
    st.floats(-180, 179.999),
    st.floats(-0.5, 40_000),
)
def test_geodetic_round_trip_sub_millimetre(lat, lon, alt):
    r = geodetic_to_ecef(lat, lon, alt)
    lat2, lon2, alt2 = ecef_to_geodetic(r)
    back = geodetic_to_ecef(lat2, lon2, alt2)
    assert np.linalg.norm(back - r) < 1e-6  # 1 mm
    assert abs(alt2 - alt) < 1e-6


def test_look_angles_straight_up_and_due_north():
    lat, lon = 48.0, 35.0
    site = geodetic_to_ecef(lat, lon, 0.0)
    basis = enu_basis(lat, lon)
    overhead = geodetic_to_ecef(lat, lon, 550.0)
    _, el, rng = look_angles(site, basis, overhead)
    assert el == pytest.approx(90.0, abs=1e-9) and rng == pytest.approx(550.0, abs=1e-9)
    north = site + 100 * basis[1] + 1e-9 * basis[2]
    az, el, _ = look_angles(site, basis, north)
    assert az == pytest.approx(0.0, abs=1e-6) or az == pytest.approx(360.0, abs=1e-6)
    assert el == pytest.approx(0.0, abs=1e-6)
