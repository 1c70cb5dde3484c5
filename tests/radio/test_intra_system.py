"""Intra-system interference: the serving satellite's own co-channel beams and the
satellites' SINR ceilings, in both directions, and the peak rates they give one terminal."""

import math

import numpy as np
import pytest

from leonet.capacity import assign_beams, co_channel_beams
from leonet.radio import SATELLITES

SERVING = np.array([0, 1], dtype=np.int32)
GEN1 = SATELLITES["gen1"]


def _db_sum(*terms):
    return 10 * math.log10(sum(10 ** (t / 10) for t in terms))


@pytest.mark.parametrize("n_co", [0, 1, 5])
def test_sinr_is_snr_with_ceiling_and_co_channel_beams(kyiv_model, overhead, n_co):
    """SINR by hand: N + I_ceiling + n_co beams at the side-lobe floor, both ways.

    Lviv's satellite is alone in Lviv's sky (no other-satellite term for it): the
    uplink of both sites and the downlink of Lviv carry only the intra-system terms.
    """
    links = kyiv_model.user_links(overhead, SERVING, co_channel_beams=[n_co, n_co])
    for d, ceiling in (
        (links.up, GEN1.sinr_ceiling_up_db),
        (links.down, GEN1.sinr_ceiling_down_db),
    ):
        snr = float(d.snr_db[1])
        i_over_c = [-ceiling] + ([GEN1.beam_floor_db + 10 * math.log10(n_co)] if n_co else [])
        want = -_db_sum(-snr, *i_over_c)
        assert float(d.sinr_db[1]) == pytest.approx(want, abs=1e-9)
    assert (links.up.sinr_db <= GEN1.sinr_ceiling_up_db).all()
    assert (links.down.sinr_db <= GEN1.sinr_ceiling_down_db).all()


def test_uplink_interference_grows_with_co_channel_beams(kyiv_model, overhead):
    alone = kyiv_model.user_links(overhead, SERVING, co_channel_beams=[0, 0])
    crowded = kyiv_model.user_links(overhead, SERVING, co_channel_beams=[30, 30])
    # 30 beams at the −25 dB floor: I/C −10.2 dB beside the ceiling's −4.5 dB → +1.0 dB.
    assert (crowded.up.i_over_n_db > alone.up.i_over_n_db + 0.9).all()
    assert (crowded.up.sinr_db < alone.up.sinr_db).all()


def test_peak_rates_of_one_terminal_match_measured_peaks(kyiv_model, overhead):
    """A terminal alone in its beam under an overhead satellite: 500-700 Mb/s down (SpaceX's
    reported 610 Mb/s single-terminal peak) and 50-100 Mb/s up (the top of the published
    upload speed tests) — not the 1.34 Gb/s / 335 Mb/s of a noise-limited budget."""
    links = kyiv_model.user_links(overhead, SERVING, co_channel_beams=[0, 0])
    assert 500 <= links.down.capacity_mbps[1] <= 700
    assert 50 <= links.up.capacity_mbps.max() <= 100
    assert links.down.capacity_mbps.max() <= 700


def test_switching_intra_system_off_restores_the_thermal_links(overhead):
    from leonet.ground import Sites
    from leonet.radio import RadioConfig, RadioModel

    sites = Sites(["Lviv"], [49.84], [24.03])
    off = RadioModel(sites, 3, config=RadioConfig(intra_system=False))
    links = off.user_links(overhead, np.array([1], dtype=np.int32), co_channel_beams=[4])
    np.testing.assert_allclose(links.up.sinr_db, links.up.snr_db)


def test_co_channel_beams_counts_each_channels_lit_beams():
    # Satellite 0 serves 20 cells on 24 beams (20 lit: channels 0-3 carry 3 beams, 4-7 two);
    # satellite 1 serves 3 cells (3 lit: one beam per channel 0-2); a site unserved.
    serving = np.r_[np.zeros(20, dtype=np.int64), np.ones(3, dtype=np.int64), -1]
    cells = np.r_[np.arange(20), np.arange(100, 103), 999]
    beams = assign_beams(serving, cells, np.array([24, 24]), 8)
    got = co_channel_beams(serving, beams, 2, 8)
    channel = beams.channel
    want = np.where(serving == 0, np.where(channel < 4, 2, 1), 0)
    np.testing.assert_array_equal(got, want)
