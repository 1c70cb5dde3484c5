"""Earth orientation parameters: UT1-UTC and polar motion from IERS finals2000A.

The table is the IERS Rapid Service ``finals2000A.all`` (Bulletin A columns:
final values, then predictions about a year ahead) shipped by the PyPI package
``astropy-iers-data``; leonet reads it once and interpolates linearly in UTC.
Leap-second jumps in UT1-UTC are unwrapped before interpolating so the day
before a leap second is not smeared.  Outside the table's span the nearest
value is held and :attr:`EarthOrientation.covers` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["EarthOrientation", "load_eop", "skyfield_timescale"]

_ARCSEC_RAD = np.pi / (180.0 * 3600.0)
_MJD_UNIX_EPOCH = 40_587.0


@dataclass(frozen=True)
class EarthOrientation:
    """Daily EOP samples at 0h UTC.

    ``mjd_utc`` (day,), ``dut1_s`` UT1-UTC in seconds (day,), ``xp_rad`` and
    ``yp_rad`` polar motion in radians (day,).
    """

    mjd_utc: NDArray[np.float64]
    dut1_s: NDArray[np.float64]
    xp_rad: NDArray[np.float64]
    yp_rad: NDArray[np.float64]
    source: str

    def covers(self, utc_ns: NDArray[np.int64]) -> bool:
        """True when every instant lies inside the table (finals or predictions)."""
        mjd = _mjd(utc_ns)
        return bool(np.all((mjd >= self.mjd_utc[0]) & (mjd <= self.mjd_utc[-1])))

    def at(
        self, utc_ns: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """``(dut1_s, xp_rad, yp_rad)`` at UTC instants, each shaped like ``utc_ns``."""
        mjd = _mjd(utc_ns)
        steps = np.concatenate([[0.0], np.cumsum(np.round(np.diff(self.dut1_s)))])
        smooth = self.dut1_s - steps  # UT1-UTC minus its leap-second jumps: continuous
        left = np.clip(np.searchsorted(self.mjd_utc, mjd, side="right") - 1, 0, len(steps) - 1)
        dut1 = np.interp(mjd, self.mjd_utc, smooth) + steps[left]
        xp = np.interp(mjd, self.mjd_utc, self.xp_rad)
        yp = np.interp(mjd, self.mjd_utc, self.yp_rad)
        return dut1, xp, yp


def _mjd(utc_ns: NDArray[np.int64]) -> NDArray[np.float64]:
    ns = np.asarray(utc_ns, dtype=np.int64)
    days, rem = np.divmod(ns, 86_400 * 1_000_000_000)
    return _MJD_UNIX_EPOCH + days + rem / 8.64e13


def parse_finals2000a(path: Path) -> EarthOrientation:
    """Parse the Bulletin A columns of an IERS ``finals2000A.all`` file."""
    mjd, dut1, xp, yp = [], [], [], []
    with open(path, encoding="ascii", errors="replace") as handle:
        for line in handle:
            if len(line) < 68 or not line[58:68].strip() or not line[18:27].strip():
                continue  # days beyond the predictions carry no values
            mjd.append(float(line[7:15]))
            xp.append(float(line[18:27]))
            yp.append(float(line[37:46]))
            dut1.append(float(line[58:68]))
    if not mjd:
        raise ValueError(f"{path}: no Earth orientation values found (expected finals2000A.all)")
    return EarthOrientation(
        mjd_utc=np.array(mjd),
        dut1_s=np.array(dut1),
        xp_rad=np.array(xp) * _ARCSEC_RAD,
        yp_rad=np.array(yp) * _ARCSEC_RAD,
        source=str(path),
    )


@lru_cache(maxsize=4)
def load_eop(path: str | None = None) -> EarthOrientation:
    """The EOP table from ``path`` or, by default, from ``astropy-iers-data``."""
    if path is None:
        from astropy_iers_data import IERS_A_FILE

        path = IERS_A_FILE
    return parse_finals2000a(Path(path))


def skyfield_timescale(path: str | None = None) -> Any:
    """A skyfield ``Timescale`` on the same IERS table, with polar motion installed.

    For cross-checks against skyfield (a test dependency, imported here only):
    both sides then use one UT1-UTC and polar-motion source, so a comparison
    tests leonet's frames rather than two EOP tables.
    """
    from skyfield.data import iers
    from skyfield.timelib import Timescale

    if path is None:
        from astropy_iers_data import IERS_A_FILE

        path = IERS_A_FILE
    with open(path, "rb") as handle:
        finals = iers.parse_x_y_dut1_from_finals_all(handle)
    tt, delta_t, leap_dates, leap_offsets = iers.build_timescale_arrays(
        finals["utc_mjd"], finals["dut1"]
    )
    ts = Timescale((tt, delta_t), leap_dates, leap_offsets)
    iers.install_polar_motion_table(ts, finals)
    return ts
