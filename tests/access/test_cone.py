"""Coverage-cone closed forms against an independent numerical construction."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from leonet.access.cone import (
    coverage_cone_radius_km,
    culling_range_km,
    earth_central_angle_deg,
    max_slant_range_km,
)
from leonet.frames import enu_basis, geodetic_to_ecef, look_angles

ONE_METRE_KM = 0.001
R_KM = 6371.0


def _ray_to_shell(altitude_km: float, elevation_deg: float) -> tuple[float, float]:
    """March along the line of sight from the sphere and find where it meets the orbit.

    Returns (slant range km, Earth-central angle deg) — plane geometry, no closed form.
    """
    eps = np.deg2rad(elevation_deg)
    site = np.array([R_KM, 0.0])
    look = np.array([np.sin(eps), np.cos(eps)])  # up = +x, horizon = +y

    def height(rho: float) -> float:
        return float(np.linalg.norm(site + rho * look)) - (R_KM + altitude_km)

    rho = brentq(height, 0.0, 10 * (R_KM + altitude_km), xtol=1e-10)
    p = site + rho * look
    return rho, float(np.rad2deg(np.arctan2(p[1], p[0])))


def test_overhead_slant_range_is_the_altitude():
    assert abs(max_slant_range_km(550.0, 90.0) - 550.0) < 1e-9
    assert abs(earth_central_angle_deg(550.0, 90.0)) < 1e-12


def test_starlink_550_km_at_25_deg_covers_about_940_km():
    rho, lam = _ray_to_shell(550.0, 25.0)
    assert abs(max_slant_range_km(550.0, 25.0, R_KM) - rho) < ONE_METRE_KM
    assert abs(earth_central_angle_deg(550.0, 25.0, R_KM) - lam) < 1e-8
    radius = coverage_cone_radius_km(550.0, 25.0, R_KM)
    assert abs(radius - R_KM * np.deg2rad(lam)) < ONE_METRE_KM
    assert 930.0 < radius < 950.0
    assert abs(rho - 1123.0) < 2.0


@given(st.floats(300.0, 2000.0), st.floats(0.0, 89.0))
def test_closed_forms_match_the_ray_march(altitude_km, elevation_deg):
    rho, lam = _ray_to_shell(altitude_km, elevation_deg)
    assert abs(max_slant_range_km(altitude_km, elevation_deg, R_KM) - rho) < ONE_METRE_KM
    assert abs(earth_central_angle_deg(altitude_km, elevation_deg, R_KM) - lam) < 1e-7


def test_closed_forms_broadcast():
    out = coverage_cone_radius_km(np.array([[340.0], [550.0]]), np.array([25.0, 40.0]))
    assert out.shape == (2, 2)
    assert out[0, 0] < out[1, 0] and out[1, 1] < out[1, 0]


@settings(max_examples=50, deadline=None)
@given(
    st.floats(-90, 90),
    st.floats(-180, 180),
    st.floats(-0.4, 5.0),
    st.floats(300.0, 1300.0),
    st.floats(0.0, 60.0),
    st.integers(0, 2**31),
)
def test_culling_range_is_never_shorter_than_a_visible_pair(
    lat_deg, lon_deg, site_alt_km, sat_alt_km, mask_deg, seed
):
    """Every satellite at or above the mask (WGS84 normal) lies inside the culling range."""
    rng = np.random.default_rng(seed)
    site = geodetic_to_ecef(lat_deg, lon_deg, site_alt_km)
    basis = enu_basis(lat_deg, lon_deg)
    # satellites at the mask in every azimuth: the farthest visible ones
    az = rng.uniform(0, 2 * np.pi, 64)
    eps = np.deg2rad(mask_deg)
    look = (
        (np.cos(eps) * np.sin(az))[:, None] * basis[0]
        + (np.cos(eps) * np.cos(az))[:, None] * basis[1]
        + np.sin(eps) * basis[2]
    )
    # place each at geocentric radius R_sat along the look ray
    r_sat = 6378.137 + sat_alt_km
    b = look @ site
    rho = -b + np.sqrt(b * b - (site @ site - r_sat**2))
    sats = site + rho[:, None] * look
    _, el, rng_km = look_angles(site, basis, sats)
    assert np.all(el >= mask_deg - 1e-9)
    assert rng_km.max() <= culling_range_km(site[None], sats, mask_deg)
