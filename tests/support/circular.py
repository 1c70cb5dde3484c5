"""Closed-form circular Walker-delta orbits in ECEF — for tests, benchmarks and examples.

Two-body circular orbits (no J2), radius ``WGS84_A_KM + altitude_km``, the
Earth turning at ``EARTH_ROTATION_RAD_S`` about z with ECI = ECEF at ``t = 0``.
The production propagators live in :mod:`leonet.space`; this exists so that the
network layer's tests and the routing workload depend on nothing but closed form.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import EARTH_ROTATION_RAD_S, WGS84_A_KM, WGS84_MU_KM3_S2

__all__ = ["walker_delta_ecef_km"]


def walker_delta_ecef_km(
    altitude_km: float,
    inclination_deg: float,
    planes: int,
    sats_per_plane: int,
    phasing: int,
    t_s: ArrayLike,
    raan0_deg: float = 0.0,
) -> tuple[NDArray[np.float64], NDArray[np.int32], NDArray[np.int32]]:
    """Positions ``(time, sat, 3)`` ECEF km at ``t_s`` ``(time,)`` s, plus ``plane``, ``slot``.

    Satellites are ordered plane by plane, slot by slot (``sat = plane *
    sats_per_plane + slot``), the Walker ``i: t/p/f`` pattern with node
    spread 360°.
    """
    t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
    plane = np.repeat(np.arange(planes, dtype=np.int32), sats_per_plane)
    slot = np.tile(np.arange(sats_per_plane, dtype=np.int32), planes)
    radius_km = WGS84_A_KM + altitude_km
    n_rad_s = np.sqrt(WGS84_MU_KM3_S2 / radius_km**3)
    raan = np.deg2rad(raan0_deg + 360.0 * plane / planes)
    u0 = 2.0 * np.pi * (slot / sats_per_plane + phasing * plane / (planes * sats_per_plane))
    inc = np.deg2rad(inclination_deg)
    u = u0[None, :] + n_rad_s * t[:, None]
    cu, su = np.cos(u), np.sin(u)
    co, so = np.cos(raan), np.sin(raan)
    x = radius_km * (cu * co - su * np.cos(inc) * so)
    y = radius_km * (cu * so + su * np.cos(inc) * co)
    z = radius_km * su * np.sin(inc) * np.ones_like(x)
    theta = (EARTH_ROTATION_RAD_S * t)[:, None]
    ct, st = np.cos(theta), np.sin(theta)
    r = np.stack([x * ct + y * st, -x * st + y * ct, z], axis=-1)
    return r, plane, slot
