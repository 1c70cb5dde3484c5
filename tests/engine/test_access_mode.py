"""`network.access` changes a run as the schema documents: ``scheduled`` routes a terminal
through the satellite the scheduler gave it, ``any`` through the best satellite in view."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from leonet.engine.run import run_scenario
from leonet.scenario import load_scenario

SCENARIO = """
name: access-{access}
seed: 3
time: {{start: "2026-05-30T12:00:00Z", duration: 60s, step_s: 5}}
constellations: [{{preset: starlink-gen1}}]
ground:
  terminals:
    - {{place: Kyiv}}
    - {{place: Lviv}}
    - {{place: Kharkiv}}
  cells: {{region: Luxembourg, resolution: 5}}
  gateways: {{bundled: true, within: {{lat_deg: [40, 57], lon_deg: [5, 42]}}}}
  pops: {{bundled: true, within: {{lat_deg: [40, 57], lon_deg: [5, 42]}}}}
network: {{mode: lasers, access: {access}}}
scheduler: {{strategy: longest-visibility}}
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = {}
    for access in ("scheduled", "any"):
        path = tmp_path_factory.mktemp(access) / "s.yaml"
        path.write_text(SCENARIO.format(access=access))
        folder = path.parent / "run"
        run_scenario(load_scenario(path), folder, workers=1)
        out[access] = {
            t: pq.read_table(folder / f"{t}.parquet").to_pydict() for t in ("terminals", "cells")
        }
    return out


def _column(table, name):
    return np.array([np.nan if v is None else v for v in table[name]], dtype=float)


def test_any_access_routes_through_the_best_satellite_in_view(runs):
    sched, best = runs["scheduled"]["terminals"], runs["any"]["terminals"]
    # Service, radio and capacity stay the scheduler's: the same rows either way.
    assert sched["served"] == best["served"] and sched["sat"] == best["sat"]
    assert sched["throughput_down_mbps"] == best["throughput_down_mbps"]
    a, s = _column(best, "rtt_ms"), _column(sched, "rtt_ms")
    both = np.isfinite(a) & np.isfinite(s)
    assert both.sum() >= 30
    # Any satellite in view includes the serving one: never slower (1 µs of rounding) ...
    assert np.all(a[both] <= s[both] + 1e-3)
    # ... and the scheduler's longest-visibility pick is often not the fastest (ms).
    assert np.sum(a[both] < s[both] - 0.1) >= 5


def test_any_access_gives_a_cell_its_best_satellite_in_view(runs):
    sched, best = runs["scheduled"]["cells"], runs["any"]["cells"]
    assert sched["served"] == best["served"]
    a, s = _column(best, "rtt_ms"), _column(sched, "rtt_ms")
    both = np.isfinite(a) & np.isfinite(s)
    assert both.sum() >= 10
    assert np.all(a[both] <= s[both] + 1e-3)
    assert np.any(a[both] < s[both] - 0.1)
