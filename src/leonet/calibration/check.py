"""``leonet calibrate check``: simulated against published percentiles, per country.

For each country (any name or ISO code) the twin routes a population-weighted sample at
its busy hour (:func:`~leonet.calibration.simulate.simulate_country`) and the latency
terms give each terminal-step's idle RTT; its p20/p50/p80 (p20 the slow end, as Starlink
labels them) stand beside the published ones with relative errors.  Download and upload
are not simulated by this route-level check (they need the radio and capacity of a full
run): they are given as published only.  Countries are simulated in ``workers`` spawned
processes (each loads the catalogue once).
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

from leonet.calibration.fit import latency_percentiles
from leonet.calibration.published import CountryId, Published, published, resolve_country
from leonet.calibration.simulate import CountrySample, simulate_country
from leonet.network.latency import LatencyParameters

__all__ = ["CountryCheck", "check_countries", "check_html", "checked", "simulate_many"]


@dataclass(frozen=True)
class CountryCheck:
    """One country's simulated latency percentiles ``(p20, p50, p80)`` ms, the published
    metrics (``None`` without), the home PoP and the share of terminal-steps unserved."""

    country: CountryId
    simulated_latency_ms: tuple[float, float, float]
    published: Published | None
    pop: str
    unserved: float
    median_satellites: float

    def latency_error(self) -> tuple[float, float, float] | None:
        """Relative errors (simulated − published) / published of p20, p50, p80."""
        if self.published is None:
            return None
        return tuple(
            (s - p) / p
            for s, p in zip(  # type: ignore[return-value]
                self.simulated_latency_ms, self.published.latency_ms, strict=True
            )
        )

    def as_json(self) -> dict[str, Any]:
        def three(v: Sequence[float] | None) -> dict[str, float] | None:
            return (
                None
                if v is None
                else dict(zip(("p20", "p50", "p80"), (round(x, 3) for x in v), strict=True))
            )

        pub = self.published
        return {
            "country": self.country.name,
            "iso3": self.country.iso3,
            "pop": self.pop or None,
            "unserved": round(self.unserved, 4),
            "latency_ms": {
                "simulated": three(self.simulated_latency_ms),
                "published": three(pub.latency_ms if pub else None),
                "relative_error": three(self.latency_error()),
            },
            "download_mbps": {
                "simulated": None,
                "published": three(pub.download_mbps if pub else None),
            },
            "upload_mbps": {
                "simulated": None,
                "published": three(pub.upload_mbps if pub else None),
            },
        }


def _one(args: tuple[CountryId, int, float, float, int]) -> CountrySample:
    cid, n, duration_s, step_s, seed = args
    return simulate_country(cid, terminals=n, duration_s=duration_s, step_s=step_s, seed=seed)


def simulate_many(
    countries: Sequence[CountryId],
    *,
    terminals: int = 24,
    duration_s: float = 60.0,
    step_s: float = 1.0,
    seed: int = 0,
    workers: int = 1,
) -> list[CountrySample]:
    """:func:`simulate_country` for each country, in ``workers`` processes, in order."""
    jobs = [(c, terminals, duration_s, step_s, seed) for c in countries]
    if workers <= 1 or len(jobs) <= 1:
        return [_one(j) for j in jobs]
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        return list(pool.map(_one, jobs))


def check_countries(
    names: Sequence[str],
    *,
    terminals: int = 24,
    duration_s: float = 60.0,
    step_s: float = 1.0,
    seed: int = 0,
    workers: int = 1,
    params: LatencyParameters | None = None,
) -> list[CountryCheck]:
    """Check each named country (names resolved first, so a typo fails before any run)."""
    ids = [resolve_country(n) for n in names]
    samples = simulate_many(
        ids, terminals=terminals, duration_s=duration_s, step_s=step_s, seed=seed, workers=workers
    )
    return [checked(s, params) for s in samples]


def checked(sample: CountrySample, params: LatencyParameters | None = None) -> CountryCheck:
    """A country's check from its simulated sample."""
    rtt = sample.rtt_ms(params)
    sats = float(np.median(sample.satellites)) if sample.satellites.size else math.nan
    return CountryCheck(
        sample.country,
        latency_percentiles(rtt),
        published(sample.country.iso3),
        sample.pop,
        sample.unserved,
        sats,
    )


def _scatter_svg(points: list[tuple[str, float, float]], title: str) -> str:
    """Simulated (y) against published (x) p50, with the 1:1 line and ±10 % band."""
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
        f'<polygon points="{sx(lo)},{sy(lo)} {sx(top)},{sy(top * 1.1)} {sx(top)},'
        f'{sy(top * 0.9)}" fill="#cde" opacity="0.5"/>',
        f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="#000"/>',
        f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="#000"/>',
        f'<text x="{w / 2}" y="{h - 12}" text-anchor="middle">published p50, ms '
        f"(0–{top:.0f})</text>",
        f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" '
        'text-anchor="middle">simulated p50, ms</text>',
    ]
    for name, pub, sim in points:
        parts.append(
            f'<circle cx="{sx(pub):.1f}" cy="{sy(sim):.1f}" r="3.5" fill="#c33">'
            f"<title>{html.escape(name)}: published {pub:.1f}, simulated "
            f"{sim:.1f}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def check_html(checks: Sequence[CountryCheck]) -> str:
    """A self-contained page: the table of every country and the p50 scatter plot."""

    def cell(v: float | None, fmt: str = "{:.1f}") -> str:
        return "–" if v is None or not math.isfinite(v) else fmt.format(v)

    rows = []
    for c in checks:
        pub = c.published.latency_ms if c.published else (None, None, None)
        err = c.latency_error() or (None, None, None)
        dl = c.published.download_mbps[1] if c.published else None
        ul = c.published.upload_mbps[1] if c.published else None
        rows.append(
            "<tr>"
            + "".join(
                f"<td>{x}</td>"
                for x in (
                    html.escape(c.country.name),
                    c.country.iso3,
                    html.escape(c.pop or "nearest"),
                    *(cell(s) for s in c.simulated_latency_ms),
                    *(cell(p) for p in pub),
                    *(cell(e, "{:+.0%}") for e in err),
                    cell(c.median_satellites, "{:.0f}"),
                    cell(dl),
                    cell(ul),
                )
            )
            + "</tr>"
        )
    head = (
        "country",
        "ISO3",
        "PoP",
        "sim p20",
        "sim p50",
        "sim p80",
        "pub p20",
        "pub p50",
        "pub p80",
        "err p20",
        "err p50",
        "err p80",
        "sats (median)",
        "pub down p50",
        "pub up p50",
    )
    points = [
        (c.country.name, c.published.latency_ms[1], c.simulated_latency_ms[1])
        for c in checks
        if c.published and math.isfinite(c.simulated_latency_ms[1])
    ]
    errs = [abs(e[1]) for c in checks if (e := c.latency_error()) and math.isfinite(e[1])]
    summary = (
        f"<p>Median |relative error| of latency p50 over {len(errs)} countries with "
        f"published values: {np.median(errs):.1%}.</p>"
        if errs
        else ""
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>leonet calibrate check"
        "</title><style>body{font-family:sans-serif}td,th{padding:2px 6px;"
        "text-align:right}</style></head><body><h1>Latency: simulated vs published</h1>"
        "<p>Latency in ms; p20 is the slow end (Starlink's labels). Download/upload: "
        "published only (this check routes, it does not run the radio).</p>"
        + summary
        + _scatter_svg(points, "latency p50: simulated vs published")
        + "<table><tr>"
        + "".join(f"<th>{h}</th>" for h in head)
        + "</tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
