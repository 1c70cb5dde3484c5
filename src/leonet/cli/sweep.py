"""``leonet sweep``: many variants of a scenario, at several seeds, on Dask."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
from rich.table import Table

from leonet.cli._common import console, err_console, friendly_errors, progress_bar

__all__ = ["sweep_command"]


def _list() -> None:
    from leonet.sweep import expand, load_sweep, sweep_names

    table = Table(title="Bundled sweeps")
    for column in ("name", "runs", "--quick runs", "description"):
        table.add_column(column)
    for name in sweep_names():
        spec, base = load_sweep(name)
        table.add_row(
            name,
            str(len(expand(spec, base))),
            str(len(expand(spec, base, quick=True))),
            spec.description,
        )
    console.print(table)


def _print_summary(out_dir: Path) -> None:
    from leonet.sweep import query_sweep, read_manifest

    manifest = read_manifest(out_dir)
    metrics: list[str] = manifest["spec"]["metrics"]
    rows = query_sweep(out_dir, "SELECT * FROM summary ORDER BY variant").to_pylist()
    level = round(100 * manifest["spec"]["confidence"])
    table = Table(title=f"Sweep {manifest['name']} — mean over seeds [{level} % CI]")
    params = manifest["parameters"]
    for column in ["variant", *[p["label"] for p in params], "seeds", *metrics]:
        table.add_column(column, justify="right")
    for row in rows:
        cells = [
            str(row["variant"]),
            *[_fmt(row[p["column"]]) for p in params],
            f"{row['seeds_done']}"
            + (f" ({row['seeds_failed']} failed)" if row["seeds_failed"] else ""),
        ]
        cells += [
            f"{_fmt(row[f'{m}_mean'])} [{_fmt(row[f'{m}_low'])}, {_fmt(row[f'{m}_high'])}]"
            for m in metrics
        ]
        table.add_row(*cells)
    console.print(table)


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


@friendly_errors
def sweep_command(
    sweep: Annotated[
        str | None, typer.Argument(help="A sweep file or a bundled sweep's name (see --list).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Sweep folder (default: sweeps/NAME); re-running into it skips finished runs."
        ),
    ] = None,
    quick: Annotated[
        bool,
        typer.Option(
            "--quick", help="The sweep's reduced size: shorter runs, fewer values and seeds."
        ),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler (tcp://HOST:8786); default: a local "
            "cluster of one worker process per CPU."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes of the local cluster (default: one per CPU)."),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the bundled sweeps.")] = False,
    show: Annotated[
        bool, typer.Option("--show", help="Print the sweep's YAML (to copy and edit) and stop.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the sweep and list its runs; run nothing.")
    ] = False,
) -> None:
    """Run every variant of a sweep at each of its seeds on Dask — each an ordinary run
    folder — then write results.parquet, summary.parquet (bootstrap CIs over seeds) and
    report.html into the sweep folder.  Query it with `leonet query SWEEP_DIR SQL`."""
    from leonet.sweep import expand, load_sweep, run_sweep, sweep_text

    if list_:
        _list()
        return
    if sweep is None:
        raise ValueError(
            "give a sweep file or a bundled sweep's name; `leonet sweep --list` "
            "lists the bundled ones"
        )
    if show:
        typer.echo(sweep_text(sweep), nl=False)
        return
    spec, base = load_sweep(sweep)
    if workers is not None and workers < 1:
        raise ValueError(f"--workers {workers}: give 1 or more")
    runs = expand(spec, base, quick=quick)
    out_dir = out or Path("sweeps") / (spec.name + ("-quick" if quick else ""))
    variants = len({r.variant for r in runs})
    console.print(
        f"[bold]{spec.name}[/]{' (quick)' if quick else ''}: {variants} variants × "
        f"{len(runs) // max(1, variants)} seeds = {len(runs)} runs of {base.name} "
        f"→ {out_dir}",
        highlight=False,
    )
    if dry_run:
        table = Table()
        for column in ("run", "parameters", "problem"):
            table.add_column(column)
        for r in runs:
            table.add_row(
                r.name, ", ".join(f"{k}={v!r}" for k, v in r.params.items()), r.error or ""
            )
        console.print(table)
        return

    def interrupted(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupted)
    try:
        with progress_bar() as bar:
            task = bar.add_task("runs", total=len(runs))

            def progress(done: int, total: int, record: dict[str, Any] | None) -> None:
                bar.update(task, completed=done, total=total)
                if record is not None and "dashboard" in record:
                    link = record["dashboard"]
                    bar.console.print(
                        f"Dask dashboard: {link}"
                        if link
                        else "Dask dashboard: none (pip install bokeh to have one)",
                        highlight=False,
                    )
                elif record is not None and record.get("status") != "done":
                    bar.console.print(
                        f"[red]{record['name']} failed[/]: {record.get('error')}", highlight=False
                    )

            outcome = run_sweep(
                spec,
                base,
                out_dir,
                quick=quick,
                scheduler=scheduler,
                workers=workers,
                progress=progress,
            )
    except KeyboardInterrupt:
        err_console.print(
            f"[yellow]interrupted[/]: finished runs are kept; run the same "
            f"command again to do the rest (`--out {out_dir}`)"
        )
        raise typer.Exit(130) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print(
        f"{outcome.done} runs done, {outcome.skipped} already done, "
        f"{outcome.failed} failed, in {outcome.elapsed_s:.1f} s",
        highlight=False,
    )
    _print_summary(out_dir)
    console.print(
        f"results: {out_dir}/results.parquet, summary.parquet, terminals.parquet/; "
        f"report: {out_dir}/report.html; runs: {out_dir}/runs/",
        highlight=False,
    )
    if outcome.failed:
        raise typer.Exit(1)
