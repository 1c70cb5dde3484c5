"""Compiled culling and elevation test behind :func:`leonet.access.visibility.visible`.

Numba kernels on bare float64 arrays (ECEF km), no I/O.

* The sites are put in groups of neighbours once per call
  (:func:`group_sites`), each with a bounding sphere.
* At each step :func:`_visit_step` keeps the satellites within reach of the
  sphere around all sites, then, for each group, those within reach of the
  group's sphere, in satellite order; every site of the group is tested
  against that short list.  Reach is the culling range plus the sphere's
  radius (triangle inequality), so the grouping affects only the speed.
* The test needs no arcsin: ``q = up·rel / |rel|`` (the sine of the
  elevation) against ``sin(mask) − margin`` (:func:`quotient_bounds`).  ``q``
  and the range are computed with the NumPy reference's operations in its
  order (numba emits no fused multiply-add without fast-math), so they are
  bit for bit the values the caller turns into degrees with NumPy.  Pairs
  within the margin of their mask are counted as *uncertain*: the caller
  settles those with the exact rule on the elevation itself.

Two passes of :func:`visit_steps` over the time steps (``prange``, one step
per iteration, so the result does not depend on the number of threads): the
first counts the pairs of every ``(time, site)`` row, the caller turns the
counts into offsets and allocates, the second writes each row at its offset.

Compiled on first use and cached (see :mod:`leonet._numba`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import prange
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = [
    "GROUP_EDGE_DEG",
    "QUOTIENT_MARGIN",
    "farthest_row",
    "finish_angles_deg",
    "group_sites",
    "quotient_bounds",
    "reach_squared_km2",
    "visit_steps",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]
I32 = NDArray[np.int32]
B = NDArray[np.bool_]

#: Edge of a site group (deg of latitude; longitude bins widen by 1/cos(lat) to keep
#: groups near-square on the ground): about 170 km.  Measured on Ukraine (2,520 sites):
#: 0.75° to 2° all within 10 % of each other.
GROUP_EDGE_DEG = 1.5

#: Half-width of the band around ``sin(mask)`` in which ``q = up·rel / |rel|`` does not
#: decide a pair on its own.  NumPy's arcsin and the conversion to degrees err by a few
#: ulps (~1e-15); below ``sin(mask) − margin`` the elevation is below the mask by at
#: least ``margin`` rad (arcsin's slope is at least 1), above ``sin(mask) + margin`` it
#: is above by as much.
QUOTIENT_MARGIN = 1e-12

#: Relative slack on a sphere's reach, for the rounding of the distances.
_REACH_SLACK = 1e-9

#: ``np.rad2deg`` is a product with this constant.
_RAD2DEG = 180.0 / math.pi


_compiled = compiled


def quotient_bounds(mask_deg: F64) -> tuple[F64, F64]:
    """``(low, high)`` bounds on ``q = sin(el)`` for masks ``mask_deg`` (any shape).

    A pair with ``q < low`` is below its mask; one with ``q >= high`` is at or
    above it; in between, the elevation decides.  Masks above 90° give
    ``low = +inf`` (never visible), masks below -90° the bounds of -90° (every
    pair passes), NaN masks NaN (never passes a comparison).
    """
    mask = np.asarray(mask_deg, dtype=np.float64)
    s = np.sin(np.deg2rad(np.clip(mask, -90.0, 90.0)))  # sin is monotone on [-90°, 90°] only
    low = np.where(mask > 90.0, np.inf, s - QUOTIENT_MARGIN)
    return low, s + QUOTIENT_MARGIN


def group_sites(site_ecef_km: F64, lat_deg: F64, lon_deg: F64) -> tuple[I64, I64, F64, F64]:
    """Sites in latitude/longitude bins of about :data:`GROUP_EDGE_DEG`.

    Returns ``ptr`` ``(group + 1,)`` and ``members`` ``(site,)`` (CSR: the sites
    of group ``g`` are ``members[ptr[g]:ptr[g + 1]]``, ascending), ``centre``
    ``(group, 3)`` ECEF km (the members' mean) and ``radius`` ``(group,)`` km
    (the farthest member from the centre).
    """
    lat = np.clip(np.nan_to_num(lat_deg), -90.0, 90.0)
    lon = np.nan_to_num(lon_deg)
    n_row = math.ceil(180.0 / GROUP_EDGE_DEG)
    row = np.minimum(np.floor((lat + 90.0) / GROUP_EDGE_DEG), n_row - 1)
    row_lat = np.deg2rad(-90.0 + (row + 0.5) * GROUP_EDGE_DEG)
    n_col = np.maximum(np.floor(360.0 * np.cos(row_lat) / GROUP_EDGE_DEG), 1.0)
    col = np.minimum(np.floor(np.mod(lon + 180.0, 360.0) / 360.0 * n_col), n_col - 1)
    _, group = np.unique(row * (2 * n_row + 1) + col, return_inverse=True)  # n_col <= 2 n_row
    group = group.reshape(-1)
    n_group = int(group.max()) + 1 if group.size else 0
    members = np.argsort(group, kind="stable").astype(np.int64)
    ptr = np.zeros(n_group + 1, dtype=np.int64)
    np.cumsum(np.bincount(group, minlength=n_group), out=ptr[1:])
    size = np.diff(ptr).astype(np.float64)
    centre = np.stack(
        [np.bincount(group, site_ecef_km[:, k], minlength=n_group) / size for k in range(3)],
        axis=-1,
    )
    radius = np.zeros(n_group)
    np.maximum.at(radius, group, np.linalg.norm(site_ecef_km - centre[group], axis=-1))
    return ptr, members, centre, radius


def reach_squared_km2(culling_km: float, radius_km: F64) -> F64:
    """Squared distance (km²) from a sphere's centre beyond which no satellite is in range."""
    reach = (culling_km + np.asarray(radius_km, dtype=np.float64)) * (1.0 + _REACH_SLACK) + 1e-6
    return np.asarray(reach * reach, dtype=np.float64)


@_compiled()
def _visit_step(
    t: int,
    sats: F64,
    sat_low: F64,
    sat_high: F64,
    sites: F64,
    basis: F64,
    site_own: B,
    site_low: F64,
    site_high: F64,
    ptr: I64,
    members: I64,
    centre: F64,
    reach2: F64,
    hull: F64,
    hull_reach2: float,
    fill: bool,
    counts: I64,
    out_time: I32,
    out_site: I32,
    out_sat: I32,
    out_q: F64,
    out_range: F64,
    out_east: F64,
    out_north: F64,
) -> int:
    """Count (``fill`` false) or write the pairs of step ``t`` (see :func:`visit_steps`)."""
    n_sat = sats.shape[1]
    n_site = sites.shape[0]
    near = np.empty(n_sat, dtype=np.int64)
    n_near = 0
    for j in range(n_sat):
        dx = sats[t, j, 0] - hull[0]
        dy = sats[t, j, 1] - hull[1]
        dz = sats[t, j, 2] - hull[2]
        if dx * dx + dy * dy + dz * dz <= hull_reach2:  # False for NaN (failed) rows
            near[n_near] = j
            n_near += 1
    cand = np.empty(n_near, dtype=np.int64)
    cx = np.empty(n_near)
    cy = np.empty(n_near)
    cz = np.empty(n_near)
    clow = np.empty(n_near)
    chigh = np.empty(n_near)
    rng = np.empty(n_near)
    q = np.empty(n_near)
    uncertain = 0
    for g in range(ptr.shape[0] - 1):
        n_cand = 0
        for m in range(n_near):
            j = near[m]
            dx = sats[t, j, 0] - centre[g, 0]
            dy = sats[t, j, 1] - centre[g, 1]
            dz = sats[t, j, 2] - centre[g, 2]
            if dx * dx + dy * dy + dz * dz <= reach2[g]:
                cand[n_cand] = j
                cx[n_cand] = sats[t, j, 0]
                cy[n_cand] = sats[t, j, 1]
                cz[n_cand] = sats[t, j, 2]
                clow[n_cand] = sat_low[j]
                chigh[n_cand] = sat_high[j]
                n_cand += 1
        for p in range(ptr[g], ptr[g + 1]):
            s = members[p]
            gx, gy, gz = sites[s, 0], sites[s, 1], sites[s, 2]
            ux, uy, uz = basis[s, 2, 0], basis[s, 2, 1], basis[s, 2, 2]
            for i in range(n_cand):  # the NumPy reference's operations, in its order
                rx = cx[i] - gx
                ry = cy[i] - gy
                rz = cz[i] - gz
                rng[i] = math.sqrt(rx * rx + ry * ry + rz * rz)
                q[i] = (ux * rx + uy * ry + uz * rz) / rng[i]  # NaN at the site: fails below
            own = site_own[s]
            row = t * n_site + s
            if not fill:
                k = 0
                if own:
                    for i in range(n_cand):
                        k += q[i] >= site_low[s]
                else:
                    for i in range(n_cand):
                        k += q[i] >= clow[i]
                counts[row] = k
                continue
            ex, ey, ez = basis[s, 0, 0], basis[s, 0, 1], basis[s, 0, 2]
            nx, ny, nz = basis[s, 1, 0], basis[s, 1, 1], basis[s, 1, 2]
            k = counts[row]
            for i in range(n_cand):
                if q[i] >= (site_low[s] if own else clow[i]):
                    uncertain += q[i] < (site_high[s] if own else chigh[i])
                    rx = cx[i] - gx
                    ry = cy[i] - gy
                    rz = cz[i] - gz
                    out_time[k] = t
                    out_site[k] = s
                    out_sat[k] = cand[i]
                    out_q[k] = min(max(q[i], -1.0), 1.0)  # np.clip(q, -1, 1); q is not NaN
                    out_range[k] = rng[i]
                    out_east[k] = ex * rx + ey * ry + ez * rz
                    out_north[k] = nx * rx + ny * ry + nz * rz
                    k += 1
    return uncertain


@_compiled(parallel=True)
def visit_steps(
    fill: bool,
    sats: F64,
    sat_low: F64,
    sat_high: F64,
    sites: F64,
    basis: F64,
    site_own: B,
    site_low: F64,
    site_high: F64,
    ptr: I64,
    members: I64,
    centre: F64,
    reach2: F64,
    hull: F64,
    hull_reach2: float,
    counts: I64,
    out_time: I32,
    out_site: I32,
    out_sat: I32,
    out_q: F64,
    out_range: F64,
    out_east: F64,
    out_north: F64,
) -> int:
    """Count, or write, the pairs at or above their low bound; returns the uncertain ones.

    ``fill`` false: the pairs of row ``t * n_site + s`` go to ``counts[row]``
    (the ``out_*`` arrays are not touched, and may be empty).  ``fill`` true:
    ``counts`` holds the offsets, and each row is written from its offset:
    ``out_q`` gets ``q = up·rel / |rel|`` clipped to [-1, 1], ``out_range``
    ``|rel|`` (km), ``out_east`` and ``out_north`` the east and north
    components of ``rel`` (km).  One function for both passes: numba compiles
    a parallel loop once (seconds), not twice.
    """
    uncertain = np.zeros(sats.shape[0], dtype=np.int64)
    for t in prange(sats.shape[0]):
        uncertain[t] = _visit_step(
            t,
            sats,
            sat_low,
            sat_high,
            sites,
            basis,
            site_own,
            site_low,
            site_high,
            ptr,
            members,
            centre,
            reach2,
            hull,
            hull_reach2,
            fill,
            counts,
            out_time,
            out_site,
            out_sat,
            out_q,
            out_range,
            out_east,
            out_north,
        )
    return int(uncertain.sum())


@_compiled(parallel=True)
def finish_angles_deg(sin_el: F64, east_rad: F64) -> None:
    """In place: ``arcsin(q)`` → elevation deg; ``arctan2(e, n)`` → azimuth deg in [0, 360).

    Bit for bit ``np.rad2deg`` (a product with ``180 / π``) and, for angles in
    [-180°, 180°], ``np.mod(·, 360)`` (``+0`` for ``±0``), in one parallel
    pass instead of three NumPy passes.
    """
    for i in prange(sin_el.shape[0]):
        sin_el[i] = sin_el[i] * _RAD2DEG
        az = east_rad[i] * _RAD2DEG
        if az < 0.0:
            az += 360.0
        elif az == 0.0:
            az = 0.0
        east_rad[i] = az


@_compiled()
def farthest_row(sats: F64) -> F64:
    """The finite row of ``sats`` ``(time, sat, 3)`` farthest from the origin, ``(1, 3)``.

    ``(0, 3)`` when no row is finite.
    """
    best = -1.0
    out = np.zeros((1, 3))
    for t in range(sats.shape[0]):
        for j in range(sats.shape[1]):
            x, y, z = sats[t, j, 0], sats[t, j, 1], sats[t, j, 2]
            r2 = x * x + y * y + z * z
            if r2 > best and math.isfinite(r2):
                best = r2
                out[0, 0], out[0, 1], out[0, 2] = x, y, z
    return out if best >= 0.0 else out[:0]
