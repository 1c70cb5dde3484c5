"""A finished run's terminals and cells as ``(time, site)`` arrays for the verdicts."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from leonet.apps.verdicts import LASTING_REASONS, PLANNED_REASONS, LinkSeries

__all__ = ["RunSeries", "cell_areas_km2", "read_run"]


@dataclass(frozen=True)
class RunSeries:
    """One population (terminals or cells): ``names`` ``(site,)``, ``time_ns`` ``(time,)``
    and its :class:`LinkSeries`."""

    names: NDArray[Any]
    time_ns: NDArray[np.int64]
    link: LinkSeries


def _durations_s(time_ns: NDArray[np.int64], step_s: float) -> NDArray[np.float64]:
    """Each period's length: to the next period's start; the last as long as the median
    period (or one step)."""
    gaps = np.diff(time_ns).astype(np.float64) / 1e9
    last = float(np.median(gaps)) if gaps.size else step_s
    return np.asarray(np.r_[gaps, last], dtype=np.float64)


def _pivot(table: pa.Table, key: str, step_s: float, per_slot: bool) -> RunSeries:
    times = table.column("time").cast(pa.int64()).to_numpy()
    t_values, t_idx = np.unique(times, return_inverse=True)
    encoded = table.column(key).combine_chunks().dictionary_encode()  # fast on strings
    n_values = np.asarray(encoded.dictionary.to_pylist(), dtype=object)
    n_idx = encoded.indices.to_numpy(zero_copy_only=False)
    shape = (len(t_values), len(n_values))

    def grid(column: str, fill: float) -> NDArray[np.float64]:
        out = np.full(shape, fill)
        col = table.column(column)
        values = col.to_numpy(zero_copy_only=False)
        values = np.where(col.is_null().to_numpy(zero_copy_only=False), fill, values).astype(
            np.float64
        )
        out[t_idx, n_idx] = values
        return out

    lasting = np.zeros(shape, dtype=bool)
    reason = table.column("reason").to_numpy(zero_copy_only=False)
    lasting[t_idx, n_idx] = np.isin(reason.astype(object), list(LASTING_REASONS))
    planned = np.zeros(shape, dtype=bool)
    planned[t_idx, n_idx] = np.isin(reason.astype(object), list(PLANNED_REASONS))
    return RunSeries(
        n_values,
        t_values,
        LinkSeries(
            served=grid("served", 0.0),
            rtt_ms=grid("rtt_ms", np.nan),
            down_mbps=grid("throughput_down_mbps", 0.0),
            up_mbps=grid("throughput_up_mbps", 0.0),
            duration_s=_durations_s(t_values, step_s),
            per_slot=per_slot,
            lasting=lasting,
            planned=planned if planned.any() else None,
        ),
    )


def read_run(run_dir: str | os.PathLike[str]) -> tuple[RunSeries | None, RunSeries | None]:
    """The run's terminals and cells (``None`` where the run wrote none)."""
    import pyarrow.dataset as pads

    from leonet.results.store import RunStore

    root = Path(run_dir)
    tables = RunStore(root).tables()  # the run's own files only
    meta_path = root / "metadata.json"
    step_s = (
        float(json.loads(meta_path.read_text()).get("step_s", 1.0)) if meta_path.is_file() else 1.0
    )
    out: list[RunSeries | None] = []
    for name, key, per_slot in (("terminals", "terminal", False), ("cells", "cell", True)):
        if name not in tables:
            out.append(None)
            continue
        columns = [
            "time",
            key,
            "served",
            "rtt_ms",
            "throughput_down_mbps",
            "throughput_up_mbps",
            "reason",
        ]
        # One multi-threaded read of every part (in chunk order), not a read per part.
        table = pads.dataset([str(p) for p in tables[name]], format="parquet").to_table(
            columns=columns
        )
        table = table.set_column(2, "served", table.column("served").cast(pa.float64()))
        out.append(_pivot(table, key, step_s, per_slot) if table.num_rows else None)
    return out[0], out[1]


def cell_areas_km2(names: NDArray[Any]) -> NDArray[np.float64]:
    """Each cell's area (h3 ``cell_area``; a name that is not an H3 index counts 1 km²)."""
    import h3

    areas = np.ones(len(names))
    for i, name in enumerate(names):  # once per cell at report time, not per step
        try:
            areas[i] = h3.cell_area(str(name), "km^2")
        except (ValueError, TypeError, h3.H3BaseException):
            areas[i] = 1.0
    return areas
