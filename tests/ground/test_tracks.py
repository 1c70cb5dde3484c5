"""Mobile terminal tracks: great-circle interpolation, speed, hold outside the window."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leonet.ground import Track, track_positions

HOUR_NS = 3_600 * 10**9


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _vector(lat: float, lon: float) -> np.ndarray:
    la, lo = math.radians(lat), math.radians(lon)
    return np.array([math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)])


def test_two_point_track_midpoint_and_speed() -> None:
    kyiv, lviv = (50.45, 30.52), (49.84, 24.03)
    track = Track(
        "car",
        [datetime(2026, 5, 30, 8, tzinfo=UTC), "2026-05-30T13:30:00Z"],
        [kyiv[0], lviv[0]],
        [kyiv[1], lviv[1]],
        alt_km=[0.2, 0.3],
    )
    half = np.array([track.start_ns + (track.end_ns - track.start_ns) // 2])
    lat, lon, alt, speed = track.positions(half)
    mid = _vector(*kyiv) + _vector(*lviv)  # the great-circle midpoint, independently
    mid_lat = math.degrees(math.atan2(mid[2], math.hypot(mid[0], mid[1])))
    mid_lon = math.degrees(math.atan2(mid[1], mid[0]))
    assert _haversine_km(lat[0], lon[0], mid_lat, mid_lon) < 1e-6  # 1 mm
    assert alt[0] == pytest.approx(0.25)
    expected_kmh = _haversine_km(*kyiv, *lviv) / 5.5
    assert abs(speed[0] - expected_kmh) < 0.1


def test_hold_outside_window_and_waypoints_exact() -> None:
    track = Track(
        "boat",
        ["2026-05-30T00:00Z", "2026-05-30T01:00Z", "2026-05-30T03:00Z"],
        [46.0, 45.0, 44.0],
        [30.0, 31.0, 33.0],
    )
    t = track.start_ns + np.array([-5, 0, 1, 2, 3, 9]) * HOUR_NS
    lat, lon, _, speed = track.positions(t)
    assert lat.tolist() == pytest.approx([46.0, 46.0, 45.0, 44.5, 44.0, 44.0], abs=0.02)
    assert lat[[0, 1, 2, 4, 5]].tolist() == pytest.approx([46, 46, 45, 44, 44], abs=1e-9)
    assert speed[0] == 0.0 and speed[-1] == 0.0
    assert lon[[0, 5]].tolist() == pytest.approx([30.0, 33.0], abs=1e-9)
    assert speed[1] == pytest.approx(_haversine_km(46, 30, 45, 31), abs=1e-6)
    assert speed[3] == pytest.approx(_haversine_km(45, 31, 44, 33) / 2, abs=1e-6)


def test_many_tracks_time_by_track() -> None:
    a = Track("a", ["2026-05-30T00:00Z", "2026-05-30T01:00Z"], [0, 0], [0, 1])
    b = Track("b", ["2026-05-30T00:30Z", "2026-05-30T02:00Z"], [10, 11], [179.5, 180.5])
    t = a.start_ns + np.arange(0, 121, 10) * 60 * 10**9
    lat, lon, alt, speed = track_positions([a, b], t)
    assert lat.shape == lon.shape == alt.shape == speed.shape == (13, 2)
    assert np.all((lon >= -180) & (lon < 180))
    assert speed[3, 0] == pytest.approx(_haversine_km(0, 0, 0, 1), abs=1e-6)


@pytest.mark.parametrize(
    ("times", "lat", "match"),
    [
        (["2026-05-30T00:00Z"], [0.0], "at least 2"),
        (["2026-05-30T01:00Z", "2026-05-30T01:00Z"], [0.0, 1.0], "strictly increasing"),
        (["2026-05-30T01:00Z", "2026-05-30T00:00Z"], [0.0, 1.0], "waypoint 1 time"),
        (["2026-05-30T00:00Z", "2026-05-30T01:00Z"], [0.0, 91.0], r"waypoint 1: lat_deg=91\.0"),
        (["2026-05-30T00:00", "2026-05-30T01:00Z"], [0.0, 1.0], "no time zone"),
    ],
)
def test_validation(times: list[str], lat: list[float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        Track("t", times, lat, [0.0] * len(lat))


@given(
    lat1=st.floats(-80, 80),
    lon1=st.floats(-180, 179),
    lat2=st.floats(-80, 80),
    lon2=st.floats(-180, 179),
    f=st.floats(0, 1),
)
def test_interpolation_is_uniform_along_the_arc(
    lat1: float, lon1: float, lat2: float, lon2: float, f: float
) -> None:
    total = _haversine_km(lat1, lon1, lat2, lon2)
    if total > 19_000:  # near-antipodal: the great circle is ill-defined
        return
    track = Track("h", ["2026-01-01T00:00Z", "2026-01-01T01:00Z"], [lat1, lat2], [lon1, lon2])
    lat, lon, _, _ = track.positions(np.array([track.start_ns + round(f * HOUR_NS)]))
    assert _haversine_km(lat1, lon1, lat[0], lon[0]) == pytest.approx(f * total, abs=1e-3)
