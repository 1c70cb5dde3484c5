"""The service-control plane: which terminal may be served at each time step, and why not.

A terminal is **allowed** at a step when none of these holds (checked in this
order; the first that holds is its :class:`~leonet.outcomes.Outcome`):

1. ``DENY_LISTED`` — its name matches the deny-list (always wins);
2. ``NOT_AUTHORISED`` — whitelist-only is in force (standing, or a timed
   ``whitelist-only`` event) and its name is not on the allow-list;
3. ``OUTSIDE_SERVICE_AREA`` — it is not in the service area;
4. ``AREA_CUT_OFF`` — it is inside an area the operator has cut off (a timed ``cut-off``);
5. ``OVER_SPEED_LIMIT`` — its ground speed is above the speed limit in force.

Service area
    A terminal is in the service area when it is inside at least one
    **enabled** area and inside no **disabled** area: a disabled area wins
    over an enabled one (Ukraine enabled, Crimea disabled serves Kyiv and
    not Simferopol).  With no enabled area at all, everywhere outside the
    disabled areas is served.

Names
    ``allow`` and ``deny`` hold terminal names or shell-style patterns
    (``drone-*``, ``[A-Z]*``; case-sensitive, :func:`fnmatch.fnmatchcase`).
    The allow-list matters only while whitelist-only is in force.

Speed
    ``max_speed_kmh`` is the standing limit (``None``: none).  A timed
    ``speed-limit`` event replaces it while active (``None`` lifts it); when
    several overlap, the later in the list wins.  A speed equal to the limit
    is allowed.

Time
    Every timed event is active on ``[start, end)``: from ``start``
    inclusive to ``end`` exclusive (``end=None``: to the end of time).

Vectorised: area membership of fixed terminals is computed once per set of
positions (cached); moving terminals (columns of a ``(time, terminal)`` input
that change) are tested at every step with ``shapely.contains_xy`` in one
call; events are time masks ``(time,)`` broadcast over terminals.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.events import NEVER_NS, Event, utc_ns
from leonet.outcomes import Outcome
from leonet.policy.areas import Area

__all__ = ["PolicyEvent", "ServiceArea", "ServicePolicy"]

B = NDArray[np.bool_]

PolicyArea = Area


@dataclass(frozen=True)
class ServiceArea:
    """An area where service is ``enabled`` (or explicitly not)."""

    area: PolicyArea
    enabled: bool = True

    @property
    def name(self) -> str:
        return self.area.name


def _to_ns(value: datetime | str | int | None, default: int) -> int:
    return default if value is None else utc_ns(value, "policy event time")


@dataclass(frozen=True)
class PolicyEvent:
    """A timed change, active on ``[start_ns, end_ns)`` (int64 ns UTC; also accepts aware
    datetimes or ISO strings; ``end_ns=None``: never ends).

    ``action``: ``'cut-off'`` (needs ``area``), ``'whitelist-only'`` or
    ``'speed-limit'`` (``max_speed_kmh``; ``None`` lifts the limit).
    """

    action: Literal["cut-off", "whitelist-only", "speed-limit"]
    start_ns: int | datetime | str = 0
    end_ns: int | datetime | str | None = None
    area: PolicyArea | None = None
    max_speed_kmh: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_ns", _to_ns(self.start_ns, 0))
        object.__setattr__(self, "end_ns", _to_ns(self.end_ns, NEVER_NS))
        if self.action not in ("cut-off", "whitelist-only", "speed-limit"):
            raise ValueError(
                f"unknown policy action {self.action!r}; use 'cut-off', "
                "'whitelist-only' or 'speed-limit'"
            )
        if self.action == "cut-off" and self.area is None:
            raise ValueError("a cut-off event needs an area")
        assert isinstance(self.start_ns, int) and isinstance(self.end_ns, int)
        if self.end_ns <= self.start_ns:
            raise ValueError(
                f"policy event {self.action!r}: end must be after start "
                "(the interval is [start, end))"
            )

    def active(self, utc_ns: NDArray[np.int64]) -> B:
        """``(time,)`` True on ``[start, end)``."""
        return (utc_ns >= self.start_ns) & (utc_ns < self.end_ns)  # type: ignore[operator]

    @property
    def target(self) -> str:
        if self.action == "cut-off":
            assert self.area is not None
            return self.area.name
        if self.action == "whitelist-only":
            return "terminals not on the allow-list"
        lim = "none" if self.max_speed_kmh is None else f"{self.max_speed_kmh:g} km/h"
        return f"speed limit {lim}"

    def default_description(self) -> str:
        if self.action == "cut-off":
            return f"service cut off in {self.target}"
        if self.action == "whitelist-only":
            return "only allow-listed terminals are served"
        return f"speed limit set to {self.target.removeprefix('speed limit ')}"


def _pattern(patterns: Sequence[str]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


def _digest(*arrays: NDArray[np.generic]) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        h.update(str(a.shape).encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.digest()


@dataclass
class ServicePolicy:
    """The service-control plane (see the module docstring for the rules).

    ``service_areas`` (empty: served everywhere); ``allow`` / ``deny`` name
    patterns; ``whitelist_only`` standing whitelist mode; ``max_speed_kmh``
    standing speed limit; ``events`` timed changes.  A scenario's policy comes from
    :func:`leonet.scenario.build.service_policy`.
    """

    service_areas: Sequence[ServiceArea] = ()
    allow: Sequence[str] = ()
    deny: Sequence[str] = ()
    whitelist_only: bool = False
    max_speed_kmh: float | None = None
    events: Sequence[PolicyEvent] = ()
    _cache: dict[bytes, NDArray[np.generic]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.max_speed_kmh is not None and not self.max_speed_kmh > 0:
            raise ValueError(f"max_speed_kmh={self.max_speed_kmh!r} must be > 0 (None: no limit)")
        self._allow = _pattern(list(self.allow))
        self._deny = _pattern(list(self.deny))
        self.events = tuple(self.events)
        self.service_areas = tuple(self.service_areas)

    # ------------------------------------------------------------ pieces
    def _names_match(self, names: NDArray[np.str_], which: str) -> B:
        pattern = self._allow if which == "allow" else self._deny
        if pattern is None:
            return np.zeros(names.shape, dtype=bool)
        key = b"names-" + which.encode() + _digest(names)
        hit = self._cache.get(key)
        if hit is None:
            hit = np.fromiter(
                (pattern.fullmatch(str(n)) is not None for n in names),
                dtype=bool,
                count=names.shape[0],
            )
            self._remember(key, hit)
        return hit  # type: ignore[return-value]

    def _remember(self, key: bytes, value: NDArray[np.generic]) -> None:
        if len(self._cache) >= 32:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = value

    def _inside(self, area: PolicyArea, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> B:
        """Membership shaped like ``lat``: ``(terminal,)`` cached, or ``(time, terminal)`` with
        the columns that do not move tested once."""
        if lat.ndim == 1:
            key = b"area-" + str(id(area)).encode() + _digest(lat, lon)
            hit = self._cache.get(key)
            if hit is None:
                hit = area.contains(lat, lon)
                self._remember(key, hit)
            return hit  # type: ignore[return-value]
        fixed = np.all(lat == lat[:1], axis=0) & np.all(lon == lon[:1], axis=0)
        out = np.empty(lat.shape, dtype=bool)
        out[:, fixed] = self._inside(area, lat[0, fixed], lon[0, fixed])[None, :]
        moving = ~fixed
        if moving.any():
            out[:, moving] = area.contains(lat[:, moving], lon[:, moving])
        return out

    def in_service_area(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> B:
        """Whether each point is in the service area (shape of the inputs, broadcast)."""
        lat, lon = np.broadcast_arrays(
            np.asarray(lat_deg, dtype=np.float64), np.asarray(lon_deg, dtype=np.float64)
        )
        enabled = [a for a in self.service_areas if a.enabled]
        disabled = [a for a in self.service_areas if not a.enabled]
        inside = np.zeros(lat.shape, dtype=bool) if enabled else np.ones(lat.shape, dtype=bool)
        for a in enabled:
            inside |= self._inside(a.area, lat, lon)
        for a in disabled:
            inside &= ~self._inside(a.area, lat, lon)
        return inside

    def speed_limit_kmh(self, utc_ns: ArrayLike) -> NDArray[np.float64]:
        """The speed limit in force at each instant, ``(time,)`` km/h (``inf``: none)."""
        t = np.atleast_1d(np.asarray(utc_ns, dtype=np.int64))
        base = np.inf if self.max_speed_kmh is None else float(self.max_speed_kmh)
        limit = np.full(t.shape, base)
        for ev in self.events:
            if ev.action == "speed-limit":
                value = np.inf if ev.max_speed_kmh is None else float(ev.max_speed_kmh)
                limit = np.where(ev.active(t), value, limit)
        return limit

    def whitelist_in_force(self, utc_ns: ArrayLike) -> B:
        """``(time,)`` True where whitelist-only applies (standing or a timed event)."""
        t = np.atleast_1d(np.asarray(utc_ns, dtype=np.int64))
        on = np.full(t.shape, bool(self.whitelist_only))
        for ev in self.events:
            if ev.action == "whitelist-only":
                on |= ev.active(t)
        return on

    # -------------------------------------------------------------- main
    def allowed(
        self,
        utc_ns: ArrayLike,
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        speed_kmh: ArrayLike | None = None,
        names: Sequence[str] | NDArray[np.str_] | None = None,
    ) -> tuple[B, NDArray[np.uint8]]:
        """Whether each terminal may be served at each instant, and why not.

        ``utc_ns`` ``(time,)`` int64 ns UTC; ``lat_deg`` / ``lon_deg`` ``(terminal,)``
        for fixed terminals or ``(time, terminal)`` for moving ones (degrees);
        ``speed_kmh`` ground speed ``(terminal,)`` or ``(time, terminal)`` (``None``:
        not moving); ``names`` ``(terminal,)`` — needed when the policy has an
        allow- or deny-list.  Returns ``allowed`` ``(time, terminal)`` bool and
        ``reason`` ``(time, terminal)`` uint8 :class:`~leonet.outcomes.Outcome` codes
        (``SERVED``, 0, where allowed).
        """
        t = np.atleast_1d(np.asarray(utc_ns, dtype=np.int64))
        if t.ndim != 1:
            raise ValueError(f"utc_ns must be (time,), got shape {t.shape}")
        lat = np.asarray(lat_deg, dtype=np.float64)
        lon = np.asarray(lon_deg, dtype=np.float64)
        if lat.shape != lon.shape or lat.ndim not in (1, 2):
            raise ValueError(
                f"lat_deg {lat.shape} and lon_deg {lon.shape} must share a shape "
                "(terminal,) or (time, terminal)"
            )
        if lat.ndim == 2 and lat.shape[0] != t.shape[0]:
            raise ValueError(f"lat_deg has {lat.shape[0]} rows but utc_ns {t.shape[0]} times")
        n_time, n_term = t.shape[0], lat.shape[-1]
        shape = (n_time, n_term)
        reason = np.zeros(shape, dtype=np.uint8)

        if speed_kmh is not None:
            speed = np.broadcast_to(np.asarray(speed_kmh, dtype=np.float64), shape)
            over = speed > self.speed_limit_kmh(t)[:, None]
            reason[over] = Outcome.OVER_SPEED_LIMIT

        for ev in self.events:
            if ev.action == "cut-off":
                active = ev.active(t)
                if active.any():
                    assert ev.area is not None
                    inside = np.broadcast_to(self._inside(ev.area, lat, lon), shape)
                    reason[active[:, None] & inside] = Outcome.AREA_CUT_OFF

        if self.service_areas:
            in_area = np.broadcast_to(self.in_service_area(lat, lon), shape)
            reason[~in_area] = Outcome.OUTSIDE_SERVICE_AREA

        need_names = self._deny is not None or (
            self._allow is not None
            or self.whitelist_only
            or any(e.action == "whitelist-only" for e in self.events)
        )
        if need_names:
            if names is None:
                raise ValueError(
                    "this policy has an allow/deny list or whitelist-only mode; "
                    "pass names=(terminal,) terminal names"
                )
            name_arr = np.asarray(names, dtype=np.str_).reshape(-1)
            if name_arr.shape[0] != n_term:
                raise ValueError(f"names has {name_arr.shape[0]} entries for {n_term} terminals")
            wl = self.whitelist_in_force(t)
            if wl.any():
                listed = self._names_match(name_arr, "allow")
                reason[wl[:, None] & ~listed[None, :]] = Outcome.NOT_AUTHORISED
            denied = self._names_match(name_arr, "deny")
            reason[:, denied] = Outcome.DENY_LISTED
        return reason == Outcome.SERVED, reason

    # ------------------------------------------------------------ events
    def timeline(self) -> list[Event]:
        """The timed policy events as :class:`~leonet.events.Event` rows (start, and end
        unless it never ends)."""
        rows: list[Event] = []
        for ev in self.events:
            text = ev.description or ev.default_description()
            assert isinstance(ev.start_ns, int) and isinstance(ev.end_ns, int)
            rows.append(Event(ev.start_ns, "policy", "start", ev.target, text))
            if ev.end_ns != NEVER_NS:
                rows.append(Event(ev.end_ns, "policy", "end", ev.target, f"ends: {text}"))
        return rows
