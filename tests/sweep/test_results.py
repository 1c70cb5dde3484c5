"""The sweep's tables, SQL and report, from status records (no simulation needed)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from leonet.sweep import band_chart, query_sweep, write_results


def _fake_sweep(root: Path, values: dict[int, list[float]]) -> None:
    """A sweep folder as run_sweep leaves it: the manifest and one status per run."""
    runs = []
    (root / "status").mkdir(parents=True)
    for variant, metric in values.items():
        for k, value in enumerate(metric):
            name = f"v{variant:04d}-s{k + 1}"
            params = {"faults_satellites_0_fraction": 0.1 * variant}
            runs.append(
                {
                    "name": name,
                    "variant": variant,
                    "seed": k + 1,
                    "digest": name,
                    "params": params,
                    "shown": params,
                    "error": None,
                }
            )
            (root / "status" / f"{name}.json").write_text(
                json.dumps(
                    {
                        "name": name,
                        "digest": name,
                        "status": "done",
                        "metrics": {"availability": value},
                    }
                )
            )
    spec = {
        "name": "fake",
        "description": "",
        "metrics": ["availability"],
        "confidence": 0.95,
        "resamples": 500,
        "random_seed": 0,
    }
    (root / "sweep.json").write_text(
        json.dumps(
            {
                "format": "leonet-sweep",
                "version": 1,
                "name": "fake",
                "quick": False,
                "base": "quick",
                "spec": spec,
                "runs": runs,
                "parameters": [
                    {
                        "path": "faults.satellites[0].fraction",
                        "column": "faults_satellites_0_fraction",
                        "label": "lost",
                    }
                ],
            }
        )
    )


def test_summary_has_a_mean_and_an_interval_around_it_per_variant(tmp_path):
    _fake_sweep(tmp_path, {0: [1.0, 1.0, 1.0], 1: [0.9, 0.8, 0.85, 0.95], 2: [0.5]})
    write_results(tmp_path)
    rows = query_sweep(tmp_path, "SELECT * FROM summary ORDER BY variant").to_pylist()
    assert [r["seeds_done"] for r in rows] == [3, 4, 1]
    assert rows[0]["availability_low"] == rows[0]["availability_high"] == 1.0
    assert rows[1]["availability_mean"] == pytest.approx(0.875)
    assert rows[1]["availability_low"] < 0.875 < rows[1]["availability_high"]
    assert math.isnan(rows[2]["availability_low"])  # one seed: no interval
    page = (tmp_path / "report.html").read_text()
    assert page.count("<polygon") == 1 and page.count("<svg") == 1
    assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_query_is_confined_to_the_sweeps_tables(tmp_path):
    _fake_sweep(tmp_path, {0: [1.0, 0.9]})
    write_results(tmp_path)
    for sql in (
        "SELECT * FROM read_csv('/etc/passwd')",
        f"COPY summary TO '{tmp_path}/out.csv'",
        "SET threads = 1",
    ):
        with pytest.raises(ValueError, match="query failed"):
            query_sweep(tmp_path, sql)
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(FileNotFoundError, match="not a sweep folder"):
        query_sweep(tmp_path / "status", "SELECT 1")


def test_band_chart_draws_a_band_only_where_both_bounds_exist():
    svg = band_chart(
        "t",
        [("a", [0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [0.5, 1.5, math.nan], [1.5, 2.5, math.nan])],
        x_label="x",
        y_label="y",
    )
    assert svg.count("<polygon") == 1 and svg.count("<circle") == 3
    assert svg.count(",") > 0 and "nan" not in svg.lower()


def test_terminals_hold_only_the_done_runs_of_the_sweep_as_last_run(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    _fake_sweep(tmp_path, {0: [1.0, 0.9]})
    (tmp_path / "terminals.parquet").mkdir()
    for name in ("v0000-s1", "v0000-s2", "v0007-s1"):  # v0007: from an earlier sweep here
        pq.write_table(
            pa.table({"run": [name]}), tmp_path / "terminals.parquet" / f"{name}.parquet"
        )
    status = tmp_path / "status" / "v0000-s2.json"
    status.write_text(status.read_text().replace('"done"', '"failed"'))
    write_results(tmp_path)
    rows = query_sweep(tmp_path, "SELECT run FROM terminals").to_pylist()
    assert rows == [{"run": "v0000-s1"}]
