"""Model defaults, one place, each with its source or marked as an assumption.

:mod:`leonet.constants` holds physics; this holds the numbers a model *assumes* when the
scenario, the data or the caller say nothing: elevation masks, the laser range, the
fibre route factor, beam counts.  Every other module (and the scenario schema's field
defaults) imports them from here; nothing spells them as literals.  Each name's comment
says ``Source:`` (a measurement, filing or paper) or ``Assumption:`` (our choice, and why);
tests/test_defaults.py holds that and that the layers use these values.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_GATEWAY_KA_ANTENNAS",
    "DEFAULT_GATEWAY_MIN_ELEVATION_DEG",
    "DEFAULT_MAX_LASER_RANGE_KM",
    "DEFAULT_MIN_ELEVATION_DEG",
    "DEFAULT_MIN_LASER_ALTITUDE_KM",
    "DEFAULT_ROUTE_FACTOR",
    "FIBRE_SPEED_FRACTION_OF_C",
    "GEN1_USER_BEAMS",
    "GEN2_MINI_USER_BEAMS",
]

# --- elevation masks -------------------------------------------------------------------

#: Minimum elevation, deg, at which a satellite may serve a user terminal when neither the
#: shell nor the site says otherwise.  Source: SpaceX's FCC filings for the Gen1 Starlink
#: system (25° minimum elevation for user terminals since the 2018 modification,
#: IBFS SAT-MOD-20181108-00083; the Gen2 filings keep 25°).
DEFAULT_MIN_ELEVATION_DEG = 25.0

#: Gateway minimum elevation when the gateway table leaves ``ka_min_elev`` empty, deg.
#: Source: the bundled gateway table (data/ground, PROVENANCE.md): 210 of the 216 rows
#: that give a value give 25°, as SpaceX's FCC filings do.
DEFAULT_GATEWAY_MIN_ELEVATION_DEG = 25.0

# --- ground segment ----------------------------------------------------------------------

#: Ka-band antennas at a gateway whose row leaves the count empty.  Source: the bundled
#: gateway table: 167 of the 217 rows that give a count give 8 (the standard Starlink
#: gateway).
DEFAULT_GATEWAY_KA_ANTENNAS = 8

#: Fibre route length over the great-circle distance when the route is unknown.
#: Source: measured terrestrial route factors range about 1.2-2 (Bozkurt et al., "Why is
#: the Internet so slow?!", PAM 2017); 1.5 is a middle value (assumption within it).
DEFAULT_ROUTE_FACTOR = 1.5

#: Signal speed in optical fibre as a fraction of c: 2/3, a group index of 1.5.
#: Source: silica single-mode fibre (ITU-T G.652) has a group index of about 1.47;
#: 1.5 is the customary round figure.
FIBRE_SPEED_FRACTION_OF_C = 2.0 / 3.0

# --- lasers --------------------------------------------------------------------------------

#: Longest laser (inter-satellite) link, km.  Assumption: the range quoted in public for
#: Starlink-class optical terminals (not a published specification); the scenario's
#: ``network.max_laser_range_km`` overrides it.
DEFAULT_MAX_LASER_RANGE_KM = 5_400.0

#: Lowest altitude a laser's line of sight may pass, km.  Source: Hypatia (Kassing et al.,
#: IMC 2020) keeps inter-satellite links above 80 km (the mesosphere).
DEFAULT_MIN_LASER_ALTITUDE_KM = 80.0

# --- satellites ------------------------------------------------------------------------------

#: User beams per Gen1 (V1.5) satellite (each a 250 MHz channel-beam).  Assumption: sized
#: to the satellite's capacity: S. Pekhterev ("The Bandwidth of the StarLink
#: Constellation", SatMagazine, Nov. 2021), from SpaceX's FCC filings and statements, puts
#: one satellite at ~20 Gb/s of user downlink; the calibrated radio gives a beam ~624 Mb/s
#: under a high satellite (16APSK 25/36 on 227 Msym/s, :data:`leonet.radio.SATELLITES`),
#: so 20 Gb/s / 0.624 ≈ 32 beams.  (Before the radio's calibration: 24 × ~0.9 Gb/s.)
GEN1_USER_BEAMS = 32

#: User beams per Gen2 "V2 Mini" satellite.  Assumption: four times Gen1's, after SpaceX's
#: statement (2023, starlink.com / launch webcasts) that a V2 Mini carries ~4× the usable
#: capacity of a V1.5, at the same per-beam rate (the SINR ceiling, not the EIRP, bounds
#: it; see :mod:`leonet.radio.parameters`).
GEN2_MINI_USER_BEAMS = 128
