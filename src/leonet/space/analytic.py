"""Analytic propagator for designed circular shells: two-body circles with J2 secular drift.

Each satellite moves on a circle of SGP4's orbit-averaged radius; its node
regresses and its argument of latitude advances at SGP4's own secular rates
(Brouwer first order in J2 plus the J2² and J4 terms SGP4 carries; ``sgp4init``
in Vallado et al. 2006, AIAA 2006-6753), computed from the same mean elements
SGP4 would use, so the two propagators share the same mean orbit.  What this
model leaves out, and SGP4 keeps, is periodic: J3's long-period eccentricity
(the frozen-orbit ~8e-4: ±6 km radial, ±12 km along-track) and J2's
short-period terms (~1–2 km); drag is zero for designed shells.  See
docs/propagators.md for the measured difference.

The Earth-fixed position is the TEME circle rotated by the IAU-82 GMST at UT1
and then by **polar motion** (both from :mod:`leonet.eop`), as
:func:`leonet.frames.teme_to_ecef` does for SGP4; velocities are Earth-fixed
(the ``-ω × r`` transport term included).

Speed comes from structure.  Satellites sharing the same secular rates (a
shell: same mean motion and inclination) form a *rate group*.  Writing the
Earth-fixed state as ``W · Rz(D(t)) · (c_k cos φ(t) + d_k sin φ(t))`` — ``D``
the group's node drift minus GMST, ``φ = u̇ t``, ``c_k``/``d_k`` constant
per-satellite 3-vectors from its radius, inclination, node and ``u0``, ``W``
polar motion — every component is a fixed linear combination of six products
``(cos D, sin D, 1) × (cos φ, sin φ)``.  So a group's whole ``(time, sat, 3)``
block is one matrix product ``(time, 6) @ (6, 3·sat)`` written by BLAS
straight into the preallocated output: transcendentals are evaluated per
(time, group) only, and the (time, sat) work is six multiply-adds per
component.  Polar motion changes by a few milliarcseconds a day, so ``W`` is
taken once per day of the grid, at its middle (≤ 0.2 m at LEO radius).  Any
element set works: satellites are regrouped when a group is not contiguous,
and sets with many distinct rates (real catalogues) take a per-satellite path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sgp4.earth_gravity import wgs72

from leonet.constants import EARTH_ROTATION_RAD_S, WGS72_J2, WGS72_RADIUS_KM
from leonet.eop import EarthOrientation
from leonet.frames import gmst82_rad
from leonet.space.elements import ElementSet
from leonet.timegrid import utc_ns_to_jd_fr

__all__ = ["SecularRates", "circular_j2_ecef", "secular_rates"]

F64 = NDArray[np.float64]

#: SGP4's J4 and sqrt(mu) in Earth radii^1.5/min for WGS72, taken from the ``sgp4``
#: package itself (``getgravconst('wgs72')``) so the rates match SGP4 bit for bit.
_J4 = float(wgs72.j4)
_XKE = float(wgs72.xke)


@dataclass(frozen=True)
class SecularRates:
    """SGP4's mean circular motion of each satellite, all arrays ``(sat,)``.

    ``radius_km`` orbit-averaged geocentric radius; ``arg_latitude_rate_rad_s``
    ``u̇ = Ṁ + ω̇``; ``node_rate_rad_s`` ``Ω̇`` (inertial, TEME).
    """

    radius_km: F64
    arg_latitude_rate_rad_s: F64
    node_rate_rad_s: F64


def secular_rates(elements: ElementSet) -> SecularRates:
    """SGP4's secular rates and mean radius for ``elements`` (as ``sgp4init`` computes them)."""
    n_kozai = np.asarray(elements.mean_motion_rad_min, dtype=np.float64)
    ecc = np.asarray(elements.eccentricity, dtype=np.float64)
    cosio = np.cos(elements.inclination_rad)
    cosio2 = cosio * cosio
    cosio4 = cosio2 * cosio2
    omeosq = 1.0 - ecc * ecc
    rteosq = np.sqrt(omeosq)
    con41 = 3.0 * cosio2 - 1.0
    con42 = 1.0 - 5.0 * cosio2
    # Un-Kozai the mean motion (initl).
    ak = (_XKE / n_kozai) ** (2.0 / 3.0)
    d1 = 0.75 * WGS72_J2 * con41 / (rteosq * omeosq)
    delta = d1 / (ak * ak)
    adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
    n0 = n_kozai / (1.0 + d1 / (adel * adel))
    ao = (_XKE / n0) ** (2.0 / 3.0)
    pinvsq = 1.0 / (ao * omeosq) ** 2
    # Secular rates (sgp4init), rad/min.
    temp1 = 1.5 * WGS72_J2 * pinvsq * n0
    temp2 = 0.5 * temp1 * WGS72_J2 * pinvsq
    temp3 = -0.46875 * _J4 * pinvsq * pinvsq * n0
    mdot = (
        n0
        + 0.5 * temp1 * rteosq * con41
        + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4)
    )
    argpdot = (
        -0.5 * temp1 * con42
        + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
        + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4)
    )
    nodedot = (
        -temp1 * cosio
        + (0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio
    )
    # Mean of SGP4's radius: its short-period term -1.5 temp2 con41 has a non-zero mean.
    radius_er = ao * (1.0 - 0.75 * WGS72_J2 * con41 / (ao * omeosq) ** 2)
    return SecularRates(
        radius_km=radius_er * WGS72_RADIUS_KM,
        arg_latitude_rate_rad_s=(mdot + argpdot) / 60.0,
        node_rate_rad_s=nodedot / 60.0,
    )


#: Above this many rate groups, use the per-satellite path instead of one GEMM per group.
_MAX_GROUPS = 256
#: Longest stretch of the grid that shares one polar-motion matrix, seconds.
_POLAR_SPAN_S = 86_400.0
#: Values per (time × sat × 6) tile on the per-satellite path (bounded scratch memory).
_TILE_VALUES = 1 << 21


def _polar_matrix(xp_rad: float, yp_rad: float) -> F64:
    """W^T, the transpose of Vallado's ``polarm(xp, yp, '80')``: PEF → ITRF, ``(3, 3)``."""
    cx, sx, cy, sy = np.cos(xp_rad), np.sin(xp_rad), np.cos(yp_rad), np.sin(yp_rad)
    return np.array([[cx, sx * sy, sx * cy], [0.0, cy, -sy], [-sx, cx * sy, cx * cy]])


def _coefficients(
    radius_km: F64,
    inclination_rad: F64,
    node0_rad: F64,
    u0_rad: F64,
    u_dot_rad_s: F64,
    drift_dot_rad_s: F64,
    velocities: bool,
) -> tuple[F64, F64 | None]:
    """Per-satellite ``(sat, 3, 6)`` maps from the six basis products to PEF position/velocity.

    Basis (per time and rate group): ``cD cφ, cD sφ, sD cφ, sD sφ, cφ, sφ``
    with ``D`` the Earth-fixed node drift and ``φ = u̇ t``.  Position is
    ``Rz(D) (c cφ + d sφ)`` with ``c = Rz(Ω0) Rx(i) a (cos u0, sin u0, 0)``
    and ``d`` the same for ``u0 + 90°``.
    """
    a = radius_km
    ci, si = np.cos(inclination_rad), np.sin(inclination_rad)
    co, so = np.cos(node0_rad), np.sin(node0_rad)
    cu, su = np.cos(u0_rad), np.sin(u0_rad)
    c = a[:, None] * np.stack((co * cu - so * ci * su, so * cu + co * ci * su, si * su), axis=1)
    d = a[:, None] * np.stack((-co * su - so * ci * cu, -so * su + co * ci * cu, si * cu), axis=1)

    def rotate(c: F64, d: F64) -> F64:  # maps of Rz(D) (c cφ + d sφ)
        z = np.zeros_like(c[:, 0])
        cx, cy, cz, dx, dy, dz = c[:, 0], c[:, 1], c[:, 2], d[:, 0], d[:, 1], d[:, 2]
        return np.stack(
            (
                np.stack((cx, dx, -cy, -dy, z, z), axis=1),
                np.stack((cy, dy, cx, dx, z, z), axis=1),
                np.stack((z, z, z, z, cz, dz), axis=1),
            ),
            axis=1,
        )

    position = rotate(c, d)
    if not velocities:
        return position, None
    # d/dt: Rz(D) u̇ (d cφ - c sφ) + Ḋ Rz'(D) (c cφ + d sφ); Rz'(D) w = Rz(D) (ẑ × w).
    u_dot = u_dot_rad_s[:, None]
    spin = drift_dot_rad_s[:, None]
    c_dot = u_dot * d + spin * np.stack((-c[:, 1], c[:, 0], np.zeros_like(c[:, 0])), axis=1)
    d_dot = -u_dot * c + spin * np.stack((-d[:, 1], d[:, 0], np.zeros_like(d[:, 0])), axis=1)
    return position, rotate(c_dot, d_dot)


def _basis(t_s: F64, theta_rad: F64, u_dot_rad_s: F64, node_dot_rad_s: F64) -> F64:
    """The six basis products ``(time, group, 6)`` for times ``(time,)`` and rates ``(group,)``."""
    phase = t_s[:, None] * u_dot_rad_s
    drift = t_s[:, None] * node_dot_rad_s - theta_rad[:, None]
    cf, sf, cd, sd = np.cos(phase), np.sin(phase), np.cos(drift), np.sin(drift)
    return np.stack((cd * cf, cd * sf, sd * cf, sd * sf, cf, sf), axis=-1)


def _apply(
    out: F64,
    basis: F64,
    maps: F64,
    group: NDArray[np.intp],
    runs: list[tuple[int, int, int]] | None,
) -> None:
    """``out[t, k, i] = Σ_m basis[t, group[k], m] · maps[k, i, m]`` for one time block.

    ``out`` ``(time, sat, 3)``; with ``runs`` (first, stop, group) it is one
    GEMM per run, else a per-satellite product in bounded tiles.
    """
    n_time, n_sat = out.shape[0], out.shape[1]
    if runs is not None:
        right = np.ascontiguousarray(maps.transpose(2, 0, 1))  # (6, sat, 3)
        for first, stop, g in runs:
            np.matmul(
                basis[:, g],
                right[:, first:stop].reshape(6, -1),
                out=out[:, first:stop].reshape(n_time, -1),
            )
        return
    step = max(1, _TILE_VALUES // (6 * n_sat))
    for t0 in range(0, n_time, step):
        t1 = min(t0 + step, n_time)
        np.einsum("tkm,kim->tki", basis[t0:t1][:, group], maps, out=out[t0:t1])


def circular_j2_ecef(
    elements: ElementSet,
    utc_ns: NDArray[np.int64],
    eop: EarthOrientation,
    velocities: bool = True,
    polar_motion: bool = True,
) -> tuple[F64, F64 | None]:
    """Earth-fixed states of circular J2-drifting orbits: ``(r_ecef_km, v_ecef_km_s)``.

    ``elements`` ``(sat,)`` SGP4 mean elements (eccentricity and argument of
    perigee enter only through ``u = ω + M``); ``utc_ns`` ``(time,)`` int64 UTC
    nanoseconds.  Returns ITRF positions ``(time, sat, 3)`` in km and, if
    ``velocities``, Earth-fixed velocities ``(time, sat, 3)`` in km/s (else
    ``None``).  UT1-UTC and, unless ``polar_motion=False``, polar motion come
    from ``eop`` (polar motion held for up to a day at a time: ≤ 0.2 m).
    """
    utc_ns = np.asarray(utc_ns, dtype=np.int64).reshape(-1)
    n_time, n_sat = utc_ns.shape[0], len(elements)
    r_out = np.empty((n_time, n_sat, 3))
    v_out = np.empty((n_time, n_sat, 3)) if velocities else None
    if n_time == 0 or n_sat == 0:
        return r_out, v_out

    rates = secular_rates(elements)
    jd0, fr0 = float(elements.epoch_jd[0]), float(elements.epoch_fr[0])
    # Move every satellite's angles to one reference epoch (satellite 0's).
    epoch_s = ((elements.epoch_jd - jd0) + (elements.epoch_fr - fr0)) * 86_400.0
    u0 = np.mod(
        elements.arg_perigee_rad
        + elements.mean_anomaly_rad
        - rates.arg_latitude_rate_rad_s * epoch_s,
        2.0 * np.pi,
    )
    node0 = np.mod(elements.raan_rad - rates.node_rate_rad_s * epoch_s, 2.0 * np.pi)
    drift_dot = rates.node_rate_rad_s - EARTH_ROTATION_RAD_S
    pef_position, pef_velocity = _coefficients(
        rates.radius_km,
        np.asarray(elements.inclination_rad, dtype=np.float64),
        node0,
        u0,
        rates.arg_latitude_rate_rad_s,
        drift_dot,
        velocities,
    )

    # Rate groups, and whether each is one contiguous run of satellites.
    groups, group = np.unique(
        np.stack((rates.arg_latitude_rate_rad_s, rates.node_rate_rad_s), axis=1),
        axis=0,
        return_inverse=True,
    )
    group = group.reshape(-1)
    runs: list[tuple[int, int, int]] | None = None
    order: NDArray[np.intp] | None = None
    if groups.shape[0] <= _MAX_GROUPS:
        if np.count_nonzero(group[1:] != group[:-1]) >= groups.shape[0]:
            # A group is split into several runs: compute in group order, then scatter back.
            order = np.argsort(group, kind="stable")
            group = group[order]
            pef_position = pef_position[order]
            pef_velocity = None if pef_velocity is None else pef_velocity[order]
        starts = np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
        stops = np.append(starts[1:], n_sat)
        runs = [(int(a), int(b), int(group[a])) for a, b in zip(starts, stops, strict=True)]

    jd, fr = utc_ns_to_jd_fr(utc_ns)
    t_s = ((jd - jd0) + (fr - fr0)) * 86_400.0
    dut1_s, xp, yp = eop.at(utc_ns)
    theta = gmst82_rad(jd, fr + dut1_s / 86_400.0)

    r_work = r_out if order is None else np.empty_like(r_out)
    v_work = v_out if order is None or v_out is None else np.empty_like(v_out)
    first = 0
    while first < n_time:  # one polar-motion matrix per day of the grid
        stop = int(np.searchsorted(t_s, t_s[first] + _POLAR_SPAN_S, side="left"))
        stop = max(stop, first + 1)
        basis = _basis(t_s[first:stop], theta[first:stop], groups[:, 0], groups[:, 1])
        polar = np.eye(3)
        if polar_motion:
            mid = (first + stop - 1) // 2
            polar = _polar_matrix(float(xp[mid]), float(yp[mid]))
        _apply(r_work[first:stop], basis, polar @ pef_position, group, runs)
        if v_work is not None and pef_velocity is not None:
            _apply(v_work[first:stop], basis, polar @ pef_velocity, group, runs)
        first = stop
    if order is not None:
        r_out[:, order] = r_work
        if v_out is not None and v_work is not None:
            v_out[:, order] = v_work
    return r_out, v_out
