"""leonet's on-disk cache: where it lives and how files get into it.

Everything leonet keeps between runs — downloaded CelesTrak groups, tabulated
ITU-R attenuation — lives under one folder, ``$LEONET_CACHE_DIR`` if set, else
``$XDG_CACHE_HOME/leonet`` (default ``~/.cache/leonet``), one subfolder per
kind.  Deleting it loses nothing but time.  Files are written atomically
(temporary file, fsync, rename), so a reader sees a whole file or none, even
with several runs writing at once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "write_atomically"]


def cache_dir(*parts: str) -> Path:
    """The cache folder for ``parts`` (e.g. ``cache_dir("celestrak")``); not created here."""
    base = os.environ.get("LEONET_CACHE_DIR")
    if base:
        root = Path(base).expanduser()
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "leonet"
    return root.joinpath(*parts)


def write_atomically(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` (folders created): the old file or the new, never half."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
