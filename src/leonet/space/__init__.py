"""Space segment: constellations (Walker presets, real catalogues), their shells, propagation."""

from __future__ import annotations

from leonet.space.analytic import (
    SecularRates,
    circular_j2_ecef,
    secular_rates,
)
from leonet.space.catalogue import (
    BUNDLED_FILES,
    BUNDLED_MIN_ELEVATION_DEG,
    CATALOGUE_FORMATS,
    CatalogueFormat,
    CatalogueLoad,
    CatalogueReport,
    bundled_catalogue,
    detect_format,
    load_catalogue,
    read_catalogue,
)
from leonet.space.celestrak import (
    CELESTRAK_GP_URL,
    CelestrakError,
    default_cache_dir,
    download_group,
)
from leonet.space.constellation import (
    Constellation,
    ShellSummary,
)
from leonet.space.elements import (
    ElementSet,
)
from leonet.space.geostationary import (
    GEO_ALTITUDE_KM,
    GEO_MIN_ELEVATION_DEG,
    GEO_SLOTS,
    geostationary_constellation,
    parse_geo_spec,
)
from leonet.space.omm import (
    OMM_FIELDS,
    OMMFormatError,
    parse_omm_csv,
    parse_omm_json,
    read_omm,
)
from leonet.space.presets import (
    load_preset,
    preset_names,
    preset_shells,
    preset_source,
)
from leonet.space.propagate import (
    SGP4_ERRORS,
    Ephemeris,
    Method,
    Propagator,
    default_chunk_steps,
    propagate,
    propagate_chunks,
    sgp4_satrec_array,
    sgp4_teme,
)
from leonet.space.records import (
    CatalogueFormatError,
    ElementRecords,
    SkippedRecord,
    elements_from_tle_units,
)
from leonet.space.resolve import (
    BUNDLED_CATALOGUES,
    constellation_names,
    load_constellation,
)
from leonet.space.shells import (
    ShellAssignment,
    infer_shells,
    shell_name,
)
from leonet.space.tle import (
    LINE1_TEMPLATE,
    LINE2_TEMPLATE,
    TLEFormatError,
    alpha5_to_int,
    int_to_alpha5,
    parse_tle,
    read_tle,
    tle_checksum,
)
from leonet.space.walker import (
    MAX_ALTITUDE_KM,
    MIN_ALTITUDE_KM,
    WalkerShell,
    kozai_mean_motion_rad_min,
    walker_constellation,
)

__all__ = [
    "BUNDLED_CATALOGUES",
    "BUNDLED_FILES",
    "BUNDLED_MIN_ELEVATION_DEG",
    "CATALOGUE_FORMATS",
    "CELESTRAK_GP_URL",
    "GEO_ALTITUDE_KM",
    "GEO_MIN_ELEVATION_DEG",
    "GEO_SLOTS",
    "LINE1_TEMPLATE",
    "LINE2_TEMPLATE",
    "MAX_ALTITUDE_KM",
    "MIN_ALTITUDE_KM",
    "OMM_FIELDS",
    "SGP4_ERRORS",
    "CatalogueFormat",
    "CatalogueFormatError",
    "CatalogueLoad",
    "CatalogueReport",
    "CelestrakError",
    "Constellation",
    "ElementRecords",
    "ElementSet",
    "Ephemeris",
    "Method",
    "OMMFormatError",
    "Propagator",
    "SecularRates",
    "ShellAssignment",
    "ShellSummary",
    "SkippedRecord",
    "TLEFormatError",
    "WalkerShell",
    "alpha5_to_int",
    "bundled_catalogue",
    "circular_j2_ecef",
    "constellation_names",
    "default_cache_dir",
    "default_chunk_steps",
    "detect_format",
    "download_group",
    "elements_from_tle_units",
    "geostationary_constellation",
    "infer_shells",
    "int_to_alpha5",
    "kozai_mean_motion_rad_min",
    "load_catalogue",
    "load_constellation",
    "load_preset",
    "parse_geo_spec",
    "parse_omm_csv",
    "parse_omm_json",
    "parse_tle",
    "preset_names",
    "preset_shells",
    "preset_source",
    "propagate",
    "propagate_chunks",
    "read_catalogue",
    "read_omm",
    "read_tle",
    "secular_rates",
    "sgp4_satrec_array",
    "sgp4_teme",
    "shell_name",
    "tle_checksum",
    "walker_constellation",
]
