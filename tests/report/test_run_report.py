"""The run report: self-contained, and it renders in headless Chromium with no script errors."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from leonet.engine.run import run_scenario
from leonet.report.run_report import write_report
from leonet.scenario import load_scenario, with_overrides
from support.browser import chromium_driver, console_errors, set_slider
from support.svg import drawn_land


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("quick")
    run_scenario(with_overrides(load_scenario("quick"), duration=120.0), out)
    return out


def test_report_is_self_contained(run_dir):
    page = (run_dir / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "no external loads"
    for section in (
        "Summary",
        "Time series",
        "Distributions",
        "Outage by cause",
        "Impact of each event",
        "Applications",
        "Terminals",
    ):
        assert f"<h2>{section}" in page
    assert page.count("<svg") >= 5  # three time series and two CDFs at least
    assert "Kyiv" in page
    from leonet.results.metrics import run_summary

    busy = run_summary(run_dir)["busy_rtt_p50_ms"]
    assert "busy-hour RTT p50" in page and f"{busy:,.1f} ms" in page
    assert (
        "15-s means (Starlink&#x27;s measure)" in page or "15-s means (Starlink's measure)" in page
    )


def test_report_rewrites_atomically(run_dir):
    before = (run_dir / "report.html").read_text()
    write_report(run_dir)
    assert (run_dir / "report.html").read_text() == before
    assert not list(run_dir.glob(".report.html.*"))


def test_report_renders_in_headless_chromium_without_script_errors(run_dir, tmp_path):
    driver = chromium_driver(tmp_path / "profile")
    try:
        driver.get((run_dir / "report.html").as_uri())
        title = driver.title
        svgs = driver.execute_script("return document.querySelectorAll('svg').length")
        width = driver.execute_script(
            "return document.querySelector('svg.chart').getBoundingClientRect().width"
        )
        errors = console_errors(driver)
    finally:
        driver.quit()
    assert title.startswith("leonet run")
    assert svgs >= 5 and width > 100
    assert errors == []


# A small run with cells, a scheduler and events close together, for the map and timeline.
MAP_SCENARIO = """
name: mapcheck
seed: 3
time: {start: "2026-05-30T12:00:00Z", duration: 4m, step_s: 10}
constellations: [{preset: starlink-gen1}]
ground:
  terminals: [{place: Kyiv}, {place: Lviv}, {place: Kharkiv}]
  cells: {region: Ukraine, resolution: 3}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
network: {mode: hybrid, access: scheduled}
scheduler: {strategy: highest-elevation, slot_s: 30}
policy:
  service_areas: [{name: Ukraine, region: Ukraine}]
  events:
    - action: cut-off
      area: {name: east, polygon: {lat_deg: [52, 52, 44, 44], lon_deg: [33, 41, 41, 33]}}
      start: "+2m"
      description: the east is cut off
faults:
  gateways: [{names: ["Wola Krobowska, Poland"], start: "+2m", end: "+3m"}]
  pops: [{names: [wrswpol1], start: "+130s", end: "+3m"}]
outputs: {cells_every: slot, report: true}
"""


@pytest.fixture(scope="module")
def map_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("mapcheck") / "mapcheck.yaml"
    path.write_text(MAP_SCENARIO)
    out = tmp_path_factory.mktemp("maprun")
    run_scenario(load_scenario(path), out)
    return out


def test_map_markers_sit_at_their_coordinates_on_the_drawn_land(map_run):
    import json

    import pyarrow.parquet as pq

    page = (map_run / "report.html").read_text()
    proj = json.loads(re.search(r"data-projection='([^']+)'", page).group(1))
    marks = {
        (m[0], m[1]): (float(m[2]), float(m[3]))
        for m in re.findall(
            r'class="pt" data-layer="([^"]+)" data-x="([\d.]+)" data-y="([\d.]+)">'
            r"<title>[^:]*: ([^<]*)</title>",
            page,
        )
        for m in [(m[0], m[3], m[1], m[2])]
    }
    # Hand-checked: Kyiv (50.4501 N, 30.5234 E) and Lviv (49.8397 N, 24.0297 E), Wikipedia.
    kyiv, lviv = (
        marks[("terminals", "Kyiv: available " + _avail(page, "Kyiv"))],
        marks[("terminals", "Lviv: available " + _avail(page, "Lviv"))],
    )
    scale, kx = proj["scale_px_per_deg"], proj["kx"]
    assert kyiv[0] - lviv[0] == pytest.approx((30.5234 - 24.0297) * kx * scale, abs=0.5)
    assert lviv[1] - kyiv[1] == pytest.approx((50.4501 - 49.8397) * scale, abs=0.5)
    # Every gateway and PoP of the run: its marker at its projected position, on land.
    ground = pq.read_table(map_run / "ground.parquet").to_pylist()
    land = drawn_land(page)
    from shapely.geometry import Point

    assert len(ground) >= 10
    for g in ground:
        layer = "gateways" if g["kind"] == "gateway" else "pops"
        x, y = marks[(layer, g["name"])]
        assert x == pytest.approx(
            ((g["lon_deg"] - proj["lon0_deg"]) * kx + proj["pad_deg"]) * scale, abs=0.06
        )
        assert y == pytest.approx(
            ((proj["lat1_deg"] - g["lat_deg"]) + proj["pad_deg"]) * scale, abs=0.06
        )
        assert land.distance(Point(x, y)) < 1.0, g["name"]  # on land, within a pixel
    assert "Wola Krobowska, Poland</text>" in page and "Kyiv</text>" in page  # names written


def _avail(page: str, name: str) -> str:
    return re.search(rf"terminals: {name}: available ([^<]*)</title>", page).group(1)


def test_map_in_chromium_borders_slider_and_labels(map_run, tmp_path):
    driver = chromium_driver(tmp_path / "profile")
    try:
        driver.get((map_run / "report.html").as_uri())
        countries = driver.execute_script(
            "return Array.from(document.querySelectorAll('#borders path'), "
            "p => [p.dataset.country, p.getBBox().width])"
        )
        fills = (
            "return Array.from(document.querySelectorAll('#map polygon[data-cell]'), "
            "p => p.getAttribute('fill'))"
        )
        whole = driver.execute_script(fills)
        info, shown = [], []
        slots = int(driver.find_element("id", "slot").get_attribute("max"))
        for i in range(slots + 1):
            set_slider(driver, i)
            info.append(driver.find_element("id", "slot-info").text)
            shown.append(driver.execute_script(fills))
        driver.execute_script("document.getElementById('play').click()")
        playing = driver.find_element("id", "play").text
        labels = driver.execute_script("""
            return Array.from(document.querySelectorAll('svg.chart'), (svg) =>
              Array.from(svg.querySelectorAll('text.mk'), (t) => {
                const b = t.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height];
              }));""")
        errors = console_errors(driver)
    finally:
        driver.quit()
    widths = dict(countries)
    assert {"Ukraine", "Poland", "Belarus", "Romania"} <= set(widths)
    assert widths["Ukraine"] > 300  # px: the country the cells cover spans the map
    assert slots == 8  # 4 minutes in 30 s slots
    assert shown[0] == whole and info[0].startswith("whole run")
    unserved = "#440154"  # the ramp's low end: a cell not served in the slot
    before, after = shown[1].count(unserved), shown[-1].count(unserved)
    assert after > before + 5  # the east cut off at +2 min goes dark
    assert "events: none" in info[1] and "operator: starlink-gen1" in info[1]
    assert "the east is cut off" in info[-1] and info[-1].startswith("2026-05-30 12:03:30")
    assert "gateway" in info[5]  # the gateway fault is in force in the fifth slot
    assert playing.endswith("pause")
    drawn = [box for chart in labels for box in chart]
    assert len(drawn) >= 3 * 3  # three events on each of three time series
    for chart in labels:
        for i, a in enumerate(chart):
            for b in chart[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert errors == []


def test_map_report_is_small_and_one_file(map_run):
    page = (map_run / "report.html").read_text()
    assert len(page.encode()) < 400_000
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)


def test_the_cdf_sample_is_the_same_each_time(tmp_path):
    """The CDFs are drawn from a sample of at most 200,000 rows; seeded, a report
    written twice is the same (unseeded, the cells' CDFs changed each time)."""
    import numpy as np
    import pyarrow as pa

    from leonet.report.run_report import _SAMPLE
    from leonet.results import RunStore, query

    store = RunStore(tmp_path)
    store.prepare(resume=False)
    rng = np.random.default_rng(3)
    for chunk in range(3):
        store.write_part("cells", chunk, pa.table({"rtt_ms": rng.random(120_000) * 100}))
    sql = f"SELECT rtt_ms FROM cells USING SAMPLE {_SAMPLE}"
    first = np.sort(query(tmp_path, sql).column("rtt_ms").to_numpy())
    assert first.size == 200_000
    for _ in range(3):
        assert np.array_equal(np.sort(query(tmp_path, sql).column("rtt_ms").to_numpy()), first)


def test_event_measures_in_one_query_equal_one_query_a_range(map_run):
    """event_impacts asks for every event's before/during measures in one query a table;
    each must equal the plain query over its own range (DuckDB's float sums aside)."""
    from leonet.results.metrics import _IN_RANGE, _MEASURES, event_impacts
    from leonet.results.store import query

    impacts = event_impacts(map_run, window_s=60.0)
    assert len(impacts) >= 3
    window = timedelta(seconds=60)
    for imp in impacts:
        end = imp.end if imp.end is not None else imp.start + window
        for got, where in (
            (imp.before, [imp.start - window, imp.start]),
            (imp.during, [imp.start, end]),
        ):
            want = query(
                map_run, f"SELECT {_MEASURES} FROM terminals WHERE {_IN_RANGE}", where
            ).to_pylist()[0]
            want["area_coverage"] = query(
                map_run, f"SELECT avg(served) AS a FROM cells WHERE {_IN_RANGE}", where
            ).to_pylist()[0]["a"]
            assert got.keys() == want.keys()
            for key, value in want.items():
                if value is None:
                    assert got[key] is None, key
                else:
                    assert got[key] == pytest.approx(value, rel=1e-12), key
    assert any(imp.during["availability"] is not None for imp in impacts)
