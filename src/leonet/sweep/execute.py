"""Running a sweep on Dask distributed: each run an ordinary run folder, one worker each.

Layout of ``SWEEP_DIR``::

    sweep.json                      the sweep as run: spec, parameters' columns, every run
    runs/v0003-s2/                  one ordinary run folder per variant and seed
    status/v0003-s2.json            written last by the run's worker: done (with its
                                    metrics) or failed (with its error)
    terminals.parquet/v0003-s2.parquet   the run's per-step terminal rows, with variant,
                                    seed and the varied parameters as columns
    results.parquet, summary.parquet, report.html   (see :mod:`leonet.sweep.results`)

Re-running a sweep into the same folder skips every run whose status says done for the
same scenario (hash), resumes a run folder left half-way from its own checkpoint, and
retries failed runs.  A worker that dies mid-run (killed, out of memory) is replaced by
Dask's nanny and the run is given to another worker (Dask's ``allowed-failures``, 3 by
default); a run that fails by itself (an exception) is recorded and the others go on.
Ctrl-C stops the cluster; what finished stays finished.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leonet.atomic import atomic_path, atomic_write_text
from leonet.scenario import Scenario, validate, with_overrides
from leonet.sweep.spec import METRICS, SweepSpec
from leonet.sweep.variants import SweepRun, expand

__all__ = [
    "FULL_CHUNK_MEMORY_BYTES",
    "SweepOutcome",
    "chunk_steps_for_memory",
    "column_name",
    "run_one",
    "run_sweep",
]

#: Worker memory at or above which a run keeps the engine's own chunk size.  The default
#: scenario's default chunk peaks near 1 GiB (docs/architecture.md); below this a run's
#: chunk shrinks in proportion to the worker's memory limit (an assumption, stated).
FULL_CHUNK_MEMORY_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class SweepOutcome:
    """What :func:`run_sweep` did: runs in all, skipped (finished before), done now,
    failed (now or before), and where."""

    out_dir: Path
    runs: int
    skipped: int
    done: int
    failed: int
    elapsed_s: float
    dashboard: str | None


def column_name(path: str) -> str:
    """A parameter's column in the sweep's tables: ``faults.jammers[0].eirp_dbw`` →
    ``faults_jammers_0_eirp_dbw`` (SQL without quotes)."""
    return re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9]", "_", path)).strip("_")


def chunk_steps_for_memory(scenario: Scenario, memory_limit_bytes: int | None) -> int | None:
    """Steps per chunk for a worker with ``memory_limit_bytes`` (``None``: the engine's own).

    At :data:`FULL_CHUNK_MEMORY_BYTES` or more, or without a limit, the engine chooses;
    below, its default chunk is scaled down in proportion, in whole scheduler slots where
    one fits (as the engine rounds), at least one step.
    """
    if not memory_limit_bytes or memory_limit_bytes >= FULL_CHUNK_MEMORY_BYTES:
        return None
    from leonet.engine import ScenarioRun

    default = ScenarioRun(scenario).chunk_steps
    steps = max(1, int(default * memory_limit_bytes / FULL_CHUNK_MEMORY_BYTES))
    step_ns = round(scenario.time.step_s * 1e9)
    slot_ns = round(scenario.scheduler.slot_s * 1e9)
    period = slot_ns // math.gcd(slot_ns, step_ns) if slot_ns > 0 and step_ns > 0 else 1
    return steps - steps % period if steps >= period else steps


def _worker_memory_limit() -> int | None:
    try:
        from distributed import get_worker

        limit = get_worker().memory_manager.memory_limit
    except (ImportError, ValueError, AttributeError):
        return None
    return int(limit) if limit else None


def _one_core_per_worker_thread() -> int | None:
    """Cap numba's threads at the worker's threads (1 by default): a sweep's parallelism
    is its worker processes, and kernels that also spread over every core would fight
    the other workers for them."""
    try:
        from distributed import get_worker

        threads = int(get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return None
    import numba

    most = int(getattr(numba.config, "NUMBA_NUM_THREADS", threads))
    numba.set_num_threads(max(1, min(threads, most)))
    return int(numba.get_num_threads())


def _same_but_chunks(a: dict[str, Any], b: dict[str, Any]) -> bool:
    a = dict(a, time=dict(a["time"], chunk_steps=None))
    b = dict(b, time=dict(b["time"], chunk_steps=None))
    return a == b


def run_one(run: dict[str, Any], sweep_dir: str) -> dict[str, Any]:
    """Run one variant at one seed into ``SWEEP_DIR/runs/NAME`` (on a worker) and record it.

    ``run``: ``name``, ``variant``, ``seed``, ``params`` (column → value) and ``scenario``
    (its plain data).  A half-done run folder of the same scenario is resumed from its
    checkpoint; anything else there is replaced.  Returns the status record it wrote to
    ``SWEEP_DIR/status/NAME.json``: ``status`` ``'done'`` with ``metrics``, or
    ``'failed'`` with ``error``.  An exception of the run is recorded, not raised; a dead
    worker process is Dask's to handle (it gives the run to another worker).
    """
    root = Path(sweep_dir)
    name = run["name"]
    run_dir = root / "runs" / name
    began = time.perf_counter()
    record: dict[str, Any] = {
        "name": name,
        "variant": run["variant"],
        "seed": run["seed"],
        "params": run["params"],
        "digest": run["digest"],
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }
    try:
        record["numba_threads"] = _one_core_per_worker_thread()
        record |= _simulate(run, root, run_dir)
        record["status"] = "done"
    except Exception as exc:
        (root / "terminals.parquet" / f"{name}.parquet").unlink(missing_ok=True)
        record["status"] = "failed"
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["traceback"] = traceback.format_exc(limit=8)
    record["elapsed_s"] = round(time.perf_counter() - began, 3)
    (root / "status").mkdir(parents=True, exist_ok=True)
    atomic_write_text(root / "status" / f"{name}.json", json.dumps(record, indent=2))
    return record


def _simulate(run: dict[str, Any], root: Path, run_dir: Path) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from leonet.engine import run_scenario
    from leonet.results import run_summary

    data = run["scenario"]
    saved = run_dir / "scenario.json"
    resume = False
    if saved.is_file() and (run_dir / "metadata.json").is_file():
        before = json.loads(saved.read_text())
        if _same_but_chunks(before, data):
            data, resume = before, True  # same run, with the chunks it started with
    scenario = validate(data, source=f"{run['name']} scenario")
    if not resume:
        steps = chunk_steps_for_memory(scenario, _worker_memory_limit())
        if steps is not None:
            scenario = with_overrides(scenario, chunk_steps=steps)
    try:
        run_scenario(scenario, run_dir, resume=resume, overwrite=not resume, workers=1)
    except (ValueError, FileNotFoundError):
        if not resume:
            raise
        run_scenario(scenario, run_dir, overwrite=True, workers=1)  # unusable checkpoint
    summary = run_summary(run_dir)
    metrics = {m: (None if summary.get(m) is None else float(summary[m])) for m in METRICS}
    table = ds.dataset(run_dir / "terminals.parquet").to_table()
    extra: dict[str, Any] = {
        "variant": pa.array([run["variant"]] * table.num_rows, pa.int32()),
        "seed": pa.array([run["seed"]] * table.num_rows, pa.int64()),
    }
    for column, value in run["params"].items():
        extra[column] = pa.array([_scalar(value)] * table.num_rows)
    for column, array in extra.items():
        table = table.append_column(column, array)
    (root / "terminals.parquet").mkdir(parents=True, exist_ok=True)
    with atomic_path(root / "terminals.parquet" / f"{run['name']}.parquet") as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return {"metrics": metrics, "chunk_steps": scenario.time.chunk_steps, "resumed": resume}


def _scalar(value: Any) -> Any:
    """A parameter value as a column value: numbers and text as they are, else JSON."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return json.dumps(value, sort_keys=True)


# ------------------------------------------------------------------ the client side
@contextmanager
def _client(scheduler: str | None, workers: int | None, pending: int) -> Iterator[Any]:
    import logging

    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler, timeout="30s") as client:  # type: ignore[no-untyped-call]
            yield client
        return
    n = workers or max(
        1,
        min(
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1,
            pending,
        ),
    )
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,  # type: ignore[no-untyped-call]
    ):
        yield client


def _load_status(root: Path, run: SweepRun) -> dict[str, Any] | None:
    path = root / "status" / f"{run.name}.json"
    try:
        record: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if record.get("digest") == run.digest else None


def _payload(run: SweepRun) -> dict[str, Any]:
    return {
        "name": run.name,
        "variant": run.variant,
        "seed": run.seed,
        "params": {column_name(k): v for k, v in run.params.items()},
        "scenario": run.scenario,
        "digest": run.digest,
    }


def _write_manifest(
    root: Path, spec: SweepSpec, base: Scenario, runs: list[SweepRun], quick: bool
) -> None:
    manifest = {
        "format": "leonet-sweep",
        "version": 1,
        "name": spec.name,
        "quick": quick,
        "base": base.name,
        "spec": spec.model_dump(mode="json"),
        "parameters": [
            {"path": p.path, "column": column_name(p.path), "label": p.title}
            for p in spec.parameters
        ],
        "runs": [
            {
                "name": r.name,
                "variant": r.variant,
                "seed": r.seed,
                "digest": r.digest,
                "params": {column_name(k): _scalar(v) for k, v in r.params.items()},
                "shown": {column_name(k): v for k, v in r.shown.items()},
                "error": r.error,
            }
            for r in runs
        ],
    }
    atomic_write_text(root / "sweep.json", json.dumps(manifest, indent=2, allow_nan=True))


def run_sweep(
    spec: SweepSpec,
    base: Scenario,
    out_dir: str | os.PathLike[str],
    *,
    quick: bool = False,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    progress: Callable[[int, int, dict[str, Any] | None], None] | None = None,
) -> SweepOutcome:
    """Run every variant of ``spec`` at each of its seeds into ``out_dir``.

    Where: ``client`` (a :class:`distributed.Client` already connected), else
    ``scheduler`` (the address of a running scheduler, ``tcp://host:8786``), else a
    :class:`~distributed.LocalCluster` of ``workers`` processes (default: one per CPU,
    at most one per pending run).  ``progress(done, total, record)`` is called at the
    start (``record`` ``None``) and after each run.  Finished runs are skipped; the
    results, summary and report are (re)written at the end from every finished run.
    """
    from leonet.sweep.results import write_results

    began = time.perf_counter()
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    runs = expand(spec, base, quick=quick)
    _write_manifest(root, spec, base, runs, quick)
    pending: list[SweepRun] = []
    skipped = 0
    for run in runs:
        if run.error is not None:
            (root / "status").mkdir(exist_ok=True)
            atomic_write_text(
                root / "status" / f"{run.name}.json",
                json.dumps(
                    {
                        "name": run.name,
                        "variant": run.variant,
                        "seed": run.seed,
                        "params": {column_name(k): _scalar(v) for k, v in run.params.items()},
                        "digest": run.digest,
                        "status": "failed",
                        "error": run.error,
                    },
                    indent=2,
                ),
            )
            continue
        record = _load_status(root, run)
        if record is not None and record.get("status") == "done":
            skipped += 1
        else:
            pending.append(run)
    total = len(runs)
    finished = total - len(pending)
    if progress is not None:
        progress(finished, total, None)
    dashboard: str | None = None
    if pending:
        with _pending_client(client, scheduler, workers, len(pending)) as live:
            dashboard = getattr(live, "dashboard_link", None)
            if progress is not None:
                progress(finished, total, {"dashboard": dashboard})
            finished = _gather(live, pending, root, finished, total, progress)
    write_results(root)
    records = [_load_status(root, r) or {} for r in runs]
    done_now = sum(1 for r in records if r.get("status") == "done") - skipped
    failed = sum(1 for r in records if r.get("status") != "done")
    return SweepOutcome(
        root, total, skipped, done_now, failed, time.perf_counter() - began, dashboard
    )


@contextmanager
def _pending_client(
    client: Any, scheduler: str | None, workers: int | None, pending: int
) -> Iterator[Any]:
    if client is not None:
        yield client
        return
    with _client(scheduler, workers, pending) as made:
        yield made


def _gather(
    client: Any,
    pending: list[SweepRun],
    root: Path,
    finished: int,
    total: int,
    progress: Callable[[int, int, dict[str, Any] | None], None] | None,
) -> int:
    from distributed import as_completed

    futures = {
        client.submit(
            run_one,
            _payload(r),
            str(root.resolve()),
            pure=False,
            key=f"leonet-sweep-{r.name}-{r.digest[:12]}",
        ): r
        for r in pending
    }
    try:
        for future in as_completed(futures):  # type: ignore[no-untyped-call]
            run = futures[future]
            try:
                record = future.result()
            except Exception as exc:  # the worker died too often, or the task was lost
                record = {
                    "name": run.name,
                    "variant": run.variant,
                    "seed": run.seed,
                    "params": {column_name(k): _scalar(v) for k, v in run.params.items()},
                    "digest": run.digest,
                    "status": "failed",
                    "error": f"{type(exc).__name__}: {exc} (its worker died each time "
                    "it ran: out of memory? see the worker logs)",
                }
                (root / "status").mkdir(exist_ok=True)
                atomic_write_text(
                    root / "status" / f"{run.name}.json", json.dumps(record, indent=2)
                )
            finished += 1
            if progress is not None:
                progress(finished, total, record)
    finally:
        client.cancel(list(futures))
    return finished
