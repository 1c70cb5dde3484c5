"""The service-control plane: areas, authorisation, speed limit, timed events, precedence."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leonet.policy as lp
from leonet.ground import country, find_place, named_region
from leonet.outcomes import Outcome
from leonet.policy import (
    CircleArea,
    PolicyEvent,
    ServiceArea,
    ServicePolicy,
    polygon_area,
)
from leonet.scenario import load_scenario, service_policy

S = 10**9
T0 = 1_780_142_400 * S  # 2026-05-30T12:00:00Z
MINUTE = 60 * S


def where(*places: str) -> tuple[np.ndarray, np.ndarray]:
    pts = [find_place(p) for p in places]
    return np.array([p[1] for p in pts]), np.array([p[2] for p in pts])


@pytest.fixture(scope="module")
def ukraine_only() -> ServicePolicy:
    return ServicePolicy(
        [
            ServiceArea(country("Ukraine")),
            ServiceArea(named_region("crimea"), enabled=False),
            ServiceArea(country("Russia"), enabled=False),
        ]
    )


def test_public_names_sorted() -> None:
    assert lp.__all__ == sorted(lp.__all__, key=lambda n: (not n.isupper(), n))


def test_crimea_and_russia_not_served(ukraine_only: ServicePolicy) -> None:
    lat, lon = where("Kyiv", "Simferopol", "Sevastopol", "Lviv", "Pokrovsk")
    lat = np.append(lat, 55.7558)  # Moscow
    lon = np.append(lon, 37.6173)
    ok, why = ukraine_only.allowed(np.array([T0, T0 + S]), lat, lon)
    assert ok.shape == why.shape == (2, 6) and why.dtype == np.uint8
    assert ok[0].tolist() == [True, False, False, True, True, False]
    assert why[0, 1] == Outcome.OUTSIDE_SERVICE_AREA
    assert why[0, 5] == Outcome.OUTSIDE_SERVICE_AREA
    assert (ok[0] == ok[1]).all()


def test_no_enabled_area_means_everywhere_but_disabled() -> None:
    policy = ServicePolicy([ServiceArea(country("Russia"), enabled=False)])
    ok, _ = policy.allowed(np.array([T0]), [50.45, 55.75, 40.7], [30.52, 37.62, -74.0])
    assert ok[0].tolist() == [True, False, True]
    ok, _ = ServicePolicy().allowed(np.array([T0]), [0.0], [0.0])
    assert ok.all()


def test_cut_off_and_restore() -> None:
    donbas = CircleArea("Kramatorsk 40 km", 48.7389, 37.5848, 40.0)
    cut = PolicyEvent("cut-off", T0 + 20 * MINUTE, T0 + 35 * MINUTE, donbas)
    policy = ServicePolicy([ServiceArea(country("Ukraine"))], events=[cut])
    t = T0 + np.arange(0, 3600, 1, dtype=np.int64) * S
    lat, lon = where("Kramatorsk", "Sloviansk", "Kyiv")
    ok, why = policy.allowed(t, lat, lon)
    during = (t >= T0 + 20 * MINUTE) & (t < T0 + 35 * MINUTE)
    # inside the area: zero allowed time during the cut-off, allowed before and after
    assert not ok[during, :2].any()
    assert (why[during, :2] == Outcome.AREA_CUT_OFF).all()
    assert ok[~during, :2].all()
    # start inclusive, end exclusive
    i0 = int(np.flatnonzero(t == T0 + 20 * MINUTE)[0])
    i1 = int(np.flatnonzero(t == T0 + 35 * MINUTE)[0])
    assert ok[i0 - 1, 0] and not ok[i0, 0] and not ok[i1 - 1, 0] and ok[i1, 0]
    # outside the area: always allowed
    assert ok[:, 2].all()
    tl = policy.timeline()
    assert [(e.action, e.utc_ns) for e in tl] == [("start", cut.start_ns), ("end", cut.end_ns)]


def test_polygon_cut_off_from_the_preset() -> None:
    s = load_scenario("ukraine")
    policy = service_policy(s)
    lat, lon = where("Kramatorsk", "Pokrovsk", "Donetsk", "Dnipro", "Kharkiv")
    t = np.array([T0 + 19 * MINUTE, T0 + 20 * MINUTE, T0 + 34 * MINUTE, T0 + 35 * MINUTE])
    ok, why = policy.allowed(
        t, lat, lon, names=["Kramatorsk", "Pokrovsk", "Donetsk", "Dnipro", "Kharkiv"]
    )
    assert ok[[0, 3]].all()
    assert (why[[1, 2], :3] == Outcome.AREA_CUT_OFF).all()
    assert ok[:, 3:].all()


def test_whitelist_only_switch_at_a_time() -> None:
    switch = PolicyEvent("whitelist-only", T0 + 5 * MINUTE)
    policy = ServicePolicy(allow=["registered-*", "Kyiv"], events=[switch])
    names = ["registered-1", "Kyiv", "unknown", "Kyiv-2"]
    t = T0 + np.array([0, 299, 300, 3599]) * S
    ok, why = policy.allowed(t, np.zeros(4), np.zeros(4), names=names)
    assert ok[:2].all()
    assert ok[2:].tolist() == [[True, True, False, False]] * 2
    assert (why[2:, 2:] == Outcome.NOT_AUTHORISED).all()
    assert policy.timeline()[0].action == "start" and len(policy.timeline()) == 1


def test_deny_list_wins_and_needs_names() -> None:
    policy = ServicePolicy(
        [ServiceArea(country("Ukraine"))], allow=["spy"], deny=["spy"], whitelist_only=True
    )
    lat, lon = where("Kyiv", "Lviv")
    _ok, why = policy.allowed(np.array([T0]), lat, lon, names=["spy", "Lviv"])
    assert why[0].tolist() == [Outcome.DENY_LISTED, Outcome.NOT_AUTHORISED]
    with pytest.raises(ValueError, match="pass names="):
        policy.allowed(np.array([T0]), lat, lon)


def test_speed_limit_and_timed_change() -> None:
    lift = PolicyEvent("speed-limit", T0 + 10 * S, T0 + 20 * S, max_speed_kmh=None)
    tight = PolicyEvent("speed-limit", T0 + 20 * S, None, max_speed_kmh=30.0)
    policy = ServicePolicy(max_speed_kmh=90.0, events=[lift, tight])
    t = T0 + np.array([0, 10, 20, 30]) * S
    speed = np.array([[0.0, 89.9, 90.0, 90.1, 200.0]] * 4)
    ok, why = policy.allowed(t, np.zeros(5), np.zeros(5), speed)
    assert ok[0].tolist() == [True, True, True, False, False]
    assert ok[1].all()
    assert ok[2].tolist() == ok[3].tolist() == [True, False, False, False, False]
    assert (why[~ok] == Outcome.OVER_SPEED_LIMIT).all()
    assert policy.speed_limit_kmh(t).tolist() == [90.0, np.inf, 30.0, 30.0]


def test_precedence_of_reasons() -> None:
    kyiv = CircleArea("Kyiv", 50.45, 30.52, 50.0)
    policy = ServicePolicy(
        [ServiceArea(country("Ukraine"))],
        allow=["ok-*"],
        deny=["bad"],
        whitelist_only=True,
        max_speed_kmh=90.0,
        events=[PolicyEvent("cut-off", T0, None, kyiv)],
    )
    lat = np.array([50.45, 50.45, 55.75, 50.45, 49.84, 49.84])
    lon = np.array([30.52, 30.52, 37.62, 30.52, 24.03, 24.03])
    names = ["bad", "stranger", "ok-moscow", "ok-kyiv", "ok-fast", "ok-lviv"]
    speed = np.array([200.0, 200.0, 200.0, 200.0, 200.0, 10.0])
    _, why = policy.allowed(np.array([T0]), lat, lon, speed, names)
    assert [Outcome(r).name for r in why[0]] == [
        "DENY_LISTED",
        "NOT_AUTHORISED",
        "OUTSIDE_SERVICE_AREA",
        "AREA_CUT_OFF",
        "OVER_SPEED_LIMIT",
        "SERVED",
    ]


def test_moving_terminals_time_by_terminal() -> None:
    policy = ServicePolicy([ServiceArea(country("Ukraine"))])
    t = T0 + np.arange(3) * S
    # a terminal driving from Kharkiv into Russia, and one parked in Kyiv
    lat = np.array([[49.99, 50.45], [50.30, 50.45], [50.60, 50.45]])
    lon = np.array([[36.23, 30.52], [37.50, 30.52], [38.50, 30.52]])
    ok, why = policy.allowed(t, lat, lon)
    assert ok[:, 1].all()
    assert ok[0, 0] and not ok[2, 0]
    assert why[2, 0] == Outcome.OUTSIDE_SERVICE_AREA


def test_circle_and_polygon_areas() -> None:
    c = CircleArea("c", 0.0, 0.0, 111.2)
    assert c.contains([0.0, 0.0, 0.0], [0.0, 0.99, 1.01]).tolist() == [True, True, False]
    sq = polygon_area("sq", [0, 0, 1, 1], [0, 1, 1, 0])
    assert sq.contains([0.5, 1.5], [0.5, 0.5]).tolist() == [True, False]
    with pytest.raises(ValueError, match="radius_km"):
        CircleArea("bad", 0.0, 0.0, -1.0)
    with pytest.raises(ValueError, match="not a valid area"):
        polygon_area("bowtie", [0, 1, 0, 1], [0, 1, 1, 0])


def test_event_validation() -> None:
    with pytest.raises(ValueError, match="needs an area"):
        PolicyEvent("cut-off", T0)
    with pytest.raises(ValueError, match="end must be after start"):
        PolicyEvent("whitelist-only", T0, T0)
    ev = PolicyEvent("whitelist-only", "2026-05-30T12:00:00Z", "2026-05-30T12:01:00Z")
    assert ev.start_ns == T0 and ev.end_ns == T0 + MINUTE


def test_shapes_are_checked() -> None:
    policy = ServicePolicy()
    with pytest.raises(ValueError, match="must share a shape"):
        policy.allowed(np.array([T0]), np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="rows"):
        policy.allowed(np.array([T0]), np.zeros((2, 3)), np.zeros((2, 3)))


def test_ukraine_preset_policy_on_all_terminals() -> None:
    from leonet.ground import track_positions
    from leonet.scenario import build_tracks, terminal_sites

    s = load_scenario("ukraine")
    policy = service_policy(s)
    sites = terminal_sites(s)
    t = s.grid().utc_ns
    ok, _why = policy.allowed(t, sites.lat_deg, sites.lon_deg, names=sites.names)
    names = [str(n) for n in sites.names]
    col = {n: i for i, n in enumerate(names)}
    assert ok[:, col["Kyiv"]].all()
    assert not ok[:, col["Simferopol"]].any() and not ok[:, col["Sevastopol"]].any()
    # the unregistered terminal is served only before the whitelist switch at +5 min
    unreg = ok[:, col["unregistered-avdiivka"]]
    assert unreg[:300].all() and not unreg[300:].any()
    (track,) = build_tracks(s)
    lat, lon, _, speed = track_positions([track], t)
    ok_d, why_d = policy.allowed(t, lat, lon, speed, [track.name])
    assert (why_d == Outcome.OVER_SPEED_LIMIT).any()
    assert ok_d[:10].all()


@settings(max_examples=40, deadline=None)
@given(
    n_term=st.integers(1, 12),
    whitelist_from=st.integers(-5, 15),
    allow_bits=st.integers(0, 2**12 - 1),
    deny_bits=st.integers(0, 2**12 - 1),
)
def test_no_unauthorised_terminal_is_ever_allowed(
    n_term: int, whitelist_from: int, allow_bits: int, deny_bits: int
) -> None:
    names = [f"t{k}" for k in range(n_term)]
    allowed_names = [n for k, n in enumerate(names) if allow_bits >> k & 1]
    denied = [n for k, n in enumerate(names) if deny_bits >> k & 1]
    policy = ServicePolicy(
        allow=allowed_names,
        deny=denied,
        events=[PolicyEvent("whitelist-only", T0 + whitelist_from * S)],
    )
    t = T0 + np.arange(10) * S
    ok, why = policy.allowed(t, np.zeros(n_term), np.zeros(n_term), names=names)
    in_force = t >= T0 + whitelist_from * S
    on_list = np.isin(names, allowed_names)
    is_denied = np.isin(names, denied)
    assert not ok[:, is_denied].any()
    assert not ok[np.ix_(in_force, ~on_list)].any()
    assert (ok == ~(is_denied[None, :] | (in_force[:, None] & ~on_list[None, :]))).all()
    assert ((why == 0) == ok).all()
