"""CapacityModel end to end on a few sites: throughput within every capacity."""

import numpy as np

from leonet.capacity import Binding, CapacityConfig, CapacityModel, site_demand
from leonet.ground import Sites


def test_step_on_two_cells_and_a_named_terminal():
    from leonet.radio import RadioModel

    cells = ["851e6187fffffff", "851e618ffffffff"]  # neighbouring resolution-5 cells
    import h3

    lat = [h3.cell_to_latlng(c)[0] for c in cells]
    lon = [h3.cell_to_latlng(c)[1] for c in cells]
    sites = Sites(
        [*cells, "home"], [*lat, lat[0] + 0.01], [*lon, lon[0]], 0.0, ["cell", "cell", "terminal"]
    )
    demand = site_demand(sites, 2, terminals_per_km2=0.5, offered_down_mbps=50.0)
    assert demand.cell_key.tolist() == [0, 1, 0]  # "home" lies in the first cell
    radio = RadioModel(sites, 1)
    sat = sites.ecef_km[:1] + 550.0 * sites.enu[0, 2]
    model = CapacityModel(radio, demand, CapacityConfig(beams_per_satellite=1))
    out = model.step(sat, np.array([0, 0, 0], dtype=np.int32))
    x = out.down.per_terminal_mbps
    # One beam hops over both cells: its time is shared by ~250 terminals.
    assert out.beams.beam.tolist() == [0, 0, 0]
    used = np.sum(demand.terminals * x / out.links.down.capacity_mbps)
    assert used <= 1 + 1e-9 and used > 0.99
    assert np.all(x <= out.links.down.capacity_mbps)
    assert set(out.down.binding.tolist()) == {Binding.BEAM_SHARE}
    cols = out.columns()
    assert {
        "snr_down_db",
        "sinr_up_db",
        "modcod_down",
        "link_capacity_up_mbps",
        "throughput_down_mbps",
        "binding_up",
    } <= set(cols)


def test_population_weight_moves_terminals_not_their_total():
    import h3
    import pytest

    cells = [h3.latlng_to_cell(50.45, 30.52, 5), h3.latlng_to_cell(49.0, 33.0, 5)]
    sites = Sites([*cells, "Kyiv"], [50.45, 49.0, 50.45], [30.52, 33.0, 30.52])
    area = np.array([250.0, 250.0])
    uniform = site_demand(sites, 2, area, terminals_per_km2=0.1)
    weighted = site_demand(sites, 2, area, terminals_per_km2=0.1, cell_weight=[3e6, 1e4])
    assert weighted.terminals[:2].sum() == pytest.approx(uniform.terminals[:2].sum())
    assert weighted.terminals[0] == pytest.approx(50.0 * 3e6 / (3e6 + 1e4))
    assert weighted.terminals[2] == uniform.terminals[2] == 1.0
    with pytest.raises(ValueError, match="cell_weight"):
        site_demand(sites, 2, area, cell_weight=[1.0])
