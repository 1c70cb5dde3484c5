"""Starlink's PoPs as of Oct 2026 and the PoP each country's traffic exits through.

Starlink assigns a terminal's PoP by the country it is registered in: its RFC 8805
geofeed lists each subnet's country, and the subnets' reverse DNS
(``customer.<pop>.isp.starlink.com``) names the PoP they exit through.  The bundled
tables (data/ground, PROVENANCE.md; derived by scripts/derive_starlink_pops.py) hold

* every PoP code of that geofeed (66; the 67th "code" is "none", subnets without a PoP
  in their reverse DNS), located at the city its code names (GeoNames coordinates);
* each country's **home PoP**: the PoP most of the country's subnets exit through.

**Countries without data** (not in the geofeed, or withheld from leonet's copy for
validation) have no home PoP: :func:`home_pop` returns ``None`` and their terminals
route to the PoP nearest by delay, as the network does for any terminal without a fixed
PoP.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files

from leonet.ground.gateways import Pops

__all__ = ["HOME_POPS_FILE", "POPS_2026_FILE", "home_pop", "home_pops", "load_pops_2026"]

POPS_2026_FILE = "starlink_pops_2026-10.csv"
HOME_POPS_FILE = "starlink_home_pops_2026-10.csv"


def _rows(filename: str) -> list[dict[str, str]]:
    text = (files("leonet") / "data" / "ground" / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")))


@lru_cache(maxsize=1)
def load_pops_2026() -> Pops:
    """Every Starlink PoP code of the Oct 2026 geofeed, ``(pop,)``, at its city; ``label``
    ``'City, CC'``."""
    rows = _rows(POPS_2026_FILE)
    return Pops(
        [r["pop_code"] for r in rows],
        [float(r["lat"]) for r in rows],
        [float(r["lon"]) for r in rows],
        0.0,
        label=[f"{r['city']}, {r['country']}" for r in rows],
    )


@lru_cache(maxsize=1)
def home_pops() -> dict[str, str]:
    """ISO 3166-1 alpha-2 country code → its home PoP's code (the countries with data)."""
    return {r["country"]: r["pop_code"] for r in _rows(HOME_POPS_FILE)}


def home_pop(country_iso2: str) -> str | None:
    """The home PoP code of a country (ISO alpha-2, any case), ``None`` without data (then
    the PoP nearest by delay serves, see the module's rule)."""
    return home_pops().get(country_iso2.strip().upper())
