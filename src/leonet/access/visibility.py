"""Which satellites each site sees, step by step: sparse, KD-tree culled.

For every time step and site, the satellites at or above the pair's
elevation mask (:func:`leonet.access.masks.effective_min_elevation_deg`),
with azimuth, elevation and slant range from :func:`leonet.frames.look_angles`
(geometric, WGS84 ellipsoid normal, no refraction).

The result is a :class:`Visibility`: a flat table of pairs sorted by
``(time, site, sat)`` with CSR offsets over the ``(time, site)`` rows.

How :func:`visible` scales
--------------------------
The sites are static, so one ``scipy.spatial.cKDTree`` over them is built per
call; at each step a second tree over that step's (finite) satellite
positions is built and the two are joined with
``cKDTree.sparse_distance_matrix`` (a dual-tree search, output as arrays, no
Python lists) within :func:`leonet.access.cone.culling_range_km`, a radius
no visible pair can exceed.  Exact look angles are computed only for those
candidates, so the cost grows with sites × satellites *in range*, not
sites × all satellites.  The loop over time steps is the accepted pattern:
each iteration is vectorised over all sites and satellites, and it bounds the
temporary candidate arrays to one step.  (Measured on 2,500 sites against
~10,400 Starlink satellites: about 31 ms a step against 2.8 s dense.)

:func:`visible_dense` computes every pair by brute force — the reference for
tests and the baseline for benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from leonet.access.cone import culling_range_km
from leonet.access.masks import effective_min_elevation_deg
from leonet.frames import enu_basis, look_angles

__all__ = ["Visibility", "visible", "visible_dense"]

F64 = NDArray[np.float64]
I32 = NDArray[np.int32]

#: Sites per block in :func:`visible_dense` (bounds its (block, sat, 3) temporaries).
_DENSE_SITE_BLOCK = 128


@dataclass(frozen=True)
class Visibility:
    """Visible (site, satellite) pairs over the steps of one time chunk.

    All pair arrays are ``(pair,)``, sorted by ``(time_idx, site_idx, sat_idx)``:
    ``time_idx`` (int32, step within the chunk), ``site_idx`` and ``sat_idx``
    (int32), ``az_deg`` (from north through east, [0, 360)), ``el_deg`` and
    ``range_km`` (float64).  ``offsets`` (int64, ``(n_time * n_site + 1,)``)
    is the CSR index: the pairs of row ``t * n_site + s`` are
    ``offsets[row]:offsets[row + 1]``.  Memory is 36 bytes a pair: 2,500
    sites under full Starlink (~127,000 pairs a step) hold ~4.6 MB a step, so
    size time chunks to the sites × visible satellites, not to the satellites.
    """

    n_time: int
    n_site: int
    n_sat: int
    offsets: NDArray[np.int64]
    time_idx: I32
    site_idx: I32
    sat_idx: I32
    az_deg: F64
    el_deg: F64
    range_km: F64

    def __len__(self) -> int:
        return int(self.sat_idx.shape[0])

    def counts(self) -> NDArray[np.int64]:
        """Number of visible satellites, ``(time, site)``."""
        return np.diff(self.offsets).reshape(self.n_time, self.n_site)

    def step_slice(self, t: int) -> slice:
        """The pairs of step ``t`` as a slice into the pair arrays."""
        return slice(int(self.offsets[t * self.n_site]), int(self.offsets[(t + 1) * self.n_site]))

    def take_steps(self, first: int, stop: int) -> Visibility:
        """The steps ``first .. stop-1`` as their own :class:`Visibility` (re-based time)."""
        if not 0 <= first <= stop <= self.n_time:
            raise IndexError(f"steps [{first}, {stop}) outside a chunk of {self.n_time} steps")
        lo, hi = int(self.offsets[first * self.n_site]), int(self.offsets[stop * self.n_site])
        return Visibility(
            stop - first,
            self.n_site,
            self.n_sat,
            self.offsets[first * self.n_site : stop * self.n_site + 1] - lo,
            (self.time_idx[lo:hi] - first).astype(np.int32),
            self.site_idx[lo:hi],
            self.sat_idx[lo:hi],
            self.az_deg[lo:hi],
            self.el_deg[lo:hi],
            self.range_km[lo:hi],
        )


def _check_inputs(
    sat_ecef_km: ArrayLike,
    sat_min_elevation_deg: ArrayLike,
    site_ecef_km: ArrayLike,
    site_lat_deg: ArrayLike,
    site_lon_deg: ArrayLike,
    site_min_elevation_deg: ArrayLike | None,
) -> tuple[F64, F64, F64, F64, F64]:
    sats = np.asarray(sat_ecef_km, dtype=np.float64)
    if sats.ndim == 2:
        sats = sats[None]
    if sats.ndim != 3 or sats.shape[-1] != 3:
        raise ValueError(
            f"sat_ecef_km must be (time, sat, 3) ECEF km, got shape {np.shape(sat_ecef_km)}; "
            "pass Ephemeris.r_ecef_km (a single step may be (sat, 3))"
        )
    sites = np.asarray(site_ecef_km, dtype=np.float64).reshape(-1, 3)
    n_site, n_sat = sites.shape[0], sats.shape[1]
    sat_mask = np.broadcast_to(np.asarray(sat_min_elevation_deg, dtype=np.float64), (n_sat,))
    if site_min_elevation_deg is None:
        site_mask = np.full(n_site, np.nan)
    else:
        site_mask = np.broadcast_to(np.asarray(site_min_elevation_deg, dtype=np.float64), (n_site,))
    lat = np.asarray(site_lat_deg, dtype=np.float64).reshape(-1)
    lon = np.asarray(site_lon_deg, dtype=np.float64).reshape(-1)
    if lat.shape != (n_site,) or lon.shape != (n_site,):
        raise ValueError(
            f"site_lat_deg and site_lon_deg must be ({n_site},) like site_ecef_km's rows, "
            f"got {lat.shape} and {lon.shape}"
        )
    if not np.isfinite(sites).all():
        raise ValueError("site_ecef_km has non-finite rows; drop or fix those sites first")
    used = sat_mask if np.isnan(site_mask).any() else np.empty(0)
    if not np.isfinite(used).all():
        raise ValueError(
            "sat_min_elevation_deg must be finite for every satellite (it is the fallback "
            "when a site has no mask of its own); use satellite_min_elevation_deg(constellation)"
        )
    return sats, sat_mask, sites, site_mask, enu_basis(lat, lon)


def _lowest_mask_deg(site_mask: F64, sat_mask: F64) -> float:
    finite_site = site_mask[np.isfinite(site_mask)]
    lows = [float(finite_site.min())] if finite_site.size else []
    if finite_site.size < site_mask.size and sat_mask.size:
        lows.append(float(sat_mask.min()))
    return min(lows) if lows else 90.0


def _assemble(
    n_time: int, n_site: int, n_sat: int, parts: list[tuple[int, I32, I32, F64, F64, F64]]
) -> Visibility:
    """Concatenate per-step (t, site, sat, az, el, range) parts already sorted by (site, sat)."""
    if parts:
        t = np.concatenate([np.full(p[1].shape, p[0], dtype=np.int32) for p in parts])
        cols = [np.concatenate([p[k] for p in parts]) for k in range(1, 6)]
    else:
        t = np.zeros(0, np.int32)
        cols = [np.zeros(0, np.int32)] * 2 + [np.zeros(0)] * 3
    row = t.astype(np.int64) * n_site + cols[0]
    counts = np.bincount(row, minlength=n_time * n_site)
    offsets = np.zeros(n_time * n_site + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return Visibility(
        n_time, n_site, n_sat, offsets, t,
        cols[0].astype(np.int32), cols[1].astype(np.int32), cols[2], cols[3], cols[4],
    )


def _site_sat_order(
    site_i: NDArray[np.intp], sat_j: NDArray[np.intp], n_site: int, n_sat: int
) -> NDArray[np.intp]:
    """The permutation sorting pairs by (site, sat); two O(n) radix passes when both fit 16 bits."""
    if max(n_site, n_sat) <= np.iinfo(np.uint16).max:
        by_sat = np.argsort(sat_j.astype(np.uint16), kind="stable")
        return by_sat[np.argsort(site_i[by_sat].astype(np.uint16), kind="stable")]
    return np.argsort(site_i.astype(np.int64) * n_sat + sat_j)


def visible(
    sat_ecef_km: ArrayLike,
    sat_min_elevation_deg: ArrayLike,
    site_ecef_km: ArrayLike,
    site_lat_deg: ArrayLike,
    site_lon_deg: ArrayLike,
    site_min_elevation_deg: ArrayLike | None = None,
) -> Visibility:
    """Satellites at or above each site's mask at every step, KD-tree culled.

    ``sat_ecef_km`` ``(time, sat, 3)`` ECEF km (NaN rows — failed satellites —
    are never visible); ``sat_min_elevation_deg`` ``(sat,)`` or scalar, the
    shell mask; ``site_ecef_km`` ``(site, 3)`` ECEF km with geodetic
    ``site_lat_deg``, ``site_lon_deg`` ``(site,)`` (they define the local
    vertical); ``site_min_elevation_deg`` ``(site,)``, NaN (or ``None``) for
    "use the shell's".  A pair is visible when ``el_deg >= mask``.

    One vectorised iteration per step (see the module docstring).  Measured on
    one shared 2-core machine: 2,500 sites × 10,395 Starlink satellites (real
    TLEs, ~127,000 visible pairs a step) take about 31 ms a step, against about
    2.8 s for :func:`visible_dense` (≈ 90×).
    """
    sats, sat_mask, sites, site_mask, basis = _check_inputs(
        sat_ecef_km, sat_min_elevation_deg, site_ecef_km, site_lat_deg, site_lon_deg,
        site_min_elevation_deg,
    )
    n_time, n_sat = sats.shape[:2]
    n_site = sites.shape[0]
    parts: list[tuple[int, I32, I32, F64, F64, F64]] = []
    if n_site == 0 or n_sat == 0:
        return _assemble(n_time, n_site, n_sat, parts)
    lowest = _lowest_mask_deg(site_mask, sat_mask)
    site_tree = cKDTree(sites)
    # Coordinates as separate contiguous columns: 1-D gathers are several times
    # faster than gathering (pair, 3) rows.
    gx, gy, gz = (np.ascontiguousarray(sites[:, k]) for k in range(3))
    east, north, up = (
        tuple(np.ascontiguousarray(basis[:, row, k]) for k in range(3)) for row in range(3)
    )
    for t in range(n_time):
        step = sats[t]
        finite = np.flatnonzero(np.isfinite(step).all(axis=1))
        if finite.size == 0:
            continue
        radius = culling_range_km(sites, step[finite], lowest)
        pairs = site_tree.sparse_distance_matrix(
            cKDTree(step[finite]), radius, output_type="ndarray"
        )
        site_i = pairs["i"].astype(np.intp)
        sat_j = finite[pairs["j"]]
        rx = step[:, 0][sat_j] - gx[site_i]
        ry = step[:, 1][sat_j] - gy[site_i]
        rz = step[:, 2][sat_j] - gz[site_i]
        range_km = np.sqrt(rx * rx + ry * ry + rz * rz)
        up_km = up[0][site_i] * rx + up[1][site_i] * ry + up[2][site_i] * rz
        el_deg = np.rad2deg(np.arcsin(np.clip(up_km / range_km, -1.0, 1.0)))
        keep = np.flatnonzero(
            el_deg >= effective_min_elevation_deg(site_mask[site_i], sat_mask[sat_j])
        )
        keep = keep[_site_sat_order(site_i[keep], sat_j[keep], n_site, n_sat)]
        site_i, sat_j, rx, ry, rz = site_i[keep], sat_j[keep], rx[keep], ry[keep], rz[keep]
        east_km = east[0][site_i] * rx + east[1][site_i] * ry + east[2][site_i] * rz
        north_km = north[0][site_i] * rx + north[1][site_i] * ry + north[2][site_i] * rz
        az_deg = np.mod(np.rad2deg(np.arctan2(east_km, north_km)), 360.0)
        parts.append((
            t, site_i.astype(np.int32), sat_j.astype(np.int32),
            az_deg, el_deg[keep], range_km[keep],
        ))
    return _assemble(n_time, n_site, n_sat, parts)


def visible_dense(
    sat_ecef_km: ArrayLike,
    sat_min_elevation_deg: ArrayLike,
    site_ecef_km: ArrayLike,
    site_lat_deg: ArrayLike,
    site_lon_deg: ArrayLike,
    site_min_elevation_deg: ArrayLike | None = None,
) -> Visibility:
    """The same result as :func:`visible`, by brute force over every (site, sat) pair.

    Same arguments and output.  Look angles for all sites × satellites at each
    step (in blocks of sites to bound memory): the reference for tests and the
    baseline for benchmarks.
    """
    sats, sat_mask, sites, site_mask, basis = _check_inputs(
        sat_ecef_km, sat_min_elevation_deg, site_ecef_km, site_lat_deg, site_lon_deg,
        site_min_elevation_deg,
    )
    n_time, n_sat = sats.shape[:2]
    n_site = sites.shape[0]
    parts: list[tuple[int, I32, I32, F64, F64, F64]] = []
    for t in range(n_time):
        for lo in range(0, n_site, _DENSE_SITE_BLOCK):
            hi = min(lo + _DENSE_SITE_BLOCK, n_site)
            with np.errstate(invalid="ignore"):
                az, el, rng = look_angles(sites[lo:hi, None], basis[lo:hi, None], sats[t][None])
                mask = effective_min_elevation_deg(site_mask[lo:hi, None], sat_mask[None, :])
                site_i, sat_j = np.nonzero(el >= mask)
            parts.append((
                t, (site_i + lo).astype(np.int32), sat_j.astype(np.int32),
                az[site_i, sat_j], el[site_i, sat_j], rng[site_i, sat_j],
            ))
    return _assemble(n_time, n_site, n_sat, parts)
