"""The DVB-S2X MODCOD ladder: required Es/N0 → spectral efficiency → rate.

The table is ETSI EN 302 307-2 V1.1.1 (2014-10), Table 13: the DVB-S2X
MODCODs for normal frames (64,800 bits), with their spectral efficiency
(information bits per transmitted symbol, no pilots) and the *ideal* Es/N0
(AWGN, linear channel, quasi-error-free: PER 10⁻⁵) they need.

Selection picks, for an Es/N0, the most efficient MODCOD whose threshold is at
or below it.  Some MODCODs are dominated (16APSK 26/45 needs 7.51 dB for 2.28
b/s/Hz while 16APSK 3/5-L gives 2.37 b/s/Hz from 7.41 dB); selection over the
table therefore uses its *efficient frontier*, which makes the rate a
non-decreasing step function of Es/N0.  Below the lowest threshold (QPSK 2/9,
−2.85 dB) the link is in **outage** (index −1, rate 0).

>>> ladder = DVBS2X_LADDER
>>> ladder.name(ladder.select(-2.85)), ladder.name(ladder.select(-2.86))
('QPSK 2/9', 'outage')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.radio.parameters import ROLLOFF

__all__ = [
    "DVBS2X_LADDER",
    "DVBS2X_NORMAL",
    "OUTAGE",
    "Modcod",
    "ModcodLadder",
    "symbol_rate_msps",
]

#: The MODCOD index that means "no MODCOD closes the link".
OUTAGE = -1


@dataclass(frozen=True)
class Modcod:
    """One MODCOD: name, spectral efficiency (bit/symbol) and ideal Es/N0 (dB)."""

    name: str
    efficiency_bps_hz: float
    esn0_db: float


#: ETSI EN 302 307-2 V1.1.1 Table 13 (normal frames, AWGN, ideal Es/N0), in the
#: standard's order.  Cross-checked against two independent public transcriptions.
DVBS2X_NORMAL: tuple[Modcod, ...] = tuple(
    Modcod(name, eff, esn0)
    for name, eff, esn0 in (
        ("QPSK 2/9", 0.434841, -2.85),
        ("QPSK 13/45", 0.567805, -2.03),
        ("QPSK 9/20", 0.889135, 0.22),
        ("QPSK 11/20", 1.088581, 1.45),
        ("8APSK 5/9-L", 1.647211, 4.73),
        ("8APSK 26/45-L", 1.713601, 5.13),
        ("8PSK 23/36", 1.896173, 6.12),
        ("8PSK 25/36", 2.062148, 7.02),
        ("8PSK 13/18", 2.145136, 7.49),
        ("16APSK 1/2-L", 1.972253, 5.97),
        ("16APSK 8/15-L", 2.104850, 6.55),
        ("16APSK 5/9-L", 2.193247, 6.84),
        ("16APSK 26/45", 2.281645, 7.51),
        ("16APSK 3/5", 2.370043, 7.80),
        ("16APSK 3/5-L", 2.370043, 7.41),
        ("16APSK 28/45", 2.458441, 8.10),
        ("16APSK 23/36", 2.524739, 8.38),
        ("16APSK 2/3-L", 2.635236, 8.43),
        ("16APSK 25/36", 2.745734, 9.27),
        ("16APSK 13/18", 2.856231, 9.71),
        ("16APSK 7/9", 3.077225, 10.65),
        ("16APSK 77/90", 3.386618, 11.99),
        ("32APSK 2/3-L", 3.289502, 11.10),
        ("32APSK 32/45", 3.510192, 11.75),
        ("32APSK 11/15", 3.620536, 12.17),
        ("32APSK 7/9", 3.841226, 13.05),
        ("64APSK 32/45-L", 4.206428, 13.98),
        ("64APSK 11/15", 4.338659, 14.81),
        ("64APSK 7/9", 4.603122, 15.47),
        ("64APSK 4/5", 4.735354, 15.87),
        ("64APSK 5/6", 4.933701, 16.55),
        ("128APSK 3/4", 5.163248, 17.73),
        ("128APSK 7/9", 5.355556, 18.53),
        ("256APSK 29/45-L", 5.065690, 16.98),
        ("256APSK 2/3-L", 5.241514, 17.24),
        ("256APSK 31/45-L", 5.417338, 18.10),
        ("256APSK 32/45", 5.593162, 18.59),
        ("256APSK 11/15-L", 5.768987, 18.84),
        ("256APSK 3/4", 5.900855, 19.57),
    )
)


def symbol_rate_msps(bandwidth_mhz: ArrayLike, rolloff: float = ROLLOFF) -> NDArray[np.float64]:
    """Symbol rate (Msymbol/s) filling ``bandwidth_mhz`` with root-raised-cosine ``rolloff``."""
    return np.asarray(bandwidth_mhz, dtype=np.float64) / (1.0 + rolloff)


class ModcodLadder:
    """Adaptive coding and modulation over a MODCOD table (vectorised).

    ``select(esn0_db)`` returns indices into ``table`` (``OUTAGE`` = −1 below the
    lowest threshold or for NaN); ``efficiency_bps_hz`` and ``rate_mbps`` the
    matching spectral efficiency and information rate.
    """

    def __init__(self, table: tuple[Modcod, ...] = DVBS2X_NORMAL) -> None:
        if not table:
            raise ValueError("a MODCOD ladder needs at least one MODCOD")
        self.table = table
        esn0 = np.array([m.esn0_db for m in table])
        eff = np.array([m.efficiency_bps_hz for m in table])
        order = np.lexsort((-eff, esn0))  # by threshold, then most efficient first
        best = np.maximum.accumulate(eff[order])
        keep = np.r_[True, best[1:] > best[:-1]]
        frontier = order[keep]
        #: Frontier thresholds (dB, increasing) and their table indices.
        self.thresholds_db = esn0[frontier]
        self.frontier = frontier.astype(np.int64)
        self._eff = np.r_[eff, 0.0]  # index -1 → 0 b/s/Hz

    def select(self, esn0_db: ArrayLike) -> NDArray[np.int64]:
        """The best MODCOD (table index) closing at each ``esn0_db``; −1 = outage."""
        x = np.asarray(esn0_db, dtype=np.float64)
        pos = np.searchsorted(self.thresholds_db, np.where(np.isnan(x), -np.inf, x), "right") - 1
        return np.where(pos >= 0, self.frontier[np.maximum(pos, 0)], OUTAGE).astype(np.int64)

    def efficiency_bps_hz(self, index: ArrayLike) -> NDArray[np.float64]:
        """Spectral efficiency (bit/symbol) of table indices; 0 for ``OUTAGE``."""
        eff: NDArray[np.float64] = self._eff[np.asarray(index, dtype=np.int64)]
        return eff

    def rate_mbps(
        self, esn0_db: ArrayLike, bandwidth_mhz: ArrayLike, rolloff: float = ROLLOFF
    ) -> NDArray[np.float64]:
        """Information rate (Mb/s): symbol rate × efficiency of the selected MODCOD."""
        return symbol_rate_msps(bandwidth_mhz, rolloff) * self.efficiency_bps_hz(
            self.select(esn0_db)
        )

    def name(self, index: int) -> str:
        """A MODCOD's name, or ``'outage'``."""
        return "outage" if index == OUTAGE else self.table[int(index)].name

    def names(self, index: ArrayLike) -> NDArray[np.str_]:
        """Names of many indices (``'outage'`` for −1)."""
        lookup = np.array([m.name for m in self.table] + ["outage"])
        return lookup[np.asarray(index, dtype=np.int64)]

    def rank(self, index: ArrayLike) -> NDArray[np.int64]:
        """Position on the frontier (0 = most robust; −1 = outage): for counting downshifts."""
        where = np.full(len(self.table) + 1, -1, dtype=np.int64)
        where[self.frontier] = np.arange(self.frontier.size)
        return where[np.asarray(index, dtype=np.int64)]


#: The ladder of :data:`DVBS2X_NORMAL`.
DVBS2X_LADDER = ModcodLadder(DVBS2X_NORMAL)
