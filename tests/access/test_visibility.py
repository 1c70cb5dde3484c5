"""Sparse visibility against skyfield, against brute force, and closed-form cases."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sgp4.api import Satrec, SatrecArray

from leonet.access.visibility import Visibility, visible, visible_dense
from leonet.frames import geodetic_to_ecef, teme_to_ecef
from leonet.timegrid import TimeGrid

TEN_METRES_KM = 0.010
HUNDREDTH_DEG = 0.01
FIELDS = ("offsets", "time_idx", "site_idx", "sat_idx", "az_deg", "el_deg", "range_km")


def assert_same(a: Visibility, b: Visibility) -> None:
    assert (a.n_time, a.n_site, a.n_sat) == (b.n_time, b.n_site, b.n_sat)
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        if x.dtype.kind == "f":
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-9, err_msg=name)
        else:
            np.testing.assert_array_equal(x, y, err_msg=name)


def _real_positions(tles, grid):
    jd, fr = grid.jd_fr()
    array = SatrecArray([Satrec.twoline2rv(l1, l2) for _, l1, l2 in tles])
    _, r_teme, _ = array.sgp4(jd, fr)
    r, _ = teme_to_ecef(r_teme.transpose(1, 0, 2), None, grid.utc_ns)
    return r


def test_look_angles_match_skyfield_on_real_tles(starlink_tles, skyfield_ts):
    from skyfield.api import EarthSatellite, wgs84

    grid = TimeGrid("2026-05-30T06:00:00Z", 120.0, 30)
    tles = starlink_tles[::40]
    r = _real_positions(tles, grid)
    lat = np.array([47.6, -33.9, 51.5, 0.0, 64.8])
    lon = np.array([-122.3, 151.2, -0.1, 36.8, -147.7])
    alt_km = np.array([0.05, 0.0, 0.02, 1.7, 0.13])
    sites = geodetic_to_ecef(lat, lon, alt_km)
    vis = visible(r, 25.0, sites, lat, lon)
    assert len(vis) > 20  # the comparison has something to compare
    t = skyfield_ts.from_datetimes(grid.datetimes())
    for s in np.unique(vis.sat_idx):
        name, l1, l2 = tles[s]
        sat = EarthSatellite(l1, l2, name, skyfield_ts)
        for k in np.unique(vis.site_idx[vis.sat_idx == s]):
            topos = wgs84.latlon(lat[k], lon[k], elevation_m=alt_km[k] * 1000.0)
            alt, az, dist = (sat - topos).at(t).altaz()
            pick = (vis.sat_idx == s) & (vis.site_idx == k)
            steps = vis.time_idx[pick]
            assert np.abs(vis.el_deg[pick] - alt.degrees[steps]).max() < HUNDREDTH_DEG
            daz = (vis.az_deg[pick] - az.degrees[steps] + 180.0) % 360.0 - 180.0
            assert np.abs(daz).max() < HUNDREDTH_DEG
            assert np.abs(vis.range_km[pick] - dist.km[steps]).max() < TEN_METRES_KM
            # and nothing skyfield sees above 25° is missing
            above = np.flatnonzero(alt.degrees >= 25.0 + 1e-6)
            assert set(above) <= set(steps.tolist())


def test_sparse_equals_dense_on_real_starlink(starlink_tles):
    grid = TimeGrid("2026-05-30T12:00:00Z", 30.0, 2)
    r = _real_positions(starlink_tles[::4], grid)
    rng = np.random.default_rng(5)
    lat = np.rad2deg(np.arcsin(rng.uniform(-1, 1, 200)))
    lon = rng.uniform(-180, 180, 200)
    sites = geodetic_to_ecef(lat, lon)
    masks = np.where(rng.random(200) < 0.3, rng.uniform(5, 60, 200), np.nan)
    assert_same(
        visible(r, 25.0, sites, lat, lon, masks), visible_dense(r, 25.0, sites, lat, lon, masks)
    )


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_site=st.integers(0, 40),
    n_sat=st.integers(0, 120),
    n_time=st.integers(1, 3),
)
def test_sparse_equals_dense_on_random_cases(seed, n_site, n_sat, n_time):
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-90, 90, n_site)
    lon = rng.uniform(-180, 180, n_site)
    sites = geodetic_to_ecef(lat, lon, rng.uniform(-0.3, 4.0, n_site))
    site_mask = np.where(rng.random(n_site) < 0.5, rng.uniform(-5, 80, n_site), np.nan)
    # satellites on a few shells: random directions, radii from 300 to 2000 km up
    shell_alt_km = rng.choice([340.0, 550.0, 1150.0, 2000.0], n_sat)
    d = rng.normal(size=(n_time, n_sat, 3))
    d /= np.linalg.norm(d, axis=-1, keepdims=True)
    sats = d * (6378.137 + shell_alt_km)[None, :, None]
    sats[:, rng.random(n_sat) < 0.1] = np.nan  # failed satellites
    sat_mask = rng.choice([10.0, 25.0, 40.0], n_sat)
    assert_same(
        visible(sats, sat_mask, sites, lat, lon, site_mask),
        visible_dense(sats, sat_mask, sites, lat, lon, site_mask),
    )


def test_satellite_directly_overhead():
    lat, lon = np.array([37.0]), np.array([-122.0])
    site = geodetic_to_ecef(lat, lon)
    above = geodetic_to_ecef(lat, lon, 550.0)  # along the ellipsoid normal
    vis = visible(above[None], 25.0, site, lat, lon)
    assert len(vis) == 1
    assert abs(vis.el_deg[0] - 90.0) < 1e-6
    assert abs(vis.range_km[0] - 550.0) < 1e-9


def test_polar_site_sees_nothing_of_a_53_degree_shell(walker):
    offsets = np.arange(0.0, 5700.0, 60.0)  # one orbit
    sats = walker(offsets, 550.0, 53.0, planes=72, per_plane=22)
    lat = np.array([89.0, 45.0])
    lon = np.array([0.0, 10.0])
    vis = visible(sats, 25.0, geodetic_to_ecef(lat, lon), lat, lon)
    counts = vis.counts()
    assert counts[:, 0].max() == 0
    assert counts[:, 1].min() > 0  # the same shell serves mid-latitudes all the time


def test_site_mask_overrides_the_shell_mask(walker):
    sats = walker(np.array([0.0]), 550.0, 53.0, planes=72, per_plane=22)
    lat, lon = np.array([40.0, 40.0, 40.0]), np.array([5.0, 5.0, 5.0])
    sites = geodetic_to_ecef(lat, lon)
    vis = visible(sats, 25.0, sites, lat, lon, np.array([np.nan, 10.0, 60.0]))
    n = vis.counts()[0]
    assert n[2] <= n[0] <= n[1] and n[2] < n[1]
    assert vis.el_deg[vis.site_idx == 1].min() >= 10.0
    assert vis.el_deg[vis.site_idx == 0].min() >= 25.0


def test_rows_are_sorted_and_offsets_index_them(walker):
    sats = walker(np.arange(3) * 10.0)
    rng = np.random.default_rng(2)
    lat, lon = rng.uniform(-60, 60, 30), rng.uniform(-180, 180, 30)
    vis = visible(sats, 25.0, geodetic_to_ecef(lat, lon), lat, lon)
    key = (vis.time_idx.astype(np.int64) * 30 + vis.site_idx) * sats.shape[1] + vis.sat_idx
    assert np.all(np.diff(key) > 0)
    rows = np.repeat(np.arange(3 * 30), np.diff(vis.offsets))
    np.testing.assert_array_equal(rows, vis.time_idx * 30 + vis.site_idx)
    part = vis.take_steps(1, 3)
    assert part.n_time == 2 and part.time_idx.min() == 0
    np.testing.assert_array_equal(part.sat_idx, vis.sat_idx[vis.time_idx >= 1])


def test_errors_say_what_to_pass():
    with pytest.raises(ValueError, match=r"\(time, sat, 3\)"):
        visible(np.zeros((2, 3, 4)), 25.0, np.zeros((1, 3)), [0.0], [0.0])
    with pytest.raises(ValueError, match="site_lat_deg"):
        visible(np.ones((1, 2, 3)), 25.0, np.ones((2, 3)), [0.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="satellite_min_elevation_deg"):
        visible(np.ones((1, 2, 3)), [25.0, np.nan], np.ones((1, 3)), [0.0], [0.0])
