"""The public surface: a sorted, importable __all__ at the top and in every layer."""

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import leonet

# Names a layer deliberately keeps in its module (file names, protocols).
NOT_REEXPORTED = {"leonet.ground": {"AreaLike", "GATEWAYS_FILE", "POPS_EUROPE_FILE"}}
# Modules kept out of a layer's facade on purpose.
NOT_IN_FACADE: set[str] = set()

LAYERS = [
    "leonet.space",
    "leonet.ground",
    "leonet.access",
    "leonet.engine",
    "leonet.results",
    "leonet.scenario",
    "leonet.policy",
    "leonet.faults",
    "leonet.network",
    "leonet.radio",
    "leonet.capacity",
    "leonet.report",
    "leonet.emulate",
    "leonet.apps",
]


def test_facade_all_is_sorted_unique_and_importable():
    assert len(set(leonet.__all__)) == len(leonet.__all__)
    assert leonet.__all__ == sorted(leonet.__all__)
    for name in leonet.__all__:
        assert getattr(leonet, name) is not None, name


def test_facade_offers_the_main_job_as_its_layers_objects():
    from leonet.engine import run_scenario
    from leonet.scenario import Scenario, load_scenario

    assert leonet.run_scenario is run_scenario
    assert leonet.load_scenario is load_scenario
    assert leonet.Scenario is Scenario
    for name in set(leonet.__all__) - {"__version__"}:
        layer = importlib.import_module(leonet._HOMES[name])
        assert getattr(leonet, name) is getattr(layer, name), name
        assert name in getattr(layer, "__all__", [name]), f"{layer.__name__} hides {name}"
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = leonet.no_such_name  # type: ignore[attr-defined]


def test_importing_the_facade_loads_no_layer():
    """``import leonet`` stays cheap (~20 ms, was ~5 s): the layers and their heavy
    dependencies load on first use of a name."""
    code = (
        "import sys, leonet; heavy = ('numpy', 'numba', 'pydantic', 'pyarrow', 'duckdb', "
        "'scipy', 'leonet.space', 'leonet.engine'); "
        "print([m for m in heavy if m in sys.modules])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(leonet.__file__).parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_exports_what_its_modules_export(layer):
    package = importlib.import_module(layer)
    folder = Path(package.__file__).parent
    for path in sorted(folder.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        if f"{layer}.{path.stem}" in NOT_IN_FACADE:
            continue
        module = importlib.import_module(f"{layer}.{path.stem}")
        names = getattr(module, "__all__", None)
        assert names is not None, f"{module.__name__} has no __all__"
        for name in names:
            assert hasattr(module, name), f"{module.__name__}.__all__ lists missing {name}"
            if name not in NOT_REEXPORTED.get(layer, set()):
                assert name in package.__all__, f"{layer} does not re-export {name}"


def test_readme_python_example_runs(tmp_path, monkeypatch):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    monkeypatch.chdir(tmp_path)  # the example writes runs/quick where it is run
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python example"
    for block in blocks:
        namespace: dict[str, object] = {}
        exec(compile(block, "README.md", "exec"), namespace)
        eph = namespace["eph"]
        assert eph.r_ecef_km.shape == (600, 10_395, 3)  # type: ignore[attr-defined]
        assert namespace["summary"].complete  # type: ignore[attr-defined]
        assert (tmp_path / "runs" / "quick" / "terminals.parquet").is_dir()
