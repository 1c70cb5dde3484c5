"""Walker shells: validation wording, notation, geometry invariants, SGP4 mean elements."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leonet.constants import WGS72_RADIUS_KM
from leonet.eop import load_eop
from leonet.space.analytic import circular_j2_ecef
from leonet.space.propagate import propagate
from leonet.space.walker import WalkerShell, walker_constellation
from leonet.timegrid import TimeGrid

EPOCH = "2026-05-30T00:00:00Z"


def shell_550() -> WalkerShell:
    return WalkerShell("s550", 550, 53.0, 72, 22, phasing=17)


# -- validation: each error names the field and its valid range --------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"inclination_deg": 190}, ["inclination_deg=190", "outside 0–180°"]),
        ({"inclination_deg": -1}, ["inclination_deg=-1", "outside 0–180°"]),
        ({"altitude_km": -550}, ["altitude_km=-550", "below 150 km", "altitude_km=550"]),
        ({"altitude_km": 100}, ["altitude_km=100", "decays"]),
        ({"altitude_km": 550_000}, ["altitude_km=550000", "not a LEO/MEO", "metres"]),
        ({"planes": 0}, ["planes=0", "at least 1"]),
        ({"sats_per_plane": -3}, ["sats_per_plane=-3", "at least 1"]),
        ({"phasing": 72}, ["phasing=72", "0–71"]),
        ({"phasing": -1}, ["phasing=-1", "at least 0"]),
        ({"planes": 72.5}, ["planes=72.5", "whole number", "planes=72"]),
        ({"raan_spread_deg": 0}, ["raan_spread_deg=0", "360", "180"]),
        ({"min_elevation_deg": 95}, ["min_elevation_deg=95", "0–90"]),
        ({"name": "my shell"}, ["name='my shell'", "without spaces"]),
    ],
)
def test_bad_parameters_get_errors_that_teach(changes: dict[str, object], words: list[str]) -> None:
    fields = {
        "name": "s",
        "altitude_km": 550,
        "inclination_deg": 53,
        "planes": 72,
        "sats_per_plane": 22,
        "phasing": 17,
    }
    fields.update(changes)
    with pytest.raises(ValueError) as info:
        WalkerShell(**fields)  # type: ignore[arg-type]
    for word in words:
        assert word in str(info.value)


def test_counts_must_be_integers_not_strings() -> None:
    with pytest.raises(TypeError, match="planes='72' must be a whole number"):
        WalkerShell("s", 550, 53, "72", 22)  # type: ignore[arg-type]


def test_integral_floats_are_accepted_as_counts() -> None:
    shell = WalkerShell("s", 550, 53, 72.0, 22)  # type: ignore[arg-type]
    assert shell.planes == 72 and isinstance(shell.planes, int)


def test_parse_walker_notation() -> None:
    shell = WalkerShell.parse("53: 1584/72/17", altitude_km=550, name="s550")
    assert shell == shell_550()
    assert shell.notation == "53°: 1584/72/17"
    assert WalkerShell.parse("97.6°:348/6/1", altitude_km=560).name == "walker-560km-97.6deg"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("53: 1585/72/17", ["t=1585", "multiple of p"]),
        ("53 1584 72 17", ["'i: t/p/f'", "53: 1584/72/17"]),
        ("53: 1584/72/72", ["phasing=72", "0–71"]),
    ],
)
def test_parse_errors(text: str, words: list[str]) -> None:
    with pytest.raises(ValueError) as info:
        WalkerShell.parse(text, altitude_km=550)
    for word in words:
        assert word in str(info.value)


def test_constellation_needs_unique_shells() -> None:
    with pytest.raises(ValueError, match="at least one"):
        walker_constellation([], EPOCH)
    with pytest.raises(ValueError, match="unique"):
        walker_constellation([shell_550(), shell_550()], EPOCH)


# -- structure and geometry ----------------------------------------------------------------------


def test_structure_arrays_and_names() -> None:
    other = WalkerShell("polar", 560, 97.6, 6, 58, phasing=1, raan_spread_deg=180)
    c = walker_constellation([shell_550(), other], EPOCH, name="test")
    assert c.size == 1584 + 348 and c.analytic
    assert np.all(c.norad_id == -1)
    assert np.bincount(c.shell).tolist() == [1584, 348]
    assert np.bincount(c.plane[c.shell == 0]).tolist() == [22] * 72
    assert np.bincount(c.slot[c.shell == 1]).tolist() == [6] * 58
    assert c.sat_names[0] == "s550-P00-S00"
    assert c.sat_names[3 * 22 + 7] == "s550-P03-S07"
    assert c.sat_names[-1] == "polar-P05-S57"
    assert [s.notation for s in c.shells] == ["53°: 1584/72/17", "97.6°: 348/6/1"]
    assert c.elements.epoch_jd[0] + c.elements.epoch_fr[0] == pytest.approx(2_461_190.5)


def test_planes_evenly_spaced_and_walker_phasing() -> None:
    shell = shell_550()
    c = walker_constellation([shell], EPOCH)
    el = c.elements
    raan = np.rad2deg(el.raan_rad).reshape(72, 22)
    u = np.rad2deg(el.mean_anomaly_rad + el.arg_perigee_rad).reshape(72, 22)
    assert np.all(raan == raan[:, :1])  # one node per plane
    np.testing.assert_allclose(np.diff(raan[:, 0]), 360.0 / 72, atol=1e-9)
    in_plane = np.mod(np.diff(u, axis=1), 360.0)
    np.testing.assert_allclose(in_plane, 360.0 / 22, atol=1e-9)
    between_planes = np.mod(u[1:, 0] - u[:-1, 0], 360.0)
    np.testing.assert_allclose(between_planes, 17 * 360.0 / 1584, atol=1e-9)
    assert np.all(el.eccentricity == 0.0) and np.all(el.bstar_per_er == 0.0)
    np.testing.assert_allclose(np.rad2deg(el.inclination_rad), 53.0)


def test_sgp4_mean_radius_is_the_shell_radius() -> None:
    """SGP4 on synthesised elements: orbit-averaged |r| = R_WGS72 + altitude (measured ≤ 10 m)."""
    shells = [
        WalkerShell("a", 550, 53.0, 3, 4, 1),
        WalkerShell("b", 1200, 87.9, 3, 4, 1, raan_spread_deg=180),
        WalkerShell("c", 560, 97.6, 3, 4, 1),
        WalkerShell("d", 340, 0.0, 1, 4, 0),
    ]
    c = walker_constellation(shells, EPOCH)
    period_s = float(c.elements.period_min.max()) * 60.0
    grid = TimeGrid(EPOCH, period_s / 720, 720)
    eph = propagate(c, grid, method="sgp4", velocities=False)
    assert np.all(eph.error == 0)  # SGP4 accepts e = 0
    radius = np.linalg.norm(eph.r_ecef_km, axis=-1)
    period_each = c.elements.period_min * 60.0
    inside = grid.offsets_s[:, None] < period_each[None, :]
    mean_radius = (radius * inside).sum(axis=0) / inside.sum(axis=0)
    altitude = np.repeat([s.altitude_km for s in shells], [s.satellites for s in shells])
    np.testing.assert_allclose(mean_radius - WGS72_RADIUS_KM, altitude, atol=0.05)
    # J3's frozen eccentricity (~8e-4) swings the SGP4 radius by about ±6 km, never more than 9.
    assert np.abs(radius - WGS72_RADIUS_KM - altitude).max() < 9.0


@pytest.mark.parametrize(("inclination_deg", "expected_max_lat_deg"), [(53.0, 53.0), (97.6, 82.4)])
def test_altitude_and_inclination_recovered_from_positions(
    inclination_deg: float, expected_max_lat_deg: float
) -> None:
    shell = WalkerShell("s", 550, inclination_deg, 12, 20, phasing=5)
    c = walker_constellation([shell], EPOCH)
    grid = TimeGrid(EPOCH, 10.0, 600)  # > one orbit
    eph = propagate(c, grid, method="analytic", velocities=False)
    r = eph.r_ecef_km
    radius = np.linalg.norm(r, axis=-1)
    np.testing.assert_allclose(radius - WGS72_RADIUS_KM, 550.0, atol=1e-6)
    lat = np.rad2deg(np.arcsin(r[..., 2] / radius))  # geocentric latitude
    assert np.abs(lat).max() == pytest.approx(expected_max_lat_deg, abs=0.01)


@settings(max_examples=25, deadline=None)
@given(
    altitude_km=st.floats(200.0, 2_000.0),
    inclination_deg=st.floats(0.0, 180.0),
    planes=st.integers(1, 8),
    sats_per_plane=st.integers(1, 8),
    phasing_fraction=st.floats(0.0, 0.999),
    hours=st.floats(0.0, 48.0),
)
def test_shell_stays_at_altitude_and_spacing(
    altitude_km: float,
    inclination_deg: float,
    planes: int,
    sats_per_plane: int,
    phasing_fraction: float,
    hours: float,
) -> None:
    """Any shell: every satellite at the shell radius, in-plane neighbours 360/S apart."""
    shell = WalkerShell(
        "h",
        altitude_km,
        inclination_deg,
        planes,
        sats_per_plane,
        phasing=int(phasing_fraction * planes),
    )
    c = walker_constellation([shell], EPOCH)
    grid = TimeGrid(EPOCH, 60.0, 3)
    utc_ns = grid.utc_ns + np.int64(round(hours * 3.6e12))
    r, v = circular_j2_ecef(c.elements, utc_ns, load_eop())
    radius = np.linalg.norm(r, axis=-1)
    np.testing.assert_allclose(radius, WGS72_RADIUS_KM + altitude_km, rtol=1e-12, atol=1e-7)
    if sats_per_plane > 1:
        unit = (r / radius[..., None]).reshape(3, planes, sats_per_plane, 3)
        cos_gap = np.sum(unit[:, :, 1:] * unit[:, :, :-1], axis=-1)
        gap_deg = np.rad2deg(np.arccos(np.clip(cos_gap, -1.0, 1.0)))
        np.testing.assert_allclose(
            gap_deg, 360.0 / sats_per_plane if sats_per_plane > 2 else 180.0, atol=1e-6
        )
    assert v is not None and np.all(np.isfinite(v))
