"""From a validated :class:`~leonet.scenario.Scenario` to the domain objects of its
control plane and what-ifs: the :class:`~leonet.policy.ServicePolicy`, the
:class:`~leonet.faults.FaultPlan` with its :class:`~leonet.radio.Jammer` objects, and
the events timeline.

The policy, fault and radio layers know nothing of scenarios (they are built by plain
constructors); this module is the one place that reads the scenario's ``policy:`` and
``faults:`` sections for them.  Times are resolved against ``time.start``.  The
space and ground objects (constellations, sites, cells, tracks) come from
:mod:`leonet.scenario.resolve`.
"""

from __future__ import annotations

from collections.abc import Sequence

from leonet.events import Event, sort_events
from leonet.faults.plan import FaultPlan, LaserFault, SatelliteFault, SiteFault
from leonet.ground.regions import Region
from leonet.ground.tracks import Track
from leonet.policy.areas import CircleArea, polygon_area
from leonet.policy.service import PolicyEvent, ServiceArea, ServicePolicy
from leonet.radio.jamming import Jammer
from leonet.radio.parameters import JAMMER_DEFAULT_HEIGHT_M
from leonet.scenario.resolve import build_tracks, region_of
from leonet.scenario.schema import Scenario
from leonet.scenario.whatifs import AreaSpec, DirectionalAntennaSpec, JammerSpec

__all__ = ["area_from_spec", "fault_plan", "radio_jammer", "service_policy", "timeline"]


def area_from_spec(spec: AreaSpec) -> Region | CircleArea:
    """The area an :class:`~leonet.scenario.AreaSpec` describes, named ``spec.label``."""
    if spec.circle is not None:
        c = spec.circle
        return CircleArea(spec.label, c.lat_deg, c.lon_deg, c.radius_km)
    if spec.polygon is not None:
        return polygon_area(spec.label, spec.polygon.lat_deg, spec.polygon.lon_deg)
    assert spec.region is not None
    region = region_of(spec.region)
    if spec.name and spec.name != region.name:
        region = Region(spec.name, region.iso_a3, region.geometry)
    return region


def service_policy(scenario: Scenario) -> ServicePolicy:
    """The policy of ``scenario.policy``; a cut-off naming a service area acts on that
    area's shape."""
    spec = scenario.policy
    areas = [ServiceArea(area_from_spec(a), a.enabled) for a in spec.service_areas]
    by_name = {a.name: a.area for a in areas}
    events = []
    for ev in spec.events:
        area: Region | CircleArea | None = None
        if isinstance(ev.area, str):
            area = by_name[ev.area]
        elif ev.area is not None:
            area = area_from_spec(ev.area)
        events.append(
            PolicyEvent(
                ev.action,
                scenario.at_ns(ev.start),
                scenario.end_or_never_ns(ev.end),
                area,
                ev.max_speed_kmh,
                ev.description or "",
            )
        )
    return ServicePolicy(
        areas, spec.allow, spec.deny, spec.whitelist_only, spec.max_speed_kmh, events
    )


def radio_jammer(spec: JammerSpec, scenario: Scenario, tracks: Sequence[Track] = ()) -> Jammer:
    """The :class:`~leonet.radio.Jammer` of a ``faults.jammers`` entry: on from ``start``
    to ``end``; a ``track`` jammer rides the track of that name in ``tracks``; ``alt_km``
    is its antenna's height above the ground (default
    :data:`~leonet.radio.JAMMER_DEFAULT_HEIGHT_M`)."""
    if spec.track is not None:
        by_name = {t.name: t for t in tracks}
        if spec.track not in by_name:
            raise ValueError(
                f"jammer {spec.name!r}: no mobile track {spec.track!r} among the "
                f"tracks given ({', '.join(by_name) or 'none'}); pass "
                "build_tracks(scenario)"
            )
        position: tuple[float, float] | Track = by_name[spec.track]
    else:
        assert spec.lat_deg is not None and spec.lon_deg is not None
        position = (spec.lat_deg, spec.lon_deg)
    antenna = spec.antenna if isinstance(spec.antenna, DirectionalAntennaSpec) else None
    return Jammer(
        name=spec.name,
        position=position,
        eirp_dbw=spec.eirp_dbw,
        centre_ghz=spec.center_frequency_ghz,
        bandwidth_mhz=spec.bandwidth_mhz,
        boresight_az_deg=0.0 if antenna is None else antenna.boresight_az_deg,
        boresight_el_deg=0.0 if antenna is None else antenna.boresight_el_deg,
        beamwidth_deg=None if antenna is None else antenna.beamwidth_deg,
        height_m=JAMMER_DEFAULT_HEIGHT_M if spec.alt_km is None else spec.alt_km * 1e3,
        active=((scenario.at_ns(spec.start), scenario.end_or_never_ns(spec.end)),),
    )


def fault_plan(scenario: Scenario, tracks: Sequence[Track] | None = None) -> FaultPlan:
    """The plan of ``scenario.faults`` (seeded by ``scenario.seed``); ``tracks`` the
    scenario's mobile tracks (default: built here) for jammers that ride one."""
    f = scenario.faults

    def span(start: object, end: object) -> tuple[int, int]:
        return scenario.at_ns(start), scenario.end_or_never_ns(end)  # type: ignore[arg-type]

    sats = [
        SatelliteFault(
            *span(s.start, s.end),
            names=tuple(s.names or ()),
            norad_ids=tuple(s.norad_ids or ()),
            planes=tuple((p.shell, p.plane) for p in (s.planes or ())),
            fraction=s.fraction,
            constellation=s.constellation,
            description=s.description or "",
        )
        for s in f.satellites
    ]
    gws = [
        SiteFault("gateway", tuple(g.names), *span(g.start, g.end), description=g.description or "")
        for g in f.gateways
    ]
    pops = [
        SiteFault("pop", tuple(p.names), *span(p.start, p.end), description=p.description or "")
        for p in f.pops
    ]
    lasers = [
        LaserFault(
            *span(x.start, x.end),
            pairs=tuple(x.pairs or ()),
            fraction=x.fraction,
            constellation=x.constellation,
            description=x.description or "",
        )
        for x in f.lasers
    ]
    if tracks is None and any(j.track is not None for j in f.jammers):
        tracks = build_tracks(scenario)
    jammers = [radio_jammer(j, scenario, tracks or ()) for j in f.jammers]
    return FaultPlan(sats, gws, pops, lasers, jammers, scenario.seed)


def timeline(scenario: Scenario) -> list[Event]:
    """Every timed policy event, fault and jammer of ``scenario`` as
    :class:`~leonet.events.Event` rows, sorted by time.  Standing settings (service
    areas, a standing speed limit) are not events; items that never end give no ``end``
    row."""
    return sort_events(service_policy(scenario).timeline() + fault_plan(scenario).events())
