"""Results: atomic, streamed Parquet tables; run directories; SQL metrics over them."""

from leonet.results.cell_periods import (
    CellPeriods,
    concatenate_cell_rows,
    join_cell_periods,
    split_cell_periods,
)
from leonet.results.metrics import (
    EventImpact,
    busy_rtt_windows,
    event_impacts,
    outage_by_cause,
    per_cell,
    per_terminal,
    run_summary,
)
from leonet.results.store import Checkpoint, RunFolderError, RunStore, query, query_session
from leonet.results.tables import (
    EVENTS_SCHEMA,
    CellRows,
    RunNames,
    TerminalRows,
    cell_table,
    events_table,
    ground_table,
    reason_column,
    sites_table,
    terminal_table,
)
from leonet.results.writer import AtomicParquetWriter, atomic_path, atomic_write_text

__all__ = [
    "EVENTS_SCHEMA",
    "AtomicParquetWriter",
    "CellPeriods",
    "CellRows",
    "Checkpoint",
    "EventImpact",
    "RunFolderError",
    "RunNames",
    "RunStore",
    "TerminalRows",
    "atomic_path",
    "atomic_write_text",
    "busy_rtt_windows",
    "cell_table",
    "concatenate_cell_rows",
    "event_impacts",
    "events_table",
    "ground_table",
    "join_cell_periods",
    "outage_by_cause",
    "per_cell",
    "per_terminal",
    "query",
    "query_session",
    "reason_column",
    "run_summary",
    "sites_table",
    "split_cell_periods",
    "terminal_table",
]
