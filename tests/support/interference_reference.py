"""Reference for the downlink interference sum: the plain NumPy implementation that
:meth:`leonet.radio.links.RadioModel._interference_over_noise_db`'s compiled kernels replaced.

It computes every (site, interfering satellite) term with leonet's public link-budget
pieces (FSPL, atmosphere, terminal pattern) from the sites' own ECEF positions and up
vectors, so the kernels are checked against an independent assembly of the same physics.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.radio.budget import BOLTZMANN_DBW_HZ_K, fspl_db
from leonet.radio.links import RadioModel
from leonet.radio.modcod import symbol_rate_msps

__all__ = ["interference_over_noise_db_reference"]

F64 = NDArray[np.float64]


def interference_over_noise_db_reference(
    radio: RadioModel,
    sat_ecef_km: F64,
    serving: NDArray[np.int32],
    pairs: tuple[ArrayLike, ArrayLike],
    served: NDArray[np.intp],
) -> F64:
    """Aggregate co-channel I/N (dB) per site ``(site,)`` of ``radio``: the sum over the
    visible ``pairs`` (site, sat) whose satellite is not the site's ``serving`` one, for
    satellites at ``sat_ecef_km`` ``(sat, 3)`` ECEF km; ``served`` are the sites with a
    serving satellite (their dish points at it).  ``-inf`` where nothing interferes."""
    n = len(radio.sites)
    out = np.full(n, -np.inf)
    cfg = radio.config
    if not cfg.interference or cfg.co_channel_fraction <= 0:
        return out
    p_site = np.asarray(pairs[0], dtype=np.intp)
    p_sat = np.asarray(pairs[1], dtype=np.intp)
    keep = (serving[p_site] >= 0) & (p_sat != serving[p_site])
    p_site, p_sat = p_site[keep], p_sat[keep]
    if p_site.size == 0:
        return out
    site_xyz = np.asarray(radio.sites.ecef_km, dtype=np.float64)
    site_up = np.asarray(radio.sites.enu[:, 2, :], dtype=np.float64)
    r = sat_ecef_km[p_sat] - site_xyz[p_site]
    rng = np.sqrt((r * r).sum(axis=1))
    el = np.rad2deg(np.arcsin(np.clip((site_up[p_site] * r).sum(axis=1) / rng, -1, 1)))
    point = np.zeros((n, 3))
    point[served] = sat_ecef_km[serving[served]] - site_xyz[served]
    point /= np.maximum(np.sqrt((point * point).sum(axis=1)), 1e-12)[:, None]
    cos_psi = (point[p_site] * r).sum(axis=1) / rng
    psi = np.rad2deg(np.arccos(np.clip(cos_psi, -1.0, 1.0)))
    f = cfg.downlink.centre_ghz
    rel_gain = radio.terminal_relative_gain_db(p_site, psi, 90.0 - el, f)
    rs = float(symbol_rate_msps(cfg.downlink.channel_mhz, cfg.rolloff))
    i_over_n = (
        radio.sat_eirp_dbw[p_sat]
        + 10 * np.log10(cfg.co_channel_fraction)
        - fspl_db(rng, f)
        - radio.atm_down(p_site, el)
        + radio.gt_down_dbk[p_site]
        + rel_gain
        - BOLTZMANN_DBW_HZ_K
        - 10 * np.log10(rs * 1e6)
    )
    total = np.bincount(p_site, weights=10.0 ** (i_over_n / 10.0), minlength=n)
    with np.errstate(divide="ignore"):
        return np.where(total > 0, 10 * np.log10(total), -np.inf)
