"""Results: atomic, streamed Parquet tables; run directories; SQL metrics over them."""

from leonet.results.metrics import (
    EventImpact,
    event_impacts,
    outage_by_cause,
    per_cell,
    per_terminal,
    run_summary,
)
from leonet.results.store import Checkpoint, RunStore, query
from leonet.results.writer import AtomicParquetWriter, atomic_path, atomic_write_text

__all__ = [
    "AtomicParquetWriter",
    "Checkpoint",
    "EventImpact",
    "RunStore",
    "atomic_path",
    "atomic_write_text",
    "event_impacts",
    "outage_by_cause",
    "per_cell",
    "per_terminal",
    "query",
    "run_summary",
]
