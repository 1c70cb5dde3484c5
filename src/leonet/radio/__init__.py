"""Radio layer: link budgets, ITU-R atmosphere (itur), antennas, DVB-S2X MODCODs, jamming.

- :mod:`~leonet.radio.parameters` — every assumed number with its source.
- :func:`fspl_db`, :func:`link_budget`, :class:`LinkBudget` — the budget arithmetic.
- :class:`AtmosphereTable` — ITU-R P.618 attenuation tabulated per site over elevation.
- :data:`DVBS2X_LADDER` — ETSI EN 302 307-2 Table 13 and MODCOD selection.
- :class:`RadioModel` — every user and gateway link of a step, vectorised.
- :class:`Jammer` — ground jammers against terminals (downlink) or satellites (uplink).
"""

from leonet.radio.antenna import (
    angle_between_deg,
    off_axis_gain_dbi,
    s465_envelope_dbi,
    satellite_beam_loss_db,
    scan_loss_db,
)
from leonet.radio.atmosphere import (
    DEFAULT_ELEVATION_GRID_DEG,
    AtmosphereTable,
    slant_path_attenuation_db,
)
from leonet.radio.budget import (
    BOLTZMANN_DBW_HZ_K,
    LinkBudget,
    cn0_dbhz,
    esn0_db,
    fspl_db,
    gt_dbk,
    link_budget,
    sinr_db,
)
from leonet.radio.jamming import (
    Jammer,
    JammerTime,
    band_overlap_fraction,
    jammer_position_ecef_km,
    jammer_to_satellites,
    jammer_to_terminals,
    radio_horizon_km,
)
from leonet.radio.links import DirectionLinks, FeederLinks, RadioConfig, RadioModel, UserLinks
from leonet.radio.modcod import (
    DVBS2X_LADDER,
    DVBS2X_NORMAL,
    OUTAGE,
    Modcod,
    ModcodLadder,
    symbol_rate_msps,
)
from leonet.radio.parameters import (
    DEFAULT_EXCEEDANCE_PERCENT,
    DEFAULT_GATEWAY,
    DEFAULT_OFFERED_LOAD_DOWN_MBPS,
    DEFAULT_OFFERED_LOAD_UP_MBPS,
    DEFAULT_SATELLITE,
    DEFAULT_TERMINALS_PER_KM2,
    GATEWAY_DOWNLINK,
    GATEWAY_UPLINK,
    IMPLEMENTATION_LOSS_DB,
    JAMMER_DEFAULT_HEIGHT_M,
    LASER_CAPACITY_MBPS,
    RADIO_HORIZON_K_FACTOR,
    ROLLOFF,
    SATELLITES,
    TERMINAL_ANTENNA_HEIGHT_M,
    TERMINALS,
    USER_DOWNLINK,
    USER_UPLINK,
    Band,
    GatewayType,
    SatelliteType,
    TerminalType,
)

__all__ = [
    "BOLTZMANN_DBW_HZ_K",
    "DEFAULT_ELEVATION_GRID_DEG",
    "DEFAULT_EXCEEDANCE_PERCENT",
    "DEFAULT_GATEWAY",
    "DEFAULT_OFFERED_LOAD_DOWN_MBPS",
    "DEFAULT_OFFERED_LOAD_UP_MBPS",
    "DEFAULT_SATELLITE",
    "DEFAULT_TERMINALS_PER_KM2",
    "DVBS2X_LADDER",
    "DVBS2X_NORMAL",
    "GATEWAY_DOWNLINK",
    "GATEWAY_UPLINK",
    "IMPLEMENTATION_LOSS_DB",
    "JAMMER_DEFAULT_HEIGHT_M",
    "LASER_CAPACITY_MBPS",
    "OUTAGE",
    "RADIO_HORIZON_K_FACTOR",
    "ROLLOFF",
    "SATELLITES",
    "TERMINALS",
    "TERMINAL_ANTENNA_HEIGHT_M",
    "USER_DOWNLINK",
    "USER_UPLINK",
    "AtmosphereTable",
    "Band",
    "DirectionLinks",
    "FeederLinks",
    "GatewayType",
    "Jammer",
    "JammerTime",
    "LinkBudget",
    "Modcod",
    "ModcodLadder",
    "RadioConfig",
    "RadioModel",
    "SatelliteType",
    "TerminalType",
    "UserLinks",
    "angle_between_deg",
    "band_overlap_fraction",
    "cn0_dbhz",
    "esn0_db",
    "fspl_db",
    "gt_dbk",
    "jammer_position_ecef_km",
    "jammer_to_satellites",
    "jammer_to_terminals",
    "link_budget",
    "off_axis_gain_dbi",
    "radio_horizon_km",
    "s465_envelope_dbi",
    "satellite_beam_loss_db",
    "scan_loss_db",
    "sinr_db",
    "slant_path_attenuation_db",
    "symbol_rate_msps",
]
