"""``leonet trace RUN --terminal NAME``: one terminal's path over time, as CSV or JSON.

The format (``docs/emulation.md``) is what ``leonet emulate`` replays and what ns-3,
Mininet or a tc script can read: per step, one-way delay each way, jitter, rate up and
down, loss, and outage with its cause.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from leonet.cli._common import err_console, friendly_errors
from leonet.emulate import trace_from_run, write_trace

__all__ = ["trace_command"]


@friendly_errors
def trace_command(
    run_dir: Annotated[Path, typer.Argument(help="a run folder written by `leonet run`")],
    terminal: Annotated[str, typer.Option("--terminal", help="the terminal's name")],
    to: Annotated[
        str, typer.Option("--to", help="'pop' (the terminal's PoP) or another terminal of the run")
    ] = "pop",
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv or json (default: from --out's suffix, else csv)"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="the file to write (default: standard output)"),
    ] = None,
) -> None:
    """Export one terminal's path over time (delay, jitter, rate, loss, outages)."""
    trace = trace_from_run(run_dir, terminal, to)
    text = write_trace(trace, out, fmt)
    if out is None:
        sys.stdout.write(text)
    else:
        outages = int(trace.outage.sum())
        err_console.print(
            f"wrote {out}: {len(trace)} steps of {trace.step_s:g} s, {outages} outage step(s)",
            highlight=False,
        )
