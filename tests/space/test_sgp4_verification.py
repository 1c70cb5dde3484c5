"""leonet's TLE parser + SatrecArray against the official SGP4 verification vectors.

Authority: ``SGP4-VER.TLE`` and ``tcppver.out`` shipped inside the sgp4 package
(Vallado et al. 2006, AIAA 2006-6753, "Revisiting Spacetrack Report #3").
Each satellite's TLE line 2 carries (start, stop, step) minutes after column 69;
``tcppver.out`` lists TEME position (km) and velocity (km/s) at those times,
printed to 1e-8 km.  Tolerance as in sgp4's own tests: 2e-7 km = 0.2 mm in each
position component and 2e-7 km/s = 0.2 mm/s in each velocity component.
Satellites that fail must fail with the published error codes and NaN rows.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import sgp4

from leonet.space.constellation import Constellation
from leonet.space.propagate import sgp4_satrec_array, sgp4_teme
from leonet.space.tle import read_tle

SGP4_DIR = Path(os.path.dirname(sgp4.__file__))
POSITION_TOLERANCE_KM = 2e-7  # 0.2 mm
VELOCITY_TOLERANCE_KM_S = 2e-7  # 0.2 mm/s
# First error of each failing satellite, in file order (as sgp4/tests.py expects).
EXPECTED_ERRORS = [1, 1, 6, 6, 4, 3, 6]


def _reference() -> list[list[list[float]]]:
    """tcppver.out rows per satellite in file order: [tsince, x, y, z, vx, vy, vz]."""
    blocks: list[list[list[float]]] = []
    for line in (SGP4_DIR / "tcppver.out").read_text().splitlines():
        if line.strip().endswith("xx"):
            blocks.append([])
        elif line.strip():
            blocks[-1].append([float(v) for v in line.split()[:7]])
    return blocks


def _time_grid(line2_extra: str) -> list[float]:
    """Minutes since epoch as the verification driver steps them: epoch first, then the grid."""
    start, stop, step = (float(v) for v in line2_extra.split())
    times = [0.0]
    t = start
    while t <= stop:
        if not t == start == 0.0:
            times.append(t)
        t += step
    if t - stop < step - 1e-6:  # the driver never misses the last time
        times.append(stop)
    return times


@pytest.fixture(scope="module")
def verification():  # type: ignore[no-untyped-def]
    path = SGP4_DIR / "SGP4-VER.TLE"
    records = read_tle(path, checksum=False, allow_extra_columns=True)
    extras = {}
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith("2 "):
            extras[lineno - 1] = line[69:]  # keyed by the line number of line 1
    n = len(records)
    minus = -np.ones(n, dtype=np.int32)
    constellation = Constellation(
        "sgp4-ver", records.names, records.norad_id, records.elements, minus, minus, minus
    )
    return records, constellation, [extras[int(k)] for k in records.line]


def test_all_verification_satellites_parse(verification) -> None:  # type: ignore[no-untyped-def]
    records, _, _ = verification
    assert len(records) == 33 and records.skipped == ()
    assert records.norad_id[[0, -1]].tolist() == [5, 20413]


def test_against_tcppver(verification) -> None:  # type: ignore[no-untyped-def]
    records, constellation, extras = verification
    reference = _reference()
    assert len(reference) == len(records)
    errors_seen: list[int] = []
    compared = 0
    for k in range(len(records)):
        satrec = sgp4_satrec_array(constellation.take(np.array([k])))
        tsince = np.array(_time_grid(extras[k]))
        whole, frac = np.divmod(tsince / 1440.0, 1.0)
        jd = records.elements.epoch_jd[k] + whole
        fr = records.elements.epoch_fr[k] + frac
        err, r, v = sgp4_teme(satrec, jd, fr)
        err, r, v = err[0], r[0], v[0]
        rows = np.array(reference[k])
        failed = np.flatnonzero(err)
        n_ok = failed[0] if failed.size else tsince.size
        if failed.size:
            errors_seen.append(int(err[failed[0]]))
            assert np.isnan(r[failed[0]]).all() and np.isnan(v[failed[0]]).all()
            if n_ok == 0:
                # tcppver.out repeats the previous satellite's line for a failure at epoch.
                assert rows.shape[0] == 1
                continue
        assert rows.shape[0] == n_ok, f"NORAD {records.norad_id[k]}: row count"
        np.testing.assert_allclose(tsince[:n_ok], rows[:, 0], atol=1e-6)
        np.testing.assert_allclose(r[:n_ok], rows[:, 1:4], rtol=0, atol=POSITION_TOLERANCE_KM)
        np.testing.assert_allclose(v[:n_ok], rows[:, 4:7], rtol=0, atol=VELOCITY_TOLERANCE_KM_S)
        compared += n_ok
    assert errors_seen == EXPECTED_ERRORS
    assert compared > 600  # of the 667 data rows, all but the failure placeholders
