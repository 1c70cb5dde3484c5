"""Hypatia's output formats: the compiled writer against Python's formatting, read back."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.hypatia import HypatiaInputError, fstate_bytes, read_fstate, rtt_bytes
from leonet.hypatia._text_kernel import format_path_rows, format_rows
from leonet.network.allpairs import Forwarding


def test_integer_and_fixed_point_columns_match_python_formatting():
    rng = np.random.default_rng(3)
    ints = rng.integers(-(10**12), 10**12, 500)
    floats = rng.uniform(-1e5, 1e5, 500)
    floats[::50] = np.nan
    text = format_rows([(ints, None), (floats, 6), (np.abs(ints) % 7, None)]).decode()
    want = "".join(
        f"{a},{'nan' if np.isnan(b) else f'{b:.6f}'},{abs(a) % 7}\n"
        for a, b in zip(ints.tolist(), floats.tolist(), strict=True)
    )
    assert text == want


def test_fstate_round_trip(tmp_path):
    rng = np.random.default_rng(4)
    cols = [rng.integers(-1, 1700, 1000) for _ in range(5)]
    fwd = Forwarding(*cols)
    path = tmp_path / "fstate_0.txt"
    path.write_bytes(fstate_bytes(fwd))
    back = read_fstate(path)
    for name in ("node", "destination", "next_hop", "my_if", "next_if"):
        np.testing.assert_array_equal(getattr(back, name), getattr(fwd, name))
    empty = Forwarding(*(np.zeros(0, np.int64) for _ in range(5)))
    assert fstate_bytes(empty) == b""


def test_a_malformed_fstate_line_is_located(tmp_path):
    path = tmp_path / "fstate_5.txt"
    path.write_text("1,2,3,4,5\n1,2,3\n")
    with pytest.raises(HypatiaInputError, match=r"fstate_5\.txt, line 2"):
        read_fstate(path)


def test_rtt_and_path_rows():
    src, dst = np.array([0, 0]), np.array([1, 2])
    rows = rtt_bytes(src, dst, 1.5, np.array([12.3456789, np.inf]), np.array([4, -1]), 1)
    assert rows == b"0,1,1.5,12.345679,4\n0,2,1.5,nan,-1\n"
    path = np.array([[1584, 7, 8, 1585], [-1, -1, -1, -1]])
    text = format_path_rows(
        src, dst, 2.0, 0, np.array([9.0, np.nan]), np.array([3, -1]), path, np.array([0, 1])
    )
    assert text == b"0,1,2,9.000000,3,1584-7-8-1585\n0,2,2,nan,-1,\n"
