"""Moving-terminal visibility and joining site tables, against visible() on fixed sites."""

import numpy as np

from leonet.access import visible
from leonet.access.moving import concat_sites, keep_pairs, keep_rows, visible_moving
from leonet.frames import geodetic_to_ecef
from leonet.space import Propagator, load_preset
from leonet.timegrid import TimeGrid


def _fields(vis):
    return (vis.offsets, vis.time_idx, vis.site_idx, vis.sat_idx, vis.az_deg, vis.el_deg,
            vis.range_km)


def _setup():
    shell = load_preset("starlink-gen1", "2026-05-30T00:00:00Z")
    grid = TimeGrid("2026-05-30T00:00:00Z", 30.0, 8)
    r = Propagator(shell)(grid, velocities=False).r_ecef_km
    lat = np.array([50.45, 48.28, 46.48])
    lon = np.array([30.52, 37.18, 30.72])
    return shell, r, lat, lon


def test_a_terminal_that_stands_still_sees_what_a_fixed_site_sees():
    _, r, lat, lon = _setup()
    fixed = visible(r, 25.0, geodetic_to_ecef(lat, lon, 0.0), lat, lon)
    still = visible_moving(r, 25.0, np.tile(lat, (8, 1)), np.tile(lon, (8, 1)), 0.0)
    for a, b in zip(_fields(fixed), _fields(still), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)


def test_concat_sites_equals_visibility_of_all_sites_at_once():
    _, r, lat, lon = _setup()
    ecef = geodetic_to_ecef(lat, lon, 0.0)
    whole = visible(r, 25.0, ecef, lat, lon)
    first = visible(r, 25.0, ecef[:1], lat[:1], lon[:1])
    rest = visible(r, 25.0, ecef[1:], lat[1:], lon[1:])
    for a, b in zip(_fields(whole), _fields(concat_sites(first, rest)), strict=True):
        np.testing.assert_array_equal(a, b)


def test_keep_rows_drops_exactly_the_refused_rows():
    _, r, lat, lon = _setup()
    vis = visible(r, 25.0, geodetic_to_ecef(lat, lon, 0.0), lat, lon)
    allowed = np.ones((8, 3), dtype=bool)
    allowed[2:5, 1] = False
    kept = keep_rows(vis, allowed)
    counts = np.diff(kept.offsets).reshape(8, 3)
    np.testing.assert_array_equal(counts[2:5, 1], 0)
    np.testing.assert_array_equal(counts[allowed], np.diff(vis.offsets).reshape(8, 3)[allowed])
    assert np.all(allowed[kept.time_idx, kept.site_idx])


def test_keep_pairs_filters_satellites_that_are_down():
    _, r, lat, lon = _setup()
    vis = visible(r, 25.0, geodetic_to_ecef(lat, lon, 0.0), lat, lon)
    down = np.zeros(r.shape[:2], dtype=bool)
    down[:, ::3] = True
    kept = keep_pairs(vis, ~down[vis.time_idx, vis.sat_idx])
    up_r = np.where(down[..., None], np.nan, r)
    direct = visible(up_r, 25.0, geodetic_to_ecef(lat, lon, 0.0), lat, lon)
    for a, b in zip(_fields(kept), _fields(direct), strict=True):
        np.testing.assert_array_equal(a, b)
