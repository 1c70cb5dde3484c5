"""The report's applications section: one map per application and a timeline, small
enough that a one-hour run's report stays under 3 MB."""

from __future__ import annotations

import re

import h3
import numpy as np
import pyarrow as pa

from leonet.apps import bundled_profiles
from leonet.report.apps_section import render_apps_section
from support.app_runs import T0_NS, event_rows, write_run


def _one_hour_run(root):
    """A synthetic one-hour run at the default run's size: 55 terminals at 1 s, ~2,500
    resolution-5 cells at 15 s slots."""
    rng = np.random.default_rng(3)
    n_t, n_term = 3600, 55
    served = rng.random((n_t, n_term)) > 0.05
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
    write_run(
        root,
        served,
        rng.uniform(20, 60, served.shape),
        rng.uniform(1, 100, served.shape),
        rng.uniform(1, 12, served.shape),
        cells=cell_table,
        events=event_rows("Donetsk oblast", 1200),
    )
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
