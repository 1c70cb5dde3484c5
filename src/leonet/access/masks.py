"""Elevation masks: per shell, per site, and the rule that combines them.

A satellite may serve a site only at or above a minimum elevation.  Two
parties set one:

* the **shell** (operator / licence design value; Starlink's FCC filings use
  25°) — per satellite through its shell, :func:`satellite_min_elevation_deg`;
* the **site** (a terminal's horizon, or a gateway's own antenna limit) —
  ``site_min_elevation_deg`` with NaN meaning "no override".

The rule, :func:`effective_min_elevation_deg`: **the site's value where it is
finite, otherwise the satellite's shell value.**  A site override may be lower
than the shell's (gateways track lower) or higher (a terminal behind trees).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.defaults import DEFAULT_MIN_ELEVATION_DEG
from leonet.space.constellation import Constellation

__all__ = [
    "dish_view",
    "effective_min_elevation_deg",
    "satellite_min_elevation_deg",
]

F64 = NDArray[np.float64]


def satellite_min_elevation_deg(
    constellation: Constellation, default_deg: float = DEFAULT_MIN_ELEVATION_DEG
) -> F64:
    """Per-satellite mask ``(sat,)`` in degrees from each satellite's shell.

    Satellites with no shell (``shell == -1``) get ``default_deg``.
    """
    masks = np.array([s.min_elevation_deg for s in constellation.shells] + [default_deg])
    shell = np.asarray(constellation.shell, dtype=np.int64)
    return masks[np.where(shell >= 0, shell, len(masks) - 1)].astype(np.float64)


def effective_min_elevation_deg(
    site_min_elevation_deg: ArrayLike, sat_min_elevation_deg: ArrayLike
) -> F64:
    """The mask (deg) that applies to each (site, satellite) pair.

    Arrays broadcast: ``(site, 1)`` against ``(sat,)`` gives ``(site, sat)``;
    per-pair gathers give ``(pair,)``.  The site's value where finite, else the
    satellite's (shell) value.
    """
    site = np.asarray(site_min_elevation_deg, dtype=np.float64)
    sat = np.asarray(sat_min_elevation_deg, dtype=np.float64)
    return np.where(np.isfinite(site), site, sat)


def dish_view(r_ecef_km: ArrayLike, constellation: Constellation) -> F64:
    """Satellite positions ``(..., sat, 3)`` as a dish terminal sees them: those that cannot
    serve one — Direct to Cell satellites (:attr:`Constellation.direct_to_cell`) — NaN,
    so that visibility never offers them.  Lasers and gateways use the positions as they
    are (those satellites still relay)."""
    r = np.asarray(r_ecef_km, dtype=np.float64)
    dtc = constellation.direct_to_cell
    return np.where(dtc[:, None], np.nan, r) if dtc.any() else r
