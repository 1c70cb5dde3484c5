"""How fast a terminal may move: a mobile track faster than :data:`MAX_TERMINAL_SPEED_KMH`
between two waypoints is an error naming the waypoint.

1,500 km/h is faster than any airliner's ground speed (the record, with a jet-stream
tailwind, is ~1,300 km/h; Starlink serves airliners); a faster leg is a typo in a time or
a coordinate, not a terminal (``docs/limits.md``).
"""

from __future__ import annotations

import numpy as np

from leonet.ground.greatcircle import great_circle_km
from leonet.scenario.schema import Scenario

__all__ = ["MAX_TERMINAL_SPEED_KMH", "track_speed_problems"]

MAX_TERMINAL_SPEED_KMH = 1_500.0


def track_speed_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """``(loc, message)`` for each mobile-track leg faster than
    :data:`MAX_TERMINAL_SPEED_KMH` (great-circle distance over the time between the
    waypoints)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for i, track in enumerate(scenario.ground.mobile):
        points = track.waypoints
        t_ns = np.array([scenario.at_ns(w.time) for w in points], dtype=np.int64)
        lat = np.array([w.lat_deg for w in points])
        lon = np.array([w.lon_deg for w in points])
        km = great_circle_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
        hours = np.diff(t_ns) / 3.6e12
        with np.errstate(divide="ignore", invalid="ignore"):
            kmh = np.where(hours > 0, km / np.where(hours > 0, hours, 1.0), np.inf)
        fast = np.flatnonzero((kmh > MAX_TERMINAL_SPEED_KMH) & (hours > 0))
        for j in fast[:1]:
            problems.append(
                (
                    ("ground", "mobile", i, "waypoints", int(j) + 1),
                    f"the leg from waypoint {j} to {j + 1} is {km[j]:,.0f} km in "
                    f"{hours[j] * 3600:,.0f} s ({kmh[j]:,.0f} km/h), faster than any terminal "
                    f"({MAX_TERMINAL_SPEED_KMH:,.0f} km/h, docs/limits.md); check the times "
                    "and coordinates",
                )
            )
    return problems
