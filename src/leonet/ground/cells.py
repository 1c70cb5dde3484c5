"""Tile a region with H3 hexagonal cells; each cell becomes a ground site.

H3 (Uber, v4 API) cells at resolution ``r`` have an average area of
``h3.average_hexagon_area(r, 'km^2')``: 252.9 km² at the default resolution 5
(edge about 8.5 km), 36.1 km² at 6, 1,770 km² at 4.  A cell belongs to a
region when its centre lies inside the polygon (H3's ``polygon_to_cells``
rule), holes and multi-part regions included.  Setup-time code: h3's per-cell
calls run once per tiling, never per time step.

>>> from leonet.ground.regions import country
>>> cells = tile_region(country("Ukraine"), resolution=4)
>>> 300 < len(cells) < 400
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import h3
import numpy as np
from numpy.typing import NDArray
from shapely.geometry import MultiPolygon, Polygon

from leonet.ground.regions import Region
from leonet.ground.sites import Sites

__all__ = ["DEFAULT_H3_RESOLUTION", "Cells", "average_cell_area_km2", "tile_region"]

#: Default H3 resolution: 5, an average cell of 252.9 km² — about one user beam's
#: footprint scale for a Starlink-class system.
DEFAULT_H3_RESOLUTION = 5


def average_cell_area_km2(resolution: int) -> float:
    """Average H3 hexagon area at ``resolution`` (0-15), km² (h3's published table)."""
    _check_resolution(resolution)
    return float(h3.average_hexagon_area(resolution, "km^2"))


class Cells(Sites):
    """H3 cell sites (kind ``'cell'``, name = H3 index string) at the cell centres,
    plus ``area_km2`` ``(cell,)``: each cell's exact spherical area (h3 ``cell_area``).
    """

    _FIELDS: ClassVar[tuple[str, ...]] = (*Sites._FIELDS, "area_km2")

    area_km2: NDArray[np.float64]

    def __init__(self, h3_cells: Sequence[str]) -> None:
        """Cells from H3 index strings (any resolution mix; validated by h3)."""
        ids = [str(c) for c in h3_cells]
        bad = next((c for c in ids if not h3.is_valid_cell(c)), None)
        if bad is not None:
            raise ValueError(f"{bad!r} is not an H3 cell index (e.g. '851e6187fffffff')")
        centres = np.array([h3.cell_to_latlng(c) for c in ids], dtype=np.float64).reshape(-1, 2)
        super().__init__(ids, centres[:, 0], centres[:, 1], 0.0, "cell")
        areas = np.array([h3.cell_area(c, "km^2") for c in ids], dtype=np.float64)
        areas.flags.writeable = False
        self.area_km2 = areas

    @property
    def resolution(self) -> int:
        """The H3 resolution of the cells (of the first cell; -1 when empty)."""
        return int(h3.get_resolution(str(self.names[0]))) if len(self) else -1

    @property
    def total_area_km2(self) -> float:
        """Summed area of the cells, km²."""
        return float(self.area_km2.sum())

    def __repr__(self) -> str:
        return (
            f"<Cells: {len(self)} H3 cells at resolution {self.resolution}, "
            f"{self.total_area_km2:,.0f} km²>"
        )


def _check_resolution(resolution: int) -> None:
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, int | np.integer)
        or not (0 <= resolution <= 15)
    ):
        raise ValueError(
            f"H3 resolution {resolution!r} is outside 0-15; use e.g. 5 (cells of about "
            "253 km²), 4 (1,770 km²) or 6 (36 km²)"
        )


def _to_h3shape(geometry: Polygon | MultiPolygon) -> h3.H3Shape:
    """shapely (lon, lat) polygon(s) → h3 LatLngPoly/LatLngMultiPoly ((lat, lng) order)."""

    def poly(p: Polygon) -> h3.LatLngPoly:
        outer = [(lat, lon) for lon, lat, *_ in p.exterior.coords]
        holes = [[(lat, lon) for lon, lat, *_ in ring.coords] for ring in p.interiors]
        return h3.LatLngPoly(outer, *holes)

    if isinstance(geometry, Polygon):
        return poly(geometry)
    return h3.LatLngMultiPoly(*(poly(p) for p in geometry.geoms))


def tile_region(region: Region, resolution: int = DEFAULT_H3_RESOLUTION) -> Cells:
    """The H3 cells of ``region`` at ``resolution`` as :class:`Cells` ``(cell,)``, sorted by index.

    Each cell is a site at its centre (height 0 km, elevation mask NaN = the
    shell's).  Raises ``ValueError`` when no cell centre falls inside the
    region (the region is smaller than a cell) — use a finer resolution.
    """
    _check_resolution(resolution)
    cells = sorted(h3.h3shape_to_cells(_to_h3shape(region.geometry), int(resolution)))
    if not cells:
        area = region.area_km2
        finer = next(
            (r for r in range(int(resolution) + 1, 16) if average_cell_area_km2(r) * 10 <= area),
            15,
        )
        raise ValueError(
            f"region {region.name!r} ({area:,.1f} km²) yields no H3 cells at resolution "
            f"{resolution}: it is smaller than one cell (average "
            f"{average_cell_area_km2(resolution):,.1f} km²), so no cell centre falls inside. "
            f"Use a finer resolution, e.g. {finer} (cells of "
            f"{average_cell_area_km2(finer):,.3g} km²)."
        )
    return Cells(cells)
