"""Download CelesTrak element-set groups into an on-disk cache (explicit, cached, offline-safe).

:func:`download_group` fetches
``https://celestrak.org/NORAD/elements/gp.php?GROUP=<group>&FORMAT=<fmt>``
with httpx, writes it atomically into a cache directory and returns the
cached path.  A copy younger than ``max_age_hours`` is used without touching
the network; when the network is unreachable an older cached copy is used
with a warning; with no copy at all the error says how to work offline.
All I/O goes through an ``httpx.BaseTransport`` so tests pass
``httpx.MockTransport`` and never reach the network.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from pathlib import Path
from typing import Literal

import httpx

from leonet import cache
from leonet.atomic import atomic_write_bytes

__all__ = [
    "CELESTRAK_GP_URL",
    "CelestrakError",
    "default_cache_dir",
    "download_group",
]

CELESTRAK_GP_URL = "https://celestrak.org/NORAD/elements/gp.php"
_GROUP_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SUFFIX = {"tle": "txt", "json": "json", "csv": "csv"}
_CELESTRAK_FORMAT = {"tle": "tle", "json": "json", "csv": "csv"}


class CelestrakError(RuntimeError):
    """A CelesTrak download that failed with no usable cached copy."""


def default_cache_dir() -> Path:
    """``celestrak`` in leonet's cache folder (:func:`leonet.cache.cache_dir`; by default
    ``$XDG_CACHE_HOME/leonet/celestrak``, i.e. ``~/.cache/leonet/celestrak``)."""
    return cache.cache_dir("celestrak")


def _looks_valid(body: bytes, fmt: str) -> bool:
    """CelesTrak answers unknown groups with a short text message, not an error status."""
    text = body.lstrip()
    if fmt == "json":
        return text[:1] == b"[" and len(text) > 2
    if fmt == "csv":
        return text.startswith(b"OBJECT_NAME") or b"NORAD_CAT_ID" in text[:400]
    return b"\n1 " in b"\n" + text[:400] and b"\n2 " in text


def download_group(
    group: str,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    format: Literal["tle", "json", "csv"] = "tle",
    max_age_hours: float = 2.0,
    transport: httpx.BaseTransport | None = None,
    timeout_s: float = 30.0,
) -> Path:
    """Path of a cached copy of CelesTrak group ``group`` (e.g. ``"starlink"``, ``"oneweb"``).

    A cached copy younger than ``max_age_hours`` is returned as is (CelesTrak
    updates groups every few hours and asks clients not to poll faster).
    Otherwise the group is downloaded and written atomically to
    ``<cache_dir>/<group>.<txt|json|csv>``.  If the download fails for lack of
    network (connection error, timeout) and an older copy exists, that copy is
    returned with a ``UserWarning`` giving its age; without a copy a
    :class:`CelestrakError` explains how to work offline.
    """
    if not isinstance(group, str) or not _GROUP_RE.fullmatch(group):
        raise ValueError(
            f"CelesTrak group name {group!r} is not valid: use letters, digits, '-' and '_' "
            "only (e.g. 'starlink', 'oneweb', 'gps-ops'); see https://celestrak.org/NORAD/"
            "elements/ for the list of groups"
        )
    if format not in _SUFFIX:
        raise ValueError(f"unknown format {format!r}; choose 'tle', 'json' or 'csv'")
    folder = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    path = folder / f"{group.lower()}.{_SUFFIX[format]}"
    age_hours = (time.time() - path.stat().st_mtime) / 3600.0 if path.is_file() else None
    if age_hours is not None and age_hours < max_age_hours:
        return path

    params = {"GROUP": group, "FORMAT": _CELESTRAK_FORMAT[format]}
    try:
        with httpx.Client(transport=transport, timeout=timeout_s, follow_redirects=True) as client:
            response = client.get(CELESTRAK_GP_URL, params=params)
    except (httpx.ConnectError, httpx.TimeoutException, httpx.NetworkError) as exc:
        if age_hours is not None:
            warnings.warn(
                f"cannot reach CelesTrak ({exc.__class__.__name__}: {exc}); using the cached "
                f"copy {path}, {age_hours:.1f} hours old",
                UserWarning,
                stacklevel=2,
            )
            return path
        raise CelestrakError(
            f"cannot download CelesTrak group {group!r}: no network ({exc.__class__.__name__}: "
            f"{exc}) and no cached copy in {folder}. To work offline, load a local file instead, "
            "e.g. leonet.space.catalogue.load_catalogue('starlink.tle'), or the bundled "
            "snapshot with bundled_catalogue('starlink'); or copy a downloaded "
            f"{CELESTRAK_GP_URL}?GROUP={group}&FORMAT={format} to {path}"
        ) from exc
    if response.status_code != 200 or not _looks_valid(response.content, format):
        snippet = response.text[:200].strip()
        message = (
            f"CelesTrak returned no element sets for group {group!r} (HTTP "
            f"{response.status_code}: {snippet!r}); check the group name at "
            "https://celestrak.org/NORAD/elements/"
        )
        if age_hours is not None:
            warnings.warn(f"{message}; using the cached copy {path}", UserWarning, stacklevel=2)
            return path
        raise CelestrakError(message)
    atomic_write_bytes(path, response.content)
    return path
