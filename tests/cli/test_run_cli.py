"""leonet run / validate / scenarios / scenario show / query / report, in-process."""

from __future__ import annotations

import pyarrow.parquet as pq
from typer.testing import CliRunner

from leonet.cli import app

runner = CliRunner()


def test_scenarios_lists_the_presets_and_show_prints_yaml():
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0 and "ukraine" in result.output and "quick" in result.output
    shown = runner.invoke(app, ["scenario", "show", "ukraine"])
    assert shown.exit_code == 0 and shown.output.startswith("# leonet scenario")
    assert "name: ukraine" in shown.output


def test_validate_names_file_line_and_field_with_a_suggestion(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: broken\n"
        "time: {start: '2026-05-30T12:00:00Z', duration: 60s, step_s: 10}\n"
        "constellations: [{preset: starlink-gen1}]\n"
        "ground:\n"
        "  terminals:\n"
        "    - {name: a, lat_deg: 50, lon_deg: 30, altitude_km: 1}\n"
    )
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "bad.yaml" in text and "line 6" in text
    assert "altitude_km" in text and "did you mean 'alt_km'" in text


def test_validate_accepts_a_good_scenario():
    result = runner.invoke(app, ["validate", "quick"])
    assert result.exit_code == 0 and "valid" in result.output


def test_run_query_report_and_resume(tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "quick", "--out", str(out), "--duration", "60s"])
    assert result.exit_code == 0, result.output
    assert "terminal availability" in result.output
    assert "busy-hour RTT p50 ms (Starlink's measure)" in " ".join(result.output.split())
    assert pq.read_table(out / "terminals.parquet").num_rows == 6 * 4
    q = runner.invoke(app, ["query", str(out), "SELECT count(*) AS n FROM terminals", "--csv"])
    assert q.exit_code == 0 and q.output.splitlines() == ['"n"', "24"]
    bad = runner.invoke(app, ["query", str(out), "SELECT * FROM nowhere"])
    assert bad.exit_code == 2 and "Tables available" in bad.output
    (out / "report.html").unlink()
    assert runner.invoke(app, ["report", str(out)]).exit_code == 0
    assert (out / "report.html").exists()
    again = runner.invoke(app, ["run", "quick", "--out", str(out)])
    assert again.exit_code == 2 and "--resume" in again.output and "--overwrite" in again.output
    resumed = runner.invoke(app, ["run", "--resume", str(out)])
    assert resumed.exit_code == 0, resumed.output  # nothing left to do: completes at once
    conflicting = runner.invoke(app, ["run", "quick", "--resume", str(out)])
    assert conflicting.exit_code == 2 and "give no scenario" in conflicting.output
    # --overwrite (what `make run` passes) replaces the run: a shorter one this time.
    replaced = runner.invoke(
        app, ["run", "quick", "--out", str(out), "--duration", "30s", "--overwrite"]
    )
    assert replaced.exit_code == 0, replaced.output
    assert pq.read_table(out / "terminals.parquet").num_rows == 3 * 4
