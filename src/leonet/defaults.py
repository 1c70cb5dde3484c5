"""Model defaults, one place, each with its source or marked as an assumption.

:mod:`leonet.constants` holds physics; this holds the numbers a model *assumes* when the
scenario, the data or the caller say nothing: elevation masks, the laser range, the
fibre route factor, beam counts.  Every other module (and the scenario schema's field
defaults) imports them from here; nothing spells them as literals.  Each name's comment
says ``Source:`` (a measurement, filing or paper) or ``Assumption:`` (our choice, and why);
tests/test_defaults.py holds that and that the layers use these values.
"""

from __future__ import annotations

import json
from importlib import resources

__all__ = [
    "CALIBRATION_DRAWS",
    "CALIBRATION_SAMPLE_DURATION_S",
    "CALIBRATION_SAMPLE_SPAN_S",
    "CALIBRATION_SAMPLE_STEP_S",
    "DEFAULT_GATEWAY_KA_ANTENNAS",
    "DEFAULT_GATEWAY_MIN_ELEVATION_DEG",
    "DEFAULT_MAX_LASER_RANGE_KM",
    "DEFAULT_MIN_ELEVATION_DEG",
    "DEFAULT_MIN_LASER_ALTITUDE_KM",
    "DEFAULT_REVERT_AFTER_S",
    "DEFAULT_ROUTE_FACTOR",
    "DEFAULT_SWITCH_OVER_S",
    "FIBRE_SPEED_FRACTION_OF_C",
    "GEN1_USER_BEAMS",
    "GEN2_MINI_USER_BEAMS",
    "LATENCY_GATEWAY_PROCESSING_MS",
    "LATENCY_GROUND_EQUIPMENT_MS",
    "LATENCY_MAX_UTILISATION",
    "LATENCY_MEASUREMENT_WINDOW_S",
    "LATENCY_POP_MS",
    "LATENCY_QUEUE_SCALE_MS",
    "LATENCY_SATELLITE_PROCESSING_MS",
    "LATENCY_SLOT_SPIKE_MS",
    "LATENCY_SLOT_SPIKE_S",
    "LATENCY_USER_DOWNLINK_FRAME_MS",
    "LATENCY_USER_UPLINK_CYCLE_MS",
    "LATENCY_USER_UPLINK_SCHEDULING_MS",
    "SPEEDTEST_BEAM_BACKGROUND_DOWN_MBPS",
    "SPEEDTEST_BEAM_BACKGROUND_UP_MBPS",
    "SPEEDTEST_IN_VIEW_EXPONENT",
    "SPEEDTEST_LOAD_CV_DOWN",
    "SPEEDTEST_LOAD_CV_UP",
]

#: The fitted parameters (`leonet calibrate fit` on Starlink's published per-country
#: metrics), with their provenance, in data/latency_calibration.json: read once, here.
_CALIBRATION_DOC = json.loads(
    resources.files("leonet").joinpath("data/latency_calibration.json").read_text()
)
_CALIBRATED: dict[str, float] = _CALIBRATION_DOC["parameters"]

# --- elevation masks -------------------------------------------------------------------

#: Minimum elevation, deg, at which a satellite may serve a user terminal when neither the
#: shell nor the site says otherwise.  Source: SpaceX's FCC filings for the Gen1 Starlink
#: system (25° minimum elevation for user terminals since the 2018 modification,
#: IBFS SAT-MOD-20181108-00083; the Gen2 filings keep 25°).
DEFAULT_MIN_ELEVATION_DEG = 25.0

#: Gateway minimum elevation when the gateway table leaves ``ka_min_elev`` empty, deg.
#: Source: the bundled gateway table (data/ground, PROVENANCE.md): 210 of the 216 rows
#: that give a value give 25°, as SpaceX's FCC filings do.
DEFAULT_GATEWAY_MIN_ELEVATION_DEG = 25.0

# --- ground segment ----------------------------------------------------------------------

#: Ka-band antennas at a gateway whose row leaves the count empty.  Source: the bundled
#: gateway table: 167 of the 217 rows that give a count give 8 (the standard Starlink
#: gateway).
DEFAULT_GATEWAY_KA_ANTENNAS = 8

#: Fibre route length over the great-circle distance when the route is unknown.
#: Source: fitted (`leonet calibrate fit`, with the latency terms) on Starlink's published
#: per-country latency medians, data/latency_calibration.json, within bounds 1-2.5 around
#: the measured range of terrestrial route factors, about 1.2-2 (Bozkurt et al., "Why is
#: the Internet so slow?!", PAM 2017; 1.5, a middle value of it, was the assumption
#: before the fit).
DEFAULT_ROUTE_FACTOR = float(_CALIBRATED["route_factor"])

#: Signal speed in optical fibre as a fraction of c: 2/3, a group index of 1.5.
#: Source: silica single-mode fibre (ITU-T G.652) has a group index of about 1.47;
#: 1.5 is the customary round figure.
FIBRE_SPEED_FRACTION_OF_C = 2.0 / 3.0

# --- several systems (failover of dual-homed terminals) -----------------------------------

#: Time a dual-homed terminal is down when the system it uses stops serving it, before
#: the next subscribed system carries its traffic, s.  Assumption: a failover router's
#: health check declares a link down after 3 missed probes 5 s apart (15 s: the default of
#: common SD-WAN routers such as Peplink's WAN health check), and the new path's sessions
#: (VPN, TCP) take about as long again to come back; 30 s in all.  The scenario's
#: ``subscriptions.switch_over_s`` overrides it.
DEFAULT_SWITCH_OVER_S = 30.0

#: Time a more preferred system must serve a terminal without a break before the
#: terminal moves back to it from a fallback (make-before-break: no down time), s.
#: Assumption: a hold-down against flapping, of the order routers use for pre-emption;
#: ``subscriptions.revert_after_s`` overrides it.
DEFAULT_REVERT_AFTER_S = 300.0

# --- lasers --------------------------------------------------------------------------------

#: Longest laser (inter-satellite) link, km.  Assumption: the range quoted in public for
#: Starlink-class optical terminals (not a published specification); the scenario's
#: ``network.max_laser_range_km`` overrides it.
DEFAULT_MAX_LASER_RANGE_KM = 5_400.0

#: Lowest altitude a laser's line of sight may pass, km.  Source: Hypatia (Kassing et al.,
#: IMC 2020) keeps inter-satellite links above 80 km (the mesosphere).
DEFAULT_MIN_LASER_ALTITUDE_KM = 80.0

# --- satellites ------------------------------------------------------------------------------

#: User beams per Gen1 (V1.5) satellite (each a 250 MHz channel-beam).  Assumption: sized
#: to the satellite's capacity: S. Pekhterev ("The Bandwidth of the StarLink
#: Constellation", SatMagazine, Nov. 2021), from SpaceX's FCC filings and statements, puts
#: one satellite at ~20 Gb/s of user downlink; the calibrated radio gives a beam ~624 Mb/s
#: under a high satellite (16APSK 25/36 on 227 Msym/s, :data:`leonet.radio.SATELLITES`),
#: so 20 Gb/s / 0.624 ≈ 32 beams.  (Before the radio's calibration: 24 × ~0.9 Gb/s.)
GEN1_USER_BEAMS = 32

#: User beams per Gen2 "V2 Mini" satellite.  Assumption: four times Gen1's, after SpaceX's
#: statement (2023, starlink.com / launch webcasts) that a V2 Mini carries ~4× the usable
#: capacity of a V1.5, at the same per-beam rate (the SINR ceiling, not the EIRP, bounds
#: it; see :mod:`leonet.radio.parameters`).
GEN2_MINI_USER_BEAMS = 128

# --- latency ---------------------------------------------------------------------------------
# The terms of :mod:`leonet.network.latency` (docs/latency.md).  Those marked "fitted" are
# the free parameters `leonet calibrate fit` tunes on Starlink's published per-country
# latency; their current values live, with their provenance, in
# data/latency_calibration.json (written by the fit) and are read here.

#: Downlink frame, ms: once per round trip (the reply's way down) a packet waits for the
#: next frame, a uniform part of one (mean half a frame), drawn per terminal and step.
#: Source: the Starlink Ku downlink is framed at 750 Hz, 1.333 ms a frame (Humphreys et
#: al., "Signal structure of the Starlink Ku-band downlink", IEEE TAES 2023); the uniform
#: wait is an assumption (a packet's arrival is unrelated to the frame clock).
LATENCY_USER_DOWNLINK_FRAME_MS = 1.0 / 0.750

#: Uplink MAC scheduling, fixed part (request, grant, transmit), ms, once per round trip.
#: Assumption: Starlink's uplink is granted by the satellite's scheduler, not published;
#: measurement studies attribute several ms of the ~20 ms idle floor above propagation to
#: it (Kassem et al., "A browser-side view of Starlink connectivity", IMC 2022).
LATENCY_USER_UPLINK_SCHEDULING_MS = 4.0

#: Uplink scheduling cycle, ms: a packet waits a uniform part of one (mean half a cycle)
#: for its next request opportunity, on top of the fixed part above, drawn per terminal
#: and **15-s slot** (the grants are set with the slot's schedule, so the wait holds
#: through the slot and steps at its boundary: the RTT steps at slot changes that
#: Tanveer et al., IMC 2023, and Mohan et al., WWW 2024, measure).  Assumption: not
#: published; **fitted** on Starlink's published per-country p20-p80 latency spreads (of
#: 15-s averages, :data:`LATENCY_MEASUREMENT_WINDOW_S`; data/latency_calibration.json),
#: which the medians cannot tell from ``LATENCY_POP_MS``.
LATENCY_USER_UPLINK_CYCLE_MS = _CALIBRATED["user_uplink_cycle_ms"]

#: Processing per satellite a packet crosses, ms, each way.  Assumption: fitted (on-board
#: switching and laser framing of a regenerative payload; not published).
LATENCY_SATELLITE_PROCESSING_MS = _CALIBRATED["satellite_processing_ms"]

#: Processing at the gateway, ms, each way.  Assumption: a ground station's modem and
#: router, sub-ms to ~1 ms; not published.
LATENCY_GATEWAY_PROCESSING_MS = 0.5

#: The user's dish and router, ms per round trip.  Assumption: the dish's modem and the
#: Wi-Fi/Ethernet router, ~1 ms (Starlink router measured at ~1 ms added RTT by
#: Mohan et al., "A multifaceted look at Starlink performance", WWW 2024 — approximate).
LATENCY_GROUND_EQUIPMENT_MS = 1.0

#: The PoP and Starlink's core network up to where its latency is measured (CGNAT, core
#: routers, the fibre inside the PoP), ms per round trip.  Assumption: fitted on Starlink's
#: published per-country medians (data/latency_calibration.json).
LATENCY_POP_MS = _CALIBRATED["pop_ms"]

#: Queueing scale, ms: a loaded link's queue adds ``scale × ρ/(1−ρ)`` each direction (an
#: M/M/1 queue, ρ the utilisation of the site's bottleneck).  Assumption: **fitted** on
#: Starlink's published per-country p50s and p20-p80 spreads, whose 15-s busy-hour
#: means queue behind the speed test's beam background, each country's at the load its
#: published speeds imply (:func:`leonet.capacity.speedtest.busy_hour_utilisation`,
#: :func:`leonet.calibration.busy_hour_load_scales`; data/latency_calibration.json).
#: Check: at the cap below a saturated link then adds ~2 × 19 × scale ≈ 51 ms, as loaded
#: Starlink latency rises by tens of ms (Mohan et al., WWW 2024: ~+50 ms loaded median).
LATENCY_QUEUE_SCALE_MS = _CALIBRATED["queue_scale_ms"]

#: Highest utilisation used in the queueing term (a saturated link's queue is bounded by
#: its buffer, not infinite).  Assumption: 0.95, not published.
LATENCY_MAX_UTILISATION = 0.95

#: Added RTT, ms, in the first ``LATENCY_SLOT_SPIKE_S`` after each 15-s slot boundary
#: (the global reconfiguration).  Source: measurement studies see RTT step at every slot
#: change and spike at the boundaries (Tanveer et al., "Making sense of constellations",
#: IMC 2023; Mohan et al., WWW 2024; Pan et al., "Measuring a low-earth-orbit satellite
#: network", PIMRC 2023); the size, ~tens of ms over under a second, is an assumption
#: within their plots.
LATENCY_SLOT_SPIKE_MS = 20.0

#: How long the slot-boundary spike lasts, s.  Assumption: under a second in the
#: studies above; one 1-s step of the default runs (Assumption: the duration is not published).
LATENCY_SLOT_SPIKE_S = 1.0

#: The window Starlink averages a router's latency over before taking its published
#: percentiles, s.  Source: Starlink, "Improving Starlink's latency" (network update,
#: starlink.com/updates/network-update, March 2024): "we collect anonymized measurements
#: from millions of Starlink routers every 15 seconds. These 15 second average latencies
#: are then used to calculate the median and worst-case latency."  Where a window starts
#: against the 15-s slots is not said (assumption: at the sample's start, on a slot
#: boundary; windows at a random phase to the slots fitted the held-out countries worse,
#: docs/latency.md).
LATENCY_MEASUREMENT_WINDOW_S = 15.0

# --- calibration sampling --------------------------------------------------------------------

#: Seconds of the busy hour a country's calibration sample covers (``leonet
#: calibrate``): 4 slots of 15 s.  Assumption: 60 s.  Measured alternative (Dec 2026):
#: 240 s at 4-s steps (16 slots, the same 60 instants) cut the latency spread's median
#: error on the 45 fitted countries from 33 to 28 % at unchanged parameters, but refitted
#: on it the 88 held-out countries came out no better (latency p50 10.5 % against
#: 10.1 %, spread 40.2 % against 39.2 %), so the default stays.
CALIBRATION_SAMPLE_DURATION_S = 60.0
#: Seconds between a calibration sample's instants.  Assumption: 1 s, the run's default
#: step; any step prime to the 15-s slot samples every second of a slot alike (the slot
#: spike at its 1/15 share; a 3- or 5-s step would put 1/5 or 1/3 of the samples in it).
CALIBRATION_SAMPLE_STEP_S = 1.0
#: Seconds of the busy hour a calibration sample's 15-s windows spread over, evenly, each
#: on a slot boundary (``leonet calibrate``; 0: one after the other).  Starlink's
#: percentiles pool every router's 15-s means over a month (the network update of
#: :data:`LATENCY_MEASUREMENT_WINDOW_S`), so a sample should see the geometry at more
#: than one moment.  Assumption: the busy hour, 3600 s.
CALIBRATION_SAMPLE_SPAN_S = 3600.0
#: Draws of the random parts (the uplink cycle's wait per slot, the beam's load per radio
#: step) each calibration sample pools over the same routes (``leonet calibrate``): a
#: country's percentiles are then the model's, not one draw's.  With one draw the latency
#: spread error over the 133 countries moved between 29.5 and 36.4 % over six draws, at
#: the same parameters, and a fit chased the fitted countries' draws; two sets of 16 gave
#: 31.0 and 31.5 %.  Assumption: 16, a numerical choice (docs/latency.md, "The draws
#: pooled").
CALIBRATION_DRAWS = 16

# --- speed test (calibration) ----------------------------------------------------------------
# The background a speed test runs against in `leonet calibrate`
# (:mod:`leonet.calibration.throughput`): **fitted** by `leonet calibrate fit` on Starlink's
# published per-country download/upload percentiles; values and provenance in
# data/latency_calibration.json (key "throughput").
_THROUGHPUT: dict[str, float] = _CALIBRATION_DOC["throughput"]["parameters"]

#: Mean busy-hour load of a beam's other terminals during a speed test, down, Mb/s at the
#: test terminal's MODCOD.  Source: fitted to Starlink's published download p50s, May 2026
#: (data/latency_calibration.json, with its provenance).
SPEEDTEST_BEAM_BACKGROUND_DOWN_MBPS = _THROUGHPUT["beam_background_down_mbps"]
#: The same, up.  Source: fitted to the published upload p50s (as above).
SPEEDTEST_BEAM_BACKGROUND_UP_MBPS = _THROUGHPUT["beam_background_up_mbps"]
#: Spread of that load between terminal-steps, down (factor max(1 + cv·z, 0), z standard
#: normal).  Source: fitted to the published download p20-p80 spreads (as above).
SPEEDTEST_LOAD_CV_DOWN = _THROUGHPUT["load_cv_down"]
#: The same, up.  Source: fitted to the published upload p20-p80 spreads (as above).
SPEEDTEST_LOAD_CV_UP = _THROUGHPUT["load_cv_up"]
#: How the load scales with the satellites in view: × (30 / in view) ** this.  Source:
#: fitted to the published download and upload p50s across latitudes (as above).
SPEEDTEST_IN_VIEW_EXPONENT = _THROUGHPUT["in_view_exponent"]
