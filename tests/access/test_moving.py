"""Moving-terminal visibility and joining site tables, against visible() on fixed sites."""

import dataclasses

import numpy as np
import pytest

from leonet.access import visible
from leonet.access.moving import (
    concat_sites,
    keep_rows,
    usable_pairs,
    visible_moving,
)
from leonet.access.visibility import Visibility, keep_pairs
from leonet.frames import geodetic_to_ecef
from leonet.space import Propagator, load_preset
from leonet.timegrid import TimeGrid


def _fields(vis):
    return (
        vis.offsets,
        vis.time_idx,
        vis.site_idx,
        vis.sat_idx,
        vis.az_deg,
        vis.el_deg,
        vis.range_km,
    )


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


@pytest.mark.parametrize("faults", [False, True])
@pytest.mark.parametrize("refusals", [False, True])
@pytest.mark.parametrize("sites", [(7,), (7, 2), (0, 3)])
def test_usable_pairs_equal_keep_pairs_of_the_joined_table(faults, refusals, sites, random_vis):
    rng = np.random.default_rng(5)
    n_time, n_sat = 4, 30
    parts = [random_vis(rng, n_time, n, n_sat) for n in sites]
    joined = parts[0] if len(parts) == 1 else concat_sites(*parts)
    allowed = rng.random((n_time, sum(sites))) < (0.7 if refusals else 1.0)
    sat_up = rng.random((n_time, n_sat)) < (0.8 if faults else 1.0)
    n_up, usable = usable_pairs(parts, allowed, sat_up)
    rows = joined.time_idx.astype(np.int64) * joined.n_site + joined.site_idx
    up = sat_up[joined.time_idx, joined.sat_idx]
    assert np.array_equal(n_up, np.bincount(rows[up], minlength=n_time * joined.n_site))
    expected = keep_pairs(joined, allowed.ravel()[rows] & up)
    for field in dataclasses.fields(Visibility):
        a, b = getattr(usable, field.name), getattr(expected, field.name)
        assert np.array_equal(a, b) and np.asarray(a).dtype == np.asarray(b).dtype, field.name


def test_dish_view_hides_direct_to_cell_satellites_only():
    from leonet.access import dish_view
    from leonet.space import bundled_catalogue

    starlink = bundled_catalogue("starlink")
    dtc = starlink.direct_to_cell
    names = np.asarray(starlink.sat_names, dtype=str)
    assert 500 < dtc.sum() < 1_000 and all(n.endswith("[DTC]") for n in names[dtc])
    assert not any("DTC" in n for n in names[~dtc])
    r = np.arange(2 * starlink.size * 3, dtype=float).reshape(2, starlink.size, 3)
    seen = dish_view(r, starlink)
    assert np.isnan(seen[:, dtc]).all()
    np.testing.assert_array_equal(seen[:, ~dtc], r[:, ~dtc])
