"""The coverage runner: chunking invariance, masks, bent-pipe, and bad input."""

import numpy as np
import pytest

from leonet.access.scheduler import SchedulerConfig
from leonet.engine import run_coverage
from leonet.ground import Sites, load_gateways
from leonet.space import load_preset
from leonet.timegrid import TimeGrid

START = "2026-05-30T00:00:00Z"


@pytest.fixture(scope="module")
def shell():
    return load_preset("starlink-gen1", START)


@pytest.fixture(scope="module")
def sites():
    lat = np.array([50.45, 49.99, 46.48, 89.0, 0.0])
    lon = np.array([30.52, 36.23, 30.72, 0.0, 30.0])
    return Sites(["Kyiv", "Kharkiv", "Odesa", "pole", "equator"], lat, lon)


def _fields(result):
    m = result.metrics
    return (m.served_fraction, m.visible_mean, m.longest_gap_s, m.handovers, m.reason_steps)


@pytest.mark.parametrize("strategy", ["highest-elevation", "longest-visibility"])
def test_chunked_run_equals_single_pass(shell, sites, strategy):
    grid = TimeGrid(START, 5.0, 120)
    config = SchedulerConfig(strategy=strategy, horizon_s=120.0)
    whole = run_coverage(shell, sites, grid, scheduler=config, chunk_steps=120)
    parts = run_coverage(shell, sites, grid, scheduler=config, chunk_steps=7)
    for a, b in zip(_fields(whole), _fields(parts), strict=True):
        np.testing.assert_array_equal(a, b)


def test_polar_site_is_never_served_by_gen1_at_25_degrees_without_polar_shells(sites):
    grid = TimeGrid(START, 10.0, 60)
    inclined = load_preset("starlink-gen1", START)
    inclined = inclined.take(np.flatnonzero(inclined.elements.inclination_rad < np.deg2rad(60)))
    result = run_coverage(inclined, sites, grid)
    pole = 3
    assert result.metrics.served_fraction[pole] == 0.0
    assert result.metrics.visible_max[pole] == 0
    assert result.metrics.longest_gap_s[pole] == pytest.approx(grid.count * grid.step_s)
    assert result.metrics.served_fraction[0] == 1.0  # Kyiv under the 53° shells


def test_a_higher_mask_never_increases_visibility(shell, sites):
    grid = TimeGrid(START, 10.0, 30)
    low = run_coverage(shell, sites, grid, min_elevation_deg=10.0)
    high = run_coverage(shell, sites, grid, min_elevation_deg=40.0)
    assert np.all(high.metrics.visible_mean <= low.metrics.visible_mean)
    assert np.all(high.metrics.served_fraction <= low.metrics.served_fraction)


def test_bent_pipe_never_serves_more_than_open_access(shell, sites):
    grid = TimeGrid(START, 10.0, 30)
    free = run_coverage(shell, sites, grid)
    piped = run_coverage(shell, sites, grid, gateways=load_gateways())
    assert np.all(piped.metrics.served_fraction <= free.metrics.served_fraction)
    # Kyiv is within a satellite footprint of the Polish/Lithuanian gateways.
    assert piped.metrics.served_fraction[0] > 0.5


def test_region_coverage_weights_cells_by_area(shell, sites):
    grid = TimeGrid(START, 10.0, 12)
    area = np.array([1.0, 1.0, 1.0, 97.0])  # the pole is 97% of the "region"
    result = run_coverage(shell.take(np.arange(10)), sites, grid, n_cells=4, cell_area_km2=area)
    served = result.metrics.served_fraction[:4]
    expected = float(np.sum(served * area) / area.sum())
    assert result.region.area_coverage[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"n_cells": 9}, "n_cells=9"), ({"min_elevation_deg": 95.0}, "min_elevation_deg=95")],
)
def test_bad_parameters_are_named(shell, sites, kwargs, message):
    with pytest.raises(ValueError, match=message):
        run_coverage(shell, sites, TimeGrid(START, 1.0, 2), **kwargs)


def test_satellites_outside_every_shell_do_not_serve(shell, sites):
    """Raising or deorbiting satellites (shell -1) serve in neither `leonet run` nor here."""
    import dataclasses

    grid = TimeGrid(START, 10.0, 30)
    full = run_coverage(shell, sites, grid)
    unassigned = dataclasses.replace(shell, shell=np.full(shell.size, -1, dtype=np.int32))
    none = run_coverage(unassigned, sites, grid)
    assert full.metrics.served_fraction[0] == 1.0  # Kyiv, every shell in service
    np.testing.assert_array_equal(none.metrics.served_fraction, 0.0)
    np.testing.assert_array_equal(none.metrics.visible_mean, 0.0)
    half = np.where(np.arange(shell.size) % 2 == 0, shell.shell, -1).astype(np.int32)
    some = run_coverage(dataclasses.replace(shell, shell=half), sites, grid)
    seen = full.metrics.visible_mean > 0
    assert np.all(some.metrics.visible_mean[seen] < full.metrics.visible_mean[seen])
    assert np.all(some.metrics.visible_mean[seen] > 0)


def test_slider_frames_are_each_slots_served_share_whatever_the_chunks(shell, sites):
    thin = shell.take(np.arange(0, shell.size, 12))  # gaps, so frames differ
    grid = TimeGrid(START, 5.0, 120)
    config = SchedulerConfig(slot_s=15.0)
    whole = run_coverage(thin, sites, grid, scheduler=config, chunk_steps=120)
    parts = run_coverage(thin, sites, grid, scheduler=config, chunk_steps=7)
    f = whole.frames
    np.testing.assert_array_equal(f.served_fraction, parts.frames.served_fraction)
    assert f.served_fraction.shape == (40, len(sites)) and f.slots == 1  # 600 s of 15-s slots
    assert f.start_ns[1] - f.start_ns[0] == 15 * 10**9
    assert f.start_ns[0] == grid.start_ns
    # Three steps a slot: each slot's share is 0, 1/3, 2/3 or 1, and their mean the run's.
    assert set(np.round(3 * f.served_fraction.ravel(), 6)) <= {0.0, 1.0, 2.0, 3.0}
    np.testing.assert_allclose(
        f.served_fraction.mean(axis=0), whole.metrics.served_fraction, atol=1e-6
    )
    assert 0 < whole.metrics.served_fraction[:3].min() < 1  # some slots lost: a real check


def test_a_long_run_puts_whole_slots_in_each_frame(shell, sites, monkeypatch):
    import leonet.report.cellmap as cellmap

    thin = shell.take(np.arange(0, shell.size, 12))
    grid = TimeGrid(START, 5.0, 120)
    config = SchedulerConfig(slot_s=15.0)
    fine = run_coverage(thin, sites, grid, scheduler=config).frames
    monkeypatch.setattr(cellmap, "MAX_FRAMES", 7)  # 40 slots → 7 frames of 6 slots (the last of 4)
    coarse = run_coverage(thin, sites, grid, scheduler=config).frames
    assert coarse.slots == 6 and coarse.served_fraction.shape[0] == 7
    assert coarse.frame_s == 90.0
    for k in range(7):
        np.testing.assert_allclose(
            coarse.served_fraction[k],
            fine.served_fraction[6 * k : 6 * k + 6].mean(axis=0),
            atol=1e-6,
        )
