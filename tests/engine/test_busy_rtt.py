"""A run's ``busy_rtt_ms``: the idle RTT plus the queue behind the beam's busy-hour
background, both ways, at the utilisation of the very draws the run's speed test used (as
`leonet calibrate` compares with Starlink's published latency)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from leonet.capacity import throughput
from leonet.capacity.speedtest import busy_hour_utilisation
from leonet.capacity.throughput import CapacityModel
from leonet.engine.run import run_scenario
from leonet.network.latency import LatencyParameters
from leonet.scenario import load_scenario

SCENARIO = """
name: busy
seed: 11
time: {start: "2026-05-30T12:00:00Z", duration: 60s, step_s: 5, chunk_steps: 4}
constellations: [{preset: starlink-gen1}]
ground:
  terminals:
    - {name: Centre, lat_deg: 49.6, lon_deg: 6.1}
    - {name: North, lat_deg: 50.0, lon_deg: 6.0}
    - {name: Paris, lat_deg: 48.86, lon_deg: 2.35}   # outside the service area
  cells: {region: Luxembourg, resolution: 5}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 30]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 30]}}
network: {mode: lasers%s}
policy:
  service_areas: [{name: Luxembourg, region: Luxembourg}]
outputs: {report: false}
"""
TERMINALS = ("Centre", "North", "Paris")
SLOT_NS = 15_000_000_000


def _run(tmp_path: Path, name: str, latency: str = "") -> dict[str, dict[str, np.ndarray]]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(SCENARIO % latency)
    run_scenario(load_scenario(path), tmp_path / name, workers=1)
    sites = pq.read_table(tmp_path / name / "sites.parquet").column("site")
    out = {"sites": {"site": sites.to_numpy(zero_copy_only=False)}}
    for t in ("terminals", "cells"):
        table = pq.read_table(tmp_path / name / f"{t}.parquet").sort_by(
            [("time", "ascending"), ("terminal" if t == "terminals" else "cell", "ascending")]
        )
        out[t] = {c: table.column(c).to_numpy(zero_copy_only=False) for c in table.column_names}
    return out


@pytest.fixture(scope="module")
def spied(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[Any]]:
    """The run, and what its speed test was given at each step: the step's time, its
    serving satellites ``(site,)`` and the served sites' link rates, load draws and
    satellites in view."""
    calls: list[Any] = []
    now: dict[str, Any] = {}
    step, tests = CapacityModel.step, throughput.speed_tests

    def spy_step(self: CapacityModel, sat: Any, serving: Any, **kw: Any) -> Any:
        now["utc_ns"], now["serving"] = kw["utc_ns"], np.array(serving)
        return step(self, sat, serving, **kw)

    def spy_tests(down: Any, up: Any, z: Any, in_view: Any, params: Any, **kw: Any) -> Any:
        calls.append(
            (now["utc_ns"], now["serving"], *(np.array(x) for x in (down, up, z, in_view)))
        )
        return tests(down, up, z, in_view, params, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CapacityModel, "step", spy_step)
        mp.setattr(throughput, "speed_tests", spy_tests)
        rows = _run(tmp_path_factory.mktemp("busy"), "run")
    return rows, calls


def _queue_by_hand(calls: list[Any]) -> dict[int, np.ndarray]:
    """Each step's busy-hour queue ``(site,)`` ms from the speed test's own inputs (NaN
    where it tested nothing)."""
    p = LatencyParameters()
    out = {}
    for utc, serving, down, up, z, in_view in calls:
        rho_down, rho_up = busy_hour_utilisation(down, up, z, in_view)
        queue = np.full(serving.shape[0], np.nan)
        queue[serving >= 0] = p.queue_ms(rho_down) + p.queue_ms(rho_up)
        out[utc] = queue
    return out


def _times_ns(rows: dict[str, np.ndarray]) -> np.ndarray:
    return rows["time"].astype("datetime64[ns]").astype(np.int64)


def test_busy_rtt_is_the_idle_rtt_plus_the_queue_of_the_speed_tests_draws(spied):
    rows, calls = spied
    t = rows["terminals"]
    queue = _queue_by_hand(calls)
    n_sites = calls[0][1].shape[0]
    n_cells = n_sites - len(TERMINALS)
    assert len(queue) == 12 and n_cells == len(set(rows["cells"]["cell"])) > 0
    served = t["served"].astype(bool)
    site = n_cells + np.array([TERMINALS.index(n) for n in t["terminal"]])
    want = np.array([queue[u][s] for u, s in zip(_times_ns(t), site, strict=True)])
    busy, idle = t["busy_rtt_ms"].astype(float), t["rtt_ms"].astype(float)
    ok = served & np.isfinite(idle)
    assert ok.sum() >= 20
    np.testing.assert_allclose(busy[ok] - idle[ok], want[ok], rtol=0, atol=1e-9)
    # A real queue that moves with the draws, and never below the idle RTT.
    assert (want[ok] > 0).all() and np.ptp(want[ok]) > 0.1
    assert (busy[ok] >= idle[ok]).all()
    # Null exactly where the idle RTT is: the unserved steps (Paris, outside the area).
    assert np.array_equal(np.isnan(busy), np.isnan(idle))
    assert not served[t["terminal"] == "Paris"].any() and np.isnan(busy[~served]).all()


def test_a_cells_busy_rtt_is_its_slots_mean(spied):
    rows, calls = spied
    c = rows["cells"]
    queue = _queue_by_hand(calls)
    # The cells are the run's first sites, in the order sites.parquet lists them.
    site_of = {str(n): i for i, n in enumerate(rows["sites"]["site"])}
    site = np.array([site_of[str(n)] for n in c["cell"]])
    steps = np.array(sorted(queue))
    start = _times_ns(c)
    # A row's steps: those of its slot (3 of 5 s in each 15 s slot), all served here.
    in_slot = [steps[(steps >= t0) & (steps < t0 + SLOT_NS)] for t0 in start]
    assert {s.size for s in in_slot} == {3}
    want = np.array(
        [np.mean([queue[u][i] for u in us]) for us, i in zip(in_slot, site, strict=True)]
    )
    busy, idle = c["busy_rtt_ms"].astype(float), c["rtt_ms"].astype(float)
    assert np.array_equal(np.isnan(busy), np.isnan(idle))
    whole = (c["served"] == 1.0) & np.isfinite(idle)
    assert whole.sum() > 4 * 3  # several cells in each of the 4 slots
    np.testing.assert_allclose(busy[whole] - idle[whole], want[whole], rtol=0, atol=1e-9)
    assert (busy[whole] > idle[whole]).all()


def test_without_a_queue_the_busy_rtt_is_the_idle_rtt_exactly(spied, tmp_path):
    rows = _run(tmp_path, "flat", ", latency: {queue_scale_ms: 0}")
    for t in ("terminals", "cells"):
        busy, idle = rows[t]["busy_rtt_ms"].astype(float), rows[t]["rtt_ms"].astype(float)
        assert np.isfinite(idle).sum() > 10
        np.testing.assert_array_equal(busy, idle)
        # Only the queue moved: the idle RTT is the queued run's, to the bit.
        np.testing.assert_array_equal(idle, spied[0][t]["rtt_ms"].astype(float))


def test_a_busier_region_tests_slower_and_queues_longer(tmp_path: Path) -> None:
    """``capacity.busy_hour_load_scale: 2``: the same paths and idle RTT, speed tests
    slower and the busy-hour queue longer at every served step; 1 is the default."""
    path = tmp_path / "busier.yaml"
    path.write_text((SCENARIO % "") + "capacity: {busy_hour_load_scale: 2}\n")
    run_scenario(load_scenario(path), tmp_path / "busier", workers=1)
    path = tmp_path / "plain.yaml"
    path.write_text((SCENARIO % "") + "capacity: {busy_hour_load_scale: 1}\n")
    run_scenario(load_scenario(path), tmp_path / "plain", workers=1)
    path = tmp_path / "default.yaml"
    path.write_text(SCENARIO % "")
    run_scenario(load_scenario(path), tmp_path / "default", workers=1)

    def table(name: str) -> Any:
        return pq.read_table(tmp_path / name / "terminals.parquet").sort_by(
            [("time", "ascending"), ("terminal", "ascending")]
        )

    busier, plain = table("busier"), table("plain")
    assert plain.equals(table("default"))

    def col(t: Any, c: str) -> np.ndarray:
        return t.column(c).to_numpy(zero_copy_only=False).astype(float)

    np.testing.assert_array_equal(col(busier, "rtt_ms"), col(plain, "rtt_ms"))
    ok = np.isfinite(col(plain, "busy_rtt_ms"))
    assert ok.sum() >= 20
    assert (col(busier, "busy_rtt_ms")[ok] > col(plain, "busy_rtt_ms")[ok]).all()
    for c in ("speedtest_down_mbps", "speedtest_up_mbps"):
        slower, usual = col(busier, c)[ok], col(plain, c)[ok]
        assert (slower <= usual).all() and np.median(slower) < 0.9 * np.median(usual), c
    # The uplink's own scale: only the upload tests change, and the queue between.
    path = tmp_path / "up.yaml"
    path.write_text(
        (SCENARIO % "") + "capacity: {busy_hour_load_scale: 2, busy_hour_load_scale_up: 1}\n"
    )
    run_scenario(load_scenario(path), tmp_path / "up", workers=1)
    up = table("up")
    np.testing.assert_array_equal(
        col(up, "speedtest_down_mbps"), col(busier, "speedtest_down_mbps")
    )
    np.testing.assert_array_equal(col(up, "speedtest_up_mbps"), col(plain, "speedtest_up_mbps"))
    between = col(up, "busy_rtt_ms")[ok]
    assert (between >= col(plain, "busy_rtt_ms")[ok]).all()
    assert (between <= col(busier, "busy_rtt_ms")[ok]).all()
    assert (between < col(busier, "busy_rtt_ms")[ok]).any()
