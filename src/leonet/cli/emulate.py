"""``leonet emulate RUN --terminal NAME -- COMMAND...``: run a real program over the path.

Builds two network namespaces (the terminal's and the PoP's) joined by a veth pair, replays
the terminal's trace through the delay line (delay, loss, outages) and tbf (rate), and runs
COMMAND in the terminal's namespace with ``LEONET_PEER_ADDR`` set to the PoP side's
address.  Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from leonet.cli._common import err_console, friendly_errors
from leonet.emulate import read_trace, trace_from_run
from leonet.emulate.netns import EmulationPermissionError
from leonet.emulate.session import Emulation, EmulationStopped

__all__ = ["emulate_command", "parse_speed"]


def parse_speed(text: str) -> float:
    """``'1x'``, ``'10x'``, ``'0.5'`` → trace seconds per wall second."""
    value = text.strip().lower().removesuffix("x")
    try:
        speed = float(value)
    except ValueError:
        raise ValueError(f"--speed {text!r}: give a factor such as 1x or 10x") from None
    if not speed > 0:
        raise ValueError(f"--speed {text!r}: the factor must be > 0")
    return speed


@friendly_errors
def emulate_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="a run folder (with --terminal) or a trace file written by `leonet trace`"
        ),
    ],
    command: Annotated[
        list[str] | None,
        typer.Argument(help="after --: the program to run in the terminal's namespace"),
    ] = None,
    terminal: Annotated[str | None, typer.Option("--terminal", help="the terminal's name")] = None,
    to: Annotated[str, typer.Option("--to", help="'pop' or another terminal")] = "pop",
    speed: Annotated[str, typer.Option("--speed", help="trace time per wall time: 1x, 10x")] = "1x",
    peer_command: Annotated[
        str | None,
        typer.Option(
            "--peer-command",
            help="a program to run in the PoP's namespace (a server), split "
            "like a shell would (no shell runs it)",
        ),
    ] = None,
    hold: Annotated[
        bool,
        typer.Option(
            "--hold",
            help="keep the namespaces up after the trace (until Ctrl-C); without "
            "COMMAND, run your own programs with `ip netns exec NAME ...`",
        ),
    ] = False,
    jitter: Annotated[
        bool,
        typer.Option(
            "--jitter/--no-jitter", help="add the trace's jitter as random delay variation"
        ),
    ] = False,
    start_s: Annotated[float, typer.Option("--start", help="trace second to start at")] = 0.0,
    duration_s: Annotated[
        float | None, typer.Option("--duration", help="trace seconds to play (default: to the end)")
    ] = None,
) -> None:
    """Replay a terminal's path in network namespaces and run COMMAND over it."""
    import shlex

    import numpy as np

    factor = parse_speed(speed)
    if source.is_dir():
        if terminal is None:
            raise ValueError(f"{source} is a run folder: name the terminal with --terminal")
        trace = trace_from_run(source, terminal, to)
    else:
        trace = read_trace(source)
    end = trace.t_s[0] + start_s + (duration_s if duration_s is not None else np.inf)
    keep = np.flatnonzero((trace.t_s >= trace.t_s[0] + start_s) & (trace.t_s < end))
    if keep.size == 0:
        raise ValueError(
            f"--start {start_s} / --duration {duration_s}: no step of the trace "
            f"(it spans {trace.t_s[-1] - trace.t_s[0]:g} s)"
        )
    trace = trace.slice(int(keep[0]), int(keep[-1]) + 1)
    if not command and not hold:
        raise ValueError(
            "give a COMMAND after -- (e.g. -- ping -c 10 '$LEONET_PEER_ADDR' via "
            "sh -c), or --hold to keep the namespaces up for your own programs"
        )

    def echo(line: str) -> None:
        err_console.print(line, highlight=False, soft_wrap=True)

    try:
        with Emulation(trace, speed=factor, jitter=jitter, echo=echo) as emu:
            assert emu.link is not None
            if peer_command:
                emu.spawn(shlex.split(peer_command), side="pop")
            proc = None
            if command:
                proc = emu.spawn(command, side="term", interactive=sys.stdin.isatty())
            else:
                echo(
                    f"run programs with: ip netns exec {emu.link.term_ns} PROGRAM "
                    f"(the PoP side is {emu.link.pop_addr} in {emu.link.pop_ns})"
                )
            report = emu.play(until_exit=proc, hold=hold)
    except EmulationPermissionError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err_console.print("interrupted: namespaces removed", highlight=False)
        raise typer.Exit(130) from None
    except EmulationStopped as exc:
        err_console.print(f"stopped by {exc}: namespaces removed", highlight=False)
        raise typer.Exit(143) from None
    counters = report.counters
    echo(
        f"done: {len(report.steps)} step(s) applied, latest {report.max_late_ms:.2f} ms "
        f"late; packets up {counters.get('out_up', 0)} sent / {counters.get('in_up', 0)} in, "
        f"down {counters.get('out_down', 0)} / {counters.get('in_down', 0)}"
    )
    if report.command_returncode not in (None, 0):
        raise typer.Exit(report.command_returncode if report.command_returncode > 0 else 1)
