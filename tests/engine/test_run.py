"""The scenario run: determinism, resume, policy invariants, the default at reduced size."""

from __future__ import annotations

import dataclasses
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leonet.engine.chunks import ScenarioRun
from leonet.engine.run import initial_state, run_scenario
from leonet.results import RunStore, query
from leonet.scenario import load_scenario, with_overrides

SCENARIO = """
name: invariants
seed: 7
time: {start: "2026-05-30T12:00:00Z", duration: 150s, step_s: 5, chunk_steps: 6}
constellations: [{preset: starlink-gen1}]
ground:
  terminals:
    - {place: Kyiv}
    - {place: Kramatorsk}
    - {place: Simferopol}
    - {name: stranger, lat_deg: 50.0, lon_deg: 30.0}
  mobile:
    - name: drone-1
      waypoints:
        - {time: "+0s", lat_deg: 48.46, lon_deg: 35.00}
        - {time: "+60s", lat_deg: 48.46, lon_deg: 35.02}    # ~88 km/h
        - {time: "+90s", lat_deg: 48.46, lon_deg: 35.06}    # ~330 km/h: over the limit
        - {time: "+150s", lat_deg: 48.46, lon_deg: 35.07}
  cells: {region: Luxembourg, resolution: 5}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
network: {mode: lasers}
policy:
  service_areas:
    - {name: Ukraine, region: Ukraine}
    - {name: Luxembourg, region: Luxembourg}
    - {name: Crimea, region: crimea, enabled: false}
  allow: ["[A-Z]*", "85*", "drone-*"]
  max_speed_kmh: 90
  events:
    - {action: whitelist-only, start: "+30s", description: registered terminals only}
    - action: cut-off
      area: {name: Kramatorsk 30 km, circle: {lat_deg: 48.74, lon_deg: 37.58, radius_km: 30}}
      start: "+60s"
      end: "+100s"
    - action: cut-off
      area: {name: Luxembourg city 15 km, circle: {lat_deg: 49.61, lon_deg: 6.13, radius_km: 15}}
      start: "+100s"
      end: "+130s"
faults:
  gateways: [{names: ["Usingen, Germany"], start: "+20s", end: "+80s"}]
  pops: [{names: [frntdeu1], start: "+110s", end: "+130s"}]
  satellites: [{fraction: 0.1, start: "+40s"}]
  lasers: [{fraction: 0.3, start: "+0s"}]
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    path = tmp_path_factory.mktemp("scenario") / "invariants.yaml"
    path.write_text(SCENARIO)
    return load_scenario(path)


@pytest.fixture(scope="module")
def finished(scenario, tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "a"
    summary = run_scenario(scenario, out)
    return out, summary


def _rows(out, table="terminals"):
    return pq.read_table(out / f"{table}.parquet").sort_by([("time", "ascending")]).to_pylist()


def test_run_writes_every_output(finished):
    out, summary = finished
    assert summary.complete and summary.steps == 30 and summary.chunks == 5
    for name in (
        "terminals.parquet",
        "cells.parquet",
        "events.parquet",
        "metadata.json",
        "report.html",
    ):
        assert (out / name).exists(), name
    terminals = pq.read_table(out / "terminals.parquet")
    assert terminals.num_rows == 30 * 5
    assert terminals.column_names == [
        "time",
        "terminal",
        "lat_deg",
        "lon_deg",
        "served",
        "reason",
        "sat",
        "elevation_deg",
        "rtt_ms",
        "propagation_rtt_ms",
        "loaded_rtt_ms",
        "busy_rtt_ms",
        "hops",
        "gateway",
        "pop",
        "snr_db",
        "throughput_down_mbps",
        "throughput_up_mbps",
        "speedtest_down_mbps",
        "speedtest_up_mbps",
    ]
    cells = pq.read_table(out / "cells.parquet")
    assert cells.column_names == [
        "time",
        "cell",
        "served",
        "reason",
        "visible",
        "rtt_ms",
        "propagation_rtt_ms",
        "loaded_rtt_ms",
        "busy_rtt_ms",
        "throughput_down_mbps",
        "throughput_up_mbps",
        "speedtest_down_mbps",
        "speedtest_up_mbps",
    ]
    # The idle RTT is propagation plus at least the fixed latency terms (the user link's
    # random waits may be 0); loaded ≥ idle, and so is busy (the busy hour's queue).
    from leonet.network.latency import LatencyParameters

    p = LatencyParameters()
    fixed_ms = (
        p.user_uplink_scheduling_ms
        + p.ground_equipment_ms
        + p.pop_ms
        + 2 * (p.satellite_processing_ms + p.gateway_processing_ms)
    )
    for table in (terminals, cells):
        t = table.to_pydict()
        for idle, prop, loaded, busy in zip(
            t["rtt_ms"], t["propagation_rtt_ms"], t["loaded_rtt_ms"], t["busy_rtt_ms"], strict=True
        ):
            assert (idle is None) == (prop is None) == (loaded is None) == (busy is None)
            if idle is not None:
                assert idle >= prop + fixed_ms - 1e-9 and loaded >= idle - 1e-9
                assert busy >= idle - 1e-9
    # A cell has an RTT in a slot exactly when it was served in it, and a cause when not.
    rows = cells.to_pylist()
    assert all((r["rtt_ms"] is None) == (r["served"] == 0) for r in rows)
    assert all((r["reason"] is None) == (r["served"] == 1) for r in rows)
    assert all(r["throughput_down_mbps"] == 0 for r in rows if r["served"] == 0)
    assert all(r["speedtest_down_mbps"] == 0 for r in rows if r["served"] == 0)
    # A speed test saturates the link: it gets at least the fair share of the offered load.
    assert all(
        r["speedtest_down_mbps"] >= r["throughput_down_mbps"] * (1 - 1e-9) - 1e-9 for r in rows
    )
    assert any(r["served"] > 0 for r in rows)


def test_a_cell_gets_the_rtt_and_throughput_of_a_terminal_at_its_centre(tmp_path):
    import numpy as np

    from leonet.ground import country, tile_region

    cells = tile_region(country("Luxembourg"), 5)
    lat, lon = float(cells.lat_deg[1]), float(cells.lon_deg[1])
    path = tmp_path / "same-place.yaml"
    path.write_text(f"""
name: same-place
seed: 3
time: {{start: "2026-05-30T12:00:00Z", duration: 150s, step_s: 5}}
constellations: [{{preset: starlink-gen1}}]
ground:
  terminals: [{{name: Centre, lat_deg: {lat}, lon_deg: {lon}}}]
  cells: {{region: Luxembourg, resolution: 5}}
  gateways: {{bundled: true, within: {{lat_deg: [40, 57], lon_deg: [5, 42]}}}}
  pops: {{bundled: true, within: {{lat_deg: [40, 57], lon_deg: [5, 42]}}}}
network:
  mode: lasers
  processing_delay_ms: 0.1
  # The user link's random waits off: a cell and a terminal draw their own.
  latency: {{user_downlink_frame_ms: 0, user_uplink_cycle_ms: 0}}
""")
    run_scenario(load_scenario(path), tmp_path / "run", workers=1)
    # The terminal is routed through the graph; its cell by the access link plus its
    # satellite's delay to the nearest PoP. Same place, same satellite: same numbers.
    slots = query(
        tmp_path / "run",
        f"""
        SELECT c.time, c.served, c.rtt_ms, c.throughput_down_mbps AS cell_down,
               avg(t.rtt_ms) AS terminal_rtt, avg(t.throughput_down_mbps) AS terminal_down,
               avg(t.served::DOUBLE) AS terminal_served
        FROM cells c JOIN terminals t
          ON t.time >= c.time AND t.time < c.time + INTERVAL 15 SECOND
        WHERE c.cell = '{cells.names[1]}'
        GROUP BY ALL ORDER BY c.time""",
    ).to_pydict()
    assert len(slots["time"]) == 10
    np.testing.assert_array_equal(slots["served"], slots["terminal_served"])
    served = np.asarray(slots["served"]) > 0
    assert served.sum() >= 5
    np.testing.assert_allclose(
        np.asarray(slots["rtt_ms"], dtype=float)[served],
        np.asarray(slots["terminal_rtt"], dtype=float)[served],
        rtol=1e-12,
    )
    np.testing.assert_allclose(slots["cell_down"], slots["terminal_down"], rtol=1e-12)


def test_metrics_are_the_percentiles_numpy_computes_from_the_files(finished):
    import numpy as np

    from leonet.results.metrics import (
        busy_rtt_windows,
        outage_by_cause,
        per_cell,
        per_terminal,
        run_summary,
    )

    out, _ = finished

    def columns(name, key):
        table = pq.read_table(out / f"{name}.parquet").to_pydict()
        numbers = ("served", "rtt_ms", "busy_rtt_ms", "throughput_down_mbps")
        return {k: np.asarray(table[k], dtype=object) for k in (key, "reason")} | {
            k: np.asarray([np.nan if v is None else v for v in table[k]], dtype=float)
            for k in numbers
        }

    cells, terms = columns("cells", "cell"), columns("terminals", "terminal")

    def q(values, p):
        values = values[np.isfinite(values)]
        return float(np.quantile(values, p)) if values.size else None

    for row in per_cell(out).to_pylist():
        mine = cells["cell"] == row["cell"]
        assert row["availability"] == pytest.approx(cells["served"][mine].mean())
        for key, column, p in (
            ("rtt_p50_ms", "rtt_ms", 0.5),
            ("rtt_p95_ms", "rtt_ms", 0.95),
            ("down_p05_mbps", "throughput_down_mbps", 0.05),
            ("down_p50_mbps", "throughput_down_mbps", 0.5),
        ):
            assert row[key] == pytest.approx(q(cells[column][mine], p)), (row["cell"], key)
    for row in per_terminal(out).to_pylist():
        mine = terms["terminal"] == row["terminal"]
        assert row["availability"] == pytest.approx(terms["served"][mine].mean())
        assert row["rtt_p95_ms"] == pytest.approx(q(terms["rtt_ms"][mine], 0.95))
    summary = run_summary(out)
    assert summary["area_coverage"] == pytest.approx(cells["served"].mean())
    lost = 1 - cells["served"]
    assert lost.sum() > 0  # the cut-off around Luxembourg city at least
    for row in outage_by_cause(out).to_pylist():
        mine = cells["reason"] == row["reason"]
        assert row["area_share"] == pytest.approx(lost[mine].sum() / lost.size), row
        assert row["terminal_steps"] == int(
            ((terms["reason"] == row["reason"]) & (terms["served"] == 0)).sum()
        ), row
    assert sum(r["area_share"] for r in outage_by_cause(out).to_pylist()) == pytest.approx(
        lost.mean()
    )
    assert summary["area_rtt_p95_ms"] == pytest.approx(q(cells["rtt_ms"], 0.95))
    assert summary["area_down_p05_mbps"] == pytest.approx(q(cells["throughput_down_mbps"], 0.05))
    assert summary["rtt_p50_ms"] == pytest.approx(q(terms["rtt_ms"], 0.5))
    # Starlink's measure: the median of each terminal's 15-s means (windows on UTC
    # multiples of 15 s), the busy hour's queue on top, so above the idle median.
    time = pq.read_table(out / "terminals.parquet", columns=["time"])["time"]
    window = time.cast(pa.timestamp("ns", "UTC")).cast(pa.int64()).to_numpy() // (15 * 10**9)
    terminal = np.unique(terms["terminal"], return_inverse=True)[1]
    _, key = np.unique(np.stack([terminal, window]), axis=1, return_inverse=True)
    busy = terms["busy_rtt_ms"]
    has = np.isfinite(busy)
    count = np.bincount(key.reshape(-1)[has])
    means = (np.bincount(key.reshape(-1)[has], busy[has]) / np.maximum(count, 1))[count > 0]
    windows = busy_rtt_windows(out).column("busy_rtt_ms").to_numpy()
    np.testing.assert_allclose(np.sort(windows), np.sort(means), rtol=1e-12)
    assert summary["busy_rtt_p50_ms"] == pytest.approx(q(means, 0.5))
    assert summary["busy_rtt_p50_ms"] != pytest.approx(q(busy, 0.5), abs=1e-6)
    assert summary["busy_rtt_p50_ms"] > summary["rtt_p50_ms"]


def test_a_run_folder_from_before_busy_rtt_ms_summarises_without_it(finished, tmp_path):
    from leonet.results.metrics import busy_rtt_windows, run_summary

    out, _ = finished
    old = tmp_path / "old"
    shutil.copytree(out, old)
    for part in (old / "terminals.parquet").glob("part-*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.drop(["busy_rtt_ms"]), part)
    summary = run_summary(old)
    assert summary["busy_rtt_p50_ms"] is None
    assert busy_rtt_windows(old).num_rows == 0
    assert summary["rtt_p50_ms"] == run_summary(out)["rtt_p50_ms"]


def test_policy_invariants(finished):
    out, _ = finished
    rows = _rows(out)
    start = rows[0]["time"]

    def t(row):
        return (row["time"] - start).total_seconds()

    for row in rows:
        if row["terminal"] == "Simferopol":  # Crimea: disabled area wins
            assert not row["served"] and row["reason"] == "outside-service-area"
        if row["terminal"] == "stranger" and t(row) >= 30:  # whitelist-only from +30 s
            assert not row["served"] and row["reason"] == "not-authorised"
        if row["terminal"] == "Kramatorsk" and 60 <= t(row) < 100:  # cut off
            assert not row["served"] and row["reason"] == "area-cut-off"
        if row["terminal"] == "drone-1" and 60 <= t(row) < 90:  # 330 km/h leg
            assert not row["served"] and row["reason"] == "over-speed-limit"
        if row["served"]:
            assert row["sat"] is not None and row["elevation_deg"] >= 25.0 - 1e-9
            assert row["reason"] is None
    kyiv = [r for r in rows if r["terminal"] == "Kyiv"]
    # Kyiv is only ever without service when a satellite fault takes its satellite.
    assert all(r["served"] or r["reason"] == "satellite-fault" for r in kyiv)
    assert sum(r["served"] for r in kyiv) >= 0.9 * len(kyiv)
    assert all(5 < r["rtt_ms"] < 150 for r in kyiv if r["served"])
    # Restored at +100 s; the scheduler serves it from the next 15-s slot (+105 s).
    restored = [r for r in rows if r["terminal"] == "Kramatorsk" and t(r) >= 100]
    assert restored[0]["reason"] == "awaiting-slot"
    assert all(r["served"] for r in restored if t(r) >= 105)


def test_a_pop_outage_moves_traffic_to_another_pop(finished):
    out, _ = finished
    rows = query(
        out,
        """
        SELECT epoch(time) - min(epoch(time)) OVER () AS t, pop FROM terminals
        WHERE served AND pop IS NOT NULL
    """,
    ).to_pylist()
    during = {r["pop"] for r in rows if 110 <= r["t"] < 130}
    assert during and "frntdeu1" not in during
    assert "frntdeu1" in {r["pop"] for r in rows if r["t"] < 110 or r["t"] >= 130}


def test_unauthorised_terminals_are_never_served(finished):
    out, _ = finished
    served_refused = query(
        out,
        """
        SELECT count(*) AS n FROM terminals
        WHERE served AND reason IN ('not-authorised', 'outside-service-area',
                                    'area-cut-off', 'over-speed-limit', 'deny-listed')
    """,
    ).to_pylist()[0]["n"]
    assert served_refused == 0


def test_same_scenario_same_seed_gives_identical_parquet(scenario, finished, tmp_path):
    out, _ = finished
    again = tmp_path / "b"
    run_scenario(scenario, again)
    for table in ("terminals", "cells"):
        assert pq.read_table(again / f"{table}.parquet").equals(
            pq.read_table(out / f"{table}.parquet")
        ), table


def test_resume_after_an_interruption_equals_an_uninterrupted_run(scenario, finished, tmp_path):
    out, _ = finished
    partial = tmp_path / "c"
    first = run_scenario(scenario, partial, stop_after_chunks=2)
    assert not first.complete and not (partial / "report.html").exists()
    # A chunk part written after the last checkpoint (a kill mid-chunk) is redone.
    (partial / "terminals.parquet" / "part-00002.parquet").write_bytes(b"half-written")
    with pytest.raises(FileExistsError, match="--resume"):
        run_scenario(scenario, partial)
    second = run_scenario(scenario, partial, resume=True)
    assert second.complete and second.resumed_from_chunk == 2
    for table in ("terminals", "cells"):
        assert pq.read_table(partial / f"{table}.parquet").equals(
            pq.read_table(out / f"{table}.parquet")
        ), table


def test_resume_refuses_a_different_scenario(scenario, tmp_path):
    partial = tmp_path / "d"
    run_scenario(scenario, partial, stop_after_chunks=1)
    with pytest.raises(ValueError, match="different scenario"):
        run_scenario(with_overrides(scenario, seed=8), partial, resume=True)


def test_capacity_settings_set_the_cells_and_terminals_demand(tmp_path):
    import numpy as np

    from leonet.engine.chunks import ScenarioRun

    path = tmp_path / "dense.yaml"
    path.write_text(
        SCENARIO + "capacity: {terminals_per_km2: 0.5, terminals_per_site: 3, "
        "offered_load_mbps: 40, offered_load_up_mbps: 4}\n"
    )
    run = ScenarioRun(load_scenario(path))
    demand = run.capacity.demand
    np.testing.assert_allclose(demand.terminals[: run.n_cells], 0.5 * run.cell_area_km2)
    np.testing.assert_array_equal(demand.terminals[run.n_cells :], 3.0)
    assert (demand.offered_down_mbps == 40).all() and (demand.offered_up_mbps == 4).all()


def test_cells_in_a_cut_off_area_are_unserved_for_that_reason(finished):
    import numpy as np

    from leonet.ground import great_circle_km

    out, _ = finished
    rows = query(
        out,
        """
        SELECT epoch(c.time) - (SELECT min(epoch(time)) FROM cells) AS t, c.served, c.reason,
               s.lat_deg, s.lon_deg
        FROM cells c JOIN sites s ON s.site = c.cell""",
    ).to_pydict()
    inside = (
        great_circle_km(np.asarray(rows["lat_deg"]), np.asarray(rows["lon_deg"]), 49.61, 6.13)
        < 15.0
    )
    during = np.asarray(rows["t"]) == 105  # the slot [105 s, 120 s) lies within the cut-off
    hit = np.flatnonzero(inside & during)
    assert hit.size >= 3
    assert all(rows["served"][k] == 0 and rows["reason"][k] == "area-cut-off" for k in hit)
    before = np.flatnonzero(inside & (np.asarray(rows["t"]) == 75))
    assert all(rows["reason"][k] != "area-cut-off" for k in before)


def test_events_table_lists_each_what_if(finished):
    out, _ = finished
    events = query(out, "SELECT kind, action, target FROM events ORDER BY time").to_pylist()
    kinds = {(e["kind"], e["action"]) for e in events}
    assert ("policy", "start") in kinds and ("fault", "end") in kinds


def test_default_scenario_end_to_end_at_reduced_size(tmp_path):
    ukraine = with_overrides(load_scenario("ukraine"), duration=20.0, step_s=10.0)
    summary = run_scenario(ukraine, tmp_path / "u")
    assert summary.complete and summary.n_cells > 2_000
    by_name = {
        r["terminal"]: r
        for r in query(
            tmp_path / "u",
            "SELECT terminal, bool_and(served) AS ok, min(reason) AS why "
            "FROM terminals GROUP BY terminal",
        ).to_pylist()
    }
    assert by_name["Kyiv"]["ok"] and by_name["Lviv"]["ok"]
    assert (
        not by_name["Simferopol"]["ok"] and by_name["Simferopol"]["why"] == "outside-service-area"
    )
    assert summary.area_coverage is not None and 0.9 < summary.area_coverage < 1.0


def test_direct_to_cell_satellites_are_never_offered_to_a_dish():
    # ~640 of the catalogue, 360 km up and often the highest in view; they serve phones.
    import numpy as np

    from leonet.access import visible
    from leonet.engine.chunks import ScenarioRun

    run = ScenarioRun(with_overrides(load_scenario("ukraine"), duration=30.0))
    dtc = run.constellation.direct_to_cell
    g = run.geometry(0)
    assert not dtc[g.vis.sat_idx].any()
    s = run.static
    raw = visible(
        run.satellite_positions(run.grid.slice(0, g.n_run)),
        run.sat_mask,
        s.ecef_km,
        s.lat_deg,
        s.lon_deg,
        s.min_elevation_deg,
    )
    assert dtc[raw.sat_idx].mean() > 0.01  # without the rule: ~2 % of the pairs
    assert np.isin(np.flatnonzero(dtc), g.gateway_vis.sat_idx).any()  # they still relay


def test_laser_faults_take_links_down(scenario):
    import numpy as np

    from leonet.engine.chunks import ScenarioRun

    run = ScenarioRun(scenario)
    window = run.grid.slice(0, 3)
    r = run.satellite_positions(window)
    with_faults = run._lasers(r, run._laser_down(window.utc_ns))
    run.faults = dataclasses.replace(run.faults, lasers=())
    assert run._laser_down(window.utc_ns) is None
    without = run._lasers(r, None)
    assert with_faults is not None and without is not None
    kept = np.array([len(a) / len(b) for a, b in zip(with_faults, without, strict=True)])
    assert np.all((kept > 0.6) & (kept < 0.8))  # 30 % of the links fail


def test_the_radio_puts_a_moving_terminal_where_it_is_at_each_step(scenario):
    import numpy as np

    from leonet.engine.chunks import ScenarioRun
    from leonet.frames import geodetic_to_ecef

    run = ScenarioRun(scenario)
    radio = run.capacity.radio
    drone = run.n_sites - 1  # the moving terminal is the last site
    built_at = radio._site_xyz[drone].copy()  # the track's mid-point (its atmosphere's place)
    run.finish(run.access(0, None))
    last_step_ns = run.grid.utc_ns[run.chunk_steps - 1 : run.chunk_steps]
    lat, lon, alt, _ = run.tracks[0].positions(last_step_ns)
    where = geodetic_to_ecef(lat, lon, alt).reshape(3)
    np.testing.assert_allclose(radio._site_xyz[drone], where, atol=1e-6)  # km
    np.testing.assert_allclose(radio.beam_centre_ecef_km[drone], where, atol=1e-6)
    assert np.linalg.norm(built_at - where) > 0.5  # it did move (km)


# ------------------------------------------------------------------ worker processes
def _same(a, b, where="state"):
    """Deep equality of what a checkpoint holds (dataclasses, accumulators, arrays)."""
    import numpy as np

    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), where
    elif dataclasses.is_dataclass(a) or hasattr(a, "__dict__"):
        assert type(a) is type(b), where
        fields = (
            vars(a)
            if not dataclasses.is_dataclass(a)
            else {f.name: getattr(a, f.name) for f in dataclasses.fields(a)}
        )
        for name, value in fields.items():
            _same(value, getattr(b, name), f"{where}.{name}")
    elif isinstance(a, dict):
        assert sorted(a) == sorted(b), where
        for key in a:
            _same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{k}]")
    else:
        assert a == b, where


def _saved_state(run_dir):
    """The carried state in a run's last checkpoint, as the arrays saved."""
    return RunStore(run_dir).load_checkpoint().state


def _same_run(a, b):
    for table in ("terminals", "cells"):
        assert pq.read_table(a / f"{table}.parquet").equals(
            pq.read_table(b / f"{table}.parquet")
        ), table
    _same(dict(_saved_state(a)), dict(_saved_state(b)))


_WORKERS_RUN = """
import sys
from leonet.engine.run import run_scenario
from leonet.scenario import load_scenario
scenario = load_scenario(sys.argv[1])
whole = run_scenario(scenario, sys.argv[2] + "/whole", workers=2)
part = run_scenario(scenario, sys.argv[2] + "/part", workers=2, stop_after_chunks=2)
rest = run_scenario(scenario, sys.argv[2] + "/part", workers=2, resume=True)
print(whole.workers, part.workers, rest.workers, rest.resumed_from_chunk, rest.complete)
"""


def test_worker_processes_give_exactly_the_single_process_results(scenario, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "invariants.yaml"
    path.write_text(SCENARIO)
    # A fresh process: here numba's OpenMP threads may already run, and a child forked
    # after that cannot use them (the run would fall back to one process).
    done = subprocess.run(
        [sys.executable, "-c", _WORKERS_RUN, str(path), str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "2", "2", "2", "True"]
    one = run_scenario(scenario, tmp_path / "one", workers=1)
    assert one.workers == 1 and one.chunks == 5
    _same_run(tmp_path / "whole", tmp_path / "one")
    _same_run(tmp_path / "part", tmp_path / "one")  # interrupted with workers, resumed


@pytest.fixture(scope="module")
def long_run(tmp_path_factory):
    """The invariants scenario over 30 minutes (60 chunks), uninterrupted, in one process."""
    folder = tmp_path_factory.mktemp("long")
    path = folder / "invariants.yaml"
    path.write_text(SCENARIO)
    run_scenario(with_overrides(load_scenario(path), duration=1800.0), folder / "run", workers=1)
    return path, folder / "run"


def _processes_naming(text):
    import os

    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_cli_run_stops_its_workers_and_resumes_exactly(long_run, tmp_path, how):
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    path, reference = long_run
    out = tmp_path / f"interrupted-{how}"
    cli = "import sys; from leonet.cli import main; sys.argv[0] = 'leonet'; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", cli, "run", str(path), "--out", str(out), "--duration", "30m"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    checkpoint = out / "checkpoint.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if json.loads(checkpoint.read_text())["next_chunk"] >= 2:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.01)
    if how == "ctrl-c":  # the terminal signals the whole foreground group
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "--resume" in err
    stopped_at = json.loads(checkpoint.read_text())["next_chunk"]
    assert 2 <= stopped_at < 60
    time.sleep(0.5)
    assert not _processes_naming(str(out))  # no worker outlives the run
    resumed = run_scenario(
        with_overrides(load_scenario(path), duration=1800.0), out, resume=True, workers=1
    )
    assert resumed.complete and resumed.resumed_from_chunk == stopped_at
    _same_run(out, reference)


def test_default_chunks_hold_whole_scheduler_slots():
    from leonet.engine.stages import chunk_steps as _default_chunk_steps

    s = 1_000_000_000
    assert _default_chunk_steps(2_522, 10_395, 1 * s, 15 * s) == 15  # Ukraine at 1 s
    assert _default_chunk_steps(2_522, 10_395, 10 * s, 15 * s) % 3 == 0  # 30 s: 2 slots
    assert _default_chunk_steps(60, 4_408, 1 * s, 15 * s) % 15 == 0
    assert _default_chunk_steps(200_000, 10_395, 1 * s, 15 * s) == 1  # under a slot: as is


def test_workers_fall_back_to_one_process_where_forking_is_unsafe(scenario, tmp_path, monkeypatch):
    from leonet.engine import pipeline

    with pytest.raises(ValueError, match="workers=0"):
        run_scenario(scenario, tmp_path / "none", workers=0)
    monkeypatch.setattr(pipeline, "fork_unsafe_reason", lambda: "no fork here")
    with pytest.warns(RuntimeWarning, match="running in one process: no fork here"):
        summary = run_scenario(scenario, tmp_path / "one", workers=2, stop_after_chunks=2)
    assert summary.workers == 1 and summary.steps_run == 12


def test_a_one_step_chunk_compares_its_routes_with_the_chunk_before(scenario, tmp_path):
    import numpy as np

    from leonet.engine.checkpoint import state_from_arrays

    def saved(run_dir):
        return state_from_arrays(_saved_state(run_dir), initial_state(ScenarioRun(longer)), run_dir)

    # 31 steps in chunks of 6: the last chunk is one step, whose routes' ``changed`` is
    # against the last step of the chunk before (finish() cannot know it; account() does).
    longer = with_overrides(scenario, duration=155.0)
    run_scenario(longer, tmp_path / "r", workers=1, stop_after_chunks=5)
    before = saved(tmp_path / "r").routes
    run_scenario(longer, tmp_path / "r", workers=1, resume=True)
    last = saved(tmp_path / "r")
    assert last.next_chunk == 6
    width = max(last.routes.path.shape[1], before.path.shape[1])

    def padded(path):
        return np.pad(path, ((0, 0), (0, width - path.shape[1])), constant_values=-1)

    expected = np.any(padded(last.routes.path) != padded(before.path), axis=1)
    assert expected.any()  # the check means something: some path did change
    assert np.array_equal(last.routes.changed, expected)


def test_a_latency_term_switched_off_in_the_scenario_lowers_every_rtt_by_exactly_it(tmp_path):
    import numpy as np

    from leonet.network.latency import LatencyParameters

    base = """
name: pop-off
seed: 3
time: {start: "2026-05-30T12:00:00Z", duration: 30s, step_s: 5}
constellations: [{preset: starlink-gen1}]
ground:
  terminals: [{name: Centre, lat_deg: 49.6, lon_deg: 6.1}]
  cells: {region: Luxembourg, resolution: 4}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 30]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 30]}}
network: {mode: lasers%s}
"""
    tables = {}
    for name, extra in (("on", ""), ("off", ", latency: {pop_ms: 0}")):
        path = tmp_path / f"{name}.yaml"
        path.write_text(base % extra)
        run_scenario(load_scenario(path), tmp_path / name, workers=1)
        tables[name] = {
            t: pq.read_table(tmp_path / name / f"{t}.parquet").to_pydict()
            for t in ("terminals", "cells")
        }
    pop_ms = LatencyParameters().pop_ms
    assert pop_ms > 0
    for t in ("terminals", "cells"):
        on, off = tables["on"][t], tables["off"][t]
        assert on["propagation_rtt_ms"] == off["propagation_rtt_ms"]
        ok = [x is not None for x in on["rtt_ms"]]
        assert any(ok)
        for col in ("rtt_ms", "loaded_rtt_ms"):
            a = np.array([x for x, k in zip(on[col], ok, strict=True) if k])
            b = np.array([x for x, k in zip(off[col], ok, strict=True) if k])
            np.testing.assert_allclose(a - b, pop_ms, atol=1e-9)


def test_the_user_link_waits_are_the_runs_draws_whatever_the_chunking(tmp_path):
    import numpy as np

    from leonet.network.latency import LatencyParameters, user_link_uniforms

    base = """
name: waits
seed: 5
time: {start: "2026-05-30T12:00:00Z", duration: 40s, step_s: 5, chunk_steps: %d}
constellations: [{preset: starlink-gen1}]
ground:
  terminals:
    - {name: Centre, lat_deg: 49.6, lon_deg: 6.1}
    - {name: North, lat_deg: 50.0, lon_deg: 6.0}
  cells: {region: Luxembourg, resolution: 4}
  gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 30]}}
  pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [0, 30]}}
network: {mode: lasers%s}
"""
    tables = {}
    for name, chunk, extra in (
        ("on", 3, ""),
        ("chunked", 2, ""),
        ("off", 3, ", latency: {user_downlink_frame_ms: 0}"),
    ):
        path = tmp_path / f"{name}.yaml"
        path.write_text(base % (chunk, extra))
        run_scenario(load_scenario(path), tmp_path / name, workers=1)
        tables[name] = {
            t: pq.read_table(tmp_path / name / f"{t}.parquet").to_pydict()
            for t in ("terminals", "cells")
        }
    # The same draws however the run is chunked (2 or 3 steps a chunk): equal to 1e-9 ms
    # (the chunk's orbit arithmetic moves propagation by ~1e-12 ms; a wait is ~1 ms), the
    # busy hour's queue (the speed test's load draws) too.
    for t in ("terminals", "cells"):
        for col in ("rtt_ms", "loaded_rtt_ms", "busy_rtt_ms"):
            a, b = (
                np.array([np.nan if x is None else x for x in tables[k][t][col]])
                for k in ("on", "chunked")
            )
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-9, err_msg=f"{t} {col}")
    # Switching the downlink frame off removes each terminal-step's own wait: that part of
    # the frame drawn for (seed, site index, step time); the terminals follow the cells.
    frame_ms = LatencyParameters().user_downlink_frame_ms
    on, off = tables["on"]["terminals"], tables["off"]["terminals"]
    n_cells = len(set(tables["on"]["cells"]["cell"]))
    assert n_cells > 0
    ok = np.array([x is not None for x in on["rtt_ms"]])
    assert ok.sum() > 10
    site = n_cells + np.array([{"Centre": 0, "North": 1}[n] for n in on["terminal"]])
    utc = np.array([round(t.timestamp()) * 1_000_000_000 for t in on["time"]])  # whole s
    frame, _ = user_link_uniforms(5, site, utc, 15.0)
    removed = np.array(on["rtt_ms"], dtype=float)[ok] - np.array(off["rtt_ms"], dtype=float)[ok]
    np.testing.assert_allclose(removed, frame_ms * frame[ok], atol=1e-9)
    assert np.ptp(removed) > 0.2 * frame_ms  # it does vary from step to step
    # Cells too (a row per cell and slot, the slot's mean): each loses waits in [0, frame),
    # not the same every slot.
    c_on = np.array([np.nan if x is None else x for x in tables["on"]["cells"]["rtt_ms"]])
    c_off = np.array([np.nan if x is None else x for x in tables["off"]["cells"]["rtt_ms"]])
    gap = (c_on - c_off)[np.isfinite(c_on)]
    assert gap.min() >= 0 and gap.max() < frame_ms and np.ptp(gap) > 1e-3
