"""leonet — a fast, validated digital twin of a Starlink-class LEO satellite system.

The facade: the names most users need, from every layer.  Each layer's
package (``leonet.space``, ``leonet.ground``, ``leonet.access``,
``leonet.network``, ``leonet.engine``) exports the rest.
"""

from __future__ import annotations

from leonet.access import (
    OutageReason,
    SchedulerConfig,
    Visibility,
    schedule,
    visible,
)
from leonet.engine import CoverageResult, run_coverage
from leonet.eop import EarthOrientation, load_eop
from leonet.frames import ecef_to_geodetic, enu_basis, geodetic_to_ecef, look_angles, teme_to_ecef
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
    propagate,
    propagate_chunks,
    read_catalogue,
    walker_constellation,
)
from leonet.timegrid import TimeGrid, parse_duration_s, parse_utc

__version__ = "0.1.0"

__all__ = [
    "Cells",
    "Constellation",
    "CoverageResult",
    "EarthOrientation",
    "ElementSet",
    "Ephemeris",
    "OutageReason",
    "Propagator",
    "Region",
    "SchedulerConfig",
    "ShellSummary",
    "Sites",
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
    "look_angles",
    "parse_duration_s",
    "parse_utc",
    "preset_names",
    "propagate",
    "propagate_chunks",
    "read_catalogue",
    "run_coverage",
    "schedule",
    "teme_to_ecef",
    "tile_region",
    "visible",
    "walker_constellation",
]
