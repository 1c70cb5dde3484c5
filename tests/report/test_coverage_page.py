"""``coverage.html`` is the report's map (one implementation): borders, named places,
gateways and PoPs at their coordinates, and a slot slider — checked in headless Chromium."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from leonet.cli import app
from leonet.ground import load_gateways_2026, load_pops_2026
from support.browser import chromium_driver, console_errors, set_slider

#: A page of a 4-minute run over Ukraine's 48 resolution-3 cells and the 53 bundled
#: places; the slider data are 2 bits a cell a slot, so the page stays ~120 kB.
PAGE_LIMIT_BYTES = 200_000


@pytest.fixture(scope="module")
def coverage_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("coverage")
    result = CliRunner().invoke(
        app,
        [
            "coverage",
            "Ukraine",
            "--constellation",
            "starlink-gen1",
            "--start",
            "2026-05-30T00:00:00Z",
            "--duration",
            "4m",
            "--step",
            "10s",
            "--resolution",
            "3",
            "--min-elevation",
            "70",  # a high mask leaves gaps, so slots differ
            "--slot",
            "30",
            "--out",
            str(out),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


def _marks(page: str) -> dict[tuple[str, str], tuple[float, float]]:
    return {
        (layer, tip): (float(x), float(y))
        for layer, x, y, tip in re.findall(
            r'class="pt" data-layer="([^"]+)" data-x="([\d.]+)" data-y="([\d.]+)">'
            r"<title>[^:]*: ([^<]*)</title>",
            page,
        )
    }


def test_gateways_pops_and_places_sit_at_their_coordinates(coverage_out):
    page = (coverage_out / "coverage.html").read_text()
    proj = json.loads(re.search(r"data-projection='([^']+)'", page).group(1))
    scale, kx = proj["scale_px_per_deg"], proj["kx"]

    def xy(lat, lon):
        return (
            ((lon - proj["lon0_deg"]) * kx + proj["pad_deg"]) * scale,
            ((proj["lat1_deg"] - lat) + proj["pad_deg"]) * scale,
        )

    marks = _marks(page)
    gateways = [
        (n, la, lo) for (layer, n), _ in marks.items() if layer == "gateways" for la, lo in [(0, 0)]
    ]
    assert gateways, "gateways near Ukraine are drawn"
    bundled = load_gateways_2026()  # the set run and calibrate use
    for name, _, _ in gateways:
        k = list(bundled.names).index(name)
        x, y = xy(bundled.lat_deg[k], bundled.lon_deg[k])
        assert marks[("gateways", name)] == pytest.approx((x, y), abs=0.06)
    pops = load_pops_2026()
    drawn_pops = [n for layer, n in marks if layer == "pops"]
    assert "wrswpol1" in drawn_pops  # Warsaw, Ukraine's PoP
    for name in drawn_pops:
        k = list(pops.names).index(name)
        assert marks[("pops", name)] == pytest.approx(
            xy(pops.lat_deg[k], pops.lon_deg[k]), abs=0.06
        )
    # Hand-checked: Kyiv 50.4501 N 30.5234 E and Lviv 49.8397 N 24.0297 E (Wikipedia).
    kyiv = next(v for (layer, tip), v in marks.items() if tip.startswith("Kyiv:"))
    lviv = next(v for (layer, tip), v in marks.items() if tip.startswith("Lviv:"))
    assert kyiv[0] - lviv[0] == pytest.approx((30.5234 - 24.0297) * kx * scale, abs=0.5)
    assert lviv[1] - kyiv[1] == pytest.approx((50.4501 - 49.8397) * scale, abs=0.5)
    assert "Kyiv</text>" in page and "wrswpol1</text>" in page  # names written


def test_the_slider_frames_are_the_cells_served_share_per_slot(coverage_out):
    page = (coverage_out / "coverage.html").read_text()
    data = json.loads(re.search(r'id="slot-data">(.*?)</script>', page).group(1))
    assert len(data["times"]) == 8  # 4 minutes in 30 s slots
    assert data["times"][1] == "2026-05-30 00:00:30"
    cells = pq.read_table(coverage_out / "cells.parquet").column("cell").to_pylist()
    raw = np.frombuffer(base64.b64decode(data["levels"]), np.uint8)
    per = -(-len(cells) // 4)
    levels = ((raw.reshape(8, per)[:, :, None] >> np.array([0, 2, 4, 6])) & 3).reshape(8, -1)
    levels = levels[:, : len(cells)]
    served = pq.read_table(coverage_out / "cells.parquet").column("served_fraction").to_numpy()
    # A cell never served is level 0 in every slot; a cell always served level 3.
    assert np.all(levels[:, served == 0] == 0)
    assert np.all(levels[:, served == 1] == 3)
    assert len(set(map(bytes, levels))) > 1  # slots differ


def test_coverage_page_in_chromium_borders_slider_and_size(coverage_out, tmp_path):
    path = coverage_out / "coverage.html"
    size = path.stat().st_size
    assert size < PAGE_LIMIT_BYTES, f"coverage.html is {size:,} bytes"
    page = path.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    driver = chromium_driver(tmp_path / "profile")
    fills = (
        "return Array.from(document.querySelectorAll('#map polygon[data-cell]'), "
        "p => p.getAttribute('fill'))"
    )
    try:
        driver.get(path.as_uri())
        countries = driver.execute_script(
            "return Array.from(document.querySelectorAll('#borders path'), "
            "p => [p.dataset.country, p.getBBox().width])"
        )
        whole = driver.execute_script(fills)
        shown, info = [], []
        for i in range(9):
            set_slider(driver, i)
            shown.append(driver.execute_script(fills))
            info.append(driver.find_element("id", "slot-info").text)
        driver.execute_script("document.getElementById('play').click()")
        playing = driver.find_element("id", "play").text
        errors = console_errors(driver)
    finally:
        driver.quit()
    widths = dict(countries)
    assert {"Ukraine", "Poland", "Belarus", "Romania"} <= set(widths)
    assert widths["Ukraine"] > 300
    assert shown[0] == whole and info[0].startswith("whole run")
    assert any(s != whole for s in shown[1:])  # the slider redraws the cells
    assert len({tuple(s) for s in shown[1:]}) > 1  # and slots differ
    assert info[1].startswith("2026-05-30 00:00:00 UTC") and "operator: starlink-gen1" in info[1]
    assert "events: none" in info[1]
    assert playing.endswith("pause")
    assert errors == []
