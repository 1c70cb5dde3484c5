"""User and gateway links of one time step, vectorised over every active link.

:class:`RadioModel` is built once for a set of ground sites (terminals and
cells) and a constellation size: it tabulates the atmosphere per site
(:class:`~leonet.radio.atmosphere.AtmosphereTable`, the only ``itur`` calls)
and resolves the terminal type of each site and the generation of each
satellite into parameter arrays.  :meth:`RadioModel.user_links` then computes,
for one step, every served site's downlink and uplink to its serving
satellite: geometry, budget, co-channel interference, jamming, SINR, MODCOD
and capacity — vectorised over all links, no Python loop over sites or
satellites (only over the few terminal types and jammers).  The loops NumPy
made slow — the ~176,000 visible pairs of the interference sum, the per-link
geometry and MODCOD columns, each satellite's best gateway — are compiled
kernels (:mod:`leonet.radio._kernels`, numba); their results equal the NumPy
formulation's to rounding (tested against it on a real step).

Geometry conventions
    The terminal panel faces the zenith (boresight = local up); its beam is
    steered to the serving satellite, so the scan angle is 90° − elevation.
    The satellite's beam points at ``beam_centre_ecef_km`` of the site (the
    site itself by default; a named terminal may give its cell's centre), and
    the roll-off at the terminal is taken at the angle between the two seen
    from the satellite.

Co-channel interference (downlink, ``RadioConfig.interference``)
    Every other satellite the terminal sees above its mask is assumed to have
    a beam on the terminal's channel aimed near the terminal with probability
    ``co_channel_fraction`` (default 1/8: one of eight channels); its EIRP
    arrives through the terminal's off-axis gain toward it (ITU-R S.465
    envelope + element loss).  I/N is summed in linear power per terminal.

Intra-system interference (both directions, ``RadioConfig.interference``)
    The serving satellite's other lit beams on the link's channel reach it at
    the beam's side-lobe floor (downlink: their EIRP; uplink: their terminals),
    and every link is held under its satellite generation's SINR ceiling —
    adjacent co-channel beams of other satellites, adjacent-channel leakage,
    intermodulation and EVM, calibrated to measured single-terminal peak rates
    (:data:`~leonet.radio.parameters.SATELLITES`, docs/radio.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.frames import enu_basis, geodetic_to_ecef
from leonet.ground.sites import Sites
from leonet.radio import _kernels as _ik
from leonet.radio.antenna import (
    _s465_psi_min_deg,
    off_axis_gain_dbi,
    satellite_beam_loss_db,
    scan_loss_db,
)
from leonet.radio.atmosphere import AtmosphereTable
from leonet.radio.budget import BOLTZMANN_DBW_HZ_K, LinkBudget, fspl_db, link_budget
from leonet.radio.jamming import (
    Jammer,
    jammer_position_ecef_km,
    jammer_to_satellites,
    jammer_to_terminals,
    radio_horizon_km,
)
from leonet.radio.modcod import DVBS2X_LADDER, ModcodLadder, symbol_rate_msps
from leonet.radio.parameters import (
    DEFAULT_EXCEEDANCE_PERCENT,
    DEFAULT_GATEWAY,
    DEFAULT_SATELLITE,
    GATEWAY_DOWNLINK,
    GATEWAY_UPLINK,
    IMPLEMENTATION_LOSS_DB,
    ROLLOFF,
    SATELLITES,
    TERMINAL_ANTENNA_HEIGHT_M,
    TERMINALS,
    USER_DOWNLINK,
    USER_UPLINK,
    Band,
    GatewayType,
    SatelliteType,
    TerminalType,
)

__all__ = [
    "DirectionLinks",
    "FeederLinks",
    "RadioConfig",
    "RadioModel",
    "UserLinks",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class RadioConfig:
    """Options of the radio model (defaults from :mod:`leonet.radio.parameters`).

    ``interference`` switches every interference term off; ``intra_system`` only the
    serving satellite's own co-channel beams and the satellites' SINR ceilings.
    """

    exceedance_percent: float = DEFAULT_EXCEEDANCE_PERCENT
    rolloff: float = ROLLOFF
    implementation_loss_db: float = IMPLEMENTATION_LOSS_DB
    interference: bool = True
    intra_system: bool = True
    co_channel_fraction: float = 1.0 / USER_DOWNLINK.n_channels
    downlink: Band = USER_DOWNLINK
    uplink: Band = USER_UPLINK
    gateway_downlink: Band = GATEWAY_DOWNLINK
    gateway_uplink: Band = GATEWAY_UPLINK
    gateway: GatewayType = DEFAULT_GATEWAY

    def __post_init__(self) -> None:
        if not 0.0 <= self.co_channel_fraction <= 1.0:
            raise ValueError("co_channel_fraction must be in [0, 1] (share of co-channel beams)")


@dataclass(frozen=True)
class DirectionLinks:
    """One direction (down or up) of every site's link, arrays ``(site,)``; NaN/−1 if unserved.

    ``snr_db`` Es/N0 over thermal noise; ``sinr_db`` with interference and
    jamming; ``modcod`` (table index, −1 outage) and ``capacity_mbps`` at the
    SINR; ``modcod_unjammed`` without the jammers and ``downshift`` the
    number of ladder steps lost to them (``-1`` … none lost: 0; outage
    counted as falling off the ladder); ``j_over_s_db`` jammer-to-signal
    (−inf when no jammer reaches the link); ``i_over_n_db`` co-channel I/N.
    """

    frequency_ghz: float
    snr_db: F64
    sinr_db: F64
    i_over_n_db: F64
    j_over_s_db: F64
    modcod: I64
    modcod_unjammed: I64
    downshift: I64
    capacity_mbps: F64


@dataclass(frozen=True)
class UserLinks:
    """Both directions of every site's user link at one step, plus the geometry ``(site,)``."""

    serving_sat: NDArray[np.int32]
    elevation_deg: F64
    slant_range_km: F64
    down: DirectionLinks
    up: DirectionLinks

    @property
    def served(self) -> NDArray[np.bool_]:
        return np.asarray(self.serving_sat >= 0)


@dataclass(frozen=True)
class FeederLinks:
    """Each satellite's best gateway link at one step, arrays ``(sat,)``.

    ``gateway`` index (−1 none in view), ``elevation_deg``; ``forward_mbps``
    (gateway → satellite, Ka uplink: carries the users' downlink traffic) and
    ``return_mbps`` (satellite → gateway, Ka downlink: users' uplink traffic),
    summed over the band's channels; 0 without a gateway.
    """

    gateway: NDArray[np.int64]
    elevation_deg: F64
    forward_mbps: F64
    return_mbps: F64


def _db_sum(*terms_db: ArrayLike) -> F64:
    """Power sum of dB quantities (−inf = none): 10·log10(Σ 10^(x/10))."""
    arrays = np.broadcast_arrays(*(np.asarray(t, dtype=np.float64) for t in terms_db))
    scale = np.log(10.0) / 10.0
    with np.errstate(invalid="ignore"):
        total = np.logaddexp.reduce(np.stack(arrays) * scale, axis=0) / scale
    return np.asarray(total, dtype=np.float64)


def _pair_index(values: ArrayLike) -> NDArray[np.int32]:
    """Pair indices ``(pair,)`` as C-ordered int32 (the kernel checks their range)."""
    arr = np.asarray(values)
    if arr.dtype == np.int32:
        return np.ascontiguousarray(arr.reshape(-1))
    wide = arr.astype(np.int64, casting="same_kind").reshape(-1)
    # Out of int32's range: wrap to -1, which the kernel rejects as out of range.
    return np.where((wide >= 0) & (wide <= np.iinfo(np.int32).max), wide, -1).astype(np.int32)


def _names_to_index(
    value: str | Sequence[str] | NDArray[np.str_], n: int, table: dict[str, object], what: str
) -> tuple[list[str], I64]:
    names = list(table)
    arr = np.broadcast_to(np.asarray(value, dtype=np.str_), (n,))
    uniq, inv = np.unique(arr, return_inverse=True)
    bad = [u for u in uniq.tolist() if u not in table]
    if bad:
        raise ValueError(f"unknown {what} {bad[0]!r}; choose one of {', '.join(names)}")
    lookup = np.array([names.index(u) for u in uniq.tolist()], dtype=np.int64)
    return names, lookup[inv.reshape(-1)] if n else np.zeros(0, dtype=np.int64)


class RadioModel:
    """The radio layer prepared for fixed ground sites (and gateways) and ``n_sat`` satellites.

    ``terminal_type``: a name of :data:`~leonet.radio.parameters.TERMINALS` for
    every site, or one per site; ``satellite_type``: a name of
    :data:`~leonet.radio.parameters.SATELLITES` for all satellites or one per
    satellite; ``beam_centre_ecef_km`` ``(site, 3)`` where satellites point
    the beam serving each site (default: the site).  Building it computes the
    atmosphere tables (a few ``itur`` calls, vectorised over sites).  Sites that
    move (a drone, a vehicle) are put at each step's position with
    :meth:`move_sites` before that step's links.
    """

    def __init__(  # noqa: PLR0913 — keyword-only options with defaults
        self,
        sites: Sites,
        n_sat: int,
        *,
        terminal_type: str | Sequence[str] | NDArray[np.str_] = "standard",
        satellite_type: str | Sequence[str] | NDArray[np.str_] = DEFAULT_SATELLITE,
        config: RadioConfig | None = None,
        gateways: Sites | None = None,
        beam_centre_ecef_km: ArrayLike | None = None,
        terminals: dict[str, TerminalType] | None = None,
        satellites: dict[str, SatelliteType] | None = None,
        ladder: ModcodLadder = DVBS2X_LADDER,
    ) -> None:
        self.sites = sites
        self.n_sat = int(n_sat)
        self.config = cfg = config or RadioConfig()
        self.ladder = ladder
        term_table = terminals or TERMINALS
        sat_table = satellites or SATELLITES
        names, self.terminal_index = _names_to_index(
            terminal_type, len(sites), dict(term_table), "terminal type"
        )
        self.terminal_types = [term_table[k] for k in names]
        snames, self.satellite_index = _names_to_index(
            satellite_type, self.n_sat, dict(sat_table), "satellite type"
        )
        self.satellite_types = [sat_table[k] for k in snames]
        fd, fu = cfg.downlink.centre_ghz, cfg.uplink.centre_ghz
        t = self.terminal_types
        ti = self.terminal_index
        # Per-site terminal parameters (site,)
        self.gt_down_dbk = np.array([x.gt_dbk(fd) for x in t])[ti]
        self.eirp_up_dbw = np.array([x.eirp_dbw for x in t])[ti]
        self.scan_exponent = np.array([x.scan_exponent for x in t])[ti]
        self.scan_floor_db = np.array([x.scan_floor_db for x in t])[ti]
        # Per-satellite parameters (sat,)
        s = self.satellite_types
        si = self.satellite_index
        self.sat_eirp_dbw = np.array([x.downlink_eirp_dbw for x in s])[si]
        self.sat_gt_dbk = np.array([x.uplink_gt_dbk for x in s])[si]
        self.sat_beam_3db_deg = np.array([x.beam_3db_deg for x in s])[si]
        self.sat_beam_floor_db = np.array([x.beam_floor_db for x in s])[si]
        self.sat_feeder_eirp_dbw = np.array([x.feeder_eirp_dbw for x in s])[si]
        self.sat_feeder_gt_dbk = np.array([x.feeder_gt_dbk for x in s])[si]
        self.sat_sinr_ceiling_down_db = np.array([x.sinr_ceiling_down_db for x in s])[si]
        self.sat_sinr_ceiling_up_db = np.array([x.sinr_ceiling_up_db for x in s])[si]
        up = sites.enu[:, 2, :]
        # Site geometry as writable copies: move_sites() updates them for sites that move.
        self._site_xyz = np.array(sites.ecef_km, dtype=np.float64, order="C")
        self._site_up = np.array(up, dtype=np.float64, order="C")
        # Per-site constants of the interference kernel: the terminal's pattern at the
        # downlink centre (peak gain, D/λ, S.465's ψ_min, 10·n and floor of the scan loss).
        dl = [x.diameter_over_wavelength(fd) for x in t]
        self._site_peak_dbi = np.array([x.peak_gain_dbi(fd) for x in t])[ti]
        self._site_d_over_lambda = np.array(dl)[ti]
        self._site_psi_min_deg = np.array([_s465_psi_min_deg(x) for x in dl])[ti]
        self._site_scan_db_per_decade = np.array([10.0 * x.scan_exponent for x in t])[ti]
        self._beam_follows_site = beam_centre_ecef_km is None
        self.beam_centre_ecef_km = np.array(
            sites.ecef_km if beam_centre_ecef_km is None else beam_centre_ecef_km,
            dtype=np.float64,
            order="C",
        ).reshape(len(sites), 3)
        table = np.arange(len(ladder.table))
        self._ladder_rank = np.ascontiguousarray(ladder.rank(table), dtype=np.int64)
        self._ladder_efficiency = np.ascontiguousarray(
            ladder.efficiency_bps_hz(table), dtype=np.float64
        )
        self._site_enu = np.array(sites.enu, dtype=np.float64, order="C")
        p = cfg.exceedance_percent
        self.atm_down = AtmosphereTable(sites.lat_deg, sites.lon_deg, fd, p)
        self.atm_up = AtmosphereTable(sites.lat_deg, sites.lon_deg, fu, p)
        self.gateways = gateways
        if gateways is not None and len(gateways):
            self.gw_atm_up = AtmosphereTable(
                gateways.lat_deg, gateways.lon_deg, cfg.gateway_uplink.centre_ghz, p
            )
            self.gw_atm_down = AtmosphereTable(
                gateways.lat_deg, gateways.lon_deg, cfg.gateway_downlink.centre_ghz, p
            )

    def move_sites(
        self, site_idx: ArrayLike, lat_deg: ArrayLike, lon_deg: ArrayLike, alt_km: ArrayLike = 0.0
    ) -> None:
        """Put sites ``site_idx`` ``(k,)`` at new geodetic positions for the links computed
        from now on (a moving terminal at this step).

        Their position and local vertical move, and so does the beam serving
        them where it follows the site (no ``beam_centre_ecef_km`` given); their
        terminal type and atmosphere table stay as built (attenuation changes
        little over a track's tens of kilometres).
        """
        idx = np.asarray(site_idx, dtype=np.intp).reshape(-1)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self.sites)):
            raise IndexError(f"site_idx must lie in [0, {len(self.sites)}), got {idx.tolist()}")
        lat, lon, alt = (
            np.broadcast_to(np.asarray(v, dtype=np.float64), idx.shape)
            for v in (lat_deg, lon_deg, alt_km)
        )
        xyz = geodetic_to_ecef(lat, lon, alt).reshape(-1, 3)
        enu = enu_basis(lat, lon).reshape(-1, 3, 3)
        self._site_xyz[idx] = xyz
        self._site_enu[idx] = enu
        self._site_up[idx] = enu[:, 2, :]
        if self._beam_follows_site:
            self.beam_centre_ecef_km[idx] = xyz

    # -- terminal antenna --------------------------------------------------------------
    def terminal_relative_gain_db(
        self, site_idx: ArrayLike, psi_deg: ArrayLike, theta_deg: ArrayLike, frequency_ghz: float
    ) -> F64:
        """Gain (dB, relative to the boresight peak) of sites' steered arrays toward
        directions ψ off their beams and θ off their panels' boresight."""
        site = np.asarray(site_idx, dtype=np.intp)
        psi = np.broadcast_to(np.asarray(psi_deg, dtype=np.float64), site.shape)
        theta = np.broadcast_to(np.asarray(theta_deg, dtype=np.float64), site.shape)
        out = np.empty(site.shape)
        kind = self.terminal_index[site]
        for k, tt in enumerate(self.terminal_types):
            m = kind == k
            if m.any():
                g0 = tt.peak_gain_dbi(frequency_ghz)
                out[m] = (
                    off_axis_gain_dbi(
                        psi[m],
                        g0,
                        tt.diameter_over_wavelength(frequency_ghz),
                        theta[m],
                        tt.scan_exponent,
                        tt.scan_floor_db,
                    )
                    - g0
                )
        return out

    # -- budgets ------------------------------------------------------------------------
    def _geometry(
        self, sat_ecef_km: F64, sites: NDArray[np.intp], sats: NDArray[np.intp]
    ) -> tuple[F64, F64, F64, F64]:
        """ENU unit vectors (n, 3), elevation (deg), range (km) and satellite beam offset (deg)."""
        site, sat = (
            np.ascontiguousarray(a, dtype=np.int64).reshape(-1)
            for a in np.broadcast_arrays(sites, sats)
        )
        n = site.shape[0]
        xyz = np.ascontiguousarray(sat_ecef_km, dtype=np.float64).reshape(-1, 3)
        if n and (
            site.min() < -len(self.sites)
            or site.max() >= len(self.sites)
            or sat.min() < -xyz.shape[0]
            or sat.max() >= xyz.shape[0]
        ):
            raise IndexError(
                f"link indices out of range: sites in [0, {len(self.sites)}), "
                f"satellites in [0, {xyz.shape[0]})"
            )
        site %= len(self.sites) or 1  # NumPy's negative indices
        sat %= xyz.shape[0] or 1
        enu, el, rng, offset = np.empty((n, 3)), np.empty(n), np.empty(n), np.empty(n)
        _ik.link_geometry(
            xyz,
            self._site_xyz,
            self._site_enu,
            self.beam_centre_ecef_km,
            site,
            sat,
            enu,
            el,
            rng,
            offset,
        )
        return enu, el, rng, offset

    def budgets(
        self,
        sat_ecef_km: ArrayLike,
        site_idx: ArrayLike,
        sat_idx: ArrayLike,
        down_channel_ghz: ArrayLike | None = None,
        up_channel_ghz: ArrayLike | None = None,
    ) -> tuple[LinkBudget, LinkBudget]:
        """Downlink and uplink :class:`~leonet.radio.budget.LinkBudget` of links ``(link,)``
        between sites and satellites (thermal noise only; frequencies default to band centres)."""
        sats_xyz = np.asarray(sat_ecef_km, dtype=np.float64)
        site = np.atleast_1d(np.asarray(site_idx, dtype=np.intp))
        sat = np.atleast_1d(np.asarray(sat_idx, dtype=np.intp))
        geometry = self._geometry(sats_xyz, site, sat)
        return self._budgets(geometry, site, sat, down_channel_ghz, up_channel_ghz)

    def _budgets(
        self,
        geometry: tuple[F64, F64, F64, F64],
        site: NDArray[np.intp],
        sat: NDArray[np.intp],
        down_channel_ghz: ArrayLike | None,
        up_channel_ghz: ArrayLike | None,
    ) -> tuple[LinkBudget, LinkBudget]:
        """:meth:`budgets` from the links' :meth:`_geometry`."""
        cfg = self.config
        _, el, rng, offset = geometry
        scan = scan_loss_db(90.0 - el, 1.0, -np.inf) * self.scan_exponent[site]
        scan = np.maximum(scan, self.scan_floor_db[site])
        beam = satellite_beam_loss_db(
            offset, self.sat_beam_3db_deg[sat], self.sat_beam_floor_db[sat]
        )
        fd = cfg.downlink.centre_ghz if down_channel_ghz is None else down_channel_ghz
        fu = cfg.uplink.centre_ghz if up_channel_ghz is None else up_channel_ghz
        common = {
            "rolloff": cfg.rolloff,
            "implementation_loss_db": cfg.implementation_loss_db,
            "ladder": self.ladder,
        }
        down = link_budget(
            fd,
            rng,
            el,
            self.atm_down(site, el),
            self.sat_eirp_dbw[sat],
            self.gt_down_dbk[site],
            cfg.downlink.channel_mhz,
            tx_antenna_loss_db=beam,
            rx_antenna_loss_db=scan,
            **common,  # type: ignore[arg-type]
        )
        up = link_budget(
            fu,
            rng,
            el,
            self.atm_up(site, el),
            self.eirp_up_dbw[site],
            self.sat_gt_dbk[sat],
            cfg.uplink.channel_mhz,
            tx_antenna_loss_db=scan,
            rx_antenna_loss_db=beam,
            **common,  # type: ignore[arg-type]
        )
        return down, up

    def _interference_over_noise_db(
        self,
        sat_ecef_km: F64,
        serving: NDArray[np.int32],
        pairs: tuple[ArrayLike, ArrayLike],
    ) -> F64:
        """Co-channel I/N (dB) at each site ``(site,)`` from the other visible satellites.

        −inf where no interferer is seen (and everywhere when interference is
        off).  The pairs go through :mod:`leonet.radio._kernels`;
        the result equals the plain NumPy reference in
        ``tests/support/interference_reference.py`` to rounding (≤ 1e-9 relative, tested on a
        real step).
        """
        n = len(self.sites)
        out = np.full(n, -np.inf)
        cfg = self.config
        if not cfg.interference or cfg.co_channel_fraction <= 0:
            return out
        p_site, p_sat = (_pair_index(p) for p in pairs)
        if p_site.shape != p_sat.shape:
            raise ValueError(
                f"visible_pairs must be two (pair,) arrays of equal length, got "
                f"{p_site.shape} and {p_sat.shape}"
            )
        sat_xyz = np.ascontiguousarray(sat_ecef_km, dtype=np.float64)
        inv_range2, sin_el, cos_psi, eirp = (np.empty(p_site.size) for _ in range(4))
        status = _ik.pair_geometry(
            sat_xyz,
            self._site_xyz,
            self._site_up,
            np.ascontiguousarray(serving, dtype=np.int32),
            self.sat_eirp_dbw,
            p_site,
            p_sat,
            inv_range2,
            sin_el,
            cos_psi,
            eirp,
        )
        if status == _ik.BAD_PAIR:
            raise IndexError(
                f"visible_pairs index out of range: sites must be in [0, {n}) and "
                f"satellites in [0, {sat_xyz.shape[0]}), serving_sat likewise"
            )
        # NumPy's SIMD arcsin, arccos and log10 (NaN, silently, for the pairs left out).
        el_rad = np.arcsin(sin_el)
        psi_rad = np.arccos(cos_psi)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_sin_el = np.log10(sin_el, out=sin_el)
            log_psi_rad = np.log10(psi_rad, out=cos_psi)
        f = cfg.downlink.centre_ghz
        rs = float(symbol_rate_msps(cfg.downlink.channel_mhz, cfg.rolloff))
        constant_db = (
            10 * np.log10(cfg.co_channel_fraction)
            - BOLTZMANN_DBW_HZ_K
            - 10 * np.log10(rs * 1e6)
            - float(fspl_db(1.0, f))
        )
        i_over_n = np.empty(p_site.size)
        atm = self.atm_down
        _ik.pair_interference_db(
            p_site,
            eirp,
            el_rad,
            psi_rad,
            log_sin_el,
            log_psi_rad,
            atm.loss_db,
            float(atm.elevation_grid_deg[0]),
            float(atm.elevation_grid_deg[1] - atm.elevation_grid_deg[0]),
            self.gt_down_dbk,
            self._site_peak_dbi,
            self._site_d_over_lambda,
            self._site_psi_min_deg,
            self._site_scan_db_per_decade,
            self.scan_floor_db,
            float(constant_db),
            i_over_n,
        )
        # Linear power at 1 km; the sum multiplies by 1/r².
        power = np.exp(i_over_n, out=i_over_n)
        total = _ik.sum_by_site(p_site, power, inv_range2, n)
        with np.errstate(divide="ignore"):
            return np.where(total > 0, 10 * np.log10(total), -np.inf)

    def user_links(
        self,
        sat_ecef_km: ArrayLike,
        serving_sat: ArrayLike,
        *,
        visible_pairs: tuple[ArrayLike, ArrayLike] | None = None,
        down_channel: ArrayLike | None = None,
        up_channel: ArrayLike | None = None,
        jammers: Sequence[Jammer] = (),
        utc_ns: int | None = None,
        co_channel_beams: ArrayLike | None = None,
    ) -> UserLinks:
        """Every site's downlink and uplink to ``serving_sat`` ``(site,)`` (−1 = unserved).

        ``sat_ecef_km`` ``(sat, 3)`` ECEF km at this step; ``visible_pairs``
        ``(site_idx, sat_idx)`` of this step (e.g. from
        :class:`~leonet.access.Visibility`) enables co-channel interference from other
        satellites; ``co_channel_beams`` ``(site,)`` the other beams the serving
        satellite has lit on the site's channel (their side lobes reach the link in both
        directions); ``down_channel`` / ``up_channel`` ``(site,)`` channel numbers
        (default: the band centre frequency for every link); ``jammers`` need ``utc_ns``.
        With ``RadioConfig.interference`` each direction is also held under its
        satellite's ``sinr_ceiling_*_db`` (see :data:`~leonet.radio.parameters.SATELLITES`).
        """
        sats_xyz = np.asarray(sat_ecef_km, dtype=np.float64).reshape(-1, 3)
        serving = np.asarray(serving_sat, dtype=np.int32).reshape(-1)
        n = len(self.sites)
        if serving.shape != (n,):
            raise ValueError(
                f"serving_sat must be ({n},) for the model's sites, got {serving.shape}"
            )
        if jammers and utc_ns is None:
            raise ValueError("jammers need utc_ns (the step's time, int64 ns UTC)")
        cfg = self.config
        served = np.flatnonzero(serving >= 0)
        sat = serving[served].astype(np.intp)

        def channel_ghz(band: Band, ch: ArrayLike | None) -> F64 | float:
            if ch is None:
                return band.centre_ghz
            c = np.asarray(ch, dtype=np.int64).reshape(-1)[served] % band.n_channels
            return np.asarray(band.low_ghz + (c + 0.5) * band.channel_mhz * 1e-3, dtype=np.float64)

        fd = channel_ghz(cfg.downlink, down_channel)
        fu = channel_ghz(cfg.uplink, up_channel)
        geometry = self._geometry(sats_xyz, served, sat)
        down, up = self._budgets(geometry, served, sat, fd, fu)
        pointing, el, rng, _ = geometry
        i_n = np.full(n, -np.inf)
        if visible_pairs is not None:
            i_n = self._interference_over_noise_db(sats_xyz, serving, visible_pairs)
        rs_down = symbol_rate_msps(cfg.downlink.channel_mhz, cfg.rolloff)
        rs_up = symbol_rate_msps(cfg.uplink.channel_mhz, cfg.rolloff)
        j_down = np.full(served.size, -np.inf)
        j_up = np.full(served.size, -np.inf)
        fd_links = np.broadcast_to(fd, (served.size,))
        for jammer in jammers:
            assert utc_ns is not None
            # Only terminals within the jammer's radio horizon can be hit (the great-circle
            # distance is at least the chord): the others stay at −inf.
            near = np.zeros(0, dtype=np.intp)
            if bool(jammer.is_active(np.int64(utc_ns))):
                j_pos, _ = jammer_position_ecef_km(jammer, utc_ns)
                reach_km = radio_horizon_km(jammer.height_m, TERMINAL_ANTENNA_HEIGHT_M)
                rel = self._site_xyz[served] - j_pos
                near = np.flatnonzero(
                    np.einsum("ij,ij->i", rel, rel) <= (reach_km * (1 + 1e-6)) ** 2
                )
            near_sites = served[near]

            def gain_db(
                hit: NDArray[np.intp], psi: F64, theta: F64, sites: NDArray[np.intp] = near_sites
            ) -> F64:
                return self.terminal_relative_gain_db(
                    sites[hit], psi, theta, cfg.downlink.centre_ghz
                )

            jd = np.full(served.size, -np.inf)
            jd[near], _ = jammer_to_terminals(
                jammer,
                utc_ns,
                self._site_xyz[near_sites],
                self._site_enu[near_sites],
                pointing[near],
                self.gt_down_dbk[near_sites],
                gain_db,
                fd_links[near],
                np.full(near.size, rs_down),
            )
            j_down = np.logaddexp(j_down * np.log(10) / 10, jd * np.log(10) / 10) * 10 / np.log(10)
            ju = jammer_to_satellites(
                jammer,
                utc_ns,
                sats_xyz[sat],
                self.beam_centre_ecef_km[served],
                self.sat_gt_dbk[sat],
                self.sat_beam_3db_deg[sat],
                self.sat_beam_floor_db[sat],
                np.broadcast_to(fu, (served.size,)),
                np.full(served.size, rs_up),
            )
            j_up = np.logaddexp(j_up * np.log(10) / 10, ju * np.log(10) / 10) * 10 / np.log(10)
        i_down, i_up = i_n[served], np.full(served.size, -np.inf)
        if cfg.interference and cfg.intra_system:
            i_down, i_up = self._intra_system_db(
                down, up, sat, served, co_channel_beams, i_down, i_up
            )
        return UserLinks(
            serving_sat=serving,
            elevation_deg=self._scatter(served, el),
            slant_range_km=self._scatter(served, rng),
            down=self._direction(down, served, i_down, j_down),
            up=self._direction(up, served, i_up, j_up),
        )

    def _intra_system_db(
        self,
        down: LinkBudget,
        up: LinkBudget,
        sat: NDArray[np.intp],
        served: NDArray[np.intp],
        co_channel_beams: ArrayLike | None,
        i_down: F64,
        i_up: F64,
    ) -> tuple[F64, F64]:
        """I/N (dB) of served links ``(link,)`` with the serving satellite's own co-channel
        beams and the satellite's SINR ceiling added to ``i_down`` / ``i_up``.

        Own co-channel beams: each of the ``co_channel_beams`` other beams on the
        link's channel carries the same EIRP (downlink) or an equally strong terminal
        (uplink, power-controlled to the same level at the satellite) and reaches the
        link through the satellite beam's far side lobes, at ``beam_floor_db``
        relative to the carrier (Starlink's beams on one channel are kept apart, N_co =
        1).  Ceiling: I/N = SNR − C/I, so SINR ≤ ``sinr_ceiling_*_db``.
        """
        floor = self.sat_beam_floor_db[sat]
        n_co = (
            np.zeros(served.size)
            if co_channel_beams is None
            else np.asarray(co_channel_beams, dtype=np.float64).reshape(-1)[served]
        )
        with np.errstate(divide="ignore"):
            co_db = floor + 10.0 * np.log10(np.maximum(n_co, 0.0))
        out = []
        for budget, i_n, ceiling in (
            (down, i_down, self.sat_sinr_ceiling_down_db[sat]),
            (up, i_up, self.sat_sinr_ceiling_up_db[sat]),
        ):
            snr = budget.snr_db
            total = _db_sum(i_n, snr + co_db, snr - ceiling)
            out.append(total)
        return out[0], out[1]

    def _scatter(self, served: NDArray[np.intp], values: F64, fill: float = np.nan) -> F64:
        out = np.full(len(self.sites), fill)
        out[served] = values
        return out

    def _direction(
        self, budget: LinkBudget, served: NDArray[np.intp], i_n: F64, j_n: F64
    ) -> DirectionLinks:
        n = len(self.sites)
        snr, sinr, i_out, js = (np.empty(n) for _ in range(4))
        mod, mod_clean, downshift = (np.empty(n, dtype=np.int64) for _ in range(3))
        capacity = np.empty(n)
        ladder = self.ladder
        _ik.direction_columns(
            np.ascontiguousarray(served, dtype=np.int64),
            budget.snr_db,
            np.ascontiguousarray(i_n, dtype=np.float64),
            np.ascontiguousarray(j_n, dtype=np.float64),
            np.ascontiguousarray(np.broadcast_to(budget.symbol_rate_msps, served.shape)),
            float(self.config.implementation_loss_db),
            ladder.thresholds_db,
            ladder.frontier,
            self._ladder_rank,
            self._ladder_efficiency,
            snr,
            sinr,
            i_out,
            js,
            mod,
            mod_clean,
            downshift,
            capacity,
        )
        freq = float(np.mean(budget.frequency_ghz)) if len(budget) else float("nan")
        return DirectionLinks(
            frequency_ghz=freq,
            snr_db=snr,
            sinr_db=sinr,
            i_over_n_db=i_out,
            j_over_s_db=js,
            modcod=mod,
            modcod_unjammed=mod_clean,
            downshift=downshift,
            capacity_mbps=capacity,
        )

    def feeder_links(
        self, sat_ecef_km: ArrayLike, gateway_pairs: tuple[ArrayLike, ArrayLike, ArrayLike]
    ) -> FeederLinks:
        """Each satellite's link to its highest-elevation gateway in view.

        ``gateway_pairs`` ``(gateway_idx, sat_idx, el_deg)`` of this step (e.g.
        from a :class:`~leonet.access.Visibility` of the model's gateways).
        Capacity = channels in the Ka band × the MODCOD rate of one channel.
        """
        sats_xyz = np.asarray(sat_ecef_km, dtype=np.float64).reshape(-1, 3)
        n_sat = sats_xyz.shape[0]
        gw = _pair_index(gateway_pairs[0])
        sat = _pair_index(gateway_pairs[1])
        el = np.ascontiguousarray(gateway_pairs[2], dtype=np.float64).reshape(-1)
        fwd = np.zeros(n_sat)
        ret = np.zeros(n_sat)
        if self.gateways is None or gw.size == 0:
            return FeederLinks(np.full(n_sat, -1, dtype=np.int64), np.full(n_sat, np.nan), fwd, ret)
        if not gw.shape == sat.shape == el.shape:
            raise ValueError(
                f"gateway_pairs must be three (pair,) arrays of equal length, got "
                f"{gw.shape}, {sat.shape} and {el.shape}"
            )
        n_gw = len(self.gateways)
        if sat.min() < 0 or sat.max() >= n_sat or gw.min() < 0 or gw.max() >= n_gw:
            raise IndexError(
                f"gateway_pairs index out of range: gateways must be in "
                f"[0, {n_gw}) and satellites in [0, {n_sat})"
            )
        best, best_el = _ik.best_gateway(gw, sat, el, n_sat)
        s = np.flatnonzero(best >= 0)
        g, e = best[s], best_el[s]
        rng = np.linalg.norm(sats_xyz[s] - self.gateways.ecef_km[g], axis=-1)
        cfg = self.config
        common = {
            "rolloff": cfg.rolloff,
            "implementation_loss_db": cfg.implementation_loss_db,
            "ladder": self.ladder,
        }
        up = link_budget(
            cfg.gateway_uplink.centre_ghz,
            rng,
            e,
            self.gw_atm_up(g, e),
            cfg.gateway.eirp_dbw,
            self.sat_feeder_gt_dbk[s],
            cfg.gateway_uplink.channel_mhz,
            **common,  # type: ignore[arg-type]
        )
        down = link_budget(
            cfg.gateway_downlink.centre_ghz,
            rng,
            e,
            self.gw_atm_down(g, e),
            self.sat_feeder_eirp_dbw[s],
            cfg.gateway.gt_dbk,
            cfg.gateway_downlink.channel_mhz,
            **common,  # type: ignore[arg-type]
        )
        fwd[s] = up.capacity_mbps * cfg.gateway_uplink.n_channels
        ret[s] = down.capacity_mbps * cfg.gateway_downlink.n_channels
        return FeederLinks(best, best_el, fwd, ret)
