"""Reference frames: TEME → ITRF (ECEF), ECEF ↔ WGS84 geodetic, look angles.

TEME → ITRF follows Vallado et al. 2006 (AIAA 2006-6753, ``teme2ecef``): a
rotation by the IAU-82 Greenwich mean sidereal time evaluated at **UT1**, then
**polar motion** (IERS Bulletin A x_p, y_p) — both from :mod:`leonet.eop`.
Velocities include the Earth-rotation term ``-ω × r``.  Everything is
vectorised; arrays broadcast in the usual NumPy way and the last axis is xyz.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import EARTH_ROTATION_RAD_S, WGS84_A_KM, WGS84_B_KM, WGS84_E2
from leonet.eop import EarthOrientation, load_eop
from leonet.timegrid import utc_ns_to_jd_fr

__all__ = [
    "ecef_to_geodetic",
    "enu_basis",
    "geodetic_to_ecef",
    "gmst82_rad",
    "look_angles",
    "teme_to_ecef",
]

F64 = NDArray[np.float64]


def gmst82_rad(jd_ut1: ArrayLike, fr_ut1: ArrayLike) -> F64:
    """IAU-82 Greenwich mean sidereal time (rad, in [0, 2π)) at split UT1 Julian dates."""
    days = (np.asarray(jd_ut1, dtype=np.float64) - 2_451_545.0) + np.asarray(fr_ut1)
    t = days / 36_525.0
    seconds = (
        67_310.548_41
        + (876_600.0 * 3600.0 + 8_640_184.812_866) * t
        + 0.093_104 * t**2
        - 6.2e-6 * t**3
    )
    angle_rad: F64 = np.mod(np.deg2rad(seconds / 240.0), 2.0 * np.pi)
    return angle_rad


def teme_to_ecef(
    r_teme_km: ArrayLike,
    v_teme_km_s: ArrayLike | None,
    utc_ns: NDArray[np.int64],
    eop: EarthOrientation | None = None,
    polar_motion: bool = True,
) -> tuple[F64, F64 | None]:
    """Rotate TEME states to ITRF/ECEF.

    ``r_teme_km`` and ``v_teme_km_s`` are ``(time, ..., 3)`` in km and km/s;
    ``utc_ns`` is ``(time,)``.  Returns ``(r_ecef_km, v_ecef_km_s)`` with the
    same shapes (velocity ``None`` if not given).  UT1-UTC and polar motion come
    from ``eop`` (default: the bundled IERS table); ``polar_motion=False`` gives
    the pseudo-Earth-fixed frame (metres of difference).
    """
    eop = eop or load_eop()
    utc_ns = np.asarray(utc_ns, dtype=np.int64)
    dut1_s, xp, yp = eop.at(utc_ns)
    jd, fr = utc_ns_to_jd_fr(utc_ns)
    theta = gmst82_rad(jd, fr + dut1_s / 86_400.0)
    c, s = np.cos(theta), np.sin(theta)
    zero, one = np.zeros_like(c), np.ones_like(c)
    # R3(θ): TEME → PEF, and its time derivative θ̇ dR3/dθ for the transport term.
    spin = np.stack(
        [np.stack([c, s, zero], -1), np.stack([-s, c, zero], -1), np.stack([zero, zero, zero], -1)],
        -2,
    )
    spin_rate = EARTH_ROTATION_RAD_S * np.stack(
        [
            np.stack([-s, c, zero], -1),
            np.stack([-c, -s, zero], -1),
            np.stack([zero, zero, zero], -1),
        ],
        -2,
    )
    spin[..., 2, 2] = one
    if polar_motion:
        cx, sx, cy, sy = np.cos(xp), np.sin(xp), np.cos(yp), np.sin(yp)
        # W^T, the transpose of Vallado's polarm(xp, yp, '80'): PEF → ITRF.
        wt = np.stack(
            [
                np.stack([cx, sx * sy, sx * cy], -1),
                np.stack([zero, cy, -sy], -1),
                np.stack([-sx, cx * sy, cx * cy], -1),
            ],
            -2,
        )
        spin, spin_rate = wt @ spin, wt @ spin_rate

    r = np.asarray(r_teme_km, dtype=np.float64)
    n_time = utc_ns.shape[0]
    if r.shape[0] != n_time or r.shape[-1] != 3:
        raise ValueError(f"r_teme_km must be (time, ..., 3) with time={n_time}, got {r.shape}")
    # One batched (rows, 3) @ (3, 3) product per time step.
    r_rows = r.reshape(n_time, -1, 3)
    m_t = np.swapaxes(spin, -1, -2)
    r_ecef = np.matmul(r_rows, m_t).reshape(r.shape)
    if v_teme_km_s is None:
        return r_ecef, None
    v_rows = np.asarray(v_teme_km_s, dtype=np.float64).reshape(n_time, -1, 3)
    v_ecef = np.matmul(v_rows, m_t)
    v_ecef += np.matmul(r_rows, np.swapaxes(spin_rate, -1, -2))
    return r_ecef, v_ecef.reshape(r.shape)


def geodetic_to_ecef(lat_deg: ArrayLike, lon_deg: ArrayLike, alt_km: ArrayLike = 0.0) -> F64:
    """WGS84 geodetic latitude, longitude (deg) and height (km) → ECEF km, shape ``(..., 3)``."""
    lat = np.deg2rad(np.asarray(lat_deg, dtype=np.float64))
    lon = np.deg2rad(np.asarray(lon_deg, dtype=np.float64))
    h = np.asarray(alt_km, dtype=np.float64)
    sin_lat = np.sin(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)
    xy = (n + h) * np.cos(lat)
    return np.stack(
        np.broadcast_arrays(
            xy * np.cos(lon), xy * np.sin(lon), (n * (1.0 - WGS84_E2) + h) * sin_lat
        ),
        axis=-1,
    )


def ecef_to_geodetic(r_ecef_km: ArrayLike) -> tuple[F64, F64, F64]:
    """ECEF km ``(..., 3)`` → WGS84 ``(lat_deg, lon_deg, alt_km)``, each ``(...)``.

    Bowring's method with three refinements: sub-millimetre from the ground to
    beyond geostationary altitude.  NaN positions give NaN coordinates.
    """
    r = np.asarray(r_ecef_km, dtype=np.float64)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    p = np.hypot(x, y)
    lon = np.arctan2(y, x)
    ep2 = (WGS84_A_KM**2 - WGS84_B_KM**2) / WGS84_B_KM**2
    beta = np.arctan2(z * WGS84_A_KM, p * WGS84_B_KM)
    for _ in range(3):
        lat = np.arctan2(
            z + ep2 * WGS84_B_KM * np.sin(beta) ** 3, p - WGS84_E2 * WGS84_A_KM * np.cos(beta) ** 3
        )
        beta = np.arctan2(WGS84_B_KM * np.sin(lat), WGS84_A_KM * np.cos(lat))
    sin_lat = np.sin(lat)
    n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat**2)
    alt = p * np.cos(lat) + (z + WGS84_E2 * n * sin_lat) * sin_lat - n
    return np.rad2deg(lat), np.rad2deg(lon), alt


def enu_basis(lat_deg: ArrayLike, lon_deg: ArrayLike) -> F64:
    """Rows east, north, up at geodetic ``(lat, lon)``: shape ``(..., 3, 3)`` (ECEF components)."""
    lat = np.deg2rad(np.asarray(lat_deg, dtype=np.float64))
    lon = np.deg2rad(np.asarray(lon_deg, dtype=np.float64))
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    zero = np.zeros_like(sl * so)
    east = np.stack(np.broadcast_arrays(-so, co, zero), axis=-1)
    north = np.stack(np.broadcast_arrays(-sl * co, -sl * so, cl), axis=-1)
    up = np.stack(np.broadcast_arrays(cl * co, cl * so, sl), axis=-1)
    return np.stack((east, north, up), axis=-2)


def look_angles(
    site_ecef_km: ArrayLike, site_enu: ArrayLike, target_ecef_km: ArrayLike
) -> tuple[F64, F64, F64]:
    """Azimuth (deg, from north through east, [0, 360)), elevation (deg) and range (km).

    ``site_ecef_km`` ``(..., 3)``, ``site_enu`` ``(..., 3, 3)`` from
    :func:`enu_basis` and ``target_ecef_km`` ``(..., 3)`` broadcast together;
    e.g. sites ``(site, 1, 3)`` against satellites ``(sat, 3)`` give ``(site, sat)``.
    Geometric (no refraction), as seen from the WGS84 ellipsoid normal.
    """
    rel = np.asarray(target_ecef_km, dtype=np.float64) - np.asarray(site_ecef_km)
    basis = np.asarray(site_enu, dtype=np.float64)
    e = np.sum(basis[..., 0, :] * rel, axis=-1)
    n = np.sum(basis[..., 1, :] * rel, axis=-1)
    u = np.sum(basis[..., 2, :] * rel, axis=-1)
    range_km = np.sqrt(e * e + n * n + u * u)
    elevation = np.rad2deg(np.arcsin(np.clip(u / range_km, -1.0, 1.0)))
    azimuth = np.mod(np.rad2deg(np.arctan2(e, n)), 360.0)
    return azimuth, elevation, range_km
