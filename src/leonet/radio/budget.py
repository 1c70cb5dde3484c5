"""Link-budget arithmetic, vectorised over links: FSPL, C/N0, Es/N0, SINR, rate.

Every function takes and returns dB quantities as arrays ``(link,)`` (or
anything that broadcasts).  The chain, as an engineer writes it by hand::

    C/N0 [dBHz] = EIRP + L_tx − FSPL − A_atm + G/T + L_rx − 10·log10 k   (dBW, dB, dB/K)
    Es/N0 [dB]  = C/N0 − 10·log10(R_s [Hz]),   R_s = channel bandwidth / (1 + roll-off)
    MODCOD      = best DVB-S2X entry with threshold ≤ Es/N0 − implementation loss
    rate [Mb/s] = R_s [Msym/s] × spectral efficiency [bit/sym]

``L_tx`` / ``L_rx`` are antenna losses relative to boresight or beam centre
(scan loss, beam roll-off; ≤ 0 dB).  FSPL is ITU-R P.525-4 eq. (4):
``20·log10(4π d f / c)`` (= 92.45 + 20·log10 f[GHz] + 20·log10 d[km]).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.constants import BOLTZMANN_J_K, C_KM_S
from leonet.radio.modcod import DVBS2X_LADDER, ModcodLadder, symbol_rate_msps
from leonet.radio.parameters import IMPLEMENTATION_LOSS_DB, ROLLOFF

__all__ = [
    "BOLTZMANN_DBW_HZ_K",
    "LinkBudget",
    "cn0_dbhz",
    "esn0_db",
    "fspl_db",
    "gt_dbk",
    "link_budget",
    "sinr_db",
]

F64 = NDArray[np.float64]

#: 10·log10(k), dBW/(Hz·K) = −228.60 (k exact, SI 2019).
BOLTZMANN_DBW_HZ_K = 10.0 * math.log10(BOLTZMANN_J_K)


def fspl_db(range_km: ArrayLike, frequency_ghz: ArrayLike) -> F64:
    """Free-space path loss (dB): ``20·log10(4π d f / c)``, ITU-R P.525-4 eq. (4).

    >>> round(float(fspl_db(1_000.0, 12.0)), 2)
    174.03
    """
    d_km = np.asarray(range_km, dtype=np.float64)
    f_hz = np.asarray(frequency_ghz, dtype=np.float64) * 1e9
    return 20.0 * np.log10(4.0 * np.pi * d_km * f_hz / C_KM_S)


def gt_dbk(gain_dbi: ArrayLike, noise_temperature_k: ArrayLike) -> F64:
    """Figure of merit G/T (dB/K) from antenna gain (dBi) and system noise temperature (K)."""
    return np.asarray(gain_dbi, dtype=np.float64) - 10.0 * np.log10(
        np.asarray(noise_temperature_k, dtype=np.float64)
    )


def cn0_dbhz(
    eirp_dbw: ArrayLike,
    path_loss_db: ArrayLike,
    gt_dbk: ArrayLike,
    other_losses_db: ArrayLike = 0.0,
) -> F64:
    """Carrier-to-noise-density ratio (dBHz): EIRP − path loss + G/T − other losses − 10·log10 k."""
    return (
        np.asarray(eirp_dbw, dtype=np.float64)
        - np.asarray(path_loss_db, dtype=np.float64)
        + np.asarray(gt_dbk, dtype=np.float64)
        - np.asarray(other_losses_db, dtype=np.float64)
        - BOLTZMANN_DBW_HZ_K
    )


def esn0_db(cn0: ArrayLike, symbol_rate_msps: ArrayLike) -> F64:
    """Es/N0 (dB) = C/N0 − 10·log10(symbol rate in symbols/s)."""
    return np.asarray(cn0, dtype=np.float64) - 10.0 * np.log10(
        np.asarray(symbol_rate_msps, dtype=np.float64) * 1e6
    )


def sinr_db(snr_db: ArrayLike, *interference_to_noise_db: ArrayLike) -> F64:
    """SINR (dB) from SNR and any number of I/N terms (dB; −inf = none): S / (N + ΣI)."""
    snr = np.asarray(snr_db, dtype=np.float64)
    total = np.ones_like(snr)
    for term in interference_to_noise_db:
        total = total + 10.0 ** (np.asarray(term, dtype=np.float64) / 10.0)
    return snr - 10.0 * np.log10(total)


@dataclass(frozen=True)
class LinkBudget:
    """Every term of a set of links, arrays ``(link,)``, as an engineer checks it by hand.

    Gains and losses are in dB with the sign they enter the sum with
    (antenna losses ≤ 0; ``fspl_db`` and ``atmospheric_loss_db`` ≥ 0 are
    subtracted).  ``snr_db`` is Es/N0 over thermal noise; ``modcod`` is
    selected at ``snr_db − implementation_loss_db`` (index into the ladder's
    table; −1 outage) and ``capacity_mbps`` is that MODCOD's rate on one channel.
    """

    frequency_ghz: F64
    slant_range_km: F64
    elevation_deg: F64
    eirp_dbw: F64
    tx_antenna_loss_db: F64
    fspl_db: F64
    atmospheric_loss_db: F64
    gt_dbk: F64
    rx_antenna_loss_db: F64
    boltzmann_dbw_hz_k: F64
    cn0_dbhz: F64
    channel_mhz: F64
    symbol_rate_msps: F64
    snr_db: F64
    implementation_loss_db: F64
    modcod: NDArray[np.int64]
    efficiency_bps_hz: F64
    capacity_mbps: F64

    def __len__(self) -> int:
        return int(self.snr_db.shape[0])

    def row(self, k: int, ladder: ModcodLadder = DVBS2X_LADDER) -> dict[str, float | str]:
        """Link ``k`` as a flat dict (numbers as float, ``modcod`` as its name)."""
        out: dict[str, float | str] = {
            name: float(np.asarray(value)[k]) for name, value in asdict(self).items()
        }
        out["modcod"] = ladder.name(int(self.modcod[k]))
        return out


def link_budget(  # noqa: PLR0913 — the terms of a budget, as ITU-R worked examples list them
    frequency_ghz: ArrayLike,
    slant_range_km: ArrayLike,
    elevation_deg: ArrayLike,
    atmospheric_loss_db: ArrayLike,
    eirp_dbw: ArrayLike,
    gt_dbk: ArrayLike,
    channel_mhz: ArrayLike,
    *,
    tx_antenna_loss_db: ArrayLike = 0.0,
    rx_antenna_loss_db: ArrayLike = 0.0,
    rolloff: float = ROLLOFF,
    implementation_loss_db: float = IMPLEMENTATION_LOSS_DB,
    ladder: ModcodLadder = DVBS2X_LADDER,
) -> LinkBudget:
    """The budget of many links at once (all arguments broadcast to ``(link,)``)."""
    f, rng, el, atm, eirp, gt, bw, ltx, lrx = (
        np.atleast_1d(np.asarray(a, dtype=np.float64))
        for a in np.broadcast_arrays(
            frequency_ghz,
            slant_range_km,
            elevation_deg,
            atmospheric_loss_db,
            eirp_dbw,
            gt_dbk,
            channel_mhz,
            tx_antenna_loss_db,
            rx_antenna_loss_db,
        )
    )
    loss = fspl_db(rng, f)
    cn0 = cn0_dbhz(eirp + ltx, loss + atm, gt + lrx)
    rs = symbol_rate_msps(bw, rolloff)
    snr = esn0_db(cn0, rs)
    modcod = ladder.select(snr - implementation_loss_db)
    eff = ladder.efficiency_bps_hz(modcod)
    return LinkBudget(
        frequency_ghz=f,
        slant_range_km=rng,
        elevation_deg=el,
        eirp_dbw=eirp,
        tx_antenna_loss_db=ltx,
        fspl_db=loss,
        atmospheric_loss_db=atm,
        gt_dbk=gt,
        rx_antenna_loss_db=lrx,
        boltzmann_dbw_hz_k=np.full_like(f, BOLTZMANN_DBW_HZ_K),
        cn0_dbhz=cn0,
        channel_mhz=bw,
        symbol_rate_msps=rs,
        snr_db=snr,
        implementation_loss_db=np.full_like(f, implementation_loss_db),
        modcod=modcod,
        efficiency_bps_hz=eff,
        capacity_mbps=rs * eff,
    )
