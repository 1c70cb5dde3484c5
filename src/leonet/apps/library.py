"""The application profile library: the bundled profiles, a user's profile file and a run's
scenario ``apps:``, validated with the scenario loader's located errors."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

from leonet.scenario.appfile import load_profile_file, profiles_from_text
from leonet.scenario.appspec import AppProfileSpec

__all__ = ["bundled_profiles", "is_profile_file", "load_profile_file", "run_profiles"]

_BUNDLED = "profiles.yaml"


def bundled_profiles() -> list[AppProfileSpec]:
    """leonet's bundled profiles (``leonet/apps/profiles.yaml``), in file order."""
    text = (resources.files("leonet.apps") / _BUNDLED).read_text(encoding="utf-8")
    return profiles_from_text(text, "leonet/apps/profiles.yaml")


def is_profile_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a YAML file whose only top-level key is ``apps:`` (a profile
    file rather than a scenario)."""
    file = Path(path)
    if not file.is_file() or file.suffix.lower() not in (".yaml", ".yml"):
        return False
    keys = {
        line.split(":", 1)[0].strip()
        for line in file.read_text(errors="replace").splitlines()
        if line[:1].isalpha()
    }
    return keys == {"apps"}


def run_profiles(
    run_dir: str | os.PathLike[str] | None = None, extra: list[AppProfileSpec] | None = None
) -> list[AppProfileSpec]:
    """The bundled profiles, then the run's scenario ``apps:`` (from its ``scenario.json``),
    then ``extra``; a later profile replaces an earlier one of the same name."""
    chosen: dict[str, AppProfileSpec] = {p.name: p for p in bundled_profiles()}
    if run_dir is not None:
        saved = Path(run_dir) / "scenario.json"
        if saved.is_file():
            data: Any = json.loads(saved.read_text())
            for item in data.get("apps", []) if isinstance(data, dict) else []:
                profile = AppProfileSpec.model_validate(item)
                chosen[profile.name] = profile
    for profile in extra or []:
        chosen[profile.name] = profile
    return list(chosen.values())
