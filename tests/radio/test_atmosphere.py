"""Atmospheric attenuation: the per-site tables against itur called directly, and itur
against the ITU-R validation examples its own test-suite carries (ITU-R SG3 data)."""

import numpy as np
import pytest

from leonet.radio import AtmosphereTable, slant_path_attenuation_db

# Kyiv and Lviv: two sites keep the itur calls few.
LAT = np.array([50.45, 49.84])
LON = np.array([30.52, 24.03])
HUNDREDTH_DB = 0.01


@pytest.fixture(scope="module")
def table():
    return AtmosphereTable(LAT, LON, 11.7, 1.0)


def test_table_equals_itur_on_its_grid(table):
    import itur

    lat, lon, el = np.broadcast_arrays(
        LAT[:, None], LON[:, None], table.elevation_grid_deg[None, :]
    )
    direct = itur.atmospheric_attenuation_slant_path(
        lat.ravel(), lon.ravel(), 11.7, el.ravel(), 1.0, 0.6, eta=0.6
    ).value.reshape(lat.shape)
    np.testing.assert_allclose(table.loss_db, direct, atol=1e-9)
    np.testing.assert_allclose(
        table([0, 1], [table.elevation_grid_deg[3]] * 2), direct[:, 3], atol=1e-9
    )


def test_interpolation_between_grid_points_is_close_to_itur(table):
    el = np.array([27.3, 41.9, 63.0, 88.0])
    direct = slant_path_attenuation_db(LAT[0], LON[0], 11.7, el, 1.0)
    got = table(np.zeros(el.size, dtype=int), el)
    np.testing.assert_allclose(got, direct, atol=0.02)  # 0.02 dB


def test_below_the_grid_uses_its_first_row_and_nan_is_safe(table):
    assert float(table([0], [3.0])[0]) == pytest.approx(table.loss_db[0, 0])
    assert np.isfinite(table([0], [np.nan])).all()


def test_tables_are_kept_on_disk_and_read_back_exactly(monkeypatch, tmp_path):
    from leonet.radio import atmosphere

    monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(atmosphere, "_CACHE", {})
    monkeypatch.setattr(atmosphere, "_READ", set())
    first = AtmosphereTable(LAT, LON, 19.7, 0.5).loss_db
    files = list((tmp_path / "atmosphere").glob("*.npz"))
    assert len(files) == 1

    def no_itur(*_args, **_kwargs):
        raise AssertionError("itur called although the table is on disk")

    # A new process (empty memory cache) reads the rows back instead of calling itur.
    monkeypatch.setattr(atmosphere, "_CACHE", {})
    monkeypatch.setattr(atmosphere, "_READ", set())
    monkeypatch.setattr(atmosphere, "_table_rows", no_itur)
    np.testing.assert_array_equal(
        AtmosphereTable(LAT[::-1], LON[::-1], 19.7, 0.5).loss_db, first[::-1]
    )
    # Another frequency is another file, and a damaged file is recomputed, not trusted.
    monkeypatch.undo()
    monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(atmosphere, "_CACHE", {})
    monkeypatch.setattr(atmosphere, "_READ", set())
    files[0].write_bytes(b"not an npz file")
    np.testing.assert_array_equal(AtmosphereTable(LAT, LON, 19.7, 0.5).loss_db, first)
    AtmosphereTable(LAT, LON, 29.5, 0.5)
    assert len(list((tmp_path / "atmosphere").glob("*.npz"))) == 2


def test_exceedance_outside_p618_range_is_refused():
    with pytest.raises(ValueError, match=r"0\.001–50"):
        slant_path_attenuation_db(50.0, 30.0, 12.0, 30.0, 60.0)


@pytest.fixture
def validation_versions():
    """The recommendation versions of itur's ITU-R P.618-13 validation case; restored after."""
    import itur.models as m

    mods = [
        m.itu453,
        m.itu618,
        m.itu676,
        m.itu836,
        m.itu837,
        m.itu838,
        m.itu839,
        m.itu840,
        m.itu1510,
        m.itu1511,
    ]
    saved = [mod.get_version() for mod in mods]
    for mod, v in zip(mods, [13, 13, 11, 6, 7, 3, 4, 7, 1, 1], strict=True):
        mod.change_version(v)
    yield
    for mod, v in zip(mods, saved, strict=True):
        mod.change_version(v)


@pytest.mark.usefixtures("validation_versions")  # pins itur's recommendation versions
def test_itur_reproduces_itu_r_validation_example():
    # ITU-R SG3 validation data (as in itur's ITU_validation_test.py, ITUR618_13
    # test_total_attenuation): London 51.5 N, 0.14 W, 14.25 GHz, el 31.07694309°,
    # p = 1 %, D = 1 m, η = 0.65, τ = 0 → gas 0.2237, cloud 0.4552, rain 0.4891,
    # scintillation 0.2619, total 1.2037 dB.
    import itur
    import itur.models as m

    r001 = m.itu837.rainfall_rate(51.5, -0.14, 0.01000000001)
    parts = itur.atmospheric_attenuation_slant_path(
        51.5,
        -0.14,
        14.25,
        31.07694309,
        1.0,
        1.0,
        eta=0.65,
        tau=0,
        R001=r001,
        return_contributions=True,
    )
    expected = [0.223693782, 0.45517046, 0.48914539, 0.26193234, 1.203663661]
    np.testing.assert_allclose([p.value for p in parts], expected, atol=1e-5)
    # leonet's wrapper: gas and cloud do not depend on the antenna or polarisation.
    gas, cloud, *_ = slant_path_attenuation_db(
        51.5, -0.14, 14.25, 31.07694309, 1.0, contributions=True
    )
    assert float(gas) == pytest.approx(expected[0], abs=1e-5)
    assert float(cloud) == pytest.approx(expected[1], abs=1e-5)


def test_only_the_rows_asked_for_leave_the_disk_file_and_a_write_keeps_the_others(
    monkeypatch, tmp_path
):
    from leonet.radio import atmosphere

    def fresh_process():
        monkeypatch.setattr(atmosphere, "_CACHE", {})
        monkeypatch.setattr(atmosphere, "_READ", set())
        monkeypatch.setattr(atmosphere, "_DISK", {})

    monkeypatch.setenv("LEONET_CACHE_DIR", str(tmp_path))
    fresh_process()
    whole = AtmosphereTable(LAT, LON, 19.7, 0.5).loss_db
    fresh_process()
    half = AtmosphereTable(LAT[:1], LON[:1], 19.7, 0.5).loss_db
    np.testing.assert_array_equal(half, whole[:1])
    assert len(atmosphere._CACHE) == 1  # the file's other rows stay on disk
    # A new site is computed and written with every row the file held.
    AtmosphereTable([10.0], [20.0], 19.7, 0.5)
    fresh_process()
    monkeypatch.setattr(atmosphere, "_table_rows", _no_itur)
    again = AtmosphereTable([*LAT, 10.0], [*LON, 20.0], 19.7, 0.5).loss_db
    np.testing.assert_array_equal(again[:-1], whole)


def _no_itur(*_args, **_kwargs):
    raise AssertionError("itur called although the rows are on disk")
