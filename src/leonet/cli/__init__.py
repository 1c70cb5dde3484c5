"""The ``leonet`` command: a thin typer layer over the library."""

from __future__ import annotations

import typer

from leonet.cli.space import constellation_app, propagate_command

app = typer.Typer(
    name="leonet",
    help="leonet — a digital twin of a Starlink-class LEO satellite internet system.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
app.add_typer(constellation_app, name="constellation")
app.command("propagate")(propagate_command)


def main() -> None:
    """Entry point of the ``leonet`` console script."""
    app()
