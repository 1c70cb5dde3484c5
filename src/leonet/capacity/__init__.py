"""Capacity layer: user beams, demand per cell, max-min fair allocation per step.

- :func:`assign_beams` — each satellite's cells dealt to its user beams and channels.
- :func:`site_demand` — terminals per cell (density × area) and named terminals.
- :func:`water_fill`, :func:`allocate` — vectorised max-min fair sharing of beam time
  and satellite backhaul; :class:`Binding` says what limits each terminal.
- :func:`speed_test` — one terminal saturating its link over busy-hour background load;
  :func:`speed_tests` the calibrated background (:class:`ThroughputParameters`, fitted by
  `leonet calibrate`) the run's speed-test columns use.
- :class:`CapacityModel` — one step: radio links, beams, backhaul and allocation.
"""

from leonet.capacity.allocation import Allocation, Binding, allocate, water_fill
from leonet.capacity.beams import BeamAssignment, assign_beams
from leonet.capacity.demand import Demand, site_demand
from leonet.capacity.speedtest import (
    REFERENCE_IN_VIEW,
    ThroughputParameters,
    busy_hour_utilisation,
    speed_test,
    speed_tests,
)
from leonet.capacity.throughput import (
    CapacityConfig,
    CapacityModel,
    StepCapacity,
    co_channel_beams,
)

__all__ = [
    "REFERENCE_IN_VIEW",
    "Allocation",
    "BeamAssignment",
    "Binding",
    "CapacityConfig",
    "CapacityModel",
    "Demand",
    "StepCapacity",
    "ThroughputParameters",
    "allocate",
    "assign_beams",
    "busy_hour_utilisation",
    "co_channel_beams",
    "site_demand",
    "speed_test",
    "speed_tests",
    "water_fill",
]
