"""Shared pieces of the scenario schema: the frozen, extra-forbidding model base, scenario
times (:data:`TimeRef`), coordinates with units, and checks of files and regions."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
)

from leonet.ground.regions import NAMED_REGIONS, find_region
from leonet.timegrid import EARLIEST_TIME, LATEST_TIME, parse_duration_s, parse_utc

__all__ = ["TimeRef", "time_ref_ns"]

_NS = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=False)


def _base_dir(info: ValidationInfo) -> Path | None:
    ctx = info.context if isinstance(info.context, dict) else None
    base = ctx.get("base_dir") if ctx else None
    return Path(base) if base is not None else None


def _resolve_file(
    text: str, info: ValidationInfo, what: str, suffixes: tuple[str, ...] = ()
) -> str:
    """``text`` as an absolute path to an existing file (relative to the scenario's folder)."""
    path = Path(text).expanduser()
    base = _base_dir(info)
    if not path.is_absolute():
        if base is None:
            raise ValueError(
                f"{what} {text!r} is a relative path, but this scenario has no folder to "
                "resolve it against; give an absolute path or load the scenario from a file"
            )
        path = base / path
    if not path.is_file():
        raise ValueError(
            f"{what} file {str(path)!r} does not exist; check the path (relative "
            "paths are taken from the scenario file's folder)"
        )
    if suffixes and path.suffix.lower() not in suffixes:
        raise ValueError(f"{what} {str(path)!r}: expected a {' or '.join(suffixes)} file")
    return str(path.resolve())


def _by_type(**tags: str) -> Callable[[Any], str | None]:
    """A discriminator that picks a union member from the Python type of the input."""

    def pick(value: Any) -> str | None:
        if isinstance(value, BaseModel):
            return tags.get("model", tags.get("dict"))
        for kind, tag in tags.items():
            if kind == "dict" and isinstance(value, dict):
                return tag
            if kind == "list" and isinstance(value, list | tuple):
                return tag
            if kind == "str" and isinstance(value, str):
                return tag
        return None

    return pick


# ------------------------------------------------------------------- times
def _time_ref(value: Any) -> Any:
    """An offset in seconds (float) from ``'+20m'`` / a number, or an aware UTC datetime."""
    if isinstance(value, bool):
        raise ValueError(
            f"expected a time, got {value!r}; write '+20m' (after the start) or "
            "an ISO 8601 UTC time such as '2026-05-30T12:20:00Z'"
        )
    if isinstance(value, int | float):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"a time offset must be >= 0 seconds after the start, got {value!r}")
        return _offset_in_range(float(value), value)
    if isinstance(value, datetime):
        return _utc(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("+"):
            body = text[1:].strip()
            number = body.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
            try:
                if float(number) == 0.0:
                    return 0.0
            except ValueError:
                pass
            return _offset_in_range(parse_duration_s(body, field=f"offset {text!r}"), text)
        return _utc(text)
    raise ValueError(f"expected a time such as '+20m' or '2026-05-30T12:20:00Z', got {value!r}")


def _in_clock_range(when: datetime, raw: object) -> datetime:
    if not EARLIEST_TIME <= when < LATEST_TIME:
        raise ValueError(
            f"{raw!s} is outside the times leonet can simulate ({EARLIEST_TIME:%Y-%m-%d} to "
            f"{LATEST_TIME:%Y-%m-%d}: int64 nanoseconds since 1970); give a time in that range"
        )
    return when


def _offset_in_range(seconds: float, raw: object) -> float:
    span = (LATEST_TIME - EARLIEST_TIME).total_seconds()
    if seconds > span:
        raise ValueError(
            f"offset {raw!s} is {seconds / 86_400 / 365.25:.3g} years: beyond the "
            "times leonet can simulate (int64 nanoseconds since 1970)"
        )
    return seconds


def _utc(value: datetime | str) -> datetime:
    """An aware datetime whose offset is zero: leonet scenarios are written in UTC."""
    if not isinstance(value, str | datetime):
        raise ValueError(
            f"expected an ISO 8601 UTC time such as '2026-05-30T12:00:00Z', got {value!r}"
        )
    raw = value.strip() if isinstance(value, str) else value
    try:
        parsed = parse_utc(raw, field="time")
    except ValueError as exc:
        raise ValueError(str(exc).removeprefix("time: ")) from None
    original = (
        datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        if isinstance(raw, str)
        else raw
    )
    if original.utcoffset() != timedelta(0):
        raise ValueError(
            f"{raw!s} is not UTC (offset {original.utcoffset()}); scenarios are written in "
            f"UTC — write {parsed.strftime('%Y-%m-%dT%H:%M:%S')}Z"
        )
    return _in_clock_range(parsed, raw)


def _dump_time(value: datetime | float) -> str | float:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")
    return value


#: A scenario time: an aware UTC ``datetime`` or an offset in seconds (``float``) from the start.
TimeRef = Annotated[
    datetime | float,
    BeforeValidator(_time_ref),
    PlainSerializer(_dump_time, return_type=str | float),
]


def time_ref_ns(ref: datetime | float, start: datetime) -> int:
    """``ref`` (absolute UTC or seconds after ``start``) as int64 ns since 1970-01-01 UTC."""
    when = ref if isinstance(ref, datetime) else start + timedelta(seconds=float(ref))
    delta = when - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * _NS + delta.microseconds * 1_000


# ------------------------------------------------------------ coordinates
Latitude = Annotated[float, Field(strict=True, ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(strict=True, ge=-180, lt=360, allow_inf_nan=False)]
Height = Annotated[float, Field(strict=True, ge=-0.5, le=100, allow_inf_nan=False)]


def _check_region(value: str, info: ValidationInfo) -> str:
    text = value.strip()
    if Path(text).suffix.lower() in (".geojson", ".json"):
        return _resolve_file(text, info, "region")
    if text.casefold() in NAMED_REGIONS:
        return text
    try:
        find_region(text)
    except KeyError as exc:
        raise ValueError(str(exc)) from None
    return text


BoxLongitude = Annotated[float, Field(strict=True, ge=-180, le=180, allow_inf_nan=False)]
