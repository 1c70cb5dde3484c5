"""`leonet sweep`: --list, --show, --dry-run, a whole --quick sweep through the CLI, and
`leonet query` over a sweep folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from leonet.cli import app

runner = CliRunner()

TINY = """\
name: tiny
base: quick
set: {time.duration: 30s}
parameters:
  - path: faults.satellites[0].fraction
    values: [0.0, 0.2, 0.4, 0.6]
seeds: 1
"""


def test_list_names_every_bundled_sweep():
    result = runner.invoke(app, ["sweep", "--list"])
    assert result.exit_code == 0, result.output
    for name in ("satellite-loss", "jammer-eirp-distance", "cutoff-radius"):
        assert name in result.output


def test_show_prints_yaml_that_loads_again(tmp_path):
    from leonet.sweep import load_sweep

    result = runner.invoke(app, ["sweep", "satellite-loss", "--show"])
    assert result.exit_code == 0
    copy = tmp_path / "copy.yaml"
    copy.write_text(result.output)
    spec, _ = load_sweep(copy)
    assert spec.name == "satellite-loss"


def test_dry_run_lists_runs_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["sweep", "cutoff-radius", "--quick", "--dry-run", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "4 variants × 2 seeds = 8 runs" in result.output
    assert "v0003-s2" in result.output
    assert not out.exists()


def test_unknown_bundled_name_gets_a_suggestion():
    result = runner.invoke(app, ["sweep", "satelite-loss"])
    assert result.exit_code == 2
    assert "did you mean 'satellite-loss'" in result.output.lower()


def test_ctrl_c_keeps_finished_runs_and_the_rerun_does_only_the_rest(tmp_path):
    """A real SIGINT to `leonet sweep` after its first run finished: exit 130, finished
    runs intact; the same command again runs only the others."""
    sweep = tmp_path / "tiny.yaml"
    sweep.write_text(TINY)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-c",
        "from leonet.cli import main; main()",
        "sweep",
        str(sweep),
        "--out",
        str(out),
        "--workers",
        "1",
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ | {"COLUMNS": "200"},
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not list((out / "status").glob("*.json")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130, output
    assert "interrupted" in output
    finished = {p.name: p.stat().st_mtime_ns for p in (out / "status").glob("*.json")}
    assert 1 <= len(finished) < 4, finished
    again = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=os.environ | {"COLUMNS": "200"}
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert (
        f"{4 - len(finished)} runs done, {len(finished)} already done, 0 failed"
        in again.stdout.replace("\n", " ")
    )
    for name, stamp in finished.items():
        assert (out / "status" / name).stat().st_mtime_ns == stamp
    records = [json.loads(p.read_text()) for p in (out / "status").glob("*.json")]
    assert sorted(r["status"] for r in records) == ["done"] * 4
    query = runner.invoke(
        app, ["query", str(out), "SELECT count(*) AS n FROM results WHERE status = 'done'", "--csv"]
    )
    assert query.exit_code == 0, query.output
    assert query.output.replace('"', "").split() == ["n", "4"]
    terminals = runner.invoke(
        app, ["query", str(out), "SELECT count(DISTINCT variant) AS v FROM terminals", "--csv"]
    )
    assert terminals.output.replace('"', "").split() == ["v", "4"]
    assert Path(out / "report.html").stat().st_size > 1000


def test_scheduler_option_runs_on_workers_started_as_separate_commands(tmp_path):
    """`dask scheduler` and `dask worker` started by hand (as on several machines), then
    `leonet sweep --scheduler ADDRESS`: the runs happen in the worker's process."""
    import shutil
    import socket

    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    assert dask is not None, "the dask command comes with dask[distributed]"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--port", str(port), "--dashboard-address", ":0"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [dask, "worker", address, "--nthreads", "1"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        from distributed import Client

        with Client(address, timeout="60s") as client:
            client.wait_for_workers(1, timeout=120)
            worker_pids = set(client.run(os.getpid).values())
        sweep = tmp_path / "tiny.yaml"
        sweep.write_text(TINY.replace("[0.0, 0.2, 0.4, 0.6]", "[0.0, 0.5]"))
        out = tmp_path / "out"
        result = runner.invoke(
            app, ["sweep", str(sweep), "--out", str(out), "--scheduler", address]
        )
        assert result.exit_code == 0, result.output
        assert "2 runs done, 0 already done, 0 failed" in result.output.replace("\n", " ")
        pids = {json.loads(p.read_text())["pid"] for p in (out / "status").glob("*.json")}
        assert pids <= worker_pids
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
