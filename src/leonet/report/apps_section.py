"""The report's applications section: per application, the share of time it works over
terminals and cells, a small map of where it works, a timeline, and before/during each
event (all from :mod:`leonet.apps`, so every figure is also ``leonet query ... app_*``)."""

from __future__ import annotations

import html
import os
import re
from datetime import UTC, datetime
from typing import Any

import numpy as np

from leonet.apps import WORKS, evaluate_run, event_shares, region_shares
from leonet.report.cellmap import _colour, cell_map_fragment
from leonet.report.charts import Marker, Series, line_chart

__all__ = ["render_apps_section"]

#: Width of each application's map (small: the report of a one-hour run stays under 3 MB).
MAP_WIDTH_PX = 300
#: Element ids and data of the big map, left out of the small ones (ids must stay unique).
_IDS = re.compile(r""" (?:id="[^"]*"|data-projection='[^']*')""")
_POLYGON = re.compile(r'<polygon points="([^"]*)" fill="(#[0-9a-f]{6})"[^>]*/>')


def _pct(value: float | None) -> str:
    return "—" if value is None or not np.isfinite(value) else f"{100 * value:.1f} %"


def _cell_path(points: str) -> str:
    """A polygon's points as a compact path: whole pixels, relative moves."""
    xy = np.rint(np.array(points.replace(",", " ").split(), dtype=np.float64)).astype(np.int64)
    xy = xy.reshape(-1, 2)
    steps = np.diff(xy, axis=0)
    return f"M{xy[0, 0]},{xy[0, 1]}l" + " ".join(f"{a},{b}" for a, b in steps) + "z"


def _small_maps(cells: list[str], works_shares: list[np.ndarray]) -> list[str]:
    """One small SVG map per array of ``works_shares`` (one value per cell): the cell map
    (:func:`cell_map_fragment`, drawn once at :data:`MAP_WIDTH_PX`) recoloured for each,
    shares rounded to 5 %, the cells of one colour one path in whole pixels, without the
    per-cell hover data (the full map above has it)."""
    page = cell_map_fragment(
        cells, np.zeros(len(cells)), value_label="share", borders=False, width_px=MAP_WIDTH_PX
    )
    svg = _IDS.sub("", page[page.index("<svg") : page.index("</svg>") + 6])
    paths = [_cell_path(points) for points, _ in _POLYGON.findall(svg)]
    body = _POLYGON.sub("", svg)
    head_end = body.index("<g>") + 3  # the cells' group, emptied
    ramp = {k: _colour(k / 20, 0.0, 1.0) for k in range(21)}
    out = []
    for shares in works_shares:
        steps = np.rint(np.clip(np.nan_to_num(shares), 0.0, 1.0) * 20).astype(int)
        by_colour: dict[str, list[str]] = {}
        for path, step in zip(paths, steps, strict=True):
            by_colour.setdefault(ramp[int(step)], []).append(path)
        drawn = "".join(f'<path fill="{c}" d="{"".join(d)}"/>' for c, d in by_colour.items())
        out.append(body[:head_end] + drawn + body[head_end:])
    return out


def render_apps_section(run_dir: str | os.PathLike[str]) -> str:
    """HTML of the applications section (an ``<h2>`` and what follows)."""
    run = evaluate_run(run_dir)
    all_regions = region_shares(run)
    regions: dict[str, dict[str, Any]] = {}
    for r in all_regions:  # the first row of each application: the run's whole region
        regions.setdefault(r["app"], r)
    areas = list(dict.fromkeys(r["region"] for r in all_regions))
    by_area = {
        (r["app"], r["region"]): (r["area_share_works"], r["population_share_works"])
        for r in all_regions
    }
    rows, series = [], []
    cell_shares: list[tuple[str, np.ndarray]] = []
    t0 = None
    for profile in run.profiles:
        name = profile.name
        t_share = c_share = None
        if run.terminals is not None:
            v = run.terminal_verdicts[name].verdict
            w = run.terminals.link.duration_s
            t_share = float(((v == WORKS).mean(axis=1) * w).sum() / w.sum())
            t0 = run.terminals.time_ns[0]
            minutes = (run.terminals.time_ns - t0) / 6e10
            series.append(Series(name, minutes, (v == WORKS).mean(axis=1)))
        if run.cells is not None:
            v = run.cell_verdicts[name].verdict
            w = run.cells.link.duration_s[:, None]
            per_cell = ((v == WORKS) * w).sum(axis=0) / w.sum()
            c_share = float(per_cell.mean())
            cell_shares.append((name, per_cell))
        region = regions.get(name, {})
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td>{_pct(t_share)}</td>"
            f"<td>{_pct(c_share)}</td><td>{_pct(region.get('area_share_works'))}</td>"
            f"<td>{_pct(region.get('population_share_works'))}</td>"
            f"<td>{html.escape(profile.description)}</td></tr>"
        )
    maps = []
    if run.cells is not None and cell_shares:
        drawn = _small_maps([str(c) for c in run.cells.names], [v for _, v in cell_shares])
        maps = [
            f'<figure class="appmap"><figcaption>{html.escape(name)}</figcaption>{svg}</figure>'
            for (name, _), svg in zip(cell_shares, drawn, strict=True)
        ]
    markers = []
    events = event_shares(run)
    if t0 is not None:
        seen = set()
        for e in events:
            key = (e["kind"], e["target"], e["start"])
            if key not in seen:
                seen.add(key)
                markers.append(
                    Marker((e["start"] - t0) / 6e10, f"{e['kind']} {e['target']}", "#c0392b")
                )
    timeline = (
        line_chart(
            "Share of terminals where each application works",
            series,
            x_label="minutes from start",
            y_label="share of terminals",
            markers=markers,
            y_min=0.0,
        )
        if series
        else ""
    )
    windows: dict[tuple[str, str, int], dict[str, str]] = {}
    for e in events:
        cell = (
            f"{_pct(e['terminal_share_before'])} → {_pct(e['terminal_share_during'])}"
            f"<br><small>cells {_pct(e['cell_share_before'])} → "
            f"{_pct(e['cell_share_during'])}</small>"
        )
        windows.setdefault((e["kind"], str(e["target"]), e["start"]), {})[e["app"]] = cell
    names = [p.name for p in run.profiles]
    event_rows = []
    for (kind, target, start), by_app in windows.items():
        when = datetime.fromtimestamp(start / 1e9, UTC).strftime("%H:%M")
        event_rows.append(
            f"<tr><td>{when} {html.escape(kind)}: {html.escape(target)}</td>"
            + "".join(f"<td>{by_app.get(n, '—')}</td>" for n in names)
            + "</tr>"
        )
    event_head = "".join(f"<th>{html.escape(n)}</th>" for n in names)
    basis = next(iter(regions.values()), {}).get("population_basis", "")
    area_html = ""
    if len(areas) > 1:
        head = "".join(f"<th>{html.escape(n)}</th>" for n in (p.name for p in run.profiles))
        body = "".join(
            f"<tr><td>{html.escape(a)}</td>"
            + "".join(
                f"<td>{_pct(by_area.get((p.name, a), (None, None))[0])}"
                f"<br><small>people {_pct(by_area.get((p.name, a), (None, None))[1])}"
                "</small></td>"
                for p in run.profiles
            )
            + "</tr>"
            for a in areas
        )
        area_html = (
            "<h3>Share of area (and of people) where it works, per region</h3><p>The run's "
            "region, then each area its scenario names (service areas, the areas of events), "
            "over the whole run.</p><table><thead><tr><th>region</th>"
            + head
            + f"</tr></thead><tbody>{body}</tbody></table>"
        )
    maps_html = (
        (
            '<p>Where it works: each cell\'s share of time (0 <span class="ramp"></span> 1).'
            f'</p><div class="appmaps">{"".join(maps)}</div>'
        )
        if maps
        else "<p>No cells in this run: no maps.</p>"
    )
    return f"""<h2>Applications</h2>
<p>Would each application work? At every step a terminal or cell <b>works</b>, is
<b>degraded</b> or <b>fails</b> for an application, by its profile's requirements (rates, RTT,
jitter, loss, breaks; sources in docs/apps.md). Shares are of time; the area share weights
cells by their area, the population share by the people in them{
        " (GeoNames: cities of 15,000 or more where they are, the rest of each country "
        "spread over its land)"
        if basis == "population"
        else " (unknown in this run: weighted by area)"
    }.
Per step and requirement: <code>leonet query RUN "SELECT * FROM app_verdicts"</code>, or
<code>leonet apps RUN</code>.</p>
<table><thead><tr><th>application</th><th>terminal-time works</th><th>cell-time works</th>
<th>area works</th><th>population works</th><th>what</th></tr></thead><tbody>{
        "".join(rows)
    }</tbody></table>
{timeline}
{maps_html}
{area_html}
{
        "<h3>Before and during each event</h3><p>Share of terminal-time (and of cell-time) it "
        "works from the start of the run to the event, and while the event lasts.</p><table><thead>"
        "<tr><th>event</th>"
        + event_head
        + "</tr></thead><tbody>"
        + "".join(event_rows)
        + "</tbody></table>"
        if event_rows
        else ""
    }
"""
