"""Link-budget arithmetic against worked examples (ITU-R P.525, textbook G/T and C/N0)."""

import math

import numpy as np
import pytest

from leonet.radio import (
    BOLTZMANN_DBW_HZ_K,
    TERMINALS,
    cn0_dbhz,
    esn0_db,
    fspl_db,
    gt_dbk,
    link_budget,
    sinr_db,
    symbol_rate_msps,
)

TENTH_DB = 0.1
HUNDREDTH_DB = 0.01


def test_fspl_worked_example_12ghz_1000km():
    # 20·log10(4π d f / c): 4π · 1e6 m · 12e9 Hz / 299,792,458 m/s = 5.0301e8 → 174.03 dB.
    assert float(fspl_db(1_000.0, 12.0)) == pytest.approx(174.03, abs=HUNDREDTH_DB)


@pytest.mark.parametrize(("d_km", "f_ghz"), [(550.0, 11.7), (1_123.0, 14.25), (2_000.0, 28.75)])
def test_fspl_matches_the_p525_practical_form(d_km, f_ghz):
    # ITU-R P.525-4 eq. (4) in practical units: 92.45 + 20 log f[GHz] + 20 log d[km].
    expected = 92.45 + 20 * math.log10(f_ghz) + 20 * math.log10(d_km)
    assert float(fspl_db(d_km, f_ghz)) == pytest.approx(expected, abs=HUNDREDTH_DB)


def test_boltzmann_in_db():
    assert pytest.approx(-228.60, abs=HUNDREDTH_DB) == BOLTZMANN_DBW_HZ_K


def test_gt_worked_example():
    # A 0.6 m dish at 12 GHz, η = 0.6: G = 10 log(0.6 (π D/λ)²) = 35.3 dBi; T = 200 K → 12.3 dB/K.
    wavelength_m = 299_792_458 / 12e9
    gain = 10 * math.log10(0.6 * (math.pi * 0.6 / wavelength_m) ** 2)
    assert gain == pytest.approx(35.3, abs=TENTH_DB)
    assert float(gt_dbk(gain, 200.0)) == pytest.approx(gain - 23.01, abs=HUNDREDTH_DB)


def test_terminal_gt_follows_from_its_aperture():
    std = TERMINALS["standard"]
    wavelength_m = 299_792_458 / 11.7e9
    gain = 10 * math.log10(0.6 * 4 * math.pi * 0.594 * 0.383 / wavelength_m**2)
    assert std.peak_gain_dbi(11.7) == pytest.approx(gain, abs=1e-9)
    assert std.gt_dbk(11.7) == pytest.approx(gain - 10 * math.log10(200.0), abs=1e-9)


def test_cn0_and_esn0_by_hand():
    # EIRP 36.7 dBW, FSPL 174.03 dB, atmosphere 0.5 dB, G/T 11.2 dB/K:
    # C/N0 = 36.7 − 174.03 − 0.5 + 11.2 + 228.60 = 101.97 dBHz; Rs = 250/1.1 = 227.27 Msym/s
    # → 10 log Rs = 83.57 dB → Es/N0 = 18.40 dB.
    cn0 = float(cn0_dbhz(36.7, 174.03 + 0.5, 11.2))
    assert cn0 == pytest.approx(101.97, abs=HUNDREDTH_DB)
    rs = float(symbol_rate_msps(250.0, 0.10))
    assert rs == pytest.approx(227.27, abs=HUNDREDTH_DB)
    assert float(esn0_db(cn0, rs)) == pytest.approx(18.40, abs=HUNDREDTH_DB)


def test_link_budget_terms_add_up():
    b = link_budget(
        12.0,
        [1_000.0, 600.0],
        [30.0, 70.0],
        [0.5, 0.3],
        36.7,
        11.2,
        250.0,
        tx_antenna_loss_db=-1.0,
        rx_antenna_loss_db=[-2.0, -0.5],
        implementation_loss_db=1.0,
    )
    by_hand = (
        b.eirp_dbw
        + b.tx_antenna_loss_db
        - b.fspl_db
        - b.atmospheric_loss_db
        + b.gt_dbk
        + b.rx_antenna_loss_db
        - b.boltzmann_dbw_hz_k
        - 10 * np.log10(b.symbol_rate_msps * 1e6)
    )
    np.testing.assert_allclose(b.snr_db, by_hand, atol=1e-9)
    assert b.fspl_db[0] == pytest.approx(174.03, abs=HUNDREDTH_DB)
    np.testing.assert_allclose(b.capacity_mbps, b.symbol_rate_msps * b.efficiency_bps_hz)
    assert b.row(0)["modcod"] != "outage"


def test_sinr_combines_powers():
    # I = S: S/(N + I) with S/N = 20 dB and I/N = 20 dB → 20 − 10 log10(1 + 100).
    assert float(sinr_db(20.0, 20.0)) == pytest.approx(20.0 - 10 * math.log10(101), abs=1e-9)
    assert float(sinr_db(10.0, -np.inf, -np.inf)) == pytest.approx(10.0)
    assert float(sinr_db(10.0, 0.0, 0.0)) == pytest.approx(10.0 - 10 * math.log10(3), abs=1e-9)
