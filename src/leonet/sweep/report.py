"""The sweep report: one self-contained HTML page (inline SVG, no scripts, no network).

For each metric, a chart of its mean over seeds against the first parameter, one line
per combination of the others, with the seed-to-seed confidence interval as a band;
then the summary table and the runs that failed, with their errors.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from leonet.atomic import atomic_write_text

__all__ = ["band_chart", "write_sweep_report"]

_PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def band_chart(
    title: str,
    lines: list[tuple[str, list[float], list[float], list[float], list[float]]],
    *,
    x_label: str,
    y_label: str,
    width_px: int = 720,
    height_px: int = 300,
) -> str:
    """An SVG chart of ``lines``: ``(name, x, mean, low, high)`` each, the mean drawn as
    a line with points and ``[low, high]`` as a translucent band (NaN bounds: no band)."""
    left, right, top, bottom = 64, 190, 28, 44
    w, h = width_px - left - right, height_px - top - bottom
    xs = [v for _, x, *_ in lines for v in x if math.isfinite(v)]
    ys = [v for _, _, m, lo, hi in lines for v in (*m, *lo, *hi) if math.isfinite(v)]
    x0, x1 = (min(xs), max(xs)) if xs else (0.0, 1.0)
    y0, y1 = (min(ys), max(ys)) if ys else (0.0, 1.0)
    if x1 == x0:
        x0, x1 = x0 - 1, x1 + 1
    if y1 == y0:
        y0, y1 = y0 - (abs(y0) * 0.05 or 1), y1 + (abs(y1) * 0.05 or 1)
    pad = (y1 - y0) * 0.05
    y0, y1 = y0 - pad, y1 + pad

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * w

    def py(y: float) -> float:
        return top + (1 - (y - y0) / (y1 - y0)) * h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'role="img" aria-label="{html.escape(title)}" font-family="sans-serif" '
        f'font-size="11">',
        f'<text x="{left}" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#999"/>',
    ]
    for k in range(5):
        yv = y0 + (y1 - y0) * k / 4
        xv = x0 + (x1 - x0) * k / 4
        parts.append(f'<text x="{left - 6}" y="{py(yv) + 4:.1f}" text-anchor="end">{yv:.3g}</text>')
        parts.append(
            f'<text x="{px(xv):.1f}" y="{top + h + 16}" text-anchor="middle">{xv:.3g}</text>'
        )
    parts.append(
        f'<text x="{left + w / 2}" y="{height_px - 6}" text-anchor="middle">'
        f"{html.escape(x_label)}</text>"
    )
    parts.append(
        f'<text x="14" y="{top + h / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + h / 2})">{html.escape(y_label)}</text>'
    )
    for k, (name, x, mean, low, high) in enumerate(lines):
        color = _PALETTE[k % len(_PALETTE)]
        order = sorted(range(len(x)), key=lambda i: x[i])
        band = [
            i
            for i in order
            if math.isfinite(low[i]) and math.isfinite(high[i]) and math.isfinite(x[i])
        ]
        if band:
            upper = " ".join(f"{px(x[i]):.1f},{py(high[i]):.1f}" for i in band)
            lower = " ".join(f"{px(x[i]):.1f},{py(low[i]):.1f}" for i in reversed(band))
            parts.append(
                f'<polygon points="{upper} {lower}" fill="{color}" '
                f'fill-opacity="0.18" stroke="none"/>'
            )
        drawn = [i for i in order if math.isfinite(mean[i]) and math.isfinite(x[i])]
        if drawn:
            points = " ".join(f"{px(x[i]):.1f},{py(mean[i]):.1f}" for i in drawn)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
            parts.extend(
                f'<circle cx="{px(x[i]):.1f}" cy="{py(mean[i]):.1f}" r="3" fill="{color}"/>'
                for i in drawn
            )
        ly = top + 12 + 16 * k
        parts.append(
            f'<rect x="{left + w + 10}" y="{ly - 8}" width="12" height="8" '
            f'fill="{color}"/><text x="{left + w + 26}" y="{ly}">'
            f"{html.escape(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def write_sweep_report(
    sweep_dir: str | os.PathLike[str],
    manifest: dict[str, Any],
    summary: pa.Table,
    results: pa.Table,
    shown: dict[int, dict[str, float]],
) -> Path:
    """Write ``SWEEP_DIR/report.html`` from the sweep's summary and results tables."""
    spec = manifest["spec"]
    params = manifest["parameters"]
    rows = summary.to_pylist()
    level = round(100 * spec["confidence"])
    charts = []
    if params:
        first = params[0]
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            key = ", ".join(f"{p['label']}={row[p['column']]}" for p in params[1:]) or "mean"
            groups.setdefault(key, []).append(row)
        for metric in spec["metrics"]:
            lines = [
                (
                    name,
                    [shown.get(r["variant"], {}).get(first["column"], math.nan) for r in group],
                    [r[f"{metric}_mean"] for r in group],
                    [r[f"{metric}_low"] for r in group],
                    [r[f"{metric}_high"] for r in group],
                )
                for name, group in groups.items()
            ]
            charts.append(
                band_chart(
                    f"{metric} — mean over seeds, {level} % CI band",
                    lines,
                    x_label=first["label"],
                    y_label=metric,
                )
            )
    head = [
        "variant",
        *[p["label"] for p in params],
        "seeds done",
        "failed",
        *[f"{m} (mean [{level} % CI])" for m in spec["metrics"]],
    ]
    body = []
    for row in rows:
        cells = [
            _fmt(row["variant"]),
            *[_fmt(row[p["column"]]) for p in params],
            _fmt(row["seeds_done"]),
            _fmt(row["seeds_failed"]),
        ]
        cells += [
            f"{_fmt(row[f'{m}_mean'])} [{_fmt(row[f'{m}_low'])}, {_fmt(row[f'{m}_high'])}]"
            for m in spec["metrics"]
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    failed = [r for r in results.to_pylist() if r["status"] != "done"]
    failures = "".join(
        f"<tr><td>{html.escape(r['run'])}</td><td>{html.escape(r['status'])}"
        f"</td><td><pre>{html.escape(str(r['error'] or ''))}</pre></td></tr>"
        for r in failed
    )
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>leonet sweep — {html.escape(spec["name"])}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}
table{{border-collapse:collapse;font-size:13px}}td,th{{border:1px solid #ccc;padding:3px 6px;
text-align:right}}pre{{white-space:pre-wrap;text-align:left;margin:0}}</style></head><body>
<h1>Sweep {html.escape(spec["name"])}{" (quick)" if manifest.get("quick") else ""}</h1>
<p>{html.escape(spec.get("description") or "")}</p>
<p>Base scenario <b>{html.escape(str(manifest["base"]))}</b>; {len(rows)} variants,
{results.num_rows} runs ({sum(1 for r in results.to_pylist() if r["status"] == "done")} done).
Bands: {level} % seed-to-seed confidence intervals of the mean (expanded percentile
bootstrap, {spec["resamples"]} resamples); no band where fewer than two seeds finished.</p>
{"".join(f"<figure>{c}</figure>" for c in charts)}
<h2>Summary per variant</h2>
<table><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in head)}</tr>{"".join(body)}</table>
{
        "<h2>Runs not done</h2><table><tr><th>run</th><th>status</th><th>error</th></tr>"
        + failures
        + "</table>"
        if failed
        else ""
    }
<p>Tables: results.parquet (per run), summary.parquet (per variant), terminals.parquet/
(per step) — <code>leonet query {html.escape(str(sweep_dir))} "SELECT * FROM summary"</code>.</p>
</body></html>
"""
    path = Path(sweep_dir) / "report.html"
    atomic_write_text(path, page)
    return path
