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

import difflib
import itertools
import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from leonet.access.scheduler import STRATEGIES, SchedulerConfig
from leonet.defaults import (
    DEFAULT_MAX_LASER_RANGE_KM,
    DEFAULT_REVERT_AFTER_S,
    DEFAULT_ROUTE_FACTOR,
    DEFAULT_SWITCH_OVER_S,
)
from leonet.events import NEVER_NS
from leonet.ground.operator_sites import DEFAULT_OPERATOR, check_operator
from leonet.ground.places import find_place
from leonet.radio.parameters import (
    BUSY_HOUR_DOWN_MBPS,
    BUSY_HOUR_UP_MBPS,
    DEFAULT_OFFERED_LOAD_DOWN_MBPS,
    DEFAULT_OFFERED_LOAD_UP_MBPS,
    DEFAULT_TERMINALS_PER_KM2,
    RADIO_SYSTEMS,
    SATELLITES,
    TERMINALS,
)
from leonet.scenario._base import (
    BoxLongitude,
    Height,
    Latitude,
    Longitude,
    TimeRef,
    _by_type,
    _check_region,
    _dump_time,
    _Model,
    _resolve_file,
    _utc,
    time_ref_ns,
)
from leonet.scenario.appspec import AppProfiles
from leonet.scenario.whatifs import FaultsSpec, PolicySpec
from leonet.space.geostationary import GEO_SLOTS
from leonet.space.presets import preset_names
from leonet.space.resolve import BUNDLED_CATALOGUES
from leonet.timegrid import LATEST_TIME, TimeGrid, parse_duration_s

__all__ = [
    "BundledSitesSpec",
    "CapacitySpec",
    "CellsSpec",
    "ConstellationSpec",
    "FileTerminalsSpec",
    "GeostationarySpec",
    "GroundSpec",
    "LatLonBox",
    "LatencySpec",
    "NetworkSpec",
    "OutputsSpec",
    "PlaceTerminalSpec",
    "RadioSpec",
    "Scenario",
    "SchedulerSpec",
    "SiteSpec",
    "SubscriptionGroupSpec",
    "SubscriptionsSpec",
    "SystemGroundSpec",
    "SystemSpec",
    "TerminalSpec",
    "TimeSpec",
    "TrackSpec",
    "WaypointSpec",
]


def _duration_s(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as 3600, '90m' or '1h', got {value!r}")
    if not isinstance(value, str | int | float):
        raise ValueError(
            f"expected a duration such as 3600, '90m' or '1h', got {type(value).__name__}"
        )
    return parse_duration_s(value, "duration")


class TimeSpec(_Model):
    """``time:`` — when and how finely to simulate.

    ``start`` an ISO 8601 UTC instant; ``duration`` seconds or ``'1h'``/``'90m'``
    (stored in seconds); ``step_s`` the time step (s); ``chunk_steps`` steps per
    chunk (default: chosen by the engine from memory).
    """

    start: Annotated[datetime, BeforeValidator(_utc), PlainSerializer(_dump_time, return_type=str)]
    duration: Annotated[float, BeforeValidator(_duration_s)]
    step_s: float = Field(strict=True, default=1.0, gt=0, allow_inf_nan=False)
    chunk_steps: int | None = Field(strict=True, default=None, ge=1)

    @field_validator("step_s")
    @classmethod
    def _whole_nanoseconds(cls, value: float) -> float:
        if value < 1e-9:
            raise ValueError(
                f"step_s {value:g} s is below one nanosecond, the clock's "
                "resolution (times are int64 nanoseconds)"
            )
        return value

    @model_validator(mode="after")
    def _ends_in_range(self) -> TimeSpec:
        room_s = (LATEST_TIME - self.start).total_seconds()
        if self.duration >= room_s:
            raise ValueError(
                f"the run would end after {LATEST_TIME:%Y-%m-%d}, beyond the times leonet can "
                "count (int64 nanoseconds since 1970); shorten the duration or start earlier"
            )
        return self

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
class GeostationarySpec(_Model):
    """``geostationary:`` — satellites on geostationary slots: ``name`` (a known system
    such as ``ka-sat`` at 9° E or ``konnect`` at 7° E gives its published slot) and/or
    ``longitudes_deg`` (degrees east, 1 to 16 slots; overrides the name's)."""

    name: str = Field(default="geo", min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")
    longitudes_deg: list[Longitude] | None = Field(default=None, min_length=1, max_length=16)

    @model_validator(mode="after")
    def _slots_known(self) -> GeostationarySpec:
        east = sorted((lon + 180.0) % 360.0 - 180.0 for lon in self.longitudes_deg or (0.0,))
        gaps = [b - a for a, b in itertools.pairwise(east)] + [360.0 + east[0] - east[-1]]
        if len(east) > 1 and min(gaps) < 0.1:
            raise ValueError(
                f"longitudes_deg {self.longitudes_deg}: two slots closer than 0.1° "
                "(-160 and 200 are the same slot); give each slot once"
            )
        if self.longitudes_deg is None and self.name.lower() not in GEO_SLOTS:
            raise ValueError(
                f"geostationary {self.name!r}: give longitudes_deg (degrees east, e.g. [9.0]) "
                f"or a system with a known slot: {', '.join(sorted(GEO_SLOTS))}"
            )
        return self

    @property
    def slots_deg(self) -> tuple[float, ...]:
        """The slot longitudes, degrees east."""
        if self.longitudes_deg is not None:
            return tuple(self.longitudes_deg)
        return GEO_SLOTS[self.name.lower()]


class ConstellationSpec(_Model):
    """One ``constellations:`` entry — exactly one of ``preset``, ``catalogue``,
    ``celestrak``, ``geostationary``.

    ``preset`` a Walker preset (``starlink-gen1``, ``kuiper``, …); ``catalogue``
    a bundled catalogue (``starlink``, ``oneweb-tle``) or a TLE/OMM file;
    ``celestrak`` a CelesTrak GP group (downloaded and cached); ``geostationary``
    satellites on geostationary slots (:class:`GeostationarySpec`).
    ``min_elevation_deg`` overrides the terminal elevation mask: one number for
    every shell, or a mapping ``{shell name: degrees}``.
    """

    preset: str | None = None
    catalogue: str | None = None
    celestrak: str | None = None
    geostationary: GeostationarySpec | None = None
    min_elevation_deg: (
        Annotated[float, Field(strict=True, gt=0, lt=90)]
        | dict[str, Annotated[float, Field(strict=True, gt=0, lt=90)]]
        | None
    ) = None

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is None:
            return None
        key = value.strip().lower()
        names = preset_names()
        if key not in names:
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
        given = [
            k
            for k in ("preset", "catalogue", "celestrak", "geostationary")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of preset (e.g. starlink-gen1), catalogue (starlink or a "
                "TLE/OMM file), celestrak (a CelesTrak group) or geostationary ({name: ka-sat} "
                f"or {{longitudes_deg: [9.0]}}); got {given or 'none'}"
            )
        return self

    @property
    def spec(self) -> str:
        """What :func:`leonet.space.load_constellation` takes."""
        if self.preset is not None:
            return self.preset
        if self.catalogue is not None:
            return self.catalogue
        if self.geostationary is not None:
            return "geo:" + ",".join(f"{x:g}" for x in self.geostationary.slots_deg)
        return f"celestrak:{self.celestrak}"


# ----------------------------------------------------------------- ground
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
            type(value), "terminal:file"
        )
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
    resolution: int = Field(strict=True, default=5, ge=0, le=15)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str, info: ValidationInfo) -> str:
        return _check_region(value, info)


class LatLonBox(_Model):
    """A latitude/longitude box: ``{lat_deg: [south, north], lon_deg: [west, east]}``."""

    lat_deg: tuple[Latitude, Latitude]
    lon_deg: tuple[BoxLongitude, BoxLongitude]

    @model_validator(mode="after")
    def _ordered(self) -> LatLonBox:
        if self.lat_deg[0] >= self.lat_deg[1]:
            raise ValueError(
                f"lat_deg {list(self.lat_deg)} must be [south, north] with south < north"
            )
        if self.lon_deg[0] >= self.lon_deg[1]:
            raise ValueError(
                f"lon_deg {list(self.lon_deg)} must be [west, east] with west < east "
                "(a box across the antimeridian is not supported)"
            )
        return self


class BundledSitesSpec(_Model):
    """The bundled gateways or PoPs: ``{bundled: true, within: {...}, names: [...]}``.

    ``operator`` whose ground segment (``starlink``, the default; ``oneweb``; ``ka-sat``:
    :mod:`leonet.ground.operator_sites`); ``edition`` Starlink's ``'2026'`` (the default,
    the set `leonet calibrate` fits on) or ``'2023'`` (the Oct 2023 map); ``within``
    keeps the sites inside a lat/lon box; ``names`` keeps only those names; ``exclude``
    drops names;
    ``operational_only`` (gateways) keeps sites mapped as live or built.
    """

    bundled: Literal[True] = True
    operator: str = DEFAULT_OPERATOR
    edition: Literal["2026", "2023"] = "2026"
    within: LatLonBox | None = None
    names: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    operational_only: bool = Field(default=False, strict=True)

    @field_validator("operator")
    @classmethod
    def _known_operator(cls, value: str) -> str:
        return check_operator(value)

    @field_validator("edition", mode="before")
    @classmethod
    def _edition_as_text(cls, value: object) -> object:
        # YAML reads `edition: 2023` as a number
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _edition_is_starlinks(self) -> BundledSitesSpec:
        if self.edition != "2026" and self.operator != "starlink":
            raise ValueError(
                f"edition {self.edition!r}: only Starlink's bundled ground segment has "
                f"editions (operator {self.operator!r} has one); drop edition"
            )
        return self


class SiteSpec(_Model):
    """A gateway or PoP of your own: ``{name, lat_deg, lon_deg, min_elevation_deg}``."""

    name: str = Field(min_length=1)
    lat_deg: Latitude
    lon_deg: Longitude
    alt_km: Height = 0.0
    min_elevation_deg: float | None = Field(strict=True, default=None, ge=0, lt=90)


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
class LatencySpec(_Model):
    """``network.latency:`` — the latency terms' parameters (docs/latency.md), each ms
    unless named otherwise; a field left out keeps its calibrated default
    (:class:`leonet.network.LatencyParameters`), 0 switches that term off."""

    user_downlink_frame_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    user_uplink_scheduling_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    user_uplink_cycle_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    satellite_processing_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    gateway_processing_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    ground_equipment_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    pop_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    slot_spike_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    slot_spike_s: float | None = Field(strict=True, default=None, ge=0, le=15)
    queue_scale_ms: float | None = Field(strict=True, default=None, ge=0, le=1_000)
    max_utilisation: float | None = Field(strict=True, default=None, ge=0, lt=1)

    def given(self) -> dict[str, float]:
        """The fields set, by name."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class NetworkSpec(_Model):
    """``network:`` — ``mode`` (lasers, bent-pipe or hybrid); ``access`` ``scheduled``
    (a terminal's route uses the satellite the scheduler gave it) or ``any`` (the best
    usable satellite in view: a latency best case), the network layer's ``'serving'`` /
    ``'any'``; service, radio and capacity use the scheduler's satellite either way.
    ``pop_rule`` ``country`` (each site to the nearest by delay of its country's PoPs,
    where the PoPs are Starlink's bundled 2026 ones: :mod:`leonet.engine.pop_sets`) or
    ``nearest`` (the nearest PoP of all)."""

    mode: Literal["lasers", "bent-pipe", "hybrid"] = "hybrid"
    access: Literal["scheduled", "any"] = "scheduled"
    max_laser_range_km: float = Field(
        strict=True, default=DEFAULT_MAX_LASER_RANGE_KM, gt=0, le=20_000
    )
    processing_delay_ms: float = Field(strict=True, default=0.0, ge=0, le=1_000)
    route_factor: float = Field(strict=True, default=DEFAULT_ROUTE_FACTOR, ge=1.0, le=5.0)
    latency: LatencySpec = Field(default_factory=LatencySpec)
    pop_rule: Literal["country", "nearest"] = "country"


class SchedulerSpec(_Model):
    """``scheduler:`` — the 15-second scheduler (see :class:`leonet.access.SchedulerConfig`)."""

    strategy: str = "highest-elevation"
    slot_s: float = Field(strict=True, default=15.0, gt=0, allow_inf_nan=False)
    phase_s: float = Field(strict=True, default=0.0, allow_inf_nan=False)
    immediate_reselect: bool = Field(default=False, strict=True)
    max_terminals_per_sat: int | None = Field(strict=True, default=None, ge=0)

    @field_validator("strategy")
    @classmethod
    def _known_strategy(cls, value: str) -> str:
        if value not in STRATEGIES:
            raise ValueError(
                f"unknown scheduler strategy {value!r}; choose one of "
                f"{', '.join(repr(s) for s in sorted(STRATEGIES))}"
            )
        return value

    def config(self) -> SchedulerConfig:
        """The :class:`leonet.access.SchedulerConfig` for this section."""
        return SchedulerConfig(
            strategy=self.strategy,
            slot_s=self.slot_s,
            phase_s=self.phase_s,
            immediate_reselect=self.immediate_reselect,
            max_terminals_per_sat=self.max_terminals_per_sat,
        )


def _known_name(value: str | None, table: dict[str, Any], what: str) -> str | None:
    if value is None:
        return None
    key = value.strip().lower()
    if key not in table:
        close = difflib.get_close_matches(key, list(table), n=2, cutoff=0.5)
        hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
        raise ValueError(
            f"unknown {what} {value!r}; {hint}choose one of {', '.join(sorted(table))}"
        )
    return key


class RadioSpec(_Model):
    """``radio:`` — whose radio (``operator``: ``starlink``, ``oneweb``, ``ka-sat``; default
    the operator of the bundled gateways, else Starlink), the user terminal type and the
    satellites' type (defaults: the operator's; :data:`leonet.radio.RADIO_SYSTEMS`), rain
    exceedance (% of time) and interference on/off."""

    operator: str | None = None
    terminal_type: str | None = None
    satellite_type: str | None = None
    exceedance_percent: float = Field(strict=True, default=1.0, gt=0, le=50)
    interference: bool = Field(default=True, strict=True)

    @field_validator("operator")
    @classmethod
    def _known_operator(cls, value: str | None) -> str | None:
        return _known_name(value, RADIO_SYSTEMS, "radio operator")

    @field_validator("terminal_type")
    @classmethod
    def _known_terminal(cls, value: str | None) -> str | None:
        return _known_name(value, TERMINALS, "terminal type")

    @field_validator("satellite_type")
    @classmethod
    def _known_satellite(cls, value: str | None) -> str | None:
        return _known_name(value, SATELLITES, "satellite type")


class CapacitySpec(_Model):
    """``capacity:`` — beams per satellite (default: the satellite generation's), the
    busy-hour load each terminal offers (down and up, Mb/s), the density of active
    terminals in the cells (per km², so it does not depend on the H3 resolution) and
    the terminals behind each named terminal (defaults: :mod:`leonet.radio.parameters`).
    ``terminal_density: population`` spreads the same number of cell terminals in
    proportion to where people live (:mod:`leonet.ground.population`; the cells' region
    must be a country) instead of uniformly per km²; ``background_load_mbps`` /
    ``background_load_up_mbps``: the busy-hour demand of each terminal carrying the
    calibrated beam background a speed test runs against (:mod:`leonet.capacity.speedtest`);
    ``busy_hour_load_scale``: that background's load relative to the calibrated one (1:
    Starlink's published speeds, fitted over its countries; 2: a region whose beams carry
    twice the evening load — docs/latency.md on choosing it from a region's published
    speeds), which sets the speed tests and ``busy_rtt_ms``; ``busy_hour_load_scale_up``
    the uplink's where it differs (default: ``busy_hour_load_scale``, both ways)."""

    beams_per_sat: int | None = Field(strict=True, default=None, ge=1)
    offered_load_mbps: float = Field(
        strict=True, default=DEFAULT_OFFERED_LOAD_DOWN_MBPS, ge=0, allow_inf_nan=False
    )
    offered_load_up_mbps: float = Field(
        strict=True, default=DEFAULT_OFFERED_LOAD_UP_MBPS, ge=0, allow_inf_nan=False
    )
    terminals_per_km2: float = Field(
        strict=True, default=DEFAULT_TERMINALS_PER_KM2, ge=0, allow_inf_nan=False
    )
    terminals_per_site: float = Field(strict=True, default=1.0, ge=0, allow_inf_nan=False)
    terminal_density: Literal["uniform", "population"] = "uniform"
    background_load_mbps: float = Field(
        strict=True, default=BUSY_HOUR_DOWN_MBPS, gt=0, allow_inf_nan=False
    )
    background_load_up_mbps: float = Field(
        strict=True, default=BUSY_HOUR_UP_MBPS, gt=0, allow_inf_nan=False
    )
    busy_hour_load_scale: float = Field(strict=True, default=1.0, gt=0, allow_inf_nan=False)
    busy_hour_load_scale_up: float | None = Field(
        strict=True, default=None, gt=0, allow_inf_nan=False
    )

    def load_scale_problem(self, operator: str, radio: str = "this scenario's radio") -> str:
        """Why ``busy_hour_load_scale`` (or ``_up``) cannot apply to ``operator``'s radio
        (``radio`` names it in the message), or ``""`` where it can: only Starlink's speed
        test has a calibrated background to scale."""
        plain = self.busy_hour_load_scale == 1.0 and self.busy_hour_load_scale_up in (None, 1.0)
        if plain or operator == "starlink":
            return ""
        return (
            "scales the busy-hour background fitted to Starlink's published speeds, but "
            f"{radio} is {operator}'s, whose speed test runs against its own cells' "
            "demand; drop busy_hour_load_scale (and busy_hour_load_scale_up) or set "
            "radio.operator: starlink"
        )


class OutputsSpec(_Model):
    """``outputs:`` — where to write (``out_dir``; default chosen by the engine), how often
    to write per-cell rows (every ``step`` or once per scheduler ``slot``), and the report."""

    out_dir: str | None = None
    cells_every: Literal["step", "slot"] = "slot"
    report: bool = Field(default=True, strict=True)


# ------------------------------------------------------------------ systems
#: A system's name: lower-case letters, digits and '-' (it names the folder of its sub-run).
SYSTEM_NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class SystemGroundSpec(_Model):
    """A system's own ground segment: its ``gateways`` and ``pops`` (as ``ground:``'s)."""

    gateways: GroundNetwork = Field(default_factory=BundledSitesSpec)
    pops: GroundNetwork = Field(default_factory=BundledSitesSpec)


class SystemSpec(_Model):
    """One ``systems:`` entry — an operator's system: its satellites, ground segment,
    network, scheduler, radio, capacity, control plane (``policy``) and ``faults``.

    ``name`` a slug (``starlink``, ``oneweb``, ``geo``); ``network``, ``scheduler``,
    ``radio`` and ``capacity`` left out take the scenario's top-level sections; ``policy``
    and ``faults`` are the system's own (empty when left out): cutting one system off
    leaves the others untouched.
    """

    name: str
    description: str = ""
    constellations: list[ConstellationSpec] = Field(min_length=1)
    ground: SystemGroundSpec = Field(default_factory=SystemGroundSpec)
    network: NetworkSpec | None = None
    scheduler: SchedulerSpec | None = None
    radio: RadioSpec | None = None
    capacity: CapacitySpec | None = None
    policy: PolicySpec = Field(default_factory=PolicySpec)
    faults: FaultsSpec = Field(default_factory=FaultsSpec)

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(SYSTEM_NAME_PATTERN, value):
            raise ValueError(
                f"system name {value!r} must be a short slug such as 'starlink' or 'oneweb': "
                "lower-case letters, digits and '-', at most 40 (it names the system's "
                "folder OUT/systems/NAME and its rows' system column)"
            )
        return value


class SubscriptionGroupSpec(_Model):
    """One ``subscriptions.groups`` entry: the ``systems`` (by preference) of the named
    terminals that match ``terminals`` (names or shell patterns such as ``drone-*``;
    left out: every terminal), or of a seeded ``share`` (0-1] of them."""

    systems: list[str] = Field(min_length=1)
    terminals: list[str] | None = Field(default=None, min_length=1)
    share: float | None = Field(strict=True, default=None, gt=0, le=1, allow_inf_nan=False)
    description: str = ""

    @model_validator(mode="after")
    def _selects(self) -> SubscriptionGroupSpec:
        if self.terminals is None and self.share is None:
            raise ValueError(
                "a group selects terminals: give terminals (names or patterns such as "
                "'drone-*'), a share (e.g. 0.3 of the terminals), or both"
            )
        return self


class SubscriptionsSpec(_Model):
    """``subscriptions:`` — which systems each terminal and cell uses, by preference.

    ``default`` the systems of a terminal no group takes (default: the first system);
    ``cells`` the cells' (default: ``default``); ``groups`` taken in order, a terminal
    by the first that selects it; ``switch_over_s`` how long a terminal is down
    (``switching-over``) when its system stops serving it before the next subscribed
    system that serves carries it; ``revert_after_s`` how long a more preferred system
    must serve before the terminal moves back to it (make-before-break)."""

    default: list[str] | None = Field(default=None, min_length=1)
    cells: list[str] | None = Field(default=None, min_length=1)
    groups: list[SubscriptionGroupSpec] = Field(default_factory=list)
    switch_over_s: float = Field(
        strict=True, default=DEFAULT_SWITCH_OVER_S, ge=0, le=86_400, allow_inf_nan=False
    )
    revert_after_s: float = Field(
        strict=True, default=DEFAULT_REVERT_AFTER_S, ge=0, le=86_400, allow_inf_nan=False
    )


# ------------------------------------------------------------------ scenario
class Scenario(_Model):
    """A whole scenario: what to simulate, with which policy and faults.

    Build one with :func:`leonet.scenario.load_scenario` (a file or a bundled
    preset) or :func:`leonet.scenario.validate` (a mapping).  Frozen; change it with
    :func:`leonet.scenario.with_overrides`.  Pure data: validating its cross-references
    (:mod:`leonet.scenario.loader`) and building objects from it
    (:mod:`leonet.scenario.resolve`, :mod:`leonet.scenario.build`) live elsewhere.
    """

    name: str = Field(min_length=1)
    description: str = ""
    seed: int = Field(strict=True, default=0, ge=0, lt=2**63)
    time: TimeSpec
    constellations: list[ConstellationSpec] = Field(default_factory=list)
    ground: GroundSpec = Field(default_factory=GroundSpec)
    network: NetworkSpec = Field(default_factory=NetworkSpec)
    scheduler: SchedulerSpec = Field(default_factory=SchedulerSpec)
    radio: RadioSpec = Field(default_factory=RadioSpec)
    capacity: CapacitySpec = Field(default_factory=CapacitySpec)
    policy: PolicySpec = Field(default_factory=PolicySpec)
    faults: FaultsSpec = Field(default_factory=FaultsSpec)
    outputs: OutputsSpec = Field(default_factory=OutputsSpec)
    #: Application profiles added to (or replacing by name) the bundled ones; see docs/apps.md.
    apps: AppProfiles = Field(default_factory=list)
    #: Several operators' systems in one run (docs/systems.md); ``None``: one system, the
    #: top-level sections.
    systems: list[SystemSpec] | None = Field(default=None, min_length=1)
    #: Which systems each terminal and cell uses (only with ``systems``).
    subscriptions: SubscriptionsSpec | None = None

    @model_validator(mode="after")
    def _one_or_several_systems(self) -> Scenario:
        if self.systems is None:
            if not self.constellations:
                raise ValueError(
                    "constellations: give at least one constellation (e.g. "
                    "[{catalogue: starlink}]), or several operators' systems under systems:"
                )
            if self.subscriptions is not None:
                raise ValueError(
                    "subscriptions: choose among systems, but this scenario has no systems: "
                    "list; add one (docs/systems.md) or drop subscriptions"
                )
            problem = self.capacity.load_scale_problem(self.radio_operator)
            if problem:
                raise ValueError(f"capacity.busy_hour_load_scale {problem}")
        return self

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        """The name is the default run folder (runs/NAME): one plain path component."""
        if (
            value.strip() in (".", "..")
            or any(c in value for c in "/\\")
            or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value)
        ):
            raise ValueError(
                f"name {value!r} must be a plain name (it is the default run "
                "folder runs/NAME): no '/', '\\', control characters, '.' or "
                "'..'"
            )
        if len(value) > 200:
            raise ValueError(f"name is {len(value)} characters; keep it under 200")
        return value

    # ------------------------------------------------------------ helpers
    def at_ns(self, ref: datetime | float) -> int:
        """A :data:`TimeRef` as int64 ns since 1970-01-01 UTC (offsets from ``time.start``)."""
        return time_ref_ns(ref, self.time.start)

    def end_or_never_ns(self, ref: datetime | float | None) -> int:
        """Like :meth:`at_ns`, ``None`` (no end) as the largest int64."""
        return NEVER_NS if ref is None else self.at_ns(ref)

    def grid(self) -> TimeGrid:
        """The run's time grid."""
        return self.time.grid()

    @property
    def radio_operator(self) -> str:
        """Whose radio the run uses: ``radio.operator``, else the operator of the bundled
        gateways (``ground.gateways.operator``), else ``starlink``."""
        if self.radio.operator is not None:
            return self.radio.operator
        gateways = self.ground.gateways
        return gateways.operator if isinstance(gateways, BundledSitesSpec) else "starlink"
