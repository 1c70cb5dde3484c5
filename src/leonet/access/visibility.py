"""Which satellites each site sees, step by step: sparse, culled by site groups.

For every time step and site, the satellites at or above the pair's
elevation mask (:func:`leonet.access.masks.effective_min_elevation_deg`),
with azimuth, elevation and slant range from :func:`leonet.frames.look_angles`
(geometric, WGS84 ellipsoid normal, no refraction).

The result is a :class:`Visibility`: a flat table of pairs sorted by
``(time, site, sat)`` with CSR offsets over the ``(time, site)`` rows.

How :func:`visible` scales
--------------------------
The sites are static, so they are put in groups of neighbours (bins of about
1.5°, each with a bounding sphere) once per call.  At each step a compiled
kernel (:mod:`leonet.access._visibility_kernel`, numba, steps in parallel)
keeps the satellites within :func:`leonet.access.cone.culling_range_km` — a
radius no visible pair can exceed — of the sphere around all sites, then of
each group's sphere, and tests each site of the group against that short
list, in satellite order: the cost grows with sites × satellites *in range*,
not sites × all satellites.  The test compares ``up·rel / |rel|`` with the
sine of the mask; two passes (count, then fill at the offsets) write the
pairs straight into the output arrays, and NumPy's arcsin and arctan2 turn
the kept pairs into degrees.  The arithmetic is that of the KD-tree version
this replaced, operation for operation, and its output is bit for bit the
same; :func:`visible_dense` takes the range from the ENU components instead,
which moves its angles by an ulp or so.

Measured on a shared 2-core machine, 2,520 sites (Ukraine) against 10,395
Starlink satellites, ~177,000 visible pairs a step: about 3 ms a step (the
KD-tree join this replaced took 39 ms; dense, 4.5 s).  The first call in a
process loads the compiled kernels from numba's cache (~0.2 s); the very
first compiles them (~7 s).

:func:`visible_dense` computes every pair by brute force — the reference for
tests and the baseline for benchmarks.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet._numba import measured_threads
from leonet.access import _visibility_kernel as kernel
from leonet.access.cone import culling_range_km
from leonet.access.masks import effective_min_elevation_deg
from leonet.frames import enu_basis, look_angles

__all__ = ["Visibility", "keep_pairs", "visible", "visible_dense"]

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
    ``offsets[row]:offsets[row + 1]``.  Memory is 36 bytes a pair: 2,520
    sites under full Starlink (~177,000 pairs a step) hold ~6.4 MB a step, so
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
        n_time,
        n_site,
        n_sat,
        offsets,
        t,
        cols[0].astype(np.int32),
        cols[1].astype(np.int32),
        cols[2],
        cols[3],
        cols[4],
    )


def visible(
    sat_ecef_km: ArrayLike,
    sat_min_elevation_deg: ArrayLike,
    site_ecef_km: ArrayLike,
    site_lat_deg: ArrayLike,
    site_lon_deg: ArrayLike,
    site_min_elevation_deg: ArrayLike | None = None,
) -> Visibility:
    """Satellites at or above each site's mask at every step, culled by site groups.

    ``sat_ecef_km`` ``(time, sat, 3)`` ECEF km (NaN rows — failed satellites —
    are never visible); ``sat_min_elevation_deg`` ``(sat,)`` or scalar, the
    shell mask; ``site_ecef_km`` ``(site, 3)`` ECEF km with geodetic
    ``site_lat_deg``, ``site_lon_deg`` ``(site,)`` (they define the local
    vertical); ``site_min_elevation_deg`` ``(site,)``, NaN (or ``None``) for
    "use the shell's".  A pair is visible when ``el_deg >= mask``.

    Compiled culling and test, steps in parallel (see the module docstring):
    about 3 ms a step for 2,520 sites × 10,395 Starlink satellites (~177,000
    visible pairs a step), against about 4.5 s for :func:`visible_dense`.
    """
    sats, sat_mask, sites, site_mask, basis = _check_inputs(
        sat_ecef_km,
        sat_min_elevation_deg,
        site_ecef_km,
        site_lat_deg,
        site_lon_deg,
        site_min_elevation_deg,
    )
    n_time, n_sat = sats.shape[:2]
    n_site = sites.shape[0]
    if n_site == 0 or n_sat == 0:
        return _assemble(n_time, n_site, n_sat, [])
    # One array type per argument (C order, writeable), so numba compiles once.
    sats, sites, basis = (np.require(a, np.float64, ["C", "W"]) for a in (sats, sites, basis))
    # culling_range_km needs only the largest satellite radius: pass that satellite.
    radius = culling_range_km(
        sites, kernel.farthest_row(sats), _lowest_mask_deg(site_mask, sat_mask)
    )
    ptr, members, centre, group_radius = kernel.group_sites(
        sites,
        np.asarray(site_lat_deg, dtype=np.float64).reshape(-1),
        np.asarray(site_lon_deg, dtype=np.float64).reshape(-1),
    )
    hull = sites.mean(axis=0)
    hull_radius = np.linalg.norm(sites - hull, axis=-1).max()
    site_own = np.isfinite(site_mask)
    geometry = (
        sats,
        *kernel.quotient_bounds(sat_mask),
        sites,
        basis,
        site_own,
        *kernel.quotient_bounds(np.where(site_own, site_mask, 90.0)),
        ptr,
        members,
        centre,
        kernel.reach_squared_km2(radius, group_radius),
        hull,
        float(kernel.reach_squared_km2(radius, hull_radius)),
    )
    offsets = np.zeros(n_time * n_site + 1, dtype=np.int64)
    no_pairs = [np.empty(0, dtype=np.int32)] * 3 + [np.empty(0)] * 4
    # Threads from measurement, once per process: two can be slower than one (issue 15).
    measured_threads(
        "visible",
        lambda: kernel.visit_steps(
            False, *geometry, np.zeros(n_time * n_site, dtype=np.int64), *no_pairs
        ),
    )
    kernel.visit_steps(False, *geometry, offsets[1:], *no_pairs)  # counts
    np.cumsum(offsets, out=offsets)
    n_pair = int(offsets[-1])
    time_idx, site_idx, sat_idx = (_paged_in(n_pair, np.int32) for _ in range(3))
    el_deg, range_km, az_deg, north_km = (_paged_in(n_pair, np.float64) for _ in range(4))
    uncertain = kernel.visit_steps(
        True, *geometry, offsets, time_idx, site_idx, sat_idx, el_deg, range_km, az_deg, north_km
    )
    # el_deg holds the clipped up·rel / |rel| and az_deg the east component: NumPy's
    # arcsin and arctan2 (SIMD, and the very functions of visible_dense), then degrees.
    np.arcsin(el_deg, out=el_deg)
    np.arctan2(az_deg, north_km, out=az_deg)
    kernel.finish_angles_deg(el_deg, az_deg)
    vis = Visibility(
        n_time, n_site, n_sat, offsets, time_idx, site_idx, sat_idx, az_deg, el_deg, range_km
    )
    return _exact_mask(vis, site_mask, sat_mask) if uncertain else vis


def _paged_in(n: int, dtype: type[np.generic]) -> NDArray[Any]:
    """``np.empty(n, dtype)`` with its memory pages faulted in from this thread.

    Page faults taken by several threads at once contend in the kernel: on the
    2-vCPU VM the benchmarks run on, the parallel fill of fresh arrays took
    2-4× longer than one byte a page written here first, then the fill.
    """
    out = np.empty(n, dtype=dtype)
    out.view(np.uint8)[:: mmap.PAGESIZE] = 0
    return out


def _exact_mask(vis: Visibility, site_mask: F64, sat_mask: F64) -> Visibility:
    """``vis`` without the pairs below their mask (settles pairs within the kernel's margin)."""
    keep = vis.el_deg >= effective_min_elevation_deg(site_mask[vis.site_idx], sat_mask[vis.sat_idx])
    return vis if keep.all() else keep_pairs(vis, keep)


def keep_pairs(vis: Visibility, keep: ArrayLike) -> Visibility:
    """Only the pairs where ``keep`` ``(pair,)`` is true (rows and order kept)."""
    ok = np.asarray(keep, dtype=bool)
    if ok.shape != (len(vis),):
        raise ValueError(f"keep must be ({len(vis)},) booleans, one per pair; got {ok.shape}")
    rows = vis.time_idx.astype(np.int64) * vis.n_site + vis.site_idx
    offsets = np.zeros(vis.n_time * vis.n_site + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[ok], minlength=vis.n_time * vis.n_site), out=offsets[1:])
    return Visibility(
        vis.n_time,
        vis.n_site,
        vis.n_sat,
        offsets,
        vis.time_idx[ok],
        vis.site_idx[ok],
        vis.sat_idx[ok],
        vis.az_deg[ok],
        vis.el_deg[ok],
        vis.range_km[ok],
    )


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
        sat_ecef_km,
        sat_min_elevation_deg,
        site_ecef_km,
        site_lat_deg,
        site_lon_deg,
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
            parts.append(
                (
                    t,
                    (site_i + lo).astype(np.int32),
                    sat_j.astype(np.int32),
                    az[site_i, sat_j],
                    el[site_i, sat_j],
                    rng[site_i, sat_j],
                )
            )
    return _assemble(n_time, n_site, n_sat, parts)
