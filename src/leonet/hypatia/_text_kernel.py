"""Compiled CSV formatting of integer and fixed-point columns (numba).

Hypatia's outputs are text, one line per row; formatting ~170,000 forwarding
rows and ~5,000 RTT rows a step with Python string formatting would cost more
than the routing, so rows are written into one byte buffer here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leonet._numba import compiled

__all__ = ["format_path_rows", "format_rows"]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
U8 = NDArray[np.uint8]


@compiled()
def _put_int(buf: U8, pos: int, value: int) -> int:
    if value < 0:
        buf[pos] = 45  # '-'
        pos += 1
        value = -value
    digits = 1
    probe = value
    while probe >= 10:
        probe //= 10
        digits += 1
    for k in range(digits - 1, -1, -1):
        buf[pos + k] = 48 + value % 10
        value //= 10
    return pos + digits


@compiled()
def _put_fixed(buf: U8, pos: int, value: float, decimals: int) -> int:
    if not np.isfinite(value):
        buf[pos] = 110  # 'nan'
        buf[pos + 1] = 97
        buf[pos + 2] = 110
        return pos + 3
    scale = 10**decimals
    if value < 0:
        buf[pos] = 45
        pos += 1
        value = -value
    scaled = np.int64(np.round(value * scale))
    pos = _put_int(buf, pos, scaled // scale)
    if decimals > 0:
        buf[pos] = 46  # '.'
        pos += 1
        frac = scaled % scale
        for k in range(decimals - 1, -1, -1):
            buf[pos + k] = 48 + frac % 10
            frac //= 10
        pos += decimals
    return pos


@compiled()
def _format(ints: I64, floats: F64, kinds: I64, decimals: I64, buf: U8) -> int:
    n_rows = ints.shape[0] if ints.shape[1] > 0 else floats.shape[0]
    pos = 0
    for i in range(n_rows):
        ki = 0
        kf = 0
        for c in range(kinds.shape[0]):
            if c > 0:
                buf[pos] = 44  # ','
                pos += 1
            if kinds[c] == 0:
                pos = _put_int(buf, pos, ints[i, ki])
                ki += 1
            else:
                pos = _put_fixed(buf, pos, floats[i, kf], decimals[c])
                kf += 1
        buf[pos] = 10  # '\n'
        pos += 1
    return pos


def format_rows(columns: list[tuple[NDArray[np.generic], int | None]]) -> bytes:
    """CSV lines from ``(array (row,), decimals)`` columns: ``decimals=None`` for an integer
    column, else a fixed-point one with that many decimals (``nan`` for non-finite)."""
    n = int(np.shape(columns[0][0])[0])
    ints = [np.asarray(a, dtype=np.int64) for a, d in columns if d is None]
    floats = [np.asarray(a, dtype=np.float64) for a, d in columns if d is not None]
    int_block = np.stack(ints, axis=1) if ints else np.zeros((n, 0), dtype=np.int64)
    float_block = np.stack(floats, axis=1) if floats else np.zeros((n, 0))
    kinds = np.array([0 if d is None else 1 for _, d in columns], dtype=np.int64)
    decimals = np.array([0 if d is None else int(d) for _, d in columns], dtype=np.int64)
    if float_block.size:
        finite = float_block[np.isfinite(float_block)]
        top = float(np.abs(finite).max()) if finite.size else 0.0
        if top * 10.0 ** int(decimals.max()) >= 2.0**62:
            raise ValueError("a value is too large for fixed-point formatting")
    width = 21 * len(columns) + 1
    buf = np.empty(n * width, dtype=np.uint8)
    end = _format(
        np.ascontiguousarray(int_block), np.ascontiguousarray(float_block), kinds, decimals, buf
    )
    return buf[:end].tobytes()


@compiled()
def _format_paths(
    src: I64,
    dst: I64,
    t_s: float,
    t_decimals: int,
    rtt: F64,
    hops: I64,
    path: I64,
    which: I64,
    buf: U8,
) -> int:
    pos = 0
    for i in which:
        pos = _put_int(buf, pos, src[i])
        buf[pos] = 44
        pos = _put_int(buf, pos + 1, dst[i])
        buf[pos] = 44
        pos = _put_fixed(buf, pos + 1, t_s, t_decimals)
        buf[pos] = 44
        pos = _put_fixed(buf, pos + 1, rtt[i], 6)
        buf[pos] = 44
        pos = _put_int(buf, pos + 1, hops[i])
        buf[pos] = 44
        pos += 1
        first = True
        for j in range(path.shape[1]):
            if path[i, j] < 0:
                break
            if not first:
                buf[pos] = 45  # '-'
                pos += 1
            pos = _put_int(buf, pos, path[i, j])
            first = False
        buf[pos] = 10
        pos += 1
    return pos


def format_path_rows(
    src: I64, dst: I64, t_s: float, t_decimals: int, rtt_ms: F64, hops: I64, path: I64, which: I64
) -> bytes:
    """Lines ``src,dst,t_s,rtt_ms,hops,path`` of the pairs ``which`` (path ``a-b-c``, empty
    without one; ``rtt_ms`` to 6 decimals, ``nan`` without a path)."""
    which = np.asarray(which, dtype=np.int64)
    if which.size == 0:
        return b""
    width = 21 * 5 + 21 * path.shape[1] + 8
    buf = np.empty(which.shape[0] * width, dtype=np.uint8)
    end = _format_paths(
        src,
        dst,
        float(t_s),
        int(t_decimals),
        np.asarray(rtt_ms, np.float64),
        hops,
        np.ascontiguousarray(path, dtype=np.int64),
        which,
        buf,
    )
    return buf[:end].tobytes()
