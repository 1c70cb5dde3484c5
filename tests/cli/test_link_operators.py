"""`leonet link --operator`, `constellation list`: each operator's satellites, bands, terminal."""

from __future__ import annotations

import pytest

from leonet.cli.link import link_budget_report


def test_ka_sat_link_from_kyiv_is_a_ka_geo_link() -> None:
    report = link_budget_report("Kyiv", operator="ka-sat")
    assert report["satellite"]["name"] == "ka-sat-9E"
    assert report["terminal"]["type"] == "geo-vsat-ka"
    down, up = report["downlink"], report["uplink"]
    assert down["frequency_ghz"] == pytest.approx(19.95) and up["frequency_ghz"] == 29.75
    assert 38_600 < down["slant_range_km"] < 38_800
    # FSPL = 92.45 + 20 log10(d km) + 20 log10(f GHz) (ITU-R P.525).
    assert down["fspl_db"] == pytest.approx(210.21, abs=0.02)


def test_oneweb_link_uses_its_catalogue_mask_and_ku_panel() -> None:
    report = link_budget_report("Kyiv", operator="oneweb")
    assert report["satellite"]["name"].startswith("ONEWEB-")
    assert report["terminal"]["type"] == "oneweb-flat-panel"
    assert report["downlink"]["elevation_deg"] >= 55.0
    assert report["downlink"]["capacity_mbps"] == pytest.approx(202.1, abs=0.1)


def test_unknown_operator_is_named() -> None:
    with pytest.raises(ValueError, match="unknown --operator 'viasat'; choose one of ka-sat"):
        link_budget_report("Kyiv", operator="viasat")


def test_constellation_list_and_info_show_geostationary_slots() -> None:
    from typer.testing import CliRunner

    from leonet.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["constellation", "list"], catch_exceptions=False)
    assert result.exit_code == 0 and "geo:ka-sat" in result.output and "9° E" in result.output
    result = runner.invoke(app, ["constellation", "info", "geo:ka-sat"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "ka-sat — 1 satellites (geostationary slots at 9° E)" in result.output


def test_coverage_of_ukraine_by_ka_sat_is_bent_pipe_through_its_teleports() -> None:
    from typer.testing import CliRunner

    from leonet.cli import app

    args = ["coverage", "Ukraine", "--operator", "ka-sat", "--resolution", "2"]
    result = CliRunner().invoke(
        app, [*args, "--duration", "60s", "--step", "30s"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "ka-sat: 1 satellites" in text and "bent-pipe via 2 gateways" in text
    assert "Kyiv │ 100.0%" in text
