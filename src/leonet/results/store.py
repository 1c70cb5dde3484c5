"""A run directory: per-chunk Parquet datasets, checkpoints, metadata and SQL.

Layout of ``RUN_DIR``::

    leonet-run.json                          the marker: this folder is a leonet run
                                             (format and version), written first
    terminals.parquet/part-00000.parquet …   one file per time chunk (a Parquet dataset)
    cells.parquet/part-00000.parquet …       per slot (or step) and cell: served, reason,
                                             visible, rtt_ms, throughput_down_mbps,
                                             throughput_up_mbps
    events.parquet, sites.parquet, ground.parquet   one file each
    checkpoint.json, state-NNNNN.npz         the last completed chunk and carried state
    metadata.json                            scenario hash, input file hashes, versions, seed
    scenario.json, report.html
    .leonet-run.lock                         locked (flock) while a run writes here

A run folder is data, never code: the carried state is plain arrays in an NPZ
read with ``allow_pickle=False``, file names reach SQL only as quoted literals, and
:func:`query` runs one read-only statement with DuckDB's file access confined to
the run's own Parquet files.

Each part file and each checkpoint is written atomically (temporary file +
rename), and the checkpoint is written only after the chunk's parts, so a run
killed at any instant resumes from its last completed chunk: parts of a chunk
beyond the checkpoint are simply rewritten.  ``checkpoint.json`` is the commit
record: it names the state file (``state-NNNNN.npz``, written before it) and that
file's SHA-256, so a kill between the two leaves the previous pair intact.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from leonet.atomic import file_sha256
from leonet.results.writer import atomic_path, atomic_write_text

__all__ = ["Checkpoint", "RunFolderError", "RunStore", "query", "query_session"]

#: The marker file that makes a folder a run, and the layout version it announces.
RUN_MARKER = "leonet-run.json"
RUN_FORMAT_VERSION = 1
#: The version of ``checkpoint.json`` + ``state-NNNNN.npz`` (1 was the pickled ``state.pkl``;
#: 2 saved int64 arrays, whole histograms and the cells' regions and areas, and a slot of
#: ``cells`` split between chunks as several rows).
CHECKPOINT_FORMAT_VERSION = 3
_LOCK = ".leonet-run.lock"
#: Per-chunk datasets (folders of parts) and one-file tables a run writes.
DATASETS = ("terminals", "cells")
TABLES = ("events", "sites", "ground")
#: The files a run writes besides its Parquet tables (``state.pkl``: older runs').
_RUN_FILES = ("checkpoint.json", "state.pkl", "metadata.json", "scenario.json", "report.html")
_STATE_FILE = re.compile(r"state-\d{5,}\.npz")
_PART_FILE = re.compile(r"part-\d{5,}\.parquet")


#: Descriptors of the run-folder locks this process holds.  A forked child (a chunk
#: worker) lets go of its copies at once: an ``flock`` lasts while any descriptor of it
#: is open, so a worker outliving a killed run by a moment would otherwise refuse the
#: ``--resume`` that follows with "in use by another leonet run".
_HELD_LOCKS: set[int] = set()


def _let_go_of_inherited_locks() -> None:
    if not _HELD_LOCKS:
        return
    with suppress(OSError):
        null = os.open(os.devnull, os.O_RDONLY)
        for fd in _HELD_LOCKS:  # the number stays valid (now /dev/null): nothing to close twice
            os.dup2(null, fd)
        os.close(null)
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_let_go_of_inherited_locks)


class RunFolderError(ValueError):
    """A run folder that cannot be used as asked: not a run, in use by another writer,
    a damaged or foreign checkpoint, a file that cannot be written.  The message names
    the file and what to do."""


@dataclass(frozen=True)
class Checkpoint:
    """The resumable position of a run: chunks ``0 .. next_chunk-1`` are complete;
    ``state`` the carried state as named plain arrays (numeric or boolean)."""

    scenario_hash: str
    next_chunk: int
    chunks: int
    state: Mapping[str, NDArray[Any]]


def _sql_literal(text: str) -> str:
    """``text`` as a SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


def _sql_identifier(text: str) -> str:
    """``text`` as a SQL quoted identifier (quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


@contextmanager
def _writing(path: Path, root: Path) -> Iterator[None]:
    """Turn an ``OSError`` while writing ``path`` of the run in ``root`` (full disk,
    read-only folder) into a one-line :class:`RunFolderError`."""
    try:
        yield
    except OSError as exc:
        what = exc.strerror or str(exc)
        hint = (
            "free some space"
            if exc.errno in (errno.ENOSPC, errno.EDQUOT)
            else "make the folder writable"
            if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
            else "fix the cause"
        )
        raise RunFolderError(
            f"cannot write {path}: {what}. Chunks completed before it are saved; {hint}, then "
            f"continue with `leonet run --resume {root}`"
        ) from None


class RunStore:
    """Reads and writes one run directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._lock: IO[bytes] | None = None

    # ------------------------------------------------------------------ the marker
    @property
    def marker(self) -> Path:
        return self.root / RUN_MARKER

    def is_run(self) -> bool:
        """Whether the folder carries the run marker (any version)."""
        return self.marker.is_file()

    def require_run(self) -> None:
        """Refuse, with a clear message, a folder that is not a leonet run of a format this
        version reads."""
        if not self.root.is_dir():
            raise FileNotFoundError(
                f"{self.root} is not a folder: give a run directory (the --out of `leonet run`)"
            )
        if not self.is_run():
            legacy = (self.root / "checkpoint.json").exists() or (self.root / "state.pkl").exists()
            raise RunFolderError(
                f"{self.root} is not a leonet run folder (it has no {RUN_MARKER})"
                + (
                    "; it looks like a run from an older leonet, whose checkpoint is no longer "
                    "read: run the scenario again with --overwrite"
                    if legacy
                    else ": give the --out folder of `leonet run`"
                )
            )
        try:
            marker = json.loads(self.marker.read_text(encoding="utf-8"))
            version = int(marker["version"])
            foreign = marker.get("format") != "leonet-run"
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RunFolderError(
                f"{self.marker} is damaged ({exc}): this is not a run leonet "
                "can read; run the scenario again into a new folder"
            ) from None
        if foreign:
            raise RunFolderError(
                f"{self.marker} does not describe a leonet run; give the --out "
                "folder of `leonet run`"
            )
        if version > RUN_FORMAT_VERSION:
            raise RunFolderError(
                f"{self.marker}: run format version {version} was written by a newer leonet "
                f"(this one reads version {RUN_FORMAT_VERSION}); upgrade leonet to read it"
            )

    # ------------------------------------------------------------------ writing
    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's writer lock (an OS ``flock``, released by the OS if the
        process dies) for the block; a second writer gets a :class:`RunFolderError`."""
        if self._lock is not None:
            raise RunFolderError(f"{self.root} is already locked by this RunStore")
        self._require_folder()
        path = self.root / _LOCK
        with _writing(path, self.root):
            self.root.mkdir(parents=True, exist_ok=True)
            handle = open(path, "a+b")  # noqa: SIM115 - held for the block
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise RunFolderError(
                f"{self.root} is in use by another leonet run (it holds the lock {path}); wait "
                "for it to finish, or choose another --out"
            ) from None
        self._lock = handle
        _HELD_LOCKS.add(handle.fileno())
        try:
            yield
        finally:
            _HELD_LOCKS.discard(handle.fileno())
            self._lock = None
            handle.close()  # closing releases the flock

    def prepare(self, *, resume: bool, overwrite: bool = False) -> None:
        """Create the folder.  With ``resume``, require a run there.  Without, refuse to mix
        with an earlier run there, or with ``overwrite`` remove that run's files first (only
        the run's: other files in the folder stay); refuse, either way, a folder holding
        files of the names a run writes that are not a run's."""
        if resume and overwrite:
            raise ValueError(
                "resume continues the run in the folder and overwrite replaces it: choose one"
            )
        self._require_folder()
        if resume:
            self.require_run()
            return
        with _writing(self.root, self.root):
            self.root.mkdir(parents=True, exist_ok=True)
        legacy = (self.root / "checkpoint.json").exists()
        if self.is_run() or legacy:
            if not overwrite:
                raise FileExistsError(
                    f"{self.root} already holds a run; resume it with --resume {self.root}, "
                    "replace it with --overwrite, or choose another --out"
                )
            self.clear()
        else:
            clashes = self._own_names_present()
            if clashes:
                raise RunFolderError(
                    f"{self.root} is not a leonet run but holds {', '.join(clashes)}, which a "
                    "run would replace; leonet does not overwrite files it did not write"
                    + (" (--overwrite replaces only a run)" if overwrite else "")
                    + ": choose an empty folder, or move those files"
                )
        with _writing(self.marker, self.root):
            atomic_write_text(
                self.marker,
                json.dumps({"format": "leonet-run", "version": RUN_FORMAT_VERSION}, indent=2),
            )

    def _require_folder(self) -> None:
        if self.root.exists() and not self.root.is_dir():
            raise RunFolderError(
                f"{self.root} is a file, not a folder: give a folder for the run's results"
            )

    def _own_names_present(self) -> list[str]:
        names = [*_RUN_FILES, *(f"{t}.parquet" for t in (*DATASETS, *TABLES))]
        return [n for n in names if os.path.lexists(self.root / n)]

    def clear(self) -> None:
        """Remove the run's files: its datasets' parts, tables, checkpoint, state, metadata,
        report and marker.  Nothing else: a user's files, a folder or symlink in place of
        one of the run's files, and the lock stay."""
        for dataset in DATASETS:
            folder = self.root / f"{dataset}.parquet"
            if folder.is_dir() and not folder.is_symlink():
                for part in folder.iterdir():
                    if (
                        (_PART_FILE.fullmatch(part.name) or part.name.endswith(".part"))
                        and part.is_file()
                        and not part.is_symlink()
                    ):
                        part.unlink()
                with suppress(OSError):  # it holds something of the user's: leave it
                    folder.rmdir()
        for name in (*(f"{t}.parquet" for t in TABLES), *_RUN_FILES):
            path = self.root / name
            if path.is_symlink() or path.is_file():
                path.unlink()
        for path in self.root.iterdir():
            if _STATE_FILE.fullmatch(path.name) and (path.is_file() or path.is_symlink()):
                path.unlink()
        self.marker.unlink(missing_ok=True)

    def write_part(self, dataset: str, chunk: int, table: pa.Table) -> Path:
        """Write one chunk of ``dataset`` atomically as ``DATASET.parquet/part-NNNNN.parquet``."""
        folder = self.root / f"{dataset}.parquet"
        with _writing(folder, self.root):
            folder.mkdir(parents=True, exist_ok=True)
        return self.write_table(f"{dataset}.parquet/part-{chunk:05d}", table)

    def drop_parts_from(self, chunk: int) -> None:
        """Remove parts of chunks ``>= chunk`` (left by an interrupted chunk), and the
        temporary files of atomic writes that a killed process left half-written (the
        folder's lock, held by the caller, rules out a live writer)."""
        for dataset in DATASETS:
            folder = self.root / f"{dataset}.parquet"
            for part in sorted(folder.glob("part-*.parquet")):
                if _PART_FILE.fullmatch(part.name) and int(part.stem.split("-")[1]) >= chunk:
                    part.unlink()
            for temp in folder.glob(".part-*.part"):
                if temp.is_file() and not temp.is_symlink():
                    temp.unlink()
        for temp in self.root.glob(".*.part"):
            if temp.is_file() and not temp.is_symlink():
                temp.unlink()

    def write_table(self, name: str, table: pa.Table) -> Path:
        """Write ``RUN_DIR/NAME.parquet`` atomically."""
        target = self.root / f"{name}.parquet"
        with _writing(target, self.root), atomic_path(target) as tmp:
            pq.write_table(table, tmp, compression="zstd")
        return target

    # ------------------------------------------------------------------ checkpoints
    def save_checkpoint(self, checkpoint: Checkpoint) -> Path:
        """Write the state (``state-NNNNN.npz``), then ``checkpoint.json`` naming it and its
        hash (the commit), then remove older state files; return the state file."""
        for key, value in checkpoint.state.items():
            if np.asarray(value).dtype.hasobject:
                raise TypeError(
                    f"checkpoint state {key!r} is an object array; only numeric "
                    "and boolean arrays are saved"
                )
        name = f"state-{checkpoint.next_chunk:05d}.npz"
        path = self.root / name
        with _writing(path, self.root):
            with atomic_path(path) as tmp, open(tmp, "wb") as handle:
                arrays: dict[str, Any] = {k: np.asarray(v) for k, v in checkpoint.state.items()}
                np.savez_compressed(handle, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
            digest = file_sha256(path)
        with _writing(self.root / "checkpoint.json", self.root):
            atomic_write_text(
                self.root / "checkpoint.json",
                json.dumps(
                    {
                        "format": "leonet-checkpoint",
                        "version": CHECKPOINT_FORMAT_VERSION,
                        "scenario_hash": checkpoint.scenario_hash,
                        "next_chunk": checkpoint.next_chunk,
                        "chunks": checkpoint.chunks,
                        "state_file": name,
                        "state_sha256": digest,
                    },
                    indent=2,
                ),
            )
        for old in self.root.glob("state-*.npz"):
            if old.name != name:
                old.unlink(missing_ok=True)
        return path

    def load_checkpoint(self) -> Checkpoint:
        """The last checkpoint; a missing, damaged, truncated, foreign or old-format one is a
        :class:`RunFolderError` naming the file (``state.pkl`` of older runs is never read)."""
        meta_path = self.root / "checkpoint.json"
        if not meta_path.exists():
            if self.is_run():
                raise RunFolderError(
                    f"{self.root} has no checkpoint.json: the run stopped before its first "
                    "checkpoint was saved, so there is nothing to resume; start it again with "
                    "--overwrite"
                )
            raise FileNotFoundError(
                f"{self.root} has no checkpoint.json: there is no run to resume there"
            )
        self.require_run()
        again = "run the scenario again with --overwrite"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunFolderError(
                f"{meta_path} is damaged ({exc}); the run cannot be resumed: {again}"
            ) from None
        if not isinstance(meta, dict) or meta.get("format") != "leonet-checkpoint":
            old = isinstance(meta, dict) and "format" not in meta and "next_chunk" in meta
            raise RunFolderError(
                f"{meta_path} is "
                + (
                    "an old-format checkpoint (a pickled state.pkl, which leonet no longer "
                    "loads because loading it could run code)"
                    if old
                    else "not a leonet checkpoint"
                )
                + f"; the run cannot be resumed: {again}"
            )
        version = meta.get("version")
        if version != CHECKPOINT_FORMAT_VERSION:
            raise RunFolderError(
                f"{meta_path}: checkpoint format version {version!r}, but this leonet reads "
                f"version {CHECKPOINT_FORMAT_VERSION}; resume it with the leonet that started "
                f"it, or {again}"
            )
        try:
            scenario_hash = str(meta["scenario_hash"])
            next_chunk, chunks = int(meta["next_chunk"]), int(meta["chunks"])
            state_name, state_digest = str(meta["state_file"]), str(meta["state_sha256"])
            if not _STATE_FILE.fullmatch(state_name) or not 0 <= next_chunk <= chunks:
                raise ValueError("state_file or next_chunk out of range")
        except (KeyError, ValueError, TypeError) as exc:
            raise RunFolderError(
                f"{meta_path} is damaged (field {exc}); the run cannot be resumed: {again}"
            ) from None
        state_path = self.root / state_name
        if not state_path.is_file():
            raise RunFolderError(f"{state_path} is missing; the run cannot be resumed: {again}")
        if file_sha256(state_path) != state_digest:
            raise RunFolderError(
                f"{state_path} is damaged (its SHA-256 differs from the one in "
                f"checkpoint.json); the run cannot be resumed: {again}"
            )
        try:
            with np.load(state_path, allow_pickle=False) as npz:
                state = {key: npz[key] for key in npz.files}
        except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
            reason = (
                "it holds object arrays, which leonet never loads"
                if "allow_pickle" in str(exc)
                else str(exc)
            )
            raise RunFolderError(
                f"{state_path} cannot be read ({reason}); the run cannot be resumed: {again}"
            ) from None
        return Checkpoint(scenario_hash, next_chunk, chunks, state)

    # ------------------------------------------------------------------ metadata
    def write_text(self, name: str, text: str) -> Path:
        """Write ``RUN_DIR/NAME`` (UTF-8) atomically."""
        path = self.root / name
        with _writing(path, self.root):
            atomic_write_text(path, text)
        return path

    def write_metadata(self, metadata: dict[str, Any]) -> None:
        path = self.root / "metadata.json"
        with _writing(path, self.root):
            atomic_write_text(path, json.dumps(metadata, indent=2, default=str))

    def read_metadata(self) -> dict[str, Any]:
        path = self.root / "metadata.json"
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{path} is missing: the run was interrupted before it "
                "started; run it again with --overwrite"
            ) from None
        except (OSError, ValueError) as exc:
            raise RunFolderError(
                f"{path} is damaged ({exc}); run the scenario again with --overwrite"
            ) from None
        if not isinstance(meta, dict):
            raise RunFolderError(
                f"{path} is damaged (not a JSON object); run the scenario again with --overwrite"
            )
        return meta

    def tables(self) -> dict[str, list[Path]]:
        """Table name → its Parquet files, for each of the run's tables present (the
        datasets' parts in chunk order).  Only files the run writes, by their names, inside
        the folder: symlinks and other files are not the run's."""
        found: dict[str, list[Path]] = {}
        for name in DATASETS:
            folder = self.root / f"{name}.parquet"
            mine = folder.is_dir() and not folder.is_symlink()
            parts = (
                sorted(
                    p
                    for p in folder.glob("part-*.parquet")
                    if _PART_FILE.fullmatch(p.name) and p.is_file() and not p.is_symlink()
                )
                if mine
                else []
            )
            if parts:
                found[name] = parts
        for name in TABLES:
            path = self.root / f"{name}.parquet"
            if path.is_file() and not path.is_symlink():
                found[name] = [path]
        return dict(sorted(found.items()))

    def columns(self, table: str) -> set[str]:
        """The columns of the run's ``table`` (its first file's schema; none where the
        run has no such table): a run folder written by an older leonet may lack some."""
        files = self.tables().get(table, [])
        return set(pq.read_schema(files[0]).names) if files else set()


def _bad_files(files: list[Path]) -> list[str]:
    """Those of ``files`` whose Parquet footer cannot be read, each with the reason."""
    bad = []
    for path in files:
        try:
            pq.read_metadata(path)
        except (OSError, pa.ArrowException) as exc:
            bad.append(f"{path} ({str(exc).splitlines()[0]})")
    return bad


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@dataclass
class _Reader:
    """A DuckDB connection locked to one run's Parquet files: its ``tables``, the views
    that could not be created (``unreadable``, name -> why) and the ``extra`` views."""

    connection: Any
    tables: dict[str, list[Path]]
    unreadable: dict[str, str]
    extra: list[str]


#: The readers :func:`query_session` holds open, by run folder (this context's only).
_SESSIONS: ContextVar[Mapping[Path, _Reader] | None] = ContextVar(
    "leonet_query_sessions", default=None
)


def _open_reader(
    run_dir: str | os.PathLike[str], extra_views: Callable[[Any], list[str]] | None
) -> _Reader:
    """A connection with a view per table of ``run_dir``, confined to its files."""
    import duckdb

    store = RunStore(run_dir)
    store.require_run()
    tables = store.tables()
    if not tables:
        raise FileNotFoundError(
            f"{run_dir} holds no Parquet results yet (the run has not written its first chunk)"
        )
    connection = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
        }
    )
    try:
        unreadable: dict[str, str] = {}
        resolved = {name: [str(p.resolve()) for p in files] for name, files in tables.items()}
        for name, files in tables.items():
            sources = ", ".join(_sql_literal(p) for p in resolved[name])
            try:
                connection.execute(
                    f"CREATE VIEW {_sql_identifier(name)} AS "
                    f"SELECT * FROM read_parquet([{sources}])"
                )
            except duckdb.Error as exc:
                bad = _bad_files(files)
                unreadable[name] = "; ".join(bad) if bad else _first_line(exc)
        extra = extra_views(connection) if extra_views is not None else []
        allowed = ", ".join(_sql_literal(p) for f in resolved.values() for p in f)
        connection.execute(f"SET allowed_paths = [{allowed}]")
        connection.execute("SET enable_external_access = false")
        # Parquet footers read once per connection, not once per query (a session's many).
        connection.execute("SET enable_object_cache = true")
        connection.execute("SET lock_configuration = true")
    except BaseException:
        connection.close()
        raise
    return _Reader(connection, tables, unreadable, extra)


@contextmanager
def query_session(run_dir: str | os.PathLike[str]) -> Iterator[None]:
    """Within the block, :func:`query` over ``run_dir`` (without ``extra_views``) reuses
    one connection, set up once — its views over the run's files as they were on entry
    — instead of one per query: for a page that asks many questions of a finished run
    (the report).  The rules are :func:`query`'s: one read-only ``SELECT`` each, file
    access confined to the run's Parquet files, settings locked."""
    root = RunStore(run_dir).root
    reader = _open_reader(run_dir, None)
    token = _SESSIONS.set({**(_SESSIONS.get() or {}), root: reader})
    try:
        yield
    finally:
        _SESSIONS.reset(token)
        reader.connection.close()


def query(
    run_dir: str | os.PathLike[str],
    sql: str,
    parameters: list[Any] | None = None,
    extra_views: Callable[[Any], list[str]] | None = None,
) -> pa.Table:
    """Run one read-only DuckDB ``SELECT`` over a run's Parquet files; each table is a view
    named for its file (``terminals``, ``cells``, ``events``, ``sites``, ``ground``).

    The query is confined to the run: DuckDB's file access is limited to the run's own
    Parquet files, extensions are neither installed nor loaded, settings are locked, and
    exactly one ``SELECT`` (or ``EXPLAIN``) statement is run, with ``parameters`` bound to
    its ``?`` placeholders.  A write, an outside read, ``ATTACH``, ``COPY``, a setting or
    several statements are refused with a :class:`ValueError`; a damaged part file is named.
    ``extra_views(connection)``, when given, adds views computed from the run's tables before
    the connection is locked (the applications' ``app_*``: higher layers plug in here) and
    returns their names.  Inside :func:`query_session` of ``run_dir`` (and without
    ``extra_views``) the session's connection answers.
    """
    if not sql.strip():
        raise ValueError(
            "the SQL is empty: give one SELECT over the run's tables, e.g. "
            '"SELECT count(*) FROM terminals"'
        )
    if extra_views is None:
        session = (_SESSIONS.get() or {}).get(RunStore(run_dir).root)
        if session is not None:
            return _select(session, sql, parameters)
    reader = _open_reader(run_dir, extra_views)
    try:
        return _select(reader, sql, parameters)
    finally:
        reader.connection.close()


def _select(reader: _Reader, sql: str, parameters: list[Any] | None) -> pa.Table:
    """:func:`query`'s one statement on ``reader``'s connection."""
    import duckdb

    connection, tables = reader.connection, reader.tables
    try:
        statements = connection.extract_statements(sql)
    except duckdb.Error as exc:
        raise ValueError(f"query failed: {_first_line(exc)}") from None
    if len(statements) != 1:
        raise ValueError(f"give exactly one SQL statement, not {len(statements)}")
    kind = statements[0].type
    if kind not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
        raise ValueError(
            f"refused: leonet query runs only a SELECT over the run's tables, not "
            f"{kind.name}; it does not write, attach, copy, install or change settings"
        )
    try:
        relation = connection.sql(sql, params=parameters) if parameters else connection.sql(sql)
        return relation.to_arrow_table() if relation is not None else pa.table({})
    except duckdb.PermissionException:
        raise ValueError(
            "refused: leonet query reads only the run's own tables "
            f"({', '.join(tables)}); it cannot read or write other files, attach databases, "
            "load extensions or change settings"
        ) from None
    except duckdb.Error as exc:
        message = _first_line(exc)
        unreadable = reader.unreadable
        damaged = [f"{n}: {why}" for n, why in unreadable.items()]
        if not damaged and isinstance(exc, duckdb.IOException | duckdb.InvalidInputException):
            damaged = [b for f in tables.values() for b in _bad_files(f)]
        raise ValueError(
            f"query failed: {message}. Tables available: "
            f"{', '.join([*(n for n in tables if n not in unreadable), *reader.extra])}"
            + (
                f". Unreadable (damaged files; run the scenario again with --overwrite): "
                f"{'; '.join(damaged)}"
                if damaged
                else ""
            )
        ) from None
