"""A run folder is data, never code; `leonet query` is confined to the run.

Each test plays a hostile or careless user against a real run folder: a crafted
checkpoint, crafted file and folder names, SQL that reaches outside the run, a second
writer, a changed input file, kill -9, a full disk and a read-only disk.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from leonet.cli import app
from leonet.engine.run import run_scenario
from leonet.results import RunFolderError, query
from leonet.scenario import load_scenario

runner = CliRunner()

SCENARIO = """
name: tiny
seed: 3
time: {{start: "2026-05-30T12:00:00Z", duration: {duration}, step_s: 10, chunk_steps: 2}}
constellations: [{{preset: starlink-gen1}}]
ground:
  terminals:
    - {{place: Kyiv}}
    - {{file: terminals.csv}}
  gateways: {{bundled: true, within: {{lat_deg: [40, 57], lon_deg: [5, 42]}}}}
  pops: {{bundled: true, within: {{lat_deg: [40, 57], lon_deg: [5, 42]}}}}
network: {{mode: hybrid}}
outputs: {{report: false}}
"""
TERMINALS = "name,lat_deg,lon_deg\nLviv-1,49.84,24.03\nOdesa-1,46.48,30.72\n"


def _scenario_file(folder: Path, duration: str = "60s") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "terminals.csv").write_text(TERMINALS)
    path = folder / "tiny.yaml"
    path.write_text(SCENARIO.format(duration=duration))
    return path


@pytest.fixture(scope="module")
def scenario_path(tmp_path_factory):
    return _scenario_file(tmp_path_factory.mktemp("scenario"))


@pytest.fixture(scope="module")
def finished(scenario_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "done"
    run_scenario(load_scenario(scenario_path), out, workers=1)
    return out


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}


def _same_tables(a: Path, b: Path) -> None:
    for table in ("terminals", "events", "sites", "ground"):
        assert pq.read_table(a / f"{table}.parquet").equals(
            pq.read_table(b / f"{table}.parquet")
        ), table


# ------------------------------------------------------------------ a checkpoint is data
class _Payload:
    """Unpickling this creates ``path``: proof that code ran."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (self.path, "pwned"))


def test_a_crafted_state_pkl_is_never_loaded(finished, scenario_path, tmp_path):
    proof = tmp_path / "code-ran"
    crafted = tmp_path / "crafted"
    shutil.copytree(finished, crafted)
    (crafted / "state.pkl").write_bytes(pickle.dumps(_Payload(proof)))
    pickle.loads((crafted / "state.pkl").read_bytes())  # the payload works when unpickled …
    assert proof.exists()
    proof.unlink()
    # … beside a good checkpoint, it is ignored: the run resumes from its NPZ;
    summary = run_scenario(load_scenario(scenario_path), crafted, resume=True, workers=1)
    assert summary.complete and not proof.exists()
    # … and as an old-format checkpoint it is refused, unread, with what to do.
    (crafted / "checkpoint.json").write_text(
        json.dumps({"scenario_hash": "x", "next_chunk": 1, "chunks": 3})
    )
    for name in list(crafted.glob("state-*.npz")):
        name.unlink()
    result = runner.invoke(app, ["run", "--resume", str(crafted)])
    assert result.exit_code == 2
    assert "old-format checkpoint" in result.output and "--overwrite" in result.output
    assert not proof.exists()
    # A folder of an older leonet (no marker, a pickle): refused before anything is read.
    (crafted / "leonet-run.json").unlink()
    with pytest.raises(RunFolderError, match="older leonet"):
        run_scenario(load_scenario(scenario_path), crafted, resume=True, workers=1)
    assert not proof.exists()


@pytest.mark.parametrize(
    "key, value",
    [
        ("metrics.served", [0] * 999),  # another scenario's shape
        ("metrics.bogus", [1]),  # an entry no leonet writes
        ("scheduler.serving_sat", "text"),  # not a number
        ("next_chunk", [[1, 2]]),  # not one number
    ],
)
def test_a_foreign_state_is_refused_with_the_file_named(
    finished, scenario_path, tmp_path, key, value
):
    import hashlib

    import numpy as np

    crafted = tmp_path / "foreign"
    shutil.copytree(finished, crafted)
    meta = json.loads((crafted / "checkpoint.json").read_text())
    state = crafted / meta["state_file"]
    arrays = dict(np.load(state))
    arrays[key] = np.asarray(value)
    np.savez(state, **arrays)
    meta["state_sha256"] = hashlib.sha256(state.read_bytes()).hexdigest()
    (crafted / "checkpoint.json").write_text(json.dumps(meta))
    with pytest.raises(
        RunFolderError,
        match=r"checkpoint\.json does not hold this run's "
        r"state.*--overwrite",
    ):
        run_scenario(load_scenario(scenario_path), crafted, resume=True, workers=1)


# ------------------------------------------------------------------ names never become SQL
def test_names_with_quotes_and_sql_cannot_escape(scenario_path, tmp_path, monkeypatch):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    out = tmp_path / "it's a run'); COPY (SELECT 1) TO 'pwned.csv'; --"
    result = runner.invoke(app, ["run", str(scenario_path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "terminal availability" in result.output  # the summary ran its SQL
    q = runner.invoke(app, ["query", str(out), "SELECT count(*) AS n FROM terminals", "--csv"])
    assert q.exit_code == 0 and q.output.splitlines() == ['"n"', str(6 * 3)]
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    # A crafted file name in the run folder is not one of the run's tables: never read.
    (out / "x.parquet'); COPY (SELECT 1) TO 'pwned2.csv'; --.parquet").write_bytes(b"x")
    (
        out / "terminals.parquet" / "part-9'); COPY (SELECT 1) TO 'pwned3.csv'; --.parquet"
    ).write_bytes(b"x")
    assert runner.invoke(app, ["query", str(out), "SELECT 1"]).exit_code == 0
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    assert list(cwd.iterdir()) == []


# ------------------------------------------------------------------ query is confined
@pytest.mark.parametrize(
    "sql, words",
    [
        ("SELECT * FROM read_csv('/etc/passwd')", "refused"),
        ("SELECT * FROM read_text('/etc/hostname')", "refused"),
        ("SELECT * FROM glob('/etc/*')", "refused"),
        ("SELECT * FROM read_parquet('{outside}')", "refused"),
        ("COPY (SELECT 1) TO '{cwd}/out.csv'", "refused"),
        ("COPY terminals TO '{cwd}/out.parquet'", "refused"),
        ("EXPORT DATABASE '{cwd}/db'", "refused"),
        ("ATTACH '{cwd}/x.duckdb' AS x", "refused"),
        ("SET threads = 1", "refused"),
        ("SET enable_external_access = true", "refused"),
        ("RESET allowed_paths", "refused"),
        ("PRAGMA threads=1", "refused"),
        ("INSTALL httpfs", "refused"),
        ("LOAD httpfs", "refused"),
        ("CREATE TABLE t AS SELECT 1", "refused"),
        ("DROP VIEW terminals", "refused"),
        ("SELECT 1; SELECT 2", "exactly one SQL statement"),
        ("SELECT 1; COPY (SELECT 1) TO '{cwd}/out.csv'", "exactly one SQL statement"),
        ("", "the SQL is empty"),
        ("   ", "the SQL is empty"),
    ],
)
def test_query_cannot_read_or_write_outside_the_run(finished, tmp_path, monkeypatch, sql, words):
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    outside = tmp_path / "secret.parquet"
    shutil.copy(finished / "sites.parquet", outside)
    sql = sql.format(outside=outside, cwd=cwd)
    with pytest.raises(ValueError, match=words):
        query(finished, sql)
    result = runner.invoke(app, ["query", str(finished), sql])
    assert result.exit_code == 2 and words in result.output, result.output
    assert "Traceback" not in result.output
    assert list(cwd.iterdir()) == []


def test_symlinks_in_a_run_folder_are_not_followed(finished, tmp_path):
    crafted = tmp_path / "crafted"
    shutil.copytree(finished, crafted)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(finished / "sites.parquet", outside / "part-00000.parquet")
    (crafted / "sites.parquet").unlink()
    (crafted / "sites.parquet").symlink_to(outside / "part-00000.parquet")
    (crafted / "cells.parquet").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="Tables available: events, ground, terminals"):
        query(crafted, "SELECT * FROM sites")
    with pytest.raises(ValueError, match="Tables available"):
        query(crafted, "SELECT * FROM cells")


def test_query_still_answers_selects_and_binds_parameters(finished):
    rows = query(
        finished, "SELECT terminal FROM terminals WHERE terminal = ? LIMIT 1", ["Lviv-1"]
    ).to_pylist()
    assert rows == [{"terminal": "Lviv-1"}]
    plan = query(finished, "EXPLAIN SELECT count(*) FROM terminals")
    assert plan.num_rows >= 1


def test_query_prints_names_as_text_not_markup(finished):
    result = runner.invoke(app, ["query", str(finished), "SELECT '[bold]x[/]' AS \"[red]n[/]\""])
    assert result.exit_code == 0, result.output
    assert "[bold]x[/]" in result.output and "[red]n[/]" in result.output


# ------------------------------------------------------------------ one writer at a time
_HOLD = """
import sys, time
from leonet.results import RunStore
with RunStore(sys.argv[1]).lock():
    print("locked", flush=True)
    time.sleep(60)
"""


def test_a_second_run_into_a_folder_in_use_is_refused(scenario_path, tmp_path):
    out = tmp_path / "busy"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(out)], stdout=subprocess.PIPE, text=True, env=_env()
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = runner.invoke(app, ["run", str(scenario_path), "--out", str(out)])
        assert result.exit_code == 2 and "in use by another leonet run" in result.output
        assert not (out / "leonet-run.json").exists()  # nothing written
    finally:
        holder.kill()
        holder.wait()
    assert runner.invoke(app, ["run", str(scenario_path), "--out", str(out)]).exit_code == 0


# ------------------------------------------------------------------ inputs must not change
def test_resume_refuses_a_changed_input_file_naming_it(tmp_path):
    path = _scenario_file(tmp_path / "scenario")
    out = tmp_path / "run"
    run_scenario(load_scenario(path), out, workers=1, stop_after_chunks=1)
    terminals = tmp_path / "scenario" / "terminals.csv"
    terminals.write_text(TERMINALS.replace("49.84", "49.85"))  # same path, new contents
    result = runner.invoke(app, ["run", "--resume", str(out)])
    assert result.exit_code == 2
    assert str(terminals) in result.output.replace("\n", "") and "changed" in result.output
    terminals.write_text(TERMINALS)  # put back: the run resumes
    assert runner.invoke(app, ["run", "--resume", str(out)]).exit_code == 0


# ------------------------------------------------------------------ kill -9, disks
_RUN = """
import sys
from leonet.engine.run import run_scenario
from leonet.scenario import load_scenario
run_scenario(load_scenario(sys.argv[1]), sys.argv[2], workers=1, resume=sys.argv[3] == "1")
"""


def _next_chunk(out: Path) -> int:
    try:
        return int(json.loads((out / "checkpoint.json").read_text())["next_chunk"])
    except (OSError, ValueError, KeyError):
        return -1


def test_kill_9_mid_write_then_resume_gives_identical_tables(tmp_path):
    path = _scenario_file(tmp_path / "scenario", duration="10m")  # 30 chunks of 2 steps
    whole = tmp_path / "whole"
    run_scenario(load_scenario(path), whole, workers=1)
    out = tmp_path / "killed"
    kills = 0
    for delay in (0.0, 0.013, 0.029):  # at different moments of a chunk's writes
        resume = "1" if (out / "leonet-run.json").exists() else "0"
        proc = subprocess.Popen(
            [sys.executable, "-c", _RUN, str(path), str(out), resume], env=_env()
        )
        start = max(_next_chunk(out), 0)
        deadline = time.monotonic() + 120
        while _next_chunk(out) < start + 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 2  # the run really was killed, and resumed after each kill (the lock
    # went with the process)
    summary = run_scenario(load_scenario(path), out, workers=1, resume=True)
    assert summary.complete
    _same_tables(out, whole)
    assert not list(out.rglob("*.part"))


@pytest.fixture
def small_disk(tmp_path):
    """A 160 KiB tmpfs (root only: this suite runs as root in CI and here)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_nothing_computed_is_lost(small_disk, tmp_path):
    path = _scenario_file(tmp_path / "scenario", duration="30m")  # ~100 chunk parts
    whole = tmp_path / "whole"
    run_scenario(load_scenario(path), whole, workers=1)
    out = small_disk / "run"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "No space left on device" in message and "--resume" in message
    assert "Traceback" not in result.output
    saved = _next_chunk(out)
    assert saved >= 1  # chunks before the full disk were kept
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    resumed = runner.invoke(app, ["run", "--resume", str(out)])
    assert resumed.exit_code == 0, resumed.output
    _same_tables(out, whole)


def test_a_read_only_disk_is_a_clear_error_and_queries_still_work(small_disk, tmp_path):
    path = _scenario_file(tmp_path / "scenario")
    out = small_disk / "run"
    run_scenario(load_scenario(path), out, workers=1, stop_after_chunks=1)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = runner.invoke(app, ["run", "--resume", str(out)])  # the CLI checks first
    assert result.exit_code == 2 and "not writable" in result.output, result.output
    assert "Traceback" not in result.output
    with pytest.raises(RunFolderError, match="Read-only file system"):  # and the library
        run_scenario(load_scenario(path), out, workers=1, resume=True)
    assert query(out, "SELECT count(*) AS n FROM terminals").to_pylist() == [{"n": 2 * 3}]
    report = runner.invoke(app, ["report", str(out)])
    assert report.exit_code == 2 and "cannot write" in report.output
