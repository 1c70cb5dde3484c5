"""One terminal's path over time, as a trace an emulator (or ns-3, Mininet, tc) replays.

A trace has one row per time step of a run.  Its columns (the documented format, see
``docs/emulation.md``), in this order:

==================  =========================================================================
``t_s``             seconds since the trace's first step (float)
``time``            the step's UTC time, ISO 8601 with ``Z``
``delay_up_ms``     one-way delay terminal → far end (PoP or other terminal), ms
``delay_down_ms``   one-way delay far end → terminal, ms
``jitter_up_ms``    delay variation: ``|delay_up_ms - previous step's|`` (0 at the first step
                    and after an outage), ms
``jitter_down_ms``  the same for the down direction, ms
``rate_up_mbps``    the terminal's modelled throughput up, Mb/s (0 during an outage)
``rate_down_mbps``  the terminal's modelled throughput down, Mb/s (0 during an outage)
``loss``            packet loss probability, 0..1 (1 during an outage)
``outage``          ``true`` when the path is down this step
``cause``           the outage's cause (the run's outcome vocabulary, e.g. ``no-satellite``,
                    ``area-cut-off``); empty while served
==================  =========================================================================

The run models one path RTT per step and a symmetric path, so each direction carries half
of it.  Numbers are written with Python's shortest round-trip ``repr``, so a trace written
and read back gives the same values bit for bit.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from leonet.constants import C_KM_S

__all__ = [
    "TRACE_COLUMNS",
    "TRACE_FORMAT",
    "Trace",
    "read_trace",
    "synthetic_trace_time",
    "trace_from_run",
    "write_trace",
]

#: The name and version written into every trace file.
TRACE_FORMAT = "leonet-trace/1"
#: The per-step columns, in file order.
TRACE_COLUMNS = (
    "t_s",
    "time",
    "delay_up_ms",
    "delay_down_ms",
    "jitter_up_ms",
    "jitter_down_ms",
    "rate_up_mbps",
    "rate_down_mbps",
    "loss",
    "outage",
    "cause",
)
_FLOAT_COLUMNS = (
    "t_s",
    "delay_up_ms",
    "delay_down_ms",
    "jitter_up_ms",
    "jitter_down_ms",
    "rate_up_mbps",
    "rate_down_mbps",
    "loss",
)


@dataclass(frozen=True, eq=False)
class Trace:
    """A path over time: every array has shape ``(step,)``.

    ``terminal`` is the terminal's name, ``to`` the far end (``"pop"`` or another
    terminal's name), ``step_s`` the run's step.
    """

    terminal: str
    to: str
    step_s: float
    t_s: NDArray[np.float64]
    time: tuple[str, ...]
    delay_up_ms: NDArray[np.float64]
    delay_down_ms: NDArray[np.float64]
    jitter_up_ms: NDArray[np.float64]
    jitter_down_ms: NDArray[np.float64]
    rate_up_mbps: NDArray[np.float64]
    rate_down_mbps: NDArray[np.float64]
    loss: NDArray[np.float64]
    outage: NDArray[np.bool_]
    cause: tuple[str, ...]
    source: str = field(default="")

    def __post_init__(self) -> None:
        n = len(self.t_s)
        for name in TRACE_COLUMNS:
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"trace column {name!r} has {len(getattr(self, name))} "
                    f"values, t_s has {n}: every column needs one per step"
                )
        if n == 0:
            raise ValueError("a trace needs at least one step")
        if np.any(np.diff(self.t_s) <= 0):
            raise ValueError("trace t_s must increase strictly from step to step")

    def __len__(self) -> int:
        return len(self.t_s)

    @property
    def rtt_ms(self) -> NDArray[np.float64]:
        """Round-trip time per step, ms: up plus down (NaN during an outage)."""
        return np.where(self.outage, np.nan, self.delay_up_ms + self.delay_down_ms)

    def equals(self, other: Trace) -> bool:
        """True when every column and header field is the same (NaN equal to NaN)."""
        if (self.terminal, self.to, self.step_s, self.time, self.cause) != (
            other.terminal,
            other.to,
            other.step_s,
            other.time,
            other.cause,
        ):
            return False
        return all(
            np.array_equal(getattr(self, c), getattr(other, c), equal_nan=True)
            for c in (*_FLOAT_COLUMNS, "outage")
        )

    def slice(self, start: int, stop: int) -> Trace:
        """Steps ``start..stop-1`` (``t_s`` keeps its values)."""
        kwargs: dict[str, Any] = {c: getattr(self, c)[start:stop] for c in TRACE_COLUMNS}
        return Trace(
            terminal=self.terminal, to=self.to, step_s=self.step_s, source=self.source, **kwargs
        )


def _jitter(delay_ms: NDArray[np.float64], up: NDArray[np.bool_]) -> NDArray[np.float64]:
    previous_up = np.r_[False, up[:-1]]
    change = np.abs(np.diff(delay_ms, prepend=delay_ms[:1]))
    return np.where(up & previous_up, change, 0.0)


def _iso(utc_ns: NDArray[np.int64]) -> tuple[str, ...]:
    text = np.datetime_as_string(utc_ns.astype("datetime64[ns]"), unit="ms")
    return tuple(f"{t}Z" for t in text)


def _terminal_rows(run_dir: Path, terminal: str) -> dict[str, NDArray[Any]]:
    from leonet.results import query

    table = query(run_dir, "SELECT DISTINCT terminal FROM terminals ORDER BY terminal")
    names = [str(n) for n in table.column("terminal").to_pylist()]
    if terminal not in names:
        raise LookupError(
            f"{run_dir}: no terminal named {terminal!r}; the run has "
            f"{', '.join(names) or 'no named terminals'}"
        )
    quoted = terminal.replace("'", "''")
    rows = query(
        run_dir,
        "SELECT epoch_ns(time) AS utc_ns, served, reason, rtt_ms, "
        "throughput_up_mbps, throughput_down_mbps FROM terminals "
        f"WHERE terminal = '{quoted}' ORDER BY time",
    )
    served = np.asarray(rows.column("served").to_numpy(zero_copy_only=False), dtype=bool)
    rtt = rows.column("rtt_ms").to_numpy(zero_copy_only=False).astype(np.float64)
    reason = [r or "" for r in rows.column("reason").to_pylist()]
    # A served step with no RTT (no route to a PoP) is an outage too.
    up = served & np.isfinite(rtt)
    cause = np.array(
        [("" if u else (r or "no-route")) for u, r in zip(up, reason, strict=True)], dtype=object
    )
    return {
        "utc_ns": rows.column("utc_ns").to_numpy(zero_copy_only=False).astype(np.int64),
        "up": up,
        "owd_ms": np.where(up, rtt / 2.0, np.nan),
        "rate_up_mbps": np.where(
            up, rows.column("throughput_up_mbps").to_numpy(zero_copy_only=False), 0.0
        ).astype(np.float64),
        "rate_down_mbps": np.where(
            up, rows.column("throughput_down_mbps").to_numpy(zero_copy_only=False), 0.0
        ).astype(np.float64),
        "cause": cause,
    }


def _pop_fibre_ms(run_dir: Path, utc_ns: NDArray[np.int64], a: str, b: str) -> NDArray[np.float64]:
    """One-way fibre delay between the PoPs serving terminals ``a`` and ``b`` per step (0 when
    they share one), from the PoPs' positions in the run's ``ground`` table."""
    from leonet.results import query

    pops = query(run_dir, "SELECT name, lat_deg, lon_deg FROM ground WHERE kind = 'pop'")
    where = {
        str(n): (float(la), float(lo))
        for n, la, lo in zip(
            pops.column("name").to_pylist(),
            pops.column("lat_deg").to_pylist(),
            pops.column("lon_deg").to_pylist(),
            strict=True,
        )
    }
    serving = query(
        run_dir,
        "SELECT epoch_ns(time) AS utc_ns, terminal, pop FROM terminals "
        f"WHERE terminal IN ('{a.replace(chr(39), chr(39) * 2)}', "
        f"'{b.replace(chr(39), chr(39) * 2)}') ORDER BY time",
    )
    pop_of: dict[tuple[int, str], str] = {}
    for t, name, pop in zip(
        serving.column("utc_ns").to_pylist(),
        serving.column("terminal").to_pylist(),
        serving.column("pop").to_pylist(),
        strict=True,
    ):
        pop_of[(int(t), str(name))] = pop or ""
    out = np.zeros(len(utc_ns))
    for i, t in enumerate(utc_ns.tolist()):  # once per step of one trace: not a hot path
        pa_, pb = pop_of.get((t, a), ""), pop_of.get((t, b), "")
        if pa_ and pb and pa_ != pb and pa_ in where and pb in where:
            (la1, lo1), (la2, lo2) = where[pa_], where[pb]
            p1, p2 = math.radians(la1), math.radians(la2)
            h = (
                math.sin((p2 - p1) / 2) ** 2
                + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lo2 - lo1) / 2) ** 2
            )
            km = 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
            out[i] = km / (C_KM_S * 2.0 / 3.0) * 1e3  # light in fibre: ~2/3 c
    return out


def trace_from_run(run_dir: str | os.PathLike[str], terminal: str, to: str = "pop") -> Trace:
    """The path of ``terminal`` in the run at ``run_dir``, to its PoP (``to="pop"``) or to
    another named terminal of the run (through both terminals' PoPs and, between two
    different PoPs, great-circle fibre at 2/3 c)."""
    root = Path(run_dir)
    if not (root / "terminals.parquet").exists():
        raise FileNotFoundError(
            f"{root} has no terminals.parquet: give the folder of a "
            "finished `leonet run` that names terminals"
        )
    me = _terminal_rows(root, terminal)
    step_s = float(np.median(np.diff(me["utc_ns"])) / 1e9) if len(me["utc_ns"]) > 1 else 1.0
    if to == "pop":
        up, owd_up, owd_down = me["up"], me["owd_ms"], me["owd_ms"]
        rate_up, rate_down, cause = me["rate_up_mbps"], me["rate_down_mbps"], me["cause"]
    else:
        if to == terminal:
            raise ValueError(
                f"--to {to!r} is the terminal itself: give another terminal of the run, or 'pop'"
            )
        peer = _terminal_rows(root, to)
        if not np.array_equal(peer["utc_ns"], me["utc_ns"]):
            raise ValueError(f"{root}: terminals {terminal!r} and {to!r} have different time steps")
        fibre_ms = _pop_fibre_ms(root, me["utc_ns"], terminal, to)
        up = me["up"] & peer["up"]
        owd = me["owd_ms"] + peer["owd_ms"] + fibre_ms
        owd_up = owd_down = np.where(up, owd, np.nan)
        rate_up = np.where(up, np.minimum(me["rate_up_mbps"], peer["rate_down_mbps"]), 0.0)
        rate_down = np.where(up, np.minimum(peer["rate_up_mbps"], me["rate_down_mbps"]), 0.0)
        cause = np.where(
            ~me["up"],
            me["cause"],
            np.where(~peer["up"], np.array([f"peer-{c}" for c in peer["cause"]], dtype=object), ""),
        )
    delay_up = np.where(up, owd_up, np.nan).astype(np.float64)
    delay_down = np.where(up, owd_down, np.nan).astype(np.float64)
    utc_ns = me["utc_ns"]
    return Trace(
        terminal=terminal,
        to=to,
        step_s=step_s,
        t_s=(utc_ns - utc_ns[0]) / 1e9,
        time=_iso(utc_ns),
        delay_up_ms=delay_up,
        delay_down_ms=delay_down,
        jitter_up_ms=_jitter(delay_up, up),
        jitter_down_ms=_jitter(delay_down, up),
        rate_up_mbps=np.asarray(rate_up, dtype=np.float64),
        rate_down_mbps=np.asarray(rate_down, dtype=np.float64),
        loss=np.where(up, 0.0, 1.0),
        outage=~up,
        cause=tuple(str(c) for c in cause),
        source=str(root),
    )


def _number(x: float) -> str:
    return "" if math.isnan(x) else repr(float(x))


def _header(trace: Trace) -> dict[str, Any]:
    return {
        "format": TRACE_FORMAT,
        "terminal": trace.terminal,
        "to": trace.to,
        "step_s": trace.step_s,
        "source": trace.source,
    }


def write_trace(
    trace: Trace, path: str | os.PathLike[str] | None = None, fmt: str | None = None
) -> str:
    """Write ``trace`` as CSV or JSON (``fmt``, else from the suffix of ``path``; CSV by
    default) to ``path`` (if given) and return the text.

    CSV: ``# key: value`` header lines (format, terminal, to, step_s, source), then a header
    row of ``TRACE_COLUMNS`` and one row per step; an outage's delays are empty.  JSON: an
    object with the same header keys and ``steps``, a list of one object per step (an
    outage's delays are ``null``).
    """
    kind = fmt or (Path(path).suffix.lstrip(".").lower() if path is not None else "csv")
    if kind not in ("csv", "json"):
        raise ValueError(f"unknown trace format {kind!r}: use csv or json")
    if kind == "csv":
        buffer = io.StringIO()
        for key, value in _header(trace).items():
            buffer.write(f"# {key}: {value}\n")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(TRACE_COLUMNS)
        for i in range(len(trace)):
            writer.writerow(
                [
                    *(_number(getattr(trace, c)[i]) for c in ("t_s",)),
                    trace.time[i],
                    *(_number(getattr(trace, c)[i]) for c in _FLOAT_COLUMNS[1:]),
                    "true" if trace.outage[i] else "false",
                    trace.cause[i],
                ]
            )
        text = buffer.getvalue()
    else:
        steps = []
        for i in range(len(trace)):
            row: dict[str, Any] = {}
            for c in TRACE_COLUMNS:
                value = getattr(trace, c)[i]
                if c in _FLOAT_COLUMNS:
                    value = None if math.isnan(value) else float(value)
                elif c == "outage":
                    value = bool(value)
                row[c] = value
            steps.append(row)
        text = json.dumps({**_header(trace), "steps": steps}, indent=1) + "\n"
    if path is not None:
        Path(path).write_text(text)
    return text


def _bad(where: str, message: str) -> ValueError:
    return ValueError(f"{where}: {message}")


def _parse_float(value: Any, where: str, column: str) -> float:
    if value is None or value == "":
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _bad(where, f"column {column!r} must be a number, got {value!r}") from None


def _parse_bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "1"):
        return True
    if str(value).strip().lower() in ("false", "0"):
        return False
    raise _bad(where, f"column 'outage' must be true or false, got {value!r}")


def _build(header: dict[str, Any], rows: list[tuple[str, dict[str, Any]]], name: str) -> Trace:
    if header.get("format") != TRACE_FORMAT:
        raise _bad(
            name,
            f"not a leonet trace: format is {header.get('format')!r}, expected "
            f"{TRACE_FORMAT!r} (write one with `leonet trace`)",
        )
    for key in ("terminal", "to", "step_s"):
        if key not in header:
            raise _bad(name, f"the header lacks {key!r}")
    if not rows:
        raise _bad(name, "the trace has no steps")
    columns: dict[str, list[Any]] = {c: [] for c in TRACE_COLUMNS}
    for where, row in rows:
        missing = [c for c in TRACE_COLUMNS if c not in row]
        if missing:
            raise _bad(where, f"missing column(s) {', '.join(missing)}")
        for c in _FLOAT_COLUMNS:
            columns[c].append(_parse_float(row[c], where, c))
        outage = _parse_bool(row["outage"], where)
        columns["outage"].append(outage)
        columns["time"].append(str(row["time"]))
        columns["cause"].append(str(row["cause"] or ""))
        up_ms, down_ms = columns["delay_up_ms"][-1], columns["delay_down_ms"][-1]
        if not outage and not (
            math.isfinite(up_ms) and math.isfinite(down_ms) and up_ms >= 0 and down_ms >= 0
        ):
            raise _bad(
                where, "a step that is not an outage needs delay_up_ms and delay_down_ms >= 0"
            )
        if not 0.0 <= columns["loss"][-1] <= 1.0:
            raise _bad(where, f"column 'loss' must be within 0..1, got {columns['loss'][-1]}")
    try:
        return Trace(
            terminal=str(header["terminal"]),
            to=str(header["to"]),
            step_s=float(header["step_s"]),
            source=str(header.get("source", "")),
            t_s=np.array(columns["t_s"]),
            time=tuple(columns["time"]),
            cause=tuple(columns["cause"]),
            outage=np.array(columns["outage"], dtype=bool),
            **{c: np.array(columns[c], dtype=np.float64) for c in _FLOAT_COLUMNS if c != "t_s"},
        )
    except ValueError as exc:
        raise _bad(name, str(exc)) from None


def read_trace(path: str | os.PathLike[str]) -> Trace:
    """Read a trace written by :func:`write_trace` (CSV or JSON, by content).  A bad file
    raises ``ValueError`` naming the file, line (CSV) or step (JSON) and column."""
    name = str(path)
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"no trace file {name}: write one with `leonet trace RUN --terminal NAME --out FILE`"
        ) from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(f"{name}:{exc.lineno}", f"not valid JSON ({exc.msg})") from None
        steps = data.get("steps")
        if not isinstance(steps, list):
            raise _bad(name, "a JSON trace needs a list 'steps'")
        rows = [(f"{name} step {i}", s if isinstance(s, dict) else {}) for i, s in enumerate(steps)]
        return _build({k: v for k, v in data.items() if k != "steps"}, rows, name)
    header: dict[str, Any] = {}
    lines = text.splitlines()
    first = 0
    while first < len(lines) and lines[first].startswith("#"):
        key, _, value = lines[first][1:].partition(":")
        header[key.strip()] = value.strip()
        first += 1
    if header.get("format") != TRACE_FORMAT:
        raise _bad(
            name,
            f"not a leonet trace: its first line should be '# format: "
            f"{TRACE_FORMAT}' (write one with `leonet trace`)",
        )
    reader = csv.reader(lines[first:])
    try:
        columns = next(reader)
    except StopIteration:
        raise _bad(name, "no header row") from None
    unknown = [c for c in columns if c not in TRACE_COLUMNS]
    if unknown:
        raise _bad(
            f"{name}:{first + 1}",
            f"unknown column(s) {', '.join(unknown)}; a trace has {', '.join(TRACE_COLUMNS)}",
        )
    rows = []
    for number, values in enumerate(reader, start=first + 2):
        if len(values) != len(columns):
            raise _bad(f"{name}:{number}", f"{len(values)} fields, the header has {len(columns)}")
        rows.append((f"{name}:{number}", dict(zip(columns, values, strict=True))))
    return _build(header, rows, name)


def synthetic_trace_time(start: datetime, t_s: NDArray[np.float64]) -> tuple[str, ...]:
    """ISO times for ``t_s`` seconds after ``start`` (aware UTC), for hand-made traces."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware UTC")
    ns = int(start.astimezone(UTC).timestamp() * 1e9) + (np.asarray(t_s) * 1e9).astype(np.int64)
    return _iso(ns)
