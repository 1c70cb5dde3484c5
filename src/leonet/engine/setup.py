"""A run's set-up: from a validated :class:`~leonet.scenario.Scenario` to the arrays and
models every chunk uses — the sites in run order, the constellation, the ground network of
the named terminals, and the radio and capacity models."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.capacity.demand import site_demand
from leonet.capacity.speedtest import ThroughputParameters
from leonet.capacity.throughput import CapacityConfig, CapacityModel
from leonet.ground.sites import Sites
from leonet.ground.tracks import Track
from leonet.network.graph import GroundNodes
from leonet.network.ground_nodes import ground_nodes
from leonet.radio.links import RadioConfig, RadioModel
from leonet.radio.parameters import RADIO_SYSTEMS
from leonet.scenario.resolve import (
    build_tracks,
    cell_sites,
    load_constellations,
    terminal_sites,
)
from leonet.scenario.schema import Scenario
from leonet.space.constellation import Constellation
from leonet.space.elements import ElementSet
from leonet.timegrid import TimeGrid

# Only the sites are public: the builders are ScenarioRun's plumbing.
__all__ = ["RunSites"]


@dataclass(frozen=True)
class RunSites:
    """A run's sites, ordered ``[cells | fixed terminals | moving terminals]``: ``static``
    the cells and fixed terminals, ``tracks`` the moving ones; the terminals (fixed and
    moving) are the ``named`` sites, whose every step is written to ``terminals``."""

    static: Sites
    tracks: list[Track]
    n_cells: int
    n_fixed: int
    cell_area_km2: NDArray[np.float64] | None

    @property
    def n_moving(self) -> int:
        return len(self.tracks)

    @property
    def names(self) -> NDArray[np.str_]:
        """Every site's name, in run order."""
        return np.concatenate(
            [
                np.asarray(self.static.names, dtype=np.str_),
                np.asarray([t.name for t in self.tracks], dtype=np.str_),
            ]
        )

    @property
    def n_sites(self) -> int:
        return len(self.static) + self.n_moving

    @property
    def named(self) -> NDArray[np.int64]:
        """Site indices of the terminals."""
        return np.arange(self.n_cells, self.n_sites)

    @classmethod
    def of(cls, scenario: Scenario) -> RunSites:
        """The scenario's cells, fixed and moving terminals; a clear error without any,
        or with two terminals of one name."""
        cells = cell_sites(scenario)
        fixed = terminal_sites(scenario)
        tracks = build_tracks(scenario)
        parts = [p for p in (cells, fixed) if p is not None and len(p)]
        if not parts and not tracks:
            raise ValueError(
                f"scenario {scenario.name!r}: no terminals, cells or mobile tracks to serve; "
                "add ground.terminals, ground.places, ground.cells or ground.mobile"
            )
        empty = Sites(np.array([], dtype=np.str_), [], [])
        static = Sites.concatenate(parts) if len(parts) > 1 else (parts[0] if parts else empty)
        sites = cls(
            static,
            tracks,
            0 if cells is None else len(cells),
            len(fixed),
            None if cells is None else np.asarray(cells.area_km2),
        )
        names = [str(n) for n in sites.names[sites.named]]
        if len(set(names)) != len(names):
            raise ValueError(f"scenario {scenario.name!r}: terminal names must be unique")
        return sites

    def moving_at(self, utc_ns: int, names: list[str] | None = None) -> Sites:
        """The moving terminals where they are at ``utc_ns``."""
        at = [t.positions(np.array([utc_ns])) for t in self.tracks]
        return Sites(
            [t.name for t in self.tracks] if names is None else names,
            [p[0][0] for p in at],
            [p[1][0] for p in at],
            [p[2][0] for p in at],
        )


def concatenate_constellations(parts: list[Constellation]) -> Constellation:
    """One constellation of several (shells renumbered, unassigned satellites kept -1)."""
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0] + [len(p.shells) for p in parts[:-1]])
    return Constellation(
        name=" + ".join(p.name for p in parts),
        sat_names=np.concatenate([p.sat_names for p in parts]),
        norad_id=np.concatenate([p.norad_id for p in parts]),
        elements=ElementSet.concatenate([p.elements for p in parts]),
        shell=np.concatenate(
            [np.where(p.shell >= 0, p.shell + o, -1) for p, o in zip(parts, offsets, strict=True)]
        ).astype(np.int32),
        plane=np.concatenate([p.plane for p in parts]),
        slot=np.concatenate([p.slot for p in parts]),
        shells=tuple(s for p in parts for s in p.shells),
        source="; ".join(p.source for p in parts),
        analytic=all(p.analytic for p in parts),
        stale=np.concatenate([p.stale for p in parts]),
    )


def run_constellation(scenario: Scenario) -> Constellation:
    """The scenario's constellations as one."""
    return concatenate_constellations(load_constellations(scenario))


def named_ground(
    sites: RunSites, gateways: Sites, pops: Sites, grid: TimeGrid, route_factor: float
) -> GroundNodes:
    """The ground network for routing the named terminals (moving ones at their first
    waypoint; the step stage moves them to each step's position)."""
    first = sites.moving_at(grid.start_ns)
    static = sites.static
    n_cells = sites.n_cells
    named = Sites(
        [str(n) for n in sites.names[sites.named]],
        np.concatenate([static.lat_deg[n_cells:], first.lat_deg]),
        np.concatenate([static.lon_deg[n_cells:], first.lon_deg]),
        np.concatenate([static.alt_km[n_cells:], first.alt_km]),
    )
    return ground_nodes(named, gateways, pops, route_factor=route_factor)


def capacity_model(
    scenario: Scenario, sites: RunSites, grid: TimeGrid, n_sat: int, gateways: Sites
) -> CapacityModel:
    """Radio and capacity of every site: moving terminals' atmosphere tables at the middle
    of their track (their geometry moved to each step's position by the step stage)."""
    middle = grid.start_ns + (grid.count // 2) * grid.step_ns
    radio_sites = Sites.concatenate(
        [
            p
            for p in (
                sites.static if len(sites.static) else None,
                sites.moving_at(middle) if sites.tracks else None,
            )
            if p is not None
        ]
    )
    system = RADIO_SYSTEMS[scenario.radio_operator]
    radio = RadioModel(
        radio_sites,
        n_sat,
        terminal_type=scenario.radio.terminal_type or system.terminal,
        satellite_type=scenario.radio.satellite_type or system.satellite,
        config=RadioConfig(
            exceedance_percent=scenario.radio.exceedance_percent,
            interference=scenario.radio.interference,
            co_channel_fraction=1.0 / system.downlink.n_channels,
            downlink=system.downlink,
            uplink=system.uplink,
            gateway_downlink=system.gateway_downlink,
            gateway_uplink=system.gateway_uplink,
            gateway=system.gateway,
        ),
        gateways=gateways,
    )
    cap = scenario.capacity
    n_cells = sites.n_cells
    weight = None
    if cap.terminal_density == "population" and n_cells:
        weight = _cell_population(scenario, radio_sites, n_cells, sites.cell_area_km2)
    demand = site_demand(
        radio_sites,
        n_cells,
        sites.cell_area_km2,
        terminals_per_km2=cap.terminals_per_km2,
        terminals_per_named_site=cap.terminals_per_site,
        offered_down_mbps=cap.offered_load_mbps,
        offered_up_mbps=cap.offered_load_up_mbps,
        cell_weight=weight,
    )
    return CapacityModel(
        radio,
        demand,
        CapacityConfig(
            beams_per_satellite=cap.beams_per_sat,
            background_down_mbps=cap.background_load_mbps,
            background_up_mbps=cap.background_load_up_mbps,
            # The speed-test background is fitted to Starlink's published speeds; another
            # operator's run keeps the busy-hour demand of its cells' terminals.
            speed_test=(
                ThroughputParameters().scaled(cap.busy_hour_load_scale, cap.busy_hour_load_scale_up)
                if scenario.radio_operator == "starlink"
                else None
            ),
            seed=scenario.seed,
        ),
    )


def _cell_population(
    scenario: Scenario, radio_sites: Sites, n_cells: int, cell_area_km2: NDArray[np.float64] | None
) -> NDArray[np.float64]:
    """People in each cell (``capacity.terminal_density: population``)."""
    import h3

    from leonet.ground.population import cell_population
    from leonet.ground.regions import find_region

    cells = scenario.ground.cells
    spec = cells.region if cells is not None else ""
    region = find_region(spec)
    if not region.iso_a3:
        raise ValueError(
            f"capacity.terminal_density: population needs ground.cells.region to be a country "
            f"(got {spec!r}); use terminal_density: uniform for other regions"
        )
    area = (
        np.asarray(cell_area_km2, dtype=np.float64)
        if cell_area_km2 is not None
        else np.array([h3.cell_area(str(c), "km^2") for c in radio_sites.names[:n_cells]])
    )
    return cell_population(
        radio_sites.lat_deg[:n_cells], radio_sites.lon_deg[:n_cells], area, region
    )
