"""Every number of the radio and capacity model, each with its source or reasoning.

This is the one place a link-budget or capacity number lives; every other
module of :mod:`leonet.radio` and :mod:`leonet.capacity` takes these objects
(or a user's replacement built with :func:`dataclasses.replace`).

Status of each number (in its comment):

* **filing** — read from a SpaceX FCC filing (file number given);
* **standard** — from an ITU-R recommendation or ETSI standard;
* **derived** — computed here from other numbers (the arithmetic is shown);
* **assumption** — not published; the value is our estimate and the
  comment gives the reasoning.  Change these first when better data appears.

Sources
-------
[F1] SpaceX, "Technical Attachment / Schedule S", IBFS SAT-LOA-20161115-00118
     (Ku/Ka NGSO system, 2016) and SAT-MOD-20200417-00037 (Gen1 at 540–570 km):
     user links Ku 10.7–12.7 GHz down / 14.0–14.5 GHz up, gateway links Ka
     17.8–19.3 GHz down / 27.5–30.0 GHz up, 25° minimum elevation.
[F2] SpaceX Services, application to modify blanket earth-station licence
     SES-LIC-20230228-00228 (2024): maximum EIRP of the fixed user terminals
     raised to 43.6 dBW (UT3-V1) and 39.2 dBW (UT3-V2).
[H1] T. E. Humphreys et al., "Signal Structure of the Starlink Ku-Band Downlink",
     IEEE Trans. Aerosp. Electron. Syst. 59(5), 2023: 8 downlink channels of
     250 MHz spacing (240 MHz occupied) across 10.7–12.7 GHz.
[E1] ETSI EN 302 307-2 V1.1.1 (2014-10), DVB-S2X, Table 13 (see modcod.py).
[I1] ITU-R S.465-6 (2010), reference earth-station radiation pattern.
[I2] ITU-R S.1528 (2001), NGSO satellite antenna patterns (roll-off and floor).
[I3] ITU-R P.618-13 / P.676-12 / P.840-7 via the ``itur`` package (atmosphere).
[I4] ITU-R P.525-4 (2019), free-space attenuation; ITU-R P.526 / P.834: 4/3
     effective Earth radius for the radio horizon.
[M1] R. J. Mailloux, *Phased Array Antenna Handbook*, 3rd ed., Artech 2018,
     §1.1: scanned gain ∝ projected aperture cos θ times the element pattern.
[O1] WorldVu Satellites (OneWeb), petition for U.S. market access, IBFS
     SAT-LOI-20160428-00041, granted FCC 17-77 (2017): 720 satellites at 1,200 km,
     16 fixed user beams per satellite, Ku user links 10.7–12.7 GHz down / 12.75–13.25
     and 14.0–14.5 GHz up, Ka gateway links 17.8–20.2 GHz down / 27.5–30.0 GHz up.
[O2] I. del Portillo, B. G. Cameron, E. F. Crawley, "A technical comparison of three
     low earth orbit satellite constellation systems to provide global broadband",
     Acta Astronautica 159 (2019) 123, Table 1: OneWeb user minimum elevation 55°.
[O3] J. Zhao et al., "Measuring the OneWeb Satellite Network", IFIP TMA 2025: OneWeb
     "generally fulfills its throughput SLA"; the ARA testbed's OneWeb terminal (Iowa
     State University, arawireless.org) is sold a 100 Mb/s down / 20 Mb/s up SLA.
[O4] satsig.net forum, "OneWeb satellite constellation coverage" (E. Hasler, 2021-12,
     secondary estimate from the public satellite description): 16 Ku beams of
     about 48° × 3°, ~24 dBi at beam centre, uplink G/T about −1 dB/K.
[K1] Eutelsat, KA-SAT (launched 2010-12, at 9° E): 82 Ka-band spot beams over Europe
     and the Mediterranean, more than 70 Gb/s in all; user downlink 19.7–20.2 GHz,
     uplink 29.5–30.0 GHz (the Ka exclusive bands).  Tooway on KA-SAT: dishes of
     70–120 cm, up to 50 Mb/s down and 6 Mb/s up per subscriber (Italian Civil
     Protection CER, "Piattaforma Viasat Tooway", protecer.org).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from leonet.constants import C_KM_S
from leonet.defaults import GEN1_USER_BEAMS, GEN2_MINI_USER_BEAMS

__all__ = [
    "BUSY_HOUR_ACTIVITY_FACTOR",
    "BUSY_HOUR_DOWN_MBPS",
    "BUSY_HOUR_UP_MBPS",
    "DEFAULT_EXCEEDANCE_PERCENT",
    "DEFAULT_GATEWAY",
    "DEFAULT_OFFERED_LOAD_DOWN_MBPS",
    "DEFAULT_OFFERED_LOAD_UP_MBPS",
    "DEFAULT_SATELLITE",
    "DEFAULT_TERMINALS_PER_KM2",
    "GATEWAY_DOWNLINK",
    "GATEWAY_UPLINK",
    "GEO_GATEWAY",
    "IMPLEMENTATION_LOSS_DB",
    "JAMMER_DEFAULT_HEIGHT_M",
    "KASAT_GATEWAY_DOWNLINK",
    "KASAT_GATEWAY_UPLINK",
    "KASAT_USER_DOWNLINK",
    "KASAT_USER_UPLINK",
    "LASER_CAPACITY_MBPS",
    "ONEWEB_USER_DOWNLINK",
    "ONEWEB_USER_UPLINK",
    "RADIO_HORIZON_K_FACTOR",
    "RADIO_SYSTEMS",
    "ROLLOFF",
    "SATELLITES",
    "SUBSCRIBER_MONTHLY_DOWN_GB",
    "SUBSCRIBER_MONTHLY_UP_GB",
    "TERMINALS",
    "TERMINAL_ANTENNA_HEIGHT_M",
    "USER_DOWNLINK",
    "USER_UPLINK",
    "Band",
    "GatewayType",
    "RadioSystem",
    "SatelliteType",
    "TerminalType",
]


@dataclass(frozen=True)
class Band:
    """A band ``low_ghz``–``high_ghz`` split into equal channels of ``channel_mhz``."""

    name: str
    low_ghz: float
    high_ghz: float
    channel_mhz: float

    @property
    def n_channels(self) -> int:
        """Channels that fit in the band."""
        return round((self.high_ghz - self.low_ghz) * 1e3 / self.channel_mhz)

    @property
    def centre_ghz(self) -> float:
        """Centre of the band, GHz (the frequency the budgets use by default)."""
        return 0.5 * (self.low_ghz + self.high_ghz)

    def channel_centre_ghz(self, channel: int) -> float:
        """Centre of channel ``channel`` (0-based from the band's low edge), GHz."""
        if not 0 <= channel < self.n_channels:
            raise ValueError(
                f"channel {channel} outside {self.name}'s {self.n_channels} channels (0..."
                f"{self.n_channels - 1})"
            )
        return self.low_ghz + (channel + 0.5) * self.channel_mhz * 1e-3


# Bands [F1]; downlink channelisation [H1]; uplink 62.5 MHz channels as given in the
# issue (8 channels in the 500 MHz Ku uplink band — assumption consistent with [F1]).
USER_DOWNLINK = Band("Ku user downlink", 10.7, 12.7, 250.0)
USER_UPLINK = Band("Ku user uplink", 14.0, 14.5, 62.5)
# Gateway channels of 250 MHz: assumption (the filings give the bands, not a plan).
GATEWAY_DOWNLINK = Band("Ka gateway downlink", 17.8, 19.3, 250.0)
GATEWAY_UPLINK = Band("Ka gateway uplink", 27.5, 30.0, 250.0)

# OneWeb's user bands [O1]: Ku downlink 10.7–12.7 GHz; of its two uplink bands leonet uses
# 14.0–14.5 GHz.  Channels: Assumption — 250 MHz per user beam (an eighth of the 2 GHz
# downlink, as Starlink's), 62.5 MHz uplink channels (as Starlink's).
ONEWEB_USER_DOWNLINK = Band("OneWeb Ku user downlink", 10.7, 12.7, 250.0)
ONEWEB_USER_UPLINK = Band("OneWeb Ku user uplink", 14.0, 14.5, 62.5)
# KA-SAT's user bands [K1].  Channels: Assumption — 250 MHz per spot beam downlink (two
# channels × two polarisations: the four-colour reuse of [K1]'s 82 beams); 20 MHz return
# channels (the return is MF-TDMA; a 20 MHz carrier group per beam is our assumption).
KASAT_USER_DOWNLINK = Band("KA-SAT Ka user downlink", 19.7, 20.2, 250.0)
KASAT_USER_UPLINK = Band("KA-SAT Ka user uplink", 29.5, 30.0, 20.0)
# KA-SAT's feeder bands: Assumption — the Ka FSS bands below the user bands, 17.7–19.7 GHz
# down and 27.5–29.5 GHz up, 250 MHz channels.
KASAT_GATEWAY_DOWNLINK = Band("KA-SAT Ka feeder downlink", 17.7, 19.7, 250.0)
KASAT_GATEWAY_UPLINK = Band("KA-SAT Ka feeder uplink", 27.5, 29.5, 250.0)

#: DVB-S2X square-root raised-cosine roll-off; symbol rate = bandwidth / (1 + roll-off).
#: Assumption: 0.10, one of the DVB-S2X roll-offs (0.05/0.10/0.15 [E1] clause 5.5).
#: (Starlink itself uses OFDM [H1]; DVB-S2X is the capacity proxy of this model.)
ROLLOFF = 0.10

#: Implementation loss against the ideal Es/N0 thresholds of [E1] (modem, phase noise,
#: non-linearity).  Assumption: 1.0 dB, a common allowance in HTS link budgets.
IMPLEMENTATION_LOSS_DB = 1.0

#: Percentage of an average year the atmospheric attenuation is exceeded [I3].
#: Assumption: 1 % (a 99 %-availability budget; p must lie in 0.001–50 %).
DEFAULT_EXCEEDANCE_PERCENT = 1.0


def _gain_dbi(aperture_m2: float, efficiency: float, frequency_ghz: float) -> float:
    """Aperture gain 10·log10(η 4π A / λ²), dBi (Balanis, *Antenna Theory*, eq. 2-110)."""
    wavelength_m = C_KM_S / (frequency_ghz * 1e6)
    return 10.0 * math.log10(efficiency * 4.0 * math.pi * aperture_m2 / wavelength_m**2)


@dataclass(frozen=True)
class TerminalType:
    """A user terminal: flat phased array, boresight normal to the panel.

    ``aperture_m2`` and ``efficiency`` set the peak gain (and the off-axis
    pattern's D/λ); ``noise_temperature_k`` the receive system noise;
    ``eirp_dbw`` the maximum transmit EIRP over one uplink channel at
    boresight; ``scan_exponent`` n of the scan loss 10·n·log10(cos θ);
    ``scan_floor_db`` the lowest the scan/element loss goes (toward and below
    the panel's horizon); ``max_scan_deg`` the largest usable scan angle.
    """

    name: str
    aperture_m2: float
    efficiency: float
    noise_temperature_k: float
    eirp_dbw: float
    scan_exponent: float
    scan_floor_db: float
    max_scan_deg: float

    def peak_gain_dbi(self, frequency_ghz: float) -> float:
        """Boresight gain at ``frequency_ghz``, dBi."""
        return _gain_dbi(self.aperture_m2, self.efficiency, frequency_ghz)

    def gt_dbk(self, frequency_ghz: float) -> float:
        """Boresight G/T at ``frequency_ghz``, dB/K: peak gain − 10·log10(T_sys)."""
        return self.peak_gain_dbi(frequency_ghz) - 10.0 * math.log10(self.noise_temperature_k)

    def diameter_over_wavelength(self, frequency_ghz: float) -> float:
        """D/λ of the circle with the same area (for the ITU-R S.465 envelope)."""
        diameter_m = math.sqrt(4.0 * self.aperture_m2 / math.pi)
        return diameter_m * frequency_ghz * 1e6 / C_KM_S


#: Terminal types.  Apertures: the panel sizes SpaceX publishes for the products
#: (standard 594 × 383 mm, mini 298.5 × 259 mm; starlink.com/specifications) —
#: the radiating aperture is assumed to be the panel.  Efficiency 0.6 and a system
#: noise temperature of 200 K are assumptions (typical Ku flat arrays with LNAs
#: at each element).  Derived G/T at 11.7 GHz: standard 34.2 dBi − 23.0 dB·K =
#: 11.2 dB/K; mini 29.5 − 23.0 = 6.5 dB/K.  EIRP: [F2] (UT3-V1 43.6 dBW for the
#: standard, UT3-V2 39.2 dBW for the mini — our mapping of the filing's form
#: factors to products is an assumption).  Scan loss cos^1.3 θ: projected
#: aperture (n = 1) times an element pattern cos^0.3 θ [M1] — n = 1.3 is an
#: assumption inside the 1.0–1.5 range typical of patch arrays.  Floor −30 dB
#: relative to boresight toward and beyond the panel's horizon (back-lobe,
#: assumption).  Maximum scan 65°: 25° elevation mask [F1] with the panel level.
TERMINALS: dict[str, TerminalType] = {
    "standard": TerminalType("standard", 0.594 * 0.383, 0.6, 200.0, 43.6, 1.3, -30.0, 65.0),
    "mini": TerminalType("mini", 0.2985 * 0.259, 0.6, 200.0, 39.2, 1.3, -30.0, 65.0),
    # OneWeb user terminal, an electronically steered Ku flat panel (Hughes HL1100-series
    # class).  Assumptions: a 0.6 × 0.6 m radiating aperture, η 0.6 and 200 K as for the
    # Starlink panels (derived G/T at 11.7 GHz: 36.2 dBi − 23.0 = 13.2 dB/K); 40 dBW
    # uplink EIRP per channel (a few watts into ~37 dBi at 14.25 GHz); the scan law of
    # the Starlink panels; scan at most 35°, the complement of OneWeb's 55° mask [O2].
    "oneweb-flat-panel": TerminalType(
        "oneweb-flat-panel", 0.6 * 0.6, 0.6, 200.0, 40.0, 1.3, -30.0, 35.0
    ),
    # KA-SAT VSAT: a 77 cm offset dish (the common size in [K1]'s 70-120 cm range)
    # pointed at the satellite, so it never scans (exponent 0, any elevation).
    # Assumptions: η 0.65, 250 K system noise (Ka LNB + sky; derived G/T at 19.95 GHz:
    # 42.3 dBi − 24.0 = 18.3 dB/K), a 3 W transceiver → 50.5 dBW EIRP at 29.75 GHz.
    "geo-vsat-ka": TerminalType(
        "geo-vsat-ka", math.pi * 0.385**2, 0.65, 250.0, 50.5, 0.0, -30.0, 90.0
    ),
}


@dataclass(frozen=True)
class SatelliteType:
    """A satellite generation's payload.

    Ku user links: ``downlink_eirp_dbw`` per 250 MHz channel at beam centre;
    ``uplink_gt_dbk`` at beam centre; beams roll off as −12·(φ/φ3dB)² dB down
    to ``beam_floor_db`` [I2] with ``beam_3db_deg`` the 3-dB beamwidth.  Ka
    gateway links: ``feeder_eirp_dbw`` per channel (downlink to the gateway)
    and ``feeder_gt_dbk`` (uplink from it).  ``user_beams``: simultaneous user
    beams; ``lasers``: optical inter-satellite terminals.
    ``sinr_ceiling_down_db`` / ``sinr_ceiling_up_db``: the C/(I+D) the user links
    cannot exceed however strong the carrier — interference and distortion the
    model does not compute link by link (see :data:`SATELLITES`); ``inf``: none.
    """

    name: str
    downlink_eirp_dbw: float
    uplink_gt_dbk: float
    beam_3db_deg: float
    beam_floor_db: float
    feeder_eirp_dbw: float
    feeder_gt_dbk: float
    user_beams: int
    lasers: int
    sinr_ceiling_down_db: float = math.inf
    sinr_ceiling_up_db: float = math.inf


#: Satellite generations.  All payload numbers below are assumptions unless marked:
#:
#: * ``downlink_eirp_dbw`` 36.7 dBW per 250 MHz channel (gen1): the EIRP at which the
#:   power-flux density at the ground from 550 km (spreading loss 10·log10(4π d²) =
#:   125.8 dB at nadir, 131.6 dB at 25° elevation) sits at −137.1 / −142.9 dB(W/m²)
#:   in 4 kHz — at the ITU RR Art. 21 Ku NGSO limits' level, which bound any
#:   operator's downlink; also the value used for SpaceX in del Portillo et al.,
#:   Acta Astronautica 159 (2019) 123 (read from [F1]).  gen2-mini: +3 dB
#:   (assumption: SpaceX says V2 Mini carries ~4× the capacity of V1.5).
#: * ``uplink_gt_dbk`` 9.4 dB/K: a Ku receive array of 37.0 dBi (aperture ~0.7 m²)
#:   with a 575 K system temperature (Earth-facing antenna at 290 K plus receiver).
#: * ``beam_3db_deg`` 1.8°: ~70 λ/D for a ~1 m array at 11.7 GHz (footprint ~17 km
#:   across at nadir from 550 km, about one H3 resolution-5 cell); floor −25 dB
#:   (ITU-R S.1528 recommends 1.2, L_N = −25 dB) [I2].
#: * ``feeder_eirp_dbw`` 40.0 dBW per Ka channel and ``feeder_gt_dbk`` 13.0 dB/K
#:   (parabolic Ka gateway antennas on the satellite, ~0.5 m).
#: * ``user_beams`` 32 (gen1), 128 (gen2-mini): not published; the assumptions and
#:   their reasoning are :data:`leonet.defaults.GEN1_USER_BEAMS` and
#:   :data:`leonet.defaults.GEN2_MINI_USER_BEAMS`.
#: * ``lasers`` 3 (gen1 V1.5) / 3 (gen2-mini): SpaceX's V1.5 and V2 Mini carry
#:   laser terminals (starlink.com); the count 3 is an assumption.
#: * ``sinr_ceiling_down_db`` 10.5 dB, ``sinr_ceiling_up_db`` 4.5 dB (**calibrated**):
#:   the signal-to-(interference + distortion) ratio of a user link at beam centre
#:   from everything the model does not compute link by link — co-channel beams of
#:   neighbouring satellites landing next to the cell (SpaceX keeps N_co = 1, no two
#:   co-frequency beams *overlapping*, so adjacent co-frequency beams are the rule),
#:   adjacent-channel leakage of the neighbouring beams, the payload's multi-carrier
#:   intermodulation and the terminal's phase noise and EVM.  Thermal SNR alone is
#:   25 dB at a high satellite (``leonet link --at Kyiv``), which would give 256APSK
#:   and 1.34 Gb/s on one 250 MHz channel; no Starlink terminal comes near that.
#:   The ceilings are set so that a terminal alone in its beam under a high
#:   satellite lands on the peak rates measured for one terminal: **down** ≈ 610 Mb/s,
#:   the single-terminal peak of the U.S. Air Force Research Laboratory's 2019 "Global
#:   Lightning" flight tests (press reports; a secondary source — no per-terminal peak
#:   is published by SpaceX), in line with the highest single speed tests users post
#:   (~500–700 Mb/s) → 16APSK 25/36 on 227
#:   Msym/s = 624 Mb/s, needing 9.27 + 1.0 dB → 10.5 dB (SINR with 25 dB SNR: 10.35);
#:   **up** ≈ 60 Mb/s: the top of the residential upload speed tests (Starlink's own
#:   metrics, May 2026: p80 of 55 Mb/s in Poland, 43 in Germany — a speed test's p80 is
#:   close to an unloaded beam's peak; a calibration, not a measurement of the peak) →
#:   QPSK 11/20 on 56.8 Msym/s = 62 Mb/s, needing 1.45 + 1.0 dB; the next step (8APSK
#:   5/9-L, 94 Mb/s) would need 5.73 dB → a 4.5 dB ceiling sits between.
#:   The uplink ceiling is the lower because terminals share each uplink channel and
#:   must hold their EIRP density under the Art. 22 EPFD limits toward the GSO arc (uplink power
#:   control), which the 43.6 dBW maximum of [F2] ignores.  The physically computed
#:   parts — the serving satellite's own co-channel beams (both directions) and other
#:   satellites' beams on the terminal (downlink) — come on top of these
#:   (:mod:`leonet.radio.links`).  gen2-mini: the same (assumption: no published
#:   per-link data).
SATELLITES: dict[str, SatelliteType] = {
    "gen1": SatelliteType("gen1", 36.7, 9.4, 1.8, -25.0, 40.0, 13.0, GEN1_USER_BEAMS, 3, 10.5, 4.5),
    "gen2-mini": SatelliteType(
        "gen2-mini", 39.7, 12.4, 1.5, -25.0, 43.0, 16.0, GEN2_MINI_USER_BEAMS, 3, 10.5, 4.5
    ),
    # OneWeb (first generation).  user_beams 16 and lasers 0: [O1] (fixed beams, bent
    # pipe).  Assumptions: downlink EIRP 34.3 dBW per 250 MHz (10 W into the ~24.3 dBi beam
    # of [O4]; the Art. 21 PFD limit −140 dB(W/m²·4 kHz) at nadir from 1,200 km would allow
    # up to 40.6 dBW); uplink G/T −1.0 dB/K [O4]; 3° beams (the narrow side of [O4]'s
    # 48° × 3°), floor −25 dB [I2]; feeder numbers as Starlink gen1's.  Ceilings
    # (calibrated, assumption): 2.0 dB down → QPSK 9/20 on 227 Msym/s = 202 Mb/s and
    # −0.5 dB up → QPSK 13/45 on 56.8 Msym/s = 32 Mb/s for a lone terminal: twice and
    # 1.6× the 100/20 Mb/s SLA [O3] found met — no per-terminal peak is published.
    "oneweb-gen1": SatelliteType(
        "oneweb-gen1", 34.3, -1.0, 3.0, -25.0, 40.0, 13.0, 16, 0, 2.0, -0.5
    ),
    # KA-SAT, geostationary at 9° E.  user_beams 82, lasers 0: [K1].  Assumptions: 60 dBW
    # per 250 MHz beam at beam centre and 17 dB/K uplink G/T (a typical Ka HTS spot beam),
    # 0.45° beams (~280 km across from 35,786 km), floor −25 dB [I2]; feeder 65 dBW and
    # 20 dB/K.  Ceilings (calibrated, assumption): 13.0 dB down → 16APSK 77/90 on
    # 227 Msym/s = 770 Mb/s a beam (70 Gb/s / 82 beams ≈ 850 Mb/s [K1]); 8.5 dB up →
    # at most 16APSK 26/45 on 18.2 Msym/s = 41 Mb/s a beam's return carrier group.  These
    # are caps: from Kyiv at the 1 % atmosphere the thermal budget gives 499 / 20 Mb/s
    # (``leonet link --at Kyiv --operator ka-sat``).
    "ka-sat": SatelliteType("ka-sat", 60.0, 17.0, 0.45, -25.0, 65.0, 20.0, 82, 0, 13.0, 8.5),
}
DEFAULT_SATELLITE = "gen1"


@dataclass(frozen=True)
class GatewayType:
    """A gateway antenna: ``eirp_dbw`` per Ka uplink channel and ``gt_dbk`` on the Ka downlink."""

    name: str
    eirp_dbw: float
    gt_dbk: float


#: Gateway: 1.47 m parabolic antennas (SpaceX gateway earth-station applications,
#: e.g. SES-LIC-INTR2019-02327, list 1.47 m dishes).  Derived gain at 18.55 GHz
#: with η = 0.65: 47.1 dBi; T_sys 250 K (24.0 dB·K) → G/T 23.1 dB/K.  Uplink EIRP
#: 60 dBW per 250 MHz channel: assumption (≈13 dBW into a 50.6 dBi antenna at
#: 28.75 GHz), inside the filings' earth-station envelopes.
DEFAULT_GATEWAY = GatewayType("1.47 m Ka gateway", 60.0, 23.1)

#: A geostationary system's gateway: Assumption — a 9 m Ka antenna (the class of HTS
#: gateway dishes): derived gain at 18.7 GHz with η = 0.65: 63.0 dBi, T_sys 250 K →
#: G/T 39.0 dB/K; uplink EIRP 80 dBW per 250 MHz channel (~13 dBW into 66.8 dBi at 28.5 GHz).
GEO_GATEWAY = GatewayType("9 m Ka GEO gateway", 80.0, 39.0)


@dataclass(frozen=True)
class RadioSystem:
    """One operator's radio: the satellites' and terminals' type names (keys of
    :data:`SATELLITES` and :data:`TERMINALS`), its user and feeder bands and its gateway
    antenna — what :class:`leonet.radio.RadioConfig` and :class:`leonet.radio.RadioModel`
    take for a run of that system (``radio.operator`` in a scenario)."""

    name: str
    satellite: str
    terminal: str
    downlink: Band
    uplink: Band
    gateway_downlink: Band
    gateway_uplink: Band
    gateway: GatewayType


#: The radio of each operator leonet models (sources at the bands and types used).
RADIO_SYSTEMS: dict[str, RadioSystem] = {
    "ka-sat": RadioSystem(
        "ka-sat",
        "ka-sat",
        "geo-vsat-ka",
        KASAT_USER_DOWNLINK,
        KASAT_USER_UPLINK,
        KASAT_GATEWAY_DOWNLINK,
        KASAT_GATEWAY_UPLINK,
        GEO_GATEWAY,
    ),
    "oneweb": RadioSystem(
        "oneweb",
        "oneweb-gen1",
        "oneweb-flat-panel",
        ONEWEB_USER_DOWNLINK,
        ONEWEB_USER_UPLINK,
        GATEWAY_DOWNLINK,  # inside OneWeb's Ka feeder bands [O1]
        GATEWAY_UPLINK,
        DEFAULT_GATEWAY,  # Assumption: a gateway dish of Starlink's class (SNP dishes ~2.4 m)
    ),
    "starlink": RadioSystem(
        "starlink",
        DEFAULT_SATELLITE,
        "standard",
        USER_DOWNLINK,
        USER_UPLINK,
        GATEWAY_DOWNLINK,
        GATEWAY_UPLINK,
        DEFAULT_GATEWAY,
    ),
}

#: Capacity of one optical inter-satellite link, Mb/s (given in the issue; SpaceX
#: describes its space lasers as up to 100 Gb/s each, starlink.com "technology").
LASER_CAPACITY_MBPS = 100_000.0

#: Effective Earth-radius factor for the radio horizon (standard atmosphere,
#: ITU-R P.834 / P.526: k = 4/3) [I4].
RADIO_HORIZON_K_FACTOR = 4.0 / 3.0
#: Terminal antenna height above the ground for the radio horizon, m (assumption:
#: a roof- or mast-mounted dish, 3 m).
TERMINAL_ANTENNA_HEIGHT_M = 3.0
#: Jammer antenna height above the ground when not given, m (assumption: vehicle
#: mast, 10 m).
JAMMER_DEFAULT_HEIGHT_M = 10.0

#: Terminals per km² in a cell when not given.  Assumption: ~50,000 active
#: terminals over Ukraine's 603,500 km² (reported in 2023–24 by Ukraine's Ministry
#: of Digital Transformation: "over 42,000") → 0.08; rounded to 0.1.
DEFAULT_TERMINALS_PER_KM2 = 0.1
#: Offered load per terminal at the busy hour, Mb/s.  Assumption: 25 down / 3 up
#: (a streaming-heavy household or small office; Ookla median Starlink speeds are
#: ~100 / 10 Mb/s, i.e. the peak a terminal can draw, not its average demand).
DEFAULT_OFFERED_LOAD_DOWN_MBPS = 25.0
DEFAULT_OFFERED_LOAD_UP_MBPS = 3.0

# --- busy-hour demand (the background load of a speed test) -------------------------------
#: Traffic of one fixed-broadband subscriber per month, GB (10⁹ bytes).  Source: OpenVault
#: Broadband Insights (quarterly; Q4 2023 / Q4 2024): an average U.S. household moves
#: ~640-660 GB a month, ~93 % of it downstream.  Assumption: a Starlink household sits
#: a little below the U.S. cable average (many are rural or secondary users; European
#: averages are lower still): 500 GB down, 40 GB up.
SUBSCRIBER_MONTHLY_DOWN_GB = 500.0
SUBSCRIBER_MONTHLY_UP_GB = 40.0
#: Busy-hour traffic over the month's mean traffic.  Source: Cisco VNI (2017–2022
#: forecast) put busy-hour Internet traffic at ~1.7–2× the average hour and growing
#: faster; operators' diurnal curves (Sandvine Global Internet Phenomena) peak at ~2×
#: the daily mean in the evening.  Assumption: 2.0.
BUSY_HOUR_ACTIVITY_FACTOR = 2.0
_SECONDS_PER_MONTH = 365.25 / 12 * 86_400
#: Mean busy-hour demand of one subscriber, Mb/s (derived: GB/month × 8000 / seconds per
#: month × busy-hour factor = 3.04 down, 0.24 up): the load every other terminal puts
#: on its beam while one terminal runs a speed test (``CapacityConfig``).
BUSY_HOUR_DOWN_MBPS = (
    SUBSCRIBER_MONTHLY_DOWN_GB * 8e3 / _SECONDS_PER_MONTH * BUSY_HOUR_ACTIVITY_FACTOR
)
BUSY_HOUR_UP_MBPS = SUBSCRIBER_MONTHLY_UP_GB * 8e3 / _SECONDS_PER_MONTH * BUSY_HOUR_ACTIVITY_FACTOR
