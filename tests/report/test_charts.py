"""Charts: a day of points draws in bounded size and keeps its spikes and gaps."""

import re

import numpy as np

from leonet.report.charts import Series, _thin, line_chart


def _points(svg: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, p.split(","))) for p in m.split()]
        for m in re.findall(r'<polyline points="([^"]+)"', svg)
    ]


def test_a_day_at_one_second_draws_small_with_its_spike_and_gap():
    x = np.arange(86_400) / 60.0  # minutes
    y = 20.0 + np.sin(x / 30.0)
    y[40_000] = 95.0  # one-second spike
    y[60_000:60_300] = np.nan  # a five-minute outage
    svg = line_chart("RTT", [Series("a", x, y)], x_label="min", y_label="ms")
    lines = _points(svg)
    assert len(svg) < 60_000  # ~2 points per pixel column, not 86,400
    assert len(lines) == 2  # the outage splits the line
    tops = [min(py for _, py in line) for line in lines]
    # The spike is drawn: the highest point is at the chart's top (y is inverted in SVG).
    assert min(tops) < 45.0  # (a day without it would top out near the bottom)
    gap_start = max(px for px, _ in lines[0])
    gap_end = min(px for px, _ in lines[1])
    assert gap_end - gap_start > 1.0  # visible, about 2 px wide


def test_thin_keeps_extremes_per_bin_and_gap_ends():
    rng = np.random.default_rng(2)
    x = np.arange(10_000, dtype=float)
    y = rng.normal(size=10_000)
    y[5_000:5_010] = np.nan
    keep = _thin(x, y, 100)
    assert keep.size < 500 and np.all(np.diff(keep) > 0)
    assert {4_999, 5_000, 5_009, 5_010} <= set(keep.tolist())
    bins = (x / x[-1] * 100).astype(int).clip(0, 99)
    for b in range(100):
        in_bin = np.flatnonzero((bins == b) & np.isfinite(y))
        assert in_bin[np.argmax(y[in_bin])] in keep and in_bin[np.argmin(y[in_bin])] in keep
    small = np.arange(50)
    np.testing.assert_array_equal(_thin(small.astype(float), small.astype(float), 100), small)


def test_event_labels_close_together_never_overlap():
    from leonet.report.charts import Marker, marker_label_rows

    # Five events within a minute of an hour-long chart: one pixel column apart or less.
    markers = [Marker(20.0 + k * 0.2, f"start: policy cut-off number {k}") for k in range(5)]
    svg = line_chart(
        "A",
        [Series("a", np.arange(60.0), np.ones(60))],
        x_label="min",
        y_label="x",
        markers=markers,
    )
    labels = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" class="mk"[^>]*><title>[^<]*</title>'
        r"([^<]*)</text>",
        svg,
    )
    assert len(labels) == 5  # every label is written
    boxes = [(float(x), float(y) - 10, float(x) + 5.5 * len(t), float(y)) for x, y, t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    # Labels far apart share the top row.
    assert marker_label_rows([10.0, 400.0], ["a" * 28, "b" * 28]) == [0, 0]
    assert marker_label_rows([10.0, 20.0], ["a" * 28, "b" * 28]) == [0, 1]
