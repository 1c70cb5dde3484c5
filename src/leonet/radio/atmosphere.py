"""Atmospheric attenuation on Earth–space paths from ITU-R P.618 via the ``itur`` package.

The total slant-path attenuation exceeded ``p`` % of an average year is
``A = A_gas + sqrt((A_rain + A_cloud)² + A_scint²)`` (ITU-R P.618-13 §2.5,
eq. 64), with gases from P.676, clouds from P.840, rain and scintillation
from P.618 and the site's climate from the ITU-R digital maps (P.836, P.837,
P.839, P.1510, P.1511) — all computed by ``itur.atmospheric_attenuation_slant_path``.

``itur`` is slow per call (it interpolates global maps), so leonet never calls
it per time step.  :class:`AtmosphereTable` tabulates each site's attenuation
once on an elevation grid (every 5° from 10° to 90° by default) and links
interpolate linearly in elevation — vectorised over all links of a step.
Computed rows are kept in a process-wide cache keyed by site, frequency and
exceedance (``itur`` keeps its maps loaded after the first call), and on disk
in leonet's cache folder (:func:`leonet.cache.cache_dir` ``("atmosphere")``),
one file per frequency, exceedance, elevation grid and ``itur`` version: the
default scenario's tables take 3–4 s to compute (most of it ``itur`` loading its
maps) and 20 ms to read back.  The file holds exactly the numbers ``itur`` gave.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet import cache
from leonet.atomic import atomic_write_bytes
from leonet.radio._kernels import interpolate_rows
from leonet.radio.parameters import DEFAULT_EXCEEDANCE_PERCENT

__all__ = [
    "DEFAULT_ELEVATION_GRID_DEG",
    "AtmosphereTable",
    "slant_path_attenuation_db",
]

F64 = NDArray[np.float64]

#: Elevation grid of the tables, degrees: 10° to 90° every 5°.  (P.676's
#: approximate gas method is valid from 5°; leonet's masks are 25° for
#: terminals and ≥ 10° for gateways.)  Links below the grid use its first row.
DEFAULT_ELEVATION_GRID_DEG = np.arange(10.0, 90.01, 5.0)

#: Scintillation: antenna diameter (m) and efficiency given to P.618 §2.4.
_SCINT_DIAMETER_M = 0.6
_SCINT_EFFICIENCY = 0.6

_Key = tuple[float, float, float, float, tuple[float, ...]]
_CACHE: dict[_Key, F64] = {}
#: Tables (frequency, exceedance, grid) whose disk file this process has read.
_READ: set[tuple[float, float, tuple[float, ...]]] = set()
#: Each read table's disk file as arrays ``(lat_deg, lon_deg, loss_db)``: rows reach
#: :data:`_CACHE` only when a site asks for them (the file holds every site any run on
#: this machine tabulated — ~150,000 after a calibration — and a run wants a few thousand).
_DISK: dict[tuple[float, float, tuple[float, ...]], tuple[F64, F64, F64]] = {}


def slant_path_attenuation_db(
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    frequency_ghz: float,
    elevation_deg: ArrayLike,
    exceedance_percent: float = DEFAULT_EXCEEDANCE_PERCENT,
    *,
    contributions: bool = False,
) -> F64 | tuple[F64, F64, F64, F64, F64]:
    """ITU-R P.618 total attenuation (dB) at sites and elevations (broadcast together).

    A direct ``itur`` call — slow: use :class:`AtmosphereTable` in loops.  With
    ``contributions=True`` returns ``(gas, cloud, rain, scintillation, total)``.
    Scintillation uses a 0.6 m, η = 0.6 aperture; the site height comes from
    ITU-R P.1511 (topography).
    """
    if not 0.001 <= exceedance_percent <= 50.0:
        raise ValueError(
            f"exceedance_percent={exceedance_percent}: ITU-R P.618 covers 0.001–50 % of an "
            "average year; pass e.g. 1.0 (99 % availability) or 0.1 (99.9 %)"
        )
    import itur

    lat, lon, el = np.broadcast_arrays(
        np.asarray(lat_deg, dtype=np.float64),
        np.asarray(lon_deg, dtype=np.float64),
        np.asarray(elevation_deg, dtype=np.float64),
    )
    shape = lat.shape
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        parts = itur.atmospheric_attenuation_slant_path(
            lat.ravel(),
            lon.ravel(),
            frequency_ghz,
            el.ravel(),
            exceedance_percent,
            _SCINT_DIAMETER_M,
            eta=_SCINT_EFFICIENCY,
            return_contributions=True,
        )
    g, c, r, s, t = (
        np.asarray(getattr(x, "value", x), dtype=np.float64).reshape(shape) for x in parts
    )
    return (g, c, r, s, t) if contributions else t


def _table_rows(lat: F64, lon: F64, frequency_ghz: float, grid: F64, p: float) -> F64:
    """Total attenuation ``(site, elevation)``, equal to ``itur``'s but ~20× faster.

    ``itur`` evaluates P.676 gas point by point (``np.vectorize``); its Annex 2
    slant-path result is the zenith value / sin(elevation) (P.676-12 eq. 28),
    so gas is computed once per site at 90° and scaled; rain, cloud and
    scintillation come from one vectorised call; they are combined as P.618 eq. 64.
    """
    gas90, *_ = slant_path_attenuation_db(lat, lon, frequency_ghz, 90.0, p, contributions=True)
    la, lo, el = np.broadcast_arrays(lat[:, None], lon[:, None], grid[None, :])
    import itur

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, cloud, rain, scint, _ = (
            np.broadcast_to(
                np.asarray(getattr(x, "value", x), dtype=np.float64).reshape(-1), (la.size,)
            ).reshape(la.shape)
            for x in itur.atmospheric_attenuation_slant_path(
                la.ravel(),
                lo.ravel(),
                frequency_ghz,
                el.ravel(),
                p,
                _SCINT_DIAMETER_M,
                eta=_SCINT_EFFICIENCY,
                return_contributions=True,
                include_gas=False,
            )
        )
    gas = np.asarray(gas90)[:, None] / np.sin(np.deg2rad(el))
    return np.asarray(gas + np.sqrt((rain + cloud) ** 2 + scint**2), dtype=np.float64)


def _disk_path(table: tuple[float, float, tuple[float, ...]]) -> Path:
    """The cache file of one table: its name hashes everything its numbers depend on."""
    what = repr((1, version("itur"), *table, _SCINT_DIAMETER_M, _SCINT_EFFICIENCY))
    return cache.cache_dir("atmosphere") / f"{hashlib.sha256(what.encode()).hexdigest()[:20]}.npz"


def _read_disk(table: tuple[float, float, tuple[float, ...]]) -> None:
    """Keep the rows of ``table``'s cache file in :data:`_DISK` (a missing or unreadable
    file reads as empty: it is only a cache)."""
    _READ.add(table)
    _DISK[table] = (np.zeros(0), np.zeros(0), np.zeros((0, len(table[2]))))
    try:
        with np.load(_disk_path(table)) as data:
            lat, lon, loss = data["lat_deg"], data["lon_deg"], data["loss_db"]
    except (OSError, ValueError, KeyError):
        return
    if loss.shape != (lat.size, len(table[2])) or lon.shape != lat.shape:
        return
    _DISK[table] = (lat, lon, loss)


def _from_disk(table: tuple[float, float, tuple[float, ...]], missing: Sequence[_Key]) -> None:
    """Put the rows of ``missing`` keys (of ``table``) that its disk file holds into
    :data:`_CACHE`."""
    lat, lon, loss = _DISK.get(table, (np.zeros(0), np.zeros(0), np.zeros((0, 0))))
    wanted = np.array([complex(k[0], k[1]) for k in missing])
    for i in np.flatnonzero(np.isin(lat + 1j * lon, wanted)):  # (lat, lon) matched exactly
        row = loss[i].copy()
        row.flags.writeable = False
        _CACHE.setdefault((float(lat[i]), float(lon[i]), *table), row)


def _write_disk(table: tuple[float, float, tuple[float, ...]]) -> None:
    """Write every row of ``table`` this process holds, and those of its disk file it
    does not, to its cache file (atomically; a folder that cannot be written is skipped)."""
    keys = [k for k in _CACHE if k[2:] == table]
    held = np.array([complex(k[0], k[1]) for k in keys])
    d_lat, d_lon, d_loss = _DISK.get(table, (np.zeros(0), np.zeros(0), np.zeros((0, 0))))
    other = ~np.isin(d_lat + 1j * d_lon, held)
    lat = np.concatenate([d_lat[other], np.array([k[0] for k in keys])])
    lon = np.concatenate([d_lon[other], np.array([k[1] for k in keys])])
    rows = [_CACHE[k] for k in keys]
    loss = np.concatenate([d_loss[other].reshape(-1, len(table[2])), np.stack(rows)])
    _DISK[table] = (lat, lon, loss)
    buffer = io.BytesIO()
    np.savez(buffer, lat_deg=lat, lon_deg=lon, loss_db=loss)
    with contextlib.suppress(OSError):
        atomic_write_bytes(_disk_path(table), buffer.getvalue())


class AtmosphereTable:
    """Attenuation (dB) per site over an elevation grid at one frequency; interpolate per link.

    ``lat_deg``, ``lon_deg`` ``(site,)`` degrees; ``frequency_ghz``;
    ``exceedance_percent``.  ``loss_db`` is ``(site, elevation)``.  Building it
    calls ``itur`` once for all sites not yet cached (vectorised), so a few
    thousand sites take about a second after ``itur`` has loaded its maps.
    """

    def __init__(
        self,
        lat_deg: ArrayLike,
        lon_deg: ArrayLike,
        frequency_ghz: float,
        exceedance_percent: float = DEFAULT_EXCEEDANCE_PERCENT,
        elevation_grid_deg: Sequence[float] | NDArray[np.float64] | None = None,
    ) -> None:
        lat = np.atleast_1d(np.asarray(lat_deg, dtype=np.float64))
        lon = np.atleast_1d(np.asarray(lon_deg, dtype=np.float64))
        grid = np.asarray(
            DEFAULT_ELEVATION_GRID_DEG if elevation_grid_deg is None else elevation_grid_deg,
            dtype=np.float64,
        )
        steps = np.diff(grid)
        if grid.ndim != 1 or grid.size < 2 or not np.allclose(steps, steps[0]) or steps[0] <= 0:
            raise ValueError("elevation_grid_deg must be ≥ 2 increasing, evenly spaced degrees")
        if lat.shape != lon.shape:
            raise ValueError(f"lat_deg {lat.shape} and lon_deg {lon.shape} must match")
        self.frequency_ghz = float(frequency_ghz)
        self.exceedance_percent = float(exceedance_percent)
        self.elevation_grid_deg = grid
        self._el0, self._del = float(grid[0]), float(steps[0])
        key_grid = tuple(np.round(grid, 6).tolist())
        keys = [
            (
                round(float(a), 4),
                round(float(b), 4),
                self.frequency_ghz,
                self.exceedance_percent,
                key_grid,
            )
            for a, b in zip(lat, lon, strict=True)
        ]
        missing = sorted({k for k in keys if k not in _CACHE})
        table = (self.frequency_ghz, self.exceedance_percent, key_grid)
        if missing:
            if table not in _READ:
                _read_disk(table)
            _from_disk(table, missing)
            missing = [k for k in missing if k not in _CACHE]
        if missing:
            mlat = np.array([k[0] for k in missing])[:, None]
            mlon = np.array([k[1] for k in missing])[:, None]
            rows = _table_rows(
                mlat[:, 0], mlon[:, 0], self.frequency_ghz, grid, self.exceedance_percent
            )
            for k, row in zip(missing, rows, strict=True):
                row.flags.writeable = False
                _CACHE[k] = row
            _write_disk(table)
        self.loss_db: F64 = np.ascontiguousarray(
            np.stack([_CACHE[k] for k in keys]) if keys else np.zeros((0, grid.size))
        )

    def __len__(self) -> int:
        return int(self.loss_db.shape[0])

    def __call__(self, site_idx: ArrayLike, elevation_deg: ArrayLike) -> F64:
        """Attenuation (dB) for links ``(pair,)``: linear in elevation, clamped to the grid.

        ``site_idx`` and ``elevation_deg`` broadcast together; a NaN
        elevation reads the first grid row.
        """
        site, el = np.broadcast_arrays(
            np.asarray(site_idx, dtype=np.int64), np.asarray(elevation_deg, dtype=np.float64)
        )
        out = np.empty(site.shape)
        status = interpolate_rows(
            self.loss_db,
            np.ascontiguousarray(site).reshape(-1),
            np.ascontiguousarray(el).reshape(-1),
            self._el0,
            self._del,
            out.reshape(-1),
        )
        if status != 0:
            raise IndexError(f"site index out of range for a table of {len(self)} sites")
        return out
