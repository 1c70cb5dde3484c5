"""systems: and subscriptions: in a scenario — what they mean and the errors they give."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from leonet.scenario import ScenarioError, load_scenario, scenario_hash
from leonet.scenario.systems import (
    cell_preferences,
    system_scenarios,
    terminal_names,
    terminal_preferences,
)

BASE = """\
name: two
seed: 3
time: {start: "2026-05-30T12:00:00Z", duration: 2m, step_s: 10}
ground:
  terminals:
    - {place: Kyiv}
    - {place: Lviv}
    - {place: Kharkiv}
    - {name: drone-1, lat_deg: 48.7, lon_deg: 37.6}
    - {name: drone-2, lat_deg: 48.8, lon_deg: 37.5}
radio: {exceedance_percent: 2.0}
systems:
  - name: starlink
    constellations: [{preset: starlink-gen1}]
    ground:
      gateways: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
      pops: {bundled: true, within: {lat_deg: [40, 57], lon_deg: [5, 42]}}
    policy:
      events:
        - {action: cut-off, area: {name: Ukraine, region: Ukraine}, start: "+1m"}
  - name: oneweb
    constellations: [{catalogue: oneweb-tle}]
    network: {mode: bent-pipe}
    radio: {exceedance_percent: 5.0}
    ground:
      gateways: [{name: gw-bg, lat_deg: 42.4, lon_deg: 25.7}]
      pops: [{name: pop-ist, lat_deg: 41.0, lon_deg: 29.2}]
"""
SUBS = """\
subscriptions:
  default: [starlink]
  cells: [starlink, oneweb]
  switch_over_s: 20
  groups:
    - {systems: [starlink, oneweb], terminals: ["drone-*"]}
    - {systems: [oneweb, starlink], terminals: [Lviv]}
"""


def _load(tmp_path: Path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return load_scenario(path)


def _error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, text)
    return str(info.value)


def test_each_system_is_a_scenario_of_its_own_over_the_same_users(tmp_path: Path) -> None:
    s = _load(tmp_path, BASE + SUBS)
    subs = system_scenarios(s)
    assert list(subs) == ["starlink", "oneweb"]
    starlink, oneweb = subs["starlink"], subs["oneweb"]
    assert starlink.name == "two-starlink" and oneweb.name == "two-oneweb"
    assert starlink.ground.terminals == oneweb.ground.terminals == s.ground.terminals
    assert starlink.time == oneweb.time == s.time and starlink.seed == oneweb.seed == 3
    # its own policy: the cut-off is Starlink's only
    assert len(starlink.policy.events) == 1 and oneweb.policy.events == []
    # its own sections, else the scenario's
    assert oneweb.network.mode == "bent-pipe" and starlink.network.mode == "hybrid"
    assert oneweb.radio.exceedance_percent == 5.0 and starlink.radio.exceedance_percent == 2.0
    assert [g.name for g in oneweb.ground.gateways] == ["gw-bg"]  # type: ignore[union-attr]
    assert not starlink.outputs.report and starlink.systems is None


def test_preferences_by_group_then_default(tmp_path: Path) -> None:
    s = _load(tmp_path, BASE + SUBS)
    names = terminal_names(s)
    assert names == ["Kyiv", "Lviv", "Kharkiv", "drone-1", "drone-2"]
    ranks = terminal_preferences(s, names)
    assert ranks.tolist() == [[0, -1], [1, 0], [0, -1], [0, 1], [0, 1]]
    assert cell_preferences(s).tolist() == [0, 1]


def test_a_share_is_seeded_and_exact(tmp_path: Path) -> None:
    text = BASE + "subscriptions:\n  groups:\n    - {systems: [starlink, oneweb], share: 0.4}\n"
    s = _load(tmp_path, text)
    names = terminal_names(s)
    first = terminal_preferences(s, names)
    assert (first[:, 1] == 1).sum() == 2  # round(0.4 × 5)
    assert np.array_equal(first, terminal_preferences(s, names))  # same seed, same draw
    other = _load(tmp_path, text.replace("seed: 3", "seed: 4"))
    draws = {tuple(terminal_preferences(other, names)[:, 1])}
    for seed in range(5, 12):
        again = _load(tmp_path, text.replace("seed: 3", f"seed: {seed}"))
        draws.add(tuple(terminal_preferences(again, names)[:, 1]))
    assert len(draws) > 1  # the seed chooses which


def test_without_subscriptions_every_terminal_takes_the_first_system(tmp_path: Path) -> None:
    s = _load(tmp_path, BASE)
    assert terminal_preferences(s, terminal_names(s))[:, 0].tolist() == [0] * 5
    assert cell_preferences(s).tolist() == [0, -1]


def test_a_single_system_scenario_keeps_its_hash() -> None:
    s = load_scenario("ukraine")
    data = s.model_dump(mode="json")
    assert data["systems"] is None and data["subscriptions"] is None
    for key in ("systems", "subscriptions", *([] if data.get("apps") else ["apps"])):
        data.pop(key)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert scenario_hash(s) == hashlib.sha256(canonical.encode()).hexdigest()


def test_an_unknown_system_is_named_with_its_line_and_a_suggestion(tmp_path: Path) -> None:
    text = BASE + SUBS.replace("systems: [oneweb, starlink]", "systems: [onweb, starlink]")
    message = _error(tmp_path, text)
    assert "s.yaml, line 34: subscriptions.groups[1].systems[0]" in message
    assert "no system 'onweb'" in message and "did you mean 'oneweb'" in message


def test_a_terminal_subscribed_to_a_system_not_in_the_scenario(tmp_path: Path) -> None:
    message = _error(tmp_path, BASE + "subscriptions:\n  default: [starlink, geo]\n")
    assert "subscriptions.default[1]" in message and "no system 'geo'" in message


def test_a_group_that_selects_no_terminal_is_named(tmp_path: Path) -> None:
    text = BASE + SUBS.replace("terminals: [Lviv]", "terminals: [Lvov]")
    message = _error(tmp_path, text)
    assert "subscriptions.groups[1].terminals[0]" in message
    assert "'Lvov' selects no terminal" in message and "did you mean 'Lviv'" in message


def test_duplicate_system_names(tmp_path: Path) -> None:
    message = _error(tmp_path, BASE.replace("name: oneweb", "name: starlink"))
    assert "systems[1].name" in message and "'starlink' is used twice" in message


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("switch_over_s: 20", "switch_over_s: -5", "subscriptions.switch_over_s", "greater"),
        ("switch_over_s: 20", "switch_over_s: .inf", "subscriptions.switch_over_s", "finite"),
        ("terminals: [Lviv]}", "terminals: [Lviv], share: 1.5}", "groups[1].share", "less"),
        ("terminals: [Lviv]}", "terminals: [Lviv], share: 0}", "groups[1].share", "greater"),
        (
            "{systems: [oneweb, starlink], terminals: [Lviv]}",
            "{systems: [oneweb]}",
            "groups[1]",
            "share",
        ),
        ("name: oneweb", "name: One/Web", "systems[1].name", "slug"),
        ("default: [starlink]", "default: []", "subscriptions.default", "at least 1"),
    ],
)
def test_impossible_numbers_and_names(
    tmp_path: Path, old: str, new: str, field: str, words: str
) -> None:
    text = (BASE + SUBS).replace(old, new)
    assert text != BASE + SUBS
    message = _error(tmp_path, text)
    assert field in message and words in message


def test_top_level_sections_that_belong_to_a_system_are_refused(tmp_path: Path) -> None:
    text = BASE.replace(
        "radio: {exceedance_percent: 2.0}",
        "constellations: [{preset: kuiper}]\npolicy: {whitelist_only: true}",
    )
    message = _error(tmp_path, text)
    assert "constellations: with systems:, each system lists its own" in message
    assert "policy: with systems:, each operator has its own policy" in message


def test_a_systems_own_references_are_located_under_it(tmp_path: Path) -> None:
    text = BASE + ("    faults:\n      gateways:\n        - {names: [gw-xx], start: '+0s'}\n")
    message = _error(tmp_path, text)
    assert "systems[1].faults.gateways[0].names[0]" in message and "no gateway 'gw-xx'" in message


def test_subscriptions_need_systems(tmp_path: Path) -> None:
    text = (
        'name: one\ntime: {start: "2026-05-30T12:00:00Z", duration: 1m}\n'
        "constellations: [{preset: kuiper}]\nsubscriptions: {default: [x]}\n"
    )
    assert "subscriptions: choose among systems" in _error(tmp_path, text)
    no_const = 'name: one\ntime: {start: "2026-05-30T12:00:00Z", duration: 1m}\n'
    assert "give at least one constellation" in _error(tmp_path, no_const)


def test_the_bundled_cutoff_scenario_is_valid() -> None:
    s = load_scenario("starlink-cutoff")
    assert [x.name for x in s.systems or []][:2] == ["starlink", "oneweb"]
    subs = system_scenarios(s)
    (cut,) = subs["starlink"].policy.events
    assert cut.action == "cut-off" and s.at_ns(cut.start) - s.time.start_ns == 20 * 60 * 10**9
    assert cut.end is None
    assert subs["oneweb"].policy.events == [] and subs["oneweb"].network.mode == "bent-pipe"


def test_leonet_validate_names_the_problem_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from leonet.cli import app

    path = tmp_path / "s.yaml"
    path.write_text(BASE + "subscriptions:\n  cells: [starlink, iridium]\n")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "subscriptions.cells[1]: no system 'iridium'" in " ".join(result.output.split())
    good = CliRunner().invoke(app, ["validate", "starlink-cutoff"])
    assert good.exit_code == 0, good.output
    assert "3 systems (starlink, oneweb, geo)" in good.output


def test_oneweb_with_lasers_is_refused_under_its_system(tmp_path: Path) -> None:
    text = BASE.replace(
        "      gateways: [{name: gw-bg, lat_deg: 42.4, lon_deg: 25.7}]\n"
        "      pops: [{name: pop-ist, lat_deg: 41.0, lon_deg: 29.2}]\n",
        "      gateways: {bundled: true, operator: oneweb}\n"
        "      pops: {bundled: true, operator: oneweb}\n",
    )
    assert "operator: oneweb" in text
    own = _error(tmp_path, text.replace("network: {mode: bent-pipe}", "network: {mode: hybrid}"))
    assert "systems[1].network.mode" in own and "carry no lasers" in own
    inherited = _error(
        tmp_path, text.replace("    network: {mode: bent-pipe}\n", "") + "network: {mode: lasers}\n"
    )
    assert "network.mode: for system 'oneweb'" in inherited and "carry no lasers" in inherited


def test_the_busy_hour_load_scale_reaches_the_starlink_systems_only(tmp_path: Path) -> None:
    """A scenario's ``capacity.busy_hour_load_scale`` scales Starlink's calibrated
    background: its Starlink system takes it, a system on OneWeb's radio keeps 1 (its
    speed test has no calibrated background), and one of its own is refused there."""
    text = BASE.replace(
        "    radio: {exceedance_percent: 5.0}",
        "    radio: {exceedance_percent: 5.0, operator: oneweb}",
    )
    subs = system_scenarios(_load(tmp_path, text + "capacity: {busy_hour_load_scale: 2}\n"))
    assert subs["starlink"].capacity.busy_hour_load_scale == 2.0
    assert subs["oneweb"].radio_operator == "oneweb"
    assert subs["oneweb"].capacity.busy_hour_load_scale == 1.0
    # The uplink's own scale travels the same way.
    both = "capacity: {busy_hour_load_scale: 2, busy_hour_load_scale_up: 0.5}\n"
    subs = system_scenarios(_load(tmp_path, text + both))
    assert subs["starlink"].capacity.busy_hour_load_scale_up == 0.5
    assert subs["oneweb"].capacity.busy_hour_load_scale_up is None
    own = text.replace(
        "    network: {mode: bent-pipe}",
        "    network: {mode: bent-pipe}\n    capacity: {busy_hour_load_scale: 2}",
    )
    with pytest.raises(ScenarioError, match="busy_hour_load_scale") as info:
        _load(tmp_path, own)
    assert "systems[1].capacity.busy_hour_load_scale" in str(info.value)
    assert "the radio of system 'oneweb' is oneweb's" in str(info.value)
    with pytest.raises(ScenarioError, match="busy_hour_load_scale"):
        _load(tmp_path, own.replace("busy_hour_load_scale: 2", "busy_hour_load_scale_up: 2"))
