"""Shared test fixtures: the real data in ../shared/data and skyfield built on leonet's EOP."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the real data folder {SHARED_DATA} is missing (it sits beside the checkout)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def skyfield_ts():  # type: ignore[no-untyped-def]
    """A skyfield Timescale on the same IERS finals2000A table leonet uses, with polar motion."""
    from astropy_iers_data import IERS_A_FILE
    from skyfield.data import iers
    from skyfield.timelib import Timescale

    with open(IERS_A_FILE, "rb") as handle:
        finals = iers.parse_x_y_dut1_from_finals_all(handle)
    tt, delta_t, leap_dates, leap_offsets = iers.build_timescale_arrays(
        finals["utc_mjd"], finals["dut1"]
    )
    ts = Timescale((tt, delta_t), leap_dates, leap_offsets)
    iers.install_polar_motion_table(ts, finals)
    return ts
