"""Application profiles and verdicts: thresholds, cut-offs, aggregates from the files, and
located errors for bad profiles."""

from __future__ import annotations

import json

import h3
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leonet.apps import (
    DEGRADED,
    FAILS,
    REQUIREMENTS,
    WORKS,
    app_tables,
    bundled_profiles,
    evaluate_run,
    judge,
    load_profile_file,
)
from leonet.results.store import query
from leonet.scenario import AT_LEAST, AppProfileSpec, ScenarioError, load_scenario
from support.app_runs import BRIEF_APPS, T0_NS, cut_off_run, write_run


def _values(shape=(1, 1), **given):
    base = {key: np.full(shape, np.nan) for key in REQUIREMENTS}
    base["break_s"] = np.zeros(shape)
    base.update({k: np.full(shape, v, dtype=np.float64) for k, v in given.items()})
    return base


def test_bundled_library_holds_the_briefs_applications_each_with_sources():
    profiles = bundled_profiles()
    assert {p.name for p in profiles} == BRIEF_APPS
    for p in profiles:
        present = [k for k in REQUIREMENTS if getattr(p, k) is not None]
        assert {"down_mbps", "up_mbps", "rtt_ms", "break_s", "loss_pct"} <= set(present), p.name
        for key in present:
            assert len(getattr(p, key).source) > 10, (p.name, key)


@pytest.mark.parametrize("profile", bundled_profiles(), ids=lambda p: p.name)
def test_verdict_flips_exactly_at_each_threshold(profile):
    for k, key in enumerate(REQUIREMENTS):
        req = getattr(profile, key)
        if req is None:
            continue
        worse = -np.inf if key in AT_LEAST else np.inf

        def at(value, key=key):
            v = judge(profile, _values(**{key: value}))
            return int(v.verdict[0, 0]), int(v.decided[0, 0])

        assert at(req.works) == (WORKS, -1), key
        if req.works != req.fails:
            assert at(np.nextafter(req.works, worse)) == (DEGRADED, k), key
            assert at(req.fails) == (DEGRADED, k), key
        assert at(np.nextafter(req.fails, worse)) == (FAILS, k), key


def test_the_worst_requirement_decides_and_ties_go_to_the_first():
    voice = next(p for p in bundled_profiles() if p.name == "voice")
    v = judge(
        voice,
        _values(
            rtt_ms=voice.rtt_ms.fails + 1,
            jitter_ms=voice.jitter_ms.works + 1,
            loss_pct=voice.loss_pct.fails + 1,
        ),
    )
    assert int(v.verdict[0, 0]) == FAILS
    assert REQUIREMENTS[int(v.decided[0, 0])] == "rtt_ms"


def test_a_cut_off_terminal_fails_every_application_at_once(tmp_path):
    n = 120
    served = np.ones((n, 2), dtype=bool)
    served[60:, 0] = False  # terminal t0 is cut off by the operator at +60 s
    reason = np.where(served, None, "area-cut-off").astype(object)
    write_run(
        tmp_path,
        served,
        np.full((n, 2), 30.0),
        np.full((n, 2), 100.0),
        np.full((n, 2), 20.0),
        reason=reason,
    )
    run = evaluate_run(tmp_path)
    col = list(run.terminals.names).index("t0")
    for profile in run.profiles:
        v = run.terminal_verdicts[profile.name]
        assert (v.verdict[60:, col] == FAILS).all(), profile.name
        assert {REQUIREMENTS[d] for d in v.decided[60:, col]} == {"break_s"}
        assert (v.verdict[:, 1 - col] == WORKS).all(), profile.name  # the other is fine


def test_a_short_transient_break_is_ridden_through_up_to_break_works(tmp_path):
    n = 60
    served = np.ones((n, 1), dtype=bool)
    served[10:15, 0] = False  # a 5 s no-satellite break
    write_run(
        tmp_path, served, np.full((n, 1), 30.0), np.full((n, 1), 100.0), np.full((n, 1), 20.0)
    )
    run = evaluate_run(tmp_path)
    tele = next(p for p in run.profiles if p.name == "drone-telemetry")
    v = run.terminal_verdicts["drone-telemetry"].verdict[:, 0]
    elapsed = np.arange(1, 6)  # the break has lasted 1..5 s at steps 10..14
    expect = np.where(
        elapsed <= tele.break_s.works,
        WORKS,
        np.where(elapsed <= tele.break_s.fails, DEGRADED, FAILS),
    )
    np.testing.assert_array_equal(v[10:15], expect)


def test_aggregates_equal_numpy_over_the_files(tmp_path):
    rng = np.random.default_rng(7)
    n, m = 600, 5
    served = rng.random((n, m)) > 0.1
    down = rng.uniform(0.0, 12.0, (n, m))
    write_run(tmp_path, served, rng.uniform(20, 60, (n, m)), down, np.full((n, m), 5.0))
    rate = AppProfileSpec(
        name="rate-only", down_mbps={"works": 8.0, "fails": 2.0, "source": "test"}
    )
    tables = app_tables(evaluate_run(tmp_path, extra=[rate]))
    got = (
        tables["app_terminals"]
        .filter(pa.compute.equal(tables["app_terminals"]["app"], "rate-only"))
        .to_pylist()
    )

    files = pq.read_table(tmp_path / "terminals.parquet").sort_by("time")
    for row in got:
        one = files.filter(pa.compute.equal(files["terminal"], row["terminal"]))
        ok = one["served"].to_numpy()
        d = one["throughput_down_mbps"].to_numpy()
        verdict = np.where(~ok | (d < 2.0), 2, np.where(d < 8.0, 1, 0))
        assert row["works_share"] == pytest.approx(np.mean(verdict == 0), abs=1e-12)
        assert row["degraded_share"] == pytest.approx(np.mean(verdict == 1), abs=1e-12)
        fails = np.r_[0, (verdict == 2).astype(int), 0]
        starts, ends = np.flatnonzero(np.diff(fails) == 1), np.flatnonzero(np.diff(fails) == -1)
        assert row["longest_break_s"] == pytest.approx((ends - starts).max(), abs=1e-9)
        assert row["breaks_per_hour"] == pytest.approx(len(starts) / (n / 3600), rel=1e-12)


def test_region_shares_weight_cells_by_area_and_say_population_is_area(tmp_path):
    cells = [h3.latlng_to_cell(50.0, 30.0, 5), h3.latlng_to_cell(70.0, 30.0, 5)]
    area = np.array([h3.cell_area(c, "km^2") for c in cells])
    n = 4
    cell_table = pa.table(
        {
            "time": pa.array(
                np.repeat(T0_NS + np.arange(n) * 15 * 10**9, 2), pa.timestamp("ns", tz="UTC")
            ),
            "cell": pa.array(cells * n),
            "served": np.tile([1.0, 0.0], n),
            "reason": pa.array([None, "area-cut-off"] * n, pa.string()),
            "rtt_ms": pa.array(np.tile([30.0, np.nan], n), mask=np.tile([False, True], n)),
            "throughput_down_mbps": np.tile([100.0, 0.0], n),
            "throughput_up_mbps": np.tile([20.0, 0.0], n),
        }
    )
    served = np.ones((60, 1), dtype=bool)
    write_run(
        tmp_path,
        served,
        np.full((60, 1), 30.0),
        np.full((60, 1), 100.0),
        np.full((60, 1), 20.0),
        cells=cell_table,
    )
    from leonet.apps import add_app_views

    regions = {
        r["app"]: r
        for r in query(
            tmp_path,
            "SELECT * FROM app_regions",
            extra_views=lambda connection: add_app_views(connection, tmp_path),
        ).to_pylist()
    }
    for row in regions.values():
        assert row["area_share_works"] == pytest.approx(area[0] / area.sum(), rel=1e-12)
        assert row["population_basis"].startswith("area")


def test_event_shares_before_and_during(tmp_path):
    cut_off_run(tmp_path)  # t1 is cut off while the event lasts
    rows = app_tables(evaluate_run(tmp_path))["app_events"].to_pylist()
    assert {r["app"] for r in rows} == BRIEF_APPS
    for r in rows:
        assert r["terminal_share_before"] == 1.0
        assert r["terminal_share_during"] == 0.5  # one of two terminals, the whole window


def test_bad_profiles_get_errors_naming_the_file_line_and_field(tmp_path):
    bad = tmp_path / "apps.yaml"
    bad.write_text(
        "apps:\n  - name: radio\n    rtt_ms:\n      works: 500\n      fails: 100\n"
        "      source: me\n  - name: cam\n    loss_pct: {works: 1, fails: 200, "
        "source: x}\n    up_mbps: {works: 1, fails: -2, source: x}\n"
    )
    with pytest.raises(ScenarioError) as err:
        load_profile_file(bad)
    text = str(err.value)
    assert f"{bad}, line 4: apps[0].rtt_ms: works=500 is above fails=100" in text
    assert "line 8: apps[1].loss_pct: fails=200 is over 100 %" in text
    assert "line 9: apps[1].up_mbps.fails: Input should be greater than or equal to 0" in text


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("apps: [{name: x, rtt_ms: {works: true, fails: 9, source: s}}]", "works: Input should"),
        ("apps: [{name: x, rtt_ms: {works: '5', fails: 9, source: s}}]", "works: Input should"),
        (
            "apps: [{name: x, rtt_ms: {works: 5, fails: 9, source: s, assumption: 'yes'}}]",
            "assumption: Input should be a valid boolean",
        ),
        ("profiles: []", "expected one key, 'apps:'"),
        ("apps: []\nextra: 1", "got 'apps', 'extra'"),
        ("{}", "got none"),
    ],
)
def test_a_profile_file_is_strict_and_holds_only_apps(tmp_path, text, what):
    """``works: true`` was read as 1 ms and ``'5'`` as 5; a file of other keys was told
    the scenario's valid keys."""
    bad = tmp_path / "apps.yaml"
    bad.write_text(text + "\n")
    with pytest.raises(ScenarioError) as err:
        load_profile_file(bad)
    assert len(err.value.problems) == 1, str(err.value)
    assert f"{bad}, line 1: " in str(err.value) and what in str(err.value)
    assert "scenario" not in str(err.value)


def test_a_scenario_adds_its_own_profile_and_its_errors_are_located():
    text = load_scenario("quick").model_dump_json()
    data = json.loads(text)
    data["apps"] = [
        {"name": "sensor", "up_mbps": {"works": 0.01, "fails": 0.001, "source": "vendor sheet"}}
    ]
    from leonet.scenario import validate

    spec = validate(data)
    assert spec.apps[0].name == "sensor"
    data["apps"].append({"name": "sensor", "rtt_ms": {"works": 1, "fails": 2, "source": "x"}})
    with pytest.raises(ScenarioError, match="two profiles are named 'sensor'"):
        validate(data)


def test_a_runs_scenario_profiles_join_and_replace_the_bundled_ones(tmp_path):
    n = 30
    served = np.ones((n, 1), dtype=bool)
    write_run(tmp_path, served, np.full((n, 1), 30.0), np.full((n, 1), 100.0), np.full((n, 1), 0.5))
    (tmp_path / "scenario.json").write_text(
        json.dumps(
            {
                "apps": [
                    {
                        "name": "voice",
                        "up_mbps": {"works": 1.0, "fails": 0.6, "source": "stricter"},
                    },
                    {"name": "sensor", "up_mbps": {"works": 0.1, "fails": 0.05, "source": "sheet"}},
                ]
            }
        )
    )
    run = evaluate_run(tmp_path)
    assert [p.name for p in run.profiles][-1] == "sensor"
    assert len(run.profiles) == len(BRIEF_APPS) + 1
    assert (run.terminal_verdicts["voice"].verdict == FAILS).all()  # 0.5 < 0.6 Mb/s up
    assert (run.terminal_verdicts["sensor"].verdict == WORKS).all()


def test_a_run_without_cells_gets_terminal_views_and_a_report_section(tmp_path):
    from leonet.report.apps_section import render_apps_section

    n = 30
    write_run(
        tmp_path,
        np.ones((n, 1), dtype=bool),
        np.full((n, 1), 30.0),
        np.full((n, 1), 100.0),
        np.full((n, 1), 20.0),
    )
    tables = app_tables(evaluate_run(tmp_path))
    assert {"app_profiles", "app_terminals", "app_verdicts"} <= set(tables)
    assert not {"app_cells", "app_regions"} & set(tables)
    page = render_apps_section(tmp_path)
    assert "<h2>Applications</h2>" in page and "No cells in this run" in page


def test_region_shares_per_named_area_of_the_scenario(tmp_path):
    inside, outside = h3.latlng_to_cell(48.0, 37.8, 5), h3.latlng_to_cell(50.45, 30.52, 5)
    n = 4
    cell_table = pa.table(
        {
            "time": pa.array(
                np.repeat(T0_NS + np.arange(n) * 15 * 10**9, 2), pa.timestamp("ns", tz="UTC")
            ),
            "cell": pa.array([inside, outside] * n),
            "served": np.tile([0.0, 1.0], n),
            "reason": pa.array(["area-cut-off", None] * n, pa.string()),
            "rtt_ms": pa.array(np.tile([np.nan, 30.0], n), mask=np.tile([True, False], n)),
            "throughput_down_mbps": np.tile([0.0, 100.0], n),
            "throughput_up_mbps": np.tile([0.0, 20.0], n),
        }
    )
    write_run(
        tmp_path,
        np.ones((60, 1), dtype=bool),
        np.full((60, 1), 30.0),
        np.full((60, 1), 100.0),
        np.full((60, 1), 20.0),
        cells=cell_table,
    )
    centres = [h3.cell_to_latlng(c) for c in (inside, outside)]
    pq.write_table(
        pa.table(
            {
                "site": [inside, outside],
                "kind": ["cell", "cell"],
                "lat_deg": [c[0] for c in centres],
                "lon_deg": [c[1] for c in centres],
            }
        ),
        tmp_path / "sites.parquet",
    )
    donetsk = {
        "name": "Donetsk",
        "polygon": {"lat_deg": [49.2, 49.0, 47.0, 47.2], "lon_deg": [36.5, 39.8, 39.8, 36.5]},
    }
    kyiv = {"name": "Kyiv 30 km", "circle": {"lat_deg": 50.45, "lon_deg": 30.52, "radius_km": 30.0}}
    (tmp_path / "scenario.json").write_text(
        json.dumps(
            {
                "ground": {"cells": {"region": "Test"}},
                "policy": {"events": [{"area": donetsk}, {"area": kyiv}, {"area": None}]},
            }
        )
    )
    rows = [
        r
        for r in app_tables(evaluate_run(tmp_path))["app_regions"].to_pylist()
        if r["app"] == "voice"
    ]
    share = {r["region"]: (r["cells"], r["area_share_works"]) for r in rows}
    area = np.array([h3.cell_area(c, "km^2") for c in (inside, outside)])
    assert share["Donetsk"] == (1, 0.0)
    assert share["Kyiv 30 km"] == (1, 1.0)
    assert share["Test"][0] == 2
    assert share["Test"][1] == pytest.approx(area[1] / area.sum(), rel=1e-12)


def test_profiles_change_the_scenario_hash_and_no_profiles_keep_the_old_one():
    import hashlib

    from leonet.scenario import scenario_hash, validate

    quick = load_scenario("quick")
    data = quick.model_dump(mode="json")
    data.pop("apps")
    data.pop("systems"), data.pop("subscriptions")  # one system: not in the hash either
    before = hashlib.sha256(
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert scenario_hash(quick) == before  # runs made before apps: existed still resume
    data["apps"] = [{"name": "sensor", "up_mbps": {"works": 0.1, "fails": 0.01, "source": "x"}}]
    assert scenario_hash(validate(data)) != before
