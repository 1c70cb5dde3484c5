"""Starlink's own published per-country metrics (May 2026) and country names → codes.

The bundled table (data/calibration, PROVENANCE.md) is the archive of the metrics behind
Starlink's public speed/latency map: per country (ISO alpha-3) latency p20/p50/p80 (ms;
**p20 is the slow end**: the latency 20 % of measurements exceed) and download/upload
p20/p50/p80 (Mb/s; p20 the slow end too, the usual order).  A few countries are withheld
for independent validation; they, like every country without published values, get
``None``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from leonet.ground import UnknownNameError, country, country_iso2

__all__ = [
    "METRICS_FILE",
    "CountryId",
    "Published",
    "published",
    "published_countries",
    "resolve_country",
]

METRICS_FILE = "starlink_metrics_residential_2026-05_calibration.csv"


@dataclass(frozen=True)
class CountryId:
    """A country as leonet names it: Natural Earth ``name``, ISO ``iso3`` and ``iso2``."""

    name: str
    iso3: str
    iso2: str


@dataclass(frozen=True)
class Published:
    """One country's published percentiles: ``latency_ms``, ``download_mbps`` and
    ``upload_mbps``, each ``(p20, p50, p80)`` as Starlink labels them."""

    iso3: str
    latency_ms: tuple[float, float, float]
    download_mbps: tuple[float, float, float]
    upload_mbps: tuple[float, float, float]


@lru_cache(maxsize=1)
def _table() -> dict[str, Published]:
    text = (files("leonet") / "data" / "calibration" / METRICS_FILE).read_text(encoding="utf-8")
    out: dict[str, Published] = {}
    for r in csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")):

        def three(kind: str, r: dict[str, str] = r) -> tuple[float, float, float]:
            return (float(r[f"{kind}_p20"]), float(r[f"{kind}_p50"]), float(r[f"{kind}_p80"]))

        out[r["iso3"]] = Published(r["iso3"], three("latency"), three("download"), three("upload"))
    return out


def published(iso3: str) -> Published | None:
    """The published metrics of a country (ISO alpha-3), ``None`` where none are."""
    return _table().get(iso3.upper())


def published_countries() -> list[str]:
    """The ISO alpha-3 codes with published metrics, sorted."""
    return sorted(_table())


def resolve_country(text: str) -> CountryId:
    """A country from any name or ISO code (``"Poland"``, ``"PL"``, ``"POL"``): Natural
    Earth's admin-0 countries, then GeoNames' list for territories Natural Earth folds into
    another country (Réunion, Kosovo, ...).  An unknown name raises
    :class:`~leonet.ground.UnknownNameError` naming the closest matches."""
    try:
        region = country(text)
    except UnknownNameError:
        found = _geonames_country(text.strip())
        if found is None:
            raise
        return found
    return CountryId(region.name, region.iso_a3, country_iso2(text))


def _geonames_country(text: str) -> CountryId | None:
    from leonet.ground.geonames import load_geonames

    key = text.casefold()
    for c in load_geonames().countries.values():
        if key in (str(c["iso"]).casefold(), str(c["iso3"]).casefold(), str(c["name"]).casefold()):
            return CountryId(str(c["name"]), str(c["iso3"]), str(c["iso"]))
    return None
