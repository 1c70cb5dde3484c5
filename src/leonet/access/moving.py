"""Visibility for moving terminals, and joining and filtering visibility tables.

Moving terminals (a drone, a vehicle) are few, so their visibility is computed
densely per chunk — ``(time, terminal, sat)`` look angles in one vectorised
pass — and appended to the fixed sites' table with :func:`concat_sites`, or
joined and filtered in one pass by :func:`usable_pairs` (what the run engine
does: policy refusals and failed satellites drop out on the way).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.access._join_kernel import copy_usable, count_up
from leonet.access.masks import effective_min_elevation_deg
from leonet.access.visibility import Visibility, keep_pairs
from leonet.frames import enu_basis, geodetic_to_ecef, look_angles

__all__ = ["concat_sites", "keep_rows", "usable_pairs", "visible_moving"]


def visible_moving(
    sat_ecef_km: ArrayLike,
    sat_min_elevation_deg: ArrayLike,
    lat_deg: ArrayLike,
    lon_deg: ArrayLike,
    alt_km: ArrayLike,
    site_min_elevation_deg: ArrayLike | None = None,
) -> Visibility:
    """Satellites above the mask of terminals that move.

    ``sat_ecef_km`` ``(time, sat, 3)`` km; ``lat_deg``, ``lon_deg``, ``alt_km``
    ``(time, site)`` — each terminal's position at each step;
    ``site_min_elevation_deg`` ``(site,)`` (NaN: the shell's).  Same output and
    mask rule as :func:`leonet.access.visible`.
    """
    sats = np.asarray(sat_ecef_km, dtype=np.float64)
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    n_time, n_sat = sats.shape[:2]
    if lat.ndim != 2 or lat.shape[0] != n_time:
        raise ValueError(f"lat_deg must be (time, site) with time={n_time}, got {lat.shape}")
    n_site = lat.shape[1]
    site_mask = (
        np.full(n_site, np.nan)
        if site_min_elevation_deg is None
        else np.broadcast_to(np.asarray(site_min_elevation_deg, dtype=np.float64), (n_site,))
    )
    sat_mask = np.broadcast_to(np.asarray(sat_min_elevation_deg, dtype=np.float64), (n_sat,))
    site = geodetic_to_ecef(lat, lon, alt_km)  # (time, site, 3)
    basis = enu_basis(lat, lon)  # (time, site, 3, 3)
    az, el, rng = look_angles(site[:, :, None, :], basis[:, :, None, :, :], sats[:, None, :, :])
    mask = effective_min_elevation_deg(site_mask[:, None], sat_mask[None, :])  # (site, sat)
    ok = np.isfinite(el) & (el >= mask[None])
    t, s, k = np.nonzero(ok)  # C order: sorted by (time, site, sat)
    offsets = np.zeros(n_time * n_site + 1, dtype=np.int64)
    np.cumsum(np.bincount(t * n_site + s, minlength=n_time * n_site), out=offsets[1:])
    return Visibility(
        n_time,
        n_site,
        n_sat,
        offsets,
        t.astype(np.int32),
        s.astype(np.int32),
        k.astype(np.int32),
        az[ok],
        el[ok],
        rng[ok],
    )


def concat_sites(first: Visibility, second: Visibility) -> Visibility:
    """One table over the sites of ``first`` followed by those of ``second``.

    Both must cover the same steps and satellites.  Pairs stay sorted by
    (time, site, sat); ``second``'s site indices are shifted by ``first.n_site``.
    """
    if (first.n_time, first.n_sat) != (second.n_time, second.n_sat):
        raise ValueError(
            f"visibility tables differ: {first.n_time}×{first.n_sat} and "
            f"{second.n_time}×{second.n_sat} (time × satellites)"
        )
    n_time, n_a, n_b = first.n_time, first.n_site, second.n_site
    count_a = np.diff(first.offsets).reshape(n_time, n_a)
    count_b = np.diff(second.offsets).reshape(n_time, n_b)
    counts = np.concatenate([count_a, count_b], axis=1).ravel()
    offsets = np.zeros(counts.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    # Each step's block: first's pairs, then second's — contiguous copies, one per step.
    edge_a = first.offsets[::n_a] if n_a else np.zeros(n_time + 1, np.int64)
    edge_b = second.offsets[::n_b] if n_b else np.zeros(n_time + 1, np.int64)
    slices = [
        (slice(int(edge_a[t]), int(edge_a[t + 1])), slice(int(edge_b[t]), int(edge_b[t + 1])))
        for t in range(n_time)
    ]

    def merged(a: NDArray[np.generic], b: NDArray[np.generic]) -> NDArray[np.generic]:
        return np.concatenate([part for sa, sb in slices for part in (a[sa], b[sb])])

    return Visibility(
        n_time,
        n_a + n_b,
        first.n_sat,
        offsets,
        merged(first.time_idx, second.time_idx).astype(np.int32, copy=False),
        merged(first.site_idx, (second.site_idx + n_a).astype(np.int32)).astype(
            np.int32, copy=False
        ),
        merged(first.sat_idx, second.sat_idx).astype(np.int32, copy=False),
        merged(first.az_deg, second.az_deg).astype(np.float64, copy=False),
        merged(first.el_deg, second.el_deg).astype(np.float64, copy=False),
        merged(first.range_km, second.range_km).astype(np.float64, copy=False),
    )


def keep_rows(vis: Visibility, allowed: ArrayLike) -> Visibility:
    """Only the pairs of (time, site) rows where ``allowed`` ``(time, site)`` is true."""
    ok = np.asarray(allowed, dtype=bool)
    return keep_pairs(vis, ok[vis.time_idx, vis.site_idx])


def usable_pairs(
    parts: list[Visibility],
    allowed: ArrayLike,
    sat_up: ArrayLike,
) -> tuple[NDArray[np.int64], Visibility]:
    """Satellites up in view per row ``(time * site,)``, and the pairs usable for service.

    ``parts`` are the visibility of consecutive groups of sites (e.g. fixed,
    then moving) over the same steps and satellites; usable pairs are those of
    rows ``allowed`` ``(time, site)`` (all sites of all parts) to satellites up
    (``sat_up`` ``(time, sat)``).  The same as ``keep_pairs(concat_sites(*parts),
    allowed[row] & sat_up[pair])`` with bincounts of the rows, without the
    joined table in between: one compiled pass counts, one copies.
    """
    if not parts:
        raise ValueError("usable_pairs needs at least one visibility table")
    n_time, n_sat = parts[0].n_time, parts[0].n_sat
    for part in parts[1:]:
        if (part.n_time, part.n_sat) != (n_time, n_sat):
            raise ValueError(
                f"visibility tables differ: {n_time}×{n_sat} and "
                f"{part.n_time}×{part.n_sat} (time × satellites)"
            )
    n_site = sum(part.n_site for part in parts)
    ok = np.ascontiguousarray(allowed, dtype=bool)
    up = np.ascontiguousarray(sat_up, dtype=bool)
    if ok.shape != (n_time, n_site) or up.shape != (n_time, n_sat):
        raise ValueError(
            f"allowed must be (time, site) = ({n_time}, {n_site}) and sat_up "
            f"(time, sat) = ({n_time}, {n_sat}); got {ok.shape} and {up.shape}"
        )
    first_site = np.cumsum([0] + [part.n_site for part in parts[:-1]])
    all_up = bool(up.all())
    counts = []
    for part in parts:
        c = np.diff(part.offsets).reshape(n_time, part.n_site)
        if not all_up:
            c = np.empty((n_time, part.n_site), dtype=np.int64)
            count_up(part.offsets, part.sat_idx, up, part.n_site, c)
        counts.append(c)
    n_up = np.concatenate(counts, axis=1).ravel()
    if len(parts) == 1 and all_up and ok.all():
        return n_up, parts[0]
    offsets = np.zeros(n_time * n_site + 1, dtype=np.int64)
    np.cumsum(np.where(ok.ravel(), n_up, 0), out=offsets[1:])
    total = int(offsets[-1])
    out = (
        np.empty(total, np.int32),
        np.empty(total, np.int32),
        np.empty(total, np.int32),
        np.empty(total),
        np.empty(total),
        np.empty(total),
    )
    for part, lo in zip(parts, first_site, strict=True):
        copy_usable(
            part.offsets,
            part.n_site,
            int(lo),
            n_site,
            np.ascontiguousarray(ok[:, lo : lo + part.n_site]),
            up,
            (part.time_idx, part.site_idx, part.sat_idx, part.az_deg, part.el_deg, part.range_km),
            offsets,
            out,
        )
    return n_up, Visibility(n_time, n_site, n_sat, offsets, *out)
