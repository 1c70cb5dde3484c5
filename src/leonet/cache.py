"""leonet's on-disk cache: where it lives and how files get into it.

Everything leonet keeps between runs — downloaded CelesTrak groups, tabulated
ITU-R attenuation — lives under one folder, ``$LEONET_CACHE_DIR`` if set, else
``$XDG_CACHE_HOME/leonet`` (default ``~/.cache/leonet``), one subfolder per
kind.  Deleting it loses nothing but time.  Files are written atomically
(:mod:`leonet.atomic`), so a reader sees a whole file or none, even with several
runs writing at once.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir(*parts: str) -> Path:
    """The cache folder for ``parts`` (e.g. ``cache_dir("celestrak")``); not created here."""
    base = os.environ.get("LEONET_CACHE_DIR")
    if base:
        root = Path(base).expanduser()
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "leonet"
    return root.joinpath(*parts)
