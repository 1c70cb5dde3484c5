"""The report's applications section: one map per application and a timeline, small
enough that a one-hour run's report stays under 3 MB."""

from __future__ import annotations

import json
import re

import h3
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from leonet.apps import bundled_profiles
from leonet.report.apps_section import render_apps_section
from leonet.results.store import RunStore

T0_NS = 1_780_142_400_000_000_000


def _one_hour_run(root):
    """A synthetic one-hour run at the default run's size: 55 terminals at 1 s, ~2,500
    resolution-5 cells at 15 s slots."""
    RunStore(root).prepare(resume=False)
    rng = np.random.default_rng(3)
    n_t, n_term = 3600, 55
    time = T0_NS + np.arange(n_t, dtype=np.int64) * 10**9
    served = rng.random((n_t, n_term)) > 0.05
    terminals = pa.table(
        {
            "time": pa.array(np.repeat(time, n_term), pa.timestamp("ns", tz="UTC")),
            "terminal": pa.array(np.tile(np.array([f"t{i}" for i in range(n_term)], object), n_t)),
            "served": served.ravel(),
            "reason": pa.array(np.where(served, None, "no-satellite").ravel(), pa.string()),
            "rtt_ms": pa.array(rng.uniform(20, 60, n_t * n_term), mask=~served.ravel()),
            "throughput_down_mbps": np.where(served, rng.uniform(1, 100, served.shape), 0).ravel(),
            "throughput_up_mbps": np.where(served, rng.uniform(1, 12, served.shape), 0).ravel(),
        }
    )
    cells = sorted(h3.grid_disk(h3.latlng_to_cell(49.0, 31.5, 5), 28))
    n_s, n_c = 240, len(cells)
    share = np.clip(rng.normal(0.95, 0.1, (n_s, n_c)), 0, 1)
    cell_table = pa.table(
        {
            "time": pa.array(
                np.repeat(T0_NS + np.arange(n_s) * 15 * 10**9, n_c), pa.timestamp("ns", tz="UTC")
            ),
            "cell": pa.array(np.tile(np.array(cells, object), n_s)),
            "served": share.ravel(),
            "reason": pa.array(np.where(share < 1, "no-satellite", None).ravel(), pa.string()),
            "rtt_ms": pa.array(rng.uniform(20, 60, n_s * n_c), mask=(share == 0).ravel()),
            "throughput_down_mbps": (share * rng.uniform(1, 100, share.shape)).ravel(),
            "throughput_up_mbps": (share * rng.uniform(1, 12, share.shape)).ravel(),
        }
    )
    for name, table in (("terminals", terminals), ("cells", cell_table)):
        (root / f"{name}.parquet").mkdir()
        pq.write_table(table, root / f"{name}.parquet" / "part-00000.parquet")
    events = [
        {
            "utc_ns": T0_NS + 1200 * 10**9,
            "kind": "policy",
            "action": "start",
            "target": "Donetsk oblast",
            "description": "cut",
        }
    ]
    pq.write_table(pa.Table.from_pylist(events), root / "events.parquet")
    (root / "metadata.json").write_text(json.dumps({"step_s": 1.0, "steps": n_t}))
    return n_c


def test_one_map_per_application_and_a_timeline_within_the_size_budget(tmp_path):
    n_cells = _one_hour_run(tmp_path)
    assert n_cells > 2400  # as many as the default run's 2,467
    page = render_apps_section(tmp_path)
    names = [p.name for p in bundled_profiles()]
    assert page.count('<figure class="appmap">') == len(names)
    for name in names:
        assert f"<figcaption>{name}</figcaption>" in page
    assert "Share of terminals where each application works" in page
    assert "Donetsk oblast" in page  # the event's before/during row
    # the rest of a one-hour report is ~0.6 MB; the whole must stay under 3 MB
    assert len(page.encode()) < 1.5 * 2**20, len(page.encode())
    # every cell of every map is drawn: one closed sub-path per cell
    assert len(re.findall(r"z", "".join(re.findall(r' d="([^"]*)"', page)))) >= n_cells * len(names)
