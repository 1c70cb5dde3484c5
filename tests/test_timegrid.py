from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest
from sgp4.api import jday

from leonet.timegrid import TimeGrid, parse_utc


def test_naive_datetime_is_rejected_with_the_fix():
    with pytest.raises(ValueError) as err:
        TimeGrid(datetime(2026, 5, 30), 1.0, 10)
    message = str(err.value)
    assert "has no time zone" in message
    assert "tzinfo=UTC" in message and "2026-05-30T00:00:00Z" in message


def test_other_time_zones_are_converted_to_utc():
    kyiv_summer = timezone(timedelta(hours=3))
    grid = TimeGrid(datetime(2026, 5, 30, 3, 0, tzinfo=kyiv_summer), 1.0, 1)
    assert grid.start == datetime(2026, 5, 30, 0, 0, tzinfo=UTC)


def test_iso_strings_and_bad_strings():
    assert parse_utc("2026-05-30T12:00:00Z") == datetime(2026, 5, 30, 12, tzinfo=UTC)
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_utc("yesterday")


@pytest.mark.parametrize(("step_s", "count"), [(0.0, 5), (-1.0, 5), (float("nan"), 5), (1.0, 0)])
def test_impossible_parameters(step_s, count):
    with pytest.raises(ValueError):
        TimeGrid("2026-05-30T00:00:00Z", step_s, count)


def test_split_julian_dates_match_sgp4_jday():
    grid = TimeGrid("2026-05-30T06:30:15.5Z", 0.25, 7)
    jd, fr = grid.jd_fr()
    for k, when in enumerate(grid.datetimes()):
        ref_jd, ref_fr = jday(
            when.year,
            when.month,
            when.day,
            when.hour,
            when.minute,
            when.second + when.microsecond / 1e6,
        )
        assert abs((jd[k] - ref_jd) + (fr[k] - ref_fr)) * 86_400 < 1e-6  # one microsecond


def test_chunks_cover_the_grid_exactly():
    grid = TimeGrid("2026-05-30T00:00:00Z", 1.0, 3_601)
    parts = list(grid.chunks(1_000))
    assert [len(p) for p in parts] == [1_000, 1_000, 1_000, 601]
    assert np.array_equal(np.concatenate([p.utc_ns for p in parts]), grid.utc_ns)


def test_spanning_excludes_the_end():
    grid = TimeGrid.spanning("2026-05-30T00:00:00Z", duration_s=3_600, step_s=1)
    assert len(grid) == 3_600
    assert grid.end == datetime(2026, 5, 30, 0, 59, 59, tzinfo=UTC)
