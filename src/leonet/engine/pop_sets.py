"""Which PoPs each site of a run may use: the rule ``leonet calibrate`` fitted the latency
terms with (docs/latency.md).

Starlink sends a terminal's traffic out through one of the PoPs its country's geofeed
subnets exit through (:func:`leonet.ground.country_pops`), the nearest of them by delay;
a site in a territory without geofeed data takes its sovereign's
(:func:`leonet.ground.pop_country`: Norfolk Island Australia's), and a site in a
country without data (nor a sovereign with data), at sea, or whose country's PoPs the
scenario left out keeps the nearest of all the run's PoPs.  The rule applies only where the
scenario's PoPs are Starlink's bundled 2026 ones (the geofeed's codes) and
``network.pop_rule`` is ``country`` (the default); any other PoP list routes each site
to the nearest of all, as before.  A site's country is the Natural Earth admin-0
polygon holding it (:func:`leonet.ground.country_codes_at`), found once per run for the
fixed sites and at every step for a moving terminal
(:class:`leonet.engine.steps.StepRunner`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from leonet.ground.regions import country_codes_at
from leonet.ground.starlink_pops import country_pop_subnets, pop_country
from leonet.scenario.schema import BundledSitesSpec, Scenario

__all__ = ["country_rule_applies", "site_pop_mask"]


def country_rule_applies(scenario: Scenario) -> bool:
    """Whether ``scenario``'s sites take their country's PoPs: ``network.pop_rule`` is
    ``country`` and its PoPs are Starlink's bundled 2026 ones (whatever the selection)."""
    spec = scenario.ground.pops
    return (
        scenario.network.pop_rule == "country"
        and isinstance(spec, BundledSitesSpec)
        and spec.operator == "starlink"
        and spec.edition == "2026"
    )


def site_pop_mask(
    lat_deg: ArrayLike, lon_deg: ArrayLike, pop_names: ArrayLike
) -> NDArray[np.bool_] | None:
    """``(site, pop)`` the PoPs (``pop_names`` ``(pop,)``, geofeed codes) each site at
    ``lat_deg``, ``lon_deg`` ``(site,)`` may use: its country's PoPs among those given
    (a territory without data: its sovereign's, :func:`leonet.ground.pop_country`),
    every PoP for a site in a country without data (or none of whose PoPs is given) or
    at sea; ``None`` where every site may use every PoP (the nearest of all, as without
    the rule)."""
    names = np.asarray(pop_names, dtype=str).reshape(-1)
    subnets = country_pop_subnets()
    codes = country_codes_at(lat_deg, lon_deg)
    mask = np.ones((codes.shape[0], names.shape[0]), dtype=bool)
    for code in np.unique(codes[codes != ""]):  # one row per country, not per site
        served_as = pop_country(str(code))
        if not served_as:
            continue
        row = np.isin(names, list(subnets[served_as]))
        if row.any():
            mask[codes == code] = row
    return None if mask.all() else mask
