"""``leonet constellation info`` and ``leonet propagate``."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from leonet.cli._common import (
    console,
    friendly_errors,
    literal,
    output_file,
    progress_bar,
    utc_time,
    warn,
)
from leonet.engine.limits import CostLimitError
from leonet.space.constellation import Constellation
from leonet.timegrid import TimeGrid

__all__ = ["constellation_app", "propagate_command"]

constellation_app = typer.Typer(help="Inspect constellations: presets and TLE/OMM catalogues.")

ConstellationArg = Annotated[
    str,
    typer.Argument(
        help="Preset name (see `leonet constellation list`), 'starlink' (bundled "
        "2026-05-30 catalogue), celestrak:GROUP, or a TLE/OMM file."
    ),
]


def _epochs(constellation: Constellation) -> list[datetime]:
    el = constellation.elements
    base = datetime(1970, 1, 1, tzinfo=UTC)
    days = (el.epoch_jd - 2_440_587.5) + el.epoch_fr
    return [base + timedelta(days=float(d)) for d in (days.min(), np.median(days), days.max())]


def default_start(constellation: Constellation) -> datetime:
    """The newest element epoch floored to the hour (catalogues), or the preset epoch."""
    newest = _epochs(constellation)[2]
    return newest.replace(minute=0, second=0, microsecond=0)


@constellation_app.command("list")
@friendly_errors
def list_command() -> None:
    """List the bundled catalogues, Walker presets and known geostationary slots."""
    from leonet.space.geostationary import GEO_SLOTS
    from leonet.space.presets import load_preset, preset_names
    from leonet.space.resolve import BUNDLED_CATALOGUES

    table = Table(title="Constellations")
    for column in ("name", "kind", "satellites", "shells"):
        table.add_column(column)
    for name, file in BUNDLED_CATALOGUES.items():
        table.add_row(name, "real catalogue", "", file)
    for name in preset_names():
        c = load_preset(name, "2026-05-30T00:00:00Z")
        table.add_row(name, "Walker preset", f"{c.size:,}", str(len(c.shells)))
    for name, slots in GEO_SLOTS.items():
        where = ", ".join(f"{x:g}° E" for x in slots)
        table.add_row(f"geo:{name}", f"geostationary ({where})", f"{len(slots)}", "1")
    console.print(table)


@constellation_app.command("info")
@friendly_errors
def info_command(
    constellation: ConstellationArg,
    at: Annotated[
        str | None, typer.Option(callback=utc_time, help="Reference time for epoch age (ISO UTC).")
    ] = None,
    lenient: Annotated[bool, typer.Option(help="Skip malformed records, with a count.")] = False,
) -> None:
    """Counts per shell, altitudes, inclinations and epoch age."""
    from leonet.space.resolve import load_constellation
    from leonet.timegrid import parse_utc

    c = load_constellation(constellation, lenient=lenient)
    oldest, median, newest = _epochs(c)
    reference = parse_utc(at, "--at") if at else newest
    console.print(
        literal(c.name, style="bold"),
        literal(f" — {c.size:,} satellites ({c.source or 'designed'})"),
        sep="",
    )
    if not c.analytic:

        def age(when: datetime) -> float:
            return (reference - when).total_seconds() / 86_400

        console.print(
            f"epochs: oldest {oldest:%Y-%m-%d %H:%M}Z, median {median:%Y-%m-%d %H:%M}Z, "
            f"newest {newest:%Y-%m-%d %H:%M}Z; age at {reference:%Y-%m-%d %H:%M}Z: "
            f"{age(newest):.2f}–{age(oldest):.2f} days; {int(c.stale.sum()):,} flagged stale"
        )
    table = Table(title="Shells")
    for column in ("shell", "alt km", "incl °", "planes", "per plane", "phasing", "sats", "mask °"):
        table.add_column(column, justify="right", no_wrap=True)
    for s in c.shells:
        table.add_row(
            literal(s.name),
            f"{s.altitude_km:.0f}",
            f"{s.inclination_deg:.2f}",
            str(s.planes),
            str(s.sats_per_plane),
            str(s.phasing) if s.phasing >= 0 else "–",
            f"{s.satellites:,}",
            f"{s.min_elevation_deg:g}",
        )
    unassigned = int(np.sum(c.shell < 0))
    if unassigned:
        table.add_row("unassigned", "", "", "", "", "", f"{unassigned:,}", "", style="dim")
    console.print(table)


@friendly_errors
def propagate_command(
    constellation: ConstellationArg,
    start: Annotated[
        str | None,
        typer.Option(
            callback=utc_time,
            help="First instant, ISO 8601 UTC "
            "(default: newest element epoch, floored to the hour).",
        ),
    ] = None,
    duration: Annotated[str, typer.Option(help="Length: seconds or 90s / 10m / 1h / 1d.")] = "10m",
    step: Annotated[str, typer.Option(help="Step: seconds or 1s / 30s / 1m.")] = "1s",
    out: Annotated[Path | None, typer.Option(help="Write positions to this Parquet file.")] = None,
    method: Annotated[str, typer.Option(help="auto, sgp4 or analytic (Walker presets).")] = "auto",
    lenient: Annotated[bool, typer.Option(help="Skip malformed records, with a count.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Run even beyond the cost limits (docs/limits.md).")
    ] = False,
) -> None:
    """Propagate every satellite; optionally write one row per (time, satellite)."""
    from leonet.space.propagate import SGP4_ERRORS, propagate_chunks
    from leonet.space.resolve import load_constellation
    from leonet.timegrid import TimeGrid, parse_duration_s

    output_file(out, "--out")
    c = load_constellation(constellation, epoch=start, lenient=lenient)
    grid = TimeGrid.spanning(
        start or default_start(c),
        parse_duration_s(duration, "--duration"),
        parse_duration_s(step, "--step"),
    )
    _check_propagation(c, grid, out is not None, force)
    writer = None
    if out is not None:
        from leonet.results.writer import AtomicParquetWriter

        writer = AtomicParquetWriter(out, positions_schema())
    failed = np.zeros(c.size, dtype=np.uint8)
    began = time.perf_counter()
    try:
        with progress_bar() as bar:
            task = bar.add_task(f"propagating {c.size:,} satellites", total=grid.count)
            for eph in propagate_chunks(c, grid, method=method, velocities=False):  # type: ignore[arg-type]
                failed = np.where(failed == 0, eph.error, failed)
                if writer is not None:
                    writer.write(positions_table(c, eph.times.utc_ns, eph.r_ecef_km))
                bar.advance(task, eph.times.count)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    if writer is not None:
        writer.close()
    elapsed = time.perf_counter() - began
    console.print(
        f"{c.size:,} satellites × {grid.count:,} steps from {grid.start:%Y-%m-%d %H:%M:%S}Z "
        f"every {grid.step_s:g} s: {c.size * grid.count / elapsed:,.0f} sat-steps/s "
        f"({elapsed:.2f} s)"
    )
    bad = np.flatnonzero(failed)
    if bad.size:
        console.print(f"[yellow]{bad.size} satellites failed to propagate (rows are NaN):[/]")
        for k in bad[:20]:
            console.print(
                literal(
                    f"  {c.sat_names[k]} (NORAD {c.norad_id[k]}): "
                    f"{SGP4_ERRORS.get(int(failed[k]), 'error')}"
                ),
                highlight=False,
            )
        if bad.size > 20:
            console.print(f"  … and {bad.size - 20} more")
    if out is not None:
        console.print(literal(f"wrote {out} ({c.size * grid.count:,} rows)"), highlight=False)


def _check_propagation(c: Constellation, grid: TimeGrid, writes: bool, force: bool) -> None:
    """Refuse a propagation beyond the limits (docs/limits.md) unless ``force``; warn
    about a catalogue far from the times asked for."""
    from leonet.engine.limits import DEFAULT_LIMITS, check_cost, estimate_cost
    from leonet.scenario.inputs import catalogue_age

    cost = estimate_cost(steps=grid.count, step_s=grid.step_s, satellites=c.size, checkpoints=False)
    rows = grid.count * c.size
    if writes and rows * _POSITION_ROW_BYTES > DEFAULT_LIMITS.disk_bytes and not force:
        raise CostLimitError(
            f"--out would hold {rows:,} rows (~{rows * _POSITION_ROW_BYTES / 1e9:,.3g} GB, "
            f"limit {DEFAULT_LIMITS.disk_bytes / 1e9:.3g} GB, docs/limits.md); shorten the "
            "duration, lengthen the step, or give --force"
        )
    check_cost(cost, force=force, what="this propagation")
    _, stale = catalogue_age(c, grid.start, grid.end)
    if stale is not None:
        warn(stale)


#: Bytes a row of positions takes in Parquet (time, satellite, 7 floats), compressed.
_POSITION_ROW_BYTES = 50


def positions_schema() -> Any:  # a pyarrow.Schema (pyarrow ships no types)
    import pyarrow as pa

    return pa.schema(
        [
            ("time", pa.timestamp("ns", tz="UTC")),
            ("sat", pa.dictionary(pa.int32(), pa.string())),
            ("norad_id", pa.int64()),
            ("x_km", pa.float64()),
            ("y_km", pa.float64()),
            ("z_km", pa.float64()),
            ("lat_deg", pa.float64()),
            ("lon_deg", pa.float64()),
            ("alt_km", pa.float64()),
        ]
    )


def positions_table(c: Constellation, utc_ns: np.ndarray, r_ecef_km: np.ndarray):  # type: ignore[no-untyped-def]
    """One row per (time, sat) for a chunk: ``r_ecef_km`` is ``(time, sat, 3)``."""
    import pyarrow as pa

    from leonet.frames import ecef_to_geodetic

    n_t, n_s = r_ecef_km.shape[:2]
    flat = r_ecef_km.reshape(-1, 3)
    lat, lon, alt = ecef_to_geodetic(flat)
    names = pa.DictionaryArray.from_arrays(
        pa.array(np.tile(np.arange(n_s, dtype=np.int32), n_t)), pa.array(c.sat_names.astype(str))
    )
    norad = np.tile(c.norad_id, n_t)
    return pa.table(
        {
            "time": pa.array(np.repeat(utc_ns, n_s), pa.timestamp("ns", tz="UTC")),
            "sat": names,
            "norad_id": pa.array(norad, mask=norad < 0),
            "x_km": flat[:, 0],
            "y_km": flat[:, 1],
            "z_km": flat[:, 2],
            "lat_deg": lat,
            "lon_deg": lon,
            "alt_km": alt,
        },
        schema=positions_schema(),
    )
