"""Named places: the bundled Ukrainian cities and front-line towns, and name look-up.

``find_place("Kyiv")`` resolves, in this order, ``"LAT,LON"``, a bundled place, a
gateway or PoP name, then any world city of 15,000 people or more
(:mod:`leonet.ground.gazetteer`: the most populous of a name, ``"Paris, US"`` to
choose) to ``(name, lat_deg, lon_deg)``; an unknown name gets the closest matches.
"""

from __future__ import annotations

import csv
import difflib
import io
from functools import lru_cache
from importlib.resources import files

from leonet.ground.sites import Sites, UnknownNameError

__all__ = ["find_place", "load_places"]


@lru_cache(maxsize=1)
def _rows() -> tuple[tuple[str, float, float, str], ...]:
    text = (files("leonet") / "data" / "ground" / "ukraine_places.csv").read_text(encoding="utf-8")
    return tuple(
        (r["name"], float(r["lat_deg"]), float(r["lon_deg"]), r["category"])
        for r in csv.DictReader(io.StringIO(text))
    )


def load_places(category: str | None = None) -> Sites:
    """The bundled places as terminal :class:`Sites` (``category``: 'city', 'front-line' or all)."""
    rows = [r for r in _rows() if category is None or r[3] == category]
    if not rows:
        valid = sorted({r[3] for r in _rows()})
        raise ValueError(f"no places of category {category!r}; valid categories: {valid}")
    return Sites([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], 0.0, "terminal")


def find_place(text: str) -> tuple[str, float, float]:
    """``(name, lat_deg, lon_deg)`` for a bundled place, gateway or PoP name, or ``"LAT,LON"``."""
    spec = text.strip()
    parts = spec.split(",")
    if len(parts) == 2:
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            pass
        else:
            if not (-90 <= lat <= 90 and -180 <= lon <= 360):
                raise ValueError(
                    f"{spec!r}: latitude must be in [-90, 90] and longitude in "
                    "[-180, 180]; write LAT,LON in degrees, e.g. 50.45,30.52"
                )
            return spec, lat, lon if lon < 180 else lon - 360
    from leonet.ground.gateways import load_gateways, load_pops
    from leonet.ground.operator_sites import operator_gateways, operator_pops

    table: dict[str, tuple[str, float, float]] = {}
    for name, lat, lon, _ in _rows():
        table[name.lower()] = (name, lat, lon)
    # Starlink's 2026 sites (what run, route and calibrate use) first, then the Oct 2023
    # map's (older names still resolve), then the other operators'.
    ops = ("starlink", "oneweb", "ka-sat")
    others = [f(op) for op in ops for f in (operator_gateways, operator_pops)]
    for sites in (*others[:2], load_gateways(), load_pops(), *others[2:]):
        for k, name in enumerate(sites.names):
            table.setdefault(
                str(name).lower(), (str(name), float(sites.lat_deg[k]), float(sites.lon_deg[k]))
            )
    hit = table.get(spec.lower())
    if hit is not None:
        return hit
    from leonet.ground.gazetteer import city_suggestions, find_city

    try:
        city = find_city(spec)
    except UnknownNameError as exc:
        close = [
            table[c][0]
            for c in difflib.get_close_matches(spec.lower(), list(table), n=4, cutoff=0.6)
        ]
        close += [c for c in city_suggestions(spec) if c.split(",")[0] not in close]
        hint = f" Closest: {', '.join(close[:6])}." if close else ""
        why = "" if "among the GeoNames" in str(exc) else f": {exc}"
        raise ValueError(
            f"unknown place {spec!r}{why}.{hint} Give a city of 15,000 people or more (e.g. "
            "Kyiv, or 'Paris, FR' to choose the country), a gateway or PoP name, or "
            "coordinates as LAT,LON."
        ) from None
    return city.label, city.lat_deg, city.lon_deg
