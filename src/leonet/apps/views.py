"""The applications' SQL views in a run's DuckDB connection (the hook ``leonet query``
calls): ``app_profiles``, ``app_verdicts``, ``app_cell_verdicts``, ``app_terminals``,
``app_cells``, ``app_regions`` and ``app_events`` (see :mod:`leonet.apps.summary`)."""

from __future__ import annotations

import os
from typing import Any

from leonet.apps.summary import app_tables, evaluate_run

__all__ = ["APP_VIEWS", "add_app_views", "mentions_app_views"]

APP_VIEWS: tuple[str, ...] = (
    "app_cell_verdicts",
    "app_cells",
    "app_events",
    "app_profiles",
    "app_regions",
    "app_terminals",
    "app_verdicts",
)


def mentions_app_views(sql: str) -> bool:
    """Whether ``sql`` may read an application view (they are computed only then)."""
    return "app_" in sql.lower()


def add_app_views(connection: Any, run_dir: str | os.PathLike[str]) -> list[str]:
    """Register the application views in a DuckDB ``connection``; their names."""
    tables = app_tables(evaluate_run(run_dir))
    for name, table in tables.items():
        connection.register(name, table)
    return sorted(tables)
