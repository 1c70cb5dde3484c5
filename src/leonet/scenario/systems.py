"""Several operators' systems in one scenario: each system as a single-system scenario,
the checks across them, and who subscribes to which.

A scenario with ``systems:`` (:class:`~leonet.scenario.schema.SystemSpec`) runs each
system over the same terminals, cells and time grid (:func:`system_scenarios`: the
scenario's ground users and time with the system's satellites, gateways, PoPs, network,
scheduler, radio, capacity, policy and faults); the engine then combines them per terminal
by preference (:func:`terminal_preferences`, :func:`cell_preferences`; docs/systems.md).
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leonet.scenario.resolve import Loc, build_tracks, reference_problems, terminal_sites
from leonet.scenario.schema import BundledSitesSpec, CapacitySpec, Scenario, SubscriptionsSpec
from leonet.scenario.whatifs import FaultsSpec, PolicySpec

__all__ = [
    "cell_preferences",
    "subscription_problems",
    "system_names",
    "system_problems",
    "system_scenarios",
    "terminal_names",
    "terminal_preferences",
]

#: Top-level sections a system without its own takes from the scenario.
_INHERITED = ("network", "scheduler", "radio", "capacity")
#: The capacity fields that scale Starlink's calibrated busy-hour background, at their
#: defaults (:meth:`leonet.scenario.schema.CapacitySpec.load_scale_problem`).
_PLAIN_LOAD: dict[str, Any] = {
    k: CapacitySpec.model_fields[k].default
    for k in ("busy_hour_load_scale", "busy_hour_load_scale_up")
}


def system_names(scenario: Scenario) -> list[str]:
    """The systems' names in scenario order (``[]`` for a single-system scenario)."""
    return [s.name for s in scenario.systems or []]


def system_scenarios(scenario: Scenario) -> dict[str, Scenario]:
    """Each system of ``scenario`` as a single-system :class:`Scenario`, by name: the
    scenario's name (``NAME-SYSTEM``), seed, time, ground users (terminals, places, mobile,
    and the cells if they subscribe to the system), outputs (no report of its own) and
    apps, with the system's constellations, gateways, PoPs, policy and faults, and its
    network, scheduler, radio and capacity (or the scenario's where it has none; the
    scenario's ``capacity.busy_hour_load_scale`` only where the system's radio is
    Starlink's, as a system's own elsewhere, which :func:`system_problems` refuses).
    Not validated across systems: see :func:`system_problems`."""
    if not scenario.systems:
        raise ValueError(f"scenario {scenario.name!r} has no systems: list")
    top = scenario.model_dump(mode="json")
    names = system_names(scenario)
    cells_use = {names[j] for j in cell_preferences(scenario) if j >= 0}
    out: dict[str, Scenario] = {}
    for system in scenario.systems:
        data: dict[str, Any] = {
            k: v for k, v in top.items() if k not in ("systems", "subscriptions")
        }
        own = system.model_dump(mode="json")
        data["name"] = f"{scenario.name}-{system.name}"[:200]
        data["description"] = system.description or f"{scenario.name}: system {system.name}"
        data["constellations"] = own["constellations"]
        data["ground"] = {**top["ground"], **own["ground"]}
        if system.name not in cells_use:  # no cell subscribes to it: it serves none
            data["ground"]["cells"] = None
        for key in _INHERITED:
            if own[key] is not None:
                data[key] = own[key]
        data["policy"], data["faults"] = own["policy"], own["faults"]
        data["outputs"] = {**top["outputs"], "out_dir": None, "report": False}
        # The busy-hour load scale reaches the systems on Starlink's radio only (the one
        # calibrated background; system_problems refuses a system's own elsewhere): each
        # is validated without it, and Starlink's given it back.
        scales = {k: data["capacity"][k] for k in _PLAIN_LOAD}
        data["capacity"] = {**data["capacity"], **_PLAIN_LOAD}
        sub = Scenario.model_validate(data, context={"base_dir": None})
        if sub.radio_operator == "starlink" and scales != _PLAIN_LOAD:
            capacity = sub.capacity.model_copy(update=scales)
            sub = sub.model_copy(update={"capacity": capacity})
        out[system.name] = sub
    return out


def terminal_names(scenario: Scenario) -> list[str]:
    """The named terminals in the run's order: the fixed ones, then the mobile ones."""
    return [str(n) for n in terminal_sites(scenario).names] + [
        t.name for t in build_tracks(scenario)
    ]


def _unknown(name: str, known: Sequence[str], what: str) -> str:
    close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return f"no {what} {name!r} in this scenario; {hint}its systems are: {', '.join(known)}"


def subscription_problems(
    subs: SubscriptionsSpec, systems: Sequence[str], terminals: Sequence[str]
) -> list[tuple[Loc, str]]:
    """What is wrong with ``subs`` given the scenario's ``systems`` and named
    ``terminals``: unknown or repeated systems, terminal names or patterns that select
    no terminal; ``(loc, message)`` pairs under ``subscriptions``."""
    problems: list[tuple[Loc, str]] = []

    def check(names: Sequence[str], loc: Loc) -> None:
        seen: set[str] = set()
        for j, name in enumerate(names):
            if name not in systems:
                problems.append(((*loc, j), _unknown(name, systems, "system")))
            elif name in seen:
                problems.append(
                    ((*loc, j), f"system {name!r} is listed twice; list each system once")
                )
            seen.add(name)

    for key in ("default", "cells"):
        names = getattr(subs, key)
        if names is not None:
            check(names, ("subscriptions", key))
    for i, group in enumerate(subs.groups):
        check(group.systems, ("subscriptions", "groups", i, "systems"))
        for j, pattern in enumerate(group.terminals or []):
            if not fnmatch.filter(terminals, pattern):
                shown = ", ".join(terminals[:8]) + (" …" if len(terminals) > 8 else "")
                close = difflib.get_close_matches(pattern, list(terminals), n=2, cutoff=0.5)
                hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
                problems.append(
                    (
                        ("subscriptions", "groups", i, "terminals", j),
                        f"{pattern!r} selects no terminal of this scenario; {hint}its "
                        f"terminals are: {shown or 'none'}",
                    )
                )
    return problems


def _relocated(loc: Loc, index: int, own: set[str]) -> Loc | None:
    """Where a system's own sub-scenario problem sits in the multi-system scenario:
    under ``systems[index]`` for its own sections (``own``: the inherited ones it sets);
    ``None`` for a problem of the shared sections (reported once)."""
    if loc[:1] in (("faults",), ("policy",), ("constellations",)):
        return ("systems", index, *loc)
    if loc[:2] in (("ground", "gateways"), ("ground", "pops")):
        return ("systems", index, *loc)
    if loc and loc[0] in own:
        return ("systems", index, *loc)
    return None


def system_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-reference problem of a multi-system scenario as ``(loc, message)``:
    top-level sections that belong to a system, repeated system names, each system's own
    references (gateway, PoP, area names …, located under ``systems[i]``) and the
    subscriptions."""
    if not scenario.systems:
        return reference_problems(scenario)
    problems: list[tuple[Loc, str]] = []
    if scenario.constellations:
        problems.append(
            (
                ("constellations",),
                "with systems:, each system lists its own constellations; move these under "
                "systems[i].constellations",
            )
        )
    for key, empty in (("policy", PolicySpec()), ("faults", FaultsSpec())):
        if getattr(scenario, key) != empty:
            problems.append(
                (
                    (key,),
                    f"with systems:, each operator has its own {key} (its control plane); "
                    f"move this section under systems[i].{key}",
                )
            )
    for key in ("gateways", "pops"):
        if getattr(scenario.ground, key) != BundledSitesSpec():
            problems.append(
                (
                    ("ground", key),
                    f"with systems:, each system has its own ground segment; move ground.{key} "
                    f"under systems[i].ground.{key}",
                )
            )
    names = system_names(scenario)
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.append(
                (("systems", i, "name"), f"system name {name!r} is used twice; name each once")
            )
    if scenario.subscriptions is not None:
        problems += subscription_problems(scenario.subscriptions, names, terminal_names(scenario))
    if problems:  # the systems cannot be built apart until these are fixed
        return problems
    shared: list[tuple[Loc, str]] = []
    subs = system_scenarios(scenario)
    for i, (name, sub) in enumerate(subs.items()):
        spec = scenario.systems[i]
        own = {k for k in _INHERITED if getattr(spec, k) is not None}
        if spec.capacity is not None:
            radio = f"the radio of system {name!r}"
            problem = spec.capacity.load_scale_problem(sub.radio_operator, radio)
            if problem:
                problems.append((("systems", i, "capacity", "busy_hour_load_scale"), problem))
        for loc, message in reference_problems(sub):
            where = _relocated(loc, i, own)
            if where is not None:
                problems.append((where, message))
            elif loc and loc[0] in _INHERITED:  # the scenario's section, for this system
                problems.append((loc, f"for system {name!r}: {message}"))
            elif (loc, message) not in shared:
                shared.append((loc, message))
    problems += shared
    if scenario.ground.cells is not None and scenario.outputs.cells_every == "slot":
        using = [i for i in cell_preferences(scenario) if i >= 0]
        slots = {subs[names[i]].scheduler.slot_s for i in using}
        if len(slots) > 1:
            problems.append(
                (
                    ("subscriptions", "cells"),
                    "the cells' systems write a row per scheduler slot, and their slots "
                    f"differ ({', '.join(f'{x:g} s' for x in sorted(slots))}): give them "
                    "the same scheduler.slot_s, or write outputs.cells_every: step",
                )
            )
    return problems


def _ranks(systems: Sequence[str], chosen: Sequence[str]) -> NDArray[np.int8]:
    """``chosen`` systems as indices into ``systems``, padded with -1 to ``len(systems)``."""
    row = np.full(len(systems), -1, dtype=np.int8)
    row[: len(chosen)] = [systems.index(c) for c in chosen]
    return row


def terminal_preferences(scenario: Scenario, names: Sequence[str]) -> NDArray[np.int8]:
    """``(terminal, system)`` int8: row ``i`` the indices (into :func:`system_names`) of the
    systems terminal ``names[i]`` subscribes to, most preferred first, -1 after the last.

    Groups are taken in order; a terminal takes the first that selects it: its name
    matches one of the group's ``terminals`` patterns (any name when left out) and, with a
    ``share``, it is among ``round(share × matches)`` of the matching terminals still
    free, drawn with the scenario's seed (the same scenario draws the same terminals).
    The others take ``default`` (the first system when left out)."""
    systems = system_names(scenario)
    subs = scenario.subscriptions or SubscriptionsSpec()
    default = subs.default or systems[:1]
    n = len(names)
    out = np.tile(_ranks(systems, default), (n, 1))
    free = np.ones(n, dtype=bool)
    named = np.asarray(names, dtype=object)
    for i, group in enumerate(subs.groups):
        match = free.copy()
        if group.terminals is not None:
            hits = {h for p in group.terminals for h in fnmatch.filter(list(names), p)}
            match &= np.fromiter((x in hits for x in named), dtype=bool, count=n)
        if group.share is not None:
            index = np.flatnonzero(match)
            rng = np.random.default_rng([scenario.seed, i])
            keep = rng.permutation(index)[: round(group.share * index.size)]
            match = np.zeros(n, dtype=bool)
            match[keep] = True
        out[match] = _ranks(systems, group.systems)
        free &= ~match
    return out


def cell_preferences(scenario: Scenario) -> NDArray[np.int8]:
    """``(system,)`` int8: the systems every cell subscribes to, most preferred first,
    -1 after the last (``subscriptions.cells``, else ``default``, else the first)."""
    systems = system_names(scenario)
    subs = scenario.subscriptions or SubscriptionsSpec()
    return _ranks(systems, subs.cells or subs.default or systems[:1])
