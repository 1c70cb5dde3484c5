"""Shell / plane / slot inference: exact recovery on synthetic Walker sets, real shells in the
bundled Starlink and OneWeb snapshots."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from leonet.constants import WGS72_MU_KM3_S2, WGS72_RADIUS_KM
from leonet.space.catalogue import bundled_catalogue
from leonet.space.elements import ElementSet
from leonet.space.shells import infer_shells


def walker(
    planes: int,
    per_plane: int,
    altitude_km: float,
    inclination_deg: float,
    phasing: int,
    rng: np.random.Generator,
    *,
    raan_noise_deg: float = 0.3,
) -> tuple[ElementSet, np.ndarray, np.ndarray]:
    """A noisy Walker i: t/p/f shell; returns elements, true plane and true slot per satellite."""
    plane, slot = np.divmod(np.arange(planes * per_plane), per_plane)
    n = plane.size
    raan_deg = plane * 360.0 / planes + rng.normal(0, raan_noise_deg, n)
    u_deg = slot * 360.0 / per_plane + plane * phasing * 360.0 / (planes * per_plane)
    u_deg = u_deg + rng.normal(0, 0.5, n)
    a_km = WGS72_RADIUS_KM + altitude_km + rng.normal(0, 0.5, n)
    n_rad_min = np.sqrt(WGS72_MU_KM3_S2 / a_km**3) * 60.0
    elements = ElementSet(
        epoch_jd=np.full(n, 2_461_190.5),
        epoch_fr=np.zeros(n),
        mean_motion_rad_min=n_rad_min,
        eccentricity=np.full(n, 1e-4),
        inclination_rad=np.radians(inclination_deg + rng.normal(0, 0.02, n)),
        raan_rad=np.radians(np.mod(raan_deg, 360.0)),
        arg_perigee_rad=np.zeros(n),
        mean_anomaly_rad=np.radians(np.mod(u_deg, 360.0)),
        bstar_per_er=np.zeros(n),
        ndot_rad_min2=np.zeros(n),
        nddot_rad_min3=np.zeros(n),
    )
    return elements, plane, slot


def assert_same_partition(found: np.ndarray, truth: np.ndarray) -> None:
    """Every true group maps to one found label and different groups to different labels."""
    pairs = np.unique(np.stack([truth, found]), axis=1)
    assert pairs.shape[1] == np.unique(truth).size == np.unique(found).size
    assert (found >= 0).all()


def test_walker_planes_and_slots_recovered_exactly() -> None:
    rng = np.random.default_rng(7)
    gen1, plane1, slot1 = walker(72, 22, 550.0, 53.0, 17, rng)
    polar, plane2, _ = walker(36, 20, 570.0, 70.0, 11, rng)
    raising, _, _ = walker(1, 15, 400.0, 53.0, 0, rng)  # still climbing: no shell
    elements = ElementSet.concatenate([gen1, polar, raising])
    result = infer_shells(elements)

    assert [s.name for s in result.shells] == ["53.0deg-550km", "70.0deg-570km"]
    first, second = result.shells
    assert (first.planes, first.sats_per_plane, first.satellites) == (72, 22, 1584)
    assert (second.planes, second.sats_per_plane, second.satellites) == (36, 20, 720)
    assert first.phasing == -1 and abs(first.altitude_km - 550.0) < 1.0
    n1, n2 = gen1.epoch_jd.size, polar.epoch_jd.size
    assert (result.shell[:n1] == 0).all() and (result.shell[n1 : n1 + n2] == 1).all()
    assert (result.shell[n1 + n2 :] == -1).all() and result.unassigned == 15
    assert_same_partition(result.plane[:n1], plane1)
    assert_same_partition(result.plane[n1 : n1 + n2], plane2)
    # Planes are numbered in RAAN order, slots follow the argument of latitude.
    assert result.plane[:n1].reshape(72, 22)[:, 0].tolist() == list(range(72))
    slots = result.slot[:n1].reshape(72, 22)
    for p in range(72):
        true_in_slot_order = slot1.reshape(72, 22)[p][np.argsort(slots[p])]
        assert np.array_equal(np.sort(slots[p]), np.arange(22))
        rotation = -int(np.argmin(true_in_slot_order))
        assert np.array_equal(np.roll(true_in_slot_order, rotation), np.arange(22))


def test_raan_is_carried_to_one_epoch_before_clustering() -> None:
    """Epochs a day apart shift RAAN by ~4.5° (J2) — more than the 5° plane spacing allows."""
    rng = np.random.default_rng(3)
    elements, plane, _ = walker(72, 22, 550.0, 53.0, 17, rng, raan_noise_deg=0.1)
    age_days = rng.uniform(0.0, 2.0, plane.size)
    node_rate_deg_day = -4.47  # J2 nodal rate at 550 km, 53°
    # Make each satellite's elements `age_days` older: epoch earlier, RAAN not yet drifted.
    whole = np.ceil(age_days)
    shifted = ElementSet(
        **{
            **{f: getattr(elements, f) for f in elements.__dataclass_fields__},
            "epoch_jd": elements.epoch_jd - whole,
            "epoch_fr": whole - age_days,
            "raan_rad": elements.raan_rad - np.radians(node_rate_deg_day * age_days),
        }
    )
    result = infer_shells(shifted, reference_jd=2_461_190.5)
    assert result.shells[0].planes == 72
    assert_same_partition(result.plane, plane)


def test_launches_into_one_nominal_plane_are_one_plane() -> None:
    """Gen2-like shell (FCC: 53°, 28 planes of 120): each nominal plane filled by four
    launches whose nodes sit 1.5° apart (±2.25° around the plane: comb coherence 0.69, the
    bundled catalogue's Gen2 shell has 0.71), 15 % of the satellites missing.  A 1° gap
    rule alone finds 31 planes (some nominal planes split); the RAAN comb finds the 28."""
    rng = np.random.default_rng(11)
    elements, plane, _ = walker(28, 120, 480.0, 53.16, 1, rng, raan_noise_deg=0.2)
    launch = np.arange(plane.size) % 4  # slots of one plane alternate between four launches
    raan = np.degrees(elements.raan_rad) + 1.5 * (launch - 1.5)
    elements = replace(elements, raan_rad=np.radians(np.mod(raan, 360.0)))
    keep = np.flatnonzero(rng.random(plane.size) > 0.15)
    result = infer_shells(elements.take(keep))
    assert [(s.planes, s.satellites) for s in result.shells] == [(28, keep.size)]
    assert_same_partition(result.plane, plane[keep])


def test_planes_a_few_degrees_apart_stay_apart() -> None:
    """A partly filled shell, three planes 8° apart (the comb sees one cluster, P = 1): the
    cap on a plane's RAAN gap (MAX_PLANE_GAP_DEG) keeps them three planes."""
    rng = np.random.default_rng(5)
    elements, plane, _ = walker(45, 22, 550.0, 53.0, 0, rng, raan_noise_deg=0.1)
    keep = np.flatnonzero(plane < 3)  # planes at 0°, 8° and 16°
    result = infer_shells(elements.take(keep))
    assert result.shells[0].planes == 3
    assert_same_partition(result.plane, plane[keep])


def test_launch_trains_are_not_a_shell() -> None:
    """Three launches of 25 still bunched along 40° of their orbits, climbing through 420 km
    (60 days of Starlink launches: trains, not rings) are no shell; a sparse shell of three
    satellites per plane, evenly spaced (120° apart), is one."""
    rng = np.random.default_rng(9)
    gen1, _, _ = walker(72, 22, 550.0, 53.0, 17, rng)
    sparse, _, _ = walker(8, 3, 600.0, 60.0, 1, rng)
    trains, _, _ = walker(3, 25, 420.0, 53.0, 0, rng)
    bunched = np.radians(np.tile(np.linspace(0.0, 40.0, 25), 3) + rng.uniform(0, 360, 75))
    trains = replace(trains, mean_anomaly_rad=np.mod(bunched, 2 * np.pi))
    result = infer_shells(ElementSet.concatenate([gen1, sparse, trains]))
    assert [s.name for s in result.shells] == ["53.0deg-550km", "60.0deg-600km"]
    assert (result.shell[-75:] == -1).all() and result.unassigned == 75
    assert result.shells[1].planes == 8


def test_bundled_starlink_shells() -> None:
    starlink = bundled_catalogue("starlink")
    by_name = {s.name: s for s in starlink.shells}
    # The 2026-05-30 snapshot: Gen1 53.2°/540 km with its 72 planes, the 70° and 97.6° polar
    # shells, the Gen2 43° shell, and Gen1 shell 1 (53°, 550 km) being lowered to ~480 km.
    s540 = by_name["53.2deg-540km"]
    assert s540.planes == 72 and 1200 < s540.satellites < 1600
    assert "70.0deg-572km" in by_name and 30 <= by_name["70.0deg-572km"].planes <= 36
    assert any(s.inclination_deg > 97 and 540 < s.altitude_km < 560 for s in starlink.shells)
    assert any(abs(s.inclination_deg - 43.0) < 0.1 and s.satellites > 3000 for s in starlink.shells)
    gen2 = [s for s in starlink.shells if abs(s.inclination_deg - 53.16) < 0.05]
    assert [s.planes for s in gen2 if 460 < s.altitude_km < 480] == [28]  # FCC 22-91: 28 planes
    # Orbit-raising trains (53.2° at ~420 and ~440 km, 97.3° at 328-419 km) are no shells.
    assert not any(400 < s.altitude_km < 450 and s.inclination_deg < 60 for s in starlink.shells)
    assigned = starlink.shell >= 0
    assert assigned.mean() > 0.9
    assert ((starlink.plane >= 0) <= assigned).all()
    assert ((starlink.slot >= 0) == (starlink.plane >= 0)).all()


def test_bundled_oneweb_is_one_shell_of_twelve_planes() -> None:
    oneweb = bundled_catalogue("oneweb")
    assert len(oneweb.shells) == 1
    shell = oneweb.shells[0]
    assert shell.planes == 12 and abs(shell.inclination_deg - 87.9) < 0.1
    assert 1150 < shell.altitude_km < 1250 and shell.satellites > 600
