"""Demand: terminals per site × offered load per terminal, and the cell each site lies in.

Sites are H3 cells (a density of terminals per km² × the cell's area) and
named terminals (one terminal each, unless told otherwise).  Each site gets a
**cell key**: a cell's own index, or for a named terminal the index of the
H3 cell (at the cells' resolution) that contains it — so a named terminal
shares its cell's beam — or a key of its own when that cell is not in the set.
"""

from __future__ import annotations

from dataclasses import dataclass

import h3
import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.ground.sites import Sites
from leonet.radio.parameters import (
    DEFAULT_OFFERED_LOAD_DOWN_MBPS,
    DEFAULT_OFFERED_LOAD_UP_MBPS,
    DEFAULT_TERMINALS_PER_KM2,
)

__all__ = ["Demand", "site_demand"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Demand:
    """Per site ``(site,)``: ``terminals`` (float: a cell's expected count),
    ``offered_down_mbps`` / ``offered_up_mbps`` per terminal, ``cell_key`` (int)."""

    terminals: F64
    offered_down_mbps: F64
    offered_up_mbps: F64
    cell_key: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.terminals.shape[0])


def site_demand(
    sites: Sites,
    n_cells: int,
    cell_area_km2: ArrayLike | None = None,
    *,
    terminals_per_km2: float = DEFAULT_TERMINALS_PER_KM2,
    terminals_per_named_site: float = 1.0,
    offered_down_mbps: ArrayLike = DEFAULT_OFFERED_LOAD_DOWN_MBPS,
    offered_up_mbps: ArrayLike = DEFAULT_OFFERED_LOAD_UP_MBPS,
    cell_weight: ArrayLike | None = None,
) -> Demand:
    """Demand for ``sites`` whose first ``n_cells`` are H3 cells (names = H3 indices).

    ``cell_area_km2`` ``(n_cells,)`` (default: each cell's area from h3);
    offered loads are scalars or ``(site,)``.  ``cell_weight`` ``(n_cells,)`` (e.g. the
    people in each cell, :func:`leonet.ground.population.cell_population`) spreads the
    same total of cell terminals (density × total area) in proportion to it instead of
    to area.  Setup-time: one h3 call per named terminal.
    """
    n = len(sites)
    if not 0 <= n_cells <= n:
        raise ValueError(f"n_cells={n_cells} must be within 0..{n} (the sites)")
    names = [str(x) for x in sites.names]
    if cell_area_km2 is None:
        area = np.array([h3.cell_area(c, "km^2") for c in names[:n_cells]], dtype=np.float64)
    else:
        area = np.asarray(cell_area_km2, dtype=np.float64).reshape(-1)
        if area.shape != (n_cells,):
            raise ValueError(f"cell_area_km2 must be ({n_cells},), got {area.shape}")
    terminals = np.full(n, float(terminals_per_named_site))
    terminals[:n_cells] = terminals_per_km2 * area
    if cell_weight is not None and n_cells:
        w = np.asarray(cell_weight, dtype=np.float64).reshape(-1)
        if w.shape != (n_cells,) or not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
            raise ValueError(
                f"cell_weight must be ({n_cells},) finite weights >= 0 with a "
                f"positive sum, got shape {w.shape}"
            )
        terminals[:n_cells] = terminals_per_km2 * area.sum() * w / w.sum()
    key = np.arange(n, dtype=np.int64)
    if n_cells and n > n_cells:
        res = h3.get_resolution(names[0])
        index = {c: k for k, c in enumerate(names[:n_cells])}
        for k in range(n_cells, n):
            cell = h3.latlng_to_cell(float(sites.lat_deg[k]), float(sites.lon_deg[k]), res)
            key[k] = index.get(cell, k)
    return Demand(
        terminals,
        np.broadcast_to(np.asarray(offered_down_mbps, dtype=np.float64), (n,)).copy(),
        np.broadcast_to(np.asarray(offered_up_mbps, dtype=np.float64), (n,)).copy(),
        key,
    )
