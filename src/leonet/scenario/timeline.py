"""The events table: every timed policy change, fault and jammer of a scenario, in time order.

Each timed item gives a ``start`` row and, when it ends, an ``end`` row.  The engine
writes the table to ``events.parquet`` and the report marks the rows on its plots.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from leonet.scenario.schema import Scenario

__all__ = ["Event", "sort_events", "timeline"]

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
        return {"utc_ns": self.utc_ns, "time": self.time, "kind": self.kind,
                "action": self.action, "target": self.target, "description": self.description}


def sort_events(events: list[Event]) -> list[Event]:
    """Events by time; at one instant ``end`` rows before ``start`` rows, then
    policy < fault < jammer, then by target."""
    return sorted(events, key=lambda e: (e.utc_ns, e.action != "end", _KIND_ORDER[e.kind],
                                         e.target))


def timeline(scenario: Scenario) -> list[Event]:
    """Every timed policy event, fault and jammer of ``scenario`` as :class:`Event` rows,
    sorted by time.  Standing settings (service areas, a standing speed limit) are not
    events; items that never end give no ``end`` row."""
    from leonet.faults.plan import FaultPlan
    from leonet.policy.service import ServicePolicy

    events = ServicePolicy.from_scenario(scenario).timeline()
    events += FaultPlan.from_scenario(scenario).events()
    return sort_events(events)
