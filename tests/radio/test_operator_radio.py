"""The radio of OneWeb and of a geostationary Ka system: every number has its source or
"Assumption", the systems name real types, and a GEO link adds up by hand."""

from __future__ import annotations

import inspect
import math
import re

import numpy as np
import pytest

import leonet.radio.parameters as parameters
from leonet.ground import Sites
from leonet.radio import (
    RADIO_SYSTEMS,
    SATELLITES,
    TERMINALS,
    RadioConfig,
    RadioModel,
    fspl_db,
)
from leonet.space import load_constellation, propagate
from leonet.timegrid import TimeGrid

NEW_TYPES = ("oneweb-flat-panel", "geo-vsat-ka", "oneweb-gen1", "ka-sat")


def test_systems_name_real_types_and_their_own_bands() -> None:
    assert sorted(RADIO_SYSTEMS) == ["ka-sat", "oneweb", "starlink"]
    for system in RADIO_SYSTEMS.values():
        assert system.satellite in SATELLITES and system.terminal in TERMINALS
    assert RADIO_SYSTEMS["starlink"].satellite == parameters.DEFAULT_SATELLITE
    assert RADIO_SYSTEMS["starlink"].downlink is parameters.USER_DOWNLINK
    # OneWeb: Ku user links, 16 beams, no lasers [O1]; KA-SAT: Ka, 82 beams [K1].
    ow, ka = RADIO_SYSTEMS["oneweb"], RADIO_SYSTEMS["ka-sat"]
    assert 10.7 <= ow.downlink.low_ghz < ow.downlink.high_ghz <= 12.7
    assert (SATELLITES[ow.satellite].user_beams, SATELLITES[ow.satellite].lasers) == (16, 0)
    assert (ka.downlink.low_ghz, ka.downlink.high_ghz) == (19.7, 20.2)
    assert (ka.uplink.low_ghz, ka.uplink.high_ghz) == (29.5, 30.0)
    assert (SATELLITES[ka.satellite].user_beams, SATELLITES[ka.satellite].lasers) == (82, 0)


@pytest.mark.parametrize("name", NEW_TYPES)
def test_every_new_type_says_its_source_or_assumption(name: str) -> None:
    """The comment block right above a type's entry names a source ([O1], [K1], ...) or
    says "Assumption" — for every type, and the tags it cites are in the module's list."""
    lines = inspect.getsource(parameters).splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.strip().startswith(f'"{name}": '))
    block = []
    for ln in reversed(lines[:at]):
        if not ln.strip().startswith("#"):
            break
        block.append(ln)
    text = " ".join(block)
    assert "Assumption" in text, text
    tags = set(re.findall(r"\[([A-Z]\d)\]", text))
    assert tags, text
    for tag in tags:
        assert f"[{tag}] " in (parameters.__doc__ or ""), f"[{tag}] is not in the source list"


def test_ka_sat_downlink_from_kyiv_by_hand() -> None:
    """C/N = EIRP − FSPL − atmosphere + G/T − k − 10·log10(Rs) for a 77 cm dish in Kyiv
    under KA-SAT at 9° E, ~38,700 km away."""
    system = RADIO_SYSTEMS["ka-sat"]
    sites = Sites(["Kyiv"], [50.45], [30.52])
    model = RadioModel(
        sites,
        1,
        terminal_type=system.terminal,
        satellite_type=system.satellite,
        config=RadioConfig(interference=False, downlink=system.downlink, uplink=system.uplink),
    )
    geo = load_constellation("geo:ka-sat", epoch="2026-05-30T12:00:00Z")
    sat = propagate(geo, TimeGrid.spanning("2026-05-30T12:00:00Z", 1, 1)).r_ecef_km[0]
    links = model.user_links(sat, np.array([0], dtype=np.int32))
    rng, el = float(links.slant_range_km[0]), float(links.elevation_deg[0])
    assert 38_600 < rng < 38_800 and 28 < el < 30
    atm = float(model.atm_down([0], [el])[0])
    gt = TERMINALS["geo-vsat-ka"].gt_dbk(19.95)
    snr = 60.0 - float(fspl_db(rng, 19.95)) - atm + gt + 228.599 - 10 * math.log10(250e6 / 1.1)
    assert links.down.snr_db[0] == pytest.approx(snr, abs=0.01)
    assert 8.0 < snr < 14.0  # a usable Ka HTS link, not a LEO one and not nothing
    assert links.down.capacity_mbps[0] > 100 and links.up.capacity_mbps[0] > 5
