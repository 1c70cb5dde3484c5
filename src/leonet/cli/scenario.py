"""``leonet run``, ``validate``, ``scenarios``, ``scenario show``, ``query`` and ``report``."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from leonet.cli._common import (
    console,
    err_console,
    friendly_errors,
    literal,
    output_dir,
    progress_bar,
    warn,
)

__all__ = [
    "query_command",
    "report_command",
    "run_command",
    "scenario_app",
    "scenarios_command",
    "validate_command",
]

if TYPE_CHECKING:
    from leonet.engine.limits import RunCost
    from leonet.scenario import Scenario

scenario_app = typer.Typer(help="Bundled scenarios: print one to copy and edit.")


def _pct(value: object) -> str:
    return "–" if value is None else f"{100 * float(value):.2f}%"  # type: ignore[arg-type]


def _numbers(row: dict[str, object], *keys: str) -> str:
    return " / ".join("–" if row[k] is None else f"{row[k]:.1f}" for k in keys)


def _print_summary(out_dir: Path) -> None:
    from leonet.results.metrics import outage_by_cause, run_summary

    s = run_summary(out_dir)
    table = Table(title=literal(f"Run summary — {out_dir}"), show_header=False)
    table.add_column("")
    table.add_column("", justify="right")
    rows = [
        ("terminals / cells", f"{s['terminals']} / {s['cells']:,}"),
        ("steps", f"{s['steps']:,}"),
        ("terminal availability", _pct(s["availability"])),
        ("area coverage (cells)", _pct(s["area_coverage"])),
        ("RTT p5 / p50 / p95 ms", _numbers(s, "rtt_p05_ms", "rtt_p50_ms", "rtt_p95_ms")),
        ("busy-hour RTT p50 ms (Starlink's measure)", _numbers(s, "busy_rtt_p50_ms")),
        ("cells: RTT p50 / p95 ms", _numbers(s, "area_rtt_p50_ms", "area_rtt_p95_ms")),
        ("cells: downlink p5 / p50 Mb/s", _numbers(s, "area_down_p05_mbps", "area_down_p50_mbps")),
        (
            "downlink p50 Mb/s (served)",
            "–" if s["down_p50_mbps"] is None else f"{s['down_p50_mbps']:.1f}",
        ),
        (
            "uplink p50 Mb/s (served)",
            "–" if s["up_p50_mbps"] is None else f"{s['up_p50_mbps']:.1f}",
        ),
    ]
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    causes = outage_by_cause(out_dir).to_pylist()
    if causes:
        t = Table(title="Outage by cause")
        for col in ("cause", "terminal-steps", "share", "cell-time share"):
            t.add_column(col, justify="right")
        for r in causes:
            t.add_row(
                literal(r["reason"]),
                f"{r['terminal_steps']:,}",
                _pct(r["share"]),
                _pct(r["area_share"]),
            )
        console.print(t)


def _preflight(spec: Scenario, force: bool) -> RunCost:
    """Open every file ``spec`` references, estimate the run's cost and refuse it beyond
    the limits (unless ``force``); print the warnings (a catalogue far from the run).
    With ``systems:``, each system is checked as the run it will be (the last one's cost
    returned)."""
    from leonet.engine.limits import check_cost, scenario_cost
    from leonet.scenario.inputs import open_inputs

    if spec.systems:
        from leonet.scenario.systems import system_scenarios

        costs = [_preflight(sub, force) for sub in system_scenarios(spec).values()]
        return costs[-1]
    inputs = open_inputs(spec)
    cost = scenario_cost(spec, inputs)
    check_cost(cost, force=force, what=f"scenario {spec.name!r}")
    inputs.check_age(force=force)
    for message in inputs.warnings:
        warn(message)
    return cost


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Run even beyond the cost limits or far from the catalogue's epoch (docs/limits.md).",
    ),
]


@friendly_errors
def run_command(
    scenario: Annotated[
        str | None,
        typer.Argument(
            help="A scenario file or a bundled name (see `leonet scenarios`); default: ukraine."
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Run directory (default: runs/NAME).")] = None,
    duration: Annotated[
        str | None, typer.Option(help="Override the duration: seconds or 90s / 10m / 1h.")
    ] = None,
    step: Annotated[float | None, typer.Option(help="Override the step, seconds.")] = None,
    resume: Annotated[
        Path | None,
        typer.Option(
            help="Resume the interrupted run in this directory (its own scenario is used)."
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the run already in the run directory.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Simulate a scenario: every terminal and cell, step by step, with its service policy,
    faults and jammers; write Parquet results and report.html into the run directory."""
    from leonet.engine.run import RunSummary, run_scenario
    from leonet.engine.systems import SystemsRunSummary, run_systems
    from leonet.scenario import load_scenario, validate, with_overrides
    from leonet.timegrid import parse_duration_s

    if resume is not None:
        if scenario is not None or duration is not None or step is not None:
            raise ValueError(
                "--resume continues a run as it was started: give no scenario, "
                "--duration or --step with it"
            )
        if resume.exists() and not resume.is_dir():
            raise ValueError(
                f"--resume {str(resume)!r} is a file; give the run folder "
                "(the --out of the run to continue)"
            )
        saved = resume / "scenario.json"
        if not saved.exists():
            raise FileNotFoundError(f"{resume} holds no scenario.json: there is no run to resume")
        spec = validate(json.loads(saved.read_text()), source=str(saved))
        out_dir = resume
    else:
        spec = load_scenario(scenario or "ukraine")
        overrides: dict[str, float] = {}
        if duration is not None:
            overrides["duration"] = parse_duration_s(duration, "--duration")
        if step is not None:
            overrides["step_s"] = step
        if overrides:
            spec = with_overrides(spec, **overrides)
        out_dir = out or Path(spec.outputs.out_dir or Path("runs") / spec.name)
    output_dir(out_dir, "--out" if out is not None or resume is not None else "outputs.out_dir")
    _preflight(spec, force)
    grid = spec.time.grid()
    console.print(
        literal(spec.name, style="bold"),
        literal(
            f": {grid.count:,} steps of {grid.step_s:g} s from "
            f"{grid.start:%Y-%m-%d %H:%M:%S}Z → {out_dir}"
        ),
        sep="",
        highlight=False,
    )

    def interrupted(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        with progress_bar() as bar:
            task = bar.add_task("simulating", total=grid.count)
            if spec.systems:  # each system a sub-run, then combined (docs/systems.md)
                bar.update(task, total=grid.count * len(spec.systems))
                summary: RunSummary | SystemsRunSummary = run_systems(
                    spec,
                    out_dir,
                    resume=resume is not None,
                    overwrite=overwrite,
                    progress=lambda done, _total: bar.update(task, completed=done),
                )
            else:
                summary = run_scenario(
                    spec,
                    out_dir,
                    resume=resume is not None,
                    overwrite=overwrite,
                    progress=lambda done, _total: bar.update(task, completed=done),
                )
    except KeyboardInterrupt:
        err_console.print(
            literal("interrupted", style="yellow"),
            literal(f": completed chunks are saved; continue with `leonet run --resume {out_dir}`"),
            sep="",
        )
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print(
        f"simulated {summary.steps_run:,} steps in {summary.elapsed_s:.1f} s "
        f"({1000 * summary.seconds_per_step:.1f} ms/step)"
        + (
            f", resumed at chunk {summary.resumed_from_chunk + 1}/{summary.chunks}"
            if summary.resumed_from_chunk
            else ""
        ),
        highlight=False,
    )
    _print_summary(out_dir)
    if spec.systems:
        console.print(
            literal(
                "each system's own tables: "
                + ", ".join(f"{out_dir}/systems/{x.name}" for x in spec.systems)
                + " (leonet query / report on each); the combined tables have a system column"
            ),
            highlight=False,
        )
    console.print(
        literal(
            f"results: {out_dir}/terminals.parquet, cells.parquet, "
            f"events.parquet, metadata.json; report: {out_dir}/report.html"
        ),
        highlight=False,
    )


@friendly_errors
def validate_command(
    scenario: Annotated[
        str,
        typer.Argument(help="A scenario file or bundled name, or a file of application profiles."),
    ],
    force: ForceOption = False,
) -> None:
    """Check a scenario without running it: its fields, every file it references (opened as
    `run` would) and its cost against the limits; errors name the file, line and field."""
    from leonet.apps.library import is_profile_file, load_profile_file
    from leonet.scenario import load_scenario

    if is_profile_file(scenario):  # a file of application profiles ('apps:' only)
        found = load_profile_file(scenario)
        console.print(
            literal("valid", style="green"),
            literal(f": {len(found)} application profile(s): {', '.join(p.name for p in found)}"),
            sep="",
            highlight=False,
        )
        return
    spec = load_scenario(scenario)
    if spec.systems:  # each system's run, its estimate named
        from leonet.scenario.systems import system_scenarios

        costs = [(f"{n}: ", _preflight(sub, force)) for n, sub in system_scenarios(spec).items()]
    else:
        costs = [("", _preflight(spec, force))]
    grid = spec.time.grid()
    console.print(
        literal("valid", style="green"),
        literal(
            f": {spec.name} — {grid.count:,} steps of {grid.step_s:g} s, "
            + (
                f"{len(spec.systems)} systems ({', '.join(x.name for x in spec.systems)})"
                if spec.systems
                else f"{len(spec.constellations)} constellation(s)"
            )
        ),
        sep="",
        highlight=False,
    )
    for prefix, cost in costs:
        for line in cost.lines():
            console.print(literal("  estimate: ", prefix + line), highlight=False, soft_wrap=True)


@friendly_errors
def scenarios_command() -> None:
    """List the bundled scenarios."""
    from leonet.scenario import load_scenario, scenario_names

    table = Table(title="Bundled scenarios")
    table.add_column("name")
    table.add_column("description")
    for name in scenario_names():
        table.add_row(name, load_scenario(name).description)
    console.print(table)


@scenario_app.command("show")
@friendly_errors
def show_command(name: Annotated[str, typer.Argument(help="A bundled scenario name.")]) -> None:
    """Print a bundled scenario's YAML, to copy and edit."""
    from leonet.scenario import scenario_text

    typer.echo(scenario_text(name), nl=False)


@friendly_errors
def query_command(
    run_dir: Annotated[Path, typer.Argument(help="A run directory (or a sweep folder).")],
    sql: Annotated[
        str,
        typer.Argument(
            help="DuckDB SQL over terminals, cells, events, sites "
            "(a sweep: results, summary, terminals)."
        ),
    ],
    limit: Annotated[int, typer.Option(min=0, help="Rows to print.")] = 50,
    csv: Annotated[bool, typer.Option(help="Print CSV instead of a table.")] = False,
) -> None:
    """Run one read-only SELECT over a run's Parquet files (tables: terminals, cells, events,
    sites, ground) or a sweep's tables; it cannot read or write other files or change
    settings."""
    from leonet.apps.views import add_app_views, mentions_app_views
    from leonet.results.store import query
    from leonet.sweep import is_sweep_dir, query_sweep

    views = (
        (lambda connection: add_app_views(connection, run_dir)) if mentions_app_views(sql) else None
    )
    result = (
        query_sweep(run_dir, sql)
        if is_sweep_dir(run_dir)
        else query(run_dir, sql, extra_views=views)
    )
    if csv:
        import io

        import pyarrow.csv as pacsv

        buffer = io.BytesIO()
        pacsv.write_csv(result, buffer)
        typer.echo(buffer.getvalue().decode(), nl=False)
        return
    table = Table()
    for name in result.column_names:
        table.add_column(literal(name))
    for row in result.slice(0, limit).to_pylist():
        table.add_row(
            *[
                literal("" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v)))
                for v in row.values()
            ]
        )
    console.print(table)
    if result.num_rows > limit:
        console.print(f"… {result.num_rows - limit:,} more rows (--limit)")


@friendly_errors
def report_command(
    run_dir: Annotated[Path, typer.Argument(help="A run directory.")],
) -> None:
    """(Re)write RUN_DIR/report.html."""
    from leonet.report.run_report import write_report

    console.print(literal(f"wrote {write_report(run_dir)}"), highlight=False)
