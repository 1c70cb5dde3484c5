"""``leonet calibrate check``: simulated against published percentiles, per country.

For each country (any name or ISO code) the twin routes a population-weighted sample at
its busy hour (:func:`~leonet.calibration.simulate.simulate_country`) and the latency
terms give each terminal-step's idle RTT; its p20/p50/p80 (p20 the slow end, as Starlink
labels them) stand beside the published ones with relative errors, and so does the
p20-p80 spread (``|p20 − p80|``, ms or Mb/s) of each.  Download and upload
are the speed tests of the same terminal-steps (:mod:`leonet.calibration.throughput`:
the twin's radio rate less the beam's busy-hour background), p20/p50/p80 the usual way
round (p20 the slow end).  Countries are simulated in ``workers`` spawned processes
(each loads the catalogue once).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np

from leonet.calibration.fit import busy_hour_load_scales, latency_percentiles, spread
from leonet.calibration.published import CountryId, Published, published, resolve_country
from leonet.calibration.simulate import (
    SAMPLE_DURATION_S,
    SAMPLE_STEP_S,
    CountrySample,
    simulate_country,
)
from leonet.calibration.throughput import ThroughputParameters, throughput_percentiles
from leonet.defaults import CALIBRATION_DRAWS
from leonet.network.latency import LatencyParameters

__all__ = [
    "GOAL_P50",
    "GOAL_SPREAD",
    "KINDS",
    "CountryCheck",
    "check_countries",
    "check_html",
    "checked",
    "median_errors",
    "median_summary",
    "simulate_many",
]

#: What a check compares: latency (ms) at the calibrated busy-hour load, download and
#: upload (Mb/s), and latency (ms) at the load the country's published speeds imply.
KINDS: tuple[str, ...] = ("latency", "download", "upload", "latency_at_load")


@dataclass(frozen=True)
class CountryCheck:
    """One country's simulated percentiles ``(p20, p50, p80)``: latency (ms), download
    and upload (Mb/s); the published metrics (``None`` without), the home PoP and the
    share of terminal-steps unserved; ``busy_hour_load_scale`` and
    ``busy_hour_load_scale_up`` the scenario's ``capacity`` fields that match the
    published download and upload medians (:func:`busy_hour_load_scales`; ``None``
    without published values or radio) and ``simulated_latency_at_load_ms`` the latency
    percentiles at those scales (NaN without)."""

    country: CountryId
    simulated_latency_ms: tuple[float, float, float]
    published: Published | None
    pop: str
    unserved: float
    median_satellites: float
    simulated_download_mbps: tuple[float, float, float] = (math.nan,) * 3
    simulated_upload_mbps: tuple[float, float, float] = (math.nan,) * 3
    busy_hour_load_scale: float | None = None
    busy_hour_load_scale_up: float | None = None
    simulated_latency_at_load_ms: tuple[float, float, float] = (math.nan,) * 3

    def error(self, kind: str) -> tuple[float, float, float] | None:
        """Relative errors (simulated − published) / published of ``kind``'s p20, p50,
        p80 (one of :data:`KINDS`; ``None`` without published values)."""
        sim, pub = self._values(kind)
        if pub is None:
            return None
        return tuple((s - p) / p for s, p in zip(sim, pub, strict=True))  # type: ignore[return-value]

    def latency_error(self) -> tuple[float, float, float] | None:
        """Relative errors (simulated − published) / published of p20, p50, p80."""
        return self.error("latency")

    def _values(
        self, kind: str
    ) -> tuple[tuple[float, float, float], tuple[float, float, float] | None]:
        sim = {
            "latency": self.simulated_latency_ms,
            "download": self.simulated_download_mbps,
            "upload": self.simulated_upload_mbps,
            "latency_at_load": self.simulated_latency_at_load_ms,
        }[kind]
        pub = self.published
        if pub is None:
            return sim, None
        return sim, {
            "latency": pub.latency_ms,
            "download": pub.download_mbps,
            "upload": pub.upload_mbps,
            "latency_at_load": pub.latency_ms,
        }[kind]

    def spreads(self, kind: str) -> tuple[float, float | None]:
        """The simulated and published (``None`` without) p20-p80 spread of ``kind``
        (one of :data:`KINDS`): ``|p20 − p80|``, ms or Mb/s."""
        sim, pub = self._values(kind)
        return spread(sim[0], sim[2]), None if pub is None else spread(pub[0], pub[2])

    def spread_error(self, kind: str) -> float | None:
        """Relative error of the p20-p80 spread of ``kind`` (``None`` without published
        values)."""
        sim, pub = self.spreads(kind)
        return None if pub is None or pub == 0 else sim / pub - 1.0

    def as_json(self) -> dict[str, Any]:
        def three(v: Sequence[float] | None) -> dict[str, float] | None:
            return (
                None
                if v is None or not all(map(math.isfinite, v))  # JSON has no NaN
                else dict(zip(("p20", "p50", "p80"), (round(x, 3) for x in v), strict=True))
            )

        def one(v: float | None) -> float | None:
            return None if v is None or not math.isfinite(v) else round(v, 3)

        out: dict[str, Any] = {
            "country": self.country.name,
            "iso3": self.country.iso3,
            "pop": self.pop or None,
            "unserved": round(self.unserved, 4),
            "busy_hour_load_scale": one(self.busy_hour_load_scale),
            "busy_hour_load_scale_up": one(self.busy_hour_load_scale_up),
        }
        for kind, unit in zip(KINDS, ("ms", "mbps", "mbps", "ms"), strict=True):
            sim, pub = self._values(kind)
            sim_spread, pub_spread = self.spreads(kind)
            out[f"{kind}_{unit}"] = {
                "simulated": three(sim),
                "published": three(pub),
                "relative_error": three(self.error(kind)),
                "spread": {
                    "simulated": one(sim_spread),
                    "published": one(pub_spread),
                    "relative_error": one(self.spread_error(kind)),
                },
            }
        return out


def _one(args: tuple[CountryId, int, float, float, int, int]) -> CountrySample:
    cid, n, duration_s, step_s, seed, draws = args
    return simulate_country(
        cid, terminals=n, duration_s=duration_s, step_s=step_s, seed=seed, draws=draws
    )


def simulate_many(
    countries: Sequence[CountryId],
    *,
    terminals: int = 24,
    duration_s: float = SAMPLE_DURATION_S,
    step_s: float = SAMPLE_STEP_S,
    seed: int = 0,
    workers: int = 1,
    draws: int = CALIBRATION_DRAWS,
) -> list[CountrySample]:
    """:func:`simulate_country` for each country, in ``workers`` processes, in order."""
    jobs = [(c, terminals, duration_s, step_s, seed, draws) for c in countries]
    if workers <= 1 or len(jobs) <= 1:
        return [_one(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_one, jobs))


def check_countries(  # noqa: PLR0913 — keyword-only options with defaults
    names: Sequence[str],
    *,
    terminals: int = 24,
    duration_s: float = SAMPLE_DURATION_S,
    step_s: float = SAMPLE_STEP_S,
    seed: int = 0,
    workers: int = 1,
    params: LatencyParameters | None = None,
    throughput: ThroughputParameters | None = None,
    draws: int = CALIBRATION_DRAWS,
    speeds_mbps: tuple[float, float] | None = None,
) -> list[CountryCheck]:
    """Check each named country (names resolved first, so a typo fails before any run);
    ``speeds_mbps`` a region's measured download and upload medians, the load of every
    country's ``latency_at_load`` in place of its published speeds (:func:`checked`)."""
    ids = [resolve_country(n) for n in names]
    samples = simulate_many(
        ids,
        terminals=terminals,
        duration_s=duration_s,
        step_s=step_s,
        seed=seed,
        workers=workers,
        draws=draws,
    )
    return [checked(s, params, throughput, speeds_mbps=speeds_mbps) for s in samples]


def checked(
    sample: CountrySample,
    params: LatencyParameters | None = None,
    throughput: ThroughputParameters | None = None,
    route_factor: float | None = None,
    speeds_mbps: tuple[float, float] | None = None,
) -> CountryCheck:
    """A country's check from its simulated sample (the fibre at ``route_factor``;
    default: as routed); its load scales and ``latency_at_load`` from ``speeds_mbps``
    (download and upload medians a user measured; default: the published ones)."""
    rtt = sample.measured_rtt_ms(params, route_factor, throughput)
    sats = float(np.median(sample.satellites)) if sample.satellites.size else math.nan
    down, up = sample.speed_tests_mbps(throughput)
    pub = published(sample.country.iso3)
    if speeds_mbps is None and pub is not None:
        speeds_mbps = (pub.download_mbps[1], pub.upload_mbps[1])
    scales = None
    if speeds_mbps is not None:
        scales = busy_hour_load_scales(sample, *speeds_mbps, throughput)
    at_load = (
        (math.nan,) * 3
        if scales is None
        else latency_percentiles(
            sample.measured_rtt_ms(
                params, route_factor, (throughput or ThroughputParameters()).scaled(*scales)
            )
        )
    )
    return CountryCheck(
        sample.country,
        latency_percentiles(rtt),
        pub,
        sample.pop,
        sample.unserved,
        sats,
        throughput_percentiles(down),
        throughput_percentiles(up),
        None if scales is None else scales[0],
        None if scales is None else scales[1],
        at_load,
    )


def _scatter_svg(
    points: list[tuple[str, float, float]],
    title: str,
    unit: str = "ms",
    band: float = 0.1,
    what: str = "p50",
) -> str:
    """Simulated (y) against published (x) ``what``, with the 1:1 line and the ±``band``
    goal."""
    if not points:
        return f"<p>{html.escape(title)}: no country with published values.</p>"
    w, h, m = 420, 420, 50
    top = max(max(p[1], p[2]) for p in points) * 1.1
    lo = 0.0

    def sx(v: float) -> float:
        return m + (v - lo) / (top - lo) * (w - 2 * m)

    def sy(v: float) -> float:
        return h - m - (min(v, top) - lo) / (top - lo) * (h - 2 * m)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'role="img" aria-label="{html.escape(title)}">',
        f'<text x="{w / 2}" y="20" text-anchor="middle">{html.escape(title)}</text>',
        f'<line x1="{sx(lo)}" y1="{sy(lo)}" x2="{sx(top)}" y2="{sy(top)}" stroke="#999"/>',
        f'<polygon points="{sx(lo)},{sy(lo)} {sx(top)},{sy(top * (1 + band))} {sx(top)},'
        f'{sy(top * (1 - band))}" fill="#cde" opacity="0.5"/>',
        f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="#000"/>',
        f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="#000"/>',
        f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">published {what}, {unit} '
        f"(0–{top:.0f})</text>",
        f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" '
        f'text-anchor="middle">simulated {what}, {unit}</text>',
    ]
    for name, pub, sim in points:
        parts.append(
            f'<circle cx="{sx(pub):.1f}" cy="{sy(sim):.1f}" r="3.5" fill="#c33">'
            f"<title>{html.escape(name)}: published {pub:.1f}, simulated "
            f"{sim:.1f}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


#: The goals of issue 11: median |relative error| of p50 (latency 10 %, rates 20 %) and
#: of the p20-p80 spread (25 % each).
GOAL_P50 = {"latency": 0.10, "download": 0.20, "upload": 0.20, "latency_at_load": 0.10}
GOAL_SPREAD = 0.25


def median_errors(checks: Sequence[CountryCheck]) -> dict[str, tuple[int, float]]:
    """``{"<kind>_p50" | "<kind>_spread": (countries, median |relative error|)}`` over
    the countries with published values, for each of :data:`KINDS`."""
    out: dict[str, tuple[int, float]] = {}
    for kind in KINDS:
        p50 = [
            abs(e[1]) for c in checks if (e := c.error(kind)) is not None and math.isfinite(e[1])
        ]
        width = [
            abs(w) for c in checks if (w := c.spread_error(kind)) is not None and math.isfinite(w)
        ]
        for name, errs in ((f"{kind}_p50", p50), (f"{kind}_spread", width)):
            out[name] = (len(errs), float(np.median(errs)) if errs else math.nan)
    return out


def median_summary(medians: dict[str, tuple[int, float]], kind: str) -> str:
    """One kind's line of :func:`median_errors`: ``"p50 7.6% (goal ≤ 10%), p20-p80
    spread 36.7% (goal ≤ 25%)"``."""
    _, p50 = medians[f"{kind}_p50"]
    _, width = medians[f"{kind}_spread"]
    return (
        f"p50 {p50:.1%} (goal ≤ {GOAL_P50[kind]:.0%}), p20-p80 spread {width:.1%} "
        f"(goal ≤ {GOAL_SPREAD:.0%})"
    )


def check_html(checks: Sequence[CountryCheck]) -> str:
    """A self-contained page: the table of every country and the p50 scatter plots of
    latency, download and upload."""

    def cell(v: float | None, fmt: str = "{:.1f}") -> str:
        return "–" if v is None or not math.isfinite(v) else fmt.format(v)

    kinds = (
        ("latency", "simulated_latency_ms", "latency_ms", "ms", 0.1),
        ("download", "simulated_download_mbps", "download_mbps", "Mb/s", 0.2),
        ("upload", "simulated_upload_mbps", "upload_mbps", "Mb/s", 0.2),
        ("latency_at_load", "simulated_latency_at_load_ms", "latency_ms", "ms", 0.1),
    )
    rows = []
    for c in checks:
        values: list[str] = [
            html.escape(c.country.name),
            c.country.iso3,
            html.escape(c.pop or "nearest"),
        ]
        for kind, sim_attr, pub_attr, _, _ in kinds:
            sim = getattr(c, sim_attr)
            pub = getattr(c.published, pub_attr) if c.published else (None, None, None)
            err = c.error(kind) or (None, None, None)
            values += [cell(sim[k]) + " / " + cell(pub[k]) for k in range(3)]
            values += [cell(e, "{:+.0%}") for e in err]
            sim_spread, pub_spread = c.spreads(kind)
            values += [
                cell(sim_spread) + " / " + cell(pub_spread),
                cell(c.spread_error(kind), "{:+.0%}"),
            ]
        values += [cell(c.median_satellites, "{:.0f}"), cell(c.unserved, "{:.0%}")]
        rows.append("<tr>" + "".join(f"<td>{x}</td>" for x in values) + "</tr>")
    head = ["country", "ISO3", "PoP"]
    for kind, *_ in kinds:
        head += [f"{kind} p{q} sim / pub" for q in (20, 50, 80)]
        head += [f"{kind} err p{q}" for q in (20, 50, 80)]
        head += [f"{kind} p20–p80 spread sim / pub", f"{kind} spread err"]
    head += ["sats (median)", "unserved"]
    summary = []
    plots = []
    medians = median_errors(checks)
    for kind, sim_attr, pub_attr, unit, band in kinds:
        n, _ = medians[f"{kind}_p50"]
        if n:
            summary.append(
                f"<li>{kind}: median |relative error| over {n} countries with published "
                f"values: {median_summary(medians, kind)}</li>"
            )
        points = [
            (c.country.name, getattr(c.published, pub_attr)[1], getattr(c, sim_attr)[1])
            for c in checks
            if c.published and math.isfinite(getattr(c, sim_attr)[1])
        ]
        plots.append(_scatter_svg(points, f"{kind} p50: simulated vs published", unit, band))
        widths = [
            (c.country.name, pub_w, sim_w)
            for c in checks
            if (pub_w := c.spreads(kind)[1]) is not None
            and math.isfinite(sim_w := c.spreads(kind)[0])
        ]
        plots.append(
            _scatter_svg(
                widths,
                f"{kind} p20–p80 spread: simulated vs published",
                unit,
                GOAL_SPREAD,
                "p20–p80 spread",
            )
        )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>leonet calibrate check"
        "</title><style>body{font-family:sans-serif}td,th{padding:2px 6px;"
        "text-align:right}</style></head><body><h1>Simulated vs published</h1>"
        "<p>Latency in ms, p20 the slow end (Starlink's labels); download and upload in "
        "Mb/s (speed tests), p20 the slow end too; latency_at_load the latency at the "
        "busy-hour load the country's published speeds imply (its load scales down and "
        "up). Each cell: simulated / published.</p>"
        + ("<ul>" + "".join(summary) + "</ul>" if summary else "")
        + "".join(plots)
        + "<table><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
