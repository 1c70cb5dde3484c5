"""``report.html`` of a run: one self-contained page that works offline.

Summary table, time series of RTT and throughput with the scenario's events
marked, CDFs, a map of the cells coloured by availability with terminals,
gateways, PoPs and jammers, outage by cause and the impact of each event.
Every number comes from :mod:`leonet.results.metrics` (SQL over the run).
"""

from __future__ import annotations

import dataclasses
import html
import json
import os
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from leonet.report.apps_section import render_apps_section
from leonet.report.cellmap import (
    MAP_CSS,
    SlotFrames,
    cell_map_fragment,
    named_layer,
    slot_frames,
    slots_per_frame,
)
from leonet.report.charts import Marker, Series, cdf_chart, line_chart
from leonet.report.systems_section import render_systems_section
from leonet.results.metrics import (
    EventImpact,
    busy_rtt_windows,
    event_impacts,
    outage_by_cause,
    per_terminal,
    run_summary,
)
from leonet.results.store import RunFolderError, RunStore, query, query_session
from leonet.results.writer import atomic_write_text

__all__ = ["render_report", "write_report"]

_MAX_LINES = 8
#: The rows the CDFs are drawn from: a seeded sample, so that a run's report is the same
#: each time it is written (an unseeded one redrew the cells' CDFs each time).
_SAMPLE = "reservoir(200000 ROWS) REPEATABLE (1)"


def _fmt(value: Any, digits: int = 1, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    return f"{value}{suffix}"


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * float(value):.1f}%"


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _floats(values: list[Any]) -> NDArray[np.float64]:
    """A query column as floats, NULL as NaN."""
    return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)


def _column(table: pa.Table, name: str) -> NDArray[np.float64]:
    """A numeric column of a query's result as float64, NULL as NaN (as :func:`_floats`
    of its Python values, without making them)."""
    return np.asarray(
        table.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
    )


def _serving_systems(
    root: Path, slot_ns: NDArray[np.int64], per_frame: int, fallback: Sequence[str]
) -> list[str]:
    """Several systems (docs/systems.md): each frame's (``per_frame`` slots) systems
    serving a cell, joined with ' + ' (``fallback``'s word where none serves)."""
    rows = query(
        root,
        "SELECT DISTINCT epoch_ns(time) AS t, system FROM cells WHERE served > 0 ORDER BY system",
    ).to_pydict()
    frame = np.searchsorted(slot_ns, np.asarray(rows["t"], dtype=np.int64)) // per_frame
    names: list[list[str]] = [[] for _ in fallback]
    for k, system in zip(frame, rows["system"], strict=True):  # a few systems per frame
        if str(system) not in names[int(k)]:
            names[int(k)].append(str(system))
    return [" + ".join(n) if n else str(f) for n, f in zip(names, fallback, strict=True)]


def _slot_frames(
    root: Path, cells: list[str], operator: str, impacts: list[EventImpact]
) -> SlotFrames:
    """The time slider's frames: each slot's served level per cell (cells in ``cells``
    order), the operator while any cell is served, and the events in force (an event
    is in force in every slot it overlaps)."""
    rows = query(root, "SELECT epoch_ns(time) AS t, cell, served FROM cells ORDER BY time, cell")
    t_ns = np.asarray(rows.column("t").to_numpy(), dtype=np.int64)
    slot_ns, slot_of_row = np.unique(t_ns, return_inverse=True)
    # Each row's cell's place in ``cells`` (every row's cell is one of them).
    col = np.asarray(pc.index_in(rows.column("cell"), value_set=pa.array(cells)), dtype=np.int64)
    served = np.full((slot_ns.size, len(cells)), np.nan)
    served[slot_of_row, col] = _column(rows, "served")
    n = slot_ns.size
    events = []
    for imp in impacts:
        start = int(imp.start.timestamp() * 1e9)
        first = max(int(np.searchsorted(slot_ns, start, side="right")) - 1, 0)
        last = (
            n - 1
            if imp.end is None
            else int(np.searchsorted(slot_ns, int(imp.end.timestamp() * 1e9), side="left")) - 1
        )
        if last >= first:
            events.append((f"{imp.kind}: {imp.description or imp.target}", first, last))
    frames = slot_frames(slot_ns, served, operator, events)
    if "system" in RunStore(root).columns("cells"):
        k = slots_per_frame(slot_ns.size, len(cells))
        frames = dataclasses.replace(
            frames, operators=_serving_systems(root, slot_ns, k, frames.operators)
        )
    return frames


def render_report(run_dir: str | os.PathLike[str]) -> str:
    """The report page of ``run_dir`` as HTML text."""
    store = RunStore(run_dir)
    store.require_run()
    tables = store.tables()
    if "terminals" not in tables:
        raise FileNotFoundError(f"{store.root} has no terminals.parquet yet: run it first")
    # The applications' section reads the run with pyarrow and NumPy while this thread's
    # queries run in DuckDB (both mostly outside the GIL): side by side, not one after
    # the other.  Its own thread, its own reads: it shares nothing with the queries.
    with ThreadPoolExecutor(max_workers=1) as pool:
        apps = pool.submit(render_apps_section, store.root)
        try:
            with query_session(store.root):  # its few dozen queries share one connection
                return _render(store, tables, apps)
        finally:
            apps.cancel()


def _render(store: RunStore, tables: dict[str, list[Path]], apps: Future[str]) -> str:
    meta = store.read_metadata()
    summary = run_summary(store.root)
    start_s = query(store.root, "SELECT min(time) AS t FROM terminals").to_pylist()[0]["t"]
    t0 = start_s.timestamp() if start_s is not None else 0.0

    events = (
        query(store.root, "SELECT * FROM events ORDER BY time").to_pylist()
        if "events" in tables
        else []
    )
    markers = [
        Marker(
            (e["time"].timestamp() - t0) / 60.0,
            f"{e['action']}: {e['kind']} {e['target']}",
            "#c0392b" if e["action"] == "start" else "#27ae60",
        )
        for e in events
    ]

    # Time series: per-step median over terminals and a few chosen terminals.
    series_rows = query(
        store.root,
        """
        SELECT epoch(time) AS t, median(rtt_ms) AS rtt, median(throughput_down_mbps) AS down,
               avg(served::DOUBLE) AS served
        FROM terminals GROUP BY time ORDER BY time
    """,
    ).to_pydict()
    minutes = (np.asarray(series_rows["t"], dtype=np.float64) - t0) / 60.0
    worst = per_terminal(store.root).to_pylist()
    chosen = [r["terminal"] for r in worst[: _MAX_LINES - 1]]
    rtt_series = [
        Series("median of terminals", minutes, np.asarray(series_rows["rtt"], dtype=np.float64))
    ]
    down_series = [
        Series("median of terminals", minutes, np.asarray(series_rows["down"], dtype=np.float64))
    ]
    if chosen:
        per = query(
            store.root,
            """
            SELECT terminal, epoch(time) AS t, rtt_ms, throughput_down_mbps AS down, served
            FROM terminals WHERE list_contains(?::VARCHAR[], terminal) ORDER BY terminal, time
        """,
            [chosen],
        ).to_pydict()
        term = np.asarray(per["terminal"], dtype=object)
        t = (np.asarray(per["t"], dtype=np.float64) - t0) / 60.0
        rtt = _floats(per["rtt_ms"])
        down = np.asarray(per["down"], dtype=np.float64)
        down[~np.asarray(per["served"], dtype=bool)] = np.nan
        for name in chosen:
            mask = term == name
            rtt_series.append(Series(name, t[mask], rtt[mask]))
            down_series.append(Series(name, t[mask], down[mask]))
    served_series = [
        Series("terminals served", minutes, np.asarray(series_rows["served"], dtype=np.float64))
    ]
    if "cells" in tables:
        cells_t = query(
            store.root,
            "SELECT epoch(time) AS t, avg(served) AS s FROM cells GROUP BY time ORDER BY time",
        ).to_pydict()
        served_series.append(
            Series(
                "area coverage (cells)",
                (np.asarray(cells_t["t"], dtype=np.float64) - t0) / 60.0,
                np.asarray(cells_t["s"], dtype=np.float64),
            )
        )

    charts = [
        line_chart(
            "Availability",
            served_series,
            x_label="minutes from start",
            y_label="fraction served",
            markers=markers,
            y_min=0.0,
        ),
        line_chart(
            "Round-trip time to the PoP",
            rtt_series,
            x_label="minutes from start",
            y_label="RTT (ms)",
            markers=markers,
        ),
        line_chart(
            "Downlink throughput",
            down_series,
            x_label="minutes from start",
            y_label="Mb/s",
            markers=markers,
            y_min=0.0,
        ),
    ]
    samples = query(
        store.root,
        "SELECT rtt_ms, throughput_down_mbps AS down, served "
        f"FROM terminals USING SAMPLE {_SAMPLE}",
    )
    rtt_all = _column(samples, "rtt_ms")
    down_all = _column(samples, "down")[
        np.asarray(samples.column("served").to_numpy(zero_copy_only=False), bool)
    ]
    rtt_samples = [("all terminal-steps", rtt_all)]
    busy = _column(busy_rtt_windows(store.root, _SAMPLE), "busy_rtt_ms")
    if busy.size:
        rtt_samples.append(("busy hour, terminals' 15-s means (Starlink's measure)", busy))
    down_samples = [("served terminal-steps", down_all)]
    if "cells" in tables:
        cell_samples = query(
            store.root,
            "SELECT rtt_ms, throughput_down_mbps AS down FROM "
            f"cells WHERE served > 0 USING SAMPLE {_SAMPLE}",
        )
        rtt_samples.append(("cell-slots (served)", _column(cell_samples, "rtt_ms")))
        down_samples.append(("cell-slots (served)", _column(cell_samples, "down")))
    cdfs = [
        cdf_chart("CDF of RTT", rtt_samples, x_label="RTT (ms)"),
        cdf_chart("CDF of downlink throughput", down_samples, x_label="Mb/s"),
    ]

    # Map: cells by availability, terminals, gateways, PoPs, jammers.
    layers = []
    sites = query(store.root, "SELECT * FROM sites").to_pydict() if "sites" in tables else None
    availability = {r["terminal"]: r["availability"] for r in worst}
    if sites is not None:
        kinds = np.asarray(sites["kind"], dtype=object)
        for kind, layer in (("terminal", "terminals"), ("mobile", "mobile terminals")):
            mask = kinds == kind
            if mask.any():
                names_k = np.asarray(sites["site"], dtype=object)[mask]
                layers.append(
                    named_layer(
                        layer,
                        names_k,
                        np.asarray(sites["lat_deg"])[mask],
                        np.asarray(sites["lon_deg"])[mask],
                        [f"{n}: available {_pct(availability.get(n))}" for n in names_k],
                    )
                )
    if "ground" in tables:
        ground = query(store.root, "SELECT * FROM ground").to_pydict()
        gk = np.asarray(ground["kind"], dtype=object)
        for kind in ("gateway", "pop"):
            mask = gk == kind
            if mask.any():
                layers.append(
                    named_layer(
                        kind + "s",
                        np.asarray(ground["name"], dtype=object)[mask],
                        np.asarray(ground["lat_deg"])[mask],
                        np.asarray(ground["lon_deg"])[mask],
                    )
                )
    scenario_path = store.root / "scenario.json"
    if scenario_path.exists():
        scenario = json.loads(scenario_path.read_text())
        jam = [
            j for j in scenario.get("faults", {}).get("jammers", []) if j.get("lat_deg") is not None
        ]
        if jam:
            layers.append(
                named_layer(
                    "jammers",
                    [j["name"] for j in jam],
                    [j["lat_deg"] for j in jam],
                    [j["lon_deg"] for j in jam],
                )
            )
    impacts = event_impacts(store.root)
    if "cells" in tables:
        cell_rows = query(
            store.root, "SELECT cell, avg(served) AS a FROM cells GROUP BY cell ORDER BY cell"
        ).to_pydict()
        cell_names = [str(c) for c in cell_rows["cell"]]
        frames = _slot_frames(store.root, cell_names, str(meta.get("constellation")), impacts)
        map_svg = cell_map_fragment(
            cell_names, cell_rows["a"], value_label="availability", layers=layers, frames=frames
        )
    else:
        map_svg = "<p>No cells in this scenario.</p>"

    headline = [
        ["scenario", str(meta.get("scenario"))],
        ["constellation", f"{meta.get('constellation')} ({meta.get('satellites', 0):,} sat.)"],
        [
            "window",
            f"{meta.get('start')}, {meta.get('steps', 0):,} steps of {meta.get('step_s')} s",
        ],
        ["terminals / cells", f"{summary['terminals']} / {summary['cells']:,}"],
        ["terminal availability", _pct(summary["availability"])],
        [
            "terminals: RTT p5 / p50 / p95",
            f"{_fmt(summary['rtt_p05_ms'])} / "
            f"{_fmt(summary['rtt_p50_ms'])} / "
            f"{_fmt(summary['rtt_p95_ms'])} ms",
        ],
        [
            "terminals: busy-hour RTT p50 (idle + the busy hour's queue: Starlink's measure)",
            f"{_fmt(summary['busy_rtt_p50_ms'])} ms",
        ],
        [
            "terminals: downlink p5 / p50 (served)",
            f"{_fmt(summary['down_p05_mbps'])} / {_fmt(summary['down_p50_mbps'])} Mb/s",
        ],
        ["terminals: uplink p50 (served)", f"{_fmt(summary['up_p50_mbps'])} Mb/s"],
        ["area coverage (cells)", _pct(summary["area_coverage"])],
        [
            "cells: RTT p50 / p95",
            f"{_fmt(summary['area_rtt_p50_ms'])} / {_fmt(summary['area_rtt_p95_ms'])} ms",
        ],
        [
            "cells: downlink p5 / p50 (a terminal, 0 in outage)",
            f"{_fmt(summary['area_down_p05_mbps'])} / {_fmt(summary['area_down_p50_mbps'])} Mb/s",
        ],
        ["scenario hash", str(meta.get("scenario_hash", ""))[:16]],
    ]
    causes = [
        [str(r["reason"]), f"{r['terminal_steps']:,}", _pct(r["share"]), _pct(r["area_share"])]
        for r in outage_by_cause(store.root).to_pylist()
    ]
    term_rows = [
        [
            r["terminal"],
            _pct(r["availability"]),
            _fmt(r["rtt_p50_ms"]),
            _fmt(r["rtt_p95_ms"]),
            _fmt(r["down_p50_mbps"], 0),
            _fmt(r["up_p50_mbps"], 0),
        ]
        for r in worst
    ]
    impact_rows = []
    for imp in impacts:
        most = "; ".join(
            f"{n}: {_pct(a)} → {_pct(b)}, RTT {_fmt(c)} → {_fmt(d)} ms"
            for n, a, b, c, d in imp.most_affected
        )
        impact_rows.append(
            [
                f"{imp.start:%H:%M:%S}" + (f"–{imp.end:%H:%M:%S}" if imp.end else ""),
                imp.kind,
                imp.description or imp.target,
                f"{_pct(imp.before['availability'])} → {_pct(imp.during['availability'])}",
                f"{_pct(imp.before['area_coverage'])} → {_pct(imp.during['area_coverage'])}",
                f"{_fmt(imp.before['rtt_p50_ms'])} → {_fmt(imp.during['rtt_p50_ms'])}",
                f"{_fmt(imp.before['down_p50_mbps'], 0)} → {_fmt(imp.during['down_p50_mbps'], 0)}",
                most,
            ]
        )
    apps_html = apps.result() + render_systems_section(store.root)
    title = f"leonet run — {meta.get('scenario')}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body{{font:14px system-ui,sans-serif;margin:1.5em;color:#222;max-width:1200px}}
h1{{margin-bottom:.2em}} h2{{margin-top:1.6em;border-bottom:1px solid #ddd}}
table{{border-collapse:collapse;margin:.6em 0}}
th,td{{padding:3px 10px;text-align:left;border-bottom:1px solid #eee;vertical-align:top}}
thead th{{background:#f4f6f8}}
.chart .frame{{fill:#fafbfc;stroke:#ccc}} .chart .grid{{stroke:#e5e5e5}}
.chart .tl{{font-size:11px;fill:#444}} .chart .ct{{font-size:13px;font-weight:600}}
.chart .mk{{font-size:10px}}
.cdfs{{display:flex;gap:1em;flex-wrap:wrap}}
{MAP_CSS}
.appmaps{{display:flex;flex-wrap:wrap;gap:.6em}} .appmap{{margin:0}}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>Generated by leonet from <code>{html.escape(str(store.root))}</code>. Every figure can be
recomputed with <code>leonet query {html.escape(str(store.root))} "SQL"</code>.</p>
<h2>Summary</h2>{_table(["measure", "value"], headline)}
<h2>Time series</h2>{"".join(charts)}
<h2>Distributions</h2><div class="cdfs">{"".join(cdfs)}</div>
<h2>Map: availability of each cell</h2>
<p>The whole run's availability of each cell; move the slider (or press play) to see each
slot: cells served all of it, half or more, less than half, or not at all, the serving
operator and the events in force.</p>{map_svg}
<h2>Outage by cause</h2>
<p>Terminals: the steps lost and their share of all terminal-steps. Cells: the share of all
cell-time lost (a slot's unserved time counted under its commonest cause).</p>
{
        _table(["cause", "terminal-steps", "share of terminal-steps", "share of cell-time"], causes)
        if causes
        else "<p>No outage.</p>"
    }
<h2>Impact of each event</h2>
<p>All terminals in the 5 minutes before each event against its duration; the three terminals
it affected most.</p>
{
        _table(
            [
                "when (UTC)",
                "kind",
                "event",
                "terminal availability",
                "area coverage",
                "median RTT ms",
                "median down Mb/s",
                "most affected",
            ],
            impact_rows,
        )
        if impact_rows
        else "<p>No events.</p>"
    }
{apps_html}
<h2>Terminals</h2>
{
        _table(
            [
                "terminal",
                "availability",
                "RTT p50 ms",
                "RTT p95 ms",
                "down p50 Mb/s",
                "up p50 Mb/s",
            ],
            term_rows,
        )
    }
</body></html>
"""


def write_report(run_dir: str | os.PathLike[str]) -> Path:
    """Write ``RUN_DIR/report.html`` atomically and return its path."""
    page = render_report(run_dir)
    path = Path(run_dir) / "report.html"
    try:
        return atomic_write_text(path, page)
    except OSError as exc:
        raise RunFolderError(
            f"cannot write {path}: {exc.strerror or exc}; make the folder "
            "writable or free some space, then run `leonet report` again"
        ) from None
