"""Run folders for the application tests, written from arrays."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from leonet.results.store import RunStore

__all__ = ["BRIEF_APPS", "T0_NS", "write_run"]

T0_NS = 1_780_142_400_000_000_000  # 2026-05-30 12:00 UTC
#: The applications issue 12 asks the bundled library for.
BRIEF_APPS = {
    "fpv-video",
    "drone-telemetry",
    "isr-video",
    "video-call",
    "voice",
    "messaging",
    "web",
    "bulk-upload",
}


def write_run(root, served, rtt, down, up, *, reason=None, cells=None, events=()):
    """A run folder with a terminals table (time, terminal) built from arrays."""
    n_time, n_site = served.shape
    RunStore(root).prepare(resume=False)  # the run marker: `leonet query` reads only runs
    names = [f"t{i}" for i in range(n_site)]
    time = T0_NS + np.arange(n_time, dtype=np.int64) * 1_000_000_000
    why = np.where(served, None, "no-satellite").astype(object) if reason is None else reason
    table = pa.table(
        {
            "time": pa.array(np.repeat(time, n_site), pa.timestamp("ns", tz="UTC")),
            "terminal": pa.array(np.tile(np.array(names, dtype=object), n_time)),
            "served": served.ravel(),
            "reason": pa.array(why.ravel(), pa.string()),
            "rtt_ms": pa.array(rtt.ravel(), mask=~served.ravel()),
            "throughput_down_mbps": np.where(served, down, 0.0).ravel(),
            "throughput_up_mbps": np.where(served, up, 0.0).ravel(),
        }
    )
    (root / "terminals.parquet").mkdir(parents=True)
    pq.write_table(table, root / "terminals.parquet" / "part-00000.parquet")
    if cells is not None:
        (root / "cells.parquet").mkdir()
        pq.write_table(cells, root / "cells.parquet" / "part-00000.parquet")
    pq.write_table(
        pa.Table.from_pylist(list(events))
        if events
        else pa.table(
            {
                "utc_ns": pa.array([], pa.int64()),
                "kind": pa.array([], pa.string()),
                "action": pa.array([], pa.string()),
                "target": pa.array([], pa.string()),
                "description": pa.array([], pa.string()),
            }
        ),
        root / "events.parquet",
    )
    (root / "metadata.json").write_text(json.dumps({"step_s": 1.0, "steps": n_time}))
