"""The ``leonet`` command: a thin typer layer over the library."""

from __future__ import annotations

import typer

from leonet.cli.apps import apps_command
from leonet.cli.calibrate import calibrate_app
from leonet.cli.coverage import coverage_command
from leonet.cli.emulate import emulate_command
from leonet.cli.hypatia import hypatia_command
from leonet.cli.jam import jam_command
from leonet.cli.link import link_command
from leonet.cli.route import route_command
from leonet.cli.scenario import (
    query_command,
    report_command,
    run_command,
    scenario_app,
    scenarios_command,
    validate_command,
)
from leonet.cli.space import constellation_app, propagate_command
from leonet.cli.sweep import sweep_command
from leonet.cli.trace import trace_command

app = typer.Typer(
    name="leonet",
    help="leonet — a digital twin of a Starlink-class LEO satellite internet system.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
app.command("run")(run_command)
app.add_typer(constellation_app, name="constellation")
app.command("propagate")(propagate_command)
app.command("coverage")(coverage_command)
app.command("route")(route_command)
app.command("link")(link_command)
app.command("jam")(jam_command)
app.command("validate")(validate_command)
app.command("scenarios")(scenarios_command)
app.add_typer(scenario_app, name="scenario")
app.command("query")(query_command)
app.command("report")(report_command)
app.command("hypatia")(hypatia_command)
app.command("sweep")(sweep_command)
app.command("trace")(trace_command)
app.command("emulate")(emulate_command)
app.command("apps")(apps_command)
app.add_typer(calibrate_app, name="calibrate")


def main() -> None:
    """Entry point of the ``leonet`` console script."""
    app()
