"""The named areas of a run's scenario (service areas, the areas its events act on) as
masks over its cells, so verdicts can be summed per area ("Donetsk oblast", "Crimea"),
and the people in each cell, so they can be weighted by population."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from leonet.ground.greatcircle import great_circle_km

__all__ = ["area_masks", "cell_people", "named_areas"]


def named_areas(scenario: Any) -> list[dict[str, Any]]:
    """The areas a saved scenario (``scenario.json`` as a dict) names: its policy's service
    areas, then each event's area, once per name, in that order (with ``systems:``, each
    system's policy in turn)."""
    if not isinstance(scenario, dict):
        return []
    policies = [scenario.get("policy") or {}] + [
        s.get("policy") or {} for s in scenario.get("systems") or [] if isinstance(s, dict)
    ]
    found: dict[str, dict[str, Any]] = {}
    candidates: list[Any] = []
    for policy in policies:
        candidates += list(policy.get("service_areas") or []) + [
            e.get("area") for e in policy.get("events") or [] if isinstance(e, dict)
        ]
    for area in candidates:
        if isinstance(area, dict) and area.get("name") and area["name"] not in found:
            found[str(area["name"])] = area
    return list(found.values())


def area_masks(
    areas: list[dict[str, Any]], lat_deg: NDArray[np.float64], lon_deg: NDArray[np.float64]
) -> dict[str, NDArray[np.bool_]]:
    """Which points (cells' centres) lie in each area (by name); an area whose region can
    no longer be opened (a moved GeoJSON file) is left out."""
    import shapely
    from shapely.geometry import Polygon

    from leonet.ground.regions import find_region

    masks: dict[str, NDArray[np.bool_]] = {}
    for area in areas:
        name = str(area["name"])
        if area.get("polygon"):
            poly = Polygon(zip(area["polygon"]["lon_deg"], area["polygon"]["lat_deg"], strict=True))
            masks[name] = np.asarray(shapely.contains_xy(poly, lon_deg, lat_deg), dtype=bool)
        elif area.get("circle"):
            c = area["circle"]
            masks[name] = great_circle_km(c["lat_deg"], c["lon_deg"], lat_deg, lon_deg) <= float(
                c["radius_km"]
            )
        elif area.get("region"):
            try:
                masks[name] = np.asarray(
                    find_region(str(area["region"])).contains(lat_deg, lon_deg), dtype=bool
                )
            except (LookupError, OSError, ValueError):
                continue
    return masks


def cell_people(
    region_spec: str,
    lat_deg: NDArray[np.float64],
    lon_deg: NDArray[np.float64],
    area_km2: NDArray[np.float64],
) -> NDArray[np.float64] | None:
    """People in each cell (centres, areas) of a tiling of the region a scenario names
    (GeoNames: :func:`leonet.ground.population.cells_population`), or ``None`` where that
    region can no longer be opened or GeoNames has no population for it."""
    from leonet.ground.population import cells_population
    from leonet.ground.regions import find_region

    try:
        region = find_region(region_spec)
        return cells_population(lat_deg, lon_deg, area_km2, region)
    except (LookupError, OSError, ValueError):
        return None
