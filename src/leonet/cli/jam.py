"""``leonet jam``: the area where a ground jammer denies or degrades service."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from leonet.cli._common import console, friendly_errors

__all__ = ["jam_command", "jam_report", "jam_svg"]

DEFAULT_TIME = "2026-05-30T12:00:00Z"
_COLOURS = {
    "unaffected": "#cfe8cf",
    "degraded": "#f5c26b",
    "denied": "#d7301f",
    "unserved": "#bbbbbb",
}


def jam_report(
    at: str,
    eirp_dbw: float = 50.0,
    height_m: float = 30.0,
    centre_ghz: float = 11.7,
    bandwidth_mhz: float = 2000.0,
    beamwidth_deg: float | None = None,
    azimuth_deg: float = 0.0,
    time: str = DEFAULT_TIME,
    constellation: str = "starlink",
    terminal: str = "standard",
    radius_km: float | None = None,
    spacing_km: float | None = None,
) -> tuple[dict[str, Any], Any]:
    """The jammer's map (:class:`~leonet.radio.JamMap`) and a summary dict."""
    from leonet.ground import find_place
    from leonet.radio import EFFECTS, Jammer, jam_map
    from leonet.space.propagate import Propagator
    from leonet.space.resolve import load_constellation
    from leonet.timegrid import TimeGrid, parse_utc

    name, lat, lon = find_place(at)
    when = parse_utc(time, "--time")
    jammer = Jammer(
        f"jammer at {name}",
        (lat, lon),
        eirp_dbw,
        centre_ghz,
        bandwidth_mhz,
        boresight_az_deg=azimuth_deg,
        beamwidth_deg=beamwidth_deg,
        height_m=height_m,
    )
    c = load_constellation(constellation, epoch=when)
    grid = TimeGrid(when, 1.0, 1)
    sats = np.nan_to_num(Propagator(c)(grid, velocities=False).r_ecef_km[0], nan=0.0)
    m = jam_map(
        jammer,
        sats,
        grid.start_ns,
        radius_km=radius_km,
        spacing_km=spacing_km,
        terminal_type=terminal,
    )
    summary: dict[str, Any] = {
        "jammer": {
            "at": name,
            "lat_deg": lat,
            "lon_deg": lon,
            "eirp_dbw": eirp_dbw,
            "height_m": height_m,
            "centre_ghz": centre_ghz,
            "bandwidth_mhz": bandwidth_mhz,
            "beamwidth_deg": beamwidth_deg,
            "azimuth_deg": azimuth_deg,
        },
        "time_utc": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "terminal": terminal,
        "points": len(m),
        "spacing_km": m.spacing_km,
        "area_km2": {e: m.area_km2(e) for e in EFFECTS},
        "reach_km": {e: m.reach_km(e) for e in ("degraded", "denied")},
    }
    return summary, m


def jam_svg(m: Any, size_px: int = 600) -> str:
    """A self-contained SVG of the map: a square per point coloured by effect, the jammer."""
    from leonet.radio import EFFECTS

    lat0 = float(np.mean(m.lat_deg))
    x = (m.lon_deg - m.lon_deg.min()) * np.cos(np.radians(lat0))
    y = m.lat_deg.max() - m.lat_deg
    span = float(max(x.max(), y.max(), 1e-9))
    scale = (size_px - 40) / span
    cell = max(m.spacing_km / 111.195 * scale, 1.0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size_px}" '
        f'height="{size_px + 40}" font-family="sans-serif" font-size="12">',
        f"<title>{html.escape(m.jammer.name)}</title>",
    ]
    for code, effect in enumerate(EFFECTS):
        sel = np.flatnonzero(m.effect == code)
        colour = _COLOURS[effect]
        out += [
            f'<rect x="{20 + x[k] * scale - cell / 2:.1f}" '
            f'y="{20 + y[k] * scale - cell / 2:.1f}" width="{cell:.1f}" height="{cell:.1f}" '
            f'fill="{colour}"/>'
            for k in sel
        ]
    j = m.jammer.position
    jx = 20 + (j[1] - m.lon_deg.min()) * np.cos(np.radians(lat0)) * scale
    jy = 20 + (m.lat_deg.max() - j[0]) * scale
    out.append(f'<circle cx="{jx:.1f}" cy="{jy:.1f}" r="5" fill="black"/>')
    for k, effect in enumerate(EFFECTS):
        out.append(
            f'<rect x="{20 + 130 * k}" y="{size_px + 10}" width="12" height="12" '
            f'fill="{_COLOURS[effect]}"/><text x="{36 + 130 * k}" y="{size_px + 21}">'
            f"{effect} {m.area_km2(effect):.0f} km²</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


@friendly_errors
def jam_command(
    at: Annotated[str, typer.Option("--at", help="Jammer position: place name or LAT,LON.")],
    eirp_dbw: Annotated[float, typer.Option("--eirp-dbw", help="Peak EIRP, dBW.")] = 50.0,
    height_m: Annotated[float, typer.Option("--height-m", help="Antenna height, m.")] = 30.0,
    centre_ghz: Annotated[float, typer.Option("--centre-ghz", help="Centre, GHz.")] = 11.7,
    bandwidth_mhz: Annotated[
        float, typer.Option("--bandwidth-mhz", help="Jammed bandwidth, MHz.")
    ] = 2000.0,
    beamwidth_deg: Annotated[
        float | None,
        typer.Option(
            "--beamwidth-deg", help="3-dB beamwidth of a directional antenna (default isotropic)."
        ),
    ] = None,
    azimuth_deg: Annotated[
        float, typer.Option("--azimuth-deg", help="Boresight azimuth, deg.")
    ] = 0.0,
    time: Annotated[str, typer.Option("--time", help="ISO 8601 UTC instant.")] = DEFAULT_TIME,
    constellation: Annotated[
        str, typer.Option(help="'starlink', a preset or a TLE file.")
    ] = "starlink",
    terminal: Annotated[str, typer.Option(help="Terminal type: standard or mini.")] = "standard",
    radius_km: Annotated[float | None, typer.Option("--radius-km", help="Map radius, km.")] = None,
    spacing_km: Annotated[float | None, typer.Option("--spacing-km", help="Grid step, km.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for jam.csv (every point) and jam.svg (the map)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Map where a ground jammer denies or degrades service around it."""
    summary, m = jam_report(
        at,
        eirp_dbw,
        height_m,
        centre_ghz,
        bandwidth_mhz,
        beamwidth_deg,
        azimuth_deg,
        time,
        constellation,
        terminal,
        radius_km,
        spacing_km,
    )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        cols = m.columns()
        header = ",".join(cols)
        rows = zip(*(np.asarray(v).tolist() for v in cols.values()), strict=True)
        lines = [header] + [",".join(str(v) for v in row) for row in rows]
        (out / "jam.csv").write_text("\n".join(lines) + "\n")
        (out / "jam.svg").write_text(jam_svg(m))
        summary["files"] = [str(out / "jam.csv"), str(out / "jam.svg")]
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    j = summary["jammer"]
    console.print(
        f"[bold]{j['at']}[/]: {j['eirp_dbw']:g} dBW over {j['bandwidth_mhz']:g} MHz "
        f"at {j['centre_ghz']:g} GHz, {j['height_m']:g} m mast, at "
        f"{summary['time_utc']}; {summary['points']} terminals every "
        f"{summary['spacing_km']:.2f} km",
        highlight=False,
    )
    table = Table(title="Effect on terminals around the jammer")
    for col in ("effect", "area km²", "farthest km"):
        table.add_column(col, justify="right" if col != "effect" else "left")
    for effect, area in summary["area_km2"].items():
        reach = summary["reach_km"].get(effect)
        table.add_row(effect, f"{area:.1f}", "" if reach is None else f"{reach:.1f}")
    console.print(table)
    for f in summary.get("files", []):
        console.print(f"wrote {f}", highlight=False)
