"""TLE parsing: equivalence with sgp4's twoline2rv, validation and the wording of errors."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec, SatrecArray

from leonet.space.constellation import Constellation
from leonet.space.propagate import sgp4_satrec_array
from leonet.space.tle import (
    TLEFormatError,
    alpha5_to_int,
    int_to_alpha5,
    parse_tle,
    read_tle,
    tle_checksum,
)

NAME = "STARLINK-1008"
L1 = "1 44714U 19074B   26150.30936191  .00080211  00000+0  15180-2 0  9995"
L2 = "2 44714  53.1513 154.1788 0003034  54.2939 305.8351 15.47704531361446"
L1B = "1 44718U 19074F   26150.56707789  .00071276  00000+0  13388-2 0  9995"
L2B = "2 44718  53.1556 153.2474 0002806  51.7789 308.3472 15.47973918361472"


def with_checksum(line: str) -> str:
    return line[:68] + str(tle_checksum(line))


def error_for(text: str, **options: bool) -> TLEFormatError:
    with pytest.raises(TLEFormatError) as info:
        parse_tle(text, source="sats.tle", **options)
    return info.value


def as_constellation(records) -> Constellation:  # type: ignore[no-untyped-def]
    minus = -np.ones(len(records), dtype=np.int32)
    return Constellation(
        "t", records.names, records.norad_id, records.elements, minus, minus, minus
    )


def test_three_and_two_line_records() -> None:
    records = parse_tle(f"{NAME}\n{L1}\n{L2}\n\n{L1B}\r\n{L2B}\r\n")
    assert records.names.tolist() == [NAME, "NORAD 44718"]
    assert records.norad_id.tolist() == [44714, 44718]
    assert records.line.tolist() == [2, 5]
    assert records.tle_line1.tolist() == [L1, L1B]
    assert np.degrees(records.elements.inclination_rad[0]) == pytest.approx(53.1513, abs=1e-12)
    assert records.elements.eccentricity[0] == pytest.approx(0.0003034)
    assert records.elements.bstar_per_er[0] == pytest.approx(0.15180e-2)
    assert parse_tle(records.to_tle_text()).norad_id.tolist() == [44714, 44718]


def test_space_track_zero_prefixed_names() -> None:
    assert parse_tle(f"0 {NAME}\n{L1}\n{L2}\n").names.tolist() == [NAME]


def test_elements_equal_twoline2rv_bit_for_bit() -> None:
    records = parse_tle(f"{L1}\n{L2}\n")
    sat = Satrec.twoline2rv(L1, L2)
    el = records.elements
    assert (el.epoch_jd[0], el.epoch_fr[0]) == (sat.jdsatepoch, sat.jdsatepochF)
    assert el.mean_motion_rad_min[0] == sat.no_kozai
    assert (el.inclination_rad[0], el.raan_rad[0]) == (sat.inclo, sat.nodeo)
    assert (el.arg_perigee_rad[0], el.mean_anomaly_rad[0]) == (sat.argpo, sat.mo)
    assert (el.bstar_per_er[0], el.ndot_rad_min2[0], el.nddot_rad_min3[0]) == (
        sat.bstar,
        sat.ndot,
        sat.nddot,
    )


def test_bundled_sample_propagates_like_twoline2rv(shared_data: Path) -> None:
    """The whole 10,395-satellite snapshot: leonet elements → SGP4 within 1 mm of twoline2rv."""
    start = time.perf_counter()
    records = read_tle(shared_data / "starlink_tle_2026-05-30.txt")
    parse_s = time.perf_counter() - start
    assert len(records) == 10_395 and parse_s < 5.0
    ours = sgp4_satrec_array(as_constellation(records))
    theirs = SatrecArray(
        [Satrec.twoline2rv(a, b) for a, b in zip(records.tle_line1, records.tle_line2, strict=True)]
    )
    jd = np.full(4, 2_461_190.5)  # 2026-05-30 and the following days
    fr = np.array([0.0, 0.5, 1.25, 3.0])
    e1, r1, _ = ours.sgp4(jd, fr)
    e2, r2, _ = theirs.sgp4(jd, fr)
    assert np.array_equal(e1, e2)
    ok = e1 == 0
    assert np.max(np.abs(r1[ok] - r2[ok])) < 1e-6  # km: 1 mm


def test_alpha5_catalog_numbers() -> None:
    assert alpha5_to_int("A0001") == 100_001
    assert alpha5_to_int("Z9999") == 339_999
    assert alpha5_to_int("00005") == 5
    assert int_to_alpha5(100_001) == "A0001" and int_to_alpha5(44714) == "44714"
    assert int_to_alpha5(234_567) == "P4567" and alpha5_to_int("P4567") == 234_567
    l1 = with_checksum(L1.replace("44714U", "A0001U"))
    l2 = with_checksum(L2.replace("2 44714", "2 A0001"))
    assert parse_tle(f"{l1}\n{l2}\n").norad_id.tolist() == [100_001]


def test_bad_checksum_message() -> None:
    bad = L1[:68] + "0"
    error = error_for(f"{NAME}\n{bad}\n{L2}\n")
    text = str(error)
    assert error.line == 2 and isinstance(error, ValueError)
    assert text.startswith("sats.tle, line 2, column 69 (checksum): the line gives checksum 0 ")
    assert "add up to 5" in text and "set column 69 to 5" in text
    assert "checksum=False" in text
    # The template sits above the line and the caret under column 69.
    lines = text.splitlines()
    template_row = next(k for k, row in enumerate(lines) if "expected:" in row)
    assert lines[template_row + 1].endswith(bad)
    caret_row = lines[template_row + 2]
    assert caret_row.index("^") == lines[template_row + 1].index(bad) + 68
    assert parse_tle(f"{bad}\n{L2}\n", checksum=False).norad_id.tolist() == [44714]


def test_bad_column_message_names_columns_and_fix() -> None:
    bad = with_checksum(L2[:8] + " 53,1513" + L2[16:])
    text = str(error_for(f"{L1}\n{bad}\n"))
    assert "line 2, columns 9-16 (inclination): found ' 53,1513'" in text
    assert "How to fix: write degrees as NNN.NNNN" in text
    lines = text.splitlines()
    caret = next(row for row in lines if "^" in row)
    line_row = lines[lines.index(caret) - 1]
    assert caret.index("^") == line_row.index(bad) + 8 and caret.count("^") == 8


def test_wrong_line_number() -> None:
    bad = with_checksum("3" + L1[1:])
    text = str(error_for(f"{NAME}\n{bad}\n{L2}\n"))
    assert "line 2, column 1 (line number): found '3' where the first line of a TLE" in text
    bad2 = with_checksum("3" + L2[1:])
    text2 = str(error_for(f"{L1}\n{bad2}\n"))
    assert "line 2, column 1 (line number): found '3' where the second line" in text2
    text3 = str(error_for(f"{NAME}\n{L2}\n"))
    assert "found '2' where the first line of a TLE (starting '1') belongs" in text3


def test_inclination_out_of_range() -> None:
    bad = with_checksum(L2[:8] + "183.1513" + L2[16:])
    error = error_for(f"{L1}\n{bad}\n")
    assert "columns 9-16 (inclination): 183.151 degrees is outside 0-180" in str(error)
    assert "How to fix: inclination is between 0 and 180 degrees" in str(error)


def test_mean_motion_must_be_sensible() -> None:
    bad = with_checksum(L2[:52] + "25.47704531" + L2[63:])
    assert "columns 53-63 (mean motion): 25.477 rev/day is not a possible" in str(
        error_for(f"{L1}\n{bad}\n")
    )


def test_mismatched_ids() -> None:
    text = str(error_for(f"{L1}\n{L2B}\n"))
    assert "line 2, columns 3-7 (catalog number): line 2 is for satellite 44718" in text
    assert "line 1 (line 1) is for 44714" in text


def test_line_length_and_extra_columns() -> None:
    text = str(error_for(f"{L1}\n{L2[:60]}\n"))
    assert "line 2, columns 61-69 (line length): the line has 60 columns" in text
    long = L2 + "     0.00      4320.0        360.00"
    assert "allow_extra_columns=True" in str(error_for(f"{L1}\n{long}\n"))
    assert len(parse_tle(f"{L1}\n{long}\n", allow_extra_columns=True)) == 1


def test_missing_line_two() -> None:
    text = str(error_for(f"{NAME}\n{L1}\n{NAME}\n{L1B}\n{L2B}\n"))
    assert "line 2, column 1 (line number): line 1 of satellite 44714 is not followed" in text
    assert "its line 2 is missing" in str(error_for(f"{L1}\n"))


def test_non_ascii_is_reported() -> None:
    bad = L2.replace(" 53.1513", " 53\u00b71513")
    assert "is not a printable ASCII character" in str(error_for(f"{L1}\n{bad}\n"))


def test_lenient_skips_and_counts() -> None:
    bad_checksum = L1[:68] + "0"
    bad_inclination = with_checksum(L2B[:8] + "183.1556" + L2B[16:])
    text = "\n".join(
        [
            NAME,
            bad_checksum,
            L2,  # lines 1-3: bad
            "STARLINK-1012",
            L1B,
            bad_inclination,  # lines 4-6: bad
            "GOOD",
            L1,
            L2,  # lines 7-9
            "ORPHAN",
            L2B,  # lines 10-11: line 2 without line 1
        ]
    )
    records = parse_tle(text, source="mixed.tle", lenient=True)
    assert records.names.tolist() == ["GOOD"]
    assert [(s.line, s.source) for s in records.skipped] == [
        (2, "mixed.tle"),
        (6, "mixed.tle"),
        (11, "mixed.tle"),
    ]
    assert "checksum" in records.skipped[0].reason
    assert str(records.skipped[1]).startswith("mixed.tle, line 6: columns 9-16 (inclination)")
