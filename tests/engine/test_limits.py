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
    assert cost.disk_bytes == cost.output_bytes + 3_600 * cost.checkpoint_bytes
    with pytest.raises(CostLimitError, match="written"):
        check_cost(cost, RunLimits(disk_bytes=10**9))
    no_checkpoints = estimate_cost(
        steps=3_600, step_s=1.0, satellites=100, cells=100_000, chunk_steps=1, checkpoints=False
    )
    assert no_checkpoints.disk_bytes == no_checkpoints.output_bytes
