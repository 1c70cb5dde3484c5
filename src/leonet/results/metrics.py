"""Run metrics, computed by SQL over a run directory's Parquet files.

Everything here reads what :func:`leonet.engine.run_scenario` wrote, so the
numbers a report shows are the numbers anyone can recompute with
``leonet query RUN_DIR "SQL"``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyarrow as pa

from leonet.defaults import LATENCY_MEASUREMENT_WINDOW_S
from leonet.results.store import RunStore, query

__all__ = [
    "EventImpact",
    "busy_rtt_windows",
    "event_impacts",
    "outage_by_cause",
    "per_cell",
    "per_terminal",
    "run_summary",
]


def per_terminal(run_dir: str | os.PathLike[str]) -> pa.Table:
    """One row per terminal: availability, RTT and throughput percentiles, outage seconds."""
    return query(
        run_dir,
        """
        SELECT terminal,
               avg(served::DOUBLE) AS availability,
               quantile_cont(rtt_ms, 0.5) AS rtt_p50_ms,
               quantile_cont(rtt_ms, 0.95) AS rtt_p95_ms,
               quantile_cont(throughput_down_mbps, 0.5) FILTER (WHERE served)
                   AS down_p50_mbps,
               quantile_cont(throughput_up_mbps, 0.5) FILTER (WHERE served) AS up_p50_mbps,
               count(*) FILTER (WHERE NOT served) AS outage_steps
        FROM terminals GROUP BY terminal ORDER BY availability, terminal
    """,
    )


def per_cell(run_dir: str | os.PathLike[str]) -> pa.Table:
    """One row per cell: the time-averaged served fraction, mean visible satellites, and
    percentiles over its slots of the RTT to the PoP and of a terminal's downlink there
    (a slot's mean, 0 while unserved)."""
    return query(
        run_dir,
        """
        SELECT cell, availability, mean_visible, worst_slot,
               rtt[1] AS rtt_p50_ms, rtt[2] AS rtt_p95_ms,
               down[1] AS down_p05_mbps, down[2] AS down_p50_mbps
        FROM (SELECT cell, avg(served) AS availability, avg(visible) AS mean_visible,
                     min(served) AS worst_slot,
                     quantile_cont(rtt_ms, [0.5, 0.95]) AS rtt,
                     quantile_cont(throughput_down_mbps, [0.05, 0.5]) AS down
              FROM cells GROUP BY cell)
        ORDER BY cell
    """,
    )


def outage_by_cause(run_dir: str | os.PathLike[str]) -> pa.Table:
    """Per cause (``reason``): the terminal-steps lost and their share of all terminal-steps,
    and ``area_share``, the share of all cell-time lost to it (each cell-slot's unserved
    fraction counted under the slot's commonest cause; cells cover about equal areas)."""
    cells = (
        "SELECT reason, sum(1 - served) / (SELECT count(*) FROM cells) AS area_share "
        "FROM cells WHERE served < 1 GROUP BY reason"
        if "cells" in _tables(run_dir)
        else "SELECT NULL::VARCHAR AS reason, NULL::DOUBLE AS area_share WHERE false"
    )
    return query(
        run_dir,
        f"""
        WITH t AS (SELECT reason, count(*) AS terminal_steps,
                          count(*) / (SELECT count(*) FROM terminals)::DOUBLE AS share
                   FROM terminals WHERE NOT served GROUP BY reason),
             c AS ({cells})
        SELECT coalesce(t.reason, c.reason) AS reason,
               coalesce(t.terminal_steps, 0) AS terminal_steps,
               coalesce(t.share, 0.0) AS share,
               coalesce(c.area_share, 0.0) AS area_share
        FROM t FULL OUTER JOIN c ON t.reason = c.reason
        ORDER BY terminal_steps DESC, area_share DESC, reason
    """,
    )


#: Each terminal's mean ``busy_rtt_ms`` over each window of
#: :data:`~leonet.defaults.LATENCY_MEASUREMENT_WINDOW_S` (on UTC multiples of it, as the
#: scheduler's slots), windows with an RTT: the figures Starlink's percentiles pool.
_BUSY_WINDOWS = (
    "SELECT avg(busy_rtt_ms) AS busy_rtt_ms FROM terminals GROUP BY terminal, "
    f"time_bucket(INTERVAL {round(LATENCY_MEASUREMENT_WINDOW_S * 1e6)} MICROSECONDS, time) "
    "HAVING count(busy_rtt_ms) > 0"
)


def busy_rtt_windows(run_dir: str | os.PathLike[str], sample: str | None = None) -> pa.Table:
    """``busy_rtt_ms`` as Starlink measures latency: one row per terminal and 15-s window
    with an RTT, the mean of its steps (``sample``: a DuckDB ``USING SAMPLE`` clause, e.g.
    ``"reservoir(1000 ROWS)"``).  No rows for a run folder from before the column."""
    if "busy_rtt_ms" not in RunStore(run_dir).columns("terminals"):
        return pa.table({"busy_rtt_ms": pa.array([], pa.float64())})
    tail = f" USING SAMPLE {sample}" if sample else ""
    return query(run_dir, f"SELECT busy_rtt_ms FROM ({_BUSY_WINDOWS}){tail}")


def run_summary(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Headline numbers of a run: availability, latency and throughput percentiles of the
    terminals, and of the region its cells cover (``area_*``: over every cell and slot);
    ``busy_rtt_p50_ms`` as Starlink measures it, the median of each terminal's 15-s means
    of ``busy_rtt_ms`` (``None`` for a run folder from before that column).

    Percentiles of one column come from one ``quantile_cont`` with a list of fractions
    (one copy of the column, not one per fraction), and the cells are counted in the
    first slot: on a day of the default scenario (14 M cell rows) DuckDB's peak is
    ~370 MB instead of 1.4 GB.  Percentiles are exact, so that memory grows with the
    rows: about 13 MB per million rows and column.
    """
    # Starlink's measure, the median of each terminal's 15-s means (busy_rtt_windows);
    # null for a run folder written before busy_rtt_ms existed.
    busy = (
        f"(SELECT quantile_cont(busy_rtt_ms, 0.5) FROM ({_BUSY_WINDOWS}))"
        if "busy_rtt_ms" in RunStore(run_dir).columns("terminals")
        else "NULL::DOUBLE"
    )
    row = query(
        run_dir,
        f"""
        SELECT count(DISTINCT terminal) AS terminals,
               count(DISTINCT time) AS steps,
               avg(served::DOUBLE) AS availability,
               quantile_cont(rtt_ms, [0.05, 0.5, 0.95]) AS rtt,
               {busy} AS busy_rtt_p50_ms,
               quantile_cont(throughput_down_mbps, [0.05, 0.5]) FILTER (WHERE served) AS down,
               quantile_cont(throughput_up_mbps, 0.5) FILTER (WHERE served) AS up_p50_mbps
        FROM terminals
    """,
    ).to_pylist()[0]
    keys = ("terminals", "steps", "availability", "busy_rtt_p50_ms", "up_p50_mbps")
    out = {k: row[k] for k in keys}
    out |= _spread(row["rtt"], "rtt_p05_ms", "rtt_p50_ms", "rtt_p95_ms")
    out |= _spread(row["down"], "down_p05_mbps", "down_p50_mbps")
    cells: dict[str, Any] = {"cells": 0, "area_coverage": None}
    if "cells" in _tables(run_dir):
        row = query(
            run_dir,
            """
            SELECT (SELECT count(*) FROM cells WHERE time = (SELECT min(time) FROM cells))
                       AS cells,
                   avg(served) AS area_coverage,
                   quantile_cont(rtt_ms, [0.5, 0.95]) AS rtt,
                   quantile_cont(throughput_down_mbps, [0.05, 0.5]) AS down
            FROM cells""",
        ).to_pylist()[0]
        cells = {"cells": row["cells"], "area_coverage": row["area_coverage"]}
        row_rtt, row_down = row["rtt"], row["down"]
    else:
        row_rtt = row_down = None
    cells |= _spread(row_rtt, "area_rtt_p50_ms", "area_rtt_p95_ms")
    cells |= _spread(row_down, "area_down_p05_mbps", "area_down_p50_mbps")
    return out | cells


def _spread(values: list[float | None] | None, *names: str) -> dict[str, float | None]:
    """A ``quantile_cont`` list (``None`` over no rows) as named values."""
    return dict(zip(names, values or [None] * len(names), strict=True))


@dataclass(frozen=True)
class EventImpact:
    """An event's effect: the same measures before it started and while it lasted."""

    kind: str
    target: str
    description: str
    start: Any
    end: Any
    before: dict[str, float | None]
    during: dict[str, float | None]
    #: (terminal, availability before, during, median RTT before, during), worst first
    most_affected: tuple[
        tuple[str, float | None, float | None, float | None, float | None], ...
    ] = ()


_MEASURES = """
    avg(served::DOUBLE) AS availability,
    quantile_cont(rtt_ms, 0.5) AS rtt_p50_ms,
    quantile_cont(throughput_down_mbps, 0.5) FILTER (WHERE served) AS down_p50_mbps
"""


#: A ``[from, to)`` time range, bound as two parameters.
_IN_RANGE = "time >= ?::TIMESTAMPTZ AND time < ?::TIMESTAMPTZ"


def event_impacts(run_dir: str | os.PathLike[str], window_s: float = 300.0) -> list[EventImpact]:
    """For each event with a start: availability, median RTT and throughput of all
    terminals in the ``window_s`` before it and during it (until its end, or
    ``window_s`` after the start for events without an end)."""
    events = query(
        run_dir,
        """
        SELECT s.kind, s.target, s.description, s.time AS start_time,
               min(e.time) AS end_time
        FROM events s LEFT JOIN events e
          ON e.kind = s.kind AND e.target = s.target AND e.action = 'end' AND e.time > s.time
        WHERE s.action = 'start'
        GROUP BY s.kind, s.target, s.description, s.time ORDER BY s.time
    """,
    ).to_pylist()
    span = query(run_dir, "SELECT min(time) AS a, max(time) AS b FROM terminals").to_pylist()[0]
    has_cells = "cells" in _tables(run_dir)
    # Every event's two ranges [from, to): before it and during it (as bound parameters).
    window = timedelta(seconds=int(window_s))
    ranges: list[tuple[Any, Any]] = []
    for ev in events:
        start, end = ev["start_time"], ev["end_time"]
        ranges += [(start - window, start), (start, end if end is not None else start + window)]
    measured = _measures_in_ranges(run_dir, ranges, has_cells)
    out = []
    for i, ev in enumerate(events):
        start, end = ev["start_time"], ev["end_time"]
        before_range, during_range = ranges[2 * i], ranges[2 * i + 1]
        empty: dict[str, float | None] = {
            "availability": None,
            "rtt_p50_ms": None,
            "down_p50_mbps": None,
            "area_coverage": None,
        }
        if span["a"] is None or start > span["b"]:
            out.append(
                EventImpact(
                    ev["kind"], ev["target"], ev["description"], start, end, empty, dict(empty)
                )
            )
            continue
        affected = query(
            run_dir,
            f"""
            WITH b AS (SELECT terminal, avg(served::DOUBLE) AS av, median(rtt_ms) AS rtt
                       FROM terminals WHERE {_IN_RANGE} GROUP BY terminal),
                 d AS (SELECT terminal, avg(served::DOUBLE) AS av, median(rtt_ms) AS rtt
                       FROM terminals WHERE {_IN_RANGE} GROUP BY terminal)
            SELECT d.terminal, b.av AS av_b, d.av AS av_d, b.rtt AS rtt_b, d.rtt AS rtt_d
            FROM d LEFT JOIN b USING (terminal)
            ORDER BY coalesce(b.av, 1) - d.av DESC,
                     coalesce(d.rtt, 1e9) - coalesce(b.rtt, 0) DESC
            LIMIT 3
        """,
            [*before_range, *during_range],
        ).to_pylist()
        out.append(
            EventImpact(
                ev["kind"],
                ev["target"],
                ev["description"],
                start,
                end,
                measured[2 * i],
                measured[2 * i + 1],
                tuple(
                    (a["terminal"], a["av_b"], a["av_d"], a["rtt_b"], a["rtt_d"]) for a in affected
                ),
            )
        )
    return out


def _measures_in_ranges(
    run_dir: str | os.PathLike[str], ranges: list[tuple[Any, Any]], has_cells: bool
) -> list[dict[str, float | None]]:
    """:data:`_MEASURES` of all terminals and the cells' ``area_coverage`` in each time range
    ``[from, to)`` — one query a table for all the ranges (a range without rows: ``None``
    each), the numbers one query a range gave."""
    out: list[dict[str, float | None]] = [
        {"availability": None, "rtt_p50_ms": None, "down_p50_mbps": None, "area_coverage": None}
        for _ in ranges
    ]
    if not ranges:
        return out
    bound = [list(range(len(ranges))), [a for a, _ in ranges], [b for _, b in ranges]]
    each = (
        "WITH r AS (SELECT unnest(?::INTEGER[]) AS k, unnest(?::TIMESTAMPTZ[]) AS t0, "
        "unnest(?::TIMESTAMPTZ[]) AS t1) SELECT r.k, {what} FROM r JOIN {table} "
        "ON time >= r.t0 AND time < r.t1 GROUP BY r.k"
    )
    for row in query(run_dir, each.format(what=_MEASURES, table="terminals"), bound).to_pylist():
        out[row.pop("k")].update(row)
    if has_cells:
        sql = each.format(what="avg(served) AS area_coverage", table="cells")
        for row in query(run_dir, sql, bound).to_pylist():
            out[row["k"]]["area_coverage"] = row["area_coverage"]
    return out


def _tables(run_dir: str | os.PathLike[str]) -> set[str]:
    return set(RunStore(run_dir).tables())
