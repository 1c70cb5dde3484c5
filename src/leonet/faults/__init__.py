"""Failures and jammers: timed satellite, plane, gateway, PoP and laser losses, and
ground jammers (:class:`leonet.radio.Jammer`) — :class:`FaultPlan` turns them into
up/down masks ``(time, sat)``, ``(time, gw)``, ``(time, pop)``, ``(time, link)`` and
``(time, jammer)``.  Built by plain constructors; a scenario's plan comes from
:func:`leonet.scenario.build.fault_plan`.

Every interval is ``[start, end)``: start inclusive, end exclusive.
"""

from leonet.faults.plan import FaultPlan, LaserFault, SatelliteFault, SiteFault

__all__ = [
    "FaultPlan",
    "LaserFault",
    "SatelliteFault",
    "SiteFault",
]
