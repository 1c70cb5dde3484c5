"""The report's "Several systems" section (a run with ``systems:``, docs/systems.md): the
systems, who subscribes to which, and what survives an event such as a cut-off — each
application before and after it, per terminal (on which system, at what quality) and per
region (share of area where it works).  Empty for a single-system run."""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from numpy.typing import NDArray

from leonet.apps import WORKS, AppRun, evaluate_run

__all__ = ["render_systems_section", "turning_point_ns"]

#: An application "survives" at a terminal when it works this share of the time after.
SURVIVES_SHARE = 0.9


def _pct(value: float | None) -> str:
    return "—" if value is None or not np.isfinite(value) else f"{100 * value:.0f} %"


def _num(value: float, digits: int = 0) -> str:
    return "—" if not np.isfinite(value) else f"{value:.{digits}f}"


def turning_point_ns(root: Path) -> tuple[int, str] | None:
    """The first event of the run that takes service away (a ``cut-off`` or another policy
    event, else any event): its time (ns) and words; ``None`` without events."""
    path = root / "events.parquet"
    if not path.is_file():
        return None
    rows = [
        r
        for r in sorted(pq.read_table(path).to_pylist(), key=lambda r: r["utc_ns"])
        if r.get("action") == "start"
    ]
    if not rows:
        return None
    policy = [r for r in rows if r.get("kind") == "policy"]
    first = (policy or rows)[0]
    return int(first["utc_ns"]), str(first.get("description") or first.get("target") or "")


def _share(works: NDArray[np.bool_], weights: NDArray[np.float64], rows: NDArray[np.bool_]) -> Any:
    """Per site: the time-weighted share of ``rows`` (periods) in which it works."""
    w = weights[rows]
    if not w.size or w.sum() <= 0:
        return np.full(works.shape[1], np.nan)
    return (works[rows] * w[:, None]).sum(axis=0) / w.sum()


def _systems_table(meta: dict[str, Any], subscribed: dict[str, list[str]]) -> str:
    systems = meta.get("systems") or {}
    rows = []
    for name, info in systems.items():
        primary = sum(1 for s in subscribed.values() if s[:1] == [name])
        fallback = sum(1 for s in subscribed.values() if name in s[1:])
        rows.append(
            f"<tr><td>{html.escape(name)}</td><td>{html.escape(str(info.get('constellation')))}"
            f"</td><td>{int(info.get('satellites') or 0):,}</td>"
            f"<td>{html.escape(str(info.get('network_mode')))}</td><td>{primary}</td>"
            f"<td>{fallback}</td><td><code>leonet query RUN/{html.escape(info['folder'])} "
            '"SQL"</code></td></tr>'
        )
    return (
        "<table><thead><tr><th>system</th><th>constellation</th><th>satellites</th>"
        "<th>network</th><th>terminals: first choice</th><th>terminals: fallback</th>"
        f"<th>its own tables</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _terminal_rows(run: AppRun, root: Path, cut_ns: int, subscribed: dict[str, list[str]]) -> str:
    """Per terminal: its systems, availability before → after, the system it uses after,
    median RTT and downlink after, and the applications that survive there."""
    from leonet.results.store import query

    assert run.terminals is not None
    series = run.terminals
    before = series.time_ns < cut_ns
    after = ~before
    w = series.link.duration_s
    served = series.link.served > 0
    avail_before = _share(served, w, before)
    avail_after = _share(served, w, after)
    works_after = {
        p.name: _share(run.terminal_verdicts[p.name].verdict == WORKS, w, after)
        for p in run.profiles
    }
    stats = query(
        root,
        "SELECT terminal, mode(system) AS system, median(rtt_ms) AS rtt, "
        "median(CASE WHEN served THEN throughput_down_mbps END) AS down FROM terminals "
        "WHERE epoch_ns(time) >= ? GROUP BY terminal",
        [cut_ns],
    ).to_pydict()
    by_name = {
        t: (s, r, d)
        for t, s, r, d in zip(
            stats["terminal"], stats["system"], stats["rtt"], stats["down"], strict=True
        )
    }
    rows = []
    for i, name in enumerate(series.names):
        system, rtt, down = by_name.get(str(name), ("—", None, None))
        alive = [p.name for p in run.profiles if works_after[p.name][i] >= SURVIVES_SHARE]
        rows.append(
            f"<tr><td>{html.escape(str(name))}</td>"
            f"<td>{html.escape(' → '.join(subscribed.get(str(name), [])))}</td>"
            f"<td>{_pct(avail_before[i])} → {_pct(avail_after[i])}</td>"
            f"<td>{html.escape(str(system if avail_after[i] > 0 else '—'))}</td>"
            f"<td>{_num(np.nan if rtt is None else rtt)}</td>"
            f"<td>{_num(np.nan if down is None else down)}</td>"
            f"<td>{html.escape(', '.join(alive) or 'none')}</td></tr>"
        )
    return (
        "<table><thead><tr><th>terminal</th><th>systems (by preference)</th>"
        "<th>availability before → after</th><th>system after</th><th>RTT p50 ms after</th>"
        "<th>down p50 Mb/s after</th>"
        f"<th>applications that survive (work ≥ {100 * SURVIVES_SHARE:.0f} % after)</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _app_rows(run: AppRun, cut_ns: int) -> str:
    """Per application: terminal-time and (per named area) area works, before → after."""
    names = [p.name for p in run.profiles]
    heads = ["application", "terminal-time works"]
    cols: dict[str, list[str]] = {n: [] for n in names}
    if run.terminals is not None:
        t = run.terminals
        before = t.time_ns < cut_ns
        w = t.link.duration_s
        for p in names:
            works = run.terminal_verdicts[p].verdict == WORKS
            b = float(np.nanmean(_share(works, w, before))) if before.any() else np.nan
            a = float(np.nanmean(_share(works, w, ~before))) if (~before).any() else np.nan
            cols[p].append(f"{_pct(b)} → {_pct(a)}")
    else:
        for p in names:
            cols[p].append("—")
    if run.cells is not None:
        c = run.cells
        before = c.time_ns < cut_ns
        w = c.link.duration_s
        areas = {run.region: np.ones(len(c.names), dtype=bool), **run.areas}
        for area in areas:
            heads.append(f"area works: {area}")
        for p in names:
            works = run.cell_verdicts[p].verdict == WORKS
            b_cell, a_cell = _share(works, w, before), _share(works, w, ~before)
            for mask in areas.values():
                km2 = run.area_km2 * mask
                total = km2.sum()
                if total <= 0:
                    cols[p].append("—")
                    continue
                b = float(np.nansum(b_cell * km2) / total) if before.any() else np.nan
                a = float(np.nansum(a_cell * km2) / total)
                cols[p].append(f"{_pct(b)} → {_pct(a)}")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = "".join(
        f"<tr><td>{html.escape(p)}</td>" + "".join(f"<td>{v}</td>" for v in cols[p]) + "</tr>"
        for p in names
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_systems_section(run_dir: str | os.PathLike[str], run: AppRun | None = None) -> str:
    """HTML of the "Several systems" section (an ``<h2>`` and what follows); ``""`` for a
    run of one system.  ``run``: the run's applications already judged (else judged here)."""
    root = Path(run_dir)
    try:
        meta = json.loads((root / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not isinstance(meta, dict) or not isinstance(meta.get("systems"), dict):
        return ""
    subs = meta.get("subscriptions") or {}
    subscribed: dict[str, list[str]] = subs.get("terminals") or {}
    intro = (
        f"<p>Each system ran over the same terminals and cells with its own satellites, "
        f"ground segment, radio and control plane; each terminal uses the first of its "
        f"systems that serves it and, when that one stops, is down "
        f"<b>{float(subs.get('switch_over_s', 0)):g} s</b> (<code>switching-over</code>) "
        f"before the next that serves carries it; it moves back to a preferred system after "
        f"it has served {float(subs.get('revert_after_s', 0)):g} s. Cells use "
        f"{html.escape(' → '.join(subs.get('cells') or []))}. docs/systems.md.</p>"
    )
    parts = [
        "<h2>Several systems</h2>",
        intro,
        _systems_table(meta, subscribed),
    ]
    turn = turning_point_ns(root)
    if turn is not None:
        cut_ns, what = turn
        run = run if run is not None else evaluate_run(root)
        when = datetime.fromtimestamp(cut_ns / 1e9, UTC).strftime("%H:%M:%S")
        parts.append(
            f"<h3>What survives: before and after {when} UTC ({html.escape(what)})</h3>"
            "<p>Each application's share of time it works before the event and from it to "
            "the end of the run (switch-overs included), over the terminals and, for the "
            "cells, as a share of area of the run's region and of each area the scenario "
            "names.</p>"
        )
        parts.append(_app_rows(run, cut_ns))
        if run.terminals is not None:
            parts.append(
                "<h3>Per terminal: where it survives, on which system, at what quality</h3>"
            )
            parts.append(_terminal_rows(run, root, cut_ns, subscribed))
    return "\n".join(parts)
