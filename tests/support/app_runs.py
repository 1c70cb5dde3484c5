"""Run folders for the application tests, written from arrays."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from leonet.results.store import RunStore

__all__ = ["BRIEF_APPS", "T0_NS", "cut_off_run", "event_rows", "write_run"]

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


def event_rows(target, start_s, end_s=None, kind="policy", description="cut"):
    """An event's rows of ``events.parquet``: its start, ``start_s`` after :data:`T0_NS`,
    and its end (if any)."""
    rows = [
        {
            "utc_ns": T0_NS + start_s * 10**9,
            "kind": kind,
            "action": "start",
            "target": target,
            "description": description,
        }
    ]
    if end_s is not None:
        rows.append(
            {
                "utc_ns": T0_NS + end_s * 10**9,
                "kind": kind,
                "action": "end",
                "target": target,
                "description": "ends",
            }
        )
    return rows


def cut_off_run(root):
    """100 s of two terminals at 30 ms, 100/20 Mb/s; ``t1`` cut off (``area-cut-off``)
    from 40 s to 70 s, while the policy event ``zone`` lasts."""
    n = 100
    served = np.ones((n, 2), dtype=bool)
    served[40:70, 1] = False
    reason = np.where(served, None, "area-cut-off").astype(object)
    write_run(
        root,
        served,
        np.full((n, 2), 30.0),
        np.full((n, 2), 100.0),
        np.full((n, 2), 20.0),
        reason=reason,
        events=event_rows("zone", 40, 70),
    )
    return root


def write_run(  # noqa: PLR0913 — the tables a test plants, each optional
    root, served, rtt, down, up, *, reason=None, cells=None, events=(), sites=None, scenario=None
):
    """A run folder with a terminals table (time, terminal) built from arrays; optional
    ``cells`` and ``sites`` tables, ``events`` rows and a ``scenario`` (scenario.json)."""
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
    if sites is not None:
        pq.write_table(sites, root / "sites.parquet")
    if scenario is not None:
        (root / "scenario.json").write_text(json.dumps(scenario))
    (root / "metadata.json").write_text(json.dumps({"step_s": 1.0, "steps": n_time}))
