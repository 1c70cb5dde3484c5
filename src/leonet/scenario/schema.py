"""The scenario schema: every section of a scenario YAML as a validated pydantic model.

Every model forbids unknown keys (``extra='forbid'``) and is frozen.  Units are
in the field names (``step_s``, ``radius_km``, ``eirp_dbw``).  Values that
cannot describe a real run — a negative step, a duration shorter than one
step, a start time that is not UTC, a latitude outside ±90°, an unknown
constellation preset or country — are refused with a message saying what is
expected.  Use :func:`leonet.scenario.load_scenario` to read a YAML file: its
errors also name the file and line.

Times (``TimeRef``) are either an absolute ISO 8601 UTC instant
(``'2026-05-30T12:20:00Z'``) or an offset from the scenario start written
``'+20m'`` / ``'+90s'`` / ``'+1h'`` (or a plain number of seconds).  Offsets
keep a scenario's what-ifs in place when its start moves; resolve either
with :meth:`Scenario.at_ns`.

File paths (terminal CSV/GeoJSON files, region GeoJSON, TLE catalogues) are
resolved against the directory of the scenario file when loaded with
:func:`~leonet.scenario.load_scenario` (never the working directory) and are
stored absolute.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from leonet.timegrid import TimeGrid, parse_duration_s, parse_utc

__all__ = [
    "AreaSpec",
    "BundledSitesSpec",
    "CapacitySpec",
    "CellsSpec",
    "CircleSpec",
    "ConstellationSpec",
    "DirectionalAntennaSpec",
    "FaultsSpec",
    "FileTerminalsSpec",
    "GroundSpec",
    "JammerSpec",
    "LaserFaultSpec",
    "NetworkSpec",
    "OutputsSpec",
    "PlaceTerminalSpec",
    "PlaneRef",
    "PolicyEventSpec",
    "PolicySpec",
    "PolygonSpec",
    "RadioSpec",
    "SatelliteFaultSpec",
    "Scenario",
    "SchedulerSpec",
    "ServiceAreaSpec",
    "SiteFaultSpec",
    "SiteSpec",
    "TerminalSpec",
    "TimeRef",
    "TimeSpec",
    "TrackSpec",
    "WaypointSpec",
    "time_ref_ns",
]

_NS = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)


def _base_dir(info: ValidationInfo) -> Path | None:
    ctx = info.context if isinstance(info.context, dict) else None
    base = ctx.get("base_dir") if ctx else None
    return Path(base) if base is not None else None


def _resolve_file(text: str, info: ValidationInfo, what: str,
                  suffixes: tuple[str, ...] = ()) -> str:
    """``text`` as an absolute path to an existing file (relative to the scenario's folder)."""
    path = Path(text).expanduser()
    base = _base_dir(info)
    if not path.is_absolute():
        if base is None:
            raise ValueError(
                f"{what} {text!r} is a relative path, but this scenario has no folder to "
                "resolve it against; give an absolute path or load the scenario from a file"
            )
        path = base / path
    if not path.is_file():
        raise ValueError(f"{what} file {str(path)!r} does not exist; check the path (relative "
                         "paths are taken from the scenario file's folder)")
    if suffixes and path.suffix.lower() not in suffixes:
        raise ValueError(f"{what} {str(path)!r}: expected a {' or '.join(suffixes)} file")
    return str(path.resolve())


def _by_type(**tags: str) -> Callable[[Any], str | None]:
    """A discriminator that picks a union member from the Python type of the input."""

    def pick(value: Any) -> str | None:
        if isinstance(value, BaseModel):
            return tags.get("model", tags.get("dict"))
        for kind, tag in tags.items():
            if kind == "dict" and isinstance(value, dict):
                return tag
            if kind == "list" and isinstance(value, list | tuple):
                return tag
            if kind == "str" and isinstance(value, str):
                return tag
        return None

    return pick


# ------------------------------------------------------------------- times
def _time_ref(value: Any) -> Any:
    """An offset in seconds (float) from ``'+20m'`` / a number, or an aware UTC datetime."""
    if isinstance(value, bool):
        raise ValueError(f"expected a time, got {value!r}; write '+20m' (after the start) or "
                         "an ISO 8601 UTC time such as '2026-05-30T12:20:00Z'")
    if isinstance(value, int | float):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"a time offset must be >= 0 seconds after the start, got {value!r}")
        return float(value)
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("+"):
            body = text[1:].strip()
            number = body.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
            try:
                if float(number) == 0.0:
                    return 0.0
            except ValueError:
                pass
            return parse_duration_s(body, field=f"offset {text!r}")
        return _utc(text)
    raise ValueError(f"expected a time such as '+20m' or '2026-05-30T12:20:00Z', got {value!r}")


def _utc(value: datetime | str) -> datetime:
    """An aware datetime whose offset is zero: leonet scenarios are written in UTC."""
    raw = value.strip() if isinstance(value, str) else value
    try:
        parsed = parse_utc(raw, field="time")
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix("time: ")) from None
    original = (
        datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        if isinstance(raw, str)
        else raw
    )
    if original.utcoffset() != timedelta(0):
        raise ValueError(
            f"{raw!s} is not UTC (offset {original.utcoffset()}); scenarios are written in "
            f"UTC — write {parsed.strftime('%Y-%m-%dT%H:%M:%S')}Z"
        )
    return parsed


def _dump_time(value: datetime | float) -> str | float:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")
    return value


#: A scenario time: an aware UTC ``datetime`` or an offset in seconds (``float``) from the start.
TimeRef = Annotated[
    datetime | float,
    BeforeValidator(_time_ref),
    PlainSerializer(_dump_time, return_type=str | float),
]


def time_ref_ns(ref: datetime | float, start: datetime) -> int:
    """``ref`` (absolute UTC or seconds after ``start``) as int64 ns since 1970-01-01 UTC."""
    when = ref if isinstance(ref, datetime) else start + timedelta(seconds=float(ref))
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _NS + delta.microseconds * 1_000


class TimeSpec(_Model):
    """``time:`` — when and how finely to simulate.

    ``start`` an ISO 8601 UTC instant; ``duration`` seconds or ``'1h'``/``'90m'``
    (stored in seconds); ``step_s`` the time step (s); ``chunk_steps`` steps per
    chunk (default: chosen by the engine from memory).
    """

    start: Annotated[datetime, BeforeValidator(_utc), PlainSerializer(_dump_time, return_type=str)]
    duration: Annotated[float, BeforeValidator(lambda v: parse_duration_s(v, "duration"))]
    step_s: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    chunk_steps: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _step_fits(self) -> TimeSpec:
        if self.duration < self.step_s:
            raise ValueError(
                f"duration {self.duration:g} s is shorter than one step ({self.step_s:g} s); "
                "make the duration at least one step or the step shorter"
            )
        return self

    @property
    def duration_s(self) -> float:
        return self.duration

    @property
    def start_ns(self) -> int:
        return time_ref_ns(0.0, self.start)

    @property
    def end_ns(self) -> int:
        """The end of the run (exclusive), ns UTC."""
        return time_ref_ns(self.duration, self.start)

    def grid(self) -> TimeGrid:
        """The run's :class:`~leonet.timegrid.TimeGrid` (end excluded)."""
        return TimeGrid.spanning(self.start, self.duration, self.step_s)


# ------------------------------------------------------------ constellations
class ConstellationSpec(_Model):
    """One ``constellations:`` entry — exactly one of ``preset``, ``catalogue``, ``celestrak``.

    ``preset`` a Walker preset (``starlink-gen1``, ``kuiper``, …); ``catalogue``
    a bundled catalogue (``starlink``, ``oneweb-tle``) or a TLE/OMM file;
    ``celestrak`` a CelesTrak GP group (downloaded and cached).
    ``min_elevation_deg`` overrides the terminal elevation mask: one number for
    every shell, or a mapping ``{shell name: degrees}``.
    """

    preset: str | None = None
    catalogue: str | None = None
    celestrak: str | None = None
    min_elevation_deg: (
        Annotated[float, Field(gt=0, lt=90)] | dict[str, Annotated[float, Field(gt=0, lt=90)]]
        | None
    ) = None

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from leonet.space.presets import preset_names

        key = value.strip().lower()
        names = preset_names()
        if key not in names:
            import difflib

            close = difflib.get_close_matches(key, names, n=2, cutoff=0.5)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            raise ValueError(
                f"unknown constellation preset {value!r}; {hint}known presets: "
                f"{', '.join(names)} (for a real catalogue write catalogue: starlink)"
            )
        return key

    @field_validator("catalogue")
    @classmethod
    def _known_catalogue(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        from leonet.space.resolve import BUNDLED_CATALOGUES

        if value.strip().lower() in BUNDLED_CATALOGUES:
            return value.strip().lower()
        if Path(value).suffix == "" and "/" not in value:
            raise ValueError(
                f"unknown catalogue {value!r}; give a bundled catalogue "
                f"({', '.join(sorted(BUNDLED_CATALOGUES))}) or a TLE/OMM file path"
            )
        return _resolve_file(value, info, "catalogue")

    @field_validator("celestrak")
    @classmethod
    def _group(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("celestrak: give a CelesTrak GP group such as 'starlink'")
        return value.strip().lower() if value is not None else None

    @model_validator(mode="after")
    def _exactly_one(self) -> ConstellationSpec:
        given = [k for k in ("preset", "catalogue", "celestrak") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of preset (e.g. starlink-gen1), catalogue (starlink or a "
                f"TLE/OMM file) or celestrak (a CelesTrak group); got {given or 'none'}"
            )
        return self

    @property
    def spec(self) -> str:
        """What :func:`leonet.space.load_constellation` takes."""
        if self.preset is not None:
            return self.preset
        if self.catalogue is not None:
            return self.catalogue
        return f"celestrak:{self.celestrak}"


# ----------------------------------------------------------------- ground
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, lt=360, allow_inf_nan=False)]
Height = Annotated[float, Field(ge=-0.5, le=100, allow_inf_nan=False)]


class TerminalSpec(_Model):
    """A terminal at fixed coordinates: ``{name, lat_deg, lon_deg, alt_km}``."""

    name: str = Field(min_length=1)
    lat_deg: Latitude
    lon_deg: Longitude
    alt_km: Height = 0.0


class PlaceTerminalSpec(_Model):
    """A terminal at a bundled place, gateway or PoP: ``{place: Kyiv}`` (``name``: the place)."""

    place: str
    name: str | None = None

    @field_validator("place")
    @classmethod
    def _known_place(cls, value: str) -> str:
        from leonet.ground.places import find_place

        return find_place(value)[0]


class FileTerminalsSpec(_Model):
    """Terminals read from a CSV or GeoJSON file: ``{file: terminals.csv}``."""

    file: str

    @field_validator("file")
    @classmethod
    def _exists(cls, value: str, info: ValidationInfo) -> str:
        return _resolve_file(value, info, "terminals", (".csv", ".geojson", ".json"))


def _terminal_shorthand(value: Any) -> Any:
    """A bare string is a file (``.csv``/``.geojson``/``.json``) or else a place name."""
    if isinstance(value, str):
        if Path(value).suffix.lower() in (".csv", ".geojson", ".json"):
            return {"file": value}
        return {"place": value}
    return value


def _terminal_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if "place" in value:
            return "terminal:place"
        if "file" in value:
            return "terminal:file"
        return "terminal:point"
    if isinstance(value, BaseModel):
        return {TerminalSpec: "terminal:point", PlaceTerminalSpec: "terminal:place"}.get(
            type(value), "terminal:file")
    return None


TerminalEntry = Annotated[
    Annotated[TerminalSpec, Tag("terminal:point")]
    | Annotated[PlaceTerminalSpec, Tag("terminal:place")]
    | Annotated[FileTerminalsSpec, Tag("terminal:file")],
    Discriminator(
        _terminal_kind,
        custom_error_type="terminal",
        custom_error_message="a terminal is {name, lat_deg, lon_deg}, {place: NAME} or a "
        "CSV/GeoJSON file path",
    ),
    BeforeValidator(_terminal_shorthand),
]


class WaypointSpec(_Model):
    """One waypoint of a mobile track; ``time`` absolute UTC or ``'+10m'`` after the start."""

    time: TimeRef
    lat_deg: Latitude
    lon_deg: Longitude
    alt_km: Height = 0.0


class TrackSpec(_Model):
    """``mobile:`` entry — a terminal moving along waypoints (great circles between them)."""

    name: str = Field(min_length=1)
    waypoints: list[WaypointSpec] = Field(min_length=2)


class CellsSpec(_Model):
    """``cells:`` — H3 cells covering a region, each a terminal at its centre."""

    region: str
    resolution: int = Field(default=5, ge=0, le=15)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str, info: ValidationInfo) -> str:
        return _check_region(value, info)


def _check_region(value: str, info: ValidationInfo) -> str:
    from leonet.ground.regions import NAMED_REGIONS, find_region

    text = value.strip()
    if Path(text).suffix.lower() in (".geojson", ".json"):
        return _resolve_file(text, info, "region")
    if text.casefold() in NAMED_REGIONS:
        return text
    try:
        find_region(text)
    except KeyError as exc:
        raise ValueError(str(exc)) from None
    return text


BoxLongitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class LatLonBox(_Model):
    """A latitude/longitude box: ``{lat_deg: [south, north], lon_deg: [west, east]}``."""

    lat_deg: tuple[Latitude, Latitude]
    lon_deg: tuple[BoxLongitude, BoxLongitude]

    @model_validator(mode="after")
    def _ordered(self) -> LatLonBox:
        if self.lat_deg[0] >= self.lat_deg[1]:
            raise ValueError(f"lat_deg {list(self.lat_deg)} must be [south, north] with "
                             "south < north")
        if self.lon_deg[0] >= self.lon_deg[1]:
            raise ValueError(f"lon_deg {list(self.lon_deg)} must be [west, east] with west < east "
                             "(a box across the antimeridian is not supported)")
        return self


class BundledSitesSpec(_Model):
    """The bundled gateways or PoPs: ``{bundled: true, within: {...}, names: [...]}``.

    ``within`` keeps the sites inside a lat/lon box; ``names`` keeps only those
    names; ``exclude`` drops names; ``operational_only`` (gateways) keeps sites
    mapped as live or built.
    """

    bundled: Literal[True] = True
    within: LatLonBox | None = None
    names: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    operational_only: bool = False


class SiteSpec(_Model):
    """A gateway or PoP of your own: ``{name, lat_deg, lon_deg, min_elevation_deg}``."""

    name: str = Field(min_length=1)
    lat_deg: Latitude
    lon_deg: Longitude
    alt_km: Height = 0.0
    min_elevation_deg: float | None = Field(default=None, ge=0, lt=90)


GroundNetwork = Annotated[
    Annotated[BundledSitesSpec, Tag("sites:bundled")]
    | Annotated[list[SiteSpec], Tag("sites:list")],
    Discriminator(
        _by_type(dict="sites:bundled", model="sites:bundled", list="sites:list"),
        custom_error_type="sites",
        custom_error_message="give {bundled: true, within: ...} or a list of {name, lat_deg, "
        "lon_deg}",
    ),
]


class GroundSpec(_Model):
    """``ground:`` — terminals, bundled places, mobile tracks, cells, gateways and PoPs."""

    terminals: list[TerminalEntry] = Field(default_factory=list)
    places: Literal["ukraine", "ukraine-cities", "ukraine-front-line"] | None = None
    mobile: list[TrackSpec] = Field(default_factory=list)
    cells: CellsSpec | None = None
    gateways: GroundNetwork = Field(default_factory=BundledSitesSpec)
    pops: GroundNetwork = Field(default_factory=BundledSitesSpec)


# ------------------------------------------------------- network and others
class NetworkSpec(_Model):
    """``network:`` — ``mode`` (lasers, bent-pipe or hybrid); ``access`` ``scheduled``
    (a terminal uses the satellite the scheduler gave it) or ``any`` (any visible
    satellite, the network layer's ``'serving'`` / ``'any'``)."""

    mode: Literal["lasers", "bent-pipe", "hybrid"] = "hybrid"
    access: Literal["scheduled", "any"] = "scheduled"
    max_laser_range_km: float = Field(default=5_400.0, gt=0, le=20_000)
    processing_delay_ms: float = Field(default=0.0, ge=0, le=1_000)
    route_factor: float = Field(default=1.5, ge=1.0, le=5.0)


class SchedulerSpec(_Model):
    """``scheduler:`` — the 15-second scheduler (see :class:`leonet.access.SchedulerConfig`)."""

    strategy: str = "highest-elevation"
    slot_s: float = Field(default=15.0, gt=0, allow_inf_nan=False)
    immediate_reselect: bool = False
    max_terminals_per_sat: int | None = Field(default=None, ge=0)

    @field_validator("strategy")
    @classmethod
    def _known_strategy(cls, value: str) -> str:
        from leonet.access.scheduler import STRATEGIES

        if value not in STRATEGIES:
            raise ValueError(f"unknown scheduler strategy {value!r}; choose one of "
                             f"{', '.join(repr(s) for s in sorted(STRATEGIES))}")
        return value

    def config(self) -> Any:
        """The :class:`leonet.access.SchedulerConfig` for this section."""
        from leonet.access.scheduler import SchedulerConfig

        return SchedulerConfig(strategy=self.strategy, slot_s=self.slot_s,
                               immediate_reselect=self.immediate_reselect,
                               max_terminals_per_sat=self.max_terminals_per_sat)


class RadioSpec(_Model):
    """``radio:`` — user terminal type, rain exceedance (% of time) and interference on/off."""

    terminal_type: Literal["standard", "mini"] = "standard"
    exceedance_percent: float = Field(default=1.0, gt=0, le=50)
    interference: bool = True


class CapacitySpec(_Model):
    """``capacity:`` — beams per satellite, offered load per terminal, terminals per cell."""

    beams_per_sat: int | None = Field(default=None, ge=1)
    offered_load_mbps: float = Field(default=100.0, ge=0, allow_inf_nan=False)
    terminals_per_cell: int = Field(default=1, ge=0)


class OutputsSpec(_Model):
    """``outputs:`` — where to write (``out_dir``; default chosen by the engine), how often
    to write per-cell rows (every ``step`` or once per scheduler ``slot``), and the report."""

    out_dir: str | None = None
    cells_every: Literal["step", "slot"] = "slot"
    report: bool = True


# -------------------------------------------------------------------- areas
class CircleSpec(_Model):
    """A circle on the ground: centre and great-circle radius."""

    lat_deg: Latitude
    lon_deg: Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
    radius_km: float = Field(gt=0, le=10_000, allow_inf_nan=False)


class PolygonSpec(_Model):
    """A polygon's corners as two columns: ``{lat_deg: [...], lon_deg: [...]}`` (≥ 3 corners)."""

    lat_deg: list[Latitude] = Field(min_length=3)
    lon_deg: list[Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]] = Field(
        min_length=3
    )

    @model_validator(mode="after")
    def _valid(self) -> PolygonSpec:
        if len(self.lat_deg) != len(self.lon_deg):
            raise ValueError(f"lat_deg has {len(self.lat_deg)} corners but lon_deg has "
                             f"{len(self.lon_deg)}; give one latitude per longitude")
        from shapely.geometry import Polygon
        from shapely.validation import explain_validity

        poly = Polygon(list(zip(self.lon_deg, self.lat_deg, strict=True)))
        if not poly.is_valid:
            raise ValueError(f"the polygon is not valid ({explain_validity(poly)}); order the "
                             "corners so they go round the outline without crossing")
        if poly.area == 0.0:
            raise ValueError("the polygon has zero area; give at least 3 distinct, "
                             "non-collinear corners")
        return self


class AreaSpec(_Model):
    """An area — exactly one of ``region`` (a country name or ISO code, ``crimea``, or a
    GeoJSON file), ``circle`` or ``polygon``; ``name`` labels it (events, reports)."""

    name: str | None = None
    region: str | None = None
    circle: CircleSpec | None = None
    polygon: PolygonSpec | None = None

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _check_region(value, info)

    @model_validator(mode="after")
    def _exactly_one(self) -> AreaSpec:
        given = [k for k in ("region", "circle", "polygon") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an area needs exactly one of region (a country or GeoJSON), "
                             f"circle {{lat_deg, lon_deg, radius_km}} or polygon; got "
                             f"{given or 'none'}")
        return self

    @property
    def label(self) -> str:
        """``name``, else a description of the shape."""
        if self.name:
            return self.name
        if self.region is not None:
            return Path(self.region).stem if Path(self.region).suffix else self.region
        if self.circle is not None:
            c = self.circle
            return f"{c.radius_km:g} km around ({c.lat_deg:.3f}, {c.lon_deg:.3f})"
        return "polygon"


class ServiceAreaSpec(AreaSpec):
    """``policy.service_areas`` entry: an area where service is ``enabled`` (or not)."""

    enabled: bool = True


AreaRef = Annotated[
    Annotated[str, Tag("area:name")] | Annotated[AreaSpec, Tag("area:shape")],
    Discriminator(
        _by_type(str="area:name", dict="area:shape", model="area:shape"),
        custom_error_type="area",
        custom_error_message="give a service area's name, or an area {region | circle | polygon}",
    ),
]


class PolicyEventSpec(_Model):
    """A timed policy change, active from ``start`` (inclusive) to ``end`` (exclusive;
    ``None``: to the end of the run).

    ``action``:

    - ``cut-off`` — terminals inside ``area`` are not served (``AREA_CUT_OFF``);
      ``end`` is when the operator restores it;
    - ``whitelist-only`` — only terminals on the allow-list are served;
    - ``speed-limit`` — ``max_speed_kmh`` replaces the standing limit (``null`` lifts it).
    """

    action: Literal["cut-off", "whitelist-only", "speed-limit"]
    start: TimeRef = 0.0
    end: TimeRef | None = None
    area: AreaRef | None = None
    max_speed_kmh: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    description: str | None = None

    @model_validator(mode="after")
    def _fields_for_action(self) -> PolicyEventSpec:
        if self.action == "cut-off" and self.area is None:
            raise ValueError("a cut-off needs an area: the name of a service area or "
                             "{region | circle | polygon}")
        if self.action != "cut-off" and self.area is not None:
            raise ValueError(f"area is only used by cut-off, not {self.action!r}")
        if self.action != "speed-limit" and self.max_speed_kmh is not None:
            raise ValueError(f"max_speed_kmh is only used by speed-limit, not {self.action!r}")
        return self


class PolicySpec(_Model):
    """``policy:`` — the service-control plane (see :mod:`leonet.policy`).

    ``service_areas`` (none: served everywhere); ``allow`` / ``deny`` terminal
    names or shell-style patterns (``drone-*``); ``whitelist_only`` serves only
    allow-listed terminals; ``max_speed_kmh`` the standing speed limit (``None``:
    none); ``events`` timed changes.
    """

    service_areas: list[ServiceAreaSpec] = Field(default_factory=list)
    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    whitelist_only: bool = False
    max_speed_kmh: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    events: list[PolicyEventSpec] = Field(default_factory=list)


# ------------------------------------------------------------------- faults
class PlaneRef(_Model):
    """A whole orbital plane: ``shell`` (name as listed by the constellation, or index)."""

    shell: str | int
    plane: int = Field(ge=0)


class SatelliteFaultSpec(_Model):
    """Satellites lost from ``start`` (inclusive) to ``end`` (exclusive; ``None``: for good).

    Exactly one selector: ``names`` (satellite names), ``norad_ids``, ``planes``
    (whole planes) or ``fraction`` (a random share of the constellation, drawn
    from the scenario seed).  ``constellation`` is the index of the
    ``constellations:`` entry (default 0).
    """

    names: list[str] | None = None
    norad_ids: list[int] | None = None
    planes: list[PlaneRef] | None = None
    fraction: float | None = Field(default=None, gt=0, le=1)
    constellation: int = Field(default=0, ge=0)
    start: TimeRef = 0.0
    end: TimeRef | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> SatelliteFaultSpec:
        given = [k for k in ("names", "norad_ids", "planes", "fraction")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of names, norad_ids, planes or fraction; got "
                             f"{given or 'none'}")
        return self


class SiteFaultSpec(_Model):
    """Gateways or PoPs (by name) down from ``start`` (inclusive) to ``end`` (exclusive)."""

    names: list[str] = Field(min_length=1)
    start: TimeRef = 0.0
    end: TimeRef | None = None
    description: str | None = None


class LaserFaultSpec(_Model):
    """Laser links down: ``pairs`` of satellite names, or a random ``fraction`` of links."""

    pairs: list[tuple[str, str]] | None = None
    fraction: float | None = Field(default=None, gt=0, le=1)
    constellation: int = Field(default=0, ge=0)
    start: TimeRef = 0.0
    end: TimeRef | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> LaserFaultSpec:
        if (self.pairs is None) == (self.fraction is None):
            raise ValueError("give exactly one of pairs [[SAT_A, SAT_B], ...] or fraction")
        return self


class DirectionalAntennaSpec(_Model):
    """A jammer's directional antenna: boresight azimuth/elevation and -3 dB beamwidth."""

    boresight_az_deg: float = Field(ge=0, lt=360)
    boresight_el_deg: float = Field(ge=-90, le=90)
    beamwidth_deg: float = Field(gt=0, le=180)


class JammerSpec(_Model):
    """A ground jammer (plain data the radio layer consumes).

    Where: ``lat_deg``/``lon_deg`` (and ``alt_km``) or ``track`` (the name of a
    ``mobile:`` track it rides on).  What: ``eirp_dbw``, ``center_frequency_ghz``
    and ``bandwidth_mhz``; ``antenna`` ``'isotropic'`` or a
    :class:`DirectionalAntennaSpec`.  When: ``start`` (inclusive) to ``end`` (exclusive).
    """

    name: str = Field(min_length=1)
    lat_deg: Latitude | None = None
    lon_deg: Longitude | None = None
    alt_km: Height = 0.0
    track: str | None = None
    eirp_dbw: float = Field(ge=-60, le=120, allow_inf_nan=False)
    center_frequency_ghz: float = Field(gt=0.1, le=100)
    bandwidth_mhz: float = Field(gt=0, le=10_000)
    antenna: Annotated[
        Annotated[Literal["isotropic"], Tag("antenna:isotropic")]
        | Annotated[DirectionalAntennaSpec, Tag("antenna:directional")],
        Discriminator(
            _by_type(str="antenna:isotropic", dict="antenna:directional",
                     model="antenna:directional"),
            custom_error_type="antenna",
            custom_error_message="antenna is 'isotropic' or {boresight_az_deg, "
            "boresight_el_deg, beamwidth_deg}",
        ),
    ] = "isotropic"
    start: TimeRef = 0.0
    end: TimeRef | None = None

    @model_validator(mode="after")
    def _where(self) -> JammerSpec:
        fixed = self.lat_deg is not None or self.lon_deg is not None
        if fixed and self.track is not None:
            raise ValueError("give either lat_deg/lon_deg or track, not both")
        if not fixed and self.track is None:
            raise ValueError("a jammer needs a place: lat_deg and lon_deg, or track (a "
                             "mobile track's name)")
        if fixed and (self.lat_deg is None or self.lon_deg is None):
            raise ValueError("give both lat_deg and lon_deg")
        return self


class FaultsSpec(_Model):
    """``faults:`` — timed failures and jammers (see :mod:`leonet.faults`)."""

    satellites: list[SatelliteFaultSpec] = Field(default_factory=list)
    gateways: list[SiteFaultSpec] = Field(default_factory=list)
    pops: list[SiteFaultSpec] = Field(default_factory=list)
    lasers: list[LaserFaultSpec] = Field(default_factory=list)
    jammers: list[JammerSpec] = Field(default_factory=list)


# ------------------------------------------------------------------ scenario
class Scenario(_Model):
    """A whole scenario: what to simulate, with which policy and faults.

    Build one with :func:`leonet.scenario.load_scenario` (a file or a bundled
    preset) or :meth:`Scenario.from_dict`.  Frozen; change it with
    :meth:`with_overrides`.
    """

    name: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(default=0, ge=0, lt=2**63)
    time: TimeSpec
    constellations: list[ConstellationSpec] = Field(min_length=1)
    ground: GroundSpec = Field(default_factory=GroundSpec)
    network: NetworkSpec = Field(default_factory=NetworkSpec)
    scheduler: SchedulerSpec = Field(default_factory=SchedulerSpec)
    radio: RadioSpec = Field(default_factory=RadioSpec)
    capacity: CapacitySpec = Field(default_factory=CapacitySpec)
    policy: PolicySpec = Field(default_factory=PolicySpec)
    faults: FaultsSpec = Field(default_factory=FaultsSpec)
    outputs: OutputsSpec = Field(default_factory=OutputsSpec)

    # ------------------------------------------------------------ helpers
    def at_ns(self, ref: datetime | float) -> int:
        """A :data:`TimeRef` as int64 ns since 1970-01-01 UTC (offsets from ``time.start``)."""
        return time_ref_ns(ref, self.time.start)

    def end_or_never_ns(self, ref: datetime | float | None) -> int:
        """Like :meth:`at_ns`, ``None`` (no end) as the largest int64."""
        return 2**63 - 1 if ref is None else self.at_ns(ref)

    def grid(self) -> TimeGrid:
        """The run's time grid."""
        return self.time.grid()

    @classmethod
    def from_dict(cls, data: Any, *, base_dir: str | Path | None = None,
                  source: str = "<dict>") -> Scenario:
        """Validate ``data`` (a mapping as read from YAML); errors are :class:`ScenarioError`."""
        from leonet.scenario.loader import validate

        return validate(data, base_dir=base_dir, source=source)

    def with_overrides(self, **changes: Any) -> Scenario:
        """A copy with changes, re-validated: ``duration`` (s or ``'10m'``), ``step_s``,
        ``start``, ``chunk_steps`` (the ``time`` fields), ``seed`` or ``name``.

        >>> s = load_scenario("ukraine").with_overrides(duration="10m", step_s=5)  # doctest: +SKIP
        """
        time_keys = {"duration", "duration_s", "step_s", "start", "chunk_steps"}
        top_keys = {"seed", "name", "description"}
        unknown = set(changes) - time_keys - top_keys
        if unknown:
            raise TypeError(f"with_overrides: unknown {sorted(unknown)}; give any of "
                            f"{sorted(time_keys | top_keys)}")
        data = self.model_dump(mode="json", exclude_none=False)
        for key, value in changes.items():
            if key in time_keys:
                data["time"]["duration" if key == "duration_s" else key] = value
            else:
                data[key] = value
        from leonet.scenario.loader import validate

        return validate(data, base_dir=None, source=f"{self.name} with overrides")
