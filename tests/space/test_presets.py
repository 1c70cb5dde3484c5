"""Bundled constellation presets: the filed numbers and the unknown-name error."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.space.presets import load_preset, preset_names, preset_shells, preset_source

EPOCH = "2026-05-30T00:00:00Z"

# (altitude_km, inclination_deg, planes, sats_per_plane) per shell, from the filings.
FILED = {
    "starlink-gen1": [
        (550, 53.0, 72, 22),
        (540, 53.2, 72, 22),
        (570, 70.0, 36, 20),
        (560, 97.6, 6, 58),
        (560, 97.6, 4, 43),
    ],
    "kuiper": [(630, 51.9, 34, 34), (610, 42.0, 36, 36), (590, 33.0, 28, 28)],
    "telesat-lightspeed": [(1015, 99.0, 6, 13), (1325, 50.9, 20, 6)],
    "oneweb": [(1200, 87.9, 18, 36)],
    "starlink-gen2": [(525, 53.0, 28, 89), (530, 43.0, 28, 89), (535, 33.0, 28, 89)],
}
TOTALS = {
    "starlink-gen1": 4408,
    "kuiper": 3236,
    "telesat-lightspeed": 198,
    "oneweb": 648,
    "starlink-gen2": 7476,
}


def test_names_sorted_and_complete() -> None:
    assert preset_names() == sorted(FILED)


@pytest.mark.parametrize("name", sorted(FILED))
def test_preset_matches_filing(name: str) -> None:
    shells = preset_shells(name)
    got = [(s.altitude_km, s.inclination_deg, s.planes, s.sats_per_plane) for s in shells]
    assert got == FILED[name]
    c = load_preset(name, EPOCH)
    assert c.size == TOTALS[name] and c.analytic and c.name == name
    assert np.bincount(c.shell).tolist() == [s.satellites for s in shells]
    assert c.source.startswith(preset_source(name))
    for s in shells:  # phasing documented per shell; all valid Walker f
        assert 0 <= s.phasing < s.planes


def test_gen2_stays_within_the_partial_grant() -> None:
    assert load_preset("starlink-gen2", EPOCH).size <= 7500


def test_name_is_forgiving_about_case_and_underscores() -> None:
    assert load_preset("Starlink_Gen1", EPOCH).size == 4408


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError) as info:
        load_preset("starlink-gen3", EPOCH)
    message = str(info.value)
    assert "unknown constellation preset 'starlink-gen3'" in message
    assert "did you mean 'starlink-gen2'?" in message
    assert ", ".join(preset_names()) in message
    with pytest.raises(ValueError, match="valid names: kuiper, oneweb"):
        load_preset("iridium", EPOCH)
