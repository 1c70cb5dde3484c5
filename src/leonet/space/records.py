"""Element records read from a catalogue file, before they become a constellation.

TLE and OMM readers both return an :class:`ElementRecords`: the SGP4 mean
elements of every satellite read, its name and NORAD id, where in the file it
came from, and what was skipped (with ``lenient=True``).  Format errors are
:class:`CatalogueFormatError` (a ``ValueError``) whose message names the file,
the line or record, the column range or field, and says how to fix it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from leonet.space.elements import ElementSet

__all__ = [
    "CatalogueFormatError",
    "ElementRecords",
    "SkippedRecord",
    "elements_from_tle_units",
]

# SGP4 unit conversions, written exactly as sgp4's twoline2rv computes them.
_DEG2RAD = math.pi / 180.0
_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day per rad/min


def elements_from_tle_units(  # noqa: PLR0913 — keyword-only: the eleven mean elements, named
    *,
    epoch_jd: NDArray[np.float64],
    epoch_fr: NDArray[np.float64],
    mean_motion_rev_day: NDArray[np.float64],
    eccentricity: NDArray[np.float64],
    inclination_deg: NDArray[np.float64],
    raan_deg: NDArray[np.float64],
    arg_perigee_deg: NDArray[np.float64],
    mean_anomaly_deg: NDArray[np.float64],
    bstar_per_er: NDArray[np.float64],
    ndot_rev_day2: NDArray[np.float64],
    nddot_rev_day3: NDArray[np.float64],
) -> ElementSet:
    """An :class:`ElementSet` from TLE/OMM units, all arrays ``(sat,)``.

    Same operations in the same order as ``sgp4``'s ``twoline2rv``, so the
    results are bit-identical to what ``Satrec.twoline2rv`` stores.
    ``ndot_rev_day2`` is the TLE's ndot/2 and ``nddot_rev_day3`` its nddot/6.
    """
    return ElementSet(
        epoch_jd=np.asarray(epoch_jd, dtype=np.float64),
        epoch_fr=np.asarray(epoch_fr, dtype=np.float64),
        mean_motion_rad_min=np.asarray(mean_motion_rev_day, dtype=np.float64) / _XPDOTP,
        eccentricity=np.asarray(eccentricity, dtype=np.float64),
        inclination_rad=np.asarray(inclination_deg, dtype=np.float64) * _DEG2RAD,
        raan_rad=np.asarray(raan_deg, dtype=np.float64) * _DEG2RAD,
        arg_perigee_rad=np.asarray(arg_perigee_deg, dtype=np.float64) * _DEG2RAD,
        mean_anomaly_rad=np.asarray(mean_anomaly_deg, dtype=np.float64) * _DEG2RAD,
        bstar_per_er=np.asarray(bstar_per_er, dtype=np.float64),
        ndot_rad_min2=np.asarray(ndot_rev_day2, dtype=np.float64) / (_XPDOTP * 1440.0),
        nddot_rad_min3=np.asarray(nddot_rev_day3, dtype=np.float64) / (_XPDOTP * 1440.0 * 1440),
    )


class CatalogueFormatError(ValueError):
    """A catalogue record that cannot be read.

    ``source`` is the file (or ``"<string>"``), ``line`` the 1-based line
    number (0 when the format has no lines, e.g. JSON), ``record`` the 1-based
    record number where known, ``reason`` one sentence without the location.
    """

    def __init__(self, message: str, *, source: str, line: int, reason: str, record: int = 0):
        super().__init__(message)
        self.source = source
        self.line = line
        self.record = record
        self.reason = reason


@dataclass(frozen=True)
class SkippedRecord:
    """A record skipped by a lenient read: where it was and why."""

    source: str
    line: int  # 1-based line in the file; 0 when the format has no lines (JSON)
    reason: str
    record: int = 0  # 1-based record number where known

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else f"record {self.record}"
        return f"{self.source}, {where}: {self.reason}"


@dataclass(frozen=True)
class ElementRecords:
    """Satellites read from one catalogue, all arrays ``(sat,)``, in file order.

    ``line`` is the 1-based line where each record starts (its TLE line 1, or
    its CSV row; 0 for JSON); ``tle_line1``/``tle_line2`` keep the original
    TLE lines (first 69 columns) for export, empty strings for OMM records.
    """

    elements: ElementSet
    names: NDArray[np.str_]
    norad_id: NDArray[np.int64]
    line: NDArray[np.int64]
    tle_line1: NDArray[np.str_]
    tle_line2: NDArray[np.str_]
    source: str = "<string>"
    format: str = "tle"
    skipped: tuple[SkippedRecord, ...] = ()

    def __post_init__(self) -> None:
        n = len(self.elements)
        for name in ("names", "norad_id", "line", "tle_line1", "tle_line2"):
            if np.shape(getattr(self, name)) != (n,):
                raise ValueError(f"ElementRecords.{name} must have shape ({n},)")

    def __len__(self) -> int:
        return len(self.elements)

    def take(self, index: NDArray[np.intp]) -> ElementRecords:
        """The records at ``index`` (``skipped`` kept as is)."""
        return replace(
            self,
            elements=self.elements.take(index),
            names=self.names[index],
            norad_id=self.norad_id[index],
            line=self.line[index],
            tle_line1=self.tle_line1[index],
            tle_line2=self.tle_line2[index],
        )

    def to_tle_text(self) -> str:
        """The records as 3-line TLE text (name line, line 1, line 2), ``\\n`` line ends.

        Only records read from TLE keep their original lines; OMM records raise.
        """
        if np.any(self.tle_line1 == ""):
            raise ValueError(
                f"{self.source}: records read from {self.format} have no TLE lines to export; "
                "convert them with sgp4.exporter.export_tle if you need TLE text"
            )
        rows = [
            f"{name}\n{l1}\n{l2}\n"
            for name, l1, l2 in zip(self.names, self.tle_line1, self.tle_line2, strict=True)
        ]
        return "".join(rows)
