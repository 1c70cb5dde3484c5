"""The ``leonet trace`` and ``leonet emulate`` commands: output, and errors without tracebacks."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from leonet.cli import app
from leonet.cli.emulate import parse_speed
from leonet.emulate import read_trace, trace_from_run

runner = CliRunner()


def test_trace_writes_a_file_that_reads_back(tiny_run, tmp_path):
    out = tmp_path / "kyiv.json"
    result = runner.invoke(
        app,
        ["trace", str(tiny_run), "--terminal", "Kyiv", "--out", str(out)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert read_trace(out).equals(trace_from_run(tiny_run, "Kyiv"))


def test_trace_prints_csv_to_stdout(tiny_run):
    result = runner.invoke(
        app, ["trace", str(tiny_run), "--terminal", "Lviv"], catch_exceptions=False
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("# format: leonet-trace/1\n# terminal: Lviv\n")
    assert len(result.stdout.splitlines()) == 5 + 1 + 6


def test_trace_errors_are_one_line(tiny_run, tmp_path):
    result = runner.invoke(app, ["trace", str(tiny_run), "--terminal", "Atlantis"])
    assert result.exit_code == 2 and "no terminal named 'Atlantis'" in result.output
    result = runner.invoke(app, ["trace", str(tmp_path), "--terminal", "Kyiv"])
    assert result.exit_code == 2 and "has no terminals.parquet" in result.output
    result = runner.invoke(app, ["trace", str(tiny_run), "--terminal", "Kyiv", "--format", "xml"])
    assert result.exit_code == 2 and "unknown trace format 'xml'" in result.output


def test_emulate_needs_a_command_or_hold(tiny_run):
    result = runner.invoke(app, ["emulate", str(tiny_run), "--terminal", "Kyiv"])
    assert result.exit_code == 2 and "give a COMMAND after --" in result.output
    result = runner.invoke(app, ["emulate", str(tiny_run), "--", "true"])
    assert result.exit_code == 2 and "name the terminal with --terminal" in result.output


@pytest.mark.parametrize(("text", "speed"), [("1x", 1.0), ("10X", 10.0), ("0.5", 0.5)])
def test_speed_factors(text, speed):
    assert parse_speed(text) == speed


@pytest.mark.parametrize("text", ["fast", "0x", "-2x"])
def test_bad_speed_says_how(text):
    with pytest.raises(ValueError, match="--speed"):
        parse_speed(text)
