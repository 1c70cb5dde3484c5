"""Verdicts of every application over a finished run, and their aggregates, as tables.

:func:`app_tables` gives (all ``pyarrow`` tables, one row per application and ...):

- ``app_profiles``: ... requirement: thresholds, source, assumption;
- ``app_verdicts``: ... time and terminal: ``verdict`` and ``decided_by``;
- ``app_cell_verdicts``: ... period and cell: ``verdict`` and ``decided_by``;
- ``app_terminals`` / ``app_cells``: ... site: the share of time it works, is degraded,
  fails; the longest break (a run of periods where it fails) and breaks per hour;
- ``app_cells`` also gives each cell's ``area_km2`` and ``population`` (people);
- ``app_regions``: ... region: its ``area_km2`` and ``population``, and the share of area
  and of population where it works (people per cell: a ``population`` column of
  ``sites`` where the run has one, else GeoNames over the run's region,
  :func:`leonet.apps.cell_people`; by area where neither is known, which
  ``population_basis`` says);
- ``app_events``: ... event (``events``: start/end pairs by kind and target): the share of
  terminal-time and cell-time it works before the event starts and while it lasts.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from leonet.apps.areas import area_masks, cell_people, named_areas
from leonet.apps.library import run_profiles
from leonet.apps.tables import RunSeries, cell_areas_km2, read_run
from leonet.apps.verdicts import REQUIREMENTS, VERDICTS, WORKS, Verdicts, judge, measures
from leonet.scenario.appspec import AppProfileSpec

__all__ = [
    "AppRun",
    "app_tables",
    "break_stats",
    "evaluate_run",
    "event_shares",
    "event_windows",
    "region_shares",
]

_VERDICT_WORDS = pa.array(list(VERDICTS))
_DECIDED_WORDS = pa.array(list(REQUIREMENTS))


@dataclass(frozen=True)
class AppRun:
    """Every profile's verdicts over a run's ``terminals`` and ``cells`` (``None`` where the
    run has none), the cells' ``area_km2``, the region's name and the scenario's named
    ``areas`` (service areas, event areas) as masks over the cells."""

    profiles: list[AppProfileSpec]
    terminals: RunSeries | None
    cells: RunSeries | None
    terminal_verdicts: dict[str, Verdicts]
    cell_verdicts: dict[str, Verdicts]
    area_km2: NDArray[np.float64]
    population: NDArray[np.float64] | None
    region: str
    events: pa.Table | None
    areas: dict[str, NDArray[np.bool_]] = field(default_factory=dict)


def evaluate_run(
    run_dir: str | os.PathLike[str], *, extra: list[AppProfileSpec] | None = None
) -> AppRun:
    """Judge every profile (bundled, the run's scenario ``apps:``, then ``extra``)."""
    root = Path(run_dir)
    profiles = run_profiles(root, extra)
    terminals, cells = read_run(root)
    t_values = measures(terminals.link) if terminals is not None else None
    c_values = measures(cells.link) if cells is not None else None
    t_verdicts = {p.name: judge(p, t_values) for p in profiles} if t_values else {}
    c_verdicts = {p.name: judge(p, c_values) for p in profiles} if c_values else {}
    area = cell_areas_km2(cells.names) if cells is not None else np.zeros(0)
    population = None
    region = "region"
    region_spec = None
    scenario_path = root / "scenario.json"
    spec: Any = {}
    if scenario_path.is_file():
        spec = json.loads(scenario_path.read_text())
        found = spec.get("ground", {}).get("cells", {}) if isinstance(spec, dict) else {}
        if isinstance(found, dict) and isinstance(found.get("region"), str):
            region = region_spec = found["region"]
    sites_path = root / "sites.parquet"
    areas: dict[str, NDArray[np.bool_]] = {}
    if cells is not None and sites_path.is_file():  # the population hook
        import pyarrow.parquet as pq

        sites = pq.read_table(sites_path)
        where = {
            n: (la, lo)
            for n, la, lo in zip(
                sites.column("site").to_pylist(),
                sites.column("lat_deg").to_pylist(),
                sites.column("lon_deg").to_pylist(),
                strict=True,
            )
        }
        lat_lon = np.array([where.get(n, (np.nan, np.nan)) for n in cells.names], dtype=float)
        if scenario_path.is_file() and len(lat_lon):
            areas = area_masks(named_areas(spec), lat_lon[:, 0], lat_lon[:, 1])
        if "population" in sites.column_names:
            by_name = dict(
                zip(
                    sites.column("site").to_pylist(),
                    sites.column("population").to_pylist(),
                    strict=True,
                )
            )
            population = np.array([float(by_name.get(n) or 0.0) for n in cells.names])
        elif region_spec is not None and len(lat_lon) and np.isfinite(lat_lon).all():
            population = cell_people(region_spec, lat_lon[:, 0], lat_lon[:, 1], area)
    events = None
    events_path = root / "events.parquet"
    if events_path.is_file():
        import pyarrow.parquet as pq

        events = pq.read_table(events_path)
    return AppRun(
        profiles, terminals, cells, t_verdicts, c_verdicts, area, population, region, events, areas
    )


def break_stats(
    fails: NDArray[np.bool_], duration_s: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per site (columns of ``fails`` ``(time, site)``): the longest run of failing periods
    in seconds and the number of such runs."""
    n_time, n_site = fails.shape
    if n_time == 0 or n_site == 0:
        return np.zeros(n_site), np.zeros(n_site, dtype=np.int64)
    by_site = fails.T  # (site, time): runs are contiguous in time within a site
    starts = by_site & ~np.c_[np.zeros((n_site, 1), dtype=bool), by_site[:, :-1]]
    label = np.cumsum(starts.ravel()).reshape(by_site.shape) * by_site
    weights = np.broadcast_to(duration_s, by_site.shape)
    length = np.bincount(label.ravel(), weights=weights.ravel())[1:]
    site_of_run = np.nonzero(starts)[0]
    longest = np.zeros(n_site)
    np.maximum.at(longest, site_of_run, length)
    return longest, starts.sum(axis=1).astype(np.int64)


def _site_table(
    app: str, key: str, names: NDArray[Any], verdicts: Verdicts, duration_s: NDArray[np.float64]
) -> dict[str, Any]:
    total = float(duration_s.sum())
    w = duration_s[:, None]
    longest, count = break_stats(verdicts.verdict == 2, duration_s)
    return {
        "app": [app] * len(names),
        key: names.astype(object),
        "works_share": ((verdicts.verdict == 0) * w).sum(axis=0) / total,
        "degraded_share": ((verdicts.verdict == 1) * w).sum(axis=0) / total,
        "fails_share": ((verdicts.verdict == 2) * w).sum(axis=0) / total,
        "longest_break_s": longest,
        "breaks_per_hour": count / (total / 3600.0),
    }


def _concat(parts: list[dict[str, Any]]) -> pa.Table:
    if not parts:
        return pa.table({})
    return pa.table({k: np.concatenate([np.asarray(p[k]) for p in parts]) for k in parts[0]})


def _verdict_table(app: str, key: str, series: RunSeries, verdicts: Verdicts) -> pa.Table:
    n_time, n_site = verdicts.verdict.shape
    decided = verdicts.decided.ravel().astype(np.int32)
    return pa.table(
        {
            "app": pa.DictionaryArray.from_arrays(
                np.zeros(n_time * n_site, np.int32), pa.array([app])
            ),
            "time": pa.array(np.repeat(series.time_ns, n_site), pa.timestamp("ns", tz="UTC")),
            key: pa.DictionaryArray.from_arrays(
                np.tile(np.arange(n_site, dtype=np.int32), n_time),
                pa.array(series.names.astype(str)),
            ),
            "verdict": pa.DictionaryArray.from_arrays(
                verdicts.verdict.ravel().astype(np.int32), _VERDICT_WORDS
            ),
            "decided_by": pa.DictionaryArray.from_arrays(
                pa.array(np.maximum(decided, 0), mask=decided < 0), _DECIDED_WORDS
            ),
        }
    )


def event_windows(events: pa.Table | None, start_ns: int, end_ns: int) -> list[dict[str, Any]]:
    """The run's events as windows: each ``start`` row paired with the next ``end`` row of
    the same kind and target (or the run's end)."""
    if events is None or events.num_rows == 0:
        return []
    rows = sorted(events.to_pylist(), key=lambda r: r["utc_ns"])
    windows: list[dict[str, Any]] = []
    for i, row in enumerate(rows):
        if row["action"] != "start":
            continue
        end = next(
            (
                r["utc_ns"]
                for r in rows[i + 1 :]
                if r["action"] == "end"
                and r["kind"] == row["kind"]
                and r["target"] == row["target"]
            ),
            end_ns,
        )
        windows.append(
            {
                "kind": row["kind"],
                "target": row["target"],
                "description": row["description"],
                "start_ns": int(row["utc_ns"]),
                "end_ns": int(min(end, end_ns)),
                "run_start_ns": start_ns,
            }
        )
    return windows


def _share(
    verdicts: Verdicts,
    series: RunSeries,
    low: int,
    high: int,
    weight: NDArray[np.float64] | None = None,
) -> float | None:
    """Share of (time x site) in ``[low, high)`` ns where it works (None if empty)."""
    sel = (series.time_ns >= low) & (series.time_ns < high)
    if not sel.any():
        return None
    works = verdicts.verdict[sel] == WORKS
    w = np.broadcast_to(
        series.link.duration_s[sel][:, None] * (1.0 if weight is None else weight[None, :]),
        works.shape,
    )
    return float((works * w).sum() / w.sum()) if w.sum() > 0 else None


def _bounds(run: AppRun) -> tuple[int, int]:
    series = [s for s in (run.terminals, run.cells) if s is not None]
    if not series:
        return 0, 0
    start = min(int(s.time_ns[0]) for s in series)
    end = max(int(s.time_ns[-1] + s.link.duration_s[-1] * 1e9) for s in series)
    return start, end


def event_shares(run: AppRun) -> list[dict[str, Any]]:
    """Per application and event: the share of terminal-time and cell-time it works before
    the event and while it lasts."""
    start, end = _bounds(run)
    out: list[dict[str, Any]] = []
    for window in event_windows(run.events, start, end):
        for profile in run.profiles:
            row = {
                "app": profile.name,
                **{k: window[k] for k in ("kind", "target", "description")},
                "start": window["start_ns"],
                "end": window["end_ns"],
            }
            for what, series, verdicts in (
                ("terminal", run.terminals, run.terminal_verdicts),
                ("cell", run.cells, run.cell_verdicts),
            ):
                if series is None:
                    row[f"{what}_share_before"] = row[f"{what}_share_during"] = None
                    continue
                v = verdicts[profile.name]
                row[f"{what}_share_before"] = _share(v, series, start, window["start_ns"])
                row[f"{what}_share_during"] = _share(
                    v, series, window["start_ns"], window["end_ns"]
                )
            out.append(row)
    return out


def region_shares(run: AppRun) -> list[dict[str, Any]]:
    """Per application and region — the run's whole region, then each area its scenario
    names (service areas, event areas) that holds cells — the share of area (and
    population) where it works, averaged over the run."""
    if run.cells is None:
        return []
    basis = "population" if run.population is not None else "area (no population per cell)"
    people = run.population if run.population is not None else run.area_km2
    everywhere = np.ones(len(run.cells.names), dtype=bool)
    regions = [(run.region, everywhere)] + [
        (n, m) for n, m in run.areas.items() if m.any() and n != run.region
    ]
    rows = []
    for profile in run.profiles:
        v = run.cell_verdicts[profile.name]
        for name, mask in regions:
            rows.append(
                {
                    "app": profile.name,
                    "region": name,
                    "cells": int(mask.sum()),
                    "area_km2": float(run.area_km2[mask].sum()),
                    "population": (
                        float(run.population[mask].sum()) if run.population is not None else None
                    ),
                    "area_share_works": _share(v, run.cells, -(2**62), 2**62, run.area_km2 * mask),
                    "population_share_works": _share(v, run.cells, -(2**62), 2**62, people * mask),
                    "population_basis": basis,
                }
            )
    return rows


def app_tables(run: AppRun) -> dict[str, pa.Table]:
    """The SQL views' tables (see the module docstring)."""
    profiles = []
    for p in run.profiles:
        for key in REQUIREMENTS:
            req = getattr(p, key)
            if req is not None:
                profiles.append(
                    {
                        "app": p.name,
                        "description": p.description,
                        "requirement": key,
                        "works": req.works,
                        "fails": req.fails,
                        "source": req.source,
                        "assumption": req.assumption,
                    }
                )
    tables: dict[str, pa.Table] = {"app_profiles": pa.Table.from_pylist(profiles)}
    for name, key, series, verdicts in (
        ("terminals", "terminal", run.terminals, run.terminal_verdicts),
        ("cells", "cell", run.cells, run.cell_verdicts),
    ):
        if series is None:
            continue
        summary = [
            _site_table(p.name, key, series.names, verdicts[p.name], series.link.duration_s)
            for p in run.profiles
        ]
        table = _concat(summary)
        if key == "cell":
            table = table.append_column(
                "area_km2", pa.array(np.tile(run.area_km2, len(run.profiles)))
            )
            people = np.tile(
                np.full(len(run.area_km2), np.nan) if run.population is None else run.population,
                len(run.profiles),
            )
            table = table.append_column(
                "population", pa.array(people, pa.float64(), mask=np.isnan(people))
            )
        tables[f"app_{name}"] = table
        verdict_name = "app_verdicts" if key == "terminal" else "app_cell_verdicts"
        tables[verdict_name] = pa.concat_tables(
            [_verdict_table(p.name, key, series, verdicts[p.name]) for p in run.profiles]
        )
    regions = region_shares(run)
    if regions:
        tables["app_regions"] = pa.Table.from_pylist(regions)
    events = event_shares(run)
    if events:
        table = pa.Table.from_pylist(events)
        for col in ("start", "end"):
            table = table.set_column(
                table.column_names.index(col),
                col,
                table.column(col).cast(pa.timestamp("ns", tz="UTC")),
            )
        tables["app_events"] = table
    return tables
