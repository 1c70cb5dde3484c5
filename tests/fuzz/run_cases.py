"""Run every fuzz case in one process under a memory cap; write the answers as JSON.

``python tests/fuzz/run_cases.py SCRATCH_DIR OUT.json [EXAMPLES]``

The address space is capped (``RLIMIT_AS``, :data:`MEMORY_CAP_BYTES`) before leonet is
imported, so a case that blows memory up fails here (a ``MemoryError``, recorded, or the
process killed) instead of taking the machine down.  The commands run in-process through
typer's ``CliRunner`` (one import of leonet for ~250 cases keeps the suite fast); then
hypothesis throws random values at random scenario fields (``EXAMPLES`` of them).
"""

from __future__ import annotations

import copy
import json
import os
import resource
import sys
import traceback
from pathlib import Path
from typing import Any

MEMORY_CAP_BYTES = 3 * 1024**3

#: Scenario fields that hold numbers: ``true`` there must never be read as 1.
NUMERIC = {
    "duration",
    "step_s",
    "chunk_steps",
    "seed",
    "lat_deg",
    "lon_deg",
    "alt_km",
    "min_elevation_deg",
    "processing_delay_ms",
    "slot_s",
    "exceedance_percent",
    "offered_load_mbps",
    "resolution",
    "max_laser_range_km",
    "route_factor",
}

FUZZ_PATHS: list[tuple[Any, ...]] = [
    ("time", "start"),
    ("time", "duration"),
    ("time", "step_s"),
    ("time", "chunk_steps"),
    ("name",),
    ("seed",),
    ("description",),
    ("constellations", 0, "preset"),
    ("constellations", 0, "min_elevation_deg"),
    ("constellations", 0),
    ("ground", "terminals", 0, "lat_deg"),
    ("ground", "terminals", 0, "lon_deg"),
    ("ground", "terminals", 0, "alt_km"),
    ("ground", "terminals", 0, "name"),
    ("ground", "terminals", 0),
    ("ground", "terminals"),
    ("ground", "places"),
    ("ground", "cells"),
    ("ground", "mobile"),
    ("ground", "gateways"),
    ("network", "processing_delay_ms"),
    ("network", "mode"),
    ("network", "route_factor"),
    ("network", "max_laser_range_km"),
    ("scheduler", "slot_s"),
    ("scheduler", "strategy"),
    ("radio", "exceedance_percent"),
    ("capacity", "offered_load_mbps"),
    ("outputs", "report"),
    ("outputs", "cells_every"),
    ("policy",),
    ("faults",),
    ("time",),
]


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key] if isinstance(key, int) else node.setdefault(key, {})
    node[path[-1]] = value
    return data


def run_commands(scratch: Path) -> list[dict[str, Any]]:
    from cases import all_cases
    from typer.testing import CliRunner

    from leonet.cli import app

    runner = CliRunner()
    answers = []
    skip = set(os.environ.get("LEONET_FUZZ_SKIP", "").split(","))  # to measure old code
    for case in all_cases(scratch):
        if case.id in skip:
            answers.append({"id": case.id, "exit_code": None, "output": "", "crash": "skipped"})
            continue
        try:
            result = runner.invoke(app, list(case.argv), catch_exceptions=True)
            crash = None
            if result.exception is not None and not isinstance(result.exception, SystemExit):
                crash = "".join(traceback.format_exception(result.exception))
            answers.append(
                {
                    "id": case.id,
                    "exit_code": result.exit_code,
                    "output": result.output,
                    "crash": crash,
                }
            )
        except BaseException as exc:  # a MemoryError escaping the runner, say
            answers.append(
                {
                    "id": case.id,
                    "exit_code": None,
                    "output": "",
                    "crash": "".join(traceback.format_exception(exc)),
                }
            )
    return answers


def run_hypothesis(scratch: Path, examples: int) -> dict[str, Any]:
    import yaml
    from cases import BASE
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from leonet.scenario import ScenarioError, load_scenario

    try:
        from leonet.engine.limits import check_cost, scenario_cost
        from leonet.scenario import open_inputs
    except ImportError:  # measuring code from before the limits
        check_cost = scenario_cost = open_inputs = None  # type: ignore[assignment]

    tried: list[int] = [0, 0]  # examples, refused
    values = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=30),
        st.lists(st.integers(-5, 5), max_size=3),
        st.dictionaries(st.text(max_size=6), st.integers(-5, 5), max_size=2),
        st.sampled_from(
            [
                "+1h",
                "1e-9",
                "9999-01-01T00:00:00Z",
                "[/]",
                "\x1b[31m",
                "..",
                "2026-05-30T12:00:00Z",
                "Ukraine",
                "starlink",
                "-0",
                "nan",
            ]
        ),
    )

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(path=st.sampled_from(FUZZ_PATHS), value=values)
    def fuzz(path: tuple[Any, ...], value: Any) -> None:
        tried[0] += 1
        file = scratch / "hypothesis.yaml"
        file.write_text(
            yaml.safe_dump(_set(BASE, path, value), allow_unicode=True), encoding="utf-8"
        )
        try:
            scenario = load_scenario(file)
        except ScenarioError as exc:
            tried[1] += 1
            assert str(file) in str(exc), f"the error does not name the file: {exc}"
            return
        leaf = path[-1]
        assert not (isinstance(value, bool) and leaf in NUMERIC), (
            f"{'.'.join(map(str, path))}: {value!r} silently read as a number"
        )
        if open_inputs is None:
            return
        try:
            check_cost(scenario_cost(scenario, open_inputs(scenario)))
        except (ValueError, OSError):
            tried[1] += 1

    try:
        fuzz()
    except BaseException:
        return {"examples": tried[0], "refused": tried[1], "failure": traceback.format_exc()}
    return {"examples": tried[0], "refused": tried[1], "failure": None}


def main() -> None:
    scratch, out = Path(sys.argv[1]), Path(sys.argv[2])
    examples = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))
    sys.path.insert(0, str(Path(__file__).parent))
    answers = run_commands(scratch)
    fuzz = run_hypothesis(scratch, examples)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write_text(json.dumps({"answers": answers, "hypothesis": fuzz, "peak_rss_kb": peak_kb}))


if __name__ == "__main__":
    main()
