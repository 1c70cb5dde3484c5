"""Geostationary satellites: on their slot, at the textbook radius, seen where the closed
forms say; the spec's errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from leonet.frames import enu_basis, geodetic_to_ecef, look_angles
from leonet.space import (
    GEO_SLOTS,
    bundled_catalogue,
    geostationary_constellation,
    load_constellation,
    parse_geo_spec,
    propagate,
)
from leonet.timegrid import TimeGrid

#: (μ / ω²)^(1/3): WGS84 μ and the sidereal day; 42,164.17 km (Maral & Bousquet,
#: *Satellite Communications Systems*, 5th ed., §2.2.5: "R0 = 42 164 km").
GEO_RADIUS_KM = (398_600.4418 / (2 * math.pi / 86_164.0905) ** 2) ** (1 / 3)
KYIV = (50.4501, 30.5234)


def _states(c, hours: float = 24.0):  # type: ignore[no-untyped-def]
    grid = TimeGrid.spanning("2026-05-30T12:00:00Z", hours * 3600.0, 600.0)
    return propagate(c, grid).r_ecef_km


def test_holds_its_slot_for_a_day_at_the_geostationary_radius() -> None:
    c = geostationary_constellation([9.0, -30.0, 170.0], "2026-05-30T12:00:00Z", "t")
    r = _states(c)
    lon = np.degrees(np.arctan2(r[..., 1], r[..., 0]))
    lat = np.degrees(np.arcsin(r[..., 2] / np.linalg.norm(r, axis=-1)))
    assert np.abs(lon - np.array([9.0, -30.0, 170.0])).max() < 1e-3  # < 0.001° (≈ 0.7 km)
    assert np.abs(lat).max() < 1e-3
    # SGP4's mean radius with J2 sits ~0.5 km above the two-body value.
    assert np.abs(np.linalg.norm(r, axis=-1) - GEO_RADIUS_KM).max() < 1.0
    assert c.sat_names.tolist() == ["t-9E", "t-30W", "t-170E"]
    assert c.shell.tolist() == [0, 0, 0] and c.shells[0].min_elevation_deg == 10.0


def test_slant_range_and_elevation_from_kyiv_match_the_closed_form() -> None:
    """Law of cosines with the geocentric angle γ (cos γ = cos φ' cos Δλ): slant
    d = √(r² + ρ² − 2rρ cos γ); spherical elevation tan E = (cos γ − ρ/r) / sin γ, which
    differs from the geodetic elevation by at most the vertical deflection (~0.19° at 50°N)."""
    c = load_constellation("geo:ka-sat", epoch="2026-05-30T12:00:00Z")
    sat = _states(c, 1.0)[0, 0]
    site = np.asarray(geodetic_to_ecef(*KYIV, 0.0)).ravel()
    rho = float(np.linalg.norm(site))
    phi_c = math.asin(site[2] / rho)
    cos_g = math.cos(phi_c) * math.cos(math.radians(KYIV[1] - 9.0))
    r = GEO_RADIUS_KM
    slant = math.sqrt(r * r + rho * rho - 2 * r * rho * cos_g)
    elev = math.degrees(math.atan2(cos_g - rho / r, math.sqrt(1 - cos_g * cos_g)))
    _, el, rng = look_angles(site, enu_basis(*KYIV), sat)
    assert float(np.ravel(rng)[0]) == pytest.approx(slant, abs=1.0)  # km
    assert float(np.ravel(el)[0]) == pytest.approx(elev, abs=0.25)  # deg
    assert 28.0 < elev < 30.0 and 38_500 < slant < 39_000


def test_known_slots_and_spec_forms() -> None:
    assert parse_geo_spec("geo:ka-sat") == ("ka-sat", GEO_SLOTS["ka-sat"]) == ("ka-sat", (9.0,))
    assert parse_geo_spec("geo: 9, 7.5") == ("geo", (9.0, 7.5))
    with pytest.raises(ValueError, match=r"write geo:LONGITUDE"):
        parse_geo_spec("geo:nine")


@pytest.mark.parametrize(
    ("longitudes", "message"),
    [
        ([], "1 to 16"),
        ([400.0], r"\[-180, 360\)"),
        ([9.0, 9.05], "closer than 0.1°"),
        ([179.95, -179.99], "closer than 0.1°"),
    ],
)
def test_bad_slots_are_refused(longitudes: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        geostationary_constellation(longitudes, "2026-05-30T12:00:00Z")


def test_bundled_oneweb_catalogue_carries_oneweb_s_55_degree_mask() -> None:
    assert {s.min_elevation_deg for s in bundled_catalogue("oneweb").shells} == {55.0}
    assert {s.min_elevation_deg for s in bundled_catalogue("starlink").shells} == {25.0}
