"""Ground sites: many points on the Earth held as parallel arrays.

A :class:`Sites` holds ``site`` points — terminals, gateways, PoPs, H3 cell
centroids — as NumPy arrays of shape ``(site,)``, plus their WGS84 ECEF
positions ``ecef_km`` ``(site, 3)`` and local east/north/up bases ``enu``
``(site, 3, 3)`` (rows east, north, up in ECEF components, from
:func:`leonet.frames.enu_basis`), computed once at construction so the access
layer never recomputes them per time step.  Arrays are read-only.

>>> s = Sites(["Kyiv", "Lviv"], [50.45, 49.84], [30.52, 24.03])
>>> s.ecef_km.shape, s.enu.shape
((2, 3), (2, 3, 3))
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterator, Sequence
from os import PathLike
from pathlib import Path
from typing import Any, ClassVar, Protocol, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.frames import enu_basis, geodetic_to_ecef

__all__ = ["SITE_KINDS", "AreaLike", "Sites", "UnknownNameError"]

F64 = NDArray[np.float64]

#: The kinds of site the rest of leonet knows; others are allowed (free text).
SITE_KINDS = ("cell", "gateway", "pop", "terminal", "ttc")

_LAT_HEADERS = ("lat_deg", "lat", "latitude")
_LON_HEADERS = ("lon_deg", "lon", "lng", "long", "longitude")
_NAME_HEADERS = ("name", "site", "id")


class UnknownNameError(KeyError):
    """A name (site, country, region) that is not known; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class AreaLike(Protocol):
    """Anything with a vectorised ``contains(lat_deg, lon_deg) -> bool array`` (a Region)."""

    def contains(self, lat_deg: ArrayLike, lon_deg: ArrayLike) -> NDArray[np.bool_]: ...


def _default_locate(names: NDArray[np.str_]) -> Callable[[int], str]:
    return lambda i: f"site {i} ({str(names[i])!r})"


def _readonly(a: NDArray[Any]) -> NDArray[Any]:
    a.flags.writeable = False
    return a


class Sites:
    """Ground points as parallel arrays, each ``(site,)`` unless stated.

    Parameters (scalars broadcast to every site):

    - ``names``: site names (str).
    - ``lat_deg``: WGS84 geodetic latitude, degrees in ``[-90, 90]``.
    - ``lon_deg``: longitude, degrees in ``[-180, 360)``; stored normalised to ``[-180, 180)``.
    - ``alt_km``: height above the WGS84 ellipsoid, km (default 0).
    - ``kind``: ``'terminal'``, ``'gateway'``, ``'pop'``, ``'cell'``, ``'ttc'`` or your own word.
    - ``min_elevation_deg``: elevation mask per site, degrees; NaN (default) means
      "use the shell's minimum elevation".

    Derived, cached: ``ecef_km`` ``(site, 3)`` ECEF km and ``enu`` ``(site, 3, 3)``.
    """

    #: Per-site array attributes, in order; subclasses append their own.
    _FIELDS: ClassVar[tuple[str, ...]] = (
        "names",
        "lat_deg",
        "lon_deg",
        "alt_km",
        "kind",
        "min_elevation_deg",
        "ecef_km",
        "enu",
    )

    names: NDArray[np.str_]
    lat_deg: F64
    lon_deg: F64
    alt_km: F64
    kind: NDArray[np.str_]
    min_elevation_deg: F64
    ecef_km: F64
    enu: F64

    def __init__(
        self,
        names: ArrayLike,
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        alt_km: ArrayLike = 0.0,
        kind: ArrayLike = "terminal",
        min_elevation_deg: ArrayLike = np.nan,
        *,
        locate: Callable[[int], str] | None = None,
    ) -> None:
        names_arr = np.atleast_1d(np.asarray(names, dtype=np.str_))
        if names_arr.ndim != 1:
            raise ValueError(f"names must be a 1-D sequence of strings, not {names_arr.shape}")
        n = names_arr.shape[0]
        where = locate or _default_locate(names_arr)

        def column(value: ArrayLike, field: str, dtype: type) -> NDArray[Any]:
            try:
                arr: NDArray[Any] = np.asarray(value, dtype=dtype)
            except (TypeError, ValueError):
                raise ValueError(
                    f"{field}: cannot read {value!r} as {dtype.__name__}; give one value per site"
                ) from None
            if arr.ndim > 1 or (arr.ndim == 1 and arr.shape[0] != n):
                raise ValueError(
                    f"{field} has shape {arr.shape} but there are {n} site names; give one "
                    f"value per site (shape ({n},)) or a single value for all"
                )
            return np.array(np.broadcast_to(arr, (n,)))

        lat = column(lat_deg, "lat_deg", np.float64)
        lon = column(lon_deg, "lon_deg", np.float64)
        alt = column(alt_km, "alt_km", np.float64)
        kinds = column(kind, "kind", np.str_)
        min_el = column(min_elevation_deg, "min_elevation_deg", np.float64)

        def fail(mask: NDArray[np.bool_], field: str, values: F64, why: str) -> None:
            bad = np.flatnonzero(mask)
            if bad.size:
                i = int(bad[0])
                more = f" (and {bad.size - 1} more)" if bad.size > 1 else ""
                raise ValueError(f"{where(i)}: {field}={float(values[i])!r} {why}{more}")

        fail(~np.isfinite(lat), "lat_deg", lat, "is not a finite number; give degrees north")
        fail(~np.isfinite(lon), "lon_deg", lon, "is not a finite number; give degrees east")
        fail(
            np.abs(lat) > 90.0,
            "lat_deg",
            lat,
            "is outside [-90, 90]; latitude is degrees north — were latitude and "
            "longitude swapped?",
        )
        fail(
            (lon < -180.0) | (lon >= 360.0),
            "lon_deg",
            lon,
            "is outside [-180, 360); give longitude in degrees east, e.g. -75.0 or 285.0",
        )
        fail(~np.isfinite(alt), "alt_km", alt, "is not a finite number; give km above WGS84")
        fail(
            alt < -12.0,
            "alt_km",
            alt,
            "is below -12 km (deeper than any ocean trench); give the height in km, not m",
        )
        fail(
            np.abs(min_el) > 90.0,
            "min_elevation_deg",
            min_el,
            "is outside [-90, 90]; give degrees above the horizon, or NaN for the shell's",
        )
        empty = np.char.str_len(kinds) == 0
        if empty.any():
            raise ValueError(
                f"{where(int(np.flatnonzero(empty)[0]))}: kind is empty; "
                f"use one of {', '.join(SITE_KINDS)}"
            )
        lon = np.where(lon >= 180.0, lon - 360.0, lon)

        self.names = _readonly(names_arr)
        self.lat_deg = _readonly(lat)
        self.lon_deg = _readonly(lon)
        self.alt_km = _readonly(alt)
        self.kind = _readonly(kinds)
        self.min_elevation_deg = _readonly(min_el)
        self.ecef_km = _readonly(geodetic_to_ecef(lat, lon, alt).reshape(n, 3))
        self.enu = _readonly(enu_basis(lat, lon).reshape(n, 3, 3))

    # ----------------------------------------------------------------- basics
    def __len__(self) -> int:
        return int(self.names.shape[0])

    def __repr__(self) -> str:
        kinds, counts = np.unique(self.kind, return_counts=True)
        summary = ", ".join(f"{c} {k}" for k, c in zip(kinds, counts, strict=True)) or "empty"
        return f"<{type(self).__name__}: {len(self)} sites ({summary})>"

    def index_of(self, name: str) -> int:
        """Index of the site called ``name`` (the first, if several share it)."""
        hits = np.flatnonzero(self.names == name)
        if hits.size == 0:
            import difflib

            close = difflib.get_close_matches(name, [str(s) for s in self.names], n=5)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise UnknownNameError(f"no site named {name!r} among {len(self)} sites{hint}")
        return int(hits[0])

    # ------------------------------------------------------------ selection
    def take(self, index: ArrayLike | slice) -> Self:
        """The sites at ``index`` (integer array, boolean mask ``(site,)`` or slice), same type."""
        idx: Any = index if isinstance(index, slice) else np.asarray(index)
        if not isinstance(idx, slice):
            if idx.dtype == np.bool_ and idx.shape != (len(self),):
                raise IndexError(f"boolean mask has shape {idx.shape}, expected ({len(self)},)")
            if idx.ndim == 0:
                idx = idx.reshape(1)
        out = object.__new__(type(self))
        for field in type(self)._FIELDS:
            setattr(out, field, _readonly(np.array(getattr(self, field)[idx])))
        return out

    def of_kind(self, *kinds: str) -> Self:
        """The sites whose ``kind`` is one of ``kinds``."""
        return self.take(np.isin(self.kind, list(kinds)))

    def within(
        self,
        region: AreaLike | None = None,
        *,
        lat_deg: tuple[float, float] | None = None,
        lon_deg: tuple[float, float] | None = None,
    ) -> Self:
        """The sites inside ``region`` and/or a latitude/longitude box (degrees, inclusive).

        ``lon_deg=(west, east)`` may cross the antimeridian: ``(170, -170)``.
        E.g. ``load_gateways().within(lat_deg=(34, 72), lon_deg=(-25, 45))``
        for Europe, or ``within(country("Ukraine"))``.
        """
        keep = np.ones(len(self), dtype=bool)
        if region is not None:
            keep &= np.asarray(region.contains(self.lat_deg, self.lon_deg), dtype=bool)
        if lat_deg is not None:
            south, north = lat_deg
            if south > north:
                raise ValueError(f"lat_deg=({south}, {north}): give (south, north)")
            keep &= (self.lat_deg >= south) & (self.lat_deg <= north)
        if lon_deg is not None:
            west, east = (float(np.mod(v + 180.0, 360.0) - 180.0) for v in lon_deg)
            if west <= east:
                keep &= (self.lon_deg >= west) & (self.lon_deg <= east)
            else:  # across the antimeridian
                keep &= (self.lon_deg >= west) | (self.lon_deg <= east)
        return self.take(keep)

    @classmethod
    def concatenate(cls, parts: Sequence[Sites]) -> Sites:
        """One ``Sites`` of all ``parts`` in order.

        The result keeps the parts' own type (and extra fields, e.g. a
        ``Gateways``' ``ka_antennas``) when they all share it, else it is a plain ``Sites``.
        """
        if not parts:
            raise ValueError("concatenate needs at least one Sites")
        kind = type(parts[0])
        if any(type(p) is not kind for p in parts):
            kind = Sites
        out = object.__new__(kind)
        for field in kind._FIELDS:
            setattr(out, field, _readonly(np.concatenate([getattr(p, field) for p in parts])))
        return out

    # ---------------------------------------------------------- constructors
    @classmethod
    def from_csv(cls, path: str | PathLike[str], kind: str = "terminal") -> Sites:
        """Read sites from a CSV file with a header row.

        Columns (case-insensitive): ``name`` (or ``site``/``id``), ``lat_deg``
        (or ``lat``/``latitude``), ``lon_deg`` (or ``lon``/``lng``/``longitude``);
        optional ``alt_km`` (or ``alt_m``, converted), ``kind`` (default ``kind``)
        and ``min_elevation_deg`` (empty → NaN, the shell's).  Lines starting
        with ``#`` and blank lines are skipped.  Errors name the file, line and column.
        """
        path = Path(path)
        _require_utf8(path)
        with path.open(newline="", encoding="utf-8-sig") as fh:
            numbered = _numbered_lines(fh)
            line_of: list[int] = []

            def source() -> Iterator[str]:
                for number, text in numbered:
                    line_of.append(number)
                    yield text

            reader = csv.reader(source())
            header = next(reader, None)
            if header is None:
                raise ValueError(
                    f"{path}: the file is empty; expected a header such as "
                    "'name,lat_deg,lon_deg,alt_km'"
                )
            header_line = line_of[-1]
            cols = {h.strip().lower(): i for i, h in enumerate(header)}

            def find(options: Sequence[str], what: str, required: bool) -> int | None:
                for o in options:
                    if o in cols:
                        return cols[o]
                if required:
                    raise ValueError(
                        f"{path}, line {header_line}: no {what} column; name one of "
                        f"{', '.join(options)} (found: {', '.join(h.strip() for h in header)})"
                    )
                return None

            i_name = find(_NAME_HEADERS, "site name", True)
            i_lat = find(_LAT_HEADERS, "latitude", True)
            i_lon = find(_LON_HEADERS, "longitude", True)
            i_alt_km = find(("alt_km", "altitude_km", "height_km"), "altitude", False)
            i_alt_m = find(("alt_m", "altitude_m", "height_m"), "altitude", False)
            i_kind = find(("kind",), "kind", False)
            i_min = find(("min_elevation_deg", "min_elev_deg"), "elevation mask", False)

            names: list[str] = []
            lat: list[float] = []
            lon: list[float] = []
            alt: list[float] = []
            kinds: list[str] = []
            min_el: list[float] = []
            lines: list[int] = []
            for row in reader:
                line = line_of[-1]
                if not any(c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise ValueError(
                        f"{path}, line {line}: {len(row)} fields but the header has "
                        f"{len(header)}; quote names that contain commas"
                    )

                def number(
                    i: int | None,
                    default: float | None,
                    unit: str,
                    row: list[str] = row,
                    line: int = line,
                ) -> float:
                    text = row[i].strip() if i is not None else ""
                    if not text:
                        if default is None:
                            assert i is not None
                            raise ValueError(
                                f"{path}, line {line}, column {header[i].strip()!r}: the value "
                                f"is empty; give {unit}"
                            )
                        return default
                    assert i is not None
                    try:
                        return float(text)
                    except ValueError:
                        raise ValueError(
                            f"{path}, line {line}, column {header[i].strip()!r}: cannot read "
                            f"{text!r} as a number ({unit})"
                        ) from None

                assert i_name is not None
                name = row[i_name].strip()
                if not name:
                    raise ValueError(
                        f"{path}, line {line}, column {header[i_name].strip()!r}: "
                        "the site name is empty; give every site a name"
                    )
                names.append(name)
                lat.append(number(i_lat, None, "degrees north"))
                lon.append(number(i_lon, None, "degrees east"))
                if i_alt_km is not None:
                    alt.append(number(i_alt_km, 0.0, "km"))
                else:
                    alt.append(number(i_alt_m, 0.0, "m") / 1000.0)
                kinds.append(
                    row[i_kind].strip() if i_kind is not None and row[i_kind].strip() else kind
                )
                min_el.append(number(i_min, math.nan, "degrees"))
                lines.append(line)

        return cls._checked(
            names,
            lat,
            lon,
            alt,
            kinds,
            min_el,
            lambda i: f"{path}, line {lines[i]} (site {names[i]!r})",
        )

    @classmethod
    def from_geojson(cls, path: str | PathLike[str], kind: str = "terminal") -> Sites:
        """Read sites from a GeoJSON FeatureCollection (or Feature) of Points.

        Each feature needs a ``name`` property (or a feature ``id``); optional
        properties ``alt_km``, ``kind`` and ``min_elevation_deg``.  A third
        coordinate, if present and no ``alt_km`` is given, is height in metres
        (the GeoJSON convention).  Coordinates are ``[lon, lat]`` (RFC 7946).
        """
        path = Path(path)
        try:
            doc = json.loads(_require_utf8(path))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
        features = _features(doc, path)
        names: list[str] = []
        lat: list[float] = []
        lon: list[float] = []
        alt: list[float] = []
        kinds: list[str] = []
        min_el: list[float] = []
        for i, feat in enumerate(features):
            props = feat.get("properties") or {}
            name = props.get("name", props.get("Name", props.get("NAME", feat.get("id"))))
            if name is None or str(name).strip() == "":
                raise ValueError(
                    f'{path}, feature {i}: no name; add "properties": {{"name": "..."}}'
                )
            where = f"{path}, feature {i} ({str(name)!r})"
            geom = feat.get("geometry") or {}
            if geom.get("type") != "Point":
                raise ValueError(
                    f"{where}: geometry is {geom.get('type')!r}, but sites are Points; for an "
                    "area use leonet.ground.region_from_geojson"
                )
            coords: Any = geom.get("coordinates")
            try:
                values = [float(c) for c in coords]
            except (TypeError, ValueError):
                values = []
            if len(values) not in (2, 3):
                raise ValueError(f"{where}: coordinates {coords!r} are not [lon, lat] numbers")
            names.append(str(name))
            lon.append(values[0])
            lat.append(values[1])
            if "alt_km" in props:
                alt.append(float(props["alt_km"]))
            else:
                alt.append(values[2] / 1000.0 if len(values) == 3 else 0.0)
            kinds.append(str(props.get("kind", kind)))
            m = props.get("min_elevation_deg")
            min_el.append(math.nan if m is None else float(m))
        return cls._checked(
            names, lat, lon, alt, kinds, min_el, lambda i: f"{path}, feature {i} ({names[i]!r})"
        )

    @classmethod
    def _checked(
        cls,
        names: list[str],
        lat: list[float],
        lon: list[float],
        alt: list[float],
        kinds: list[str],
        min_el: list[float],
        locate: Callable[[int], str],
    ) -> Sites:
        return Sites(
            np.array(names, dtype=np.str_),
            np.array(lat, dtype=np.float64),
            np.array(lon, dtype=np.float64),
            np.array(alt, dtype=np.float64),
            np.array(kinds, dtype=np.str_),
            np.array(min_el, dtype=np.float64),
            locate=locate,
        )


def _numbered_lines(fh: Any) -> Iterator[tuple[int, str]]:
    for number, text in enumerate(fh, start=1):
        if text.lstrip().startswith("#"):
            continue
        yield number, text


def _features(doc: Any, path: Path) -> list[dict[str, Any]]:
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: expected a GeoJSON object, got {type(doc).__name__}")
    kind = doc.get("type")
    if kind == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list):
            raise ValueError(f"{path}: FeatureCollection has no 'features' list")
        return feats
    if kind == "Feature":
        return [doc]
    raise ValueError(
        f"{path}: GeoJSON type {kind!r} not understood; give a FeatureCollection or Feature"
    )


def _require_utf8(path: Path) -> str:
    """The text of ``path``; a file that is not UTF-8 is a ``ValueError`` naming it."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"{path}, line {line}: byte {exc.start} is not UTF-8 ({exc.reason}); "
            "save the file as UTF-8"
        ) from None
