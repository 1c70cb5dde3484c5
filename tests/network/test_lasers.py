"""Laser links: +Grid structure, range and grazing limits, faults, nearest neighbours."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist

from leonet.constants import WGS84_A_KM
from leonet.network import (
    LaserCandidates,
    line_of_sight_clear,
    nearest_neighbour_links,
    plus_grid_candidates,
    plus_grid_links,
    plus_grid_links_chunk,
    satellites_in_planes,
)
from support.circular import walker_delta_ecef_km


def _shell(
    planes: int,
    per_plane: int,
    phasing: int,
    altitude_km: float = 550.0,
    inclination_deg: float = 53.0,
    t_s: float = 0.0,
):  # type: ignore[no-untyped-def]
    r, plane, slot = walker_delta_ecef_km(
        altitude_km, inclination_deg, planes, per_plane, phasing, [t_s]
    )
    return r[0], np.zeros_like(plane), plane, slot


def _degree(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(np.concatenate([a, b]), minlength=n)


@pytest.mark.parametrize(
    ("planes", "per_plane", "phasing"), [(72, 22, 17), (24, 24, 1), (6, 11, 0), (3, 3, 2)]
)
def test_plus_grid_degree_is_four_for_a_full_walker_shell(
    planes: int, per_plane: int, phasing: int
) -> None:
    r, shell, plane, slot = _shell(planes, per_plane, phasing)
    cand = plus_grid_candidates(shell, plane, slot, phasing=[phasing])
    n = r.shape[0]
    assert len(cand) == 2 * n and cand.dynamic_link.size == 0
    assert (_degree(cand.sat_a, cand.sat_b, n) == 4).all()
    pairs = {(int(a), int(b)) for a, b in zip(cand.sat_a, cand.sat_b, strict=True)}
    assert len(pairs) == 2 * n  # four *distinct* neighbours
    # In-plane neighbours are slot ± 1 of the same plane.
    in_plane = cand.kind == 0
    assert (plane[cand.sat_a[in_plane]] == plane[cand.sat_b[in_plane]]).all()
    ds = np.abs(slot[cand.sat_a[in_plane]] - slot[cand.sat_b[in_plane]])
    assert np.isin(ds, [1, per_plane - 1]).all()
    if planes * per_plane >= 500:  # a dense shell: every link is short and clear at a step
        links = plus_grid_links(cand, r)
        assert len(links) == 2 * n
        assert (_degree(links.sat_a, links.sat_b, n) == 4).all()


def test_seam_without_phasing_joins_equal_slots() -> None:
    _r, shell, plane, slot = _shell(10, 10, 3)
    cand = plus_grid_candidates(shell, plane, slot)
    seam = (cand.kind == 1) & (plane[cand.sat_a] == 0) & (plane[cand.sat_b] == 9)
    assert seam.sum() == 10
    assert (slot[cand.sat_a[seam]] == slot[cand.sat_b[seam]]).all()


def test_no_link_exceeds_the_range_limit() -> None:
    r, shell, plane, slot = _shell(20, 18, 5, altitude_km=1_100.0)
    cand = plus_grid_candidates(shell, plane, slot, phasing=[5])
    full = plus_grid_links(cand, r, max_range_km=1e9)
    limit_km = float(np.median(full.length_km))
    links = plus_grid_links(cand, r, max_range_km=limit_km)
    assert 0 < len(links) < len(full)
    assert links.length_km.max() <= limit_km
    assert np.allclose(links.length_km, np.linalg.norm(r[links.sat_a] - r[links.sat_b], axis=1))
    assert len(nearest_neighbour_links(r, max_range_km=limit_km)) > 0
    assert nearest_neighbour_links(r, max_range_km=limit_km).length_km.max() <= limit_km


def test_a_grazing_link_is_removed() -> None:
    # One ring of n satellites at 550 km: the chord between neighbours passes
    # R cos(π/n) from the centre: 8 satellites graze (6,401 km < 6,458 km), 9 clear (6,510 km).
    radius = WGS84_A_KM + 550.0
    for n_ring, expect in ((8, 0), (9, 9)):
        u = 2 * np.pi * np.arange(n_ring) / n_ring
        r = radius * np.stack([np.cos(u), np.sin(u), np.zeros_like(u)], axis=1)
        zeros = np.zeros(n_ring, np.int64)
        cand = plus_grid_candidates(zeros, zeros, np.arange(n_ring))
        assert len(cand) == n_ring
        links = plus_grid_links(cand, r, max_range_km=20_000.0)
        assert len(links) == expect
        assert len(nearest_neighbour_links(r, k=2, max_range_km=20_000.0)) == expect


def test_line_of_sight_matches_a_sampled_segment() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(400, 3))
    b = rng.normal(size=(400, 3))
    a *= (WGS84_A_KM + rng.uniform(300, 2_000, 400))[:, None] / np.linalg.norm(a, axis=1)[:, None]
    b *= (WGS84_A_KM + rng.uniform(300, 2_000, 400))[:, None] / np.linalg.norm(b, axis=1)[:, None]
    t = np.linspace(0.0, 1.0, 20_001)
    points = a[:, None, :] + t[None, :, None] * (b - a)[:, None, :]
    sampled_min_km = np.linalg.norm(points, axis=2).min(axis=1)
    clear = line_of_sight_clear(a, b, 80.0)
    floor_km = WGS84_A_KM + 80.0
    decisive = np.abs(sampled_min_km - floor_km) > 0.01  # 10 m: the sampling's resolution
    assert (clear[decisive] == (sampled_min_km[decisive] >= floor_km)).all()
    assert clear.any() and (~clear).any()


def test_disabled_satellites_planes_and_links_are_never_up() -> None:
    r, shell, plane, slot = _shell(12, 12, 1)
    cand = plus_grid_candidates(shell, plane, slot, phasing=[1])
    down = np.zeros(r.shape[0], bool)
    down[[0, 17, 50]] = True
    down |= satellites_in_planes(shell, plane, [(0, 5)])
    link_down = np.zeros(len(cand), bool)
    killed = cand.index_of([60, 61], [61, 60])  # one pair, given both ways
    assert killed[0] == killed[1] >= 0
    link_down[killed] = True
    links = plus_grid_links(cand, r, sat_down=down, link_down=link_down)
    used = np.concatenate([links.sat_a, links.sat_b])
    assert not down[used].any()
    assert not link_down[links.candidate].any()
    assert not ((links.sat_a == 60) & (links.sat_b == 61)).any()
    nn = nearest_neighbour_links(r, sat_down=down)
    assert not down[np.concatenate([nn.sat_a, nn.sat_b])].any()
    r_nan = r.copy()
    r_nan[3] = np.nan  # a satellite that failed to propagate
    assert 3 not in plus_grid_links(cand, r_nan).sat_a


def test_irregular_planes_link_to_the_nearest_satellite_of_the_next_plane() -> None:
    r, shell, plane, slot = _shell(6, 10, 0)
    keep = np.ones(r.shape[0], bool)
    keep[[12, 41]] = False  # planes 1 and 4 lose a satellite
    r, shell, plane, slot = r[keep], shell[keep], plane[keep], slot[keep]
    cand = plus_grid_candidates(shell, plane, slot)
    assert cand.dynamic_link.size > 0
    links = plus_grid_links(cand, r, max_range_km=1e9, min_altitude_km=-WGS84_A_KM)
    dynamic = cand.kind[links.candidate] == 2
    owners = cand.sat_a[links.candidate[dynamic]]
    partners = np.where(links.sat_a[dynamic] == owners, links.sat_b[dynamic], links.sat_a[dynamic])
    for owner, partner in zip(owners, partners, strict=True):
        nxt = np.flatnonzero(plane == (plane[owner] + 1) % 6)
        assert partner == nxt[np.argmin(np.linalg.norm(r[nxt] - r[owner], axis=1))]
    # Unknown slots: no in-plane ring for them, but they still get cross-plane links.
    slot_unknown = slot.copy()
    slot_unknown[plane == 2] = -1
    cand2 = plus_grid_candidates(shell, plane, slot_unknown)
    in_plane = cand2.kind == 0
    assert not (plane[cand2.sat_a[in_plane]] == 2).any()
    assert (plane[cand2.sat_a[cand2.kind == 2]] == 2).sum() == (plane == 2).sum()


def test_nearest_neighbours_match_brute_force() -> None:
    r, *_ = _shell(10, 12, 3)
    links = nearest_neighbour_links(r, k=3, max_range_km=3_000.0, min_altitude_km=-WGS84_A_KM)
    d = cdist(r, r)
    np.fill_diagonal(d, np.inf)
    nearest = np.argsort(d, axis=1)[:, :3]
    within = np.take_along_axis(d, nearest, axis=1) <= 3_000.0
    expect = {
        (min(i, j), max(i, j))
        for i in range(r.shape[0])
        for j, ok in zip(nearest[i], within[i], strict=True)
        if ok
    }
    got = {(int(a), int(b)) for a, b in zip(links.sat_a, links.sat_b, strict=True)}
    assert got == expect


def test_errors_say_how_to_fix() -> None:
    r, shell, plane, slot = _shell(3, 3, 0)
    cand = plus_grid_candidates(shell, plane, slot)
    with pytest.raises(ValueError, match=r"ephemeris.r_ecef_km\[t\]"):
        plus_grid_links(cand, r[None])
    with pytest.raises(ValueError, match="index_of"):
        plus_grid_links(cand, r, link_down=np.zeros(3, bool))
    with pytest.raises(ValueError, match="Walker f of every shell"):
        plus_grid_candidates(shell, plane, slot, phasing=[])
    empty = plus_grid_candidates(-np.ones(4, np.int64), np.zeros(4, np.int64), np.arange(4))
    assert isinstance(empty, LaserCandidates) and len(empty) == 0


def _assert_same_links(chunk: list, steps: list) -> None:
    assert len(chunk) == len(steps)
    for got, want in zip(chunk, steps, strict=True):
        for name in ("sat_a", "sat_b", "length_km", "candidate"):
            x, y = getattr(got, name), getattr(want, name)
            assert x.dtype == y.dtype, name
            np.testing.assert_array_equal(x, y, err_msg=name)  # bit for bit


def _irregular(planes: int, per_plane: int, drop: list[int], n_steps: int = 6):  # type: ignore[no-untyped-def]
    t_s = np.arange(n_steps) * 20.0
    r, plane, slot = walker_delta_ecef_km(550.0, 53.0, planes, per_plane, 1, t_s)
    keep = np.ones(r.shape[1], bool)
    keep[drop] = False
    return r[:, keep], np.zeros(keep.sum(), np.int64), plane[keep], slot[keep]


@pytest.mark.parametrize(
    ("planes", "per_plane", "drop"),
    [(12, 12, []), (6, 10, [12, 41]), (2, 9, [3]), (5, 7, [0, 8, 20])],
)
def test_chunk_links_equal_the_per_step_links(planes: int, per_plane: int, drop: list[int]) -> None:
    r, shell, plane, slot = _irregular(planes, per_plane, drop)
    slot = np.where(plane == 1, -1, slot) if planes == 5 else slot  # a plane of unknown slots
    cand = plus_grid_candidates(shell, plane, slot, phasing=[1])
    assert (cand.dynamic_link.size > 0) == bool(drop or planes == 5)
    rng = np.random.default_rng(planes)
    r = r.copy()
    r[2, rng.integers(0, r.shape[1], 3)] = np.nan  # failed propagations
    sat_down = rng.random(r.shape[:2]) < 0.1
    link_down = rng.random(len(cand)) < 0.1
    for kwargs in (
        {},
        {"max_range_km": 1e9, "min_altitude_km": -WGS84_A_KM},
        {"max_range_km": 2_500.0, "min_altitude_km": 300.0},
    ):
        steps = [plus_grid_links(cand, r[t], **kwargs) for t in range(r.shape[0])]
        _assert_same_links(plus_grid_links_chunk(cand, r, **kwargs), steps)
    faulted = [
        plus_grid_links(cand, r[t], sat_down=sat_down[t], link_down=link_down)
        for t in range(r.shape[0])
    ]
    _assert_same_links(
        plus_grid_links_chunk(cand, r, sat_down=sat_down, link_down=link_down), faulted
    )
    per_step_links = rng.random((r.shape[0], len(cand))) < 0.1
    steps = [
        plus_grid_links(cand, r[t], sat_down=sat_down[0], link_down=per_step_links[t])
        for t in range(r.shape[0])
    ]
    _assert_same_links(
        plus_grid_links_chunk(cand, r, sat_down=sat_down[0], link_down=per_step_links), steps
    )


def test_two_plane_shells_keep_one_copy_of_a_link_chosen_from_both_ends() -> None:
    r, shell, plane, slot = _irregular(2, 9, [3])
    cand = plus_grid_candidates(shell, plane, slot)
    steps = [
        plus_grid_links(cand, r[t], max_range_km=1e9, min_altitude_km=-WGS84_A_KM)
        for t in range(r.shape[0])
    ]
    keys = [set(zip(s.sat_a.tolist(), s.sat_b.tolist(), strict=True)) for s in steps]
    assert all(len(k) == len(s) for k, s in zip(keys, steps, strict=True))
    # Without the duplicates the dynamic links would outnumber the links drawn.
    assert sum(len(s) for s in steps) < r.shape[0] * len(cand)
    _assert_same_links(
        plus_grid_links_chunk(cand, r, max_range_km=1e9, min_altitude_km=-WGS84_A_KM), steps
    )


def test_chunk_links_of_hand_made_candidates_fall_back_to_the_reference() -> None:
    r, shell, plane, slot = _irregular(4, 6, [])
    base = plus_grid_candidates(shell, plane, slot)
    twice = np.concatenate([base.sat_a[:3], base.sat_a])  # the same pair listed twice
    cand = LaserCandidates(
        base.n_sats,
        twice,
        np.concatenate([base.sat_b[:3], base.sat_b]),
        np.concatenate([base.kind[:3], base.kind]),
        base.dynamic_link + 3,
        base.nearest_members,
    )
    assert cand._kernel_tables is None
    steps = [plus_grid_links(cand, r[t]) for t in range(r.shape[0])]
    _assert_same_links(plus_grid_links_chunk(cand, r), steps)


def test_a_dynamic_link_repeating_a_static_one_is_dropped_in_chunks_too() -> None:
    r, shell, plane, slot = _irregular(24, 24, [])
    base = plus_grid_candidates(shell, plane, slot)
    # Satellite 0 also gets a dynamic link whose only choice is its static partner in plane 1.
    partner = base.sat_b[(base.sat_a == 0) & (plane[base.sat_b] == 1)]
    cand = LaserCandidates(
        base.n_sats,
        np.append(base.sat_a, 0),
        np.append(base.sat_b, -1),
        np.append(base.kind, np.int8(2)),
        np.array([len(base)]),
        np.append(partner, [-1, -1])[None, :],
    )
    assert cand._kernel_tables is not None
    steps = [plus_grid_links(cand, r[t]) for t in range(r.shape[0])]
    for t, links in enumerate(steps):
        assert ((links.sat_a == 0) & (plane[links.sat_b] == 1)).sum() == 1
        assert len(links) == len(plus_grid_links(base, r[t]))
    _assert_same_links(plus_grid_links_chunk(cand, r), steps)


def test_chunk_links_on_the_bundled_starlink_catalogue() -> None:
    from leonet.space import Propagator, load_constellation
    from leonet.timegrid import TimeGrid

    c = load_constellation("starlink")
    cand = plus_grid_candidates(c.shell, c.plane, c.slot)
    assert cand.dynamic_link.size > 1_000  # real planes: mostly nearest cross-plane links
    r = Propagator(c)(TimeGrid("2026-05-30T12:00:00Z", 1.0, 4), velocities=False).r_ecef_km
    steps = [plus_grid_links(cand, r[t]) for t in range(r.shape[0])]
    _assert_same_links(plus_grid_links_chunk(cand, r), steps)
    _assert_same_links(plus_grid_links_chunk(cand, r[1:2]), steps[1:2])  # the one-step path


def test_chunk_errors_say_how_to_fix() -> None:
    r, shell, plane, slot = _irregular(3, 3, [])
    cand = plus_grid_candidates(shell, plane, slot)
    with pytest.raises(ValueError, match=r"\(time, 9, 3\).*plus_grid_links takes a single"):
        plus_grid_links_chunk(cand, r[0])
    with pytest.raises(ValueError, match=r"sat_down must be a \(9,\) or \(6, 9\)"):
        plus_grid_links_chunk(cand, r, sat_down=np.zeros((2, 9), bool))
    with pytest.raises(ValueError, match="index_of"):
        plus_grid_links_chunk(cand, r, link_down=np.zeros(3, bool))
    assert plus_grid_links_chunk(cand, r[:0]) == []
