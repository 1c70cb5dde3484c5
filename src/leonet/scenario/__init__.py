"""Scenarios: a YAML file (or a bundled preset) validated into a :class:`Scenario`.

- :func:`load_scenario` — a file or a preset name (``'ukraine'``, ``'quick'``); errors
  (:class:`ScenarioError`) name the file, line, field and what is expected;
- :func:`scenario_names`, :func:`scenario_text` — the bundled presets and their text;
- :func:`scenario_hash` — SHA-256 of the canonical JSON (for run metadata);
- :func:`with_overrides` — a copy with time, seed or name changed, re-validated;
- the objects a scenario names: :func:`load_constellations`, :func:`terminal_sites`,
  :func:`cell_sites`, :func:`build_tracks`, :func:`gateway_sites`, :func:`pop_sites`
  (:mod:`~leonet.scenario.resolve`); :func:`service_policy`, :func:`fault_plan` (with
  its :class:`~leonet.radio.Jammer` objects) and :func:`timeline`, every timed policy
  change, fault and jammer as :class:`~leonet.events.Event` rows
  (:mod:`~leonet.scenario.build`);
- several operators' systems in one scenario (``systems:``, docs/systems.md): each as a
  scenario of its own (:func:`system_scenarios`) and who subscribes to which
  (:func:`terminal_preferences`, :func:`cell_preferences`) (:mod:`~leonet.scenario.systems`);
- the schema's section models (:class:`TimeSpec`, :class:`GroundSpec`, :class:`PolicySpec`,
  :class:`FaultsSpec`, …) from :mod:`leonet.scenario.schema` and :mod:`leonet.scenario.whatifs`.
"""

from leonet.scenario._base import (
    TimeRef,
    time_ref_ns,
)
from leonet.scenario.appfile import load_profile_file, profiles_from_text
from leonet.scenario.appspec import (
    AT_LEAST,
    AT_MOST,
    AppProfiles,
    AppProfileSpec,
    RequirementSpec,
)
from leonet.scenario.build import (
    area_from_spec,
    fault_plan,
    radio_jammer,
    service_policy,
    timeline,
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
    with_overrides,
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
    GeostationarySpec,
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
    SubscriptionGroupSpec,
    SubscriptionsSpec,
    SystemGroundSpec,
    SystemSpec,
    TerminalSpec,
    TimeSpec,
    TrackSpec,
    WaypointSpec,
)
from leonet.scenario.systems import (
    cell_preferences,
    subscription_problems,
    system_names,
    system_problems,
    system_scenarios,
    terminal_names,
    terminal_preferences,
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
    "AT_LEAST",
    "AT_MOST",
    "MAX_TERMINAL_SPEED_KMH",
    "TLE_AGE_REFUSE_DAYS",
    "TLE_AGE_WARN_DAYS",
    "AppProfileSpec",
    "AppProfiles",
    "AreaSpec",
    "BundledSitesSpec",
    "CapacitySpec",
    "CellsSpec",
    "CircleSpec",
    "ConstellationSpec",
    "DirectionalAntennaSpec",
    "FaultsSpec",
    "FileTerminalsSpec",
    "GeostationarySpec",
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
    "RequirementSpec",
    "SatelliteFaultSpec",
    "Scenario",
    "ScenarioError",
    "ScenarioInputs",
    "SchedulerSpec",
    "ServiceAreaSpec",
    "SiteFaultSpec",
    "SiteSpec",
    "StaleCatalogueError",
    "SubscriptionGroupSpec",
    "SubscriptionsSpec",
    "SystemGroundSpec",
    "SystemSpec",
    "TerminalSpec",
    "TimeRef",
    "TimeSpec",
    "TrackSpec",
    "WaypointSpec",
    "area_from_spec",
    "build_tracks",
    "catalogue_age",
    "cell_preferences",
    "cell_sites",
    "fault_plan",
    "gateway_sites",
    "load_constellations",
    "load_profile_file",
    "load_scenario",
    "open_inputs",
    "pop_sites",
    "profiles_from_text",
    "radio_jammer",
    "reference_problems",
    "region_of",
    "scenario_hash",
    "scenario_names",
    "scenario_text",
    "service_policy",
    "subscription_problems",
    "system_names",
    "system_problems",
    "system_scenarios",
    "terminal_names",
    "terminal_preferences",
    "terminal_sites",
    "time_ref_ns",
    "timeline",
    "track_speed_problems",
    "validate",
    "with_overrides",
]
