"""The radio and capacity packages' public surface: explicit, sorted, complete."""

import importlib

import pytest

PACKAGES = {
    "leonet.radio": [
        "antenna",
        "atmosphere",
        "budget",
        "jam_map",
        "jamming",
        "links",
        "modcod",
        "parameters",
    ],
    "leonet.capacity": ["allocation", "beams", "demand", "speedtest", "throughput"],
}


def _isort_key(name: str) -> tuple[int, str]:
    kind = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name


@pytest.mark.parametrize(
    "module", [m for p, mods in PACKAGES.items() for m in (p, *(f"{p}.{x}" for x in mods))]
)
def test_all_is_sorted_and_resolves(module):
    mod = importlib.import_module(module)
    assert mod.__all__ == sorted(mod.__all__, key=_isort_key)
    assert len(set(mod.__all__)) == len(mod.__all__)
    for name in mod.__all__:
        assert hasattr(mod, name), name


@pytest.mark.parametrize("package", list(PACKAGES))
def test_package_reexports_every_module_name(package):
    pkg = importlib.import_module(package)
    modules = [importlib.import_module(f"{package}.{m}") for m in PACKAGES[package]]
    names = {n for mod in modules for n in mod.__all__}
    assert names == set(pkg.__all__)
