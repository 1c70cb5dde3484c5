"""``leonet calibrate``: the twin against Starlink's published per-country metrics.

``check`` prints simulated against published p20/p50/p80 per country and writes an HTML
page; ``fit`` tunes the latency model's free parameters on the calibration countries and
writes them, with provenance, where the defaults read them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from leonet.cli._common import console, err_console, friendly_errors

__all__ = ["calibrate_app", "check_command", "fit_command"]

calibrate_app = typer.Typer(
    help="Compare with and fit to Starlink's published metrics.", no_args_is_help=True
)

Countries = Annotated[
    str,
    typer.Option(
        help="Comma-separated names or ISO codes (POL,DEU,Chile), or 'all' for every country "
        "with published values."
    ),
]
Terminals = Annotated[int, typer.Option(help="Terminals sampled per country.")]
Duration = Annotated[float, typer.Option(help="Seconds of the busy hour simulated.")]
Workers = Annotated[int, typer.Option(help="Processes simulating countries in parallel.")]


def _names(countries: str) -> list[str]:
    from leonet.calibration import published_countries

    if countries.strip().lower() == "all":
        return published_countries()
    names = [c.strip() for c in countries.split(",") if c.strip()]
    if not names:
        raise ValueError("--countries is empty: give names or ISO codes, e.g. POL,DEU")
    return names


@calibrate_app.command("check")
@friendly_errors
def check_command(
    countries: Countries,
    terminals: Terminals = 24,
    duration: Duration = 60.0,
    workers: Workers = 2,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, one object per country.")
    ] = False,
    html: Annotated[Path, typer.Option(help="Write the page of tables and plots here.")] = Path(
        "calibration.html"
    ),
) -> None:
    """Simulated vs published latency, download and upload per country."""
    from leonet.atomic import atomic_write_text
    from leonet.calibration import check_countries, check_html

    checks = check_countries(
        _names(countries), terminals=terminals, duration_s=duration, workers=workers
    )
    atomic_write_text(html, check_html(checks))
    if as_json:
        print(json.dumps([c.as_json() for c in checks], indent=2))
        return
    table = Table(
        title="p20 / p50 / p80 simulated vs published (error of p50); latency ms (p20 the "
        "slow end), download and upload Mb/s (speed tests)"
    )
    for col in ("country", "PoP", "latency", "download", "upload"):
        table.add_column(col, justify="right")
    for c in checks:
        pub = c.published
        cells = []
        for kind, sim, published in (
            ("latency", c.simulated_latency_ms, pub.latency_ms if pub else None),
            ("download", c.simulated_download_mbps, pub.download_mbps if pub else None),
            ("upload", c.simulated_upload_mbps, pub.upload_mbps if pub else None),
        ):
            text = "/".join(f"{v:.0f}" for v in sim)
            err = getattr(c, f"{kind}_error")()
            if published is not None and err is not None:
                text += " vs " + "/".join(f"{v:.0f}" for v in published) + f" ({err[1]:+.0%})"
            cells.append(text)
        table.add_row(f"{c.country.name} ({c.country.iso3})", c.pop or "nearest", *cells)
    console.print(table)
    err_console.print(f"page: {html}")


@calibrate_app.command("fit")
@friendly_errors
def fit_command(
    countries: Countries = "all",
    terminals: Terminals = 24,
    duration: Duration = 60.0,
    workers: Workers = 2,
    dry_run: Annotated[bool, typer.Option(help="Print the fit, write nothing.")] = False,
) -> None:
    """Fit the free latency parameters on the calibration countries and store them."""
    from leonet.calibration import (
        fit_latency,
        published,
        resolve_country,
        simulate_many,
        write_calibration,
    )

    ids = [resolve_country(n) for n in _names(countries)]
    samples = simulate_many(ids, terminals=terminals, duration_s=duration, workers=workers)
    target = {c.iso3: p.latency_ms[1] for c in ids if (p := published(c.iso3)) is not None}
    result = fit_latency(samples, target)
    for k, v in result.fitted().items():
        console.print(f"{k} = {v:.3f}")
    console.print(
        f"median |relative error| of p50 over {len(result.published_p50_ms)} "
        f"countries: {result.median_abs_rel_error:.1%}"
    )
    worst = sorted(
        result.published_p50_ms,
        key=lambda c: -abs(result.simulated_p50_ms[c] / result.published_p50_ms[c] - 1),
    )[:10]
    for c in worst:
        console.print(
            f"  {c}: simulated {result.simulated_p50_ms[c]:.1f} ms, published "
            f"{result.published_p50_ms[c]:.1f} ms"
        )
    if not dry_run:
        path = write_calibration(
            result, {"terminals_per_country": terminals, "duration_s": duration, "seed": 0}
        )
        err_console.print(f"wrote {path}")
