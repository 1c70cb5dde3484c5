"""Country lookup, containment, area and custom-polygon validation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from leonet.ground import country, country_names, named_region, region_from_geojson, tile_region

KYIV, LVIV, SIMFEROPOL = (50.45, 30.52), (49.84, 24.03), (44.95, 34.10)
MOSCOW, WARSAW = (55.75, 37.62), (52.23, 21.01)


@pytest.mark.parametrize("query", ["Ukraine", "ukraine", " UKRAINE ", "UA", "ua", "UKR", "ukr"])
def test_lookup_by_name_and_iso(query: str) -> None:
    region = country(query)
    assert region.name == "Ukraine" and region.iso_a3 == "UKR"


def test_lookup_formal_and_long_names() -> None:
    assert country("Russian Federation").iso_a3 == "RUS"
    assert country("FR").name == "France"  # Natural Earth's ISO_A2 is -99; the _EH code is FR
    assert country("United States of America").iso_a3 == "USA"
    assert "Ukraine" in country_names()


def test_unknown_country_suggests_closest() -> None:
    with pytest.raises(KeyError, match="closest: 'Ukraine'"):
        country("Ukrain")


def test_ukraine_contains_cities_in_recognised_borders() -> None:
    ukraine = country("Ukraine")
    lat, lon = np.array([KYIV, LVIV, SIMFEROPOL, MOSCOW, WARSAW]).T
    assert ukraine.contains(lat, lon).tolist() == [True, True, True, False, False]
    assert ukraine.contains(*SIMFEROPOL)  # the German point of view: Crimea is Ukraine
    assert ukraine.contains(lat.reshape(5, 1), lon.reshape(5, 1)).shape == (5, 1)


def test_ukraine_area_is_geodesic() -> None:
    # Official area 603,500 km² (incl. Crimea); Natural Earth 1:10m gives 0.7 % less.
    ukraine = country("Ukraine")
    assert ukraine.area_km2 == pytest.approx(603_500, rel=0.02)
    # Independent check: the summed exact areas of H3 res-6 cells inside (36 km² each).
    assert tile_region(ukraine, 6).total_area_km2 == pytest.approx(ukraine.area_km2, rel=0.01)
    # Germany: 357,588 km² (Destatis).
    assert country("DEU").area_km2 == pytest.approx(357_588, rel=0.01)


def test_crimea_named_region() -> None:
    crimea = named_region("Crimea")
    assert crimea.contains(*SIMFEROPOL) and not crimea.contains(*KYIV)
    assert crimea.area_km2 == pytest.approx(27_000, rel=0.05)
    rest = country("Ukraine").difference(crimea)
    assert not rest.contains(*SIMFEROPOL) and rest.contains(*KYIV)
    with pytest.raises(KeyError, match="known: crimea"):
        named_region("atlantis")


def _write(path: Path, geometry: dict[str, object], name: str = "zone") -> Path:
    feature = {"type": "Feature", "properties": {"name": name}, "geometry": geometry}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


def test_custom_polygon_with_hole_and_multipolygon(tmp_path: Path) -> None:
    outer = [[30, 50], [32, 50], [32, 52], [30, 52], [30, 50]]
    hole = [[30.5, 50.5], [31.5, 50.5], [31.5, 51.5], [30.5, 51.5], [30.5, 50.5]]
    region = region_from_geojson(
        _write(tmp_path / "a.geojson", {"type": "Polygon", "coordinates": [outer, hole]})
    )
    assert region.name == "zone"
    assert region.contains([50.2, 51.0, 53.0], [30.2, 31.0, 31.0]).tolist() == [True, False, False]
    other = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    multi = region_from_geojson(
        _write(tmp_path / "m.geojson", {"type": "MultiPolygon", "coordinates": [[outer], other]})
    )
    assert multi.contains([0.5, 51.0], [0.5, 31.0]).tolist() == [True, True]


def test_empty_polygon_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.geojson", {"type": "Polygon", "coordinates": []})
    with pytest.raises(ValueError, match=r"e\.geojson, feature 0 \('zone'\): the Polygon is empty"):
        region_from_geojson(path)
    flat = [[30, 50], [31, 50], [32, 50], [30, 50]]  # collinear: zero area
    path = _write(tmp_path / "f.geojson", {"type": "Polygon", "coordinates": [flat]})
    with pytest.raises(ValueError, match=r"empty \(zero area\); give a ring of at least 3"):
        region_from_geojson(path)


def test_self_intersecting_polygon_error(tmp_path: Path) -> None:
    bowtie = [[30, 50], [32, 52], [32, 50], [30, 52], [30, 50]]
    path = _write(tmp_path / "b.geojson", {"type": "Polygon", "coordinates": [bowtie]})
    with pytest.raises(ValueError) as err:
        region_from_geojson(path)
    text = str(err.value)
    assert "b.geojson, feature 0 ('zone')" in text
    assert "Self-intersection" in text and "edges not cross" in text


def test_swapped_coordinates_error(tmp_path: Path) -> None:
    ring = [[50, 30], [50, 132], [52, 132], [52, 30], [50, 30]]
    path = _write(tmp_path / "s.geojson", {"type": "Polygon", "coordinates": [ring]})
    with pytest.raises(ValueError, match=r"latitude 132\.0 .* outside \[-90, 90\].*\[lat, lon\]"):
        region_from_geojson(path)
    ring = [[200, 30], [201, 30], [201, 31], [200, 30]]
    path = _write(tmp_path / "l.geojson", {"type": "Polygon", "coordinates": [ring]})
    with pytest.raises(ValueError, match=r"longitude 200\.0 .* outside \[-180, 180\]"):
        region_from_geojson(path)


def test_the_country_shapes_read_the_same_from_several_threads():
    """The report draws borders in one thread while its applications' section looks up a
    country in another: the shapefile reader (one file position) must be read in turn."""
    from concurrent.futures import ThreadPoolExecutor

    import leonet.ground.regions as regions

    box = (20.0, 43.0, 42.0, 53.0)
    want_box = [(r.name, r.geometry.wkb) for r in regions.countries_in_box(*box, 0.01)]
    names = ["Ukraine", "Poland", "Romania", "Moldova", "Belarus"]
    want = {n: regions.country(n).geometry.wkb for n in names}

    def boxes() -> bool:
        return [(r.name, r.geometry.wkb) for r in regions.countries_in_box(*box, 0.01)] == want_box

    def countries() -> bool:
        same = True
        for _ in range(3):
            regions._country.cache_clear()  # read the shapes again
            same &= all(regions.country(n).geometry.wkb == want[n] for n in names)
        return same

    try:
        with ThreadPoolExecutor(4) as pool:
            results = [pool.submit(boxes if i % 2 else countries) for i in range(16)]
            assert all(f.result() for f in results)
    finally:
        regions._country.cache_clear()


def test_the_fast_shape_is_shapelys_shape_for_every_country():
    from shapely.geometry import shape

    import leonet.ground.regions as regions

    reader = regions._catalogue().reader
    with regions._READER_LOCK:
        geos = [reader.shape(i).__geo_interface__ for i in range(len(regions._catalogue().records))]
    kinds = {g["type"] for g in geos}
    assert kinds == {"Polygon", "MultiPolygon"}
    for geo in geos:
        assert regions._shape(geo).wkb == shape(geo).wkb
