"""Each operator's bundled ground segment: OneWeb's SNPs and PoPs, KA-SAT's teleports."""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np
import pytest

from leonet.defaults import DEFAULT_ROUTE_FACTOR
from leonet.ground import (
    OPERATORS,
    Gateways,
    Pops,
    assign_gateways_to_pops,
    check_operator,
    great_circle_km,
    load_gateways,
    load_gateways_2026,
    load_pops,
    load_pops_2026,
    operator_gateways,
    operator_names,
    operator_pops,
)


def _data_rows(filename: str) -> list[dict[str, str]]:
    text = (resources.files("leonet") / "data" / "ground" / filename).read_text("utf-8")
    return list(csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#")))


def test_starlink_is_the_calibrated_2026_ground_segment_and_2023_stays_reachable() -> None:
    """The run's bundled Starlink sites are the ones `leonet calibrate` fits on; the Oct
    2023 map is edition '2023'."""
    assert operator_gateways("starlink") is load_gateways_2026()
    assert operator_pops("starlink") is load_pops_2026()
    assert operator_gateways("starlink", "2023") is load_gateways()
    assert operator_pops("starlink", "2023") is load_pops()
    assert len(load_gateways()) == 219 and len(load_pops()) == 28
    # every 2026 gateway is operational (as the 2026 data defines it)
    assert operator_gateways("starlink").likely_operational.all()
    with pytest.raises(ValueError, match="known: 2026, 2023"):
        operator_gateways("starlink", "2019")
    with pytest.raises(ValueError, match="only Starlink's bundled ground segment has editions"):
        operator_pops("oneweb", "2023")


def test_oneweb_has_the_40_snps_and_29_pops_of_the_tma_paper() -> None:
    """Zhao et al., TMA 2025: "40 Satellite Network Portals" and "29 Points-of-Presence"."""
    gw, pops = operator_gateways("oneweb"), operator_pops("oneweb")
    assert isinstance(gw, Gateways) and isinstance(pops, Pops)
    assert len(gw) == 40 and len(pops) == 29
    assert len(set(gw.names.tolist())) == 40 and len(set(pops.names.tolist())) == 29
    # Names never collide with Starlink's, so a scenario can never mix them up by name.
    assert not set(gw.names.tolist()) & set(load_gateways().names.tolist())
    assert (gw.min_elevation_deg == OPERATORS["oneweb"].gateway_min_elevation_deg).all()
    # Talkeetna, Alaska (a press-corroborated SNP) at its published place, within 5 km.
    k = gw.index_of("ow-talkeetna")
    assert great_circle_km(gw.lat_deg[k], gw.lon_deg[k], 62.3209, -150.1066) < 5.0


def test_every_row_has_a_source_and_a_status() -> None:
    for name in OPERATORS.values():
        if not name.gateways_file:
            continue
        rows = _data_rows(name.gateways_file)
        assert rows
        assert all(r["source"].strip() and r["status"] == "live" and r["date"] for r in rows)
        assert all(r["facility"].strip() for r in _data_rows(name.pops_file))


def test_every_site_stands_on_land() -> None:
    """No site at sea (a swapped lat/lon would put most of them in an ocean)."""
    import shapely
    from shapely.geometry import shape

    from leonet.ground.regions import _catalogue

    land = shapely.STRtree([shape(s.__geo_interface__) for s in _catalogue().reader.shapes()])
    for op in ("oneweb", "ka-sat"):
        for sites in (operator_gateways(op), operator_pops(op)):
            points = shapely.points(np.asarray(sites.lon_deg), np.asarray(sites.lat_deg))
            _, dist_deg = land.query_nearest(points, return_distance=True, all_matches=False)
            off_km = dist_deg * 111.2
            assert off_km.max() < 5.0, list(np.asarray(sites.names)[off_km >= 5.0])


def test_bulgarian_snp_backhauls_to_istanbul() -> None:
    """The SNP nearest Ukraine and the PoP it reaches by the nearest-by-fibre rule."""
    gw, pops = operator_gateways("oneweb"), operator_pops("oneweb")
    pop_index, fibre_km = assign_gateways_to_pops(gw, pops)
    k = gw.index_of("ow-stara-zagora")
    assert pops.names[pop_index[k]] == "ow-pop-istanbul"
    # Stara Zagora (42.43 N, 25.63 E) to Istanbul (41.01 N, 28.98 E): ~320 km of great
    # circle, × the route factor (fitted, within the measured 1.2-2: Bozkurt et al.).
    _, fibre_at_one = assign_gateways_to_pops(gw, pops, route_factor=1.0)
    assert 300.0 < fibre_at_one[k] < 340.0
    assert fibre_km[k] == pytest.approx(fibre_at_one[k] * DEFAULT_ROUTE_FACTOR, rel=1e-12)
    assert 1.2 <= DEFAULT_ROUTE_FACTOR <= 2.0


def test_kasat_teleports_see_9_east_high_enough() -> None:
    gw = operator_gateways("ka-sat")
    assert gw.names.tolist() == ["kasat-torino", "kasat-cagliari"]
    assert operator_pops("ka-sat").names.tolist() == ["kasat-top-ix"]


def test_unknown_operator_is_named_with_a_suggestion() -> None:
    assert check_operator(" OneWeb ") == "oneweb"
    assert operator_names() == ["ka-sat", "oneweb", "starlink"]
    with pytest.raises(ValueError, match=r"unknown operator 'onweb'; did you mean 'oneweb'"):
        operator_gateways("onweb")


def test_every_operator_site_is_a_place_by_name() -> None:
    """``--from ow-stara-zagora`` and ``{place: kasat-torino}`` work as Starlink's do."""
    from leonet.ground import find_place

    for op in ("oneweb", "ka-sat"):
        for sites in (operator_gateways(op), operator_pops(op)):
            k = len(sites) - 1
            assert find_place(str(sites.names[k])) == (
                str(sites.names[k]),
                float(sites.lat_deg[k]),
                float(sites.lon_deg[k]),
            )


def test_site_names_are_unique_across_every_operator_and_kind() -> None:
    """A name routes, fails and is found as one site: no SNP, teleport or PoP shares one."""
    names = [
        str(n)
        for op in ("starlink", "oneweb", "ka-sat")
        for sites in (operator_gateways(op), operator_pops(op))
        for n in sites.names
    ]
    assert len(names) == len(set(names))
