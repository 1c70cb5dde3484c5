"""Jammers: ground transmitters that add noise at terminals (downlink) or satellites (uplink).

A :class:`Jammer` has a location (fixed, or a :class:`leonet.ground.Track`), a
peak EIRP, a centre frequency and bandwidth (flat power spectral density), an
antenna (isotropic, or directional with a boresight azimuth/elevation and a
3-dB beamwidth, rolling off as −12(φ/φ3)² dB down to ``sidelobe_db``) and the
times it is on.  Its band decides what it hits: power overlapping a
terminal's **downlink** channel is received by terminals; power overlapping an
**uplink** channel is received by satellites.

Downlink (ground → terminal)
    Only terminals within radio line of sight: ground distance ≤
    ``sqrt(2 k R h_j) + sqrt(2 k R h_t)`` with k = 4/3 (ITU-R P.834 / P.526),
    R the mean Earth radius and the antenna heights above ground.  Beyond it
    the jammer has no effect (diffraction and troposcatter are not modelled).
    Inside it: free-space loss over the straight path (ITU-R P.525; no
    atmosphere or terrain: an upper bound on the harm), received through the
    terminal's gain toward the jammer — the steered array's off-axis pattern
    plus the panel's element loss at ~90° off boresight
    (:func:`leonet.radio.antenna.off_axis_gain_dbi`).

Uplink (ground → satellite)
    Satellites above the jammer's horizon (elevation > 0°) receive it through
    their receive beam pointed at the served cell (roll-off at the angle, seen
    from the satellite, between the cell and the jammer).

The results are jammer-to-noise ratios J/N (dB) per link in the receiver's
symbol-rate bandwidth; :func:`leonet.radio.budget.sinr_db` combines them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import EARTH_MEAN_RADIUS_KM
from leonet.events import NEVER_NS, utc_ns
from leonet.frames import enu_basis, geodetic_to_ecef
from leonet.ground.tracks import Track
from leonet.radio.antenna import angle_between_deg, satellite_beam_loss_db
from leonet.radio.budget import BOLTZMANN_DBW_HZ_K, fspl_db
from leonet.radio.parameters import (
    JAMMER_DEFAULT_HEIGHT_M,
    RADIO_HORIZON_K_FACTOR,
    TERMINAL_ANTENNA_HEIGHT_M,
)

__all__ = [
    "Jammer",
    "JammerTime",
    "band_overlap_fraction",
    "jammer_position_ecef_km",
    "jammer_to_satellites",
    "jammer_to_terminals",
    "radio_horizon_km",
]

F64 = NDArray[np.float64]


def radio_horizon_km(
    height_a_m: ArrayLike, height_b_m: ArrayLike, k_factor: float = RADIO_HORIZON_K_FACTOR
) -> F64:
    """Radio line-of-sight distance (km) between antennas at two heights above ground (m).

    ``sqrt(2 k R h_a) + sqrt(2 k R h_b)`` over a smooth Earth of effective radius
    ``k R`` (R = mean Earth radius).  10 m and 3 m give about 19.2 km.
    """
    kr_km = k_factor * EARTH_MEAN_RADIUS_KM
    ha = np.maximum(np.asarray(height_a_m, dtype=np.float64), 0.0) * 1e-3
    hb = np.maximum(np.asarray(height_b_m, dtype=np.float64), 0.0) * 1e-3
    return np.sqrt(2.0 * kr_km * ha) + np.sqrt(2.0 * kr_km * hb)


def band_overlap_fraction(
    centre_a_ghz: ArrayLike, width_a_mhz: ArrayLike, centre_b_ghz: ArrayLike, width_b_mhz: ArrayLike
) -> F64:
    """Fraction of band a's power (flat spectrum) that falls inside band b, in [0, 1]."""
    ca = np.asarray(centre_a_ghz, dtype=np.float64) * 1e3
    wa = np.asarray(width_a_mhz, dtype=np.float64)
    cb = np.asarray(centre_b_ghz, dtype=np.float64) * 1e3
    wb = np.asarray(width_b_mhz, dtype=np.float64)
    lo = np.maximum(ca - wa / 2, cb - wb / 2)
    hi = np.minimum(ca + wa / 2, cb + wb / 2)
    fraction: F64 = np.clip(hi - lo, 0.0, None) / wa
    return fraction


#: A time a jammer's window accepts: int64 ns UTC, an aware datetime or an ISO string.
JammerTime = int | datetime | str


def _ns(value: JammerTime | None) -> int:
    return NEVER_NS if value is None else utc_ns(value, "jammer active time")


@dataclass(frozen=True)
class Jammer:
    """A ground jammer.

    ``position``: ``(lat_deg, lon_deg)`` or a :class:`~leonet.ground.Track`;
    ``eirp_dbw``: EIRP in the antenna's boresight (isotropic: every direction);
    ``centre_ghz`` / ``bandwidth_mhz``: the jammed band (flat spectrum);
    ``boresight_az_deg`` / ``boresight_el_deg`` / ``beamwidth_deg``: set
    ``beamwidth_deg`` for a directional antenna (``None`` = isotropic);
    ``sidelobe_db``: the directional pattern's floor relative to boresight;
    ``height_m``: antenna height above the ground (radio horizon; on a track, above
    the track's height);
    ``active``: ``(start, end)`` UTC windows ``[start, end)`` — int64 ns, aware
    datetimes or ISO strings; ``end`` ``None`` never ends — empty = always on.

    This is the one jammer class: the scenario's ``faults.jammers`` become these
    (:func:`leonet.scenario.build.fault_plan`) and the fault plan carries them.
    """

    name: str
    position: tuple[float, float] | Track
    eirp_dbw: float
    centre_ghz: float
    bandwidth_mhz: float
    boresight_az_deg: float = 0.0
    boresight_el_deg: float = 0.0
    beamwidth_deg: float | None = None
    sidelobe_db: float = -20.0
    height_m: float = JAMMER_DEFAULT_HEIGHT_M
    active: Sequence[tuple[JammerTime, JammerTime | None]] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.bandwidth_mhz <= 0 or not math.isfinite(self.bandwidth_mhz):
            raise ValueError(f"jammer {self.name!r}: bandwidth_mhz must be > 0 (MHz)")
        if self.beamwidth_deg is not None and self.beamwidth_deg <= 0:
            raise ValueError(f"jammer {self.name!r}: beamwidth_deg must be > 0 or None")
        if self.height_m < 0 or not math.isfinite(self.height_m):
            raise ValueError(f"jammer {self.name!r}: height_m must be >= 0 (m above ground)")
        windows = tuple((_ns(a), _ns(b)) for a, b in self.active)
        for a, b in windows:
            if b <= a:
                raise ValueError(
                    f"jammer {self.name!r}: an active window ends before it "
                    "starts (a window is [start, end))"
                )
        object.__setattr__(self, "_windows", windows)

    @property
    def windows_ns(self) -> tuple[tuple[int, int], ...]:
        """The active windows as ``(start_ns, end_ns)`` int64 ns UTC, ``[start, end)``;
        :data:`NEVER_NS` for one that never ends; empty: always on."""
        windows: tuple[tuple[int, int], ...] = object.__getattribute__(self, "_windows")
        return windows

    @property
    def target(self) -> str:
        """Where and what it jams, for the events table."""
        if isinstance(self.position, Track):
            where = f"track {self.position.name!r}"
        else:
            where = f"({self.position[0]:.3f}, {self.position[1]:.3f})"
        return (
            f"jammer {self.name} at {where}: {self.eirp_dbw:g} dBW EIRP, "
            f"{self.centre_ghz:g} GHz ± {self.bandwidth_mhz / 2:g} MHz"
        )

    def is_active(self, utc_ns: ArrayLike) -> NDArray[np.bool_]:
        """Whether the jammer transmits at each ``utc_ns`` (int64 ns UTC)."""
        t = np.asarray(utc_ns, dtype=np.int64)
        windows = self.windows_ns
        if not windows:
            return np.ones(t.shape, dtype=bool)
        on = np.zeros(t.shape, dtype=bool)
        for a, b in windows:
            on |= (t >= a) & (t < b)
        return on

    def antenna_loss_db(self, az_deg: ArrayLike, el_deg: ArrayLike) -> F64:
        """Pattern relative to boresight (dB, ≤ 0) toward directions seen from the jammer."""
        az = np.asarray(az_deg, dtype=np.float64)
        if self.beamwidth_deg is None:
            return np.zeros(np.broadcast(az, np.asarray(el_deg)).shape)
        d = _unit_enu(az, np.asarray(el_deg, dtype=np.float64))
        b = _unit_enu(np.float64(self.boresight_az_deg), np.float64(self.boresight_el_deg))
        phi = angle_between_deg(d, b)
        return np.maximum(-12.0 * (phi / self.beamwidth_deg) ** 2, self.sidelobe_db)


def _unit_enu(az_deg: ArrayLike, el_deg: ArrayLike) -> F64:
    az = np.deg2rad(np.asarray(az_deg, dtype=np.float64))
    el = np.deg2rad(np.asarray(el_deg, dtype=np.float64))
    return np.stack(
        np.broadcast_arrays(np.cos(el) * np.sin(az), np.cos(el) * np.cos(az), np.sin(el)), axis=-1
    )


def jammer_position_ecef_km(jammer: Jammer, utc_ns: int) -> tuple[F64, F64]:
    """The jammer's ECEF position (3,) km and ENU basis (3, 3) at ``utc_ns`` (read-only)."""
    if isinstance(jammer.position, Track):
        lat, lon, alt, _ = jammer.position.positions(np.array([utc_ns], dtype=np.int64))
        lat_deg, lon_deg, alt_km = float(lat[0]), float(lon[0]), float(alt[0])
    else:
        lat_deg, lon_deg = (float(v) for v in jammer.position)
        alt_km = 0.0
    return _position_and_basis(lat_deg, lon_deg, alt_km + jammer.height_m * 1e-3)


@functools.lru_cache(maxsize=256)
def _position_and_basis(lat_deg: float, lon_deg: float, alt_km: float) -> tuple[F64, F64]:
    """ECEF (3,) km and ENU basis (3, 3) of a point, read-only and cached: a fixed jammer
    is asked for them at every step."""
    ecef, basis = geodetic_to_ecef(lat_deg, lon_deg, alt_km), enu_basis(lat_deg, lon_deg)
    ecef.flags.writeable = False
    basis.flags.writeable = False
    return ecef, basis


def _look(from_ecef: F64, basis: F64, to_ecef: F64) -> tuple[F64, F64, F64]:
    """Azimuth, elevation (deg) and range (km) from one point (3,) to many ``(n, 3)``."""
    rel = to_ecef - from_ecef
    enu = rel @ basis.T
    rng = np.linalg.norm(enu, axis=-1)
    el = np.rad2deg(np.arcsin(np.clip(enu[:, 2] / np.maximum(rng, 1e-12), -1, 1)))
    az = np.mod(np.rad2deg(np.arctan2(enu[:, 0], enu[:, 1])), 360.0)
    return az, el, rng


def jammer_to_terminals(  # noqa: PLR0913 — the victim geometry as arrays (RadioModel owns them)
    jammer: Jammer,
    utc_ns: int,
    site_ecef_km: F64,
    site_enu: F64,
    pointing_enu: F64,
    gt_boresight_dbk: F64,
    rx_gain_fn: Callable[[NDArray[np.intp], F64, F64], F64],
    channel_centre_ghz: F64,
    noise_bandwidth_mhz: F64,
    terminal_height_m: float = TERMINAL_ANTENNA_HEIGHT_M,
) -> tuple[F64, F64]:
    """Jammer-to-noise (dB) at terminals ``(site,)``, and the terminals' gain toward it.

    ``pointing_enu`` ``(site, 3)``: each terminal's beam direction (unit ENU);
    ``rx_gain_fn(index, psi_deg, theta_deg)`` returns the gain of terminals
    ``index`` (into the given sites) relative to their boresight peak (dB)
        toward directions ψ off their beams and θ off their panels' boresight.
    −inf where the jammer is off, out of band or beyond the radio horizon.
    """
    n = site_ecef_km.shape[0]
    out = np.full(n, -np.inf)
    gain = np.full(n, np.nan)
    if n == 0 or not bool(jammer.is_active(np.int64(utc_ns))):
        return out, gain
    frac = band_overlap_fraction(
        jammer.centre_ghz, jammer.bandwidth_mhz, channel_centre_ghz, noise_bandwidth_mhz
    )
    j_pos, j_basis = jammer_position_ecef_km(jammer, utc_ns)
    rel = j_pos[None, :] - site_ecef_km  # terminal → jammer
    chord_km = np.linalg.norm(rel, axis=-1)
    ground_km = (
        2 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.clip(chord_km / (2 * EARTH_MEAN_RADIUS_KM), 0, 1))
    )
    horizon = radio_horizon_km(jammer.height_m, terminal_height_m)
    hit = np.flatnonzero((frac > 0) & (ground_km <= horizon))
    if hit.size == 0:
        return out, gain
    enu = np.einsum("nij,nj->ni", site_enu[hit], rel[hit]) / chord_km[hit, None]
    psi = angle_between_deg(enu, pointing_enu[hit])
    theta = np.rad2deg(np.arccos(np.clip(enu[:, 2], -1, 1)))  # off the zenith boresight
    rel_gain = np.asarray(rx_gain_fn(hit, psi, theta), dtype=np.float64)
    az_j, el_j, _ = _look(j_pos, j_basis, site_ecef_km[hit])
    f_ghz = channel_centre_ghz if np.ndim(channel_centre_ghz) == 0 else channel_centre_ghz[hit]
    bw = noise_bandwidth_mhz if np.ndim(noise_bandwidth_mhz) == 0 else noise_bandwidth_mhz[hit]
    fr = frac if np.ndim(frac) == 0 else frac[hit]
    j_over_n = (
        jammer.eirp_dbw
        + jammer.antenna_loss_db(az_j, el_j)
        + 10 * np.log10(fr)
        - fspl_db(chord_km[hit], f_ghz)
        + gt_boresight_dbk[hit]
        + rel_gain
        - BOLTZMANN_DBW_HZ_K
        - 10 * np.log10(np.asarray(bw) * 1e6)
    )
    out[hit] = j_over_n
    gain[hit] = rel_gain
    return out, gain


def jammer_to_satellites(  # noqa: PLR0913 — the victim geometry as arrays (RadioModel owns them)
    jammer: Jammer,
    utc_ns: int,
    sat_ecef_km: F64,
    beam_centre_ecef_km: F64,
    sat_gt_dbk: F64,
    beam_3db_deg: F64,
    beam_floor_db: F64,
    channel_centre_ghz: F64,
    noise_bandwidth_mhz: F64,
) -> F64:
    """Jammer-to-noise (dB) at satellites' receive beams, per link ``(link,)``.

    ``sat_ecef_km`` ``(link, 3)`` the receiving satellite of each uplink,
    ``beam_centre_ecef_km`` ``(link, 3)`` where its receive beam points;
    −inf where the jammer is off, out of band or below the satellite's horizon.
    """
    n = sat_ecef_km.shape[0]
    out = np.full(n, -np.inf)
    if n == 0 or not bool(jammer.is_active(np.int64(utc_ns))):
        return out
    frac = np.broadcast_to(
        band_overlap_fraction(
            jammer.centre_ghz, jammer.bandwidth_mhz, channel_centre_ghz, noise_bandwidth_mhz
        ),
        (n,),
    )
    if not (frac > 0).any():  # out of band: no geometry to compute
        return out
    j_pos, j_basis = jammer_position_ecef_km(jammer, utc_ns)
    az, el, rng = _look(j_pos, j_basis, sat_ecef_km)
    hit = np.flatnonzero((frac > 0) & (el > 0))
    if hit.size == 0:
        return out
    off = angle_between_deg(
        j_pos[None, :] - sat_ecef_km[hit], beam_centre_ecef_km[hit] - sat_ecef_km[hit]
    )
    f_ghz = np.broadcast_to(channel_centre_ghz, (n,))[hit]
    bw = np.broadcast_to(noise_bandwidth_mhz, (n,))[hit]
    out[hit] = (
        jammer.eirp_dbw
        + jammer.antenna_loss_db(az[hit], el[hit])
        + 10 * np.log10(frac[hit])
        - fspl_db(rng[hit], f_ghz)
        + np.broadcast_to(sat_gt_dbk, (n,))[hit]
        + satellite_beam_loss_db(
            off, np.broadcast_to(beam_3db_deg, (n,))[hit], np.broadcast_to(beam_floor_db, (n,))[hit]
        )
        - BOLTZMANN_DBW_HZ_K
        - 10 * np.log10(bw * 1e6)
    )
    return out
