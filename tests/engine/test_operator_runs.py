"""OneWeb alone and a geostationary system alone, end to end (``leonet run`` and
``leonet route``): their own ground segment, no lasers, and the GEO's geometric RTT floor."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from leonet.cli.route import route_command
from leonet.constants import C_KM_S
from leonet.defaults import LATENCY_USER_UPLINK_SCHEDULING_MS
from leonet.engine.chunks import _latency_terms
from leonet.engine.run import run_scenario
from leonet.frames import geodetic_to_ecef
from leonet.ground import find_place, operator_gateways, operator_pops
from leonet.network.latency import (
    IDLE_TERMS,
    OPERATOR_LATENCY,
    LatencyParameters,
    user_link_uniforms,
)
from leonet.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: A geostationary orbit's radius, km: (μ / ω²)^(1/3) with the sidereal day (textbook
#: closed form, e.g. Maral & Bousquet, *Satellite Communications Systems*, §2.2.5).
GEO_RADIUS_KM = (398_600.4418 / (2 * math.pi / 86_164.0905) ** 2) ** (1 / 3)


def _short(example: str, tmp_path: Path) -> Path:
    """The example scenario over two minutes for Kyiv and Lviv."""
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    text = text.replace("duration: 1h", "duration: 2m").replace(
        "places: ukraine-cities", "terminals: [{place: Kyiv}, {place: Lviv}]"
    )
    path = tmp_path / example
    path.write_text(text + "outputs: {report: false}\n", encoding="utf-8")
    return path


def _terminals(out: Path) -> dict[str, np.ndarray]:
    table = pq.read_table(out / "terminals.parquet")
    return {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}


def _starlink_terms_ms(frame: object = 1.0, cycle: object = 0.5) -> np.ndarray:
    """What Starlink's default terms add to a bent-pipe path's propagation (one satellite,
    one gateway), its slot spike and uplink cycle off as every other operator's are, at the
    given parts of a downlink frame waited (default: the most, a whole frame)."""
    p = LatencyParameters(slot_spike_ms=0.0, user_uplink_cycle_ms=0.0)
    terms = p.terms(0.0, 1, 1, 0.0, frame_fraction=frame, cycle_fraction=cycle)
    return np.asarray(sum(terms[k] for k in IDLE_TERMS))


def _assert_rtt_rises_by_the_operators_terms(
    rows: dict[str, np.ndarray], added_ms: float, seed: int
) -> None:
    """Every served step's idle RTT is its propagation, Starlink's terms at the run's
    draws of the user link's waits and exactly the operator's table terms (the user-link
    term's excess over Starlink's 4 ms)."""
    served = rows["served"].astype(bool)
    assert served.any()
    # The run's draws: seed, site index (Kyiv 0, Lviv 1: no cells) and the step's time.
    site = np.array([{"Kyiv": 0, "Lviv": 1}[str(n)] for n in rows["terminal"][served]])
    utc = rows["time"][served].astype("datetime64[ns]").astype(np.int64)
    frame, cycle = user_link_uniforms(seed, site, utc, 15.0)
    extra = rows["rtt_ms"][served] - rows["propagation_rtt_ms"][served]
    np.testing.assert_allclose(extra, _starlink_terms_ms(frame, cycle) + added_ms, atol=1e-6)
    assert np.ptp(extra) > 0.1  # the downlink frame wait does vary from step to step


def test_oneweb_run_uses_only_its_own_ground_and_no_lasers(tmp_path: Path) -> None:
    scenario = load_scenario(_short("oneweb-only.yaml", tmp_path))
    assert scenario.network.mode == "bent-pipe" and scenario.radio_operator == "oneweb"
    run_scenario(scenario, tmp_path / "run", workers=1)
    rows = _terminals(tmp_path / "run")
    served = rows["served"].astype(bool)
    assert served.mean() > 0.95
    assert set(rows["gateway"][served]) <= set(operator_gateways("oneweb").names.tolist())
    assert set(rows["pop"][served]) <= set(operator_pops("oneweb").names.tolist())
    # Bent pipe: terminal → satellite → SNP → PoP (→ PoP): never a satellite-to-satellite hop.
    assert set(rows["hops"][served].astype(int)) <= {3, 4}
    # Every serving satellite at or above OneWeb's 55° user mask.
    assert (rows["elevation_deg"][served] >= 55.0 - 1e-9).all()
    # A lone terminal's speed test: the OneWeb satellite type's calibrated ceilings
    # (QPSK 9/20 ≈ 202 Mb/s down, QPSK 13/45 ≈ 32 Mb/s up; leonet.radio.parameters).
    assert np.median(rows["speedtest_down_mbps"][served]) == pytest.approx(200.0, abs=10.0)
    assert np.median(rows["speedtest_up_mbps"][served]) == pytest.approx(32.0, abs=3.0)
    # No busy-hour RTT: the calibrated busy-hour background is Starlink's alone.
    assert np.isfinite(rows["rtt_ms"][served].astype(float)).all()
    assert np.isnan(rows["busy_rtt_ms"].astype(float)).all()
    # OneWeb's latency defaults: its user-link term 12 ms above Starlink's (fitted to
    # Zhao et al.'s located terminals; docs/operators.md), no slot spike, the rest Starlink's.
    assert OPERATOR_LATENCY["oneweb"]["user_uplink_scheduling_ms"] == 18.0
    assert OPERATOR_LATENCY["oneweb"]["user_uplink_cycle_ms"] == 0.0
    _assert_rtt_rises_by_the_operators_terms(rows, 14.0, scenario.seed)


def test_geo_run_rtt_is_at_least_the_geometric_minimum(tmp_path: Path) -> None:
    path = _short("geo-only.yaml", tmp_path)
    # Without the example's explicit slot_spike_ms: 0, a non-Starlink run still has no
    # 15-s slot spike (Starlink's reconfiguration): the RTT is flat.
    text = path.read_text(encoding="utf-8")
    assert "    slot_spike_ms: 0" in text
    path.write_text(text.replace("    slot_spike_ms: 0", "    gateway_processing_ms: 0.5"))
    scenario = load_scenario(path)
    run_scenario(scenario, tmp_path / "run", workers=1)
    rows = _terminals(tmp_path / "run")
    served = rows["served"].astype(bool)
    assert served.all()
    sat = np.array(
        [
            GEO_RADIUS_KM * math.cos(math.radians(9.0)),
            GEO_RADIUS_KM * math.sin(math.radians(9.0)),
            0,
        ]
    )
    gateways = operator_gateways("ka-sat")

    def slant_km(lat: float, lon: float) -> float:
        return float(np.linalg.norm(sat - np.asarray(geodetic_to_ecef(lat, lon, 0.0)).ravel()))

    # The absolute floor: four legs of at least the geostationary altitude (~477 ms).
    assert (rows["rtt_ms"] >= 4 * 35_786.0 / C_KM_S * 1e3).all()
    for name in ("Kyiv", "Lviv"):
        _, lat, lon = find_place(name)
        mine = rows["terminal"] == name
        gw = gateways.index_of(str(rows["gateway"][mine][0]))
        # Up and down the user link and the feeder link, both ways (closed-form slants).
        floor_ms = (
            2
            * (slant_km(lat, lon) + slant_km(gateways.lat_deg[gw], gateways.lon_deg[gw]))
            / C_KM_S
            * 1e3
        )
        assert (rows["propagation_rtt_ms"][mine] >= floor_ms - 0.05).all()
        assert (rows["rtt_ms"][mine] >= rows["propagation_rtt_ms"][mine]).all()
        # GEO-class: the whole round trip is those four legs, at most 1 % more propagation
        # (the gateway-to-PoP fibre), Starlink's ~10 ms of terms and KA-SAT's 80 ms more
        # user-link term: the published ~600 ms class (docs/operators.md).
        assert (rows["rtt_ms"][mine] < 1.01 * floor_ms + _starlink_terms_ms() + 80.0).all()
        assert np.median(rows["rtt_ms"][mine]) == pytest.approx(600.0, abs=10.0)
        # Flat but for the downlink frame wait (a uniform part of Starlink's 1.33-ms frame).
        assert np.ptp(rows["propagation_rtt_ms"][mine]) < 1.0
        assert np.ptp(rows["rtt_ms"][mine]) < 1.0 + LatencyParameters().user_downlink_frame_ms
        # Elevation of 9° E from Ukraine (27-33°), the same every step.
        assert np.ptp(rows["elevation_deg"][mine]) < 0.01
    assert set(rows["gateway"]) <= {"kasat-torino", "kasat-cagliari"}
    assert OPERATOR_LATENCY["ka-sat"]["user_uplink_scheduling_ms"] == 84.0
    _assert_rtt_rises_by_the_operators_terms(rows, 80.0, scenario.seed)


def test_a_scenarios_latency_overrides_the_operators_defaults(tmp_path: Path) -> None:
    path = _short("geo-only.yaml", tmp_path)
    text = path.read_text(encoding="utf-8")
    # The example sets no user-link term: KA-SAT's fitted one applies.
    assert _latency_terms(load_scenario(path)) == {
        "slot_spike_ms": 0.0,
        "user_uplink_cycle_ms": 0.0,
        "user_uplink_scheduling_ms": 84.0,
    }
    path.write_text(
        text.replace(
            "    slot_spike_ms: 0", "    slot_spike_ms: 5\n    user_uplink_scheduling_ms: 9"
        ),
        encoding="utf-8",
    )
    assert _latency_terms(load_scenario(path)) == {
        "slot_spike_ms": 5.0,
        "user_uplink_cycle_ms": 0.0,
        "user_uplink_scheduling_ms": 9.0,
    }


def test_a_starlink_scenario_keeps_starlinks_latency_defaults() -> None:
    # The default run (bundled `ukraine`, Starlink's radio) takes no operator terms: its
    # parameters are leonet.defaults', so its results are unchanged by the operator table.
    scenario = load_scenario("ukraine")
    assert scenario.radio_operator == "starlink"
    assert OPERATOR_LATENCY["starlink"] == {}
    assert _latency_terms(scenario) == scenario.network.latency.given()
    assert LatencyParameters(**_latency_terms(scenario)) == LatencyParameters()
    assert LatencyParameters().user_uplink_scheduling_ms == LATENCY_USER_UPLINK_SCHEDULING_MS


runner = CliRunner()
app = typer.Typer()
app.command("route")(route_command)
app.command("other")(lambda: None)


def test_route_oneweb_defaults_to_its_catalogue_ground_and_bent_pipe() -> None:
    result = runner.invoke(
        app,
        ["route", "--operator", "oneweb", "--from", "Kyiv", "--to", "Istanbul",
         "--duration", "60s", "--step", "10s"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "oneweb (651 satellites), bent-pipe" in text
    assert "gateway mostly ow-stara-zagora, PoP mostly ow-pop-istanbul" in text


def test_route_refuses_lasers_for_oneweb() -> None:
    result = runner.invoke(
        app,
        ["route", "--operator", "oneweb", "--mode", "lasers", "--from", "Kyiv", "--to", "Istanbul"],
    )
    assert result.exit_code != 0
    assert "oneweb's satellites carry no lasers; use --mode bent-pipe" in " ".join(
        result.output.split()
    )


def test_route_geo_from_kyiv() -> None:
    result = runner.invoke(
        app,
        ["route", "--operator", "ka-sat", "--from", "Kyiv", "--to", "Turin",
         "--duration", "60s", "--step", "30s"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "ka-sat (1 satellites), bent-pipe" in text and "kasat-top-ix" in text
