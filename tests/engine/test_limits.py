"""The cost estimate against the measured default run, and the limits it enforces."""

import pytest

from leonet.engine.limits import CostLimitError, RunLimits, check_cost, estimate_cost
from leonet.scenario import load_scenario, open_inputs


def test_the_default_hour_is_estimated_near_its_measured_cost():
    from leonet.engine.limits import scenario_cost

    spec = load_scenario("ukraine")
    cost = scenario_cost(spec, open_inputs(spec))
    # docs/architecture.md: 45-48 s wall on 2 workers (~25 ms of CPU a step, 3,600 steps:
    # ~90 s of CPU) and ~1.0 GiB peak; the estimate is meant to be within a factor of 2.
    assert 45 < cost.cpu_s < 180
    assert 0.5 * 2**30 < cost.peak_memory_bytes < 2 * 2**30
    assert 2_000 < cost.cells < 2_800  # Ukraine ~600,000 km² / 252.9 km² a cell
    check_cost(cost)  # within the limits


def test_resolution_9_over_ukraine_is_refused_for_memory_with_the_fix():
    cells = round(599_094 / 0.1053)  # Ukraine's area over H3's res-9 average cell, km²
    cost = estimate_cost(steps=60, step_s=1.0, satellites=10_000, cells=cells)
    assert cost.peak_memory_bytes > 5e9
    with pytest.raises(CostLimitError, match=r"coarser H3 resolution.*--force"):
        check_cost(cost)
    check_cost(cost, force=True)


@pytest.mark.parametrize("steps, step_s", [(60 * 10**9, 1e-9), (10 * 365 * 86_400, 1.0)])
def test_a_nanosecond_step_or_a_decade_is_refused_for_cpu(steps, step_s):
    cost = estimate_cost(steps=steps, step_s=step_s, satellites=4_408, terminals=1)
    assert cost.cpu_s > 24 * 3600
    with pytest.raises(CostLimitError, match=r"CPU.*lengthen the step"):
        check_cost(cost)


def test_disk_limit_counts_checkpoints():
    cost = estimate_cost(steps=3_600, step_s=1.0, satellites=100, cells=100_000, chunk_steps=1)
    assert cost.disk_bytes == cost.output_bytes + cost.checkpoint_bytes_total
    assert 0 < cost.checkpoint_bytes_total <= cost.output_bytes / 4
    with pytest.raises(CostLimitError, match="written"):
        check_cost(cost, RunLimits(disk_bytes=10**9))
    no_checkpoints = estimate_cost(
        steps=3_600, step_s=1.0, satellites=100, cells=100_000, chunk_steps=1, checkpoints=False
    )
    assert no_checkpoints.disk_bytes == no_checkpoints.output_bytes


_MEASURE = """
import json, resource, sys
from pathlib import Path
from leonet.engine.run import run_scenario
from leonet.scenario import load_scenario
from leonet.scenario.loader import with_overrides
out = Path(sys.argv[1])
summary = run_scenario(
    with_overrides(load_scenario("ukraine"), duration="2m"), out, workers=1, overwrite=True
)
print(json.dumps({
    "chunks": summary.chunks,
    "parts": sum(p.stat().st_size for p in out.glob("*/part-*.parquet")),
    "state": sum(p.stat().st_size for p in out.glob("state-*.npz")),
    "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
}))
"""


def test_the_estimate_is_within_a_factor_of_two_of_a_measured_run(tmp_path):
    """Two minutes of the default scenario, in a fresh process: its Parquet parts, its
    last checkpoint and its peak memory (RSS), each within a factor of 2 of the
    estimate (docs/limits.md states the factor)."""
    import json
    import os
    import subprocess
    import sys

    from leonet.engine.limits import scenario_cost
    from leonet.scenario.loader import with_overrides

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(tmp_path / "run")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    spec = with_overrides(load_scenario("ukraine"), duration="2m")
    cost = scenario_cost(spec, open_inputs(spec), workers=1)
    assert cost.chunks == measured["chunks"]
    pairs = {
        "results": (cost.output_bytes, measured["parts"]),
        "checkpoint": (cost.checkpoint_bytes, measured["state"]),
        "peak memory": (cost.peak_memory_bytes, measured["peak"]),
    }
    for what, (estimate, got) in pairs.items():
        assert got / 2 <= estimate <= 2 * got, (what, estimate, got)


def test_the_checkpoint_ratio_is_the_writers():
    import inspect

    from leonet.engine import limits
    from leonet.engine.checkpoint import CheckpointWriter

    ratio = inspect.signature(CheckpointWriter).parameters["ratio"].default
    assert ratio == limits._RATIO
    cost = estimate_cost(steps=3_600, step_s=1.0, satellites=10_000, cells=120_000)
    # ~1/ratio of the results, plus the last save
    assert cost.checkpoint_bytes_total <= cost.output_bytes / ratio + 2 * cost.checkpoint_bytes
