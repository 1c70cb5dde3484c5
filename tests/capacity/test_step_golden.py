"""CapacityModel.step on a real step equals the NumPy implementation it was optimised from.

``data/step_golden.npz`` holds one real step — Ukraine's 48 H3 resolution-3 cells and the
53 bundled named terminals, the bundled Starlink catalogue at 2026-05-30T12:00:00Z (the
satellites the sites see, renumbered), the gateways that see those, the
scheduler's serving satellites, the visible pairs, a jammer at Pokrovsk — and every column
of ``StepCapacity.columns()`` and the feeder links as computed by the pure NumPy radio and
capacity code of commit 7098a53, before the compiled kernels.  The inputs are stored, so
the test depends on nothing but the radio and capacity layers (and ``itur``'s tables).

Regenerate (only for a deliberate change of the model's numbers, never to make a speed-up
pass) with ``python tests/capacity/test_step_golden.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from support.interference_reference import interference_over_noise_db_reference

GOLDEN = Path(__file__).parent / "data" / "step_golden.npz"
START = "2026-05-30T12:00:00Z"
REL = 1e-9
#: Absolute floor for values near zero (dB and Mb/s): rounding of a difference of terms.
ABS = 1e-12


def _jammer() -> Any:
    from leonet.radio import Jammer

    return Jammer("Pokrovsk EW", (48.28, 37.18), 60.0, 11.7, 2000.0)


def _build(g: Any) -> tuple[Any, Any]:
    """The radio and capacity models of the stored scenario."""
    from leonet.capacity import CapacityConfig, CapacityModel, site_demand
    from leonet.ground import Sites
    from leonet.radio import RadioConfig, RadioModel

    sites = Sites(
        g["site_names"], g["site_lat_deg"], g["site_lon_deg"], g["site_alt_km"], g["site_kind"]
    )
    gateways = Sites(
        g["gw_names"],
        g["gw_lat_deg"],
        g["gw_lon_deg"],
        g["gw_alt_km"],
        "gateway",
        g["gw_min_elevation_deg"],
    )
    # The golden predates the intra-system interference (own co-channel beams, SINR
    # ceilings; tested in tests/radio/test_links.py): it is switched off here.
    radio = RadioModel(
        sites, g["sat_ecef_km"].shape[0], gateways=gateways, config=RadioConfig(intra_system=False)
    )
    demand = site_demand(sites, int(g["n_cells"]), g["cell_area_km2"])
    # ... and the 24 beams per satellite of its time (now leonet.defaults.GEN1_USER_BEAMS).
    return radio, CapacityModel(radio, demand, CapacityConfig(beams_per_satellite=24))


def _step(model: Any, g: Any) -> Any:
    return model.step(
        g["sat_ecef_km"],
        g["serving_sat"],
        visible_pairs=(g["pair_site"], g["pair_sat"]),
        gateway_pairs=(g["gw_pair_gateway"], g["gw_pair_sat"], g["gw_pair_el_deg"]),
        jammers=[_jammer()],
        utc_ns=int(g["utc_ns"]),
    )


def _outputs(out: Any) -> dict[str, np.ndarray]:
    # The speed test came after the golden (tests/capacity/test_speedtest.py).
    cols = {
        f"out_{k}": np.asarray(v)
        for k, v in out.columns().items()
        if not k.startswith("speedtest_")
    }
    cols |= {
        f"out_feeder_{k}": np.asarray(getattr(out.feeder, k))
        for k in ("gateway", "elevation_deg", "forward_mbps", "return_mbps")
    }
    cols |= {
        "out_i_over_n_down_db": out.links.down.i_over_n_db,
        "out_modcod_unjammed_down": out.links.down.modcod_unjammed,
        "out_beam_level_down_mbps": out.down.beam_level_mbps,
        "out_gateway_level_down_mbps": out.down.gateway_level_mbps,
    }
    return cols


def _assert_same(name: str, got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape, name
    if want.dtype.kind in "iub":
        np.testing.assert_array_equal(got, want, err_msg=name)
        return
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want), err_msg=f"{name}: NaN")
    inf = np.isinf(want)
    np.testing.assert_array_equal(got[inf], want[inf], err_msg=f"{name}: ±inf")
    fin = np.isfinite(want)
    assert np.isfinite(got[fin]).all(), name
    np.testing.assert_allclose(got[fin], want[fin], rtol=REL, atol=ABS, err_msg=name)


@pytest.fixture(scope="module")
def golden() -> Any:
    return np.load(GOLDEN)


@pytest.fixture(scope="module")
def built(golden: Any) -> tuple[Any, Any]:
    return _build(golden)


def test_step_equals_the_numpy_implementation(golden: Any, built: Any) -> None:
    _, model = built
    got = _outputs(_step(model, golden))
    want = {k: golden[k] for k in golden.files if k.startswith("out_")}
    assert set(got) == set(want)
    for name in sorted(want):
        _assert_same(name, got[name], want[name])
    # The scenario exercises what it should: interference, a jammed terminal, shared beams.
    assert np.isfinite(want["out_i_over_n_down_db"]).sum() > 90
    assert np.isfinite(want["out_j_over_s_down_db"]).any()
    assert (want["out_modcod_down"] != want["out_modcod_unjammed_down"]).any()
    assert (want["out_feeder_gateway"] >= 0).any()
    assert {0, 2, 4} <= set(want["out_binding_down"].tolist())  # demand, beam share, outage


def test_interference_equals_the_reference(golden: Any, built: Any) -> None:
    radio, _ = built
    sats = np.asarray(golden["sat_ecef_km"])
    serving = np.asarray(golden["serving_sat"], dtype=np.int32)
    pairs = (golden["pair_site"], golden["pair_sat"])
    got = radio._interference_over_noise_db(sats, serving, pairs)
    served = np.flatnonzero(serving >= 0)
    want = interference_over_noise_db_reference(radio, sats, serving, pairs, served)
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(want))
    fin = np.isfinite(want)
    # Equal linear powers, to 1e-9 relative.
    np.testing.assert_allclose(10 ** (got[fin] / 10), 10 ** (want[fin] / 10), rtol=REL)
    # Any pair order gives the same sums (the kernel is fastest on runs of one site).
    order = np.random.default_rng(7).permutation(pairs[0].size)
    shuffled = radio._interference_over_noise_db(sats, serving, (pairs[0][order], pairs[1][order]))
    np.testing.assert_allclose(10 ** (shuffled[fin] / 10), 10 ** (want[fin] / 10), rtol=REL)


def test_bad_pair_indices_are_refused(golden: Any, built: Any) -> None:
    radio, _ = built
    sats = np.asarray(golden["sat_ecef_km"])
    serving = np.asarray(golden["serving_sat"], dtype=np.int32)
    n_sat = sats.shape[0]
    for site, sat in (([0], [n_sat]), ([len(radio.sites)], [0]), ([-1], [0])):
        with pytest.raises(IndexError, match="visible_pairs index out of range"):
            radio._interference_over_noise_db(sats, serving, (np.array(site), np.array(sat)))


def _write() -> None:  # pragma: no cover - run by hand, see the module docstring
    from leonet.access import SchedulerConfig, satellite_min_elevation_deg, schedule, visible
    from leonet.ground import Sites, country, load_gateways, load_places, tile_region
    from leonet.space import Propagator, load_constellation
    from leonet.timegrid import TimeGrid

    constellation = load_constellation("starlink")
    cells = tile_region(country("Ukraine"), 3)
    sites = Sites.concatenate([cells, load_places()])
    gateways = load_gateways()
    gateways = gateways.take(np.flatnonzero(gateways.lat_deg > 30))
    mask = satellite_min_elevation_deg(constellation)
    grid = TimeGrid(START, 1.0, 1)
    eph = Propagator(constellation)(grid, velocities=False)
    vis = visible(eph.r_ecef_km, mask, sites.ecef_km, sites.lat_deg, sites.lon_deg)
    gvis = visible(
        eph.r_ecef_km,
        mask,
        gateways.ecef_km,
        gateways.lat_deg,
        gateways.lon_deg,
        gateways.min_elevation_deg,
    )
    serving = schedule(vis, grid.utc_ns, SchedulerConfig()).serving_sat[0]
    sl, gs = vis.step_slice(0), gvis.step_slice(0)
    used = np.unique(vis.sat_idx[sl])  # every serving satellite is among them
    gs = np.arange(gs.start, gs.stop)[np.isin(gvis.sat_idx[gs], used)]  # their gateways
    renumber = np.full(constellation.size, -1, dtype=np.int32)
    renumber[used] = np.arange(used.size, dtype=np.int32)
    gw_used = np.unique(gvis.site_idx[gs])
    gw_renumber = np.full(len(gateways), -1, dtype=np.int32)
    gw_renumber[gw_used] = np.arange(gw_used.size, dtype=np.int32)
    gw = gateways.take(gw_used)
    g: dict[str, Any] = {
        "site_names": sites.names,
        "site_lat_deg": sites.lat_deg,
        "site_lon_deg": sites.lon_deg,
        "site_alt_km": sites.alt_km,
        "site_kind": sites.kind,
        "n_cells": len(cells),
        "cell_area_km2": cells.area_km2,
        "gw_names": gw.names,
        "gw_lat_deg": gw.lat_deg,
        "gw_lon_deg": gw.lon_deg,
        "gw_alt_km": gw.alt_km,
        "gw_min_elevation_deg": gw.min_elevation_deg,
        "sat_ecef_km": np.asarray(eph.r_ecef_km[0][used]),
        "serving_sat": np.where(serving >= 0, renumber[np.maximum(serving, 0)], -1).astype(
            np.int32
        ),
        "pair_site": vis.site_idx[sl],
        "pair_sat": renumber[vis.sat_idx[sl]],
        "gw_pair_gateway": gw_renumber[gvis.site_idx[gs]],
        "gw_pair_sat": renumber[gvis.sat_idx[gs]],
        "gw_pair_el_deg": gvis.el_deg[gs],
        "utc_ns": np.int64(grid.utc_ns[0]),
    }
    _, model = _build(g)
    g |= _outputs(_step(model, g))
    GOLDEN.parent.mkdir(exist_ok=True)
    np.savez_compressed(GOLDEN, **g)
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size:,} bytes)")


if __name__ == "__main__":  # pragma: no cover
    _write()
