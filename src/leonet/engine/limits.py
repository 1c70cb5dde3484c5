"""What a run will cost, estimated from its sizes before any work, and the limits beyond
which the command line asks for ``--force``.

The estimate is arithmetic on four numbers — steps, satellites, sites (cells + terminals)
and the chunk the engine would choose — calibrated with ``benchmarks/bench_run_bytes.py``
on ``ukraine`` (~10,000 satellites in service) at H3 resolutions 5 (2,467 cells, one
hour), 6 (17,161 cells, 5 min) and 7 (120,172 cells, 1 min): Parquet bytes a row,
checkpoint bytes a site, peak memory and CPU (the table in ``docs/limits.md``).  It is
good to a factor of ~2 (a test holds it to that against a measured run): enough to tell a
minute from a month, or a gigabyte from a terabyte.  ``docs/limits.md`` documents the
limits and why.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leonet.scenario.inputs import ScenarioInputs
    from leonet.scenario.schema import Scenario

__all__ = [
    "DEFAULT_LIMITS",
    "CostLimitError",
    "RunCost",
    "RunLimits",
    "check_cost",
    "estimate_cost",
    "scenario_cost",
]

_GIB = 1024**3

# Calibration (see the module docstring and docs/limits.md).
_CPU_S_PER_SAT_STEP = 1.2e-6  # SGP4, lasers, visibility per satellite
_CPU_S_PER_SITE_STEP = 5.0e-6  # visibility, scheduler, radio, metrics per site
#: A chunk's own work per site (windows, culling, tables, accounting): with one-step
#: chunks at resolution 7 as much again as the steps' (~75 s of CPU for 60 steps).
_CPU_S_PER_SITE_CHUNK = 5.0e-6
_BASE_BYTES = 400 * 1000**2  # interpreter, libraries, catalogue, caches
_SETUP_BYTES_PER_SITE = 1_000  # sites, radio tables, demand (5 GB for 5.7 M cells)
_CHUNK_BYTES_PER_SAT_STEP = 100  # positions, velocities, frames
#: ~60 visible pairs a site and their copies, the radio's and routing's per-site arrays:
#: 807 MB peak at resolution 5 (15-step chunks), 773 MB at 6 (2 steps), 1.70 GB at 7 (1).
_CHUNK_BYTES_PER_SITE_STEP = 10_000
#: A step of an open slot's cells rows, kept until the slot closes (results/cell_periods).
_OPEN_ROW_BYTES = 74
#: A checkpoint's bytes: ~40 arrays' headers, and a site's counts, whose visible-satellite
#: histogram widens as a run goes on (6 B a site after a minute at resolution 7, 46 B
#: after the default hour).
_CHECKPOINT_BYTES = 8_000
_CHECKPOINT_BYTES_PER_SITE = 4
_CHECKPOINT_BYTES_PER_SITE_HOUR = 40  # × sqrt(hours), up to two hours
_CELL_ROW_BYTES = 45  # one row of cells.parquet, zstd (43 B at resolution 5, 47 B at 7)
_TERMINAL_ROW_BYTES = 50  # one row of terminals.parquet, zstd (53 B at resolution 5)
_PART_BYTES = 9_000  # a Parquet part's own bytes (footer, schema, statistics)
#: CheckpointWriter's ratio (engine/checkpoint.py; a test holds the two equal).
_RATIO = 8.0


@dataclass(frozen=True)
class RunLimits:
    """Beyond any of these a run needs ``--force``."""

    cpu_hours: float = 24.0
    memory_bytes: int = 8 * _GIB
    disk_bytes: int = 50 * _GIB

    def memory_limit_bytes(self) -> int:
        """``memory_bytes``, or 3/4 of this machine's memory where that is less."""
        try:
            physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return self.memory_bytes
        return min(self.memory_bytes, int(0.75 * physical))


DEFAULT_LIMITS = RunLimits()


@dataclass(frozen=True)
class RunCost:
    """An estimate of one run: its sizes and what it costs."""

    steps: int
    satellites: int
    sites: int
    cells: int
    chunk_steps: int
    cpu_s: float
    peak_memory_bytes: int
    chunk_memory_bytes: int
    checkpoint_bytes: int
    output_bytes: int

    @property
    def chunks(self) -> int:
        return math.ceil(self.steps / self.chunk_steps)

    @property
    def checkpoint_bytes_total(self) -> int:
        """Bytes of all the checkpoints: one where the parts written since the last
        reach ``_RATIO`` times its size (``engine/checkpoint.py``), at
        most one a chunk."""
        if not self.checkpoint_bytes:
            return 0
        saves = min(self.chunks, math.ceil(self.output_bytes / (_RATIO * self.checkpoint_bytes)))
        return (saves + 1) * self.checkpoint_bytes

    @property
    def disk_bytes(self) -> int:
        """Bytes written: results plus the checkpoints."""
        return self.output_bytes + self.checkpoint_bytes_total

    def lines(self) -> list[str]:
        """The estimate, one line each, for the console."""
        return [
            f"{self.steps:,} steps × {self.satellites:,} satellites × {self.sites:,} sites "
            f"({self.cells:,} cells), {self.chunks:,} chunks of {self.chunk_steps:,} steps",
            f"CPU ~{_duration(self.cpu_s)}, peak memory ~{_size(self.peak_memory_bytes)} "
            f"(~{_size(self.chunk_memory_bytes)} a chunk), results ~{_size(self.output_bytes)}"
            + (
                f", checkpoints ~{_size(self.checkpoint_bytes)} each "
                f"(~{_size(self.checkpoint_bytes_total)} in all)"
                if self.checkpoint_bytes
                else ""
            ),
        ]


class CostLimitError(ValueError):
    """A run beyond :class:`RunLimits`; the message says what it would cost and how to
    make it smaller."""


def estimate_cost(  # noqa: PLR0913 — keyword-only sizes, each with its default
    *,
    steps: int,
    step_s: float,
    satellites: int,
    cells: int = 0,
    terminals: int = 0,
    chunk_steps: int | None = None,
    cell_rows_every_s: float | None = None,
    checkpoints: bool = True,
    workers: int = 2,
) -> RunCost:
    """The cost of ``steps`` steps of ``satellites`` over ``cells`` + ``terminals`` sites.

    ``chunk_steps``: the steps per chunk (default: the engine's rule,
    :func:`leonet.engine.stages.chunk_steps`); ``cell_rows_every_s``: how often a cell writes a row
    (``None``: every step); ``checkpoints``: whether a checkpoint is written after each
    chunk (``leonet run``; not ``coverage``, ``route`` or ``propagate``); ``workers``:
    the processes computing chunks, each holding one."""
    sites = max(0, cells) + max(0, terminals)
    if chunk_steps is None:
        from leonet.engine.stages import chunk_steps as engine_chunk_steps

        step_ns = max(1, round(step_s * 1e9))
        slot_ns = round(cell_rows_every_s * 1e9) if cell_rows_every_s else 0
        chunk_steps = engine_chunk_steps(sites, satellites, step_ns, slot_ns)
    chunk_steps = max(1, min(chunk_steps, steps))
    chunks = math.ceil(steps / chunk_steps)
    cpu_s = (
        steps * (satellites * _CPU_S_PER_SAT_STEP + sites * _CPU_S_PER_SITE_STEP)
        + chunks * sites * _CPU_S_PER_SITE_CHUNK
    )
    chunk_bytes = chunk_steps * (
        satellites * _CHUNK_BYTES_PER_SAT_STEP + sites * _CHUNK_BYTES_PER_SITE_STEP
    )
    every = max(1, round((cell_rows_every_s or step_s) / step_s))
    open_slot = max(0, every - chunk_steps) * max(0, cells) * _OPEN_ROW_BYTES
    peak = _BASE_BYTES + sites * _SETUP_BYTES_PER_SITE + max(1, workers) * chunk_bytes + open_slot
    periods = math.ceil(steps / every)
    cell_parts = min(chunks, periods) if cells > 0 else 0
    terminal_parts = chunks if terminals > 0 else 0
    output = (
        max(0, cells) * periods * _CELL_ROW_BYTES
        + max(0, terminals) * steps * _TERMINAL_ROW_BYTES
        + (cell_parts + terminal_parts) * _PART_BYTES
    )
    hours = min(steps * step_s / 3600.0, 2.0)
    checkpoint = _CHECKPOINT_BYTES + sites * (
        _CHECKPOINT_BYTES_PER_SITE + _CHECKPOINT_BYTES_PER_SITE_HOUR * math.sqrt(hours)
    )
    return RunCost(
        steps=steps,
        satellites=satellites,
        sites=sites,
        cells=cells,
        chunk_steps=chunk_steps,
        cpu_s=cpu_s,
        peak_memory_bytes=int(peak),
        chunk_memory_bytes=int(chunk_bytes),
        checkpoint_bytes=int(checkpoint) if checkpoints else 0,
        output_bytes=int(output),
    )


def check_cost(
    cost: RunCost,
    limits: RunLimits = DEFAULT_LIMITS,
    *,
    force: bool = False,
    what: str = "this run",
) -> None:
    """Raise :class:`CostLimitError` if ``cost`` is beyond ``limits`` (unless ``force``),
    naming each limit passed and how to come back under it."""
    over: list[str] = []
    if cost.cpu_s > limits.cpu_hours * 3600:
        over.append(
            f"~{_duration(cost.cpu_s)} of CPU (limit {limits.cpu_hours:g} h): "
            "shorten the duration or lengthen the step"
        )
    memory = limits.memory_limit_bytes()
    if cost.peak_memory_bytes > memory:
        over.append(
            f"~{_size(cost.peak_memory_bytes)} of memory (limit {_size(memory)}): "
            "use a coarser H3 resolution (each step down is ~7× fewer cells), a "
            "smaller region or fewer terminals"
        )
    if cost.disk_bytes > limits.disk_bytes:
        over.append(
            f"~{_size(cost.disk_bytes)} written (limit {_size(limits.disk_bytes)}): "
            "shorten the duration, use a coarser H3 resolution, or write cell rows "
            "once a slot (outputs.cells_every: slot)"
        )
    if over and not force:
        raise CostLimitError(
            f"{what} is beyond leonet's limits (docs/limits.md): "
            + "; ".join(over)
            + ". Estimate: "
            + "; ".join(cost.lines())
            + ". Make it smaller, or give --force to run it anyway."
        )


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1000
    return f"{n:.3g} PB"  # pragma: no cover


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.3g} s"
    if seconds < 7200:
        return f"{seconds / 60:.3g} min"
    if seconds < 3 * 86_400:
        return f"{seconds / 3600:.3g} h"
    if seconds < 2 * 365.25 * 86_400:
        return f"{seconds / 86_400:.3g} days"
    return f"{seconds / 86_400 / 365.25:.3g} years"


def scenario_cost(scenario: Scenario, inputs: ScenarioInputs, *, workers: int = 2) -> RunCost:
    """The cost of running ``scenario`` whose files hold ``inputs``
    (:func:`leonet.scenario.inputs.open_inputs`) in ``workers`` processes."""
    grid = scenario.time.grid()
    return estimate_cost(
        steps=grid.count,
        step_s=grid.step_s,
        satellites=inputs.satellites,
        cells=inputs.cells,
        terminals=inputs.terminals,
        chunk_steps=scenario.time.chunk_steps,
        cell_rows_every_s=(
            scenario.scheduler.slot_s if scenario.outputs.cells_every == "slot" else None
        ),
        workers=workers,
    )
