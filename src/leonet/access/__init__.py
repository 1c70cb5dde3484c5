"""Access: which satellites each site sees, and which one serves it.

* :mod:`~leonet.access.cone` — closed-form coverage-cone geometry;
* :mod:`~leonet.access.masks` — elevation masks per shell and per site;
* :mod:`~leonet.access.visibility` — sparse visibility, culled by site groups (numba);
* :mod:`~leonet.access.moving` — moving terminals; joining and filtering visibility tables;
* :mod:`~leonet.access.scheduler` — the 15-second serving-satellite scheduler;
* :mod:`~leonet.access.metrics` — streaming per-site and per-region service metrics.
"""

from leonet.access.cone import (
    MAX_VERTICAL_DEFLECTION_DEG,
    coverage_cone_radius_km,
    culling_range_km,
    earth_central_angle_deg,
    max_slant_range_km,
)
from leonet.access.masks import (
    dish_view,
    effective_min_elevation_deg,
    satellite_min_elevation_deg,
)
from leonet.access.metrics import (
    RegionCoverage,
    RegionCoverageAccumulator,
    SiteMetrics,
    SiteMetricsAccumulator,
)
from leonet.access.moving import (
    concat_sites,
    keep_rows,
    usable_pairs,
    visible_moving,
)
from leonet.access.scheduler import (
    STRATEGIES,
    GatewayAccess,
    Schedule,
    SchedulerConfig,
    SchedulerState,
    Strategy,
    register_strategy,
    schedule,
)
from leonet.access.visibility import Visibility, keep_pairs, visible, visible_dense

__all__ = [
    "MAX_VERTICAL_DEFLECTION_DEG",
    "STRATEGIES",
    "GatewayAccess",
    "RegionCoverage",
    "RegionCoverageAccumulator",
    "Schedule",
    "SchedulerConfig",
    "SchedulerState",
    "SiteMetrics",
    "SiteMetricsAccumulator",
    "Strategy",
    "Visibility",
    "concat_sites",
    "coverage_cone_radius_km",
    "culling_range_km",
    "dish_view",
    "earth_central_angle_deg",
    "effective_min_elevation_deg",
    "keep_pairs",
    "keep_rows",
    "max_slant_range_km",
    "register_strategy",
    "satellite_min_elevation_deg",
    "schedule",
    "usable_pairs",
    "visible",
    "visible_dense",
    "visible_moving",
]
