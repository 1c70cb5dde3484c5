"""``leonet hypatia TLES ISLS GROUND_STATIONS``: Hypatia's inputs in, its outputs out.

Reads Hypatia's ``tles.txt`` (with its ``<orbits> <per orbit>`` first line),
``isls.txt`` and ``ground_stations.txt`` (basic or extended), routes every
pair of ground stations every step over the ISLs as given (ground stations
never relay) and writes Hypatia's forwarding state (``fstate_<t_ns>.txt``)
and leonet's all-pairs tables to ``--out``.  The ground-link rule is
Hypatia's maximum slant range: ``--gsl-max-range-m`` in metres, or
``--min-elevation`` with the TLEs' altitude (Hypatia's
``altitude / sin(elevation)``); by default Hypatia's Starlink-550 value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from leonet.cli._common import console, err_console, friendly_errors

__all__ = ["hypatia_command"]


@friendly_errors
def hypatia_command(
    tles: Annotated[
        Path,
        typer.Argument(
            help="Hypatia's tles.txt ('<orbits> <per orbit>' "
            "first line, then name / line 1 / line 2)."
        ),
    ],
    isls: Annotated[Path, typer.Argument(help="Hypatia's isls.txt ('<a> <b>' a line).")],
    ground_stations: Annotated[
        Path,
        typer.Argument(
            help="Hypatia's ground_stations.txt or .basic.txt "
            "(gid,name,lat,lon,elevation_m[,x,y,z])."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Output folder (a Hypatia satellite-network folder).")],
    duration: Annotated[float, typer.Option(help="Seconds from the TLE epoch.")] = 200.0,
    step: Annotated[float, typer.Option(help="Seconds between forwarding states.")] = 1.0,
    gsl_max_range_m: Annotated[
        float | None,
        typer.Option(
            "--gsl-max-range-m",
            help="Maximum ground-link (slant) length, metres "
            "[default: Hypatia's Starlink-550, 1,089,686 m].",
        ),
    ] = None,
    min_elevation: Annotated[
        float | None,
        typer.Option(
            "--min-elevation",
            help="Instead: the minimum elevation, degrees; the maximum length "
            "is altitude / sin(elevation) at the TLEs' mean altitude (or --altitude-m).",
        ),
    ] = None,
    altitude_m: Annotated[
        float | None,
        typer.Option(
            "--altitude-m",
            help="Altitude for --min-elevation, metres (Hypatia's nominal, e.g. 550000).",
        ),
    ] = None,
    isl_max_length_m: Annotated[
        float | None,
        typer.Option(
            "--isl-max-length-m", help="Refuse an ISL longer than this, metres (Hypatia's check)."
        ),
    ] = None,
    ut1_equals_utc: Annotated[
        bool,
        typer.Option(
            "--ut1-equals-utc", help="UT1 = UTC and no polar motion, as Hypatia (pyephem)."
        ),
    ] = False,
) -> None:
    """Hypatia's all-pairs forwarding state and RTTs from Hypatia's input files."""
    from leonet.hypatia.inputs import STARLINK_550, read_ground_stations, read_isls, read_tles
    from leonet.hypatia.run import max_gsl_length_m, run_hypatia

    if gsl_max_range_m is not None and min_elevation is not None:
        raise ValueError("give --gsl-max-range-m or --min-elevation, not both")
    if altitude_m is not None and min_elevation is None:
        raise ValueError("--altitude-m only goes with --min-elevation")
    constellation = read_tles(tles)
    links = read_isls(isls, constellation.n_sats)
    stations = read_ground_stations(ground_stations)
    if min_elevation is not None:
        alt = (
            altitude_m
            if altitude_m is not None
            else float(np.mean(constellation.mean_altitude_km()) * 1e3)
        )
        gsl_m = max_gsl_length_m(alt, min_elevation)
        rule = f"{min_elevation:g}° at {alt / 1e3:,.1f} km altitude"
    elif gsl_max_range_m is not None:
        gsl_m, rule = gsl_max_range_m, "given"
    else:
        gsl_m, rule = STARLINK_550.max_gsl_length_m, "Hypatia's Starlink-550 default"
    console.print(
        f"{constellation.n_sats:,} satellites ({constellation.n_orbits} × "
        f"{constellation.n_sats_per_orbit}), {len(links[0]):,} ISLs, {len(stations)} ground "
        f"stations; ground links up to {gsl_m:,.1f} m ({rule}); epoch "
        f"{constellation.epoch:%Y-%m-%d %H:%M:%S}Z" + (", UT1 = UTC" if ut1_equals_utc else ""),
        highlight=False,
        soft_wrap=True,
    )

    last = [0.0]

    def progress(done: int, total: int, elapsed_s: float) -> None:
        if elapsed_s - last[0] >= 2.0 or done == total:
            last[0] = elapsed_s
            rate = elapsed_s / done
            err_console.print(
                f"step {done:,}/{total:,}  {1e3 * rate:.1f} ms/step  "
                f"ETA {rate * (total - done):,.0f} s",
                highlight=False,
            )

    result = run_hypatia(
        constellation,
        links,
        stations,
        out,
        duration_s=duration,
        step_s=step,
        gsl_max_range_m=gsl_m,
        ut1_equals_utc=ut1_equals_utc,
        isl_max_length_m=isl_max_length_m,
        isls_source=str(isls),
        progress=progress,
    )
    console.print(
        f"{result.steps:,} steps, {result.n_stations * (result.n_stations - 1) // 2:,} pairs; "
        f"routing + forwarding state {result.routing_ms_per_step:.1f} ms/step, all in "
        f"{result.total_ms_per_step:.1f} ms/step ({result.threads} numba thread"
        f"{'s' if result.threads > 1 else ''}); wrote {out}/",
        highlight=False,
        soft_wrap=True,
    )
