"""A sweep expanded into runs: each variant (one value per parameter) at each seed.

A variant's scenario is the base with the sweep's fixed ``set`` changes, the variant's
values and the seed written at their dotted paths, validated like any scenario.  A
variant whose values make no valid scenario is kept with its error (``error``): it is
recorded as failed and the others go on.  Seeds are shared between variants (variant
``k`` at seed ``s`` draws the same random satellites as variant ``j`` at seed ``s``
where the parameters allow), so differences between variants are not blurred by
different draws.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from leonet.scenario import Scenario, ScenarioError, scenario_hash, validate
from leonet.sweep.paths import set_path
from leonet.sweep.spec import Parameter, SweepSpec

__all__ = ["SweepRun", "expand"]


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep: ``variant`` (its index) at ``seed``, with the varied
    ``params`` (path → value) and its validated ``scenario`` as plain data, or the
    ``error`` that kept it from being one."""

    variant: int
    seed: int
    params: dict[str, Any]
    scenario: dict[str, Any] | None
    digest: str = ""
    error: str | None = None
    shown: dict[str, float] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The run's folder name: ``v0003-s2`` (variant 3, seed 2)."""
        return f"v{self.variant:04d}-s{self.seed}"


def _seeds(spec: SweepSpec, base: Scenario, quick: bool) -> list[int]:
    seeds = spec.quick.seeds if quick and spec.quick.seeds is not None else spec.seeds
    if isinstance(seeds, list):
        return list(seeds)
    return [base.seed + k for k in range(seeds)]


def _points(spec: SweepSpec, quick: bool) -> list[tuple[int, ...]]:
    """Each variant as indices into the parameters' value lists."""
    sizes = [
        len(p.all_values(quick=quick, seed=spec.random_seed + k))
        for k, p in enumerate(spec.parameters)
    ]
    if spec.combine == "zip":
        return [tuple([i] * len(sizes)) for i in range(min(sizes))]
    return list(itertools.product(*[range(n) for n in sizes]))


def expand(spec: SweepSpec, base: Scenario, *, quick: bool = False) -> list[SweepRun]:
    """Every run of the sweep, variant by variant, seed by seed.

    ``quick`` applies the sweep's ``quick:`` changes and ``quick_values``.
    """
    data = base.model_dump(mode="json")
    fixed = dict(spec.set) | (dict(spec.quick.set) if quick else {})
    for path, value in fixed.items():
        data = set_path(data, path, value)
    data = set_path(data, "outputs.report", spec.run_reports)
    values = [
        p.all_values(quick=quick, seed=spec.random_seed + k) for k, p in enumerate(spec.parameters)
    ]
    runs: list[SweepRun] = []
    for variant, point in enumerate(_points(spec, quick)):
        params = {
            p.path: values[k][i]
            for k, (p, i) in enumerate(zip(spec.parameters, point, strict=True))
        }
        shown = {
            p.path: _shown(p, values[k][i], spec.random_seed + k)
            for k, (p, i) in enumerate(zip(spec.parameters, point, strict=True))
        }
        varied = data
        for path, value in params.items():
            varied = set_path(varied, path, value)
        for seed in _seeds(spec, base, quick):
            one = dict(varied, seed=seed, name=f"{spec.name}-v{variant:04d}-s{seed}")
            label = ", ".join(f"{k}={v!r}" for k, v in params.items())
            try:
                scenario = validate(
                    one, base_dir=None, source=f"variant {variant} ({label}), seed {seed}"
                )
            except (ScenarioError, ValueError) as exc:
                runs.append(SweepRun(variant, seed, params, None, error=str(exc), shown=shown))
                continue
            runs.append(
                SweepRun(
                    variant,
                    seed,
                    params,
                    scenario.model_dump(mode="json"),
                    scenario_hash(scenario),
                    shown=shown,
                )
            )
    return runs


def _shown(parameter: Parameter, value: Any, seed: int) -> float:
    """The number the report plots for ``value``: its ``shown`` counterpart, else itself."""
    if parameter.shown is not None:
        full = parameter.all_values(quick=False, seed=seed)
        if value in full:
            return float(parameter.shown[full.index(value)])
    return _number(value)


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
