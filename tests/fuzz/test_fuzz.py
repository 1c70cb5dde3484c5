"""The fuzz suite: ~450 hostile inputs to every command and the scenario schema.

All cases run once, in one subprocess under a 3 GiB address-space cap
(``run_cases.py``); each case is then one test here, asserting: no traceback, no escape
character reaching the console, and — by its ``expect`` — a non-zero exit naming the
field/option/file, or exit 0 with the warning it must show.  Cases owned by the
``runfolder`` branch assert only "no traceback".
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("fuzz_cases", HERE / "cases.py")
assert _spec is not None and _spec.loader is not None
cases = importlib.util.module_from_spec(_spec)
sys.modules["fuzz_cases"] = cases
_spec.loader.exec_module(cases)
Case, all_cases = cases.Case, cases.all_cases
EXAMPLES = 150


@pytest.fixture(scope="session")
def fuzz_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    scratch = tmp_path_factory.mktemp("fuzz")
    out = scratch / "answers.json"
    env = dict(os.environ)
    src = str(HERE.parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, env.get("PYTHONPATH", "")])
    env["COLUMNS"] = "200"
    proc = subprocess.run(
        [sys.executable, str(HERE / "run_cases.py"), str(scratch), str(out), str(EXAMPLES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"the fuzz runner died (memory cap?):\n{proc.stderr[-3000:]}"
    data = json.loads(out.read_text())
    data["by_id"] = {a["id"]: a for a in data["answers"]}
    return data


def _cases() -> list:
    # The ids and expectations only; the runner writes its own files.
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return all_cases(Path(tmp))


CASES = _cases()


def test_there_are_at_least_200_cases_across_every_command() -> None:
    assert len(CASES) >= 200
    commands = {c.argv[0] for c in CASES}
    assert {
        "validate",
        "run",
        "route",
        "coverage",
        "link",
        "propagate",
        "query",
        "report",
        "scenario",
        "constellation",
    } <= commands
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case, fuzz_results: dict) -> None:  # type: ignore[no-untyped-def]
    answer = fuzz_results["by_id"][case.id]
    output = answer["output"]
    assert answer["crash"] is None, f"{case.argv}: crashed:\n{answer['crash']}"
    assert "Traceback" not in output, f"{case.argv}: traceback:\n{output}"
    for bad in case.forbid:
        assert bad not in output, f"{case.argv}: {bad!r} reached the console:\n{output!r}"
    if case.expect == "error":
        assert answer["exit_code"] not in (0, None), f"{case.argv}: accepted:\n{output}"
        assert "error" in output.lower(), output
    elif case.expect == "ok":
        assert answer["exit_code"] == 0, f"{case.argv}: refused:\n{output}"
    flat = " ".join(output.split())
    for name in case.names:
        assert name in output or name in flat, f"{case.argv}: {name!r} not named:\n{output}"


def test_hypothesis_fields_are_refused_clearly_or_accepted_honestly(fuzz_results: dict) -> None:
    fuzz = fuzz_results["hypothesis"]
    assert fuzz["failure"] is None, fuzz["failure"]
    assert fuzz["examples"] >= EXAMPLES // 2
    assert fuzz["refused"] >= fuzz["examples"] // 2  # they are mostly nonsense


def test_the_runner_stayed_under_its_memory_cap(fuzz_results: dict) -> None:
    assert fuzz_results["peak_rss_kb"] * 1024 < 3 * 1024**3
