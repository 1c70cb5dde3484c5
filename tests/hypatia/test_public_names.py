"""The hypatia package's public surface: explicit, sorted, and complete."""

import importlib

import pytest

MODULES = ["inputs", "outputs", "run"]


def _isort_key(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


@pytest.mark.parametrize(
    "module",
    [
        "leonet.hypatia",
        *(f"leonet.hypatia.{m}" for m in MODULES),
        "leonet.network.allpairs",
        "leonet._numba",
    ],
)
def test_all_is_sorted_and_resolves(module):
    mod = importlib.import_module(module)
    assert mod.__all__ == sorted(mod.__all__, key=_isort_key)
    assert len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_package_reexports_every_module_name():
    package = importlib.import_module("leonet.hypatia")
    names = {n for m in MODULES for n in importlib.import_module(f"leonet.hypatia.{m}").__all__}
    assert names == set(package.__all__)
