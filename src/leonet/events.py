"""Events: one row per timed change (a policy event, a fault, a jammer) and their order.

Each timed item gives a ``start`` row and, when it ends, an ``end`` row.  The policy
and fault layers produce the rows; the engine writes them, sorted by
:func:`sort_events`, to ``events.parquet``; the report marks them on its plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import numpy as np

from leonet.timegrid import parse_utc

__all__ = ["NEVER_NS", "Event", "EventAction", "EventKind", "sort_events", "utc_ns"]

#: ``end_ns`` of an interval that never ends: the largest int64 (ns UTC, year 2262).
NEVER_NS = 2**63 - 1


def utc_ns(value: int | datetime | str, what: str = "time") -> int:
    """An instant as int64 ns since 1970-01-01 UTC: ``value`` already in ns, an aware
    datetime or an ISO 8601 string with its offset (``what`` names it in errors).

    >>> utc_ns("1970-01-01T00:00:01.5Z")
    1500000000
    """
    if isinstance(value, int | np.integer):
        return int(value)
    delta = parse_utc(value, what) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000


EventKind = Literal["policy", "fault", "jammer"]
EventAction = Literal["start", "end"]

_KIND_ORDER = {"policy": 0, "fault": 1, "jammer": 2}


@dataclass(frozen=True, order=False)
class Event:
    """One row of the events table.

    ``utc_ns`` int64 ns since 1970-01-01 UTC; ``kind`` ``'policy'``, ``'fault'`` or
    ``'jammer'``; ``action`` ``'start'`` or ``'end'`` (an interval is
    [start, end)); ``target`` what it acts on (an area, gateway names, …);
    ``description`` a sentence for people.
    """

    utc_ns: int
    kind: EventKind
    action: EventAction
    target: str
    description: str

    @property
    def time(self) -> datetime:
        """The instant as an aware UTC datetime (microsecond resolution)."""
        return datetime.fromtimestamp(self.utc_ns // 1_000 / 1e6, tz=UTC)

    def as_row(self) -> dict[str, object]:
        """A plain dict for a table (``utc_ns``, ``time``, ``kind``, ``action``, …)."""
        return {
            "utc_ns": self.utc_ns,
            "time": self.time,
            "kind": self.kind,
            "action": self.action,
            "target": self.target,
            "description": self.description,
        }


def sort_events(events: list[Event]) -> list[Event]:
    """Events by time; at one instant ``end`` rows before ``start`` rows, then
    policy < fault < jammer, then by target."""
    return sorted(
        events, key=lambda e: (e.utc_ns, e.action != "end", _KIND_ORDER[e.kind], e.target)
    )
