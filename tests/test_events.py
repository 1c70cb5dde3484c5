"""Events: the rows of the events table, their order, and instants as int64 ns UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from leonet.events import NEVER_NS, Event, sort_events, utc_ns

T0 = 1_780_142_400 * 10**9  # 2026-05-30T12:00:00Z


def test_order_time_then_ends_first_then_kind_then_target() -> None:
    rows = [
        Event(T0 + 1, "policy", "start", "a", ""),
        Event(T0, "jammer", "start", "j", ""),
        Event(T0, "fault", "start", "b", ""),
        Event(T0, "fault", "start", "a", ""),
        Event(T0, "policy", "start", "z", ""),
        Event(T0, "jammer", "end", "j", ""),
    ]
    got = [(e.utc_ns - T0, e.kind, e.action, e.target) for e in sort_events(rows)]
    assert got == [
        (0, "jammer", "end", "j"),
        (0, "policy", "start", "z"),
        (0, "fault", "start", "a"),
        (0, "fault", "start", "b"),
        (0, "jammer", "start", "j"),
        (1, "policy", "start", "a"),
    ]


def test_row_and_time() -> None:
    e = Event(T0 + 1_500, "fault", "start", "gateway X", "storm")
    assert e.time == datetime(2026, 5, 30, 12, 0, 0, 1, tzinfo=UTC)  # to the microsecond
    assert e.as_row() == {
        "utc_ns": T0 + 1_500,
        "time": e.time,
        "kind": "fault",
        "action": "start",
        "target": "gateway X",
        "description": "storm",
    }


def test_utc_ns_of_every_spelling() -> None:
    assert utc_ns("2026-05-30T12:00:00Z") == T0
    assert utc_ns(datetime(2026, 5, 30, 14, 0, tzinfo=timezone(timedelta(hours=2)))) == T0
    assert utc_ns("2026-05-30T12:00:00.000001Z") == T0 + 1_000
    assert utc_ns(T0 + 7) == T0 + 7
    with pytest.raises(ValueError, match=r"jammer time: .* has no time zone"):
        utc_ns(datetime(2026, 5, 30, 12), "jammer time")
    assert NEVER_NS == 2**63 - 1
