"""``run_hypatia`` and ``leonet hypatia``: Hypatia's outputs written, read back, replayed."""

from __future__ import annotations

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from leonet.cli.hypatia import hypatia_command
from leonet.hypatia import (
    STARLINK_550,
    GroundStations,
    HypatiaInputError,
    fstate_bytes,
    plus_grid_isls,
    read_fstate,
    read_rtt_csv,
    run_hypatia,
    starlink_550_tles,
    write_ground_stations,
    write_isls,
    write_tles,
)
from leonet.network.allpairs import all_pairs

STATIONS = GroundStations(
    ["Tokyo", "Paris", "Moscow", "New-York", "Sydney", "Manila"],
    np.array([35.6895, 48.85341, 55.754996, 40.717042, -33.86785, 14.6042]),
    np.array([139.69171, 2.3488, 37.621849, -74.003663, 151.20732, 120.9822]),
    np.zeros(6),
)


@pytest.fixture(scope="module")
def run(tmp_path_factory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("hypatia")
    calls = []
    result = run_hypatia(
        starlink_550_tles(),
        plus_grid_isls(72, 22),
        STATIONS,
        out,
        duration_s=3.0,
        step_s=0.5,
        gsl_max_range_m=STARLINK_550.max_gsl_length_m,
        ut1_equals_utc=True,
        progress=lambda *a: calls.append(a),
    )
    return out, result, calls


def _instant(t_s: float):  # type: ignore[no-untyped-def]  # positions at t_s with the same propagation as the run
    from sgp4.api import WGS72, Satrec, SatrecArray

    from leonet.frames import geodetic_to_ecef, teme_to_ecef
    from leonet.hypatia import ut1_equals_utc_eop
    from leonet.network.allpairs import IslGraph
    from leonet.space.propagate import sgp4_teme
    from leonet.timegrid import TimeGrid

    tles = starlink_550_tles()
    grid = TimeGrid(tles.epoch, 1.0, 1)
    array = SatrecArray(
        [Satrec.twoline2rv(a, b, WGS72) for a, b in zip(tles.line1, tles.line2, strict=True)]
    )
    jd, fr = grid.jd_fr()
    _, r_teme, _ = sgp4_teme(array, jd, fr + t_s / 86_400.0)
    r, _ = teme_to_ecef(
        r_teme.transpose(1, 0, 2), None, grid.utc_ns + round(t_s * 1e9), ut1_equals_utc_eop()
    )
    graph = IslGraph.from_isls(tles.n_sats, *plus_grid_isls(72, 22))
    gs = geodetic_to_ecef(STATIONS.lat_deg, STATIONS.lon_deg, 0.0)
    return all_pairs(graph, np.ascontiguousarray(r[0]), gs, STARLINK_550.max_gsl_length_m / 1e3)


def test_files_of_a_hypatia_satellite_network_folder(run):
    out, result, calls = run
    state = out / "dynamic_state_500ms_for_3s"
    names = sorted(p.name for p in state.iterdir())
    t_ns = [k * 500_000_000 for k in range(6)]
    assert names == sorted(
        [f"fstate_{t}.txt" for t in t_ns] + [f"gsl_if_bandwidth_{t}.txt" for t in t_ns]
    )
    for name in (
        "tles.txt",
        "isls.txt",
        "ground_stations.txt",
        "description.txt",
        "gsl_interfaces_info.txt",
        "all_pairs_rtt.csv",
        "pair_summary.csv",
        "path_changes.csv",
        "run.json",
    ):
        assert (out / name).is_file(), name
    assert not list(out.rglob("*.part"))
    assert (out / "ground_stations.txt").read_text().count(",") == 6 * 7  # 8 columns
    assert (out / "description.txt").read_text().startswith("max_gsl_length_m=1089686.41")
    assert result.steps == 6 and [c[0] for c in calls] == [1, 2, 3, 4, 5, 6]
    assert len((state / "gsl_if_bandwidth_0.txt").read_text().splitlines()) == 1584 + 6


def test_fstate_reads_back_and_replays_to_the_state_of_each_step(run):
    out, _, _ = run
    state = out / "dynamic_state_500ms_for_3s"
    replay: dict[tuple[int, int], tuple[int, int, int]] = {}
    for k in range(6):
        fwd = read_fstate(state / f"fstate_{k * 500_000_000}.txt")
        if k == 0:
            assert len(fwd) == 1584 * 6 + 6 * 5
        for row in zip(
            fwd.node.tolist(),
            fwd.destination.tolist(),
            fwd.next_hop.tolist(),
            fwd.my_if.tolist(),
            fwd.next_if.tolist(),
            strict=True,
        ):
            replay[row[:2]] = row[2:]
    want = _instant(2.5).forwarding()
    assert fstate_bytes(want) == b"".join(
        f"{n},{d},{a},{b},{c}\n".encode()
        for (n, d), (a, b, c) in sorted(replay.items(), key=lambda kv: (kv[0][0] >= 1584, kv[0]))
    )


def test_rtt_table_reads_back_to_the_computed_values(run):
    out, _, _ = run
    table = read_rtt_csv(out / "all_pairs_rtt.csv")
    assert table["src_gid"].shape == (15 * 6,)
    assert (table["src_gid"] < table["dst_gid"]).all()
    np.testing.assert_array_equal(np.unique(table["t_s"]), np.arange(6) * 0.5)
    ap = _instant(1.5)
    at = table["t_s"] == 1.5
    src, dst = table["src_gid"][at], table["dst_gid"][at]
    np.testing.assert_allclose(table["rtt_ms"][at], ap.rtt_ms[src, dst], rtol=0, atol=1e-6)
    np.testing.assert_array_equal(table["hops"][at], ap.pair_hops[src, dst])
    # Paris – Moscow, the paper's short pair: ~20 ms and a few hops over Starlink-550.
    pm = at & (table["src_gid"] == 1) & (table["dst_gid"] == 2)
    assert 15.0 < table["rtt_ms"][pm][0] < 30.0


def test_summary_and_path_changes_agree_with_the_rtt_table(run):
    out, _, _ = run
    table = read_rtt_csv(out / "all_pairs_rtt.csv")
    lines = (out / "pair_summary.csv").read_text().splitlines()
    assert len(lines) == 16
    cols = lines[0].split(",")
    row = dict(zip(cols, lines[1].split(","), strict=True))  # Tokyo – Paris
    mine = (table["src_gid"] == 0) & (table["dst_gid"] == 1)
    assert float(row["rtt_min_ms"]) == pytest.approx(table["rtt_ms"][mine].min(), abs=1e-6)
    assert float(row["rtt_max_ms"]) == pytest.approx(table["rtt_ms"][mine].max(), abs=1e-6)
    assert row["src_name"] == "Tokyo" and row["dst_name"] == "Paris"
    changes = (out / "path_changes.csv").read_text().splitlines()[1:]
    first = [c for c in changes if float(c.split(",")[2]) == 0.0]
    assert len(first) == 15
    total = sum(int(line.split(",")[-1]) for line in lines[1:])
    assert len(changes) - 15 == total
    path = first[0].split(",")[-1].split("-")
    assert path[0] == "1584" and path[-1] == "1585"  # station ids follow the satellites


def test_an_isl_over_the_limit_stops_the_run_and_leaves_no_table(tmp_path):
    with pytest.raises(HypatiaInputError, match=r"isls\.txt, line 1: the link 0-1"):
        run_hypatia(
            starlink_550_tles(),
            plus_grid_isls(72, 22),
            STATIONS,
            tmp_path,
            duration_s=1.0,
            step_s=1.0,
            gsl_max_range_m=1e6,
            isl_max_length_m=1000.0,
        )
    assert not (tmp_path / "all_pairs_rtt.csv").exists()
    assert not list(tmp_path.rglob("*.part"))


app = typer.Typer()
app.command("hypatia")(hypatia_command)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("inputs")
    write_tles(folder / "tles.txt", starlink_550_tles())
    write_isls(folder / "isls.txt", *plus_grid_isls(72, 22))
    write_ground_stations(folder / "ground_stations.basic.txt", STATIONS)
    return folder


def test_cli_writes_the_outputs(inputs, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            str(inputs / "tles.txt"),
            str(inputs / "isls.txt"),
            str(inputs / "ground_stations.basic.txt"),
            "--duration",
            "2",
            "--step",
            "1",
            "--min-elevation",
            "25",
            "--altitude-m",
            "550000",
            "--ut1-equals-utc",
            "--out",
            str(tmp_path / "out"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "1,301,410.9 m (25° at 550.0 km altitude)" in result.output
    assert "2 steps, 15 pairs" in result.output
    assert len(read_rtt_csv(tmp_path / "out" / "all_pairs_rtt.csv")["t_s"]) == 30


def test_cli_bad_input_is_one_located_message(inputs, tmp_path):
    bad = tmp_path / "gs.txt"
    bad.write_text("0,North,95,0,0\n")
    result = CliRunner().invoke(
        app,
        [
            str(inputs / "tles.txt"),
            str(inputs / "isls.txt"),
            str(bad),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "gs.txt, line 1: latitude 95°" in result.output
    assert "Traceback" not in result.output
    both = CliRunner().invoke(
        app,
        [
            str(inputs / "tles.txt"),
            str(inputs / "isls.txt"),
            str(bad),
            "--out",
            "x",
            "--gsl-max-range-m",
            "1e6",
            "--min-elevation",
            "25",
        ],
    )
    assert both.exit_code == 2 and "not both" in both.output
