"""Hypatia's output files, written and read back.

* ``fstate_<t_ns>.txt`` — Hypatia's forwarding state: one line
  ``node,destination,next_hop,my_if,next_if`` per decision (all ints,
  ``-1`` where there is no path); the first step holds every row, later
  steps only the rows that changed (Hypatia's rule; ns-3's Hypatia module
  applies them in turn).  Rows: satellites ascending × destination stations,
  then source stations × other destination stations.
* ``all_pairs_rtt.csv`` — ``src_gid,dst_gid,t_s,rtt_ms,hops``, one row per
  unordered station pair (``src < dst``) and step; ``rtt_ms`` ``nan`` and
  ``hops`` ``-1`` without a path.
* ``pair_summary.csv`` — per pair over the run: reachable steps, RTT min /
  mean / max, hops min / max, path changes.
* ``path_changes.csv`` — ``src_gid,dst_gid,t_s,rtt_ms,hops,path`` at the first
  step and at every step where a pair's path (node ids joined by ``-``, as
  Hypatia prints paths) changed; ``path`` empty without one.

Each file is written atomically (a temporary file renamed into place).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from leonet.hypatia._text_kernel import format_rows
from leonet.hypatia.inputs import HypatiaInputError
from leonet.network.allpairs import Forwarding

__all__ = [
    "PAIR_SUMMARY_HEADER",
    "PATH_CHANGES_HEADER",
    "RTT_HEADER",
    "fstate_bytes",
    "fstate_name",
    "read_fstate",
    "read_rtt_csv",
    "rtt_bytes",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]

RTT_HEADER = "src_gid,dst_gid,t_s,rtt_ms,hops\n"
PAIR_SUMMARY_HEADER = (
    "src_gid,dst_gid,src_name,dst_name,reachable_steps,steps,rtt_min_ms,"
    "rtt_mean_ms,rtt_max_ms,hops_min,hops_max,path_changes\n"
)
PATH_CHANGES_HEADER = "src_gid,dst_gid,t_s,rtt_ms,hops,path\n"


def fstate_name(t_ns: int) -> str:
    """Hypatia's file name of the forwarding state at ``t_ns`` since the epoch."""
    return f"fstate_{int(t_ns)}.txt"


def fstate_bytes(fwd: Forwarding) -> bytes:
    """``fwd`` as the text of Hypatia's ``fstate_<t_ns>.txt``."""
    if len(fwd) == 0:
        return b""
    return format_rows(
        [
            (fwd.node, None),
            (fwd.destination, None),
            (fwd.next_hop, None),
            (fwd.my_if, None),
            (fwd.next_if, None),
        ]
    )


def read_fstate(path: str | os.PathLike[str]) -> Forwarding:
    """Read one ``fstate_<t_ns>.txt`` back (five integer columns a line)."""
    file = Path(path)
    text = file.read_text(encoding="ascii")
    rows = [ln for ln in text.splitlines() if ln.strip()]
    out = np.empty((len(rows), 5), dtype=np.int64)
    for k, line in enumerate(rows):
        cols = line.split(",")
        try:
            if len(cols) != 5:
                raise ValueError
            out[k] = [int(c) for c in cols]
        except ValueError:
            raise HypatiaInputError(
                file,
                k + 1,
                f"{line!r}: an fstate line is five integers "
                "'node,destination,next_hop,my_if,next_if'",
            ) from None
    return Forwarding(*(np.ascontiguousarray(out[:, c]) for c in range(5)))


def rtt_bytes(src: I64, dst: I64, t_s: float, rtt_ms: F64, hops: I64, t_decimals: int) -> bytes:
    """Rows of ``all_pairs_rtt.csv`` for one step (RTT to the nanosecond: 6 decimals of ms)."""
    n = src.shape[0]
    return format_rows(
        [(src, None), (dst, None), (np.full(n, t_s), t_decimals), (rtt_ms, 6), (hops, None)]
    )


def read_rtt_csv(path: str | os.PathLike[str]) -> dict[str, NDArray[np.generic]]:
    """``all_pairs_rtt.csv`` as columns: ``src_gid``, ``dst_gid``, ``t_s``, ``rtt_ms``, ``hops``."""
    file = Path(path)
    with open(file, encoding="ascii") as handle:
        header = handle.readline()
        if header != RTT_HEADER:
            raise HypatiaInputError(
                file, 1, f"header {header.strip()!r}, expected {RTT_HEADER.strip()!r}"
            )
        data = np.loadtxt(handle, delimiter=",", ndmin=2)
    return {
        "src_gid": data[:, 0].astype(np.int64),
        "dst_gid": data[:, 1].astype(np.int64),
        "t_s": data[:, 2],
        "rtt_ms": data[:, 3],
        "hops": data[:, 4].astype(np.int64),
    }
