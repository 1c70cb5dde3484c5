"""leonet.ground.starlink_pops: the Oct 2026 PoPs and each country's home PoP."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from leonet.ground import (
    country_iso2,
    country_pop_subnets,
    country_pops,
    great_circle_km,
    home_pop,
    home_pops,
    load_pops_2026,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
GEOIP = DATA / "starlink_geoip_country_pop_2026-10_calibration.csv"


def _geoip() -> list[dict[str, str]]:
    return list(
        csv.DictReader(ln for ln in GEOIP.read_text().splitlines() if not ln.startswith("#"))
    )


def test_every_geofeed_pop_code_is_bundled_with_a_location() -> None:
    pops = load_pops_2026()
    codes = {r["pop"] for r in _geoip()} - {"(none)"}
    assert set(pops.names.tolist()) == codes and len(codes) == 66
    assert np.isfinite(pops.lat_deg).all() and np.isfinite(pops.lon_deg).all()


def test_pop_locations_agree_with_the_european_list_within_30_km() -> None:
    # Outside authority: the community PoP list (PeeringDB facilities) in shared/data.
    pops = load_pops_2026()
    where = {
        str(n): (float(a), float(o))
        for n, a, o in zip(pops.names, pops.lat_deg, pops.lon_deg, strict=True)
    }
    rows = list(
        csv.DictReader(
            ln
            for ln in (DATA / "starlink_pops_europe.csv").read_text().splitlines()
            if not ln.startswith("#")
        )
    )
    checked = 0
    for r in rows:
        if r["pop_code"] in where:
            lat, lon = where[r["pop_code"]]
            assert great_circle_km(lat, lon, float(r["lat"]), float(r["lon"])) < 30.0, r
            checked += 1
    assert checked >= 5


def test_home_pop_is_the_pop_most_subnets_exit_through() -> None:
    assert home_pop("PL") == "wrswpol1" and home_pop("de") == "frntdeu1"
    by: dict[str, dict[str, int]] = {}
    for r in _geoip():
        if r["pop"] != "(none)":
            by.setdefault(r["country"], {})[r["pop"]] = int(r["subnets"])
    for cc, subnets in by.items():
        assert subnets[home_pops()[cc]] == max(subnets.values()), cc


def test_a_country_without_data_has_no_home_pop() -> None:
    assert home_pop("XX") is None
    assert country_pops("XX") == ()


def test_a_countrys_pops_are_every_pop_its_subnets_exit_through_most_first() -> None:
    # The outside authority: the geofeed table in shared/data, read here independently.
    by: dict[str, dict[str, int]] = {}
    for r in _geoip():
        if r["pop"] != "(none)":
            by.setdefault(r["country"], {})[r["pop"]] = int(r["subnets"])
    assert country_pop_subnets() == {
        cc: dict(sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))) for cc, s in by.items()
    }
    assert country_pops("fr") == ("mdrdesp1", "frntdeu1", "mlnnita1", "lndngbr1")
    assert set(country_pops("HU")) == {"sfiabgr1", "frntdeu1", "wrswpol1"}
    for cc in by:
        assert country_pops(cc)[0] == home_pop(cc), cc


def test_country_iso2() -> None:
    assert country_iso2("Poland") == "PL" and country_iso2("DEU") == "DE"


def test_the_2026_gateways_cover_every_pop_and_keep_their_sources_apart() -> None:
    from leonet.ground import (
        INFERRED_GATEWAY_KM,
        SAME_SITE_KM,
        great_circle_km,
        load_gateways,
        load_gateways_2026,
        load_pops_2026,
    )

    gw = load_gateways_2026()
    pops = load_pops_2026()
    d = great_circle_km(pops.lat_deg[:, None], pops.lon_deg[:, None], gw.lat_deg, gw.lon_deg)
    # Every PoP has a gateway near it but those whose gateways were not built by May 2026.
    far = pops.names[d.min(axis=1) > INFERRED_GATEWAY_KM].tolist()
    assert far == ["almykaz1", "dkrrsen1", "stcmswe1"]
    listed = gw.area == "2026 list"
    assert listed.sum() == 214  # the file's 'operational' rows
    assert set(gw.status[listed]) == {"operational"}
    inferred = gw.status == "inferred: at PoP"
    # Nairobi, with no mapped gateway within 500 km, gets one; Warsaw (Wola Krobowska,
    # ~220 km) does not.
    names = " ".join(str(n) for n in gw.names[inferred])
    assert "nrbiken1" in names and "wrswpol1" not in names
    # The 2023 sites kept are those the 2026 list does not name (further than 25 km).
    old = ~listed & ~inferred
    d_old = great_circle_km(
        gw.lat_deg[old][:, None], gw.lon_deg[old][:, None], gw.lat_deg[listed], gw.lon_deg[listed]
    )
    assert (d_old.min(axis=1) > SAME_SITE_KM).all()
    assert old.sum() < load_gateways().likely_operational.sum()
    assert len(load_gateways_2026(inferred=False)) == len(gw) - inferred.sum()


def test_the_gateway_evidence_covers_pops_without_a_mapped_gateway_and_names_sources() -> None:
    from leonet.ground import (
        INFERRED_GATEWAY_KM,
        great_circle_km,
        load_gateways_2026,
        load_pops_2026,
        pop_gateway_evidence,
    )

    evidence = pop_gateway_evidence()
    # Kenya's gateways (Jan 2025) and Mozambique's (Mar 2025) are reported built, the
    # Kazakh ones not yet (2026); Dakar's and Stockholm's are judged absent from the
    # fitted third's latencies (no report either way).
    assert evidence["nrbiken1"]["gateway"] == "built"
    assert evidence["jhngzaf1"]["gateway"] == "built"
    assert evidence["almykaz1"]["gateway"] == "not built"
    assert evidence["almykaz1"]["basis"] == "press"
    assert {evidence[c]["basis"] for c in ("dkrrsen1", "stcmswe1")} == {"latency"}
    mapped = load_gateways_2026(inferred=False)
    pops = load_pops_2026()
    for code, row in evidence.items():
        k = pops.index_of(code)
        d = great_circle_km(pops.lat_deg[k], pops.lon_deg[k], mapped.lat_deg, mapped.lon_deg)
        assert d.min() > INFERRED_GATEWAY_KM, code  # only PoPs the inference is about
        if row["gateway"] != "unknown":
            assert row["sources"] and row["as_of"], code


def test_a_gateway_is_inferred_at_a_far_pop_unless_reported_not_built() -> None:
    from leonet.ground import Sites, inferred_gateway_pops

    # Three PoPs on the equator: one 111 km from a gateway, two ~2,200 km from it.
    pops = Sites(["near", "far", "unbuilt"], [0.0, 0.0, 0.0], [1.0, 20.0, -20.0])
    gw_lat, gw_lon = [0.0], [0.0]
    assert inferred_gateway_pops(pops, gw_lat, gw_lon, {}).tolist() == [1, 2]
    unbuilt = {"unbuilt": {"gateway": "not built"}, "far": {"gateway": "unknown"}}
    assert inferred_gateway_pops(pops, gw_lat, gw_lon, unbuilt).tolist() == [1]
    # With no gateway at all every PoP gets one (but the one reported not built).
    assert inferred_gateway_pops(pops, [], [], unbuilt).tolist() == [0, 1]


def test_a_bad_evidence_row_names_the_file_line_and_fix() -> None:
    import pytest

    from leonet.ground.starlink_pops import _evidence_from_text

    head = "pop_code,gateway,as_of,basis,evidence,sources\n"
    text = "# header\n" + head + "nrbiken1,maybe,,press,,\n"
    with pytest.raises(ValueError, match=r"ev\.csv line 3: gateway='maybe'; use one of built"):
        _evidence_from_text(text, "ev.csv", {"nrbiken1"})
    with pytest.raises(ValueError, match=r"ev\.csv line 2: basis='rumour'; use one of press"):
        _evidence_from_text(head + "nrbiken1,built,,rumour,,\n", "ev.csv", {"nrbiken1"})
    text = head + "xxxx,built,,press,,\n"
    with pytest.raises(ValueError, match=r"ev\.csv line 2: pop_code='xxxx' is not a PoP"):
        _evidence_from_text(text, "ev.csv", {"nrbiken1"})


def test_a_territory_without_data_takes_its_sovereigns_pops() -> None:
    from leonet.ground import pop_country, sovereign_iso2, sovereign_iso2_at

    # ISO 3166-1: Christmas Island (CX), the Cocos Islands (CC) and Norfolk Island (NF)
    # are external territories of Australia; none is in the geofeed.
    for territory in ("CX", "cc", "NF"):
        assert territory.upper() not in home_pops()
        assert pop_country(territory) == "AU"
        assert country_pops(territory) == country_pops("AU")
        assert home_pop(territory) == home_pop("AU")
    assert pop_country("FR") == "FR"  # a country with data keeps its own
    # Kosovo is its own sovereign (no data) and Antarctica has none: the nearest PoP.
    assert pop_country("XK") == "" and country_pops("XK") == ()
    assert pop_country("AQ") == "" and home_pop("AQ") is None
    assert sovereign_iso2("NF") == "AU" and sovereign_iso2("Guam") == "US"
    assert sovereign_iso2("UA") == "UA"
    # Nouméa is French; Flying Fish Cove lies just off the 1:10m coastline; the open sea
    # has no sovereign.
    assert sovereign_iso2_at(-22.27, 166.44) == "FR"
    assert sovereign_iso2_at(-10.42, 105.68) == "AU"
    assert sovereign_iso2_at(0.0, -30.0) == ""
