"""The run folder's tables: their schemas, and how outcome codes become the ``reason`` column.

Per chunk: ``terminals`` (:func:`terminal_table`, one row per step and named terminal)
and ``cells`` (:func:`cell_table`, one row per scheduler slot — or step — and cell).
Once per run: ``events`` (:func:`events_table`), ``sites`` (:func:`sites_table`) and
``ground`` (:func:`ground_table`).  Arrays come in as ``(time, site)`` in the run's site
order ``[cells | fixed terminals | moving terminals]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from leonet.outcomes import Outcome, outcome_words

__all__ = [
    "EVENTS_SCHEMA",
    "CellRows",
    "RunNames",
    "TerminalRows",
    "cell_table",
    "events_table",
    "ground_table",
    "reason_column",
    "sites_table",
    "terminal_table",
]

#: ``events.parquet``: one row per what-if boundary.
EVENTS_SCHEMA = pa.schema(
    [
        ("utc_ns", pa.int64()),
        ("time", pa.timestamp("us", tz="UTC")),
        ("kind", pa.string()),
        ("action", pa.string()),
        ("target", pa.string()),
        ("description", pa.string()),
    ]
)


def reason_column(codes: NDArray[np.integer[Any]]) -> pa.Array:
    """:class:`~leonet.outcomes.Outcome` codes as a column of their words, null where
    served."""
    flat = codes.ravel().astype(np.int64)
    return pa.array(outcome_words(flat), pa.string(), mask=flat == Outcome.SERVED)


@dataclass(frozen=True)
class TerminalRows:
    """The ``terminals`` table of a chunk as arrays ``(time, terminal)`` (``utc_ns``
    ``(time,)``): position, ``served`` and the outage ``reason`` code, the serving
    satellite ``sat`` (-1 none) at ``elevation_deg``, the route's idle ``rtt_ms`` (every
    latency term), ``propagation_rtt_ms``, ``loaded_rtt_ms`` (queueing at the run's
    utilisation added) and ``busy_rtt_ms`` (queueing behind the speed test's busy-hour
    background added: Starlink's published figure; NaN without one), ``hops``,
    ``gateway`` and ``pop`` (indices, -1 none), the downlink ``snr_db``, the
    throughputs (fair share) and the speed-test rates (:mod:`leonet.capacity.speedtest`).
    What is only meaningful while served is null (or 0 Mb/s) otherwise."""

    utc_ns: NDArray[np.int64]
    lat_deg: NDArray[np.float64]
    lon_deg: NDArray[np.float64]
    served: NDArray[np.bool_]
    reason: NDArray[np.uint8]
    sat: NDArray[np.int32]
    elevation_deg: NDArray[np.float64]
    rtt_ms: NDArray[np.float64]
    propagation_rtt_ms: NDArray[np.float64]
    loaded_rtt_ms: NDArray[np.float64]
    busy_rtt_ms: NDArray[np.float64]
    hops: NDArray[np.int16]
    gateway: NDArray[np.int32]
    pop: NDArray[np.int32]
    snr_db: NDArray[np.float64]
    throughput_down_mbps: NDArray[np.float64]
    throughput_up_mbps: NDArray[np.float64]
    speedtest_down_mbps: NDArray[np.float64]
    speedtest_up_mbps: NDArray[np.float64]


@dataclass(frozen=True)
class RunNames:
    """What the index columns name: the run's ``terminals``, ``satellites``, ``gateways``
    and ``pops``, in index order."""

    terminals: tuple[str, ...]
    satellites: NDArray[np.str_]
    gateways: tuple[str, ...]
    pops: tuple[str, ...]


@dataclass(frozen=True)
class CellRows:
    """The ``cells`` table of a chunk before it is reduced per period: arrays ``(time,
    cell)`` (``utc_ns`` and ``slot`` ``(time,)``; consecutive steps of one ``slot`` make a
    period) of ``served``, the outage ``reason`` code, satellites up in ``visible``, the
    idle ``rtt_ms``, its ``propagation_rtt_ms``, the ``loaded_rtt_ms`` and the busy-hour
    ``busy_rtt_ms`` (NaN none), a terminal's throughputs there and its speed-test rates."""

    utc_ns: NDArray[np.int64]
    slot: NDArray[np.int64]
    served: NDArray[np.bool_]
    reason: NDArray[np.uint8]
    visible: NDArray[np.int64]
    rtt_ms: NDArray[np.float64]
    propagation_rtt_ms: NDArray[np.float64]
    loaded_rtt_ms: NDArray[np.float64]
    busy_rtt_ms: NDArray[np.float64]
    throughput_down_mbps: NDArray[np.float64]
    throughput_up_mbps: NDArray[np.float64]
    speedtest_down_mbps: NDArray[np.float64]
    speedtest_up_mbps: NDArray[np.float64]


def terminal_table(rows: TerminalRows, names: RunNames) -> pa.Table:
    """``terminals``: one row per step and named terminal (see :class:`TerminalRows`)."""
    n = len(names.terminals)
    n_run = rows.utc_ns.shape[0]
    why = rows.reason.ravel().astype(np.int64)
    ok = rows.served.ravel()
    sat = rows.sat.ravel()
    gw = rows.gateway.ravel()
    pp = rows.pop.ravel()
    rtt = rows.rtt_ms.ravel()
    prop = rows.propagation_rtt_ms.ravel()
    loaded = rows.loaded_rtt_ms.ravel()
    busy = rows.busy_rtt_ms.ravel()
    hop = rows.hops.ravel()
    gw_names = np.array([*names.gateways, ""], dtype=object)
    pop_names = np.array([*names.pops, ""], dtype=object)
    return pa.table(
        {
            "time": pa.array(np.repeat(rows.utc_ns, n), pa.timestamp("ns", tz="UTC")),
            "terminal": pa.array(np.tile(np.asarray(names.terminals, dtype=object), n_run)),
            "lat_deg": rows.lat_deg.ravel(),
            "lon_deg": rows.lon_deg.ravel(),
            "served": ok,
            "reason": reason_column(np.where(ok, 0, why)),
            "sat": pa.array(names.satellites[np.maximum(sat, 0)], pa.string(), mask=sat < 0),
            "elevation_deg": pa.array(rows.elevation_deg.ravel(), mask=~ok),
            "rtt_ms": pa.array(rtt, mask=~np.isfinite(rtt) | ~ok),
            "propagation_rtt_ms": pa.array(prop, mask=~np.isfinite(prop) | ~ok),
            "loaded_rtt_ms": pa.array(loaded, mask=~np.isfinite(loaded) | ~ok),
            "busy_rtt_ms": pa.array(busy, mask=~np.isfinite(busy) | ~ok),
            "hops": pa.array(hop.astype(np.int16), mask=(hop < 0) | ~ok),
            "gateway": pa.array(gw_names[gw], pa.string(), mask=~ok | (gw < 0)),
            "pop": pa.array(pop_names[pp], pa.string(), mask=~ok | (pp < 0)),
            "snr_db": pa.array(rows.snr_db.ravel(), mask=~ok),
            "throughput_down_mbps": np.where(ok, rows.throughput_down_mbps.ravel(), 0.0),
            "throughput_up_mbps": np.where(ok, rows.throughput_up_mbps.ravel(), 0.0),
            "speedtest_down_mbps": np.where(ok, rows.speedtest_down_mbps.ravel(), 0.0),
            "speedtest_up_mbps": np.where(ok, rows.speedtest_up_mbps.ravel(), 0.0),
        }
    )


def cell_table(rows: CellRows, cell_names: NDArray[Any]) -> pa.Table:
    """``cells``: per cell and period the served fraction, the cause of most of its
    unserved steps (null if none; ties: the lowest code), mean satellites in view, the
    mean idle, propagation and loaded RTT while served (null if never), the mean busy-hour
    RTT over those steps that have one (null if none), the mean throughput of a terminal
    there and its mean speed-test rates (0 while unserved)."""
    n_run, n_cells = rows.served.shape
    slot = rows.slot
    starts = np.flatnonzero(np.r_[True, slot[1:] != slot[:-1]])
    sizes = np.diff(np.r_[starts, n_run])[:, None]
    ok = rows.served

    def total(x: NDArray[Any]) -> NDArray[np.float64]:
        return np.add.reduceat(x.astype(np.float64), starts, axis=0)

    timed = ok & np.isfinite(rows.rtt_ms)
    n_timed = total(timed)
    with np.errstate(invalid="ignore", divide="ignore"):
        rtt_mean, prop_mean, loaded_mean = (
            total(np.where(timed, np.nan_to_num(x), 0.0)) / n_timed
            for x in (rows.rtt_ms, rows.propagation_rtt_ms, rows.loaded_rtt_ms)
        )
        busy_timed = timed & np.isfinite(rows.busy_rtt_ms)
        n_busy = total(busy_timed)
        busy_mean = total(np.where(busy_timed, rows.busy_rtt_ms, 0.0)) / n_busy
    why = rows.reason
    codes = np.unique(why[why > 0])
    main = np.zeros((len(starts), n_cells), dtype=np.int64)
    if codes.size:
        tally = np.stack([total(why == c) for c in codes])
        main = np.where(tally.max(axis=0) > 0, codes[np.argmax(tally, axis=0)], 0)
    names = np.asarray(cell_names, dtype=object)
    down = total(np.where(ok, rows.throughput_down_mbps, 0.0)) / sizes
    up = total(np.where(ok, rows.throughput_up_mbps, 0.0)) / sizes
    test_down = total(np.where(ok, rows.speedtest_down_mbps, 0.0)) / sizes
    test_up = total(np.where(ok, rows.speedtest_up_mbps, 0.0)) / sizes
    return pa.table(
        {
            "time": pa.array(np.repeat(rows.utc_ns[starts], n_cells), pa.timestamp("ns", tz="UTC")),
            "cell": pa.array(np.tile(names, len(starts))),
            "served": (total(ok) / sizes).ravel(),
            "reason": reason_column(main),
            "visible": (total(rows.visible) / sizes).ravel(),
            "rtt_ms": pa.array(rtt_mean.ravel(), mask=(n_timed == 0).ravel()),
            "propagation_rtt_ms": pa.array(prop_mean.ravel(), mask=(n_timed == 0).ravel()),
            "loaded_rtt_ms": pa.array(loaded_mean.ravel(), mask=(n_timed == 0).ravel()),
            "busy_rtt_ms": pa.array(busy_mean.ravel(), mask=(n_busy == 0).ravel()),
            "throughput_down_mbps": down.ravel(),
            "throughput_up_mbps": up.ravel(),
            "speedtest_down_mbps": test_down.ravel(),
            "speedtest_up_mbps": test_up.ravel(),
        }
    )


def events_table(rows: Sequence[dict[str, object]]) -> pa.Table:
    """``events``: the what-ifs' boundaries, as their ``as_row()`` dicts."""
    return pa.Table.from_pylist(list(rows), schema=EVENTS_SCHEMA)


def sites_table(
    names: NDArray[Any],
    kinds: Sequence[str],
    lat_deg: NDArray[np.float64],
    lon_deg: NDArray[np.float64],
) -> pa.Table:
    """``sites``: every site (``cell``, ``terminal`` or ``mobile``) with its position
    (a mobile terminal's at its first waypoint)."""
    return pa.table(
        {
            "site": pa.array(np.asarray(names).astype(object)),
            "kind": pa.array(list(kinds)),
            "lat_deg": lat_deg,
            "lon_deg": lon_deg,
        }
    )


def ground_table(
    gateway_names: Sequence[str],
    pop_names: Sequence[str],
    lat_deg: NDArray[np.float64],
    lon_deg: NDArray[np.float64],
) -> pa.Table:
    """``ground``: the run's gateways, then its PoPs (``lat_deg``, ``lon_deg`` in that
    order)."""
    return pa.table(
        {
            "name": pa.array([*gateway_names, *pop_names]),
            "kind": pa.array(["gateway"] * len(gateway_names) + ["pop"] * len(pop_names)),
            "lat_deg": lat_deg,
            "lon_deg": lon_deg,
        }
    )
