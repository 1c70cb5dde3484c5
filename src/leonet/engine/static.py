"""The files a run writes once, before its first chunk: ``metadata.json``,
``scenario.json`` and the ``events``, ``sites`` and ``ground`` tables."""

from __future__ import annotations

import importlib.metadata as md
import json
import platform

import numpy as np

from leonet.engine.checkpoint import input_digests
from leonet.engine.chunks import ScenarioRun
from leonet.results.store import RunStore
from leonet.results.tables import events_table, ground_table, sites_table

__all__ = ["write_static"]

#: Packages whose versions ``metadata.json`` records.
_PACKAGES = ("leonet", "numpy", "scipy", "sgp4", "pyarrow", "itur", "h3")


def write_static(store: RunStore, run: ScenarioRun, digest: str) -> None:
    """``metadata.json``, ``events``, ``sites``, ``ground`` and ``scenario.json`` of ``run``
    (``digest`` its scenario's hash), before the first chunk."""
    s = run.scenario
    versions = {}
    for package in _PACKAGES:
        try:
            versions[package] = md.version(package)
        except md.PackageNotFoundError:
            versions[package] = "unknown"
    store.write_metadata(
        {
            "scenario": s.name,
            "scenario_hash": digest,
            "seed": s.seed,
            "start": run.grid.start.isoformat(),
            "step_s": run.grid.step_s,
            "steps": run.grid.count,
            "chunk_steps": run.chunk_steps,
            "constellation": run.constellation.name,
            "satellites": run.constellation.size,
            "cells": run.n_cells,
            "terminals": list(run.terminal_names),
            "network_mode": s.network.mode,
            "python": platform.python_version(),
            "versions": versions,
            "completed": False,
            "inputs": input_digests(s),  # resume refuses a referenced file that changed
        }
    )
    store.write_table("events", events_table([e.as_row() for e in run.events]))
    kinds = ["cell"] * run.n_cells + ["terminal"] * run.n_fixed + ["mobile"] * run.n_moving
    lat = np.concatenate([run.static.lat_deg, [t.lat_deg[0] for t in run.tracks]])
    lon = np.concatenate([run.static.lon_deg, [t.lon_deg[0] for t in run.tracks]])
    store.write_table("sites", sites_table(run.site_names, kinds, lat, lon))
    store.write_table(
        "ground",
        ground_table(
            run.gateway_names,
            run.pop_names,
            np.concatenate([run.gateways.lat_deg, run.pops.lat_deg]),
            np.concatenate([run.gateways.lon_deg, run.pops.lon_deg]),
        ),
    )
    store.write_text("scenario.json", json.dumps(s.model_dump(mode="json"), indent=2))
