"""Geostationary satellites at given longitudes, as a designed :class:`Constellation`.

A geostationary satellite sits over the equator at a fixed longitude (its orbital
*slot*), 35,786 km up.  :func:`geostationary_constellation` builds one satellite per
slot as SGP4 mean elements at the run's epoch, propagated by leonet's analytic
circular-orbit propagator (:mod:`leonet.space.analytic`): inclination 0, a mean
motion solved so that SGP4's secular rate of the argument of latitude plus the node
(J2, J2², J4 included) equals the rate of the IAU-82 sidereal time the propagator
rotates by — so the satellite stays on its slot (drift < 0.001° a day, tested) — and a
mean anomaly that puts it on the slot at the epoch.  Real geostationary satellites
are kept within ±0.05° of their slot by station keeping, which this idealises.

The satellites form one shell (``<name>-geo``) of one plane, so the engine's
"satellites outside every shell" rule keeps them; they carry no lasers.  The slot
longitudes of the systems leonet knows (:data:`GEO_SLOTS`) are sourced there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from leonet.constants import WGS72_RADIUS_KM
from leonet.eop import load_eop
from leonet.frames import gmst82_rad
from leonet.space.analytic import circular_j2_ecef, secular_rates
from leonet.space.constellation import Constellation, ShellSummary
from leonet.space.elements import ElementSet
from leonet.space.walker import _epoch_jd_fr, kozai_mean_motion_rad_min
from leonet.timegrid import parse_utc

__all__ = [
    "GEO_ALTITUDE_KM",
    "GEO_MIN_ELEVATION_DEG",
    "GEO_SLOTS",
    "geostationary_constellation",
    "parse_geo_spec",
]

#: Nominal geostationary altitude above the equator, km (radius 42,164 km; a sidereal day).
GEO_ALTITUDE_KM = 35_786.0

#: A user terminal's elevation mask for a geostationary satellite, deg.  Assumption: 10°,
#: the usual lower limit of GEO VSAT service (below it terrain and buildings block the
#: fixed dish and rain paths grow long); a GEO satellite's elevation never changes, so the
#: mask only decides whether a place is in view at all (Ukraine sees 9° E at 27° in the
#: east to 33° in the west).
GEO_MIN_ELEVATION_DEG = 10.0

#: Published slots (east longitude, deg) of geostationary systems by name.
#:
#: * ``ka-sat``: Viasat's (formerly Eutelsat's) KA-SAT, Ka-band HTS over Europe with 82
#:   spot beams, at 9.0° E since 2011 (Eutelsat/Viasat; the satellite whose user modems
#:   the AcidRain attack disabled across Ukraine on 24 Feb 2022).
#: * ``konnect``: Eutelsat KONNECT, Ka-band HTS over Europe and Africa, at 7.0° E
#:   (Eutelsat, in service since 2020).
GEO_SLOTS: dict[str, tuple[float, ...]] = {"ka-sat": (9.0,), "konnect": (7.0,)}


def _gmst_rate_rad_s(jd: float, fr: float) -> float:
    """d(GMST82)/dt at the epoch, rad/s (a one-day difference, unwrapped)."""
    a = float(gmst82_rad(jd, fr)[()])
    b = float(gmst82_rad(jd + 1.0, fr)[()])
    return (2.0 * math.pi + math.remainder(b - a, 2.0 * math.pi)) / 86_400.0


def _geosynchronous_mean_motion(rate_rad_s: float) -> float:
    """The Kozai mean motion (rad/min) of an equatorial circle whose u̇ + Ω̇ is ``rate_rad_s``."""
    n = float(kozai_mean_motion_rad_min(GEO_ALTITUDE_KM, 0.0))
    zeros = np.zeros(1)
    for _ in range(30):
        elements = ElementSet(
            np.zeros(1), zeros, np.array([n]), zeros, zeros, zeros, zeros, zeros, zeros, zeros,
            zeros,
        )  # fmt: skip
        rates = secular_rates(elements)
        total = float(rates.arg_latitude_rate_rad_s[0] + rates.node_rate_rad_s[0])
        if abs(total - rate_rad_s) < 1e-16:
            break
        n *= rate_rad_s / total
    return n


def _checked_longitudes(longitudes_deg: Sequence[float]) -> np.ndarray:
    """The slot longitudes as an array; a ``ValueError`` unless there are 1 to 16 of them,
    each finite in [-180, 360), no two closer than 0.1° (−160 and 200 are one slot)."""
    lons = np.asarray([float(x) for x in longitudes_deg], dtype=np.float64)
    if lons.size == 0 or lons.size > 16:
        raise ValueError(f"give 1 to 16 geostationary longitudes, got {lons.size:,}")
    if not np.isfinite(lons).all() or (lons < -180).any() or (lons >= 360).any():
        raise ValueError(
            f"longitudes_deg {lons.tolist()}: each must be a number of degrees east in [-180, 360)"
        )
    east = np.mod(lons + 180.0, 360.0) - 180.0
    gap = np.abs((east[:, None] - east[None, :] + 180.0) % 360.0 - 180.0)
    np.fill_diagonal(gap, np.inf)
    if (gap < 0.1).any():
        raise ValueError(f"longitudes_deg {lons.tolist()}: two slots closer than 0.1°")
    return lons


def parse_geo_spec(spec: str) -> tuple[str, tuple[float, ...]]:
    """``'geo:9'`` / ``'geo:9,7'`` / ``'geo:ka-sat'`` → ``(name, longitudes_deg)``;
    a ``ValueError`` saying the form otherwise."""
    body = spec.strip().split(":", 1)[1].strip() if ":" in spec else ""
    shown = spec if len(spec) <= 60 else f"{spec[:40]}... ({len(spec):,} characters)"
    key = body.lower()
    if key in GEO_SLOTS:
        return key, GEO_SLOTS[key]
    try:
        longitudes = tuple(float(x) for x in body.split(","))
    except ValueError:
        longitudes = ()
    if not longitudes or not all(math.isfinite(x) for x in longitudes):
        raise ValueError(
            f"{shown!r}: write geo:LONGITUDE[,LONGITUDE...] in degrees east (e.g. geo:9.0) or "
            f"geo:NAME for a known slot ({', '.join(sorted(GEO_SLOTS))})"
        )
    try:
        _checked_longitudes(longitudes)
    except ValueError as exc:
        raise ValueError(f"{shown!r}: {exc}") from None
    return "geo", longitudes


def geostationary_constellation(
    longitudes_deg: Sequence[float],
    epoch: datetime | str,
    name: str = "geo",
    min_elevation_deg: float = GEO_MIN_ELEVATION_DEG,
) -> Constellation:
    """One geostationary satellite per longitude (deg east, any of −180..360), on its slot
    at ``epoch`` (aware UTC or ISO 8601) and after; satellites named ``<name>-<lon>E``.

    A designed constellation (``analytic=True``): one shell ``<name>-geo`` of one plane
    whose mask is ``min_elevation_deg``.  Longitudes must differ by at least 0.1°.
    """
    lons = _checked_longitudes(longitudes_deg)
    if not 0.0 <= min_elevation_deg < 90.0:
        raise ValueError(f"min_elevation_deg {min_elevation_deg}: give 0 to 90 degrees")
    east = np.mod(lons + 180.0, 360.0) - 180.0
    when = parse_utc(epoch, field="epoch")
    jd, fr = _epoch_jd_fr(when)
    n = lons.size
    mean_motion = _geosynchronous_mean_motion(_gmst_rate_rad_s(jd, fr))
    zeros = np.zeros(n)
    eop = load_eop()
    epoch_ns = np.array([round(when.timestamp() * 1e9)], dtype=np.int64)
    dut1_s = float(eop.at(epoch_ns)[0][0])
    theta = float(gmst82_rad(jd, fr + dut1_s / 86_400.0)[()])

    def elements_for(anomaly: np.ndarray) -> ElementSet:
        return ElementSet(
            epoch_jd=np.full(n, jd),
            epoch_fr=np.full(n, fr),
            mean_motion_rad_min=np.full(n, mean_motion),
            eccentricity=zeros.copy(),
            inclination_rad=zeros.copy(),
            raan_rad=zeros.copy(),
            arg_perigee_rad=zeros.copy(),
            mean_anomaly_rad=np.mod(anomaly, 2.0 * np.pi),
            bstar_per_er=zeros.copy(),
            ndot_rad_min2=zeros.copy(),
            nddot_rad_min3=zeros.copy(),
        )

    anomaly = theta + np.radians(east)
    for _ in range(2):  # correct the small offsets (polar motion, frame) to land on the slot
        r, _v = circular_j2_ecef(elements_for(anomaly), epoch_ns, eop, velocities=False)
        at = np.arctan2(r[0, :, 1], r[0, :, 0])
        anomaly = anomaly + np.angle(np.exp(1j * (np.radians(east) - at)))
    radius_km = float(secular_rates(elements_for(anomaly)).radius_km[0])
    labels = [f"{name}-{x:g}E" if x >= 0 else f"{name}-{-x:g}W" for x in east]
    shell = ShellSummary(
        name=f"{name}-geo",
        altitude_km=round(radius_km - WGS72_RADIUS_KM, 1),
        inclination_deg=0.0,
        planes=1,
        sats_per_plane=n,
        phasing=-1,
        satellites=n,
        min_elevation_deg=float(min_elevation_deg),
    )
    return Constellation(
        name=name,
        sat_names=np.array(labels),
        norad_id=np.full(n, -1, dtype=np.int64),
        elements=elements_for(anomaly),
        shell=np.zeros(n, dtype=np.int32),
        plane=np.zeros(n, dtype=np.int32),
        slot=np.arange(n, dtype=np.int32),
        shells=(shell,),
        source="geostationary slots at " + ", ".join(f"{x:g}° E" for x in east),
        analytic=True,
    )
