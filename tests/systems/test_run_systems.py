"""Several systems in one run, end to end: Starlink cut off over Ukraine at +1 min,
OneWeb untouched; who fails, who fails over, at what quality; resume; the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from leonet.apps.summary import evaluate_run
from leonet.cli import app
from leonet.engine.systems import run_systems, system_dir
from leonet.frames import geodetic_to_ecef
from leonet.results.store import RunStore, query
from leonet.scenario import load_scenario

SCENARIO = """\
name: cut
seed: 5
time: {start: "2026-05-30T12:00:00Z", duration: 3m, step_s: 10, chunk_steps: 3}
ground:
  terminals:
    - {place: Kyiv}
    - {place: Lviv}
    - {place: Kharkiv}
    - {place: Vinnytsia}
  cells: {region: Ukraine, resolution: 3}
systems:
  - name: starlink
    constellations: [{preset: starlink-gen1}]
    ground:
      gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
      pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
    network: {mode: hybrid}
    policy:
      service_areas: [{name: Ukraine, region: Ukraine}]
      events:
        - {action: cut-off, area: Ukraine, start: "+1m", description: Starlink cuts Ukraine off}
  - name: oneweb
    constellations: [{catalogue: oneweb-tle}]
    network: {mode: bent-pipe}
    ground:
      gateways: {bundled: true, operator: oneweb, within: {lat_deg: [35, 70], lon_deg: [5, 45]}}
      pops: {bundled: true, operator: oneweb, within: {lat_deg: [35, 60], lon_deg: [-5, 45]}}
    capacity: {terminals_per_km2: 0.001}
  - name: geo
    constellations: [{geostationary: {name: ka-sat}}]
    network: {mode: bent-pipe}
    ground:
      gateways: {bundled: true, operator: ka-sat}
      pops: {bundled: true, operator: ka-sat}
subscriptions:
  default: [starlink]
  cells: [starlink, oneweb]
  switch_over_s: 20
  groups:
    - {systems: [starlink, oneweb], terminals: [Kyiv, Lviv]}
    - {systems: [starlink, geo], terminals: [Vinnytsia]}
outputs: {report: true}
"""
CUT_STEP = 6  # +1 min at 10 s
SWITCH_STEPS = 2  # 20 s at 10 s


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("systems") / "cut.yaml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture(scope="module")
def run_dir(scenario_file: Path) -> Path:
    out = scenario_file.parent / "run"
    summary = run_systems(load_scenario(scenario_file), out, workers=1)
    assert summary.complete and set(summary.systems) == {"starlink", "oneweb", "geo"}
    return out


def _terminal(run: Path, name: str) -> dict[str, list]:
    return query(
        run, "SELECT * FROM terminals WHERE terminal = ? ORDER BY time", [name]
    ).to_pydict()


def test_the_combined_folder_is_a_run_with_a_system_column(run_dir: Path) -> None:
    tables = RunStore(run_dir).tables()
    assert {"terminals", "cells", "events", "sites", "ground"} <= set(tables)
    rows = query(run_dir, "SELECT count(*) AS n, count(DISTINCT system) AS k FROM terminals")
    assert rows.column("n")[0].as_py() == 18 * 4
    meta = json.loads((run_dir / "metadata.json").read_text())
    assert meta["completed"] and list(meta["systems"]) == ["starlink", "oneweb", "geo"]
    assert meta["subscriptions"]["terminals"]["Kyiv"] == ["starlink", "oneweb"]
    assert meta["subscriptions"]["terminals"]["Kharkiv"] == ["starlink"]
    # the ground segment of each system, named by system
    ground = pq.read_table(run_dir / "ground.parquet").to_pydict()
    assert {s for s in ground["system"]} == {"starlink", "oneweb", "geo"}
    assert all(
        n.startswith("ow-")
        for n, s in zip(ground["name"], ground["system"], strict=True)
        if s == "oneweb"
    )
    # each system's own tables stay queryable
    for name in ("starlink", "oneweb", "geo"):
        own = query(system_dir(run_dir, name), "SELECT count(*) AS n FROM terminals")
        assert own.column("n")[0].as_py() == 18 * 4


def test_a_cut_off_terminal_that_is_not_dual_homed_fails_every_application(run_dir: Path) -> None:
    rows = _terminal(run_dir, "Kharkiv")
    assert all(rows["served"][:CUT_STEP])  # Starlink serves it before
    assert not any(rows["served"][CUT_STEP:])
    assert set(rows["reason"][CUT_STEP:]) == {"area-cut-off"}
    assert set(rows["system"]) == {"starlink"}
    run = evaluate_run(run_dir)
    assert run.terminals is not None
    k = list(run.terminals.names).index("Kharkiv")
    for name, verdicts in run.terminal_verdicts.items():
        assert (verdicts.verdict[CUT_STEP:, k] == 2).all(), name


def test_a_dual_homed_terminal_fails_only_while_it_switches_then_runs_on_oneweb(
    run_dir: Path,
) -> None:
    own = query(
        system_dir(run_dir, "oneweb"),
        "SELECT * FROM terminals WHERE terminal = 'Kyiv' ORDER BY time",
    ).to_pydict()
    rows = _terminal(run_dir, "Kyiv")
    after = CUT_STEP + SWITCH_STEPS
    assert rows["reason"][CUT_STEP:after] == ["switching-over"] * SWITCH_STEPS
    assert not any(rows["served"][CUT_STEP:after])
    assert rows["system"][:CUT_STEP] == ["starlink"] * CUT_STEP
    assert rows["system"][CUT_STEP:] == ["oneweb"] * (18 - CUT_STEP)
    assert all(own["served"][after:])  # OneWeb serves Kyiv throughout (else no test)
    for column in ("served", "rtt_ms", "throughput_down_mbps", "gateway", "pop", "sat"):
        assert rows[column][after:] == own[column][after:], column  # OneWeb's own quality
    run = evaluate_run(run_dir)
    assert run.terminals is not None
    k = list(run.terminals.names).index("Kyiv")
    oneweb = evaluate_run(system_dir(run_dir, "oneweb"))
    assert oneweb.terminals is not None
    j = list(oneweb.terminals.names).index("Kyiv")
    profiles = {p.name: p for p in run.profiles}
    for name, verdicts in run.terminal_verdicts.items():
        # while it switches, an application is judged by the break: one that cannot ride
        # 10 s of it fails, one that rides it only degraded is at best degraded
        tolerance = profiles[name].break_s
        during = verdicts.verdict[CUT_STEP:after, k]
        if tolerance is None or tolerance.fails < 10.0:
            assert (during == 2).all(), name
        elif tolerance.works < 10.0:
            assert (during >= 1).all(), name
        # a minute after the switch (jitter and loss need their windows) the verdicts are
        # OneWeb's own
        later = after + 6
        assert np.array_equal(
            verdicts.verdict[later:, k], oneweb.terminal_verdicts[name].verdict[later:, j]
        ), name
    # an application that rides through a 20 s break and OneWeb's quality keeps working
    messaging = run.terminal_verdicts["messaging"].verdict[:, k]
    assert messaging[after:].max() < 2


def test_oneweb_never_uses_lasers_and_only_its_own_gateways(run_dir: Path) -> None:
    rows = query(
        run_dir,
        "SELECT gateway, pop, hops FROM terminals WHERE system = 'oneweb' AND served",
    ).to_pydict()
    assert rows["gateway"], "OneWeb served no terminal: nothing checked"
    assert all(g.startswith("ow-") for g in rows["gateway"])
    assert all(p.startswith("ow-") for p in rows["pop"])
    # bent-pipe: terminal → one satellite → gateway (→ PoP over fibre); a laser adds hops
    starlink_hops = (
        query(system_dir(run_dir, "starlink"), "SELECT max(hops) AS h FROM terminals")
        .column("h")[0]
        .as_py()
    )
    assert set(rows["hops"]) == {min(rows["hops"])} and min(rows["hops"]) <= starlink_hops
    meta = json.loads((system_dir(run_dir, "oneweb") / "metadata.json").read_text())
    assert meta["network_mode"] == "bent-pipe"


def test_a_geo_links_rtt_is_at_least_the_geometric_minimum(run_dir: Path) -> None:
    rows = query(
        run_dir,
        "SELECT t.lat_deg, t.lon_deg, t.rtt_ms, g.lat_deg AS gw_lat, g.lon_deg AS gw_lon "
        "FROM terminals t JOIN ground g ON g.name = t.gateway AND g.system = 'geo' "
        "WHERE t.system = 'geo' AND t.served",
    ).to_pydict()
    assert len(rows["rtt_ms"]) == 18 - CUT_STEP - SWITCH_STEPS  # Vinnytsia, after its switch
    # KA-SAT on its slot at 9° E: r = 42,164 km in the equatorial plane (ECEF, km)
    lon_sat = np.radians(9.0)
    sat = 42_164.0 * np.array([np.cos(lon_sat), np.sin(lon_sat), 0.0])
    c_km_s = 299_792.458

    def slant_km(lat: list[float], lon: list[float]) -> np.ndarray:
        return np.linalg.norm(geodetic_to_ecef(np.array(lat), np.array(lon), 0.0) - sat, axis=-1)

    term = slant_km(rows["lat_deg"], rows["lon_deg"])
    gateway = slant_km(rows["gw_lat"], rows["gw_lon"])
    assert ((term > 37_000) & (term < 41_000)).all()  # Ukraine sees 9° E low in the south
    floor_ms = 2 * (term + gateway) / c_km_s * 1e3  # up and down, there and back
    rtt = np.array(rows["rtt_ms"])
    assert (rtt >= floor_ms).all()
    assert (rtt >= 4 * 35_786 / c_km_s * 1e3).all()  # ≥ 477 ms wherever one stands
    assert (rtt < floor_ms + 400).all()  # and not absurdly more (processing, PoP, fibre)


def test_a_system_no_cell_subscribes_to_serves_no_cell(run_dir: Path) -> None:
    tables = RunStore(system_dir(run_dir, "geo")).tables()
    assert "cells" not in tables and "terminals" in tables


def test_policies_are_independent(run_dir: Path) -> None:
    events = pq.read_table(run_dir / "events.parquet").to_pydict()
    assert set(events["system"]) == {"starlink"}
    assert pq.read_table(system_dir(run_dir, "oneweb") / "events.parquet").num_rows == 0
    reasons = (
        query(system_dir(run_dir, "oneweb"), "SELECT DISTINCT reason FROM terminals")
        .column("reason")
        .to_pylist()
    )
    assert "area-cut-off" not in reasons


def test_cells_fail_over_to_oneweb_after_the_cut(run_dir: Path) -> None:
    rows = query(
        run_dir,
        "SELECT time, system, count(*) AS n, sum(served) AS served FROM cells "
        "GROUP BY ALL ORDER BY time, system",
    ).to_pydict()
    times = sorted(set(rows["time"]))
    last = [s for t, s in zip(rows["time"], rows["system"], strict=True) if t == times[-1]]
    first = [s for t, s in zip(rows["time"], rows["system"], strict=True) if t == times[0]]
    assert "starlink" in first and last == ["oneweb"]


def test_resume_after_a_kill_gives_the_same_tables(run_dir: Path, scenario_file: Path) -> None:
    spec = load_scenario(scenario_file)
    out = scenario_file.parent / "resumed"
    first = run_systems(spec, out, workers=1, stop_after_chunks=3)
    assert not first.complete
    assert not (out / "terminals.parquet").exists()
    second = run_systems(spec, out, workers=1, resume=True, stop_after_chunks=6)
    assert not second.complete
    third = run_systems(spec, out, workers=1, resume=True)
    assert third.complete
    for table in ("terminals", "cells"):
        a = pa.concat_tables(pq.read_table(p) for p in RunStore(run_dir).tables()[table])
        b = pa.concat_tables(pq.read_table(p) for p in RunStore(out).tables()[table])
        assert a.equals(b), table


def test_query_apps_and_report_work_on_the_folder(run_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["apps", str(run_dir), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (cut,) = [e for e in data["apps"][0]["events"] if e["kind"] == "policy"]
    assert cut["description"].startswith("starlink: ")
    result = runner.invoke(
        app, ["query", str(run_dir), "SELECT system, count(*) AS n FROM terminals GROUP BY 1"]
    )
    assert result.exit_code == 0 and "oneweb" in result.output
    (run_dir / "report.html").unlink()
    result = runner.invoke(app, ["report", str(run_dir)])
    assert result.exit_code == 0, result.output
    html = (run_dir / "report.html").read_text()
    assert "Several systems" in html and "switching-over" in html
    assert "What survives: before and after 12:01:00 UTC" in html
    assert '"oneweb + starlink"' in html or '"oneweb"' in html  # the slider's systems


def test_leonet_run_resume_continues_a_multi_system_run(scenario_file: Path) -> None:
    runner = CliRunner()
    out = scenario_file.parent / "cli"
    result = runner.invoke(app, ["run", str(scenario_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "systems/starlink" in result.output and "switching-over" in result.output
    result = runner.invoke(app, ["run", "--resume", str(out)])
    assert result.exit_code == 0, result.output  # already complete: combined again
    rows = query(out, "SELECT count(*) AS n FROM terminals").column("n")[0].as_py()
    assert rows == 18 * 4
    assert math.isfinite(rows)


def test_the_report_opens_in_chromium_and_its_slider_names_the_serving_system(
    run_dir: Path, tmp_path: Path
) -> None:
    from support.browser import chromium_driver, console_errors, set_slider

    driver = chromium_driver(tmp_path / "profile")
    try:
        driver.get((run_dir / "report.html").as_uri())
        last = int(driver.execute_script("return document.getElementById('slot').max"))
        set_slider(driver, 1)  # 0 is the whole run; 1 the first slot
        first_info = driver.find_element("id", "slot-info").text
        set_slider(driver, last)
        last_info = driver.find_element("id", "slot-info").text
        section = driver.execute_script(
            "return Array.from(document.querySelectorAll('h2'), h => h.textContent)"
        )
        errors = console_errors(driver)
    finally:
        driver.quit()
    assert errors == []
    assert "Several systems" in section
    assert "operator: starlink" in first_info, first_info
    assert "operator: oneweb |" in last_info, last_info
