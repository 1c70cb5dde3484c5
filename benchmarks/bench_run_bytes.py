"""Bytes a run writes per hour of simulated time: Parquet parts against checkpoints.

Runs a bundled scenario (default ``ukraine``: one hour at 1 s, 240 chunks) into ``OUT``
with :class:`~leonet.results.store.RunStore` instrumented to add up the size of every
part it writes and of every state file each checkpoint writes (issue 16: checkpoints
must stay small next to the results they protect).  Speed is not the point: run it on
any machine.

    python benchmarks/bench_run_bytes.py OUT [--scenario ukraine]

Measured on the 2-vCPU VM (runfolder branch): parts 17.79 MB, state 4.54 MB in 30
checkpoints, checkpoint.json 0.01 MB, static tables 0.06 MB per run-hour; the pickled
checkpoint before it wrote 709 MB of state in 240.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from leonet.engine.run import run_scenario
from leonet.results.store import Checkpoint, RunStore
from leonet.scenario import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="run folder (replaced if it holds a run)")
    parser.add_argument("--scenario", default="ukraine")
    args = parser.parse_args()

    written = {"parts": 0, "state": 0, "checkpoint.json": 0, "static": 0}
    saves = 0
    write_table, save_checkpoint = RunStore.write_table, RunStore.save_checkpoint

    def counted_table(self: RunStore, name: str, table: Any) -> Path:
        path = write_table(self, name, table)
        written["parts" if "/part-" in name else "static"] += path.stat().st_size
        return path

    def counted_checkpoint(self: RunStore, checkpoint: Checkpoint) -> Path:
        nonlocal saves
        path = save_checkpoint(self, checkpoint)
        saves += 1
        written["state"] += path.stat().st_size
        written["checkpoint.json"] += (self.root / "checkpoint.json").stat().st_size
        return path

    RunStore.write_table = counted_table  # type: ignore[method-assign]
    RunStore.save_checkpoint = counted_checkpoint  # type: ignore[method-assign]
    scenario = load_scenario(args.scenario)
    began = time.perf_counter()
    summary = run_scenario(scenario, args.out, overwrite=True, workers=1)
    hours = summary.steps * scenario.time.grid().step_s / 3600.0
    print(
        f"{args.scenario}: {summary.steps:,} steps ({hours:g} h) in {summary.chunks} chunks, "
        f"{time.perf_counter() - began:.0f} s, {saves} checkpoints"
    )
    for what, size in written.items():
        print(f"  {what:16s} {size:>14,} bytes  {size / hours / 1e6:8.2f} MB per run-hour")


if __name__ == "__main__":
    main()
