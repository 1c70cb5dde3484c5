"""Areas the service-control plane acts on: country or named regions, polygons, circles.

Every area has a vectorised ``contains(lat_deg, lon_deg) -> bool`` (shapes broadcast
and are kept) and a ``name``.  Regions and polygons are
:class:`leonet.ground.Region` (shapely ``contains_xy``; the boundary is outside);
a circle contains the points whose great-circle distance from its centre is at
most the radius (mean-radius sphere, :func:`leonet.ground.great_circle_km`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import Polygon

from leonet.ground.greatcircle import great_circle_km
from leonet.ground.regions import Region

__all__ = ["Area", "CircleArea", "polygon_area"]


@dataclass(frozen=True)
class CircleArea:
    """The ground within ``radius_km`` (great circle) of ``(lat_deg, lon_deg)``."""

    name: str
    lat_deg: float
    lon_deg: float
    radius_km: float

    def __post_init__(self) -> None:
        if not (abs(self.lat_deg) <= 90.0 and -180.0 <= self.lon_deg <= 360.0):
            raise ValueError(
                f"circle {self.name!r}: centre ({self.lat_deg}, {self.lon_deg}) "
                "is not a latitude in [-90, 90] and longitude in [-180, 360)"
            )
        if not (np.isfinite(self.radius_km) and self.radius_km > 0.0):
            raise ValueError(f"circle {self.name!r}: radius_km={self.radius_km!r} must be > 0")

    def contains(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> NDArray[np.bool_]:
        """``True`` within the radius (inclusive); shapes broadcast."""
        dist = great_circle_km(lat_deg, lon_deg, self.lat_deg, self.lon_deg)
        return np.asarray(dist <= self.radius_km, dtype=bool)


#: An area the policy acts on: a region/polygon or a circle.
Area = Region | CircleArea


def polygon_area(name: str, lat_deg: ArrayLike, lon_deg: ArrayLike) -> Region:
    """A :class:`Region` from corner columns (degrees; the ring closes itself)."""
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    poly = Polygon(np.column_stack((lon, lat)))
    if not poly.is_valid or poly.area == 0.0:
        raise ValueError(
            f"polygon {name!r} is not a valid area: give at least 3 corners in "
            "order round the outline, edges not crossing"
        )
    return Region(name, "", poly)
