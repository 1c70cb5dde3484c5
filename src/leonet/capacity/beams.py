"""User beams: each satellite's beams serve cells, one cell at a time, one channel each.

A satellite has ``beams`` user beams (default: its generation's
``user_beams``, see :mod:`leonet.radio.parameters`).  At each step the cells
it serves (the distinct cells of the sites scheduled on it) are dealt to its
beams round-robin in cell order: with more cells than beams a beam hops
between several cells and its time is shared among them (the allocation's
**beam share**).  Beam ``b`` of a satellite transmits on channel
``b mod n_channels`` of the band.  Sites of the same cell on the same
satellite share that cell's beam.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["BeamAssignment", "assign_beams"]

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class BeamAssignment:
    """Beams of one step: ``beam`` ``(site,)`` global beam id (−1 unserved; satellite
    ``s`` owns ids ``offset[s] … offset[s+1]−1``), ``channel`` ``(site,)`` (−1
    unserved), ``cells_on_beam`` ``(site,)`` how many cells its beam hops
    between, and ``n_beams`` the number of beam ids."""

    beam: I64
    channel: I64
    cells_on_beam: I64
    offset: I64

    @property
    def n_beams(self) -> int:
        return int(self.offset[-1])


def assign_beams(
    serving_sat: ArrayLike, cell_key: ArrayLike, beams_per_sat: ArrayLike, n_channels: int
) -> BeamAssignment:
    """Deal each satellite's served cells to its beams (vectorised; sort + ranks).

    ``serving_sat`` ``(site,)`` (−1 = unserved), ``cell_key`` ``(site,)`` int
    (sites with the same key are in the same cell), ``beams_per_sat`` ``(sat,)``
    or a scalar broadcast to ``max(serving_sat) + 1`` satellites.
    """
    sat = np.asarray(serving_sat, dtype=np.int64)
    key = np.asarray(cell_key, dtype=np.int64)
    per = np.asarray(beams_per_sat, dtype=np.int64)
    if per.ndim == 0:
        per = np.full(int(sat.max(initial=-1)) + 1, int(per))
    if (per < 1).any():
        raise ValueError("every satellite needs at least one user beam (beams_per_sat >= 1)")
    offset = np.r_[0, np.cumsum(per)]
    n = sat.shape[0]
    beam = np.full(n, -1, dtype=np.int64)
    channel = np.full(n, -1, dtype=np.int64)
    cells_on = np.zeros(n, dtype=np.int64)
    served = np.flatnonzero(sat >= 0)
    if served.size == 0:
        return BeamAssignment(beam, channel, cells_on, offset)
    s, k = sat[served], key[served]
    order = np.lexsort((k, s))
    s_o, k_o = s[order], k[order]
    new_cell = np.r_[True, (s_o[1:] != s_o[:-1]) | (k_o[1:] != k_o[:-1])]
    new_sat = np.r_[True, s_o[1:] != s_o[:-1]]
    cell_no = np.cumsum(new_cell) - 1  # global distinct (sat, cell) number
    first_cell_of_sat = np.maximum.accumulate(np.where(new_sat, cell_no, 0))
    rank = cell_no - first_cell_of_sat  # cell's rank within its satellite
    b = rank % per[s_o]
    n_cells_sat = np.bincount(np.cumsum(new_sat) - 1, weights=new_cell).astype(np.int64)
    sat_no = np.cumsum(new_sat) - 1
    cells_sat = n_cells_sat[sat_no]
    # cells on beam b = ceil((cells − b) / beams)
    on_beam = (cells_sat - b + per[s_o] - 1) // per[s_o]
    beam[served[order]] = offset[s_o] + b
    channel[served[order]] = b % n_channels
    cells_on[served[order]] = on_beam
    return BeamAssignment(beam, channel, cells_on, offset)
