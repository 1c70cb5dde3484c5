"""RadioModel: per-step links agree with the scalar budget; interference lowers SINR."""

import numpy as np
import pytest

from leonet.radio import DVBS2X_LADDER, OUTAGE, RadioConfig, RadioModel, fspl_db


def test_overhead_link_by_hand(kyiv_model, overhead):
    links = kyiv_model.user_links(overhead, np.array([0, 1], dtype=np.int32))
    assert links.elevation_deg[0] == pytest.approx(90.0, abs=0.01)
    assert links.slant_range_km[0] == pytest.approx(550.0, abs=1e-6)
    atm = kyiv_model.atm_down([0], [90.0])[0]
    snr = (
        36.7
        - float(fspl_db(550.0, 11.7))
        - atm
        + kyiv_model.gt_down_dbk[0]
        + 228.599
        - 10 * np.log10(250e6 / 1.1)
    )
    assert links.down.snr_db[0] == pytest.approx(snr, abs=0.01)
    assert links.down.modcod[0] == DVBS2X_LADDER.select(links.down.sinr_db[0] - 1.0)
    assert links.down.capacity_mbps[0] > 0 and links.up.capacity_mbps[0] > 0


def test_unserved_sites_get_nan_and_outage(kyiv_model, overhead):
    links = kyiv_model.user_links(overhead, np.array([-1, 1], dtype=np.int32))
    assert np.isnan(links.down.snr_db[0]) and links.down.modcod[0] == OUTAGE
    assert links.down.capacity_mbps[0] == 0.0


def test_co_channel_interference_lowers_sinr(kyiv_model, overhead):
    pairs = (np.array([0, 0]), np.array([0, 2]))
    clean = kyiv_model.user_links(overhead, np.array([0, 1], dtype=np.int32))
    noisy = kyiv_model.user_links(overhead, np.array([0, 1], dtype=np.int32), visible_pairs=pairs)
    assert np.isfinite(noisy.down.i_over_n_db[0])
    assert noisy.down.sinr_db[0] < clean.down.sinr_db[0]
    assert noisy.down.sinr_db[1] == clean.down.sinr_db[1]  # Lviv saw no interferer


def test_unknown_terminal_type_is_named(kyiv_model):
    with pytest.raises(ValueError, match=r"unknown terminal type 'dish'.*standard, mini"):
        RadioModel(kyiv_model.sites, 3, terminal_type="dish")
    with pytest.raises(ValueError, match=r"co_channel_fraction"):
        RadioConfig(co_channel_fraction=2.0)


def test_a_moved_site_links_as_one_built_there(kyiv_model, overhead):
    # Move Lviv's terminal to Kyiv: its geometry becomes Kyiv's exactly; its SNR differs
    # from Kyiv's only by the two sites' atmosphere tables (kept as built).
    model = RadioModel(kyiv_model.sites, 3, config=RadioConfig(interference=True))
    kyiv = kyiv_model.sites
    model.move_sites([1], kyiv.lat_deg[0], kyiv.lon_deg[0], kyiv.alt_km[0])
    pairs = (np.array([0, 0, 1, 1]), np.array([0, 2, 0, 2]))
    links = model.user_links(overhead, np.array([0, 0], dtype=np.int32), visible_pairs=pairs)
    assert links.elevation_deg[1] == pytest.approx(90.0, abs=1e-9)
    assert links.slant_range_km[1] == links.slant_range_km[0]
    el = links.elevation_deg[:1]
    atm_gap = model.atm_down([1], el)[0] - model.atm_down([0], el)[0]
    assert links.down.snr_db[0] - links.down.snr_db[1] == pytest.approx(atm_gap, abs=1e-9)
    assert links.down.i_over_n_db[1] == pytest.approx(links.down.i_over_n_db[0], abs=0.05)
    # The model built at the old place is untouched, and bad indices are refused.
    assert kyiv_model.user_links(overhead, np.array([0, 1], dtype=np.int32)).elevation_deg[
        1
    ] == pytest.approx(90.0, abs=0.01)
    with pytest.raises(IndexError, match=r"site_idx must lie in \[0, 2\)"):
        model.move_sites([2], 50.0, 30.0)
