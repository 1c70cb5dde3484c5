"""What a run will cost, estimated from its sizes before any work, and the limits beyond
which the command line asks for ``--force``.

The estimate is arithmetic on four numbers — steps, satellites, sites (cells + terminals)
and the chunk the engine would choose — calibrated on the default ``ukraine`` hour
(3,600 steps, ~10,400 satellites, ~2,460 sites: ~25 ms of CPU a step, ~1.0 GiB peak,
``docs/architecture.md``) and on H3 resolution 7 over Ukraine (116 k cells: a 134 MB
checkpoint, ~8 bytes a cell row of Parquet).  It is good to a factor of ~2-3: enough to
tell a minute from a month, or a gigabyte from a terabyte.  ``docs/limits.md`` documents
the limits and why.
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

# Calibration (see the module docstring).
_CPU_S_PER_SAT_STEP = 1.2e-6  # SGP4, lasers, visibility per satellite
_CPU_S_PER_SITE_STEP = 5.0e-6  # visibility, scheduler, radio, metrics per site
_BASE_BYTES = 700 * 1024**2  # interpreter, libraries, catalogue, caches
_SETUP_BYTES_PER_SITE = 1_000  # sites, radio tables, demand (5 GB for 5.7 M cells)
_CHUNK_BYTES_PER_SAT_STEP = 100  # positions, velocities, frames
_CHUNK_BYTES_PER_SITE_STEP = 60 * 24 + 200  # ~60 candidate pairs a site, per-site arrays
_CHECKPOINT_BYTES_PER_SITE = 1_150  # 134 MB at 116 k sites
_CELL_ROW_BYTES = 10  # one row of cells.parquet, compressed
_TERMINAL_ROW_BYTES = 40  # one row of terminals.parquet, compressed
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
    cpu_s = steps * (satellites * _CPU_S_PER_SAT_STEP + sites * _CPU_S_PER_SITE_STEP)
    chunk_bytes = chunk_steps * (
        satellites * _CHUNK_BYTES_PER_SAT_STEP + sites * _CHUNK_BYTES_PER_SITE_STEP
    )
    peak = _BASE_BYTES + sites * _SETUP_BYTES_PER_SITE + max(1, workers) * chunk_bytes
    every = max(1, round((cell_rows_every_s or step_s) / step_s))
    cell_rows = cells * math.ceil(steps / every)
    output = cell_rows * _CELL_ROW_BYTES + terminals * steps * _TERMINAL_ROW_BYTES
    return RunCost(
        steps=steps,
        satellites=satellites,
        sites=sites,
        cells=cells,
        chunk_steps=chunk_steps,
        cpu_s=cpu_s,
        peak_memory_bytes=int(peak),
        chunk_memory_bytes=int(chunk_bytes),
        checkpoint_bytes=sites * _CHECKPOINT_BYTES_PER_SITE if checkpoints else 0,
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
