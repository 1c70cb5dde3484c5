"""Bundled designed constellations: the shells of public FCC authorisations as Walker patterns.

Each preset is a tuple of :class:`WalkerShell`; :func:`load_preset` turns one
into a :class:`Constellation` at a given epoch.  Sources, and what is assumed
where a filing does not say, are given per preset below.

**Phasing (Walker f) is an assumption everywhere**: filings give altitudes,
inclinations, plane counts and satellites per plane, never the inter-plane
phasing.  leonet picks, for every shell, the ``f`` in ``0 .. planes-1`` that
maximises the smallest distance between any two satellites of the shell over
one orbit (two-body circles, sampled every 1/60 of the in-plane spacing) — a
collision-avoiding design such as an operator would choose.  The resulting
minimum separations are quoted in km next to each shell.  (For the Starlink
550 km shell ``f = 17`` also appears in the research literature; it leaves
only ~20 km between the closest satellites against ~72 km for ``f = 65``.)

**Minimum elevation** per system: Starlink 25° (the minimum elevation angle in
FCC 21-48, Gen2 the same), Kuiper 35° (FCC 20-102), OneWeb 55° and
Telesat 10° (del Portillo, Cameron & Crawley 2019, "A technical comparison of
three low earth orbit satellite constellation systems to provide global
broadband", Acta Astronautica 159:123, Table 1).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import datetime

from leonet.space.constellation import Constellation
from leonet.space.walker import WalkerShell, walker_constellation

__all__ = ["load_preset", "preset_names", "preset_shells", "preset_source"]

_STARLINK_GEN1 = (
    # FCC 21-48 (Order and Authorization, April 2021):
    # the first 1,584 at 550 km was the 2018 modification; the order moves the remaining
    # Ku/Ka-band satellites from 1,100–1,325 km down to 540–570 km, 4,408 in all.
    WalkerShell("starlink-550", 550, 53.0, 72, 22, phasing=65),  # min separation ~72 km
    WalkerShell("starlink-540", 540, 53.2, 72, 22, phasing=65),  # ~48 km
    WalkerShell("starlink-570", 570, 70.0, 36, 20, phasing=25),  # ~66 km
    WalkerShell("starlink-560a", 560, 97.6, 6, 58, phasing=1),  # ~50 km
    WalkerShell("starlink-560b", 560, 97.6, 4, 43, phasing=0),  # ~67 km
)

_STARLINK_GEN2 = (
    # FCC 22-91 (Order and Authorization, released December 2022): a
    # *partial* grant of the Gen2 amendment's 29,988 satellites — up to 7,500 in the three
    # shells at 525, 530 and 535 km, 53°, 43° and 33°; the rest was deferred.  The amendment
    # files each of these shells as 28 planes × 120 (3,360).  The order caps the total without
    # a per-shell split; leonet assumes an equal split within the cap and keeps the filed 28
    # planes: 28 × 89 = 2,492 per shell, 7,476 in all (24 below the cap).
    WalkerShell("starlink-g2-525", 525, 53.0, 28, 89, phasing=22),  # ~61 km
    WalkerShell("starlink-g2-530", 530, 43.0, 28, 89, phasing=22),  # ~54 km
    WalkerShell("starlink-g2-535", 535, 33.0, 28, 89, phasing=16),  # ~59 km
)

_ONEWEB = (
    # OneWeb Phase 1: 648 satellites at 1,200 km, 87.9°, in a polar star (nodes over 180°).
    # FCC 17-77 (2017) granted U.S. market access for 720 = 18 planes × 40 in this shell;
    # OneWeb completed Phase 1 as 648 satellites (of which 588 in service, the rest in-orbit
    # spares).  leonet models the 648 as 18 planes × 36, all in service — an assumption; the
    # spares and the exact in-service plane layout are not modelled.
    WalkerShell(
        "oneweb-1200",
        1200,
        87.9,
        18,
        36,
        phasing=0,
        raan_spread_deg=180.0,
        min_elevation_deg=55.0,
    ),  # ~48 km
)

_KUIPER = (
    # FCC 20-102 (Order and Authorization, July 2020): 3,236 satellites.
    WalkerShell("kuiper-630", 630, 51.9, 34, 34, phasing=7, min_elevation_deg=35.0),  # ~78 km
    WalkerShell("kuiper-610", 610, 42.0, 36, 36, phasing=11, min_elevation_deg=35.0),  # ~56 km
    WalkerShell("kuiper-590", 590, 33.0, 28, 28, phasing=17, min_elevation_deg=35.0),  # ~109 km
)

_TELESAT_LIGHTSPEED = (
    # Telesat Lightspeed as re-planned in 2023 (Telesat, August 2023: 198 satellites built by
    # MDA), in the orbits of Telesat's 2020 FCC modification application: a polar star at
    # 1,015 km, 99°, and an inclined delta at 1,325 km, 50.9°.  The split into 78 polar
    # (6 × 13) and 120 inclined (20 × 6) follows Telesat's public description;
    # treat the plane counts as an assumption.
    WalkerShell(
        "lightspeed-polar",
        1015,
        99.0,
        6,
        13,
        phasing=2,
        raan_spread_deg=180.0,
        min_elevation_deg=10.0,
    ),  # ~441 km
    WalkerShell(
        "lightspeed-inclined",
        1325,
        50.9,
        20,
        6,
        phasing=13,
        min_elevation_deg=10.0,
    ),  # ~1,279 km
)

_PRESETS: dict[str, tuple[tuple[WalkerShell, ...], str]] = {
    "kuiper": (_KUIPER, "Amazon Project Kuiper, FCC 20-102 (2020): 3,236 satellites"),
    "oneweb": (_ONEWEB, "OneWeb Phase 1 (FCC 17-77 shell): 648 satellites, 18 × 36 assumed"),
    "starlink-gen1": (_STARLINK_GEN1, "SpaceX Starlink Gen1, FCC 21-48 (2021): 4,408 satellites"),
    "starlink-gen2": (
        _STARLINK_GEN2,
        "SpaceX Starlink Gen2 as first authorised, FCC 22-91 (2022, partial grant of 7,500): "
        "7,476 satellites, equal split of the cap assumed",
    ),
    "telesat-lightspeed": (
        _TELESAT_LIGHTSPEED,
        "Telesat Lightspeed (2023 plan, 2020 FCC modification orbits): 198 satellites",
    ),
}


def preset_names() -> list[str]:
    """Names of the bundled presets, sorted."""
    return sorted(_PRESETS)


def _lookup(name: str) -> tuple[tuple[WalkerShell, ...], str]:
    key = name.strip().lower().replace("_", "-") if isinstance(name, str) else name
    if key in _PRESETS:
        return _PRESETS[key]
    valid = preset_names()
    close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.5)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise ValueError(
        f"unknown constellation preset {name!r}; {hint}valid names: {', '.join(valid)}"
    )


def preset_shells(name: str) -> tuple[WalkerShell, ...]:
    """The Walker shells of preset ``name`` (see :func:`preset_names`)."""
    return _lookup(name)[0]


def preset_source(name: str) -> str:
    """One line naming the filing a preset comes from and its main assumption."""
    return _lookup(name)[1]


def load_preset(name: str, epoch: datetime | str) -> Constellation:
    """The preset ``name`` as a designed :class:`Constellation` with elements at ``epoch``.

    ``epoch`` is an aware UTC datetime or ISO 8601 string.  An unknown name
    raises ``ValueError`` listing the valid names.

    >>> load_preset("starlink-gen1", "2026-05-30T00:00:00Z").size
    4408
    """
    shells, source = _lookup(name)
    constellation = walker_constellation(shells, epoch, name=name.strip().lower().replace("_", "-"))
    return replace(constellation, source=f"{source}; {constellation.source}")
