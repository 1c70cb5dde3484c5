"""Each operator's bundled ground segment: gateways and PoPs of Starlink, OneWeb and KA-SAT.

A scenario picks an operator's ground network with ``ground.gateways: {bundled: true,
operator: oneweb}`` (and ``pops``); Starlink's is the default.  Starlink's has two
editions: ``2026`` (the default, the calibrated one `leonet calibrate` uses:
:func:`leonet.ground.load_gateways_2026` / :func:`leonet.ground.load_pops_2026`) and
``2023`` (the Oct 2023 community map, :func:`leonet.ground.load_gateways` /
:func:`leonet.ground.load_pops`), picked with ``edition: 2023``.

- **oneweb** — the 40 satellite network portals (SNPs, OneWeb's gateways) and 29 PoPs of
  J. Zhao et al., "Measuring the OneWeb Satellite Network", IFIP TMA 2025, Fig. 2 (its data
  release, GitHub ``clarkzjw/tma25-oneweb``; ``oneweb_gateways_2025-03-23.csv``,
  ``oneweb_pops_2025-03-28.csv``).  OneWeb has no inter-satellite links: a user's
  satellite relays to an SNP it sees at the same time (bent pipe), the SNP hands the
  traffic over terrestrial fibre to a PoP where it meets the internet.  Which PoP an SNP
  uses is not published; leonet assumes the nearest by fibre (the rule of
  :func:`leonet.ground.assign_gateways_to_pops`), e.g. Bulgaria's SNP → Istanbul.
- **ka-sat** — Viasat's KA-SAT (geostationary at 9° E): the two of its ten European
  gateway sites that public sources locate (Skylogic's Turin and Cagliari teleports,
  ``kasat_gateways_2010.csv``) and one PoP at Turin's TOP-IX exchange (assumption,
  ``kasat_pops_2010.csv``).

Sources per row and the assumptions are in ``leonet/data/ground/PROVENANCE.md`` and the
files' header lines.  Gateway elevation masks per operator: :data:`OPERATORS`.
"""

from __future__ import annotations

import csv
import difflib
import functools
from dataclasses import dataclass
from importlib import resources

from leonet.ground.gateways import Gateways, Pops, load_gateways, load_pops
from leonet.ground.starlink_pops import load_gateways_2026, load_pops_2026

__all__ = [
    "DEFAULT_OPERATOR",
    "OPERATORS",
    "STARLINK_EDITIONS",
    "Operator",
    "check_operator",
    "operator_gateways",
    "operator_names",
    "operator_pops",
]


@dataclass(frozen=True)
class Operator:
    """An operator's bundled ground segment: its files and its gateways' elevation mask.

    ``gateways_file`` / ``pops_file`` are package data under ``leonet/data/ground``
    (empty for Starlink, whose loaders live in :mod:`leonet.ground.gateways`);
    ``gateway_min_elevation_deg`` the mask of every gateway of the file, deg;
    ``gateway_antennas`` the satellites each gateway can serve at once.
    """

    name: str
    description: str
    gateways_file: str
    pops_file: str
    gateway_min_elevation_deg: float
    gateway_antennas: int


#: The operators whose ground segments are bundled.
#:
#: * ``oneweb`` gateway mask 15°: Assumption — no OneWeb SNP mask is published; SNP
#:   antennas are tracking dishes of a few metres, and 15° sits between the 10° of
#:   GEO-class gateway practice and Starlink's 25° (its FCC gateway filings).
#: * ``ka-sat`` gateway mask 10°: Assumption (a geostationary gateway sees its satellite at
#:   a fixed elevation — 38° from Turin, 44° from Cagliari for 9° E — so the mask never binds).
#: * antennas per gateway — Assumption for both (unpublished).  OneWeb 16 per SNP: with 8
#:   (the common Starlink gateway) an SNP's antennas go to the 8 satellites highest in its
#:   sky and a terminal at Ames, Iowa — where Zhao et al. (TMA 2025) measured continuous
#:   service — has no satellite at its 55° mask linked to an SNP for 31 % of an hour;
#:   with 16 for 1 % (docs/operators.md).  KA-SAT 2 (one tracking dish per geostationary
#:   satellite a scenario may place, up to two).
OPERATORS: dict[str, Operator] = {
    "ka-sat": Operator(
        "ka-sat",
        "Viasat KA-SAT (GEO 9° E): Skylogic's Turin and Cagliari teleports, PoP at TOP-IX",
        "kasat_gateways_2010.csv",
        "kasat_pops_2010.csv",
        10.0,
        2,
    ),
    "oneweb": Operator(
        "oneweb",
        "Eutelsat OneWeb: 40 SNPs and 29 PoPs (Zhao et al., TMA 2025, Fig. 2)",
        "oneweb_gateways_2025-03-23.csv",
        "oneweb_pops_2025-03-28.csv",
        15.0,
        16,
    ),
    # Starlink's sites and their masks and antennas come from its map (gateways.py).
    "starlink": Operator(
        "starlink",
        "SpaceX Starlink: the 2026 gateways and PoPs (edition 2023: the 2023 community map)",
        "",
        "",
        float("nan"),
        0,
    ),
}

#: The operator whose ground segment a scenario gets when it names none.
DEFAULT_OPERATOR = "starlink"

#: Starlink's bundled ground segments, newest (the default, calibrated) first.
STARLINK_EDITIONS: tuple[str, ...] = ("2026", "2023")


def _check_edition(operator: str, edition: str) -> None:
    if edition not in STARLINK_EDITIONS:
        raise ValueError(
            f"unknown edition {edition!r} of the bundled Starlink ground segment; "
            f"known: {', '.join(STARLINK_EDITIONS)}"
        )
    if edition != STARLINK_EDITIONS[0] and operator != "starlink":
        raise ValueError(
            f"edition {edition!r}: only Starlink's bundled ground segment has editions "
            f"(operator {operator!r} has one); drop edition"
        )


def operator_names() -> list[str]:
    """The operators with a bundled ground segment, sorted."""
    return sorted(OPERATORS)


def check_operator(name: str) -> str:
    """``name`` normalised (stripped, lower case) if it is a known operator, else a
    ``ValueError`` naming the known ones and the closest match."""
    key = name.strip().lower()
    if key not in OPERATORS:
        close = difflib.get_close_matches(key, list(OPERATORS), n=2, cutoff=0.5)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise ValueError(
            f"unknown operator {name!r}; {hint}operators with a bundled ground segment: "
            f"{', '.join(operator_names())} (or list your own sites: [{{name, lat_deg, "
            "lon_deg}, ...])"
        )
    return key


def _rows(filename: str) -> list[dict[str, str]]:
    text = (resources.files("leonet") / "data" / "ground" / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")))


@functools.lru_cache(maxsize=8)
def operator_gateways(operator: str = DEFAULT_OPERATOR, edition: str = "2026") -> Gateways:
    """The bundled gateways of ``operator``, ``(gw,)`` arrays (kind ``'gateway'``).

    Starlink: ``edition`` ``'2026'`` :func:`leonet.ground.load_gateways_2026` (the set
    `leonet calibrate` fits on), ``'2023'`` :func:`leonet.ground.load_gateways`.  Others
    (one edition, ``'2026'``): every row of the operator's
    file, ``status`` as written there, ``area`` the ISO country code, the operator's
    antenna count and gateway mask (:data:`OPERATORS`); heights 0 km.
    """
    spec = OPERATORS[check_operator(operator)]
    _check_edition(spec.name, edition)
    if not spec.gateways_file:
        return load_gateways_2026() if edition == "2026" else load_gateways()
    rows = _rows(spec.gateways_file)
    return Gateways(
        [r["name"] for r in rows],
        [float(r["lat"]) for r in rows],
        [float(r["lon"]) for r in rows],
        0.0,
        "gateway",
        spec.gateway_min_elevation_deg,
        ka_antennas=spec.gateway_antennas,
        status=[r["status"] for r in rows],
        band="Ka",
        area=[r["country"] for r in rows],
    )


@functools.lru_cache(maxsize=8)
def operator_pops(operator: str = DEFAULT_OPERATOR, edition: str = "2026") -> Pops:
    """The bundled PoPs of ``operator``, ``(pop,)`` arrays; ``label`` ``'City: facility'``.

    Starlink: ``edition`` ``'2026'`` :func:`leonet.ground.load_pops_2026` (label
    ``'City, CC'``), ``'2023'`` :func:`leonet.ground.load_pops`."""
    spec = OPERATORS[check_operator(operator)]
    _check_edition(spec.name, edition)
    if not spec.pops_file:
        return load_pops_2026() if edition == "2026" else load_pops()
    rows = _rows(spec.pops_file)
    return Pops(
        [r["code"] for r in rows],
        [float(r["lat"]) for r in rows],
        [float(r["lon"]) for r in rows],
        0.0,
        label=[f"{r['city']}: {r['facility']}" for r in rows],
    )
