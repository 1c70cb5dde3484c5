"""Sweeps on a real 2-process Dask LocalCluster: same results as `leonet run`, a killed
worker's run retried, a re-run redoes nothing finished, a bad variant recorded."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow.dataset as ds
import pytest
from typer.testing import CliRunner

from leonet.cli import app
from leonet.scenario import load_scenario, validate, with_overrides
from leonet.sweep import (
    chunk_steps_for_memory,
    expand,
    load_sweep,
    query_sweep,
    run_sweep,
)

SWEEP = """\
name: tiny
base: quick
set:
  time.duration: {duration}
  time.step_s: 10
parameters:
  - path: faults.satellites[0].fraction
    values: {values}
seeds: {seeds}
metrics: [availability, rtt_p50_ms]
"""


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


def _sweep(
    tmp_path: Path, *, duration: str = "30s", values: str = "[0.0, 0.4]", seeds: int = 1
) -> tuple:
    path = tmp_path / "tiny.yaml"
    path.write_text(SWEEP.format(duration=duration, values=values, seeds=seeds))
    return load_sweep(path)


def _table(path: Path, keys: list[str]):
    table = ds.dataset(path).to_table()
    return table.sort_by([(k, "ascending") for k in keys])


def _same(a, b) -> None:
    assert a.num_rows == b.num_rows > 0
    for column in b.column_names:
        x = a[column].to_numpy(zero_copy_only=False)
        y = b[column].to_numpy(zero_copy_only=False)
        if x.dtype.kind == "f":
            assert np.array_equal(x, y, equal_nan=True), column
        else:
            assert list(x) == list(y), column


def test_each_variant_matches_leonet_run_alone(client, tmp_path):
    spec, base = _sweep(tmp_path)
    outcome = run_sweep(spec, base, tmp_path / "out", client=client)
    assert (outcome.runs, outcome.done, outcome.failed) == (2, 2, 0)
    pids = {
        json.loads((tmp_path / "out" / "status" / f"{n}.json").read_text())["pid"]
        for n in ("v0000-s1", "v0001-s1")
    }
    assert os.getpid() not in pids  # the runs ran on the workers
    threads = {
        json.loads((tmp_path / "out" / "status" / f"{n}.json").read_text())["numba_threads"]
        for n in ("v0000-s1", "v0001-s1")
    }
    assert threads == {1}  # one core per worker thread: the workers do not fight
    for run in expand(spec, base):
        scenario_file = tmp_path / f"{run.name}.yaml"
        scenario_file.write_text(json.dumps(run.scenario))  # YAML reads JSON
        alone = tmp_path / f"alone-{run.name}"
        result = CliRunner().invoke(app, ["run", str(scenario_file), "--out", str(alone)])
        assert result.exit_code == 0, result.output
        swept = tmp_path / "out" / "runs" / run.name
        _same(
            _table(swept / "terminals.parquet", ["time", "terminal"]),
            _table(alone / "terminals.parquet", ["time", "terminal"]),
        )
        # and the sweep's own dataset holds the same rows, with the parameter columns
        rows = _table(
            tmp_path / "out" / "terminals.parquet" / f"{run.name}.parquet", ["time", "terminal"]
        )
        _same(
            rows.select(_table(alone / "terminals.parquet", ["time"]).column_names),
            _table(alone / "terminals.parquet", ["time", "terminal"]),
        )
        assert set(rows["faults_satellites_0_fraction"].to_pylist()) == {
            run.params["faults.satellites[0].fraction"]
        }
    summary = query_sweep(tmp_path / "out", "SELECT * FROM summary ORDER BY variant")
    assert summary["seeds_done"].to_pylist() == [1, 1]
    assert (tmp_path / "out" / "report.html").read_text().count("<svg") == 2


def test_a_killed_workers_run_is_retried_and_completes(client, tmp_path):
    # Long enough that the run is still going when it is killed, on a slow machine too.
    spec, base = _sweep(tmp_path, duration="20m", values="[0.1]")
    (run,) = expand(spec, base)
    killed: dict[str, int] = {}
    folder = tmp_path / "out" / "runs" / run.name

    def kill_when_running() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for address, keys in client.processing().items():
                # Kill once the worker has started the run's folder (its marker is the
                # first file a run writes), not before: that is a run cut short mid-way.
                if (
                    any("leonet-sweep-" in str(k) for k in keys)
                    and (folder / "leonet-run.json").exists()
                ):
                    pid = client.run(os.getpid, workers=[address])[address]
                    os.kill(pid, signal.SIGKILL)
                    killed["pid"] = pid
                    meta = folder / "metadata.json"
                    killed["complete"] = int(
                        meta.exists() and json.loads(meta.read_text()).get("completed") is True
                    )
                    return
            time.sleep(0.01)

    killer = threading.Thread(target=kill_when_running)
    killer.start()
    outcome = run_sweep(spec, base, tmp_path / "out", client=client)
    killer.join()
    assert "pid" in killed
    assert killed["complete"] == 0  # it was killed mid-run
    record = json.loads((tmp_path / "out" / "status" / f"{run.name}.json").read_text())
    assert record["status"] == "done", record
    assert record["pid"] != killed["pid"]
    assert (outcome.done, outcome.failed) == (1, 0)
    metadata = json.loads((tmp_path / "out" / "runs" / run.name / "metadata.json").read_text())
    assert metadata["completed"] is True
    client.wait_for_workers(2, timeout=120)  # the nanny restarted it, for the next tests


def test_a_rerun_redoes_nothing_finished_and_finishes_the_rest(client, tmp_path):
    spec, base = _sweep(tmp_path, values="[0.0, 0.2, 0.4]")
    out = tmp_path / "out"
    run_sweep(spec, base, out, client=client)
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "status").iterdir()}
    parts = {p.name: p.stat().st_mtime_ns for p in (out / "terminals.parquet").iterdir()}
    # as if interrupted before v0002 finished: its record is gone
    (out / "status" / "v0002-s1.json").unlink()
    again = run_sweep(spec, base, out, client=client)
    assert (again.skipped, again.done, again.failed) == (2, 1, 0)
    for name in ("v0000-s1.json", "v0001-s1.json"):
        assert (out / "status" / name).stat().st_mtime_ns == stamps[name]
    for name in ("v0000-s1.parquet", "v0001-s1.parquet"):
        assert (out / "terminals.parquet" / name).stat().st_mtime_ns == parts[name]
    third = run_sweep(spec, base, out, client=client)
    assert (third.skipped, third.done) == (3, 0)


def test_a_half_done_run_folder_is_resumed_from_its_checkpoint(client, tmp_path):
    from leonet.engine import run_scenario

    spec, base = _sweep(tmp_path, duration="5m", values="[0.2]")
    (run,) = expand(spec, base)
    scenario = with_overrides(validate(run.scenario), chunk_steps=6)
    folder = tmp_path / "out" / "runs" / run.name
    half = run_scenario(scenario, folder, stop_after_chunks=2, workers=1)
    assert not half.complete
    run_sweep(spec, base, tmp_path / "out", client=client)
    record = json.loads((tmp_path / "out" / "status" / f"{run.name}.json").read_text())
    assert record["status"] == "done" and record["resumed"] is True
    assert record["chunk_steps"] == 6  # the chunks it started with


def test_a_variant_that_fails_is_recorded_and_the_others_go_on(client, tmp_path):
    spec, base = _sweep(tmp_path, values="[0.1, 1.5]")
    outcome = run_sweep(spec, base, tmp_path / "out", client=client)
    assert (outcome.done, outcome.failed) == (1, 1)
    rows = query_sweep(
        tmp_path / "out", "SELECT run, status, error FROM results ORDER BY run"
    ).to_pylist()
    assert [r["status"] for r in rows] == ["done", "failed"]
    assert "faults.satellites[0].fraction" in rows[1]["error"]
    assert "Runs not done" in (tmp_path / "out" / "report.html").read_text()


def test_chunks_shrink_with_the_workers_memory_in_whole_slots():
    quick = with_overrides(load_scenario("quick"), step_s=1, duration=600)
    assert chunk_steps_for_memory(quick, None) is None
    assert chunk_steps_for_memory(quick, 8 * 1024**3) is None
    from leonet.engine import ScenarioRun

    full = ScenarioRun(quick).chunk_steps
    half = chunk_steps_for_memory(quick, 1024**3)
    tiny = chunk_steps_for_memory(quick, 64 * 1024**2)
    assert half is not None and tiny is not None
    assert tiny <= half <= full // 2
    assert half % 15 == 0  # whole 15-s scheduler slots at 1-s steps


def test_a_worker_with_little_memory_runs_smaller_chunks(tmp_path):
    """A 1-GiB worker: the engine's 900-step chunk (quick at 1 s) halves to 450 steps,
    whole 15-s slots, and the run's results are those of the engine's own chunks."""
    from distributed import Client, LocalCluster

    path = tmp_path / "tiny.yaml"
    path.write_text(
        SWEEP.format(duration="40s", values="[0.2]", seeds=1).replace(
            "time.step_s: 10", "time.step_s: 1"
        )
    )
    spec, base = load_sweep(path)
    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=True,
            memory_limit="1GiB",
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as small,
    ):
        outcome = run_sweep(spec, base, tmp_path / "out", client=small)
    assert outcome.done == 1
    (run,) = expand(spec, base)
    record = json.loads((tmp_path / "out" / "status" / f"{run.name}.json").read_text())
    assert record["chunk_steps"] == 450
    saved = json.loads((tmp_path / "out" / "runs" / run.name / "scenario.json").read_text())
    assert saved["time"]["chunk_steps"] == 450
    from leonet.engine import run_scenario

    run_scenario(validate(run.scenario), tmp_path / "alone", workers=1)
    _same(
        _table(tmp_path / "out" / "runs" / run.name / "terminals.parquet", ["time", "terminal"]),
        _table(tmp_path / "alone" / "terminals.parquet", ["time", "terminal"]),
    )
