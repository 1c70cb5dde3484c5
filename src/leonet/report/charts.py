"""Small inline-SVG charts: time series with event markers, and CDFs.

No JavaScript library and no network: each chart is a ``<svg>`` string that
a self-contained report embeds directly.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Marker", "Series", "cdf_chart", "line_chart", "marker_label_rows"]

PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]


@dataclass
class Series:
    """One line: ``x`` and ``y`` of equal length (NaN breaks the line)."""

    name: str
    x: ArrayLike
    y: ArrayLike


@dataclass
class Marker:
    """A vertical marker at ``x`` (an event), labelled."""

    x: float
    label: str
    color: str = "#c0392b"


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if not np.isfinite(low) or not np.isfinite(high) or high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** np.floor(np.log10(raw))
    step = min((m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw), default=raw)
    first = np.ceil(low / step) * step
    return [float(v) for v in np.arange(first, high + step * 1e-9, step)]


def _fmt(value: float) -> str:
    return f"{value:.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.3g}"


def _thin(x: NDArray[np.float64], y: NDArray[np.float64], n_bins: int) -> NDArray[np.intp]:
    """Indices of the points worth drawing of a series sorted by ``x``: with more than
    4 × ``n_bins`` points, the lowest and highest finite ``y`` of each of ``n_bins`` equal
    ``x`` bins (spikes and dips survive) and both ends of every gap (NaN run), in order."""
    n = y.shape[0]
    if n <= 4 * n_bins:
        return np.arange(n)
    ok = np.isfinite(y)
    span = float(x[-1] - x[0]) or 1.0
    bins = np.clip(((x - x[0]) / span * n_bins).astype(np.int64), 0, n_bins - 1)
    keep = np.zeros(n, dtype=bool)
    keep[[0, -1]] = True
    edges = np.flatnonzero(np.diff(ok.astype(np.int8)) != 0)
    keep[edges] = keep[edges + 1] = True
    finite = np.flatnonzero(ok)
    if finite.size:
        order = finite[np.lexsort((y[finite], bins[finite]))]  # by bin, then by y
        b = bins[order]
        keep[order[np.r_[True, b[1:] != b[:-1]]]] = True  # lowest of each bin
        keep[order[np.r_[b[1:] != b[:-1], True]]] = True  # highest of each bin
    return np.flatnonzero(keep)


_MARKER_CHARS = 28  # a marker's label is cut to this many characters (its tip has all)
_MARKER_CHAR_PX = 5.5  # width of a character of the 10 px marker font, generous
_MARKER_ROW_PX = 12  # rows of marker labels, from the top of the plot down
_MARKER_ROWS = 6  # at most this many rows; a label that fits none is left to its tip


def marker_label_rows(x_px: Sequence[float], labels: Sequence[str]) -> list[int]:
    """The row of each marker's label (0 at the top), so that no two labels overlap:
    labels, taken left to right, go to the first row whose last label ends before them;
    -1 where all :data:`_MARKER_ROWS` rows are taken (the marker keeps its tooltip)."""
    row_end = [-np.inf] * _MARKER_ROWS
    rows = [-1] * len(x_px)
    for k in sorted(range(len(x_px)), key=lambda i: x_px[i]):
        start = x_px[k] + 3
        for r in range(_MARKER_ROWS):
            if row_end[r] + 4 <= start:
                row_end[r] = start + _MARKER_CHAR_PX * len(labels[k])
                rows[k] = r
                break
    return rows


def line_chart(
    title: str,
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    markers: Sequence[Marker] = (),
    width_px: int = 900,
    height_px: int = 300,
    y_min: float | None = None,
) -> str:
    """An SVG line chart; lines with only NaN values are skipped.  A long series (a day at
    1 s) is drawn from its extremes per pixel column (:func:`_thin`), so the page stays
    small and its spikes and gaps stay visible."""
    left, right, top, bottom = 60, 170, 30, 40
    plot_w, plot_h = width_px - left - right, height_px - top - bottom
    xs = [np.asarray(s.x, dtype=np.float64) for s in series]
    ys = [np.asarray(s.y, dtype=np.float64) for s in series]
    finite_x = np.concatenate(
        [x[np.isfinite(y)] for x, y in zip(xs, ys, strict=True)] or [np.zeros(0)]
    )
    finite_y = np.concatenate([y[np.isfinite(y)] for y in ys] or [np.zeros(0)])
    if finite_x.size == 0:
        finite_x = np.array([0.0, 1.0])
    if finite_y.size == 0:
        finite_y = np.array([0.0, 1.0])
    x0, x1 = float(finite_x.min()), float(finite_x.max())
    y0 = float(finite_y.min()) if y_min is None else y_min
    y1 = float(finite_y.max())
    if x1 <= x0:
        x1 = x0 + 1.0
    if y1 <= y0:
        y1 = y0 + 1.0
    pad = 0.05 * (y1 - y0)
    y1 += pad
    y0 = y0 - pad if y_min is None else y0

    def px(x: np.ndarray) -> np.ndarray:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: np.ndarray) -> np.ndarray:
        return top + (y1 - y) / (y1 - y0) * plot_h

    parts = [
        f'<svg class="chart" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="{left}" y="18" class="ct">{html.escape(title)}</text>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" class="frame"/>',
    ]
    for tick in _ticks(y0, y1):
        y = float(py(np.array(tick)))
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" class="tl" text-anchor="end">{_fmt(tick)}</text>'
        )
    for tick in _ticks(x0, x1, 8):
        x = float(px(np.array(tick)))
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" class="tl" '
            f'text-anchor="middle">{_fmt(tick)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{height_px - 4}" class="tl" '
        f'text-anchor="middle">{html.escape(x_label)}</text>'
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2}" class="tl" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2})">{html.escape(y_label)}</text>'
    )
    for k, (s, xv, yv) in enumerate(zip(series, xs, ys, strict=True)):
        color = PALETTE[k % len(PALETTE)]
        drawn = _thin(xv, yv, plot_w)
        xv, yv = xv[drawn], yv[drawn]
        ok = np.isfinite(yv) & np.isfinite(xv)
        if not ok.any():
            continue
        # Break the polyline at gaps (NaN) so outages show as gaps.
        breaks = np.flatnonzero(np.diff(ok.astype(np.int8)) != 0) + 1
        for run in np.split(np.arange(yv.size), breaks):
            if run.size == 0 or not ok[run[0]]:
                continue
            points = " ".join(
                f"{a:.1f},{b:.1f}" for a, b in zip(px(xv[run]), py(yv[run]), strict=True)
            )
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.3"/>'
            )
        legend_y = top + 14 + 16 * k
        parts.append(
            f'<rect x="{left + plot_w + 10}" y="{legend_y - 9}" width="10" height="10" '
            f'fill="{color}"/><text x="{left + plot_w + 24}" y="{legend_y}" class="tl">'
            f"{html.escape(s.name)}</text>"
        )
    shown = [m for m in markers if x0 <= m.x <= x1]
    rows = marker_label_rows(
        [float(px(np.array(m.x))) for m in shown], [m.label[:_MARKER_CHARS] for m in shown]
    )
    for m, row in zip(shown, rows, strict=True):
        x = float(px(np.array(m.x)))
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="{m.color}" stroke-dasharray="4 3"><title>{html.escape(m.label)}'
            f"</title></line>"
        )
        if row >= 0:
            parts.append(
                f'<text x="{x + 3:.1f}" y="{top + 10 + _MARKER_ROW_PX * row}" class="mk" '
                f'fill="{m.color}"><title>{html.escape(m.label)}</title>'
                f"{html.escape(m.label[:_MARKER_CHARS])}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def cdf_chart(
    title: str,
    samples: Sequence[tuple[str, ArrayLike]],
    *,
    x_label: str,
    width_px: int = 440,
    height_px: int = 280,
) -> str:
    """An SVG empirical CDF of each named sample (NaN dropped)."""
    series = []
    for name, values in samples:
        v = np.sort(np.asarray(values, dtype=np.float64).ravel())
        v = v[np.isfinite(v)]
        if v.size > 2_000:  # plot 2,000 quantiles, enough for a smooth curve
            v = np.quantile(v, np.linspace(0, 1, 2_000))
        series.append(Series(name, v, np.linspace(0.0, 1.0, v.size) if v.size else v))
    return line_chart(
        title,
        series,
        x_label=x_label,
        y_label="fraction ≤ x",
        width_px=width_px,
        height_px=height_px,
        y_min=0.0,
    )
