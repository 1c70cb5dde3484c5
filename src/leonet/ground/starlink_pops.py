"""Starlink's PoPs as of Oct 2026 and the PoP each country's traffic exits through.

Starlink assigns a terminal's PoP by the country it is registered in: its RFC 8805
geofeed lists each subnet's country, and the subnets' reverse DNS
(``customer.<pop>.isp.starlink.com``) names the PoP they exit through.  The bundled
tables (data/ground, PROVENANCE.md; derived by scripts/derive_starlink_pops.py) hold

* every PoP code of that geofeed (66; the 67th "code" is "none", subnets without a PoP
  in their reverse DNS), located at the city its code names (GeoNames coordinates);
* each country's **home PoP**: the PoP most of the country's subnets exit through;
* each country's **PoPs** (:func:`country_pops`): every PoP its subnets exit through.
  Starlink often splits a country: France's subnets exit at Madrid (20), Frankfurt (17),
  Milan (17) and London (13); Hungary's at Sofia, Frankfurt and Warsaw.

**Which PoP a terminal uses** (the calibration's rule, docs/latency.md): the PoP nearest
it by delay *among its country's PoPs*.  The geofeed says which PoPs a country's subnets
exit through, not which subnet a terminal gets; a terminal is taken to get one of the
PoP nearest it (assumption: Starlink's own statement is that it serves a terminal from
the PoP it can reach fastest, and the published medians of split countries, e.g.
France 25.9 ms, rule out sending all of it to Madrid).  :func:`home_pop` stays the one
PoP a country is known by where a single PoP is needed.

**Gateways, 2026** (:func:`load_gateways_2026`): the 2023 map's gateways are three years
older than the catalogue and miss whole regions (East and Southern Africa, much of Asia).
The refreshed set is

1. the operational gateways of a reconciled community list of March 2026
   (``starlink_gateways_2026-03.csv``: starlinkinsider.com and starlink.sx, merged by
   GitHub juliensimon/starlink-viz; provenance in the file and PROVENANCE.md);
2. the 2023 map's likely-operational gateways more than :data:`SAME_SITE_KM` from any of
   those (sites the 2026 list does not name).  A 2023 gateway whose town (the name
   before the first comma) the 2026 list also names is the same site, geocoded from its
   town name in the 2026 list (up to ~900 km off, e.g. Wola Krobowska 170 km, Calrossie
   930 km): it keeps the 2026 row's name and the 2023 map's surveyed coordinates;
3. **inferred** gateways, status ``'inferred: at PoP'``: one at each Oct 2026 PoP with no
   gateway of 1–2 within :data:`INFERRED_GATEWAY_KM`, **unless the evidence says the
   PoP had no gateway by May 2026** (the month of Starlink's published metrics;
   ``starlink_pop_gateway_evidence_2026.csv``, :func:`pop_gateway_evidence`): Almaty, whose
   Kazakh gateways were still to be built in 2026 (press), and Dakar and Stockholm, on
   which the press is silent but the published latencies of the calibration's *fitted*
   third (Guinea-Bissau, Sierra Leone; Sweden, Latvia) lie ~10–20 ms above a gateway at
   the PoP.  Such a PoP's traffic lands at a mapped gateway and crosses fibre to it.  A
   PoP lands its country's traffic; without a gateway near it that traffic would cross
   thousands of km of fibre, which the published latencies rule out (Kenya: 25 ms median
   to Nairobi, where no gateway is mapped; the nearest mapped one is in Nigeria, ~3,800
   km away; the press names gateways in Kenya from Jan 2025 and in Mozambique, for
   Johannesburg's region, from Mar 2025, sites unpublished).  Assumption: the gateway
   sits at the PoP's city.  An inferred gateway lands every country's traffic, not only
   the PoP's own country's: restricting it so (or inferring none at all) leaves East and
   Southern Africa, the Balkans, the Gulf and the Andes 10–100 ms too slow (measured,
   docs/latency.md "Inferred gateways").

**Countries without data** (not in the geofeed, or withheld from leonet's copy for
validation) take their **sovereign's** PoPs where the sovereign has data
(:func:`pop_country`: Natural Earth's ``SOVEREIGNT``; Christmas Island, the Cocos
Islands and Norfolk Island are served as Australia);
otherwise (a sovereign state without data, Antarctica) :func:`home_pop` returns ``None``,
:func:`country_pops` an empty tuple, and their terminals route to the PoP nearest by delay
over all PoPs, as the network does for any terminal without a fixed PoP.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.defaults import DEFAULT_GATEWAY_KA_ANTENNAS, DEFAULT_GATEWAY_MIN_ELEVATION_DEG
from leonet.ground.gateways import Gateways, Pops, load_gateways
from leonet.ground.greatcircle import great_circle_km
from leonet.ground.regions import sovereign_iso2, sovereign_iso2_at
from leonet.ground.sites import Sites, UnknownNameError

__all__ = [
    "COUNTRY_POPS_FILE",
    "GATEWAYS_2026_FILE",
    "GATEWAY_EVIDENCE_FILE",
    "HOME_POPS_FILE",
    "INFERRED_GATEWAY_KM",
    "POPS_2026_FILE",
    "SAME_SITE_KM",
    "country_pop_subnets",
    "country_pops",
    "home_pop",
    "home_pops",
    "inferred_gateway_pops",
    "load_gateways_2026",
    "load_pops_2026",
    "pop_country",
    "pop_gateway_evidence",
]

POPS_2026_FILE = "starlink_pops_2026-10.csv"
HOME_POPS_FILE = "starlink_home_pops_2026-10.csv"
COUNTRY_POPS_FILE = "starlink_country_pops_2026-10.csv"
GATEWAYS_2026_FILE = "starlink_gateways_2026-03.csv"
GATEWAY_EVIDENCE_FILE = "starlink_pop_gateway_evidence_2026.csv"
#: The ``gateway`` values of :data:`GATEWAY_EVIDENCE_FILE` (see its header).
_EVIDENCE = ("built", "not built", "unknown")
_BASES = ("press", "latency", "none")
#: Two mapped gateways this close, km, are taken to be the same site (the lists' coordinates
#: are town-level for some sites).
SAME_SITE_KM = 25.0
#: A PoP with no gateway this close, km, gets one inferred at its city (see the module).
INFERRED_GATEWAY_KM = 500.0


def _rows(filename: str) -> list[dict[str, str]]:
    text = (files("leonet") / "data" / "ground" / filename).read_text(encoding="utf-8")
    return list(csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")))


def _town(name: object) -> str:
    """A gateway name's town, the part before the first comma, lower case."""
    return str(name).split(",", 1)[0].strip().lower()


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
    """The home PoP code of a country (ISO alpha-2, any case), its sovereign's for a
    territory without data (:func:`pop_country`), ``None`` without either (then the PoP
    nearest by delay serves, see the module's rule)."""
    return home_pops().get(pop_country(country_iso2))


@lru_cache(maxsize=256)
def pop_country(country_iso2: str) -> str:
    """The country (ISO alpha-2, upper case) whose PoPs serve ``country_iso2``'s
    terminals: itself where the geofeed has it; else its sovereign state, where that has
    data (Natural Earth's ``SOVEREIGNT``, :func:`leonet.ground.sovereign_iso2`, or for a
    territory Natural Earth draws inside another unit the one at its most populous
    GeoNames city, :func:`leonet.ground.sovereign_iso2_at`: ``'CX'`` → ``'AU'``); else
    ``''``."""
    cc = country_iso2.strip().upper()
    subnets = country_pop_subnets()
    if cc in subnets:
        return cc
    try:
        sovereign = sovereign_iso2(cc)
    except UnknownNameError:
        from leonet.ground.geonames import load_geonames

        cities = [c for c in load_geonames().cities.values() if c["countrycode"] == cc]
        if not cities:
            return ""
        largest = max(cities, key=lambda c: int(c["population"]))
        sovereign = sovereign_iso2_at(float(largest["latitude"]), float(largest["longitude"]))
    return sovereign if sovereign in subnets else ""


@lru_cache(maxsize=1)
def country_pop_subnets() -> dict[str, dict[str, int]]:
    """ISO 3166-1 alpha-2 country code → {PoP code: the country's subnets exiting there},
    PoPs in order of subnets, most first (the countries with data)."""
    out: dict[str, dict[str, int]] = {}
    for r in _rows(COUNTRY_POPS_FILE):
        out.setdefault(r["country"], {})[r["pop_code"]] = int(r["subnets"])
    return {cc: dict(sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))) for cc, by in out.items()}


def country_pops(country_iso2: str) -> tuple[str, ...]:
    """The PoP codes a country's subnets exit through (ISO alpha-2, any case), most
    subnets first (the first is :func:`home_pop`); a territory without data its
    sovereign's (:func:`pop_country`); ``()`` without either (then the PoP nearest by
    delay over all PoPs serves, see the module's rule)."""
    return tuple(country_pop_subnets().get(pop_country(country_iso2), {}))


@lru_cache(maxsize=1)
def pop_gateway_evidence() -> dict[str, dict[str, str]]:
    """PoP code → the public evidence on its gateways (:data:`GATEWAY_EVIDENCE_FILE`:
    ``gateway`` ``'built'`` / ``'not built'`` / ``'unknown'``, ``as_of``, ``basis``
    ``'press'`` / ``'latency'`` / ``'none'``, ``evidence``, ``sources``; see the file's
    header) for the PoPs no mapped gateway lies near that leonet has evidence on."""
    text = (files("leonet") / "data" / "ground" / GATEWAY_EVIDENCE_FILE).read_text(encoding="utf-8")
    return _evidence_from_text(text, GATEWAY_EVIDENCE_FILE, set(load_pops_2026().names.tolist()))


def _evidence_from_text(text: str, where: str, codes: set[str]) -> dict[str, dict[str, str]]:
    """The evidence table's rows by PoP code, each checked (``where`` names the file in
    an error, with the line)."""
    lines = text.splitlines()
    body = [(n, ln) for n, ln in enumerate(lines, start=1) if not ln.startswith("#")]
    reader = csv.DictReader(ln for _, ln in body)
    out: dict[str, dict[str, str]] = {}
    for (line, _), r in zip(body[1:], reader, strict=False):
        at = f"{where} line {line}"
        if r.get("gateway") not in _EVIDENCE:
            raise ValueError(
                f"{at}: gateway={r.get('gateway')!r}; use one of {', '.join(_EVIDENCE)}"
            )
        if r.get("basis") not in _BASES:
            raise ValueError(f"{at}: basis={r.get('basis')!r}; use one of {', '.join(_BASES)}")
        if r.get("pop_code") not in codes:
            raise ValueError(
                f"{at}: pop_code={r.get('pop_code')!r} is not a PoP of {POPS_2026_FILE}; "
                "give a code of that file"
            )
        out[str(r["pop_code"])] = {k: str(v or "") for k, v in r.items()}
    return out


def inferred_gateway_pops(
    pops: Sites,
    gateway_lat_deg: ArrayLike,
    gateway_lon_deg: ArrayLike,
    evidence: Mapping[str, Mapping[str, str]] | None = None,
) -> NDArray[np.int64]:
    """``(k,)`` the indices of the ``pops`` that get a gateway inferred at their city:
    those with no gateway (``(gw,)`` degrees) within :data:`INFERRED_GATEWAY_KM`, less
    those ``evidence`` (:func:`pop_gateway_evidence` by default) says are ``'not
    built'``."""
    evidence = pop_gateway_evidence() if evidence is None else evidence
    glat = np.asarray(gateway_lat_deg, dtype=np.float64)
    glon = np.asarray(gateway_lon_deg, dtype=np.float64)
    if glat.size:
        far = (
            great_circle_km(pops.lat_deg[:, None], pops.lon_deg[:, None], glat, glon).min(axis=1)
            > INFERRED_GATEWAY_KM
        )
    else:
        far = np.ones(len(pops), dtype=bool)
    built = np.array(
        [evidence.get(str(c), {}).get("gateway") != "not built" for c in pops.names], dtype=bool
    )
    return np.flatnonzero(far & built).astype(np.int64)


@lru_cache(maxsize=2)
def load_gateways_2026(*, inferred: bool = True) -> Gateways:
    """Starlink's gateways as of 2026, ``(gw,)``: the March 2026 community list's
    operational ones, the 2023 map's likely-operational ones it lacks, and (``inferred``)
    one at each Oct 2026 PoP without a gateway near it, unless reported not built yet
    (see the module).  ``status`` says
    which: ``'operational'`` (2026 list), the 2023 map's status, or ``'inferred: at PoP'``;
    ``area`` ``'2026 list'``, the 2023 map's folder or ``'inferred'``."""
    rows = [r for r in _rows(GATEWAYS_2026_FILE) if r["status"] == "operational"]
    names = [r["name"] for r in rows]
    lat = [float(r["lat"]) for r in rows]
    lon = [float(r["lon"]) for r in rows]
    status = ["operational"] * len(rows)
    area = ["2026 list"] * len(rows)
    old = load_gateways()
    old = old.take(old.likely_operational)
    old_town = {_town(n): k for k, n in enumerate(old.names)}
    same = np.zeros(len(old), dtype=bool)
    for i, n in enumerate(names):
        j = old_town.get(_town(n))
        if j is not None and not same[j]:
            same[j] = True
            lat[i], lon[i] = float(old.lat_deg[j]), float(old.lon_deg[j])
    old = old.take(np.flatnonzero(~same))
    if len(old) and rows:
        d = great_circle_km(
            old.lat_deg[:, None], old.lon_deg[:, None], np.array(lat), np.array(lon)
        )
        keep = d.min(axis=1) > SAME_SITE_KM
    else:
        keep = np.ones(len(old), dtype=bool)
    for k in np.flatnonzero(keep):
        names.append(str(old.names[k]))
        lat.append(float(old.lat_deg[k]))
        lon.append(float(old.lon_deg[k]))
        status.append(str(old.status[k]))
        area.append(str(old.area[k]))
    if inferred:
        pops = load_pops_2026()
        for k in inferred_gateway_pops(pops, lat, lon):
            names.append(f"{pops.label[k]} (inferred at PoP {pops.names[k]})")
            lat.append(float(pops.lat_deg[k]))
            lon.append(float(pops.lon_deg[k]))
            status.append("inferred: at PoP")
            area.append("inferred")
    return Gateways(
        names,
        lat,
        lon,
        0.0,
        "gateway",
        DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
        ka_antennas=DEFAULT_GATEWAY_KA_ANTENNAS,
        status=status,
        band="Ka",
        area=area,
    )
