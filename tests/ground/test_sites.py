"""Sites: validation wording, CSV/GeoJSON import, selection, ECEF against skyfield."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from leonet.ground import Sites, country


def test_arrays_shapes_and_normalised_longitude() -> None:
    s = Sites(["a", "b", "c"], [0.0, 45.0, -30.0], [0.0, 270.0, -180.0], alt_km=[0.0, 1.0, 0.5])
    assert s.ecef_km.shape == (3, 3) and s.enu.shape == (3, 3, 3)
    assert s.lon_deg.tolist() == [0.0, -90.0, -180.0]
    assert np.isnan(s.min_elevation_deg).all() and (s.kind == "terminal").all()
    with pytest.raises(ValueError):
        s.lat_deg[0] = 1.0  # read-only


def test_ecef_matches_skyfield_wgs84() -> None:
    from skyfield.api import wgs84

    lat, lon, alt_km = np.array([50.45, -33.9, 89.0]), np.array([30.52, 151.2, -120.0]), 0.3
    s = Sites(["x", "y", "z"], lat, lon, alt_km)
    for i in range(3):
        ref = wgs84.latlon(lat[i], lon[i], elevation_m=alt_km * 1000).itrs_xyz.km
        assert np.allclose(s.ecef_km[i], ref, atol=1e-6)  # 1 mm
    up = s.enu[:, 2, :]
    assert np.allclose(np.einsum("ij,ij->i", up, up), 1.0)


@pytest.mark.parametrize(
    ("lat", "lon", "words"),
    [
        (95.0, 0.0, ["site 1 ('Lviv')", "lat_deg=95.0", "[-90, 90]", "swapped"]),
        (-90.5, 0.0, ["site 1 ('Lviv')", "lat_deg=-90.5", "[-90, 90]"]),
        (10.0, 360.0, ["site 1 ('Lviv')", "lon_deg=360.0", "[-180, 360)"]),
        (10.0, -181.0, ["site 1 ('Lviv')", "lon_deg=-181.0"]),
        (float("nan"), 0.0, ["site 1 ('Lviv')", "lat_deg", "not a finite number"]),
    ],
)
def test_out_of_range_error_names_site_and_field(lat: float, lon: float, words: list[str]) -> None:
    with pytest.raises(ValueError) as err:
        Sites(["Kyiv", "Lviv"], [50.45, lat], [30.52, lon])
    for w in words:
        assert w in str(err.value)


def test_shape_mismatch_is_explained() -> None:
    with pytest.raises(ValueError, match=r"lat_deg has shape \(3,\) but there are 2 site names"):
        Sites(["a", "b"], [1.0, 2.0, 3.0], [0.0, 0.0])


def test_take_of_kind_within_concatenate() -> None:
    a = Sites(["Kyiv", "Moscow"], [50.45, 55.75], [30.52, 37.62], kind="terminal")
    b = Sites(["gw"], [49.0], [32.0], kind="gateway", min_elevation_deg=25.0)
    both = Sites.concatenate([a, b])
    assert len(both) == 3 and both.kind.tolist() == ["terminal", "terminal", "gateway"]
    assert both.of_kind("gateway").names.tolist() == ["gw"]
    assert both.within(country("Ukraine")).names.tolist() == ["Kyiv", "gw"]
    assert both.within(lat_deg=(50, 60), lon_deg=(35, 40)).names.tolist() == ["Moscow"]
    assert np.array_equal(both.take([2]).ecef_km, b.ecef_km)
    assert both.index_of("Moscow") == 1
    with pytest.raises(KeyError, match="did you mean 'Moscow'"):
        both.index_of("Moscw")


def test_within_box_across_antimeridian() -> None:
    s = Sites(["w", "e", "mid"], [0.0, 0.0, 0.0], [179.0, -179.0, 0.0])
    assert s.within(lon_deg=(170.0, -170.0)).names.tolist() == ["w", "e"]


def test_from_csv_with_aliases_comments_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "sites.csv"
    path.write_text(
        "# my sites\nName,Lat,Lon,alt_km,kind\n"
        '"Kyiv, UA",50.45,30.52,0.18,terminal\n\nLviv,49.84,24.03,,gateway\n'
    )
    s = Sites.from_csv(path)
    assert s.names.tolist() == ["Kyiv, UA", "Lviv"]
    assert s.alt_km.tolist() == [0.18, 0.0]
    assert s.kind.tolist() == ["terminal", "gateway"]


def test_from_csv_errors_name_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,lat_deg,lon_deg\nKyiv,50.45,30.52\nLviv,abc,24.03\n")
    with pytest.raises(ValueError, match=r"bad\.csv, line 3, column 'lat_deg': cannot read 'abc'"):
        Sites.from_csv(path)
    path.write_text("name,lat_deg,lon_deg\nKyiv,50.45,30.52\n\nLviv,149.84,24.03\n")
    with pytest.raises(ValueError, match=r"bad\.csv, line 4 \(site 'Lviv'\): lat_deg=149\.84"):
        Sites.from_csv(path)
    path.write_text("name,y,x\nKyiv,50.45,30.52\n")
    with pytest.raises(ValueError, match=r"line 1: no latitude column; name one of lat_deg"):
        Sites.from_csv(path)


def test_from_geojson_points_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "s.geojson"
    feats = [
        {
            "type": "Feature",
            "properties": {"name": "Kyiv"},
            "geometry": {"type": "Point", "coordinates": [30.52, 50.45, 180.0]},
        },
        {
            "type": "Feature",
            "properties": {"name": "gw", "kind": "gateway"},
            "geometry": {"type": "Point", "coordinates": [24.03, 49.84]},
        },
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    s = Sites.from_geojson(path)
    assert s.names.tolist() == ["Kyiv", "gw"] and s.lat_deg.tolist() == [50.45, 49.84]
    assert s.alt_km[0] == pytest.approx(0.18) and s.kind[1] == "gateway"

    feats[1]["geometry"]["coordinates"] = [24.03, 249.84]  # type: ignore[index]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    with pytest.raises(ValueError, match=r"s\.geojson, feature 1 \('gw'\): lat_deg=249\.84"):
        Sites.from_geojson(path)
    del feats[1]["properties"]["name"]  # type: ignore[attr-defined]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    with pytest.raises(ValueError, match=r"feature 1: no name"):
        Sites.from_geojson(path)


@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 359.999_999, exclude_max=False),
)
def test_longitude_normalisation_keeps_the_point(lat: float, lon: float) -> None:
    s = Sites(["p"], lat, lon)
    assert -180.0 <= s.lon_deg[0] < 180.0
    ref = Sites(["p"], lat, lon - 360.0 if lon >= 180.0 else lon)
    assert np.allclose(s.ecef_km, ref.ecef_km, atol=1e-9)
