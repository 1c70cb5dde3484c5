"""A self-contained HTML map of hexagonal service cells coloured by a value.

The page is one file with inline SVG, CSS and a few lines of vanilla script (hover
read-out, time slider): it opens offline, in any browser, and can be attached to an
e-mail.  Cells are drawn from their H3 boundaries in an equirectangular projection
scaled by cos(mean latitude), which keeps a country-sized map close to true shape
(:class:`Projection`; its numbers are on the ``<svg>`` as ``data-projection``).

Under the cells lie the Natural Earth countries that reach into the map, clipped to it
and simplified to about a pixel (:func:`leonet.ground.countries_in_box`); over them the
point layers with their names.  A :class:`SlotFrames` adds a slider and a play button
that show each slot's served state per cell (two bits a cell, base64 in the page), the
serving operator and the events in force.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "LAYER_STYLES",
    "MAP_CSS",
    "MAX_FRAMES",
    "MAX_FRAME_CELLS",
    "MapLayer",
    "Projection",
    "SlotFrames",
    "cell_map_fragment",
    "named_layer",
    "render_cell_map",
    "served_levels",
    "slot_frames",
    "slots_per_frame",
]

# Viridis-like ramp, low → high (colour-blind safe).
_RAMP = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]

#: The served fraction each slot level is drawn as: none, under half, half or more, all.
_LEVEL_VALUES = (0.0, 0.25, 0.75, 1.0)

#: The most frames of the time slider: a longer run shows several slots a frame.
MAX_FRAMES = 480
#: The most cell-frames (cells × frames) of the slider: 2 bits each, so at most 1 MB of
#: the page.
MAX_FRAME_CELLS = 4_000_000

_LABEL_FONT_PX = 10
_CHAR_W_PX = 0.6 * _LABEL_FONT_PX  # width of an average character of the label font

MAP_CSS = """
svg#map{background:#dfeaf3;border:1px solid #ccc}
.land{fill:var(--land,#f4f1ea);stroke:#8a8a8a;stroke-width:.6}
use.over{--land:none;pointer-events:none}
.cname{font-size:12px;fill:#777;font-style:italic;text-anchor:middle}
polygon[data-cell]{stroke:#fff;stroke-width:.3}
polygon[data-cell]:hover{stroke:#000;stroke-width:1.2}
.outline{fill:none;stroke:#333;stroke-width:1}
.pt{stroke:#fff;stroke-width:1}
.pl{font-size:10px;fill:#111;paint-order:stroke;stroke:#fff;stroke-width:2.5px}
.legend span{margin-right:1.2em}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
.ramp{display:inline-block;width:200px;height:10px;vertical-align:middle;
  background:linear-gradient(to right,#440154,#3b528b,#21918c,#5ec962,#fde725)}
#readout,#slot-info{min-height:1.4em;font-family:monospace}
.slots input[type=range]{width:600px;vertical-align:middle}
"""


@dataclass
class MapLayer:
    """Named points drawn over the cells (terminals, gateways, PoPs, jammers).

    ``labels`` are the hover tips; ``names`` the short texts written beside the
    markers (none if empty).  A name that would overlap one already written is left
    to the tip.
    """

    name: str
    lat_deg: ArrayLike
    lon_deg: ArrayLike
    labels: Sequence[str] = field(default_factory=list)
    color: str = "#e4572e"
    shape: str = "circle"  # circle | square | triangle
    names: Sequence[str] = field(default_factory=list)


#: Each point layer's colour and marker, the same on every map.
LAYER_STYLES: dict[str, tuple[str, str]] = {
    "terminals": ("#e4572e", "circle"),
    "mobile terminals": ("#ff00aa", "triangle"),
    "gateways": ("#2c3e50", "square"),
    "pops": ("#8e44ad", "square"),
    "jammers": ("#000000", "triangle"),
}


def named_layer(
    name: str,
    names: Iterable[object],
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    labels: Sequence[str] | None = None,
) -> MapLayer:
    """A point layer of :data:`LAYER_STYLES` (``"terminals"``, ``"gateways"``, ``"pops"``,
    ...): each point written with its name; ``labels`` the hover tips (default: names)."""
    colour, shape = LAYER_STYLES[name]
    texts = [str(n) for n in names]
    return MapLayer(
        name, lat_deg, lon_deg, texts if labels is None else list(labels), colour, shape, texts
    )


@dataclass(frozen=True)
class Projection:
    """Degrees to SVG pixels: ``x = ((lon - lon0) * kx + pad) * scale``,
    ``y = ((lat1 - lat) + pad) * scale``, with ``kx = cos(mean latitude)``."""

    lon0_deg: float
    lat1_deg: float
    kx: float
    pad_deg: float
    scale_px_per_deg: float

    def xy(
        self, lat_deg: ArrayLike, lon_deg: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        lat = np.asarray(lat_deg, dtype=np.float64)
        lon = np.asarray(lon_deg, dtype=np.float64)
        return (
            ((lon - self.lon0_deg) * self.kx + self.pad_deg) * self.scale_px_per_deg,
            ((self.lat1_deg - lat) + self.pad_deg) * self.scale_px_per_deg,
        )

    def as_json(self) -> str:
        return json.dumps(
            {
                "lon0_deg": self.lon0_deg,
                "lat1_deg": self.lat1_deg,
                "kx": self.kx,
                "pad_deg": self.pad_deg,
                "scale_px_per_deg": self.scale_px_per_deg,
            }
        )


@dataclass
class SlotFrames:
    """The time slider's data: per slot its UTC label, the served level of each cell
    (``(slot, cell)`` ints 0–3 from :func:`served_levels`, cells in the map's order),
    the serving operator(s), and events as ``(label, first_slot, last_slot)``."""

    times: Sequence[str]
    levels: NDArray[np.uint8]
    operators: Sequence[str]
    events: Sequence[tuple[str, int, int]] = ()


def served_levels(served_fraction: ArrayLike) -> NDArray[np.uint8]:
    """Two-bit served state of a served fraction: 0 none, 1 under half, 2 half or more
    but not all, 3 all of the slot (NaN counts as none)."""
    f = np.nan_to_num(np.asarray(served_fraction, dtype=np.float64), nan=0.0)
    return np.select([f >= 1.0, f >= 0.5, f > 0.0], [3, 2, 1], 0).astype(np.uint8)


def slots_per_frame(n_slots: int, n_cells: int) -> int:
    """Slots a frame of the time slider shows so that it has at most :data:`MAX_FRAMES`
    frames and :data:`MAX_FRAME_CELLS` cell-frames (1 where the run is short)."""
    cap = max(1, min(MAX_FRAMES, MAX_FRAME_CELLS // max(n_cells, 1)))
    return max(1, -(-n_slots // cap))


def slot_frames(
    slot_start_ns: ArrayLike,
    served_fraction: ArrayLike,
    operator: str,
    events: Sequence[tuple[str, int, int]] = (),
) -> SlotFrames:
    """The slider's frames of slots starting at ``slot_start_ns`` ``(slot,)`` (int64 ns,
    UTC) with each cell's served fraction ``(slot, cell)`` (NaN: none): the levels of
    :func:`served_levels`, ``operator`` in the frames where any cell is served (else
    ``"none"``), and the ``events`` given as ``(label, first_slot, last_slot)``.  A long
    run's frames are :func:`slots_per_frame` slots each (their mean served fraction).
    The one constructor ``report.html`` and ``coverage.html`` share."""
    start = np.asarray(slot_start_ns, dtype=np.int64).reshape(-1)
    frac = np.nan_to_num(np.asarray(served_fraction, dtype=np.float64), nan=0.0)
    frac = frac.reshape(start.size, -1)
    k = slots_per_frame(start.size, frac.shape[1])
    if k > 1:
        first = np.arange(0, start.size, k)
        frac = np.add.reduceat(frac, first, axis=0) / np.diff(np.r_[first, start.size])[:, None]
        start = start[first]
        events = [(label, a // k, b // k) for label, a, b in events]
    levels = served_levels(frac)
    serving = np.where(levels.any(axis=1), operator, "none")
    times = np.datetime_as_string(start.astype("datetime64[ns]"), unit="s")
    return SlotFrames(
        [str(t).replace("T", " ") for t in times], levels, [str(o) for o in serving], events
    )


def _pack_levels(levels: NDArray[np.uint8]) -> str:
    """Base64 of the levels, four cells a byte (cell ``k`` at bits ``2 (k mod 4)``),
    each slot starting on a new byte."""
    n_slots, n_cells = levels.shape
    per = -(-n_cells // 4)
    padded = np.zeros((n_slots, per * 4), dtype=np.uint8)
    padded[:, :n_cells] = levels & 3
    quads = padded.reshape(n_slots, per, 4)
    packed = quads[..., 0] | quads[..., 1] << 2 | quads[..., 2] << 4 | quads[..., 3] << 6
    return base64.b64encode(packed.astype(np.uint8).tobytes()).decode("ascii")


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


def _path(geom: object, proj: Projection) -> str:
    """SVG path data of a shapely (Multi)Polygon in lon/lat degrees."""
    paths = []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            arr = np.asarray(ring.coords)
            x, y = proj.xy(arr[:, 1], arr[:, 0])
            paths.append(
                "M" + " L".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True)) + "Z"
            )
    return " ".join(paths)


def _borders(proj: Projection, width_px: int, height_px: int) -> tuple[str, str]:
    """The countries under the map, one ``<path class="land">`` each, and the names of
    those that show a sizeable part."""
    from leonet.ground.regions import countries_in_box

    lon_min = proj.lon0_deg - proj.pad_deg / proj.kx
    lon_max = lon_min + width_px / proj.scale_px_per_deg / proj.kx
    lat_max = proj.lat1_deg + proj.pad_deg
    lat_min = lat_max - height_px / proj.scale_px_per_deg
    tolerance = 0.7 / proj.scale_px_per_deg  # under a pixel
    land, names = [], []
    for region in countries_in_box(
        lon_min, max(lat_min, -90.0), lon_max, min(lat_max, 90.0), tolerance
    ):
        land.append(
            f'<path class="land" data-country="{html.escape(region.name)}" '
            f'd="{_path(region.geometry, proj)}"/>'
        )
        box = region.geometry.bounds
        if (box[2] - box[0]) * proj.kx * proj.scale_px_per_deg > 12 * len(region.name):
            spot = region.geometry.representative_point()
            x, y = proj.xy(spot.y, spot.x)
            names.append(
                f'<text class="cname" x="{float(x):.1f}" y="{float(y):.1f}">'
                f"{html.escape(region.name)}</text>"
            )
    return f'<g id="borders">{"".join(land)}</g>', f'<g id="countries">{"".join(names)}</g>'


class _LabelPlacer:
    """Greedy placement of marker names: right, left, above or below the marker, the
    first spot inside the map that overlaps no marker and no name already placed; else
    none."""

    def __init__(self, markers_xy: NDArray[np.float64], width_px: int, height_px: int) -> None:
        self.size = (width_px, height_px)
        self.boxes: list[tuple[float, float, float, float]] = [
            (float(x) - 5, float(y) - 5, float(x) + 5, float(y) + 5) for x, y in markers_xy
        ]

    def place(self, x: float, y: float, text: str) -> str:
        w, h = _CHAR_W_PX * len(text), _LABEL_FONT_PX
        for x0, y0 in (
            (x + 7, y - h / 2),
            (x - 7 - w, y - h / 2),
            (x - w / 2, y - 7 - h),
            (x - w / 2, y + 7),
        ):
            box = (x0, y0, x0 + w, y0 + h)
            inside = x0 >= 0 and y0 >= 0 and box[2] <= self.size[0] and box[3] <= self.size[1]
            if inside and all(
                box[2] <= b[0] or b[2] <= box[0] or box[3] <= b[1] or b[3] <= box[1]
                for b in self.boxes
            ):
                self.boxes.append(box)
                return (
                    f'<text class="pl" x="{x0:.1f}" y="{y0 + h - 1.5:.1f}">'
                    f"{html.escape(text)}</text>"
                )
        return ""


def _layers_svg(
    layers: Sequence[MapLayer], proj: Projection, width_px: int, height_px: int
) -> tuple[str, str, str]:
    """Markers, their names and the legend entries of the point layers."""
    points = [
        proj.xy(
            np.atleast_1d(np.asarray(layer.lat_deg, float)),
            np.atleast_1d(np.asarray(layer.lon_deg, float)),
        )
        for layer in layers
    ]
    every = np.concatenate([np.column_stack(p) for p in points]) if points else np.zeros((0, 2))
    placer = _LabelPlacer(every, width_px, height_px)
    marks, texts, legend = [], [], []
    for layer, (x, y) in zip(layers, points, strict=True):
        labels = list(layer.labels) or [layer.name] * x.size
        names = list(layer.names)
        for k, (a, b, label) in enumerate(zip(x, y, labels, strict=True)):
            tip = f"<title>{html.escape(layer.name)}: {html.escape(str(label))}</title>"
            if layer.shape == "square":
                shape = f'<rect x="{a - 4:.1f}" y="{b - 4:.1f}" width="8" height="8"'
            elif layer.shape == "triangle":
                corners = f"{a:.1f},{b - 5:.1f} {a - 5:.1f},{b + 4:.1f} {a + 5:.1f},{b + 4:.1f}"
                shape = f'<polygon points="{corners}"'
            else:
                shape = f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4"'
            marks.append(
                f'{shape} fill="{layer.color}" class="pt" '
                f'data-layer="{html.escape(layer.name)}" data-x="{a:.1f}" '
                f'data-y="{b:.1f}">{tip}</{shape.split()[0][1:]}>'
            )
            if k < len(names) and names[k]:
                texts.append(placer.place(float(a), float(b), str(names[k])))
        legend.append(
            f'<span><i style="background:{layer.color}"></i>{html.escape(layer.name)}</span>'
        )
    return "".join(marks), "".join(texts), "".join(legend)


def _slider(frames: SlotFrames, n_cells: int) -> str:
    levels = np.asarray(frames.levels, dtype=np.uint8)
    n_slots = len(frames.times)
    if levels.shape != (n_slots, n_cells) or len(frames.operators) != n_slots:
        raise ValueError(
            f"slot frames: levels {levels.shape}, {len(frames.operators)} "
            f"operators and {n_slots} times do not match {n_cells} cells"
        )
    data = {
        "times": list(frames.times),
        "operators": list(frames.operators),
        "events": [list(e) for e in frames.events],
        "colours": [_colour(v, 0.0, 1.0) for v in _LEVEL_VALUES],
        "levels": _pack_levels(levels),
    }
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return f"""<div class="slots"><button id="play" type="button">▶ play</button>
<input id="slot" type="range" min="0" max="{n_slots}" value="0" step="1"
 aria-label="slot: 0 is the whole run">
<div id="slot-info">whole run: availability of each cell</div></div>
<script type="application/json" id="slot-data">{blob}</script>
<script>
(() => {{
  const S = JSON.parse(document.getElementById("slot-data").textContent);
  const raw = atob(S.levels), bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  const cells = Array.from(document.querySelectorAll("#map polygon[data-cell]"));
  const whole = cells.map((p) => p.getAttribute("fill"));
  const per = Math.ceil(cells.length / 4), names = ["none", "<50%", ">=50%", "all"];
  const slider = document.getElementById("slot"), info = document.getElementById("slot-info");
  function show(i) {{
    if (i === 0) {{
      cells.forEach((p, k) => {{ p.setAttribute("fill", whole[k]); delete p.dataset.level; }});
      info.textContent = "whole run: availability of each cell";
      return;
    }}
    const s = i - 1, base = s * per;
    let served = 0;
    cells.forEach((p, k) => {{
      const lv = (bytes[base + (k >> 2)] >> ((k & 3) * 2)) & 3;
      if (lv > 0) served++;
      p.setAttribute("fill", S.colours[lv]);
      p.dataset.level = names[lv];
    }});
    const ev = S.events.filter((e) => e[1] <= s && s <= e[2]).map((e) => e[0]);
    info.textContent = S.times[s] + " UTC | " + served + "/" + cells.length +
      " cells served | operator: " + S.operators[s] + " | events: " +
      (ev.length ? ev.join("; ") : "none");
  }}
  slider.addEventListener("input", () => show(Number(slider.value)));
  let timer = null;
  document.getElementById("play").addEventListener("click", (b) => {{
    if (timer) {{ clearInterval(timer); timer = null; b.target.textContent = "▶ play"; return; }}
    b.target.textContent = "❚❚ pause";
    timer = setInterval(() => {{
      slider.value = String(Number(slider.value) % S.times.length + 1);
      show(Number(slider.value));
    }}, 400);
  }});
}})();
</script>"""


def cell_map_fragment(  # noqa: PLR0913 — keyword-only options with defaults
    cells: Sequence[str],
    values: ArrayLike,
    *,
    value_label: str = "served fraction",
    value_range: tuple[float, float] = (0.0, 1.0),
    outline: object | None = None,
    layers: Sequence[MapLayer] = (),
    borders: bool = True,
    frames: SlotFrames | None = None,
    width_px: int = 960,
) -> str:
    """The map as an HTML fragment (legend, read-out, ``<svg id="map">``, slider and
    script) for a page that has :data:`MAP_CSS`; see :func:`render_cell_map`."""
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
    kx = float(np.cos(np.deg2rad((lat0 + lat1) / 2)))
    pad = 0.03 * max(lat1 - lat0, (lon1 - lon0) * kx, 1e-6)
    span_x = (lon1 - lon0) * kx + 2 * pad
    span_y = (lat1 - lat0) + 2 * pad
    scale = width_px / span_x
    height_px = int(span_y * scale) + 1
    proj = Projection(lon0, lat1, kx, pad, scale)

    parts = []
    for cell, ring, value in zip(cells, rings, vals, strict=True):
        x, y = proj.xy(ring[:, 0], ring[:, 1])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x, y, strict=True))
        parts.append(
            f'<polygon points="{points}" fill="{_colour(value, *value_range)}" '
            f'data-cell="{cell}" data-value="{value:.4g}"/>'
        )
    land, country_names = _borders(proj, width_px, height_px) if borders else ("", "")
    outline_svg = (
        f'<path class="outline" d="{_path(outline, proj)}"/>' if outline is not None else ""
    )
    over = '<use class="over" href="#borders"/>' if land else ""
    marks, texts, legend_items = _layers_svg(layers, proj, width_px, height_px)
    low, high = value_range
    slider = _slider(frames, len(cells)) if frames is not None else ""
    return f"""<div class="legend">{html.escape(value_label)}: {low:g} <span class="ramp"></span>
{high:g} &nbsp; <span><i style="background:#bbb"></i>no data</span> {legend_items}</div>
<div id="readout">hover a cell</div>
<svg id="map" width="{width_px}" height="{height_px}" viewBox="0 0 {width_px} {height_px}"
 data-projection='{proj.as_json()}'>
{land}{country_names}<g id="cells">{"".join(parts)}</g>{over}{outline_svg}
<g id="markers">{marks}</g><g id="names">{texts}</g>
</svg>
{slider}
<script>
document.getElementById("map").addEventListener("mouseover", (e) => {{
  const d = e.target.dataset;
  if (d && d.cell) document.getElementById("readout").textContent = d.cell + "  " +
    {json.dumps(value_label)} + " = " + d.value + (d.level ? "  this slot: " + d.level : "");
}});
</script>"""


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
    borders: bool = True,
    frames: SlotFrames | None = None,
    width_px: int = 960,
) -> str:
    """HTML text of a map of H3 ``cells`` coloured by ``values`` (one per cell).

    ``outline`` is an optional shapely (Multi)Polygon in lon/lat degrees (e.g. the
    country); ``layers`` add labelled points; ``summary_rows`` a key/value table;
    ``borders`` draws the countries under the map; ``frames`` adds the time slider.
    """
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary_rows
    )
    fragment = cell_map_fragment(
        cells,
        values,
        value_label=value_label,
        value_range=value_range,
        outline=outline,
        layers=layers,
        borders=borders,
        frames=frames,
        width_px=width_px,
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>
body{{font:14px system-ui,sans-serif;margin:1.5em;color:#222}}
table{{border-collapse:collapse;margin:1em 0}}
th,td{{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}}
{MAP_CSS}
</style></head><body>
<h1>{html.escape(title)}</h1>
<table>{rows}</table>
{fragment}
</body></html>
"""
