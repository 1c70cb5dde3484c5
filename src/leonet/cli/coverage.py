"""``leonet coverage REGION`` and ``leonet run``: service coverage of a region's cells."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from rich.table import Table

from leonet.cli._common import (
    console,
    finite_between,
    friendly_errors,
    literal,
    output_dir,
    progress_bar,
    utc_time,
    warn,
)
from leonet.cli._operators import has_lasers, operator_constellation
from leonet.engine.coverage import CoverageResult

if TYPE_CHECKING:
    from leonet.ground.sites import Sites
    from leonet.report.cellmap import SlotFrames

__all__ = ["coverage_command", "write_coverage"]


def _cells_table(result: CoverageResult, first: int, stop: int):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    m, s = result.metrics, result.sites
    part = slice(first, stop)
    return pa.table(
        {
            "cell" if first == 0 else "terminal": pa.array(s.names[part].astype(str)),
            "lat_deg": s.lat_deg[part],
            "lon_deg": s.lon_deg[part],
            "served_fraction": m.served_fraction[part],
            "mean_visible": m.visible_mean[part],
            "min_visible": m.visible_min[part],
            "longest_gap_s": m.longest_gap_s[part],
            "handovers_per_hour": m.handovers_per_hour[part],
        }
    )


def _ground_near(bounds_deg: tuple[float, float, float, float]) -> tuple[Sites, Sites]:
    """The bundled Starlink gateways (likely operational) and PoPs — the 2026 set a run and
    `leonet calibrate` use — within a margin of a region's box ``(lon_min, lat_min,
    lon_max, lat_max)``: a quarter of its span, at least 3°."""
    from leonet.ground import operator_gateways, operator_pops

    lon0, lat0, lon1, lat1 = bounds_deg
    margin = max(3.0, 0.25 * max(lon1 - lon0, lat1 - lat0))
    lat = (max(lat0 - margin, -90.0), min(lat1 + margin, 90.0))
    lon = (lon0 - margin, lon1 + margin) if lon1 - lon0 + 2 * margin < 360 else None
    gateways = operator_gateways("starlink")
    return (
        gateways.take(gateways.likely_operational).within(lat_deg=lat, lon_deg=lon),
        operator_pops("starlink").within(lat_deg=lat, lon_deg=lon),
    )


def _coverage_frames(result: CoverageResult) -> SlotFrames | None:
    """The time slider's frames of a coverage run (no events: coverage has none)."""
    from leonet.report.cellmap import slot_frames

    f = result.frames
    if f is None or not len(f.start_ns):
        return None
    return slot_frames(f.start_ns, f.served_fraction, result.constellation)


def write_coverage(
    result: CoverageResult,
    out: Path,
    title: str,
    outline: object = None,
    *,
    gateways: Sites | None = None,
    pops: Sites | None = None,
) -> None:
    """Write ``cells.parquet``, ``terminals.parquet`` and ``coverage.html`` into ``out``:
    the map of the report (:mod:`leonet.report.cellmap`) with the countries, the named
    terminals, ``gateways`` and ``pops``, and a slider over the run's slots."""
    from leonet.report.cellmap import named_layer, render_cell_map
    from leonet.results.writer import AtomicParquetWriter, atomic_write_text

    out.mkdir(parents=True, exist_ok=True)
    n = result.n_cells
    for name, table in (
        ("cells.parquet", _cells_table(result, 0, n)),
        ("terminals.parquet", _cells_table(result, n, len(result.sites))),
    ):
        with AtomicParquetWriter(out / name, table.schema) as writer:
            writer.write(table)
    terminals = result.sites.take(np.arange(n, len(result.sites)))
    served_t = result.metrics.served_fraction[n:]
    layers = []
    if len(terminals):
        labels = [
            f"{name}: served {100 * f:.1f}%"
            for name, f in zip(terminals.names, served_t, strict=True)
        ]
        layers.append(
            named_layer("terminals", terminals.names, terminals.lat_deg, terminals.lon_deg, labels)
        )
    for kind, ground in (("gateways", gateways), ("pops", pops)):
        if ground is not None and len(ground):
            layers.append(named_layer(kind, ground.names, ground.lat_deg, ground.lon_deg))
    frames = _coverage_frames(result)
    page = render_cell_map(
        title,
        list(result.sites.names[:n].astype(str)),
        result.metrics.served_fraction[:n],
        outline=outline,
        layers=layers,
        summary_rows=summary_rows(result),
        frames=frames if n else None,
    )
    atomic_write_text(out / "coverage.html", page)


def summary_rows(result: CoverageResult) -> list[tuple[str, str]]:
    m, n = result.metrics, result.n_cells
    grid = result.grid
    cells = slice(0, n)
    rows = [
        ("constellation", f"{result.constellation} ({result.satellites:,} satellites)"),
        ("window", f"{grid.start:%Y-%m-%d %H:%M:%S}Z, {grid.count:,} steps of {grid.step_s:g} s"),
        ("cells", f"{n:,}"),
        ("area coverage (time-averaged)", f"{100 * float(result.region.area_coverage[0]):.2f}%"),
        ("worst instant coverage", f"{100 * float(result.region.worst_instant_coverage[0]):.2f}%"),
    ]
    if n:
        rows += [
            ("mean visible satellites per cell", f"{float(m.visible_mean[cells].mean()):.1f}"),
            ("fewest visible at any step", f"{int(m.visible_min[cells].min())}"),
            ("longest gap in any cell", f"{float(m.longest_gap_s[cells].max()):.0f} s"),
            ("handovers per hour (mean cell)", f"{float(m.handovers_per_hour[cells].mean()):.0f}"),
        ]
    if result.frames is not None and len(result.frames.start_ns):
        f = result.frames
        rows.append(
            (
                "time slider",
                f"{len(f.start_ns):,} frames of {f.frame_s:g} s"
                + (f" ({f.slots} slots each)" if f.slots > 1 else " (one slot each)"),
            )
        )
    rows.append(
        ("run time", f"{result.elapsed_s:.1f} s ({1000 * result.seconds_per_step:.1f} ms/step)")
    )
    if result.failed_satellites:
        rows.append(("satellites that failed to propagate", f"{result.failed_satellites}"))
    return rows


def _print(result: CoverageResult, title: str) -> None:
    table = Table(title=literal(title), show_header=False)
    table.add_column("")
    table.add_column("", justify="right")
    for key, value in summary_rows(result):
        table.add_row(literal(key), literal(value))
    console.print(table)
    n = result.n_cells
    m = result.metrics
    if n:
        worst = result.region.worst_cells[0]
        worst = worst[worst >= 0][:5]
        cells = Table(title="Worst cells")
        for col in ("cell", "lat °", "lon °", "served", "mean visible", "longest gap s"):
            cells.add_column(col, justify="right")
        for k in worst:
            cells.add_row(
                literal(result.sites.names[k]),
                f"{result.sites.lat_deg[k]:.2f}",
                f"{result.sites.lon_deg[k]:.2f}",
                f"{100 * m.served_fraction[k]:.1f}%",
                f"{m.visible_mean[k]:.1f}",
                f"{m.longest_gap_s[k]:.0f}",
            )
        console.print(cells)
    if len(result.sites) > n:
        terms = Table(title="Named terminals (lowest service first)")
        for col in ("terminal", "served", "mean visible", "longest gap s", "handovers/h"):
            terms.add_column(col, justify="right")
        order = n + np.argsort(m.served_fraction[n:], kind="stable")[:10]
        for k in order:
            terms.add_row(
                literal(result.sites.names[k]),
                f"{100 * m.served_fraction[k]:.1f}%",
                f"{m.visible_mean[k]:.1f}",
                f"{m.longest_gap_s[k]:.0f}",
                f"{m.handovers_per_hour[k]:.0f}",
            )
        console.print(terms)


def _coverage(
    region_spec: str,
    constellation_spec: str | None,
    start: str | None,
    duration: str,
    step: str,
    resolution: int,
    min_elevation: float | None,
    strategy: str,
    slot: float,
    terminals: Path | None,
    places: bool,
    bent_pipe: bool,
    out: Path | None,
    force: bool = False,
    operator: str = "starlink",
) -> CoverageResult:
    from leonet.access.scheduler import SchedulerConfig
    from leonet.cli.space import default_start
    from leonet.engine.coverage import run_coverage
    from leonet.engine.limits import check_cost, estimate_cost
    from leonet.ground import Sites, find_region, load_places, operator_gateways, tile_region
    from leonet.ground.cells import average_cell_area_km2
    from leonet.scenario.inputs import catalogue_age
    from leonet.space.resolve import load_constellation
    from leonet.timegrid import TimeGrid, parse_duration_s

    region = find_region(region_spec)
    parts: list[Sites] = []
    if places and region.iso_a3 == "UKR":
        parts.append(load_places())
    if terminals is not None:
        if terminals.is_dir():
            raise ValueError(
                f"--terminals {str(terminals)!r} is a folder; give a CSV "
                "(name,lat_deg,lon_deg) or GeoJSON file"
            )
        parts.append(
            Sites.from_geojson(terminals)
            if terminals.suffix.lower() in (".geojson", ".json")
            else Sites.from_csv(terminals)
        )
    if not has_lasers(operator):
        bent_pipe = True  # without lasers a satellite serves only while it sees a gateway
    constellation = load_constellation(
        operator_constellation(operator, constellation_spec), epoch=start
    )
    grid = TimeGrid.spanning(
        start or default_start(constellation),
        parse_duration_s(duration, "--duration"),
        parse_duration_s(step, "--step"),
    )
    n_cells = max(1, round(region.area_km2 / average_cell_area_km2(resolution)))
    check_cost(
        estimate_cost(
            steps=grid.count,
            step_s=grid.step_s,
            satellites=constellation.size,
            cells=n_cells,
            terminals=sum(len(p) for p in parts),
            checkpoints=False,
        ),
        force=force,
        what=f"coverage of {region.name} at resolution {resolution}",
    )
    _, stale = catalogue_age(constellation, grid.start, grid.end)
    if stale is not None:
        warn(stale)
    cells = tile_region(region, resolution)
    sites = Sites.concatenate([cells, *parts]) if parts else cells
    gateways = operator_gateways(operator) if bent_pipe else None
    config = SchedulerConfig(strategy=strategy, slot_s=slot)
    console.print(
        literal(
            f"{region.name}: {len(cells):,} H3 cells at resolution {resolution}"
            + (f" + {len(sites) - len(cells)} named terminals" if len(sites) > len(cells) else "")
            + "; "
            f"{constellation.name}: {constellation.size:,} satellites; "
            f"{grid.count:,} steps of {grid.step_s:g} s from {grid.start:%Y-%m-%d %H:%M:%S}Z"
            f"{'; bent-pipe via ' + str(len(gateways)) + ' gateways' if gateways else ''}"
        ),
        highlight=False,
    )
    with progress_bar() as bar:
        task = bar.add_task("coverage", total=grid.count)
        result = run_coverage(
            constellation,
            sites,
            grid,
            n_cells=len(cells),
            cell_area_km2=cells.area_km2,
            scheduler=config,
            gateways=gateways,
            min_elevation_deg=min_elevation,
            progress=lambda k: bar.advance(task, k),
        )
    title = f"Coverage of {region.name} by {constellation.name}"
    _print(result, title)
    if out is not None:
        near_gateways, near_pops = _ground_near(region.bounds_deg)
        write_coverage(result, out, title, region.geometry, gateways=near_gateways, pops=near_pops)
        console.print(literal(f"wrote {out}/cells.parquet, terminals.parquet and coverage.html"))
    return result


@friendly_errors
def coverage_command(
    region: Annotated[
        str, typer.Argument(help="Country name or ISO code, 'crimea', or a GeoJSON polygon file.")
    ],
    constellation: Annotated[
        str | None,
        typer.Option(
            help="Preset, 'starlink' (bundled catalogue), celestrak:GROUP, geo:LON or a TLE/OMM "
            "file (default: the operator's)."
        ),
    ] = None,
    operator: Annotated[
        str,
        typer.Option(
            help="Whose satellites and gateways: starlink, oneweb or ka-sat (GEO 9° E); "
            "the last two serve bent pipe only."
        ),
    ] = "starlink",
    start: Annotated[
        str | None,
        typer.Option(
            callback=utc_time,
            help="ISO 8601 UTC (default: newest element epoch, floored to the hour).",
        ),
    ] = None,
    duration: Annotated[str, typer.Option(help="Seconds or 90s / 10m / 1h.")] = "10m",
    step: Annotated[str, typer.Option(help="Seconds or 1s / 10s.")] = "1s",
    resolution: Annotated[
        int, typer.Option(min=0, max=15, help="H3 resolution of the cells (5 ≈ 253 km²).")
    ] = 5,
    min_elevation: Annotated[
        float | None,
        typer.Option(
            "--min-elevation",
            callback=finite_between(0, 90, unit="°"),
            help="Mask for every shell, degrees, 0-90 (default: per shell, 25°).",
        ),
    ] = None,
    strategy: Annotated[
        str, typer.Option(help="highest-elevation, longest-visibility or least-loaded.")
    ] = "highest-elevation",
    slot: Annotated[
        float,
        typer.Option(
            callback=finite_between(0, 86_400, low_open=True), help="Scheduler slot, seconds."
        ),
    ] = 15.0,
    terminals: Annotated[
        Path | None,
        typer.Option(help="Extra named terminals: CSV (name,lat_deg,lon_deg) or GeoJSON."),
    ] = None,
    places: Annotated[
        bool,
        typer.Option(
            help="Add the bundled Ukrainian cities and front-line towns when the region is Ukraine."
        ),
    ] = True,
    bent_pipe: Annotated[
        bool, typer.Option(help="Serve only via satellites that see a gateway (no lasers).")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for cells.parquet, terminals.parquet and coverage.html."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run even beyond the cost limits (docs/limits.md).")
    ] = False,
) -> None:
    """Which cells of a region are served, how often, and where the gaps are."""
    output_dir(out, "--out")
    _coverage(
        region,
        constellation,
        start,
        duration,
        step,
        resolution,
        min_elevation,
        strategy,
        slot,
        terminals,
        places,
        bent_pipe,
        out,
        force,
        operator,
    )
