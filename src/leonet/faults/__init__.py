"""Failures and jammers: timed satellite, plane, gateway, PoP and laser losses, and
ground jammers as plain data — :class:`FaultPlan` turns them into up/down masks
``(time, sat)``, ``(time, gw)``, ``(time, pop)``, ``(time, link)`` and ``(time, jammer)``.

Every interval is ``[start, end)``: start inclusive, end exclusive.
"""

from leonet.faults.plan import NEVER_NS, FaultPlan, Jammer, LaserFault, SatelliteFault, SiteFault
from leonet.scenario.whatifs import DirectionalAntennaSpec, JammerSpec

__all__ = [
    "NEVER_NS",
    "DirectionalAntennaSpec",
    "FaultPlan",
    "Jammer",
    "JammerSpec",
    "LaserFault",
    "SatelliteFault",
    "SiteFault",
]
