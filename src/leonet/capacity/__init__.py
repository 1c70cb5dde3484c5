"""Capacity layer: user beams, demand per cell, max-min fair allocation per step.

- :func:`assign_beams` — each satellite's cells dealt to its user beams and channels.
- :func:`site_demand` — terminals per cell (density × area) and named terminals.
- :func:`water_fill`, :func:`allocate` — vectorised max-min fair sharing of beam time
  and satellite backhaul; :class:`Binding` says what limits each terminal.
- :func:`speed_test` — one terminal saturating its link over busy-hour background load.
- :class:`CapacityModel` — one step: radio links, beams, backhaul and allocation.
"""

from leonet.capacity.allocation import Allocation, Binding, allocate, water_fill
from leonet.capacity.beams import BeamAssignment, assign_beams
from leonet.capacity.demand import Demand, site_demand
from leonet.capacity.speedtest import speed_test
from leonet.capacity.throughput import (
    CapacityConfig,
    CapacityModel,
    StepCapacity,
    co_channel_beams,
)

__all__ = [
    "Allocation",
    "BeamAssignment",
    "Binding",
    "CapacityConfig",
    "CapacityModel",
    "Demand",
    "StepCapacity",
    "allocate",
    "assign_beams",
    "co_channel_beams",
    "site_demand",
    "speed_test",
    "water_fill",
]
