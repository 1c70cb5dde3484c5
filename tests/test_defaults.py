"""leonet.defaults: one home for the model's assumed numbers, each with its source."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import leonet
from leonet import defaults
from leonet.ground import Gateways
from leonet.network import GroundNodes, plus_grid_links
from leonet.radio.parameters import SATELLITES
from leonet.scenario.schema import NetworkSpec
from leonet.space import WalkerShell

SRC = Path(leonet.__file__).resolve().parent

# Parameter or field names whose default belongs in leonet.defaults, by pattern.
OWNED = {
    r"min_elevation_deg$": defaults.DEFAULT_MIN_ELEVATION_DEG,
    r"(max_laser_range_km|max_range_km)$": defaults.DEFAULT_MAX_LASER_RANGE_KM,
    r"(min_laser_altitude_km|min_altitude_km)$": defaults.DEFAULT_MIN_LASER_ALTITUDE_KM,
    r"route_factor$": defaults.DEFAULT_ROUTE_FACTOR,
}


def test_all_is_sorted_and_each_default_says_its_source_or_that_it_is_assumed() -> None:
    assert defaults.__all__ == sorted(defaults.__all__)
    lines = Path(defaults.__file__).read_text().splitlines()
    for name in defaults.__all__:
        (at,) = [i for i, line in enumerate(lines) if line.startswith(f"{name} = ")]
        comment = []
        for line in reversed(lines[:at]):
            if not line.startswith("#:"):
                break
            comment.append(line)
        text = " ".join(comment)
        assert "Source:" in text or "Assumption:" in text, f"{name}: say its source"


def test_the_layers_default_to_these_values() -> None:
    assert WalkerShell("s", 550.0, 53.0, 2, 2).min_elevation_deg == (
        defaults.DEFAULT_MIN_ELEVATION_DEG
    )
    nodes = GroundNodes.from_geodetic(
        gateway_lat_deg=[50.0],
        gateway_lon_deg=[30.0],
        terminal_lat_deg=[50.0],
        terminal_lon_deg=[31.0],
    )
    assert nodes.gateway_min_elevation_deg.tolist() == [defaults.DEFAULT_GATEWAY_MIN_ELEVATION_DEG]
    assert nodes.terminal_min_elevation_deg.tolist() == [defaults.DEFAULT_MIN_ELEVATION_DEG]
    assert nodes.gateway_antennas.tolist() == [defaults.DEFAULT_GATEWAY_KA_ANTENNAS]
    gw = Gateways(["g"], [50.0], [30.0])
    assert gw.ka_antennas.tolist() == [defaults.DEFAULT_GATEWAY_KA_ANTENNAS]
    spec = NetworkSpec()
    assert spec.max_laser_range_km == defaults.DEFAULT_MAX_LASER_RANGE_KM
    assert spec.route_factor == defaults.DEFAULT_ROUTE_FACTOR
    assert SATELLITES["gen1"].user_beams == defaults.GEN1_USER_BEAMS
    assert SATELLITES["gen2-mini"].user_beams == defaults.GEN2_MINI_USER_BEAMS
    import inspect

    params = inspect.signature(plus_grid_links).parameters
    assert params["max_range_km"].default == defaults.DEFAULT_MAX_LASER_RANGE_KM


def _literal_defaults(tree: ast.AST) -> list[tuple[str, object, int]]:
    """(name, literal, line) of each numeric literal given as the default of a parameter,
    a class field or a pydantic ``Field(default=...)``."""
    found: list[tuple[str, object, int]] = []

    def literal(node: ast.AST | None) -> object:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Field":
            for kw in node.keywords:
                if kw.arg == "default":
                    return literal(kw.value)
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            positional = [*args.posonlyargs, *args.args]
            pairs = list(
                zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
            )
            pairs += [
                (a, d)
                for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
                if d is not None
            ]
            found += [(a.arg, literal(d), d.lineno) for a, d in pairs]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            found.append((node.target.id, literal(node.value), node.lineno))
    return [f for f in found if f[1] is not None]


def test_no_module_spells_an_owned_default_as_a_literal() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path.name == "defaults.py":
            continue
        for name, value, line in _literal_defaults(ast.parse(path.read_text())):
            for pattern, owned in OWNED.items():
                if re.search(pattern, name) and value == owned:
                    offenders.append(f"{path.relative_to(SRC)}:{line} {name}={value}")
    assert not offenders, f"use the name from leonet.defaults: {offenders}"


def test_the_literal_check_finds_a_literal_default() -> None:
    tree = ast.parse(
        "def f(x, min_elevation_deg: float = 25.0, *, route_factor=1.5): ...\n"
        "class S:\n    max_laser_range_km: float = Field(default=5_400.0)\n"
    )
    assert _literal_defaults(tree) == [
        ("min_elevation_deg", 25.0, 1),
        ("route_factor", 1.5, 1),
        ("max_laser_range_km", 5400.0, 3),
    ]
