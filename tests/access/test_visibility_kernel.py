"""The compiled visibility kernel against the KD-tree implementation it replaced.

``visible`` must give the previous implementation's output bit for bit — same pairs in
the same order, the same floats — whatever the grouping of the sites, the number of
threads, and whether the pairs near a mask were settled by the exact rule.
"""

import numba
import numpy as np
import pytest
from scipy.spatial import cKDTree

from leonet.access import _visibility_kernel as kernel
from leonet.access.cone import culling_range_km
from leonet.access.masks import effective_min_elevation_deg
from leonet.access.visibility import (
    Visibility,
    _assemble,
    _check_inputs,
    _lowest_mask_deg,
    visible,
    visible_dense,
)
from leonet.frames import geodetic_to_ecef
from leonet.ground import Sites, country, load_places, tile_region
from leonet.space import Propagator, load_constellation
from leonet.timegrid import TimeGrid

FIELDS = ("offsets", "time_idx", "site_idx", "sat_idx", "az_deg", "el_deg", "range_km")


def visible_kdtree(*args):  # type: ignore[no-untyped-def]
    """``visible`` as of commit 2f6be6d: per-step cKDTree join, NumPy gathers and sort."""
    sats, sat_mask, sites, site_mask, basis = _check_inputs(*args)
    n_time, n_sat = sats.shape[:2]
    n_site = sites.shape[0]
    parts = []
    if n_site == 0 or n_sat == 0:
        return _assemble(n_time, n_site, n_sat, parts)
    lowest = _lowest_mask_deg(site_mask, sat_mask)
    site_tree = cKDTree(sites)
    gx, gy, gz = (np.ascontiguousarray(sites[:, k]) for k in range(3))
    east, north, up = (
        tuple(np.ascontiguousarray(basis[:, row, k]) for k in range(3)) for row in range(3)
    )
    for t in range(n_time):
        step = sats[t]
        finite = np.flatnonzero(np.isfinite(step).all(axis=1))
        if finite.size == 0:
            continue
        radius = culling_range_km(sites, step[finite], lowest)
        pairs = site_tree.sparse_distance_matrix(
            cKDTree(step[finite]), radius, output_type="ndarray"
        )
        site_i = pairs["i"].astype(np.intp)
        sat_j = finite[pairs["j"]]
        rx = step[:, 0][sat_j] - gx[site_i]
        ry = step[:, 1][sat_j] - gy[site_i]
        rz = step[:, 2][sat_j] - gz[site_i]
        range_km = np.sqrt(rx * rx + ry * ry + rz * rz)
        up_km = up[0][site_i] * rx + up[1][site_i] * ry + up[2][site_i] * rz
        el_deg = np.rad2deg(np.arcsin(np.clip(up_km / range_km, -1.0, 1.0)))
        keep = np.flatnonzero(
            el_deg >= effective_min_elevation_deg(site_mask[site_i], sat_mask[sat_j])
        )
        keep = keep[np.lexsort((sat_j[keep], site_i[keep]))]
        site_i, sat_j, rx, ry, rz = site_i[keep], sat_j[keep], rx[keep], ry[keep], rz[keep]
        east_km = east[0][site_i] * rx + east[1][site_i] * ry + east[2][site_i] * rz
        north_km = north[0][site_i] * rx + north[1][site_i] * ry + north[2][site_i] * rz
        az_deg = np.mod(np.rad2deg(np.arctan2(east_km, north_km)), 360.0)
        parts.append(
            (
                t,
                site_i.astype(np.int32),
                sat_j.astype(np.int32),
                az_deg,
                el_deg[keep],
                range_km[keep],
            )
        )
    return _assemble(n_time, n_site, n_sat, parts)


def assert_identical(a: Visibility, b: Visibility) -> None:
    assert (a.n_time, a.n_site, a.n_sat) == (b.n_time, b.n_site, b.n_sat)
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name, strict=True)


@pytest.fixture(scope="module")
def ukraine_case():  # type: ignore[no-untyped-def]
    """The benchmark's workload on 4 steps: Ukraine res-5 cells + places, all of Starlink."""
    constellation = load_constellation("starlink")
    sites = Sites.concatenate([tile_region(country("Ukraine"), 5), load_places()])
    eph = Propagator(constellation)(TimeGrid("2026-05-30T12:00:00Z", 7.0, 4), velocities=False)
    r = eph.r_ecef_km.copy()
    r[2, :50] = np.nan  # some failed satellites
    masks = sites.min_elevation_deg.copy()
    masks[::7] = 10.0  # and some sites with their own mask
    masks[3::11] = 40.0
    return (r, 25.0, sites.ecef_km, sites.lat_deg, sites.lon_deg, masks)


def test_bit_for_bit_the_kdtree_output_on_ukraine_and_real_starlink(ukraine_case):
    vis = visible(*ukraine_case)
    assert len(vis) > 4 * 100_000
    assert_identical(vis, visible_kdtree(*ukraine_case))


def test_bit_for_bit_on_sites_all_over_the_globe():
    rng = np.random.default_rng(11)
    lat = np.concatenate([np.rad2deg(np.arcsin(rng.uniform(-1, 1, 300))), [90, -90, 0, 0]])
    lon = np.concatenate([rng.uniform(-180, 180, 300), [0, 0, 180, -180]])
    sites = geodetic_to_ecef(lat, lon, rng.uniform(0, 3, lat.size))
    masks = np.where(rng.random(lat.size) < 0.3, rng.uniform(0, 70, lat.size), np.nan)
    constellation = load_constellation("starlink")
    eph = Propagator(constellation)(TimeGrid("2026-05-30T00:00:00Z", 60.0, 3), velocities=False)
    args = (eph.r_ecef_km, 25.0, sites, lat, lon, masks)
    assert_identical(visible(*args), visible_kdtree(*args))


@pytest.mark.parametrize("edge_deg", [0.2, 5.0, 180.0])
def test_the_grouping_changes_nothing(ukraine_case, monkeypatch, edge_deg):
    reference = visible(*ukraine_case)
    monkeypatch.setattr(kernel, "GROUP_EDGE_DEG", edge_deg)
    assert_identical(visible(*ukraine_case), reference)


def test_the_number_of_threads_changes_nothing(ukraine_case):
    reference = visible(*ukraine_case)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        single = visible(*ukraine_case)
    finally:
        numba.set_num_threads(threads)
    assert_identical(single, reference)


def test_pairs_near_their_mask_are_settled_by_the_elevation(ukraine_case, monkeypatch):
    """A wide margin sends many pairs to the exact rule; the output must not change."""
    reference = visible_kdtree(*ukraine_case)
    uncertain = []
    visit_steps = kernel.visit_steps

    def recording_visit_steps(fill, *args):  # type: ignore[no-untyped-def]
        n = visit_steps(fill, *args)
        if fill:
            uncertain.append(n)
        return n

    monkeypatch.setattr(kernel, "QUOTIENT_MARGIN", 0.05)
    monkeypatch.setattr(kernel, "visit_steps", recording_visit_steps)
    assert_identical(visible(*ukraine_case), reference)
    assert uncertain[0] > 10_000


def test_extreme_masks_and_read_only_inputs():
    lat, lon = np.array([45.0, 45.0, 45.5, 44.0, -10.0]), np.array([30.0, 30.0, 31.0, 29.0, 30.0])
    sites = geodetic_to_ecef(lat, lon)
    rng = np.random.default_rng(3)
    d = rng.normal(size=(2, 400, 3))
    sats = d / np.linalg.norm(d, axis=-1, keepdims=True) * 6928.0
    sats[1] = np.nan  # a step with every satellite failed
    masks = np.array([95.0, -95.0, 90.0, -90.0, np.inf])  # inf: no override, the shell's
    for a in (sats, sites, lat, lon, masks):
        a.flags.writeable = False
    args = (sats, 25.0, sites, lat, lon, masks)
    vis = visible(*args)
    counts = vis.counts()
    assert counts[0, 0] == 0 and counts[0, 1] == counts[0, 3] > 100 and counts[1].sum() == 0
    assert_identical(vis, visible_kdtree(*args))
    dense = visible_dense(*args)
    np.testing.assert_array_equal(vis.sat_idx, dense.sat_idx)
    np.testing.assert_allclose(vis.el_deg, dense.el_deg, rtol=0, atol=1e-9)


def test_kernels_compile_where_no_cache_can_be_written(monkeypatch):
    import leonet._numba as numba_helper

    njit = numba_helper.njit
    used = []

    def no_cache_njit(**options):  # type: ignore[no-untyped-def]
        used.append(options)
        if options.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return njit(**options)

    monkeypatch.setattr(numba_helper, "njit", no_cache_njit)

    def plus_one(x):  # type: ignore[no-untyped-def]
        return x + 1

    assert numba_helper.compiled(nogil=True)(plus_one)(1) == 2
    assert used == [{"cache": True, "nogil": True}, {"cache": False, "nogil": True}]
