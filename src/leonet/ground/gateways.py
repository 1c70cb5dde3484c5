"""Starlink gateways and PoPs (bundled community data) and gateway → PoP backhaul.

Data (see ``leonet/data/ground/PROVENANCE.md``):

- ``starlink_gateways_pops_2023-10-10.csv`` — the community map of Starlink
  ground stations published with Mohan et al., "A Multifaceted Look at
  Starlink Performance", WWW 2024.  Folder ``PoPs & Backbone`` rows are PoPs
  (points of presence at internet exchanges); every other folder (``North
  America``, ``Europe``, ``APAC``, ``South America``, ``Africa``) holds
  gateways, three of them TT&C (telemetry, tracking and command) sites.
- ``starlink_pops_europe.csv`` — European PoPs with their Starlink DNS codes
  (clarkzjw/starlink-geoip-data ``map/pop.json``); it adds the PoPs the 2023
  map lacks (Warsaw, Sofia, Milan, Almaty, Doha).

A gateway hands its traffic to a PoP over terrestrial fibre; lacking routes,
leonet assumes the nearest PoP by fibre length = great-circle distance ×
``route_factor`` (default :data:`leonet.defaults.DEFAULT_ROUTE_FACTOR`), light in fibre
travelling at :data:`leonet.defaults.FIBRE_SPEED_FRACTION_OF_C` of c.
"""

from __future__ import annotations

import csv
import functools
import io
import math
from collections.abc import Mapping
from importlib import resources
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import C_KM_S
from leonet.defaults import (
    DEFAULT_GATEWAY_KA_ANTENNAS,
    DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
    DEFAULT_ROUTE_FACTOR,
    FIBRE_SPEED_FRACTION_OF_C,
)
from leonet.ground.greatcircle import great_circle_km
from leonet.ground.sites import Sites

__all__ = [
    "GATEWAYS_FILE",
    "POPS_EUROPE_FILE",
    "Gateways",
    "Pops",
    "assign_gateways_to_pops",
    "fibre_delay_ms",
    "load_gateways",
    "load_pops",
]

F64 = NDArray[np.float64]

GATEWAYS_FILE = "starlink_gateways_pops_2023-10-10.csv"
POPS_EUROPE_FILE = "starlink_pops_europe.csv"

_OPERATIONAL_STATUS = frozenset(
    # the 2023 map's live or built sites; the 2026 list's operational ones and the
    # gateways inferred at its PoPs (leonet.ground.starlink_pops.load_gateways_2026)
    {"live", "presumed live", "built", "built | sta", "built | ka grant", "operational"}
    | {"inferred: at pop"}
)


class Gateways(Sites):
    """Gateway sites: :class:`Sites` (kind ``'gateway'`` or ``'ttc'``) plus, per site ``(gw,)``:

    - ``ka_antennas`` (int): Ka-band antennas (:data:`DEFAULT_GATEWAY_KA_ANTENNAS` where unknown);
    - ``status`` (str): as mapped, e.g. ``'Live'``, ``'Built'``, ``'Grant of Authority'``,
      ``'Not built as of Nov'``; ``''`` where unknown;
    - ``band`` (str): ``'Ka'``, ``'Ka + E'``, ``'E'``, ``'TTC'`` or ``''``;
    - ``area`` (str): the map's folder — ``'North America'``, ``'Europe'``, ``'APAC'``,
      ``'South America'`` or ``'Africa'``.

    ``min_elevation_deg`` is the row's ``ka_min_elev`` (default
    :data:`DEFAULT_GATEWAY_MIN_ELEVATION_DEG`).
    """

    _FIELDS: ClassVar[tuple[str, ...]] = (*Sites._FIELDS, "ka_antennas", "status", "band", "area")

    ka_antennas: NDArray[np.int64]
    status: NDArray[np.str_]
    band: NDArray[np.str_]
    area: NDArray[np.str_]

    def __init__(  # noqa: PLR0913 — one array per gateway field
        self,
        names: ArrayLike,
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        alt_km: ArrayLike = 0.0,
        kind: ArrayLike = "gateway",
        min_elevation_deg: ArrayLike = DEFAULT_GATEWAY_MIN_ELEVATION_DEG,
        *,
        ka_antennas: ArrayLike = DEFAULT_GATEWAY_KA_ANTENNAS,
        status: ArrayLike = "",
        band: ArrayLike = "Ka",
        area: ArrayLike = "",
    ) -> None:
        super().__init__(names, lat_deg, lon_deg, alt_km, kind, min_elevation_deg)
        n = len(self)
        ka = np.array(np.broadcast_to(np.asarray(ka_antennas, dtype=np.int64), (n,)))
        if (ka < 0).any():
            i = int(np.flatnonzero(ka < 0)[0])
            raise ValueError(f"gateway {i} ({str(self.names[i])!r}): ka_antennas={ka[i]} < 0")
        for name, value, dtype in (
            ("ka_antennas", ka, np.int64),
            ("status", status, np.str_),
            ("band", band, np.str_),
            ("area", area, np.str_),
        ):
            arr = np.array(np.broadcast_to(np.asarray(value, dtype=dtype), (n,)))
            arr.flags.writeable = False
            setattr(self, name, arr)

    @property
    def likely_operational(self) -> NDArray[np.bool_]:
        """``(gw,)`` True where the status says live or built (not planned/unknown)."""
        return np.isin(np.char.lower(self.status), list(_OPERATIONAL_STATUS))


class Pops(Sites):
    """PoP sites (kind ``'pop'``), named by their Starlink DNS code (e.g. ``'frntdeu1'``),
    plus ``label`` ``(pop,)``: the city/airport code and exchange, e.g. ``'FRA: DE-CIX FRA'``.
    """

    _FIELDS: ClassVar[tuple[str, ...]] = (*Sites._FIELDS, "label")

    label: NDArray[np.str_]

    def __init__(
        self,
        names: ArrayLike,
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        alt_km: ArrayLike = 0.0,
        *,
        label: ArrayLike = "",
    ) -> None:
        super().__init__(names, lat_deg, lon_deg, alt_km, "pop")
        arr = np.array(np.broadcast_to(np.asarray(label, dtype=np.str_), (len(self),)))
        arr.flags.writeable = False
        self.label = arr


def _read_data(filename: str) -> str:
    return (resources.files("leonet") / "data" / "ground" / filename).read_text(encoding="utf-8")


def _clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@functools.lru_cache(maxsize=1)
def _map_rows() -> tuple[dict[str, str], ...]:
    rows = list(csv.DictReader(io.StringIO(_read_data(GATEWAYS_FILE))))
    return tuple({k: _clean(v or "") for k, v in row.items()} for row in rows)


@functools.lru_cache(maxsize=2)
def load_gateways(include_ttc: bool = False) -> Gateways:
    """The bundled Starlink gateways (Oct 2023 community map), ``(gw,)`` arrays.

    All mapped sites whatever their status (filter with ``status`` or
    ``likely_operational``); TT&C sites (kind ``'ttc'``, 3 of them) only with
    ``include_ttc=True``.  Heights are 0 km (the map gives none).
    """
    rows = [r for r in _map_rows() if r["folder"] != "PoPs & Backbone"]
    ttc = np.array([r["freq"] == "TTC" or "TT&C" in r["name"] for r in rows])
    if not include_ttc:
        rows = [r for r, t in zip(rows, ttc, strict=True) if not t]
        ttc = np.zeros(len(rows), dtype=bool)

    def number(text: str, default: float) -> float:
        return float(text) if text else default

    return Gateways(
        [r["name"] for r in rows],
        [float(r["lat"]) for r in rows],
        [float(r["lon"]) for r in rows],
        0.0,
        np.where(ttc, "ttc", "gateway"),
        [number(r["ka_min_elev"], DEFAULT_GATEWAY_MIN_ELEVATION_DEG) for r in rows],
        ka_antennas=[int(number(r["ka_antennas"], DEFAULT_GATEWAY_KA_ANTENNAS)) for r in rows],
        status=[r["status"] for r in rows],
        band=[r["freq"] for r in rows],
        area=[r["folder"] for r in rows],
    )


@functools.lru_cache(maxsize=1)
def load_pops() -> Pops:
    """The bundled Starlink PoPs, ``(pop,)`` arrays: the 23 of the 2023 map plus the
    European list's PoPs it lacks (28 in all), named by DNS code (``'frntdeu1'``).
    """
    names: list[str] = []
    lat: list[float] = []
    lon: list[float] = []
    labels: list[str] = []
    for r in _map_rows():
        if r["folder"] != "PoPs & Backbone":
            continue
        city, _, code = r["name"].rpartition("-")
        names.append(code.strip().lower())
        lat.append(float(r["lat"]))
        lon.append(float(r["lon"]))
        exchange = r["desc"].split("<br>")[0].split(" - ")[0].strip()
        labels.append(f"{city.strip()}: {exchange}" if exchange else city.strip())
    lines = [ln for ln in _read_data(POPS_EUROPE_FILE).splitlines() if not ln.startswith("#")]
    for r in csv.DictReader(lines):
        code = r["pop_code"].strip().lower()
        if code in names:
            continue
        names.append(code)
        lat.append(float(r["lat"]))
        lon.append(float(r["lon"]))
        labels.append(f"{r['city'].strip()}: {_clean(r['facility'])}")
    return Pops(names, lat, lon, 0.0, label=labels)


def assign_gateways_to_pops(
    gateways: Sites,
    pops: Sites,
    route_factor: float = DEFAULT_ROUTE_FACTOR,
    stated: Mapping[str, str] | None = None,
) -> tuple[NDArray[np.int64], F64]:
    """The PoP each gateway backhauls to, and the fibre length.

    Returns ``pop_index`` ``(gw,)`` (index into ``pops``) and ``fibre_km``
    ``(gw,)`` = great-circle distance (km, mean-radius sphere) × ``route_factor``.
    Each gateway goes to the nearest PoP by that length unless ``stated``
    maps its name to a PoP name.  Vectorised: one ``(gw, pop)`` distance matrix.
    """
    if not (math.isfinite(route_factor) and route_factor >= 1.0):
        raise ValueError(
            f"route_factor={route_factor!r}: a fibre route cannot be shorter than the great "
            "circle; give a factor >= 1 "
            f"({DEFAULT_ROUTE_FACTOR} when unknown)"
        )
    if len(pops) == 0:
        raise ValueError("assign_gateways_to_pops: no PoPs given; load some with load_pops()")
    dist_km = great_circle_km(
        gateways.lat_deg[:, None], gateways.lon_deg[:, None], pops.lat_deg, pops.lon_deg
    )
    pop_index = np.argmin(dist_km, axis=1).astype(np.int64)
    for gw_name, pop_name in (stated or {}).items():
        pop_index[gateways.index_of(gw_name)] = pops.index_of(pop_name)
    fibre_km = dist_km[np.arange(len(gateways)), pop_index] * route_factor
    return pop_index, fibre_km


def fibre_delay_ms(distance_km: ArrayLike, route_factor: float = DEFAULT_ROUTE_FACTOR) -> F64:
    """One-way propagation delay (ms) over fibre for a great-circle ``distance_km``.

    Delay = ``distance_km × route_factor / (FIBRE_SPEED_FRACTION_OF_C × c)``; shape
    of ``distance_km``.  For a fibre length already including the route factor
    (``fibre_km`` from :func:`assign_gateways_to_pops`) pass ``route_factor=1``.
    Queuing and equipment delays are not included.
    """
    if not (math.isfinite(route_factor) and route_factor >= 1.0):
        raise ValueError(f"route_factor={route_factor!r}: give a factor >= 1")
    d = np.asarray(distance_km, dtype=np.float64)
    return d * route_factor / (FIBRE_SPEED_FRACTION_OF_C * C_KM_S) * 1000.0
