"""Antenna patterns: terminal phased array (scan loss, off-axis envelope), satellite beams.

Angles are degrees; gains dBi (absolute) or dB (relative, ≤ 0).  All
functions broadcast over NumPy arrays.

Terminal (flat phased array, boresight normal to the panel)
    * **Scan loss** toward a direction θ off boresight: ``10·n·log10(cos θ)``
      (projected aperture × element pattern, Mailloux 2018 §1.1), floored at
      the type's ``scan_floor_db`` and equal to the floor at and beyond 90°.
    * **Off-axis gain** of the steered beam toward a direction ψ away from the
      beam: the main lobe ``G0 − 2.5·10⁻³ (D/λ · ψ)²`` (ITU-R S.580 / RR
      Appendix 8) until it meets the ITU-R S.465-6 envelope ``32 − 25·log10 ψ``
      (ψ ≥ ψ_min), −10 dBi beyond 48°; never above ``G0``.  The element
      pattern toward the interferer (its own scan loss) is added, so a panel
      facing up has little gain toward the horizon.

Satellite beam
    ``−12 (φ / φ3dB)²`` dB from beam centre down to a floor (ITU-R S.1528
    §1.2 with L_N the floor).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "angle_between_deg",
    "off_axis_gain_dbi",
    "s465_envelope_dbi",
    "satellite_beam_loss_db",
    "scan_loss_db",
]

F64 = NDArray[np.float64]


def angle_between_deg(a: ArrayLike, b: ArrayLike) -> F64:
    """Angle (deg) between vectors ``a`` and ``b`` ``(..., 3)`` (any length, broadcast)."""
    u = np.asarray(a, dtype=np.float64)
    v = np.asarray(b, dtype=np.float64)
    cross = np.linalg.norm(np.cross(u, v), axis=-1)
    dot = np.sum(u * v, axis=-1)
    angle_deg: F64 = np.rad2deg(np.arctan2(cross, dot))
    return angle_deg


def scan_loss_db(theta_deg: ArrayLike, exponent: float, floor_db: float) -> F64:
    """Phased-array scan loss (dB, ≤ 0) at ``theta_deg`` off boresight: cos^n, floored."""
    theta = np.asarray(theta_deg, dtype=np.float64)
    c = np.cos(np.deg2rad(np.minimum(np.abs(theta), 90.0)))
    with np.errstate(divide="ignore"):
        loss = 10.0 * exponent * np.log10(c)
    return np.maximum(np.where(np.abs(theta) >= 90.0, floor_db, loss), floor_db)


def _s465_psi_min_deg(d_over_lambda: float) -> float:
    """ITU-R S.465-6's ψ_min (deg): max(1°, 100 λ/D) for D/λ ≥ 50, else max(2°, 114 (D/λ)^−1.09)."""
    if d_over_lambda >= 50.0:
        return max(1.0, 100.0 / d_over_lambda)
    return float(max(2.0, 114.0 * d_over_lambda**-1.09))


def s465_envelope_dbi(psi_deg: ArrayLike, d_over_lambda: float) -> F64:
    """ITU-R S.465-6 side-lobe envelope (dBi) at ``psi_deg`` off the beam axis.

    ``32 − 25·log10 ψ`` for ψ_min ≤ ψ < 48°, −10 dBi for 48°–180°, with
    ψ_min = max(1°, 100 λ/D) for D/λ ≥ 50, else max(2°, 114 (D/λ)^−1.09);
    +inf inside ψ_min (the main lobe governs there).
    """
    psi = np.abs(np.asarray(psi_deg, dtype=np.float64))
    psi_min = _s465_psi_min_deg(d_over_lambda)
    with np.errstate(divide="ignore"):
        side = 32.0 - 25.0 * np.log10(np.maximum(psi, 1e-12))
    return np.where(psi < psi_min, np.inf, np.where(psi < 48.0, side, -10.0))


def off_axis_gain_dbi(
    psi_deg: ArrayLike,
    peak_gain_dbi: float,
    d_over_lambda: float,
    theta_deg: ArrayLike,
    scan_exponent: float,
    scan_floor_db: float,
) -> F64:
    """Gain (dBi) of a steered array toward a direction ``psi_deg`` off its beam.

    ``theta_deg`` is that direction's angle from the panel's boresight (its
    element-pattern loss, :func:`scan_loss_db`).  At ψ = 0 this is the scanned
    peak gain ``G0 + scan_loss(θ)``.
    """
    psi = np.abs(np.asarray(psi_deg, dtype=np.float64))
    main = peak_gain_dbi - 2.5e-3 * (d_over_lambda * psi) ** 2
    envelope = s465_envelope_dbi(psi, d_over_lambda)
    pattern = np.where(np.isinf(envelope), main, np.maximum(main, envelope))
    return np.minimum(pattern, peak_gain_dbi) + scan_loss_db(
        theta_deg, scan_exponent, scan_floor_db
    )


def satellite_beam_loss_db(
    off_axis_deg: ArrayLike, beam_3db_deg: ArrayLike, floor_db: ArrayLike
) -> F64:
    """Satellite beam roll-off (dB, ≤ 0) ``off_axis_deg`` from beam centre: −12(φ/φ3)², floored."""
    phi = np.asarray(off_axis_deg, dtype=np.float64)
    width = np.asarray(beam_3db_deg, dtype=np.float64)
    return np.maximum(-12.0 * (phi / width) ** 2, np.asarray(floor_db, dtype=np.float64))
