"""A file of application profiles (``apps: [...]``, the scenario's key on its own), read
with the scenario loader's located errors (file, line, field)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from leonet.scenario.appspec import AppProfiles, AppProfileSpec
from leonet.scenario.loader import Problem, ScenarioError, _problems, _read_text, _read_yaml

__all__ = ["load_profile_file", "profiles_from_text"]


class _ProfileFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    apps: AppProfiles


def profiles_from_text(text: str, source: str) -> list[AppProfileSpec]:
    """The profiles of YAML ``text`` (``apps: [...]``); errors name ``source`` and lines."""
    data, root = _read_yaml(text, source)
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    source,
                    1,
                    "",
                    "expected a mapping with one key, 'apps:', "
                    f"holding a list of profiles; got {type(data).__name__}",
                )
            ]
        )
    if set(data) != {"apps"}:
        line = next((k.start_mark.line + 1 for k, _ in getattr(root, "value", ())), 1)
        raise ScenarioError(
            [
                Problem(
                    source,
                    line,
                    "",
                    "expected one key, 'apps:', holding a list of profiles; got "
                    f"{', '.join(repr(str(k))[:40] for k in data) or 'none'}",
                )
            ]
        )
    try:
        return list(_ProfileFile.model_validate(data).apps)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, root, source)) from None


def load_profile_file(path: str | os.PathLike[str]) -> list[AppProfileSpec]:
    """The profiles of a file ``apps: [...]``; errors name the file, line and field."""
    file = Path(path)
    return profiles_from_text(_read_text(file), str(file))
