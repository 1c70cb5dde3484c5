"""No module of leonet can run code while it loads data (issue 16): none imports a
module that deserialises code or objects, and none loads NumPy files with pickles allowed.

Read from the source's syntax trees, so an import inside a function or under a
condition counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import leonet

SRC = Path(leonet.__file__).parent
#: Modules whose loading may run code: pickle and its relatives, and libraries on top.
FORBIDDEN = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "joblib"}


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _findings(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] if node.level == 0 else []
        elif isinstance(node, ast.Call):
            names = []
            target = node.func
            dynamic = (isinstance(target, ast.Name) and target.id == "__import__") or (
                isinstance(target, ast.Attribute) and target.attr == "import_module"
            )
            if dynamic and node.args and isinstance(node.args[0], ast.Constant):
                names = [str(node.args[0].value)]
            for keyword in node.keywords:
                if keyword.arg == "allow_pickle" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                ):
                    found.append(f"line {node.lineno}: allow_pickle={ast.unparse(keyword.value)}")
        else:
            continue
        found += [
            f"line {node.lineno}: imports {name}"
            for name in names
            if name.split(".")[0] in FORBIDDEN
        ]
    return found


def test_there_are_modules_to_check():
    assert len(_modules()) > 100 and SRC / "engine" / "pipeline.py" in _modules()


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_a_deserialiser_or_allows_pickles(path):
    assert _findings(ast.parse(path.read_text(encoding="utf-8"), str(path))) == []


@pytest.mark.parametrize(
    "source, finding",
    [
        ("import pickle", "line 1: imports pickle"),
        ("import os, marshal as m", "line 1: imports marshal"),
        ("from shelve import open", "line 1: imports shelve"),
        ("def f():\n    import dill.source", "line 2: imports dill.source"),
        ("x = __import__('pickle')", "line 1: imports pickle"),
        ("importlib.import_module('cloudpickle')", "line 1: imports cloudpickle"),
        ("np.load(path, allow_pickle=True)", "line 1: allow_pickle=True"),
        ("np.load(path, allow_pickle=flag)", "line 1: allow_pickle=flag"),
    ],
)
def test_the_check_catches_each_way_in(source, finding):
    assert _findings(ast.parse(source)) == [finding]


@pytest.mark.parametrize(
    "source",
    ["np.load(path, allow_pickle=False)", "from . import pickled_names", "import pickletools_x"],
)
def test_the_check_passes_safe_code(source):
    assert _findings(ast.parse(source)) == []
