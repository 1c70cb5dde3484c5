"""The cell map's pieces: served levels, their packing, the slider's size, name placement."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from leonet.report.cellmap import (
    MapLayer,
    SlotFrames,
    cell_map_fragment,
    served_levels,
)


def test_served_levels_at_their_thresholds():
    got = served_levels([0.0, 1e-9, 0.4999, 0.5, 0.9999, 1.0, np.nan])
    assert got.tolist() == [0, 1, 1, 2, 2, 3, 0]


def _decode(fragment: str) -> tuple[dict, np.ndarray]:
    """The slider's data and levels, unpacked as the page's script does."""
    data = json.loads(re.search(r'id="slot-data">(.*?)</script>', fragment).group(1))
    return data, np.frombuffer(base64.b64decode(data["levels"]), dtype=np.uint8)


def test_slot_levels_round_trip_as_the_script_reads_them():
    import h3

    cells = sorted(h3.grid_disk(h3.latlng_to_cell(50.45, 30.52, 4), 2))  # 19 cells
    rng = np.random.default_rng(5)
    levels = rng.integers(0, 4, size=(7, len(cells))).astype(np.uint8)
    frames = SlotFrames([f"t{s}" for s in range(7)], levels, ["op"] * 7, [("cut", 2, 4)])
    page = cell_map_fragment(cells, levels.mean(axis=0) / 3, frames=frames, borders=False)
    data, raw = _decode(page)
    per = -(-len(cells) // 4)
    assert raw.size == 7 * per
    k = np.arange(len(cells))
    for s in range(7):  # (bytes[base + (k >> 2)] >> ((k & 3) * 2)) & 3, as in the page
        assert ((raw[s * per + (k >> 2)] >> ((k & 3) * 2)) & 3).tolist() == levels[s].tolist()
    assert data["events"] == [["cut", 2, 4]] and data["times"][3] == "t3"
    assert 'max="7"' in page


def test_slider_of_a_one_hour_run_stays_small():
    """The default run: 2,467 resolution-5 cells over Ukraine, 240 slots of 15 s."""
    import h3

    cells = sorted(h3.grid_disk(h3.latlng_to_cell(49.0, 31.0, 5), 28))[:2467]
    levels = np.random.default_rng(1).integers(0, 4, size=(240, len(cells))).astype(np.uint8)
    frames = SlotFrames(["2026-05-30 12:00:00"] * 240, levels, ["starlink"] * 240)
    with_slider = cell_map_fragment(cells, np.ones(len(cells)), frames=frames, borders=False)
    without = cell_map_fragment(cells, np.ones(len(cells)), borders=False)
    # 2 bits a cell-slot: 2,467 × 240 / 4 bytes = 148 kB, 197 kB in base64, plus labels.
    assert len(with_slider) - len(without) < 215_000


def test_slot_frames_that_do_not_fit_the_cells_are_refused():
    cells = ["841f91dffffffff", "841f917ffffffff"]
    frames = SlotFrames(["a"], np.zeros((1, 3), dtype=np.uint8), ["op"])
    with pytest.raises(ValueError, match=r"levels \(1, 3\).*2 cells"):
        cell_map_fragment(cells, [0.5, 0.5], frames=frames, borders=False)


def test_marker_names_never_overlap_and_stay_inside_the_map():
    lat = 50.0 + np.repeat(np.arange(3), 4) * 0.01  # 12 markers in a 3 × 4 huddle
    lon = 30.0 + np.tile(np.arange(4), 3) * 0.01
    names = [f"site number {k}" for k in range(12)]
    layer = MapLayer("sites", lat, lon, names=names)
    page = cell_map_fragment(["841f91dffffffff"], [1.0], layers=[layer], borders=False)
    width = float(re.search(r'<svg id="map" width="(\d+)"', page).group(1))
    texts = re.findall(r'<text class="pl" x="([-\d.]+)" y="([-\d.]+)">([^<]*)</text>', page)
    assert 1 <= len(texts) < 12  # some fit, the rest are left to the hover tips
    boxes = [(float(x), float(y) - 8.5, float(x) + 6 * len(t), float(y) + 1.5) for x, y, t in texts]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= width
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
