"""``leonet jam``: the summary, the files and friendly errors."""

import json

import typer
from typer.testing import CliRunner

from leonet.cli.jam import jam_command

app = typer.Typer()
app.command("jam")(jam_command)


@app.command("other")
def _other() -> None:  # a second command keeps typer from collapsing to a single command
    pass


runner = CliRunner()


def test_json_summary_and_files(tmp_path):
    result = runner.invoke(
        app,
        [
            "jam",
            "--at",
            "48.25,37.35",
            "--eirp-dbw",
            "71",
            "--height-m",
            "10",
            "--beamwidth-deg",
            "1.5",
            "--azimuth-deg",
            "286",
            "--time",
            "2026-05-30T12:35:00Z",
            "--radius-km",
            "16",
            "--spacing-km",
            "2",
            "--out",
            str(tmp_path),
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    areas = summary["area_km2"]
    assert sum(areas.values()) == summary["points"] * 4.0
    assert areas["degraded"] > 0 and areas["unaffected"] > 0
    lines = (tmp_path / "jam.csv").read_text().splitlines()
    assert len(lines) == summary["points"] + 1 and "effect" in lines[0]
    svg = (tmp_path / "jam.svg").read_text()
    assert svg.startswith("<svg") and svg.count("<rect") >= summary["points"]


def test_table_and_errors():
    result = runner.invoke(app, ["jam", "--at", "Qqxzyville"])
    assert result.exit_code == 2 and "error" in result.output
    result = runner.invoke(
        app, ["jam", "--at", "Kyiv", "--radius-km", "400", "--spacing-km", "0.1"]
    )
    assert result.exit_code == 2 and "spacing_km" in result.output
