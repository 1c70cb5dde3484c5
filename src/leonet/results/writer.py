"""Atomic writes of results: a result file appears whole or not at all.

:class:`AtomicParquetWriter` streams a Parquet file into a temporary file beside
its destination and renames it over the destination only when it closes without
error, so an interrupted run never leaves a truncated Parquet file behind; the
plain-file writers are :mod:`leonet.atomic`'s.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

from leonet.atomic import atomic_path, atomic_write_text, temp_path

__all__ = ["AtomicParquetWriter", "atomic_path", "atomic_write_text"]


class AtomicParquetWriter:
    """Stream record batches into one Parquet file, published atomically on close.

    >>> with AtomicParquetWriter(path, schema) as out:   # doctest: +SKIP
    ...     out.write(table_for_chunk)
    """

    def __init__(self, path: str | os.PathLike[str], schema: pa.Schema, compression: str = "zstd"):
        self.path = Path(path)
        self.schema = schema
        self._tmp = temp_path(self.path)
        self._writer = pq.ParquetWriter(self._tmp, schema, compression=compression)
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table.cast(self.schema) if table.schema != self.schema else table)
        self.rows += table.num_rows

    def close(self) -> Path:
        """Finish the file and rename it over ``path``; if either fails, the temporary
        file is removed and the error raised (the destination keeps what it held)."""
        try:
            self._writer.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self._tmp.unlink(missing_ok=True)
            raise
        return self.path

    def abort(self) -> None:
        try:
            self._writer.close()
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> AtomicParquetWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
