"""H3 tiling of regions."""

from __future__ import annotations

import h3
import numpy as np
import pytest

from leonet.ground import Cells, average_cell_area_km2, country, named_region, tile_region
from leonet.ground.greatcircle import great_circle_km


def test_ukraine_at_resolution_5() -> None:
    ukraine = country("Ukraine")
    cells = tile_region(ukraine)  # default resolution 5
    # 603,500 km² / 252.9 km² ≈ 2,390; the polygon tiling gives 2,467.
    assert 2_250 <= len(cells) <= 2_600
    assert cells.resolution == 5 and (cells.kind == "cell").all()
    assert average_cell_area_km2(5) == pytest.approx(252.9, abs=0.1)
    assert cells.total_area_km2 == pytest.approx(603_500, rel=0.03)
    assert all(h3.is_valid_cell(c) for c in cells.names[:50])
    # Centres are inside (H3's rule), and the cell of each centre is the cell itself.
    assert ukraine.contains(cells.lat_deg, cells.lon_deg).all()
    assert h3.latlng_to_cell(cells.lat_deg[0], cells.lon_deg[0], 5) == cells.names[0]
    assert cells.ecef_km.shape == (len(cells), 3)


def test_cells_keep_area_through_selection() -> None:
    cells = tile_region(named_region("crimea"), 5)
    part = cells.take(np.arange(10))
    assert isinstance(part, Cells) and part.area_km2.shape == (10,)
    # neighbouring res-5 centres are ~ 2 × 8.5 km × cos 30° ≈ 15-17 km apart
    nearest = np.sort(
        great_circle_km(cells.lat_deg[0], cells.lon_deg[0], cells.lat_deg, cells.lon_deg)
    )[1]
    assert 13.0 < nearest < 19.0


def test_region_smaller_than_a_cell() -> None:
    with pytest.raises(ValueError, match=r"smaller than one cell.*finer resolution, e\.g\. 4"):
        tile_region(named_region("crimea"), 2)


@pytest.mark.parametrize("res", [-1, 16, 5.0, True])
def test_resolution_out_of_range(res: object) -> None:
    with pytest.raises(ValueError, match="outside 0-15"):
        tile_region(country("Ukraine"), res)  # type: ignore[arg-type]
