"""Calibration against Starlink's published metrics: run the twin per country at its busy
hour, compare percentiles, fit the latency model's free parameters (``leonet calibrate``).
Above the engine: it runs the twin."""

from __future__ import annotations

from leonet.calibration.check import (
    GOAL_P50,
    GOAL_SPREAD,
    KINDS,
    CountryCheck,
    check_countries,
    check_html,
    checked,
    median_errors,
    simulate_many,
)
from leonet.calibration.fit import (
    FREE,
    P50_WEIGHT,
    FitResult,
    ThroughputFit,
    fit_latency,
    fit_throughput,
    latency_percentiles,
    spread,
    write_calibration,
    write_throughput_calibration,
)
from leonet.calibration.published import (
    METRICS_FILE,
    CountryId,
    Published,
    published,
    published_countries,
    resolve_country,
)
from leonet.calibration.simulate import (
    BUSY_HOUR_LOCAL,
    CALIBRATION_STRATEGY,
    CATALOGUE_DAY,
    GATEWAY_REACH_KM,
    POP_RULE,
    CountrySample,
    busy_hour_start,
    country_pop_mask,
    sample_terminals,
    simulate_country,
)
from leonet.calibration.throughput import (
    REFERENCE_IN_VIEW,
    THROUGHPUT_FREE,
    ThroughputParameters,
    speed_tests,
    throughput_percentiles,
)

__all__ = [
    "BUSY_HOUR_LOCAL",
    "CALIBRATION_STRATEGY",
    "CATALOGUE_DAY",
    "FREE",
    "GATEWAY_REACH_KM",
    "GOAL_P50",
    "GOAL_SPREAD",
    "KINDS",
    "METRICS_FILE",
    "P50_WEIGHT",
    "POP_RULE",
    "REFERENCE_IN_VIEW",
    "THROUGHPUT_FREE",
    "CountryCheck",
    "CountryId",
    "CountrySample",
    "FitResult",
    "Published",
    "ThroughputFit",
    "ThroughputParameters",
    "busy_hour_start",
    "check_countries",
    "check_html",
    "checked",
    "country_pop_mask",
    "fit_latency",
    "fit_throughput",
    "latency_percentiles",
    "median_errors",
    "published",
    "published_countries",
    "resolve_country",
    "sample_terminals",
    "simulate_country",
    "simulate_many",
    "speed_tests",
    "spread",
    "throughput_percentiles",
    "write_calibration",
    "write_throughput_calibration",
]
