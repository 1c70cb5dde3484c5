"""Bundled gateways and PoPs, gateway → PoP backhaul, fibre delay."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from leonet.constants import C_KM_S
from leonet.defaults import DEFAULT_GATEWAY_KA_ANTENNAS
from leonet.ground import (
    Gateways,
    Sites,
    assign_gateways_to_pops,
    fibre_delay_ms,
    load_gateways,
    load_pops,
)


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_gateways_load_and_match_the_shared_csv(shared_data: Path) -> None:
    gw = load_gateways()
    assert isinstance(gw, Gateways) and len(gw) > 100
    assert np.all(np.abs(gw.lat_deg) <= 90) and np.all(np.abs(gw.lon_deg) <= 180)
    with (shared_data / "starlink_gateways_pops_2023-10-10.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["folder"] != "PoPs & Backbone"]
    ttc = [r for r in rows if r["freq"] == "TTC"]
    assert len(gw) == len(rows) - len(ttc) == 219
    assert len(load_gateways(include_ttc=True).of_kind("ttc")) == len(ttc) == 3
    missing = np.array([not r["ka_antennas"] for r in rows if r["freq"] != "TTC"])
    assert (gw.ka_antennas[missing] == DEFAULT_GATEWAY_KA_ANTENNAS).all()
    assert set(np.unique(gw.min_elevation_deg)) <= {5.0, 15.0, 25.0}
    assert set(gw.area) == {"North America", "Europe", "APAC", "South America", "Africa"}
    puerto_montt = gw.index_of("Puerto Montt, CL")
    assert gw.status[puerto_montt] == "Live" and gw.likely_operational[puerto_montt]


def test_pops_merge_both_lists() -> None:
    pops = load_pops()
    assert len(pops) == 28 and len(set(pops.names.tolist())) == 28
    assert {"frntdeu1", "wrswpol1", "lndngbr1", "sttlwax1"} <= set(pops.names.tolist())
    assert (pops.kind == "pop").all()
    fra = pops.index_of("frntdeu1")
    assert pops.lat_deg[fra] == pytest.approx(50.12, abs=0.01)


def test_europe_filter_selects_european_gateways() -> None:
    europe = load_gateways().within(lat_deg=(34.0, 72.0), lon_deg=(-25.0, 45.0))
    assert len(europe) > 15 and set(europe.area) == {"Europe"}
    assert isinstance(europe, Gateways) and len(europe.ka_antennas) == len(europe)


def test_assignment_equals_brute_force() -> None:
    gw, pops = load_gateways(), load_pops()
    index, fibre_km = assign_gateways_to_pops(gw, pops, route_factor=1.7)
    assert index.shape == fibre_km.shape == (len(gw),)
    for g in range(len(gw)):
        dists = [
            _haversine_km(gw.lat_deg[g], gw.lon_deg[g], pops.lat_deg[p], pops.lon_deg[p])
            for p in range(len(pops))
        ]
        best = min(range(len(pops)), key=dists.__getitem__)
        assert index[g] == best
        assert fibre_km[g] == pytest.approx(1.7 * dists[best], abs=1e-6)


def test_stated_backhaul_overrides_nearest() -> None:
    gw = Sites(["g"], [50.0], [9.0], kind="gateway")
    pops = Sites(["fra", "lon"], [50.12, 51.51], [8.73, 0.0], kind="pop")
    assert assign_gateways_to_pops(gw, pops)[0].tolist() == [0]
    assert assign_gateways_to_pops(gw, pops, stated={"g": "lon"})[0].tolist() == [1]
    with pytest.raises(ValueError, match="give a factor >= 1"):
        assign_gateways_to_pops(gw, pops, route_factor=0.5)


def test_fibre_delay_arithmetic() -> None:
    # 1,000 km great circle × 1.5 = 1,500 km fibre at 2/3 c = 199,861.6 km/s → 7.5052 ms
    assert fibre_delay_ms(1000.0, 1.5) == pytest.approx(1500.0 / (C_KM_S * 2 / 3) * 1e3)
    assert fibre_delay_ms(1000.0, 1.5) == pytest.approx(7.5052, abs=1e-4)
    assert fibre_delay_ms(np.array([0.0, 200.0]), 1.0).tolist() == pytest.approx(
        [0.0, 1.0007], abs=1e-4
    )


def test_every_bundled_gateway_and_pop_stands_on_land():
    """No site at sea (a swapped lat/lon would put most of them in an ocean): each lies on,
    or within 5 km of, a Natural Earth 1:10m country. Eight coastal sites are up to 1 km
    off the generalised coastline and Tromsø's TT&C site 4.7 km (its island, Tromsøya, is
    drawn coarsely at 1:10m)."""
    import shapely
    from shapely.geometry import shape

    from leonet.ground import load_pops
    from leonet.ground.regions import _catalogue

    land = shapely.STRtree([shape(s.__geo_interface__) for s in _catalogue().reader.shapes()])
    for sites in (load_gateways(include_ttc=True), load_pops()):
        points = shapely.points(np.asarray(sites.lon_deg), np.asarray(sites.lat_deg))
        _, dist_deg = land.query_nearest(points, return_distance=True, all_matches=False)
        # query_nearest returns one row per point that has a nearest geometry: all of them.
        assert dist_deg.shape == (len(sites),)
        off_km = dist_deg * 111.2  # a degree of arc at most; an upper bound on the distance
        assert off_km.max() < 5.0, list(np.asarray(sites.names)[off_km >= 5.0])
        assert (off_km < 1.0).mean() > 0.99
