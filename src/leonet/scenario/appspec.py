"""Application profiles as scenario data: what an application needs from the link.

A profile names an application and, for each requirement it has, two thresholds: the value
at which the application *works* as intended and the value past which it *fails* (between
the two it is *degraded*).  Rates are "at least" requirements (``down_mbps``, ``up_mbps``:
``fails <= works``); the others are "at most" (``rtt_ms``, ``jitter_ms``, ``loss_pct``,
``break_s``: ``works <= fails``).  ``break_s.works`` is the longest break the application
rides through unnoticed, ``break_s.fails`` how long a break may last before it fails.  A
requirement left out is not checked.  Every requirement carries its ``source``; an
``assumption: true`` marks a number that is a modelling choice rather than a citation.
"""

from __future__ import annotations

import math
from typing import Annotated, Self

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from leonet.scenario._base import _Model

__all__ = ["AT_LEAST", "AT_MOST", "AppProfileSpec", "AppProfiles", "RequirementSpec"]

#: Requirements that must be at least their threshold (rates, Mb/s).
AT_LEAST: tuple[str, ...] = ("down_mbps", "up_mbps")
#: Requirements that must be at most their threshold.
AT_MOST: tuple[str, ...] = ("rtt_ms", "jitter_ms", "loss_pct", "break_s")


class RequirementSpec(_Model):
    """One requirement: the ``works`` and ``fails`` thresholds and where they come from."""

    works: float = Field(strict=True, ge=0)
    fails: float = Field(strict=True, ge=0)
    source: str = Field(min_length=1)
    assumption: bool = Field(strict=True, default=False)

    @model_validator(mode="after")
    def _finite(self) -> Self:
        if not (math.isfinite(self.works) and math.isfinite(self.fails)):
            raise ValueError(
                f"thresholds must be finite numbers (got works={self.works}, fails={self.fails})"
            )
        return self


class AppProfileSpec(_Model):
    """An application and its requirements (see the module docstring)."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = ""
    down_mbps: RequirementSpec | None = None
    up_mbps: RequirementSpec | None = None
    rtt_ms: RequirementSpec | None = None
    jitter_ms: RequirementSpec | None = None
    loss_pct: RequirementSpec | None = None
    break_s: RequirementSpec | None = None

    @field_validator(*AT_LEAST)
    @classmethod
    def _rate(cls, req: RequirementSpec | None, info: ValidationInfo) -> RequirementSpec | None:
        if req is not None and req.fails > req.works:
            raise ValueError(
                f"fails={req.fails:g} is above works={req.works:g}; {info.field_name} fails "
                "below 'fails' and works from 'works' up, so 'fails' must be at most 'works'"
            )
        return req

    @field_validator(*AT_MOST)
    @classmethod
    def _limit(cls, req: RequirementSpec | None, info: ValidationInfo) -> RequirementSpec | None:
        if req is not None and req.works > req.fails:
            raise ValueError(
                f"works={req.works:g} is above fails={req.fails:g}; {info.field_name} works "
                "up to 'works' and fails past 'fails', so 'works' must be at most 'fails'"
            )
        if req is not None and info.field_name == "loss_pct" and req.fails > 100:
            raise ValueError(
                f"fails={req.fails:g} is over 100 %; a packet loss is a percentage from 0 to 100"
            )
        return req

    @model_validator(mode="after")
    def _some(self) -> Self:
        if not any(getattr(self, key) is not None for key in (*AT_LEAST, *AT_MOST)):
            raise ValueError(
                f"profile {self.name!r} has no requirement; give at least one of "
                f"{', '.join((*AT_LEAST, *AT_MOST))}"
            )
        return self


def _unique(profiles: list[AppProfileSpec]) -> list[AppProfileSpec]:
    seen: set[str] = set()
    for profile in profiles:
        if profile.name in seen:
            raise ValueError(f"two profiles are named {profile.name!r}; give each its own name")
        seen.add(profile.name)
    return profiles


#: A list of profiles with distinct names (the scenario's ``apps:`` key).
AppProfiles = Annotated[list[AppProfileSpec], AfterValidator(_unique)]
