"""``leonet route``, driven in-process through a local typer app: output, file, error wording."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from leonet.cli.route import route_command

app = typer.Typer()
app.command("route")(route_command)
app.command("other")(lambda: None)  # two commands: typer keeps "route" as a subcommand
runner = CliRunner()
SMALL = ("--constellation", "starlink-gen1", "--duration", "40s", "--step", "2s")


def invoke(*args: str):
    return runner.invoke(app, ["route", *args], catch_exceptions=False)


def test_route_to_a_pop_prints_the_summary_and_writes_one_row_per_step(tmp_path) -> None:
    out = tmp_path / "kyiv.parquet"
    result = invoke("--from", "Kyiv", "--to", "Frankfurt", *SMALL, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "RTT ms: min" in text and "median" in text and "p95" in text
    assert "path changes:" in text and "unreachable steps:" in text
    assert "frntdeu1" in text
    table = pq.read_table(out)
    assert table.num_rows == 20
    assert table.column_names[:7] == [
        "time",
        "rtt_ms",
        "propagation_rtt_ms",
        "hops",
        "path",
        "gateway",
        "pop",
    ]
    rtt = table.column("rtt_ms").to_numpy(zero_copy_only=False)
    assert np.all((rtt > 10.0) & (rtt < 100.0))
    paths = table.column("path").to_pylist()
    assert all(p.startswith("Kyiv > ") and p.endswith(" > frntdeu1") for p in paths)
    assert str(table.schema.field("time").type) == "timestamp[ns, tz=UTC]"


def test_route_between_places_via_pops_and_via_space() -> None:
    pop = invoke("--from", "Kyiv", "--to", "Lviv", *SMALL)
    space = invoke("--from", "Kyiv", "--to", "49.84,24.03", *SMALL, "--via", "space")
    assert pop.exit_code == 0 and space.exit_code == 0, pop.output + space.output
    assert "Kyiv - Lviv" in pop.output and "Kyiv - 49.84,24.03" in space.output


def test_bent_pipe_and_any_access_run() -> None:
    result = invoke(
        "--from",
        "Lviv",
        "--to",
        "wrswpol1",
        *SMALL,
        "--mode",
        "bent-pipe",
        "--access",
        "any",
        "--min-elevation",
        "30",
    )
    assert result.exit_code == 0, result.output
    assert "bent-pipe, any access" in " ".join(result.output.split())


def test_unknown_place_gets_the_closest_names() -> None:
    result = invoke("--from", "Kyyv", "--to", "Frankfurt", *SMALL)
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "unknown place 'Kyyv'" in text and "Closest: Kyiv" in text
    assert "LAT,LON" in text


def test_bad_mode_and_bad_coordinates_are_explained() -> None:
    result = invoke("--from", "Kyiv", "--to", "Frankfurt", *SMALL, "--mode", "laser")
    assert result.exit_code == 2
    assert "--mode 'laser': choose one of lasers, bent-pipe, hybrid" in " ".join(
        result.output.split()
    )
    result = invoke("--from", "95,30", "--to", "Frankfurt", *SMALL)
    assert result.exit_code == 2 and "latitude must be in [-90, 90]" in result.output


def test_route_to_a_pop_adds_the_latency_terms_as_a_run_does(tmp_path) -> None:
    """Warsaw → its PoP: the idle RTT is propagation plus exactly the latency terms counted
    on each step's path, and lands near Starlink's published Polish median (22.9 ms, May
    2026, shared/data), where propagation alone (the issue's 7.2 ms) is far short."""
    from leonet.ground import operator_gateways
    from leonet.network.latency import LatencyParameters, user_link_uniforms

    with_terms, alone = tmp_path / "terms.parquet", tmp_path / "alone.parquet"
    args = ("--from", "52.23,21.01", "--to", "Warsaw", "--duration", "60s", "--step", "2s")
    assert invoke(*args, "--out", str(with_terms)).exit_code == 0
    assert invoke(*args, "--no-latency-terms", "--out", str(alone)).exit_code == 0
    a, b = pq.read_table(with_terms), pq.read_table(alone)
    prop = b.column("propagation_rtt_ms").to_numpy()
    np.testing.assert_array_equal(b.column("rtt_ms").to_numpy(), prop)
    p = LatencyParameters()
    paths = [s.split(" > ") for s in a.column("path").to_pylist()]
    sats = np.array([sum(n.startswith("STARLINK") for n in s) for s in paths])
    gateway_names = set(operator_gateways("starlink").names.tolist())
    gws = np.array([sum(n in gateway_names for n in s) for s in paths])
    assert gws.min() >= 1
    t = a.column("time").to_numpy().astype("datetime64[ns]").astype(np.int64)
    spike = np.where((t // 10**9) % 15 < p.slot_spike_s, p.slot_spike_ms, 0.0)
    # The user link's random waits, drawn as a run draws them (seed 0, route 0, the step).
    frame, cycle = user_link_uniforms(0, 0, t, 15.0)
    assert np.ptp(frame) > 0.2 and np.ptp(cycle) > 0.2
    terms = (
        p.user_downlink_frame_ms * frame
        + p.user_uplink_scheduling_ms
        + p.user_uplink_cycle_ms * cycle
        + 2 * p.satellite_processing_ms * sats
        + 2 * p.gateway_processing_ms * gws
        + p.ground_equipment_ms
        + p.pop_ms
        + spike
    )
    np.testing.assert_allclose(a.column("rtt_ms").to_numpy() - prop, terms, atol=1e-9)
    assert abs(float(np.median(a.column("rtt_ms").to_numpy())) - 22.9) < 5.0
    assert float(np.median(prop)) < 22.9 - 10.0


def test_terminal_to_terminal_takes_each_ends_country_pops_unless_told_nearest(tmp_path) -> None:
    from leonet.ground.starlink_pops import country_pops, load_pops_2026

    # Tallinn → Riga: Estonia's and Latvia's geofeed subnets exit at Warsaw and Stockholm;
    # the nearest PoP by delay is London at some steps of this window.
    allowed = set(country_pops("EE")) | set(country_pops("LV"))
    codes = set(load_pops_2026().names.tolist())
    used = {}
    for rule in ("country", "nearest"):
        out = tmp_path / f"{rule}.parquet"
        args = ("--from", "59.44,24.75", "--to", "56.95,24.1", *SMALL, "--pop-rule", rule)
        result = invoke(*args, "--out", str(out))
        assert result.exit_code == 0, result.output
        paths = pq.read_table(out).column("path").to_pylist()
        used[rule] = {node for p in paths for node in p.split(" > ") if node in codes}
    assert used["country"] and used["country"] <= allowed
    assert used["nearest"] - allowed
    bad = invoke("--from", "Kyiv", "--to", "Lviv", *SMALL, "--pop-rule", "closest")
    assert bad.exit_code != 0 and "--pop-rule 'closest'" in " ".join(bad.output.split())
