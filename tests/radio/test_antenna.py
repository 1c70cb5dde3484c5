"""Antenna patterns: cos^n scan loss, ITU-R S.465 envelope, satellite beam roll-off."""

import math

import numpy as np
import pytest

from leonet.radio import (
    angle_between_deg,
    off_axis_gain_dbi,
    s465_envelope_dbi,
    satellite_beam_loss_db,
    scan_loss_db,
)


def test_scan_loss_cos_n():
    assert float(scan_loss_db(0.0, 1.3, -30)) == 0.0
    assert float(scan_loss_db(60.0, 1.3, -30)) == pytest.approx(13 * math.log10(0.5), abs=1e-9)
    assert float(scan_loss_db(90.0, 1.3, -30)) == -30.0
    assert float(scan_loss_db(120.0, 1.3, -30)) == -30.0


def test_s465_envelope_values():
    # D/λ = 100: ψ_min = 1°; 32 − 25 log 10 = 7 dBi at 10°; −10 dBi beyond 48°.
    assert float(s465_envelope_dbi(10.0, 100.0)) == pytest.approx(7.0)
    assert float(s465_envelope_dbi(60.0, 100.0)) == -10.0
    assert np.isinf(s465_envelope_dbi(0.5, 100.0))


def test_off_axis_gain_peaks_on_the_beam_and_falls_off():
    psi = np.array([0.0, 1.0, 3.0, 10.0, 30.0, 90.0])
    g = off_axis_gain_dbi(psi, 34.0, 21.0, 30.0, 1.3, -30.0)
    assert g[0] == pytest.approx(34.0 + 13 * math.log10(math.cos(math.radians(30))))
    assert np.all(np.diff(g[:2]) < 0) and g[-1] < g[0] - 40


def test_satellite_beam_roll_off():
    assert float(satellite_beam_loss_db(0.9, 1.8, -25)) == pytest.approx(-3.0)
    assert float(satellite_beam_loss_db(10.0, 1.8, -25)) == -25.0


def test_angle_between():
    assert float(angle_between_deg([1, 0, 0], [0, 2, 0])) == pytest.approx(90.0)
    assert float(angle_between_deg([1, 0, 0], [1, 1e-9, 0])) == pytest.approx(0.0, abs=1e-6)
