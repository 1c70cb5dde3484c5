"""``leonet route --from A --to B``: the end-to-end path and RTT, step by step.

``--to`` a PoP (its code ``frntdeu1``, a European PoP's city ``Frankfurt`` or
its airport code ``FRA``) routes the terminal at ``--from`` to that PoP — the
way a Starlink user reaches the internet.  ``--to`` any other place (a bundled
place, a gateway name or ``LAT,LON``) routes terminal to terminal, by default
through both ends' PoPs (``--via pop``: Starlink hands user traffic to the
internet at a PoP, so two users talk through their PoPs: on Starlink each end's
nearest PoP among its country's, ``--pop-rule country``, as ``leonet run`` and
``leonet calibrate`` route; ``--pop-rule nearest``: of all); ``--via space``
keeps the traffic in orbit (lasers only, Hypatia's model).

A terminal → PoP route's RTT is the idle RTT a run reports (``rtt_ms``): propagation plus
the operator's calibrated latency terms (user-link scheduling, processing, ground
equipment, PoP, the 15-s slot spike; docs/latency.md), with the propagation alone beside
it; ``--no-latency-terms`` prints propagation (plus ``--processing-delay-ms`` and
``--scheduling-delay-ms``) alone.  A terminal → terminal route's RTT is always that:
the terms are modelled for the way to a PoP.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from numpy.typing import NDArray

from leonet.cli._common import (
    console,
    finite_between,
    friendly_errors,
    literal,
    output_file,
    progress_bar,
    utc_time,
    warn,
)
from leonet.cli._operators import has_lasers, operator_constellation
from leonet.engine.route import RouteSeries
from leonet.outcomes import Outcome

__all__ = ["route_command", "route_table", "summary_lines", "with_latency_terms"]

DEFAULT_START = "2026-05-30T12:00:00Z"


def with_latency_terms(
    series: RouteSeries, n_gateways: int, operator: str = "starlink"
) -> RouteSeries:
    """``series`` (terminal → PoP routes over ``n_gateways`` gateways, the nodes after the
    satellites) with the idle latency terms of ``operator``
    (:func:`leonet.network.latency.operator_latency` over the calibrated defaults) added to
    ``rtt_ms``: the RTT a run reports, slot boundaries at the default scheduler's, the
    user link's random waits drawn as a run draws them (seed 0, the route's index as the
    site, the step's time: :func:`leonet.network.latency.user_link_uniforms`)."""
    import dataclasses

    from leonet.access.scheduler import SchedulerConfig
    from leonet.network.latency import (
        IDLE_TERMS,
        LatencyParameters,
        operator_latency,
        path_counts,
        since_slot_start_s,
        user_link_uniforms,
    )

    params = LatencyParameters(**operator_latency(operator))
    n_sats = series.satellites
    sats, gws = path_counts(series.path, n_sats, n_sats, n_sats + n_gateways)
    cfg = SchedulerConfig()
    since = since_slot_start_s(series.grid.utc_ns, cfg.slot_s, cfg.phase_s)[:, None]
    routes = np.arange(sats.shape[1])[None, :]
    frame, cycle = user_link_uniforms(
        0, routes, series.grid.utc_ns[:, None], cfg.slot_s, cfg.phase_s
    )
    terms = params.terms(
        series.propagation_rtt_ms, sats, gws, since, frame_fraction=frame, cycle_fraction=cycle
    )
    extra = sum((terms[k] for k in IDLE_TERMS if k != "propagation"), np.zeros(sats.shape))
    rtt = np.where(np.isfinite(series.rtt_ms), series.rtt_ms + extra, series.rtt_ms)
    return dataclasses.replace(series, rtt_ms=rtt)


def route_table(series: RouteSeries, route: int = 0):  # type: ignore[no-untyped-def]
    """One row per step of ``route``: time, RTTs (null without a path), hops, path, gateway,
    PoP, changed, reason."""
    import pyarrow as pa

    rtt = series.rtt_ms[:, route]
    ok = np.isfinite(rtt)
    return pa.table(
        {
            "time": pa.array(
                series.grid.datetime64.astype("datetime64[ns]"), type=pa.timestamp("ns", tz="UTC")
            ),
            "rtt_ms": pa.array(np.where(ok, rtt, 0.0), mask=~ok),
            "propagation_rtt_ms": pa.array(
                np.where(ok, series.propagation_rtt_ms[:, route], 0.0), mask=~ok
            ),
            "hops": pa.array(series.hops[:, route].astype(np.int32), mask=~ok),
            "path": pa.array(series.path_text(route)),
            "gateway": pa.array(series.names_of(series.gateway[:, route]).astype(str)),
            "pop": pa.array(series.names_of(series.pop[:, route]).astype(str)),
            "changed": pa.array(series.changed[:, route]),
            "reason": pa.array(series.reason_text(route)),
        }
    )


def summary_lines(series: RouteSeries, route: int = 0) -> list[str]:
    """The printed summary of one route: RTT statistics, path changes, outages."""
    rtt = series.rtt_ms[:, route]
    ok = np.isfinite(rtt)
    n = series.grid.count
    lines = [
        f"{series.route_names[route]}: {series.constellation} ({series.satellites:,} "
        f"satellites), {series.mode}, {series.access} access; {n:,} steps of "
        f"{series.grid.step_s:g} s from {series.grid.start:%Y-%m-%d %H:%M:%S}Z"
    ]
    if ok.any():
        v, prop = rtt[ok], series.propagation_rtt_ms[ok, route]
        lines.append(
            f"RTT ms: min {v.min():.1f}, median {np.median(v):.1f}, p95 "
            f"{np.percentile(v, 95):.1f}, max {v.max():.1f} (propagation alone: median "
            f"{np.median(prop):.1f})"
        )
        hops = series.hops[ok, route]
        gw = series.names_of(series.gateway[ok, route])
        pops = series.names_of(series.pop[ok, route])
        names, counts = np.unique(gw[gw != ""], return_counts=True)
        top_gw = names[np.argmax(counts)] if names.size else "none"
        names, counts = np.unique(pops[pops != ""], return_counts=True)
        top_pop = names[np.argmax(counts)] if names.size else "none"
        lines.append(
            f"hops: median {int(np.median(hops))}, max {int(hops.max())}; "
            f"gateway mostly {top_gw}, PoP mostly {top_pop}"
        )
        first_ok = int(np.argmax(ok))
        lines.append(
            "path at the first reachable step: " + " > ".join(series.path_names(first_ok, route))
        )
    changes = int(series.changed[1:, route].sum()) if n > 1 else 0
    per_hour = changes / max(n * series.grid.step_s, 1e-9) * 3600.0
    lines.append(f"path changes: {changes:,} ({per_hour:.0f} per hour)")
    missing = int((~ok).sum())
    if missing:
        codes, counts = np.unique(series.reason[~ok, route], return_counts=True)
        why = "; ".join(
            f"{Outcome(int(c)).text}: {int(k):,}" for c, k in zip(codes, counts, strict=True)
        )
        lines.append(f"unreachable steps: {missing:,} of {n:,} ({why})")
    else:
        lines.append("unreachable steps: none")
    lines.append(f"run time {series.elapsed_s:.1f} s ({1e3 * series.seconds_per_step:.1f} ms/step)")
    return lines


@friendly_errors
def route_command(
    from_: Annotated[
        str,
        typer.Option(
            "--from",
            help="Start: any city of 15,000 people or more (e.g. Kyiv, "
            "'Paris, FR'), a gateway or PoP name, or LAT,LON.",
        ),
    ],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="A PoP (code, city or airport code: terminal → PoP) or "
            "a city, gateway or LAT,LON (terminal → terminal).",
        ),
    ],
    operator: Annotated[
        str,
        typer.Option(
            help="Whose ground segment, radio and default satellites: starlink, oneweb "
            "(bundled OneWeb catalogue, its SNPs and PoPs, bent pipe) or ka-sat (GEO 9° E)."
        ),
    ] = "starlink",
    constellation: Annotated[
        str | None,
        typer.Option(
            help="Preset, 'starlink' (bundled catalogue), celestrak:GROUP, geo:LON or a file "
            "(default: the operator's: starlink, oneweb-tle or geo:ka-sat)."
        ),
    ] = None,
    start: Annotated[str, typer.Option(callback=utc_time, help="ISO 8601 UTC.")] = DEFAULT_START,
    duration: Annotated[str, typer.Option(help="Seconds or 90s / 10m / 1h.")] = "10m",
    step: Annotated[str, typer.Option(help="Seconds or 1s / 10s.")] = "1s",
    mode: Annotated[
        str | None,
        typer.Option(
            help="lasers, bent-pipe or hybrid (default: lasers; bent-pipe for "
            "operators without lasers)."
        ),
    ] = None,
    access: Annotated[
        str, typer.Option(help="scheduled (the 15-s scheduler's satellite) or any (best in view).")
    ] = "scheduled",
    via: Annotated[
        str, typer.Option(help="Terminal → terminal: pop (through both PoPs) or space (lasers).")
    ] = "pop",
    pop_rule: Annotated[
        str,
        typer.Option(
            help="Terminal → terminal via pop: country (each end's nearest PoP among its "
            "country's, as Starlink's geofeed and `leonet run`; Starlink only) or nearest "
            "(of all)."
        ),
    ] = "country",
    min_elevation: Annotated[
        float | None,
        typer.Option(
            "--min-elevation",
            callback=finite_between(0, 90, unit="°"),
            help="Terminal mask, degrees, 0-90 (default: per shell, 25°).",
        ),
    ] = None,
    ground_km: Annotated[
        float,
        typer.Option(
            callback=finite_between(0, 20_040, low_open=True),
            help="Use the bundled gateways and PoPs within this distance, km.",
        ),
    ] = 3_000.0,
    processing_delay_ms: Annotated[
        float,
        typer.Option(callback=finite_between(0, 1_000), help="Per hop, one way, ms (0-1000)."),
    ] = 0.0,
    scheduling_delay_ms: Annotated[
        float,
        typer.Option(
            callback=finite_between(0, 1_000), help="Per user-link crossing, one way, ms (0-1000)."
        ),
    ] = 0.0,
    latency_terms: Annotated[
        bool,
        typer.Option(
            help="Add the operator's calibrated latency terms to a terminal → PoP RTT "
            "(docs/latency.md); --no-latency-terms: propagation only."
        ),
    ] = True,
    out: Annotated[
        Path | None, typer.Option(help="Write one row per step to this Parquet file.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run even beyond the cost limits (docs/limits.md).")
    ] = False,
) -> None:
    """End-to-end path and round-trip time from one place to a PoP or to another place."""
    from leonet.engine.limits import check_cost, estimate_cost
    from leonet.engine.pop_sets import site_pop_mask
    from leonet.engine.route import run_routes
    from leonet.ground import Sites, check_operator, find_place, operator_gateways, operator_pops
    from leonet.ground.pops import find_pop
    from leonet.ground.selection import select_ground
    from leonet.results.writer import AtomicParquetWriter
    from leonet.scenario.inputs import catalogue_age
    from leonet.space.resolve import load_constellation
    from leonet.timegrid import TimeGrid, parse_duration_s, parse_utc

    output_file(out, "--out")
    operator = check_operator(operator)
    lasers = has_lasers(operator)
    mode = mode or ("lasers" if lasers else "bent-pipe")
    if not lasers and mode != "bent-pipe":
        raise ValueError(
            f"--mode {mode}: {operator}'s satellites carry no lasers; use --mode bent-pipe"
        )
    constellation = operator_constellation(operator, constellation)
    for name, value, choices in (
        ("--mode", mode, ("lasers", "bent-pipe", "hybrid")),
        ("--access", access, ("scheduled", "any")),
        ("--via", via, ("pop", "space")),
        ("--pop-rule", pop_rule, ("country", "nearest")),
    ):
        if value not in choices:
            raise ValueError(f"{name} {value!r}: choose one of {', '.join(choices)}")
    src_name, src_lat, src_lon = find_place(from_)
    all_pops = operator_pops(operator)
    to_pop = find_pop(to, all_pops)
    if to_pop is None:
        dst_name, dst_lat, dst_lon = find_place(to)
        terminals = Sites([src_name, dst_name], [src_lat, dst_lat], [src_lon, dst_lon])
    else:
        terminals = Sites([src_name], [src_lat], [src_lon])
    gateways, near_pops = select_ground(
        terminals, within_km=ground_km, gateways=operator_gateways(operator), pops=all_pops
    )
    near = np.isin(all_pops.names, near_pops.names)
    if to_pop is not None:
        near[to_pop] = True
    # Terminal → terminal through PoPs: each end's country's PoPs, wherever they are.
    country_mask = (
        site_pop_mask(terminals.lat_deg, terminals.lon_deg, all_pops.names)
        if to_pop is None and via == "pop" and pop_rule == "country" and operator == "starlink"
        else None
    )
    if country_mask is not None:
        near |= country_mask[~country_mask.all(axis=1)].any(axis=0)
    pops = all_pops.take(near)
    pop_index: int | NDArray[np.bool_] | None = (
        None if to_pop is None else int(np.flatnonzero(pops.names == all_pops.names[to_pop])[0])
    )
    if country_mask is not None:
        pop_index = country_mask[:, near]
    constellation_ = load_constellation(constellation, epoch=start)
    grid = TimeGrid.spanning(
        parse_utc(start, "--start"),
        parse_duration_s(duration, "--duration"),
        parse_duration_s(step, "--step"),
    )
    check_cost(
        estimate_cost(
            steps=grid.count,
            step_s=grid.step_s,
            satellites=constellation_.size,
            terminals=len(terminals),
            checkpoints=False,
        ),
        force=force,
        what="this route",
    )
    _, stale = catalogue_age(constellation_, grid.start, grid.end)
    if stale is not None:
        warn(stale)
    console.print(
        literal(
            f"{constellation_.name}: {constellation_.size:,} satellites; {len(gateways)} gateways "
            f"and {len(pops)} PoPs within {ground_km:,.0f} km; {grid.count:,} steps"
        ),
        highlight=False,
    )
    with progress_bar(transient=True) as bar:
        task = bar.add_task("routing", total=grid.count)
        series = run_routes(
            constellation_,
            terminals,
            grid,
            gateways=gateways,
            pops=pops,
            mode=mode,  # type: ignore[arg-type]
            access=access,  # type: ignore[arg-type]
            pairs=None if to_pop is not None else [(0, 1)],
            via=via,  # type: ignore[arg-type]
            pop=pop_index,
            min_elevation_deg=min_elevation,
            processing_delay_ms=processing_delay_ms,
            scheduling_delay_ms=scheduling_delay_ms,
            progress=lambda k: bar.advance(task, k),
        )
    if latency_terms and to_pop is not None:
        series = with_latency_terms(series, len(gateways), operator)
    for line in summary_lines(series):
        console.print(literal(line), highlight=False, soft_wrap=True)
    if out is not None:
        table = route_table(series)
        with AtomicParquetWriter(out, table.schema) as writer:
            writer.write(table)
        console.print(literal(f"wrote {out} ({table.num_rows:,} rows)"), highlight=False)
