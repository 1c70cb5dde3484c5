"""The coverage cone of a satellite: closed-form geometry on a spherical Earth.

A satellite at altitude ``h`` above a sphere of radius ``R`` is seen at
elevation ``ε`` or more from the ground inside a spherical cap.  With
``r = R + h`` (the classical result, e.g. Wertz, *Space Mission Engineering*,
2011, §8.3):

* Earth-central half-angle of the cap ``λ = arccos(R cos ε / r) − ε``;
* ground radius of the cap (along the surface) ``R λ``;
* slant range at the edge of the cap ``ρ = sqrt(r² − R² cos² ε) − R sin ε``.

:func:`culling_range_km` turns the slant-range formula into a *conservative*
search radius for real sites on the WGS84 ellipsoid and real satellites on
eccentric orbits; the visibility layer culls satellites with it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import WGS84_A_KM

__all__ = [
    "MAX_VERTICAL_DEFLECTION_DEG",
    "coverage_cone_radius_km",
    "culling_range_km",
    "earth_central_angle_deg",
    "max_slant_range_km",
]

F64 = NDArray[np.float64]

#: Upper bound on the angle between the WGS84 ellipsoid normal (which defines
#: elevation) and the geocentric radial direction at any site: the largest
#: difference between geodetic and geocentric latitude is 0.1924° (at 45°).
MAX_VERTICAL_DEFLECTION_DEG = 0.2


def _slant_range_km(
    site_radius_km: ArrayLike, orbit_radius_km: ArrayLike, elevation_rad: ArrayLike
) -> F64:
    big_r = np.asarray(site_radius_km, dtype=np.float64)
    r = np.asarray(orbit_radius_km, dtype=np.float64)
    eps = np.asarray(elevation_rad, dtype=np.float64)
    inside = np.maximum(r**2 - (big_r * np.cos(eps)) ** 2, 0.0)
    return np.asarray(np.sqrt(inside) - big_r * np.sin(eps), dtype=np.float64)


def max_slant_range_km(
    altitude_km: ArrayLike, min_elevation_deg: ArrayLike, earth_radius_km: float = WGS84_A_KM
) -> F64:
    """Slant range (km) to a satellite at ``altitude_km`` seen at exactly ``min_elevation_deg``.

    Spherical Earth of radius ``earth_radius_km`` (default the WGS84 equatorial
    radius); arrays broadcast.  Overhead (90°) it is the altitude itself.
    """
    r = earth_radius_km + np.asarray(altitude_km, dtype=np.float64)
    eps = np.deg2rad(np.asarray(min_elevation_deg, dtype=np.float64))
    return _slant_range_km(earth_radius_km, r, eps)


def earth_central_angle_deg(
    altitude_km: ArrayLike, min_elevation_deg: ArrayLike, earth_radius_km: float = WGS84_A_KM
) -> F64:
    """Earth-central half-angle (deg) of the cap that sees the satellite above the mask.

    ``λ = arccos(R cos ε / (R + h)) − ε`` on a sphere of radius ``earth_radius_km``;
    arrays broadcast.
    """
    r = earth_radius_km + np.asarray(altitude_km, dtype=np.float64)
    eps = np.deg2rad(np.asarray(min_elevation_deg, dtype=np.float64))
    angle_deg: F64 = np.rad2deg(
        np.arccos(np.clip(earth_radius_km * np.cos(eps) / r, -1.0, 1.0)) - eps
    )
    return angle_deg


def coverage_cone_radius_km(
    altitude_km: ArrayLike, min_elevation_deg: ArrayLike, earth_radius_km: float = WGS84_A_KM
) -> F64:
    """Ground radius (km, along the surface) of a satellite's coverage cap.

    ``R λ`` with ``λ`` from :func:`earth_central_angle_deg`: about 940 km for a
    550 km satellite at a 25° mask.  Arrays broadcast.
    """
    lam = np.deg2rad(earth_central_angle_deg(altitude_km, min_elevation_deg, earth_radius_km))
    return earth_radius_km * lam


def culling_range_km(
    site_ecef_km: ArrayLike, sat_ecef_km: ArrayLike, min_elevation_deg: float
) -> float:
    """A search radius (km) that no pair above ``min_elevation_deg`` can exceed.

    ``site_ecef_km`` ``(..., 3)`` and ``sat_ecef_km`` ``(..., 3)`` ECEF km (NaN
    rows ignored).  Conservative for the WGS84 ellipsoid: the slant range
    formula is monotone — larger for a smaller site radius, a larger orbit
    radius and a lower elevation — so it is evaluated at the smallest
    geocentric radius of any site, the largest of any satellite, and the mask
    lowered by :data:`MAX_VERTICAL_DEFLECTION_DEG` (elevation is measured from
    the ellipsoid normal, the formula from the geocentric radial), plus 1 m.
    """
    if not np.isfinite(min_elevation_deg):
        raise ValueError(f"min_elevation_deg must be finite, got {min_elevation_deg!r}")
    site_r = np.linalg.norm(np.asarray(site_ecef_km, dtype=np.float64).reshape(-1, 3), axis=-1)
    sat_r = np.linalg.norm(np.asarray(sat_ecef_km, dtype=np.float64).reshape(-1, 3), axis=-1)
    site_r, sat_r = site_r[np.isfinite(site_r)], sat_r[np.isfinite(sat_r)]
    if site_r.size == 0 or sat_r.size == 0:
        return 0.0
    eps_deg = max(float(min_elevation_deg) - MAX_VERTICAL_DEFLECTION_DEG, -90.0)
    r_site, r_sat = float(site_r.min()), float(sat_r.max())
    rho = float(_slant_range_km(r_site, r_sat, np.deg2rad(eps_deg)))
    return min(rho, r_sat + float(site_r.max())) + 1e-3
