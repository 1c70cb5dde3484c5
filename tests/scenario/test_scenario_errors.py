"""The wording of scenario errors: file, line, field path, what is expected, did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from leonet.scenario import ScenarioError, load_scenario

HEAD = """\
name: t
time:
  start: "2026-05-30T00:00:00Z"
  duration: 10m
  step_s: 5
constellations:
  - preset: starlink-gen1
"""


def error_of(tmp_path: Path, text: str) -> ScenarioError:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def only(err: ScenarioError) -> str:
    assert len(err.problems) == 1, str(err)
    return str(err.problems[0])


def test_unknown_key_names_file_line_and_suggests(tmp_path: Path) -> None:
    err = error_of(tmp_path, HEAD.replace("  step_s: 5", "  stpe_s: 5"))
    msg = only(err)
    assert msg.startswith(f"{tmp_path / 'bad.yaml'}, line 5: time.stpe_s: unknown key 'stpe_s'")
    assert "did you mean 'step_s'?" in msg
    assert "valid keys here: start, duration, step_s, chunk_steps" in msg


def test_the_old_capacity_key_points_to_the_new_ones(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "capacity:\n  terminals_per_cell: 1\n"))
    assert "line 9: capacity.terminals_per_cell: unknown key" in msg
    assert "terminals_per_km2" in msg and "terminals_per_site" in msg


def test_unknown_top_level_section(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "polcy: {}\n"))
    assert "line 8: polcy: unknown key 'polcy'; did you mean 'policy'?" in msg


def test_unknown_key_inside_a_list_item(tmp_path: Path) -> None:
    text = (
        HEAD + "ground:\n  terminals:\n    - {name: a, lat_deg: 1, lon_deg: 2}\n"
        "    - {name: b, lat_deg: 1, lon_deg: 2, altitude_km: 3}\n"
    )
    msg = only(error_of(tmp_path, text))
    assert "line 11: ground.terminals[1].altitude_km: unknown key 'altitude_km'" in msg
    assert "did you mean 'alt_km'?" in msg


def test_negative_step(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace("step_s: 5", "step_s: -1")))
    assert "line 5: time.step_s: Input should be greater than 0 (got -1)" in msg


def test_duration_shorter_than_step(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace("duration: 10m", "duration: 2s")))
    assert "line 3: time: duration 2 s is shorter than one step (5 s)" in msg


def test_duration_units(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace("duration: 10m", "duration: 10 weeks")))
    assert "line 4: time.duration: duration: unknown unit 'weeks'" in msg


def test_start_not_utc(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace("00:00:00Z", "03:00:00+03:00")))
    assert "line 3: time.start:" in msg
    assert "is not UTC" in msg and "write 2026-05-30T00:00:00Z" in msg


def test_start_without_zone(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace("00:00:00Z", "00:00:00")))
    assert "line 3: time.start:" in msg and "has no time zone" in msg


def test_latitude_out_of_range(tmp_path: Path) -> None:
    text = HEAD + "ground:\n  terminals:\n    - {name: a, lat_deg: 95, lon_deg: 30}\n"
    msg = only(error_of(tmp_path, text))
    assert (
        "line 10: ground.terminals[0].lat_deg: Input should be less than or equal to 90 "
        "(got 95)" in msg
    )


def test_unknown_preset(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace("starlink-gen1", "starlink-gen9")))
    assert "line 7: constellations[0].preset: unknown constellation preset 'starlink-gen9'" in msg
    assert "did you mean" in msg and "known presets:" in msg


def test_two_constellation_sources(tmp_path: Path) -> None:
    text = HEAD.replace("- preset: starlink-gen1", "- {preset: kuiper, catalogue: starlink}")
    msg = only(error_of(tmp_path, text))
    assert "line 7: constellations[0]: give exactly one of preset" in msg


def test_unknown_country(tmp_path: Path) -> None:
    text = HEAD + "ground:\n  cells: {region: Ukrane, resolution: 5}\n"
    msg = only(error_of(tmp_path, text))
    assert "line 9: ground.cells.region: no country 'Ukrane'" in msg
    assert "'Ukraine'" in msg


def test_unknown_place(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "ground:\n  terminals: [Kiyv]\n"))
    assert "line 9: ground.terminals[0]: unknown place 'Kiyv'. Closest: Kyiv." in msg


def test_bad_literal(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "network: {mode: laser}\n"))
    assert (
        "line 8: network.mode: Input should be 'lasers', 'bent-pipe' or 'hybrid' "
        "(got 'laser')" in msg
    )


def test_missing_required(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD.replace('  start: "2026-05-30T00:00:00Z"\n', "")))
    assert "line 3: time.start: required key 'start' is missing" in msg


def test_many_problems_are_all_listed(tmp_path: Path) -> None:
    text = HEAD.replace("step_s: 5", "step_s: 0") + "network: {mode: x, access: y}\n"
    err = error_of(tmp_path, text)
    assert len(err.problems) == 3
    assert str(err).startswith("3 problems in the scenario:\n")


def test_yaml_syntax_error(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "ground: {terminals: [\n"))
    assert "bad.yaml, line" in msg and "not valid YAML" in msg


def test_duplicate_key(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "seed: 1\nseed: 2\n"))
    assert "line 9: key 'seed' appears twice" in msg


def test_missing_terminal_file(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "ground:\n  terminals: [nowhere.csv]\n"))
    assert "line 9: ground.terminals[0]: terminals file" in msg
    assert "does not exist" in msg and "scenario file's folder" in msg


def test_cross_reference_errors(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
ground:
  gateways: {bundled: true, names: ["Kaunas, Lithuania"]}
policy:
  service_areas: [{name: Ukraine, region: Ukraine}]
  events:
    - {action: cut-off, area: Ukriane, start: "+1m"}
faults:
  gateways:
    - {names: ["Wola Krobowska, Poland"], start: "+5m", end: "+2m"}
  jammers:
    - {name: j, track: truck, eirp_dbw: 30, center_frequency_ghz: 11.7, bandwidth_mhz: 250}
"""
    )
    err = error_of(tmp_path, text)
    text_all = str(err)
    assert (
        "line 13: policy.events[0].area: no service area 'Ukriane'; did you mean "
        "'Ukraine'?" in text_all
    )
    assert (
        "line 16: faults.gateways[0].names[0]: no gateway 'Wola Krobowska, Poland'; this "
        "scenario's ground.gateways selects 1: Kaunas, Lithuania" in text_all
    )
    assert "line 16: faults.gateways[0].end: end must be after start" in text_all
    assert "line 18: faults.jammers[0].track: no mobile track 'truck'" in text_all
    lines = [p.line for p in err.problems]
    assert lines == sorted(lines)


def test_area_needs_exactly_one_shape(tmp_path: Path) -> None:
    text = HEAD + "policy:\n  service_areas:\n    - {name: x}\n"
    msg = only(error_of(tmp_path, text))
    assert "line 10: policy.service_areas[0]: an area needs exactly one of region" in msg


def test_crossing_polygon(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
policy:
  service_areas:
    - name: bowtie
      polygon: {lat_deg: [0, 1, 0, 1], lon_deg: [0, 1, 1, 0]}
"""
    )
    msg = only(error_of(tmp_path, text))
    assert "line 11: policy.service_areas[0].polygon: the polygon is not valid" in msg


def test_track_waypoints_must_increase(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
ground:
  mobile:
    - name: car
      waypoints:
        - {time: "+5m", lat_deg: 50, lon_deg: 30}
        - {time: "+1m", lat_deg: 50.1, lon_deg: 30}
"""
    )
    msg = only(error_of(tmp_path, text))
    assert "line 12: ground.mobile[0].waypoints:" in msg and "strictly increasing" in msg


def test_jammer_antenna(tmp_path: Path) -> None:
    text = (
        HEAD
        + """\
faults:
  jammers:
    - name: j
      lat_deg: 48
      lon_deg: 37
      eirp_dbw: 30
      center_frequency_ghz: 11.7
      bandwidth_mhz: 250
      antenna: {boresight_az_deg: 400, boresight_el_deg: 10, beamwidth_deg: 20}
"""
    )
    msg = only(error_of(tmp_path, text))
    assert (
        "line 16: faults.jammers[0].antenna.boresight_az_deg: Input should be less than "
        "360 (got 400)" in msg
    )


def test_duplicate_terminal_names(tmp_path: Path) -> None:
    text = HEAD + "ground:\n  places: ukraine\n  terminals: [{place: Kyiv}]\n"
    msg = only(error_of(tmp_path, text))
    assert "ground.terminals[0]: terminal name 'Kyiv' is also a bundled place" in msg


def test_not_a_mapping(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, "- just\n- a list\n"))
    assert "line 1: expected a mapping of sections" in msg


def test_unknown_scenario_name() -> None:
    with pytest.raises(FileNotFoundError, match="Did you mean 'ukraine'"):
        load_scenario("ukrain")


@pytest.mark.parametrize(
    ("mask", "line", "where", "what"),
    [
        ("-10", 8, "min_elevation_deg", "greater than 0 (got -10)"),
        (".nan", 8, "min_elevation_deg", "less than 90 (got nan)"),
        ("{shell-a: 100}", 8, "min_elevation_deg.shell-a", "less than 90 (got 100)"),
    ],
)
def test_a_union_field_names_the_one_telling_problem(
    tmp_path: Path, mask: str, line: int, where: str, what: str
) -> None:
    """``min_elevation_deg`` is a number or ``{shell: number}``: a number out of range was
    also reported as "should be a valid dictionary" (and a dict's bad entry as "should be
    a valid number", under a pydantic tag ``constrained-float``)."""
    err = error_of(tmp_path, HEAD + f"    min_elevation_deg: {mask}\n")
    msg = only(err)
    assert f"line {line}: constellations[0].{where}: Input should be {what}" in msg
    assert "dictionary" not in msg and "constrained" not in msg


def test_a_union_field_of_neither_type_names_both(tmp_path: Path) -> None:
    err = error_of(tmp_path, HEAD + "    min_elevation_deg: [1]\n")
    messages = [str(p) for p in err.problems]
    assert len(messages) == 2, messages
    assert "valid number" in messages[0] and "valid dictionary" in messages[1]


def test_geostationary_slots_are_strict_numbers_each_given_once(tmp_path: Path) -> None:
    geo = "constellations:\n  - geostationary: {name: x, longitudes_deg: %s}\n"
    head = HEAD.split("constellations:")[0]
    for slots, what in (
        ("[true]", "longitudes_deg[0]: Input should be a valid number (got True)"),
        ('["9"]', "longitudes_deg[0]: Input should be a valid number (got '9')"),
        ("[200, -160]", "two slots closer than 0.1°"),
        ("[9.0, 9.05]", "two slots closer than 0.1°"),
    ):
        msg = only(error_of(tmp_path, head + geo % slots))
        assert "line 7: constellations[0].geostationary" in msg and what in msg, msg
    # 0 and 359.95 are 0.05° apart across the antimeridian of the slot numbering
    msg = only(error_of(tmp_path, head + geo % "[0, 359.95]"))
    assert "closer than 0.1°" in msg


def test_the_busy_hour_load_scale_must_be_positive_and_starlink_s(tmp_path: Path) -> None:
    msg = only(error_of(tmp_path, HEAD + "capacity:\n  busy_hour_load_scale: 0\n"))
    assert "line 9: capacity.busy_hour_load_scale" in msg and "greater than 0" in msg
    oneweb = HEAD + "radio: {operator: oneweb}\ncapacity: {busy_hour_load_scale: 2}\n"
    msg = only(error_of(tmp_path, oneweb))
    assert "busy_hour_load_scale scales the busy-hour background fitted to Starlink" in msg
    assert "oneweb's" in msg and "drop busy_hour_load_scale" in msg
    path = tmp_path / "ok.yaml"
    path.write_text(HEAD + "capacity: {busy_hour_load_scale: 1.5}\n", encoding="utf-8")
    assert load_scenario(path).capacity.busy_hour_load_scale == 1.5
