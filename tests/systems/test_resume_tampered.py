"""Resuming a multi-system run whose ``systems/NAME`` was tampered with: a link pointing
outside the run, or another system's finished sub-run put in its place, is refused in one
line naming the folder (before, the link was written through and the foreign sub-run's
tables were combined as this system's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leonet.engine.systems import run_systems, system_dir
from leonet.scenario import validate

SCENARIO = {
    "name": "tampered",
    "time": {"start": "2026-05-30T12:00:00Z", "duration": 20, "step_s": 10},
    "ground": {"terminals": [{"name": "kyiv", "lat_deg": 50.45, "lon_deg": 30.52}]},
    "network": {"mode": "bent-pipe"},
    "systems": [
        {
            "name": name,
            "constellations": [{"geostationary": {"name": name, "longitudes_deg": [lon]}}],
            "ground": {
                "gateways": {"bundled": True, "operator": "ka-sat"},
                "pops": {"bundled": True, "operator": "ka-sat"},
            },
        }
        for name, lon in (("east", 9.0), ("west", 7.0))
    ],
    "subscriptions": {"default": ["east", "west"]},
    "outputs": {"report": False},
}


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run") / "out"
    assert run_systems(validate(SCENARIO), out, workers=1).complete
    return out


def _copy(finished: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(finished, out, symlinks=True)
    return out


def test_an_untouched_finished_run_resumes(finished: Path, tmp_path: Path) -> None:
    out = _copy(finished, tmp_path)
    assert run_systems(validate(SCENARIO), out, resume=True, workers=1).complete


@pytest.mark.parametrize("which", ["system", "systems"])
def test_a_link_in_place_of_a_systems_folder_is_refused(
    finished: Path, tmp_path: Path, which: str
) -> None:
    out = _copy(finished, tmp_path)
    outside = tmp_path / "outside"
    link = system_dir(out, "west") if which == "system" else out / "systems"
    shutil.move(link, outside)
    link.symlink_to(outside, target_is_directory=True)
    if which == "system":
        shutil.rmtree(outside)
        outside.mkdir()  # an empty folder outside: the sub-run would be redone into it
    with pytest.raises(ValueError, match="is a symbolic link") as err:
        run_systems(validate(SCENARIO), out, resume=True, workers=1)
    assert str(link) in str(err.value)
    if which == "system":
        assert list(outside.iterdir()) == []  # nothing written through the link


def test_another_systems_sub_run_in_its_place_is_refused(finished: Path, tmp_path: Path) -> None:
    out = _copy(finished, tmp_path)
    shutil.rmtree(system_dir(out, "west"))
    shutil.copytree(system_dir(out, "east"), system_dir(out, "west"))
    with pytest.raises(ValueError, match="holds a run of another scenario") as err:
        run_systems(validate(SCENARIO), out, resume=True, workers=1)
    assert str(system_dir(out, "west")) in str(err.value) and "tampered-east" in str(err.value)
