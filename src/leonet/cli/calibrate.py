"""``leonet calibrate``: the twin against Starlink's published per-country metrics.

``check`` prints simulated against published p20/p50/p80 and p20-p80 spread per country
and writes an HTML page; ``fit`` tunes the latency and speed-test free parameters on a share of the
calibration countries, checks them on the rest, and writes them, with provenance, where
the defaults read them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from leonet.cli._common import console, err_console, friendly_errors
from leonet.defaults import CALIBRATION_DRAWS
from leonet.defaults import CALIBRATION_SAMPLE_DURATION_S as SAMPLE_DURATION_S
from leonet.defaults import CALIBRATION_SAMPLE_STEP_S as SAMPLE_STEP_S

if TYPE_CHECKING:
    from leonet.calibration import CountryCheck

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
Duration = Annotated[
    float,
    typer.Option(
        help="Seconds of the busy hour simulated, in 15-s windows (Starlink's latency "
        "averages) spread evenly over the hour."
    ),
]
Step = Annotated[
    float,
    typer.Option(
        help="Seconds between simulated instants in each 15-s window (1: every second of "
        "its slot alike, the slot spike at its 1/15 share)."
    ),
]
Workers = Annotated[int, typer.Option(help="Processes simulating countries in parallel.")]
Draws = Annotated[
    int,
    typer.Option(
        help="Draws of the uplink waits and beam loads each country's routes are pooled "
        "over (more: percentiles nearer the model's, slower fit)."
    ),
]


#: At most this many terminals a country (each a site of every step; 10,000 is already
#: ~400x the default) and worker processes.
_MAX_TERMINALS = 10_000
_MAX_WORKERS = 64
#: At most this many draws a sample (each a copy of the sample's random parts).
_MAX_DRAWS = 1_024


def _check_options(
    terminals: int, duration: float, workers: int, step: float = 1.0, draws: int = 1
) -> None:
    """Refuse impossible sizes before minutes of work (``--terminals 100000000`` ran out
    of memory; ``--workers -3`` was taken)."""
    if not 1 <= terminals <= _MAX_TERMINALS:
        raise ValueError(
            f"--terminals {terminals}: give 1 to {_MAX_TERMINALS:,} terminals a country"
        )
    if not 0 < duration <= 3600:  # also NaN
        raise ValueError(
            f"--duration {duration:g}: give 1 to 3,600 seconds of the busy hour (default 60)"
        )
    if not 0 < step <= min(duration, 15.0):  # also NaN
        raise ValueError(
            f"--step {step:g}: give more than 0 and at most 15 seconds (a window), and no "
            "more than --duration (default 1)"
        )
    if not 1 <= workers <= _MAX_WORKERS:
        raise ValueError(f"--workers {workers}: give 1 to {_MAX_WORKERS} processes")
    if not 1 <= draws <= _MAX_DRAWS:
        raise ValueError(
            f"--draws {draws}: give 1 to {_MAX_DRAWS:,} draws (default {CALIBRATION_DRAWS})"
        )


def _speeds(text: str) -> tuple[float, float]:
    """``--speeds DOWN/UP`` as two rates, Mb/s, each finite and > 0."""
    parts = text.split("/")
    try:
        down, up = (float(p) for p in parts)
    except ValueError:
        raise ValueError(
            f"--speeds {text!r}: give the download and upload medians in Mb/s as DOWN/UP, "
            "e.g. 150/20"
        ) from None
    if not (math.isfinite(down) and math.isfinite(up) and down > 0 and up > 0):
        raise ValueError(f"--speeds {text!r}: both rates must be finite and above 0 Mb/s")
    return down, up


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
    duration: Duration = SAMPLE_DURATION_S,
    step: Step = SAMPLE_STEP_S,
    workers: Workers = 2,
    draws: Draws = CALIBRATION_DRAWS,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON, one object per country.")
    ] = False,
    html: Annotated[Path, typer.Option(help="Write the page of tables and plots here.")] = Path(
        "calibration.html"
    ),
    speeds: Annotated[
        str | None,
        typer.Option(
            help="A region's measured download/upload medians, Mb/s (e.g. 150/20): the "
            "latency at load is taken at the load they imply, not at the published speeds "
            "(for a region without them, or speeds of your own)."
        ),
    ] = None,
) -> None:
    """Simulated vs published latency, download and upload per country."""
    from leonet.atomic import atomic_write_text
    from leonet.calibration import LOAD_SCALE_RANGE, check_countries, check_html, median_errors

    _check_options(terminals, duration, workers, step, draws)
    speeds_mbps = None if speeds is None else _speeds(speeds)
    if html.is_dir():
        raise ValueError(
            f"--html {html} is a folder; give a file, e.g. {html / 'calibration.html'}"
        )
    checks = check_countries(
        _names(countries),
        terminals=terminals,
        duration_s=duration,
        step_s=step,
        workers=workers,
        draws=draws,
        speeds_mbps=speeds_mbps,
    )
    for c in checks:
        if speeds is not None and c.busy_hour_load_scale is None:
            err_console.print(
                f"--speeds {speeds}: no busy-hour load from {LOAD_SCALE_RANGE[0]:g} to "
                f"{LOAD_SCALE_RANGE[1]:g} × the calibrated one gives {c.country.name}'s "
                "speed tests those medians; its latency at load is left out"
            )
    atomic_write_text(html, check_html(checks))
    if as_json:
        print(json.dumps([c.as_json() for c in checks], indent=2))
        return
    table = Table(
        title="p20 / p50 / p80 simulated vs published (error of p50), then the p20-p80 "
        "spread (its error); latency ms (p20 the slow end), download and upload Mb/s "
        "(speed tests); under each country the capacity.busy_hour_load_scale and "
        "busy_hour_load_scale_up that would match its published download and upload "
        "medians, and the latency at that load"
    )
    for col in ("country", "PoP", "latency", "download", "upload", "latency at load"):
        table.add_column(col, justify="right")
    for c in checks:
        pub = c.published
        cells = []
        for kind, sim, published in (
            ("latency", c.simulated_latency_ms, pub.latency_ms if pub else None),
            ("download", c.simulated_download_mbps, pub.download_mbps if pub else None),
            ("upload", c.simulated_upload_mbps, pub.upload_mbps if pub else None),
            ("latency_at_load", c.simulated_latency_at_load_ms, pub.latency_ms if pub else None),
        ):
            text = "/".join(f"{v:.0f}" for v in sim)
            err = c.error(kind)
            if published is not None and err is not None:
                text += " vs " + "/".join(f"{v:.0f}" for v in published) + f" ({err[1]:+.0%})"
            text += "\n" + _spread_text(c, kind)
            cells.append(text)
        name = f"{c.country.name} ({c.country.iso3})"
        if c.busy_hour_load_scale is not None and c.busy_hour_load_scale_up is not None:
            name += (
                f"\nbusy-hour load ×{c.busy_hour_load_scale:.2f} down, "
                f"×{c.busy_hour_load_scale_up:.2f} up"
            )
        table.add_row(name, c.pop or "nearest", *cells)
    console.print(table)
    _print_medians(median_errors(checks))
    err_console.print(f"page: {html}")


def _spread_text(c: CountryCheck, kind: str) -> str:
    """``spread S vs P (±E%)`` of one country's ``kind``, or only ``spread S``."""
    sim, pub = c.spreads(kind)
    err = c.spread_error(kind)
    if pub is None or err is None:
        return f"spread {sim:.1f}"
    return f"spread {sim:.1f} vs {pub:.1f} ({err:+.0%})"


def _print_medians(medians: dict[str, tuple[int, float]], group: str = "") -> None:
    """The median |relative error| of each kind's p50 and p20-p80 spread, with the goals."""
    from leonet.calibration import KINDS, median_summary

    for kind in KINDS:
        n, _ = medians[f"{kind}_p50"]
        if n:
            console.print(
                f"median |relative error| over {n} {group + ' ' if group else ''}countries, "
                f"{kind}: {median_summary(medians, kind)}"
            )


@calibrate_app.command("fit")
@friendly_errors
def fit_command(
    countries: Countries = "all",
    terminals: Terminals = 24,
    duration: Duration = SAMPLE_DURATION_S,
    step: Step = SAMPLE_STEP_S,
    workers: Workers = 2,
    draws: Draws = CALIBRATION_DRAWS,
    every: Annotated[
        int,
        typer.Option(
            help="Fit on every EVERY-th country (ISO3 order) and hold the others out to "
            "check the fit on countries it never saw (1: fit on all)."
        ),
    ] = 3,
    dry_run: Annotated[bool, typer.Option(help="Print the fit, write nothing.")] = False,
) -> None:
    """Fit the free latency and speed-test parameters on the calibration countries (every
    third by default, the rest held out) and store them with their provenance."""
    from leonet.calibration import (
        CALIBRATION_STRATEGY,
        KINDS,
        POP_RULE,
        checked,
        fit_published,
        median_errors,
        published,
        resolve_country,
        simulate_many,
        write_calibration,
        write_throughput_calibration,
    )
    from leonet.defaults import DEFAULT_ROUTE_FACTOR

    _check_options(terminals, duration, workers, step, draws)
    if every < 1:
        raise ValueError(f"--every {every}: give 1 (fit on all) or more")
    ids = sorted(
        (c for c in (resolve_country(n) for n in _names(countries)) if published(c.iso3)),
        key=lambda c: c.iso3,
    )
    if not ids:
        raise ValueError("none of the countries has published values to fit to")
    samples = simulate_many(
        ids, terminals=terminals, duration_s=duration, step_s=step, workers=workers, draws=draws
    )
    fit_on = samples[::every]
    fitted = {s.country.iso3 for s in fit_on}
    speeds, result = fit_published(fit_on)
    for k, v in (result.fitted() | speeds.fitted()).items():
        console.print(f"{k} = {v:.3f}")
    checks = [checked(s, result.params, speeds.params, result.route_factor) for s in samples]
    spreads = Table(title="p20-p80 spread, simulated vs published (error)")
    for col in ("country", "group", *KINDS):
        spreads.add_column(col, justify="right")
    for c in checks:
        spreads.add_row(
            f"{c.country.name} ({c.country.iso3})",
            "fitted" if c.country.iso3 in fitted else "held out",
            *(_spread_text(c, kind).removeprefix("spread ") for kind in KINDS),
        )
    console.print(spreads)
    errors: dict[str, float] = {}
    for group, label in ((True, "fitted"), (False, "held out")):
        part = [c for c in checks if (c.country.iso3 in fitted) == group]
        if not part:
            continue
        medians = median_errors(part)
        _print_medians(medians, label)
        for name, (_, med) in medians.items():
            errors[f"{label}_{name}"] = round(med, 4)
    worst = sorted(checks, key=lambda c: -abs((c.latency_error() or (0.0, 0.0, 0.0))[1]))[:10]
    console.print("worst ten by latency p50:")
    for c in worst:
        assert c.published is not None
        console.print(
            f"  {c.country.iso3} {c.country.name}: simulated {c.simulated_latency_ms[1]:.1f} ms, "
            f"published {c.published.latency_ms[1]:.1f} ms, PoP {c.pop or 'nearest'}"
            + ("" if c.country.iso3 in fitted else " (held out)")
        )
    console.print("worst ten by latency p20-p80 spread:")
    for c in sorted(checks, key=lambda c: -abs(c.spread_error("latency") or 0.0))[:10]:
        console.print(
            f"  {c.country.iso3} {c.country.name}: {_spread_text(c, 'latency')} ms, median "
            f"{c.median_satellites:.0f} satellites on the path"
            + ("" if c.country.iso3 in fitted else " (held out)")
        )
    if not dry_run:
        how = {
            "terminals_per_country": terminals,
            "duration_s": duration,
            "step_s": step,
            "draws_per_sample": draws,
            "seed": 0,
            "scheduler_strategy": CALIBRATION_STRATEGY,
            "gateways": "load_gateways_2026()",
            "pop_rule": POP_RULE,
            "routed_route_factor": DEFAULT_ROUTE_FACTOR,
            "fit_every": every,
            "held_out": sorted(c.country.iso3 for c in checks if c.country.iso3 not in fitted),
            "median_abs_rel_errors": errors,
        }
        path = write_calibration(result, how)
        write_throughput_calibration(speeds, how)
        err_console.print(f"wrote {path}")
