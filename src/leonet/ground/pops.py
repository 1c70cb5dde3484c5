"""A PoP named the way people name it: DNS code, city or airport code."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files

from leonet.ground.gateways import POPS_EUROPE_FILE, Pops, load_pops

__all__ = ["find_pop"]


@lru_cache(maxsize=1)
def _pop_cities() -> dict[str, str]:
    """City name (lower case) → PoP code, from the bundled European PoP list."""
    text = (files("leonet") / "data" / "ground" / POPS_EUROPE_FILE).read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#"))
    return {r["city"].strip().lower(): r["pop_code"].strip().lower() for r in rows}


def find_pop(text: str, pops: Pops | None = None) -> int | None:
    """The index in ``pops`` (default: all bundled) of the PoP ``text`` names, else ``None``.

    Accepts the Starlink DNS code (``frntdeu1``), the city of a European PoP
    (``Frankfurt``) or the airport code of the map's label (``FRA``, ``LHR``),
    case-insensitive.
    """
    table = load_pops() if pops is None else pops
    key = text.strip().lower()
    codes = [str(n).lower() for n in table.names]
    code = _pop_cities().get(key, key)
    if code in codes:
        return codes.index(code)
    for k, label in enumerate(getattr(table, "label", ())):
        airports = str(label).split(":", 1)[0].lower().split("/")
        if key in airports:
            return k
    return None
