"""Compiled loops behind :class:`leonet.radio.RadioModel`'s per-step links.

Numba kernels on bare arrays (ECEF km, degrees, dB), no I/O.

:func:`link_geometry` is the geometry of the served links (a few thousand);
:func:`direction_columns` their SINR, MODCOD and capacity columns;
:func:`interpolate_rows` the lookup of :class:`~leonet.radio.atmosphere.AtmosphereTable`;
:func:`best_gateway` picks each satellite's highest-elevation gateway in one
pass over the gateway pairs.  On a few thousand links they replace a dozen
NumPy calls each, whose fixed costs dominated.

Co-channel interference
    The I/N of a step runs over every visible (site, satellite) pair —
    ~176,000 over Ukraine — so it is split where each tool is fastest:

    1. :func:`pair_geometry` (numba): for each pair 1/r² (r the slant
       range), the satellite's EIRP, the sine of the elevation and the
       cosine of the angle ψ off the terminal's beam (the beam points at the
       serving satellite); 1/r² = 0 and NaN angles for the pairs that do not
       interfere (unserved site, serving satellite).
    2. NumPy on those arrays: ``arcsin``, ``arccos`` and ``log10``, whose SIMD
       versions are several times faster than the scalar ones a numba loop
       calls.
    3. :func:`pair_interference_db` (numba): the atmosphere interpolated on
       the site's table, the terminal's off-axis gain (main lobe, ITU-R
       S.465-6 envelope, element loss) and the rest of the budget per pair —
       all but the range, which enters in linear power.
    4. NumPy ``exp`` to linear power, then :func:`sum_by_site` (numba)
       multiplies by 1/r² and adds per site.

    The pairs are taken in runs of one site (visibility lists them by site;
    any order is correct, runs make it fast): the site's constants stay in
    registers and the arithmetic runs as SIMD loops over the run.  Rounding
    differs from the NumPy reference (FSPL as ``1/r²`` times a constant
    instead of ``20·log10(4π d f / c)``, the element loss from the sine of
    the elevation instead of ``cos(90° − el)``, a product with ``1/r``
    instead of a quotient, the order of the sum): the I/N agree to ~1e-14 dB.

Compiled on first use and cached (see :mod:`leonet._numba`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = [
    "BAD_PAIR",
    "best_gateway",
    "direction_columns",
    "interpolate_rows",
    "link_geometry",
    "pair_geometry",
    "pair_interference_db",
    "sum_by_site",
]

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]
I64 = NDArray[np.int64]

#: Status of :func:`pair_geometry` when a pair's site or satellite index is out of range.
BAD_PAIR = -1

#: ``np.rad2deg`` is a product with this constant.
_RAD2DEG = 180.0 / math.pi

#: dB → natural logarithm of the power ratio.
_LN10_OVER_10 = math.log(10.0) / 10.0


def _compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """:func:`leonet._numba.compiled` with NumPy's error model: a division by zero gives
    inf/NaN as in NumPy instead of a check and an exception on every division."""
    return compiled(error_model="numpy", **options)


@_compiled()
def pair_geometry(
    sat_xyz: F64,
    site_xyz: F64,
    site_up: F64,
    serving: I32,
    sat_eirp_dbw: F64,
    p_site: I32,
    p_sat: I32,
    inv_range2: F64,
    sin_el: F64,
    cos_psi: F64,
    eirp_dbw: F64,
) -> int:
    """Geometry of the visible pairs into the last four arrays ``(pair,)``.

    ``sat_xyz`` ``(sat, 3)``, ``site_xyz`` ``(site, 3)`` ECEF km;
    ``site_up`` ``(site, 3)`` local up unit vectors; ``serving`` ``(site,)``
    (−1 unserved); ``sat_eirp_dbw`` ``(sat,)``; ``p_site``, ``p_sat``
    ``(pair,)``.  Writes 1/r² (km⁻², r the slant range), the sine of the
    elevation and the cosine of ψ clipped to [−1, 1], and the satellite's
    EIRP; for the pairs that do not interfere (unserved site, or its serving
    satellite) 1/r² is 0 and the sine and cosine NaN.  Returns 0, or :data:`BAD_PAIR` (outputs
    unspecified) if an index is out of range.
    """
    n_site = site_xyz.shape[0]
    n_sat = sat_xyz.shape[0]
    n = p_site.shape[0]
    start = 0
    while start < n:  # one run of pairs of one site at a time
        stop = start + 1
        while stop < n and p_site[stop] == p_site[start]:
            stop += 1
        # Unsigned: a negative index fails the range test, and the indexing below
        # pays for no negative-index wrap-around.
        s = np.uint32(p_site[start])
        if s >= n_site:
            return BAD_PAIR
        serve = serving[s]
        if serve >= n_sat:
            return BAD_PAIR
        x0, y0, z0 = site_xyz[s, 0], site_xyz[s, 1], site_xyz[s, 2]
        ux, uy, uz = site_up[s, 0], site_up[s, 1], site_up[s, 2]
        # Unit vector toward the serving satellite: the terminal's beam.
        px = py = pz = 0.0
        if serve >= 0:
            a = sat_xyz[serve, 0] - x0
            b = sat_xyz[serve, 1] - y0
            c = sat_xyz[serve, 2] - z0
            norm = max(math.sqrt(a * a + b * b + c * c), 1e-12)
            px, py, pz = a / norm, b / norm, c / norm
        # Gathers (scalar loop): r², up·r and beam·r into the outputs.
        for i in range(np.uint64(start), np.uint64(stop)):
            j = np.uint32(p_sat[i])
            if j >= n_sat:
                return BAD_PAIR
            eirp_dbw[i] = sat_eirp_dbw[j]
            rx = sat_xyz[j, 0] - x0
            ry = sat_xyz[j, 1] - y0
            rz = sat_xyz[j, 2] - z0
            inv_range2[i] = rx * rx + ry * ry + rz * rz
            sin_el[i] = ux * rx + uy * ry + uz * rz
            cos_psi[i] = px * rx + py * ry + pz * rz
        # Contiguous arithmetic (a SIMD loop): divide by the range and clip; NaN for
        # the pairs that do not interfere.
        for i in range(np.uint64(start), np.uint64(stop)):
            r2 = inv_range2[i]
            excluded = serve < 0 or p_sat[i] == serve
            r2 = np.nan if excluded else r2
            inv_d = 1.0 / math.sqrt(r2)
            q = sin_el[i] * inv_d
            q = -1.0 if q < -1.0 else q
            sin_el[i] = 1.0 if q > 1.0 else q
            c = cos_psi[i] * inv_d
            c = -1.0 if c < -1.0 else c
            cos_psi[i] = 1.0 if c > 1.0 else c
            inv_range2[i] = 0.0 if excluded else inv_d * inv_d
        start = stop
    return 0


@_compiled()
def pair_interference_db(
    p_site: I32,
    eirp_dbw: F64,
    el_rad: F64,
    psi_rad: F64,
    log_sin_el: F64,
    log_psi_rad: F64,
    atm_db: F64,
    el0_deg: float,
    del_deg: float,
    site_gt_dbk: F64,
    site_peak_dbi: F64,
    site_d_over_lambda: F64,
    site_psi_min_deg: F64,
    site_scan_db_per_decade: F64,
    site_scan_floor_db: F64,
    constant_db: float,
    out: F64,
) -> None:
    """ln of the I/N at 1 km of each pair into ``out`` ``(pair,)``; −inf where ``el_rad`` is NaN.

    Site indices as checked by :func:`pair_geometry`; ``eirp_dbw`` its
    per-pair EIRP.  Angles in radians with their ``log10``; ``atm_db``
    ``(site, elevation)`` on the grid ``el0_deg + k·del_deg`` (linear in
    elevation, clamped, as :class:`~leonet.radio.atmosphere.AtmosphereTable`);
    per-site terminal constants at the downlink frequency (peak gain, D/λ,
    S.465's ψ_min, ``10·n`` of the scan loss and its floor); ``constant_db``
    holds every term common to all pairs in dB (co-channel share,
    −10·log10 k, −10·log10 Rs and the FSPL at 1 km).  The sum is converted to
    natural-log units (``exp`` of the output is the linear power); the
    range's ``1/r²`` is left to :func:`sum_by_site`.

    Each run of pairs of one site (visibility lists them by site) is one
    SIMD loop with the site's constants in registers, then a scalar loop
    reads the atmosphere table.  Unsigned loop indices: numba adds no
    negative-index wrap-around, which would keep LLVM from vectorising.
    """
    n_col = atm_db.shape[1]
    last = n_col - 1.0
    top = np.int32(n_col - 2)
    log_rad2deg = math.log10(_RAD2DEG)
    n = p_site.shape[0]
    row_index = np.empty(n, dtype=np.int32)
    frac = np.empty(n)
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and p_site[stop] == p_site[start]:
            stop += 1
        s = np.uint32(p_site[start])
        g0 = site_peak_dbi[s]
        d_over_lambda = site_d_over_lambda[s]
        psi_min = site_psi_min_deg[s]
        scan_slope = site_scan_db_per_decade[s]
        floor = site_scan_floor_db[s]
        base = constant_db + site_gt_dbk[s]
        for i in range(np.uint64(start), np.uint64(stop)):
            el = el_rad[i] * _RAD2DEG
            # Where on the atmosphere table's elevation grid (NaN → the first row).
            x = (el - el0_deg) / del_deg
            x = x if x > 0.0 else 0.0
            x = x if x < last else last
            lo = np.int32(x)
            lo = lo if lo < top else top
            row_index[i] = lo
            frac[i] = x - lo
            # Terminal gain toward it, relative to the peak: off-axis pattern + element loss.
            psi = psi_rad[i] * _RAD2DEG
            u = d_over_lambda * psi
            main = g0 - 2.5e-3 * (u * u)
            side = 32.0 - 25.0 * (log_psi_rad[i] + log_rad2deg)
            envelope = side if psi < 48.0 else -10.0
            envelope = main if main > envelope else envelope
            pattern = main if psi < psi_min else envelope
            pattern = pattern if pattern < g0 else g0
            element = scan_slope * log_sin_el[i]
            element = element if element > floor else floor
            element = floor if el <= 0.0 else element
            value = eirp_dbw[i] + base + ((pattern + element) - g0)
            out[i] = value if el == el else -np.inf
        atm = atm_db[s]
        for i in range(np.uint64(start), np.uint64(stop)):
            lo = row_index[i]
            f = frac[i]
            out[i] = (out[i] - ((1.0 - f) * atm[lo] + f * atm[lo + 1])) * _LN10_OVER_10
        start = stop


@_compiled(fastmath={"reassoc"})
def sum_by_site(p_site: I32, power: F64, inv_range2: F64, n_site: int) -> F64:
    """Σ ``power × inv_range2`` per site ``(site,)``.

    Each run of pairs of one site is one SIMD reduction (``reassoc``: the
    order of the additions is the compiler's, so the last bits may differ
    from ``np.bincount``'s pair order; ~1e-16 relative).
    """
    total = np.zeros(n_site)
    n = p_site.shape[0]
    start = 0
    while start < n:
        stop = start + 1
        while stop < n and p_site[stop] == p_site[start]:
            stop += 1
        acc = 0.0
        for i in range(np.uint64(start), np.uint64(stop)):
            acc += power[i] * inv_range2[i]
        total[np.uint32(p_site[start])] += acc
        start = stop
    return total


@_compiled()
def best_gateway(gateway: I32, sat: I32, el_deg: F64, n_sat: int) -> tuple[I64, F64]:
    """Each satellite's highest-elevation gateway ``(sat,)`` (−1 none) and its elevation.

    Ties go to the first pair; a NaN elevation is taken only when all of the
    satellite's pairs are NaN — the first of ``np.lexsort((-el, sat))`` per
    satellite.  ``sat`` must be in ``[0, n_sat)`` (the caller checks).
    """
    best = np.full(n_sat, -1, dtype=np.int64)
    best_el = np.full(n_sat, np.nan)
    for i in range(sat.shape[0]):
        s = sat[i]
        e = el_deg[i]
        b = best_el[s]
        if best[s] < 0 or (b != b and e == e) or e > b:
            best[s] = gateway[i]
            best_el[s] = e
    return best, best_el


@_compiled()
def link_geometry(
    sat_xyz: F64,
    site_xyz: F64,
    site_enu: F64,
    beam_centre: F64,
    sites: I64,
    sats: I64,
    enu: F64,
    el_deg: F64,
    range_km: F64,
    offset_deg: F64,
) -> None:
    """Geometry of links ``sites[k]`` → ``sats[k]`` into the last four arrays ``(link, …)``.

    ``site_enu`` ``(site, 3, 3)`` rows east, north, up; ``beam_centre``
    ``(site, 3)`` ECEF km where each site's serving beam points.  Writes the
    unit vector to the satellite in the site's ENU frame ``(link, 3)``, its
    elevation (deg), the slant range (km) and the angle (deg) at the
    satellite between the site and the beam centre.  Indices unchecked (the
    caller's).
    """
    for k in range(sites.shape[0]):
        s = sites[k]
        j = sats[k]
        rx = sat_xyz[j, 0] - site_xyz[s, 0]
        ry = sat_xyz[j, 1] - site_xyz[s, 1]
        rz = sat_xyz[j, 2] - site_xyz[s, 2]
        d = math.sqrt(rx * rx + ry * ry + rz * rz)
        for a in range(3):
            enu[k, a] = (
                site_enu[s, a, 0] * rx + site_enu[s, a, 1] * ry + site_enu[s, a, 2] * rz
            ) / d
        q = enu[k, 2]
        el_deg[k] = math.asin(min(max(q, -1.0), 1.0)) * _RAD2DEG
        range_km[k] = d
        # Angle between −r (satellite → site) and satellite → beam centre.
        bx = beam_centre[s, 0] - sat_xyz[j, 0]
        by = beam_centre[s, 1] - sat_xyz[j, 1]
        bz = beam_centre[s, 2] - sat_xyz[j, 2]
        cx = -ry * bz + rz * by
        cy = -rz * bx + rx * bz
        cz = -rx * by + ry * bx
        cross = math.sqrt(cx * cx + cy * cy + cz * cz)
        dot = -rx * bx - ry * by - rz * bz
        offset_deg[k] = math.atan2(cross, dot) * _RAD2DEG


@_compiled()
def interpolate_rows(
    table: F64,
    rows: I64,
    x: F64,
    x0: float,
    dx: float,
    out: F64,
) -> int:
    """Linear interpolation of ``table[rows[k]]`` on the grid ``x0 + i·dx`` at ``x[k]``.

    Clamped to the grid; NaN ``x`` → the first column.  Returns 0, or −1 if a
    row index is out of range.  The arithmetic of
    :meth:`~leonet.radio.atmosphere.AtmosphereTable.__call__`'s NumPy form.
    """
    n_row, n_col = table.shape
    last = n_col - 1.0
    for k in range(rows.shape[0]):
        r = rows[k]
        if r < 0 or r >= n_row:
            return -1
        p = (x[k] - x0) / dx
        p = 0.0 if p != p else min(max(p, 0.0), last)
        lo = min(int(p), n_col - 2)
        frac = p - lo
        out[k] = (1.0 - frac) * table[r, lo] + frac * table[r, lo + 1]
    return 0


@_compiled()
def _select(x: float, thresholds: F64, frontier: I64) -> int:
    """:meth:`~leonet.radio.modcod.ModcodLadder.select` of one Es/N0 (−1 outage or NaN)."""
    if x != x:
        return -1
    lo, hi = 0, thresholds.shape[0]  # count the thresholds <= x (searchsorted "right")
    while lo < hi:
        mid = (lo + hi) // 2
        if thresholds[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return -1 if lo == 0 else frontier[lo - 1]


@_compiled()
def direction_columns(
    served: I64,
    snr_db: F64,
    i_over_n_db: F64,
    j_over_n_db: F64,
    symbol_rate_msps: F64,
    implementation_loss_db: float,
    thresholds: F64,
    frontier: I64,
    rank_of: I64,
    efficiency: F64,
    snr_out: F64,
    sinr_out: F64,
    i_out: F64,
    j_over_s_out: F64,
    modcod_out: I64,
    modcod_unjammed_out: I64,
    downshift_out: I64,
    capacity_out: F64,
) -> None:
    """One direction's per-site columns ``(site,)`` from its served links ``(link,)``.

    SINR = S / (N + I + J) (``sinr_db``'s order: ``(1 + I/N) + J/N``); MODCOD
    selected at SINR − implementation loss on the ladder's frontier
    (``thresholds``, ``frontier``), with and without the jammers; the
    downshift in frontier ranks (``rank_of`` per table index); capacity =
    symbol rate × ``efficiency`` per table index.  Unserved sites get NaN,
    −inf, −1 (outage), 0.
    """
    for k in range(snr_out.shape[0]):
        snr_out[k] = np.nan
        sinr_out[k] = np.nan
        i_out[k] = -np.inf
        j_over_s_out[k] = -np.inf
        modcod_out[k] = -1
        modcod_unjammed_out[k] = -1
        downshift_out[k] = 0
        capacity_out[k] = 0.0
    for k in range(served.shape[0]):
        s = served[k]
        snr = snr_db[k]
        clean = 1.0 + 10.0 ** (i_over_n_db[k] / 10.0)
        jammed = clean + 10.0 ** (j_over_n_db[k] / 10.0)
        sinr_clean = snr - 10.0 * math.log10(clean)
        sinr = snr - 10.0 * math.log10(jammed)
        mod_clean = _select(sinr_clean - implementation_loss_db, thresholds, frontier)
        mod = _select(sinr - implementation_loss_db, thresholds, frontier)
        rank_clean = -1 if mod_clean < 0 else rank_of[mod_clean]
        rank = -1 if mod < 0 else rank_of[mod]
        snr_out[s] = snr
        sinr_out[s] = sinr
        i_out[s] = i_over_n_db[k]
        j_over_s_out[s] = j_over_n_db[k] - snr
        modcod_out[s] = mod
        modcod_unjammed_out[s] = mod_clean
        downshift_out[s] = rank_clean - rank
        capacity_out[s] = symbol_rate_msps[k] * (0.0 if mod < 0 else efficiency[mod])
