"""Helpers shared by the CLI commands: console, safe printing, error reporting, progress.

Anything that came from the user or from a file (scenario and terminal names, paths,
error text) reaches the console as *literal text*: never parsed as Rich markup (a name
``x[/]y`` would otherwise crash the printer) and with control characters, ANSI and OSC
escape sequences shown escaped (``\\x1b``) instead of acted on by the terminal.
"""

from __future__ import annotations

import errno
import math
import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

__all__ = [
    "console",
    "err_console",
    "finite_between",
    "friendly_errors",
    "literal",
    "output_dir",
    "output_file",
    "progress_bar",
    "safe_text",
    "utc_time",
    "warn",
]

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

#: C0 controls but newline and tab, DEL, C1 controls, and the Unicode bidirectional
#: overrides and isolates that can make text display in another order than it reads.
_UNSAFE = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F)}
_UNSAFE.update({c: f"\\x{c:02x}" for c in range(0x80, 0xA0)})
_UNSAFE.update({c: f"\\u{c:04x}" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def safe_text(value: object) -> str:
    """``str(value)`` with control characters (ESC of ANSI/OSC sequences, BEL, CR, C1,
    bidi overrides) written as visible escapes; newlines and tabs kept."""
    return str(value).translate(_UNSAFE)


def literal(*parts: object, style: str | None = None) -> Text:
    """Rich :class:`~rich.text.Text` of ``parts`` joined, shown literally: no markup, no
    emoji codes, control characters escaped."""
    return Text("".join(safe_text(p) for p in parts), style=style or "")


def warn(message: object) -> None:
    """A one-paragraph warning on stderr (literal text)."""
    err_console.print(
        Text.assemble(("warning: ", "bold yellow"), literal(message)),
        highlight=False,
        soft_wrap=True,
    )


def _os_message(exc: OSError) -> str:
    """An ``OSError`` as one line naming the file and the fix."""
    if exc.errno is None:  # raised by leonet itself with its own message
        return str(exc)
    name = exc.filename if exc.filename is not None else "a file"
    what = exc.strerror or str(exc)
    fix = {
        errno.EACCES: "check the permissions, or choose another path (--out)",
        errno.EPERM: "check the permissions, or choose another path (--out)",
        errno.EROFS: "the file system is read-only; choose another path (--out)",
        errno.ENOSPC: "the disk is full; free some space or choose another path (--out)",
        errno.EISDIR: "give a file, not a folder",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.ENOENT: "check the path",
        errno.ENAMETOOLONG: "give a shorter path",
    }.get(exc.errno or 0, "")
    return f"{name}: {what}" + (f"; {fix}" if fix else "")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Show an expected error as a one-paragraph message (literal text) and exit 2.

    Expected: bad input (``ValueError`` and its kin, unknown names), files that are
    missing, unreadable or of the wrong kind (``OSError``: folder for file, read-only,
    full disk), and times beyond what the clock can count (``OverflowError``).
    Anything else is a bug and keeps its traceback.
    """

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (ValueError, LookupError, OverflowError) as exc:
            message = str(exc) or type(exc).__name__
        except OSError as exc:
            message = _os_message(exc)
        err_console.print(
            Text.assemble(("error: ", "bold red"), literal(message)),
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(2)

    return wrapper


def finite_between(
    low: float | None,
    high: float | None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> Callable[[float | None], float | None]:
    """A typer option callback: the value must be a finite number in the range (``None``,
    the option left out, passes).  Out of range: a usage error naming the range."""
    lo = "" if low is None else f"{low:g}{unit} {'<' if low_open else '<='} "
    hi = "" if high is None else f" {'<' if high_open else '<='} {high:g}{unit}"

    def check(value: float | None) -> float | None:
        if value is None:
            return None
        ok = math.isfinite(value)
        if ok and low is not None:
            ok = value > low if low_open else value >= low
        if ok and high is not None:
            ok = value < high if high_open else value <= high
        if not ok:
            raise typer.BadParameter(f"{value:g} is outside {lo}x{hi}")
        return value

    return check


def utc_time(value: str | None) -> str | None:
    """A typer option callback: an ISO 8601 UTC time leonet can simulate (1957-10-04 to
    2262-04-11, the range of int64 nanoseconds since 1970), else a usage error."""
    if value is None:
        return None
    from leonet.timegrid import EARLIEST_TIME, LATEST_TIME, parse_utc

    try:
        when = parse_utc(value, "time")
    except ValueError as exc:
        raise typer.BadParameter(safe_text(str(exc).removeprefix("time: "))) from None
    if not EARLIEST_TIME <= when < LATEST_TIME:
        raise typer.BadParameter(
            f"{safe_text(value)} is outside the times leonet can simulate "
            f"({EARLIEST_TIME:%Y-%m-%d} to {LATEST_TIME:%Y-%m-%d})"
        )
    return value


def output_file(path: Path | None, option: str) -> Path | None:
    """``path`` checked as a file to write: not a folder, its folder existing and writable."""
    if path is None:
        return None
    if path.is_dir():
        raise ValueError(
            f"{option} {str(path)!r} is a folder; give a file name to write, "
            f"e.g. {str(path / 'out.parquet')!r}"
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ValueError(
            f"{option} {str(path)!r}: the folder {str(parent)!r} does not exist; create it first"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(
            f"{option} {str(path)!r}: the folder {str(parent)!r} is not writable; "
            "choose another path"
        )
    return path


def output_dir(path: Path | None, option: str) -> Path | None:
    """``path`` checked as a folder to write into (it need not exist yet): not a file, and
    the nearest existing folder above it writable."""
    if path is None:
        return None
    if path.exists() and not path.is_dir():
        raise ValueError(
            f"{option} {str(path)!r} is a file; give a folder (it is created if missing)"
        )
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        raise ValueError(f"{option} {str(path)!r}: {str(existing)!r} is a file, not a folder")
    if existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(
            f"{option} {str(path)!r}: the folder {str(existing)!r} is not "
            "writable; choose another --out"
        )
    return path


def progress_bar(transient: bool = False) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=transient,
    )
