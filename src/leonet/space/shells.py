"""Infer the shell / plane / slot structure of a real catalogue from its mean elements.

A real constellation is published as one element set per satellite, without
its design.  Later layers (the +Grid laser topology, plane failures) need it,
so it is recovered from the elements, all vectorised over satellites:

1. **Shells** — satellites are grouped by inclination (sorted values split
   at gaps wider than ``inclination_tolerance_deg``); within a group, shell
   altitudes are the peaks of the mean-altitude histogram (1 km bins) holding
   at least ``min_shell_satellites``; peaks closer together than
   ``altitude_tolerance_km`` are one shell (OneWeb staggers its planes by
   4 km).  A satellite belongs to the shell of the nearest peak within
   ``altitude_tolerance_km`` (and within ``inclination_tolerance_deg`` of the
   shell's median inclination); satellites still raising or lowering their
   orbits lie between peaks and stay unassigned (``-1``).
2. **Planes** — nodes drift with J2 at a rate set by altitude and
   inclination, and element epochs differ by hours or days, so every
   satellite's RAAN is first carried to one reference epoch (the newest in
   the set).  Sorted around the circle, RAANs of one plane lie close together
   and planes are separated by gaps; a gap wider than ``plane_gap_deg`` (or
   four times the median gap, if larger) starts a new plane.  Where the nodes
   fall on a comb — ``P`` evenly spaced planes, found as the smallest ``P``
   whose coherence ``|mean(exp(i P RAAN))|`` is within 90 % of the best and
   at least ``MIN_COMB_COHERENCE`` — a nominal plane filled by several
   launches whose nodes sit a few degrees apart stays one plane: the gap
   threshold rises to a third of the spacing ``360°/P`` (at most
   ``MAX_PLANE_GAP_DEG``), and planes also end midway between the comb's
   teeth.  (On the 2026-05-30 catalogue the Gen2 53.16° shell is then 28
   planes, the FCC filing's 28, instead of 54 sub-planes of 2 to 124
   satellites.)  The number of planes therefore comes from the data.  Planes
   with fewer than ``min_plane_satellites`` (satellites drifting between
   planes) get ``-1``.
3. **Slots** — within a plane, satellites are ordered by their argument of
   latitude (argument of perigee + mean anomaly) at the reference epoch.

The J2 secular rates are the first-order ones of Vallado, *Fundamentals of
Astrodynamics and Applications*, 4th ed., eqs. 9-41 and 9-42.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from leonet.constants import WGS72_J2, WGS72_RADIUS_KM
from leonet.space.constellation import ShellSummary
from leonet.space.elements import ElementSet

__all__ = ["ShellAssignment", "infer_shells", "shell_name"]


@dataclass(frozen=True)
class ShellAssignment:
    """Per-satellite structure, all ``(sat,)`` int32, ``-1`` where unassigned.

    ``shell`` indexes ``shells``; ``plane`` is the plane within its shell,
    numbered in order of RAAN; ``slot`` the along-track order within the plane.
    """

    shell: NDArray[np.int32]
    plane: NDArray[np.int32]
    slot: NDArray[np.int32]
    shells: tuple[ShellSummary, ...]

    @property
    def unassigned(self) -> int:
        """How many satellites belong to no shell."""
        return int(np.count_nonzero(self.shell < 0))


def shell_name(inclination_deg: float, altitude_km: float) -> str:
    """A shell's name, ``"53.2deg-540km"``."""
    return f"{inclination_deg:.1f}deg-{altitude_km:.0f}km"


def _j2_rates_rad_min(el: ElementSet) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Secular J2 rates ``(node, argument of latitude)`` in rad/min, each ``(sat,)``."""
    n = el.mean_motion_rad_min
    e2 = el.eccentricity**2
    p_er = el.semi_major_axis_km * (1.0 - e2) / WGS72_RADIUS_KM
    k = 0.75 * WGS72_J2 * n / p_er**2
    cos_i = np.cos(el.inclination_rad)
    node = -2.0 * k * cos_i
    argp = k * (5.0 * cos_i**2 - 1.0)
    mean_anomaly = n + k * np.sqrt(1.0 - e2) * (3.0 * cos_i**2 - 1.0)
    return node, argp + mean_anomaly


def _inclination_groups(inc_deg: NDArray[np.float64], gap_deg: float) -> NDArray[np.intp]:
    """Group label per satellite: sorted inclinations split where the gap exceeds ``gap_deg``."""
    order = np.argsort(inc_deg, kind="stable")
    breaks = np.concatenate([[0], np.diff(inc_deg[order]) > gap_deg]).astype(np.intp)
    labels = np.empty(inc_deg.size, dtype=np.intp)
    labels[order] = np.cumsum(breaks)
    return labels


def _altitude_peaks_km(alt_km: NDArray[np.float64], min_count: int) -> NDArray[np.float64]:
    """Altitudes (km) of histogram peaks holding at least ``min_count`` satellites within ±1 km."""
    low = math.floor(alt_km.min()) - 2
    high = math.ceil(alt_km.max()) + 3
    counts, edges = np.histogram(alt_km, bins=np.arange(low, high + 1.0))
    window = np.convolve(counts, np.ones(3), mode="same")
    peaks, _ = find_peaks(
        np.concatenate([[0.0], window, [0.0]]), height=min_count, prominence=min_count / 2
    )
    centres = 0.5 * (edges[:-1] + edges[1:])
    return np.asarray(centres[peaks - 1], dtype=np.float64)


#: Plane counts the RAAN comb tries (Starlink's densest shell has ~100 planes).
MAX_COMB_PLANES = 180
#: The least comb coherence ``|mean(exp(i P RAAN))|`` at which the comb's spacing is used.
MIN_COMB_COHERENCE = 0.6
#: The widest RAAN gap inside one plane the comb may allow (deg): a plane's satellites
#: drift apart in RAAN by ~0.05°/day per 10 km of altitude, a few degrees at most.
MAX_PLANE_GAP_DEG = 5.0


def _comb(raan_deg: NDArray[np.float64]) -> tuple[int, float] | None:
    """The nominal planes of a shell: their count ``P`` and the node of one (deg), or ``None``.

    ``P`` is the smallest plane count whose comb coherence ``|mean(exp(i P RAAN))|`` is
    within 90 % of the best over ``1 .. MAX_COMB_PLANES`` (multiples of ``P`` cohere as
    well, with the planes' own spread multiplied); ``None`` where that coherence is under
    ``MIN_COMB_COHERENCE`` (planes not evenly spaced).  The planes' nodes are then
    ``phase + k 360/P``.
    """
    # exp(i P RAAN) for P = 1 .. MAX_COMB_PLANES as running products: (P, sat) complex.
    node = np.exp(1j * np.radians(raan_deg))
    mean = np.cumprod(np.broadcast_to(node, (MAX_COMB_PLANES, node.size)), axis=0).mean(axis=1)
    coherence = np.abs(mean)
    best = int(np.flatnonzero(coherence >= 0.9 * coherence.max())[0])
    if coherence[best] < MIN_COMB_COHERENCE:
        return None
    planes = best + 1
    return planes, float(np.degrees(np.angle(mean[best]))) / planes


def _planes(raan_deg: NDArray[np.float64], gap_deg: float, min_size: int) -> NDArray[np.int32]:
    """Plane label per satellite of one shell (``-1`` for planes under ``min_size``)."""
    n = raan_deg.size
    order = np.argsort(raan_deg, kind="stable")
    ordered = raan_deg[order]
    gaps = np.diff(np.concatenate([ordered, [ordered[0] + 360.0]]))  # gap after each satellite
    threshold = max(gap_deg, 4.0 * float(np.median(gaps)))
    comb = _comb(raan_deg)
    tooth_change = np.zeros(n, dtype=bool)
    if comb is not None:
        # Launches into one nominal plane sit a few degrees apart in RAAN: one plane up to a
        # third of the spacing (at most MAX_PLANE_GAP_DEG); planes end between the teeth.
        count, phase_deg = comb
        spacing = 360.0 / count
        threshold = max(threshold, min(spacing / 3.0, MAX_PLANE_GAP_DEG))
        tooth = np.mod(np.round((ordered - phase_deg) / spacing), count)
        tooth_change = tooth != np.roll(tooth, -1)
    boundary = (gaps > threshold) | tooth_change
    labels = np.full(n, -1, dtype=np.int32)
    if not boundary.any():
        labels[:] = 0
        return labels
    start = (int(np.flatnonzero(boundary)[0]) + 1) % n  # first satellite after a gap
    rolled = np.roll(order, -start)
    rolled_boundary = np.roll(boundary, -start)
    raw = np.concatenate([[0], np.cumsum(rolled_boundary[:-1])]).astype(np.int32)
    sizes = np.bincount(raw)
    keep = sizes >= min_size
    renumber = np.where(keep, np.cumsum(keep) - 1, -1).astype(np.int32)
    # Number planes in order of RAAN from 0 deg.
    first_raan = np.full(sizes.size, np.inf)
    np.minimum.at(first_raan, raw, raan_deg[rolled])
    kept = np.flatnonzero(keep)
    by_raan = np.argsort(first_raan[kept], kind="stable")
    renumber[kept[by_raan]] = np.arange(kept.size, dtype=np.int32)
    labels[rolled] = renumber[raw]
    return labels


def _ring_share(plane: NDArray[np.int32], u_rad: NDArray[np.float64]) -> float:
    """The share of a shell's satellites in planes that ring their orbit: the widest gap in
    argument of latitude between neighbours is at most 90°, or 1.5 × the even spacing
    ``360°/N`` of the plane's ``N`` satellites.  Satellites not in a plane count as out."""
    inside = plane >= 0
    if not inside.any():
        return 0.0
    key, u_deg = plane[inside].astype(np.int64), np.mod(np.degrees(u_rad[inside]), 360.0)
    order = np.lexsort((u_deg, key))
    key, u_deg = key[order], u_deg[order]
    start = np.flatnonzero(np.concatenate([[True], key[1:] != key[:-1]]))
    size = np.diff(np.append(start, key.size))
    gap = np.diff(np.append(u_deg, 0.0))
    last = np.append(start[1:], key.size) - 1
    gap[last] = u_deg[start] + 360.0 - u_deg[last]  # the wrap-around gap of each plane
    widest = np.maximum.reduceat(gap, start)
    ring = widest <= np.maximum(90.0, 1.5 * 360.0 / size)
    return float(size[ring].sum()) / plane.size


def _slots(plane_key: NDArray[np.int64], u_rad: NDArray[np.float64]) -> NDArray[np.int32]:
    """Rank of each satellite by argument of latitude within its ``plane_key`` group."""
    order = np.lexsort((np.mod(u_rad, 2.0 * np.pi), plane_key))
    keys = plane_key[order]
    starts = np.concatenate([[True], keys[1:] != keys[:-1]])
    first = np.maximum.accumulate(np.where(starts, np.arange(keys.size), 0))
    slots = np.empty(keys.size, dtype=np.int32)
    slots[order] = np.arange(keys.size) - first
    return slots


def infer_shells(
    elements: ElementSet,
    *,
    inclination_tolerance_deg: float = 0.5,
    altitude_tolerance_km: float = 10.0,
    min_shell_satellites: int = 20,
    plane_gap_deg: float = 1.0,
    min_plane_satellites: int = 2,
    min_ring_share: float = 0.75,
    reference_jd: float | None = None,
) -> ShellAssignment:
    """Shell, plane and slot of every satellite of a catalogue (see the module docstring).

    A group whose planes do not ring their orbits — fewer than ``min_ring_share`` of its
    satellites in planes whose widest gap in argument of latitude is at most 90° (or 1.5 ×
    the even spacing) — is launch trains raising (or lowering) their orbits through that
    altitude, bunched along a few planes: it is no shell and its satellites stay ``-1``
    (they neither serve nor relay).

    ``reference_jd`` is the (UTC Julian date) epoch RAAN and argument of latitude are
    carried to with J2 before planes and slots are formed; default the newest element
    epoch.  Loops run over shells only.
    """
    n = len(elements)
    shell = np.full(n, -1, dtype=np.int32)
    plane = np.full(n, -1, dtype=np.int32)
    slot = np.full(n, -1, dtype=np.int32)
    if n == 0:
        return ShellAssignment(shell, plane, slot, ())

    inc_deg = np.degrees(elements.inclination_rad)
    alt_km = elements.mean_altitude_km
    ok = np.isfinite(alt_km) & (elements.eccentricity < 0.1)

    # 1. Shells: inclination groups, then altitude peaks within each group.
    groups = _inclination_groups(inc_deg, inclination_tolerance_deg)
    found: list[tuple[float, float, NDArray[np.intp]]] = []
    for g in np.unique(groups[ok]):
        members = np.flatnonzero((groups == g) & ok)
        if members.size < min_shell_satellites:
            continue
        peaks = _altitude_peaks_km(alt_km[members], min_shell_satellites)
        if peaks.size == 0:
            continue
        # Peaks closer than the tolerance are one shell (OneWeb staggers its planes 4 km apart;
        # a shell being lowered spreads over a few parking altitudes).
        merged = np.concatenate([[0], np.cumsum(np.diff(peaks) > altitude_tolerance_km)])
        distance = np.abs(alt_km[members, None] - peaks[None, :])
        nearest = np.argmin(distance, axis=1)
        close = distance[np.arange(members.size), nearest] <= altitude_tolerance_km
        for p in range(int(merged[-1]) + 1):
            sats = members[close & (merged[nearest] == p)]
            if sats.size == 0:
                continue
            inc_median = float(np.median(inc_deg[sats]))
            sats = sats[np.abs(inc_deg[sats] - inc_median) <= inclination_tolerance_deg]
            if sats.size >= min_shell_satellites:
                found.append(
                    (float(np.median(inc_deg[sats])), float(np.median(alt_km[sats])), sats)
                )
    found.sort(key=lambda item: (round(item[0], 1), item[1]))

    # 2. Carry RAAN and argument of latitude to one reference epoch.
    if reference_jd is None:
        newest = int(np.argmax(elements.epoch_jd + elements.epoch_fr))
        ref_jd, ref_fr = float(elements.epoch_jd[newest]), float(elements.epoch_fr[newest])
    else:
        ref_jd, ref_fr = float(reference_jd), 0.0
    dt_min = ((ref_jd - elements.epoch_jd) + (ref_fr - elements.epoch_fr)) * 1440.0
    node_rate, u_rate = _j2_rates_rad_min(elements)
    raan_deg = np.mod(np.degrees(elements.raan_rad + node_rate * dt_min), 360.0)
    u_rad = elements.arg_perigee_rad + elements.mean_anomaly_rad + u_rate * dt_min

    # 3. Planes and slots within each shell.
    summaries: list[ShellSummary] = []
    for inclination, altitude, sats in found:
        labels = _planes(raan_deg[sats], plane_gap_deg, min_plane_satellites)
        if _ring_share(labels, u_rad[sats]) < min_ring_share:
            continue  # launch trains on their way up (or down): not a shell
        shell[sats] = len(summaries)
        plane[sats] = labels
        sizes = np.bincount(plane[sats][plane[sats] >= 0])
        summaries.append(
            ShellSummary(
                name=shell_name(inclination, altitude),
                altitude_km=round(altitude, 1),
                inclination_deg=round(inclination, 2),
                planes=int(sizes.size),
                sats_per_plane=int(np.median(sizes)) if sizes.size else 0,
                phasing=-1,
                satellites=int(sats.size),
            )
        )
    in_plane = plane >= 0
    if in_plane.any():
        key = shell[in_plane].astype(np.int64) * 100_000 + plane[in_plane]
        slot[in_plane] = _slots(key, u_rad[in_plane])
    return ShellAssignment(shell, plane, slot, tuple(summaries))
