"""Latency with named terms: what a round trip to the PoP costs beyond propagation.

Every term is a round-trip contribution in ms, an array over routes (terminals or cells),
and its parameter lives in :mod:`leonet.defaults` with its source (docs/latency.md):

``propagation``         2 × the path's propagation delay (the route's geometry)
``user_downlink``       the wait for the next downlink frame: uniform over ``[0, frame)``
                        (750 Hz frames), drawn per route and step
``user_uplink``         the uplink MAC scheduling: a fixed request-grant-transmit time
                        plus the wait for the next request opportunity, uniform over
                        ``[0, cycle)``, drawn per route and 15-s slot
``satellite_processing``  2 × satellites crossed × per-satellite processing
``gateway_processing``  2 × gateways crossed × per-gateway processing
``ground_equipment``    the user's dish and router
``pop``                 the PoP and the core network up to where latency is measured
``slot_spike``          the spike in the first moments after each 15-s slot boundary
``queueing``            ``scale × ρ/(1−ρ)`` per direction, ρ the site's utilisation
                        (only in the *loaded* RTT)

``rtt_ms`` (idle) is the sum of every term but ``queueing``; ``loaded_rtt_ms`` adds it.
Switching a term off (its parameter 0, :meth:`LatencyParameters.without`) lowers the
total by exactly that term, sample by sample.

The two random waits spread a terminal's idle RTT: the frame's from packet to packet,
the cycle's from slot to slot (the published p20-p80 spread of a country, of 15-s
averages, is ~2-7 ms even where its geography is a city: only a wait that holds through
a slot survives that average).  Their draws are **counter-based** (:func:`counter_uniform`:
splitmix64 over the seed, the site's index and the step's, or the slot's, UTC instant),
so a run draws the same waits on resume
and however it is chunked, with no generator state carried between chunks, and
``leonet calibrate`` draws them with the same function (:func:`user_link_uniforms`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.defaults import (
    LATENCY_GATEWAY_PROCESSING_MS,
    LATENCY_GROUND_EQUIPMENT_MS,
    LATENCY_MAX_UTILISATION,
    LATENCY_POP_MS,
    LATENCY_QUEUE_SCALE_MS,
    LATENCY_SATELLITE_PROCESSING_MS,
    LATENCY_SLOT_SPIKE_MS,
    LATENCY_SLOT_SPIKE_S,
    LATENCY_USER_DOWNLINK_FRAME_MS,
    LATENCY_USER_UPLINK_CYCLE_MS,
    LATENCY_USER_UPLINK_SCHEDULING_MS,
)

__all__ = [
    "IDLE_TERMS",
    "OPERATOR_LATENCY",
    "TERMS",
    "LatencyParameters",
    "counter_uniform",
    "operator_latency",
    "path_counts",
    "since_slot_start_s",
    "tree_counts",
    "user_link_uniforms",
    "utilisation",
]

F64 = NDArray[np.float64]

#: Every term's name, in the order they are summed; :data:`IDLE_TERMS` all but queueing.
TERMS: tuple[str, ...] = (
    "propagation",
    "user_downlink",
    "user_uplink",
    "satellite_processing",
    "gateway_processing",
    "ground_equipment",
    "pop",
    "slot_spike",
    "queueing",
)
IDLE_TERMS: tuple[str, ...] = TERMS[:-1]

#: The parameters that switch each term off (propagation has none: it is the geometry).
_PARAMETERS_OF: dict[str, tuple[str, ...]] = {
    "user_downlink": ("user_downlink_frame_ms",),
    "user_uplink": ("user_uplink_scheduling_ms", "user_uplink_cycle_ms"),
    "satellite_processing": ("satellite_processing_ms",),
    "gateway_processing": ("gateway_processing_ms",),
    "ground_equipment": ("ground_equipment_ms",),
    "pop": ("pop_ms",),
    "slot_spike": ("slot_spike_ms",),
    "queueing": ("queue_scale_ms",),
}


#: Each operator's latency defaults: the parameters (:class:`LatencyParameters` field names)
#: whose value differs from Starlink's calibration in :mod:`leonet.defaults`; every other
#: term is Starlink's.  A scenario's ``network.latency`` overrides these.  The fits are to
#: the published medians in docs/operators.md, with the before/after table and commands.
OPERATOR_LATENCY: dict[str, dict[str, float]] = {
    "starlink": {},
    "oneweb": {
        # Source: the 15-s slot-boundary spike is Starlink's global reconfiguration
        # (defaults.LATENCY_SLOT_SPIKE_MS); OneWeb schedules no such slots.
        "slot_spike_ms": 0.0,
        # Fitted: Starlink's 4 ms plus 14 ms, the mean residual of OneWeb's measured
        # median RTT over leonet's (Starlink terms, as refitted 7 Dec at each country's
        # own load: route factor 2.0) at the two places whose terminal is known: Ames,
        # Iowa, 54 − 36.3 = 17.7 ms, and Alaska, 75 − 64.8 = 10.3 ms (Anchorage 72.2 /
        # Fairbanks 57.3, which of the two is not published); measured: Zhao et al.,
        # "Measuring the OneWeb Satellite Network", IFIP TMA 2025, Fig. 12.
        # A small sample (two terminals), and the residual may be OneWeb's MAC,
        # processing or PoP, not its uplink alone: the split is an assumption.
        "user_uplink_scheduling_ms": LATENCY_USER_UPLINK_SCHEDULING_MS + 14.0,
        # Assumption: no random uplink wait beyond the downlink frame's.  Starlink's
        # cycle is fitted on Starlink's published spreads; the 14 ms above were fitted
        # as a constant on medians, and OneWeb's spread is not used.
        "user_uplink_cycle_ms": 0.0,
    },
    "ka-sat": {
        # Source: no LEO slot reconfiguration on a geostationary link.
        "slot_spike_ms": 0.0,
        # Fitted: Starlink's 4 ms plus 80 ms, the published ~600 ms class of a GEO VSAT's
        # idle RTT ("typically around 600 ms", Computerworld's HughesNet test, cited in
        # docs/operators.md) less leonet's 520 ms (p50 over examples/geo-only.yaml's 37
        # cities with Starlink's terms as refitted 7 Dec).  The MF-TDMA
        # return link's request/grant (DVB-RCS) and the VSAT's performance-enhancing
        # proxy, not modelled one by one, are put in this term: an assumption.
        "user_uplink_scheduling_ms": LATENCY_USER_UPLINK_SCHEDULING_MS + 80.0,
        # Assumption: as OneWeb's, the 80 ms are a constant fitted on a median; Starlink's
        # fitted cycle is not KA-SAT's.
        "user_uplink_cycle_ms": 0.0,
    },
}


def operator_latency(operator: str) -> dict[str, float]:
    """The latency parameters ``operator``'s runs default to where they differ from
    Starlink's (a copy of :data:`OPERATOR_LATENCY`'s row)."""
    if operator not in OPERATOR_LATENCY:
        raise ValueError(
            f"no latency defaults for operator {operator!r}: choose from "
            f"{', '.join(sorted(OPERATOR_LATENCY))}"
        )
    return dict(OPERATOR_LATENCY[operator])


@dataclass(frozen=True)
class LatencyParameters:
    """The latency model's parameters (defaults: :mod:`leonet.defaults`, the calibrated
    values).  All ms except ``slot_spike_s`` (s) and ``max_utilisation`` (0-1).

    ``user_downlink_frame_ms`` is the downlink frame (a packet waits a uniform part of
    one), ``user_uplink_scheduling_ms`` the uplink's fixed request-grant-transmit time and
    ``user_uplink_cycle_ms`` its scheduling cycle (a packet waits a uniform part of one
    for its request opportunity)."""

    user_downlink_frame_ms: float = LATENCY_USER_DOWNLINK_FRAME_MS
    user_uplink_scheduling_ms: float = LATENCY_USER_UPLINK_SCHEDULING_MS
    satellite_processing_ms: float = LATENCY_SATELLITE_PROCESSING_MS
    gateway_processing_ms: float = LATENCY_GATEWAY_PROCESSING_MS
    ground_equipment_ms: float = LATENCY_GROUND_EQUIPMENT_MS
    pop_ms: float = LATENCY_POP_MS
    slot_spike_ms: float = LATENCY_SLOT_SPIKE_MS
    slot_spike_s: float = LATENCY_SLOT_SPIKE_S
    queue_scale_ms: float = LATENCY_QUEUE_SCALE_MS
    max_utilisation: float = LATENCY_MAX_UTILISATION
    user_uplink_cycle_ms: float = LATENCY_USER_UPLINK_CYCLE_MS

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(
                    f"latency parameter {f.name}={value!r} must be a finite number >= 0"
                )
        if not self.max_utilisation < 1:
            raise ValueError(
                f"max_utilisation={self.max_utilisation} must be below 1 (a "
                "full queue is bounded by its buffer)"
            )

    def without(self, *terms: str) -> LatencyParameters:
        """These parameters with ``terms`` (names in :data:`TERMS`) switched off."""
        unknown = [t for t in terms if t not in _PARAMETERS_OF]
        if unknown:
            raise ValueError(
                f"cannot switch off {unknown}: choose from {', '.join(sorted(_PARAMETERS_OF))}"
            )
        return dataclasses.replace(self, **{n: 0.0 for t in terms for n in _PARAMETERS_OF[t]})

    def terms(
        self,
        propagation_rtt_ms: ArrayLike,
        satellites: ArrayLike,
        gateways: ArrayLike,
        since_slot_s: ArrayLike,
        utilisation_down: ArrayLike = 0.0,
        utilisation_up: ArrayLike = 0.0,
        frame_fraction: ArrayLike = 0.5,
        cycle_fraction: ArrayLike = 0.5,
    ) -> dict[str, F64]:
        """Each term's round-trip contribution, ms, broadcast over the routes.

        ``propagation_rtt_ms`` the path's two-way propagation (NaN without a path: every
        term is NaN there); ``satellites`` and ``gateways`` crossed one way;
        ``since_slot_s`` seconds since the slot boundary; ``utilisation_*`` ρ of the
        site's bottleneck each way (clipped to ``[0, max_utilisation]``);
        ``frame_fraction`` and ``cycle_fraction`` in ``[0, 1)`` the part of a downlink
        frame and of an uplink cycle waited (:func:`user_link_uniforms`; default 0.5:
        each wait at its mean).
        """
        prop = np.asarray(propagation_rtt_ms, dtype=np.float64)
        sats = np.asarray(satellites, dtype=np.float64)
        gws = np.asarray(gateways, dtype=np.float64)
        since = np.asarray(since_slot_s, dtype=np.float64)
        shape = np.broadcast_shapes(
            prop.shape,
            sats.shape,
            gws.shape,
            since.shape,
            np.shape(utilisation_down),
            np.shape(utilisation_up),
            np.shape(frame_fraction),
            np.shape(cycle_fraction),
        )
        nan = np.where(np.isfinite(prop), 0.0, np.nan)  # NaN without a path

        def full(x: ArrayLike) -> F64:
            return np.broadcast_to(np.asarray(x, dtype=np.float64) + nan, shape).copy()

        spike = np.where((since >= 0) & (since < self.slot_spike_s), self.slot_spike_ms, 0.0)
        return {
            "propagation": full(prop),
            "user_downlink": full(self.user_downlink_frame_ms * np.asarray(frame_fraction)),
            "user_uplink": full(
                self.user_uplink_scheduling_ms
                + self.user_uplink_cycle_ms * np.asarray(cycle_fraction)
            ),
            "satellite_processing": full(2.0 * self.satellite_processing_ms * sats),
            "gateway_processing": full(2.0 * self.gateway_processing_ms * gws),
            "ground_equipment": full(self.ground_equipment_ms),
            "pop": full(self.pop_ms),
            "slot_spike": full(spike),
            "queueing": full(self.queue_ms(utilisation_down) + self.queue_ms(utilisation_up)),
        }

    def queue_ms(self, utilisation: ArrayLike) -> F64:
        """One direction's queueing, ms: ``scale × ρ/(1−ρ)``, ρ capped at
        ``max_utilisation`` (NaN: 0)."""
        r = np.clip(
            np.nan_to_num(np.asarray(utilisation, dtype=np.float64)), 0.0, self.max_utilisation
        )
        return np.asarray(self.queue_scale_ms * r / (1.0 - r), dtype=np.float64)

    def rtt_ms(self, *args: ArrayLike, **kwargs: ArrayLike) -> tuple[F64, F64]:
        """``(idle, loaded)`` RTT, ms: the sum of the idle terms, and that plus queueing
        (arguments as :meth:`terms`)."""
        t = self.terms(*args, **kwargs)
        idle = sum((t[k] for k in IDLE_TERMS), np.zeros_like(t["propagation"]))
        return idle, idle + t["queueing"]


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_LOW32 = np.uint64(0xFFFFFFFF)
#: The stream of the user-link waits (:func:`user_link_uniforms`).
_USER_LINK_STREAM = 1


def _splitmix64(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """splitmix64's output function (Steele, Lea & Flood, OOPSLA 2014) on a uint64 array:
    a bijection whose outputs pass BigCrush for counter inputs; wraps modulo 2^64."""
    z = x + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def _counter_hash(seed: int, stream: int, site: ArrayLike, step: ArrayLike) -> NDArray[np.uint64]:
    """splitmix64 chained over ``(seed, stream, site, step)``, broadcast over the last two."""
    s = np.asarray(site, dtype=np.int64).astype(np.uint64)
    t = np.asarray(step, dtype=np.int64).astype(np.uint64)
    with np.errstate(over="ignore"):  # modulo 2^64 on purpose (0-d arrays warn otherwise)
        head = _splitmix64(np.array(seed & 0xFFFFFFFFFFFFFFFF, dtype=np.uint64))
        head = _splitmix64(head ^ np.uint64(stream & 0xFFFFFFFFFFFFFFFF))
        return _splitmix64(_splitmix64(head ^ s) ^ t)


def counter_uniform(seed: int, stream: int, site: ArrayLike, step: ArrayLike) -> F64:
    """Uniform draws in ``[0, 1)`` keyed by ``(seed, stream, site, step)``, broadcast over
    ``site`` and ``step`` (integers; ``step`` may be int64 UTC ns).  Counter-based:
    splitmix64 chained over the four keys, the top 53 bits as the fraction — the same
    draw for the same key whatever else is drawn, in any order or chunking."""
    h = _counter_hash(seed, stream, site, step)
    return np.asarray((h >> np.uint64(11)).astype(np.float64) * 2.0**-53, dtype=np.float64)


def user_link_uniforms(
    seed: int, site: ArrayLike, utc_ns: ArrayLike, slot_s: float, phase_s: float = 0.0
) -> tuple[F64, F64]:
    """``(frame_fraction, cycle_fraction)``: the parts of a downlink frame and of an
    uplink cycle a packet waits, uniform in ``[0, 1)`` and independent, for each site
    index (``site``) at each UTC instant (``utc_ns`` int64 ns), broadcast: the run's and
    the calibration's draws (:meth:`LatencyParameters.terms`).  The frame's part is
    drawn per instant; the cycle's **per slot** (keyed by the instant its
    ``slot_s``-long slot began, boundaries at ``phase_s`` as :func:`since_slot_start_s`):
    the uplink grants a terminal gets are set when the slot's schedule is, so the wait
    holds through the slot and steps at its boundary.  Counter hashes, the high 32 bits
    of one for the frame and the low 32 of the other for the cycle (a 2^-32 grid: 0.3
    ps of a 1.3-ms frame)."""
    t = np.asarray(utc_ns, dtype=np.int64)
    slot_start = t - np.mod(t - round(phase_s * 1e9), round(slot_s * 1e9))
    h = _counter_hash(seed, _USER_LINK_STREAM, site, t)
    g = _counter_hash(seed, _USER_LINK_STREAM, site, slot_start)
    frame = (h >> np.uint64(32)).astype(np.float64) * 2.0**-32
    cycle = (g & _LOW32).astype(np.float64) * 2.0**-32
    return np.asarray(frame, dtype=np.float64), np.asarray(cycle, dtype=np.float64)


def since_slot_start_s(utc_ns: ArrayLike, slot_s: float, phase_s: float = 0.0) -> F64:
    """Seconds since the last slot boundary at each UTC instant ``(time,)`` (int64 ns),
    boundaries where ``(utc − phase_s) mod slot_s == 0`` as the scheduler's."""
    slot_ns = round(slot_s * 1e9)
    t = np.asarray(utc_ns, dtype=np.int64) - round(phase_s * 1e9)
    return np.asarray(np.mod(t, slot_ns), dtype=np.float64) / 1e9


def utilisation(offered_mbps: ArrayLike, level_mbps: ArrayLike) -> F64:
    """ρ of each site's bottleneck ``(site,)``: its offered load over the fair-share fill
    level of its beam or satellite (``inf`` where every demand fits: ρ = 0; NaN unserved:
    0).  A site limited by the beam or backhaul has ρ ≥ 1 (the queue's cap applies)."""
    d = np.asarray(offered_mbps, dtype=np.float64)
    lv = np.asarray(level_mbps, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.where(np.isfinite(lv) & (lv > 0), d / lv, 0.0)
    return np.asarray(np.nan_to_num(rho), dtype=np.float64)


def path_counts(
    path: ArrayLike, n_sats: int, gateway0: int, pop0: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Satellites and gateways on each path ``(route, longest)`` of node indices (-1
    padded; satellites are nodes ``0..n_sats-1``, gateways ``gateway0..pop0-1``)."""
    p = np.asarray(path, dtype=np.int64)
    sats = ((p >= 0) & (p < n_sats)).sum(axis=-1)
    gws = ((p >= gateway0) & (p < pop0)).sum(axis=-1)
    return sats.astype(np.int64), gws.astype(np.int64)


def tree_counts(pred: ArrayLike, weight: ArrayLike) -> F64:
    """Sum of ``weight`` over each node's path to its root in a shortest-path tree,
    the node included: ``pred`` ``(node,)`` the next node towards the root (< 0 at roots
    and unreached nodes).  One memoised walk per node, compiled (:mod:`._tree_kernel`)."""
    from leonet.network._tree_kernel import tree_sums

    p = np.ascontiguousarray(pred, dtype=np.int64).reshape(-1)
    w = np.ascontiguousarray(weight, dtype=np.float64).reshape(-1)
    if p.shape != w.shape:
        raise ValueError(
            f"pred and weight must have one entry per node, got {p.shape} and {w.shape}"
        )
    return np.asarray(tree_sums(p, w), dtype=np.float64)
