"""Hypatia compatibility: read Hypatia's inputs, route all ground-station pairs every step,
write Hypatia's outputs (``leonet hypatia``; see docs/examples/hypatia-reproduction.md)."""

from __future__ import annotations

from leonet.hypatia.inputs import (
    STARLINK_550,
    GroundStations,
    HypatiaInputError,
    HypatiaTles,
    ShellRule,
    plus_grid_isls,
    read_ground_stations,
    read_isls,
    read_tles,
    starlink_550_tles,
    write_ground_stations,
    write_isls,
    write_tles,
)
from leonet.hypatia.outputs import (
    PAIR_SUMMARY_HEADER,
    PATH_CHANGES_HEADER,
    RTT_HEADER,
    fstate_bytes,
    fstate_name,
    read_fstate,
    read_rtt_csv,
    rtt_bytes,
)
from leonet.hypatia.run import (
    HypatiaRunResult,
    Progress,
    max_gsl_length_m,
    run_hypatia,
    ut1_equals_utc_eop,
)

__all__ = [
    "PAIR_SUMMARY_HEADER",
    "PATH_CHANGES_HEADER",
    "RTT_HEADER",
    "STARLINK_550",
    "GroundStations",
    "HypatiaInputError",
    "HypatiaRunResult",
    "HypatiaTles",
    "Progress",
    "ShellRule",
    "fstate_bytes",
    "fstate_name",
    "max_gsl_length_m",
    "plus_grid_isls",
    "read_fstate",
    "read_ground_stations",
    "read_isls",
    "read_rtt_csv",
    "read_tles",
    "rtt_bytes",
    "run_hypatia",
    "starlink_550_tles",
    "ut1_equals_utc_eop",
    "write_ground_stations",
    "write_isls",
    "write_tles",
]
