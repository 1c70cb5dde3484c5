"""Sweeps: many variants of a scenario, each at several seeds, on Dask distributed.

A sweep file (:mod:`leonet.sweep.spec`) names a base scenario, the parameters to vary
as dotted paths (:mod:`~leonet.sweep.paths`), seeds and metrics; :func:`expand` makes
its runs, :func:`run_sweep` runs them (each an ordinary run folder) on a
``LocalCluster`` or an existing cluster, and :func:`write_results` gathers the sweep's
tables, seed-to-seed bootstrap intervals (:func:`bootstrap_mean_ci`) and report.
"""

from leonet.sweep.bootstrap import bootstrap_mean_ci
from leonet.sweep.execute import (
    FULL_CHUNK_MEMORY_BYTES,
    SweepOutcome,
    chunk_steps_for_memory,
    column_name,
    run_one,
    run_sweep,
)
from leonet.sweep.paths import parse_path, path_problem, set_path
from leonet.sweep.report import band_chart, write_sweep_report
from leonet.sweep.results import (
    is_sweep_dir,
    query_sweep,
    read_manifest,
    summarise,
    write_results,
)
from leonet.sweep.spec import (
    METRICS,
    Distribution,
    Parameter,
    QuickSpec,
    Range,
    SweepError,
    SweepSpec,
    load_sweep,
    sweep_names,
    sweep_text,
)
from leonet.sweep.variants import SweepRun, expand

__all__ = [
    "FULL_CHUNK_MEMORY_BYTES",
    "METRICS",
    "Distribution",
    "Parameter",
    "QuickSpec",
    "Range",
    "SweepError",
    "SweepOutcome",
    "SweepRun",
    "SweepSpec",
    "band_chart",
    "bootstrap_mean_ci",
    "chunk_steps_for_memory",
    "column_name",
    "expand",
    "is_sweep_dir",
    "load_sweep",
    "parse_path",
    "path_problem",
    "query_sweep",
    "read_manifest",
    "run_one",
    "run_sweep",
    "set_path",
    "summarise",
    "sweep_names",
    "sweep_text",
    "write_results",
    "write_sweep_report",
]
