"""From a validated scenario to the objects the layers use: constellations, terminal
sites, H3 cells, mobile tracks, gateways and PoPs; and the cross-reference checks
the loader runs (names that must exist elsewhere in the scenario).

Terminal order (the engine's ``terminal`` axis): ``ground.terminals`` entries in
the order written (a file's rows in file order), then ``ground.places``.  Mobile
tracks and cells are returned separately.
"""

from __future__ import annotations

import dataclasses
import difflib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from leonet.ground.cells import Cells, tile_region
from leonet.ground.gateways import Gateways
from leonet.ground.operator_sites import operator_gateways, operator_pops
from leonet.ground.places import find_place, load_places
from leonet.ground.regions import Region, find_region, region_from_geojson
from leonet.ground.sites import Sites
from leonet.ground.tracks import Track
from leonet.radio.parameters import RADIO_SYSTEMS, SATELLITES
from leonet.scenario.motion import track_speed_problems
from leonet.scenario.schema import (
    BundledSitesSpec,
    FileTerminalsSpec,
    PlaceTerminalSpec,
    Scenario,
    SiteSpec,
    TerminalSpec,
)
from leonet.space.constellation import Constellation
from leonet.space.geostationary import geostationary_constellation
from leonet.space.resolve import load_constellation

__all__ = [
    "build_tracks",
    "cell_sites",
    "gateway_sites",
    "load_constellations",
    "pop_sites",
    "reference_problems",
    "region_of",
    "terminal_sites",
]

_PLACE_CATEGORY = {"ukraine": None, "ukraine-cities": "city", "ukraine-front-line": "front-line"}


def region_of(spec: str) -> Region:
    """The :class:`~leonet.ground.Region` for a validated ``region:`` value (country, named
    region or absolute GeoJSON path)."""
    if Path(spec).suffix.lower() in (".geojson", ".json"):
        return region_from_geojson(spec)
    return find_region(spec)


def load_constellations(scenario: Scenario) -> list[Constellation]:
    """Each ``constellations:`` entry loaded, with its ``min_elevation_deg`` override
    applied to the shells' masks (a number: every shell; a mapping: the shells named)."""
    out = []
    for entry in scenario.constellations:
        if entry.geostationary is not None:
            geo = entry.geostationary
            c = geostationary_constellation(geo.slots_deg, scenario.time.start, geo.name)
        else:
            c = load_constellation(entry.spec, epoch=scenario.time.start)
        override = entry.min_elevation_deg
        if override is not None:
            names = [s.name for s in c.shells]
            if isinstance(override, dict):
                unknown = sorted(set(override) - set(names))
                if unknown:
                    raise ValueError(
                        f"constellations: min_elevation_deg names shells {unknown} that "
                        f"{entry.spec!r} does not have; its shells: {', '.join(names)}"
                    )
            shells = tuple(
                dataclasses.replace(
                    s,
                    min_elevation_deg=float(
                        override.get(s.name, s.min_elevation_deg)
                        if isinstance(override, dict)
                        else override
                    ),
                )
                for s in c.shells
            )
            c = dataclasses.replace(c, shells=shells)
        out.append(c)
    return out


def terminal_sites(scenario: Scenario) -> Sites:
    """The fixed terminals: ``ground.terminals`` in order, then ``ground.places``."""
    parts: list[Sites] = []
    for entry in scenario.ground.terminals:
        if isinstance(entry, TerminalSpec):
            parts.append(Sites([entry.name], [entry.lat_deg], [entry.lon_deg], entry.alt_km))
        elif isinstance(entry, PlaceTerminalSpec):
            name, lat, lon = find_place(entry.place)
            parts.append(Sites([entry.name or name], [lat], [lon]))
        elif isinstance(entry, FileTerminalsSpec):
            path = Path(entry.file)
            reader = Sites.from_csv if path.suffix.lower() == ".csv" else Sites.from_geojson
            parts.append(reader(path, kind="terminal"))
    if scenario.ground.places is not None:
        parts.append(load_places(_PLACE_CATEGORY[scenario.ground.places]))
    if not parts:
        return Sites(np.array([], dtype=np.str_), [], [])
    return Sites.concatenate(parts)


def cell_sites(scenario: Scenario) -> Cells | None:
    """The H3 cells of ``ground.cells`` (``None`` without it)."""
    spec = scenario.ground.cells
    return None if spec is None else tile_region(region_of(spec.region), spec.resolution)


def build_tracks(scenario: Scenario) -> list[Track]:
    """The ``ground.mobile`` tracks, waypoint offsets resolved against ``time.start``."""
    out = []
    for spec in scenario.ground.mobile:
        times = [
            datetime.fromtimestamp(scenario.at_ns(w.time) / 1e9, tz=UTC) for w in spec.waypoints
        ]
        out.append(
            Track(
                spec.name,
                times,
                [w.lat_deg for w in spec.waypoints],
                [w.lon_deg for w in spec.waypoints],
                [w.alt_km for w in spec.waypoints],
            )
        )
    return out


_S = TypeVar("_S", bound=Sites)


def _select(spec: BundledSitesSpec, sites: _S) -> _S:
    keep = np.ones(len(sites), dtype=bool)
    if spec.within is not None:
        (s, n), (w, e) = spec.within.lat_deg, spec.within.lon_deg
        keep &= (
            (sites.lat_deg >= s)
            & (sites.lat_deg <= n)
            & (sites.lon_deg >= w)
            & (sites.lon_deg <= e)
        )
    if spec.names is not None:
        keep &= np.isin(sites.names, spec.names)
    if spec.exclude:
        keep &= ~np.isin(sites.names, spec.exclude)
    if spec.operational_only and isinstance(sites, Gateways):
        keep &= sites.likely_operational
    return sites.take(np.flatnonzero(keep))


def _own_sites(specs: list[SiteSpec], kind: str) -> Sites:
    min_el = [np.nan if s.min_elevation_deg is None else s.min_elevation_deg for s in specs]
    return Sites(
        [s.name for s in specs],
        [s.lat_deg for s in specs],
        [s.lon_deg for s in specs],
        [s.alt_km for s in specs],
        kind,
        min_el if specs else np.nan,
    )


def gateway_sites(scenario: Scenario) -> Sites:
    """The scenario's gateways: a selection of an operator's bundled ones (:class:`Gateways`;
    :func:`~leonet.ground.operator_sites.operator_gateways`) or its own."""
    spec = scenario.ground.gateways
    if isinstance(spec, BundledSitesSpec):
        return _select(spec, operator_gateways(spec.operator, spec.edition))
    return _own_sites(spec, "gateway")


def pop_sites(scenario: Scenario) -> Sites:
    """The scenario's PoPs: a selection of an operator's bundled ones (:class:`Pops`;
    :func:`~leonet.ground.operator_sites.operator_pops`) or its own."""
    spec = scenario.ground.pops
    if isinstance(spec, BundledSitesSpec):
        return _select(spec, operator_pops(spec.operator, spec.edition))
    return _own_sites(spec, "pop")


# ---------------------------------------------------------------- checks
Loc = tuple[str | int, ...]


def reference_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Cross-references that a field alone cannot check, as ``(loc, message)`` pairs:
    bundled gateway/PoP names, fault gateway/PoP names, jammer tracks, cut-off area names,
    constellation indices, track waypoints, every ``end`` after its ``start``, and
    terminal names used twice."""
    problems: list[tuple[Loc, str]] = []

    def unknown(name: str, known: list[str], what: str, fix: str) -> str:
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
        return f"no {what} {name!r}; {hint}{fix}"

    ground = scenario.ground
    for key, loader in (("gateways", operator_gateways), ("pops", operator_pops)):
        spec = getattr(ground, key)
        if isinstance(spec, BundledSitesSpec):
            bundled = [str(n) for n in loader(spec.operator, spec.edition).names]
            for field in ("names", "exclude"):
                for j, name in enumerate(getattr(spec, field) or []):
                    if name not in bundled:
                        problems.append(
                            (
                                (("ground", key, field, j)),
                                unknown(
                                    name,
                                    bundled,
                                    f"{spec.operator} {key[:-1]}",
                                    f"see leonet.ground.operator_{key}({spec.operator!r}, "
                                    f"{spec.edition!r}).names",
                                ),
                            )
                        )
    gw_names = [str(n) for n in gateway_sites(scenario).names]
    pop_names = [str(n) for n in pop_sites(scenario).names]
    for key, known in (("gateways", gw_names), ("pops", pop_names)):
        for i, fault in enumerate(getattr(scenario.faults, key)):
            for j, name in enumerate(fault.names):
                if name not in known:
                    problems.append(
                        (
                            ("faults", key, i, "names", j),
                            unknown(
                                name,
                                known,
                                key[:-1],
                                f"this scenario's ground.{key} selects {len(known)}: "
                                f"{', '.join(known[:8])}{' …' if len(known) > 8 else ''}",
                            ),
                        )
                    )

    operator = scenario.radio_operator
    satellite = scenario.radio.satellite_type or RADIO_SYSTEMS[operator].satellite
    if SATELLITES[satellite].lasers == 0 and scenario.network.mode != "bent-pipe":
        problems.append(
            (
                ("network", "mode"),
                f"{operator}'s satellites ({satellite}) carry no lasers, so traffic cannot "
                f"cross space from satellite to satellite; write network.mode: bent-pipe "
                f"(now {scenario.network.mode!r})",
            )
        )

    tracks = [t.name for t in ground.mobile]
    for i, jam in enumerate(scenario.faults.jammers):
        if jam.track is not None and jam.track not in tracks:
            problems.append(
                (
                    ("faults", "jammers", i, "track"),
                    unknown(jam.track, tracks, "mobile track", "add it under ground.mobile"),
                )
            )

    areas = [a.name for a in scenario.policy.service_areas if a.name]
    for i, ev in enumerate(scenario.policy.events):
        if isinstance(ev.area, str) and ev.area not in areas:
            problems.append(
                (
                    ("policy", "events", i, "area"),
                    unknown(
                        ev.area,
                        areas,
                        "service area",
                        "name one of policy.service_areas, or give {region | circle | polygon}",
                    ),
                )
            )

    n_const = len(scenario.constellations)
    for key in ("satellites", "lasers"):
        for i, fault in enumerate(getattr(scenario.faults, key)):
            if fault.constellation >= n_const:
                problems.append(
                    (
                        ("faults", key, i, "constellation"),
                        f"constellation {fault.constellation} does not exist; the "
                        f"scenario has {n_const} (indices from 0)",
                    )
                )

    timed: list[tuple[Loc, Any]] = [
        (("policy", "events", i), e) for i, e in enumerate(scenario.policy.events)
    ]
    for key in ("satellites", "gateways", "pops", "lasers", "jammers"):
        timed += [(("faults", key, i), f) for i, f in enumerate(getattr(scenario.faults, key))]
    for loc, item in timed:
        if item.end is not None and scenario.at_ns(item.end) <= scenario.at_ns(item.start):
            problems.append(
                (
                    (*loc, "end"),
                    "end must be after start (the interval is "
                    "[start, end): start inclusive, end exclusive)",
                )
            )

    for i, spec in enumerate(ground.mobile):
        try:
            build_tracks(
                scenario.model_copy(update={"ground": ground.model_copy(update={"mobile": [spec]})})
            )
        except ValueError as exc:
            problems.append((("ground", "mobile", i, "waypoints"), str(exc)))
    problems += track_speed_problems(scenario)

    seen: dict[str, Loc] = {}
    for i, entry in enumerate(ground.terminals):
        name = (
            entry.name
            if isinstance(entry, TerminalSpec)
            else (entry.name or entry.place if isinstance(entry, PlaceTerminalSpec) else None)
        )
        if name is not None:
            if name in seen:
                problems.append(
                    (
                        ("ground", "terminals", i),
                        f"terminal name {name!r} is used twice; give each terminal its own name",
                    )
                )
            seen[name] = ("ground", "terminals", i)
    if ground.places is not None:
        for name in load_places(_PLACE_CATEGORY[ground.places]).names:
            if str(name) in seen:
                problems.append(
                    (
                        seen[str(name)],
                        f"terminal name {str(name)!r} is also a "
                        f"bundled place (places: {ground.places}); give it another "
                        "name or drop the entry",
                    )
                )
    for i, spec in enumerate(ground.mobile):
        if spec.name in seen:
            problems.append(
                (
                    ("ground", "mobile", i, "name"),
                    f"terminal name {spec.name!r} "
                    "is already a fixed terminal; give the track its own name",
                )
            )
    return problems
