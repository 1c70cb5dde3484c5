"""`leonet run` and `leonet calibrate` use one calibrated model: the same bundled Starlink
ground segment and the same speed-test function (these fail if the two diverge)."""

from __future__ import annotations

import h3
import numpy as np
import pytest

import leonet.calibration.simulate as simulate
import leonet.calibration.throughput as calibration_throughput
from leonet.capacity import CapacityConfig, CapacityModel, site_demand
from leonet.capacity.speedtest import ThroughputParameters, speed_tests
from leonet.defaults import SPEEDTEST_BEAM_BACKGROUND_DOWN_MBPS
from leonet.ground import Sites, load_gateways_2026, load_pops_2026
from leonet.radio import RadioModel
from leonet.scenario import load_scenario
from leonet.scenario.resolve import gateway_sites, pop_sites

SCENARIO = """
name: same-model
time: {start: "2026-05-30T12:00:00Z", duration: 10s, step_s: 1}
constellations: [{catalogue: starlink}]
ground:
  terminals: [{name: Kyiv, lat_deg: 50.45, lon_deg: 30.52}]
  gateways: {bundled: true}
  pops: {bundled: true}
"""


def test_run_and_calibrate_route_over_the_same_bundled_starlink_sites(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    scenario = load_scenario(path)
    run_gw, run_pops = gateway_sites(scenario), pop_sites(scenario)
    # calibrate's sample routes over load_gateways_2026 (the ones near a country) and
    # load_pops_2026: the very loaders the run's bundled selection uses
    assert simulate.load_gateways_2026 is load_gateways_2026
    assert simulate.load_pops_2026 is load_pops_2026
    assert run_gw.names.tolist() == load_gateways_2026().names.tolist()
    np.testing.assert_array_equal(run_gw.lat_deg, load_gateways_2026().lat_deg)
    assert run_pops.names.tolist() == load_pops_2026().names.tolist()


def test_the_2023_map_stays_reachable_as_an_edition(tmp_path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("{bundled: true}", "{bundled: true, edition: 2023}"))
    scenario = load_scenario(path)
    gw = gateway_sites(scenario)
    assert len(gw) == 219 and "Frankfurt, DE" in gw.names.tolist()
    assert len(pop_sites(scenario)) == 28


def test_the_ukraine_box_selects_the_european_2026_gateways() -> None:
    gw = load_gateways_2026()
    box = gw.take(np.flatnonzero(gw.likely_operational)).within(lat_deg=(40, 57), lon_deg=(5, 42))
    names = set(box.names.tolist())
    # one each of Poland's, Lithuania's and Turkey's (no 2023 duplicates), Germany's,
    # Italy's and the one inferred at Sofia's PoP
    assert {"Wola Krobowska, Poland", "Kaunas, Lithuania", "Muallim, Turkey"} <= names
    assert {"Wola Krobowska, PL", "Muallim, TR"}.isdisjoint(names)
    wola = box.index_of("Wola Krobowska, Poland")
    # the 2023 map's surveyed site (51.864 N, 20.921 E), not the 2026 list's town geocode
    assert box.lat_deg[wola] == pytest.approx(51.86417, abs=1e-4)
    assert len(box) == 8


def test_calibrate_and_the_run_call_one_speed_test_function() -> None:
    assert calibration_throughput.speed_tests is speed_tests
    assert calibration_throughput.ThroughputParameters is ThroughputParameters


def _model(config: CapacityConfig) -> tuple[CapacityModel, Sites]:
    cells = [h3.latlng_to_cell(50.45, 30.52, 5), h3.latlng_to_cell(49.0, 33.0, 5)]
    lat = [h3.cell_to_latlng(c)[0] for c in cells]
    lon = [h3.cell_to_latlng(c)[1] for c in cells]
    sites = Sites([*cells, "home"], [*lat, lat[0] + 0.01], [*lon, lon[0]], 0.0)
    sites = Sites(sites.names, sites.lat_deg, sites.lon_deg, 0.0, ["cell", "cell", "terminal"])
    demand = site_demand(sites, 2, terminals_per_km2=0.5, offered_down_mbps=50.0)
    return CapacityModel(RadioModel(sites, 2), demand, config), sites


def test_the_runs_speed_test_columns_are_the_calibrated_function() -> None:
    # load spread 0: the draw does not matter, the numbers must be speed_tests' exactly
    params = ThroughputParameters(load_cv_down=0.0, load_cv_up=0.0)
    model, sites = _model(CapacityConfig(beams_per_satellite=2, speed_test=params))
    sat = np.stack(
        [sites.ecef_km[0] + 550.0 * sites.enu[0, 2], sites.ecef_km[1] + 550.0 * sites.enu[1, 2]]
    )
    serving = np.array([0, -1, 0], dtype=np.int32)
    # site 0 sees both satellites, site 2 one, site 1 (unserved) one
    pairs = (np.array([0, 0, 1, 2]), np.array([0, 1, 1, 0]))
    out = model.step(sat, serving, visible_pairs=pairs, utc_ns=123)
    ok = serving >= 0
    down, up = speed_tests(
        out.links.down.capacity_mbps[ok],
        out.links.up.capacity_mbps[ok],
        np.zeros(2),
        np.array([2.0, 1.0]),
        params,
    )
    np.testing.assert_allclose(out.speedtest_down_mbps[ok], down, rtol=1e-12)
    np.testing.assert_allclose(out.speedtest_up_mbps[ok], up, rtol=1e-12)
    assert out.speedtest_down_mbps[1] == 0.0 and out.speedtest_up_mbps[1] == 0.0
    # The run passes the counts it holds (its pairs' CSR offsets): the same numbers.
    counted = model.step(sat, serving, visible_pairs=pairs, utc_ns=123, in_view=[2, 1, 1])
    np.testing.assert_array_equal(counted.speedtest_down_mbps, out.speedtest_down_mbps)
    np.testing.assert_array_equal(counted.speedtest_up_mbps, out.speedtest_up_mbps)
    with pytest.raises(ValueError, match="in_view must be"):
        model.step(sat, serving, visible_pairs=pairs, utc_ns=123, in_view=[2, 1])
    # Few satellites in view: the fitted background crowds the beam (× (30/2)^exponent),
    # so the test gets less than its link rate less the reference background.
    rate = out.links.down.capacity_mbps[0]
    assert 0 < out.speedtest_down_mbps[0] < rate - SPEEDTEST_BEAM_BACKGROUND_DOWN_MBPS


def test_the_runs_load_draws_depend_on_seed_and_step_time_only() -> None:
    model, sites = _model(CapacityConfig(beams_per_satellite=2, seed=7))
    sat = np.stack([sites.ecef_km[0] + 550.0 * sites.enu[0, 2]] * 2)
    serving = np.array([0, 0, 0], dtype=np.int32)
    pairs = (np.array([0, 1, 2]), np.array([0, 0, 0]))
    a = model.step(sat, serving, visible_pairs=pairs, utc_ns=10**18).speedtest_down_mbps
    b = model.step(sat, serving, visible_pairs=pairs, utc_ns=10**18).speedtest_down_mbps
    c = model.step(sat, serving, visible_pairs=pairs, utc_ns=10**18 + 10**9).speedtest_down_mbps
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
