"""Two-line element sets (TLE, with or without a name line) → :class:`ElementRecords`.

Every field is checked by its column range (NORAD/Space-Track TLE layout,
as in Vallado et al. 2006, AIAA 2006-6753, and ``sgp4.io``): line numbers,
line length (69 columns), the mod-10 checksum, each field's format and range,
and that both lines name the same satellite.  A bad record raises
:class:`TLEFormatError` showing the expected column template above the line,
a caret under the bad columns, and how to fix it; ``lenient=True`` skips bad
records instead and lists them in :attr:`ElementRecords.skipped`.

Elements are converted exactly as ``sgp4.api.Satrec.twoline2rv`` converts
them (same operations, same order), so SGP4 initialised from the resulting
:class:`~leonet.space.elements.ElementSet` reproduces ``twoline2rv``'s
positions to the last bit: the epoch becomes the split UTC Julian date
``(jd, fr)`` with ``jd`` the midnight before the epoch and ``fr`` the TLE's
8-digit day fraction.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from leonet.space.records import (
    CatalogueFormatError,
    ElementRecords,
    SkippedRecord,
    elements_from_tle_units,
)

__all__ = [
    "LINE1_TEMPLATE",
    "LINE2_TEMPLATE",
    "TLEFormatError",
    "alpha5_to_int",
    "int_to_alpha5",
    "parse_tle",
    "read_tle",
    "tle_checksum",
]

#: Column templates (as in ``sgp4.io``): N digit, C classification, A designator letter.
LINE1_TEMPLATE = "1 NNNNNC NNNNNAAA NNNNN.NNNNNNNN +.NNNNNNNN +NNNNN-N +NNNNN-N N NNNNN"
LINE2_TEMPLATE = "2 NNNNN NNN.NNNN NNN.NNNN NNNNNNN NNN.NNNN NNN.NNNN NN.NNNNNNNNNNNNNN"

_TLE_COLUMNS = 69
#: Highest sensible mean motion, rev/day: 17.1 rev/day is an orbit at the Earth's surface.
_MAX_MEAN_MOTION_REV_DAY = 17.5
_ALPHA5 = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # I and O are not used (Space-Track Alpha-5)


class TLEFormatError(CatalogueFormatError):
    """A TLE record that does not follow the column layout; the message shows where and why."""


@dataclass(frozen=True)
class _Field:
    name: str
    first_col: int  # 1-based, inclusive
    last_col: int
    pattern: str
    fix: str


def _sep(col: int) -> _Field:
    return _Field("separator", col, col, " ", f"column {col} must be a blank space")


_CATALOG = r"[ 0-9]{4}[0-9]|[A-HJ-NP-Z][0-9]{4}"
_CATALOG_FIX = (
    "write the NORAD catalogue number in 5 columns, zero-padded ('00005'), or in Alpha-5 form "
    "(a letter other than I or O, then 4 digits: 'A0001' = 100001) above 99999"
)
_EXP_FIX = (
    "write it as sign, 5 mantissa digits with an implied leading decimal point, exponent sign "
    "and exponent digit: ' 12345-4' means 0.12345e-4"
)
_ANGLE_FIX = "write degrees as NNN.NNNN, right-aligned with 4 decimals (e.g. ' 53.0540')"

_LINE1_FIELDS = (
    _Field("line number", 1, 1, "1", "the first line of a TLE starts with '1'"),
    _sep(2),
    _Field("catalog number", 3, 7, _CATALOG, _CATALOG_FIX),
    _Field("classification", 8, 8, "[UCS ]", "use U (unclassified), C or S"),
    _sep(9),
    _Field(
        "international designator",
        10,
        17,
        "[0-9A-Z ]{8}",
        "write launch year (2 digits), launch number (3 digits) and piece (1-3 letters), "
        "e.g. '19074B  ', or leave the 8 columns blank",
    ),
    _sep(18),
    _Field("epoch year", 19, 20, r"\d\d", "write the last two digits of the year (57-99 → 19xx)"),
    _Field(
        "epoch day",
        21,
        32,
        r"[ \d]{2}\d\.\d{8}",
        "write the day of the year with 8 decimals, DDD.DDDDDDDD (e.g. '150.30936191')",
    ),
    _sep(33),
    _Field(
        "mean motion derivative",
        34,
        43,
        r"[ +-]\.\d{8}|[ +-]0\.\d{7}",
        "write ndot/2 in rev/day² as sign, '.', 8 digits (e.g. ' .00080211' or '-.00000016')",
    ),
    _sep(44),
    _Field("mean motion second derivative", 45, 52, r"[ +-]\d{5}[ +-]\d", _EXP_FIX),
    _sep(53),
    _Field("BSTAR", 54, 61, r"[ +-]\d{5}[ +-]\d", _EXP_FIX),
    _sep(62),
    _Field("ephemeris type", 63, 63, r"[ \d]", "write 0 (or leave blank)"),
    _sep(64),
    _Field("element set number", 65, 68, r"[ \d]{3}\d|    ", "write up to 4 digits, right-aligned"),
    _Field("checksum", 69, 69, r"\d", "the last column holds the mod-10 checksum digit"),
)

_LINE2_FIELDS = (
    _Field("line number", 1, 1, "2", "the second line of a TLE starts with '2'"),
    _sep(2),
    _Field("catalog number", 3, 7, _CATALOG, _CATALOG_FIX),
    _sep(8),
    _Field("inclination", 9, 16, r"[ \d]{2}\d\.\d{4}", _ANGLE_FIX),
    _sep(17),
    _Field("right ascension of the ascending node", 18, 25, r"[ \d]{2}\d\.\d{4}", _ANGLE_FIX),
    _sep(26),
    _Field(
        "eccentricity",
        27,
        33,
        r"[ \d]{6}\d",
        "write 7 digits with an implied leading decimal point ('0003034' means 0.0003034)",
    ),
    _sep(34),
    _Field("argument of perigee", 35, 42, r"[ \d]{2}\d\.\d{4}", _ANGLE_FIX),
    _sep(43),
    _Field("mean anomaly", 44, 51, r"[ \d]{2}\d\.\d{4}", _ANGLE_FIX),
    _sep(52),
    _Field(
        "mean motion",
        53,
        63,
        r"[ \d]\d\.\d{8}",
        "write revolutions per day as NN.NNNNNNNN (e.g. '15.47704531')",
    ),
    _Field("revolution number", 64, 68, r"[ \d]{5}", "write up to 5 digits, right-aligned"),
    _Field("checksum", 69, 69, r"\d", "the last column holds the mod-10 checksum digit"),
)

_LINE1_RE = re.compile("".join(f"(?:{f.pattern})" for f in _LINE1_FIELDS))
_LINE2_RE = re.compile("".join(f"(?:{f.pattern})" for f in _LINE2_FIELDS))
_FIELD_RES = {f: re.compile(f.pattern) for f in (*_LINE1_FIELDS, *_LINE2_FIELDS)}
# Loose shape of a data line, used to tell a mis-numbered TLE line from a name line.
_DATA_LINE_RE = re.compile(r"\S (?:[ 0-9]{4}[0-9]|[A-Z][0-9]{4})[UCS ]? ")


#: Each ASCII character's checksum value (a digit its value, '-' 1, others 0), as bytes.
_CHECKSUM_VALUES = bytes(
    int(chr(k)) if chr(k).isdigit() else int(chr(k) == "-") for k in range(128)
) + bytes(128)


def tle_checksum(line: str) -> int:
    """The mod-10 checksum of columns 1–68: digits count their value, '-' counts 1."""
    if line.isascii():
        return sum(line[:68].encode().translate(_CHECKSUM_VALUES)) % 10
    return sum(int(c) if c.isdecimal() and c.isascii() else c == "-" for c in line[:68]) % 10


def alpha5_to_int(text: str) -> int:
    """NORAD number from a 5-column catalog field, decimal or Alpha-5 (``'A0001'`` → 100001)."""
    text = text.strip()
    if text[:1].isalpha():
        return (_ALPHA5.index(text[0].upper()) + 10) * 10_000 + int(text[1:])
    return int(text)


def int_to_alpha5(number: int) -> str:
    """The 5-column catalog field for ``number``: zero-padded below 100000, else Alpha-5."""
    if not 0 <= number <= 339_999:
        raise ValueError(f"NORAD number {number} cannot be written in 5 TLE columns (0-339999)")
    if number < 100_000:
        return f"{number:05d}"
    lead, rest = divmod(number, 10_000)
    return f"{_ALPHA5[lead - 10]}{rest:04d}"


def _format_error(  # noqa: PLR0913 — private: the parts of one error message
    source: str,
    lineno: int,
    line: str,
    template: str,
    first: int,
    last: int,
    what: str,
    reason: str,
    fix: str,
) -> TLEFormatError:
    shown = line if len(line) <= 100 else line[:100] + "…"
    label = f"line {lineno}:"
    width = max(len(label), len("expected:"))
    last = min(last, 100)
    caret = " " * (first - 1) + "^" * max(1, last - first + 1)
    cols = f"column {first}" if first == last else f"columns {first}-{last}"
    message = (
        f"{source}, line {lineno}, {cols} ({what}): {reason}\n\n"
        f"  {'expected:'.rjust(width)} {template}\n"
        f"  {label.rjust(width)} {shown}\n"
        f"  {' ' * width} {caret}\n\n"
        f"How to fix: {fix}."
    )
    return TLEFormatError(message, source=source, line=lineno, reason=f"{cols} ({what}): {reason}")


def _check_layout(
    source: str, lineno: int, line: str, which: int, *, checksum: bool, allow_extra_columns: bool
) -> TLEFormatError | None:
    """The first layout problem of one data line (length, ASCII, columns, checksum), or None."""
    fields = _LINE1_FIELDS if which == 1 else _LINE2_FIELDS
    template = LINE1_TEMPLATE if which == 1 else LINE2_TEMPLATE
    printable = line.isascii() and line.isprintable()
    bad_char = (
        None if printable else next((k for k, c in enumerate(line) if not (" " <= c <= "~")), None)
    )
    if bad_char is not None:
        return _format_error(
            source,
            lineno,
            line.encode("ascii", "replace").decode(),
            template,
            bad_char + 1,
            bad_char + 1,
            "character",
            f"{line[bad_char]!r} is not a printable ASCII character",
            "TLE lines hold printable ASCII only; retype the line or re-download the file "
            "(tabs and typographic quotes or dashes often sneak in through copy and paste)",
        )
    if len(line) != _TLE_COLUMNS and not (allow_extra_columns and len(line) > _TLE_COLUMNS):
        if len(line) > _TLE_COLUMNS:
            first, last = _TLE_COLUMNS + 1, len(line)
            reason = f"the line has {len(line)} columns, but a TLE line has exactly 69"
            fix = (
                "remove the text after column 69, or pass allow_extra_columns=True to ignore it "
                "(SGP4-VER.TLE keeps verification times there)"
            )
        else:
            first, last = len(line) + 1, _TLE_COLUMNS
            reason = f"the line has {len(line)} columns, but a TLE line has exactly 69"
            fix = "a field or the checksum is missing; compare the line with the template above"
        return _format_error(
            source, lineno, line, template, first, last, "line length", reason, fix
        )
    body = line[:_TLE_COLUMNS]
    if not (_LINE1_RE if which == 1 else _LINE2_RE).fullmatch(body):
        for field in fields:
            segment = body[field.first_col - 1 : field.last_col]
            if not _FIELD_RES[field].fullmatch(segment):
                return _format_error(
                    source,
                    lineno,
                    body,
                    template,
                    field.first_col,
                    field.last_col,
                    field.name,
                    f"found {segment!r}, which does not fit the template",
                    field.fix,
                )
    if checksum:
        computed = tle_checksum(body)
        if int(body[68]) != computed:
            return _format_error(
                source,
                lineno,
                body,
                template,
                69,
                69,
                "checksum",
                f"the line gives checksum {body[68]} but its columns 1-68 add up to {computed}",
                "the checksum is the sum of all digits in columns 1-68, each '-' counting 1, "
                "modulo 10; a wrong digit in the line is the usual cause, so check the values "
                f"first, then set column 69 to {computed} (or pass checksum=False to skip "
                "the check)",
            )
    return None


def _range_error(
    source: str,
    lineno: int,
    line: str,
    which: int,
    col: tuple[int, int],
    what: str,
    reason: str,
    fix: str,
) -> TLEFormatError:
    template = LINE1_TEMPLATE if which == 1 else LINE2_TEMPLATE
    return _format_error(source, lineno, line[:_TLE_COLUMNS], template, *col, what, reason, fix)


# One parsed record: NORAD id, jd, fr, ndot, nddot, bstar, inc, raan, ecc, argp, M, n (raw units).
_Row = tuple[int, float, float, float, float, float, float, float, float, float, float, float]


def _parse_record(source: str, ln1: int, l1: str, ln2: int, l2: str) -> _Row | TLEFormatError:
    """Values of a layout-checked record in TLE units, or the first range/consistency error."""
    sat1 = alpha5_to_int(l1[2:7])
    sat2 = alpha5_to_int(l2[2:7])
    if sat1 != sat2:
        return _range_error(
            source,
            ln2,
            l2,
            2,
            (3, 7),
            "catalog number",
            f"line 2 is for satellite {l2[2:7].strip()} but line 1 (line {ln1}) is for "
            f"{l1[2:7].strip()}",
            "the two lines of a TLE must come from the same element set; the file may be "
            "missing a line or have two records interleaved",
        )
    two_digit_year = int(l1[18:20])
    year = two_digit_year + (2000 if two_digit_year < 57 else 1900)
    day_whole = int(l1[20:23])
    days_in_year = 366 if year % 4 == 0 else 365
    if not 1 <= day_whole <= days_in_year:
        return _range_error(
            source,
            ln1,
            l1,
            1,
            (21, 32),
            "epoch day",
            f"day {l1[20:32].strip()} is not in year {year} (days 1-{days_in_year})",
            "the epoch day counts from 1.0 = January 1st 00:00 UTC",
        )
    # Split Julian date exactly as Satrec.twoline2rv builds it (valid 1901-2099).
    jd = year * 365 + (year - 1) // 4 + day_whole + 1721044.5
    fr = int(l1[24:32]) / 1e8
    ndot = float(l1[33:43])
    nddot = float(l1[44] + "." + l1[45:50]) * pow(10.0, int(l1[50:52]))
    bstar = float(l1[53] + "." + l1[54:59]) * pow(10.0, int(l1[59:61]))
    inclination = float(l2[8:16])
    raan = float(l2[17:25])
    ecc = float("0." + l2[26:33].replace(" ", "0"))
    argp = float(l2[34:42])
    mean_anomaly = float(l2[43:51])
    mean_motion = float(l2[52:63])
    if inclination > 180.0:
        return _range_error(
            source,
            ln2,
            l2,
            2,
            (9, 16),
            "inclination",
            f"{inclination:g} degrees is outside 0-180",
            "inclination is between 0 and 180 degrees; a value above 180 is a typo or a "
            "shifted column",
        )
    for value, cols, what in (
        (raan, (18, 25), "right ascension of the ascending node"),
        (argp, (35, 42), "argument of perigee"),
        (mean_anomaly, (44, 51), "mean anomaly"),
    ):
        if value > 360.0:
            return _range_error(
                source,
                ln2,
                l2,
                2,
                cols,
                what,
                f"{value:g} degrees is outside 0-360",
                "angles are between 0 and 360 degrees; check for a shifted column",
            )
    if not 0.0 < mean_motion <= _MAX_MEAN_MOTION_REV_DAY:
        return _range_error(
            source,
            ln2,
            l2,
            2,
            (53, 63),
            "mean motion",
            f"{mean_motion:g} rev/day is not a possible Earth orbit (0 < n <= "
            f"{_MAX_MEAN_MOTION_REV_DAY:g}; 17.1 rev/day is an orbit at the surface)",
            "mean motion is in revolutions per day (LEO about 11-16.5, GEO about 1.0027)",
        )
    return (
        sat1,
        jd,
        fr,
        ndot,
        nddot,
        bstar,
        inclination,
        raan,
        ecc,
        argp,
        mean_anomaly,
        mean_motion,
    )


def _data_line_number(line: str) -> int:
    """1 or 2 if ``line`` is a TLE data line, -1 if it looks like a mis-numbered one, else 0."""
    if line[:2] in ("1 ", "2 "):
        return int(line[0])
    if len(line) >= 60 and _DATA_LINE_RE.match(line):
        return -1
    return 0


def parse_tle(
    text: str,
    *,
    source: str = "<string>",
    lenient: bool = False,
    checksum: bool = True,
    allow_extra_columns: bool = False,
) -> ElementRecords:
    """Read 2-line or 3-line TLE text into :class:`ElementRecords` (arrays ``(sat,)``).

    Name lines (3LE; a leading ``"0 "`` as Space-Track writes it is dropped)
    are optional per record; satellites without one are named ``"NORAD <id>"``.
    Blank lines and lines starting with ``#`` are ignored.  ``checksum=False``
    skips the mod-10 check; ``allow_extra_columns=True`` ignores text after
    column 69 (as in ``SGP4-VER.TLE``).  A bad record raises
    :class:`TLEFormatError` unless ``lenient``, which skips it and records a
    :class:`SkippedRecord` in the result's ``skipped``.
    """
    skipped: list[SkippedRecord] = []
    rows: list[_Row] = []
    names: list[str] = []
    starts: list[int] = []
    line1s: list[str] = []
    line2s: list[str] = []

    def fail(error: TLEFormatError) -> None:
        if not lenient:
            raise error
        skipped.append(SkippedRecord(source, error.line, error.reason))

    def wrong_number(lineno: int, line: str, expected: int) -> TLEFormatError:
        template = LINE1_TEMPLATE if expected == 1 else LINE2_TEMPLATE
        role = "first" if expected == 1 else "second"
        return _format_error(
            source,
            lineno,
            line[:_TLE_COLUMNS],
            template,
            1,
            1,
            "line number",
            f"found {line[0]!r} where the {role} line of a TLE (starting '{expected}') belongs",
            f"number the {role} line of each record '{expected}'; a TLE is an optional name "
            "line, then line 1, then line 2",
        )

    name: str | None = None
    pending: tuple[int, str] | None = None  # (line number, text) of a line 1 awaiting line 2
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        kind = _data_line_number(line)
        if pending is not None:
            ln1, l1 = pending
            pending = None
            if kind == 2:
                error = _check_layout(
                    source, ln1, l1, 1, checksum=checksum, allow_extra_columns=allow_extra_columns
                ) or _check_layout(
                    source,
                    lineno,
                    line,
                    2,
                    checksum=checksum,
                    allow_extra_columns=allow_extra_columns,
                )
                parsed = error or _parse_record(source, ln1, l1, lineno, line)
                if isinstance(parsed, TLEFormatError):
                    fail(parsed)
                else:
                    rows.append(parsed)
                    names.append(name if name else f"NORAD {parsed[0]}")
                    starts.append(ln1)
                    line1s.append(l1[:_TLE_COLUMNS])
                    line2s.append(line[:_TLE_COLUMNS])
                name = None
                continue
            if kind == -1:
                fail(wrong_number(lineno, line, 2))
                name = None
                continue
            fail(
                _format_error(
                    source,
                    ln1,
                    l1[:_TLE_COLUMNS],
                    LINE1_TEMPLATE,
                    1,
                    1,
                    "line number",
                    f"line 1 of satellite {l1[2:7].strip()} is not followed by its line 2 "
                    f"(line {lineno} is {'another line 1' if kind == 1 else 'not a TLE line'})",
                    "every line 1 must be followed directly by its line 2",
                )
            )
            name = None
        if kind == 1:
            pending = (lineno, line)
        elif kind in (2, -1):
            fail(wrong_number(lineno, line, 1))
            name = None
        else:
            name = line[2:].strip() if line.startswith("0 ") else line.strip()
    if pending is not None:
        ln1, l1 = pending
        fail(
            _format_error(
                source,
                ln1,
                l1[:_TLE_COLUMNS],
                LINE1_TEMPLATE,
                1,
                1,
                "line number",
                f"line 1 of satellite {l1[2:7].strip()} is the last line; its line 2 is missing",
                "add the record's second line, or remove the incomplete record",
            )
        )

    return _to_records(rows, names, starts, line1s, line2s, source, tuple(skipped))


def _to_records(
    rows: list[_Row],
    names: list[str],
    starts: list[int],
    line1s: list[str],
    line2s: list[str],
    source: str,
    skipped: tuple[SkippedRecord, ...],
) -> ElementRecords:
    """Convert TLE units to SGP4 units in bulk, with twoline2rv's exact arithmetic."""
    values = np.array(rows, dtype=np.float64).reshape(len(rows), 12)
    (norad, jd, fr, ndot, nddot, bstar, inc, raan, ecc, argp, mo, n_rev_day) = values.T
    elements = elements_from_tle_units(
        epoch_jd=jd.copy(),
        epoch_fr=fr.copy(),
        mean_motion_rev_day=n_rev_day,
        eccentricity=ecc.copy(),
        inclination_deg=inc,
        raan_deg=raan,
        arg_perigee_deg=argp,
        mean_anomaly_deg=mo,
        bstar_per_er=bstar.copy(),
        ndot_rev_day2=ndot,
        nddot_rev_day3=nddot,
    )
    return ElementRecords(
        elements=elements,
        names=np.array(names, dtype=np.str_).reshape(len(rows)),
        norad_id=norad.astype(np.int64),
        line=np.array(starts, dtype=np.int64).reshape(len(rows)),
        tle_line1=np.array(line1s, dtype=np.str_).reshape(len(rows)),
        tle_line2=np.array(line2s, dtype=np.str_).reshape(len(rows)),
        source=source,
        format="tle",
        skipped=skipped,
    )


def read_tle(
    path: str | os.PathLike[str],
    *,
    lenient: bool = False,
    checksum: bool = True,
    allow_extra_columns: bool = False,
) -> ElementRecords:
    """Read a TLE/3LE file; see :func:`parse_tle` for the options and errors."""
    file = Path(path)
    text = file.read_text(encoding="utf-8", errors="replace")
    return parse_tle(
        text,
        source=str(file),
        lenient=lenient,
        checksum=checksum,
        allow_extra_columns=allow_extra_columns,
    )
