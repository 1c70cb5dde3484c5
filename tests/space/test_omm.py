"""OMM JSON/CSV: same satellite as a TLE propagates to within metres; error wording."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np
import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec, SatrecArray
from sgp4.conveniences import sat_epoch_datetime

from leonet.space.constellation import Constellation
from leonet.space.omm import OMM_FIELDS, OMMFormatError, parse_omm_csv, parse_omm_json, read_omm
from leonet.space.propagate import sgp4_satrec_array

TLES = [
    (
        "STARLINK-1008",
        "1 44714U 19074B   26150.30936191  .00080211  00000+0  15180-2 0  9995",
        "2 44714  53.1513 154.1788 0003034  54.2939 305.8351 15.47704531361446",
    ),
    (
        "ONEWEB-0012",
        "1 44057U 19010A   26150.62188196  .00000034  00000+0  55930-4 0  9998",
        "2 44057  87.9109 232.2723 0002248  90.2190 269.9198 13.16593746349256",
    ),
]
POSITION_TOLERANCE_KM = 0.01  # 10 m: OMM epochs are printed to the microsecond


def omm_from_tle(name: str, line1: str, line2: str) -> dict[str, Any]:
    """The OMM fields CelesTrak would publish for this TLE (built here: no network)."""
    sat = Satrec.twoline2rv(line1, line2)
    epoch = sat_epoch_datetime(sat).replace(tzinfo=None)
    return {
        "OBJECT_NAME": name,
        "OBJECT_ID": "2019-074B",
        "EPOCH": epoch.isoformat(timespec="microseconds"),
        "MEAN_MOTION": float(line2[52:63]),
        "ECCENTRICITY": float("0." + line2[26:33]),
        "INCLINATION": float(line2[8:16]),
        "RA_OF_ASC_NODE": float(line2[17:25]),
        "ARG_OF_PERICENTER": float(line2[34:42]),
        "MEAN_ANOMALY": float(line2[43:51]),
        "EPHEMERIS_TYPE": 0,
        "CLASSIFICATION_TYPE": "U",
        "NORAD_CAT_ID": sat.satnum,
        "ELEMENT_SET_NO": 999,
        "REV_AT_EPOCH": int(line2[63:68]),
        "BSTAR": sat.bstar,
        "MEAN_MOTION_DOT": float(line1[33:43]),
        "MEAN_MOTION_DDOT": float(line1[44] + "." + line1[45:50]) * 10.0 ** int(line1[50:52]),
    }


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


ROWS = [omm_from_tle(*t) for t in TLES]


def positions_km(records) -> np.ndarray:  # type: ignore[no-untyped-def]
    minus = -np.ones(len(records), dtype=np.int32)
    c = Constellation("o", records.names, records.norad_id, records.elements, minus, minus, minus)
    jd, fr = np.full(3, 2_461_190.5), np.array([0.0, 0.5, 2.0])
    return sgp4_satrec_array(c).sgp4(jd, fr)[1]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_omm_matches_tle_and_sgp4_omm(fmt: str) -> None:
    text = json.dumps(ROWS) if fmt == "json" else to_csv(ROWS)
    records = parse_omm_json(text) if fmt == "json" else parse_omm_csv(text)
    assert records.names.tolist() == ["STARLINK-1008", "ONEWEB-0012"]
    assert records.norad_id.tolist() == [44714, 44057]
    ours = positions_km(records)
    tle = SatrecArray([Satrec.twoline2rv(l1, l2) for _, l1, l2 in TLES])
    jd, fr = np.full(3, 2_461_190.5), np.array([0.0, 0.5, 2.0])
    assert np.max(np.abs(ours - tle.sgp4(jd, fr)[1])) < POSITION_TOLERANCE_KM
    # sgp4's own OMM reader as a second authority (it wants string fields, as in its CSV).
    authority = []
    for row in csv.DictReader(io.StringIO(to_csv(ROWS))):
        sat = Satrec()
        sgp4_omm.initialize(sat, row)
        authority.append(sat)
    assert np.max(np.abs(ours - SatrecArray(authority).sgp4(jd, fr)[1])) < POSITION_TOLERANCE_KM


def test_epoch_is_split_exactly() -> None:
    records = parse_omm_json(json.dumps([ROWS[0]]))
    sat = Satrec.twoline2rv(TLES[0][1], TLES[0][2])
    assert records.elements.epoch_jd[0] == sat.jdsatepoch
    # OMM epochs are printed to the microsecond (here truncated), so within 1 µs.
    assert abs(records.elements.epoch_fr[0] - sat.jdsatepochF) * 86_400 <= 1.001e-6  # s


def test_single_object_and_z_suffix() -> None:
    row = dict(ROWS[0], EPOCH=ROWS[0]["EPOCH"] + "Z")
    assert len(parse_omm_json(json.dumps(row))) == 1


def test_json_errors_name_record_and_field() -> None:
    bad = dict(ROWS[1], INCLINATION=183.2)
    with pytest.raises(OMMFormatError) as info:
        parse_omm_json(json.dumps([ROWS[0], bad]), source="gp.json")
    text = str(info.value)
    assert text.startswith("gp.json, record 2 (ONEWEB-0012), field INCLINATION: 183.2 is outside")
    assert "How to fix: the inclination is between 0 and 180 degrees" in text
    assert isinstance(info.value, ValueError)

    missing = {k: v for k, v in ROWS[0].items() if k != "BSTAR"}
    with pytest.raises(OMMFormatError, match=r"record 1 \(STARLINK-1008\), field BSTAR: missing"):
        parse_omm_json(json.dumps([missing]), source="gp.json")
    with pytest.raises(OMMFormatError, match="field EPOCH: cannot read '30/05/2026'"):
        parse_omm_json(json.dumps([dict(ROWS[0], EPOCH="30/05/2026")]))
    with pytest.raises(OMMFormatError, match="field MEAN_MOTION: cannot read 'fast'"):
        parse_omm_json(json.dumps([dict(ROWS[0], MEAN_MOTION="fast")]))
    with pytest.raises(OMMFormatError, match=r"line 1, column 3: not valid JSON"):
        parse_omm_json("[{oops", source="gp.json")


def test_csv_errors_name_line() -> None:
    text = to_csv([ROWS[0], dict(ROWS[1], ECCENTRICITY=1.5)])
    with pytest.raises(OMMFormatError) as info:
        parse_omm_csv(text, source="gp.csv")
    assert str(info.value).startswith("gp.csv, record 2 (line 3) (ONEWEB-0012), field ECCENTRICITY")
    header_only = "OBJECT_NAME,NORAD_CAT_ID\nX,5\n"
    with pytest.raises(OMMFormatError, match="the CSV header lacks EPOCH, MEAN_MOTION"):
        parse_omm_csv(header_only, source="gp.csv")


def test_lenient_skips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [ROWS[0], dict(ROWS[1], NORAD_CAT_ID="x"), ROWS[1]]
    path = tmp_path / "gp.csv"
    path.write_text(to_csv(rows))
    records = read_omm(path, lenient=True)
    assert len(records) == 2 and records.format == "omm-csv"
    assert [(s.record, s.line) for s in records.skipped] == [(2, 3)]
    assert "NORAD_CAT_ID" in records.skipped[0].reason
    assert records.line.tolist() == [2, 4]


def test_fields_are_celestrak_names() -> None:
    assert set(OMM_FIELDS) <= set(ROWS[0])
