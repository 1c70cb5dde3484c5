"""Helpers for the access tests: synthetic Walker shells and real Starlink positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from leonet.access.visibility import Visibility
from leonet.constants import EARTH_ROTATION_RAD_S, WGS84_A_KM, WGS84_MU_KM3_S2


def walker_ecef_km(
    offsets_s: np.ndarray,
    altitude_km: float = 550.0,
    inclination_deg: float = 53.0,
    planes: int = 24,
    per_plane: int = 22,
    phasing: int = 1,
) -> np.ndarray:
    """ECEF km ``(time, sat, 3)`` of a circular Walker delta shell (two-body, no J2)."""
    r = WGS84_A_KM + altitude_km
    n = np.sqrt(WGS84_MU_KM3_S2 / r**3)
    total = planes * per_plane
    plane = np.repeat(np.arange(planes), per_plane)
    slot = np.tile(np.arange(per_plane), planes)
    raan0 = 2 * np.pi * plane / planes
    u0 = 2 * np.pi * (slot / per_plane + phasing * plane / total)
    t = np.asarray(offsets_s, dtype=float)[:, None]
    u = u0 + n * t
    raan = raan0 - EARTH_ROTATION_RAD_S * t
    inc = np.deg2rad(inclination_deg)
    x = r * (np.cos(raan) * np.cos(u) - np.sin(raan) * np.sin(u) * np.cos(inc))
    y = r * (np.sin(raan) * np.cos(u) + np.cos(raan) * np.sin(u) * np.cos(inc))
    z = r * np.sin(u) * np.sin(inc) * np.ones_like(raan)
    return np.stack((x, y, z), axis=-1)


@pytest.fixture(scope="session")
def walker() -> Callable[..., np.ndarray]:
    return walker_ecef_km


@pytest.fixture(scope="session")
def starlink_tles(shared_data: Path) -> list[tuple[str, str, str]]:
    lines = (shared_data / "starlink_tle_2026-05-30.txt").read_text().splitlines()
    return [(lines[k].strip(), lines[k + 1], lines[k + 2]) for k in range(0, len(lines) - 2, 3)]


def random_visibility(rng: np.random.Generator, n_time: int, n_site: int, n_sat: int) -> Visibility:
    """Pairs that come and go (mid-slot losses), elevations on a coarse grid (ties)."""
    present = rng.random((n_site, n_sat)) < 0.3
    steps = []
    for _ in range(n_time):
        flip = rng.random(present.shape)
        present = np.where(present, flip < 0.85, flip < 0.06)
        steps.append(present)
    t, s, k = np.nonzero(np.stack(steps))
    offsets = np.zeros(n_time * n_site + 1, np.int64)
    np.cumsum(np.stack(steps).sum(axis=2).ravel(), out=offsets[1:])
    el = rng.choice([30.0, 45.0, 60.0], t.size)
    return Visibility(
        n_time,
        n_site,
        n_sat,
        offsets,
        t.astype(np.int32),
        s.astype(np.int32),
        k.astype(np.int32),
        rng.uniform(0.0, 360.0, t.size),
        el,
        rng.uniform(500.0, 2000.0, t.size),
    )


@pytest.fixture(scope="session")
def random_vis() -> Callable[..., Visibility]:
    """:func:`random_visibility`, for tests."""
    return random_visibility
