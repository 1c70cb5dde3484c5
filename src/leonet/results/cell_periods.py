"""A period of the ``cells`` table (a scheduler slot) that two or more chunks share.

``cells.parquet`` holds one row per cell and slot.  At fine H3 resolutions a chunk is
shorter than a slot (at resolution 7 over Ukraine, 116,000 cells, one step), so a slot's
steps come from several chunks.  Each chunk therefore splits its ``(time, cell)`` rows
(:func:`split_cell_periods`): the steps of a slot that began before it (``head``), the
table of the slots wholly inside it, and the steps of a slot that goes on after it
(``tail``).  The run's driver keeps the open slot's rows and joins them in chunk order
(:func:`join_cell_periods`), so every slot is reduced once, from all its steps, exactly
as if one chunk had held it: the table does not depend on how the run was chunked.
Where chunks hold whole slots (the default resolution 5) nothing is carried.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from leonet.results.tables import CellRows, cell_table

__all__ = ["CellPeriods", "concatenate_cell_rows", "join_cell_periods", "split_cell_periods"]


@dataclass(frozen=True)
class CellPeriods:
    """One chunk's ``cells`` rows, split where its periods cross its edges: ``head`` the
    steps of a period that began in an earlier chunk (``None`` if none), ``head_closes``
    whether that period ends in this chunk, ``table`` the periods wholly inside the chunk
    (reduced; ``None`` if none), ``tail`` the steps of a period that begins here and goes
    on after it."""

    head: CellRows | None
    head_closes: bool
    table: pa.Table | None
    tail: CellRows | None


def _rows(rows: CellRows, steps: slice) -> CellRows:
    return CellRows(
        **{
            f.name: getattr(rows, f.name)[steps]
            for f in dataclasses.fields(CellRows)  # every field's first axis is time
        }
    )


def _table(rows: CellRows, cell_names: NDArray[Any]) -> pa.Table | None:
    return cell_table(rows, cell_names) if rows.slot.shape[0] else None


def concatenate_cell_rows(parts: list[CellRows]) -> CellRows:
    """The rows of ``parts`` one after the other in time."""
    return CellRows(
        **{
            f.name: np.concatenate([getattr(p, f.name) for p in parts])
            for f in dataclasses.fields(CellRows)
        }
    )


def split_cell_periods(
    rows: CellRows, cell_names: NDArray[Any], *, continues_before: bool, continues_after: bool
) -> CellPeriods:
    """Split a chunk's ``rows`` (``rows.slot`` the period of each step) given whether its
    first period began before it (``continues_before``) and its last goes on after it
    (``continues_after``)."""
    slot = rows.slot
    n = slot.shape[0]
    lead = int(np.argmax(slot != slot[0])) if n and (slot != slot[0]).any() else n
    trail = int(np.argmax(slot[::-1] != slot[-1])) if n and (slot != slot[-1]).any() else n
    head_n = lead if continues_before else 0
    tail_n = trail if continues_after else 0
    if head_n == n and tail_n:  # one period, begun before and going on after
        return CellPeriods(rows, False, None, None)
    inside = slice(head_n, n - tail_n)
    return CellPeriods(
        _rows(rows, slice(0, head_n)) if head_n else None,
        True,
        _table(_rows(rows, inside), cell_names),
        _rows(rows, slice(n - tail_n, n)) if tail_n else None,
    )


def join_cell_periods(
    open_rows: tuple[CellRows, ...], periods: CellPeriods, cell_names: NDArray[Any]
) -> tuple[pa.Table | None, tuple[CellRows, ...]]:
    """The chunk's ``cells`` table — the period it closes (``open_rows``, the steps
    carried from earlier chunks, with its ``head``), then its own; ``None`` if it
    closes none — and the rows of the period still open after it (``()`` if none: the
    pieces are joined once, when the period closes)."""
    if (periods.head is None) != (not open_rows):
        raise ValueError(
            "cells: a chunk continues a period that no earlier chunk opened, or an "
            "open period is not continued; chunks must come in order"
        )
    tables = []
    if periods.head is not None:
        open_rows = (*open_rows, periods.head)
        if periods.head_closes:
            tables.append(cell_table(concatenate_cell_rows(list(open_rows)), cell_names))
            open_rows = ()
    if periods.table is not None:
        tables.append(periods.table)
    if periods.tail is not None:
        open_rows = (periods.tail,)
    if len(tables) < 2:
        return (tables[0] if tables else None), open_rows
    return pa.concat_tables(tables), open_rows
