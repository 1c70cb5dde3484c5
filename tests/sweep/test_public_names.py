"""leonet.sweep's surface: sorted __all__ in every module, all re-exported by the package."""

from __future__ import annotations

import importlib
from pathlib import Path

import leonet.sweep


def _isort(names: list[str]) -> list[str]:
    """Sorted as ruff's RUF022 sorts ``__all__``: CONSTANTS, then Classes, then functions."""
    return sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))


def test_every_module_has_a_sorted_all_and_the_package_reexports_it():
    assert leonet.sweep.__all__ == _isort(leonet.sweep.__all__)
    folder = Path(leonet.sweep.__file__).parent
    modules = sorted(p.stem for p in folder.glob("*.py") if not p.stem.startswith("_"))
    assert modules == ["bootstrap", "execute", "paths", "report", "results", "spec", "variants"]
    for stem in modules:
        module = importlib.import_module(f"leonet.sweep.{stem}")
        assert module.__all__ == _isort(module.__all__), stem
        for name in module.__all__:
            assert getattr(leonet.sweep, name) is getattr(module, name), name
