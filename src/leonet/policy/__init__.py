"""The service-control plane: service areas, terminal authorisation, speed limits and
timed policy events → ``allowed[time, terminal]`` with an :class:`~leonet.outcomes.Outcome`.
Built by plain constructors; a scenario's policy comes from
:func:`leonet.scenario.build.service_policy`.

>>> import numpy as np
>>> from leonet.ground import country
>>> from leonet.outcomes import Outcome
>>> policy = ServicePolicy([ServiceArea(country("Ukraine"))], max_speed_kmh=90)
>>> ok, why = policy.allowed(np.array([0]), [50.45, 55.75], [30.52, 37.62])  # Kyiv, Moscow
>>> ok.tolist(), [Outcome(r).name for r in why[0]]
([[True, False]], ['SERVED', 'OUTSIDE_SERVICE_AREA'])
"""

from leonet.policy.areas import Area, CircleArea, polygon_area
from leonet.policy.service import PolicyEvent, ServiceArea, ServicePolicy

__all__ = [
    "Area",
    "CircleArea",
    "PolicyEvent",
    "ServiceArea",
    "ServicePolicy",
    "polygon_area",
]
