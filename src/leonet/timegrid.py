"""Uniform UTC time grids, split Julian dates for SGP4, and time chunks.

Times are timezone-aware UTC at the edges (``datetime`` with ``tzinfo``) and
int64 nanoseconds since 1970-01-01 UTC inside.  Leap seconds are not counted
by the grid (like POSIX time); UT1 comes from :mod:`leonet.eop`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "EARLIEST_TIME",
    "LATEST_TIME",
    "TimeGrid",
    "parse_duration_s",
    "parse_utc",
    "utc_ns_to_jd_fr",
]

#: The times a scenario or an option may name: from the first artificial satellite (no
#: orbital elements are older) to the last day int64 nanoseconds since 1970 can count.
EARLIEST_TIME = datetime(1957, 10, 4, tzinfo=UTC)
LATEST_TIME = datetime(2262, 4, 11, tzinfo=UTC)

_UNIX_EPOCH_JD = 2_440_587.5
_NS_PER_DAY = 86_400 * 1_000_000_000


def parse_utc(value: datetime | str, field: str = "start") -> datetime:
    """Return ``value`` as an aware UTC datetime.

    Accepts an aware ``datetime`` or an ISO 8601 string with an explicit
    offset (``2026-05-30T00:00:00Z``).  A naive value is an error: leonet
    will not guess the time zone.
    """
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{field}: cannot read {text!r} as a time; write ISO 8601 UTC such as "
                "'2026-05-30T12:00:00Z'"
            ) from None
    if not isinstance(value, datetime):
        raise TypeError(f"{field}: expected a datetime or ISO 8601 string, got {type(value)!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{field}: {value.isoformat()} has no time zone, so leonet cannot tell which "
            "instant it is. Give an aware UTC time, e.g. datetime(2026, 5, 30, tzinfo=UTC) "
            "or the string '2026-05-30T00:00:00Z'."
        )
    return value.astimezone(UTC)


def _datetime_to_ns(value: datetime) -> int:
    delta = value - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


def utc_ns_to_jd_fr(utc_ns: NDArray[np.int64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Split Julian dates ``(jd, fr)`` for int64 UTC nanoseconds, shape preserved.

    ``jd`` is the Julian date of the preceding midnight (ends in .5) and
    ``fr`` the fraction of the day, so ``jd + fr`` keeps full precision.
    """
    ns = np.asarray(utc_ns, dtype=np.int64)
    days, rem = np.divmod(ns, _NS_PER_DAY)
    jd = _UNIX_EPOCH_JD + days.astype(np.float64)
    fr = rem.astype(np.float64) / _NS_PER_DAY
    return jd, fr


@dataclass(frozen=True)
class TimeGrid:
    """``count`` instants from ``start`` every ``step_s`` seconds (UTC).

    >>> grid = TimeGrid("2026-05-30T00:00:00Z", step_s=1.0, count=3600)
    >>> [len(c) for c in grid.chunks(1000)]
    [1000, 1000, 1000, 600]
    """

    start: datetime
    step_s: float
    count: int

    def __init__(self, start: datetime | str, step_s: float, count: int) -> None:
        start_utc = parse_utc(start)
        if not (isinstance(step_s, int | float) and math.isfinite(step_s) and step_s > 0):
            raise ValueError(f"step_s must be a positive number of seconds, got {step_s!r}")
        if round(step_s * 1e9) < 1:
            raise ValueError(f"step_s={step_s!r} is below one nanosecond")
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 1:
            raise ValueError(f"count must be a positive whole number of steps, got {count!r}")
        first_ns = _datetime_to_ns(start_utc)
        if not -(2**63) <= first_ns <= 2**63 - 1 - (int(count) - 1) * round(step_s * 1e9):
            raise ValueError(
                f"{start_utc:%Y-%m-%dT%H:%M:%S}Z + {count:,} steps of {step_s:g} s is beyond "
                "the times int64 nanoseconds since 1970 can count (1677-09-21 to 2262-04-11)"
            )
        object.__setattr__(self, "start", start_utc)
        object.__setattr__(self, "step_s", float(step_s))
        object.__setattr__(self, "count", int(count))

    @classmethod
    def spanning(cls, start: datetime | str, duration_s: float, step_s: float) -> TimeGrid:
        """The grid from ``start`` covering ``duration_s`` (end excluded) every ``step_s``."""
        if not (math.isfinite(duration_s) and duration_s > 0):
            raise ValueError(f"duration_s must be positive, got {duration_s!r}")
        if not (math.isfinite(step_s) and step_s > 0):
            raise ValueError(f"step_s must be a positive number of seconds, got {step_s!r}")
        return cls(start, step_s, max(1, math.ceil(duration_s / step_s - 1e-9)))

    def __len__(self) -> int:
        return self.count

    @property
    def step_ns(self) -> int:
        return round(self.step_s * 1e9)

    @property
    def start_ns(self) -> int:
        return _datetime_to_ns(self.start)

    @property
    def offsets_s(self) -> NDArray[np.float64]:
        """Seconds since ``start``, shape ``(time,)``."""
        return np.arange(self.count, dtype=np.float64) * (self.step_ns / 1e9)

    @property
    def utc_ns(self) -> NDArray[np.int64]:
        """UTC instants as int64 ns since 1970-01-01, shape ``(time,)``."""
        return self.start_ns + np.arange(self.count, dtype=np.int64) * self.step_ns

    @property
    def datetime64(self) -> NDArray[np.datetime64]:
        """UTC instants as ``datetime64[ns]`` (naive numpy values meaning UTC)."""
        return self.utc_ns.view("datetime64[ns]")

    @property
    def end(self) -> datetime:
        """The last instant of the grid (inclusive)."""
        return self.start + timedelta(microseconds=(self.count - 1) * self.step_ns / 1000)

    def jd_fr(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Split UTC Julian dates ``(jd, fr)``, each shape ``(time,)``, for SGP4."""
        return utc_ns_to_jd_fr(self.utc_ns)

    def datetimes(self) -> list[datetime]:
        """Aware UTC datetimes (for display; not for hot paths)."""
        return [
            self.start + timedelta(microseconds=i * self.step_ns / 1000) for i in range(self.count)
        ]

    def slice(self, first: int, stop: int) -> TimeGrid:
        """The sub-grid of steps ``first .. stop-1``."""
        if not 0 <= first < stop <= self.count:
            raise IndexError(f"slice [{first}, {stop}) outside a grid of {self.count} steps")
        start = self.start + timedelta(microseconds=first * self.step_ns / 1000)
        return TimeGrid(start, self.step_s, stop - first)

    def chunks(self, max_steps: int) -> Iterator[TimeGrid]:
        """Consecutive sub-grids of at most ``max_steps`` steps covering the grid."""
        if max_steps < 1:
            raise ValueError(f"max_steps must be at least 1, got {max_steps}")
        for first in range(0, self.count, max_steps):
            yield self.slice(first, min(first + max_steps, self.count))


_UNITS_S = {"": 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3_600.0, "d": 86_400.0}


def parse_duration_s(value: str | float | int, field: str = "duration") -> float:
    """Seconds from ``3600``, ``"90s"``, ``"10m"``, ``"1.5h"`` or ``"1d"``; must be positive."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().lower()
        number = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        unit = text[len(number) :].strip()
        if unit not in _UNITS_S:
            raise ValueError(
                f"{field}: unknown unit {unit!r} in {value!r}; use s, m, h or d (e.g. '90s', '1h')"
            )
        try:
            seconds = float(number) * _UNITS_S[unit]
        except ValueError:
            raise ValueError(
                f"{field}: cannot read {value!r}; write e.g. 3600, '90s', '1h'"
            ) from None
    if not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{field}: must be a positive duration, got {value!r}")
    return seconds
