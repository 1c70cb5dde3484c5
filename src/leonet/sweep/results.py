"""A sweep's tables and SQL: one row per run, one per variant with seed-to-seed CIs.

``SWEEP_DIR/results.parquet``: each run (variant × seed) with its status, error, the
varied parameters (one column each, named by :func:`~leonet.sweep.execute.column_name`)
and the run metrics.  ``SWEEP_DIR/summary.parquet``: each variant with its parameters,
``seeds_done``, ``seeds_failed`` and, per metric ``m``, ``m_mean``, ``m_low`` and
``m_high`` (the expanded-percentile bootstrap interval over its seeds,
:mod:`leonet.sweep.bootstrap`).  :func:`query_sweep` runs DuckDB SQL over those and the
per-step ``terminals`` dataset (every run's rows, with its parameters).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path
from typing import Any

import pyarrow as pa

from leonet.sweep.bootstrap import bootstrap_mean_ci

__all__ = ["is_sweep_dir", "query_sweep", "read_manifest", "summarise", "write_results"]


def is_sweep_dir(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a sweep folder (holds a leonet ``sweep.json``)."""
    try:
        return read_manifest(path).get("format") == "leonet-sweep"
    except (OSError, ValueError):
        return False


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """``SWEEP_DIR/sweep.json``: the sweep as it was last run."""
    manifest: dict[str, Any] = json.loads((Path(path) / "sweep.json").read_text())
    return manifest


def _records(root: Path, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Each run of the manifest with its status record (``pending`` where none matches)."""
    out = []
    for run in manifest["runs"]:
        record: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            record = json.loads((root / "status" / f"{run['name']}.json").read_text())
        if record.get("digest") != run["digest"]:
            record = {"status": "pending"}
        out.append(
            run
            | {
                "status": record.get("status", "pending"),
                "error": record.get("error", run.get("error")),
                "metrics": record.get("metrics") or {},
                "elapsed_s": record.get("elapsed_s"),
            }
        )
    return out


def _results_table(manifest: dict[str, Any], records: list[dict[str, Any]]) -> pa.Table:
    metrics: list[str] = manifest["spec"]["metrics"]
    columns = [p["column"] for p in manifest["parameters"]]
    from leonet.sweep.spec import METRICS

    data: dict[str, list[Any]] = {
        "run": [r["name"] for r in records],
        "variant": [r["variant"] for r in records],
        "seed": [r["seed"] for r in records],
        "status": [r["status"] for r in records],
        "error": [r["error"] for r in records],
        "elapsed_s": [r["elapsed_s"] for r in records],
    }
    for column in columns:
        data[column] = [r["params"].get(column) for r in records]
    for metric in dict.fromkeys([*metrics, *METRICS]):
        data[metric] = [r["metrics"].get(metric) for r in records]
    return pa.table(
        {k: pa.array(v, pa.float64()) if k in METRICS else pa.array(v) for k, v in data.items()}
    )


def summarise(
    results: pa.Table,
    *,
    parameters: list[str],
    metrics: list[str],
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> pa.Table:
    """One row per variant of a ``results`` table: its ``parameters``, ``seeds_done``,
    ``seeds_failed`` and ``m_mean``/``m_low``/``m_high`` for each of ``metrics`` (over
    the done seeds where ``m`` has a value; NaN bounds with fewer than two)."""
    rows = results.to_pylist()
    variants = sorted({r["variant"] for r in rows})
    out: dict[str, list[Any]] = {"variant": variants}
    first = {v: next(r for r in rows if r["variant"] == v) for v in variants}
    for column in parameters:
        out[column] = [first[v][column] for v in variants]
    done = {v: [r for r in rows if r["variant"] == v and r["status"] == "done"] for v in variants}
    out["seeds_done"] = [len(done[v]) for v in variants]
    out["seeds_failed"] = [
        sum(1 for r in rows if r["variant"] == v and r["status"] == "failed") for v in variants
    ]
    for metric in metrics:
        mean, low, high = [], [], []
        for v in variants:
            values = [
                r[metric] for r in done[v] if r[metric] is not None and math.isfinite(r[metric])
            ]
            if values:
                m, lo, hi = bootstrap_mean_ci(
                    values, confidence=confidence, resamples=resamples, seed=seed
                )
                mean.append(float(m[0]))
                low.append(float(lo[0]))
                high.append(float(hi[0]))
            else:
                mean.append(math.nan)
                low.append(math.nan)
                high.append(math.nan)
        out[f"{metric}_mean"], out[f"{metric}_low"], out[f"{metric}_high"] = mean, low, high
    return pa.table(out)


def write_results(sweep_dir: str | os.PathLike[str]) -> dict[str, Path]:
    """(Re)write ``results.parquet``, ``summary.parquet`` and ``report.html`` of a sweep
    from its manifest and its runs' status records; returns their paths by name."""
    import pyarrow.parquet as pq

    from leonet.atomic import atomic_path
    from leonet.sweep.report import write_sweep_report

    root = Path(sweep_dir)
    manifest = read_manifest(root)
    records = _records(root, manifest)
    results = _results_table(manifest, records)
    spec = manifest["spec"]
    summary = summarise(
        results,
        parameters=[p["column"] for p in manifest["parameters"]],
        metrics=spec["metrics"],
        confidence=spec["confidence"],
        resamples=spec["resamples"],
        seed=spec["random_seed"],
    )
    paths = {}
    for name, table in (("results", results), ("summary", summary)):
        with atomic_path(root / f"{name}.parquet") as tmp:
            pq.write_table(table, tmp, compression="zstd")
        paths[name] = root / f"{name}.parquet"
    shown = _shown(manifest)
    paths["report"] = write_sweep_report(root, manifest, summary, results, shown)
    return paths


def _shown(manifest: dict[str, Any]) -> dict[int, dict[str, float]]:
    """Per variant, the number the report plots for each parameter."""
    out: dict[int, dict[str, float]] = {}
    for run in manifest["runs"]:
        out.setdefault(
            run["variant"],
            {k: (math.nan if v is None else float(v)) for k, v in run["shown"].items()},
        )
    return out


def query_sweep(sweep_dir: str | os.PathLike[str], sql: str) -> pa.Table:
    """Run DuckDB ``sql`` over a sweep folder: tables ``results`` and ``summary`` and
    ``terminals`` (the per-step rows of every run of the sweep as last run that is done,
    with ``variant``, ``seed`` and the parameters as columns).  Read-only: no other
    files, no extensions, no settings."""
    import duckdb

    root = Path(sweep_dir)
    if not is_sweep_dir(root):
        raise FileNotFoundError(
            f"{root} is not a sweep folder (it holds no sweep.json); "
            "run `leonet sweep NAME --out DIR` first"
        )
    import pyarrow.dataset as ds

    connection = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        names = []
        for name in ("results", "summary"):
            if (root / f"{name}.parquet").is_file():
                connection.register(name, ds.dataset(root / f"{name}.parquet"))
                names.append(name)
        done = {r["name"] for r in _records(root, read_manifest(root)) if r["status"] == "done"}
        parts = sorted(
            p for p in (root / "terminals.parquet").glob("*.parquet") if p.stem in done
        )  # not a run the sweep no longer has, or redoes
        if parts:
            connection.register("terminals", ds.dataset(parts))
            names.append("terminals")
        # read-only and confined to the sweep's tables: no files, no settings changes
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
        try:
            return connection.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise ValueError(
                f"query failed: {exc}. Tables of the sweep: {', '.join(names)}"
            ) from None
    finally:
        connection.close()
