"""Designed Walker constellations: shells in ``i: t/p/f`` notation → :class:`Constellation`.

A :class:`WalkerShell` is one shell of ``planes × sats_per_plane`` satellites
on circular orbits at one altitude and inclination.  Plane ``p`` (0-based) has
right ascension of the ascending node::

    RAAN_p = raan0_deg + p * raan_spread_deg / planes

and satellite ``s`` (0-based) of plane ``p`` has argument of latitude at the
epoch::

    u_ps = 360 * s / sats_per_plane + 360 * phasing * p / (planes * sats_per_plane)

(Walker 1984, "Satellite constellations", J. Br. Interplanet. Soc. 37:559;
``raan_spread_deg`` 360 gives a Walker *delta*, 180 a polar *star*.)

:func:`walker_constellation` turns shells into SGP4 mean elements (circular,
``e = 0``, ``ω = 0``, ``M = u``, no drag) so that the same satellites can be
propagated by the analytic J2 propagator (:mod:`leonet.space.analytic`, the
default for designed shells) or by SGP4.  The Kozai mean motion is chosen so
that SGP4's orbit-averaged geocentric radius equals ``WGS72_RADIUS_KM +
altitude_km``: SGP4 "un-Kozais" the mean motion and its short-periodic J2
radius term has a non-zero mean, ``-¾ J2 (3cos²i - 1) R² / a``, so the
two-body radius of the Kozai mean motion is off by up to ~1 km; the inversion
below removes both (measured residual < 50 m, tests/space/test_walker.py).

Note that SGP4 adds J3 long-period terms even to ``e = 0`` mean elements: the
propagated orbit is the *frozen* orbit with osculating eccentricity ~8e-4 and
perigee over the pole, so SGP4 radii vary by about ±6 km around the shell
radius, as real Starlink satellites' do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from leonet.constants import WGS72_J2, WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from leonet.defaults import DEFAULT_MIN_ELEVATION_DEG
from leonet.space.constellation import Constellation, ShellSummary
from leonet.space.elements import ElementSet
from leonet.timegrid import parse_utc, utc_ns_to_jd_fr

__all__ = [
    "MAX_ALTITUDE_KM",
    "MIN_ALTITUDE_KM",
    "WalkerShell",
    "kozai_mean_motion_rad_min",
    "walker_constellation",
]

#: Lowest shell altitude accepted: below ~150 km drag brings a satellite down within days.
MIN_ALTITUDE_KM = 150.0
#: Highest shell altitude accepted: beyond this a "shell" is no longer a LEO/MEO design
#: (geostationary is 35,786 km; the Moon's sphere of influence starts far above).
MAX_ALTITUDE_KM = 50_000.0

#: SGP4's ``xke``: sqrt(mu) in Earth radii^1.5 per minute (WGS72, as ``sgp4`` computes it).
_XKE = 60.0 / math.sqrt(WGS72_RADIUS_KM**3 / WGS72_MU_KM3_S2)

_NOTATION = re.compile(
    r"^\s*(?P<i>[-+]?\d+(?:\.\d*)?)\s*°?\s*:\s*(?P<t>\d+)\s*/\s*(?P<p>\d+)\s*/\s*(?P<f>\d+)\s*$"
)


def _whole(field: str, value: object, minimum: int) -> int:
    """``value`` as an int ≥ ``minimum`` or a ValueError/TypeError naming ``field``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(
            f"{field}={value!r} must be a whole number (an int), not {type(value).__name__}"
        )
    if isinstance(value, float | np.floating) and not float(value).is_integer():
        raise ValueError(
            f"{field}={value!r} is not a whole number; counts must be integers, e.g. "
            f"{field}={math.floor(value)}"
        )
    number = int(value)
    if number < minimum:
        raise ValueError(f"{field}={number} must be at least {minimum}")
    return number


def _real(field: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{field}={value!r} must be a number, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{field}={number} must be a finite number")
    return number


@dataclass(frozen=True)
class WalkerShell:
    """One Walker shell: ``planes × sats_per_plane`` circular orbits.

    ``altitude_km`` above the WGS72 equatorial radius (the orbit-averaged
    radius minus 6,378.135 km), ``inclination_deg`` in [0, 180],
    ``phasing`` the Walker ``f`` in ``0 .. planes-1``, ``raan_spread_deg`` the
    arc the planes' nodes span (360 delta, 180 star), ``raan0_deg`` the node
    of plane 0, ``min_elevation_deg`` the lowest elevation at which a user
    terminal may use a satellite of this shell.  Invalid values raise an error
    that names the field and its valid range.

    >>> shell = WalkerShell.parse("53: 1584/72/17", altitude_km=550, name="starlink-550")
    >>> shell.satellites, shell.sats_per_plane, shell.notation
    (1584, 22, '53°: 1584/72/17')
    """

    name: str
    altitude_km: float
    inclination_deg: float
    planes: int
    sats_per_plane: int
    phasing: int = 0
    raan_spread_deg: float = 360.0
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG
    raan0_deg: float = 0.0

    def __post_init__(self) -> None:
        if (
            not isinstance(self.name, str)
            or not self.name.strip()
            or any(ch.isspace() for ch in self.name)
        ):
            raise ValueError(
                f"name={self.name!r} must be a non-empty word without spaces (it prefixes the "
                "satellite names, e.g. 'starlink-550' gives 'starlink-550-P03-S07')"
            )
        set_ = object.__setattr__
        altitude = _real("altitude_km", self.altitude_km)
        if altitude < MIN_ALTITUDE_KM:
            raise ValueError(
                f"altitude_km={altitude:g} is below {MIN_ALTITUDE_KM:g} km: an orbit that low "
                "decays within days (and a negative value is below the ground). Give the "
                "height above the equator in km, e.g. altitude_km=550."
            )
        if altitude > MAX_ALTITUDE_KM:
            raise ValueError(
                f"altitude_km={altitude:g} is above {MAX_ALTITUDE_KM:,.0f} km, which is not a "
                "LEO/MEO shell (geostationary is 35,786 km). Did you give metres? Use km, "
                "e.g. altitude_km=550."
            )
        inclination = _real("inclination_deg", self.inclination_deg)
        if not 0.0 <= inclination <= 180.0:
            raise ValueError(
                f"inclination_deg={inclination:g} is outside 0–180°; give the angle between "
                "the orbit plane and the equator in degrees (above 90° is retrograde, e.g. "
                "97.6 for sun-synchronous; not radians)"
            )
        planes = _whole("planes", self.planes, 1)
        per_plane = _whole("sats_per_plane", self.sats_per_plane, 1)
        phasing = _whole("phasing", self.phasing, 0)
        if phasing > planes - 1:
            raise ValueError(
                f"phasing={phasing} is outside 0–{planes - 1}: the Walker phasing factor f "
                f"must lie in 0 .. planes-1 for planes={planes}"
            )
        spread = _real("raan_spread_deg", self.raan_spread_deg)
        if not 0.0 < spread <= 360.0:
            raise ValueError(
                f"raan_spread_deg={spread:g} is outside (0, 360]°; use 360 for a Walker delta "
                "or 180 for a polar star pattern"
            )
        elevation = _real("min_elevation_deg", self.min_elevation_deg)
        if not 0.0 <= elevation < 90.0:
            raise ValueError(f"min_elevation_deg={elevation:g} is outside 0–90° (exclusive of 90)")
        raan0 = _real("raan0_deg", self.raan0_deg)
        for key, value in (
            ("altitude_km", altitude),
            ("inclination_deg", inclination),
            ("planes", planes),
            ("sats_per_plane", per_plane),
            ("phasing", phasing),
            ("raan_spread_deg", spread),
            ("min_elevation_deg", elevation),
            ("raan0_deg", raan0),
        ):
            set_(self, key, value)

    @classmethod
    def parse(
        cls,
        notation: str,
        *,
        altitude_km: float,
        name: str | None = None,
        raan_spread_deg: float = 360.0,
        min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
        raan0_deg: float = 0.0,
    ) -> WalkerShell:
        """A shell from Walker notation ``"i: t/p/f"`` (e.g. ``"53: 1584/72/17"``).

        ``t`` must be a multiple of ``p``.  The name defaults to
        ``walker-<altitude>km-<inclination>deg``.
        """
        match = _NOTATION.match(notation) if isinstance(notation, str) else None
        if match is None:
            raise ValueError(
                f"cannot read Walker notation {notation!r}; write 'i: t/p/f' with the "
                "inclination in degrees, total satellites, planes and phasing, e.g. "
                "'53: 1584/72/17'"
            )
        total, planes = int(match["t"]), int(match["p"])
        if planes < 1 or total % planes:
            raise ValueError(
                f"Walker notation {notation!r}: t={total} satellites do not divide evenly into "
                f"p={planes} planes; t must be a multiple of p (t = planes × sats per plane)"
            )
        inclination = float(match["i"])
        if name is None:
            name = f"walker-{altitude_km:g}km-{inclination:g}deg"
        return cls(
            name=name,
            altitude_km=altitude_km,
            inclination_deg=inclination,
            planes=planes,
            sats_per_plane=total // planes,
            phasing=int(match["f"]),
            raan_spread_deg=raan_spread_deg,
            min_elevation_deg=min_elevation_deg,
            raan0_deg=raan0_deg,
        )

    @property
    def satellites(self) -> int:
        """Total satellites ``t = planes × sats_per_plane``."""
        return self.planes * self.sats_per_plane

    @property
    def notation(self) -> str:
        """Walker notation ``i: t/p/f``."""
        return f"{self.inclination_deg:g}°: {self.satellites}/{self.planes}/{self.phasing}"

    def summary(self) -> ShellSummary:
        """The :class:`ShellSummary` of this shell."""
        return ShellSummary(
            name=self.name,
            altitude_km=self.altitude_km,
            inclination_deg=self.inclination_deg,
            planes=self.planes,
            sats_per_plane=self.sats_per_plane,
            phasing=self.phasing,
            satellites=self.satellites,
            min_elevation_deg=self.min_elevation_deg,
        )

    def raan_deg(self) -> NDArray[np.float64]:
        """Node of every plane, degrees in [0, 360), shape ``(plane,)``."""
        p = np.arange(self.planes, dtype=np.float64)
        return np.mod(self.raan0_deg + p * self.raan_spread_deg / self.planes, 360.0)

    def arg_latitude_deg(self) -> NDArray[np.float64]:
        """Argument of latitude at the epoch, degrees in [0, 360), shape ``(plane, slot)``."""
        p = np.arange(self.planes, dtype=np.float64)[:, None]
        s = np.arange(self.sats_per_plane, dtype=np.float64)[None, :]
        u = 360.0 * s / self.sats_per_plane + 360.0 * self.phasing * p / self.satellites
        return np.mod(u, 360.0)


def kozai_mean_motion_rad_min(
    altitude_km: NDArray[np.float64] | float, inclination_rad: NDArray[np.float64] | float
) -> NDArray[np.float64]:
    """The SGP4 (Kozai) mean motion, rad/min, of a circular orbit at ``altitude_km``.

    Chosen so that SGP4 (WGS72) gives an orbit-averaged geocentric radius of
    ``WGS72_RADIUS_KM + altitude_km``: solve ``a - ¾ J2 (3cos²i - 1) / a = r``
    (Earth radii) for SGP4's un-Kozai'd semi-major axis ``a``, then invert
    SGP4's un-Kozai step (``sgp4init``/``initl``, Vallado et al. 2006) by
    fixed-point iteration.  Shapes broadcast; e = 0 assumed.
    """
    radius_er = (WGS72_RADIUS_KM + np.asarray(altitude_km, dtype=np.float64)) / WGS72_RADIUS_KM
    cos2 = np.cos(np.asarray(inclination_rad, dtype=np.float64)) ** 2
    d1 = 0.75 * WGS72_J2 * (3.0 * cos2 - 1.0)
    a = 0.5 * (radius_er + np.sqrt(radius_er**2 + 4.0 * d1))  # root of a² - r a - d1 = 0
    target = _XKE * a**-1.5  # un-Kozai'd mean motion SGP4 must arrive at
    n = target.copy()
    for _ in range(8):  # converges to 1e-16 relative in ~4 steps (del ~ 1e-4)
        ak = (_XKE / n) ** (2.0 / 3.0)
        delta = d1 / ak**2
        adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
        unkozai = n / (1.0 + d1 / adel**2)
        n = n * target / unkozai
    return np.asarray(n, dtype=np.float64)


def _epoch_jd_fr(epoch: datetime | str) -> tuple[float, float]:
    when = parse_utc(epoch, field="epoch")
    delta = when - datetime(1970, 1, 1, tzinfo=UTC)
    ns = (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000
    jd, fr = utc_ns_to_jd_fr(np.array([ns], dtype=np.int64))
    return float(jd[0]), float(fr[0])


def walker_constellation(
    shells: Sequence[WalkerShell], epoch: datetime | str, name: str = "walker"
) -> Constellation:
    """Satellites of ``shells`` as a designed (``analytic=True``) :class:`Constellation`.

    Order: shell by shell, plane by plane, slot by slot; ``shell``, ``plane``
    and ``slot`` are the 0-based indices and the names read
    ``"<shell>-P<plane>-S<slot>"`` (e.g. ``starlink-550-P03-S07``) with the
    same 0-based numbers.  ``norad_id`` is -1.  Elements are SGP4 mean
    elements at ``epoch`` (aware UTC datetime or ISO 8601 string).
    """
    shells = list(shells)
    if not shells:
        raise ValueError("walker_constellation needs at least one WalkerShell")
    for k, shell in enumerate(shells):
        if not isinstance(shell, WalkerShell):
            raise TypeError(f"shells[{k}] is a {type(shell).__name__}, expected a WalkerShell")
    names = [s.name for s in shells]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"shell names must be unique (they prefix satellite names): {duplicates}")
    jd, fr = _epoch_jd_fr(epoch)

    counts = np.array([s.satellites for s in shells])
    n_sats = int(counts.sum())
    shell_idx = np.repeat(np.arange(len(shells), dtype=np.int32), counts)
    plane = np.concatenate(
        [np.repeat(np.arange(s.planes, dtype=np.int32), s.sats_per_plane) for s in shells]
    )
    slot = np.concatenate(
        [np.tile(np.arange(s.sats_per_plane, dtype=np.int32), s.planes) for s in shells]
    )
    inclination = np.deg2rad(np.repeat([s.inclination_deg for s in shells], counts))
    altitude = np.repeat([s.altitude_km for s in shells], counts)
    raan = np.deg2rad(np.concatenate([np.repeat(s.raan_deg(), s.sats_per_plane) for s in shells]))
    arg_lat = np.deg2rad(np.concatenate([s.arg_latitude_deg().ravel() for s in shells]))

    zeros = np.zeros(n_sats)
    elements = ElementSet(
        epoch_jd=np.full(n_sats, jd),
        epoch_fr=np.full(n_sats, fr),
        mean_motion_rad_min=kozai_mean_motion_rad_min(altitude, inclination),
        eccentricity=zeros.copy(),
        inclination_rad=inclination,
        raan_rad=raan,
        arg_perigee_rad=zeros.copy(),
        mean_anomaly_rad=arg_lat,
        bstar_per_er=zeros.copy(),
        ndot_rad_min2=zeros.copy(),
        nddot_rad_min3=zeros.copy(),
    )
    width_p = [max(2, len(str(s.planes - 1))) for s in shells]
    width_s = [max(2, len(str(s.sats_per_plane - 1))) for s in shells]
    sat_names = np.array(
        [
            f"{shells[k].name}-P{p:0{width_p[k]}d}-S{s:0{width_s[k]}d}"
            for k, p, s in zip(shell_idx.tolist(), plane.tolist(), slot.tolist(), strict=True)
        ]
    )
    notations = "; ".join(f"{s.name} {s.notation} at {s.altitude_km:g} km" for s in shells)
    return Constellation(
        name=name,
        sat_names=sat_names,
        norad_id=np.full(n_sats, -1, dtype=np.int64),
        elements=elements,
        shell=shell_idx,
        plane=plane,
        slot=slot,
        shells=tuple(s.summary() for s in shells),
        source=f"designed Walker shells: {notations}",
        analytic=True,
    )
