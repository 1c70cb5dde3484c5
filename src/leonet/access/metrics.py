"""Service metrics per site and per region, accumulated chunk by chunk.

A day at 1 s is 86,400 steps: nothing here keeps a time axis.  Each
accumulator takes one chunk's ``(time, site)`` arrays in :meth:`update` and
keeps only per-site (or per-region) running sums, extremes and the open gap,
so memory is independent of the run length; :meth:`finalize` turns them into
arrays.  Feeding chunks one by one gives exactly what one call with the whole
run would (the longest gap is carried across chunk boundaries).

Per site (:class:`SiteMetricsAccumulator` → :class:`SiteMetrics`): fraction of
time served, the distribution of the number of visible satellites (mean, min,
max, nearest-rank percentiles, histogram), the longest unserved gap, steps
per outage reason, handovers and handovers per hour.

Per region (:class:`RegionCoverageAccumulator` → :class:`RegionCoverage`):
area coverage — the (optionally area-weighted) fraction of the region's cells
served, averaged over time, with its worst instant — and the worst cells.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.access.scheduler import Schedule
from leonet.access.visibility import Visibility
from leonet.outcomes import OUTCOME_CODE_LIMIT, Outcome

__all__ = [
    "RegionCoverage",
    "RegionCoverageAccumulator",
    "SiteMetrics",
    "SiteMetricsAccumulator",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]


@dataclass(frozen=True)
class SiteMetrics:
    """Per-site service metrics over a run; arrays are ``(site,)`` unless noted.

    ``served_fraction`` of steps served; ``visible_mean/min/max`` satellites
    above the mask; ``visible_percentiles`` ``(len(percentiles), site)``
    nearest-rank percentiles for ``percentiles``; ``visible_histogram``
    ``(site, max_count + 1)`` steps with 0, 1, … visible satellites (the last
    bin holds ``max_count`` or more); ``longest_gap_s`` the longest run of
    unserved steps × ``step_s``; ``reason_steps`` ``(site, OUTCOME_CODE_LIMIT)``
    steps per :class:`~leonet.outcomes.Outcome` code; ``handovers``
    and ``handovers_per_hour``.
    """

    steps: int
    step_s: float
    served_fraction: F64
    visible_mean: F64
    visible_min: I64
    visible_max: I64
    percentiles: tuple[float, ...]
    visible_percentiles: I64
    visible_histogram: I64
    longest_gap_s: F64
    reason_steps: I64
    handovers: I64
    handovers_per_hour: F64

    @property
    def duration_s(self) -> float:
        return self.steps * self.step_s

    def as_dict(self) -> dict[str, object]:
        """The fields by name (arrays stay arrays), e.g. for a results table."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class SiteMetricsAccumulator:
    """Streaming per-site metrics: :meth:`update` per chunk, :meth:`finalize` once.

    ``n_site`` sites (terminals), ``step_s`` the grid step (s), ``max_count``
    the top bin of the visible-satellite histogram (memory ``n_site ×
    (max_count + 1)`` int64).
    """

    def __init__(self, n_site: int, step_s: float, max_count: int = 127) -> None:
        if not (math.isfinite(step_s) and step_s > 0):
            raise ValueError(f"step_s must be a positive number of seconds, got {step_s!r}")
        if max_count < 1:
            raise ValueError(f"max_count must be at least 1, got {max_count}")
        self.n_site = int(n_site)
        self.step_s = float(step_s)
        self.max_count = int(max_count)
        self.steps = 0
        self._served = np.zeros(n_site, np.int64)
        self._count_sum = np.zeros(n_site, np.int64)
        self._count_min = np.full(n_site, np.iinfo(np.int64).max, np.int64)
        self._count_max = np.zeros(n_site, np.int64)
        self._hist = np.zeros((n_site, max_count + 1), np.int64)
        self._open_gap = np.zeros(n_site, np.int64)  # unserved steps at the end so far
        self._longest_gap = np.zeros(n_site, np.int64)
        self._reasons = np.zeros((n_site, OUTCOME_CODE_LIMIT), np.int64)
        self._handovers = np.zeros(n_site, np.int64)

    def update(
        self,
        served: ArrayLike,
        visible_count: ArrayLike,
        handovers: ArrayLike | None = None,
        reason: ArrayLike | None = None,
    ) -> None:
        """Add one chunk: ``served`` ``(time, site)`` bool, ``visible_count``
        ``(time, site)`` satellites above the mask, ``handovers`` ``(site,)``
        counted in the chunk, ``reason`` ``(time, site)`` uint8 outage reasons
        (default: 0 where served, ``NO_SATELLITE`` elsewhere)."""
        ok = np.asarray(served, dtype=bool)
        count = np.asarray(visible_count, dtype=np.int64)
        if ok.ndim != 2 or ok.shape[1] != self.n_site or count.shape != ok.shape:
            raise ValueError(
                f"served and visible_count must both be (time, {self.n_site}); got "
                f"{ok.shape} and {count.shape}"
            )
        n_time = ok.shape[0]
        if n_time == 0:
            return
        self.steps += n_time
        self._served += ok.sum(axis=0)
        self._count_sum += count.sum(axis=0)
        np.minimum(self._count_min, count.min(axis=0), out=self._count_min)
        np.maximum(self._count_max, count.max(axis=0), out=self._count_max)
        nb = self.max_count + 1
        flat = np.arange(self.n_site) * nb + np.clip(count, 0, self.max_count)
        self._hist += np.bincount(flat.ravel(), minlength=self.n_site * nb).reshape(self.n_site, nb)
        # Gap lengths: the last served step index, carried forward down the time axis.
        t = np.arange(n_time, dtype=np.int64)[:, None]
        last = np.maximum.accumulate(np.where(ok, t, -1 - self._open_gap[None, :]), axis=0)
        run = np.where(ok, 0, t - last)
        np.maximum(self._longest_gap, run.max(axis=0), out=self._longest_gap)
        self._open_gap = run[-1].copy()
        if reason is None:
            codes = np.where(ok, Outcome.SERVED, Outcome.NO_SATELLITE)
        else:
            codes = np.asarray(reason, dtype=np.int64)
        nr = OUTCOME_CODE_LIMIT
        flat = np.arange(self.n_site) * nr + codes
        self._reasons += np.bincount(flat.ravel(), minlength=self.n_site * nr).reshape(-1, nr)
        if handovers is not None:
            self._handovers += np.asarray(handovers, dtype=np.int64)

    _STATE = (
        "_served",
        "_count_sum",
        "_count_min",
        "_count_max",
        "_hist",
        "_open_gap",
        "_longest_gap",
        "_reasons",
        "_handovers",
    )

    def _hist_window(self) -> tuple[I64, I64]:
        """Per site, the first histogram bin that can be non-zero and how many can be:
        every count a site saw lies between its minimum and maximum."""
        seen = self._count_min <= self._count_max
        low = np.clip(self._count_min, 0, self.max_count)
        width = np.where(seen, np.clip(self._count_max, 0, self.max_count) - low + 1, 0)
        return low, width

    def _hist_index(self) -> I64:
        """Flat indices into ``_hist`` of each site's window, site after site."""
        low, width = self._hist_window()
        site = np.repeat(np.arange(self.n_site), width)
        offset = np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
        index: I64 = site * (self.max_count + 1) + np.repeat(low, width) + offset
        return index

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        """The accumulator as plain arrays (for a checkpoint); :meth:`from_arrays` reads
        them back.  ``hist`` holds only each site's bins between its fewest and most
        satellites seen (the rest are zero): ~30 a site instead of ``max_count + 1``."""
        out = {name.lstrip("_"): getattr(self, name) for name in self._STATE}
        out["hist"] = self._hist.ravel()[self._hist_index()]
        out["config"] = np.array([self.n_site, self.max_count, self.steps], dtype=np.int64)
        out["step_s"] = np.array(self.step_s, dtype=np.float64)
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]]) -> SiteMetricsAccumulator:
        """The accumulator :meth:`to_arrays` wrote (``KeyError``/``ValueError`` if
        malformed)."""
        config = np.asarray(arrays["config"], dtype=np.int64).reshape(-1)
        if config.shape != (3,) or config.min() < 0:
            raise ValueError("site metrics: config must be (n_site, max_count, steps) >= 0")
        n_site, max_count, steps = (int(v) for v in config)
        out = cls(n_site, float(np.asarray(arrays["step_s"], dtype=np.float64)), max_count)
        for name in cls._STATE:
            if name == "_hist":
                continue
            blank = getattr(out, name)
            value = np.asarray(arrays[name.lstrip("_")], dtype=np.int64)
            if value.shape != blank.shape:
                raise ValueError(
                    f"site metrics: {name.lstrip('_')} must be {blank.shape}, got {value.shape}"
                )
            setattr(out, name, value.copy())
        index = out._hist_index()
        window = np.asarray(arrays["hist"], dtype=np.int64)
        if window.shape != index.shape:
            raise ValueError(
                f"site metrics: hist must be {index.shape} (each site's bins from its "
                f"fewest to its most satellites), got {window.shape}"
            )
        out._hist.ravel()[index] = window
        out.steps = steps
        return out

    def update_from(self, result: Schedule, vis: Visibility) -> None:
        """Add a chunk from the scheduler's output and the terminals' visibility
        (lookahead steps beyond the schedule are ignored)."""
        n = result.serving_sat.shape[0]
        self.update(result.served, vis.counts()[:n], result.handovers, result.reason)

    def finalize(self, percentiles: Sequence[float] = (5.0, 50.0, 95.0)) -> SiteMetrics:
        """The metrics so far (the accumulator stays usable)."""
        if self.steps == 0:
            raise ValueError("no steps accumulated; call update() with at least one chunk first")
        cum = np.cumsum(self._hist, axis=1)
        pcts = tuple(float(p) for p in percentiles)
        ranks = [max(math.ceil(p / 100.0 * self.steps), 1) for p in pcts]
        vp = (
            np.stack([np.argmax(cum >= r, axis=1) for r in ranks])
            if ranks
            else np.zeros((0, self.n_site), np.int64)
        )
        hours = self.steps * self.step_s / 3600.0
        return SiteMetrics(
            steps=self.steps,
            step_s=self.step_s,
            served_fraction=self._served / self.steps,
            visible_mean=self._count_sum / self.steps,
            visible_min=self._count_min.copy(),
            visible_max=self._count_max.copy(),
            percentiles=pcts,
            visible_percentiles=vp.astype(np.int64),
            visible_histogram=self._hist.copy(),
            longest_gap_s=(self._longest_gap * self.step_s).astype(np.float64),
            reason_steps=self._reasons.copy(),
            handovers=self._handovers.copy(),
            handovers_per_hour=self._handovers / hours,
        )


@dataclass(frozen=True)
class RegionCoverage:
    """Area coverage per region; arrays ``(region,)`` unless noted.

    ``area_coverage`` the weighted fraction of the region's cells served,
    averaged over time (equal to the weighted mean of the cells' served
    fractions); ``worst_instant_coverage`` its lowest value at any one step;
    ``worst_cells`` ``(region, worst_n)`` cell indices with the lowest served
    fraction, worst first (ties by index; -1 pads small regions) and
    ``worst_cells_served_fraction`` their served fractions (NaN pads);
    ``cell_served_fraction`` ``(cell,)``.  Regions without cells hold NaN.
    """

    area_coverage: F64
    worst_instant_coverage: F64
    worst_cells: I64
    worst_cells_served_fraction: F64
    cell_served_fraction: F64


class RegionCoverageAccumulator:
    """Streaming area coverage of regions tiled into cells (population-free).

    ``cell_region`` ``(cell,)`` the region index of each cell (a cell is a
    terminal site at the cell centre; -1 = in no region), ``n_region`` the
    number of regions (default ``max + 1``), ``cell_weight`` ``(cell,)`` e.g.
    cell area in km² (default equal weights — H3 cells are near equal-area).
    """

    def __init__(
        self,
        cell_region: ArrayLike,
        n_region: int | None = None,
        cell_weight: ArrayLike | None = None,
    ) -> None:
        region = np.asarray(cell_region, dtype=np.int64).reshape(-1)
        self.n_cell = region.size
        self.n_region = int(n_region if n_region is not None else region.max(initial=-1) + 1)
        if region.size and (region.min() < -1 or region.max() >= self.n_region):
            raise ValueError(
                f"cell_region must hold region indices in [0, {self.n_region}) or -1 for none"
            )
        weight = (
            np.ones(self.n_cell)
            if cell_weight is None
            else np.asarray(cell_weight, dtype=np.float64).reshape(-1)
        )
        if weight.shape != (self.n_cell,) or not np.all(np.isfinite(weight) & (weight >= 0)):
            raise ValueError(f"cell_weight must be ({self.n_cell},) finite values >= 0")
        self._region = region
        self._weight = weight
        inside = np.flatnonzero(region >= 0)
        self._order = inside[np.argsort(region[inside], kind="stable")]
        sorted_region = region[self._order]
        self._present = np.unique(sorted_region)
        self._starts = np.searchsorted(sorted_region, self._present)
        self._region_weight = np.bincount(region[inside], weight[inside], minlength=self.n_region)
        self.steps = 0
        self._cell_served = np.zeros(self.n_cell, np.int64)
        self._coverage_sum = np.zeros(self.n_region)
        self._coverage_min = np.full(self.n_region, np.inf)

    def to_arrays(self) -> dict[str, NDArray[Any]]:
        """The accumulator as plain arrays (for a checkpoint); :meth:`from_arrays` reads
        them back."""
        return {
            "region": self._region,
            "weight": self._weight,
            "n_region": np.array(self.n_region, dtype=np.int64),
            "steps": np.array(self.steps, dtype=np.int64),
            "cell_served": self._cell_served,
            "coverage_sum": self._coverage_sum,
            "coverage_min": self._coverage_min,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]]) -> RegionCoverageAccumulator:
        """The accumulator :meth:`to_arrays` wrote (``KeyError``/``ValueError`` if
        malformed)."""
        out = cls(
            arrays["region"], int(np.asarray(arrays["n_region"], dtype=np.int64)), arrays["weight"]
        )
        steps = int(np.asarray(arrays["steps"], dtype=np.int64))
        served = np.asarray(arrays["cell_served"], dtype=np.int64)
        total = np.asarray(arrays["coverage_sum"], dtype=np.float64)
        low = np.asarray(arrays["coverage_min"], dtype=np.float64)
        if (
            steps < 0
            or served.shape != (out.n_cell,)
            or total.shape != (out.n_region,)
            or low.shape != (out.n_region,)
        ):
            raise ValueError(
                "region coverage: cell_served must be (cell,), coverage_sum and "
                "coverage_min (region,), steps >= 0"
            )
        out.steps, out._cell_served = steps, served.copy()
        out._coverage_sum, out._coverage_min = total.copy(), low.copy()
        return out

    def update(self, served: ArrayLike) -> None:
        """Add one chunk: ``served`` ``(time, cell)`` bool."""
        ok = np.asarray(served, dtype=bool)
        if ok.ndim != 2 or ok.shape[1] != self.n_cell:
            raise ValueError(f"served must be (time, {self.n_cell}), got {ok.shape}")
        if ok.shape[0] == 0:
            return
        self.steps += ok.shape[0]
        self._cell_served += ok.sum(axis=0)
        if self._present.size == 0:
            return
        weighted = ok[:, self._order] * self._weight[self._order]
        sums = np.add.reduceat(weighted, self._starts, axis=1)  # (time, present region)
        total = self._region_weight[self._present]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = sums / total
        self._coverage_sum[self._present] += frac.sum(axis=0)
        self._coverage_min[self._present] = np.minimum(
            self._coverage_min[self._present], frac.min(axis=0)
        )

    def finalize(self, worst_n: int = 10) -> RegionCoverage:
        """Coverage so far, with the ``worst_n`` worst cells of each region."""
        if self.steps == 0:
            raise ValueError("no steps accumulated; call update() with at least one chunk first")
        cell_frac = self._cell_served / self.steps
        empty = np.ones(self.n_region, bool)
        empty[self._present] = False
        area = np.where(empty, np.nan, self._coverage_sum / self.steps)
        worst_inst = np.where(empty, np.nan, self._coverage_min)
        # worst cells: sort by (region, served fraction, index), take the first n per region
        inside = np.flatnonzero(self._region >= 0)
        order = inside[np.lexsort((inside, cell_frac[inside], self._region[inside]))]
        reg = self._region[order]
        start = np.searchsorted(reg, np.arange(self.n_region))
        rank = np.arange(order.size) - start[reg]
        keep = rank < worst_n
        worst = np.full((self.n_region, worst_n), -1, np.int64)
        worst[reg[keep], rank[keep]] = order[keep]
        worst_frac = np.where(worst >= 0, cell_frac[np.maximum(worst, 0)], np.nan)
        return RegionCoverage(area, worst_inst, worst, worst_frac, cell_frac)
