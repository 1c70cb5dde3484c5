"""Jammers: radio horizon, band overlap, activity, and their effect on links."""

import math

import numpy as np
import pytest

from leonet.constants import EARTH_MEAN_RADIUS_KM
from leonet.radio import OUTAGE, Jammer, band_overlap_fraction, radio_horizon_km

SERVING = np.array([0, 1], dtype=np.int32)


def _offset(lat, lon, north_km):
    return lat + math.degrees(north_km / EARTH_MEAN_RADIUS_KM), lon


def test_radio_horizon_four_thirds_earth():
    kr = 4 / 3 * EARTH_MEAN_RADIUS_KM
    expected = math.sqrt(2 * kr * 0.010) + math.sqrt(2 * kr * 0.003)
    assert float(radio_horizon_km(10.0, 3.0)) == pytest.approx(expected)
    assert float(radio_horizon_km(10.0, 3.0)) == pytest.approx(20.2, abs=0.1)


def test_band_overlap():
    assert float(band_overlap_fraction(11.7, 100.0, 11.7, 250.0)) == 1.0
    assert float(band_overlap_fraction(11.7, 500.0, 11.7, 250.0)) == 0.5
    assert float(band_overlap_fraction(2.4, 80.0, 11.7, 250.0)) == 0.0


def test_jammer_beyond_radio_horizon_has_no_effect(kyiv_model, overhead):
    far = Jammer("far", _offset(50.45, 30.52, 60.0), 60.0, 11.7, 2000.0)
    clean = kyiv_model.user_links(overhead, SERVING)
    jammed = kyiv_model.user_links(overhead, SERVING, jammers=[far], utc_ns=0)
    assert np.isneginf(jammed.down.j_over_s_db).all()
    np.testing.assert_array_equal(jammed.down.sinr_db, clean.down.sinr_db)
    np.testing.assert_array_equal(jammed.down.modcod, clean.down.modcod)


def test_strong_jammer_near_terminal_causes_outage(kyiv_model, overhead):
    # 60 dBW (e.g. 1 kW into a 30 dBi horn) 500 m away: the array's −40 dBi toward the
    # horizon still lets J/N reach ~35 dB.
    near = Jammer("near", _offset(50.45, 30.52, 0.5), 60.0, 11.7, 2000.0)
    jammed = kyiv_model.user_links(overhead, SERVING, jammers=[near], utc_ns=0)
    assert jammed.down.modcod[0] == OUTAGE
    assert jammed.down.capacity_mbps[0] == 0.0
    assert jammed.down.j_over_s_db[0] > 0
    assert jammed.down.downshift[0] > 0
    assert np.isneginf(jammed.down.j_over_s_db[1])  # Lviv is 460 km away


def test_weaker_jammer_downshifts_without_outage(kyiv_model, overhead):
    # The link is interference-limited (SINR ceiling 10.5 dB): a jammer must bring J/S
    # near −10 dB to matter; 65 dBW 2 km away does, without closing the link.
    j = Jammer("weak", _offset(50.45, 30.52, 2.0), 65.0, 11.7, 2000.0)
    clean = kyiv_model.user_links(overhead, SERVING)
    jammed = kyiv_model.user_links(overhead, SERVING, jammers=[j], utc_ns=0)
    assert jammed.down.sinr_db[0] < clean.down.sinr_db[0] - 3
    assert jammed.down.modcod[0] != OUTAGE and jammed.down.downshift[0] > 0
    assert jammed.down.modcod_unjammed[0] == clean.down.modcod[0]


def test_out_of_band_or_inactive_jammer_has_no_effect(kyiv_model, overhead):
    wifi = Jammer("wifi", _offset(50.45, 30.52, 1.0), 40.0, 2.44, 80.0)
    later = Jammer(
        "later",
        _offset(50.45, 30.52, 1.0),
        40.0,
        11.7,
        2000.0,
        active=[("2030-01-01T00:00Z", "2030-01-02T00:00Z")],
    )
    for j in (wifi, later):
        jammed = kyiv_model.user_links(overhead, SERVING, jammers=[j], utc_ns=0)
        assert np.isneginf(jammed.down.j_over_s_db).all()


def test_directional_jammer_pointed_away_is_weaker(kyiv_model, overhead):
    pos = _offset(50.45, 30.52, -2.0)  # 2 km south of Kyiv: Kyiv lies north (az 0°)
    toward = Jammer("t", pos, 30.0, 11.7, 2000.0, boresight_az_deg=0.0, beamwidth_deg=10.0)
    away = Jammer("a", pos, 30.0, 11.7, 2000.0, boresight_az_deg=180.0, beamwidth_deg=10.0)
    jt = kyiv_model.user_links(overhead, SERVING, jammers=[toward], utc_ns=0)
    ja = kyiv_model.user_links(overhead, SERVING, jammers=[away], utc_ns=0)
    assert jt.down.j_over_s_db[0] == pytest.approx(ja.down.j_over_s_db[0] + 20.0, abs=0.5)


def test_uplink_jammer_adds_noise_at_the_satellite(kyiv_model, overhead):
    j = Jammer("up", _offset(50.45, 30.52, 1.0), 50.0, 14.25, 500.0)
    clean = kyiv_model.user_links(overhead, SERVING)
    jammed = kyiv_model.user_links(overhead, SERVING, jammers=[j], utc_ns=0)
    assert jammed.up.sinr_db[0] < clean.up.sinr_db[0] - 3
    assert np.isneginf(jammed.down.j_over_s_db).all()  # not in the downlink band


def test_jammer_errors():
    with pytest.raises(ValueError, match="bandwidth_mhz"):
        Jammer("x", (50.0, 30.0), 10.0, 11.7, 0.0)
    with pytest.raises(ValueError, match="ends before"):
        Jammer(
            "x", (50.0, 30.0), 10.0, 11.7, 10.0, active=[("2026-01-02T00:00Z", "2026-01-01T00:00Z")]
        )
