"""Dotted paths into a scenario: ``faults.jammers[0].eirp_dbw``, ``time.duration``.

A path names one place in a scenario's data (the mapping its YAML reads into, every
default written out).  A key that reaches a list without an index applies to every
entry of the list: ``faults.satellites.fraction`` sets the fraction of each satellite
fault.  :func:`path_problem` says what is wrong with a path for a given base (unknown
key, with a "did you mean"; index out of range; a section the base does not have)
before anything runs; :func:`set_path` writes a value there.
"""

from __future__ import annotations

import copy
import difflib
import re
from typing import Any

__all__ = ["parse_path", "path_problem", "set_path"]

_SEGMENT = r"[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*"
_PATH = re.compile(rf"{_SEGMENT}(?:\.{_SEGMENT})*")
_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_path(path: str) -> tuple[str | int, ...]:
    """``'faults.jammers[0].eirp_dbw'`` → ``('faults', 'jammers', 0, 'eirp_dbw')``.

    Raises ``ValueError`` for text that is not a dotted path of keys and ``[index]``es.
    """
    text = path.strip()
    if not _PATH.fullmatch(text):
        raise ValueError(
            f"{path!r} is not a dotted path: write keys joined by '.' and "
            "list entries as [N], e.g. faults.jammers[0].eirp_dbw"
        )
    return tuple(key if key else int(index) for key, index in _TOKEN.findall(text))


def path_problem(data: Any, path: str) -> str | None:
    """What is wrong with ``path`` in ``data`` (a scenario's ``model_dump``), or ``None``."""
    try:
        items = parse_path(path)
    except ValueError as exc:
        return str(exc)
    return _problem(data, items, "")


def _problem(node: Any, items: tuple[str | int, ...], done: str) -> str | None:
    if not items:
        return None
    item, rest = items[0], items[1:]
    if isinstance(item, int):
        if not isinstance(node, list):
            return f"{done or 'the scenario'} is not a list: drop [{item}]"
        if not 0 <= item < len(node):
            return (
                f"{done}[{item}]: the base scenario has {len(node)} entr"
                f"{'y' if len(node) == 1 else 'ies'} in {done}; index from 0 to "
                f"{len(node) - 1}"
                if node
                else f"{done} is empty in the base scenario: add an entry there first"
            )
        return _problem(node[item], rest, f"{done}[{item}]")
    if isinstance(node, list):
        if not node:
            return f"{done} is empty in the base scenario: add an entry there first"
        for k, entry in enumerate(node):
            found = _problem(entry, items, f"{done}[{k}]")
            if found is not None:
                return found
        return None
    where = f"{done}.{item}" if done else item
    if not isinstance(node, dict):
        return f"{done} is a value ({node!r}), not a section: it has no key {item!r}"
    if item not in node:
        close = difflib.get_close_matches(item, list(node), n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown key {item!r} in {done or 'the scenario'}; {hint}keys there: " + ", ".join(
            sorted(node)
        )
    if rest and node[item] is None:
        return f"{where} is not set in the base scenario: set it there (or set {where} whole)"
    return _problem(node[item], rest, where)


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``value`` at ``path`` (every entry of a list reached
    without an index).  The path must be valid (:func:`path_problem` is ``None``)."""
    out = copy.deepcopy(data)
    _set(out, parse_path(path), value)
    return out


def _set(node: Any, items: tuple[str | int, ...], value: Any) -> None:
    item, rest = items[0], items[1:]
    if isinstance(node, list) and isinstance(item, str):
        for entry in node:
            _set(entry, items, value)
        return
    if not rest:
        node[item] = copy.deepcopy(value)
        return
    _set(node[item], rest, value)
