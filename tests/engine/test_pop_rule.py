"""`leonet run` routes as `leonet calibrate` does (issue 11): each site to the nearest of
its country's PoPs where the scenario's PoPs are Starlink's 2026 ones, and the
shortest-path scheduler's delays on to the PoP — the run and `run_routes` agree."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from leonet.engine.chunks import ScenarioRun
from leonet.engine.pop_sets import country_rule_applies, site_pop_mask
from leonet.engine.route import run_routes
from leonet.ground import Sites, country_pops
from leonet.scenario import ScenarioError, load_scenario
from support.european_run import EUROPEAN, run_terminals

SCENARIO = EUROPEAN
NAMES = ("Vienna", "Gdansk", "Tallinn", "Paris", "Kyiv")
COUNTRY = {"Vienna": "AT", "Gdansk": "PL", "Tallinn": "EE", "Paris": "FR"}


def _load(tmp_path_factory, text: str = SCENARIO):
    path = tmp_path_factory.mktemp("scenario") / "pop-rule.yaml"
    path.write_text(text)
    return load_scenario(path)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return _load(tmp_path_factory)


def _columns(table: pa.Table, name: str) -> dict[str, np.ndarray]:
    """One terminal's rows, in time order: PoP, satellite and propagation RTT."""
    rows = table.filter(pa.compute.equal(table["terminal"], name)).sort_by("time")
    return {
        "pop": np.asarray(rows["pop"].to_pylist(), dtype=object),
        "sat": np.asarray(rows["sat"].to_pylist(), dtype=object),
        "prop": rows["propagation_rtt_ms"].to_numpy(zero_copy_only=False),
        "rtt": rows["rtt_ms"].to_numpy(zero_copy_only=False),
    }


@pytest.fixture(scope="module")
def country_run(scenario):
    run = ScenarioRun(scenario)
    return run, run_terminals(run)


@pytest.fixture(scope="module")
def nearest_run(tmp_path_factory):
    off = _load(
        tmp_path_factory, SCENARIO.replace("mode: lasers}", "mode: lasers, pop_rule: nearest}")
    )
    run = ScenarioRun(off)
    return run, run_terminals(run)


def test_each_terminal_reaches_only_its_countrys_pops(country_run):
    run, table = country_run
    assert run.pop_mask is not None
    for name, iso2 in COUNTRY.items():
        rows = _columns(table, name)
        reached = {p for p in rows["pop"] if p}
        assert reached, f"{name} reached no PoP"
        assert reached <= set(country_pops(iso2)), (name, reached)


def test_with_the_rule_off_each_terminal_reaches_the_nearest_pop_of_all(country_run, nearest_run):
    _, on = country_run
    run, off = nearest_run
    assert run.pop_mask is None
    outside = 0
    for name, iso2 in COUNTRY.items():
        rows = _columns(off, name)
        outside += sum(1 for p in rows["pop"] if p and p not in country_pops(iso2))
        # The nearest of all is never farther than the nearest of a subset.
        both = np.isfinite(rows["prop"]) & np.isfinite(_columns(on, name)["prop"])
        same_sat = rows["sat"] == _columns(on, name)["sat"]
        assert (
            rows["prop"][both & same_sat] <= _columns(on, name)["prop"][both & same_sat] + 1e-9
        ).all()
    # Vienna, Gdańsk and Tallinn leave their sets at some steps: the rule is seen.
    assert outside > 0


def test_a_terminal_in_a_country_without_data_keeps_its_pop(country_run, nearest_run):
    """Kyiv (Ukraine: no geofeed data) goes to the nearest PoP of all either way, and its
    rows are the same to the bit."""
    on, off = _columns(country_run[1], "Kyiv"), _columns(nearest_run[1], "Kyiv")
    assert {p for p in on["pop"] if p}
    for key in ("pop", "sat"):
        assert list(on[key]) == list(off[key])
    np.testing.assert_array_equal(on["prop"], off["prop"])
    np.testing.assert_array_equal(on["rtt"], off["rtt"])


@pytest.mark.parametrize("rule", ["country", "nearest"])
def test_the_run_and_run_routes_agree_on_each_terminals_satellite_pop_and_rtt(
    scenario, country_run, nearest_run, rule
):
    """`leonet calibrate`'s router (`run_routes`: a (terminal, PoP) mask, the onward delays
    in the shortest-path scheduler) and the run, on the same sites, grid and ground: the
    same serving satellite, PoP and propagation RTT at every step."""
    run, table = country_run if rule == "country" else nearest_run
    named = Sites(
        list(NAMES),
        run.static.lat_deg[run.n_cells :],
        run.static.lon_deg[run.n_cells :],
    )
    series = run_routes(
        run.constellation,
        named,
        run.grid,
        gateways=run.gateways,
        pops=run.pops,
        pop=None if run.pop_mask is None else run.pop_mask[run.n_cells :],
        mode="lasers",
        scheduler=run.config,
        route_factor=scenario.network.route_factor,
    )
    n_sats, n_gw = run.constellation.size, len(run.gateways)
    last = np.max(np.where(series.path >= 0, np.arange(series.path.shape[2]), -1), axis=2)
    end = np.take_along_axis(series.path, np.maximum(last, 0)[..., None], axis=2)[..., 0]
    pop_names = np.append(np.asarray(run.pops.names, dtype=object), "")
    sat_names = np.append(np.asarray(run.constellation.sat_names, dtype=object), "")
    for j, name in enumerate(NAMES):
        rows = _columns(table, name)
        ok = np.isfinite(series.propagation_rtt_ms[:, j])
        assert ok.sum() >= 20, name
        np.testing.assert_array_equal(np.isfinite(rows["prop"]), ok)
        want_pop = pop_names[np.where(ok, end[:, j] - n_sats - n_gw, -1)]
        want_sat = sat_names[np.where(ok, series.path[:, j, 1], -1)]
        assert list(rows["pop"][ok]) == list(want_pop[ok]), name
        assert list(rows["sat"][ok]) == list(want_sat[ok]), name
        # Propagation RTT, ms: the same path and fibre (1 ns).
        np.testing.assert_allclose(
            rows["prop"][ok], series.propagation_rtt_ms[ok, j], rtol=0, atol=1e-6
        )


def test_the_rule_applies_only_to_starlinks_2026_pops(scenario, tmp_path_factory):
    assert country_rule_applies(scenario)
    box = "{bundled: true, within: {lat_deg: [34, 66], lon_deg: [-12, 42]}}"
    for pops in (
        "[{name: frntdeu1, lat_deg: 50.11, lon_deg: 8.68}]",  # its own list, a geofeed code
        "{bundled: true, edition: 2023}",
        "{bundled: true, operator: oneweb}",
    ):
        other = _load(tmp_path_factory, SCENARIO.replace(f"pops: {box}", f"pops: {pops}"))
        assert not country_rule_applies(other), pops
        if pops.startswith("[{"):
            assert ScenarioRun(other).pop_mask is None


def test_a_site_whose_countrys_pops_are_not_given_keeps_every_pop():
    """Lisbon (PT: Madrid only) with Madrid left out, a ship in the Atlantic and Kyiv: all
    PoPs; Vienna: Frankfurt and Milan of the three given."""
    names = ["frntdeu1", "mlnnita1", "wrswpol1"]
    mask = site_pop_mask([38.72, 45.0, 50.45, 48.21], [-9.14, -30.0, 30.52, 16.37], names)
    assert mask is not None
    np.testing.assert_array_equal(mask, [[True] * 3, [True] * 3, [True] * 3, [True, True, False]])
    assert site_pop_mask([50.45], [30.52], names) is None


def test_a_site_in_a_territory_without_data_takes_its_sovereigns_pops():
    """Norfolk Island (NF, no geofeed data) is Australian: Sydney and Brisbane of the
    three given, as `leonet calibrate` routes it (leonet.ground.pop_country)."""
    names = ["sydyaus1", "brseaus1", "acklnzl1"]
    mask = site_pop_mask([-29.05], [167.96], names)
    assert mask is not None
    np.testing.assert_array_equal(mask, [[True, True, False]])
    assert set(country_pops("NF")) >= {"sydyaus1", "brseaus1"}


def test_a_bad_pop_rule_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        SCENARIO.replace("network: {mode: lasers}", "network: {mode: lasers, pop_rule: fastest}")
    )
    with pytest.raises(ScenarioError, match=r"network\.pop_rule") as err:
        load_scenario(path)
    assert "'country'" in str(err.value) and "'nearest'" in str(err.value)
    assert "line" in str(err.value)


def test_a_cell_takes_its_countrys_pops_as_a_terminal_at_its_centre_does(tmp_path_factory):
    """Austria's cells (AT: Frankfurt, Milan) beside a terminal at one cell's centre near
    Vienna: the cell's propagation RTT is the terminal's at every step (its satellite's
    delay to the nearest PoP of the cell's set), and differs from the nearest-of-all
    run's where Vienna's nearest PoP of all is Warsaw."""
    from leonet.engine.run import run_scenario
    from leonet.ground import country, tile_region
    from leonet.results import query

    cells = tile_region(country("Austria"), 4)
    near = int(np.argmin(np.hypot(cells.lat_deg - 48.21, (cells.lon_deg - 16.37) * 0.66)))
    lat, lon, cell = float(cells.lat_deg[near]), float(cells.lon_deg[near]), cells.names[near]
    base = SCENARIO.replace(
        "  terminals:\n",
        f"  cells: {{region: Austria, resolution: 4}}\n  terminals:\n"
        f"    - {{name: Centre, lat_deg: {lat}, lon_deg: {lon}}}\n",
    )
    base = base.replace("outputs: {report: false}", "outputs: {report: false, cells_every: step}")
    props = {}
    for rule in ("country", "nearest"):
        text = base.replace("mode: lasers}", f"mode: lasers, pop_rule: {rule}}}")
        out = tmp_path_factory.mktemp(rule) / "run"
        run_scenario(_load(tmp_path_factory, text), out, workers=1)
        rows = query(
            out,
            f"""
            SELECT c.propagation_rtt_ms AS cell_prop, t.propagation_rtt_ms AS prop, t.pop
            FROM cells c JOIN terminals t ON t.time = c.time
            WHERE c.cell = '{cell}' AND t.terminal = 'Centre' ORDER BY c.time""",
        ).to_pydict()
        cell_prop = np.asarray(rows["cell_prop"], dtype=float)
        prop = np.asarray(rows["prop"], dtype=float)
        assert len(prop) == 30 and np.isfinite(prop).sum() >= 20
        # The same satellite's delay to the same PoP set, two ways (1 ns).
        np.testing.assert_allclose(cell_prop, prop, rtol=0, atol=1e-6)
        if rule == "country":
            assert {p for p in rows["pop"] if p} <= set(country_pops("AT"))
        props[rule] = prop
    both = np.isfinite(props["country"]) & np.isfinite(props["nearest"])
    # The rule reaches the cells: at some steps the cell's path is another (0.1 ms).
    assert (np.abs(props["nearest"][both] - props["country"][both]) > 0.1).any()


def test_the_schedulers_way_on_avoids_a_pop_that_is_down(scenario):
    """With Warsaw down (``faults.pops``) at a step, the shortest-path scheduler's delay
    on from each gateway runs to a PoP that is up: a gateway whose only fibre is to Warsaw
    has none, the others' ways on do not pass through Warsaw; all up, the run's delays."""
    run = ScenarioRun(scenario)
    names = [str(n) for n in run.pops.names]
    up = np.ones((2, len(names)), dtype=bool)
    up[1, names.index("wrswpol1")] = False
    np.testing.assert_array_equal(run._onward_ms(up[:1]), run.onward_ms)
    onward = run._onward_ms(up)
    assert onward.shape == (2, run.ground.n_gateways)
    np.testing.assert_array_equal(onward[0], run.onward_ms)
    ground = run.ground
    warsaw = ground.n_gateways + names.index("wrswpol1")
    ends = np.concatenate([ground.terrestrial_a, ground.terrestrial_b])
    others = np.concatenate([ground.terrestrial_b, ground.terrestrial_a])
    only_warsaw = np.array(
        [set(others[ends == g].tolist()) == {warsaw} for g in range(ground.n_gateways)]
    )
    assert only_warsaw.any()
    assert np.isinf(onward[1, only_warsaw]).all()
    assert np.isfinite(onward[1, ~only_warsaw]).any()
    assert (onward[1] >= onward[0] - 1e-9).all()


HOPPER = """
name: pop-rule-moving
seed: 11
time: {start: "2026-05-30T20:00:00Z", duration: 8m, step_s: 10}
constellations: [{catalogue: starlink}]
ground:
  terminals:
    - {name: Paris, lat_deg: 48.8566, lon_deg: 2.3522}
  mobile:
    - name: hopper
      waypoints:
        - {time: "+0s", lat_deg: 48.2082, lon_deg: 16.3738}
        - {time: "+60s", lat_deg: 48.2082, lon_deg: 16.3738}
        - {time: "+300s", lat_deg: 48.1486, lon_deg: 17.1077}
        - {time: "+480s", lat_deg: 48.1486, lon_deg: 17.1077}
  gateways: {bundled: true, within: {lat_deg: [34, 66], lon_deg: [-12, 42]}}
  pops: {bundled: true, within: {lat_deg: [34, 66], lon_deg: [-12, 42]}}
network: {mode: lasers}
scheduler: {strategy: shortest-path}
outputs: {report: false}
"""


def test_a_moving_terminal_takes_the_pops_of_the_country_it_is_in(tmp_path_factory):
    """A terminal that drives from Vienna (AT: Frankfurt, Milan) to Bratislava (SK:
    Frankfurt, Warsaw, Sofia) takes Austria's PoPs while there and Slovakia's once there —
    one Austria's set lacks at some step — and the scheduler plans on to the PoPs of both
    countries (and Paris's)."""
    at, sk = set(country_pops("AT")), set(country_pops("SK"))
    assert at and sk - at
    run = ScenarioRun(_load(tmp_path_factory, HOPPER))
    names = [str(n) for n in run.pops.names]
    used = {n for n, u in zip(names, run.onward_used, strict=True) if u}
    assert at | sk <= used <= at | sk | set(country_pops("FR"))
    pops = _columns(run_terminals(run), "hopper")["pop"]
    assert len(pops) == 48
    in_vienna, in_bratislava = pops[:7], pops[30:]  # the steps at +0-60 s, +300-470 s
    assert set(in_vienna) <= at and set(in_bratislava) <= sk
    assert set(in_bratislava) - at, in_bratislava
    assert None not in set(in_vienna) | set(in_bratislava)


def test_a_terminal_that_drives_into_a_country_with_data_gets_its_pops(tmp_path_factory):
    """Kyiv and a terminal setting out from Uzhhorod (UA: no geofeed data, the nearest of
    all) start with no PoP set at all; the terminal drives into Slovakia (Michalovce) and
    takes Slovakia's PoPs there."""
    text = HOPPER.replace("{name: Paris, lat_deg: 48.8566, lon_deg: 2.3522}", "{place: Kyiv}")
    for old, new in (
        ("48.2082, lon_deg: 16.3738", "48.6208, lon_deg: 22.2879"),
        ("48.1486, lon_deg: 17.1077", "48.7553, lon_deg: 21.9184"),
    ):
        text = text.replace(old, new)
    run = ScenarioRun(_load(tmp_path_factory, text))
    assert run.pop_mask is not None and run.onward_used.all()
    pops = _columns(run_terminals(run), "hopper")["pop"]
    in_michalovce = pops[30:]
    assert None not in set(in_michalovce) and set(in_michalovce) <= set(country_pops("SK"))
