"""One time step of the radio + capacity model: links, beams, backhaul and allocation.

:class:`CapacityModel` ties :class:`~leonet.radio.RadioModel` (link budgets,
interference, jamming), :func:`~leonet.capacity.beams.assign_beams` and
:func:`~leonet.capacity.allocation.allocate` together.  Per step:

1. beams: each satellite deals the cells it serves to its user beams; a beam's
   channel is ``beam mod 8`` (downlink) and ``beam mod 8`` (uplink);
2. radio: every served site's downlink and uplink on its beam's channel
   (SINR → MODCOD → link capacity per channel);
3. backhaul per satellite: its best gateway link's capacity (forward for the
   downlink, return for the uplink) plus, when lasers are on,
   ``lasers × 100 Gb/s``; without ``gateway_pairs`` the backhaul is not
   modelled (unbounded);
4. allocation: max-min fair per beam (time share, bounded by each link's
   MODCOD rate), then per satellite (backhaul);
5. speed test: one terminal per served site saturating its link over the calibrated
   beam background (:func:`~leonet.capacity.speedtest.speed_tests`, the function
   `leonet calibrate` fits: the load scales with the satellites in view, and a
   standard-normal draw per site and step, from the scenario's seed and the step's
   time, spreads it); the same draws give the busy-hour utilisation each way
   (:func:`~leonet.capacity.speedtest.busy_hour_utilisation`), what Starlink's
   published latency queues behind.

Everything is vectorised over sites, satellites and beams (NumPy, and numba
kernels for the interference sum over visible pairs, per-link columns and the
water-filling); the only Python loops are over terminal types and jammers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.capacity.allocation import Allocation, allocate
from leonet.capacity.beams import BeamAssignment, assign_beams
from leonet.capacity.demand import Demand
from leonet.capacity.speedtest import (
    REFERENCE_IN_VIEW,
    ThroughputParameters,
    busy_hour_utilisation,
    speed_test,
    speed_tests,
)
from leonet.radio.jamming import Jammer
from leonet.radio.links import FeederLinks, RadioModel, UserLinks
from leonet.radio.parameters import (
    BUSY_HOUR_DOWN_MBPS,
    BUSY_HOUR_UP_MBPS,
    LASER_CAPACITY_MBPS,
)

__all__ = ["CapacityConfig", "CapacityModel", "StepCapacity", "co_channel_beams"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class CapacityConfig:
    """``beams_per_satellite`` (``None``: each generation's ``user_beams``);
    ``lasers`` (count laser links as backhaul); ``laser_capacity_mbps`` each;
    ``background_down_mbps`` / ``background_up_mbps`` the busy-hour demand of each of the
    terminals carrying a speed test's beam background; ``speed_test`` that background
    (default the calibrated one, fitted to Starlink; ``None``: the beam's own terminals,
    each asking the busy-hour demand, under the satellite's backhaul —
    :func:`~leonet.capacity.speedtest.speed_test`); ``seed`` the speed tests' load draws
    (:mod:`leonet.capacity.speedtest`)."""

    beams_per_satellite: int | None = None
    lasers: bool = True
    laser_capacity_mbps: float = LASER_CAPACITY_MBPS
    background_down_mbps: float = BUSY_HOUR_DOWN_MBPS
    background_up_mbps: float = BUSY_HOUR_UP_MBPS
    speed_test: ThroughputParameters | None = dataclasses.field(
        default_factory=ThroughputParameters
    )
    seed: int = 0

    def __post_init__(self) -> None:
        if self.beams_per_satellite is not None and self.beams_per_satellite < 1:
            raise ValueError("beams_per_satellite must be >= 1 (or None for the generation's)")
        for name in ("background_down_mbps", "background_up_mbps"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite busy-hour demand > 0 Mb/s, got {value}")


@dataclass(frozen=True)
class StepCapacity:
    """Everything one step produced, per site ``(site,)`` unless stated;
    ``busy_utilisation_down`` / ``busy_utilisation_up`` the ρ of the calibrated busy-hour
    background the speed test ran against (NaN unserved, and everywhere without a
    calibrated speed test: the scenario's own background is no busy-hour figure)."""

    links: UserLinks
    beams: BeamAssignment
    feeder: FeederLinks
    backhaul_down_mbps: F64  # (sat,)
    backhaul_up_mbps: F64  # (sat,)
    down: Allocation
    up: Allocation
    speedtest_down_mbps: F64
    speedtest_up_mbps: F64
    busy_utilisation_down: F64
    busy_utilisation_up: F64

    def columns(self) -> dict[str, NDArray[np.generic]]:
        """Flat per-site columns (for a results table): budget, MODCOD, capacity, throughput."""
        lk = self.links
        out: dict[str, NDArray[np.generic]] = {
            "serving_sat": lk.serving_sat,
            "elevation_deg": lk.elevation_deg,
            "beam": self.beams.beam,
        }
        for name, d, a in (("down", lk.down, self.down), ("up", lk.up, self.up)):
            out |= {
                f"snr_{name}_db": d.snr_db,
                f"sinr_{name}_db": d.sinr_db,
                f"j_over_s_{name}_db": d.j_over_s_db,
                f"modcod_{name}": d.modcod,
                f"modcod_downshift_{name}": d.downshift,
                f"link_capacity_{name}_mbps": d.capacity_mbps,
                f"throughput_{name}_mbps": a.per_terminal_mbps,
                f"binding_{name}": a.binding,
            }
        out["speedtest_down_mbps"] = self.speedtest_down_mbps
        out["speedtest_up_mbps"] = self.speedtest_up_mbps
        return out


def co_channel_beams(
    serving_sat: ArrayLike, beams: BeamAssignment, n_sat: int, n_channels: int
) -> NDArray[np.int64]:
    """Other beams lit on each site's channel by its serving satellite ``(site,)`` (0 unserved).

    A satellite lights its beams ``0 … lit−1`` (cells dealt round-robin); beam ``b``
    uses channel ``b mod n_channels``, so ``ceil((lit − c) / n_channels)`` beams share
    channel ``c``.
    """
    sat = np.asarray(serving_sat, dtype=np.int64).reshape(-1)
    ok = (sat >= 0) & (beams.beam >= 0)
    out = np.zeros(sat.shape[0], dtype=np.int64)
    if not ok.any():
        return out
    s = sat[ok]
    local = beams.beam[ok] - beams.offset[s]
    lit = np.zeros(n_sat, dtype=np.int64)
    np.maximum.at(lit, s, local + 1)
    channel = local % n_channels
    out[ok] = (lit[s] - channel + n_channels - 1) // n_channels - 1
    return out


class CapacityModel:
    """Per-step throughput of every site for a prepared radio model and demand."""

    def __init__(
        self, radio: RadioModel, demand: Demand, config: CapacityConfig | None = None
    ) -> None:
        if len(demand) != len(radio.sites):
            raise ValueError(
                f"demand has {len(demand)} sites but the radio model {len(radio.sites)}; "
                "build both from the same Sites"
            )
        self.radio = radio
        self.demand = demand
        self.config = cfg = config or CapacityConfig()
        types = radio.satellite_types
        per_type = np.array([t.user_beams for t in types], dtype=np.int64)
        self.beams_per_sat = (
            np.full(radio.n_sat, cfg.beams_per_satellite, dtype=np.int64)
            if cfg.beams_per_satellite is not None
            else per_type[radio.satellite_index]
        )
        lasers = np.array([t.lasers for t in types], dtype=np.float64)[radio.satellite_index]
        self.laser_mbps = lasers * cfg.laser_capacity_mbps if cfg.lasers else np.zeros(radio.n_sat)

    def move_sites(
        self, site_idx: ArrayLike, lat_deg: ArrayLike, lon_deg: ArrayLike, alt_km: ArrayLike = 0.0
    ) -> None:
        """Put sites ``site_idx`` (moving terminals) at this step's geodetic positions for
        the steps computed from now on (:meth:`RadioModel.move_sites`)."""
        self.radio.move_sites(site_idx, lat_deg, lon_deg, alt_km)

    def step(
        self,
        sat_ecef_km: ArrayLike,
        serving_sat: ArrayLike,
        *,
        visible_pairs: tuple[ArrayLike, ArrayLike] | None = None,
        gateway_pairs: tuple[ArrayLike, ArrayLike, ArrayLike] | None = None,
        jammers: Sequence[Jammer] = (),
        utc_ns: int | None = None,
        in_view: ArrayLike | None = None,
    ) -> StepCapacity:
        """Links, beams, backhaul and max-min fair allocation at one step.

        ``sat_ecef_km`` ``(sat, 3)`` ECEF km; ``serving_sat`` ``(site,)``
        (−1 unserved, e.g. a row of :attr:`leonet.access.Schedule.serving_sat`);
        ``visible_pairs`` ``(site_idx, sat_idx)`` for co-channel interference;
        ``gateway_pairs`` ``(gateway_idx, sat_idx, el_deg)`` for feeder links;
        ``in_view`` ``(site,)`` the satellites in view of each site where the caller
        has them counted already (the pairs' CSR offsets): it must equal the count of
        ``visible_pairs`` per site, which is used without it.
        """
        radio = self.radio
        serving = np.asarray(serving_sat, dtype=np.int32).reshape(-1)
        cfg = radio.config
        beams = assign_beams(
            serving, self.demand.cell_key, self.beams_per_sat, cfg.downlink.n_channels
        )
        up_channel = np.where(
            beams.beam >= 0,
            (beams.beam - beams.offset[np.maximum(serving, 0)]) % cfg.uplink.n_channels,
            0,
        )
        links = radio.user_links(
            sat_ecef_km,
            serving,
            visible_pairs=visible_pairs,
            down_channel=np.maximum(beams.channel, 0),
            up_channel=up_channel,
            jammers=jammers,
            utc_ns=utc_ns,
            co_channel_beams=co_channel_beams(serving, beams, radio.n_sat, cfg.downlink.n_channels),
        )
        xyz = np.asarray(sat_ecef_km, dtype=np.float64).reshape(-1, 3)
        if gateway_pairs is None:
            feeder = FeederLinks(
                np.full(radio.n_sat, -1, dtype=np.int64),
                np.full(radio.n_sat, np.nan),
                np.full(radio.n_sat, np.inf),
                np.full(radio.n_sat, np.inf),
            )
        else:
            feeder = radio.feeder_links(xyz, gateway_pairs)
        back_down = feeder.forward_mbps + self.laser_mbps
        back_up = feeder.return_mbps + self.laser_mbps
        d = self.demand
        down = allocate(
            serving,
            beams.beam,
            links.down.capacity_mbps,
            d.terminals,
            d.offered_down_mbps,
            back_down,
            beams.n_beams,
        )
        up = allocate(
            serving,
            beams.beam,
            links.up.capacity_mbps,
            d.terminals,
            d.offered_up_mbps,
            back_up,
            beams.n_beams,
        )
        cap = self.config
        n = serving.shape[0]
        busy_down, busy_up = np.full(n, np.nan), np.full(n, np.nan)
        if cap.speed_test is None:
            test_down = speed_test(
                serving,
                beams.beam,
                links.down.capacity_mbps,
                d.terminals,
                cap.background_down_mbps,
                back_down,
                beams.n_beams,
            )
            test_up = speed_test(
                serving,
                beams.beam,
                links.up.capacity_mbps,
                d.terminals,
                cap.background_up_mbps,
                back_up,
                beams.n_beams,
            )
        else:
            test_down, test_up, busy_down, busy_up = self._speed_tests(
                links, serving, visible_pairs, utc_ns, cap.speed_test, in_view
            )
        return StepCapacity(
            links,
            beams,
            feeder,
            back_down,
            back_up,
            down,
            up,
            test_down,
            test_up,
            busy_down,
            busy_up,
        )

    def _speed_tests(
        self,
        links: UserLinks,
        serving: NDArray[np.int32],
        visible_pairs: tuple[ArrayLike, ArrayLike] | None,
        utc_ns: int | None,
        params: ThroughputParameters,
        counted: ArrayLike | None = None,
    ) -> tuple[F64, F64, F64, F64]:
        """Speed tests ``(down, up)`` ``(site,)`` Mb/s (0 unserved): the calibrated model
        at each served site's link rates, the satellites in view of it (``visible_pairs``;
        without them the model's reference count) and one load draw per site, the same
        for a given seed and step time whatever the chunking; then the busy-hour ρ
        ``(down, up)`` of the same draws (NaN unserved), as `leonet calibrate` pairs them."""
        n = serving.shape[0]
        cap = self.config
        in_view: F64
        if counted is not None:
            in_view = np.asarray(counted, dtype=np.float64).reshape(-1)
            if in_view.shape != (n,):
                raise ValueError(f"in_view must be ({n},) satellites per site, got {in_view.shape}")
        elif visible_pairs is None:
            in_view = np.full(n, REFERENCE_IN_VIEW)
        else:
            site_idx = np.asarray(visible_pairs[0], dtype=np.int64).reshape(-1)
            in_view = np.bincount(site_idx, minlength=n)[:n].astype(np.float64)
        t = 0 if utc_ns is None else int(utc_ns)
        rng = np.random.default_rng([cap.seed, t & 0xFFFFFFFFFFFFFFFF])
        z: F64 = np.asarray(rng.standard_normal(n), dtype=np.float64)
        down_r = np.nan_to_num(np.asarray(links.down.capacity_mbps, dtype=np.float64)).reshape(-1)
        up_r = np.nan_to_num(np.asarray(links.up.capacity_mbps, dtype=np.float64)).reshape(-1)
        ok = serving >= 0
        test_down, test_up = np.zeros(n), np.zeros(n)
        rho_down, rho_up = np.full(n, np.nan), np.full(n, np.nan)
        down_r, up_r, z, in_view = down_r[ok], up_r[ok], z[ok], in_view[ok]
        down, up = speed_tests(
            down_r,
            up_r,
            z,
            in_view,
            params,
            busy_hour_down_mbps=cap.background_down_mbps,
            busy_hour_up_mbps=cap.background_up_mbps,
        )
        test_down[ok], test_up[ok] = down, up
        rho_down[ok], rho_up[ok] = busy_hour_utilisation(down_r, up_r, z, in_view, params)
        return test_down, test_up, rho_down, rho_up
