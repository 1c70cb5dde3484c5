"""CCSDS Orbit Mean-Elements Messages (OMM) as CelesTrak serves them, in JSON and CSV.

CelesTrak's ``gp.php?FORMAT=json`` gives a JSON array of flat records and
``FORMAT=csv`` a CSV table with the same field names (CCSDS 502.0-B-3 OMM
keywords): ``OBJECT_NAME``, ``NORAD_CAT_ID``, ``EPOCH`` (UTC, ISO 8601),
``MEAN_MOTION`` (rev/day), ``ECCENTRICITY``, ``INCLINATION``,
``RA_OF_ASC_NODE``, ``ARG_OF_PERICENTER``, ``MEAN_ANOMALY`` (degrees),
``BSTAR`` (1/Earth radii), ``MEAN_MOTION_DOT`` (rev/day², the TLE's ndot/2)
and ``MEAN_MOTION_DDOT`` (rev/day³, the TLE's nddot/6).  They are SGP4 mean
elements, converted here with the same arithmetic as TLEs.

A bad record raises :class:`OMMFormatError` naming the file, the record (and
CSV line), the field and how to fix it; ``lenient=True`` skips it instead.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from leonet.space.records import (
    CatalogueFormatError,
    ElementRecords,
    SkippedRecord,
    elements_from_tle_units,
)

__all__ = [
    "OMM_FIELDS",
    "OMMFormatError",
    "parse_omm_csv",
    "parse_omm_json",
    "read_omm",
]

#: The fields leonet needs from every OMM record.
OMM_FIELDS = (
    "OBJECT_NAME",
    "NORAD_CAT_ID",
    "EPOCH",
    "MEAN_MOTION",
    "ECCENTRICITY",
    "INCLINATION",
    "RA_OF_ASC_NODE",
    "ARG_OF_PERICENTER",
    "MEAN_ANOMALY",
    "BSTAR",
    "MEAN_MOTION_DOT",
    "MEAN_MOTION_DDOT",
)

_EPOCH_RE = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:Z|\+00:?00)?"
)
_NS_PER_DAY = 86_400 * 1_000_000_000
_JD_OF_ORDINAL_ZERO = 1_721_424.5  # Julian date of midnight starting proleptic day 0

# (field, low, high, what, unit): inclusive range checks.
_RANGES = (
    ("INCLINATION", 0.0, 180.0, "inclination", "degrees"),
    ("RA_OF_ASC_NODE", 0.0, 360.0, "right ascension of the ascending node", "degrees"),
    ("ARG_OF_PERICENTER", 0.0, 360.0, "argument of pericentre", "degrees"),
    ("MEAN_ANOMALY", 0.0, 360.0, "mean anomaly", "degrees"),
)
_MAX_MEAN_MOTION_REV_DAY = 17.5


class OMMFormatError(CatalogueFormatError):
    """An OMM record that cannot be read; the message names the record, field and fix."""


def _epoch_to_jd_fr(text: str) -> tuple[float, float]:
    """Split UTC Julian date of an OMM ``EPOCH`` string; ValueError if malformed."""
    match = _EPOCH_RE.fullmatch(text.strip())
    if not match:
        raise ValueError("not an ISO 8601 UTC time")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    digits = (match.group(7) or "").ljust(9, "0")
    if hour > 23 or minute > 59 or second > 60:
        raise ValueError("time of day out of range")
    jd = date(year, month, day).toordinal() + _JD_OF_ORDINAL_ZERO
    ns = ((hour * 60 + minute) * 60 + second) * 1_000_000_000 + int(digits)
    return jd, ns / _NS_PER_DAY


class _Reader:
    """Validates records one by one and collects the values as columns."""

    def __init__(self, source: str, lenient: bool, fmt: str):
        self.source = source
        self.lenient = lenient
        self.format = fmt
        self.skipped: list[SkippedRecord] = []
        self.columns: dict[str, list[float]] = {k: [] for k in OMM_FIELDS[2:]}
        self.columns["EPOCH_FR"] = []
        self.names: list[str] = []
        self.norad: list[int] = []
        self.lines: list[int] = []

    def error(
        self, record: int, line: int, label: str, field: str, reason: str, fix: str
    ) -> OMMFormatError:
        where = f"record {record}" + (f" (line {line})" if line else "") + label
        message = f"{self.source}, {where}, field {field}: {reason}.\nHow to fix: {fix}."
        return OMMFormatError(
            message,
            source=self.source,
            line=line,
            record=record,
            reason=f"field {field}: {reason}",
        )

    def add(self, record: int, line: int, fields: Mapping[str, Any]) -> None:
        try:
            self._add(record, line, fields)
        except OMMFormatError as error:
            if not self.lenient:
                raise
            self.skipped.append(
                SkippedRecord(self.source, error.line, error.reason, record=error.record)
            )

    def _add(self, record: int, line: int, fields: Mapping[str, Any]) -> None:
        if not isinstance(fields, Mapping):
            raise self.error(
                record,
                line,
                "",
                "(record)",
                f"expected an object, found {type(fields).__name__}",
                "CelesTrak OMM JSON is a list of flat objects, one per satellite",
            )
        name = str(fields.get("OBJECT_NAME") or "").strip()
        label = f" ({name})" if name else ""
        missing = [k for k in OMM_FIELDS if k != "OBJECT_NAME" and _blank(fields.get(k))]
        if missing:
            raise self.error(
                record,
                line,
                label,
                missing[0],
                "missing or empty",
                f"every record needs {', '.join(OMM_FIELDS[1:])}; download the group again "
                "with FORMAT=json or FORMAT=csv from CelesTrak",
            )
        raw_id = str(fields["NORAD_CAT_ID"]).strip()
        try:
            norad = int(raw_id)
        except ValueError:
            norad = -1
        if not 0 < norad < 1_000_000_000:
            raise self.error(
                record,
                line,
                label,
                "NORAD_CAT_ID",
                f"found {raw_id!r}",
                "write the NORAD catalogue number as a positive whole number (e.g. 44714)",
            )
        label = f" ({name or 'NORAD ' + str(norad)})"
        try:
            jd, fr = _epoch_to_jd_fr(str(fields["EPOCH"]))
        except ValueError:
            raise self.error(
                record,
                line,
                label,
                "EPOCH",
                f"cannot read {fields['EPOCH']!r} as a UTC time",
                "write the epoch as ISO 8601 UTC, e.g. '2026-05-30T07:25:28.869024'",
            ) from None
        values: dict[str, float] = {}
        for key in OMM_FIELDS[3:]:
            raw = fields[key]
            try:
                value = float(raw)
                if not math.isfinite(value):
                    raise ValueError
            except (TypeError, ValueError):
                raise self.error(
                    record,
                    line,
                    label,
                    key,
                    f"cannot read {raw!r} as a number",
                    "write a plain decimal number such as 0.0003034 or 1.518E-3",
                ) from None
            values[key] = value
        for key, low, high, what, unit in _RANGES:
            if not low <= values[key] <= high:
                raise self.error(
                    record,
                    line,
                    label,
                    key,
                    f"{values[key]:g} is outside {low:g}-{high:g} {unit}",
                    f"the {what} is between {low:g} and {high:g} {unit}; check that the field "
                    "holds degrees and is not shifted",
                )
        if not 0.0 <= values["ECCENTRICITY"] < 1.0:
            raise self.error(
                record,
                line,
                label,
                "ECCENTRICITY",
                f"{values['ECCENTRICITY']:g} is outside 0-1",
                "eccentricity of an Earth orbit is at least 0 and below 1 (e.g. 0.0003034)",
            )
        n = values["MEAN_MOTION"]
        if not 0.0 < n <= _MAX_MEAN_MOTION_REV_DAY:
            raise self.error(
                record,
                line,
                label,
                "MEAN_MOTION",
                f"{n:g} rev/day is not a possible Earth orbit (0 < n <= "
                f"{_MAX_MEAN_MOTION_REV_DAY:g})",
                "MEAN_MOTION is in revolutions per day (LEO about 11-16.5, GEO about 1.0027)",
            )
        for key, value in values.items():
            self.columns[key].append(value)
        self.columns["EPOCH"].append(jd)
        self.columns["EPOCH_FR"].append(fr)
        self.names.append(name or f"NORAD {norad}")
        self.norad.append(norad)
        self.lines.append(line)

    def result(self) -> ElementRecords:
        c = {k: np.array(v, dtype=np.float64) for k, v in self.columns.items()}
        n = len(self.names)
        elements = elements_from_tle_units(
            epoch_jd=c["EPOCH"],
            epoch_fr=c["EPOCH_FR"],
            mean_motion_rev_day=c["MEAN_MOTION"],
            eccentricity=c["ECCENTRICITY"],
            inclination_deg=c["INCLINATION"],
            raan_deg=c["RA_OF_ASC_NODE"],
            arg_perigee_deg=c["ARG_OF_PERICENTER"],
            mean_anomaly_deg=c["MEAN_ANOMALY"],
            bstar_per_er=c["BSTAR"],
            ndot_rev_day2=c["MEAN_MOTION_DOT"],
            nddot_rev_day3=c["MEAN_MOTION_DDOT"],
        )
        empty = np.full(n, "", dtype=np.str_)
        return ElementRecords(
            elements=elements,
            names=np.array(self.names, dtype=np.str_).reshape(n),
            norad_id=np.array(self.norad, dtype=np.int64).reshape(n),
            line=np.array(self.lines, dtype=np.int64).reshape(n),
            tle_line1=empty,
            tle_line2=empty.copy(),
            source=self.source,
            format=self.format,
            skipped=tuple(self.skipped),
        )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_omm_json(text: str, *, source: str = "<string>", lenient: bool = False) -> ElementRecords:
    """Read CelesTrak OMM JSON (a list of records, or one record) into :class:`ElementRecords`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OMMFormatError(
            f"{source}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg}).\n"
            "How to fix: the file may be truncated or not JSON at all; download it again "
            "(CelesTrak FORMAT=json), or name the format explicitly if it is TLE or CSV.",
            source=source,
            line=exc.lineno,
            reason=f"not valid JSON ({exc.msg})",
        ) from None
    records: Iterable[Any] = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise OMMFormatError(
            f"{source}: expected a JSON list of OMM records, found {type(data).__name__}.\n"
            "How to fix: CelesTrak's gp.php?FORMAT=json returns a list of objects.",
            source=source,
            line=0,
            reason="not a list of OMM records",
        )
    reader = _Reader(source, lenient, "omm-json")
    for k, fields in enumerate(records, start=1):
        reader.add(k, 0, fields)
    return reader.result()


def parse_omm_csv(text: str, *, source: str = "<string>", lenient: bool = False) -> ElementRecords:
    """Read CelesTrak OMM CSV (a header row of OMM field names) into :class:`ElementRecords`."""
    rows = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (rows.fieldnames or [])]
    missing = [k for k in OMM_FIELDS if k not in header]
    if missing:
        raise OMMFormatError(
            f"{source}, line 1: the CSV header lacks {', '.join(missing)} (found "
            f"{', '.join(header) or 'no header'}).\nHow to fix: the first row must name the "
            f"OMM fields; CelesTrak's gp.php?FORMAT=csv writes them ({', '.join(OMM_FIELDS)}).",
            source=source,
            line=1,
            reason=f"CSV header lacks {', '.join(missing)}",
        )
    rows.fieldnames = header
    reader = _Reader(source, lenient, "omm-csv")
    for k, row in enumerate(rows, start=1):
        if not any(v and v.strip() for v in row.values() if isinstance(v, str)):
            continue
        reader.add(k, rows.line_num, row)
    return reader.result()


def read_omm(
    path: str | os.PathLike[str], *, format: str | None = None, lenient: bool = False
) -> ElementRecords:
    """Read an OMM file; ``format`` ``"json"`` or ``"csv"`` (default: from the suffix/content)."""
    file = Path(path)
    text = file.read_text(encoding="utf-8-sig")
    kind = format or ("json" if text.lstrip()[:1] in ("[", "{") else "csv")
    if kind == "json":
        return parse_omm_json(text, source=str(file), lenient=lenient)
    if kind == "csv":
        return parse_omm_csv(text, source=str(file), lenient=lenient)
    raise ValueError(f"unknown OMM format {format!r}; choose 'json' or 'csv'")
