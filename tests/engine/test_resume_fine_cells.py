"""Kill/resume equality at H3 resolution 7, with bounded checkpoint writes (issue 16).

At resolution 7 over Ukraine (116,000 cells) the engine's chunks are one step long, a
fifteenth of a scheduler slot, so each slot of ``cells`` is joined from several chunks
and a checkpoint must wait for the slot to close.  Here the same happens in small:
Luxembourg's ~500 resolution-7 cells, 5-s steps in one-step chunks (three to a 15-s
slot).  The run is killed by signals at several points — SIGKILL mid-slot and
mid-write, SIGTERM (which saves a checkpoint if no slot is open, as ``leonet run``
does) — resumed each time, and every table must equal an uninterrupted run's, bit for
bit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from leonet.engine.run import run_scenario
from leonet.results import RunStore
from leonet.results.store import Checkpoint
from leonet.scenario import load_scenario

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="signals and forked workers")

SCENARIO = """
name: fine
seed: 11
time: {start: "2026-05-30T12:00:00Z", duration: 150s, step_s: 5, chunk_steps: 1}
constellations: [{preset: starlink-gen1}]
ground:
  terminals: [{name: Luxembourg-city, lat_deg: 49.61, lon_deg: 6.13}]
  cells: {region: Luxembourg, resolution: 7}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 42]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 42]}}
network: {mode: hybrid}
outputs: {report: false}
"""
TABLES = ("terminals", "cells", "events", "sites", "ground")

_RUN = """
import signal, sys
from leonet.engine.run import run_scenario

def interrupted(signum, frame):  # as `leonet run` does: save what can be saved, then stop
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupted)
from leonet.scenario import load_scenario
mode = sys.argv[3]
run_scenario(
    load_scenario(sys.argv[1]), sys.argv[2], workers=2,
    resume=mode == "resume", overwrite=mode == "overwrite",
)
"""


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("fine") / "fine.yaml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture(scope="module")
def whole(scenario_path, tmp_path_factory):
    """The uninterrupted run, with the bytes of every part and checkpoint it wrote."""
    out = tmp_path_factory.mktemp("runs") / "whole"
    written = {"parts": 0, "state": 0, "saves": 0}
    write_part, save = RunStore.write_part, RunStore.save_checkpoint

    def counted_part(self, dataset, chunk, table):
        path = write_part(self, dataset, chunk, table)
        written["parts"] += path.stat().st_size
        return path

    def counted_save(self, checkpoint: Checkpoint):
        path = save(self, checkpoint)
        written["state"] += path.stat().st_size
        written["saves"] += 1
        return path

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RunStore, "write_part", counted_part)
        patch.setattr(RunStore, "save_checkpoint", counted_save)
        summary = run_scenario(load_scenario(scenario_path), out, workers=1)
    return out, summary, written


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _parts(out: Path) -> int:
    return len(list(out.glob("*/part-*.parquet")))


def _next_chunk(out: Path) -> int:
    try:
        return int(json.loads((out / "checkpoint.json").read_text())["next_chunk"])
    except (OSError, ValueError, KeyError):
        return 0


def test_cells_hold_one_row_per_cell_and_slot_and_checkpoints_stay_small(whole):
    out, summary, written = whole
    assert summary.chunks == 30 and summary.n_cells > 300  # one-step chunks, ~500 cells
    cells = pq.read_table(out / "cells.parquet")
    slots = 150 // 15
    assert cells.num_rows == slots * summary.n_cells  # not one row per chunk (3x as many)
    times = np.unique(cells.column("time").to_numpy())
    assert np.all(np.diff(times).astype("timedelta64[s]").astype(int) == 15)
    # Saved only where no slot is open, as often as keeps them a fraction of the parts.
    assert 2 <= written["saves"] <= slots
    assert written["state"] <= 0.5 * written["parts"], written


def test_killed_at_several_points_then_resumed_gives_identical_tables(
    scenario_path, whole, tmp_path
):
    reference, summary, _ = whole
    out = tmp_path / "killed"
    kills = []
    # (signal, parts to wait for, then seconds): mid-slot, mid-write, right after a save
    for how, parts, delay in (
        (signal.SIGKILL, 2, 0.0),
        (signal.SIGKILL, 3, 0.011),
        (signal.SIGTERM, 2, 0.0),
        (signal.SIGKILL, 1, 0.027),
    ):
        if (out / "checkpoint.json").exists():
            mode = "resume"
        else:  # not started yet, or killed before its first checkpoint: start afresh
            mode = "overwrite" if out.exists() else "new"
        proc = subprocess.Popen(
            [sys.executable, "-c", _RUN, str(scenario_path), str(out), mode], env=_env()
        )
        start = _parts(out)
        deadline = time.monotonic() + 180
        while _parts(out) < start + parts and proc.poll() is None:
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(how)
            kills.append((how.name, _next_chunk(out)))
        proc.wait(60)
    assert len(kills) >= 3, kills  # the run really was interrupted, at different chunks
    assert len({chunk for _, chunk in kills}) >= 2, kills
    resumed = run_scenario(load_scenario(scenario_path), out, workers=1, resume=True)
    assert resumed.complete and resumed.resumed_from_chunk > 0
    for table in TABLES:
        assert pq.read_table(out / f"{table}.parquet").equals(
            pq.read_table(reference / f"{table}.parquet")
        ), table
    for name, value in summary.metrics.as_dict().items():
        assert np.array_equal(getattr(resumed.metrics, name), value), name
    assert not list(out.rglob("*.part"))  # no temporary file of a killed write is left
