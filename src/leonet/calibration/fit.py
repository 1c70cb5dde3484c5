"""Fitting the latency model's free parameters to Starlink's published per-country
medians and p20-p80 spreads.

The free parameters (:data:`FREE`) are the five the published values can tell apart: a
constant (``pop_ms``: everything the same on every path — PoP, core, part of the user
link), one that grows with the path (``satellite_processing_ms`` per satellite crossed),
the uplink scheduling cycle (``user_uplink_cycle_ms``: a packet waits a uniform part of
one, drawn once a slot, so it widens the spread of 15-s averages as well as moving the
median, which the spreads tell apart from ``pop_ms``), the busy-hour queue's scale
(``queue_scale_ms``: a packet queues ``scale × ρ/(1−ρ)`` each way behind its beam's
busy-hour background, ρ the speed test's,
:func:`leonet.capacity.speedtest.busy_hour_utilisation`, so busier beams — fewer
satellites in view, slower speed tests — queue longer and wider; Starlink's published
latency spreads grow where its published speeds are low: correlation −0.65 with the
upload p50 over the fitted third) and one that grows with the terrestrial part of the
path (``route_factor``: the fibre's length over its great circle,
:data:`leonet.defaults.DEFAULT_ROUTE_FACTOR`; measured route factors lie at about 1.2–2,
Bozkurt et al., PAM 2017). Every other term stays at its sourced or assumed value: two
constants cannot be told apart by medians. Each sample keeps its fibre's great-circle km
apart from the rest of its propagation, so the route factor re-evaluates its RTT exactly
(space part + factor × fibre part) with the paths as routed; a fitted factor far from
the routed one can change which paths are shortest, so a real check (which routes again)
is the truth after a fit. Where no sample has fibre (synthetic ones), or the countries
are too few for it, the factor stays as given.

The simulated percentiles are of each terminal's 15-s mean RTT, as Starlink computes
its own (:meth:`~leonet.calibration.simulate.CountrySample.measured_rtt_ms`), its
busy-hour queue behind the beam background at the country's own load
(:func:`fit_published`): the fitted background down and up, each × the scale at which
the country's speed-test median that way equals its published one
(:func:`busy_hour_load_scales`).
How loaded a country's beams are in the evening sets much of its published spread, and
nothing offline but its published speeds tells it.  The fit
minimises the log ratios of the simulated p50 (weighted :data:`P50_WEIGHT`) and of the
simulated p20-p80 spread to the published ones of the calibration countries
(:func:`scipy.optimize.least_squares`; a log ratio weighs a spread twice too wide as
much as one half too narrow; a relative error lets the few countries whose route flips
within the minute, spreads 5-10× the published, pull the cycle down), **trimmed**: after a
first the ``keep`` share of them the model fits best at the start values (the prior: the
current defaults) is fitted, the share fitted best then is kept and the fit repeated
(three rounds; "best" by the norm of a country's residuals; from the start and four
other points, the least trimmed sum of squares kept).  Without published spreads
neither the cycle nor the queue's scale is fitted (medians alone cannot tell them from
``pop_ms``).  Countries the
geometry misses — routed over long laser
detours because the 2023 gateway map lacks their gateways, so their propagation alone
exceeds the published median — cannot be fitted by any constant and would otherwise pull
every parameter to its bound (an untrimmed soft-L1 fit over all 133 countries gave 0 ms
for both).  The countries left out are reported (:attr:`FitResult.excluded`).  Each round
re-evaluates the latency terms over each country's stored
:class:`~leonet.calibration.simulate.CountrySample` (no routing inside the fit).
:func:`write_calibration` stores the result, with its provenance, in
``leonet/data/latency_calibration.json``, which :mod:`leonet.defaults` reads.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, least_squares

from leonet.atomic import atomic_write_text
from leonet.calibration.published import published
from leonet.calibration.simulate import CountrySample
from leonet.calibration.throughput import (
    THROUGHPUT_FREE,
    ThroughputParameters,
    throughput_percentiles,
)
from leonet.defaults import DEFAULT_ROUTE_FACTOR
from leonet.network.latency import LatencyParameters

__all__ = [
    "FREE",
    "LOAD_SCALE_RANGE",
    "P50_WEIGHT",
    "FitResult",
    "ThroughputFit",
    "busy_hour_load_scale",
    "busy_hour_load_scales",
    "fit_latency",
    "fit_published",
    "fit_throughput",
    "latency_percentiles",
    "spread",
    "write_calibration",
    "write_throughput_calibration",
]

#: The fitted parameters and their bounds: ms, and for ``route_factor`` (fibre km over
#: great-circle km) the measured range of terrestrial route factors (Bozkurt et al., "Why
#: is the Internet so slow?!", PAM 2017: about 1.2-2).  The medians hardly tell the fibre
#: from the per-satellite and PoP terms (the same p50s, fibre against hops): within
#: 1.0-2.5 a fit put it at 1.03, a fibre as straight as the great circle, which no
#: measured route is.
FREE: dict[str, tuple[float, float]] = {
    "pop_ms": (0.0, 60.0),
    "satellite_processing_ms": (0.0, 5.0),
    "user_uplink_cycle_ms": (0.0, 40.0),
    "queue_scale_ms": (0.0, 20.0),
    "route_factor": (1.2, 2.0),
}
#: Each free parameter's typical step, ms (``least_squares``' ``x_scale``).
_SCALE: dict[str, float] = {
    "pop_ms": 5.0,
    "satellite_processing_ms": 0.2,
    "user_uplink_cycle_ms": 2.0,
    "queue_scale_ms": 1.0,
    "route_factor": 0.2,
}
#: The free parameter that is no field of :class:`LatencyParameters` but a property of
#: the network's fibre (:attr:`FitResult.route_factor`).
_ROUTE = "route_factor"
#: The free parameters only the spreads tell apart (fitted only where they are given).
_SPREAD_ONLY = ("user_uplink_cycle_ms", "queue_scale_ms")
#: Weight of each country's p50 residual against its spread's (1): the p50 is the goal
#: that is tighter (10 % against 25 %).
P50_WEIGHT = 2.0
#: Starts besides the given one the fit tries (:func:`fit_latency`): a power of two,
#: the balanced size of a Sobol sequence.
_RESTARTS = 16
#: A simulated p50 or spread is floored here before its log ratio, ms (a spread of 0).
_FLOOR_MS = 0.01
#: The busy-hour load scales :func:`busy_hour_load_scale` searches (× the calibrated
#: background): from a twentieth to twenty times.
LOAD_SCALE_RANGE = (0.05, 20.0)


def spread(p20: float, p80: float) -> float:
    """The p20-p80 spread, ``|p20 − p80|``: positive whichever end is labelled slow
    (latency's p20 is its slow end, a rate's its fast one)."""
    return abs(p20 - p80)


def latency_percentiles(rtt_ms: NDArray[np.float64]) -> tuple[float, float, float]:
    """``(p20, p50, p80)`` as Starlink labels latency: **p20 the slow end** (the 80th
    percentile of RTT), p80 the fast end (the 20th)."""
    if rtt_ms.size == 0:
        return (float("nan"),) * 3
    p80, p50, p20 = np.percentile(rtt_ms, [20.0, 50.0, 80.0])
    return float(p20), float(p50), float(p80)


@dataclass(frozen=True)
class FitResult:
    """The fitted ``params``; per country (ISO3) the simulated and published p50 (ms);
    ``median_abs_rel_error`` of p50 over the countries; ``success`` the optimiser's;
    per country the simulated and published p20-p80 spread (ms; empty without published
    spreads) and the median |relative error| of the spread; ``route_factor`` the fibre
    route factor (fitted where the samples have fibre)."""

    params: LatencyParameters
    simulated_p50_ms: dict[str, float]
    published_p50_ms: dict[str, float]
    median_abs_rel_error: float
    success: bool
    excluded: tuple[str, ...] = ()
    simulated_spread_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    published_spread_ms: dict[str, float] = dataclasses.field(default_factory=dict)
    median_abs_rel_error_spread: float = float("nan")
    route_factor: float = DEFAULT_ROUTE_FACTOR

    def fitted(self) -> dict[str, float]:
        out = {k: float(getattr(self.params, k)) for k in FREE if k != _ROUTE}
        return out | {_ROUTE: float(self.route_factor)}


def busy_hour_load_scale(
    sample: CountrySample, download_p50_mbps: float, throughput: ThroughputParameters | None = None
) -> float | None:
    """How much busier (> 1) or quieter (< 1) than the calibrated one (``throughput``,
    default the shipped) a region's evening beams must be for the sample's speed-test
    download median to equal ``download_p50_mbps``, its measured one: the value of a
    scenario's ``capacity.busy_hour_load_scale`` for that region.  ``None`` where no scale
    in :data:`LOAD_SCALE_RANGE` reaches it (or the sample has no radio)."""
    return _load_scale(sample, download_p50_mbps, throughput or ThroughputParameters(), 0)


def busy_hour_load_scales(
    sample: CountrySample,
    download_p50_mbps: float,
    upload_p50_mbps: float,
    throughput: ThroughputParameters | None = None,
) -> tuple[float, float] | None:
    """The down and up scales of the busy-hour background (a scenario's
    ``capacity.busy_hour_load_scale`` and ``busy_hour_load_scale_up``) at which the
    sample's speed-test medians equal a region's measured ones, each direction on its
    own (the two backgrounds are independent); ``None`` where either is out of reach
    (:func:`busy_hour_load_scale`)."""
    base = throughput or ThroughputParameters()
    down = _load_scale(sample, download_p50_mbps, base, 0)
    up = _load_scale(sample, upload_p50_mbps, base, 1)
    return None if down is None or up is None else (down, up)


def _load_scale(
    sample: CountrySample, p50_mbps: float, base: ThroughputParameters, direction: int
) -> float | None:
    """The scale of one ``direction``'s background (0 down, 1 up) at which the sample's
    speed-test median of that direction equals ``p50_mbps``."""
    if sample.link_down_mbps.size == 0 or not (math.isfinite(p50_mbps) and p50_mbps > 0):
        return None

    def excess(scale: float) -> float:
        at = base.scaled(scale, 1.0) if direction == 0 else base.scaled(1.0, scale)
        return float(np.median(sample.speed_tests_mbps(at)[direction]) - p50_mbps)

    lo, hi = LOAD_SCALE_RANGE
    if excess(lo) < 0 or excess(hi) > 0:
        return None
    return float(brentq(excess, lo, hi, xtol=1e-4))


def fit_latency(
    samples: Sequence[CountrySample],
    published_p50_ms: Mapping[str, float],
    start: LatencyParameters | None = None,
    keep: float = 0.6,
    published_spread_ms: Mapping[str, float] | None = None,
    route_factor: float | None = None,
    throughput: ThroughputParameters | None = None,
    load_scales: Mapping[str, tuple[float, float]] | None = None,
) -> FitResult:
    """Fit :data:`FREE` on the ``samples`` of countries with a published p50 (ISO3 →
    ms) and, where given, p20-p80 spread (ISO3 → ms; without them neither the cycle nor
    the queue's scale is fitted), trimmed to the ``keep`` share fitted best; the other
    parameters stay as in ``start`` (default: the current defaults), the route factor
    starts at ``route_factor`` (default: :data:`~leonet.defaults.DEFAULT_ROUTE_FACTOR`),
    the busy-hour background the samples queue behind is ``throughput``'s (default: the
    calibrated), × each country's ``load_scales`` (ISO3 → (down, up) scales,
    :func:`busy_hour_load_scales`; when given, a country without them is left out).
    ``median_abs_rel_error`` is over every country, kept or not."""
    base = start or LatencyParameters()
    background = throughput or ThroughputParameters()
    factor0 = DEFAULT_ROUTE_FACTOR if route_factor is None else float(route_factor)
    spreads = dict(published_spread_ms or {})
    names = [n for n in FREE if (spreads or n not in _SPREAD_ONLY) and n != _ROUTE]
    used = [
        s
        for s in samples
        if s.country.iso3 in published_p50_ms
        and (not spreads or s.country.iso3 in spreads)
        and (load_scales is None or s.country.iso3 in load_scales)
        and s.propagation_rtt_ms.size
    ]
    loads = [
        background if load_scales is None else background.scaled(*load_scales[s.country.iso3])
        for s in used
    ]
    per = 2 if spreads else 1  # residuals: a p50 (and a spread) each
    # The route factor is fitted where some path has fibre and the countries are enough
    # for one more parameter; else it stays at its start value.
    has_fibre = any(s.fibre_km.size and bool(s.fibre_km.any()) for s in used)
    if has_fibre and len(used) * per >= len(names) + 1 and len(used) > 2:
        names.append(_ROUTE)
    need = -(-len(names) // per)
    if len(used) < need:
        raise ValueError(
            f"{len(used)} countries with published values and samples: need at "
            f"least {need} to fit {', '.join(names)}"
        )
    target = np.array([published_p50_ms[s.country.iso3] for s in used])
    target_spread = np.array([spreads.get(s.country.iso3, np.nan) for s in used])

    def params_of(x: NDArray[np.float64]) -> LatencyParameters:
        values = dict(zip(names, map(float, x), strict=True))
        values.pop(_ROUTE, None)
        return dataclasses.replace(base, **values)

    def factor_of(x: NDArray[np.float64]) -> float:
        return float(x[names.index(_ROUTE)]) if _ROUTE in names else factor0

    def simulated(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """p50 and p20-p80 spread of each country, ms."""
        p, f = params_of(x), factor_of(x)
        q = np.array(
            [
                np.percentile(s.measured_rtt_ms(p, f, load), [20.0, 50.0, 80.0])
                for s, load in zip(used, loads, strict=True)
            ]
        )
        return q[:, 1], q[:, 2] - q[:, 0]

    def rows(x: NDArray[np.float64]) -> NDArray[np.float64]:
        """Each country's weighted residuals ``(country, 1 or 2)``: p50, spread."""
        p50, width = simulated(x)
        out = [P50_WEIGHT * np.log(np.maximum(p50, _FLOOR_MS) / target)]
        if spreads:
            out.append(np.log(np.maximum(width, _FLOOR_MS) / target_spread))
        return np.stack(out, axis=1)

    if not 0 < keep <= 1:
        raise ValueError(f"keep={keep}: the share of countries kept must be in (0, 1]")
    lo = np.array([FREE[n][0] for n in names])
    hi = np.array([FREE[n][1] for n in names])
    x = np.clip([factor0 if n == _ROUTE else getattr(base, n) for n in names], lo, hi)
    n_keep = max(need, int(np.ceil(keep * len(used))))

    def best(x: NDArray[np.float64]) -> NDArray[np.bool_]:
        inside = np.zeros(len(used), dtype=bool)
        norm = np.linalg.norm(rows(x), axis=1)
        inside[np.argsort(norm, kind="stable")[:n_keep]] = True
        return inside

    scale = np.array([_SCALE[n] for n in names])

    def trimmed_fit(x: NDArray[np.float64]) -> tuple[float, NDArray[np.float64], bool]:
        """Three trimmed rounds from ``x``: the trimmed sum of squares, the fit, success."""
        # The first trim is at the start values (a prior), each next at the last fit's.
        inside = best(x)
        success = False
        for step in (0.1, 0.1, 0.1):

            def trimmed(
                x: NDArray[np.float64], inside: NDArray[np.bool_] = inside
            ) -> NDArray[np.float64]:
                return np.asarray(rows(x)[inside].ravel(), dtype=np.float64)

            # A sample's percentiles are piecewise linear in the parameters: where the
            # countries' medians all sit on one-satellite samples, a small step sees
            # pop_ms and satellite_processing_ms alike and stops short (a synthetic fit
            # stalled 0.14 ms off).  A secant over 10 % of each value steps across
            # those kinks.
            sol = least_squares(
                trimmed,
                x,
                bounds=(lo, hi),
                diff_step=step,
                x_scale=scale,
                xtol=1e-10,
                ftol=1e-10,
                gtol=1e-10,
            )
            x, success = sol.x, bool(sol.success)
            inside = best(x)
        return float(np.sum(rows(x)[inside] ** 2)), x, success

    # Those kinks also leave local minima (a synthetic fit from a third of the queue's
    # scale stopped at a 0.4-ms cycle, 6 ms the truth), and on the published spreads
    # the cycle and the queue's scale trade along a rugged valley: four uniform random
    # restarts (twelve too) left the 7 Dec fit at a 9.8-ms cycle whose trimmed sum of
    # squares (1.1995) was above that of a point with an 8.0-ms cycle and a larger
    # queue (1.1942).  So the fit starts again from points that fill the box around
    # the start evenly (a scrambled Sobol sequence, fixed seed: -2 to +4 typical steps
    # of each value) and keeps the one whose trimmed sum of squares is least.
    from scipy.stats import qmc  # here: scipy.stats is slow to import, as sweep/spec.py

    unit = qmc.Sobol(x.size, scramble=True, seed=0).random(_RESTARTS) if _RESTARTS else []
    starts = [x] + [np.clip(x + (6.0 * u - 2.0) * scale, lo, hi) for u in unit]
    _, x, success = min((trimmed_fit(x0) for x0 in starts), key=lambda r: r[0])
    inside = best(x)
    sim, width = simulated(x)
    iso = [s.country.iso3 for s in used]
    return FitResult(
        params_of(x),
        dict(zip(iso, sim.tolist(), strict=True)),
        dict(zip(iso, target.tolist(), strict=True)),
        float(np.median(np.abs(sim - target) / target)),
        success,
        tuple(sorted(i for i, k in zip(iso, inside, strict=True) if not k)),
        dict(zip(iso, width.tolist(), strict=True)) if spreads else {},
        dict(zip(iso, target_spread.tolist(), strict=True)) if spreads else {},
        float(np.median(np.abs(width / target_spread - 1))) if spreads else float("nan"),
        factor_of(x),
    )


def _calibration_file() -> Path:
    return Path(str(files("leonet") / "data" / "latency_calibration.json"))


def _rounded(fitted: Mapping[str, float]) -> dict[str, float]:
    """Fitted values as the calibration file stores them: sorted, 4 decimals."""
    return {k: round(v, 4) for k, v in sorted(fitted.items())}


def _written(countries: Iterable[str]) -> dict[str, Any]:
    """The provenance every fit writes first: by whom, when, on what, over which countries."""
    return {
        "written_by": "leonet calibrate fit",
        "utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "published": "Starlink residential metrics, May 2026 (leonet/data/calibration)",
        "countries": sorted(countries),
    }


def write_calibration(
    result: FitResult, provenance: Mapping[str, Any], path: Path | None = None
) -> Path:
    """Write the fitted parameters with their provenance where the defaults read them
    (``path`` elsewhere, e.g. for a trial); returns the path."""
    target = path or _calibration_file()
    old = json.loads(target.read_text()) if target.exists() else {}
    doc = {
        **old,
        "parameters": _rounded(result.fitted()),
        "provenance": {
            **_written(result.published_p50_ms),
            "median_abs_rel_error_p50": round(result.median_abs_rel_error, 4),
            **(
                {"median_abs_rel_error_spread": round(result.median_abs_rel_error_spread, 4)}
                if result.published_spread_ms
                else {}
            ),
            "excluded_by_trimming": list(result.excluded),
            "optimiser_success": result.success,
            **dict(provenance),
        },
    }
    atomic_write_text(target, json.dumps(doc, indent=2) + "\n")
    return target


@dataclass(frozen=True)
class ThroughputFit:
    """The fitted speed-test ``params``; per country (ISO3) simulated and published
    ``(p20, p50, p80)`` of download and upload (Mb/s); the median |relative error| of
    p50 of each; ``success`` the optimiser's."""

    params: ThroughputParameters
    simulated: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]]
    published: dict[str, tuple[tuple[float, float, float], tuple[float, float, float]]]
    median_abs_rel_error_down: float
    median_abs_rel_error_up: float
    success: bool

    def fitted(self) -> dict[str, float]:
        return {k: float(getattr(self.params, k)) for k in THROUGHPUT_FREE}


def fit_throughput(
    samples: Sequence[CountrySample],
    published: Mapping[str, tuple[tuple[float, float, float], tuple[float, float, float]]],
    start: ThroughputParameters | None = None,
) -> ThroughputFit:
    """Fit :data:`~leonet.calibration.throughput.THROUGHPUT_FREE` to the published
    download and upload ``(p20, p50, p80)`` (ISO3 → (down, up), Mb/s) of the countries
    sampled: robust least squares (soft L1 beyond 20 %: a few countries far off — war,
    sanctions, a single island's backhaul — must not pull everyone) on the relative
    errors of all six percentiles (the p50s weighted twice), each country's speed tests
    re-evaluated from its stored link rates."""
    base = start or ThroughputParameters()
    used = [s for s in samples if s.country.iso3 in published and s.link_down_mbps.size]
    if len(used) < 2:
        raise ValueError(
            f"{len(used)} countries with published values and radio samples: need at least 2 "
            "to fit the speed test's background"
        )
    names = list(THROUGHPUT_FREE)
    target = np.array(
        [[*published[s.country.iso3][0], *published[s.country.iso3][1]] for s in used]
    )
    weight = np.array([1.0, 2.0, 1.0, 1.0, 2.0, 1.0])

    def params_of(x: NDArray[np.float64]) -> ThroughputParameters:
        return dataclasses.replace(base, **dict(zip(names, map(float, x), strict=True)))

    def simulated(x: NDArray[np.float64]) -> NDArray[np.float64]:
        p = params_of(x)
        out = []
        for s in used:
            down, up = s.speed_tests_mbps(p)
            out.append([*throughput_percentiles(down), *throughput_percentiles(up)])
        return np.array(out)

    def residual(x: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(((simulated(x) - target) / target * weight).ravel(), dtype=np.float64)

    lo = np.array([THROUGHPUT_FREE[n][0] for n in names])
    hi = np.array([THROUGHPUT_FREE[n][1] for n in names])
    x0 = np.clip([getattr(base, n) for n in names], lo, hi)
    # Percentiles of a finite sample are piecewise smooth: start from the given values and
    # from a few load variations, keep the best.
    sol = min(
        (
            least_squares(
                residual,
                np.clip([x0[0], x0[1], cv, cv, x0[4]], lo, hi),
                bounds=(lo, hi),
                diff_step=1e-3,
                x_scale=np.array([50.0, 5.0, 0.1, 0.1, 0.1]),
                loss="soft_l1",
                f_scale=0.2,
                xtol=1e-10,
                ftol=1e-10,
                gtol=1e-10,
            )
            for cv in (x0[2], 0.15, 0.3, 0.7, 1.2)
        ),
        key=lambda r: float(r.cost),
    )
    sim = simulated(sol.x)
    iso = [s.country.iso3 for s in used]

    def pair(
        row: NDArray[np.float64],
    ) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        return (
            (float(row[0]), float(row[1]), float(row[2])),
            (float(row[3]), float(row[4]), float(row[5])),
        )

    return ThroughputFit(
        params_of(sol.x),
        {i: pair(r) for i, r in zip(iso, sim, strict=True)},
        {i: pair(r) for i, r in zip(iso, target, strict=True)},
        float(np.median(np.abs(sim[:, 1] / target[:, 1] - 1))),
        float(np.median(np.abs(sim[:, 4] / target[:, 4] - 1))),
        bool(sol.success),
    )


def fit_published(
    samples: Sequence[CountrySample], throughput_start: ThroughputParameters | None = None
) -> tuple[ThroughputFit, FitResult]:
    """Fit both to the published values of the ``samples``' countries (those without are
    left out): the speed test's background first (from ``throughput_start``), then the
    latency, whose busy-hour queue waits behind that background at each country's own
    load — the scales its published download and upload medians imply
    (:func:`busy_hour_load_scales`) — what ``leonet calibrate fit`` does on its share of
    the countries."""
    pubs = {s.country.iso3: p for s in samples if (p := published(s.country.iso3)) is not None}
    speeds = fit_throughput(
        samples,
        {k: (p.download_mbps, p.upload_mbps) for k, p in pubs.items()},
        start=throughput_start,
    )
    scales = {
        iso: c
        for s in samples
        if (p := pubs.get(iso := s.country.iso3)) is not None
        and (c := busy_hour_load_scales(s, p.download_mbps[1], p.upload_mbps[1], speeds.params))
        is not None
    }
    latency = fit_latency(
        samples,
        {k: p.latency_ms[1] for k, p in pubs.items()},
        published_spread_ms={k: spread(p.latency_ms[0], p.latency_ms[2]) for k, p in pubs.items()},
        throughput=speeds.params,
        load_scales=scales,
    )
    return speeds, latency


def write_throughput_calibration(
    result: ThroughputFit, provenance: Mapping[str, Any], path: Path | None = None
) -> Path:
    """Write the fitted speed-test background with its provenance (key ``throughput`` of
    the calibration file the defaults read; ``path`` elsewhere); returns the path."""
    target = path or _calibration_file()
    doc = json.loads(target.read_text()) if target.exists() else {}
    doc["throughput"] = {
        "parameters": _rounded(result.fitted()),
        "provenance": {
            **_written(result.published),
            "median_abs_rel_error_download_p50": round(result.median_abs_rel_error_down, 4),
            "median_abs_rel_error_upload_p50": round(result.median_abs_rel_error_up, 4),
            "optimiser_success": result.success,
            **dict(provenance),
        },
    }
    atomic_write_text(target, json.dumps(doc, indent=2) + "\n")
    return target
