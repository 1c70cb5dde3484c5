"""Results: atomic, streamed Parquet tables."""

from leonet.results.writer import AtomicParquetWriter, atomic_write_text

__all__ = ["AtomicParquetWriter", "atomic_write_text"]
