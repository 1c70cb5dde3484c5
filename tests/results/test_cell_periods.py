"""Slots of ``cells`` that several chunks share are joined into one row per cell and slot,
the same table one chunk holding the slot would give."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from leonet.results.cell_periods import join_cell_periods, split_cell_periods
from leonet.results.tables import CellRows, cell_table

NAMES = np.array(["c0", "c1", "c2"], dtype=object)


def _rows(n_steps: int, step_s: float = 5.0, slot_s: float = 15.0, seed: int = 7) -> CellRows:
    rng = np.random.default_rng(seed)
    shape = (n_steps, NAMES.size)
    served = rng.random(shape) < 0.7
    utc_ns = np.arange(n_steps, dtype=np.int64) * round(step_s * 1e9)
    rtt = np.where(rng.random(shape) < 0.1, np.nan, rng.uniform(20, 60, shape))
    return CellRows(
        utc_ns=utc_ns,
        slot=utc_ns // round(slot_s * 1e9),
        served=served,
        reason=np.where(served, 0, rng.integers(1, 4, shape)).astype(np.uint8),
        visible=rng.integers(0, 30, shape),
        rtt_ms=rtt,
        propagation_rtt_ms=rtt * 0.8,
        loaded_rtt_ms=rtt * 1.3,
        busy_rtt_ms=rtt * 1.1,
        throughput_down_mbps=rng.uniform(0, 300, shape),
        throughput_up_mbps=rng.uniform(0, 30, shape),
        speedtest_down_mbps=rng.uniform(0, 400, shape),
        speedtest_up_mbps=rng.uniform(0, 40, shape),
    )


def _chunked(rows: CellRows, chunk_steps: int) -> pa.Table:
    """The table the run's driver writes, chunk by chunk, for chunks of ``chunk_steps``."""
    n = rows.slot.shape[0]
    tables, open_rows = [], ()
    for first in range(0, n, chunk_steps):
        stop = min(first + chunk_steps, n)
        part = CellRows(**{k: v[first:stop] for k, v in vars(rows).items()})
        periods = split_cell_periods(
            part,
            NAMES,
            continues_before=first > 0 and rows.slot[first - 1] == rows.slot[first],
            continues_after=stop < n and rows.slot[stop] == rows.slot[stop - 1],
        )
        table, open_rows = join_cell_periods(open_rows, periods, NAMES)
        if table is not None:
            tables.append(table)
    assert open_rows == ()  # the last slot was closed by the last chunk
    return pa.concat_tables(tables)


@pytest.mark.parametrize("chunk_steps", [1, 2, 4, 5, 7, 13])
@pytest.mark.parametrize("step_s", [1.0, 5.0, 10.0])
def test_any_chunking_gives_the_table_of_one_chunk(chunk_steps, step_s):
    rows = _rows(40, step_s=step_s)
    whole = cell_table(rows, NAMES)
    got = _chunked(rows, chunk_steps)
    assert got.equals(whole)  # bit for bit: each slot reduced once, from all its steps
    slots = np.unique(rows.slot).size
    assert got.num_rows == slots * NAMES.size  # one row per cell and slot, not per chunk


def test_chunks_of_whole_slots_carry_nothing():
    rows = _rows(30)  # 5-s steps, 15-s slots: chunks of 3 steps hold whole slots
    part = CellRows(**{k: v[3:6] for k, v in vars(rows).items()})
    periods = split_cell_periods(part, NAMES, continues_before=False, continues_after=False)
    assert periods.head is None and periods.tail is None
    assert periods.table.equals(cell_table(part, NAMES))


def test_a_chunk_out_of_order_is_refused():
    rows = _rows(6)
    middle = CellRows(**{k: v[1:2] for k, v in vars(rows).items()})
    periods = split_cell_periods(middle, NAMES, continues_before=True, continues_after=True)
    with pytest.raises(ValueError, match="chunks must come in order"):
        join_cell_periods((), periods, NAMES)
