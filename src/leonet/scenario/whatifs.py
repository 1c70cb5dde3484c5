"""The what-if sections of a scenario: areas, the service policy and faults (jammers too).

Turned into :mod:`leonet.policy` and :mod:`leonet.faults` objects by
:mod:`leonet.scenario.build`; every interval is
``[start, end)`` — start inclusive, end exclusive (``end`` omitted: to the end of the run).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag, ValidationInfo, field_validator, model_validator
from shapely.geometry import Polygon
from shapely.validation import explain_validity

from leonet.scenario._base import (
    BoxLongitude,
    Latitude,
    Longitude,
    TimeRef,
    _by_type,
    _check_region,
    _Model,
)

__all__ = [
    "AreaSpec",
    "CircleSpec",
    "DirectionalAntennaSpec",
    "FaultsSpec",
    "JammerSpec",
    "LaserFaultSpec",
    "PlaneRef",
    "PolicyEventSpec",
    "PolicySpec",
    "PolygonSpec",
    "SatelliteFaultSpec",
    "ServiceAreaSpec",
    "SiteFaultSpec",
]


# -------------------------------------------------------------------- areas
class CircleSpec(_Model):
    """A circle on the ground: centre and great-circle radius."""

    lat_deg: Latitude
    lon_deg: BoxLongitude
    radius_km: float = Field(strict=True, gt=0, le=10_000, allow_inf_nan=False)


class PolygonSpec(_Model):
    """A polygon's corners as two columns: ``{lat_deg: [...], lon_deg: [...]}`` (≥ 3 corners)."""

    lat_deg: list[Latitude] = Field(min_length=3)
    lon_deg: list[BoxLongitude] = Field(min_length=3)

    @model_validator(mode="after")
    def _valid(self) -> PolygonSpec:
        if len(self.lat_deg) != len(self.lon_deg):
            raise ValueError(
                f"lat_deg has {len(self.lat_deg)} corners but lon_deg has "
                f"{len(self.lon_deg)}; give one latitude per longitude"
            )
        poly = Polygon(list(zip(self.lon_deg, self.lat_deg, strict=True)))
        if not poly.is_valid:
            raise ValueError(
                f"the polygon is not valid ({explain_validity(poly)}); order the "
                "corners so they go round the outline without crossing"
            )
        if poly.area == 0.0:
            raise ValueError(
                "the polygon has zero area; give at least 3 distinct, non-collinear corners"
            )
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
            raise ValueError(
                "an area needs exactly one of region (a country or GeoJSON), "
                f"circle {{lat_deg, lon_deg, radius_km}} or polygon; got "
                f"{given or 'none'}"
            )
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

    enabled: bool = Field(default=True, strict=True)


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
    max_speed_kmh: float | None = Field(strict=True, default=None, gt=0, allow_inf_nan=False)
    description: str | None = None

    @model_validator(mode="after")
    def _fields_for_action(self) -> PolicyEventSpec:
        if self.action == "cut-off" and self.area is None:
            raise ValueError(
                "a cut-off needs an area: the name of a service area or {region | circle | polygon}"
            )
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
    whitelist_only: bool = Field(default=False, strict=True)
    max_speed_kmh: float | None = Field(strict=True, default=None, gt=0, allow_inf_nan=False)
    events: list[PolicyEventSpec] = Field(default_factory=list)


# ------------------------------------------------------------------- faults
class PlaneRef(_Model):
    """A whole orbital plane: ``shell`` (name as listed by the constellation, or index)."""

    shell: str | int
    plane: int = Field(strict=True, ge=0)


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
    fraction: float | None = Field(strict=True, default=None, ge=0, le=1)
    constellation: int = Field(strict=True, default=0, ge=0)
    start: TimeRef = 0.0
    end: TimeRef | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> SatelliteFaultSpec:
        given = [
            k for k in ("names", "norad_ids", "planes", "fraction") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of names, norad_ids, planes or fraction; got {given or 'none'}"
            )
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
    fraction: float | None = Field(strict=True, default=None, gt=0, le=1)
    constellation: int = Field(strict=True, default=0, ge=0)
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

    boresight_az_deg: float = Field(strict=True, ge=0, lt=360)
    boresight_el_deg: float = Field(strict=True, ge=-90, le=90)
    beamwidth_deg: float = Field(strict=True, gt=0, le=180)


class JammerSpec(_Model):
    """A ground jammer (plain data the radio layer consumes).

    Where: ``lat_deg``/``lon_deg`` or ``track`` (the name of a ``mobile:`` track it
    rides on); ``alt_km`` its antenna's height above the ground (or above the track),
    which sets its radio horizon (omitted: the radio layer's 10 m,
    :data:`leonet.radio.JAMMER_DEFAULT_HEIGHT_M`).  What: ``eirp_dbw``, ``center_frequency_ghz``
    and ``bandwidth_mhz``; ``antenna`` ``'isotropic'`` or a
    :class:`DirectionalAntennaSpec`.  When: ``start`` (inclusive) to ``end`` (exclusive).
    """

    name: str = Field(min_length=1)
    lat_deg: Latitude | None = None
    lon_deg: Longitude | None = None
    alt_km: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    track: str | None = None
    eirp_dbw: float = Field(strict=True, ge=-60, le=120, allow_inf_nan=False)
    center_frequency_ghz: float = Field(strict=True, gt=0.1, le=100)
    bandwidth_mhz: float = Field(strict=True, gt=0, le=10_000)
    antenna: Annotated[
        Annotated[Literal["isotropic"], Tag("antenna:isotropic")]
        | Annotated[DirectionalAntennaSpec, Tag("antenna:directional")],
        Discriminator(
            _by_type(
                str="antenna:isotropic", dict="antenna:directional", model="antenna:directional"
            ),
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
            raise ValueError(
                "a jammer needs a place: lat_deg and lon_deg, or track (a mobile track's name)"
            )
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
