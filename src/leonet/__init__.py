"""leonet — a fast, validated digital twin of a Starlink-class LEO satellite system.

The facade: the main job and the names most users need, from every layer::

    import leonet

    scenario = leonet.load_scenario("ukraine")       # or a YAML file of your own
    summary = leonet.run_scenario(scenario, "runs/ukraine")

Each layer's package (``leonet.space``, ``leonet.ground``, ``leonet.access``,
``leonet.network``, ``leonet.radio``, ``leonet.scenario``, ``leonet.engine``, ...)
exports the rest.  Names are imported on first use (PEP 562), so ``import leonet``
is cheap: the layers, and numba, pydantic or pyarrow behind them, load only when a name
that needs them is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as a type checker sees them; at run time see _HOMES
    from leonet.access import SchedulerConfig, Visibility, schedule, visible
    from leonet.engine import (
        CoverageResult,
        RunSummary,
        SystemsRunSummary,
        run_coverage,
        run_scenario,
        run_systems,
    )
    from leonet.eop import EarthOrientation, load_eop
    from leonet.events import Event
    from leonet.frames import (
        ecef_to_geodetic,
        enu_basis,
        geodetic_to_ecef,
        look_angles,
        teme_to_ecef,
    )
    from leonet.ground import (
        Cells,
        Region,
        Sites,
        Track,
        country,
        find_place,
        find_region,
        load_gateways,
        load_places,
        load_pops,
        tile_region,
    )
    from leonet.outcomes import Outcome
    from leonet.scenario import Scenario, ScenarioError, load_scenario
    from leonet.space import (
        Constellation,
        ElementSet,
        Ephemeris,
        Propagator,
        ShellSummary,
        WalkerShell,
        bundled_catalogue,
        download_group,
        load_catalogue,
        load_constellation,
        load_preset,
        preset_names,
        propagate_chunks,
        read_catalogue,
        walker_constellation,
    )
    from leonet.space.propagate import propagate  # by its module: leonet.space.propagate is one too
    from leonet.timegrid import TimeGrid, parse_duration_s, parse_utc

__version__ = "0.1.0"

#: The package each facade name comes from (its layer, not a module inside it, so that
#: moves inside a layer do not touch the facade).
_HOMES: dict[str, str] = {
    **dict.fromkeys(["SchedulerConfig", "Visibility", "schedule", "visible"], "leonet.access"),
    **dict.fromkeys(
        [
            "CoverageResult",
            "RunSummary",
            "SystemsRunSummary",
            "run_coverage",
            "run_scenario",
            "run_systems",
        ],
        "leonet.engine",
    ),
    **dict.fromkeys(["EarthOrientation", "load_eop"], "leonet.eop"),
    "Event": "leonet.events",
    **dict.fromkeys(
        ["ecef_to_geodetic", "enu_basis", "geodetic_to_ecef", "look_angles", "teme_to_ecef"],
        "leonet.frames",
    ),
    **dict.fromkeys(
        [
            "Cells",
            "Region",
            "Sites",
            "Track",
            "country",
            "find_place",
            "find_region",
            "load_gateways",
            "load_places",
            "load_pops",
            "tile_region",
        ],
        "leonet.ground",
    ),
    "Outcome": "leonet.outcomes",
    **dict.fromkeys(["Scenario", "ScenarioError", "load_scenario"], "leonet.scenario"),
    **dict.fromkeys(
        [
            "Constellation",
            "ElementSet",
            "Ephemeris",
            "Propagator",
            "ShellSummary",
            "WalkerShell",
            "bundled_catalogue",
            "download_group",
            "load_catalogue",
            "load_constellation",
            "load_preset",
            "preset_names",
            "propagate",
            "propagate_chunks",
            "read_catalogue",
            "walker_constellation",
        ],
        "leonet.space",
    ),
    **dict.fromkeys(["TimeGrid", "parse_duration_s", "parse_utc"], "leonet.timegrid"),
}

__all__ = [
    "Cells",
    "Constellation",
    "CoverageResult",
    "EarthOrientation",
    "ElementSet",
    "Ephemeris",
    "Event",
    "Outcome",
    "Propagator",
    "Region",
    "RunSummary",
    "Scenario",
    "ScenarioError",
    "SchedulerConfig",
    "ShellSummary",
    "Sites",
    "SystemsRunSummary",
    "TimeGrid",
    "Track",
    "Visibility",
    "WalkerShell",
    "__version__",
    "bundled_catalogue",
    "country",
    "download_group",
    "ecef_to_geodetic",
    "enu_basis",
    "find_place",
    "find_region",
    "geodetic_to_ecef",
    "load_catalogue",
    "load_constellation",
    "load_eop",
    "load_gateways",
    "load_places",
    "load_pops",
    "load_preset",
    "load_scenario",
    "look_angles",
    "parse_duration_s",
    "parse_utc",
    "preset_names",
    "propagate",
    "propagate_chunks",
    "read_catalogue",
    "run_coverage",
    "run_scenario",
    "run_systems",
    "schedule",
    "teme_to_ecef",
    "tile_region",
    "visible",
    "walker_constellation",
]


def __getattr__(name: str) -> Any:
    """Import a facade name from its layer on first use, and keep it."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'leonet' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
