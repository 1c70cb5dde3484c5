"""Sweep files: loading, located errors before any work, expansion into runs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leonet.cli import app
from leonet.results.metrics import run_summary
from leonet.sweep import (
    METRICS,
    SweepError,
    expand,
    load_sweep,
    parse_path,
    path_problem,
    set_path,
    sweep_names,
)

GOOD = """\
name: tiny
base: quick
set:
  time.duration: 30s
parameters:
  - path: faults.satellites[0].fraction
    values: [0.0, 0.3]
seeds: 2
metrics: [availability, rtt_p50_ms]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(text)
    return path


def _error(tmp_path: Path, text: str) -> SweepError:
    with pytest.raises(SweepError) as info:
        load_sweep(_write(tmp_path, text))
    return info.value


def test_a_good_file_expands_into_variants_times_seeds(tmp_path):
    spec, base = load_sweep(_write(tmp_path, GOOD))
    runs = expand(spec, base)
    assert [r.name for r in runs] == ["v0000-s1", "v0000-s2", "v0001-s1", "v0001-s2"]
    assert all(r.error is None for r in runs)
    fractions = [r.scenario["faults"]["satellites"][0]["fraction"] for r in runs]
    assert fractions == [0.0, 0.0, 0.3, 0.3]
    assert [r.scenario["seed"] for r in runs] == [1, 2, 1, 2]
    assert {r.scenario["time"]["duration"] for r in runs} == {30.0}
    assert len({r.digest for r in runs}) == 4


def test_unknown_parameter_path_is_located_with_a_suggestion(tmp_path):
    err = _error(
        tmp_path, GOOD.replace("faults.satellites[0].fraction", "faults.satelites[0].fraction")
    )
    (problem,) = err.problems
    assert problem.line == 6 and problem.path == "parameters[0].path"
    assert "did you mean 'satellites'" in problem.message
    assert str(tmp_path / "sweep.yaml") in str(err)


def test_index_beyond_the_base_list_is_located(tmp_path):
    err = _error(tmp_path, GOOD.replace("satellites[0]", "satellites[2]"))
    assert err.problems[0].line == 6
    assert "has 1 entry" in err.problems[0].message


def test_unknown_set_path_is_located_on_its_key(tmp_path):
    err = _error(tmp_path, GOOD.replace("time.duration: 30s", "time.durtion: 30s"))
    assert err.problems[0].line == 4
    assert "did you mean 'duration'" in err.problems[0].message


def test_empty_range_is_located(tmp_path):
    err = _error(
        tmp_path, GOOD.replace("values: [0.0, 0.3]", "range: {start: 0.5, stop: 0.1, step: 0.1}")
    )
    (problem,) = err.problems
    assert problem.line == 7 and problem.path == "parameters[0].range"
    assert "the range is empty" in problem.message


@pytest.mark.parametrize(
    ("distribution", "words"),
    [
        ("{kind: uniform, low: 0.4, high: 0.1}", "impossible bounds"),
        ("{kind: loguniform, low: 0, high: 0.1}", "0 < low"),
        ("{kind: normal, mean: 0.2, sd: 0.01, low: 0.5, high: 0.6}", "holds almost none"),
        ("{kind: normal, mean: 0.2, sd: -1}", "sd must be > 0"),
    ],
)
def test_impossible_distributions_are_located(tmp_path, distribution, words):
    err = _error(
        tmp_path,
        GOOD.replace("values: [0.0, 0.3]", f"distribution: {distribution}\n    samples: 3"),
    )
    (problem,) = err.problems
    assert problem.line == 7 and problem.path == "parameters[0].distribution"
    assert words in problem.message


def test_unknown_keys_and_metrics_are_all_reported_at_once(tmp_path):
    text = GOOD.replace("seeds: 2", "seed: 2").replace("rtt_p50_ms]", "rtt_p50]")
    err = _error(tmp_path, text)
    messages = str(err)
    assert "2 problems" in messages
    assert "line 8: seed: unknown key 'seed'; did you mean 'seeds'?" in messages
    assert "unknown metric 'rtt_p50'; did you mean 'rtt_p50_ms'?" in messages


def test_a_distribution_draws_the_same_values_from_the_same_seed(tmp_path):
    text = GOOD.replace(
        "values: [0.0, 0.3]", "distribution: {kind: uniform, low: 0.1, high: 0.4}\n    samples: 4"
    )
    spec, base = load_sweep(_write(tmp_path, text))
    first = [r.params["faults.satellites[0].fraction"] for r in expand(spec, base)]
    again = [r.params["faults.satellites[0].fraction"] for r in expand(spec, base)]
    assert first == again and len(set(first)) == 4
    assert all(0.1 <= v <= 0.4 for v in first)


def test_a_value_that_makes_no_scenario_is_a_failed_run_not_an_abort(tmp_path):
    spec, base = load_sweep(_write(tmp_path, GOOD.replace("[0.0, 0.3]", "[0.2, 1.5]")))
    runs = expand(spec, base)
    assert [r.error is None for r in runs] == [True, True, False, False]
    assert "faults.satellites[0].fraction" in str(runs[2].error)
    assert "less than or equal to 1" in str(runs[2].error)


def test_the_cli_refuses_a_bad_sweep_before_any_work(tmp_path):
    bad = _write(tmp_path, GOOD.replace("satellites[0]", "satelites[0]"))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["sweep", str(bad), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "line 6" in result.output and "did you mean 'satellites'" in result.output
    assert not out.exists()


def test_bundled_sweeps_load_and_have_a_small_quick_size():
    assert sweep_names() == ["cutoff-radius", "jammer-eirp-distance", "satellite-loss"]
    for name in sweep_names():
        spec, base = load_sweep(name)
        quick = expand(spec, base, quick=True)
        assert all(r.error is None for r in quick), name
        assert len(quick) <= 10, name
        assert max(r.scenario["time"]["duration"] for r in quick) <= 120, name
        assert all(r.error is None for r in expand(spec, base)), name


def test_jammer_distances_shown_match_the_latitudes():
    """The plotted distances are the jammer's great-circle distance north of the target
    (WGS84 meridian arc: 111.2 km per degree at 48° N), within 0.1 km."""
    spec, base = load_sweep("jammer-eirp-distance")
    target = base.ground.terminals[0].lat_deg
    parameter = spec.parameters[0]
    assert parameter.values is not None and parameter.shown is not None
    for lat, km in zip(parameter.values, parameter.shown, strict=True):
        assert (lat - target) * 111.2 == pytest.approx(km, abs=0.1)


def test_paths_parse_and_set_every_entry_of_a_list_without_index():
    assert parse_path("faults.jammers[0].eirp_dbw") == ("faults", "jammers", 0, "eirp_dbw")
    for bad in ("", "a..b", "[0].a", "a.", "a b", "a[x]"):
        with pytest.raises(ValueError, match="dotted path"):
            parse_path(bad)
    data = {"faults": {"satellites": [{"fraction": 0.1}, {"fraction": 0.2}]}}
    assert path_problem(data, "faults.satellites.fraction") is None
    changed = set_path(data, "faults.satellites.fraction", 0.4)
    assert changed["faults"]["satellites"] == [{"fraction": 0.4}, {"fraction": 0.4}]
    assert data["faults"]["satellites"][0]["fraction"] == 0.1  # a copy
    assert "is not a list" in str(path_problem(data, "faults[0]"))


def test_metrics_are_the_numbers_of_a_run_summary(tmp_path):
    from leonet.engine import run_scenario
    from leonet.scenario import load_scenario, with_overrides

    run_scenario(with_overrides(load_scenario("quick"), duration=20), tmp_path, workers=1)
    summary = run_summary(tmp_path)
    assert set(METRICS) <= set(summary)
    assert not math.isnan(summary["availability"])
