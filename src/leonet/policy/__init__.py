"""The service-control plane: service areas, terminal authorisation, speed limits and
timed policy events → ``allowed[time, terminal]`` with a :class:`PolicyReason`.

>>> import numpy as np
>>> from leonet.ground import country
>>> policy = ServicePolicy([ServiceArea(country("Ukraine"))], max_speed_kmh=90)
>>> ok, why = policy.allowed(np.array([0]), [50.45, 55.75], [30.52, 37.62])  # Kyiv, Moscow
>>> ok.tolist(), [PolicyReason(r).name for r in why[0]]
([[True, False]], ['OK', 'OUTSIDE_SERVICE_AREA'])
"""

from leonet.policy.areas import Area, CircleArea, area_from_spec, polygon_area
from leonet.policy.service import PolicyEvent, PolicyReason, ServiceArea, ServicePolicy

__all__ = [
    "Area",
    "CircleArea",
    "PolicyEvent",
    "PolicyReason",
    "ServiceArea",
    "ServicePolicy",
    "area_from_spec",
    "polygon_area",
]
