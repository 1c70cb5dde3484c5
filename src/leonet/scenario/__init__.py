"""Scenarios: a YAML file (or a bundled preset) validated into a :class:`Scenario`.

- :func:`load_scenario` — a file or a preset name (``'ukraine'``, ``'quick'``); errors
  (:class:`ScenarioError`) name the file, line, field and what is expected;
- :func:`scenario_names`, :func:`scenario_text` — the bundled presets and their text;
- :func:`scenario_hash` — SHA-256 of the canonical JSON (for run metadata);
- :func:`timeline` — every timed policy change, fault and jammer as :class:`Event` rows;
- the objects a scenario names: :func:`load_constellations`, :func:`terminal_sites`,
  :func:`cell_sites`, :func:`build_tracks`, :func:`gateway_sites`, :func:`pop_sites`;
- the schema's section models (:class:`TimeSpec`, :class:`GroundSpec`, :class:`PolicySpec`,
  :class:`FaultsSpec`, …) from :mod:`leonet.scenario.schema` and :mod:`leonet.scenario.whatifs`.
"""

from leonet.scenario._base import (
    TimeRef,
    time_ref_ns,
)
from leonet.scenario.inputs import (
    TLE_AGE_REFUSE_DAYS,
    TLE_AGE_WARN_DAYS,
    ScenarioInputs,
    StaleCatalogueError,
    catalogue_age,
    open_inputs,
)
from leonet.scenario.loader import (
    Problem,
    ScenarioError,
    load_scenario,
    scenario_hash,
    scenario_names,
    scenario_text,
    validate,
)
from leonet.scenario.motion import MAX_TERMINAL_SPEED_KMH, track_speed_problems
from leonet.scenario.resolve import (
    build_tracks,
    cell_sites,
    gateway_sites,
    load_constellations,
    pop_sites,
    reference_problems,
    region_of,
    terminal_sites,
)
from leonet.scenario.schema import (
    BundledSitesSpec,
    CapacitySpec,
    CellsSpec,
    ConstellationSpec,
    FileTerminalsSpec,
    GroundSpec,
    LatencySpec,
    LatLonBox,
    NetworkSpec,
    OutputsSpec,
    PlaceTerminalSpec,
    RadioSpec,
    Scenario,
    SchedulerSpec,
    SiteSpec,
    TerminalSpec,
    TimeSpec,
    TrackSpec,
    WaypointSpec,
)
from leonet.scenario.timeline import (
    Event,
    sort_events,
    timeline,
)
from leonet.scenario.whatifs import (
    AreaSpec,
    CircleSpec,
    DirectionalAntennaSpec,
    FaultsSpec,
    JammerSpec,
    LaserFaultSpec,
    PlaneRef,
    PolicyEventSpec,
    PolicySpec,
    PolygonSpec,
    SatelliteFaultSpec,
    ServiceAreaSpec,
    SiteFaultSpec,
)

__all__ = [
    "MAX_TERMINAL_SPEED_KMH",
    "TLE_AGE_REFUSE_DAYS",
    "TLE_AGE_WARN_DAYS",
    "AreaSpec",
    "BundledSitesSpec",
    "CapacitySpec",
    "CellsSpec",
    "CircleSpec",
    "ConstellationSpec",
    "DirectionalAntennaSpec",
    "Event",
    "FaultsSpec",
    "FileTerminalsSpec",
    "GroundSpec",
    "JammerSpec",
    "LaserFaultSpec",
    "LatLonBox",
    "LatencySpec",
    "NetworkSpec",
    "OutputsSpec",
    "PlaceTerminalSpec",
    "PlaneRef",
    "PolicyEventSpec",
    "PolicySpec",
    "PolygonSpec",
    "Problem",
    "RadioSpec",
    "SatelliteFaultSpec",
    "Scenario",
    "ScenarioError",
    "ScenarioInputs",
    "SchedulerSpec",
    "ServiceAreaSpec",
    "SiteFaultSpec",
    "SiteSpec",
    "StaleCatalogueError",
    "TerminalSpec",
    "TimeRef",
    "TimeSpec",
    "TrackSpec",
    "WaypointSpec",
    "build_tracks",
    "catalogue_age",
    "cell_sites",
    "gateway_sites",
    "load_constellations",
    "load_scenario",
    "open_inputs",
    "pop_sites",
    "reference_problems",
    "region_of",
    "scenario_hash",
    "scenario_names",
    "scenario_text",
    "sort_events",
    "terminal_sites",
    "time_ref_ns",
    "timeline",
    "track_speed_problems",
    "validate",
]
