"""Great-circle distance and interpolation on the mean-radius sphere.

Ground distances here (fibre routes, terminal tracks) are spherical: the
geodetic latitude and longitude are used as if on a sphere of radius
:data:`leonet.constants.EARTH_MEAN_RADIUS_KM`.  Against the WGS84 geodesic the
error is below 0.5 %, far smaller than the uncertainty of a fibre route factor.
Everything broadcasts like NumPy.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import EARTH_MEAN_RADIUS_KM

__all__ = ["great_circle_km", "interpolate_great_circle"]

F64 = NDArray[np.float64]


def _unit_vectors(lat_deg: ArrayLike, lon_deg: ArrayLike) -> F64:
    lat = np.deg2rad(np.asarray(lat_deg, dtype=np.float64))
    lon = np.deg2rad(np.asarray(lon_deg, dtype=np.float64))
    cl = np.cos(lat)
    return np.stack(np.broadcast_arrays(cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)), axis=-1)


def great_circle_km(
    lat1_deg: ArrayLike, lon1_deg: ArrayLike, lat2_deg: ArrayLike, lon2_deg: ArrayLike
) -> F64:
    """Great-circle distance in km between points (deg), broadcast together.

    Uses the haversine formula on a sphere of radius ``EARTH_MEAN_RADIUS_KM``
    (well conditioned for short distances).  E.g. gateways ``(gw, 1)`` against
    PoPs ``(pop,)`` give ``(gw, pop)``.
    """
    lat1 = np.deg2rad(np.asarray(lat1_deg, dtype=np.float64))
    lat2 = np.deg2rad(np.asarray(lat2_deg, dtype=np.float64))
    dlat = lat2 - lat1
    dlon = np.deg2rad(np.asarray(lon2_deg, dtype=np.float64) - np.asarray(lon1_deg))
    h = np.sin(dlat / 2.0) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2.0) ** 2
    km: F64 = 2.0 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return km


def interpolate_great_circle(
    lat1_deg: ArrayLike,
    lon1_deg: ArrayLike,
    lat2_deg: ArrayLike,
    lon2_deg: ArrayLike,
    fraction: ArrayLike,
) -> tuple[F64, F64]:
    """The point ``fraction`` (0 → first, 1 → second) of the way along the great circle.

    Spherical linear interpolation of unit vectors; all inputs broadcast and
    the result ``(lat_deg, lon_deg)`` has the broadcast shape, longitude in
    ``[-180, 180)``.  Antipodal endpoints have no unique great circle: the
    result is then NaN.
    """
    a = _unit_vectors(lat1_deg, lon1_deg)
    b = _unit_vectors(lat2_deg, lon2_deg)
    f = np.asarray(fraction, dtype=np.float64)[..., None]
    cos_omega = np.clip(np.sum(a * b, axis=-1, keepdims=True), -1.0, 1.0)
    omega = np.arccos(cos_omega)
    sin_omega = np.sin(omega)
    small = sin_omega < 1e-12
    with np.errstate(invalid="ignore", divide="ignore"):
        wa = np.where(small, 1.0 - f, np.sin((1.0 - f) * omega) / sin_omega)
        wb = np.where(small, f, np.sin(f * omega) / sin_omega)
    p = wa * a + wb * b
    antipodal = small & (cos_omega < 0.0)
    p = np.where(antipodal, np.nan, p)
    lat = np.rad2deg(np.arctan2(p[..., 2], np.hypot(p[..., 0], p[..., 1])))
    lon = np.rad2deg(np.arctan2(p[..., 1], p[..., 0]))
    lon = np.mod(lon + 180.0, 360.0) - 180.0
    return lat, lon
