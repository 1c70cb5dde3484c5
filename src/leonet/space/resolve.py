"""Turn what a user types (``starlink``, ``starlink-gen1``, ``my.tle``, ``celestrak:oneweb``)
into a :class:`~leonet.space.constellation.Constellation`."""

from __future__ import annotations

import difflib
from datetime import datetime
from pathlib import Path

from leonet.space.constellation import Constellation

__all__ = ["BUNDLED_CATALOGUES", "constellation_names", "load_constellation"]

#: Real catalogues shipped inside the package (see data/PROVENANCE.md).
BUNDLED_CATALOGUES = {
    "starlink": "starlink_tle_2026-05-30.txt",
    "oneweb-tle": "oneweb_tle_2026-05-30.txt",
}


def constellation_names() -> list[str]:
    """Names accepted besides file paths: bundled catalogues and Walker presets."""
    from leonet.space.presets import preset_names

    return sorted([*BUNDLED_CATALOGUES, *preset_names()])


def load_constellation(
    spec: str,
    *,
    epoch: datetime | str | None = None,
    lenient: bool = False,
    cache_dir: Path | None = None,
) -> Constellation:
    """Load a bundled catalogue, a Walker preset, ``celestrak:GROUP``, geostationary slots
    (``geo:9.0``, ``geo:9,7`` or ``geo:ka-sat``) or a TLE/OMM file.

    ``epoch`` is the element epoch given to Walker presets and geostationary slots
    (default: the bundled snapshot's day, 2026-05-30T00:00Z); catalogues carry their own.
    """
    from leonet.space.catalogue import bundled_catalogue, load_catalogue
    from leonet.space.presets import load_preset, preset_names

    name = spec.strip()
    key = name.lower()
    if key in BUNDLED_CATALOGUES:
        return bundled_catalogue(BUNDLED_CATALOGUES[key], lenient=lenient)
    if key in preset_names():
        return load_preset(key, epoch or "2026-05-30T00:00:00Z")
    if key.startswith("geo:"):
        from leonet.space.geostationary import geostationary_constellation, parse_geo_spec

        geo_name, longitudes = parse_geo_spec(name)
        return geostationary_constellation(longitudes, epoch or "2026-05-30T00:00:00Z", geo_name)
    if key.startswith("celestrak:"):
        from leonet.space.celestrak import download_group

        path = download_group(name.split(":", 1)[1], cache_dir=cache_dir)
        return load_catalogue(path, lenient=lenient)
    path = Path(name).expanduser()
    if path.is_file():
        return load_catalogue(path, lenient=lenient)
    choices = constellation_names()
    close = difflib.get_close_matches(key, choices, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ValueError(
        f"constellation {spec!r} is neither a file nor a known name.{hint} Known names: "
        f"{', '.join(choices)}; or give a TLE/OMM file path, celestrak:GROUP to download, or "
        "geo:LONGITUDE for geostationary satellites (e.g. geo:9.0)."
    )
