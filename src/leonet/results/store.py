"""A run directory: per-chunk Parquet datasets, checkpoints, metadata and SQL.

Layout of ``RUN_DIR``::

    terminals.parquet/part-00000.parquet …   one file per time chunk (a Parquet dataset)
    cells.parquet/part-00000.parquet …       per slot (or step) and cell: served, reason,
                                             visible, rtt_ms, throughput_down_mbps,
                                             throughput_up_mbps
    events.parquet                           one file
    checkpoint.json, state.pkl               the last completed chunk and carried state
    metadata.json                            scenario hash, versions, seed
    report.html

Each part file and each checkpoint is written atomically (temporary file +
rename), and the checkpoint is written only after the chunk's parts, so a run
killed at any instant resumes from its last completed chunk: parts of a chunk
beyond the checkpoint are simply rewritten.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from leonet.results.writer import atomic_path, atomic_write_text

__all__ = ["Checkpoint", "RunStore", "query"]

DATASETS = ("terminals", "cells")
#: The files a run writes besides its Parquet tables.
_RUN_FILES = ("checkpoint.json", "state.pkl", "metadata.json", "scenario.json", "report.html")


@dataclass(frozen=True)
class Checkpoint:
    """The resumable position of a run: chunks ``0 .. next_chunk-1`` are complete."""

    scenario_hash: str
    next_chunk: int
    chunks: int
    state: Any


class RunStore:
    """Reads and writes one run directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def prepare(self, *, resume: bool, overwrite: bool = False) -> None:
        """Create the folder.  Without ``resume``, refuse to mix with an earlier run there,
        or with ``overwrite`` remove that run's files first (only the run's: other files in
        the folder stay)."""
        if resume and overwrite:
            raise ValueError("resume continues the run in the folder and overwrite replaces "
                             "it: choose one")
        self.root.mkdir(parents=True, exist_ok=True)
        if not resume and (self.root / "checkpoint.json").exists():
            if not overwrite:
                raise FileExistsError(
                    f"{self.root} already holds a run; resume it with --resume {self.root}, "
                    "replace it with --overwrite, or choose another --out"
                )
            self.clear()

    def clear(self) -> None:
        """Remove the run's files: its datasets, tables, checkpoint, metadata and report."""
        for dataset in DATASETS:
            shutil.rmtree(self.root / f"{dataset}.parquet", ignore_errors=True)
        for path in self.root.glob("*.parquet"):
            path.unlink()
        for name in _RUN_FILES:
            (self.root / name).unlink(missing_ok=True)

    def write_part(self, dataset: str, chunk: int, table: pa.Table) -> Path:
        """Write one chunk of ``dataset`` atomically as ``DATASET.parquet/part-NNNNN.parquet``."""
        folder = self.root / f"{dataset}.parquet"
        folder.mkdir(parents=True, exist_ok=True)
        return self.write_table(f"{dataset}.parquet/part-{chunk:05d}", table)

    def drop_parts_from(self, chunk: int) -> None:
        """Remove parts of chunks ``>= chunk`` (left by an interrupted chunk)."""
        for dataset in DATASETS:
            for part in sorted((self.root / f"{dataset}.parquet").glob("part-*.parquet")):
                if int(part.stem.split("-")[1]) >= chunk:
                    part.unlink()

    def write_table(self, name: str, table: pa.Table) -> Path:
        """Write ``RUN_DIR/NAME.parquet`` atomically."""
        target = self.root / f"{name}.parquet"
        with atomic_path(target) as tmp:
            pq.write_table(table, tmp, compression="zstd")
        return target

    def save_checkpoint(self, checkpoint: Checkpoint) -> None:
        with atomic_path(self.root / "state.pkl") as tmp, open(tmp, "wb") as handle:
            pickle.dump(checkpoint.state, handle, protocol=pickle.HIGHEST_PROTOCOL)
            handle.flush()
            os.fsync(handle.fileno())
        atomic_write_text(
            self.root / "checkpoint.json",
            json.dumps(
                {
                    "scenario_hash": checkpoint.scenario_hash,
                    "next_chunk": checkpoint.next_chunk,
                    "chunks": checkpoint.chunks,
                },
                indent=2,
            ),
        )

    def load_checkpoint(self) -> Checkpoint:
        meta_path = self.root / "checkpoint.json"
        if not meta_path.exists():
            raise FileNotFoundError(
                f"{self.root} has no checkpoint.json: there is no run to resume there"
            )
        meta = json.loads(meta_path.read_text())
        with open(self.root / "state.pkl", "rb") as handle:
            state = pickle.load(handle)  # the run's own file, written by save_checkpoint
        return Checkpoint(meta["scenario_hash"], meta["next_chunk"], meta["chunks"], state)

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        atomic_write_text(self.root / "metadata.json", json.dumps(metadata, indent=2, default=str))

    def read_metadata(self) -> dict[str, Any]:
        return dict(json.loads((self.root / "metadata.json").read_text()))

    def tables(self) -> dict[str, str]:
        """Table name → a DuckDB ``read_parquet`` expression, for each dataset present."""
        found: dict[str, str] = {}
        for path in sorted(self.root.glob("*.parquet")):
            pattern = str(path / "*.parquet") if path.is_dir() else str(path)
            found[path.stem] = f"read_parquet('{pattern}')"
        return found


def query(run_dir: str | os.PathLike[str], sql: str) -> pa.Table:
    """Run DuckDB ``sql`` over a run's Parquet files; each is a view named for its file
    (``terminals``, ``cells``, ``events``)."""
    import duckdb

    store = RunStore(run_dir)
    tables = store.tables()
    if not tables:
        raise FileNotFoundError(f"{run_dir} holds no Parquet results (is it a run directory?)")
    connection = duckdb.connect()
    try:
        for name, source in tables.items():
            connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {source}')
        try:
            return connection.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise ValueError(
                f"query failed: {exc}. Tables available: {', '.join(sorted(tables))}"
            ) from None
    finally:
        connection.close()
