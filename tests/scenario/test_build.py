"""scenario/build.py: a validated scenario → the policy, the fault plan with its radio jammers,
and the events; what the scenario says reaches the layers that use it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from leonet.constants import EARTH_MEAN_RADIUS_KM
from leonet.engine import ScenarioRun
from leonet.events import NEVER_NS
from leonet.ground import Track
from leonet.radio import JAMMER_DEFAULT_HEIGHT_M, TERMINAL_ANTENNA_HEIGHT_M, Jammer
from leonet.scenario import (
    ScenarioError,
    build_tracks,
    fault_plan,
    load_scenario,
    radio_jammer,
    service_policy,
    timeline,
    validate,
)

KYIV = (50.45, 30.52)
#: The jammer sits this far north of the terminal: beyond the radio horizon of a 10 m mast
#: (20.2 km to a 3 m terminal antenna), within that of a 50 m mast (36.3 km).
DISTANCE_KM = 30.0


def _scenario(**jammer: Any) -> Any:
    lat = KYIV[0] + math.degrees(DISTANCE_KM / EARTH_MEAN_RADIUS_KM)
    return validate(
        {
            "name": "jammer-height",
            "time": {"start": "2026-05-30T12:00:00Z", "duration": "60s", "step_s": 30},
            "constellations": [{"preset": "starlink-gen1"}],
            "ground": {
                "terminals": [{"name": "Kyiv", "lat_deg": KYIV[0], "lon_deg": KYIV[1]}],
                "gateways": {"bundled": True, "names": ["Kaunas, Lithuania"]},
                "pops": {"bundled": True, "names": ["wrswpol1"]},
            },
            "faults": {
                "jammers": [
                    {
                        "name": "mast",
                        "lat_deg": lat,
                        "lon_deg": KYIV[1],
                        "eirp_dbw": 40,
                        "center_frequency_ghz": 11.7,
                        "bandwidth_mhz": 250,
                        "start": "+30s",
                        **jammer,
                    }
                ]
            },
        }
    )


def _jammed_db(run: ScenarioRun) -> float:
    """J/S (dB) on the terminal's downlink from a satellite 550 km over it, at the second
    step (the jammer is on), through the run's own radio model and jammers."""
    radio = run.capacity.radio
    site = radio.sites
    overhead = site.ecef_km[0] + 550.0 * site.enu[0, :, 2]
    sats = np.broadcast_to(overhead, (run.constellation.size, 3))
    links = radio.user_links(
        sats,
        np.zeros(len(site), dtype=np.int32),
        jammers=run.jammers,
        utc_ns=int(run.grid.utc_ns[1]),
    )
    return float(links.down.j_over_s_db[0])


def test_a_jammers_altitude_reaches_the_radio_model() -> None:
    kr_km = 4 / 3 * EARTH_MEAN_RADIUS_KM  # ITU-R P.834: 4/3 effective Earth radius
    horizon_km = math.sqrt(2 * kr_km * 0.050) + math.sqrt(
        2 * kr_km * TERMINAL_ANTENNA_HEIGHT_M * 1e-3
    )
    default_km = math.sqrt(2 * kr_km * JAMMER_DEFAULT_HEIGHT_M * 1e-3) + math.sqrt(
        2 * kr_km * TERMINAL_ANTENNA_HEIGHT_M * 1e-3
    )
    assert default_km < DISTANCE_KM < horizon_km  # the set-up separates the two heights

    high = ScenarioRun(_scenario(alt_km=0.050))
    (jammer,) = high.jammers
    assert jammer.height_m == pytest.approx(50.0, abs=1e-9)
    assert np.isfinite(_jammed_db(high))  # within its horizon: it jams

    low = ScenarioRun(_scenario())
    assert low.jammers[0].height_m == JAMMER_DEFAULT_HEIGHT_M
    assert np.isneginf(_jammed_db(low))  # beyond a 10 m mast's horizon: no effect


def test_jammer_height_must_be_above_ground() -> None:
    with pytest.raises(
        ScenarioError,
        match=r"faults\.jammers\[0\]\.alt_km: Input should be "
        "greater than or equal to 0",
    ):
        _scenario(alt_km=-0.01)


def test_radio_jammer_fields_and_window() -> None:
    s = load_scenario("ukraine")
    (spec,) = s.faults.jammers
    jam = radio_jammer(spec, s)
    assert isinstance(jam, Jammer)
    assert (jam.name, jam.position, jam.eirp_dbw, jam.centre_ghz, jam.bandwidth_mhz) == (
        spec.name,
        (spec.lat_deg, spec.lon_deg),
        spec.eirp_dbw,
        spec.center_frequency_ghz,
        spec.bandwidth_mhz,
    )
    antenna = spec.antenna  # the preset's jammer is directional (docs/radio.md)
    assert antenna != "isotropic"
    assert (jam.beamwidth_deg, jam.boresight_az_deg, jam.boresight_el_deg) == (
        antenna.beamwidth_deg,
        antenna.boresight_az_deg,
        antenna.boresight_el_deg,
    )
    assert jam.windows_ns == ((s.at_ns(spec.start), s.at_ns(spec.end)),)
    t0 = s.grid().start_ns
    assert jam.windows_ns[0][1] - jam.windows_ns[0][0] == 20 * 60 * 10**9  # +30m to +50m
    assert jam.windows_ns[0][0] == t0 + 30 * 60 * 10**9


def test_a_jammer_on_a_track_rides_it_and_never_ending_windows() -> None:
    s = validate(
        {
            "name": "truck",
            "time": {"start": "2026-05-30T12:00:00Z", "duration": "10m", "step_s": 60},
            "constellations": [{"preset": "starlink-gen1"}],
            "ground": {
                "mobile": [
                    {
                        "name": "truck",
                        "waypoints": [
                            {"time": "+0s", "lat_deg": 48.0, "lon_deg": 37.0},
                            {"time": "+10m", "lat_deg": 48.1, "lon_deg": 37.0},
                        ],
                    }
                ]
            },
            "faults": {
                "jammers": [
                    {
                        "name": "on-truck",
                        "track": "truck",
                        "alt_km": 0.002,
                        "eirp_dbw": 20,
                        "center_frequency_ghz": 11.7,
                        "bandwidth_mhz": 100,
                        "antenna": {
                            "boresight_az_deg": 90,
                            "boresight_el_deg": 10,
                            "beamwidth_deg": 30,
                        },
                    }
                ]
            },
        }
    )
    plan = fault_plan(s)
    (jam,) = plan.jammers
    assert isinstance(jam.position, Track) and jam.position.name == "truck"
    assert jam.height_m == pytest.approx(2.0)
    assert (jam.boresight_az_deg, jam.boresight_el_deg, jam.beamwidth_deg) == (90, 10, 30)
    assert jam.windows_ns == ((s.grid().start_ns, NEVER_NS),)
    lat, _, alt = plan.jammer_positions(s.grid().utc_ns[[0, -1]])
    assert lat[:, 0].tolist() == pytest.approx([48.0, 48.09], abs=1e-6)
    assert alt[:, 0] == pytest.approx([0.002, 0.002])
    # a never-ending jammer gives a start row and no end row
    assert [(e.kind, e.action) for e in plan.events()] == [("jammer", "start")]
    with pytest.raises(ValueError, match="no mobile track 'truck'"):
        radio_jammer(s.faults.jammers[0], s, tracks=[])
    assert fault_plan(s, build_tracks(s)).jammers[0].position.name == "truck"  # type: ignore[union-attr]


def test_timeline_is_the_policy_and_fault_events_sorted() -> None:
    s = load_scenario("ukraine")
    rows = timeline(s)
    assert sorted(rows, key=lambda e: e.utc_ns) == rows
    policy_rows = service_policy(s).timeline()
    fault_rows = fault_plan(s).events()
    assert sorted(rows, key=repr) == sorted(policy_rows + fault_rows, key=repr)
    jam = [e for e in rows if e.kind == "jammer"]
    assert [e.action for e in jam] == ["start", "end"]
    assert jam[0].description == (
        "jammer jammer-pokrovsk at (48.250, 37.350): 71 dBW EIRP, 11.7 GHz ± 1000 MHz"
    )
