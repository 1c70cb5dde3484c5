"""Atomic writes: a result file appears whole or not at all.

Data is written to a temporary file in the destination folder and renamed
over the destination only when the writer closes without error, so an
interrupted run never leaves a truncated Parquet file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["AtomicParquetWriter", "atomic_path", "atomic_write_text"]


def _temp_path(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(name, 0o666 & ~umask)  # results are ordinary files, not private ones
    return Path(name)


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` if the block
    succeeds, removed if it raises (Ctrl-C included)."""
    target = Path(path)
    tmp = _temp_path(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file, fsync, rename)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(path)


class AtomicParquetWriter:
    """Stream record batches into one Parquet file, published atomically on close.

    >>> with AtomicParquetWriter(path, schema) as out:   # doctest: +SKIP
    ...     out.write(table_for_chunk)
    """

    def __init__(self, path: str | os.PathLike[str], schema: pa.Schema, compression: str = "zstd"):
        self.path = Path(path)
        self.schema = schema
        self._tmp = _temp_path(self.path)
        self._writer = pq.ParquetWriter(self._tmp, schema, compression=compression)
        self.rows = 0

    def write(self, table: pa.Table) -> None:
        self._writer.write_table(table.cast(self.schema) if table.schema != self.schema else table)
        self.rows += table.num_rows

    def close(self) -> Path:
        self._writer.close()
        os.replace(self._tmp, self.path)
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
