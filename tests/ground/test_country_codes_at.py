"""The country holding each point (`country_codes_at`): Natural Earth admin-0 polygons."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.ground import country, country_codes_at

# Capitals (GeoNames coordinates), a point at sea, and the same Paris a turn east.
POINTS = {
    "Paris": (48.8566, 2.3522, "FR"),
    "London": (51.5085, -0.1257, "GB"),
    "Kyiv": (50.4501, 30.5234, "UA"),
    "Simferopol": (44.9521, 34.1024, "UA"),  # Natural Earth's German view: Ukraine
    "Vienna": (48.2082, 16.3738, "AT"),
    "Canberra": (-35.2809, 149.1300, "AU"),
    "Mid-Atlantic": (45.0, -30.0, ""),
    "Paris + 360°": (48.8566, 362.3522, "FR"),
}


def test_each_point_gets_the_code_of_the_country_holding_it():
    lat, lon, want = zip(*POINTS.values(), strict=True)
    assert list(country_codes_at(lat, lon)) == list(want)


def test_the_codes_agree_with_the_country_polygons():
    """Points on a grid over central Europe: each coded point lies in that country's
    polygon, and each point in Austria's polygon is coded AT."""
    lat, lon = np.meshgrid(np.linspace(45.0, 50.0, 21), np.linspace(8.0, 18.0, 21))
    lat, lon = lat.ravel(), lon.ravel()
    codes = country_codes_at(lat, lon)
    for code in set(codes) - {""}:
        assert country(code).contains(lat[codes == code], lon[codes == code]).all(), code
    np.testing.assert_array_equal(codes == "AT", country("AT").contains(lat, lon))
    assert {"AT", "CH", "DE", "IT"} <= set(codes)


def test_among_leaves_other_countries_blank_and_nan_points_are_blank():
    codes = country_codes_at([48.8566, 50.4501, np.nan], [2.3522, 30.5234, 0.0], among=["fr"])
    assert list(codes) == ["FR", "", ""]
    assert list(country_codes_at([np.nan], [np.nan])) == [""]


def test_unpaired_coordinates_are_refused():
    with pytest.raises(ValueError, match="must pair up"):
        country_codes_at([1.0, 2.0], [3.0])
