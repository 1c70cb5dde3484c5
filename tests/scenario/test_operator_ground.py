"""`ground.gateways/pops: {bundled: true, operator: ...}`: which operator's sites a run gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from leonet.ground import load_gateways, operator_gateways, operator_pops
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
    assert gateway_sites(s).names.tolist() == load_gateways().names.tolist()


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
    assert set(pop_sites(s).names.tolist()) == {"ow-london", "ow-amsterdam", "ow-istanbul"}
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
