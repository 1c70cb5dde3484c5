"""Hypatia's ground-link rule: a maximum slant range, inclusive, flipping at the boundary."""

from __future__ import annotations

import math

import numpy as np
import pytest

from leonet.hypatia import STARLINK_550, max_gsl_length_m
from leonet.network.allpairs import ground_links


def test_links_are_exactly_the_pairs_within_the_range(setup):
    r, gs = setup["r_km"][0], setup["gs_km"]
    limit = setup["gsl_km"]
    start, sat, length = ground_links(gs, r, limit)
    brute = np.linalg.norm(r[None, :, :] - gs[:, None, :], axis=-1)
    for g in range(gs.shape[0]):
        want = np.flatnonzero(brute[g] <= limit)
        got = sat[start[g] : start[g + 1]]
        np.testing.assert_array_equal(got, want)
        np.testing.assert_allclose(length[start[g] : start[g + 1]], brute[g, want], rtol=1e-15)
    assert 5 < np.diff(start).mean() < 60  # Starlink-550 at 1,090 km: tens in range


def test_a_link_flips_at_the_boundary():
    gs = np.array([[6378.0, 0.0, 0.0]])
    sat = np.array([[6378.0 + 1089.0, 0.0, 0.0], [6378.0, 500.0, 0.0]])
    d = 1089.0
    assert list(ground_links(gs, sat, d)[1]) == [0, 1]  # at the limit: in (inclusive)
    assert list(ground_links(gs, sat, np.nextafter(d, 0.0))[1]) == [1]  # a hair less: out
    assert list(ground_links(gs, sat, 499.999)[1]) == []


def test_hypatia_starlink_550_and_the_elevation_rule():
    # Hypatia's main_starlink_550.py: sqrt(940,700² + 550,000²) m.
    assert STARLINK_550.max_gsl_length_m == pytest.approx(1_089_686.4, abs=0.1)
    # Its flat-Earth cone: altitude / tan(e) horizontally, so altitude / sin(e) slant.
    assert max_gsl_length_m(630_000.0, 30.0) == pytest.approx(1_260_000.0, rel=1e-12)
    assert max_gsl_length_m(550_000.0, 90.0) == pytest.approx(550_000.0, rel=1e-12)
    assert max_gsl_length_m(550_000.0, 25.0) == pytest.approx(
        550_000.0 / math.sin(math.radians(25.0)), rel=1e-12
    )
    with pytest.raises(ValueError, match="angle"):
        max_gsl_length_m(550_000.0, 0.0)
    with pytest.raises(ValueError, match="altitude"):
        max_gsl_length_m(-1.0, 25.0)
    # Its ISL limit: the line of sight 80 km above a WGS72 sphere.
    assert STARLINK_550.max_isl_length_m == pytest.approx(5_016_591.2, abs=1.0)
