import pyarrow as pa
import pytest

from leonet.results import Checkpoint, RunStore, query


def _table(values):
    return pa.table({"time": pa.array(values, pa.int64()), "x": pa.array(values, pa.float64())})


def test_parts_checkpoint_and_sql(tmp_path):
    store = RunStore(tmp_path / "run")
    store.prepare(resume=False)
    store.write_part("terminals", 0, _table([0, 1]))
    store.write_part("terminals", 1, _table([2, 3]))
    store.save_checkpoint(Checkpoint("abc", 2, 5, {"carried": [1, 2, 3]}))
    back = store.load_checkpoint()
    assert (back.scenario_hash, back.next_chunk, back.chunks) == ("abc", 2, 5)
    assert back.state == {"carried": [1, 2, 3]}
    result = query(store.root, "SELECT count(*) AS n, sum(x) AS s FROM terminals")
    assert result.to_pylist() == [{"n": 4, "s": 6.0}]
    assert not list(store.root.rglob("*.part"))


def test_drop_parts_from_removes_an_interrupted_chunk(tmp_path):
    store = RunStore(tmp_path)
    for chunk in range(3):
        store.write_part("terminals", chunk, _table([chunk]))
    store.drop_parts_from(1)
    assert [p.name for p in sorted((tmp_path / "terminals.parquet").iterdir())] == [
        "part-00000.parquet"
    ]


def test_refuses_to_overwrite_a_run_without_resume(tmp_path):
    store = RunStore(tmp_path)
    store.prepare(resume=False)
    store.save_checkpoint(Checkpoint("abc", 1, 2, None))
    with pytest.raises(FileExistsError, match=r"--resume.*--overwrite"):
        RunStore(tmp_path).prepare(resume=False)


def test_overwrite_removes_the_runs_files_and_only_them(tmp_path):
    store = RunStore(tmp_path)
    store.prepare(resume=False)
    store.write_part("terminals", 0, _table([0]))
    store.write_table("events", _table([1]))
    store.write_metadata({"scenario": "x"})
    store.save_checkpoint(Checkpoint("abc", 1, 2, None))
    (tmp_path / "report.html").write_text("<html></html>")
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="choose one"):
        RunStore(tmp_path).prepare(resume=True, overwrite=True)
    RunStore(tmp_path).prepare(resume=False, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_query_errors_name_the_tables(tmp_path):
    store = RunStore(tmp_path)
    store.write_part("terminals", 0, _table([0]))
    with pytest.raises(ValueError, match="Tables available: terminals"):
        query(tmp_path, "SELECT * FROM nothing_here")
    with pytest.raises(FileNotFoundError, match="no Parquet results"):
        query(tmp_path / "empty", "SELECT 1")


def test_resume_without_a_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run to resume"):
        RunStore(tmp_path).load_checkpoint()
