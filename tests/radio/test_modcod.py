"""The DVB-S2X ladder: selection at the table's thresholds; rate monotonic in SNR."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leonet.radio import DVBS2X_LADDER, DVBS2X_NORMAL, OUTAGE, ModcodLadder, symbol_rate_msps


def test_table_is_en_302_307_2_table_13():
    assert len(DVBS2X_NORMAL) == 39
    first, last = DVBS2X_NORMAL[0], DVBS2X_NORMAL[-1]
    assert (first.name, first.efficiency_bps_hz, first.esn0_db) == ("QPSK 2/9", 0.434841, -2.85)
    assert (last.name, last.efficiency_bps_hz, last.esn0_db) == ("256APSK 3/4", 5.900855, 19.57)
    assert len({m.name for m in DVBS2X_NORMAL}) == 39


def test_selection_at_every_frontier_threshold():
    ladder = DVBS2X_LADDER
    for threshold, index in zip(ladder.thresholds_db, ladder.frontier, strict=True):
        assert ladder.select(threshold) == index
        below = ladder.select(threshold - 1e-6)
        assert below == OUTAGE or ladder.efficiency_bps_hz(below) < ladder.efficiency_bps_hz(index)


def test_each_table_entry_is_met_at_its_threshold():
    ladder = DVBS2X_LADDER
    for k, m in enumerate(DVBS2X_NORMAL):
        chosen = int(ladder.select(m.esn0_db))
        assert ladder.efficiency_bps_hz(chosen) >= m.efficiency_bps_hz
        assert DVBS2X_NORMAL[chosen].esn0_db <= m.esn0_db
        if k in ladder.frontier:
            assert chosen == k


def test_dominated_entry_is_skipped():
    # 16APSK 26/45 (7.51 dB, 2.28) is dominated by 16APSK 3/5-L (7.41 dB, 2.37).
    assert DVBS2X_LADDER.name(int(DVBS2X_LADDER.select(7.6))) == "16APSK 3/5-L"


def test_outage_below_lowest_and_for_nan():
    sel = DVBS2X_LADDER.select([-2.86, np.nan, -2.85, 30.0])
    assert sel.tolist()[:2] == [OUTAGE, OUTAGE]
    assert DVBS2X_LADDER.name(int(sel[2])) == "QPSK 2/9"
    assert DVBS2X_LADDER.name(int(sel[3])) == "256APSK 3/4"
    assert DVBS2X_LADDER.rate_mbps(-3.0, 250.0)[()] == 0.0


def test_rate_is_symbol_rate_times_efficiency():
    rate = DVBS2X_LADDER.rate_mbps(19.57, 250.0, 0.10)
    assert float(rate) == pytest.approx(250.0 / 1.1 * 5.900855)
    assert float(symbol_rate_msps(62.5, 0.05)) == pytest.approx(62.5 / 1.05)


def test_empty_ladder_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        ModcodLadder(())


@given(st.lists(st.floats(-10.0, 30.0, allow_nan=False), min_size=2, max_size=50))
def test_rate_never_decreases_with_snr(snr):
    x = np.sort(np.array(snr))
    rate = DVBS2X_LADDER.rate_mbps(x, 250.0)
    assert np.all(np.diff(rate) >= 0)
    rank = DVBS2X_LADDER.rank(DVBS2X_LADDER.select(x))
    assert np.all(np.diff(rank) >= 0)
