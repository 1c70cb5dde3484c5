"""A small Hypatia set-up shared by the tests: Hypatia's Starlink-550 shell, +Grid ISLs,
20 seeded ground stations, positions at a few instants (UT1 = UTC, as Hypatia)."""

from __future__ import annotations

import numpy as np
import pytest

from leonet.frames import geodetic_to_ecef, teme_to_ecef
from leonet.hypatia import (
    STARLINK_550,
    GroundStations,
    plus_grid_isls,
    starlink_550_tles,
    ut1_equals_utc_eop,
)
from leonet.network.allpairs import IslGraph
from leonet.timegrid import TimeGrid


@pytest.fixture(scope="session")
def setup():  # type: ignore[no-untyped-def]
    from sgp4.api import WGS72, Satrec, SatrecArray

    from leonet.space.propagate import sgp4_teme

    tles = starlink_550_tles()
    isl_a, isl_b = plus_grid_isls(72, 22)
    rng = np.random.default_rng(7)
    n_gs = 20
    stations = GroundStations(
        [f"Station-{k}" for k in range(n_gs)],
        rng.uniform(-56.0, 56.0, n_gs),
        rng.uniform(-180.0, 180.0, n_gs),
        np.zeros(n_gs),
    )
    grid = TimeGrid(tles.epoch, 37.0, 3)  # t = 0, 37, 74 s
    array = SatrecArray(
        [Satrec.twoline2rv(a, b, WGS72) for a, b in zip(tles.line1, tles.line2, strict=True)]
    )
    jd, fr = grid.jd_fr()
    _, r_teme, _ = sgp4_teme(array, jd, fr)
    r, _ = teme_to_ecef(r_teme.transpose(1, 0, 2), None, grid.utc_ns, ut1_equals_utc_eop())
    return {
        "tles": tles,
        "isls": (isl_a, isl_b),
        "graph": IslGraph.from_isls(tles.n_sats, isl_a, isl_b),
        "stations": stations,
        "gs_km": geodetic_to_ecef(stations.lat_deg, stations.lon_deg, 0.0),
        "r_km": np.ascontiguousarray(r),
        "gsl_km": STARLINK_550.max_gsl_length_m / 1e3,
    }
