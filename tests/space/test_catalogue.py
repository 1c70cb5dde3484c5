"""load_catalogue: format detection, de-duplication, staleness, bundled data, reports."""

from __future__ import annotations

import json

import numpy as np
import pytest

from leonet.space.catalogue import (
    bundled_catalogue,
    detect_format,
    load_catalogue,
    read_catalogue,
)
from leonet.space.records import CatalogueFormatError
from leonet.space.tle import tle_checksum

L1 = "1 44714U 19074B   26150.30936191  .00080211  00000+0  15180-2 0  9995"
L2 = "2 44714  53.1513 154.1788 0003034  54.2939 305.8351 15.47704531361446"
L1B = "1 44718U 19074F   26150.56707789  .00071276  00000+0  13388-2 0  9995"
L2B = "2 44718  53.1556 153.2474 0002806  51.7789 308.3472 15.47973918361472"


def epoch_line(line1: str, day: str) -> str:
    """Line 1 with another epoch day (DDD.DDDDDDDD), checksum fixed."""
    line = line1[:20] + day + line1[32:]
    return line[:68] + str(tle_checksum(line))


def test_dedupe_keeps_newest_epoch() -> None:
    older = epoch_line(L1, "149.10000000")
    newer = epoch_line(L1, "150.90000000")
    text = f"A\n{older}\n{L2}\nB\n{L1B}\n{L2B}\nA-NEW\n{newer}\n{L2}\nA-MID\n{L1}\n{L2}\n"
    load = read_catalogue(text)
    c = load.constellation
    assert c.sat_names.tolist() == ["B", "A-NEW"]  # file order of the kept records
    assert load.report.duplicates_dropped == 2 and load.report.parsed == 4
    assert load.report.satellites == 2 == len(c)
    assert c.elements.epoch_fr[1] == pytest.approx(0.9)


def test_stale_flag_relative_to_newest_epoch_and_given_time() -> None:
    old = epoch_line(L1B, "140.50000000")  # 10.4 days before 150.9
    newest = epoch_line(L1, "150.90000000")
    text = f"{newest}\n{L2}\n{old}\n{L2B}\n"
    load = read_catalogue(text)
    assert load.constellation.stale.tolist() == [False, True]
    assert load.report.stale == 1
    assert load.report.reference_jd == pytest.approx(2_461_190.5 + 0.4)  # 2026-05-30 21:36
    later = load_catalogue(text, reference_time="2026-06-12T00:00:00Z")
    assert later.stale.tolist() == [True, True]
    assert load_catalogue(text, stale_after_days=30).stale.tolist() == [False, False]
    with pytest.raises(ValueError, match="has no time zone"):
        load_catalogue(text, reference_time="2026-06-12T00:00:00")


def test_lenient_report_and_strict_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sats.tle"
    path.write_text(f"BAD\n{L1[:68]}0\n{L2}\nGOOD\n{L1B}\n{L2B}\n")
    with pytest.raises(CatalogueFormatError, match=r"sats.tle, line 2, column 69 \(checksum\)"):
        load_catalogue(path)
    load = read_catalogue(path, lenient=True)
    assert load.report.parsed == 1 and len(load.report.skipped) == 1
    assert load.report.skipped[0].line == 2
    assert load.constellation.name == "sats" and load.constellation.source == str(path)
    assert "1 parsed, 1 skipped, 0 duplicates dropped" in str(load.report)


def test_formats_detected() -> None:
    assert detect_format(f"{L1}\n{L2}\n") == "tle"
    assert detect_format('[{"OBJECT_NAME": "X"}]') == "omm-json"
    assert detect_format("OBJECT_NAME,OBJECT_ID,EPOCH,NORAD_CAT_ID\n") == "omm-csv"
    row = {
        "OBJECT_NAME": "STARLINK-1008",
        "NORAD_CAT_ID": 44714,
        "EPOCH": "2026-05-30T07:25:28.869024",
        "MEAN_MOTION": 15.47704531,
        "ECCENTRICITY": 0.0003034,
        "INCLINATION": 53.1513,
        "RA_OF_ASC_NODE": 154.1788,
        "ARG_OF_PERICENTER": 54.2939,
        "MEAN_ANOMALY": 305.8351,
        "BSTAR": 0.0015180,
        "MEAN_MOTION_DOT": 0.00080211,
        "MEAN_MOTION_DDOT": 0,
    }
    c = load_catalogue(json.dumps([row]) + "\n")
    assert c.norad_id.tolist() == [44714] and not c.analytic
    with pytest.raises(ValueError, match="unknown catalogue format 'xml'; choose one of auto"):
        load_catalogue(f"{L1}\n{L2}\n", format="xml")  # type: ignore[arg-type]


def test_missing_file_and_empty_catalogue(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError, match="bundled_catalogue"):
        load_catalogue(tmp_path / "nope.tle")
    with pytest.raises(ValueError, match="no satellites could be read"):
        load_catalogue("just a name\n\n")


def test_bundled_starlink_loads_from_package_data() -> None:
    c = bundled_catalogue("starlink")
    assert len(c) == 10_395 and c.name == "starlink"
    assert c.source.endswith("starlink_tle_2026-05-30.txt")
    assert np.unique(c.norad_id).size == len(c) and not c.stale.any()
    assert bundled_catalogue("oneweb_tle_2026-05-30.txt").size == 651
    with pytest.raises(ValueError, match="no bundled catalogue 'iridium'; choose one of oneweb"):
        bundled_catalogue("iridium")
