"""Which gateways and PoPs serve a set of terminals: near them, or inside a box."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from leonet.ground.gateways import Gateways, Pops
from leonet.ground.greatcircle import great_circle_km
from leonet.ground.operator_sites import operator_gateways, operator_pops
from leonet.ground.sites import Sites

__all__ = ["select_ground"]


def select_ground(
    terminals: Sites,
    *,
    within_km: float | None = 3_000.0,
    lat_deg: tuple[float, float] | None = None,
    lon_deg: tuple[float, float] | None = None,
    operational_only: bool = True,
    gateways: Gateways | None = None,
    pops: Pops | None = None,
) -> tuple[Gateways, Pops]:
    """The bundled Starlink gateways and PoPs (the 2026 set, as ``leonet run`` and
    ``leonet calibrate`` use; or the ones given) that serve ``terminals``.

    Keeps sites within ``within_km`` (great circle) of any terminal, and/or
    inside a latitude/longitude box (degrees, see :meth:`Sites.within`; e.g.
    Europe ``lat_deg=(34, 72), lon_deg=(-25, 45)``).  ``operational_only``
    drops gateways mapped as planned or not built (see
    :attr:`Gateways.likely_operational`).  Raises ``ValueError`` when no
    gateway or no PoP is left, naming the filter to widen.
    """
    gw = operator_gateways() if gateways is None else gateways
    pp = operator_pops() if pops is None else pops
    if operational_only and isinstance(gw, Gateways):
        gw = gw.take(gw.likely_operational)
    if lat_deg is not None or lon_deg is not None:
        gw, pp = (
            gw.within(lat_deg=lat_deg, lon_deg=lon_deg),
            pp.within(lat_deg=lat_deg, lon_deg=lon_deg),
        )
    if within_km is not None:
        if not within_km > 0:
            raise ValueError(f"within_km={within_km!r} must be a positive distance in km")
        for_gw = _near(gw, terminals, within_km)
        for_pop = _near(pp, terminals, within_km)
        gw, pp = gw.take(for_gw), pp.take(for_pop)
    where = (
        f"within {within_km:,.0f} km of the terminals" if within_km is not None else "in the box"
    )
    if len(gw) == 0:
        raise ValueError(
            f"no gateway {where}; raise within_km or widen the box"
            + ("" if not operational_only else ", or include planned gateways")
        )
    if len(pp) == 0:
        raise ValueError(f"no PoP {where}; raise within_km or widen the box")
    return gw, pp


def _near(sites: Sites, terminals: Sites, within_km: float) -> NDArray[np.bool_]:
    if len(sites) == 0 or len(terminals) == 0:
        return np.zeros(len(sites), dtype=bool)
    d = great_circle_km(
        sites.lat_deg[:, None], sites.lon_deg[:, None], terminals.lat_deg, terminals.lon_deg
    )
    return np.asarray(d.min(axis=1) <= within_km)
