"""A self-contained HTML map of hexagonal service cells coloured by a value.

The page is one file with inline SVG, CSS and a few lines of script for the
hover read-out: it opens offline, in any browser, and can be attached to an
e-mail.  Cells are drawn from their H3 boundaries in an equirectangular
projection scaled by cos(mean latitude), which keeps a country-sized map
close to true shape.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["MapLayer", "render_cell_map"]

# Viridis-like ramp, low → high (colour-blind safe).
_RAMP = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]


@dataclass
class MapLayer:
    """Named points drawn over the cells (terminals, gateways, PoPs, jammers)."""

    name: str
    lat_deg: ArrayLike
    lon_deg: ArrayLike
    labels: Sequence[str] = field(default_factory=list)
    color: str = "#e4572e"
    shape: str = "circle"  # circle | square | triangle


def _colour(value: float, low: float, high: float) -> str:
    if not np.isfinite(value):
        return "#bbbbbb"
    x = 0.0 if high <= low else min(max((value - low) / (high - low), 0.0), 1.0)
    pos = x * (len(_RAMP) - 1)
    i = min(int(pos), len(_RAMP) - 2)
    f = pos - i
    a = [int(_RAMP[i][k : k + 2], 16) for k in (1, 3, 5)]
    b = [int(_RAMP[i + 1][k : k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(u + (v - u) * f):02x}" for u, v in zip(a, b, strict=True))


def render_cell_map(  # noqa: PLR0913 — keyword-only options with defaults
    title: str,
    cells: Sequence[str],
    values: ArrayLike,
    *,
    value_label: str = "served fraction",
    value_range: tuple[float, float] = (0.0, 1.0),
    outline: object | None = None,
    layers: Sequence[MapLayer] = (),
    summary_rows: Sequence[tuple[str, str]] = (),
    width_px: int = 960,
) -> str:
    """HTML text of a map of H3 ``cells`` coloured by ``values`` (one per cell).

    ``outline`` is an optional shapely (Multi)Polygon in lon/lat degrees (e.g. the
    country); ``layers`` add labelled points; ``summary_rows`` a key/value table.
    """
    import h3

    vals = np.asarray(values, dtype=np.float64)
    if len(cells) != vals.shape[0]:
        raise ValueError(f"{len(cells)} cells but {vals.shape[0]} values")
    rings = [np.asarray(h3.cell_to_boundary(c), dtype=np.float64) for c in cells]  # (lat, lon)
    lat_all = np.concatenate([r[:, 0] for r in rings]) if rings else np.array([0.0])
    lon_all = np.concatenate([r[:, 1] for r in rings]) if rings else np.array([0.0])
    for layer in layers:
        lat_all = np.concatenate([lat_all, np.atleast_1d(np.asarray(layer.lat_deg, float))])
        lon_all = np.concatenate([lon_all, np.atleast_1d(np.asarray(layer.lon_deg, float))])
    lat0, lat1 = float(lat_all.min()), float(lat_all.max())
    lon0, lon1 = float(lon_all.min()), float(lon_all.max())
    kx = np.cos(np.deg2rad((lat0 + lat1) / 2))
    pad = 0.03 * max(lat1 - lat0, (lon1 - lon0) * kx, 1e-6)
    span_x = (lon1 - lon0) * kx + 2 * pad
    span_y = (lat1 - lat0) + 2 * pad
    scale = width_px / span_x
    height_px = int(span_y * scale) + 1

    def xy(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return ((lon - lon0) * kx + pad) * scale, ((lat1 - lat) + pad) * scale

    parts = []
    for cell, ring, value in zip(cells, rings, vals, strict=True):
        x, y = xy(ring[:, 0], ring[:, 1])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
        parts.append(
            f'<polygon points="{points}" fill="{_colour(value, *value_range)}" '
            f'data-cell="{cell}" data-value="{value:.4g}"/>'
        )
    outline_svg = ""
    if outline is not None:
        geoms = getattr(outline, "geoms", [outline])
        paths = []
        for poly in geoms:
            for ring_coords in [poly.exterior, *poly.interiors]:
                arr = np.asarray(ring_coords.coords)
                x, y = xy(arr[:, 1], arr[:, 0])
                paths.append(
                    "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)) + "Z"
                )
        outline_svg = f'<path class="outline" d="{" ".join(paths)}"/>'
    layer_svg, legend_items = [], []
    for layer in layers:
        lat = np.atleast_1d(np.asarray(layer.lat_deg, float))
        lon = np.atleast_1d(np.asarray(layer.lon_deg, float))
        labels = list(layer.labels) or [layer.name] * lat.size
        x, y = xy(lat, lon)
        for a, b, label in zip(x, y, labels, strict=True):
            tip = f"<title>{html.escape(layer.name)}: {html.escape(str(label))}</title>"
            if layer.shape == "square":
                shape = f'<rect x="{a - 4:.1f}" y="{b - 4:.1f}" width="8" height="8"'
            elif layer.shape == "triangle":
                corners = f"{a:.1f},{b - 5:.1f} {a - 5:.1f},{b + 4:.1f} {a + 5:.1f},{b + 4:.1f}"
                shape = f'<polygon points="{corners}"'
            else:
                shape = f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4"'
            layer_svg.append(
                f'{shape} fill="{layer.color}" class="pt">{tip}</{shape.split()[0][1:]}>'
            )
        legend_items.append(
            f'<span><i style="background:{layer.color}"></i>{html.escape(layer.name)}</span>'
        )
    ramp = ", ".join(_RAMP)
    low, high = value_range
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary_rows
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body{{font:14px system-ui,sans-serif;margin:1.5em;color:#222}}
svg{{background:#f4f6f8;border:1px solid #ccc}}
polygon[data-cell]{{stroke:#fff;stroke-width:.3}}
polygon[data-cell]:hover{{stroke:#000;stroke-width:1.2}}
.outline{{fill:none;stroke:#333;stroke-width:1}}
.pt{{stroke:#fff;stroke-width:1}}
.legend span{{margin-right:1.2em}}
.legend i{{display:inline-block;width:10px;height:10px;margin-right:4px}}
.ramp{{display:inline-block;width:200px;height:10px;vertical-align:middle;
  background:linear-gradient(to right,{ramp})}}
table{{border-collapse:collapse;margin:1em 0}}
th,td{{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}}
#readout{{min-height:1.4em;font-family:monospace}}
</style></head><body>
<h1>{html.escape(title)}</h1>
<table>{rows}</table>
<div class="legend">{html.escape(value_label)}: {low:g} <span class="ramp"></span> {high:g}
&nbsp; <span><i style="background:#bbb"></i>no data</span> {"".join(legend_items)}</div>
<div id="readout">hover a cell</div>
<svg id="map" width="{width_px}" height="{height_px}" viewBox="0 0 {width_px} {height_px}">
{"".join(parts)}{outline_svg}{"".join(layer_svg)}
</svg>
<script>
const label = {json.dumps(value_label)};
document.getElementById("map").addEventListener("mouseover", (e) => {{
  const c = e.target.dataset && e.target.dataset.cell;
  if (c) document.getElementById("readout").textContent =
    c + "  " + label + " = " + e.target.dataset.value;
}});
</script>
</body></html>
"""
