"""The command line, driven in-process: outputs, files and error wording."""

import re

import numpy as np
import pyarrow.parquet as pq
from typer.testing import CliRunner

from leonet.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_constellation_list_and_info_on_a_preset():
    result = invoke("constellation", "list")
    assert result.exit_code == 0
    assert "starlink-gen1" in result.output and "kuiper" in result.output
    result = invoke("constellation", "info", "starlink-gen1")
    assert result.exit_code == 0
    assert "4,408 satellites" in result.output and "1,584" in result.output


def test_constellation_info_on_the_bundled_catalogue():
    result = invoke("constellation", "info", "starlink")
    assert result.exit_code == 0
    assert "10,395 satellites" in result.output
    assert "age at" in result.output and "unassigned" in result.output


def test_propagate_writes_one_row_per_time_and_satellite(tmp_path, shared_data):
    lines = (shared_data / "starlink_tle_2026-05-30.txt").read_text().splitlines()[:9]
    tle = tmp_path / "three.tle"
    tle.write_text("\n".join(lines) + "\n")
    out = tmp_path / "positions.parquet"
    result = invoke(
        "propagate",
        str(tle),
        "--start",
        "2026-05-30T00:00:00Z",
        "--duration",
        "30s",
        "--step",
        "10s",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 3 * 3
    assert table.column_names == [
        "time",
        "sat",
        "norad_id",
        "x_km",
        "y_km",
        "z_km",
        "lat_deg",
        "lon_deg",
        "alt_km",
    ]
    alt = table.column("alt_km").to_numpy()
    assert np.all((alt > 300) & (alt < 600))
    assert table.column("norad_id").to_pylist()[:3] == [44714, 44718, 44723]
    assert not list(tmp_path.glob(".*.part"))  # nothing left half-written


def test_propagate_reports_failed_satellites_instead_of_dropping_them(tmp_path):
    # A satellite with a perigee inside the Earth: SGP4 error on propagation.
    decayed = (
        "DECAYED\n"
        "1 99999U 20001A   26150.00000000  .99999999  00000+0  99999-0 0  9990\n"
        "2 99999  53.0000   0.0000 0500000   0.0000   0.0000 16.90000000    04\n"
    )
    from leonet.space.tle import tle_checksum

    l1, l2 = decayed.splitlines()[1:]
    l1 = l1[:68] + str(tle_checksum(l1))
    l2 = l2[:68] + str(tle_checksum(l2))
    path = tmp_path / "bad.tle"
    path.write_text(f"DECAYED\n{l1}\n{l2}\n")
    out = tmp_path / "p.parquet"
    result = invoke(
        "propagate",
        str(path),
        "--start",
        "2026-06-20T00:00:00Z",
        "--duration",
        "60s",
        "--step",
        "60s",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "failed to propagate" in result.output and "DECAYED" in result.output
    assert pq.read_table(out).num_rows == 1  # the row is kept, as NaN


def test_unknown_constellation_is_a_clear_error():
    result = runner.invoke(app, ["constellation", "info", "starlnk"])
    assert result.exit_code == 2
    assert "Did you mean starlink" in result.output


def test_bad_duration_is_a_clear_error():
    result = runner.invoke(app, ["propagate", "starlink-gen1", "--duration", "10 parsecs"])
    assert result.exit_code == 2
    assert "--duration" in result.output


def test_coverage_of_a_small_country_writes_parquet_and_html(tmp_path):
    result = invoke(
        "coverage",
        "Luxembourg",
        "--constellation",
        "starlink-gen1",
        "--start",
        "2026-05-30T00:00:00Z",
        "--duration",
        "60s",
        "--step",
        "10s",
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    cells = pq.read_table(tmp_path / "cells.parquet")
    assert cells.column_names == [
        "cell",
        "lat_deg",
        "lon_deg",
        "served_fraction",
        "mean_visible",
        "min_visible",
        "longest_gap_s",
        "handovers_per_hour",
    ]
    assert 5 <= cells.num_rows <= 20  # Luxembourg is ~2,600 km², ~10 res-5 cells
    served = cells.column("served_fraction").to_numpy()
    assert np.all((served >= 0) & (served <= 1))
    page = (tmp_path / "coverage.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.split("<body>")[1]
    assert page.count("data-cell=") == cells.num_rows
    # Borders: Luxembourg and its neighbours drawn under the cells.
    drawn = set(re.findall(r'class="land" data-country="([^"]+)"', page))
    assert {"Luxembourg", "Belgium", "France", "Germany"} <= drawn


def test_coverage_unknown_region_suggests_matches():
    result = runner.invoke(app, ["coverage", "Ukrain", "--duration", "10s"])
    assert result.exit_code == 2
    assert "Ukraine" in result.output


def test_run_default_at_reduced_size(tmp_path):
    result = invoke("run", "--out", str(tmp_path), "--duration", "20s", "--step", "10")
    assert result.exit_code == 0, result.output
    assert "ukraine" in result.output and "terminal availability" in result.output
    terminals = pq.read_table(tmp_path / "terminals.parquet").to_pydict()
    assert "Kyiv" in terminals["terminal"] and len(set(terminals["terminal"])) >= 50
    assert (tmp_path / "report.html").exists()
