"""A constellation: satellites, their elements and their shell/plane structure.

Both kinds of constellation — designed Walker shells and real TLE/OMM
catalogues — end up as one :class:`Constellation`: per-satellite arrays of
names, NORAD ids, mean elements, and the structure later layers need for
laser +Grid links (shell, plane and in-plane slot of every satellite; ``-1``
where unknown).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from leonet.defaults import DEFAULT_MIN_ELEVATION_DEG
from leonet.space.elements import ElementSet

__all__ = ["Constellation", "ShellSummary"]


@dataclass(frozen=True)
class ShellSummary:
    """One orbital shell: designed (Walker ``i: t/p/f``) or inferred from a catalogue."""

    name: str
    altitude_km: float
    inclination_deg: float
    planes: int
    sats_per_plane: int  # nominal; inferred shells give the median plane size
    phasing: int  # Walker f; -1 when not a Walker pattern
    satellites: int
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG

    @property
    def notation(self) -> str:
        """Walker notation ``i: t/p/f``."""
        f = "?" if self.phasing < 0 else str(self.phasing)
        return f"{self.inclination_deg:g}°: {self.satellites}/{self.planes}/{f}"


@dataclass(frozen=True)
class Constellation:
    """Satellites as arrays, all ``(sat,)``.

    ``analytic`` is set for Walker shells (exactly circular designed orbits,
    propagated analytically with J2 drift unless SGP4 is asked for); real
    catalogues propagate with SGP4 from their elements.
    """

    name: str
    sat_names: NDArray[np.str_]
    norad_id: NDArray[np.int64]  # -1 for designed satellites
    elements: ElementSet
    shell: NDArray[np.int32]  # index into ``shells``; -1 if unassigned
    plane: NDArray[np.int32]  # plane index within the shell; -1 if unknown
    slot: NDArray[np.int32]  # along-track order within the plane; -1 if unknown
    shells: tuple[ShellSummary, ...] = ()
    source: str = ""
    analytic: bool = False
    stale: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def __post_init__(self) -> None:
        n = len(self.elements)
        for name in ("sat_names", "norad_id", "shell", "plane", "slot"):
            if np.shape(getattr(self, name)) != (n,):
                raise ValueError(f"Constellation.{name} must have shape ({n},)")
        if self.stale.shape != (n,):
            object.__setattr__(self, "stale", np.zeros(n, dtype=bool))

    def __len__(self) -> int:
        return len(self.elements)

    @property
    def size(self) -> int:
        return len(self.elements)

    @property
    def direct_to_cell(self) -> NDArray[np.bool_]:
        """``(sat,)`` True for Starlink's Direct to Cell satellites (CelesTrak names them
        ``'STARLINK-… [DTC]'``).  They serve phones in cellular bands, not dish terminals,
        and relay over their lasers like the others; the access layer keeps them out of
        the terminals' view (:func:`leonet.access.dish_view`)."""
        names = np.asarray(self.sat_names, dtype=np.str_)
        return np.char.find(np.char.upper(names), "[DTC]") >= 0

    def take(self, index: NDArray[np.intp] | NDArray[np.bool_]) -> Constellation:
        """The constellation restricted to ``index`` (shell list kept as is)."""
        idx = np.arange(self.size)[index]
        return replace(
            self,
            sat_names=self.sat_names[idx],
            norad_id=self.norad_id[idx],
            elements=self.elements.take(idx),
            shell=self.shell[idx],
            plane=self.plane[idx],
            slot=self.slot[idx],
            stale=self.stale[idx],
        )
