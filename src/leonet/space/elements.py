"""Mean orbital elements of many satellites as arrays (the SGP4 input set).

One :class:`ElementSet` holds ``n`` satellites; every field is an array of
shape ``(sat,)``.  Angles are radians, mean motion is the Kozai mean motion
in rad/min as SGP4 takes it, epochs are split UTC Julian dates.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from leonet.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM

__all__ = ["ElementSet"]

F64 = NDArray[np.float64]


@dataclass(frozen=True)
class ElementSet:
    """SGP4 mean elements, one entry per satellite (all arrays ``(sat,)``)."""

    epoch_jd: F64  # whole part of the UTC Julian date of the epoch
    epoch_fr: F64  # fraction of the day
    mean_motion_rad_min: F64  # Kozai mean motion n0
    eccentricity: F64
    inclination_rad: F64
    raan_rad: F64
    arg_perigee_rad: F64
    mean_anomaly_rad: F64
    bstar_per_er: F64  # drag term, 1/Earth radii
    ndot_rad_min2: F64  # first derivative of mean motion / 2 (unused by SGP4; kept for export)
    nddot_rad_min3: F64  # second derivative / 6

    def __post_init__(self) -> None:
        sizes = {f.name: np.shape(getattr(self, f.name)) for f in fields(self)}
        if len(set(sizes.values())) != 1 or len(next(iter(sizes.values()))) != 1:
            raise ValueError(f"ElementSet arrays must all be 1-D and equally long, got {sizes}")

    def __len__(self) -> int:
        return int(self.epoch_jd.shape[0])

    def take(self, index: NDArray[np.intp] | slice) -> ElementSet:
        """The subset of satellites at ``index``."""
        return ElementSet(
            **{f.name: np.asarray(getattr(self, f.name))[index] for f in fields(self)}
        )

    @staticmethod
    def concatenate(parts: list[ElementSet]) -> ElementSet:
        return ElementSet(
            **{
                f.name: np.concatenate([getattr(p, f.name) for p in parts])
                for f in fields(ElementSet)
            }
        )

    @property
    def semi_major_axis_km(self) -> F64:
        """Semi-major axis from the mean motion (two-body, WGS72 mu), km."""
        n_rad_s = self.mean_motion_rad_min / 60.0
        return np.cbrt(WGS72_MU_KM3_S2 / n_rad_s**2)

    @property
    def mean_altitude_km(self) -> F64:
        """Semi-major axis minus the WGS72 equatorial radius, km (circular-orbit altitude)."""
        return self.semi_major_axis_km - WGS72_RADIUS_KM

    @property
    def period_min(self) -> F64:
        return 2.0 * np.pi / self.mean_motion_rad_min
