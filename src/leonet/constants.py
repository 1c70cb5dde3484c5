"""Physical and geodetic constants, one place, each with its source.

Every other module imports from here; nothing redefines Earth's radius.
"""

from __future__ import annotations

__all__ = [
    "BOLTZMANN_J_K",
    "C_KM_S",
    "EARTH_MEAN_RADIUS_KM",
    "EARTH_ROTATION_RAD_S",
    "J2000_JD",
    "SECONDS_PER_DAY",
    "WGS72_J2",
    "WGS72_MU_KM3_S2",
    "WGS72_RADIUS_KM",
    "WGS84_A_KM",
    "WGS84_B_KM",
    "WGS84_E2",
    "WGS84_F",
    "WGS84_J2",
    "WGS84_MU_KM3_S2",
]

#: Speed of light in vacuum, km/s (exact, SI definition of the metre).
C_KM_S = 299_792.458

#: Boltzmann constant, J/K (exact, SI 2019 redefinition; BIPM SI Brochure 9th ed., 2.2).
#: In decibels: 10·log10(k) = -228.60 dBW/(Hz·K).
BOLTZMANN_J_K = 1.380_649e-23

#: Seconds in a day.
SECONDS_PER_DAY = 86_400.0

#: Julian date of the J2000.0 epoch (2000-01-01 12:00 TT).
J2000_JD = 2_451_545.0

# WGS72 — the gravity model SGP4 element sets are fitted with (Vallado et al. 2006,
# AIAA 2006-6753, "Revisiting Spacetrack Report #3", sgp4 `getgravconst('wgs72')`).
WGS72_MU_KM3_S2 = 398_600.8
WGS72_RADIUS_KM = 6_378.135
WGS72_J2 = 0.001_082_616

# WGS84 — the ellipsoid for geodetic coordinates (NIMA TR8350.2, 3rd ed., Table 3.1).
WGS84_A_KM = 6_378.137
WGS84_F = 1.0 / 298.257_223_563
WGS84_B_KM = WGS84_A_KM * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_MU_KM3_S2 = 398_600.4418
#: Unnormalised J2 (= -sqrt(5) * C20bar, EGM96 C20bar = -4.84165371736e-4).
WGS84_J2 = 0.001_082_629_989_05

#: Earth's mean angular velocity, rad/s (IERS Conventions 2010, Table 1.1).
EARTH_ROTATION_RAD_S = 7.292_115e-5

#: Mean Earth radius R1 = (2a + b) / 3 of the GRS80 ellipsoid, km (Moritz 2000, "Geodetic
#: Reference System 1980", J. Geodesy 74:128; IUGG mean radius 6371.0088 km).  For
#: great-circle (spherical) distances on the ground: error below 0.5 % against the geodesic.
EARTH_MEAN_RADIUS_KM = 6_371.008_8
