"""Streaming metrics on hand-made sequences; chunked feeding equals one update."""

from itertools import pairwise

import numpy as np
import pytest

from leonet.access.metrics import RegionCoverageAccumulator, SiteMetricsAccumulator
from leonet.access.scheduler import SchedulerConfig, schedule
from leonet.access.visibility import visible
from leonet.frames import geodetic_to_ecef
from leonet.outcomes import Outcome
from leonet.timegrid import TimeGrid


def _feed(acc, served, counts, bounds, **extra):
    for lo, hi in pairwise(bounds):
        acc.update(served[lo:hi], counts[lo:hi], **{k: v[lo:hi] for k, v in extra.items()})


def test_longest_gap_spans_chunk_boundaries():
    served = np.array([[1, 0], [0, 0], [0, 1], [0, 1], [0, 1], [1, 1], [0, 0], [0, 1]], bool)
    counts = np.ones_like(served, dtype=int)
    acc = SiteMetricsAccumulator(2, step_s=2.0)
    _feed(acc, served, counts, [0, 3, 7, 8])  # gaps cross both boundaries
    m = acc.finalize()
    np.testing.assert_array_equal(m.longest_gap_s, [8.0, 4.0])  # 4 steps and 2 steps
    np.testing.assert_allclose(m.served_fraction, [2 / 8, 5 / 8])
    assert m.steps == 8 and m.duration_s == 16.0


def test_all_unserved_gap_is_the_whole_run():
    acc = SiteMetricsAccumulator(1, step_s=1.0)
    for _ in range(5):
        acc.update(np.zeros((7, 1), bool), np.zeros((7, 1), int))
    assert acc.finalize().longest_gap_s[0] == 35.0


def test_chunked_feeding_equals_one_update():
    rng = np.random.default_rng(3)
    served = rng.random((500, 6)) < 0.8
    counts = rng.poisson(20, (500, 6))
    counts[:, 5] = rng.poisson(200, 500)  # beyond the histogram's top bin
    reason = np.where(served, 0, rng.integers(1, 5, (500, 6))).astype(np.uint8)
    ho = rng.integers(0, 5, (500, 6))
    one = SiteMetricsAccumulator(6, 1.0)
    one.update(served, counts, ho.sum(axis=0), reason)
    many = SiteMetricsAccumulator(6, 1.0)
    bounds = [0, 1, 99, 250, 251, 500]
    for lo, hi in pairwise(bounds):
        many.update(served[lo:hi], counts[lo:hi], ho[lo:hi].sum(axis=0), reason[lo:hi])
    a, b = one.finalize(), many.finalize()
    for key, value in a.as_dict().items():
        np.testing.assert_array_equal(value, b.as_dict()[key], err_msg=key)
    np.testing.assert_allclose(a.visible_mean, counts.mean(axis=0))
    np.testing.assert_array_equal(a.visible_min, counts.min(axis=0))
    np.testing.assert_array_equal(a.visible_max, counts.max(axis=0))
    assert np.all(a.visible_histogram.sum(axis=1) == 500)
    for k, p in enumerate(a.percentiles):
        ref = np.percentile(counts[:, :5], p, axis=0, method="inverted_cdf")
        np.testing.assert_array_equal(a.visible_percentiles[k, :5], ref)
    assert np.all(a.visible_percentiles[:, 5] == 127)  # clipped to the top bin
    np.testing.assert_array_equal(a.reason_steps.sum(axis=1), 500)
    np.testing.assert_array_equal(a.reason_steps[:, 0], served.sum(axis=0))
    np.testing.assert_allclose(a.handovers_per_hour, ho.sum(axis=0) / (500 / 3600))


def test_metrics_from_a_schedule(walker):
    grid = TimeGrid("2026-05-30T00:00:00Z", 1.0, 120)
    sats = walker(grid.offsets_s)
    lat, lon = np.array([30.0, 45.0, 89.0]), np.array([0.0, 10.0, 0.0])
    vis = visible(sats, 25.0, geodetic_to_ecef(lat, lon), lat, lon)
    acc = SiteMetricsAccumulator(3, grid.step_s)
    state = None
    for lo, hi in [(0, 50), (50, 120)]:
        part = vis.take_steps(lo, hi)
        out = schedule(part, grid.utc_ns[lo:hi], SchedulerConfig(), state)
        acc.update_from(out, part)
        state = out.state
    m = acc.finalize()
    assert m.served_fraction[2] == 0.0 and m.longest_gap_s[2] == 120.0
    assert m.reason_steps[2, Outcome.NO_SATELLITE] == 120
    np.testing.assert_allclose(m.visible_mean, vis.counts().mean(axis=0))


def test_region_coverage_and_worst_cells():
    # region 0: cells 0, 1, 2 (cell 2 twice the area); region 1: cell 3; region 2: none
    region = np.array([0, 0, 0, 1, -1])
    served = np.array([[1, 1, 0, 1, 0], [1, 0, 0, 1, 0], [1, 1, 1, 0, 1], [1, 1, 1, 1, 1]], bool)
    acc = RegionCoverageAccumulator(region, n_region=3, cell_weight=[1.0, 1.0, 2.0, 1.0, 1.0])
    acc.update(served[:1])
    acc.update(served[1:])
    cov = acc.finalize(worst_n=2)
    per_step = (served[:, :3] * [1, 1, 2]).sum(axis=1) / 4.0
    assert cov.area_coverage[0] == pytest.approx(per_step.mean())
    assert cov.worst_instant_coverage[0] == pytest.approx(per_step.min())
    assert cov.area_coverage[1] == pytest.approx(0.75)
    assert np.isnan(cov.area_coverage[2]) and np.isnan(cov.worst_instant_coverage[2])
    np.testing.assert_array_equal(cov.worst_cells, [[2, 1], [3, -1], [-1, -1]])
    np.testing.assert_allclose(cov.worst_cells_served_fraction[0], [0.5, 0.75])
    assert np.isnan(cov.worst_cells_served_fraction[1, 1])
    np.testing.assert_allclose(cov.cell_served_fraction, served.mean(axis=0))


def test_errors_name_the_shape():
    with pytest.raises(ValueError, match=r"\(time, 2\)"):
        SiteMetricsAccumulator(2, 1.0).update(np.zeros((3, 1), bool), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="update"):
        SiteMetricsAccumulator(2, 1.0).finalize()
    with pytest.raises(ValueError, match="region indices"):
        RegionCoverageAccumulator([0, 5], n_region=2)


def test_to_arrays_keeps_only_each_sites_histogram_window_and_reads_back_exactly():
    rng = np.random.default_rng(5)
    served = rng.random((300, 4)) < 0.6
    counts = rng.poisson(40, (300, 4))
    counts[:, 1] = rng.integers(120, 140, 300)  # straddles the top bin (127)
    counts[:, 2] = 200  # always beyond it
    acc = SiteMetricsAccumulator(4, 1.0)
    acc.update(served, counts)
    arrays = acc.to_arrays()
    clipped = np.clip(counts, 0, 127)
    widths = clipped.max(axis=0) - clipped.min(axis=0) + 1
    assert arrays["hist"].shape == (widths.sum(),)  # e.g. [~40, 8, 1, ~40], not 4 × 128
    back = SiteMetricsAccumulator.from_arrays(arrays)
    for key, value in acc.finalize().as_dict().items():
        np.testing.assert_array_equal(value, back.finalize().as_dict()[key], err_msg=key)
    empty = SiteMetricsAccumulator.from_arrays(SiteMetricsAccumulator(3, 1.0).to_arrays())
    assert empty.to_arrays()["hist"].shape == (0,) and empty.steps == 0
    arrays["hist"] = arrays["hist"][1:]
    with pytest.raises(ValueError, match="hist must be"):
        SiteMetricsAccumulator.from_arrays(arrays)
