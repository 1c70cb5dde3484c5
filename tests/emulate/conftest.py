"""Fixtures for the emulation tests: a root check that fails (never skips), a tiny run."""

from __future__ import annotations

import pytest

from leonet.emulate import EmulationPermissionError, leftover_namespaces, require_net_admin


@pytest.fixture
def net_admin():
    """The live tests need CAP_NET_ADMIN (CI runs them as root): fail, saying so, without.
    Afterwards, check the test left no leonet namespace behind."""
    try:
        require_net_admin()
    except EmulationPermissionError as exc:
        pytest.fail(f"this test builds network namespaces and cannot: {exc}")
    before = set(leftover_namespaces())
    host = _host_network()
    yield
    left = set(leftover_namespaces()) - before
    assert not left, f"namespaces left behind: {sorted(left)}"
    assert _host_network() == host, "the host's own interfaces or routes changed"


def _host_network():
    """The host namespace's interfaces (name, state, qdisc-relevant flags) and routes."""
    from pyroute2 import IPRoute

    with IPRoute() as ipr:
        links = sorted(
            (link.get("ifname"), link.get("state"), link.get("mtu")) for link in ipr.get_links()
        )
        routes = sorted(
            (r.get("dst") or "", r.get("dst_len"), r.get("oif") or 0)
            for r in ipr.get_routes(family=2)
        )
        qdiscs = sorted((q.get("index"), q.get("kind")) for q in ipr.get_qdiscs())
    return links, routes, qdiscs


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """The bundled ``quick`` scenario cut to one minute (6 steps of 10 s, 4 terminals)."""
    from leonet.engine import run_scenario
    from leonet.scenario import load_scenario, with_overrides

    out = tmp_path_factory.mktemp("run")
    run_scenario(with_overrides(load_scenario("quick"), duration=60), out, workers=1)
    return out
