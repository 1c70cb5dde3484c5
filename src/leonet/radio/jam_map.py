"""Where a ground jammer denies or degrades service: its effect on a grid of terminals.

:func:`jam_map` puts a terminal at every point of a square grid around a jammer, serves
each from the highest satellite in view above the mask (as the link command does),
and computes both directions of every link with and without the jammer through
:meth:`RadioModel.user_links` — the same budget, interference and jamming arithmetic a
run uses.  Each point is then

* ``denied``: a direction that closes without the jammer is in outage with it;
* ``degraded``: the jammer lowers a direction's MODCOD (and its rate);
* ``unaffected``: neither; ``unserved``: no satellite above the mask.

The areas are the points' count × the grid cell's area.  Other satellites'
co-channel interference is left out (no schedule: one step, one terminal per point),
so the map is the jammer against the thermal and intra-system budget.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from leonet.constants import EARTH_MEAN_RADIUS_KM
from leonet.defaults import DEFAULT_MIN_ELEVATION_DEG
from leonet.ground.sites import Sites
from leonet.radio.jamming import Jammer, jammer_position_ecef_km, radio_horizon_km
from leonet.radio.links import RadioConfig, RadioModel, UserLinks
from leonet.radio.modcod import OUTAGE
from leonet.radio.parameters import DEFAULT_SATELLITE, TERMINAL_ANTENNA_HEIGHT_M

__all__ = ["EFFECTS", "JamMap", "jam_map"]

F64 = NDArray[np.float64]

#: The effect codes of :attr:`JamMap.effect`, by code.
EFFECTS = ("unaffected", "degraded", "denied", "unserved")


@dataclass(frozen=True)
class JamMap:
    """A jammer's effect on terminals at grid points ``(point,)``.

    ``distance_km`` from the jammer (ground); ``sat`` the serving satellite's index
    (−1 none) at ``elevation_deg``; per direction the SINR and rate without and with
    the jammer and J/S (−inf: the jammer does not reach it); ``effect`` codes into
    :data:`EFFECTS`; ``spacing_km`` the grid step (each point stands for spacing²).
    """

    jammer: Jammer
    spacing_km: float
    lat_deg: F64
    lon_deg: F64
    distance_km: F64
    sat: NDArray[np.int32]
    elevation_deg: F64
    sinr_down_db: F64
    sinr_down_jammed_db: F64
    j_over_s_down_db: F64
    rate_down_mbps: F64
    rate_down_jammed_mbps: F64
    sinr_up_db: F64
    sinr_up_jammed_db: F64
    j_over_s_up_db: F64
    rate_up_mbps: F64
    rate_up_jammed_mbps: F64
    effect: NDArray[np.int8]

    def __len__(self) -> int:
        return int(self.lat_deg.shape[0])

    def area_km2(self, effect: str) -> float:
        """Area (km²) of the points with ``effect`` (one of :data:`EFFECTS`)."""
        if effect not in EFFECTS:
            raise ValueError(f"unknown effect {effect!r}; choose one of {', '.join(EFFECTS)}")
        return float((self.effect == EFFECTS.index(effect)).sum()) * self.spacing_km**2

    def reach_km(self, effect: str) -> float:
        """Farthest distance (km) from the jammer of a point with ``effect`` (0 if none)."""
        hit = self.effect == EFFECTS.index(effect)
        return float(self.distance_km[hit].max()) if hit.any() else 0.0

    def columns(self) -> dict[str, NDArray[np.generic]]:
        """The map as flat columns (``effect`` as words), for a table."""
        skip = {"jammer", "spacing_km", "effect"}
        out: dict[str, NDArray[np.generic]] = {
            k: np.asarray(v) for k, v in vars(self).items() if k not in skip
        }
        out["effect"] = np.asarray(EFFECTS, dtype=object)[self.effect]
        return out


def _grid(lat0: float, lon0: float, radius_km: float, spacing_km: float) -> tuple[F64, F64]:
    """A square grid of ``spacing_km`` within ``radius_km`` of a point (local tangent plane)."""
    k = int(np.floor(radius_km / spacing_km))
    x = np.arange(-k, k + 1) * spacing_km
    east, north = (a.ravel() for a in np.meshgrid(x, x))
    keep = np.hypot(east, north) <= radius_km
    east, north = east[keep], north[keep]
    lat = lat0 + np.degrees(north / EARTH_MEAN_RADIUS_KM)
    lon = lon0 + np.degrees(east / (EARTH_MEAN_RADIUS_KM * np.cos(np.radians(lat0))))
    return lat, lon


def _best_satellite(
    model: RadioModel, sat_ecef_km: F64, min_elevation_deg: float
) -> tuple[NDArray[np.int32], F64]:
    """The highest satellite in view above the mask at every site ``(site,)`` (−1 none)."""
    sites = model.sites
    serving = np.full(len(sites), -1, dtype=np.int32)
    best_el = np.full(len(sites), np.nan)
    # Candidates: the 32 highest satellites over the grid's centre (the grid is tens of
    # km across; the highest satellite anywhere on it is among them).
    centre = sites.ecef_km.mean(axis=0)
    up0 = centre / np.linalg.norm(centre)
    rel0 = sat_ecef_km - centre
    with np.errstate(invalid="ignore"):
        sin_el0 = rel0 @ up0 / np.linalg.norm(rel0, axis=1)
    sin_el0 = np.where(np.isfinite(sin_el0), sin_el0, -2.0)
    near = np.argsort(-sin_el0)[:32]
    near = near[sin_el0[near] > 0]
    if near.size == 0:
        return serving, best_el
    rel = sat_ecef_km[near][None, :, :] - sites.ecef_km[:, None, :]
    up = sites.enu[:, 2, :]
    el = np.degrees(
        np.arcsin(np.clip(np.einsum("skx,sx->sk", rel, up) / np.linalg.norm(rel, axis=-1), -1, 1))
    )
    k = np.argmax(el, axis=1)
    top = el[np.arange(len(sites)), k]
    ok = top >= min_elevation_deg
    serving[ok] = near[k[ok]]
    best_el[ok] = top[ok]
    return serving, best_el


def jam_map(  # noqa: PLR0913 — the map's grid and the terminal, all keyword options
    jammer: Jammer,
    sat_ecef_km: F64,
    utc_ns: int,
    *,
    radius_km: float | None = None,
    spacing_km: float | None = None,
    terminal_type: str = "standard",
    satellite_type: str = DEFAULT_SATELLITE,
    min_elevation_deg: float = DEFAULT_MIN_ELEVATION_DEG,
    config: RadioConfig | None = None,
) -> JamMap:
    """The jammer's effect at ``utc_ns`` over a grid around it (see the module).

    ``sat_ecef_km`` ``(sat, 3)`` at that instant.  ``radius_km`` defaults to 1.5 × the
    jammer's radio horizon to a terminal (at least 20 km), ``spacing_km`` to a
    60th of it.
    """
    if not jammer.is_active(np.int64(utc_ns)):
        raise ValueError(
            f"jammer {jammer.name!r} is not active at that time; give a time "
            "inside one of its active windows"
        )
    j_pos, _ = jammer_position_ecef_km(jammer, utc_ns)
    if not isinstance(jammer.position, tuple):
        lat0, lon0 = _geodetic_of(jammer, utc_ns)
    else:
        lat0, lon0 = (float(v) for v in jammer.position)
    horizon = float(radio_horizon_km(jammer.height_m, TERMINAL_ANTENNA_HEIGHT_M))
    radius = float(radius_km) if radius_km is not None else max(1.5 * horizon, 20.0)
    spacing = float(spacing_km) if spacing_km is not None else radius / 60.0
    if not (radius > 0 and spacing > 0 and np.isfinite(radius) and np.isfinite(spacing)):
        raise ValueError("radius_km and spacing_km must be > 0 km")
    if (2 * radius / spacing) ** 2 > 400_000:
        raise ValueError(
            f"a {radius:g} km radius at {spacing:g} km spacing is over 300,000 "
            "points; give a larger spacing_km"
        )
    lat, lon = _grid(lat0, lon0, radius, spacing)
    names = [f"p{k}" for k in range(lat.size)]
    model = RadioModel(
        Sites(names, lat, lon),
        sat_ecef_km.shape[0],
        terminal_type=terminal_type,
        satellite_type=satellite_type,
        config=config,
    )
    serving, el = _best_satellite(model, sat_ecef_km, min_elevation_deg)
    clean = model.user_links(sat_ecef_km, serving)
    jammed = model.user_links(sat_ecef_km, serving, jammers=[jammer], utc_ns=utc_ns)
    rel = model.sites.ecef_km - j_pos
    chord = np.linalg.norm(rel, axis=1)
    dist = 2 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.clip(chord / (2 * EARTH_MEAN_RADIUS_KM), 0, 1))
    return JamMap(
        jammer=jammer,
        spacing_km=spacing,
        lat_deg=lat,
        lon_deg=lon,
        distance_km=dist,
        sat=serving,
        elevation_deg=el,
        sinr_down_db=clean.down.sinr_db,
        sinr_down_jammed_db=jammed.down.sinr_db,
        j_over_s_down_db=jammed.down.j_over_s_db,
        rate_down_mbps=clean.down.capacity_mbps,
        rate_down_jammed_mbps=jammed.down.capacity_mbps,
        sinr_up_db=clean.up.sinr_db,
        sinr_up_jammed_db=jammed.up.sinr_db,
        j_over_s_up_db=jammed.up.j_over_s_db,
        rate_up_mbps=clean.up.capacity_mbps,
        rate_up_jammed_mbps=jammed.up.capacity_mbps,
        effect=_effects(clean, jammed),
    )


def _geodetic_of(jammer: Jammer, utc_ns: int) -> tuple[float, float]:
    from leonet.ground.tracks import Track

    assert isinstance(jammer.position, Track)
    lat, lon, _, _ = jammer.position.positions(np.array([utc_ns], dtype=np.int64))
    return float(lat[0]), float(lon[0])


def _effects(clean: UserLinks, jammed: UserLinks) -> NDArray[np.int8]:
    served = clean.served
    denied = np.zeros(served.shape, dtype=bool)
    degraded = np.zeros(served.shape, dtype=bool)
    for c, j in ((clean.down, jammed.down), (clean.up, jammed.up)):
        denied |= (c.modcod != OUTAGE) & (j.modcod == OUTAGE)
        degraded |= j.capacity_mbps < c.capacity_mbps
    code = np.where(denied, 2, np.where(degraded, 1, 0))
    return np.where(served, code, 3).astype(np.int8)
