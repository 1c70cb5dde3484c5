"""The run folder: parts, checkpoints, the marker, the writer lock, --overwrite, damage."""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pyarrow as pa
import pytest

from leonet.results import AtomicParquetWriter, Checkpoint, RunFolderError, RunStore, query
from leonet.results.store import query_session


def _table(values):
    return pa.table({"time": pa.array(values, pa.int64()), "x": pa.array(values, pa.float64())})


def _state(n=3):
    return {"a": np.arange(n, dtype=np.int64), "b": np.linspace(0, 1, n), "flag": np.array(True)}


def _run(path):
    store = RunStore(path)
    store.prepare(resume=False)
    return store


def test_parts_checkpoint_and_sql(tmp_path):
    store = _run(tmp_path / "run")
    store.write_part("terminals", 0, _table([0, 1]))
    store.write_part("terminals", 1, _table([2, 3]))
    store.save_checkpoint(Checkpoint("abc", 2, 5, _state()))
    back = store.load_checkpoint()
    assert (back.scenario_hash, back.next_chunk, back.chunks) == ("abc", 2, 5)
    assert sorted(back.state) == ["a", "b", "flag"]
    for key, value in _state().items():
        assert back.state[key].dtype == value.dtype and np.array_equal(back.state[key], value)
    result = query(store.root, "SELECT count(*) AS n, sum(x) AS s FROM terminals")
    assert result.to_pylist() == [{"n": 4, "s": 6.0}]
    assert not list(store.root.rglob("*.part"))


def test_columns_are_a_tables_schema_and_none_for_a_table_absent(tmp_path):
    store = _run(tmp_path / "run")
    store.write_part("terminals", 0, _table([0, 1]))
    store.write_table("events", pa.table({"kind": pa.array(["fault"])}))
    assert store.columns("terminals") == {"time", "x"}
    assert store.columns("events") == {"kind"}
    assert store.columns("cells") == set()


def test_a_new_checkpoint_replaces_the_old_state_file(tmp_path):
    store = _run(tmp_path)
    store.save_checkpoint(Checkpoint("abc", 1, 3, _state()))
    store.save_checkpoint(Checkpoint("abc", 2, 3, _state(4)))
    assert sorted(p.name for p in tmp_path.glob("state-*.npz")) == ["state-00002.npz"]
    assert store.load_checkpoint().state["a"].tolist() == [0, 1, 2, 3]


def test_a_kill_between_state_and_checkpoint_keeps_the_previous_pair(tmp_path, monkeypatch):
    """The state file is written before checkpoint.json names it: a process stopped after
    writing ``state-00002.npz`` but before the commit record resumes from chunk 1."""
    import leonet.results.store as store_module

    store = _run(tmp_path)
    store.save_checkpoint(Checkpoint("abc", 1, 3, _state()))

    def killed(*_):
        raise KeyboardInterrupt  # the moment between the two writes

    monkeypatch.setattr(store_module, "atomic_write_text", killed)
    with pytest.raises(KeyboardInterrupt):
        store.save_checkpoint(Checkpoint("abc", 2, 3, _state(4)))
    assert (tmp_path / "state-00002.npz").exists()
    back = store.load_checkpoint()
    assert back.next_chunk == 1 and back.state["a"].tolist() == [0, 1, 2]


def test_drop_parts_from_removes_an_interrupted_chunk(tmp_path):
    store = RunStore(tmp_path)
    for chunk in range(3):
        store.write_part("terminals", chunk, _table([chunk]))
    store.drop_parts_from(1)
    assert [p.name for p in sorted((tmp_path / "terminals.parquet").iterdir())] == [
        "part-00000.parquet"
    ]


def test_drop_parts_from_removes_temporary_files_a_killed_writer_left(tmp_path):
    store = RunStore(tmp_path)
    store.write_part("terminals", 0, _table([0]))
    folder = tmp_path / "terminals.parquet"
    (folder / ".part-00001.parquet.k3x9.part").write_bytes(b"half a parquet file")
    (tmp_path / ".checkpoint.json.q7.part").write_text("{")
    (tmp_path / "notes.part").write_text("the user's")  # not an atomic write's temp name
    store.drop_parts_from(1)
    assert [p.name for p in folder.iterdir()] == ["part-00000.parquet"]
    assert sorted(p.name for p in tmp_path.glob("*.part")) == ["notes.part"]
    assert not list(tmp_path.glob(".*.part"))


def test_refuses_to_overwrite_a_run_without_resume(tmp_path):
    store = _run(tmp_path)
    store.save_checkpoint(Checkpoint("abc", 1, 2, _state()))
    with pytest.raises(FileExistsError, match=r"--resume.*--overwrite"):
        RunStore(tmp_path).prepare(resume=False)


def test_overwrite_removes_the_runs_files_and_only_them(tmp_path):
    store = _run(tmp_path)
    store.write_part("terminals", 0, _table([0]))
    store.write_table("events", _table([1]))
    store.write_metadata({"scenario": "x"})
    store.save_checkpoint(Checkpoint("abc", 1, 2, _state()))
    (tmp_path / "report.html").write_text("<html></html>")
    # The user's own files, among them Parquet ones and a folder named like a table.
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "mine.parquet").write_bytes(b"user data")
    (tmp_path / "survey.parquet").mkdir()
    (tmp_path / "survey.parquet" / "part-00000.parquet").write_bytes(b"user data")
    (tmp_path / "terminals.parquet" / "keep.txt").write_text("mine too")
    with pytest.raises(ValueError, match="choose one"):
        RunStore(tmp_path).prepare(resume=True, overwrite=True)
    RunStore(tmp_path).prepare(resume=False, overwrite=True)
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == [
        "leonet-run.json",
        "mine.parquet",
        "notes.txt",
        "survey.parquet",
        "survey.parquet/part-00000.parquet",
        "terminals.parquet",
        "terminals.parquet/keep.txt",
    ]


@pytest.mark.parametrize("name", ["report.html", "metadata.json", "events.parquet"])
@pytest.mark.parametrize("overwrite", [False, True])
def test_a_users_files_of_a_runs_names_are_never_replaced(tmp_path, name, overwrite):
    (tmp_path / name).write_text("the user's own")
    with pytest.raises(RunFolderError, match=rf"not a leonet run but holds {name}"):
        RunStore(tmp_path).prepare(resume=False, overwrite=overwrite)
    assert (tmp_path / name).read_text() == "the user's own"
    assert not (tmp_path / "leonet-run.json").exists()


def test_a_folder_of_unrelated_files_is_used_and_they_stay(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    _run(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert json.loads((tmp_path / "leonet-run.json").read_text()) == {
        "format": "leonet-run",
        "version": 1,
    }


def test_resume_query_and_report_refuse_a_folder_that_is_not_a_run(tmp_path):
    from leonet.report.run_report import render_report

    RunStore(tmp_path).write_part("terminals", 0, _table([0]))  # Parquet, but no marker
    with pytest.raises(RunFolderError, match="not a leonet run folder"):
        query(tmp_path, "SELECT 1")
    with pytest.raises(RunFolderError, match="not a leonet run folder"):
        RunStore(tmp_path).prepare(resume=True)
    with pytest.raises(RunFolderError, match="not a leonet run folder"):
        render_report(tmp_path)
    (tmp_path / "leonet-run.json").write_text('{"format": "leonet-run", "version": 99}')
    with pytest.raises(RunFolderError, match="newer leonet"):
        query(tmp_path, "SELECT 1")
    (tmp_path / "leonet-run.json").write_text("{not json")
    with pytest.raises(RunFolderError, match=r"leonet-run\.json is damaged"):
        query(tmp_path, "SELECT 1")


def test_query_errors_name_the_tables(tmp_path):
    store = _run(tmp_path)
    store.write_part("terminals", 0, _table([0]))
    with pytest.raises(ValueError, match="Tables available: terminals"):
        query(tmp_path, "SELECT * FROM nothing_here")
    with pytest.raises(FileNotFoundError, match="not a folder"):
        query(tmp_path / "empty", "SELECT 1")
    with pytest.raises(ValueError, match="the SQL is empty"):
        query(tmp_path, "  \n ")


def test_resume_without_a_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run to resume"):
        RunStore(tmp_path).load_checkpoint()


# ------------------------------------------------------------------ damaged checkpoints
def _saved(tmp_path):
    store = _run(tmp_path)
    store.save_checkpoint(Checkpoint("abc", 1, 2, _state()))
    return store


def test_a_truncated_state_file_is_a_clear_error(tmp_path):
    store = _saved(tmp_path)
    state = tmp_path / "state-00001.npz"
    state.write_bytes(state.read_bytes()[:50])
    with pytest.raises(RunFolderError, match=r"state-00001\.npz is damaged.*--overwrite"):
        store.load_checkpoint()


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "checkpoint.json is damaged"),
        ("[1, 2]", "not a leonet checkpoint"),
        ('{"scenario_hash": "abc", "next_chunk": 1, "chunks": 2}', "old-format checkpoint"),
        ('{"format": "leonet-checkpoint", "version": 7}', "format version 7"),
        ('{"format": "leonet-checkpoint", "version": 2}', "format version 2, but"),
        (
            '{"format": "leonet-checkpoint", "version": 3, "next_chunk": "x"}',
            r"checkpoint.json is damaged \(field",
        ),
        (
            '{"format": "leonet-checkpoint", "version": 3, "scenario_hash": "a", "next_chunk": 1, '
            '"chunks": 2, "state_file": "../../etc/passwd", "state_sha256": "0"}',
            r"checkpoint.json is damaged \(field",
        ),
    ],
)
def test_a_damaged_foreign_or_old_checkpoint_is_a_clear_error(tmp_path, text, words):
    store = _saved(tmp_path)
    (tmp_path / "checkpoint.json").write_text(text)
    with pytest.raises(RunFolderError, match=words) as info:
        store.load_checkpoint()
    assert "checkpoint.json" in str(info.value) and "--overwrite" in str(info.value)


def test_an_npz_with_object_arrays_is_refused_even_with_a_matching_hash(tmp_path):
    import hashlib

    store = _saved(tmp_path)
    state = tmp_path / "state-00001.npz"
    np.savez(state, a=np.array([{"x": 1}], dtype=object))  # pickled inside the NPZ
    meta = json.loads((tmp_path / "checkpoint.json").read_text())
    meta["state_sha256"] = hashlib.sha256(state.read_bytes()).hexdigest()
    (tmp_path / "checkpoint.json").write_text(json.dumps(meta))
    with pytest.raises(RunFolderError, match="object arrays, which leonet never loads"):
        store.load_checkpoint()


def test_object_arrays_are_never_saved(tmp_path):
    with pytest.raises(TypeError, match="object array"):
        _run(tmp_path).save_checkpoint(Checkpoint("abc", 1, 2, {"a": np.array([None])}))


# ------------------------------------------------------------------ one writer at a time
_HOLD = textwrap.dedent("""
    import sys, time
    from leonet.results import RunStore
    store = RunStore(sys.argv[1])
    with store.lock():
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    first = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(tmp_path), "60"],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert first.stdout is not None and first.stdout.readline().strip() == "locked"
        second = subprocess.run(
            [sys.executable, "-c", _HOLD, str(tmp_path), "0"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert second.returncode != 0
        assert "in use by another leonet run" in second.stderr
        with (
            pytest.raises(RunFolderError, match="in use by another leonet run"),
            RunStore(tmp_path).lock(),
        ):
            pass
    finally:
        first.kill()  # as kill -9: the OS releases the lock with the process
        first.wait()
    with RunStore(tmp_path).lock():  # free again
        pass


def test_the_lock_is_released_after_an_error_in_the_block(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(RuntimeError), store.lock():
        raise RuntimeError("boom")
    with RunStore(tmp_path).lock():
        pass


# ------------------------------------------------------------------ failed writes
def test_a_failed_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "t.parquet"
    out = AtomicParquetWriter(target, _table([0]).schema)
    out.write(_table([0, 1]))

    def refuse(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        out.close()
    assert list(tmp_path.iterdir()) == []


def test_a_failed_rename_of_a_part_is_a_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    store = _run(tmp_path)

    def refuse(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(
        RunFolderError,
        match=r"cannot write .*part-00000\.parquet: No space "
        r"left on device.*free some space.*--resume",
    ):
        store.write_part("terminals", 0, _table([0]))
    assert list((tmp_path / "terminals.parquet").iterdir()) == []


# ------------------------------------------------------------------ damaged parts
@pytest.mark.parametrize("damage", [b"", b"PAR1 not really parquet"])
def test_a_damaged_part_is_named_and_the_other_tables_still_answer(tmp_path, damage):
    store = _run(tmp_path)
    store.write_part("terminals", 0, _table([0, 1]))
    store.write_part("cells", 0, _table([5]))
    bad = tmp_path / "cells.parquet" / "part-00000.parquet"
    bad.write_bytes(damage)
    assert query(tmp_path, "SELECT count(*) AS n FROM terminals").to_pylist() == [{"n": 2}]
    with pytest.raises(ValueError) as info:
        query(tmp_path, "SELECT * FROM cells")
    message = str(info.value)
    assert str(bad) in message and "\n" not in message and "--overwrite" in message


def test_a_damaged_later_part_is_named(tmp_path):
    store = _run(tmp_path)
    store.write_part("terminals", 0, _table([0, 1]))
    store.write_part("terminals", 1, _table([2]))
    bad = tmp_path / "terminals.parquet" / "part-00001.parquet"
    bad.write_bytes(b"x" * 20)
    with pytest.raises(ValueError) as info:
        query(tmp_path, "SELECT sum(x) FROM terminals")
    assert str(bad) in str(info.value)


def test_a_file_where_the_folder_should_be_is_a_clear_error(tmp_path):
    (tmp_path / "out").write_text("a file")
    for attempt in (lambda s: s.prepare(resume=False), lambda s: s.lock().__enter__()):
        with pytest.raises(RunFolderError, match="is a file, not a folder"):
            attempt(RunStore(tmp_path / "out"))


def test_a_run_stopped_before_its_first_checkpoint_says_to_start_again(tmp_path):
    _run(tmp_path)
    with pytest.raises(RunFolderError, match=r"before its first checkpoint was saved.*--overwrite"):
        RunStore(tmp_path).load_checkpoint()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_does_not_hold_the_runs_lock(tmp_path):
    """A chunk worker that outlives its killed run for a moment must not keep the folder
    locked: the --resume right after would be refused as "in use"."""
    store = _run(tmp_path)
    read, write = os.pipe()
    ready_read, ready_write = os.pipe()
    with store.lock():
        child = os.fork()
        if child == 0:  # the worker: says it runs, then lingers until told to go
            os.close(write)
            os.write(ready_write, b"!")
            os.read(read, 1)
            os._exit(0)
        assert os.read(ready_read, 1) == b"!"
    for fd in (read, ready_read, ready_write):
        os.close(fd)
    try:
        with RunStore(tmp_path).lock():  # the run is over; its child still lives
            assert os.waitpid(child, os.WNOHANG) == (0, 0)
    finally:
        os.close(write)  # the child reads EOF and exits
        os.waitpid(child, 0)


# ------------------------------------------------------------------ one connection, many queries
def test_a_query_session_answers_as_single_queries_and_stays_confined(tmp_path, monkeypatch):
    store = _run(tmp_path / "run")
    store.write_part("terminals", 0, _table([0, 1]))
    store.write_part("terminals", 1, _table([2, 3]))
    store.write_part("cells", 0, _table([5]))
    questions = [
        ("SELECT count(*) AS n, sum(x) AS s FROM terminals", None),
        ("SELECT x FROM terminals WHERE time >= ? ORDER BY time", [2]),
        ("SELECT sum(x) AS s FROM cells", None),
    ]
    alone = [query(store.root, sql, p).to_pylist() for sql, p in questions]
    import duckdb

    connects = []
    real_connect = duckdb.connect
    monkeypatch.setattr(
        duckdb, "connect", lambda *a, **k: connects.append(1) or real_connect(*a, **k)
    )
    with query_session(store.root):
        inside = [query(store.root, sql, p).to_pylist() for sql, p in questions]
        # The rules hold on the shared connection: a write or a setting is refused and
        # the session still answers afterwards.
        for bad in ("COPY (SELECT 1) TO 'x.csv'", "SET enable_external_access = true"):
            with pytest.raises(ValueError, match="refused"):
                query(store.root, bad)
        with pytest.raises(ValueError, match="refused"):
            query(store.root, f"SELECT * FROM read_csv('{tmp_path / 'outside.csv'}')")
        assert query(store.root, "SELECT count(*) AS n FROM cells").to_pylist() == [{"n": 1}]
    assert inside == alone == [[{"n": 4, "s": 6.0}], [{"x": 2.0}, {"x": 3.0}], [{"s": 5.0}]]
    assert len(connects) == 1  # one connection for the whole block
    query(store.root, "SELECT 1")  # after the block: its own connection again
    assert len(connects) == 2
