"""``leonet apps RUN``: would each application work, over a finished run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from leonet.cli._common import console, friendly_errors, literal

__all__ = ["apps_command"]


def _pct(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _iso(ns: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ns / 1e9, UTC).isoformat().replace("+00:00", "Z")


@friendly_errors
def apps_command(
    run_dir: Annotated[Path, typer.Argument(help="A finished run's folder.")],
    app: Annotated[
        list[str] | None, typer.Option("--app", help="Only this application (repeat for several).")
    ] = None,
    profiles: Annotated[
        Path | None,
        typer.Option(
            help="A YAML file 'apps: [...]' of extra profiles (replace bundled ones by name)."
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print JSON: per application its shares, per region, and per event "
            "the share of terminal-time and cell-time it works before and during.",
        ),
    ] = False,
) -> None:
    """Would each application (FPV video, telemetry, ISR, calls, web, ...) work over a
    finished run: the share of terminal- and cell-time it works, per region and per event."""
    import numpy as np

    from leonet.apps import evaluate_run, event_shares, load_profile_file, region_shares
    from leonet.results.store import RunStore

    RunStore(run_dir).require_run()  # a clear error for a folder that is not a run
    extra = load_profile_file(profiles) if profiles is not None else None
    run = evaluate_run(run_dir, extra=extra)
    names = [p.name for p in run.profiles]
    if app:
        unknown = [a for a in app if a not in names]
        if unknown:
            import difflib

            hints = [difflib.get_close_matches(a, names, n=1) for a in unknown]
            hint = "".join(f" Did you mean {h[0]!r}?" for h in hints if h)
            raise ValueError(
                f"no application {', '.join(map(repr, unknown))}.{hint} Known: {', '.join(names)}"
            )
        names = [n for n in names if n in app]

    def share(verdicts: dict[str, Any], series: Any, name: str) -> float | None:
        if series is None:
            return None
        w = series.link.duration_s[:, None] * np.ones(series.link.served.shape[1])
        return float(((verdicts[name].verdict == 0) * w).sum() / w.sum())

    all_regions = region_shares(run)
    regions: dict[str, dict[str, Any]] = {}
    for r in all_regions:  # the first row of each application: the run's whole region
        regions.setdefault(r["app"], r)
    events = [e for e in event_shares(run) if e["app"] in names]
    rows = []
    for name in names:
        region = regions.get(name, {})
        rows.append(
            {
                "app": name,
                "terminal_share_works": share(run.terminal_verdicts, run.terminals, name),
                "cell_share_works": share(run.cell_verdicts, run.cells, name),
                "region": region.get("region"),
                "area_share_works": region.get("area_share_works"),
                "population_share_works": region.get("population_share_works"),
                "population_basis": region.get("population_basis"),
            }
        )
    if as_json:
        out = {
            "run": str(run_dir),
            "apps": [
                {
                    **row,
                    "regions": [
                        {k: v for k, v in r.items() if k != "app"}
                        for r in all_regions
                        if r["app"] == row["app"]
                    ],
                    "events": [
                        {
                            k: (_iso(v) if k in ("start", "end") else v)
                            for k, v in e.items()
                            if k != "app"
                        }
                        for e in events
                        if e["app"] == row["app"]
                    ],
                }
                for row in rows
            ],
        }
        typer.echo(json.dumps(out, indent=2))
        return
    table = Table(title=f"Applications over {run_dir}")
    for col in (
        "application",
        "terminal-time works",
        "cell-time works",
        "area works",
        "population works",
    ):
        table.add_column(col)
    for row in rows:
        table.add_row(
            literal(row["app"]),
            _pct(row["terminal_share_works"]),
            _pct(row["cell_share_works"]),
            _pct(row["area_share_works"]),
            _pct(row["population_share_works"]),
        )
    console.print(table)
    if rows and rows[0]["population_basis"] and rows[0]["population_basis"] != "population":
        console.print(literal(f"population: weighted by {rows[0]['population_basis']}"))
    areas = list(dict.fromkeys(r["region"] for r in all_regions))
    if len(areas) > 1:
        by_area = {
            (r["app"], r["region"]): f"{_pct(r['area_share_works'])} / "
            f"{_pct(r['population_share_works'])}"
            for r in all_regions
        }
        at = Table(
            title="Share of area / of population where it works, per region and area of the "
            "scenario"
        )
        at.add_column("application")
        for area in areas:
            at.add_column(literal(area))
        for name in names:
            at.add_row(literal(name), *[by_area.get((name, a), "—") for a in areas])
        console.print(at)
    windows: list[tuple[str, str, int]] = []
    for e in events:
        if (e["kind"], e["target"], e["start"]) not in windows:
            windows.append((e["kind"], e["target"], e["start"]))
    if windows:
        for k, (kind, target, start) in enumerate(windows, 1):
            console.print(literal(f"event {k}: {_iso(start)[11:16]} {kind}: {target}"))
        ev = Table(title="Share of terminal-time it works: before → during each event")
        ev.add_column("application")
        for k in range(1, len(windows) + 1):
            ev.add_column(f"event {k}")
        by_key = {(e["app"], e["kind"], e["target"], e["start"]): e for e in events}
        for name in names:
            ev.add_row(
                literal(name),
                *[
                    f"{_pct(x['terminal_share_before'])} → {_pct(x['terminal_share_during'])}"
                    for x in (by_key[(name, *w)] for w in windows)
                ],
            )
        console.print(ev)
    console.print(
        'details: leonet query RUN "SELECT * FROM app_terminals" (also app_cells, '
        "app_verdicts, app_cell_verdicts, app_regions, app_events, app_profiles)"
    )
