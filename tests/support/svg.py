"""Reading what a page drew: SVG paths as shapely geometry in pixels."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["drawn_land", "path_polygon"]


def path_polygon(d: str) -> Any:
    """A drawn SVG path (``M x,y L x,y … Z`` rings) as a shapely geometry in pixels."""
    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    rings = [
        [tuple(map(float, p.strip(" ML").split(","))) for p in ring.split(" L")]
        for ring in d.replace("Z", "").split("M")[1:]
    ]
    return unary_union([Polygon(r).buffer(0) for r in rings if len(r) >= 3])


def drawn_land(page: str) -> Any:
    """The union of a map page's country shapes (``<path class="land">``), in pixels."""
    return path_polygon(
        " ".join(re.findall(r'class="land" data-country="[^"]+" d="([^"]+)"', page))
    )
