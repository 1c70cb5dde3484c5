"""Hypatia's input files: ``tles.txt``, ``isls.txt``, ``ground_stations.txt``.

Formats (as Hypatia's satgenpy writes and reads them, Kassing et al. 2020):

* ``tles.txt`` — first line ``<orbits> <satellites per orbit>``; then one
  block of three lines per satellite: ``<name> <id>`` (ids 0, 1, 2, … in
  order), TLE line 1, TLE line 2.  Every TLE has the same epoch, which is
  time 0 of the run.
* ``isls.txt`` — one link a line, ``<a> <b>`` (satellite ids, ``a < b``,
  no duplicates).
* ``ground_stations.txt`` — ``gid,name,latitude_deg,longitude_deg,elevation_m``
  (Hypatia's ``.basic.txt``) or the same plus ``x,y,z`` ECEF metres
  (its extended file); ``gid`` 0, 1, 2, … in order.

Every reader raises :class:`HypatiaInputError` naming the file, the line and
what to fix.  :func:`starlink_550_tles` and :func:`plus_grid_isls` make the
inputs of Hypatia's Starlink-550 set-up by its published rules (72 orbits of
22, 53°, 15.19 rev/day, eccentricity 1e-7, odd orbits shifted half a slot;
+Grid with no shift), :func:`write_tles`, :func:`write_isls` and
:func:`write_ground_stations` write them back in the same formats.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.atomic import atomic_write_text
from leonet.space.tle import TLEFormatError, parse_tle, tle_checksum

__all__ = [
    "STARLINK_550",
    "GroundStations",
    "HypatiaInputError",
    "HypatiaTles",
    "ShellRule",
    "plus_grid_isls",
    "read_ground_stations",
    "read_isls",
    "read_tles",
    "starlink_550_tles",
    "write_ground_stations",
    "write_isls",
    "write_tles",
]

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


class HypatiaInputError(ValueError):
    """A Hypatia input file is malformed; the message names the file, line and fix."""

    def __init__(
        self, path: str | os.PathLike[str], line: int | None, message: str, *, located: bool = False
    ) -> None:
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(message if located else f"{where}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True)
class HypatiaTles:
    """A ``tles.txt``: ``(sat,)`` names and TLE lines, the grid shape and the common epoch."""

    n_orbits: int
    n_sats_per_orbit: int
    names: list[str]
    line1: list[str]
    line2: list[str]
    epoch: datetime
    source: str = "<tles>"

    @property
    def n_sats(self) -> int:
        return len(self.line1)

    def mean_altitude_km(self) -> F64:
        """``(sat,)`` mean altitude above the WGS72 equatorial radius, from mean motion."""
        records = parse_tle(
            "\n".join(f"{a}\n{b}" for a, b in zip(self.line1, self.line2, strict=True))
        )
        return np.asarray(records.elements.mean_altitude_km)


def _positive_int(text: str) -> int | None:
    try:
        value = int(text)
    except ValueError:
        return None
    return value if value >= 0 else None


def read_tles(path: str | os.PathLike[str]) -> HypatiaTles:
    """Read Hypatia's ``tles.txt`` (see the module docstring)."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise HypatiaInputError(file, None, f"cannot read it ({exc.strerror})") from None
    if not lines:
        raise HypatiaInputError(
            file,
            1,
            "the file is empty; the first line must be "
            "'<orbits> <satellites per orbit>', e.g. '72 22'",
        )
    head = lines[0].split()
    shape = [_positive_int(x) for x in head]
    if len(head) != 2 or None in shape or 0 in shape:
        raise HypatiaInputError(
            file,
            1,
            f"first line is {lines[0]!r}; Hypatia's tles.txt "
            "starts with '<orbits> <satellites per orbit>', two positive "
            "integers such as '72 22'",
        )
    n_orbits, n_per = int(head[0]), int(head[1])
    body = [ln for ln in lines[1:]]
    while body and not body[-1].strip():
        body.pop()
    if len(body) % 3:
        raise HypatiaInputError(
            file,
            len(lines),
            f"{len(body)} lines after the first: each "
            "satellite takes three (name line, TLE line 1, TLE line 2)",
        )
    n = len(body) // 3
    if n != n_orbits * n_per:
        raise HypatiaInputError(
            file,
            1,
            f"the first line promises {n_orbits} × {n_per} = "
            f"{n_orbits * n_per} satellites but the file has {n}: fix the "
            "first line or the satellite blocks",
        )
    names, l1, l2 = body[0::3], body[1::3], body[2::3]
    for k, name in enumerate(names):
        parts = name.split()
        if len(parts) < 2 or _positive_int(parts[-1]) != k:
            raise HypatiaInputError(
                file,
                2 + 3 * k,
                f"name line {name!r}: Hypatia expects "
                f"'<constellation name> {k}' (ids counting up from 0)",
            )
    # leonet's TLE parser checks columns and checksums; keep the file's line numbers.
    text = "\n".join([""] + [f"{a}\n{b}\n{c}" for a, b, c in zip(names, l1, l2, strict=True)])
    try:
        records = parse_tle(text, source=str(file))
    except TLEFormatError as exc:
        raise HypatiaInputError(file, getattr(exc, "line", None), str(exc), located=True) from None
    epoch_jd = records.elements.epoch_jd + records.elements.epoch_fr
    if n and np.ptp(epoch_jd) * 86_400.0 > 1e-3:
        k = int(np.flatnonzero(np.abs(epoch_jd - epoch_jd[0]) * 86_400.0 > 1e-3)[0])
        raise HypatiaInputError(
            file,
            3 + 3 * k,
            "this TLE's epoch differs from the first "
            "satellite's; Hypatia needs one epoch for all (time 0 of the run)",
        )
    epoch = (
        _jd_to_datetime(float(records.elements.epoch_jd[0]), float(records.elements.epoch_fr[0]))
        if n
        else datetime(2000, 1, 1, tzinfo=UTC)
    )
    return HypatiaTles(
        n_orbits,
        n_per,
        [" ".join(x.split()) for x in names],
        [x[:69] for x in l1],
        [x[:69] for x in l2],
        epoch,
        str(file),
    )


def _jd_to_datetime(jd: float, fr: float) -> datetime:
    seconds = ((jd - 2_440_587.5) + fr) * 86_400.0
    return datetime.fromtimestamp(round(seconds * 1e6) / 1e6, tz=UTC)


def read_isls(path: str | os.PathLike[str], n_sats: int) -> tuple[I64, I64]:
    """Read Hypatia's ``isls.txt``: ``(a, b)`` ``(isl,)`` arrays in file order."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise HypatiaInputError(file, None, f"cannot read it ({exc.strerror})") from None
    a_list: list[int] = []
    b_list: list[int] = []
    seen: dict[tuple[int, int], int] = {}
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.split()
        ab = [_positive_int(x) for x in parts]
        if len(parts) != 2 or None in ab:
            raise HypatiaInputError(
                file,
                no,
                f"{line!r}: each line is one link, two "
                "satellite ids '<a> <b>' (non-negative integers)",
            )
        a, b = int(parts[0]), int(parts[1])
        for s in (a, b):
            if s >= n_sats:
                raise HypatiaInputError(
                    file,
                    no,
                    f"satellite {s} does not exist: the TLEs "
                    f"have {n_sats} satellites (ids 0..{n_sats - 1})",
                )
        if b <= a:
            raise HypatiaInputError(
                file,
                no,
                f"'{a} {b}': the second id must be larger than "
                f"the first (write '{min(a, b)} {max(a, b)}')",
            )
        if (a, b) in seen:
            raise HypatiaInputError(
                file, no, f"duplicate link {a}-{b} (first on line {seen[(a, b)]}): remove one"
            )
        seen[(a, b)] = no
        a_list.append(a)
        b_list.append(b)
    return np.asarray(a_list, dtype=np.int64), np.asarray(b_list, dtype=np.int64)


@dataclass(frozen=True)
class GroundStations:
    """Ground stations, arrays ``(gs,)``: names, geodetic latitude/longitude (deg), height (m)."""

    names: list[str]
    lat_deg: F64
    lon_deg: F64
    elevation_m: F64
    source: str = "<ground stations>"

    def __len__(self) -> int:
        return len(self.names)


def read_ground_stations(path: str | os.PathLike[str]) -> GroundStations:
    """Read Hypatia's ``ground_stations.txt`` (5 columns, or 8 with its ECEF x, y, z)."""
    file = Path(path)
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise HypatiaInputError(file, None, f"cannot read it ({exc.strerror})") from None
    names: list[str] = []
    values: list[tuple[float, float, float]] = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cols = line.split(",")
        if len(cols) not in (5, 8):
            raise HypatiaInputError(
                file,
                no,
                f"{len(cols)} columns; a ground station line is "
                "'gid,name,latitude_deg,longitude_deg,elevation_m' (or "
                "those and x,y,z in metres)",
            )
        gid = len(names)
        if _positive_int(cols[0].strip()) != gid:
            raise HypatiaInputError(
                file, no, f"gid {cols[0]!r}: ids count up from 0 in order, this line must be {gid}"
            )
        parsed = []
        for field, text in zip(("latitude", "longitude", "elevation"), cols[2:5], strict=True):
            try:
                parsed.append(float(text))
            except ValueError:
                raise HypatiaInputError(file, no, f"{field} {text!r} is not a number") from None
        lat, lon, ele = parsed
        if not -90.0 <= lat <= 90.0:
            raise HypatiaInputError(
                file,
                no,
                f"latitude {lat:g}° is outside -90..90 (are latitude and longitude swapped?)",
            )
        if not -180.0 <= lon <= 180.0:
            raise HypatiaInputError(file, no, f"longitude {lon:g}° is outside -180..180")
        if not (math.isfinite(ele) and -500.0 <= ele <= 10_000.0):
            raise HypatiaInputError(
                file,
                no,
                f"elevation {ele:g} m is not a height on the "
                "Earth's surface (metres, -500..10,000)",
            )
        names.append(cols[1])
        values.append((lat, lon, ele))
    if not names:
        raise HypatiaInputError(file, None, "no ground stations: the file is empty")
    arr = np.asarray(values, dtype=np.float64)
    return GroundStations(names, arr[:, 0], arr[:, 1], arr[:, 2], str(file))


# -- making and writing inputs ---------------------------------------------------------------


@dataclass(frozen=True)
class ShellRule:
    """The parameters of Hypatia's TLE generator for one shell."""

    name: str
    n_orbits: int
    n_sats_per_orbit: int
    inclination_deg: float
    mean_motion_rev_per_day: float
    eccentricity: float = 1e-7
    arg_of_perigee_deg: float = 0.0
    phase_diff: bool = True
    altitude_m: float = 550_000.0
    #: Hypatia's maximum ground-link length for this shell, metres.
    max_gsl_length_m: float = math.sqrt(940_700.0**2 + 550_000.0**2)
    #: Hypatia's maximum ISL length: the line of sight stays 80 km above a WGS72 sphere.
    max_isl_length_m: float = 2.0 * math.sqrt(
        (6_378_135.0 + 550_000.0) ** 2 - (6_378_135.0 + 80_000.0) ** 2
    )


#: Hypatia's Starlink-550 (``main_starlink_550.py``): 72 × 22, 53°, 15.19 rev/day.
STARLINK_550 = ShellRule("Starlink-550", 72, 22, 53.0, 15.19)


def _tle_pair(
    number: int, rule: ShellRule, raan_deg: float, mean_anomaly_deg: float
) -> tuple[str, str]:
    line1 = f"1 {number:05d}U 00000ABC 00001.00000000  .00000000  00000-0  00000+0 0    0"
    ecc = f"{rule.eccentricity:0.7f}"[2:]
    line2 = (
        f"2 {number:05d} {rule.inclination_deg:8.4f} {raan_deg:8.4f} {ecc} "
        f"{rule.arg_of_perigee_deg:8.4f} {mean_anomaly_deg:8.4f} "
        f"{rule.mean_motion_rev_per_day:11.8f}    0"
    )
    return line1 + str(tle_checksum(line1)), line2 + str(tle_checksum(line2))


def starlink_550_tles(rule: ShellRule = STARLINK_550) -> HypatiaTles:
    """The TLEs of Hypatia's generator for ``rule`` (epoch 2000-01-01 00:00 UTC).

    Orbit ``o`` has RAAN ``o × 360 / orbits``; satellite ``k`` of it mean
    anomaly ``k × 360 / per orbit``, plus half a slot on odd orbits when
    ``phase_diff``; satellite id ``o × per orbit + k``.
    """
    names, l1, l2 = [], [], []
    for orbit in range(rule.n_orbits):
        raan = orbit * 360.0 / rule.n_orbits
        shift = 360.0 / (2.0 * rule.n_sats_per_orbit) if (orbit % 2 and rule.phase_diff) else 0.0
        for k in range(rule.n_sats_per_orbit):
            sid = orbit * rule.n_sats_per_orbit + k
            a, b = _tle_pair(sid + 1, rule, raan, shift + k * 360.0 / rule.n_sats_per_orbit)
            names.append(f"{rule.name} {sid}")
            l1.append(a)
            l2.append(b)
    return HypatiaTles(
        rule.n_orbits,
        rule.n_sats_per_orbit,
        names,
        l1,
        l2,
        datetime(2000, 1, 1, tzinfo=UTC),
        f"<{rule.name} generator>",
    )


def plus_grid_isls(n_orbits: int, n_sats_per_orbit: int, shift: int = 0) -> tuple[I64, I64]:
    """Hypatia's +Grid: each satellite to the next in its orbit and to the one at the same
    slot (+ ``shift``) in the next orbit (the last wrapping to the first); ``(a, b)``, a < b,
    in Hypatia's order."""
    if n_orbits < 3 or n_sats_per_orbit < 3:
        raise ValueError("a +Grid needs at least 3 orbits and 3 satellites per orbit")
    i = np.repeat(np.arange(n_orbits), n_sats_per_orbit)
    j = np.tile(np.arange(n_sats_per_orbit), n_orbits)
    sat = i * n_sats_per_orbit + j
    same = i * n_sats_per_orbit + (j + 1) % n_sats_per_orbit
    adjacent = ((i + 1) % n_orbits) * n_sats_per_orbit + (j + shift) % n_sats_per_orbit
    other = np.stack([same, adjacent], axis=1).reshape(-1)
    mine = np.repeat(sat, 2)
    return (np.minimum(mine, other).astype(np.int64), np.maximum(mine, other).astype(np.int64))


def write_tles(path: str | os.PathLike[str], tles: HypatiaTles) -> Path:
    """Write ``tles`` as Hypatia's ``tles.txt`` (atomically)."""
    rows = [f"{tles.n_orbits} {tles.n_sats_per_orbit}"]
    for name, a, b in zip(tles.names, tles.line1, tles.line2, strict=True):
        rows += [name, a, b]
    return atomic_write_text(path, "\n".join(rows) + "\n")


def write_isls(path: str | os.PathLike[str], a: ArrayLike, b: ArrayLike) -> Path:
    """Write links as Hypatia's ``isls.txt`` (atomically)."""
    pairs = zip(np.asarray(a).tolist(), np.asarray(b).tolist(), strict=True)
    return atomic_write_text(path, "".join(f"{x} {y}\n" for x, y in pairs))


def write_ground_stations(path: str | os.PathLike[str], stations: GroundStations) -> Path:
    """Write ``stations`` as Hypatia's basic ``ground_stations.txt`` (atomically)."""
    rows = [
        f"{k},{name},{lat!r},{lon!r},{ele!r}"
        for k, (name, lat, lon, ele) in enumerate(
            zip(
                stations.names,
                stations.lat_deg.tolist(),
                stations.lon_deg.tolist(),
                stations.elevation_m.tolist(),
                strict=True,
            )
        )
    ]
    return atomic_write_text(path, "".join(r + "\n" for r in rows))
