"""Reading scenarios: YAML text → validated :class:`~leonet.scenario.schema.Scenario`.

Errors name the file, the line, the field path and what is expected::

    ukraine.yaml, line 7: time.step_s: Input should be greater than 0 (got -1)
    ukraine.yaml, line 12: ground.cells.resolutoin: unknown key; did you mean 'resolution'?

Line numbers come from the YAML node tree (``yaml.compose``): pydantic's error
location is walked down that tree to the deepest node it names.  Unknown keys
get a "did you mean" from the keys the model at that place accepts (difflib).
YAML timestamps are *not* converted by the loader (times stay text and are
read by the schema, which insists on UTC); duplicate keys are errors.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import types
import typing
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from leonet.ground.sites import UnknownNameError
from leonet.scenario.schema import Scenario
from leonet.scenario.systems import system_problems

__all__ = [
    "Problem",
    "ScenarioError",
    "load_scenario",
    "scenario_hash",
    "scenario_names",
    "scenario_text",
    "validate",
    "with_overrides",
]

_PRESETS = "leonet.scenario.presets"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario: where (``source``, ``line``, dotted ``path``) and what."""

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.source + (f", line {self.line}" if self.line is not None else "")
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists each, with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = f"{len(problems)} problems in the scenario:\n" if len(problems) > 1 else ""
        super().__init__(head + "\n".join(str(p) for p in problems))


# ------------------------------------------------------------------- YAML
class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps (the schema reads times itself)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


#: The most YAML nodes a scenario may expand to, aliases followed (a "billion laughs" of
#: nested aliases expands exponentially).  The bundled scenarios have a few hundred; long
#: lists of terminals belong in a CSV/GeoJSON file (``ground.terminals: [{file: ...}]``).
MAX_YAML_NODES = 100_000

#: The largest scenario file read, bytes.
MAX_SCENARIO_BYTES = 4 * 1024 * 1024


def _expanded_size(node: yaml.Node, source: str) -> int:
    """Nodes in the tree ``node`` expands to with every alias followed, counted without
    expanding it (each shared node once, memoised); a recursive alias is an error."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        n, done = stack.pop()
        key = id(n)
        if done:
            on_path.discard(key)
            children = _children(n)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), 2 * MAX_YAML_NODES)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        n.start_mark.line + 1,
                        "",
                        "an alias refers "
                        "to a node that contains it (a recursive alias); "
                        "write the values out",
                    )
                ]
            )
        on_path.add(key)
        stack.append((n, True))
        stack.extend((c, False) for c in _children(n) if id(c) not in sizes)
    return sizes[id(node)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [x for pair in node.value for x in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _reader_error(exc: yaml.YAMLError, text: str, source: str) -> ScenarioError:
    """The reader's error (a character YAML does not allow) naming the line."""
    what = getattr(exc, "reason", None) or str(exc).splitlines()[0]
    at = text[: getattr(exc, "position", 0) or 0].count("\n") + 1
    return ScenarioError(
        [Problem(source, at, "", f"not valid YAML text: {what}; a scenario is a UTF-8 text file")]
    )


def _read_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise _reader_error(exc, text, source) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        None,
                        "",
                        "the file is empty; start from `leonet scenario show ukraine`",
                    )
                ]
            )
        if _expanded_size(node, source) > MAX_YAML_NODES:
            raise ScenarioError(
                [
                    Problem(
                        source,
                        None,
                        "",
                        (
                            f"the YAML expands to more than {MAX_YAML_NODES:,} values once its "
                            "aliases (*name) are followed; use fewer or shallower aliases, and "
                            "put long lists of terminals in a CSV or GeoJSON file"
                        ),
                    )
                ]
            )
        dup = _duplicate_key(node)
        if dup is not None:
            key, line = dup
            raise ScenarioError(
                [
                    Problem(
                        source, line, "", f"key {key!r} appears twice in the same mapping; keep one"
                    )
                ]
            )
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark is not None else None
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        raise ScenarioError([Problem(source, at, "", f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:  # the reader's: characters YAML does not allow
        raise _reader_error(exc, text, source) from None
    finally:
        loader.dispose()
    return data, node


def _duplicate_key(node: yaml.Node) -> tuple[str, int] | None:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in n.value:
                if isinstance(k, yaml.ScalarNode):
                    if k.value in seen:
                        return str(k.value), k.start_mark.line + 1
                    seen.add(k.value)
                stack.append(v)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return None


def _walk(root: yaml.Node | None, loc: tuple[Any, ...]) -> tuple[yaml.Node | None, list[Any]]:
    """The deepest YAML node ``loc`` reaches and the loc items that named real places.

    Items that name nothing in the YAML (pydantic's union tags) are dropped,
    except a last key of a mapping (a missing key), which is kept.
    """
    node = root
    kept: list[Any] = []
    for pos, item in enumerate(loc):
        last = pos == len(loc) - 1
        if isinstance(item, str) and _is_tag(item):
            continue
        if isinstance(node, yaml.MappingNode) and isinstance(item, str):
            hit = next((v for k, v in node.value if getattr(k, "value", None) == item), None)
            if hit is not None:
                node = hit
                kept.append(item)
            elif last:
                kept.append(item)
            continue
        if isinstance(node, yaml.SequenceNode) and isinstance(item, int):
            if 0 <= item < len(node.value):
                node = node.value[item]
            kept.append(item)
            continue
        if root is None:
            kept.append(item)
    return node, kept


def _key_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((k for k, _ in node.value if getattr(k, "value", None) == key), None)
    return None


def _is_tag(item: str) -> bool:
    """Union tags in pydantic locations: ours contain ':', pydantic's name a type."""
    return (
        ":" in item
        or "[" in item
        or item.startswith("constrained-")
        or item in ("float", "int", "str", "bool", "list")
    )


def _dotted(items: list[Any]) -> str:
    out = ""
    for item in items:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else str(item))
    return out


# ------------------------------------------------------ field suggestions
def _members(tp: Any) -> list[Any]:
    """``tp`` with Annotated / Optional / unions unwrapped into plain members."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _members(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(tp) for m in _members(a)]
    if tp is type(None):
        return []
    return [tp]


def _tagged(tp: Any, tag: str) -> list[Any]:
    """The union members of ``tp`` annotated with ``Tag(tag)``."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        if any(getattr(m, "tag", None) == tag for m in meta):
            return [base]
        return _tagged(base, tag)
    if origin in (typing.Union, types.UnionType, list):
        return [m for a in typing.get_args(tp) for m in _tagged(a, tag)]
    return []


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The keys the model(s) at ``loc`` accept (for 'did you mean')."""
    current: list[Any] = [Scenario]
    for item in loc:
        if isinstance(item, str) and _is_tag(item):
            tagged = [m for t in current for m in _tagged(t, item)]
            current = tagged or current
            continue
        nxt: list[Any] = []
        for tp in (m for t in current for m in _members(t)):
            origin = typing.get_origin(tp)
            if isinstance(item, int) and origin in (list, tuple):
                nxt.extend(a for a in typing.get_args(tp) if a is not Ellipsis)
            elif isinstance(item, str) and isinstance(tp, type) and issubclass(tp, BaseModel):
                if item in tp.model_fields:
                    nxt.append(tp.model_fields[item].annotation)
            elif isinstance(item, str) and origin is dict:
                nxt.append(typing.get_args(tp)[1])
        if nxt:
            current = nxt
    names: list[str] = []
    for tp in (m for t in current for m in _members(t)):
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            names.extend(n for n in tp.model_fields if n not in names)
    return names


# ------------------------------------------------------------- validation
def _message(err: Any, valid_keys: list[str]) -> str:
    kind = err["type"]
    loc = err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, valid_keys, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key {key!r}; {hint}valid keys here: {', '.join(valid_keys)}"
    if kind == "missing":
        return f"required key {str(loc[-1])!r} is missing"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    value = err.get("input")
    if kind != "value_error" and isinstance(value, str | int | float | bool) and value is not None:
        msg += f" (got {value!r})"
    return msg


#: Pydantic's "wrong type for this union member" errors (dropped beside a telling one).
_OTHER_MEMBER_TYPES = frozenset(
    {"dict_type", "list_type", "model_type", "model_attributes_type", "float_type", "string_type"}
)


def _untagged(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(item for item in loc if not (isinstance(item, str) and _is_tag(item)))


def _problems(exc: ValidationError, root: yaml.Node | None, source: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[int | None, str, str]] = set()
    errors = exc.errors(include_url=False)
    # A value that one member of a union (``number | {shell: number}``) refuses for its
    # range is also "not a dictionary" to the other: keep only the telling error.
    telling = [_untagged(tuple(e["loc"])) for e in errors if e["type"] not in _OTHER_MEMBER_TYPES]
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] in _OTHER_MEMBER_TYPES and any(
            t[: len(_untagged(loc))] == _untagged(loc) for t in telling
        ):
            continue
        node, kept = _walk(root, loc)
        valid: list[str] = []
        if err["type"] == "extra_forbidden":
            valid = _fields_at(loc[:-1])
            node = _key_node(node, str(loc[-1])) or node
        line = node.start_mark.line + 1 if node is not None else None
        path = _dotted(kept)
        message = _message(err, valid)
        if (line, path, message) not in seen:
            seen.add((line, path, message))
            problems.append(Problem(source, line, path, message))
    return problems


def validate(
    data: Any,
    *,
    base_dir: str | PathLike[str] | None = None,
    source: str = "<dict>",
    root: yaml.Node | None = None,
) -> Scenario:
    """Validate ``data`` into a :class:`Scenario`, then check its cross-references
    (gateway, PoP and track names, area names, intervals, tracks); raises
    :class:`ScenarioError` listing every problem (with lines when ``root`` is given)."""
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                Problem(
                    source,
                    1 if root is not None else None,
                    "",
                    f"expected a mapping of sections (name, time, "
                    f"constellations, …), got {type(data).__name__}",
                )
            ]
        )
    context = {"base_dir": Path(base_dir) if base_dir is not None else None}
    try:
        scenario = Scenario.model_validate(data, context=context)
    except ValidationError as exc:
        raise ScenarioError(_problems(exc, root, source)) from None
    found = system_problems(scenario)
    if found:
        problems = []
        for loc, message in found:
            node, kept = _walk(root, loc)
            line = node.start_mark.line + 1 if node is not None else None
            problems.append(Problem(source, line, _dotted(kept), message))
        problems.sort(key=lambda p: p.line or 0)
        raise ScenarioError(problems)
    return scenario


# ------------------------------------------------------------ public API
def scenario_names() -> list[str]:
    """The bundled scenario presets (``ukraine``, …), sorted."""
    return sorted(
        p.name.removesuffix(".yaml")
        for p in resources.files(_PRESETS).iterdir()
        if p.name.endswith(".yaml")
    )


def scenario_text(name: str) -> str:
    """The YAML text of a bundled preset (to print, or copy and edit)."""
    key = name.strip().lower().removesuffix(".yaml")
    if key not in scenario_names():
        close = difflib.get_close_matches(key, scenario_names(), n=2, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise UnknownNameError(
            f"no bundled scenario {name!r}.{hint} Bundled: {', '.join(scenario_names())}"
        )
    return (resources.files(_PRESETS) / f"{key}.yaml").read_text(encoding="utf-8")


def load_scenario(path_or_name: str | PathLike[str]) -> Scenario:
    """A scenario from a YAML file or a bundled preset name (``'ukraine'``).

    Relative paths inside a file are taken from the file's folder.  Errors
    are :class:`ScenarioError` naming the file, line, field and the fix.
    """
    text_spec = str(path_or_name)
    path = Path(text_spec).expanduser()
    is_file_like = path.suffix.lower() in (".yaml", ".yml") or path.is_file()
    if not is_file_like and text_spec.strip().lower() in scenario_names():
        key = text_spec.strip().lower()
        text = scenario_text(key)
        source = f"preset {key!r} (leonet/scenario/presets/{key}.yaml)"
        data, root = _read_yaml(text, source)
        return validate(data, base_dir=None, source=source, root=root)
    if not text_spec.strip():
        raise ValueError(f"give a scenario file or a bundled name ({', '.join(scenario_names())})")
    if path.is_dir():
        raise ValueError(
            f"{text_spec!r} is a folder; give a scenario YAML file (or a bundled "
            f"name: {', '.join(scenario_names())})"
        )
    if not path.is_file():
        close = difflib.get_close_matches(text_spec.lower(), scenario_names(), n=2, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise FileNotFoundError(
            f"no scenario file {text_spec!r} and no bundled scenario of that name.{hint} "
            f"Bundled: {', '.join(scenario_names())}"
        )
    text = _read_text(path)
    data, root = _read_yaml(text, str(path))
    return validate(data, base_dir=path.resolve().parent, source=str(path), root=root)


def _read_text(path: Path) -> str:
    """The scenario file's text: UTF-8, at most :data:`MAX_SCENARIO_BYTES`."""
    size = path.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    None,
                    "",
                    (
                        f"the file is {size / 2**20:.1f} MiB; a scenario is at most "
                        f"{MAX_SCENARIO_BYTES // 2**20} MiB of YAML (put long lists of "
                        "terminals in a CSV or GeoJSON file)"
                    ),
                )
            ]
        )
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [
                Problem(
                    str(path),
                    line,
                    "",
                    (f"byte {exc.start} is not UTF-8 ({exc.reason}); save the file as UTF-8"),
                )
            ]
        ) from None


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical JSON: sorted keys, no spaces, every
    default written out, paths absolute.  Equal scenarios give equal hashes however
    their YAML was laid out; any change to a value changes it."""
    data = scenario.model_dump(mode="json")
    if not data.get("apps"):  # no profiles of its own: the hash it had before apps: existed
        data.pop("apps", None)
    for key in ("systems", "subscriptions"):  # one system: the hash it had before systems:
        if data.get(key) is None:
            data.pop(key, None)
    canonical = json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def with_overrides(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of ``scenario`` with changes, re-validated (cross-references too):
    ``duration`` (s or ``'10m'``), ``step_s``, ``start``, ``chunk_steps`` (the ``time``
    fields), ``seed``, ``name`` or ``description``.

    >>> short = with_overrides(load_scenario("quick"), duration="10m", step_s=5)
    >>> short.time.duration_s, short.time.step_s
    (600.0, 5.0)
    """
    time_keys = {"duration", "duration_s", "step_s", "start", "chunk_steps"}
    top_keys = {"seed", "name", "description"}
    unknown = set(changes) - time_keys - top_keys
    if unknown:
        raise TypeError(
            f"with_overrides: unknown {sorted(unknown)}; give any of {sorted(time_keys | top_keys)}"
        )
    data = scenario.model_dump(mode="json", exclude_none=False)
    for key, value in changes.items():
        if key in time_keys:
            data["time"]["duration" if key == "duration_s" else key] = value
        else:
            data[key] = value
    return validate(data, base_dir=None, source=f"{scenario.name} with overrides")
