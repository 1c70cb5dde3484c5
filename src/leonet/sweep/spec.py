"""A sweep file: a base scenario, the parameters to vary, seeds and metrics.

::

    name: satellite-loss
    description: availability as 0-50 % of the satellites fail
    base: quick                          # a bundled scenario, or a file beside this one
    set: {time.duration: 30m}            # fixed changes to the base (dotted paths)
    parameters:
      - path: faults.satellites[0].fraction
        values: [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]      # or range: / distribution:
        label: share of satellites lost
    seeds: 5                             # each variant with 5 seeds (or a list of seeds)
    metrics: [availability, rtt_p50_ms]
    quick: {set: {time.duration: 2m}, seeds: 2}    # what --quick changes

Loaded like a scenario (:func:`load_sweep`): unknown keys, wrong types, an unknown
parameter path, an empty range or a distribution with impossible bounds are each a
:class:`SweepError` naming the file, the line and the field, before any work starts.
"""

from __future__ import annotations

import difflib
import math
import typing
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from leonet.scenario import Problem, Scenario, load_scenario, scenario_names

__all__ = [
    "METRICS",
    "Distribution",
    "Parameter",
    "QuickSpec",
    "Range",
    "SweepError",
    "SweepSpec",
    "load_sweep",
    "sweep_names",
    "sweep_text",
]

_PRESETS = "leonet.sweep.presets"

#: The run metrics a sweep can summarise (the numbers of ``leonet.results.run_summary``).
METRICS = (
    "availability",
    "area_coverage",
    "rtt_p05_ms",
    "rtt_p50_ms",
    "rtt_p95_ms",
    "busy_rtt_p50_ms",
    "down_p05_mbps",
    "down_p50_mbps",
    "up_p50_mbps",
    "area_rtt_p50_ms",
    "area_rtt_p95_ms",
    "area_down_p05_mbps",
    "area_down_p50_mbps",
)


class SweepError(ValueError):
    """A sweep file that cannot be used; ``problems`` lists each, with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = f"{len(problems)} problems in the sweep:\n" if len(problems) > 1 else ""
        super().__init__(head + "\n".join(str(p) for p in problems))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Model):
    """Evenly spaced values from ``start`` to ``stop`` (both included), ``step`` apart or
    ``num`` of them."""

    start: float
    stop: float
    step: float | None = None
    num: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _not_empty(self) -> Range:
        if (self.step is None) == (self.num is None):
            raise ValueError("give exactly one of step or num")
        if self.step is not None:
            if self.step == 0 or not math.isfinite(self.step):
                raise ValueError(f"step {self.step} never reaches stop: give a non-zero step")
            if (self.stop - self.start) / self.step < 0:
                raise ValueError(
                    f"the range is empty: from {self.start:g} a step of "
                    f"{self.step:g} moves away from {self.stop:g}; swap start "
                    "and stop or change the step's sign"
                )
        return self

    def values(self) -> list[float]:
        if self.num is not None:
            return [float(v) for v in _linspace(self.start, self.stop, self.num)]
        assert self.step is not None
        count = math.floor((self.stop - self.start) / self.step + 1e-9) + 1
        return [round(self.start + k * self.step, 12) for k in range(count)]


def _linspace(start: float, stop: float, num: int) -> list[float]:
    if num == 1:
        return [start]
    return [start + (stop - start) * k / (num - 1) for k in range(num)]


class Distribution(_Model):
    """Random values: ``uniform`` or ``loguniform`` between ``low`` and ``high``, or
    ``normal`` with ``mean`` and ``sd`` (kept between ``low`` and ``high`` when given)."""

    kind: Literal["uniform", "loguniform", "normal"]
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    sd: float | None = None

    @model_validator(mode="after")
    def _possible(self) -> Distribution:
        if self.kind in ("uniform", "loguniform"):
            if self.low is None or self.high is None:
                raise ValueError(f"a {self.kind} distribution needs low and high")
            if self.mean is not None or self.sd is not None:
                raise ValueError(f"a {self.kind} distribution takes low and high, not mean/sd")
            if self.kind == "loguniform" and self.low <= 0:
                raise ValueError(f"loguniform needs 0 < low (got low={self.low:g})")
        else:
            if self.mean is None or self.sd is None:
                raise ValueError("a normal distribution needs mean and sd")
            if not self.sd > 0:
                raise ValueError(f"sd must be > 0 (got {self.sd:g})")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(
                f"impossible bounds: low ({self.low:g}) must be below high ({self.high:g})"
            )
        if self.kind == "normal" and self.mean is not None and self.sd is not None:
            import scipy.stats

            lo = -math.inf if self.low is None else self.low
            hi = math.inf if self.high is None else self.high
            mass = float(
                scipy.stats.norm.cdf(hi, self.mean, self.sd)
                - scipy.stats.norm.cdf(lo, self.mean, self.sd)
            )
            if mass < 1e-6:
                raise ValueError(
                    f"impossible bounds: [{lo:g}, {hi:g}] holds almost none "
                    f"(p = {mass:.1e}) of normal(mean={self.mean:g}, "
                    f"sd={self.sd:g}); move the bounds or the mean"
                )
        return self

    def draw(self, count: int, seed: int) -> list[float]:
        """``count`` values from the seeded generator (the same ``seed``, the same values)."""
        import numpy as np
        import scipy.stats

        rng = np.random.default_rng(seed)
        if self.kind == "uniform":
            assert self.low is not None and self.high is not None
            out = rng.uniform(self.low, self.high, count)
        elif self.kind == "loguniform":
            assert self.low is not None and self.high is not None
            out = np.exp(rng.uniform(math.log(self.low), math.log(self.high), count))
        else:
            assert self.mean is not None and self.sd is not None
            lo = -math.inf if self.low is None else (self.low - self.mean) / self.sd
            hi = math.inf if self.high is None else (self.high - self.mean) / self.sd
            out = scipy.stats.truncnorm.rvs(
                lo, hi, loc=self.mean, scale=self.sd, size=count, random_state=rng
            )
        return [float(v) for v in out]


class Parameter(_Model):
    """One varied place in the scenario: ``path`` and exactly one of ``values``,
    ``range`` or ``distribution`` (with ``samples``).  ``quick_values`` replace the
    values under ``--quick``; ``label`` titles its axis in the report; ``shown`` gives,
    for each value, the number the report plots (e.g. a distance for a latitude)."""

    path: str
    values: list[Any] | None = Field(default=None, min_length=1)
    range: Range | None = None
    distribution: Distribution | None = None
    samples: int | None = Field(default=None, ge=1)
    quick_values: list[Any] | None = Field(default=None, min_length=1)
    label: str | None = None
    shown: list[float] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Parameter:
        given = [k for k in ("values", "range", "distribution") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of values, range or distribution; got "
                f"{', '.join(given) or 'none'}"
            )
        if (self.distribution is None) != (self.samples is None):
            raise ValueError("samples (how many draws) goes with distribution, and only there")
        if self.shown is not None and len(self.shown) != len(self.all_values(quick=False)):
            raise ValueError(
                f"shown has {len(self.shown)} numbers for "
                f"{len(self.all_values(quick=False))} values: give one per value"
            )
        return self

    def all_values(self, *, quick: bool, seed: int = 0) -> list[Any]:
        """The values of this parameter (``seed`` draws a distribution's)."""
        if quick and self.quick_values is not None:
            return list(self.quick_values)
        if self.values is not None:
            return list(self.values)
        if self.range is not None:
            return self.range.values()
        assert self.distribution is not None and self.samples is not None
        return self.distribution.draw(self.samples, seed)

    @property
    def title(self) -> str:
        return self.label or self.path


class QuickSpec(_Model):
    """What ``--quick`` changes: more fixed changes (``set``), fewer ``seeds``."""

    set: dict[str, Any] = Field(default_factory=dict)
    seeds: int | list[int] | None = None


class SweepSpec(_Model):
    """A whole sweep (see the module's docstring)."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    base: str = Field(min_length=1)
    set: dict[str, Any] = Field(default_factory=dict)
    parameters: list[Parameter] = Field(min_length=1)
    combine: Literal["grid", "zip"] = "grid"
    seeds: int | list[int] = 1
    metrics: list[str] = Field(default_factory=lambda: ["availability", "rtt_p50_ms"], min_length=1)
    confidence: float = Field(default=0.95, gt=0, lt=1)
    resamples: int = Field(default=2000, ge=100)
    random_seed: int = Field(default=0, ge=0)
    run_reports: bool = False
    quick: QuickSpec = Field(default_factory=QuickSpec)

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, metrics: list[str]) -> list[str]:
        unknown = [m for m in metrics if m not in METRICS]
        if unknown:
            close = difflib.get_close_matches(unknown[0], METRICS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ValueError(f"unknown metric {unknown[0]!r}; {hint}metrics: {', '.join(METRICS)}")
        return metrics

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        for seeds in (self.seeds, self.quick.seeds):
            if isinstance(seeds, int) and seeds < 1:
                raise ValueError(f"seeds {seeds}: give 1 or more (or a list of seeds)")
            if isinstance(seeds, list) and (not seeds or len(set(seeds)) != len(seeds)):
                raise ValueError("seeds: give distinct seeds, at least one")
        paths = [p.path for p in self.parameters]
        if len(set(paths)) != len(paths):
            raise ValueError("a path is varied twice: give each parameter once")
        if self.combine == "zip":
            lengths = {len(p.all_values(quick=False)) for p in self.parameters}
            if len(lengths) > 1:
                raise ValueError(
                    f"combine: zip needs as many values for each parameter; "
                    f"they have {sorted(lengths)}"
                )
        return self


# ------------------------------------------------------------------ loading
class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (scenario times stay text)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise SweepError(
                [
                    Problem(
                        source,
                        None,
                        "",
                        "the file is empty; start from `leonet sweep --show satellite-loss`",
                    )
                ]
            )
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise SweepError(
            [Problem(source, mark.line + 1 if mark else None, "", f"not valid YAML: {what}")]
        ) from None
    finally:
        loader.dispose()
    return data, node


def _node_at(root: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[yaml.Node | None, str]:
    """The deepest node ``loc`` reaches, and ``loc`` as a dotted path."""
    node, path = root, ""
    for item in loc:
        if isinstance(item, int):
            path += f"[{item}]"
            if isinstance(node, yaml.SequenceNode) and 0 <= item < len(node.value):
                node = node.value[item]
        else:
            path += f".{item}" if path else str(item)
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if getattr(k, "value", None) == item), node)
    return node, path


def _key_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((k for k, _ in node.value if getattr(k, "value", None) == key), None)
    return None


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the model at ``loc`` accepts (for "did you mean")."""
    model: Any = SweepSpec
    for item in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        if isinstance(item, int):
            continue
        field = model.model_fields.get(item)
        if field is None:
            return []
        model = next(
            (
                a
                for a in _flatten(field.annotation)
                if isinstance(a, type) and issubclass(a, BaseModel)
            ),
            None,
        )
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _flatten(tp: Any) -> list[Any]:
    args = typing.get_args(tp)
    return [m for a in args for m in _flatten(a)] if args else [tp]


def _validation_problems(
    exc: ValidationError, root: yaml.Node | None, source: str
) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        node, path = _node_at(root, loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            node = _key_node(_node_at(root, loc[:-1])[0], key) or node
            valid = _fields_at(loc[:-1])
            close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            message = f"unknown key {key!r}; {hint}valid keys here: {', '.join(valid)}"
        elif kind == "missing":
            message = f"required key {str(loc[-1])!r} is missing"
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            value = err.get("input")
            if kind != "value_error" and isinstance(value, str | int | float | bool):
                message += f" (got {value!r})"
        line = node.start_mark.line + 1 if node is not None else None
        problem = Problem(source, line, path, message)
        if problem not in problems:
            problems.append(problem)
    return problems


def _path_problems(
    spec: SweepSpec, base: Scenario, root: yaml.Node | None, source: str
) -> list[Problem]:
    """Each parameter and ``set`` path checked against the base scenario's data."""
    from leonet.sweep.paths import path_problem

    data = base.model_dump(mode="json")
    found: list[Problem] = []
    checks: list[tuple[tuple[Any, ...], str]] = [
        (("parameters", k, "path"), p.path) for k, p in enumerate(spec.parameters)
    ]
    checks += [(("set", key), key) for key in spec.set]
    checks += [(("quick", "set", key), key) for key in spec.quick.set]
    for loc, path in checks:
        message = path_problem(data, path)
        if message is not None:
            node, dotted = _node_at(root, loc)
            if loc[0] != "parameters":
                node = _key_node(_node_at(root, loc[:-1])[0], path) or node
            found.append(
                Problem(
                    source, node.start_mark.line + 1 if node else None, dotted, f"{path}: {message}"
                )
            )
    return found


def sweep_names() -> list[str]:
    """The bundled sweeps (``satellite-loss``, …), sorted."""
    return sorted(
        p.name.removesuffix(".yaml")
        for p in resources.files(_PRESETS).iterdir()
        if p.name.endswith(".yaml") and not p.name.startswith("base-")
    )


def sweep_text(name: str) -> str:
    """The YAML text of a bundled sweep (to print, or copy and edit)."""
    key = name.strip().lower().removesuffix(".yaml")
    if key not in sweep_names():
        close = difflib.get_close_matches(key, sweep_names(), n=2, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise LookupError(f"no bundled sweep {name!r}.{hint} Bundled: {', '.join(sweep_names())}")
    return (resources.files(_PRESETS) / f"{key}.yaml").read_text(encoding="utf-8")


def load_sweep(path_or_name: str | PathLike[str]) -> tuple[SweepSpec, Scenario]:
    """A sweep from a YAML file or a bundled name, and its base scenario.

    ``base`` is a bundled scenario name or a file taken from the sweep file's folder.
    Every problem (schema, parameter paths, ranges, distributions, the base scenario
    itself) is raised together as a :class:`SweepError` naming the file and line.
    """
    spec_text = str(path_or_name)
    path = Path(spec_text).expanduser()
    if path.suffix.lower() not in (".yaml", ".yml") and not path.is_file():
        key = spec_text.strip().lower()
        text = sweep_text(key)
        source = f"sweep {key!r} (leonet/sweep/presets/{key}.yaml)"
        folder = Path(str(resources.files(_PRESETS)))
    else:
        if not path.is_file():
            raise FileNotFoundError(
                f"no sweep file {spec_text!r}; bundled sweeps: {', '.join(sweep_names())}"
            )
        text, source, folder = path.read_text(encoding="utf-8"), str(path), path.parent
    data, root = _read(text, source)
    if not isinstance(data, dict):
        raise SweepError(
            [
                Problem(
                    source,
                    1,
                    "",
                    f"expected a mapping (name, base, parameters, …), got {type(data).__name__}",
                )
            ]
        )
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise SweepError(_validation_problems(exc, root, source)) from None
    base_path = folder / spec.base
    is_file = Path(spec.base).suffix.lower() in (".yaml", ".yml")
    if not is_file and spec.base.strip().lower() not in scenario_names():
        node, _ = _node_at(root, ("base",))
        raise SweepError(
            [
                Problem(
                    source,
                    node.start_mark.line + 1 if node else None,
                    "base",
                    f"no bundled scenario {spec.base!r} (bundled: "
                    f"{', '.join(scenario_names())}); or give a .yaml file",
                )
            ]
        )
    base = load_scenario(base_path if is_file else spec.base)
    problems = _path_problems(spec, base, root, source)
    if problems:
        raise SweepError(problems)
    return spec, base
