"""European terminals on the shortest-path scheduler over lasers, the 2026 gateways and
PoPs: the scenario the PoP-rule and fault-foresight tests share, and a run's terminals
table chunk by chunk."""

from __future__ import annotations

import pyarrow as pa

from leonet.engine.chunks import ScenarioRun

__all__ = ["EUROPEAN", "run_terminals"]

# Terminals whose nearest PoP of all (Europe's seven 2026 PoPs) is, at some steps of this
# half-minute, outside their country's geofeed set (docs/latency.md): Vienna (AT:
# Frankfurt, Milan) reaches Warsaw, Gdańsk (PL: Warsaw, Frankfurt) Stockholm, Tallinn
# (EE: Stockholm, Warsaw) Sofia; Paris (FR: Madrid, Frankfurt, Milan, London) and Kyiv
# (UA: no geofeed data, the nearest of all) for the rest.
EUROPEAN = """
name: pop-rule
seed: 11
time: {start: "2026-05-30T20:00:00Z", duration: 30s, step_s: 1}
constellations: [{catalogue: starlink}]
ground:
  terminals:
    - {name: Vienna, lat_deg: 48.2082, lon_deg: 16.3738}
    - {name: Gdansk, lat_deg: 54.3520, lon_deg: 18.6466}
    - {name: Tallinn, lat_deg: 59.4370, lon_deg: 24.7536}
    - {name: Paris, lat_deg: 48.8566, lon_deg: 2.3522}
    - {name: Kyiv, lat_deg: 50.4501, lon_deg: 30.5234}
  gateways: {bundled: true, within: {lat_deg: [34, 66], lon_deg: [-12, 42]}}
  pops: {bundled: true, within: {lat_deg: [34, 66], lon_deg: [-12, 42]}}
network: {mode: lasers}
scheduler: {strategy: shortest-path}
outputs: {report: false}
"""


def run_terminals(run: ScenarioRun) -> pa.Table:
    """Every chunk of ``run`` in order: the terminals table."""
    state, parts = None, []
    for index in range(run.chunks):
        result = run.finish(run.access(index, state))
        state = result.scheduler
        parts.append(result.tables["terminals"])
    return pa.concat_tables(parts)
