"""The ground package's public surface."""

from __future__ import annotations

import importlib

import pytest

import leonet.ground as ground

MODULES = [
    "cells",
    "gateways",
    "gazetteer",
    "geonames",
    "greatcircle",
    "operator_sites",
    "places",
    "population",
    "regions",
    "sites",
    "tracks",
]


def test_package_all_is_sorted_and_importable() -> None:
    assert ground.__all__ == sorted(ground.__all__, key=lambda n: (not n.isupper(), n))
    for name in ground.__all__:
        assert getattr(ground, name) is not None


@pytest.mark.parametrize("module", MODULES)
def test_module_all_exists_and_is_reexported(module: str) -> None:
    mod = importlib.import_module(f"leonet.ground.{module}")
    for name in mod.__all__:
        assert hasattr(mod, name)
    missing = {n for n in mod.__all__ if n not in ground.__all__}
    assert missing <= {"AreaLike", "GATEWAYS_FILE", "POPS_EUROPE_FILE"}


def test_unknown_name_message_is_not_quoted() -> None:
    with pytest.raises(KeyError) as err:
        ground.country("Ukrain")
    assert str(err.value).startswith("no country 'Ukrain'")
