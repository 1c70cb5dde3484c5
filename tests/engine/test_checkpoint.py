"""RunState as plain arrays, and how often checkpoints are saved."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leonet.engine.checkpoint import CheckpointWriter, state_from_arrays, state_to_arrays
from leonet.engine.chunks import ScenarioRun
from leonet.engine.run import initial_state, run_scenario
from leonet.results import RunStore
from leonet.scenario import load_scenario

SCENARIO = """
name: carried
seed: 5
time: {start: "2026-05-30T12:00:00Z", duration: 120s, step_s: 10, chunk_steps: 2}
constellations: [{preset: starlink-gen1}]
ground:
  terminals: [{place: Kyiv}, {place: Lviv}]
  cells: {region: Luxembourg, resolution: 4}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
network: {mode: lasers}
outputs: {report: false}
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "carried.yaml"
    path.write_text(SCENARIO)
    return load_scenario(path)


def test_every_part_of_the_state_survives_the_round_trip(scenario, tmp_path):
    run_scenario(scenario, tmp_path / "r", workers=1, stop_after_chunks=3)
    saved = RunStore(tmp_path / "r").load_checkpoint().state
    like = initial_state(ScenarioRun(scenario))
    state = state_from_arrays(saved, like, "test")
    assert state.next_chunk == 3
    assert state.scheduler is not None and state.routes is not None and state.region is not None
    again = state_to_arrays(state)
    assert sorted(again) == sorted(saved)
    for key, value in saved.items():
        assert again[key].dtype == value.dtype, key
        assert np.array_equal(again[key], value, equal_nan=value.dtype.kind == "f"), key
    assert any(
        k.startswith(p) for k in saved for p in ("scheduler.", "routes.", "metrics.", "region.")
    )


def test_a_ctrl_c_between_chunks_keeps_every_chunk_written(scenario, tmp_path):
    whole = tmp_path / "whole"
    run_scenario(scenario, whole, workers=1)
    out = tmp_path / "stopped"

    def stop_after_four(done, _total):
        if done >= 4 * 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_scenario(scenario, out, workers=1, progress=stop_after_four)
    assert RunStore(out).load_checkpoint().next_chunk == 4
    resumed = run_scenario(scenario, out, workers=1, resume=True)
    assert resumed.resumed_from_chunk == 4 and resumed.complete
    for table in ("terminals", "cells"):
        assert pq.read_table(out / f"{table}.parquet").equals(
            pq.read_table(whole / f"{table}.parquet")
        ), table


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_checkpoints_stay_small_next_to_the_results(scenario, tmp_path):
    """Saved when the parts written since the last save reach 8× the state's size, or
    5 min have passed and they reach its size: checkpoint bytes stay about an eighth of
    the results', and never more than them however slow the chunks."""
    state = initial_state(ScenarioRun(scenario))
    store = RunStore(tmp_path)
    store.prepare(resume=False)
    clock = _Clock()
    writer = CheckpointWriter(store, "h", 100, 0, clock=clock)
    writer.save(state)
    state_bytes = next(tmp_path.glob("state-*.npz")).stat().st_size
    part = pa.table({"x": np.random.default_rng(1).random(state_bytes // 8)})
    saved_bytes, parts_bytes = 0, 0
    for chunk in range(40):
        clock.now += 0.5
        path = store.write_part("terminals", chunk, part)
        writer.wrote(path)
        parts_bytes += path.stat().st_size
        state.next_chunk = chunk + 1
        if writer.maybe_save(state):
            saved_bytes += next(tmp_path.glob("state-*.npz")).stat().st_size
    assert 3 <= writer.saves - 1 <= 6  # every ~8 chunks, not every one
    assert saved_bytes <= 0.15 * parts_bytes
    clock.now += 300.0  # a long quiet spell: saved on time, once the parts reach the state
    if writer._parts_bytes >= state_bytes:
        assert writer.maybe_save(state)
    else:
        assert not writer.maybe_save(state)
        writer.wrote(store.write_part("terminals", 40, part))
        assert writer.maybe_save(state)
    clock.now += 3000.0  # nothing written since: however long, no save
    assert not writer.maybe_save(state)
    saves = writer.saves
    writer.flush(state)  # nothing new since: no save
    assert writer.saves == saves
    state.next_chunk += 1
    writer.flush(state)
    assert writer.saves == saves + 1 and store.load_checkpoint().next_chunk == state.next_chunk


def test_the_state_is_saved_compactly_and_read_back_exactly(scenario, tmp_path):
    """Issue 16: at fine H3 resolutions the state was megabytes a checkpoint, mostly
    zeros of the visible-satellite histograms and the cells' areas."""
    run_scenario(scenario, tmp_path / "r", workers=1, stop_after_chunks=3)
    saved = RunStore(tmp_path / "r").load_checkpoint().state
    like = initial_state(ScenarioRun(scenario))
    assert "region.region" not in saved and "region.weight" not in saved  # the scenario's
    ints = {k: v for k, v in saved.items() if v.dtype.kind in "iu" and v.size}
    assert ints and all(v.dtype.itemsize < 8 for k, v in ints.items() if k != "next_chunk")
    state = state_from_arrays(saved, like, "test")
    metrics = state.metrics
    assert saved["metrics.hist"].ndim == 1
    assert saved["metrics.hist"].size < metrics._hist.size / 4  # only each site's window
    assert metrics._hist.sum() == metrics.steps * metrics.n_site  # every step of every site
    assert np.array_equal(state.region._region, like.region._region)
    assert np.array_equal(state.region._weight, like.region._weight)
    # The whole run, resumed from this state, finalizes to what one session gives.
    whole = run_scenario(scenario, tmp_path / "whole", workers=1)
    resumed = run_scenario(scenario, tmp_path / "r", workers=1, resume=True)
    for name, value in whole.metrics.as_dict().items():
        assert np.array_equal(getattr(resumed.metrics, name), value), name
    assert resumed.area_coverage == whole.area_coverage


def test_a_hist_that_does_not_fit_its_counts_is_refused(scenario, tmp_path):
    from leonet.results import RunFolderError

    run_scenario(scenario, tmp_path / "r", workers=1, stop_after_chunks=3)
    saved = dict(RunStore(tmp_path / "r").load_checkpoint().state)
    saved["metrics.hist"] = saved["metrics.hist"][:-1]
    with pytest.raises(RunFolderError, match=r"hist must be .* got"):
        state_from_arrays(saved, initial_state(ScenarioRun(scenario)), "state-00003.npz")
    saved = dict(RunStore(tmp_path / "r").load_checkpoint().state)
    saved["region.weight"] = np.ones(3)
    with pytest.raises(RunFolderError, match=r"unknown entry 'region\.weight'"):
        state_from_arrays(saved, initial_state(ScenarioRun(scenario)), "state-00003.npz")
