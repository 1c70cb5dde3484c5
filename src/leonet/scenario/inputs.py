"""Every file a scenario references, opened and checked as a run would, before a run.

:func:`open_inputs` loads the constellations (TLE/OMM catalogues), the terminal files
(CSV/GeoJSON) and the region of ``ground.cells`` (GeoJSON or a named region; its cells
are *counted* from its area, not tiled: tiling a fine resolution is itself the cost to
refuse), builds the mobile tracks, and returns the sizes a cost estimate needs with
warnings such as a catalogue far from the run's time.

Limits, with the reasoning (also in ``docs/limits.md``):

- :data:`TLE_AGE_WARN_DAYS` (7 days): SGP4 from a two-line element set is good to about
  a kilometre at its epoch and drifts ~1-3 km a day for LEO (mostly along-track, from
  drag); after a week the error (7-21 km, ~1-3 s of along-track timing) is comparable
  to the distances that decide which satellite serves a site.
- :data:`TLE_AGE_REFUSE_DAYS` (30 days): beyond a month the position error is tens to
  ~100 km and the catalogue no longer describes the constellation (Starlink launched
  ~170 satellites a month in 2025; others were raised, lowered or deorbited); the
  command line refuses such a run unless ``--force``.
- The speed of a mobile terminal is bounded in :mod:`leonet.scenario.motion`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from leonet.ground.cells import average_cell_area_km2
from leonet.scenario.resolve import (
    build_tracks,
    load_constellations,
    region_of,
    terminal_sites,
)
from leonet.scenario.schema import Scenario

__all__ = [
    "TLE_AGE_REFUSE_DAYS",
    "TLE_AGE_WARN_DAYS",
    "ScenarioInputs",
    "StaleCatalogueError",
    "catalogue_age",
    "open_inputs",
]

TLE_AGE_WARN_DAYS = 7.0
TLE_AGE_REFUSE_DAYS = 30.0

_UNIX_JD = 2_440_587.5


class StaleCatalogueError(ValueError):
    """A catalogue whose epoch is more than :data:`TLE_AGE_REFUSE_DAYS` from the run."""


@dataclass(frozen=True)
class ScenarioInputs:
    """What the referenced files hold: the sizes of the run and what to warn about."""

    satellites: int
    terminals: int
    cells: int
    catalogue_age_days: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def stale(self) -> dict[str, float]:
        """The catalogues more than :data:`TLE_AGE_REFUSE_DAYS` from the run."""
        return {k: v for k, v in self.catalogue_age_days.items() if v > TLE_AGE_REFUSE_DAYS}

    def check_age(self, *, force: bool = False) -> None:
        """Raise :class:`StaleCatalogueError` for a stale catalogue unless ``force``."""
        stale = self.stale()
        if stale and not force:
            what = ", ".join(f"{name!r} ({days:,.0f} days)" for name, days in stale.items())
            raise StaleCatalogueError(
                f"the run is far from its catalogue's epoch: {what}, more than "
                f"{TLE_AGE_REFUSE_DAYS:g} days; SGP4 drifts ~1-3 km a day and the "
                "constellation itself changes (docs/limits.md). Move time.start near the "
                "catalogue's epoch, use a catalogue of the run's time, or give --force"
            )


def _median_epoch(constellation: Any) -> datetime:
    """The median element epoch (UTC)."""
    el = constellation.elements
    days = (np.asarray(el.epoch_jd) - _UNIX_JD) + np.asarray(el.epoch_fr)
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(days=float(np.median(days)))


def catalogue_age(constellation: Any, start: datetime, end: datetime) -> tuple[float, str | None]:
    """Days from ``constellation``'s median element epoch to the farther end of the run
    [``start``, ``end``], and a warning beyond :data:`TLE_AGE_WARN_DAYS` (``0.0, None``
    for a designed constellation, which has no real epoch)."""
    if getattr(constellation, "analytic", False) or not constellation.size:
        return 0.0, None
    epoch = _median_epoch(constellation)
    days = max(abs((start - epoch).total_seconds()), abs((end - epoch).total_seconds())) / 86_400
    if days <= TLE_AGE_WARN_DAYS:
        return days, None
    return days, (
        f"catalogue {constellation.name!r} has its median epoch at {epoch:%Y-%m-%d %H:%M}Z, "
        f"{days:,.1f} days from the run ({start:%Y-%m-%d} to {end:%Y-%m-%d}); SGP4 drifts "
        f"~1-3 km a day, so positions may be off by ~{days:,.0f}-{3 * days:,.0f} km "
        f"(warning beyond {TLE_AGE_WARN_DAYS:g} days, docs/limits.md)"
    )


def open_inputs(scenario: Scenario) -> ScenarioInputs:
    """Open and check every file ``scenario`` references, as a run would; errors are
    ``ValueError``/``OSError`` naming the file."""
    constellations = load_constellations(scenario)
    satellites = sum(int(np.sum(np.asarray(c.shell) >= 0)) for c in constellations)
    fixed = terminal_sites(scenario)
    tracks = build_tracks(scenario)
    cells = 0
    if scenario.ground.cells is not None:
        spec = scenario.ground.cells
        region = region_of(spec.region)
        cells = max(1, math.ceil(region.area_km2 / average_cell_area_km2(spec.resolution)))
    if not len(fixed) and not tracks and scenario.ground.cells is None:
        raise ValueError(
            f"scenario {scenario.name!r}: no terminals, cells or mobile tracks to serve; "
            "add ground.terminals, ground.places, ground.cells or ground.mobile"
        )
    start = scenario.time.start
    end = start + timedelta(seconds=scenario.time.duration)
    ages: dict[str, float] = {}
    warnings: list[str] = []
    for entry, c in zip(scenario.constellations, constellations, strict=True):
        if getattr(c, "analytic", False):
            continue
        days, warning = catalogue_age(c, start, end)
        ages[entry.spec] = days
        if warning is not None:
            warnings.append(warning)
    return ScenarioInputs(
        satellites=satellites,
        terminals=len(fixed) + len(tracks),
        cells=cells,
        catalogue_age_days=ages,
        warnings=tuple(warnings),
    )
