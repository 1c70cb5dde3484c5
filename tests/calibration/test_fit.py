"""leonet.calibration: the fit recovers known parameters; published data; the page."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import numpy as np
import pytest

from leonet.calibration import (
    FREE,
    REFERENCE_IN_VIEW,
    THROUGHPUT_FREE,
    CountryId,
    CountrySample,
    FitResult,
    ThroughputParameters,
    busy_hour_load_scale,
    busy_hour_load_scales,
    busy_hour_start,
    check_html,
    fit_latency,
    fit_published,
    fit_throughput,
    latency_percentiles,
    median_errors,
    published,
    published_countries,
    resolve_country,
    sample_terminals,
    spread,
    throughput_percentiles,
    write_calibration,
    write_throughput_calibration,
)
from leonet.calibration.check import checked
from leonet.ground import UnknownNameError, country
from leonet.network.latency import LatencyParameters


def _synthetic(n_countries: int = 12, seed: int = 5) -> list[CountrySample]:
    """Countries with different propagation and path lengths (1 to ~20 satellites),
    measured as Starlink does: 120 windows of 5 steps, one path and one uplink-cycle
    draw a window (a slot), the frame's part drawn each step."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n_countries):
        n = 600
        window = np.repeat(np.arange(120), 5)
        sats = rng.integers(1, 2 + 2 * k, 120)[window]
        prop = (6.0 + 3.0 * sats + rng.gamma(2.0, 1.5, 120)[window]).astype(np.float64)
        out.append(
            CountrySample(
                CountryId(f"Land {k}", f"L{k:02d}", ""),
                datetime(2026, 5, 30, tzinfo=UTC),
                prop,
                sats.astype(np.int64),
                np.ones(n, np.int64),
                rng.uniform(0, 15, n),
                0.0,
                "",
                frame_fraction=rng.uniform(0, 1, n),
                cycle_fraction=rng.uniform(0, 1, 120)[window],
                window=window,
            )
        )
    return out


def test_a_fit_on_synthetic_data_recovers_the_parameters_it_was_made_with() -> None:
    samples = _synthetic()
    truth = LatencyParameters(pop_ms=11.3, satellite_processing_ms=0.42)
    target = {s.country.iso3: float(np.median(s.measured_rtt_ms(truth))) for s in samples}
    start = LatencyParameters(pop_ms=2.0, satellite_processing_ms=2.0)
    result = fit_latency(samples, target, start=start)
    assert result.success
    assert result.params.pop_ms == pytest.approx(11.3, abs=0.05)  # ms
    assert result.params.satellite_processing_ms == pytest.approx(0.42, abs=0.01)  # ms
    assert result.median_abs_rel_error < 1e-3
    # The parameters not fitted stay as given: without published spreads the cycle too.
    assert result.params.user_uplink_scheduling_ms == start.user_uplink_scheduling_ms
    assert result.params.user_uplink_cycle_ms == start.user_uplink_cycle_ms
    assert result.published_spread_ms == {}


def _p50_and_spread(samples: list[CountrySample], p: LatencyParameters) -> tuple[dict, dict]:
    p50, width = {}, {}
    for s in samples:
        slow, mid, fast = latency_percentiles(s.measured_rtt_ms(p))
        p50[s.country.iso3], width[s.country.iso3] = mid, spread(slow, fast)
    return p50, width


def test_a_fit_on_synthetic_spreads_recovers_the_uplink_cycle_it_was_made_with() -> None:
    # Countries whose path barely varies (1-2 satellites) and others with long, varying
    # paths: the cycle widens every country's spread by the same, pop_ms by nothing.
    samples = _synthetic()
    truth = LatencyParameters(pop_ms=11.3, satellite_processing_ms=0.42, user_uplink_cycle_ms=6.0)
    p50, width = _p50_and_spread(samples, truth)
    start = LatencyParameters(pop_ms=2.0, satellite_processing_ms=2.0, user_uplink_cycle_ms=1.0)
    result = fit_latency(samples, p50, start=start, published_spread_ms=width)
    assert result.success
    assert result.params.user_uplink_cycle_ms == pytest.approx(6.0, abs=0.1)  # ms
    assert result.params.pop_ms == pytest.approx(11.3, abs=0.1)  # ms
    assert result.params.satellite_processing_ms == pytest.approx(0.42, abs=0.01)  # ms
    assert result.median_abs_rel_error < 1e-3 and result.median_abs_rel_error_spread < 1e-3
    assert result.published_spread_ms == pytest.approx(width)
    # The spread tells the cycle from pop_ms: a cycle 4 ms longer with pop_ms 2 ms shorter
    # (the same mean) keeps every p50 within ~2 % but widens the spread by > 10 % where
    # the path barely varies (L00: one satellite).
    other = dataclasses.replace(truth, user_uplink_cycle_ms=10.0, pop_ms=9.3)
    p50_other, width_other = _p50_and_spread(samples, other)
    assert max(abs(p50_other[k] / p50[k] - 1) for k in p50) < 0.025
    assert width_other["L00"] / width["L00"] - 1 > 0.1


def test_the_fit_needs_enough_countries() -> None:
    with pytest.raises(ValueError, match="need at least 2"):
        fit_latency(_synthetic(1), {"L00": 20.0})


def test_write_calibration_stores_parameters_and_provenance(tmp_path) -> None:
    samples = _synthetic(4)
    truth = LatencyParameters(pop_ms=9.0, satellite_processing_ms=0.2)
    target = {s.country.iso3: float(np.median(s.measured_rtt_ms(truth))) for s in samples}
    path = write_calibration(fit_latency(samples, target), {"seed": 0}, tmp_path / "c.json")
    doc = json.loads(path.read_text())
    assert doc["parameters"]["pop_ms"] == pytest.approx(9.0, abs=0.05)
    assert doc["provenance"]["countries"] == sorted(target)
    assert doc["provenance"]["seed"] == 0


def test_latency_percentiles_follow_starlinks_labels_p20_is_the_slow_end() -> None:
    p20, p50, p80 = latency_percentiles(np.arange(101.0))
    assert (p20, p50, p80) == (80.0, 50.0, 20.0)


def test_published_values_of_poland_match_the_source_file() -> None:
    pub = published("POL")
    assert pub is not None and pub.latency_ms[1] == pytest.approx(22.9)
    assert pub.download_mbps[1] == pytest.approx(283, abs=1)
    assert len(published_countries()) == 133
    assert published("XXX") is None


def test_any_name_or_code_resolves_and_a_typo_suggests_near_matches() -> None:
    for text in ("Poland", "PL", "pol"):
        assert resolve_country(text) == CountryId("Poland", "POL", "PL")
    with pytest.raises(UnknownNameError, match="Poland"):
        resolve_country("Polnd")


def test_sample_terminals_lie_in_the_country_weighted_to_its_cities() -> None:
    from shapely import contains_xy

    cid = resolve_country("Poland")
    sites = sample_terminals(cid, 200, seed=1)
    geom = country("Poland").geometry.buffer(0.2)  # ~20 km: the jitter, coastal cities
    assert contains_xy(geom, sites.lon_deg, sites.lat_deg).all()
    # Warsaw (1.7 M of Poland's ~20 M city dwellers in GeoNames) gets about its share.
    near_warsaw = (np.abs(sites.lat_deg - 52.23) < 0.15) & (np.abs(sites.lon_deg - 21.01) < 0.2)
    assert 0.04 < near_warsaw.mean() < 0.25
    again = sample_terminals(cid, 200, seed=1)
    np.testing.assert_array_equal(sites.lat_deg, again.lat_deg)


def test_busy_hour_is_20h_local_mean_solar_time() -> None:
    assert busy_hour_start(0.0).hour == 20
    assert busy_hour_start(30.0).hour == 18  # UTC+2
    assert busy_hour_start(-75.0).hour == 1  # UTC-5: 01:00 UTC


def test_check_page_and_json_hold_every_country() -> None:
    s = _synthetic(2)
    samples = [
        dataclasses.replace(s[0], country=resolve_country("POL")),
        dataclasses.replace(s[1], country=CountryId("Nowhere", "XXX", "")),
    ]
    checks = [checked(x) for x in samples]
    page = check_html(checks)
    assert "Poland" in page and "Nowhere" in page and "<svg" in page
    pol, nowhere = (c.as_json() for c in checks)
    assert pol["latency_ms"]["published"]["p50"] == pytest.approx(22.9)
    assert pol["latency_ms"]["relative_error"]["p50"] == pytest.approx(
        pol["latency_ms"]["simulated"]["p50"] / 22.9 - 1, abs=1e-3
    )
    assert nowhere["latency_ms"]["published"] is None
    assert nowhere["latency_ms"]["simulated"]["p50"] > 0
    assert nowhere["download_mbps"]["published"] is None
    assert "download p50: simulated vs published" in page
    assert "upload p50: simulated vs published" in page
    # The p20-p80 spread: |p20 - p80| simulated and published (Poland: 25.01 - 21.36 ms).
    width = pol["latency_ms"]["spread"]
    assert width["published"] == pytest.approx(3.65, abs=1e-3)
    sim = pol["latency_ms"]["simulated"]
    assert width["simulated"] == pytest.approx(sim["p20"] - sim["p80"], abs=2e-3)
    assert nowhere["latency_ms"]["spread"]["published"] is None
    assert "latency p20–p80 spread: simulated vs published" in page
    medians = median_errors(checks)
    assert medians["latency_spread"] == (1, pytest.approx(abs(checks[0].spread_error("latency"))))
    assert medians["download_p50"][0] == 0  # synthetic samples have no radio: no rates


def test_the_trimmed_fit_ignores_countries_the_geometry_misses() -> None:
    samples = _synthetic(12)
    truth = LatencyParameters(pop_ms=9.0, satellite_processing_ms=0.3)
    target = {s.country.iso3: float(np.median(s.measured_rtt_ms(truth))) for s in samples}
    # Three countries whose published median is far below anything the paths allow.
    for iso in ("L09", "L10", "L11"):
        target[iso] /= 4.0
    result = fit_latency(samples, target, start=LatencyParameters(pop_ms=2.0))
    assert result.params.pop_ms == pytest.approx(9.0, abs=0.05)
    assert result.params.satellite_processing_ms == pytest.approx(0.3, abs=0.01)
    assert {"L09", "L10", "L11"} <= set(result.excluded)


def _with_radio(samples: list[CountrySample], seed: int = 9) -> list[CountrySample]:
    """The synthetic countries with link rates and satellites in view that differ, the
    radio's steps spread over their latency windows."""
    rng = np.random.default_rng(seed)
    out = []
    for k, s in enumerate(samples):
        n = 400
        out.append(
            dataclasses.replace(
                s,
                link_down_mbps=rng.choice([420.0, 520.0, 600.0], n) - 8.0 * k,
                link_up_mbps=rng.choice([45.0, 55.0, 62.0], n),
                load_z=rng.standard_normal(n),
                in_view=rng.integers(25 + 3 * k, 45 + 3 * k, n).astype(np.float64),
                radio_window=np.arange(n, dtype=np.int64) % np.unique(s.window).size,
            )
        )
    return out


def test_fit_published_fits_the_speed_tests_then_the_latency_behind_them() -> None:
    # Synthetic samples under real countries' names (Starlink's published values): the one
    # call is the two fits in order, the latency's queue behind the fitted background; a
    # sample of a country without published values is left out of both.
    real = ["DEU", "FRA", "POL", "KEN", "JAM", "NZL", "BGD", "FJI"]
    samples = [
        dataclasses.replace(s, country=resolve_country(iso))
        for s, iso in zip(_with_radio(_synthetic(len(real))), real, strict=True)
    ]
    unpublished = dataclasses.replace(samples[0], country=CountryId("Land", "LLL", "LL"))
    speeds, latency = fit_published([*samples, unpublished])
    pubs = {s.country.iso3: published(s.country.iso3) for s in samples}
    assert all(p is not None for p in pubs.values())
    alone = fit_throughput(
        samples, {k: (p.download_mbps, p.upload_mbps) for k, p in pubs.items() if p}
    )
    assert speeds.fitted() == alone.fitted()
    # Each country's latency is fitted at the load its published download implies.
    scales: dict[str, tuple[float, float]] = {}
    for s in samples:
        p = pubs[s.country.iso3]
        assert p is not None
        c = busy_hour_load_scales(s, p.download_mbps[1], p.upload_mbps[1], alone.params)
        assert c is not None
        scales[s.country.iso3] = c
    downs, ups = zip(*scales.values(), strict=True)
    assert max(downs) > 1.2 * min(downs) and max(ups) > 1.2 * min(ups)
    behind = fit_latency(
        samples,
        {k: p.latency_ms[1] for k, p in pubs.items() if p},
        published_spread_ms={
            k: spread(p.latency_ms[0], p.latency_ms[2]) for k, p in pubs.items() if p
        },
        throughput=alone.params,
        load_scales=scales,
    )
    assert latency.fitted() == behind.fitted()
    assert set(latency.published_p50_ms) == set(real)


def test_a_throughput_fit_on_synthetic_data_recovers_the_parameters_it_was_made_with() -> None:
    samples = _with_radio(_synthetic(10))
    truth = ThroughputParameters(
        beam_background_down_mbps=240.0,
        beam_background_up_mbps=18.0,
        load_cv_down=0.3,
        load_cv_up=0.6,
        in_view_exponent=0.7,
    )
    target = {}
    for s in samples:
        down, up = s.speed_tests_mbps(truth)
        target[s.country.iso3] = (throughput_percentiles(down), throughput_percentiles(up))
    start = ThroughputParameters(
        beam_background_down_mbps=100.0,
        beam_background_up_mbps=5.0,
        load_cv_down=0.2,
        load_cv_up=0.2,
        in_view_exponent=0.3,
    )
    result = fit_throughput(samples, target, start=start)
    assert result.success
    assert result.params.beam_background_down_mbps == pytest.approx(240.0, abs=1.0)  # Mb/s
    assert result.params.beam_background_up_mbps == pytest.approx(18.0, abs=0.1)  # Mb/s
    assert result.params.load_cv_down == pytest.approx(0.3, abs=0.01)
    assert result.params.load_cv_up == pytest.approx(0.6, abs=0.01)
    assert result.params.in_view_exponent == pytest.approx(0.7, abs=0.01)
    assert result.median_abs_rel_error_down < 1e-3 and result.median_abs_rel_error_up < 1e-3


def test_a_speed_test_never_exceeds_the_link_rate_and_falls_with_the_load() -> None:
    (s,) = _with_radio(_synthetic(1))
    light = ThroughputParameters(10.0, 1.0, 0.5, 0.5, 1.0)
    heavy = ThroughputParameters(400.0, 40.0, 0.5, 0.5, 1.0)
    for p in (light, heavy):
        down, up = s.speed_tests_mbps(p)
        assert (down <= s.link_down_mbps + 1e-9).all() and (down > 0).all()
        assert (up <= s.link_up_mbps + 1e-9).all() and (up > 0).all()
    assert (s.speed_tests_mbps(heavy)[0] <= s.speed_tests_mbps(light)[0]).all()
    # Without background load a speed test gets the whole link.
    down, up = s.speed_tests_mbps(ThroughputParameters(0.0, 0.0, 0.0, 0.0, 1.0))
    np.testing.assert_allclose(down, s.link_down_mbps)
    np.testing.assert_allclose(up, s.link_up_mbps)
    # Where the load fits, the test gets the link less the load (Mb/s): no variation (cv 0),
    # 30 satellites in view (the reference) -> exactly the background.
    (one,) = _with_radio(_synthetic(1))
    one = dataclasses.replace(one, in_view=np.full(one.load_z.shape, REFERENCE_IN_VIEW))
    down, _ = one.speed_tests_mbps(ThroughputParameters(100.0, 5.0, 0.0, 0.0, 1.0))
    np.testing.assert_allclose(down, one.link_down_mbps - 100.0, rtol=1e-9)


def test_write_throughput_calibration_keeps_the_latency_parameters(tmp_path) -> None:
    samples = _with_radio(_synthetic(4))
    target = {
        s.country.iso3: (
            throughput_percentiles(s.speed_tests_mbps()[0]),
            throughput_percentiles(s.speed_tests_mbps()[1]),
        )
        for s in samples
    }
    path = tmp_path / "c.json"
    lat = LatencyParameters(pop_ms=9.0, satellite_processing_ms=0.2)
    lat_target = {s.country.iso3: float(np.median(s.measured_rtt_ms(lat))) for s in samples}
    write_calibration(fit_latency(samples, lat_target), {"seed": 0}, path)
    write_throughput_calibration(fit_throughput(samples, target), {"seed": 0}, path)
    doc = json.loads(path.read_text())
    assert doc["parameters"]["pop_ms"] == pytest.approx(9.0, abs=0.05)
    assert set(doc["throughput"]["parameters"]) == set(THROUGHPUT_FREE)
    # And the latency fit written again keeps the throughput block.
    write_calibration(fit_latency(samples, lat_target), {"seed": 1}, path)
    assert "throughput" in json.loads(path.read_text())


def test_a_country_routes_over_the_gateways_near_it_or_its_home_pop() -> None:
    from leonet.calibration import GATEWAY_REACH_KM
    from leonet.calibration.simulate import _gateways_near
    from leonet.ground import great_circle_km, load_gateways_2026, load_pops_2026

    sites = sample_terminals(resolve_country("Fiji"), 6, seed=0)
    pops = load_pops_2026()
    sydney = pops.take([list(pops.names).index("sydyaus1")])
    near = _gateways_near(sites, sydney)
    every = load_gateways_2026()
    assert 0 < len(near) < len(every)
    to_sydney = great_circle_km(near.lat_deg, near.lon_deg, sydney.lat_deg[0], sydney.lon_deg[0])
    assert (to_sydney < 1000.0).any()  # the PoP's own gateways stay
    d = great_circle_km(
        every.lat_deg[:, None],
        every.lon_deg[:, None],
        np.append(sites.lat_deg, sydney.lat_deg),
        np.append(sites.lon_deg, sydney.lon_deg),
    ).min(axis=1)
    assert sorted(map(str, near.names)) == sorted(map(str, every.names[d <= GATEWAY_REACH_KM]))


def _with_fibre(samples: list[CountrySample], routed: float = 1.5) -> list[CountrySample]:
    """The synthetic countries with a terrestrial part: 0 to ~3,000 km of fibre, routed
    at ``routed`` (its delay part of the propagation RTT)."""
    from leonet.constants import C_KM_S

    rng = np.random.default_rng(3)
    out = []
    for k, s in enumerate(samples):
        # (lengths not in step with the satellites crossed, which grow with k)
        km = rng.uniform(0.0, 1.0, s.propagation_rtt_ms.size) * 280.0 * ((5 * k + 3) % 12)
        fibre_ms = 2.0 * km * routed / (2.0 / 3.0 * C_KM_S) * 1000.0
        out.append(
            dataclasses.replace(
                s,
                propagation_rtt_ms=s.propagation_rtt_ms + fibre_ms,
                fibre_km=km,
                route_factor=routed,
            )
        )
    return out


def test_the_rtt_at_a_route_factor_is_the_space_part_plus_factor_times_the_fibre() -> None:
    from leonet.constants import C_KM_S

    (s,) = _with_fibre(_synthetic(4))[3:]
    # At factor 1 the fibre's RTT is its great circle there and back at 2/3 c.
    per_factor_ms = 2.0 * s.fibre_km / (2.0 / 3.0 * C_KM_S) * 1000.0
    np.testing.assert_allclose(s.fibre_rtt_ms_per_factor, per_factor_ms, rtol=1e-12)
    space = s.propagation_rtt_ms - 1.5 * per_factor_ms
    for f in (1.0, 1.5, 2.2):
        np.testing.assert_allclose(
            s.propagation_rtt_at(f), space + f * per_factor_ms, rtol=0, atol=1e-9
        )  # ms
        # The other latency terms do not depend on the factor.
        p = LatencyParameters(pop_ms=7.0, satellite_processing_ms=0.3)
        np.testing.assert_allclose(
            s.rtt_ms(p, f) - s.rtt_ms(p), (f - 1.5) * per_factor_ms, rtol=0, atol=1e-9
        )
    np.testing.assert_array_equal(s.propagation_rtt_at(None), s.propagation_rtt_ms)
    # No fibre known: the factor changes nothing.
    bare = _synthetic(1)[0]
    np.testing.assert_array_equal(bare.propagation_rtt_at(2.0), bare.propagation_rtt_ms)


def test_a_fit_on_synthetic_samples_recovers_the_route_factor_they_were_made_with() -> None:
    samples = _with_fibre(_synthetic(12), routed=1.5)
    truth = LatencyParameters(pop_ms=9.0, satellite_processing_ms=0.3)
    target = {s.country.iso3: float(np.median(s.measured_rtt_ms(truth, 1.85))) for s in samples}
    start = LatencyParameters(pop_ms=2.0, satellite_processing_ms=1.0)
    result = fit_latency(samples, target, start=start, route_factor=1.2)
    assert result.success
    assert result.route_factor == pytest.approx(1.85, abs=0.01)
    assert result.params.pop_ms == pytest.approx(9.0, abs=0.05)  # ms
    assert result.params.satellite_processing_ms == pytest.approx(0.3, abs=0.01)  # ms
    assert result.fitted()["route_factor"] == result.route_factor
    assert result.median_abs_rel_error < 1e-3


def test_write_calibration_stores_the_route_factor_the_defaults_read(tmp_path) -> None:
    from leonet.defaults import DEFAULT_ROUTE_FACTOR

    samples = _with_fibre(_synthetic(6))
    truth = LatencyParameters(pop_ms=9.0, satellite_processing_ms=0.2)
    target = {s.country.iso3: float(np.median(s.measured_rtt_ms(truth, 1.3))) for s in samples}
    result = fit_latency(samples, target)
    path = write_calibration(result, {"seed": 0}, tmp_path / "c.json")
    written = json.loads(path.read_text())["parameters"]
    assert written["route_factor"] == round(result.route_factor, 4)
    assert set(written) == set(FREE)
    # The bundled file holds the factor every layer defaults to.
    from importlib.resources import files

    bundled = json.loads((files("leonet") / "data" / "latency_calibration.json").read_text())
    assert bundled["parameters"]["route_factor"] == DEFAULT_ROUTE_FACTOR


def test_a_countrys_terminals_may_use_its_pops_and_one_without_data_all() -> None:
    from leonet.calibration import country_pop_mask
    from leonet.ground import load_pops_2026

    pops = load_pops_2026()
    fr = country_pop_mask("FR", pops)
    assert fr is not None
    assert sorted(pops.names[fr].tolist()) == ["frntdeu1", "lndngbr1", "mdrdesp1", "mlnnita1"]
    assert country_pop_mask("XX", pops) is None  # routed to the nearest of all PoPs


def test_a_paths_fibre_is_its_hops_between_ground_nodes() -> None:
    from leonet.calibration.simulate import _fibre_km, _last_node
    from leonet.ground import Sites, great_circle_km

    gateways = Sites(["Guam"], [13.5], [144.8])
    pops = Sites(["Tokyo", "Manila"], [35.69, 14.60], [139.69, 120.98])
    n_sats = 10  # nodes: sats 0-9, gateway 10, PoPs 11-12, terminal 13
    path = np.array(
        [
            [[13, 4, 10, 11, 12], [13, 4, 5, 6, -1]],  # Guam -> Tokyo -> Manila; no fibre
            [[-1, -1, -1, -1, -1], [13, 2, 10, 11, -1]],  # no path; Guam -> Tokyo
        ],
        dtype=np.int32,
    )
    km = _fibre_km(path, n_sats, gateways, pops)
    guam_tokyo = float(great_circle_km(13.5, 144.8, 35.69, 139.69))
    tokyo_manila = float(great_circle_km(35.69, 139.69, 14.60, 120.98))
    np.testing.assert_allclose(
        km, [[guam_tokyo + tokyo_manila, 0.0], [0.0, guam_tokyo]], rtol=1e-12
    )
    assert 5_400 < km[0, 0] < 5_600  # the Saipan detour: ~5,500 km of fibre
    np.testing.assert_array_equal(_last_node(path), [[12, 6], [-1, 11]])


def test_latency_is_measured_as_each_terminal_s_15_second_mean() -> None:
    # Starlink's percentiles are of 15-s averages (its network update, 2024): a sample's
    # measured RTT is each window's mean of its terminal-steps, a window of 3 steps
    # averaging 10, 20 and 60 ms to 30.
    s = CountrySample(
        CountryId("Land", "LL", ""),
        datetime(2026, 5, 30, tzinfo=UTC),
        np.array([10.0, 20.0, 60.0, 5.0, 7.0]),
        np.ones(5, np.int64),
        np.ones(5, np.int64),
        np.full(5, 7.0),
        0.0,
        "",
        frame_fraction=np.zeros(5),
        cycle_fraction=np.zeros(5),
        window=np.array([4, 4, 4, 9, 9]),
    )
    extra = float(s.rtt_ms()[0]) - 10.0  # every other term, the same on each step here
    np.testing.assert_allclose(s.rtt_ms() - s.propagation_rtt_ms, extra, atol=1e-12)
    np.testing.assert_allclose(s.measured_rtt_ms(), [30.0 + extra, 6.0 + extra], atol=1e-12)
    # Without windows each terminal-step is its own measurement.
    alone = dataclasses.replace(s, window=np.zeros(0, np.int64))
    np.testing.assert_array_equal(alone.measured_rtt_ms(), alone.rtt_ms())


def _two_draws() -> CountrySample:
    """Two windows of two steps, the radio at one step of each; two draws of the uplink
    cycle's wait (one a window) and of the beams' load."""
    return CountrySample(
        CountryId("Land", "LL", ""),
        datetime(2026, 5, 30, tzinfo=UTC),
        np.array([10.0, 20.0, 5.0, 7.0]),
        np.ones(4, np.int64),
        np.ones(4, np.int64),
        np.array([0.0, 1.0, 0.0, 1.0]),
        0.0,
        "",
        link_down_mbps=np.array([600.0, 500.0]),
        link_up_mbps=np.array([60.0, 50.0]),
        load_z=np.array([[0.0, 1.0], [-1.0, 0.5]]),
        in_view=np.array([30.0, 20.0]),
        frame_fraction=np.array([0.1, 0.2, 0.3, 0.4]),
        cycle_fraction=np.array([[0.25, 0.25, 0.5, 0.5], [0.9, 0.9, 0.0, 0.0]]),
        window=np.array([0, 0, 1, 1]),
        radio_window=np.array([0, 1]),
    )


def test_a_sample_s_draws_are_pooled_as_samples_of_their_own() -> None:
    # Each draw is the same routes with other waits and loads: the pooled measured RTTs
    # and speed tests are those of one single-draw sample per draw, one after the other.
    s = _two_draws()
    assert s.draws == 2 and s.rtt_ms().shape == (2, 4)
    single = [s.draw(k) for k in range(2)]
    for k, one in enumerate(single):
        assert one.draws == 1
        np.testing.assert_array_equal(one.cycle_fraction, s.cycle_fraction[k])
        np.testing.assert_array_equal(one.load_z, s.load_z[k])
        np.testing.assert_array_equal(one.propagation_rtt_ms, s.propagation_rtt_ms)
    assert single[0].draw(0) is single[0]
    with pytest.raises(ValueError, match="draw 2"):
        s.draw(2)
    p = LatencyParameters(queue_scale_ms=2.0)
    background = ThroughputParameters(300.0, 30.0, 0.5, 0.4, 0.2)
    np.testing.assert_allclose(
        s.measured_rtt_ms(p, None, background),
        np.concatenate([one.measured_rtt_ms(p, None, background) for one in single]),
        rtol=0,
        atol=1e-12,
    )
    tests = [one.speed_tests_mbps(background) for one in single]
    for way, got in enumerate(s.speed_tests_mbps(background)):
        want = np.concatenate([t[way] for t in tests])
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    # The draws differ only by the cycle's wait: switching the uplink term off makes
    # them equal, lower by each draw's own wait.
    off = p.without("user_uplink")
    idle = s.rtt_ms(off)
    np.testing.assert_array_equal(idle[0], idle[1])
    np.testing.assert_allclose(
        s.rtt_ms(p) - idle,
        p.user_uplink_scheduling_ms + p.user_uplink_cycle_ms * s.cycle_fraction,
        rtol=0,
        atol=1e-12,
    )


def test_pooled_draws_give_the_percentiles_of_the_model_not_of_one_draw() -> None:
    # One terminal on a fixed path, four windows: its measured RTTs differ only by the
    # uplink cycle's wait, uniform over the cycle, so the model's p20-p80 spread is
    # 0.6 × cycle exactly.  One draw gives four windows to take percentiles of; 4,096
    # draws (counter draws, as a sample's) land within 2 % of it (the quantiles'
    # sampling error is ~1 %).
    from leonet.network.latency import user_link_uniforms

    p = LatencyParameters()
    slot_ns = 15 * 10**9
    utc = np.arange(4)[:, None] * slot_ns + np.arange(15)[None, :] * 10**9  # (window, step)
    for draws, tolerance in ((1, None), (4096, 0.02)):
        _, cycle = user_link_uniforms(
            7, np.arange(draws)[:, None, None], utc.ravel()[None, None, :], 15.0
        )
        s = CountrySample(
            CountryId("Land", "LL", ""),
            datetime(2026, 5, 30, tzinfo=UTC),
            np.full(60, 20.0),
            np.ones(60, np.int64),
            np.ones(60, np.int64),
            np.tile(np.arange(15.0), 4),
            0.0,
            "",
            frame_fraction=np.full(60, 0.5),
            cycle_fraction=cycle[:, 0, :] if draws > 1 else cycle[0, 0],
            window=np.repeat(np.arange(4), 15),
        )
        got = spread(*np.percentile(s.measured_rtt_ms(p), [20.0, 80.0]))
        want = 0.6 * p.user_uplink_cycle_ms
        if tolerance is None:
            assert s.measured_rtt_ms(p).shape == (4,)
        else:
            assert s.measured_rtt_ms(p).shape == (4 * draws,)
            assert abs(got / want - 1) < tolerance, (got, want)


@pytest.mark.slow
def test_a_country_s_sample_is_measured_in_15_s_windows_one_slot_each() -> None:
    from leonet.calibration import simulate_country

    s = simulate_country(resolve_country("POL"), terminals=2, duration_s=30.0, draws=1)
    # 2 terminals × 2 windows of 15 one-second steps (every step served in Poland).
    assert s.propagation_rtt_ms.size == 60
    ids, count = np.unique(s.window, return_counts=True)
    assert ids.size == 4 and (count == 15).all()
    for w in ids:
        inside = s.window == w
        # A window is one slot (the sample starts on a boundary): 0..14 s into it, one
        # uplink-cycle draw through it, a frame draw each step.
        np.testing.assert_array_equal(np.sort(s.since_slot_s[inside]), np.arange(15.0))
        assert np.unique(s.cycle_fraction[inside]).size == 1
        assert np.unique(s.frame_fraction[inside]).size == 15
    assert s.measured_rtt_ms().shape == (4,)
    # Three draws: the same routes, the first draw the single one's, the others new
    # waits (one a window) and loads.
    three = simulate_country(resolve_country("POL"), terminals=2, duration_s=30.0, draws=3)
    assert three.draws == 3 and three.load_z.shape == (3, s.load_z.size)
    np.testing.assert_array_equal(three.propagation_rtt_ms, s.propagation_rtt_ms)
    np.testing.assert_array_equal(three.cycle_fraction[0], s.cycle_fraction)
    np.testing.assert_array_equal(three.load_z[0], s.load_z)
    for k in (1, 2):
        assert not np.isin(three.cycle_fraction[k], s.cycle_fraction).any()
        for w in ids:
            assert np.unique(three.cycle_fraction[k][s.window == w]).size == 1
    assert three.measured_rtt_ms().shape == (12,)
    with pytest.raises(ValueError, match="draws=0"):
        simulate_country(resolve_country("POL"), terminals=2, duration_s=30.0, draws=0)


def test_the_measured_rtt_queues_behind_the_busy_hour_background() -> None:
    # Two windows; the radio saw the first at two steps (its beam at ρ 0.5 and 0.75 down,
    # 0.5 up) and the second at none: the first window's mean gains the mean queueing
    # of its radio steps, scale × ρ/(1−ρ) each way; the second none.
    s = CountrySample(
        CountryId("Land", "LL", ""),
        datetime(2026, 5, 30, tzinfo=UTC),
        np.array([10.0, 20.0, 5.0]),
        np.ones(3, np.int64),
        np.ones(3, np.int64),
        np.full(3, 7.0),
        0.0,
        "",
        link_down_mbps=np.array([600.0, 600.0]),
        link_up_mbps=np.array([60.0, 60.0]),
        load_z=np.array([0.0, 1.0]),
        in_view=np.array([30.0, 30.0]),
        frame_fraction=np.zeros(3),
        cycle_fraction=np.zeros(3),
        window=np.array([0, 0, 1]),
        radio_window=np.array([0, 0]),
    )
    background = ThroughputParameters(300.0, 30.0, 0.5, 0.0, 0.0)
    p = LatencyParameters(queue_scale_ms=2.0)
    idle = s.measured_rtt_ms(dataclasses.replace(p, queue_scale_ms=0.0))
    got = s.measured_rtt_ms(p, throughput=background)
    # Down: 2 × (1 + 3) / 2 = 4 ms on average; up: 2 × 1 = 2 ms.
    np.testing.assert_allclose(got - idle, [4.0 + 2.0, 0.0], rtol=0, atol=1e-12)
    # Switching the queueing term off leaves the idle means.
    np.testing.assert_array_equal(s.measured_rtt_ms(p.without("queueing"), None, background), idle)


def _queued_synthetic(
    load_scales: dict[str, tuple[float, float]] | None = None,
) -> tuple[list[CountrySample], ThroughputParameters, dict[str, float], dict[str, float]]:
    """Synthetic countries with radio (``L00`` ... ``L11``), their busy-hour background,
    and the p50 and spread (ms, by ISO3) measured at a known truth: pop_ms 11.3, 0.42 ms
    a satellite, a 6-ms cycle and a 1.5-ms queue scale; each country behind the
    background × its ``load_scales`` (down, up), where given."""
    samples = _with_radio(_synthetic())
    background = ThroughputParameters(300.0, 25.0, 0.3, 0.4, 1.5)
    truth = LatencyParameters(
        pop_ms=11.3, satellite_processing_ms=0.42, user_uplink_cycle_ms=6.0, queue_scale_ms=1.5
    )
    p50, width = {}, {}
    for s in samples:
        load = background
        if load_scales is not None:
            load = background.scaled(*load_scales[s.country.iso3])
        slow, mid, fast = latency_percentiles(s.measured_rtt_ms(truth, None, load))
        p50[s.country.iso3], width[s.country.iso3] = mid, spread(slow, fast)
    return samples, background, p50, width


def test_a_fit_on_synthetic_spreads_recovers_the_busy_hour_queue_it_was_made_with() -> None:
    # Countries whose beams are busier (fewer satellites in view) queue longer and wider:
    # the queue's scale moves medians and spreads by the load, pop_ms by nothing.
    samples, background, p50, width = _queued_synthetic()
    start = LatencyParameters(
        pop_ms=2.0, satellite_processing_ms=2.0, user_uplink_cycle_ms=1.0, queue_scale_ms=0.5
    )
    result = fit_latency(
        samples, p50, start=start, published_spread_ms=width, throughput=background
    )
    assert result.success
    assert result.params.queue_scale_ms == pytest.approx(1.5, abs=0.05)  # ms
    assert result.params.user_uplink_cycle_ms == pytest.approx(6.0, abs=0.1)  # ms
    assert result.params.pop_ms == pytest.approx(11.3, abs=0.1)  # ms
    assert result.params.satellite_processing_ms == pytest.approx(0.42, abs=0.01)  # ms
    assert result.median_abs_rel_error < 1e-3 and result.median_abs_rel_error_spread < 1e-3


def test_a_fit_at_each_country_s_own_load_recovers_the_queue_it_was_made_with() -> None:
    # The countries' beams are busier or quieter than the calibrated background (down
    # × 0.6 to × 1.7, up × 1.5 to × 0.6): their latency was made at their own loads.
    # Fitted at those loads, the fit finds the truth; fitted as if every country carried
    # the calibrated load, it cannot (the queue's spread no longer follows the loads).
    scales = {f"L{k:02d}": (0.6 + 0.1 * k, 1.5 - 0.08 * k) for k in range(12)}
    samples, background, p50, width = _queued_synthetic(scales)
    assert set(p50) == set(scales)

    def fit(load_scales: dict[str, tuple[float, float]] | None) -> FitResult:
        return fit_latency(
            samples,
            p50,
            published_spread_ms=width,
            throughput=background,
            load_scales=load_scales,
        )

    result = fit(scales)
    assert result.params.queue_scale_ms == pytest.approx(1.5, abs=0.01)  # ms
    assert result.params.user_uplink_cycle_ms == pytest.approx(6.0, abs=0.01)  # ms
    assert result.params.pop_ms == pytest.approx(11.3, abs=0.01)  # ms
    assert result.median_abs_rel_error < 1e-6 and result.median_abs_rel_error_spread < 1e-6
    blind = fit(None)
    assert max(blind.median_abs_rel_error, blind.median_abs_rel_error_spread) > 3e-3
    # A country without a load scale is left out of the fit.
    some = dict(list(scales.items())[:-2])
    assert set(fit(some).published_p50_ms) == set(some)


def test_the_busy_hour_load_scale_is_read_back_from_a_download_median() -> None:
    """The load scale at which a sample's speed-test download median equals a measured
    one: made at × 1.7, read back; out of reach or without radio, none; and the check's
    JSON carries the one for the country's published median."""
    (sample,) = _with_radio(_synthetic(1))
    base = ThroughputParameters()
    made = float(np.median(sample.speed_tests_mbps(base.scaled(1.7))[0]))
    assert made < float(np.median(sample.speed_tests_mbps(base)[0])) - 10.0  # Mb/s
    assert busy_hour_load_scale(sample, made) == pytest.approx(1.7, abs=2e-3)
    assert busy_hour_load_scale(sample, 5000.0) is None  # above the links' rates
    assert busy_hour_load_scale(_synthetic(1)[0], made) is None  # no radio
    pol = dataclasses.replace(sample, country=resolve_country("POL"))
    scale = checked(pol).as_json()["busy_hour_load_scale"]
    want = published("POL").download_mbps[1]
    assert np.median(pol.speed_tests_mbps(base.scaled(scale))[0]) == pytest.approx(want, abs=1.0)
    # The uplink's scale on its own: made at × 0.7 up (the downlink's background as
    # calibrated), read back with the downlink's at 1.
    made_up = float(np.median(sample.speed_tests_mbps(base.scaled(1.0, 0.7))[1]))
    down_up = busy_hour_load_scales(sample, made, made_up)
    assert down_up == pytest.approx((1.7, 0.7), abs=2e-3)
    assert busy_hour_load_scales(sample, made, 5000.0) is None
    # ... and the latency at the country's published loads, beside the latency at the
    # calibrated one.
    check = checked(pol)
    assert check.busy_hour_load_scale is not None and check.busy_hour_load_scale_up is not None
    want_up = published("POL").upload_mbps[1]
    at = base.scaled(check.busy_hour_load_scale, check.busy_hour_load_scale_up)
    assert np.median(pol.speed_tests_mbps(at)[1]) == pytest.approx(want_up, abs=0.2)
    got = check.as_json()["latency_at_load_ms"]
    slow, mid, fast = latency_percentiles(pol.measured_rtt_ms(None, None, at))
    assert got["simulated"] == pytest.approx({"p20": slow, "p50": mid, "p80": fast}, abs=2e-3)
    assert got["published"] == check.as_json()["latency_ms"]["published"]
    nowhere = dataclasses.replace(sample, country=CountryId("Nowhere", "XXX", ""))
    assert checked(nowhere).as_json()["latency_at_load_ms"]["simulated"] is None
    # A region's own measured speeds stand in for published ones (`--speeds`).
    given = checked(nowhere, speeds_mbps=(made, made_up))
    assert (given.busy_hour_load_scale, given.busy_hour_load_scale_up) == pytest.approx(
        (1.7, 0.7), abs=2e-3
    )
    want = latency_percentiles(sample.measured_rtt_ms(None, None, base.scaled(1.7, 0.7)))
    assert given.simulated_latency_at_load_ms == pytest.approx(want, abs=0.01)
    with pytest.raises(ValueError, match="load_scale"):
        base.scaled(0.0)


@pytest.mark.parametrize(
    "pop_ms, processing_ms, cycle_ms, queue_ms",
    [(20.0, 0.0, 20.0, 0.1), (0.0, 1.0, 12.0, 0.5), (11.3, 0.42, 0.5, 4.0)],
    ids=["long-cycle", "no-pop", "big-queue"],
)
def test_the_fit_s_restarts_reach_the_truth_from_where_one_local_fit_stalls(
    pop_ms: float,
    processing_ms: float,
    cycle_ms: float,
    queue_ms: float,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The cycle and the queue's scale trade along a rugged valley: from these starts one
    # local fit stops ≥ 0.3 % off the medians or the spreads; the Sobol restarts
    # around the start find the parameters the data were made with.
    import leonet.calibration.fit as fit_module

    samples, background, p50, width = _queued_synthetic()
    start = LatencyParameters(
        pop_ms=pop_ms,
        satellite_processing_ms=processing_ms,
        user_uplink_cycle_ms=cycle_ms,
        queue_scale_ms=queue_ms,
    )

    def fit() -> FitResult:
        return fit_latency(
            samples, p50, start=start, published_spread_ms=width, throughput=background
        )

    result = fit()
    assert result.params.user_uplink_cycle_ms == pytest.approx(6.0, abs=0.01)  # ms
    assert result.params.queue_scale_ms == pytest.approx(1.5, abs=0.01)  # ms
    assert result.params.pop_ms == pytest.approx(11.3, abs=0.01)  # ms
    assert result.median_abs_rel_error < 1e-6 and result.median_abs_rel_error_spread < 1e-6
    monkeypatch.setattr(fit_module, "_RESTARTS", 0)
    alone = fit()
    assert max(alone.median_abs_rel_error, alone.median_abs_rel_error_spread) > 3e-3
