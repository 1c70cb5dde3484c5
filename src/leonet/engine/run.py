"""The scenario run — leonet's main job — streamed over time chunks with resume.

:func:`run_scenario` drives the chunks of a :class:`~leonet.engine.chunks.ScenarioRun`
(geometry → schedule → steps → tables, see :mod:`leonet.engine.chunks`) and, in chunk
order, adds each to the metrics (:func:`account`), writes its Parquet parts and then the
checkpoint.

Only :class:`RunState` crosses chunk boundaries; it is saved as plain arrays
(:mod:`leonet.engine.checkpoint`) in a checkpoint after the chunk's Parquet parts are
written, so ``resume`` picks up at the first chunk after the last checkpoint and
reproduces an uninterrupted run exactly.

Since only the scheduler's state ties a chunk to the one before, and late,
:func:`run_scenario` lets forked worker processes compute whole chunks in turn
(:mod:`leonet.engine.pipeline`) while this process accounts and writes them in
order — the same files, bit for bit, as one process writes (``workers=1``).
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from leonet.access.metrics import (
    RegionCoverageAccumulator,
    SiteMetrics,
    SiteMetricsAccumulator,
)
from leonet.access.scheduler import SchedulerState
from leonet.engine import pipeline
from leonet.engine._memory import reusing_freed_memory
from leonet.engine.checkpoint import CheckpointWriter, state_from_arrays, verify_inputs
from leonet.engine.chunks import ChunkResult, ScenarioRun
from leonet.engine.static import write_static
from leonet.network.routing import Routes, path_changed
from leonet.results.cell_periods import join_cell_periods
from leonet.results.store import RunStore
from leonet.results.tables import CellRows
from leonet.scenario.loader import scenario_hash
from leonet.scenario.schema import Scenario

# account and initial_state are the driver's plumbing (tests use them as they are).
__all__ = ["RunState", "RunSummary", "run_scenario"]


@dataclass
class RunState:
    """What one chunk hands the next: the scheduler's assignment, the last routes,
    the streaming metric accumulators, and the rows of a slot of ``cells`` that the
    next chunk goes on with (at fine resolutions a slot spans several chunks,
    :mod:`leonet.results.cell_periods`; checkpoints are saved only where none is open)."""

    next_chunk: int
    scheduler: SchedulerState | None
    routes: Routes | None
    metrics: SiteMetricsAccumulator
    region: RegionCoverageAccumulator | None
    open_cells: tuple[CellRows, ...] = ()


@dataclass(frozen=True)
class RunSummary:
    """The outcome of :func:`run_scenario`: where the results are and what they say
    (``workers``: the processes that computed chunks; 1 when this one did)."""

    out_dir: Path
    steps: int
    steps_run: int
    chunks: int
    resumed_from_chunk: int
    complete: bool
    elapsed_s: float
    n_cells: int
    terminal_names: tuple[str, ...]
    metrics: SiteMetrics
    area_coverage: float | None
    workers: int = 1

    @property
    def seconds_per_step(self) -> float:
        """Wall time per step run in this session."""
        return self.elapsed_s / max(self.steps_run, 1)


def initial_state(run: ScenarioRun) -> RunState:
    """The state before chunk 0: no schedule, no routes, empty metrics."""
    region = (
        RegionCoverageAccumulator(np.zeros(run.n_cells, dtype=np.int64), 1, run.cell_area_km2)
        if run.n_cells
        else None
    )
    return RunState(0, None, None, SiteMetricsAccumulator(run.n_sites, run.grid.step_s), region)


def account(
    run: ScenarioRun, result: ChunkResult, state: RunState
) -> tuple[RunState, dict[str, pa.Table]]:
    """Add a finished chunk to the metrics (in place) and return the state after it
    and the tables to write for it (``cells``: the slots it closes); chunks must come
    in order."""
    if result.index != state.next_chunk:
        raise ValueError(
            f"chunk {result.index} accounted after chunk "
            f"{state.next_chunk - 1}; chunks must come in order"
        )
    state.metrics.update(result.served, result.visible, result.handovers)
    if state.region is not None:
        state.region.update(result.served[:, : run.n_cells])
    routes = result.routes
    if routes is not None and result.n_run == 1:  # its only step follows the chunk before
        routes = dataclasses.replace(routes, changed=path_changed(routes.path, state.routes))
    tables = dict(result.tables)
    cells, open_cells = join_cell_periods(
        state.open_cells, result.cells, run.site_names[: run.n_cells]
    )
    if cells is not None:
        tables["cells"] = cells
    after = RunState(
        result.index + 1, result.scheduler, routes, state.metrics, state.region, open_cells
    )
    return after, tables


def mark_complete(store: RunStore, elapsed_s: float, *, report: bool) -> None:
    """Record a finished run in ``metadata.json`` (completed, this session's seconds) and
    write its report (``report``); one run's and the combined multi-system run's alike."""
    meta = store.read_metadata()
    meta["completed"] = True
    meta["elapsed_s_last_session"] = round(elapsed_s, 3)
    store.write_metadata(meta)
    if report:
        from leonet.report.run_report import write_report

        write_report(store.root)


def run_scenario(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stop_after_chunks: int | None = None,
    workers: int | None = None,
    overwrite: bool = False,
) -> RunSummary:
    """Run ``scenario`` into ``out_dir`` (resuming from its checkpoint with ``resume``; with
    ``overwrite`` replacing a run already there, else refusing to).

    ``progress(done_steps, total_steps)`` is called after each chunk;
    ``stop_after_chunks`` stops early (as an interruption would) — for tests.
    ``workers``: processes that compute chunks (:mod:`leonet.engine.pipeline`);
    ``None`` uses two where this machine has two CPUs or more, there are two chunks
    or more to run and forking is safe, ``1`` runs everything in this process.  The
    results are the same either way.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers={workers}: give 1 (this process only) or more, or None")
    if scenario.systems:
        raise ValueError(
            f"scenario {scenario.name!r} has several systems (systems:): run it with "
            "leonet.run_systems (as `leonet run` does), which runs each system and combines them"
        )
    store = RunStore(out_dir)
    with store.lock():  # one writer at a time, for the run's life
        store.prepare(resume=resume, overwrite=overwrite)
        digest = scenario_hash(scenario)
        if resume:  # checked before the set-up, which takes seconds to minutes
            checkpoint = store.load_checkpoint()
            if checkpoint.scenario_hash != digest:
                raise ValueError(
                    f"{store.root} was started from a different scenario (hash "
                    f"{checkpoint.scenario_hash[:12]}…, this one {digest[:12]}…); resume it "
                    "with the scenario it started with, or start a new run in another folder"
                )
            metadata = store.read_metadata()
            verify_inputs(scenario, metadata.get("inputs", {}), str(store.root / "metadata.json"))
        run = ScenarioRun(scenario)
        if resume:
            state: RunState = state_from_arrays(
                checkpoint.state, initial_state(run), store.root / "checkpoint.json"
            )
            # Chunk indices mean what they meant when the run started.
            run.chunk_steps = int(metadata.get("chunk_steps", run.chunk_steps))
        else:
            state = initial_state(run)
            write_static(store, run, digest)
        resumed_from = state.next_chunk
        store.drop_parts_from(state.next_chunk)
        began = time.perf_counter()
        total = run.grid.count
        stop = (
            run.chunks
            if stop_after_chunks is None
            else min(run.chunks, state.next_chunk + stop_after_chunks)
        )
        indices = range(state.next_chunk, stop)
        processes = (
            workers
            if workers is not None
            else (2 if pipeline.available_cpus() >= 2 and len(indices) >= 2 else 1)
        )
        if processes > 1 and pipeline.fork_unsafe_reason() is not None:
            if workers is not None:
                warnings.warn(
                    f"running in one process: {pipeline.fork_unsafe_reason()}",
                    RuntimeWarning,
                    stacklevel=2,
                )
            processes = 1
        steps_run = 0
        checkpoints = CheckpointWriter(store, digest, run.chunks, state.next_chunk)
        consistent = True  # every chunk the state holds has its parts written

        def commit(index: int, result: ChunkResult) -> None:
            nonlocal state, steps_run, consistent
            consistent = False
            state, tables = account(run, result, state)
            for name, table in tables.items():
                if table.num_rows:
                    checkpoints.wrote(store.write_part(name, index, table))
            consistent = True
            checkpoints.maybe_save(state, last=state.next_chunk >= stop)
            steps_run += result.n_run
            if progress is not None:
                progress(min((index + 1) * run.chunk_steps, total), total)

        first_scheduler = state.scheduler

        def work(
            index: int, receive: Callable[[], Any], publish: Callable[[Any], None]
        ) -> ChunkResult:
            geometry = run.geometry(index)
            access = run.schedule(geometry, first_scheduler if index == indices[0] else receive())
            del geometry
            if index + 1 < stop:
                publish(access.scheduler)
            return run.finish(access)

        try:
            with reusing_freed_memory():  # chunks allocate alike: reuse their pages (_memory)
                if processes == 1:
                    for index in indices:
                        commit(index, run.finish(run.access(index, state.scheduler)))
                else:
                    pipeline.run_in_workers(indices, work, commit, processes=processes)
        except BaseException:
            if consistent:  # interrupted between chunks (Ctrl-C, an error): keep them all
                checkpoints.flush(state)
            raise
        elapsed = time.perf_counter() - began
        complete = state.next_chunk >= run.chunks
        if complete:
            mark_complete(store, elapsed, report=scenario.outputs.report)
        region = state.region.finalize() if state.region is not None and complete else None
        return RunSummary(
            out_dir=store.root,
            steps=total,
            steps_run=steps_run,
            chunks=run.chunks,
            resumed_from_chunk=resumed_from,
            complete=complete,
            elapsed_s=elapsed,
            n_cells=run.n_cells,
            terminal_names=run.terminal_names,
            metrics=state.metrics.finalize(),
            area_coverage=None if region is None else float(region.area_coverage[0]),
            workers=processes,
        )
