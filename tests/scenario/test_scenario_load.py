"""Scenario loading: presets validate and resolve, overrides, hashing, the events timeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

import leonet.scenario as sc
from leonet.ground import country, named_region
from leonet.scenario import (
    ScenarioError,
    load_scenario,
    scenario_hash,
    scenario_names,
    scenario_text,
    timeline,
    validate,
    with_overrides,
)
from leonet.scenario.schema import BundledSitesSpec, PlaceTerminalSpec, TerminalSpec

MINIMAL = """\
name: mini
time: {start: "2026-05-30T00:00:00Z", duration: 10m, step_s: 5}
constellations:
  - preset: starlink-gen1
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_public_names_sorted() -> None:
    assert sc.__all__ == sorted(sc.__all__, key=lambda n: (not n.isupper(), n))
    for name in sc.__all__:
        assert hasattr(sc, name), name


@pytest.mark.parametrize("name", scenario_names())
def test_every_bundled_preset_validates(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.time.start.tzinfo is not None
    # the text is the file the loader read, and round-trips through a file
    assert "constellations:" in scenario_text(name)


def test_bundled_presets_include_ukraine_and_quick() -> None:
    assert {"ukraine", "quick"} <= set(scenario_names())


def test_ukraine_preset_contents() -> None:
    s = load_scenario("ukraine")
    assert s.time.start == datetime(2026, 5, 30, 12, tzinfo=UTC)
    assert s.time.duration_s == 3600.0 and s.time.step_s == 1.0
    assert len(s.grid()) == 3600
    assert s.constellations[0].spec == "starlink"
    assert s.ground.places == "ukraine"
    assert s.ground.cells is not None and s.ground.cells.resolution == 5
    assert s.policy.max_speed_kmh == 90
    actions = [e.action for e in s.policy.events]
    assert "cut-off" in actions and "whitelist-only" in actions
    assert s.faults.gateways[0].names == ["Wola Krobowska, Poland"]
    assert s.faults.jammers and s.faults.jammers[0].antenna.beamwidth_deg == 1.5


def test_ukraine_preset_resolves() -> None:
    s = load_scenario("ukraine")
    terminals = sc.terminal_sites(s)
    names = [str(n) for n in terminals.names]
    assert {"Kyiv", "Pokrovsk", "Kramatorsk", "unregistered-avdiivka"} <= set(names)
    assert len(set(names)) == len(names)
    cells = sc.cell_sites(s)
    assert cells is not None and len(cells) > 2000
    ukraine = country("Ukraine")
    assert ukraine.contains(cells.lat_deg, cells.lon_deg).mean() > 0.95
    gateways = [str(n) for n in sc.gateway_sites(s).names]
    assert "Wola Krobowska, Poland" in gateways and "Kaunas, Lithuania" in gateways
    assert {"frntdeu1", "wrswpol1"} <= {str(n) for n in sc.pop_sites(s).names}
    (drone,) = sc.build_tracks(s)
    speeds = drone.segment_speed_kmh
    assert speeds.min() >= 60 and speeds.max() <= 120
    assert (speeds > 90).any(), "one leg must exceed the 90 km/h limit"
    # the drone stays near the front (Donetsk oblast, within 60 km of Kramatorsk)
    assert np.all(np.abs(drone.lat_deg - 48.74) < 0.6)
    # the jammer sits near Pokrovsk and inside Ukraine, outside Crimea
    jam = s.faults.jammers[0]
    assert ukraine.contains(jam.lat_deg, jam.lon_deg)
    assert not named_region("crimea").contains(jam.lat_deg, jam.lon_deg)


def test_timeline_of_ukraine_is_sorted_and_complete() -> None:
    s = load_scenario("ukraine")
    events = timeline(s)
    times = [e.utc_ns for e in events]
    assert times == sorted(times)
    kinds = {(e.kind, e.action) for e in events}
    assert {
        ("policy", "start"),
        ("policy", "end"),
        ("fault", "start"),
        ("fault", "end"),
        ("jammer", "start"),
        ("jammer", "end"),
    } <= kinds
    cut = [e for e in events if e.target == "Donetsk oblast"]
    assert [e.action for e in cut] == ["start", "end"]
    assert cut[0].time == datetime(2026, 5, 30, 12, 20, tzinfo=UTC)
    assert cut[1].time == datetime(2026, 5, 30, 12, 35, tzinfo=UTC)
    # at one instant, an end is listed before a start
    same = [e for e in events if e.time == datetime(2026, 5, 30, 12, 40, tzinfo=UTC)]
    assert [e.action for e in same] == sorted([e.action for e in same])
    row = events[0].as_row()
    assert set(row) == {"utc_ns", "time", "kind", "action", "target", "description"}


def test_minimal_file_gets_defaults(tmp_path: Path) -> None:
    s = load_scenario(write(tmp_path, MINIMAL))
    assert s.seed == 0
    assert s.network.mode == "hybrid" and s.network.access == "scheduled"
    assert s.scheduler.config().slot_s == 15.0
    assert isinstance(s.ground.gateways, BundledSitesSpec)
    assert s.outputs.cells_every == "slot"
    assert timeline(s) == []


def test_scheduler_phase_reaches_the_scheduler(tmp_path: Path) -> None:
    text = MINIMAL + "scheduler: {phase_s: 12}\n"
    s = load_scenario(write(tmp_path, text))
    assert s.scheduler.config().phase_s == 12.0
    with pytest.raises(ScenarioError, match="phase_s"):
        load_scenario(write(tmp_path, MINIMAL + "scheduler: {phase_s: .nan}\n"))


def test_terminal_forms_and_relative_file(tmp_path: Path) -> None:
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "t.csv").write_text("name,lat_deg,lon_deg\nfarm,49.0,32.0\n")
    text = (
        MINIMAL
        + """\
ground:
  terminals:
    - {name: hut, lat_deg: 50.0, lon_deg: 30.0}
    - {place: Odesa}
    - {place: Kyiv, name: hq}
    - Lviv
    - sites/t.csv
"""
    )
    s = load_scenario(write(tmp_path, text))
    kinds = [type(t).__name__ for t in s.ground.terminals]
    assert kinds == [
        "TerminalSpec",
        "PlaceTerminalSpec",
        "PlaceTerminalSpec",
        "PlaceTerminalSpec",
        "FileTerminalsSpec",
    ]
    file_spec = s.ground.terminals[4]
    assert Path(file_spec.file).is_absolute()  # type: ignore[union-attr]
    sites = sc.terminal_sites(s)
    assert [str(n) for n in sites.names] == ["hut", "Odesa", "hq", "Lviv", "farm"]


def test_time_offsets_and_absolute_times(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """\
faults:
  gateways:
    - {names: ["Kaunas, Lithuania"], start: "+1m", end: "2026-05-30T00:05:00Z"}
  pops:
    - {names: [frntdeu1], start: 30}
"""
    )
    s = load_scenario(write(tmp_path, text))
    g = s.faults.gateways[0]
    assert s.at_ns(g.start) - s.time.start_ns == 60 * 10**9
    assert s.at_ns(g.end) - s.time.start_ns == 300 * 10**9  # type: ignore[arg-type]
    assert s.at_ns(s.faults.pops[0].start) - s.time.start_ns == 30 * 10**9
    assert s.end_or_never_ns(s.faults.pops[0].end) == 2**63 - 1


def test_with_overrides_revalidates() -> None:
    s = load_scenario("ukraine")
    short = with_overrides(s, duration="10m", step_s=5)
    assert short.time.duration_s == 600 and short.time.step_s == 5
    assert len(short.grid()) == 120
    assert short.policy == s.policy and short.faults == s.faults
    assert scenario_hash(short) != scenario_hash(s)
    with pytest.raises(ScenarioError, match="shorter than one step"):
        with_overrides(s, duration=1, step_s=5)
    with pytest.raises(TypeError, match="unknown"):
        with_overrides(s, durration=5)


def test_hash_is_stable_and_layout_free(tmp_path: Path) -> None:
    a = load_scenario(write(tmp_path, MINIMAL, "a.yaml"))
    flipped = """\
constellations: [{preset: starlink-gen1}]
time:
  step_s: 5.0
  duration: 600      # the same ten minutes
  start: "2026-05-30T00:00:00Z"
name: mini
"""
    b = load_scenario(write(tmp_path, flipped, "b.yaml"))
    assert scenario_hash(a) == scenario_hash(b)
    assert len(scenario_hash(a)) == 64
    assert scenario_hash(a) == scenario_hash(load_scenario(tmp_path / "a.yaml"))
    c = with_overrides(a, seed=1)
    assert scenario_hash(c) != scenario_hash(a)
    # the canonical JSON round-trips into an equal scenario
    again = validate(json.loads(json.dumps(a.model_dump(mode="json"))))
    assert again == a and scenario_hash(again) == scenario_hash(a)


def test_constellation_override_applies_to_shells(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        "- preset: starlink-gen1",
        "- {preset: starlink-gen1, min_elevation_deg: {starlink-550: 40}}",
    )
    s = load_scenario(write(tmp_path, text))
    (c,) = sc.load_constellations(s)
    masks = {sh.name: sh.min_elevation_deg for sh in c.shells}
    assert masks["starlink-550"] == 40 and masks["starlink-570"] == 25


def test_scenario_text_unknown_name() -> None:
    with pytest.raises(KeyError, match="Did you mean 'ukraine'"):
        scenario_text("ukrane")


def test_models_are_frozen() -> None:
    s = load_scenario("quick")
    with pytest.raises(Exception, match="frozen"):
        s.seed = 3  # type: ignore[misc]
    assert isinstance(s.ground.terminals[0], PlaceTerminalSpec)
    assert not isinstance(s.ground.terminals[0], TerminalSpec)
