import numpy as np

from leonet.eop import load_eop
from leonet.timegrid import TimeGrid


def test_bundled_table_covers_the_bundled_snapshot():
    eop = load_eop()
    grid = TimeGrid("2026-05-30T00:00:00Z", 3_600.0, 48)
    assert eop.covers(grid.utc_ns)
    dut1, xp, yp = eop.at(grid.utc_ns)
    assert np.all(np.abs(dut1) < 0.9)  # IERS keeps |UT1-UTC| below 0.9 s
    assert np.all(np.abs(xp) < np.deg2rad(1 / 3600)) and np.all(np.abs(yp) < np.deg2rad(1 / 3600))


def test_leap_second_jump_is_not_smeared_over_the_day_before():
    # A leap second was inserted at the end of 2016-12-31: UT1-UTC jumps by +1 s at 2017-01-01 0h.
    eop = load_eop()
    grid = TimeGrid("2016-12-31T00:00:00Z", 3 * 3_600.0, 16)
    dut1, _, _ = eop.at(grid.utc_ns)
    before, after = dut1[:8], dut1[8:]
    assert np.all(np.abs(np.diff(before)) < 1e-3)  # smooth through the last day of 2016
    assert np.all(np.abs(np.diff(after)) < 1e-3)
    assert abs((after[0] - before[-1]) - 1.0) < 2e-3
