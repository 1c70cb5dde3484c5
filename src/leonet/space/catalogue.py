"""Load a real satellite catalogue (TLE, 3LE, OMM JSON or CSV) as a :class:`Constellation`.

:func:`read_catalogue` parses the file (format detected from its content),
drops duplicate NORAD ids keeping the newest epoch, flags stale element sets
(older than ``stale_after_days`` before the reference time) and infers shells,
planes and slots (:mod:`leonet.space.shells`); it returns the constellation
with a :class:`CatalogueReport` of what happened.  :func:`load_catalogue`
returns just the constellation; :func:`bundled_catalogue` loads a snapshot
shipped in ``leonet/data`` (see ``data/PROVENANCE.md``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

from leonet.space.constellation import Constellation
from leonet.space.omm import parse_omm_csv, parse_omm_json
from leonet.space.records import ElementRecords, SkippedRecord
from leonet.space.shells import infer_shells
from leonet.space.tle import parse_tle
from leonet.timegrid import parse_utc, utc_ns_to_jd_fr

__all__ = [
    "BUNDLED_FILES",
    "BUNDLED_MIN_ELEVATION_DEG",
    "CATALOGUE_FORMATS",
    "CatalogueFormat",
    "CatalogueLoad",
    "CatalogueReport",
    "bundled_catalogue",
    "detect_format",
    "load_catalogue",
    "read_catalogue",
]

CatalogueFormat = Literal["auto", "tle", "3le", "omm-json", "omm-csv"]
#: Formats :func:`load_catalogue` reads (``"tle"`` and ``"3le"`` share one parser).
CATALOGUE_FORMATS = ("auto", "tle", "3le", "omm-json", "omm-csv")

#: Short names of the catalogues shipped in ``leonet/data`` → file names.
BUNDLED_FILES = {
    "starlink": "starlink_tle_2026-05-30.txt",
    "oneweb": "oneweb_tle_2026-05-30.txt",
}

#: The user terminals' elevation mask of a bundled catalogue's shells where it is not
#: Starlink's 25°, deg.  OneWeb: 55° (del Portillo, Cameron & Crawley 2019, "A technical
#: comparison of three low earth orbit satellite constellation systems to provide global
#: broadband", Acta Astronautica 159:123, Table 1; as the ``oneweb`` Walker preset).
BUNDLED_MIN_ELEVATION_DEG = {"oneweb": 55.0}


@dataclass(frozen=True)
class CatalogueReport:
    """What loading a catalogue did: counts, the skipped records and the reference epoch."""

    source: str
    format: str
    parsed: int  # records read successfully (before de-duplication)
    skipped: tuple[SkippedRecord, ...]
    duplicates_dropped: int
    satellites: int  # in the constellation
    stale: int
    unassigned: int  # satellites in no inferred shell
    reference_jd: float  # UTC Julian date staleness is measured from

    def __str__(self) -> str:
        return (
            f"{self.source} ({self.format}): {self.parsed} parsed, {len(self.skipped)} skipped, "
            f"{self.duplicates_dropped} duplicates dropped, {self.satellites} satellites, "
            f"{self.stale} stale, {self.unassigned} in no shell"
        )


@dataclass(frozen=True)
class CatalogueLoad:
    """A loaded catalogue: the constellation and the report."""

    constellation: Constellation
    report: CatalogueReport


def detect_format(text: str, name: str = "") -> Literal["tle", "omm-json", "omm-csv"]:
    """The catalogue format of ``text``: JSON by its first character, CSV by its OMM header."""
    head = text.lstrip("\ufeff \t\r\n")
    if head[:1] in ("[", "{"):
        return "omm-json"
    first = head.split("\n", 1)[0]
    if "," in first and ("NORAD_CAT_ID" in first or "OBJECT_NAME" in first):
        return "omm-csv"
    if name.lower().endswith(".json"):
        return "omm-json"
    return "tle"


def _parse(text: str, fmt: CatalogueFormat, source: str, lenient: bool) -> ElementRecords:
    if fmt not in CATALOGUE_FORMATS:
        raise ValueError(
            f"unknown catalogue format {fmt!r}; choose one of {', '.join(CATALOGUE_FORMATS)}"
        )
    kind = detect_format(text, source) if fmt == "auto" else fmt
    if kind == "omm-json":
        return parse_omm_json(text, source=source, lenient=lenient)
    if kind == "omm-csv":
        return parse_omm_csv(text, source=source, lenient=lenient)
    return parse_tle(text, source=source, lenient=lenient)


def _newest_per_id(records: ElementRecords) -> np.ndarray:
    """Indices (file order) keeping, per NORAD id, the record with the newest epoch.

    Equal epochs keep the later record in the file.
    """
    el = records.elements
    order = np.lexsort((el.epoch_fr, el.epoch_jd, records.norad_id))
    ids = records.norad_id[order]
    last_of_id = np.concatenate([ids[1:] != ids[:-1], [True]])
    return np.sort(order[last_of_id])


def read_catalogue(
    source: str | os.PathLike[str],
    *,
    format: CatalogueFormat = "auto",
    lenient: bool = False,
    reference_time: datetime | str | None = None,
    stale_after_days: float = 7.0,
    name: str | None = None,
) -> CatalogueLoad:
    """Load a catalogue file (or catalogue text) with a :class:`CatalogueReport`.

    ``source`` is a path, or the catalogue text itself when it is a ``str``
    holding a line break.  ``reference_time`` (aware UTC or ISO 8601 string;
    default the newest epoch in the file) is what staleness is measured from:
    element sets older than ``stale_after_days`` before it are flagged in
    ``Constellation.stale``.  Bad records raise a
    :class:`~leonet.space.records.CatalogueFormatError` naming the file, line
    and field, unless ``lenient``, which skips and reports them.
    """
    if isinstance(source, str) and ("\n" in source or "\r" in source):
        text, label, stem = source, "<string>", "catalogue"
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"catalogue file {str(path)!r} does not exist; give the path of a TLE/3LE, "
                "OMM JSON or OMM CSV file, or use bundled_catalogue('starlink') for the "
                "bundled snapshot"
            )
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        label, stem = str(path), path.stem
    records = _parse(text, format, label, lenient)
    if len(records) == 0:
        hint = f" ({len(records.skipped)} records skipped as malformed)" if records.skipped else ""
        raise ValueError(
            f"{label}: no satellites could be read{hint}; check that the file is a TLE/3LE, "
            "OMM JSON or OMM CSV catalogue"
        )
    keep = _newest_per_id(records)
    unique = records.take(keep)
    el = unique.elements

    if reference_time is None:
        newest = int(np.argmax(el.epoch_jd + el.epoch_fr))
        ref_jd, ref_fr = float(el.epoch_jd[newest]), float(el.epoch_fr[newest])
    else:
        moment = parse_utc(reference_time, "reference_time")
        delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
        ns = (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
        jd_arr, fr_arr = utc_ns_to_jd_fr(np.array([ns], dtype=np.int64))
        ref_jd, ref_fr = float(jd_arr[0]), float(fr_arr[0])
    age_days = (ref_jd - el.epoch_jd) + (ref_fr - el.epoch_fr)
    stale = age_days > stale_after_days

    structure = infer_shells(el, reference_jd=None)
    constellation = Constellation(
        name=name or stem,
        sat_names=unique.names,
        norad_id=unique.norad_id,
        elements=el,
        shell=structure.shell,
        plane=structure.plane,
        slot=structure.slot,
        shells=structure.shells,
        source=label,
        analytic=False,
        stale=stale,
    )
    report = CatalogueReport(
        source=label,
        format=records.format,
        parsed=len(records),
        skipped=records.skipped,
        duplicates_dropped=len(records) - len(unique),
        satellites=len(unique),
        stale=int(np.count_nonzero(stale)),
        unassigned=structure.unassigned,
        reference_jd=ref_jd + ref_fr,
    )
    return CatalogueLoad(constellation, report)


def load_catalogue(
    source: str | os.PathLike[str],
    *,
    format: CatalogueFormat = "auto",
    lenient: bool = False,
    reference_time: datetime | str | None = None,
    stale_after_days: float = 7.0,
    name: str | None = None,
) -> Constellation:
    """A catalogue file (or text) as a :class:`Constellation`; see :func:`read_catalogue`."""
    return read_catalogue(
        source,
        format=format,
        lenient=lenient,
        reference_time=reference_time,
        stale_after_days=stale_after_days,
        name=name,
    ).constellation


def bundled_catalogue(
    name: str = "starlink",
    *,
    lenient: bool = False,
    reference_time: datetime | str | None = None,
    stale_after_days: float = 7.0,
) -> Constellation:
    """A catalogue snapshot shipped with leonet: ``"starlink"`` (10,395 satellites) or
    ``"oneweb"`` (651), 2026-05-30; a file name from ``leonet/data`` works too."""
    file_name = BUNDLED_FILES.get(name.lower(), name)
    resource = resources.files("leonet").joinpath("data", file_name)
    if file_name not in BUNDLED_FILES.values() or not resource.is_file():
        raise ValueError(
            f"no bundled catalogue {name!r}; choose one of {', '.join(sorted(BUNDLED_FILES))} "
            "or load your own file with load_catalogue(path)"
        )
    with resources.as_file(resource) as path:
        load = read_catalogue(
            path,
            lenient=lenient,
            reference_time=reference_time,
            stale_after_days=stale_after_days,
            name=Path(file_name).stem.split("_")[0],
        )
    mask = BUNDLED_MIN_ELEVATION_DEG.get(Path(file_name).stem.split("_")[0])
    if mask is None:
        return load.constellation
    shells = tuple(replace(shell, min_elevation_deg=mask) for shell in load.constellation.shells)
    return replace(load.constellation, shells=shells)
