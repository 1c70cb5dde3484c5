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
    from leonet.eop import skyfield_timescale

    return skyfield_timescale()
