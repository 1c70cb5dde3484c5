"""Input hardening: strict numbers, the clock's range, YAML aliases, catalogue age, speed."""

import time

import pytest

from leonet.scenario import (
    ScenarioError,
    StaleCatalogueError,
    load_scenario,
    open_inputs,
)

BASE = """name: t
time: {{start: "{start}", duration: {duration}, step_s: {step}}}
constellations: [{{{constellation}}}]
ground:
  terminals: [{{name: a, lat_deg: 50.0, lon_deg: 30.0}}]
"""


def scenario(
    tmp_path,
    start="2026-05-30T12:00:00Z",
    duration="60",
    step="10",
    constellation="preset: starlink-gen1",
    extra="",
):
    path = tmp_path / "s.yaml"
    path.write_text(
        BASE.format(start=start, duration=duration, step=step, constellation=constellation) + extra
    )
    return path


@pytest.mark.parametrize("step", ["true", "false", "'1'", ".nan", ".inf"])
def test_step_must_be_a_real_number(tmp_path, step):
    with pytest.raises(ScenarioError, match=r"line 2: time\.step_s"):
        load_scenario(scenario(tmp_path, step=step))


def test_duration_true_is_not_one_second(tmp_path):
    with pytest.raises(ScenarioError, match=r"time\.duration"):
        load_scenario(scenario(tmp_path, duration="true"))


@pytest.mark.parametrize(
    "start, duration",
    [
        ("9999-05-30T12:00:00Z", "60"),
        ("1950-01-01T00:00:00Z", "60"),
        ("2262-04-10T00:00:00Z", "2d"),
    ],
)
def test_times_stay_within_int64_nanoseconds(tmp_path, start, duration):
    with pytest.raises(ScenarioError, match="2262"):
        load_scenario(scenario(tmp_path, start=start, duration=duration))


def test_a_billion_laughs_is_refused_at_once(tmp_path):
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(rows) + "\n")
    began = time.perf_counter()
    with pytest.raises(ScenarioError, match="aliases"):
        load_scenario(path)
    assert time.perf_counter() - began < 1.0


def test_ordinary_aliases_still_work(tmp_path):
    path = scenario(tmp_path, extra="policy: {}\n")
    text = path.read_text().replace(
        "[{name: a, lat_deg: 50.0, lon_deg: 30.0}]",
        "[&t {name: a, lat_deg: 50.0, lon_deg: 30.0}, {<<: *t, name: b}]",
    )
    path.write_text(text)
    assert len(load_scenario(path).ground.terminals) == 2


def test_catalogue_age_warns_after_a_week_and_refuses_after_a_month(tmp_path):
    # The bundled catalogue's median epoch is 2026-05-30 (data/PROVENANCE.md).
    fresh = open_inputs(load_scenario(scenario(tmp_path, constellation="catalogue: starlink")))
    assert fresh.warnings == () and fresh.catalogue_age_days["starlink"] < 2
    weeks = open_inputs(
        load_scenario(
            scenario(tmp_path, start="2026-06-13T12:00:00Z", constellation="catalogue: starlink")
        )
    )
    assert 13 < weeks.catalogue_age_days["starlink"] < 16
    assert "days from the run" in weeks.warnings[0]
    weeks.check_age()  # a warning, not a refusal
    old = open_inputs(
        load_scenario(
            scenario(tmp_path, start="2000-05-30T12:00:00Z", constellation="catalogue: starlink")
        )
    )
    with pytest.raises(StaleCatalogueError, match="--force"):
        old.check_age()
    old.check_age(force=True)


@pytest.mark.parametrize("minutes, refused", [(4, True), (5, False)])
def test_terminal_speed_bound(tmp_path, minutes, refused):
    # One degree of longitude on the equator: 111.2 km (mean Earth radius 6,371.0 km):
    # in 4 min 1,668 km/h (over the 1,500 km/h bound), in 5 min 1,334 km/h.
    extra = f"""  mobile:
    - name: jet
      waypoints:
        - {{time: "+0s", lat_deg: 0.0, lon_deg: 10.0}}
        - {{time: "+{minutes}m", lat_deg: 0.0, lon_deg: 11.0}}
"""
    path = scenario(tmp_path, extra=extra)
    if refused:
        with pytest.raises(
            ScenarioError,
            match=r"line 10: ground\.mobile\[0\]\.waypoints\[1\].*"
            r"1,668 km/h",
        ):
            load_scenario(path)
    else:
        assert load_scenario(path).ground.mobile[0].name == "jet"
