"""Several operators' systems in one run: each system a sub-run, then one combined run.

:func:`run_systems` runs each system of a scenario with ``systems:``
(:func:`leonet.scenario.systems.system_scenarios`) as an ordinary run into
``OUT/systems/NAME/`` — so each keeps its own checkpoint, resume, lock and tables — and
then combines them into ``OUT`` (:func:`combine_systems`): per terminal and step the system
in use by the failover rule (:mod:`leonet.engine.failover`), with that system's row (its
``rtt_ms``, throughputs, gateway, PoP …), ``switching-over`` while it switches, and a
``system`` column; cells likewise per slot.  ``OUT`` is a run folder like any other
(``terminals``, ``cells``, ``events``, ``sites``, ``ground``, ``metadata.json``,
``report.html``), so ``leonet query``, ``apps`` and ``report`` read it; each system's own
tables stay queryable in its sub-run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from leonet.engine.failover import FailoverState, failover, steps_for
from leonet.engine.run import RunSummary, mark_complete, run_scenario
from leonet.outcomes import Outcome
from leonet.results.store import RunStore
from leonet.scenario.loader import scenario_hash
from leonet.scenario.schema import Scenario, SubscriptionsSpec
from leonet.scenario.systems import (
    cell_preferences,
    system_names,
    system_scenarios,
    terminal_preferences,
)

__all__ = ["SystemsRunSummary", "combine_systems", "run_systems", "system_dir"]

#: Rows of a combined block (a multiple of the sites): bounds the combine's memory.
_BLOCK_ROWS = 1 << 20
#: Columns that mean nothing while a terminal or cell switches over: null.
_NULL_WHILE_SWITCHING = (
    "sat",
    "elevation_deg",
    "rtt_ms",
    "propagation_rtt_ms",
    "loaded_rtt_ms",
    "busy_rtt_ms",
    "hops",
    "gateway",
    "pop",
    "snr_db",
)
#: Columns that are zero while it switches over.
_ZERO_WHILE_SWITCHING = (
    "served",
    "throughput_down_mbps",
    "throughput_up_mbps",
    "speedtest_down_mbps",
    "speedtest_up_mbps",
)
#: A cell counts as served by a system in a slot when it serves this share of it or more.
CELL_SERVED_SHARE = 0.5


@dataclass(frozen=True)
class SystemsRunSummary:
    """The outcome of :func:`run_systems`: the combined run in ``out_dir`` and each
    system's own :class:`~leonet.engine.run.RunSummary` (those run in this session)."""

    out_dir: Path
    steps: int
    steps_run: int
    chunks: int
    resumed_from_chunk: int
    complete: bool
    elapsed_s: float
    systems: dict[str, RunSummary]

    @property
    def seconds_per_step(self) -> float:
        """Wall time per step run in this session (all systems)."""
        return self.elapsed_s / max(self.steps_run, 1)


def system_dir(out_dir: str | Path, name: str) -> Path:
    """The sub-run folder of system ``name`` in the combined run ``out_dir``."""
    return Path(out_dir) / "systems" / name


def _complete(folder: Path, root: Path, digest: str) -> bool:
    """Whether ``folder`` (``root/systems/NAME``) holds this system's finished sub-run; a
    ``ValueError`` if it is a link (it could point anywhere) or holds another scenario's."""
    if folder.parent.is_symlink() or folder.is_symlink():
        link = folder.parent if folder.parent.is_symlink() else folder
        raise ValueError(
            f"{link} is a symbolic link; a run's systems/NAME folders are its own: remove "
            f"it and resume {root} again (that system's sub-run is redone)"
        )
    meta = folder / "metadata.json"
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict) or not data.get("completed"):
        return False
    if data.get("scenario_hash") != digest:
        raise ValueError(
            f"{folder} holds a run of another scenario ({str(data.get('scenario'))[:60]!r}), "
            f"not this system's; remove it and resume {root} again (it is redone)"
        )
    return True


def _offset(
    progress: Callable[[int, int], None], before: int, total: int
) -> Callable[[int, int], None]:
    """``progress`` of one system's sub-run as steps of all systems'."""

    def report(done: int, _total: int) -> None:
        progress(before + done, total)

    return report


def run_systems(
    scenario: Scenario,
    out_dir: str | Path,
    *,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    stop_after_chunks: int | None = None,
    workers: int | None = None,
    overwrite: bool = False,
) -> SystemsRunSummary:
    """Run a scenario with ``systems:`` into ``out_dir``: each system into
    ``out_dir/systems/NAME`` (resumed where it stopped with ``resume``), then the combined
    tables and report into ``out_dir``.  Arguments as :func:`~leonet.engine.run_scenario`'s
    (``stop_after_chunks`` counts chunks over all systems, for tests; ``progress`` counts
    the steps of all systems)."""
    if not scenario.systems:
        raise ValueError(
            f"scenario {scenario.name!r} has no systems: list; run it with run_scenario"
        )
    store = RunStore(out_dir)
    subs = system_scenarios(scenario)
    digest = scenario_hash(scenario)
    with store.lock():
        store.prepare(resume=resume, overwrite=overwrite)
        if resume:
            meta = store.read_metadata()
            if meta.get("scenario_hash") != digest:
                raise ValueError(
                    f"{store.root} was started from a different scenario; resume it with the "
                    "scenario it started with, or start a new run in another folder"
                )
        else:
            store.write_text(
                "scenario.json", json.dumps(scenario.model_dump(mode="json"), indent=2)
            )
            store.write_metadata(
                {
                    "scenario": scenario.name,
                    "scenario_hash": digest,
                    "systems": list(subs),
                    "completed": False,
                }
            )
        began = time.perf_counter()
        steps = scenario.grid().count
        total = steps * len(subs)
        summaries: dict[str, RunSummary] = {}
        budget = stop_after_chunks
        done_before = 0
        resumed_from = 0
        for name, sub in subs.items():
            folder = system_dir(store.root, name)
            if resume and _complete(folder, store.root, scenario_hash(sub)):
                done_before += steps
                continue
            again = resume and (folder / "checkpoint.json").is_file()
            summary = run_scenario(
                sub,
                folder,
                resume=again,
                overwrite=not again,
                progress=None if progress is None else _offset(progress, done_before, total),
                stop_after_chunks=budget,
                workers=workers,
            )
            summaries[name] = summary
            if again and not resumed_from:
                resumed_from = summary.resumed_from_chunk
            done_before += steps
            if budget is not None:
                budget -= summary.chunks - summary.resumed_from_chunk
            stopped = budget is not None and budget <= 0 and name != next(reversed(subs))
            if not summary.complete or stopped:  # interrupted: resume continues from here
                return SystemsRunSummary(
                    store.root,
                    steps,
                    sum(s.steps_run for s in summaries.values()),
                    summary.chunks,
                    resumed_from,
                    False,
                    time.perf_counter() - began,
                    summaries,
                )
        combine_systems(scenario, store)
        elapsed = time.perf_counter() - began
        mark_complete(store, elapsed, report=scenario.outputs.report)
        last = next(iter(summaries.values()), None)
        return SystemsRunSummary(
            store.root,
            steps,
            sum(s.steps_run for s in summaries.values()),
            last.chunks if last is not None else 0,
            resumed_from,
            True,
            elapsed,
            summaries,
        )


# ---------------------------------------------------------------- combining
def _batches(files: list[Path]) -> Iterator[pa.RecordBatch]:
    for path in files:
        yield from pq.ParquetFile(path).iter_batches(batch_size=1 << 16)


class _RowReader:
    """Reads a dataset's parts in order, ``n`` rows at a time."""

    def __init__(self, files: list[Path]) -> None:
        self._batches = _batches(files)
        self._pending: list[pa.RecordBatch] = []
        self._count = 0

    def take(self, n: int) -> pa.Table | None:
        while self._count < n:
            batch = next(self._batches, None)
            if batch is None:
                break
            self._pending.append(batch)
            self._count += batch.num_rows
        if not self._count:
            return None
        table = pa.Table.from_batches(self._pending)
        head, rest = table.slice(0, n), table.slice(n)
        self._pending = rest.to_batches()
        self._count = rest.num_rows
        return head.combine_chunks()


def _switched(table: pa.Table, switching: np.ndarray[Any, Any]) -> pa.Table:
    """``table`` with its switching rows unserved: ``reason`` ``switching-over``, the
    route's columns null, rates zero."""
    if not switching.any():
        return table
    mask = pa.array(switching)
    for name in table.column_names:
        column = table.column(name)
        if name == "reason":
            word = pa.scalar(Outcome.SWITCHING_OVER.word, column.type)
            new = pc.if_else(mask, word, column)
        elif name in _NULL_WHILE_SWITCHING:
            new = pc.if_else(mask, pa.scalar(None, column.type), column)
        elif name in _ZERO_WHILE_SWITCHING:
            zero = False if pa.types.is_boolean(column.type) else 0
            new = pc.if_else(mask, pa.scalar(zero, column.type), column)
        else:
            continue
        table = table.set_column(table.schema.get_field_index(name), name, new)
    return table


def _combine_dataset(
    dataset: str,
    subruns: list[RunStore],
    names: list[str],
    ranks: np.ndarray[Any, Any],
    switch_s: float,
    revert_s: float,
    period_s: float,
    out: RunStore,
) -> None:
    """Combine ``dataset`` (``terminals`` or ``cells``) of the systems' sub-runs into
    ``out``, one part per block of periods."""
    files = [run.tables().get(dataset, []) for run in subruns]
    n_sites = ranks.shape[0]
    if not n_sites or not all(files):
        return
    readers = [_RowReader(f) for f in files]
    periods = max(_BLOCK_ROWS // n_sites, 1)
    state = FailoverState.start(n_sites)
    switch_steps = steps_for(switch_s, period_s)
    revert_steps = steps_for(revert_s, period_s)
    system_words = np.asarray(names, dtype=object)
    part = 0
    while True:
        tables = [r.take(periods * n_sites) for r in readers]
        if any(t is None for t in tables):
            break
        blocks: list[pa.Table] = [t for t in tables if t is not None]
        rows = blocks[0].num_rows
        if any(t.num_rows != rows for t in blocks) or rows % n_sites:
            raise ValueError(
                f"the systems' {dataset} tables do not line up (rows {[t.num_rows for t in blocks]}"
                f" for {n_sites} sites); run the scenario again with --overwrite"
            )
        if part == 0:  # the same sites in the same order in every system
            key = "terminal" if dataset == "terminals" else "cell"
            first = [t.column(key).slice(0, n_sites) for t in blocks]
            if any(not f.equals(first[0]) for f in first[1:]):
                raise ValueError(
                    f"the systems' {dataset} tables list different {key}s; run the scenario "
                    "again with --overwrite"
                )
        served = np.stack(
            [t.column("served").to_numpy(zero_copy_only=False).reshape(-1, n_sites) for t in blocks]
        )
        if served.dtype != np.bool_:  # cells: the served share of the slot
            served = served >= CELL_SERVED_SHARE
        used, switching = failover(served, ranks, switch_steps, revert_steps, state)
        pick = used.ravel().astype(np.int64)
        both = pa.concat_tables(blocks)
        table = both.take(pa.array(pick * rows + np.arange(rows)))
        table = _switched(table, switching.ravel())
        table = table.append_column("system", pa.array(system_words[pick], pa.string()))
        out.write_part(dataset, part, table)
        part += 1


def combine_systems(scenario: Scenario, store: RunStore) -> None:
    """The combined tables of a multi-system run whose systems' sub-runs are complete:
    ``terminals`` and ``cells`` by the failover rule, each with a ``system`` column;
    ``events`` and ``ground`` of every system with a ``system`` column; the ``sites``
    (the same in every system); ``metadata.json`` completed with each system's."""
    names = system_names(scenario)
    subruns = [RunStore(system_dir(store.root, n)) for n in names]
    metas = [run.read_metadata() for run in subruns]
    first = metas[0]
    store.drop_parts_from(0)
    subs = scenario.subscriptions or SubscriptionsSpec()
    terminals = [str(t) for t in first.get("terminals", [])]
    ranks = terminal_preferences(scenario, terminals)
    step_s = float(first["step_s"])
    _combine_dataset(
        "terminals",
        subruns,
        names,
        ranks,
        subs.switch_over_s,
        subs.revert_after_s,
        step_s,
        store,
    )
    n_cells = max(int(m.get("cells", 0)) for m in metas)
    subs_by_name = system_scenarios(scenario)
    chosen = [int(j) for j in cell_preferences(scenario) if j >= 0]  # only these have cells
    slot_s = subs_by_name[names[chosen[0]]].scheduler.slot_s  # the same for these (checked)
    period_s = step_s if scenario.outputs.cells_every == "step" else slot_s
    order = np.full(len(names), -1, dtype=np.int8)
    order[: len(chosen)] = np.arange(len(chosen))
    _combine_dataset(
        "cells",
        [subruns[j] for j in chosen],
        [names[j] for j in chosen],
        np.tile(order[: len(chosen)], (n_cells, 1)),
        subs.switch_over_s,
        subs.revert_after_s,
        max(period_s, step_s),
        store,
    )
    for table in ("events", "ground"):
        parts = []
        for name, run in zip(names, subruns, strict=True):
            path = run.root / f"{table}.parquet"
            if path.is_file():
                t = pq.read_table(path)
                if table == "events":  # whose control plane: "starlink: service cut off …"
                    said = pc.if_else(
                        pc.equal(pc.utf8_length(pc.fill_null(t.column("description"), "")), 0),
                        t.column("target"),
                        t.column("description"),
                    )
                    t = t.set_column(
                        t.schema.get_field_index("description"),
                        "description",
                        pc.binary_join_element_wise(f"{name}", said, ": "),
                    )
                parts.append(t.append_column("system", pa.array([name] * t.num_rows, pa.string())))
        if parts:
            both = pa.concat_tables(parts)
            if table == "events":
                both = both.sort_by([("utc_ns", "ascending")])
            store.write_table(table, both)
    sites = subruns[chosen[0]].root / "sites.parquet"  # it has the cells, if any
    if sites.is_file():
        store.write_table("sites", pq.read_table(sites))
    meta = store.read_metadata()
    meta.update({k: v for k, v in first.items() if k not in ("scenario", "scenario_hash")})
    meta["cells"] = n_cells
    meta["constellation"] = " + ".join(names)
    meta["satellites"] = sum(int(m.get("satellites", 0)) for m in metas)
    meta["network_mode"] = ", ".join(
        f"{n}: {m.get('network_mode')}" for n, m in zip(names, metas, strict=True)
    )
    meta["systems"] = {
        n: {
            "folder": f"systems/{n}",
            "constellation": m.get("constellation"),
            "satellites": m.get("satellites"),
            "network_mode": m.get("network_mode"),
        }
        for n, m in zip(names, metas, strict=True)
    }
    meta["subscriptions"] = {
        "terminals": {
            t: [names[j] for j in row if j >= 0] for t, row in zip(terminals, ranks, strict=True)
        },
        "cells": [names[j] for j in cell_preferences(scenario) if j >= 0],
        "switch_over_s": subs.switch_over_s,
        "revert_after_s": subs.revert_after_s,
    }
    meta["completed"] = False
    store.write_metadata(meta)
