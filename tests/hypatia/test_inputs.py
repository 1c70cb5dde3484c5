"""Hypatia's input files: the generator's rules, round trips and located errors."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.hypatia import (
    GroundStations,
    HypatiaInputError,
    plus_grid_isls,
    read_ground_stations,
    read_isls,
    read_tles,
    starlink_550_tles,
    write_ground_stations,
    write_isls,
    write_tles,
)
from leonet.space.tle import parse_tle


def test_starlink_550_follows_hypatias_generator():
    tles = starlink_550_tles()
    assert (tles.n_orbits, tles.n_sats_per_orbit, tles.n_sats) == (72, 22, 1584)
    assert tles.names[23] == "Starlink-550 23"
    el = parse_tle(
        "\n".join(f"{a}\n{b}" for a, b in zip(tles.line1, tles.line2, strict=True))
    ).elements
    deg = np.degrees
    # Orbit 1 (odd): RAAN 5°, shifted half a slot (360 / 44 = 8.1818°); satellite 1 of it.
    assert deg(el.raan_rad[23]) == pytest.approx(5.0, abs=1e-4)
    assert deg(el.mean_anomaly_rad[23]) == pytest.approx(360 / 44 + 360 / 22, abs=1e-4)
    assert deg(el.mean_anomaly_rad[1]) == pytest.approx(360 / 22, abs=1e-4)
    assert deg(el.inclination_rad) == pytest.approx(53.0, abs=1e-9)
    assert el.mean_motion_rad_min * 1440 / (2 * np.pi) == pytest.approx(15.19, abs=1e-8)
    assert el.eccentricity == pytest.approx(1e-7)
    assert tles.epoch.isoformat() == "2000-01-01T00:00:00+00:00"


def test_plus_grid_is_hypatias():
    a, b = plus_grid_isls(72, 22)
    assert a.shape == (3168,)
    links = list(zip(a.tolist(), b.tolist(), strict=True))
    assert links[:4] == [(0, 1), (0, 22), (1, 2), (1, 23)]
    assert (21, 43) in links and (0, 21) in links  # 21 → 0 in its orbit, listed (0, 21)
    assert (0, 22 * 71) in links  # the last orbit wraps to the first
    assert (a < b).all() and np.bincount(np.concatenate([a, b])).tolist() == [4] * 1584


def test_round_trips(tmp_path):
    tles = starlink_550_tles()
    write_tles(tmp_path / "tles.txt", tles)
    back = read_tles(tmp_path / "tles.txt")
    assert (back.line1, back.line2, back.names, back.epoch) == (
        tles.line1,
        tles.line2,
        tles.names,
        tles.epoch,
    )
    a, b = plus_grid_isls(5, 4)
    write_isls(tmp_path / "isls.txt", a, b)
    a2, b2 = read_isls(tmp_path / "isls.txt", 20)
    np.testing.assert_array_equal(a2, a)
    np.testing.assert_array_equal(b2, b)
    gs = GroundStations(
        ["Tokyo", "São-Paulo"],
        np.array([35.6895, -23.5475]),
        np.array([139.69171, -46.63611]),
        np.array([0.0, 760.5]),
    )
    write_ground_stations(tmp_path / "gs.txt", gs)
    back_gs = read_ground_stations(tmp_path / "gs.txt")
    assert back_gs.names == gs.names
    np.testing.assert_array_equal(back_gs.lat_deg, gs.lat_deg)
    np.testing.assert_array_equal(back_gs.lon_deg, gs.lon_deg)
    np.testing.assert_array_equal(back_gs.elevation_m, gs.elevation_m)


def test_extended_ground_stations_are_read(tmp_path):
    path = tmp_path / "ground_stations.txt"
    path.write_text("0,Tokyo,35.6895,139.69171,0.0,-3954843.0,3354935.6,3700263.8\n")
    gs = read_ground_stations(path)
    assert gs.names == ["Tokyo"] and gs.lat_deg[0] == 35.6895


def _error(tmp_path, name, text, reader):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(HypatiaInputError) as info:
        reader(path)
    return str(info.value)


@pytest.fixture
def tle_lines():
    tles = starlink_550_tles()
    rows = ["72 22"]
    for n, a, b in zip(tles.names, tles.line1, tles.line2, strict=True):
        rows += [n, a, b]
    return rows


def test_bad_tles_files_are_located(tmp_path, tle_lines):
    msg = _error(tmp_path, "t1.txt", "\n".join(["1584", *tle_lines[1:]]), read_tles)
    assert "t1.txt, line 1" in msg and "'<orbits> <satellites per orbit>'" in msg
    msg = _error(tmp_path, "t2.txt", "\n".join(["72 23", *tle_lines[1:]]), read_tles)
    assert "t2.txt, line 1" in msg and "72 × 23 = 1656" in msg and "1584" in msg
    rows = list(tle_lines)
    rows[4] = "Starlink-550 7"
    msg = _error(tmp_path, "t3.txt", "\n".join(rows), read_tles)
    assert "t3.txt, line 5" in msg and "'<constellation name> 1'" in msg
    rows = list(tle_lines)
    rows[6] = rows[6][:10] + "X" + rows[6][11:]
    msg = _error(tmp_path, "t4.txt", "\n".join(rows), read_tles)
    assert "t4.txt, line 7" in msg
    msg = _error(tmp_path, "t5.txt", "\n".join(tle_lines[:-1]), read_tles)
    assert "three" in msg
    msg = _error(tmp_path, "t6.txt", "", read_tles)
    assert "t6.txt, line 1" in msg and "empty" in msg


def test_bad_isls_are_located(tmp_path):
    msg = _error(tmp_path, "i1.txt", "0 1\n3 1584\n", lambda p: read_isls(p, 1584))
    assert "i1.txt, line 2" in msg and "1584 does not exist" in msg and "0..1583" in msg
    msg = _error(tmp_path, "i2.txt", "0 1\n5 2\n", lambda p: read_isls(p, 10))
    assert "i2.txt, line 2" in msg and "'2 5'" in msg
    msg = _error(tmp_path, "i3.txt", "0 1\n1 2\n0 1\n", lambda p: read_isls(p, 10))
    assert "i3.txt, line 3" in msg and "duplicate" in msg and "line 1" in msg
    msg = _error(tmp_path, "i4.txt", "0,1\n", lambda p: read_isls(p, 10))
    assert "i4.txt, line 1" in msg
    msg = _error(tmp_path, "i5.txt", "0 -1\n", lambda p: read_isls(p, 10))
    assert "i5.txt, line 1" in msg


def test_bad_ground_stations_are_located(tmp_path):
    msg = _error(tmp_path, "g1.txt", "0,A,10,20,0\n1,B,95,3,0\n", read_ground_stations)
    assert "g1.txt, line 2" in msg and "latitude 95°" in msg
    msg = _error(tmp_path, "g2.txt", "0,A,10,200,0\n", read_ground_stations)
    assert "g2.txt, line 1" in msg and "longitude 200°" in msg
    msg = _error(tmp_path, "g3.txt", "0,A,10,20\n", read_ground_stations)
    assert "g3.txt, line 1" in msg and "4 columns" in msg
    msg = _error(tmp_path, "g4.txt", "0,A,10,20,0\n2,B,10,20,0\n", read_ground_stations)
    assert "g4.txt, line 2" in msg and "must be 1" in msg
    msg = _error(tmp_path, "g5.txt", "0,A,ten,20,0\n", read_ground_stations)
    assert "g5.txt, line 1" in msg and "latitude 'ten'" in msg
    msg = _error(tmp_path, "g6.txt", "", read_ground_stations)
    assert "empty" in msg
    with pytest.raises(HypatiaInputError, match="cannot read"):
        read_ground_stations(tmp_path / "missing.txt")
