"""Mobile terminals: waypoint tracks interpolated at each time step.

Between waypoints a terminal moves along the great circle at constant speed
(spherical linear interpolation of the latitude/longitude on the mean-radius
sphere, see :mod:`leonet.ground.greatcircle`); its height changes linearly in
time.  Outside the track's time window it **holds** its first (before) or
last (after) position with speed 0 — a vehicle parked before it sets off and
after it arrives — rather than raising, so one time grid can serve many
tracks; check :attr:`Track.start_ns` / :attr:`Track.end_ns` if you need to know.

>>> t = Track("ferry", ["2026-05-30T00:00Z", "2026-05-30T10:00Z"], [46.48, 44.62], [30.73, 33.53])
>>> lat, lon, alt, speed_kmh = t.positions(t.start_ns + np.array([-1, 5, 11]) * 3_600 * 10**9)
>>> speed_kmh.round(1).tolist()
[0.0, 30.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.ground.greatcircle import great_circle_km, interpolate_great_circle
from leonet.timegrid import parse_utc

__all__ = ["Track", "track_positions"]

F64 = NDArray[np.float64]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NS_PER_HOUR = 3_600 * 10**9


def _to_ns(value: datetime) -> int:
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10**9 + delta.microseconds * 1_000


class Track:
    """A terminal's path: waypoints ``(waypoint,)`` of time, latitude, longitude, height.

    ``times_utc``: aware datetimes or ISO 8601 strings with an offset, strictly
    increasing; ``lat_deg`` in [-90, 90], ``lon_deg`` in [-180, 360) (degrees,
    WGS84); ``alt_km`` above the ellipsoid (scalar or per waypoint).
    """

    name: str
    utc_ns: NDArray[np.int64]
    lat_deg: F64
    lon_deg: F64
    alt_km: F64
    segment_km: F64
    segment_speed_kmh: F64

    def __init__(
        self,
        name: str,
        times_utc: Sequence[datetime | str],
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        alt_km: ArrayLike = 0.0,
    ) -> None:
        self.name = str(name)
        where = f"track {self.name!r}"
        times = list(times_utc)
        n = len(times)
        if n < 2:
            raise ValueError(
                f"{where}: {n} waypoint(s); a track needs at least 2 (a start and an end). "
                "For a terminal that does not move use Sites"
            )
        ns = np.array(
            [_to_ns(parse_utc(t, field=f"{where} waypoint {i} time")) for i, t in enumerate(times)],
            dtype=np.int64,
        )
        step = np.diff(ns)
        if (step <= 0).any():
            i = int(np.flatnonzero(step <= 0)[0]) + 1
            raise ValueError(
                f"{where}: waypoint {i} time {times[i]!s} is not after waypoint {i - 1} "
                f"({times[i - 1]!s}); waypoint times must be strictly increasing"
            )

        def column(value: ArrayLike, field: str) -> F64:
            arr = np.asarray(value, dtype=np.float64)
            if arr.ndim > 1 or (arr.ndim == 1 and arr.shape[0] != n):
                raise ValueError(
                    f"{where}: {field} has shape {arr.shape} but there are {n} waypoint times; "
                    "give one value per waypoint"
                )
            return np.array(np.broadcast_to(arr, (n,)))

        lat = column(lat_deg, "lat_deg")
        lon = column(lon_deg, "lon_deg")
        alt = column(alt_km, "alt_km")
        checks = (
            (
                ~np.isfinite(lat) | (np.abs(lat) > 90.0),
                "lat_deg",
                lat,
                "is outside [-90, 90]; latitude is degrees north — were lat and lon swapped?",
            ),
            (
                ~np.isfinite(lon) | (lon < -180.0) | (lon >= 360.0),
                "lon_deg",
                lon,
                "is outside [-180, 360); give degrees east",
            ),
            (~np.isfinite(alt), "alt_km", alt, "is not finite; give km above WGS84"),
        )
        for bad, field, values, why in checks:
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise ValueError(f"{where} waypoint {i}: {field}={float(values[i])!r} {why}")
        lon = np.where(lon >= 180.0, lon - 360.0, lon)

        self.utc_ns = ns
        self.lat_deg = lat
        self.lon_deg = lon
        self.alt_km = alt
        self.segment_km = great_circle_km(lat[:-1], lon[:-1], lat[1:], lon[1:])
        self.segment_speed_kmh = self.segment_km / (step / _NS_PER_HOUR)
        for a in (
            self.utc_ns,
            self.lat_deg,
            self.lon_deg,
            self.alt_km,
            self.segment_km,
            self.segment_speed_kmh,
        ):
            a.flags.writeable = False

    def __len__(self) -> int:
        return int(self.utc_ns.shape[0])

    def __repr__(self) -> str:
        return (
            f"<Track {self.name!r}: {len(self)} waypoints, {float(self.segment_km.sum()):,.1f} km>"
        )

    @property
    def start_ns(self) -> int:
        """First waypoint time, int64 ns since 1970-01-01 UTC."""
        return int(self.utc_ns[0])

    @property
    def end_ns(self) -> int:
        """Last waypoint time, int64 ns since 1970-01-01 UTC."""
        return int(self.utc_ns[-1])

    def positions(self, utc_ns: ArrayLike) -> tuple[F64, F64, F64, F64]:
        """Where the terminal is at ``utc_ns`` (int64 ns UTC, shape ``(time,)`` or any).

        Returns ``(lat_deg, lon_deg, alt_km, speed_kmh)``, each shaped like
        ``utc_ns``: the great-circle interpolation between the bracketing
        waypoints, and the ground speed of that segment (its great-circle
        length / duration; height changes are not counted).  Before the first
        or after the last waypoint: that waypoint, speed 0.  Vectorised over time.
        """
        t = np.asarray(utc_ns, dtype=np.int64)
        ns = self.utc_ns
        seg = np.clip(np.searchsorted(ns, t, side="right") - 1, 0, len(ns) - 2)
        t0 = ns[seg]
        frac = np.clip(
            (t - t0).astype(np.float64) / (ns[seg + 1] - t0).astype(np.float64), 0.0, 1.0
        )
        lat, lon = interpolate_great_circle(
            self.lat_deg[seg],
            self.lon_deg[seg],
            self.lat_deg[seg + 1],
            self.lon_deg[seg + 1],
            frac,
        )
        alt = self.alt_km[seg] + frac * (self.alt_km[seg + 1] - self.alt_km[seg])
        moving = (t >= ns[0]) & (t <= ns[-1])
        speed = np.where(moving, self.segment_speed_kmh[seg], 0.0)
        return lat, lon, alt, speed


def track_positions(tracks: Sequence[Track], utc_ns: ArrayLike) -> tuple[F64, F64, F64, F64]:
    """Positions of several tracks at ``utc_ns`` ``(time,)``: four arrays ``(time, track)``.

    ``(lat_deg, lon_deg, alt_km, speed_kmh)`` as :meth:`Track.positions`;
    vectorised over time, one NumPy pass per track.
    """
    t = np.atleast_1d(np.asarray(utc_ns, dtype=np.int64))
    if not tracks:
        empty = np.empty((t.shape[0], 0))
        return empty, empty.copy(), empty.copy(), empty.copy()
    cols = [tr.positions(t) for tr in tracks]
    lat, lon, alt, speed = (np.stack([c[k] for c in cols], axis=-1) for k in range(4))
    return lat, lon, alt, speed
