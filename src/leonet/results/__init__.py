"""Results: atomic, streamed Parquet tables; run directories; SQL over them."""

from leonet.results.store import Checkpoint, RunStore, query
from leonet.results.writer import AtomicParquetWriter, atomic_write_text

__all__ = ["AtomicParquetWriter", "Checkpoint", "RunStore", "atomic_write_text", "query"]
