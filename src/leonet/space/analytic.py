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

Speed comes from structure.  Satellites that follow one another with the same
radius, inclination, node and rates form a *plane*; consecutive planes of equal
size form a *block* (a Walker shell is one block).  For a plane, position is
``r(t, k) = cos u0_k · A(t) + sin u0_k · B(t)`` with ``A``, ``B`` 3-vectors
that hold every transcendental (node, GMST, ``u̇ t``, polar motion) and are
computed per (time, plane) only; the (time, sat) work is two multiplies and an
add per component, written in place into the preallocated output.  Any
element set works (each satellite its own plane in the worst case), only
slower.
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
        n0 + 0.5 * temp1 * rteosq * con41
        + 0.0625 * temp2 * rteosq * (13.0 - 78.0 * cosio2 + 137.0 * cosio4)
    )
    argpdot = (
        -0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
        + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4)
    )
    nodedot = -temp1 * cosio + (
        0.5 * temp2 * (4.0 - 19.0 * cosio2) + 2.0 * temp3 * (3.0 - 7.0 * cosio2)
    ) * cosio
    # Mean of SGP4's radius: its short-period term -1.5 temp2 con41 has a non-zero mean.
    radius_er = ao * (1.0 - 0.75 * WGS72_J2 * con41 / (ao * omeosq) ** 2)
    return SecularRates(
        radius_km=radius_er * WGS72_RADIUS_KM,
        arg_latitude_rate_rad_s=(mdot + argpdot) / 60.0,
        node_rate_rad_s=nodedot / 60.0,
    )


def _runs(key: F64) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Starts and lengths of runs of equal consecutive rows of ``key`` ``(sat, k)``."""
    change = np.ones(key.shape[0], dtype=bool)
    change[1:] = np.any(key[1:] != key[:-1], axis=1)
    starts = np.flatnonzero(change)
    lengths = np.diff(np.append(starts, key.shape[0]))
    return starts, lengths


def _plane_columns(
    radius_km: F64,
    cos_i: F64,
    sin_i: F64,
    cos_node: F64,
    sin_node: F64,
    cos_phase: F64,
    sin_phase: F64,
    u_dot_rad_s: F64,
    node_pef_dot_rad_s: F64,
    polar: F64 | None,
    velocities: bool,
) -> tuple[F64, F64 | None]:
    """Per (time, plane) columns ``(time, plane, 2, 3)``: state = cos u0·[0] + sin u0·[1].

    ``cos_node``/``sin_node`` of the Earth-fixed node and ``cos_phase``/
    ``sin_phase`` of ``u̇ t`` are ``(time, plane)``; the rest ``(plane,)``;
    ``polar`` ``(time, 3, 3)`` rotates PEF → ITRF (or ``None``).  With node
    direction ``P`` and ``Q = ẑ_orbit × P``: column 0 is ``a (P cos φ + Q sin φ)``
    and column 1 ``a (Q cos φ - P sin φ)``; velocities are their time derivatives.
    """
    co, so, cf, sf = cos_node, sin_node, cos_phase, sin_phase
    a, ci, si = radius_km, cos_i, sin_i
    pos = np.empty((*co.shape, 2, 3))
    aci = a * ci
    pos[..., 0, 0] = a * (co * cf) - aci * (so * sf)
    pos[..., 0, 1] = a * (so * cf) + aci * (co * sf)
    pos[..., 0, 2] = (a * si) * sf
    pos[..., 1, 0] = -aci * (so * cf) - a * (co * sf)
    pos[..., 1, 1] = aci * (co * cf) - a * (so * sf)
    pos[..., 1, 2] = (a * si) * cf
    vel = None
    if velocities:
        w, ud = node_pef_dot_rad_s, u_dot_rad_s
        alpha, beta, gamma = a * (w + ud * ci), a * (w * ci + ud), a * ud * si
        vel = np.empty_like(pos)
        vel[..., 0, 0] = -alpha * (so * cf) - beta * (co * sf)
        vel[..., 0, 1] = alpha * (co * cf) - beta * (so * sf)
        vel[..., 0, 2] = gamma * cf
        vel[..., 1, 0] = -beta * (co * cf) + alpha * (so * sf)
        vel[..., 1, 1] = -beta * (so * cf) - alpha * (co * sf)
        vel[..., 1, 2] = -gamma * sf
    if polar is not None:
        rotate = np.swapaxes(polar, -1, -2)
        shape = pos.shape
        pos = np.matmul(pos.reshape(shape[0], -1, 3), rotate).reshape(shape)
        if vel is not None:
            vel = np.matmul(vel.reshape(shape[0], -1, 3), rotate).reshape(shape)
    return pos, vel


def _fill(out: F64, columns: F64, cos_u0: F64, sin_u0: F64,
          blocks: list[tuple[int, int, int, int]]) -> None:
    """``out[t, k] = cos_u0[k] columns[t, plane(k), 0] + sin_u0[k] columns[t, plane(k), 1]``.

    ``out`` ``(time, sat, 3)``, ``columns`` ``(time, plane, 2, 3)``.  Per block
    of ``planes`` planes of ``per_plane`` satellites this is one batched
    matrix product ``(plane, time, 6) @ (plane, 6, 3·per_plane)`` written
    straight into ``out`` (BLAS), where the right-hand matrix spreads each
    satellite's ``(cos u0, sin u0)`` over its three components.
    """
    n_time = out.shape[0]
    for first_sat, first_plane, planes, per_plane in blocks:
        stop = first_sat + planes * per_plane
        weights = np.stack(
            (cos_u0[first_sat:stop], sin_u0[first_sat:stop]), axis=0
        ).reshape(2, planes, per_plane).transpose(1, 0, 2)  # (plane, 2, slot)
        spread = np.zeros((planes, 2, 3, per_plane, 3))
        for c in range(3):
            spread[:, :, c, :, c] = weights
        block = columns[:, first_plane:first_plane + planes].reshape(n_time, planes, 6)
        left = np.ascontiguousarray(block.transpose(1, 0, 2))
        view = out[:, first_sat:stop].reshape(n_time, planes, 3 * per_plane).transpose(1, 0, 2)
        np.matmul(left, spread.reshape(planes, 6, 3 * per_plane), out=view)


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
    from ``eop``.
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
        elements.arg_perigee_rad + elements.mean_anomaly_rad
        - rates.arg_latitude_rate_rad_s * epoch_s, 2.0 * np.pi,
    )
    node0 = np.mod(elements.raan_rad - rates.node_rate_rad_s * epoch_s, 2.0 * np.pi)
    inclination = np.asarray(elements.inclination_rad, dtype=np.float64)

    key = np.stack(
        (rates.radius_km, inclination, node0, rates.arg_latitude_rate_rad_s, rates.node_rate_rad_s),
        axis=1,
    )
    starts, lengths = _runs(key)
    blocks: list[tuple[int, int, int, int]] = []
    plane_starts, plane_lengths = _runs(lengths[:, None].astype(np.float64))
    for first, count in zip(plane_starts.tolist(), plane_lengths.tolist(), strict=True):
        blocks.append((int(starts[first]), first, count, int(lengths[first])))

    jd, fr = utc_ns_to_jd_fr(utc_ns)
    t_s = ((jd - jd0) + (fr - fr0)) * 86_400.0
    dut1_s, xp, yp = eop.at(utc_ns)
    theta = gmst82_rad(jd, fr + dut1_s / 86_400.0)
    polar = None
    if polar_motion:
        cx, sx, cy, sy = np.cos(xp), np.sin(xp), np.cos(yp), np.sin(yp)
        zero = np.zeros_like(cx)
        # W^T, the transpose of Vallado's polarm(xp, yp, '80'): PEF → ITRF, (time, 3, 3).
        polar = np.stack(
            (
                np.stack((cx, sx * sy, sx * cy), axis=-1),
                np.stack((zero, cy, -sy), axis=-1),
                np.stack((-sx, cx * sy, cx * cy), axis=-1),
            ),
            axis=-2,
        )

    # Transcendentals per (time, rate group) only; planes differ by their node angle.
    node_rate = rates.node_rate_rad_s[starts]
    u_rate = rates.arg_latitude_rate_rad_s[starts]
    groups, group = np.unique(np.stack((u_rate, node_rate), axis=1), axis=0, return_inverse=True)
    group = group.reshape(-1)
    phase = t_s[:, None] * groups[:, 0]  # (time, group)
    drift = t_s[:, None] * groups[:, 1] - theta[:, None]  # node motion minus Earth rotation
    cos_drift, sin_drift = np.cos(drift)[:, group], np.sin(drift)[:, group]
    cos_node0, sin_node0 = np.cos(node0[starts]), np.sin(node0[starts])
    pos_cols, vel_cols = _plane_columns(
        rates.radius_km[starts], np.cos(inclination[starts]), np.sin(inclination[starts]),
        cos_drift * cos_node0 - sin_drift * sin_node0,
        sin_drift * cos_node0 + cos_drift * sin_node0,
        np.cos(phase)[:, group], np.sin(phase)[:, group],
        u_rate, node_rate - EARTH_ROTATION_RAD_S, polar, velocities,
    )
    cos_u0, sin_u0 = np.cos(u0), np.sin(u0)
    _fill(r_out, pos_cols, cos_u0, sin_u0, blocks)
    if v_out is not None and vel_cols is not None:
        _fill(v_out, vel_cols, cos_u0, sin_u0, blocks)
    return r_out, v_out
