"""``leonet link``: the full downlink and uplink budget of one terminal to its serving satellite."""

from __future__ import annotations

import json
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from leonet.cli._common import (
    console,
    finite_between,
    friendly_errors,
    literal,
    utc_time,
    warn,
)
from leonet.cli._operators import operator_constellation

__all__ = ["link_budget_report", "link_command"]

DEFAULT_TIME = "2026-05-30T12:00:00Z"

#: (key, label, unit, decimals) in the order an engineer adds them up.
_ROWS: tuple[tuple[str, str, str, int], ...] = (
    ("frequency_ghz", "frequency", "GHz", 3),
    ("slant_range_km", "slant range", "km", 1),
    ("elevation_deg", "elevation", "deg", 2),
    ("eirp_dbw", "EIRP (boresight / beam centre)", "dBW", 2),
    ("tx_antenna_loss_db", "+ transmit antenna loss (beam roll-off / scan)", "dB", 2),
    ("fspl_db", "− free-space path loss", "dB", 2),
    ("atmospheric_loss_db", "− atmospheric loss (ITU-R P.618)", "dB", 2),
    ("gt_dbk", "+ G/T (boresight / beam centre)", "dB/K", 2),
    ("rx_antenna_loss_db", "+ receive antenna loss (scan / beam roll-off)", "dB", 2),
    ("boltzmann_dbw_hz_k", "− Boltzmann constant", "dBW/Hz/K", 2),
    ("cn0_dbhz", "= C/N0", "dBHz", 2),
    ("symbol_rate_msps", "symbol rate (bandwidth / (1 + roll-off))", "Msym/s", 2),
    ("snr_db", "= Es/N0 (SNR)", "dB", 2),
    ("sinr_ceiling_db", "C/(I+D) ceiling (interference, distortion)", "dB", 2),
    ("sinr_db", "= SINR", "dB", 2),
    ("implementation_loss_db", "− implementation loss", "dB", 2),
    ("modcod", "MODCOD (DVB-S2X)", "", 0),
    ("efficiency_bps_hz", "spectral efficiency", "bit/sym", 4),
    ("capacity_mbps", "capacity of one channel", "Mb/s", 1),
)


def link_budget_report(
    at: str,
    constellation: str | None = None,
    time: str = DEFAULT_TIME,
    terminal: str | None = None,
    exceedance_percent: float = 1.0,
    operator: str = "starlink",
) -> dict[str, Any]:
    """The budget of a terminal at ``at`` (place name or ``LAT,LON``) to its serving
    satellite (the highest in view above the mask) at ``time``, both directions, with
    ``operator``'s radio (:data:`leonet.radio.RADIO_SYSTEMS`: bands, satellite type and,
    by default, terminal and constellation — ``starlink``, ``oneweb-tle``, ``geo:ka-sat``).

    Returns ``{"terminal": {...}, "satellite": {...}, "downlink": {...},
    "uplink": {...}}``; each direction holds every term (dB, as added).
    """
    from leonet.access.masks import satellite_min_elevation_deg
    from leonet.ground import Sites, find_place
    from leonet.radio import DVBS2X_LADDER, RADIO_SYSTEMS, TERMINALS, RadioConfig, RadioModel
    from leonet.scenario.inputs import catalogue_age
    from leonet.space.propagate import Propagator
    from leonet.space.resolve import load_constellation
    from leonet.timegrid import TimeGrid, parse_utc

    if operator not in RADIO_SYSTEMS:
        raise ValueError(
            f"unknown --operator {operator!r}; choose one of {', '.join(sorted(RADIO_SYSTEMS))}"
        )
    system = RADIO_SYSTEMS[operator]
    terminal = terminal or system.terminal
    if terminal not in TERMINALS:
        raise ValueError(f"unknown --terminal {terminal!r}; choose one of {', '.join(TERMINALS)}")
    name, lat, lon = find_place(at)
    when = parse_utc(time, "--time")
    c = load_constellation(operator_constellation(operator, constellation), epoch=when)
    grid = TimeGrid(when, 1.0, 1)
    _, stale = catalogue_age(c, when, when)
    if stale is not None:
        warn(stale)
    eph = Propagator(c)(grid, velocities=False)
    site = Sites([name], [lat], [lon])
    sats = eph.r_ecef_km[0]
    rel = sats - site.ecef_km[0]
    rng = np.linalg.norm(rel, axis=-1)
    el = np.rad2deg(np.arcsin(np.clip(rel @ site.enu[0, 2] / rng, -1, 1)))
    mask = satellite_min_elevation_deg(c)
    el_ok = np.where(np.isfinite(el) & (el >= mask) & ~c.direct_to_cell, el, -np.inf)
    best = int(np.argmax(el_ok))
    if not np.isfinite(el_ok[best]):
        raise ValueError(
            f"no {c.name} satellite is above the elevation mask at {name} at "
            f"{when:%Y-%m-%d %H:%M:%S}Z; try another --time"
        )
    model = RadioModel(
        site,
        c.size,
        terminal_type=terminal,
        satellite_type=system.satellite,
        config=RadioConfig(
            exceedance_percent=exceedance_percent,
            downlink=system.downlink,
            uplink=system.uplink,
            gateway_downlink=system.gateway_downlink,
            gateway_uplink=system.gateway_uplink,
            gateway=system.gateway,
        ),
    )
    down, up = model.budgets(sats, [0], [best])
    norad = int(c.norad_id[best])
    out: dict[str, Any] = {
        "terminal": {"name": name, "lat_deg": lat, "lon_deg": lon, "type": terminal},
        "satellite": {
            "index": best,
            "name": str(c.sat_names[best]),
            "norad_id": norad if norad >= 0 else None,
        },
        "time_utc": f"{when:%Y-%m-%dT%H:%M:%SZ}",
        "exceedance_percent": exceedance_percent,
    }
    sat_type = model.satellite_types[int(model.satellite_index[best])]
    ceilings = {"downlink": sat_type.sinr_ceiling_down_db, "uplink": sat_type.sinr_ceiling_up_db}
    for key, budget in (("downlink", down), ("uplink", up)):
        row = budget.row(0, DVBS2X_LADDER)
        # The satellite's SINR ceiling (interference and distortion, radio/parameters.py);
        # MODCOD and capacity at the SINR, as a run selects them for a terminal alone in
        # its beam (no other co-channel beam lit).
        ceiling = float(ceilings[key])
        sinr = -10.0 * np.log10(10 ** (-float(row["snr_db"]) / 10) + 10 ** (-ceiling / 10))
        index = int(DVBS2X_LADDER.select(sinr - float(row["implementation_loss_db"])))
        eff = float(DVBS2X_LADDER.efficiency_bps_hz(index))
        row |= {
            "sinr_ceiling_db": ceiling,
            "sinr_db": float(sinr),
            "modcod": DVBS2X_LADDER.name(index),
            "efficiency_bps_hz": eff,
            "capacity_mbps": eff * float(row["symbol_rate_msps"]),
        }
        row["effective_esn0_db"] = float(sinr) - float(row["implementation_loss_db"])
        out[key] = row
    return out


@friendly_errors
def link_command(
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="A place: any city of 15,000 people or more (e.g. Kyiv, 'Paris, FR'), a "
            "gateway or PoP name, or LAT,LON in degrees.",
        ),
    ],
    constellation: Annotated[
        str | None,
        typer.Option(
            help="'starlink' (bundled catalogue), a preset, geo:LON or a TLE/OMM file "
            "(default: the operator's)."
        ),
    ] = None,
    time: Annotated[
        str, typer.Option("--time", callback=utc_time, help="ISO 8601 UTC instant.")
    ] = DEFAULT_TIME,
    terminal: Annotated[
        str | None,
        typer.Option(
            help="Terminal type: standard, mini, oneweb-flat-panel or geo-vsat-ka "
            "(default: the operator's)."
        ),
    ] = None,
    operator: Annotated[
        str, typer.Option(help="Whose radio: starlink, oneweb or ka-sat (GEO 9° E).")
    ] = "starlink",
    exceedance: Annotated[
        float,
        typer.Option(
            callback=finite_between(0, 50, low_open=True),
            help="Atmospheric attenuation exceeded this % of the year (0-50).",
        ),
    ] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """The full link budget of a terminal's downlink and uplink to its serving satellite."""
    report = link_budget_report(at, constellation, time, terminal, exceedance, operator)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    t, s = report["terminal"], report["satellite"]
    console.print(
        literal(t["name"], style="bold"),
        literal(
            f" ({t['lat_deg']:.4f}°, {t['lon_deg']:.4f}°), {t['type']} terminal → "
            f"{s['name']} at {report['time_utc']}; atmosphere exceeded "
            f"{report['exceedance_percent']:g} % of the year"
        ),
        sep="",
        highlight=False,
    )
    table = Table(title="Link budget")
    table.add_column("term")
    table.add_column("unit")
    table.add_column("downlink", justify="right")
    table.add_column("uplink", justify="right")
    for key, label, unit, decimals in _ROWS:
        cells = []
        for direction in ("downlink", "uplink"):
            v = report[direction][key]
            cells.append(literal(v) if isinstance(v, str) else f"{v + 0.0:.{decimals}f}")
        table.add_row(label, unit, *cells)
    console.print(table)
