"""A run's carried state as plain arrays, and the input files a run depends on.

:class:`~leonet.engine.run.RunState` crosses chunk boundaries and is saved with each
checkpoint.  It is saved as named numeric arrays (``scheduler.*``, ``routes.*``,
``metrics.*``, ``region.*``; see each part's ``to_arrays``) that
:class:`~leonet.results.store.RunStore` writes to an NPZ read without pickle, so a
run folder is data and loading it cannot run code.  :func:`state_from_arrays` checks
every array against the state the scenario starts from (names, shapes, types) and
refuses a foreign or damaged one with a message naming the file.

:func:`input_digests` hashes the contents of every file the scenario references
(terminal CSV/GeoJSON files, TLE/OMM catalogues, region GeoJSON: every existing
file path in the validated scenario, where they are absolute); :func:`verify_inputs`
refuses to resume when one has changed since the run started.

:class:`CheckpointWriter` decides when to save: often enough that a kill loses little
work, rarely enough that checkpoints stay small next to the results they protect.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from leonet.access.metrics import RegionCoverageAccumulator, SiteMetricsAccumulator
from leonet.access.scheduler import SchedulerState
from leonet.atomic import file_sha256
from leonet.network.routing import Routes
from leonet.results.store import Checkpoint, RunFolderError, RunStore
from leonet.results.tables import CellRows

if TYPE_CHECKING:
    from leonet.scenario.schema import Scenario

__all__ = [
    "CarriedState",
    "CheckpointWriter",
    "input_digests",
    "state_from_arrays",
    "state_to_arrays",
    "verify_inputs",
]

_PARTS = ("scheduler", "routes", "metrics", "region")


class CarriedState(Protocol):
    """What a checkpoint carries: :class:`~leonet.engine.run.RunState`'s fields (a
    protocol, so that this module does not import the driver that imports it)."""

    next_chunk: int
    scheduler: SchedulerState | None
    routes: Routes | None
    metrics: SiteMetricsAccumulator
    region: RegionCoverageAccumulator | None
    open_cells: tuple[CellRows, ...]


S = TypeVar("S", bound=CarriedState)


#: Arrays the scenario determines (each cell's region and area): not saved, taken from
#: the run's initial state on resume.  At fine resolutions they were a third of a state.
_FROM_SCENARIO = ("region.region", "region.weight")
#: Integer types a saved array is narrowed to, smallest first.
_NARROW = tuple(np.dtype(t) for t in ("u1", "i1", "u2", "i2", "u4", "i4"))


def _narrowed(values: NDArray[Any]) -> NDArray[Any]:
    """``values`` in the smallest integer type that holds them all (integers only; the
    readers cast back): counts of steps and satellites are small, and the compressed
    file is ~3x smaller than of int64."""
    if values.dtype.kind not in "iu" or values.size == 0:
        return values
    low, high = int(values.min()), int(values.max())
    for dtype in _NARROW:
        if dtype.itemsize >= values.dtype.itemsize:
            break
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return values.astype(dtype)
    return values


def state_to_arrays(state: CarriedState) -> dict[str, NDArray[Any]]:
    """``state`` as named plain arrays: ``next_chunk`` and each present part's arrays
    under ``PART.NAME`` (a part that is ``None`` has no keys), integers in the smallest
    type that holds them, without what the scenario determines (``_FROM_SCENARIO``)."""
    out: dict[str, NDArray[Any]] = {"next_chunk": np.array(state.next_chunk, dtype=np.int64)}
    for part in _PARTS:
        value = getattr(state, part)
        if value is not None:
            out.update(
                {
                    f"{part}.{k}": _narrowed(np.asarray(v))
                    for k, v in value.to_arrays().items()
                    if f"{part}.{k}" not in _FROM_SCENARIO
                }
            )
    return out


def state_from_arrays(
    arrays: Mapping[str, NDArray[Any]], like: S, source: str | os.PathLike[str]
) -> S:
    """The state :func:`state_to_arrays` wrote, of ``like``'s type (a dataclass); ``like``
    is the run's initial state, whose shapes the accumulators must match; ``source`` names
    the file in errors."""

    def refuse(why: str) -> RunFolderError:
        return RunFolderError(
            f"{source} does not hold this run's state ({why}); the run "
            "cannot be resumed: run the scenario again with --overwrite"
        )

    for key, value in arrays.items():
        kind = np.asarray(value).dtype.kind
        if kind not in "biuf":
            raise refuse(f"{key!r} is of type {np.asarray(value).dtype}, not a number")
        if key in _FROM_SCENARIO:
            raise refuse(f"unknown entry {key!r}")
    if like.region is not None and any(k.startswith("region.") for k in arrays):
        given = like.region.to_arrays()
        arrays = {**arrays, **{k: given[k.partition(".")[2]] for k in _FROM_SCENARIO}}
    grouped: dict[str, dict[str, NDArray[Any]]] = {part: {} for part in _PARTS}
    for key, value in arrays.items():
        part, _, name = key.partition(".")
        if key != "next_chunk" and (part not in grouped or not name):
            raise refuse(f"unknown entry {key!r}")
        if name:
            grouped[part][name] = value
    readers: dict[str, Any] = {
        "scheduler": SchedulerState.from_arrays,
        "routes": Routes.from_arrays,
        "metrics": SiteMetricsAccumulator.from_arrays,
        "region": RegionCoverageAccumulator.from_arrays,
    }
    parts: dict[str, Any] = {}
    try:
        next_chunk = int(np.asarray(arrays["next_chunk"], dtype=np.int64))
        for part in _PARTS:
            parts[part] = readers[part](grouped[part]) if grouped[part] else None
    except KeyError as exc:
        raise refuse(f"{exc} is missing") from None
    except (ValueError, TypeError) as exc:
        raise refuse(str(exc)) from None
    for part in _PARTS:
        if parts[part] is not None:
            extra = sorted(set(grouped[part]) - set(parts[part].to_arrays()))
            if extra:
                raise refuse(f"unknown entry {part}.{extra[0]}")
    for part in ("metrics", "region"):
        template, got = getattr(like, part), parts[part]
        if (template is None) != (got is None):
            raise refuse(f"{part} is {'missing' if got is None else 'not expected'}")
        if template is not None:
            given = got.to_arrays()
            for key, value in template.to_arrays().items():
                if key in ("config", "steps", "n_region", "hist"):  # hist: from_arrays checks it
                    continue
                if np.shape(value) != np.shape(given[key]):
                    raise refuse(
                        f"{part}.{key} is {np.shape(given[key])}, this "
                        f"scenario's is {np.shape(value)}"
                    )
    scheduler = parts["scheduler"]
    n_sites = like.metrics.n_site
    if scheduler is not None and scheduler.n_terminal != n_sites:
        raise refuse(f"the scheduler holds {scheduler.n_terminal} sites, this scenario {n_sites}")
    if next_chunk < 0:
        raise refuse(f"next_chunk {next_chunk} is negative")
    replace: Any = dataclasses.replace
    out: S = replace(
        like,
        next_chunk=next_chunk,
        scheduler=scheduler,
        routes=parts["routes"],
        metrics=parts["metrics"],
        region=parts["region"],
    )
    return out


class CheckpointWriter:
    """Saves a run's checkpoints into ``store``, as often as keeps them small next to the
    results: after a chunk when the Parquet parts written since the last save reach
    ``ratio`` times the last state file's size, or ``every_s`` seconds have passed and
    they reach the state's size, and at the end of a session (``last``) or an
    interruption (:meth:`flush`).  So checkpoints write ~1/``ratio`` of the results'
    bytes, never more than the results however slow the chunks, and a kill loses the
    work of ~``ratio`` states' worth of parts: on the 2-vCPU VM a few seconds at the
    default H3 resolution 5, a few minutes at resolution 7 (docs/limits.md).
    Never while a slot of ``cells`` is open (its rows are not state: at fine resolutions
    they would be most of it): the next save waits for the slot's end.  A run killed
    between saves redoes the chunks after the last one, exactly (resume drops their parts).
    """

    def __init__(
        self,
        store: RunStore,
        scenario_hash: str,
        chunks: int,
        next_chunk: int,
        *,
        ratio: float = 8.0,
        every_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store, self.scenario_hash, self.chunks = store, scenario_hash, chunks
        self.ratio, self.every_s, self.clock = ratio, every_s, clock
        self.saved_chunk = next_chunk
        self.saves = 0
        self._saved_at = clock()
        self._state_bytes = 0
        self._parts_bytes = 0

    def wrote(self, path: Path) -> None:
        """Count a part file just written."""
        self._parts_bytes += path.stat().st_size

    def maybe_save(self, state: CarriedState, *, last: bool = False) -> bool:
        """Save ``state`` (its chunks' parts all written) if one is due; whether it saved."""
        if state.open_cells:
            return False
        due = (
            last
            or self._parts_bytes >= self.ratio * self._state_bytes
            or (
                self.clock() - self._saved_at >= self.every_s
                and self._parts_bytes >= self._state_bytes
            )
        )
        if due:
            self.save(state)
        return due

    def save(self, state: CarriedState) -> None:
        path = self.store.save_checkpoint(
            Checkpoint(self.scenario_hash, state.next_chunk, self.chunks, state_to_arrays(state))
        )
        self.saved_chunk = state.next_chunk
        self.saves += 1
        self._saved_at = self.clock()
        self._state_bytes = path.stat().st_size
        self._parts_bytes = 0

    def flush(self, state: CarriedState) -> None:
        """On an interruption between chunks: save ``state`` if it is ahead of the last
        save, quietly (the interruption is what the caller reports)."""
        if state.next_chunk > self.saved_chunk and not state.open_cells:
            with suppress(Exception):
                self.save(state)


def _referenced_files(value: Any) -> list[Path]:
    """Every absolute path of an existing file among the strings in ``value`` (a
    scenario's JSON form), sorted, once each."""
    found: set[Path] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str) and os.path.isabs(item) and "\n" not in item:
            path = Path(item)
            if path.is_file():
                found.add(path)
    return sorted(found)


def input_digests(scenario: Scenario) -> dict[str, str]:
    """Path → SHA-256 of the contents of every file ``scenario`` references."""
    return {str(p): file_sha256(p) for p in _referenced_files(scenario.model_dump(mode="json"))}


def verify_inputs(scenario: Scenario, recorded: Mapping[str, Any], source: str) -> None:
    """Refuse (naming the file) to resume when a file the run read at its start is missing
    or its contents changed; ``recorded`` is :func:`input_digests` at the start, as saved
    in ``source`` (the run's ``metadata.json``)."""
    if not isinstance(recorded, Mapping):
        raise RunFolderError(
            f"{source}: 'inputs' is damaged; the run cannot be resumed: run "
            "the scenario again with --overwrite"
        )
    now = input_digests(scenario)
    for path, digest in sorted(recorded.items()):
        if path not in now:
            raise RunFolderError(
                f"{path}, read when this run started, is gone: resuming would mix results "
                "from different inputs; restore the file, or run the scenario again with "
                "--overwrite"
            )
        if now[path] != digest:
            raise RunFolderError(
                f"{path} has changed since this run started (its contents differ): resuming "
                "would mix results from old and new inputs; restore the file, or run the "
                "scenario again with --overwrite"
            )
