"""Ground segment: sites, gateways and PoPs, country/region polygons, H3 cells, mobile tracks.

- :class:`Sites` — many ground points as ``(site,)`` arrays with cached ECEF ``(site, 3)``
  and ENU bases ``(site, 3, 3)``; from arrays, CSV or GeoJSON.
- :func:`load_gateways`, :func:`load_pops`, :func:`assign_gateways_to_pops`,
  :func:`fibre_delay_ms` — the bundled Starlink ground network and its backhaul.
- :func:`operator_gateways`, :func:`operator_pops` — each operator's bundled ground segment
  (Starlink, OneWeb, KA-SAT).
- :func:`country`, :func:`named_region`, :func:`region_from_geojson` — :class:`Region` polygons;
  :func:`country_codes_at` — the country holding each point.
- :func:`tile_region` — H3 :class:`Cells` covering a region.
- :func:`load_places`, :func:`find_place` — bundled Ukrainian places; name → coordinates.
- :func:`find_city` — any world city of 15,000 people or more (GeoNames, offline;
  :func:`load_geonames` reads GeoNames once for every user).
- :func:`population_points`, :func:`cell_population` — where people live (GeoNames).
- :class:`Track` — a moving terminal's waypoints, interpolated per time step.
"""

from leonet.ground.cells import DEFAULT_H3_RESOLUTION, Cells, average_cell_area_km2, tile_region
from leonet.ground.gateways import (
    Gateways,
    Pops,
    assign_gateways_to_pops,
    fibre_delay_ms,
    load_gateways,
    load_pops,
)
from leonet.ground.gazetteer import City, city_suggestions, find_city
from leonet.ground.geonames import MIN_CITY_POPULATION, GeoNames, load_geonames
from leonet.ground.greatcircle import great_circle_km, interpolate_great_circle
from leonet.ground.operator_sites import (
    DEFAULT_OPERATOR,
    OPERATORS,
    STARLINK_EDITIONS,
    Operator,
    check_operator,
    operator_gateways,
    operator_names,
    operator_pops,
)
from leonet.ground.places import find_place, load_places
from leonet.ground.pops import find_pop
from leonet.ground.population import (
    POPULATION_PROVENANCE,
    URBAN_DENSITY_PER_KM2,
    PopulationPoints,
    cell_population,
    cells_population,
    population_points,
)
from leonet.ground.regions import (
    NAMED_REGIONS,
    Region,
    countries_in_box,
    country,
    country_codes_at,
    country_iso2,
    country_names,
    find_region,
    named_region,
    region_from_geojson,
    sovereign_iso2,
    sovereign_iso2_at,
)
from leonet.ground.selection import select_ground
from leonet.ground.sites import SITE_KINDS, Sites, UnknownNameError
from leonet.ground.starlink_pops import (
    COUNTRY_POPS_FILE,
    GATEWAY_EVIDENCE_FILE,
    GATEWAYS_2026_FILE,
    HOME_POPS_FILE,
    INFERRED_GATEWAY_KM,
    POPS_2026_FILE,
    SAME_SITE_KM,
    country_pop_subnets,
    country_pops,
    home_pop,
    home_pops,
    inferred_gateway_pops,
    load_gateways_2026,
    load_pops_2026,
    pop_country,
    pop_gateway_evidence,
)
from leonet.ground.tracks import Track, track_positions

__all__ = [
    "COUNTRY_POPS_FILE",
    "DEFAULT_H3_RESOLUTION",
    "DEFAULT_OPERATOR",
    "GATEWAYS_2026_FILE",
    "GATEWAY_EVIDENCE_FILE",
    "HOME_POPS_FILE",
    "INFERRED_GATEWAY_KM",
    "MIN_CITY_POPULATION",
    "NAMED_REGIONS",
    "OPERATORS",
    "POPS_2026_FILE",
    "POPULATION_PROVENANCE",
    "SAME_SITE_KM",
    "SITE_KINDS",
    "STARLINK_EDITIONS",
    "URBAN_DENSITY_PER_KM2",
    "Cells",
    "City",
    "Gateways",
    "GeoNames",
    "Operator",
    "Pops",
    "PopulationPoints",
    "Region",
    "Sites",
    "Track",
    "UnknownNameError",
    "assign_gateways_to_pops",
    "average_cell_area_km2",
    "cell_population",
    "cells_population",
    "check_operator",
    "city_suggestions",
    "countries_in_box",
    "country",
    "country_codes_at",
    "country_iso2",
    "country_names",
    "country_pop_subnets",
    "country_pops",
    "fibre_delay_ms",
    "find_city",
    "find_place",
    "find_pop",
    "find_region",
    "great_circle_km",
    "home_pop",
    "home_pops",
    "inferred_gateway_pops",
    "interpolate_great_circle",
    "load_gateways",
    "load_gateways_2026",
    "load_geonames",
    "load_places",
    "load_pops",
    "load_pops_2026",
    "named_region",
    "operator_gateways",
    "operator_names",
    "operator_pops",
    "pop_country",
    "pop_gateway_evidence",
    "population_points",
    "region_from_geojson",
    "select_ground",
    "sovereign_iso2",
    "sovereign_iso2_at",
    "tile_region",
    "track_positions",
]
