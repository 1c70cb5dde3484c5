"""``leonet link``: the budget printed by hand-checkable terms, and its JSON form."""

import json

import pytest
import typer
from typer.testing import CliRunner

from leonet.cli.link import link_command

app = typer.Typer()
app.command("link")(link_command)


@app.command("other")
def _other() -> None:  # a second command keeps typer from collapsing to a single command
    pass


runner = CliRunner()


@pytest.fixture(scope="module")
def kyiv_json():
    result = runner.invoke(app, ["link", "--at", "Kyiv", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_has_every_term_per_direction(kyiv_json):
    keys = {
        "frequency_ghz",
        "slant_range_km",
        "elevation_deg",
        "fspl_db",
        "atmospheric_loss_db",
        "eirp_dbw",
        "gt_dbk",
        "snr_db",
        "modcod",
        "capacity_mbps",
    }
    for direction, f in (("downlink", 11.7), ("uplink", 14.25)):
        row = kyiv_json[direction]
        assert keys <= set(row)
        assert row["frequency_ghz"] == pytest.approx(f)
        assert row["elevation_deg"] >= 25.0
        by_hand = (
            row["eirp_dbw"]
            + row["tx_antenna_loss_db"]
            - row["fspl_db"]
            - row["atmospheric_loss_db"]
            + row["gt_dbk"]
            + row["rx_antenna_loss_db"]
            + 228.599
            - 10 * __import__("math").log10(row["symbol_rate_msps"] * 1e6)
        )
        assert row["snr_db"] == pytest.approx(by_hand, abs=0.01)
        # SINR: thermal noise plus the satellite's C/(I+D) ceiling, added as powers.
        sinr = -10 * __import__("math").log10(
            10 ** (-row["snr_db"] / 10) + 10 ** (-row["sinr_ceiling_db"] / 10)
        )
        assert row["sinr_db"] == pytest.approx(sinr, abs=1e-9)
        assert row["sinr_db"] < row["sinr_ceiling_db"]
    # Calibrated: one terminal's peak lands near the measured single-terminal peaks
    # (610 Mb/s down in the AFRL tests; ~60 Mb/s up), not 1.34 Gb/s / 335 Mb/s.
    assert 550 <= kyiv_json["downlink"]["capacity_mbps"] <= 650
    assert 50 <= kyiv_json["uplink"]["capacity_mbps"] <= 100
    assert kyiv_json["terminal"]["name"] == "Kyiv"
    assert kyiv_json["time_utc"] == "2026-05-30T12:00:00Z"


def test_table_output_and_mini_terminal():
    result = runner.invoke(
        app, ["link", "--at", "50.45,30.52", "--terminal", "mini"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    for text in (
        "free-space path loss",
        "atmospheric loss",
        "G/T",
        "Es/N0",
        "MODCOD",
        "mini terminal",
    ):
        assert text in result.output


def test_errors_are_friendly():
    result = runner.invoke(app, ["link", "--at", "Kyiv", "--terminal", "dish"])
    assert result.exit_code == 2 and "standard, mini" in result.output
    result = runner.invoke(app, ["link", "--at", "Lemuria Prime"])
    assert result.exit_code == 2 and "error" in result.output


def test_any_world_city_and_a_near_miss():
    result = runner.invoke(app, ["link", "--at", "Nairobi", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Nairobi, KE" in result.output
    result = runner.invoke(app, ["link", "--at", "Nairobbi"])
    assert result.exit_code == 2 and "Closest: Nairobi, KE" in result.output
