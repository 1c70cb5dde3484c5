"""`ground.gateways/pops: {bundled: true, operator: ...}`: which operator's sites a run gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from leonet.ground import load_gateways, load_gateways_2026, operator_gateways, operator_pops
from leonet.scenario import ScenarioError, gateway_sites, load_scenario, pop_sites

HEAD = """\
name: t
time:
  start: "2026-05-30T00:00:00Z"
  duration: 10m
  step_s: 5
constellations:
  - catalogue: oneweb-tle
network: {mode: bent-pipe}
"""


def _load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def test_default_operator_is_starlink(tmp_path: Path) -> None:
    s = _load(tmp_path, HEAD)
    assert s.ground.gateways.operator == "starlink"  # type: ignore[union-attr]
    # the 2026 set `leonet calibrate` fits on; edition 2023 the Oct 2023 map
    assert gateway_sites(s).names.tolist() == load_gateways_2026().names.tolist()
    old = _load(tmp_path, HEAD + "ground:\n  gateways: {bundled: true, edition: 2023}\n")
    assert gateway_sites(old).names.tolist() == load_gateways().names.tolist()


def test_an_edition_is_starlinks_only(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        _load(
            tmp_path,
            HEAD + "ground:\n  gateways: {bundled: true, operator: oneweb, edition: 2023}\n",
        )
    msg = str(info.value)
    assert "line 10: ground.gateways" in msg
    assert "only Starlink's bundled ground segment has editions" in msg


def test_oneweb_gateways_and_pops_only(tmp_path: Path) -> None:
    s = _load(
        tmp_path,
        HEAD + "ground:\n  gateways: {bundled: true, operator: oneweb, exclude: [ow-guam]}\n"
        "  pops: {bundled: true, operator: OneWeb, within: {lat_deg: [30, 60], "
        "lon_deg: [-10, 40]}}\n",
    )
    gw = gateway_sites(s).names.tolist()
    assert len(gw) == 39 and "ow-guam" not in gw
    assert set(gw) <= set(operator_gateways("oneweb").names.tolist())
    europe = {"ow-pop-london", "ow-pop-amsterdam", "ow-pop-istanbul"}
    assert set(pop_sites(s).names.tolist()) == europe
    assert set(operator_pops("oneweb").names.tolist()) >= set(pop_sites(s).names.tolist())


def test_unknown_operator_names_file_line_and_field(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, HEAD + "ground:\n  gateways: {bundled: true, operator: onewbe}\n")
    (problem,) = info.value.problems
    msg = str(problem)
    assert f"{tmp_path / 's.yaml'}, line 10: ground.gateways.operator" in msg
    assert "unknown operator 'onewbe'; did you mean 'oneweb'?" in msg
    assert "ka-sat, oneweb, starlink" in msg


def test_a_starlink_gateway_name_is_not_a_oneweb_one(tmp_path: Path) -> None:
    starlink_name = str(load_gateways().names[0])
    with pytest.raises(ScenarioError) as info:
        _load(
            tmp_path,
            HEAD + f"ground:\n  gateways: {{bundled: true, operator: oneweb, names: "
            f"['{starlink_name}', ow-talkeetna]}}\n",
        )
    msg = str(info.value)
    assert "ground.gateways.names[0]" in msg and "no oneweb gateway" in msg


def test_oneweb_is_never_routed_over_lasers(tmp_path: Path) -> None:
    """A OneWeb (or KA-SAT) run with lasers is refused at network.mode, naming the fix."""
    text = HEAD.replace("network: {mode: bent-pipe}\n", "network: {mode: hybrid}\n")
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, text + "ground:\n  gateways: {bundled: true, operator: oneweb}\n")
    msg = str(info.value)
    assert "line 8: network.mode" in msg and "write network.mode: bent-pipe" in msg
    # The radio operator alone (Starlink's ground) is enough to refuse lasers.
    with pytest.raises(ScenarioError, match="carry no lasers"):
        _load(tmp_path, text + "radio: {operator: ka-sat}\n")


def test_radio_operator_follows_the_ground_operator(tmp_path: Path) -> None:
    s = _load(tmp_path, HEAD + "ground:\n  gateways: {bundled: true, operator: oneweb}\n")
    assert s.radio_operator == "oneweb"
    s = _load(tmp_path, HEAD + "radio: {operator: KA-SAT}\n")
    assert s.radio_operator == "ka-sat"


def test_unknown_radio_names_are_named(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        _load(
            tmp_path,
            HEAD + "radio: {operator: onewbe, terminal_type: vsat, satellite_type: gen3}\n",
        )
    msg = str(info.value)
    assert "radio.operator: unknown radio operator 'onewbe'; did you mean 'oneweb'?" in msg
    assert "radio.terminal_type: unknown terminal type 'vsat'" in msg
    assert "radio.satellite_type: unknown satellite type 'gen3'" in msg


GEO_HEAD = HEAD.replace("  - catalogue: oneweb-tle\n", "  - geostationary: {GEO}\n")


def test_geostationary_entries_load(tmp_path: Path) -> None:
    from leonet.scenario import load_constellations

    s = _load(tmp_path, GEO_HEAD.replace("{GEO}", "{name: ka-sat}"))
    (c,) = load_constellations(s)
    assert c.sat_names.tolist() == ["ka-sat-9E"] and c.analytic
    s = _load(tmp_path, GEO_HEAD.replace("{GEO}", "{longitudes_deg: [9, -7.5]}"))
    assert s.constellations[0].spec == "geo:9,-7.5"
    assert load_constellations(s)[0].sat_names.tolist() == ["geo-9E", "geo-7.5W"]


@pytest.mark.parametrize(
    ("geo", "message"),
    [
        ("{name: my-geo}", "geostationary 'my-geo': give longitudes_deg"),
        ("{longitudes_deg: []}", "at least 1 item"),
        ("{longitudes_deg: [400]}", "less than 360"),
        ("{name: 'a b', longitudes_deg: [9]}", "should match pattern"),
    ],
)
def test_bad_geostationary_entries_are_named(tmp_path: Path, geo: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        _load(tmp_path, GEO_HEAD.replace("{GEO}", geo))
    msg = str(info.value)
    assert "line 7: constellations[0].geostationary" in msg and message in msg


def test_geostationary_and_a_catalogue_in_one_entry_is_refused(tmp_path: Path) -> None:
    text = GEO_HEAD.replace("{GEO}", "{name: ka-sat}\n    catalogue: starlink")
    with pytest.raises(ScenarioError, match="give exactly one of preset"):
        _load(tmp_path, text)
