"""The network's ground part wired from sites: gateways backhauled to PoPs, PoPs in a mesh."""

from __future__ import annotations

from leonet.defaults import (
    DEFAULT_GATEWAY_KA_ANTENNAS,
    DEFAULT_MIN_ELEVATION_DEG,
    DEFAULT_ROUTE_FACTOR,
)
from leonet.ground.gateways import assign_gateways_to_pops
from leonet.ground.sites import Sites
from leonet.network.graph import GroundNodes
from leonet.network.reachability import gateway_min_elevation_deg

__all__ = ["ground_nodes"]


def ground_nodes(
    terminals: Sites,
    gateways: Sites,
    pops: Sites,
    *,
    route_factor: float = DEFAULT_ROUTE_FACTOR,
    terminal_min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
) -> GroundNodes:
    """The network's ground part: each gateway backhauled to its PoP
    (:func:`~leonet.ground.assign_gateways_to_pops`), PoPs in a fibre mesh.

    Gateways keep their own mask
    (:func:`~leonet.network.reachability.gateway_min_elevation_deg`) and Ka antenna count
    (:class:`~leonet.ground.Gateways`; plain :class:`Sites` get
    :data:`~leonet.defaults.DEFAULT_GATEWAY_KA_ANTENNAS`).
    """
    gateway_pop, _ = assign_gateways_to_pops(gateways, pops, route_factor)
    antennas = getattr(gateways, "ka_antennas", DEFAULT_GATEWAY_KA_ANTENNAS)
    return GroundNodes.from_geodetic(
        gateway_lat_deg=gateways.lat_deg,
        gateway_lon_deg=gateways.lon_deg,
        gateway_alt_km=gateways.alt_km,
        gateway_min_elevation_deg=gateway_min_elevation_deg(gateways),
        gateway_antennas=antennas,
        gateway_pop=gateway_pop,
        pop_lat_deg=pops.lat_deg,
        pop_lon_deg=pops.lon_deg,
        terminal_lat_deg=terminals.lat_deg,
        terminal_lon_deg=terminals.lon_deg,
        terminal_alt_km=terminals.alt_km,
        terminal_min_elevation_deg=terminal_min_elevation_deg,
        route_factor=route_factor,
        gateway_names=[str(n) for n in gateways.names],
        pop_names=[str(n) for n in pops.names],
        terminal_names=[str(n) for n in terminals.names],
    )
