"""Scenarios: a YAML file (or a bundled preset) validated into a :class:`Scenario`.

- :func:`load_scenario` — a file or a preset name (``'ukraine'``, ``'quick'``); errors
  (:class:`ScenarioError`) name the file, line, field and what is expected;
- :func:`scenario_names`, :func:`scenario_text` — the bundled presets and their text;
- :func:`scenario_hash` — SHA-256 of the canonical JSON (for run metadata);
- :func:`timeline` — every timed policy change, fault and jammer as :class:`Event` rows;
- :mod:`leonet.scenario.resolve` — the objects a scenario names (constellations, terminal
  sites, cells, tracks, gateways, PoPs).

The schema's models live in :mod:`leonet.scenario.schema`.
"""

from leonet.scenario.loader import (
    Problem,
    ScenarioError,
    load_scenario,
    scenario_hash,
    scenario_names,
    scenario_text,
)
from leonet.scenario.resolve import (
    build_tracks,
    cell_sites,
    gateway_sites,
    load_constellations,
    pop_sites,
    region_of,
    terminal_sites,
)
from leonet.scenario.schema import Scenario, TimeRef, time_ref_ns
from leonet.scenario.timeline import Event, timeline

__all__ = [
    "Event",
    "Problem",
    "Scenario",
    "ScenarioError",
    "TimeRef",
    "build_tracks",
    "cell_sites",
    "gateway_sites",
    "load_constellations",
    "load_scenario",
    "pop_sites",
    "region_of",
    "scenario_hash",
    "scenario_names",
    "scenario_text",
    "terminal_sites",
    "time_ref_ns",
    "timeline",
]
