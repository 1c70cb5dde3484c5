"""What the twin's latency p20–p80 spread is made of, and what would move it.  Prints the
measures docs/latency.md ("What the spread is made of") quotes.

    PYTHONPATH=src python scripts/spread_diagnostics.py [--workers 2] [--no-refit]

Routes every country with published values (``leonet calibrate``'s samples, ~3 min on 2
cores) and, at the shipped values (``data/latency_calibration.json``):

* the spread error of each single draw of the uplink waits and loads against that of
  the draws pooled (:data:`leonet.defaults.CALIBRATION_DRAWS`), over the held-out and
  all countries;

* the spread's parts: the 15-s means' p80 − p20 with every term, without the uplink
  wait, without the busy-hour queue, and with neither (the geometry alone), medians over
  the countries and the correlation of each one's log with the published spread's;
* simple extra terms, each fitted (two numbers, Nelder–Mead on the median |relative
  error|) on the calibration's fitted countries (``provenance.countries``, every third in
  ISO3 order) and judged on the others: a congestion term growing as the satellites in
  view thin out, a term growing with the simulated p50 or the satellites crossed, and —
  a diagnostic the twin cannot use — the country's own published download or upload
  median as the congestion term;
* each country at the busy-hour load scale that matches its published download median
  (``busy_hour_load_scale``, what a scenario's ``capacity.busy_hour_load_scale`` sets):
  its latency and upload against the published, at that scale and at 1;
* unless ``--no-refit``: the speed test's ``in_view_exponent`` fixed at 0.5 and 1, the
  throughput and latency refit on the fitted countries (as ``leonet calibrate fit``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from leonet.calibration import (
    busy_hour_load_scale,
    checked,
    fit_published,
    median_errors,
    published,
    resolve_country,
    simulate_many,
    spread,
)
from leonet.calibration import fit as fit_module
from leonet.calibration.published import published_countries
from leonet.calibration.simulate import CountrySample
from leonet.capacity.speedtest import ThroughputParameters
from leonet.network.latency import LatencyParameters

F64 = NDArray[np.float64]


def _spread(x: F64) -> float:
    return float(np.percentile(x, 80) - np.percentile(x, 20))


def _errors(pred: F64, target: F64, fitted: NDArray[np.bool_]) -> str:
    e = np.abs(pred / target - 1.0)
    return (
        f"fitted {100 * np.median(e[fitted]):5.1f} %  held out {100 * np.median(e[~fitted]):5.1f}"
        f" %  all {100 * np.median(e):5.1f} %"
    )


def _fit_term(
    base: F64, x: F64, target: F64, fitted: NDArray[np.bool_], form: str
) -> tuple[F64, F64]:
    """Fit ``b``, ``k`` of ``base + b·x^k`` (``add``) or ``√(base² + (b·x^k)²)`` on the
    fitted countries; the prediction for all and the two numbers."""

    def pred(p: F64) -> F64:
        q = p[0] * x ** p[1]
        return base + q if form == "add" else np.sqrt(base**2 + q**2)

    def cost(p: F64) -> float:
        return float(np.median(np.abs(pred(p)[fitted] / target[fitted] - 1.0)))

    best = min(
        (
            minimize(cost, [b0, k0], method="Nelder-Mead")
            for b0 in (0.5, 2.0, 5.0)
            for k0 in (-2.0, -0.5, 0.5, 2.0)
        ),
        key=lambda r: float(r.fun),
    )
    return pred(best.x), best.x


@contextmanager
def _exponent_fixed(value: float) -> Iterator[None]:
    """The throughput fit with ``in_view_exponent`` held at ``value``."""
    bounds = fit_module.THROUGHPUT_FREE
    saved = bounds["in_view_exponent"]
    bounds["in_view_exponent"] = (value, value + 1e-9)
    try:
        yield
    finally:
        bounds["in_view_exponent"] = saved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-refit", action="store_true", help="skip the in_view_exponent refits")
    args = ap.parse_args()

    cal = json.loads(
        (fit_module._calibration_file()).read_text(encoding="utf-8")  # the shipped values
    )
    fitted_iso = set(cal["provenance"]["countries"])
    ids = sorted((resolve_country(i) for i in published_countries()), key=lambda c: c.iso3)
    print(f"routing {len(ids)} countries ...", flush=True)
    samples: list[CountrySample] = simulate_many(ids, workers=args.workers)
    pubs = {s.country.iso3: published(s.country.iso3) for s in samples}
    target = np.array(
        [
            spread(pubs[s.country.iso3].latency_ms[0], pubs[s.country.iso3].latency_ms[2])
            for s in samples
        ]
    )
    fitted = np.array([s.country.iso3 in fitted_iso for s in samples])
    p = LatencyParameters()

    def spreads(**change: float) -> F64:
        q = dataclasses.replace(p, **change)
        return np.array([_spread(s.measured_rtt_ms(q)) for s in samples])

    parts = {
        "every term": spreads(),
        "without the uplink wait": spreads(user_uplink_cycle_ms=0.0),
        "without the queue": spreads(queue_scale_ms=0.0),
        "geometry alone": spreads(user_uplink_cycle_ms=0.0, queue_scale_ms=0.0),
    }
    print(
        f"\npublished spread: median {np.median(target):.2f} ms, p10-p90 "
        f"{np.percentile(target, 10):.1f}-{np.percentile(target, 90):.1f} ms"
    )
    for name, v in parts.items():
        r = np.corrcoef(np.log(np.maximum(v, 1e-3)), np.log(target))[0, 1]
        print(
            f"  simulated, {name:24s}: median {np.median(v):5.2f} ms, p10-p90 "
            f"{np.percentile(v, 10):4.1f}-{np.percentile(v, 90):4.1f} ms, corr(log) {r:+.2f}"
        )
    print(f"  shipped: {_errors(parts['every term'], target, fitted)}")
    down = np.array([pubs[s.country.iso3].download_mbps[1] for s in samples])
    r_down = np.corrcoef(np.log(target), np.log(down))[0, 1]
    print(f"  corr(log spread, log download median) {r_down:+.2f}")

    # The draws: each sample pools CALIBRATION_DRAWS draws of the uplink waits and the
    # loads over the same routes.  Taken one draw at a time, how far does the figure move?
    n_draws = min(s.draws for s in samples)
    one_draw = np.array(
        [[_spread(s.draw(k).measured_rtt_ms(p)) for s in samples] for k in range(n_draws)]
    )
    err = np.abs(one_draw / target - 1.0)
    pooled = np.abs(parts["every term"] / target - 1.0)
    for name, sel in (("held out", ~fitted), ("all", np.ones_like(fitted))):
        each = np.median(err[:, sel], axis=1)
        print(
            f"  one draw at a time ({n_draws}), {name}: {100 * each.min():.1f}-"
            f"{100 * each.max():.1f} % (median {100 * np.median(each):.1f} %); the "
            f"{n_draws} pooled: {100 * np.median(pooled[sel]):.1f} %"
        )

    # Each country at the busy-hour load scale that matches its published download
    # median (what a user who knows a region's speeds sets, capacity.busy_hour_load_scale):
    # do its latency and upload, not used to find the scale, follow?
    print("\neach country at the load scale that matches its published download median:")
    base_tp = ThroughputParameters()
    scales = [busy_hour_load_scale(s, pubs[s.country.iso3].download_mbps[1]) for s in samples]
    for label, per in (("scale 1", [1.0] * len(samples)), ("scale from download", scales)):
        lat, wid, upl = [], [], []
        for s, k in zip(samples, per, strict=True):
            tp = base_tp.scaled(k if k is not None else 1.0)
            p20, p50, p80 = np.percentile(s.measured_rtt_ms(p, None, tp), [20, 50, 80])
            pub = pubs[s.country.iso3]
            lat.append(abs(p50 / pub.latency_ms[1] - 1.0))
            wid.append(abs((p80 - p20) / spread(pub.latency_ms[0], pub.latency_ms[2]) - 1.0))
            upl.append(abs(np.median(s.speed_tests_mbps(tp)[1]) / pub.upload_mbps[1] - 1.0))
        for group, name in ((fitted, "fitted"), (~fitted, "held out"), (None, "all")):
            m = np.ones(len(samples), bool) if group is None else group
            print(
                f"  {label:20s} {name:8s}: latency p50 {100 * np.median(np.array(lat)[m]):4.1f} %,"
                f" spread {100 * np.median(np.array(wid)[m]):4.1f} %,"
                f" upload p50 {100 * np.median(np.array(upl)[m]):4.1f} %"
            )
    found = np.array([k for k in scales if k is not None])
    print(
        f"  scales: {found.size} of {len(samples)} found, p10/p50/p90 "
        f"{np.percentile(found, 10):.2f} / {np.median(found):.2f} / {np.percentile(found, 90):.2f}"
    )

    terms: dict[str, Callable[[CountrySample], float]] = {
        "satellites in view / 50": lambda s: float(np.mean(s.in_view)) / 50.0,
        "simulated p50 / 30 ms": lambda s: float(np.median(s.measured_rtt_ms(p))) / 30.0,
        "satellites crossed": lambda s: float(np.mean(s.satellites)),
        "ORACLE published download / 300 Mb/s": lambda s: (
            pubs[s.country.iso3].download_mbps[1] / 300.0
        ),
        "ORACLE published upload / 40 Mb/s": lambda s: pubs[s.country.iso3].upload_mbps[1] / 40.0,
    }
    print("\nan extra term b·x^k on the spread without the queue, at an uplink cycle of c ms:")
    for cycle in (0.0, 3.0, 5.0, 7.0, p.user_uplink_cycle_ms):
        base = spreads(user_uplink_cycle_ms=cycle, queue_scale_ms=0.0)
        for name, term in terms.items():
            x = np.array([term(s) for s in samples])
            for form in ("add", "quad"):
                pred, (b, k) = _fit_term(base, x, target, fitted, form)
                print(
                    f"  c={cycle:4.1f} {name:38s} {form:4s} b={b:6.2f} k={k:+5.2f}  "
                    f"{_errors(pred, target, fitted)}",
                    flush=True,
                )

    if args.no_refit:
        return
    fit_on = [s for s in samples if s.country.iso3 in fitted_iso]
    print("\nthe speed test's in_view_exponent fixed, throughput and latency refit:")
    for exponent in (0.5, 1.0):
        with _exponent_fixed(exponent):
            sp, lat = fit_published(fit_on, ThroughputParameters(in_view_exponent=exponent))
        checks = [checked(s, lat.params, sp.params, lat.route_factor) for s in samples]
        for group, name in ((True, "fitted"), (False, "held out")):
            m = median_errors([c for c in checks if (c.country.iso3 in fitted_iso) == group])
            print(
                f"  exponent {exponent}: {name:8s} "
                + ", ".join(f"{k} {100 * v[1]:.1f} %" for k, v in m.items())
            )
        print(f"    queue_scale_ms {lat.params.queue_scale_ms:.2f}", flush=True)


if __name__ == "__main__":
    main()
