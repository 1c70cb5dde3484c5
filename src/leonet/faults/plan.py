"""Timed faults and jammers: which satellites, gateways, PoPs and lasers are up at each step.

Timing
    Every fault and jammer is active on ``[start, end)``: from ``start``
    **inclusive** to ``end`` **exclusive** (``end=None``: never ends).  A fault
    from 12:10 to 12:40 takes its target down at 12:10:00 and brings it back
    at 12:40:00 exactly.

Randomness
    A ``fraction`` of satellites is drawn with :func:`numpy.random.default_rng`
    seeded from ``(scenario seed, fault kind, index of the fault in its list,
    constellation size)`` — the same scenario always loses the same
    satellites, in every chunk.  A fraction of laser links is chosen per
    *link* by a hash of ``(seed, index, sat_a, sat_b)`` (order-free): a link
    is down whenever it exists, whichever other links exist at that step.

All masks are vectorised: ``(time,)`` activity masks broadcast against
``(sat,)`` / ``(gw,)`` / ``(link,)`` target masks.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.events import NEVER_NS, Event
from leonet.ground.tracks import Track
from leonet.radio.jamming import Jammer
from leonet.space.constellation import Constellation

__all__ = [
    "FaultPlan",
    "LaserFault",
    "SatelliteFault",
    "SiteFault",
]

B = NDArray[np.bool_]
I64 = NDArray[np.int64]

_KIND_SATELLITE, _KIND_LASER = 1, 2


def _active(utc_ns: I64, start_ns: int, end_ns: int) -> B:
    return (utc_ns >= start_ns) & (utc_ns < end_ns)


def _times(utc_ns: ArrayLike) -> I64:
    t = np.atleast_1d(np.asarray(utc_ns, dtype=np.int64))
    if t.ndim != 1:
        raise ValueError(f"utc_ns must be (time,) int64 ns UTC, got shape {t.shape}")
    return t


def _check_interval(what: str, start_ns: int, end_ns: int) -> None:
    if end_ns <= start_ns:
        raise ValueError(f"{what}: end must be after start (the interval is [start, end))")


@dataclass(frozen=True)
class SatelliteFault:
    """Satellites down on ``[start_ns, end_ns)``: by ``names``, ``norad_ids``, ``planes``
    (``(shell name or index, plane)`` pairs) or a random ``fraction``, in constellation
    ``constellation`` (index of the scenario's ``constellations:`` entry)."""

    start_ns: int = 0
    end_ns: int = NEVER_NS
    names: tuple[str, ...] = ()
    norad_ids: tuple[int, ...] = ()
    planes: tuple[tuple[str | int, int], ...] = ()
    fraction: float | None = None
    constellation: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_interval("satellite fault", self.start_ns, self.end_ns)
        if self.fraction is not None and not 0.0 <= self.fraction <= 1.0:
            raise ValueError(f"satellite fault: fraction={self.fraction!r} must be in [0, 1]")
        if not (self.names or self.norad_ids or self.planes or self.fraction is not None):
            raise ValueError("satellite fault: give names, norad_ids, planes or fraction")

    @property
    def target(self) -> str:
        parts = []
        if self.fraction is not None:
            parts.append(f"{self.fraction:.3g} of the satellites (random)")
        if self.names:
            parts.append(_listing("satellite", self.names))
        if self.norad_ids:
            parts.append(_listing("NORAD", [str(n) for n in self.norad_ids]))
        if self.planes:
            parts.append(_listing("plane", [f"{s}/{p}" for s, p in self.planes]))
        return "; ".join(parts)


@dataclass(frozen=True)
class SiteFault:
    """Gateways or PoPs (``kind``) named ``names`` down on ``[start_ns, end_ns)``."""

    kind: Literal["gateway", "pop"]
    names: tuple[str, ...]
    start_ns: int = 0
    end_ns: int = NEVER_NS
    description: str = ""

    def __post_init__(self) -> None:
        _check_interval(f"{self.kind} fault", self.start_ns, self.end_ns)

    @property
    def target(self) -> str:
        return _listing(self.kind, self.names)


@dataclass(frozen=True)
class LaserFault:
    """Laser links down on ``[start_ns, end_ns)``: named satellite ``pairs`` or a random
    ``fraction`` of links."""

    start_ns: int = 0
    end_ns: int = NEVER_NS
    pairs: tuple[tuple[str, str], ...] = ()
    fraction: float | None = None
    constellation: int = 0
    description: str = ""

    def __post_init__(self) -> None:
        _check_interval("laser fault", self.start_ns, self.end_ns)
        if self.fraction is not None and not 0.0 < self.fraction <= 1.0:
            raise ValueError(f"laser fault: fraction={self.fraction!r} must be in (0, 1]")

    @property
    def target(self) -> str:
        if self.fraction is not None:
            return f"{self.fraction:.3g} of the laser links (random)"
        return _listing("laser", [f"{a}–{b}" for a, b in self.pairs])


def _listing(what: str, names: Sequence[str]) -> str:
    shown = ", ".join(names[:5]) + (f" (+{len(names) - 5} more)" if len(names) > 5 else "")
    return f"{what}{'s' if len(names) > 1 else ''} {shown}"


def _splitmix64(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """SplitMix64 finaliser, elementwise (wrapping uint64 arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _unknown(what: str, name: str, known: Sequence[str], where: str) -> ValueError:
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    hint = f" Closest: {', '.join(repr(c) for c in close)}." if close else ""
    return ValueError(f"{where}: no {what} {name!r}.{hint}")


@dataclass
class FaultPlan:
    """All timed faults and jammers of a run (see the module docstring for timing and seeds).

    Built from :class:`SatelliteFault`, :class:`SiteFault`, :class:`LaserFault` and
    :class:`~leonet.radio.Jammer` lists (a scenario's: :func:`leonet.scenario.build.fault_plan`).
    """

    satellites: Sequence[SatelliteFault] = ()
    gateways: Sequence[SiteFault] = ()
    pops: Sequence[SiteFault] = ()
    lasers: Sequence[LaserFault] = ()
    jammers: Sequence[Jammer] = ()
    seed: int = 0
    _selected: dict[tuple[int, int, int], I64] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------- satellites
    def failed_satellites(self, k: int, constellation: Constellation | int) -> I64:
        """Indices of the satellites the ``k``-th satellite fault takes down (sorted)."""
        fault = self.satellites[k]
        where = f"faults.satellites[{k}]"
        n = constellation if isinstance(constellation, int) else constellation.size
        key = (k, n, id(constellation) if not isinstance(constellation, int) else -1)
        hit = self._selected.get(key)
        if hit is not None:
            return hit
        chosen: list[I64] = []
        if fault.fraction is not None:
            seq = np.random.SeedSequence([self.seed, _KIND_SATELLITE, k, n])
            count = round(fault.fraction * n)
            chosen.append(np.random.default_rng(seq).choice(n, size=count, replace=False))
        if fault.names or fault.norad_ids or fault.planes:
            if isinstance(constellation, int):
                raise ValueError(
                    f"{where}: selecting satellites by name, NORAD id or plane "
                    "needs the Constellation, not only its size"
                )
            chosen.append(self._named_satellites(fault, constellation, where))
        out = (
            np.unique(np.concatenate(chosen)).astype(np.int64)
            if chosen
            else np.zeros(0, dtype=np.int64)
        )
        self._selected[key] = out
        return out

    @staticmethod
    def _named_satellites(fault: SatelliteFault, c: Constellation, where: str) -> I64:
        idx: list[I64] = []
        names = [str(x) for x in c.sat_names]
        lookup = {name: i for i, name in enumerate(names)}
        for name in fault.names:
            if name not in lookup:
                raise _unknown("satellite", name, names, f"{where}.names (in {c.name})")
            idx.append(np.array([lookup[name]], dtype=np.int64))
        for norad in fault.norad_ids:
            hits = np.flatnonzero(c.norad_id == norad)
            if hits.size == 0:
                raise ValueError(
                    f"{where}.norad_ids: no satellite with NORAD id {norad} in {c.name}"
                )
            idx.append(hits.astype(np.int64))
        shell_names = [s.name for s in c.shells]
        for shell, plane in fault.planes:
            if isinstance(shell, str):
                if shell not in shell_names:
                    raise _unknown(
                        "shell",
                        shell,
                        shell_names,
                        f"{where}.planes (shells of {c.name}: {', '.join(shell_names)})",
                    )
                s_index = shell_names.index(shell)
            else:
                s_index = int(shell)
                if not 0 <= s_index < len(shell_names):
                    raise ValueError(
                        f"{where}.planes: shell index {shell} out of range; "
                        f"{c.name} has {len(shell_names)} shells"
                    )
            hits = np.flatnonzero((c.shell == s_index) & (c.plane == plane))
            if hits.size == 0:
                planes = np.unique(c.plane[c.shell == s_index])
                raise ValueError(
                    f"{where}.planes: shell {shell_names[s_index]!r} has no plane "
                    f"{plane}; its planes are {int(planes.min())}.."
                    f"{int(planes.max())}"
                    if planes.size
                    else f"{where}.planes: shell {shell_names[s_index]!r} has no "
                    "satellites with known planes"
                )
            idx.append(hits.astype(np.int64))
        return np.concatenate(idx) if idx else np.zeros(0, dtype=np.int64)

    def satellite_up(
        self, utc_ns: ArrayLike, constellation: Constellation | int, index: int = 0
    ) -> B:
        """``(time, sat)`` True where a satellite is not taken down by a fault.

        ``constellation`` the :class:`Constellation` of the scenario's entry
        ``index`` (or just its size, when only ``fraction`` faults apply).
        """
        t = _times(utc_ns)
        n = constellation if isinstance(constellation, int) else constellation.size
        up = np.ones((t.shape[0], n), dtype=bool)
        for k, fault in enumerate(self.satellites):
            if fault.constellation != index:
                continue
            active = _active(t, fault.start_ns, fault.end_ns)
            if active.any():
                sats = self.failed_satellites(k, constellation)
                up[np.ix_(active, sats)] = False
        return up

    # ------------------------------------------------------ ground sites
    def _site_up(
        self,
        faults: Sequence[SiteFault],
        utc_ns: ArrayLike,
        names: Sequence[str] | NDArray[np.str_],
        what: str,
    ) -> B:
        t = _times(utc_ns)
        name_arr = np.asarray(names, dtype=np.str_).reshape(-1)
        up = np.ones((t.shape[0], name_arr.shape[0]), dtype=bool)
        for fault in faults:
            hit = np.isin(name_arr, list(fault.names))
            missing = [n for n in fault.names if n not in set(name_arr.tolist())]
            if missing:
                raise _unknown(
                    what,
                    missing[0],
                    name_arr.tolist(),
                    f"faults.{what}s: the names given to {what}_up",
                )
            active = _active(t, fault.start_ns, fault.end_ns)
            up &= ~(active[:, None] & hit[None, :])
        return up

    def gateway_up(self, utc_ns: ArrayLike, gateway_names: Sequence[str] | NDArray[np.str_]) -> B:
        """``(time, gw)`` True where the gateway named ``gateway_names[gw]`` is up."""
        return self._site_up(self.gateways, utc_ns, gateway_names, "gateway")

    def pop_up(self, utc_ns: ArrayLike, pop_names: Sequence[str] | NDArray[np.str_]) -> B:
        """``(time, pop)`` True where the PoP named ``pop_names[pop]`` is up."""
        return self._site_up(self.pops, utc_ns, pop_names, "pop")

    # ------------------------------------------------------------ lasers
    def laser_disabled(
        self,
        utc_ns: ArrayLike,
        sat_a: ArrayLike,
        sat_b: ArrayLike,
        constellation: Constellation | None = None,
        index: int = 0,
    ) -> B:
        """``(time, link)`` True where the laser link ``sat_a[link]``–``sat_b[link]``
        (satellite indices, either order; ``-1`` for a dynamic link's unknown end) is
        disabled by a fault.  ``constellation`` is needed for faults naming satellites."""
        t = _times(utc_ns)
        a = np.asarray(sat_a, dtype=np.int64).reshape(-1)
        b = np.asarray(sat_b, dtype=np.int64).reshape(-1)
        if a.shape != b.shape:
            raise ValueError(f"sat_a {a.shape} and sat_b {b.shape} must both be (link,)")
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        down = np.zeros((t.shape[0], a.shape[0]), dtype=bool)
        for k, fault in enumerate(self.lasers):
            if fault.constellation != index:
                continue
            active = _active(t, fault.start_ns, fault.end_ns)
            if not active.any():
                continue
            hit = np.zeros(a.shape, dtype=bool)
            if fault.fraction is not None:
                key = _splitmix64(
                    np.uint64(self.seed)
                    ^ _splitmix64(np.asarray([_KIND_LASER * 1_000_003 + k], dtype=np.uint64))
                )
                h = _splitmix64(_splitmix64(key ^ lo.view(np.uint64)) ^ hi.view(np.uint64))
                uniform = (h >> np.uint64(11)).astype(np.float64) / float(2**53)
                hit |= uniform < fault.fraction
            if fault.pairs:
                if constellation is None:
                    raise ValueError(
                        f"faults.lasers[{k}]: naming satellite pairs needs the Constellation"
                    )
                names = [str(x) for x in constellation.sat_names]
                lookup = {n: i for i, n in enumerate(names)}
                for pa, pb in fault.pairs:
                    for n in (pa, pb):
                        if n not in lookup:
                            raise _unknown("satellite", n, names, f"faults.lasers[{k}].pairs")
                    x, y = sorted((lookup[pa], lookup[pb]))
                    hit |= (lo == x) & (hi == y)
            down |= active[:, None] & hit[None, :]
        return down

    # ----------------------------------------------------------- jammers
    def active_jammers(self, utc_ns: ArrayLike) -> B:
        """``(time, jammer)`` True where ``self.jammers[jammer]`` is switched on."""
        t = _times(utc_ns)
        if not self.jammers:
            return np.zeros((t.shape[0], 0), dtype=bool)
        return np.stack([j.is_active(t) for j in self.jammers], axis=1)

    def jammer_positions(
        self, utc_ns: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Where each jammer's antenna is: ``(lat_deg, lon_deg, alt_km)``, each
        ``(time, jammer)``; ``alt_km`` its ``height_m`` above the ground (fixed) or
        above its :class:`~leonet.ground.Track`'s height (mobile)."""
        t = _times(utc_ns)
        shape = (t.shape[0], len(self.jammers))
        lat, lon, alt = np.empty(shape), np.empty(shape), np.empty(shape)
        for k, j in enumerate(self.jammers):
            height_km = j.height_m * 1e-3
            if isinstance(j.position, Track):
                la, lo, al, _ = j.position.positions(t)
                lat[:, k], lon[:, k], alt[:, k] = la, lo, al + height_km
            else:
                lat[:, k], lon[:, k], alt[:, k] = j.position[0], j.position[1], height_km
        return lat, lon, alt

    # ------------------------------------------------------------ events
    def events(self) -> list[Event]:
        """Every fault and jammer window as :class:`~leonet.events.Event` rows: a ``start`` row
        and, unless it never ends, an ``end`` row (kind ``'fault'`` or ``'jammer'``)."""
        rows: list[Event] = []
        items: list[tuple[str, int, int, str, str]] = []
        for s in self.satellites:
            items.append(
                (
                    "fault",
                    s.start_ns,
                    s.end_ns,
                    s.target,
                    s.description or f"satellites lost: {s.target}",
                )
            )
        for g in (*self.gateways, *self.pops):
            items.append(
                ("fault", g.start_ns, g.end_ns, g.target, g.description or f"{g.target} down")
            )
        for x in self.lasers:
            items.append(
                ("fault", x.start_ns, x.end_ns, x.target, x.description or f"{x.target} down")
            )
        for j in self.jammers:
            items += [("jammer", start, end, j.name, j.target) for start, end in j.windows_ns]
        for kind, start, end, target, text in items:
            rows.append(Event(start, kind, "start", target, text))  # type: ignore[arg-type]
            if end != NEVER_NS:
                rows.append(Event(end, kind, "end", target, f"ends: {text}"))  # type: ignore[arg-type]
        return rows
