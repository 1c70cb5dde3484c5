"""The cell map's pieces: served levels, their packing, the slider's size, name placement."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest

from leonet.report import cellmap
from leonet.report.cellmap import (
    MapLayer,
    SlotFrames,
    cell_map_fragment,
    served_levels,
    slot_frames,
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


def test_slot_frames_of_a_short_run_are_its_slots():
    start = 1_780_142_400 * 10**9 + np.arange(3) * 15 * 10**9
    served = np.array([[1.0, np.nan], [0.5, 0.0], [0.2, 1.0]])
    f = slot_frames(start, served, "starlink", [("cut", 1, 2)])
    assert f.times == ["2026-05-30 12:00:00", "2026-05-30 12:00:15", "2026-05-30 12:00:30"]
    assert f.levels.tolist() == [[3, 0], [2, 0], [1, 3]]
    assert f.operators == ["starlink"] * 3 and list(f.events) == [("cut", 1, 2)]


def test_a_long_runs_frames_are_whole_slots_averaged_and_events_follow(monkeypatch):
    # A day of 15-s slots: 480 frames of 12 slots; with 20,000 cells 200 frames (4 M
    # cell-frames, 2 bits each: 1 MB of page).
    assert cellmap.slots_per_frame(5760, 2467) == 12
    assert cellmap.slots_per_frame(5760, 20_000) == -(-5760 // 200)
    monkeypatch.setattr(cellmap, "MAX_FRAMES", 4)  # 10 slots → 4 frames of 3 (the last 1)
    start = np.arange(10, dtype=np.int64) * 15 * 10**9
    served = np.zeros((10, 2))
    served[0:3, 0] = 1.0  # frame 0 all served: 3
    served[3, 0] = 1.0  # frame 1: 1 of 3 slots: under half, 1
    served[6:8, 0] = 1.0  # frame 2: 2 of 3: half or more, 2
    served[:, 1] = np.nan  # never: 0
    f = slot_frames(start, served, "op", [("cut", 4, 9), ("blip", 2, 2)])
    assert cellmap.slots_per_frame(10, 2) == 3
    assert f.levels.tolist() == [[3, 0], [1, 0], [2, 0], [0, 0]]
    assert f.times[1] == "1970-01-01 00:00:45" and len(f.times) == 4
    assert f.operators == ["op", "op", "op", "none"]
    assert list(f.events) == [("cut", 1, 3), ("blip", 0, 0)]


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
