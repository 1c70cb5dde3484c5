"""The fuzz cases: hostile inputs to every command, each with what a correct answer shows.

A :class:`Case` is a command line (``{corpus}`` is ``tests/fuzz/corpus``, ``{tmp}`` a
scratch folder) and what must hold of the answer:

- ``expect="error"``: a non-zero exit whose output names each of ``names`` (the field,
  option or file) — a clear error, never silent acceptance;
- ``expect="ok"``: exit 0 and each of ``names`` in the output (e.g. a warning);
- ``expect="any"``: only "no traceback, no crash" — cases whose fix belongs to the
  ``runfolder`` branch (run-folder security, query sandbox, corrupt parts) before it
  merged; none is left.

In every case: no traceback, no escape character (``\\x1b``) or bell reaching the
console, and the whole run under a memory cap (``run_cases.py``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).parent / "corpus"


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    expect: str = "error"  # "error" | "ok" | "any"
    names: tuple[str, ...] = ()
    owner: str = "inputs"
    forbid: tuple[str, ...] = field(default=("\x1b", "\x07"))


def _c(
    id_: str, *argv: str, expect: str = "error", names: tuple[str, ...] = (), owner: str = "inputs"
) -> Case:
    return Case(id_, tuple(argv), expect, names, owner)


# ------------------------------------------------------------- scenario fields
def _moving(name: str, *points: tuple[Any, float, float]) -> list[dict[str, Any]]:
    """``ground.mobile``: one terminal ``name`` through ``(time, lat_deg, lon_deg)``."""
    waypoints = [{"time": t, "lat_deg": lat, "lon_deg": lon} for t, lat, lon in points]
    return [{"name": name, "waypoints": waypoints}]


BASE: dict[str, Any] = yaml.safe_load((CORPUS / "base.yaml").read_text())

#: (path into the scenario, hostile value, text the error must contain).
FIELD_MUTATIONS: list[tuple[tuple[Any, ...], Any, str]] = [
    *[
        (("time", "start"), v, "time.start")
        for v in (
            True,
            12,
            "yesterday",
            "2026-05-30T12:00:00",
            "2026-05-30T12:00:00+02:00",
            "9999-01-01T00:00:00Z",
            "1900-01-01T00:00:00Z",
            None,
            [],
            {},
            "2026-13-45T99:99:99Z",
        )
    ],
    *[
        (("time", "duration"), v, "duration")
        for v in (
            True,
            0,
            -5,
            "1y",
            "nan",
            float("inf"),
            "1e400",
            None,
            [1],
            "abc",
            "-1h",
            "99999999999d",
        )
    ],
    *[
        (("time", "step_s"), v, "time.step_s")
        for v in (
            True,
            False,
            0,
            -1,
            "1",
            float("nan"),
            float("inf"),
            None,
            [],
            "1s",
            {"a": 1},
            1e-10,
        )
    ],
    *[(("time", "chunk_steps"), v, "time.chunk_steps") for v in (0, -1, True, 1.5, "x")],
    (("time", "extra"), 1, "time.extra"),
    *[
        (("name",), v, "name")
        for v in ("", "../x", "a/b", "..", None, ["x"], "x" * 500, "a\x1b[31mb")
    ],
    *[(("seed",), v, "seed") for v in (-1, True, 1.5, 2**64, "x")],
    *[
        (("constellations",), v, "constellations")
        for v in (
            [],
            None,
            "starlink",
            [{}],
            [{"preset": "nope"}],
            [{"catalogue": "nope"}],
            [{"catalogue": "missing.tle"}],
            [{"preset": "starlink-gen1", "catalogue": "starlink"}],
            [{"celestrak": ""}],
            [{"preset": "starlink-gen1", "min_elevation_deg": -30}],
            [{"preset": "starlink-gen1", "min_elevation_deg": 90}],
            [{"preset": "starlink-gen1", "min_elevation_deg": True}],
            [{"preset": "starlink-gen1", "min_elevation_deg": {"nope": 10}}],
            [{"preset": "starlink-gen1", "shells": 3}],
        )
    ],
    *[
        (("ground", "terminals"), v, "ground.terminals")
        for v in (
            [{"name": "a", "lat_deg": 91, "lon_deg": 0}],
            [{"name": "a", "lat_deg": float("nan"), "lon_deg": 0}],
            [{"name": "a", "lat_deg": True, "lon_deg": 0}],
            [{"name": "a", "lat_deg": "50", "lon_deg": 0}],
            [{"name": "", "lat_deg": 0, "lon_deg": 0}],
            [{"name": "a", "lat_deg": 0, "lon_deg": 400}],
            [{"name": "a", "lat_deg": 0, "lon_deg": 0, "alt_km": 1e6}],
            [{"name": "a", "lat_deg": 0, "lon_deg": 0}, {"name": "a", "lat_deg": 1, "lon_deg": 1}],
            [{"place": "Lemuria"}],
            ["missing.csv"],
            [{"file": "missing.geojson"}],
            [{"file": "{corpus}/folder.csv"}],
            [{"file": "{corpus}/bad.tle"}],
            [42],
            [None],
        )
    ],
    *[
        (("ground", "terminals"), [{"file": f"{{corpus}}/{name}"}], name)
        for name in (
            "terminals_bad_lat.csv",
            "terminals_missing_column.csv",
            "terminals_text_number.csv",
            "terminals_binary.csv",
            "terminals_empty.csv",
            "terminals_bad_point.geojson",
            "region_truncated.geojson",
        )
    ],
    *[
        (("ground", "cells"), v, "ground.cells")
        for v in (
            {"region": "Atlantis"},
            {"region": "Ukraine", "resolution": 16},
            {"region": "Ukraine", "resolution": -1},
            {"region": "Ukraine", "resolution": True},
            {"region": "missing.geojson"},
            {"region": "Ukraine", "resolutoin": 5},
            "Ukraine",
        )
    ],
    *[
        (("ground", "cells"), {"region": f"{{corpus}}/{name}"}, name)
        for name in ("region_truncated.geojson", "region_point.geojson", "region_bowtie.geojson")
    ],
    (("ground", "cells"), {"region": "{corpus}/folder.geojson"}, "folder.geojson"),
    *[
        (("ground", "mobile"), v, "ground.mobile")
        for v in (
            _moving("m", ("+0s", 48, 30)),
            _moving("m", ("+10s", 48, 30), ("+0s", 48.1, 30)),
            _moving("m", ("+0s", 48, 30), ("+1s", 48, 150)),
            _moving("m", ("+0s", 48, 30), ("+1h", -48, -150)),
            _moving("m", ("+0s", 48, 30), ("+1000000000d", 48, 31)),
            _moving("m", (True, 48, 30), ("+1m", 48, 31)),
            _moving("a", ("+0s", 48, 30), ("+1m", 48, 30.01)),
        )
    ],
    *[
        (("ground", "gateways"), v, "ground.gateways")
        for v in (
            {"bundled": True, "names": ["Nowhere GW"]},
            {"bundled": True, "within": {"lat_deg": [57, 40], "lon_deg": [5, 42]}},
            {"bundled": False},
            [{"name": "g", "lat_deg": 0, "lon_deg": 0, "min_elevation_deg": 95}],
            {"bundled": True, "operational_only": "yes"},
            "all",
        )
    ],
    *[
        (("network", key), v, f"network.{key}")
        for key, v in (
            ("mode", "warp"),
            ("access", "all"),
            ("processing_delay_ms", -100),
            ("processing_delay_ms", True),
            ("max_laser_range_km", 0),
            ("route_factor", 0.5),
            ("route_factor", float("nan")),
            ("max_laser_range_km", "far"),
        )
    ],
    *[
        (("scheduler", key), v, f"scheduler.{key}")
        for key, v in (
            ("strategy", "nope"),
            ("slot_s", 0),
            ("slot_s", True),
            ("slot_s", float("inf")),
            ("max_terminals_per_sat", -1),
            ("immediate_reselect", "yes"),
        )
    ],
    *[
        (("radio", key), v, f"radio.{key}")
        for key, v in (
            ("terminal_type", "huge"),
            ("exceedance_percent", 0),
            ("exceedance_percent", 100),
            ("interference", "yes"),
            ("interference", 1),
        )
    ],
    *[
        (("capacity", key), v, f"capacity.{key}")
        for key, v in (
            ("offered_load_mbps", -1),
            ("offered_load_mbps", float("nan")),
            ("beams_per_sat", 0),
            ("terminals_per_km2", True),
            ("terminals_per_site", float("inf")),
        )
    ],
    *[
        (("outputs", key), v, f"outputs.{key}")
        for key, v in (("cells_every", "hour"), ("report", "yes"), ("report", 0), ("out_dir", 5))
    ],
    (
        ("faults",),
        {"satellites": [{"start": "+30s", "end": "+10s", "fraction": 0.1}]},
        "faults.satellites",
    ),
    (("faults",), {"gateways": [{"names": ["Nowhere"], "start": "+0s"}]}, "faults.gateways"),
    (("faults",), {"satellites": [{"start": "+0s", "fraction": 2}]}, "faults.satellites"),
    (
        ("faults",),
        {"satellites": [{"start": "+0s", "fraction": 0.1, "constellation": 5}]},
        "faults.satellites",
    ),
    (("faults",), {"jammers": [{"track": "nope", "start": "+0s"}]}, "faults.jammers"),
    (("policy",), {"events": [{"area": "nowhere", "start": "+0s"}]}, "policy.events"),
    (("policy",), {"max_speed_kmh": -5}, "policy"),
    (("grounds",), {}, "grounds"),
    # application profiles (the scenario's apps:, as in leonet apps --profiles)
    *[
        (("apps",), [{"name": "x", "rtt_ms": req}], f"apps[0].rtt_ms{where}")
        for req, where in (
            ({"works": True, "fails": 100, "source": "s"}, ".works"),
            ({"works": "50", "fails": 100, "source": "s"}, ".works"),
            ({"works": 50, "fails": float("nan"), "source": "s"}, ".fails"),
            ({"works": -5, "fails": 100, "source": "s"}, ".works"),
            ({"works": 500, "fails": 100, "source": "s"}, ""),
            ({"works": 5, "fails": 9, "source": "s", "assumption": "yes"}, ".assumption"),
            ({"works": 5, "fails": 9, "source": ""}, ".source"),
            ({"works": 5, "fails": 9}, ".source"),
        )
    ],
    (("apps",), [{"name": "x", "loss_pct": {"works": 1, "fails": 150, "source": "s"}}], "100 %"),
    (("apps",), [{"name": "x"}], "apps[0]"),
    (
        ("apps",),
        [{"name": "X Y", "rtt_ms": {"works": 1, "fails": 2, "source": "s"}}],
        "apps[0].name",
    ),
    (("apps",), [{"name": "x", "rtt_ms": {"works": 1, "fails": 2, "source": "s"}}] * 2, "apps"),
    (("apps",), 5, "apps"),
    # geostationary slots, operators' ground segments and radio (the operators branch)
    *[
        (("constellations",), [{"geostationary": geo}], f"constellations[0].geostationary{where}")
        for geo, where in (
            ({"name": "nope"}, ""),
            ({"name": "x", "longitudes_deg": []}, ".longitudes_deg"),
            ({"name": "x", "longitudes_deg": 9.0}, ".longitudes_deg"),
            ({"name": "x", "longitudes_deg": [-181]}, ".longitudes_deg[0]"),
            ({"name": "x", "longitudes_deg": [360]}, ".longitudes_deg[0]"),
            ({"name": "x", "longitudes_deg": [float("nan")]}, ".longitudes_deg[0]"),
            ({"name": "x", "longitudes_deg": [float("-inf")]}, ".longitudes_deg[0]"),
            ({"name": "x", "longitudes_deg": [True]}, ".longitudes_deg[0]"),
            ({"name": "x", "longitudes_deg": ["9"]}, ".longitudes_deg[0]"),
            ({"name": "x", "longitudes_deg": [9.0, 9.0]}, ""),
            ({"name": "x", "longitudes_deg": [200.0, -160.0]}, ""),
            ({"name": "x", "longitudes_deg": [k * 0.2 for k in range(10_000)]}, ".longitudes_deg"),
            ({"name": "", "longitudes_deg": [9.0]}, ".name"),
            ({"name": "x[/]y", "longitudes_deg": [9.0]}, ".name"),
            ({"name": "x\x1b[31m", "longitudes_deg": [9.0]}, ".name"),
            ({"name": "x", "longitudes_deg": [9.0], "slot": 1}, ".slot"),
            ("ka-sat", ""),
        )
    ],
    (("constellations",), [{"geostationary": None}], "constellations[0]"),
    (
        ("constellations",),
        [{"geostationary": {"name": "ka-sat"}, "preset": "starlink-gen1"}],
        "constellations[0]",
    ),
    (("constellations",), [{"catalogue": "geo:9.0"}], "constellations[0].catalogue"),
    (("constellations",), [{"preset": "geo:9.0"}], "constellations[0].preset"),
    *[
        (("ground", key), {"bundled": True, "operator": op}, f"ground.{key}.operator")
        for key, op in (
            ("gateways", "nope"),
            ("gateways", ""),
            ("gateways", 5),
            ("gateways", None),
            ("gateways", ["oneweb"]),
            ("pops", "onewbe"),
        )
    ],
    (("ground", "gateways"), {"bundled": False, "operator": "oneweb"}, "ground.gateways.bundled"),
    (("ground", "gateways"), {"bundled": True, "operator": "oneweb"}, "network.mode: bent-pipe"),
    *[
        (("radio",), {key: v}, f"radio.{key}")
        for key, v in (
            ("operator", "nope"),
            ("operator", 1),
            ("operator", ""),
            ("operator", ["oneweb"]),
            ("terminal_type", "nope"),
            ("terminal_type", 5),
            ("terminal_type", "ka-vsat"),
            ("satellite_type", "starlink-v2"),
        )
    ],
    (("radio",), {"operator": "oneweb"}, "network.mode: bent-pipe"),
    (("tiem",), {}, "tiem"),
]


#: The base scenario as two systems (systems: and subscriptions:; docs/systems.md).
SYSTEMS_BASE: dict[str, Any] = {
    **{k: v for k, v in BASE.items() if k != "constellations"},
    "systems": [
        {"name": "starlink", "constellations": [{"preset": "starlink-gen1"}]},
        {
            "name": "oneweb",
            "constellations": [{"catalogue": "oneweb-tle"}],
            "ground": {
                "gateways": {"bundled": True, "operator": "oneweb"},
                "pops": {"bundled": True, "operator": "oneweb"},
            },
            "network": {"mode": "bent-pipe"},
        },
    ],
}

#: (key of the systems base, hostile value, text the error must contain).
SYSTEMS_MUTATIONS: list[tuple[str, Any, str]] = [
    *[
        ("subscriptions", {key: v}, f"subscriptions.{key}")
        for key, v in (
            ("switch_over_s", True),
            ("switch_over_s", "30"),
            ("switch_over_s", 1e12),
            ("switch_over_s", -1),
            ("switch_over_s", float("nan")),
            ("revert_after_s", True),
            ("revert_after_s", float("inf")),
            ("default", []),
            ("default", ["nope"]),
            ("default", ["starlink", "starlink"]),
            ("default", "starlink"),
            ("cells", ["geo"]),
            ("extra", 1),
        )
    ],
    *[
        ("subscriptions", {"groups": [group]}, f"subscriptions.groups[0]{where}")
        for group, where in (
            ({"systems": ["oneweb"], "share": 0}, ".share"),
            ({"systems": ["oneweb"], "share": 1.5}, ".share"),
            ({"systems": ["oneweb"], "share": True}, ".share"),
            ({"systems": ["oneweb"], "share": "0.3"}, ".share"),
            ({"systems": ["oneweb"], "share": float("nan")}, ".share"),
            ({"systems": ["nope"], "terminals": ["a"]}, ".systems[0]"),
            ({"systems": [], "terminals": ["a"]}, ".systems"),
            ({"systems": ["oneweb", "oneweb"], "terminals": ["a"]}, ".systems[1]"),
            ({"systems": ["oneweb"], "terminals": ["zzz"]}, ".terminals[0]"),
            ({"systems": ["oneweb"], "terminals": ["[/]"]}, ".terminals[0]"),
            ({"systems": ["oneweb"], "terminals": []}, ".terminals"),
            ({"systems": ["oneweb"]}, ""),
            ({"systems": "oneweb", "terminals": ["a"]}, ".systems"),
        )
    ],
    ("systems", [], "systems"),
    ("systems", "starlink", "systems"),
    ("systems", [{"name": "starlink"}], "systems[0].constellations"),
    *[
        (
            "systems",
            [{"name": n, "constellations": [{"preset": "starlink-gen1"}]}],
            "systems[0].name",
        )
        for n in ("Starlink", "a/b", "..", "", "x" * 41, "x\x1b[31m")
    ],
    ("systems", [SYSTEMS_BASE["systems"][0]] * 2, "systems[1].name"),
    ("systems", [{"name": "x", "constellations": []}], "systems[0].constellations"),
    (
        "systems",
        [{"name": "x", "constellations": [{"preset": "starlink-gen1"}], "frob": 1}],
        "frob",
    ),
    (
        "systems",
        [
            {
                "name": "x",
                "constellations": [{"preset": "starlink-gen1"}],
                "radio": {"operator": "x"},
            }
        ],
        "systems[0].radio.operator",
    ),
    (
        "systems",
        [
            {
                "name": "x",
                "constellations": [{"catalogue": "oneweb-tle"}],
                "network": {"mode": "isl"},
            }
        ],
        "lasers",
    ),
    ("constellations", [{"preset": "starlink-gen1"}], "constellations"),
]


def _fill(value: Any, corpus: Path) -> Any:
    if isinstance(value, str):
        return value.replace("{corpus}", str(corpus))
    if isinstance(value, list):
        return [_fill(v, corpus) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, corpus) for k, v in value.items()}
    return value


def mutated(path: tuple[Any, ...], value: Any, corpus: Path = CORPUS) -> dict[str, Any]:
    """The base scenario with ``path`` set to ``value``."""
    data = copy.deepcopy(BASE)
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = _fill(value, corpus)
    return data


def field_cases(tmp: Path) -> list[Case]:
    """One ``validate`` case per field mutation, its YAML written under ``tmp``."""
    cases = []
    for k, (path, value, name) in enumerate(FIELD_MUTATIONS):
        file = tmp / f"field_{k:03d}.yaml"
        file.write_text(yaml.safe_dump(mutated(path, value), allow_unicode=False))
        cases.append(
            _c(f"field-{k:03d}-{'.'.join(map(str, path))}", "validate", str(file), names=(name,))
        )
    return cases


#: ``geo:`` with 10,000 slots (at most 16 are allowed).
_GEO_10000 = "geo:" + ",".join(f"{k * 0.2:.1f}" for k in range(10_000))


def systems_cases(tmp: Path) -> list[Case]:
    """One ``validate`` case per mutation of the two-system base scenario."""
    cases = []
    for k, (key, value, name) in enumerate(SYSTEMS_MUTATIONS):
        data = {**copy.deepcopy(SYSTEMS_BASE), key: copy.deepcopy(value)}
        file = tmp / f"systems_{k:03d}.yaml"
        file.write_text(yaml.safe_dump(data, allow_unicode=False))
        cases.append(_c(f"systems-{k:03d}-{key}", "validate", str(file), names=(name,)))
    data = {k: v for k, v in BASE.items()}
    data["subscriptions"] = {"default": ["starlink"]}
    file = tmp / "subscriptions_alone.yaml"
    file.write_text(yaml.safe_dump(data))
    cases.append(_c("systems-subscriptions-alone", "validate", str(file), names=("no systems",)))
    return cases


# ------------------------------------------------------------- corpus files
CORPUS_CASES: list[tuple[str, str, tuple[str, ...]]] = [
    # (file, expect, names)
    ("billion_laughs.yaml", "error", ("billion_laughs.yaml", "aliases")),
    ("laughs_in_terminals.yaml", "error", ("laughs_in_terminals.yaml", "aliases")),
    ("recursive_alias.yaml", "error", ("recursive_alias.yaml", "recursive alias")),
    ("not_utf8.yaml", "error", ("not_utf8.yaml", "UTF-8")),
    ("empty.yaml", "error", ("empty.yaml", "empty")),
    ("only_comment.yaml", "error", ("only_comment.yaml", "empty")),
    ("top_level_list.yaml", "error", ("top_level_list.yaml", "mapping")),
    ("top_level_scalar.yaml", "error", ("top_level_scalar.yaml", "mapping")),
    ("duplicate_key.yaml", "error", ("duplicate_key.yaml", "'name' appears twice")),
    ("tab_indent.yaml", "error", ("tab_indent.yaml", "YAML")),
    ("broken_yaml.yaml", "error", ("broken_yaml.yaml", "YAML")),
    ("binary.yaml", "error", ("binary.yaml",)),
    ("python_tag.yaml", "error", ("python_tag.yaml", "YAML")),
    ("markup_name.yaml", "ok", ("valid", "x[bold red]z :smile: [link=x]")),
    ("markup_slash_name.yaml", "error", ("markup_slash_name.yaml", "plain name", "x[/]y")),
    ("ansi_place.yaml", "error", ("ansi_place.yaml", "ground.terminals", "\\x1b")),
    ("ansi_name.yaml", "error", ("ansi_name.yaml", "name")),
    ("year_9999.yaml", "error", ("year_9999.yaml", "time.start", "2262")),
    ("stale_catalogue_2000.yaml", "error", ("days", "--force")),
    ("catalogue_two_weeks.yaml", "ok", ("warning", "days from the run")),
    ("fast_terminal.yaml", "error", ("fast_terminal.yaml", "ground.mobile", "km/h")),
    ("res9_ukraine.yaml", "error", ("memory", "coarser H3 resolution", "--force")),
    ("step_nano.yaml", "error", ("CPU", "lengthen the step", "--force")),
    ("ten_years.yaml", "error", ("CPU", "shorten the duration", "--force")),
    ("step_true.yaml", "error", ("step_true.yaml", "time.step_s")),
    ("nothing_to_serve.yaml", "error", ("no terminals",)),
    ("folder.yaml", "error", ("folder.yaml",)),
    ("terminals_bad_lat.csv", "error", ("terminals_bad_lat.csv",)),
    ("missing.yaml", "error", ("missing.yaml",)),
]


def corpus_cases() -> list[Case]:
    return [
        _c(f"corpus-{file}", "validate", str(CORPUS / file), expect=expect, names=names)
        for file, expect, names in CORPUS_CASES
    ]


# ------------------------------------------------------------- command lines
def _run_folder(folder: Path, *, checkpoint_version: int | None) -> Path:
    """A run folder of the base scenario stopped before it finished: its marker, its
    scenario and (unless ``None``) a checkpoint of ``checkpoint_version``."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leonet-run.json").write_text(json.dumps({"format": "leonet-run", "version": 1}))
    (folder / "scenario.json").write_text(json.dumps(BASE))
    (folder / "metadata.json").write_text(json.dumps({"inputs": {}}))
    if checkpoint_version is not None:
        record = {
            "format": "leonet-checkpoint",
            "version": checkpoint_version,
            "scenario_hash": "0" * 64,
            "next_chunk": 1,
            "chunks": 4,
            "state_file": "state-00001.npz",
            "state_sha256": "0" * 64,
        }
        (folder / "checkpoint.json").write_text(json.dumps(record))
    return folder


def command_cases(tmp: Path) -> list[Case]:
    """Bad arguments to every command."""
    cor = str(CORPUS)
    a_file = tmp / "a_file.txt"
    a_file.write_text("not a folder\n")
    base = str(CORPUS / "base.yaml")
    quick = ("--constellation", "starlink-gen1")
    cases = [
        # validate / scenario / scenarios
        _c("validate-dir", "validate", cor, names=(cor, "folder")),
        _c("validate-typo", "validate", "ukrane", names=("ukrane", "Did you mean 'ukraine'")),
        _c("validate-empty-name", "validate", "", names=("bundled name",)),
        _c("validate-devnull", "validate", "/dev/null", names=("/dev/null",)),
        _c(
            "validate-force-still-checks",
            "validate",
            "--force",
            str(CORPUS / "step_true.yaml"),
            names=("time.step_s",),
        ),
        _c(
            "validate-force-allows-cost",
            "validate",
            "--force",
            str(CORPUS / "ten_years.yaml"),
            expect="ok",
            names=("valid", "estimate", "CPU"),
        ),
        _c("scenario-show-nope", "scenario", "show", "nope", names=("nope",)),
        _c(
            "scenario-show-traversal",
            "scenario",
            "show",
            "../../../etc/passwd",
            names=("etc/passwd",),
        ),
        _c("scenario-no-command", "scenario", "frobnicate", expect="error", names=("frobnicate",)),
        # run
        _c("run-out-is-file", "run", base, "--out", str(a_file), names=("--out", "a_file")),
        _c(
            "run-out-under-file",
            "run",
            base,
            "--out",
            str(a_file / "sub"),
            names=("--out", "a_file"),
        ),
        _c("run-step-zero", "run", base, "--step", "0", names=("time.step_s",)),
        _c("run-step-negative", "run", base, "--step", "-1", names=("time.step_s",)),
        _c("run-step-nan", "run", base, "--step", "nan", names=("time.step_s",)),
        _c(
            "run-step-tiny",
            "run",
            base,
            "--step",
            "1e-9",
            "--out",
            str(tmp / "r1"),
            names=("CPU", "--force"),
        ),
        _c("run-duration-zero", "run", base, "--duration", "0", names=("duration",)),
        _c("run-duration-text", "run", base, "--duration", "forever", names=("duration",)),
        _c(
            "run-duration-decade",
            "run",
            base,
            "--duration",
            "3650d",
            "--out",
            str(tmp / "r2"),
            names=("CPU", "--force"),
        ),
        _c("run-resume-not-a-run", "run", "--resume", str(tmp), names=("scenario.json",)),
        _c("run-resume-file", "run", "--resume", str(a_file), names=("--resume", "is a file")),
        _c("run-resume-with-scenario", "run", base, "--resume", str(tmp), names=("--resume",)),
        _c("run-missing-scenario", "run", str(tmp / "nope.yaml"), names=("nope.yaml",)),
        _c("run-dir-scenario", "run", str(CORPUS / "folder.yaml"), names=("folder.yaml",)),
        _c(
            "run-res9",
            "run",
            str(CORPUS / "res9_ukraine.yaml"),
            "--out",
            str(tmp / "r3"),
            names=("memory", "--force"),
        ),
        _c(
            "run-stale",
            "run",
            str(CORPUS / "stale_catalogue_2000.yaml"),
            "--out",
            str(tmp / "r4"),
            names=("days", "--force"),
        ),
        _c("run-step-text", "run", base, "--step", "fast", names=("--step",)),
        _c(
            "run-out-proc",
            "run",
            base,
            "--out",
            "/proc/leonet-fuzz/run",
            names=("/proc/leonet-fuzz",),
        ),
        # coverage
        _c(
            "coverage-elev-neg",
            "coverage",
            "Ukraine",
            *quick,
            "--min-elevation",
            "-30",
            names=("--min-elevation",),
        ),
        _c(
            "coverage-elev-91",
            "coverage",
            "Ukraine",
            *quick,
            "--min-elevation",
            "91",
            names=("--min-elevation",),
        ),
        _c(
            "coverage-elev-nan",
            "coverage",
            "Ukraine",
            *quick,
            "--min-elevation",
            "nan",
            names=("--min-elevation",),
        ),
        _c(
            "coverage-res-16",
            "coverage",
            "Ukraine",
            *quick,
            "--resolution",
            "16",
            names=("--resolution",),
        ),
        _c(
            "coverage-res-neg",
            "coverage",
            "Ukraine",
            *quick,
            "--resolution",
            "-1",
            names=("--resolution",),
        ),
        _c(
            "coverage-res-9",
            "coverage",
            "Ukraine",
            *quick,
            "--resolution",
            "9",
            "--duration",
            "60s",
            names=("resolution 9", "--force"),
        ),
        _c("coverage-step-zero", "coverage", "Ukraine", *quick, "--step", "0", names=("--step",)),
        _c(
            "coverage-step-tiny",
            "coverage",
            "Ukraine",
            *quick,
            "--step",
            "1e-9",
            names=("CPU", "--force"),
        ),
        _c(
            "coverage-duration-neg",
            "coverage",
            "Ukraine",
            *quick,
            "--duration",
            "-1",
            names=("--duration",),
        ),
        _c("coverage-start-bad", "coverage", "Ukraine", *quick, "--start", "noon", names=("noon",)),
        _c(
            "coverage-start-9999",
            "coverage",
            "Ukraine",
            *quick,
            "--start",
            "9999-01-01T00:00:00Z",
            names=("--start", "9999"),
        ),
        _c("coverage-slot-zero", "coverage", "Ukraine", *quick, "--slot", "0", names=("--slot",)),
        _c("coverage-slot-neg", "coverage", "Ukraine", *quick, "--slot", "-15", names=("--slot",)),
        _c(
            "coverage-strategy",
            "coverage",
            "Ukraine",
            *quick,
            "--strategy",
            "random",
            "--duration",
            "10s",
            "--step",
            "10s",
            names=("random",),
        ),
        _c(
            "coverage-terminals-missing",
            "coverage",
            "Ukraine",
            *quick,
            "--terminals",
            str(tmp / "none.csv"),
            names=("none.csv",),
        ),
        _c(
            "coverage-terminals-dir",
            "coverage",
            "Ukraine",
            *quick,
            "--terminals",
            str(CORPUS / "folder.csv"),
            names=("folder.csv",),
        ),
        _c(
            "coverage-terminals-bad",
            "coverage",
            "Ukraine",
            *quick,
            "--terminals",
            str(CORPUS / "terminals_bad_lat.csv"),
            names=("terminals_bad_lat.csv",),
        ),
        _c(
            "coverage-terminals-binary",
            "coverage",
            "Ukraine",
            *quick,
            "--terminals",
            str(CORPUS / "terminals_binary.csv"),
            names=("terminals_binary.csv",),
        ),
        _c("coverage-region-unknown", "coverage", "Atlantis", *quick, names=("Atlantis",)),
        _c(
            "coverage-region-truncated",
            "coverage",
            str(CORPUS / "region_truncated.geojson"),
            *quick,
            names=("region_truncated.geojson",),
        ),
        _c(
            "coverage-region-bowtie",
            "coverage",
            str(CORPUS / "region_bowtie.geojson"),
            *quick,
            names=("region_bowtie.geojson",),
        ),
        _c("coverage-region-markup", "coverage", "[/]x[bold]", *quick, names=("[/]x[bold]",)),
        _c(
            "coverage-resolution-markup",
            "coverage",
            "Ukraine",
            "--resolution",
            "[/]",
            names=("--resolution",),
        ),
        _c(
            "coverage-resolution-ansi",
            "coverage",
            "Ukraine",
            "--resolution",
            "\x1b]0;pwned\x07",
            names=("--resolution",),
        ),
        _c(
            "coverage-constellation",
            "coverage",
            "Ukraine",
            "--constellation",
            "nope",
            names=("nope",),
        ),
        _c(
            "coverage-out-file",
            "coverage",
            "Ukraine",
            *quick,
            "--out",
            str(a_file),
            names=("--out", "a_file"),
        ),
        # route
        _c(
            "route-delay-neg",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--processing-delay-ms",
            "-100",
            names=("--processing-delay-ms",),
        ),
        _c(
            "route-delay-nan",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--processing-delay-ms",
            "nan",
            names=("--processing-delay-ms",),
        ),
        _c(
            "route-delay-huge",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--processing-delay-ms",
            "1e9",
            names=("--processing-delay-ms",),
        ),
        _c(
            "route-sched-neg",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--scheduling-delay-ms",
            "-1",
            names=("--scheduling-delay-ms",),
        ),
        _c(
            "route-ground-zero",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--ground-km",
            "0",
            names=("--ground-km",),
        ),
        _c(
            "route-ground-inf",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--ground-km",
            "inf",
            names=("--ground-km",),
        ),
        _c(
            "route-elev-neg",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--min-elevation",
            "-30",
            names=("--min-elevation",),
        ),
        _c(
            "route-mode",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            "--mode",
            "warp",
            names=("--mode",),
        ),
        _c(
            "route-mode-ansi",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            "--mode",
            "[/]\x1b[31m",
            names=("--mode", "[/]"),
        ),
        _c(
            "route-access",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            "--access",
            "all",
            names=("--access",),
        ),
        _c(
            "route-via",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "Lviv",
            "--via",
            "moon",
            names=("--via",),
        ),
        _c("route-from-unknown", "route", "--from", "Lemuria", "--to", "FRA", names=("Lemuria",)),
        _c("route-to-unknown", "route", "--from", "Kyiv", "--to", "Nowhere", names=("Nowhere",)),
        _c("route-from-latlon", "route", "--from", "91,0", "--to", "FRA", names=("91,0",)),
        _c(
            "route-from-ansi",
            "route",
            "--from",
            "\x1b]0;pwned\x07Kyiv",
            "--to",
            "FRA",
            names=("\\x1b",),
        ),
        _c("route-from-markup", "route", "--from", "[/]", "--to", "FRA", names=("[/]",)),
        _c(
            "route-start-bad",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--start",
            "tomorrow",
            names=("tomorrow",),
        ),
        _c(
            "route-step-zero",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--step",
            "0",
            names=("--step",),
        ),
        _c(
            "route-step-tiny",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            *quick,
            "--step",
            "1e-9",
            names=("CPU", "--force"),
        ),
        _c(
            "route-out-dir",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            "--out",
            str(tmp),
            names=("--out", "folder"),
        ),
        _c(
            "route-out-no-parent",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            "--out",
            str(tmp / "no" / "such" / "r.parquet"),
            names=("--out", "does not exist"),
        ),
        # link
        _c("link-at-unknown", "link", "--at", "Lemuria", names=("Lemuria",)),
        _c("link-at-latlon", "link", "--at", "100,0", names=("100,0",)),
        _c("link-time-bad", "link", "--at", "Kyiv", "--time", "noon", names=("noon",)),
        _c(
            "link-time-9999",
            "link",
            "--at",
            "Kyiv",
            *quick,
            "--time",
            "9999-01-01T00:00:00Z",
            names=("--time", "9999"),
        ),
        _c("link-terminal", "link", "--at", "Kyiv", "--terminal", "huge", names=("huge",)),
        _c(
            "link-exceedance-zero",
            "link",
            "--at",
            "Kyiv",
            "--exceedance",
            "0",
            names=("--exceedance",),
        ),
        _c(
            "link-exceedance-100",
            "link",
            "--at",
            "Kyiv",
            "--exceedance",
            "100",
            names=("--exceedance",),
        ),
        _c(
            "link-exceedance-nan",
            "link",
            "--at",
            "Kyiv",
            "--exceedance",
            "nan",
            names=("--exceedance",),
        ),
        _c(
            "link-constellation-missing",
            "link",
            "--at",
            "Kyiv",
            "--constellation",
            str(tmp / "none.tle"),
            names=("none.tle",),
        ),
        _c(
            "link-constellation-dir",
            "link",
            "--at",
            "Kyiv",
            "--constellation",
            str(CORPUS / "folder.tle"),
            names=("folder.tle",),
        ),
        # propagate
        _c("propagate-unknown", "propagate", "nope", names=("nope",)),
        _c("propagate-dir", "propagate", str(CORPUS / "folder.tle"), names=("folder.tle",)),
        _c("propagate-bad-tle", "propagate", str(CORPUS / "bad.tle"), names=("bad.tle",)),
        _c("propagate-not-tle", "propagate", str(CORPUS / "notle.tle"), names=("notle.tle",)),
        _c("propagate-empty-tle", "propagate", str(CORPUS / "empty.tle"), names=("empty.tle",)),
        _c("propagate-step-zero", "propagate", "starlink-gen1", "--step", "0", names=("--step",)),
        _c(
            "propagate-step-tiny",
            "propagate",
            "starlink-gen1",
            "--step",
            "1e-9",
            names=("CPU", "--force"),
        ),
        _c(
            "propagate-duration-bad",
            "propagate",
            "starlink-gen1",
            "--duration",
            "1x",
            names=("--duration",),
        ),
        _c("propagate-start-bad", "propagate", "starlink-gen1", "--start", "x", names=("'x'",)),
        _c(
            "propagate-out-dir",
            "propagate",
            "starlink-gen1",
            "--duration",
            "10s",
            "--out",
            str(tmp),
            names=("--out", "folder"),
        ),
        _c(
            "propagate-out-huge",
            "propagate",
            "starlink-gen1",
            "--duration",
            "30d",
            "--out",
            str(tmp / "p.parquet"),
            names=("--out", "rows", "--force"),
        ),
        _c(
            "propagate-method",
            "propagate",
            "starlink-gen1",
            "--duration",
            "10s",
            "--method",
            "magic",
            names=("magic",),
        ),
        # constellation
        _c("constellation-info-unknown", "constellation", "info", "nope", names=("nope",)),
        _c(
            "constellation-info-dir",
            "constellation",
            "info",
            str(CORPUS / "folder.tle"),
            names=("folder.tle",),
        ),
        _c(
            "constellation-info-at-bad",
            "constellation",
            "info",
            "starlink-gen1",
            "--at",
            "x",
            names=("--at",),
        ),
        _c(
            "constellation-info-bad-tle",
            "constellation",
            "info",
            str(CORPUS / "bad.tle"),
            names=("bad.tle",),
        ),
        # query / report: only a run folder (leonet-run.json) is read
        _c(
            "query-missing",
            "query",
            str(tmp / "nope"),
            "SELECT 1",
            names=("nope",),
            owner="runfolder",
        ),
        _c("query-file", "query", str(a_file), "SELECT 1", names=(a_file.name,), owner="runfolder"),
        _c("query-empty-sql", "query", str(tmp), "", names=("SQL is empty",), owner="runfolder"),
        _c("query-limit-neg", "query", str(tmp), "SELECT 1", "--limit", "-1", names=("--limit",)),
        _c(
            "query-not-a-run",
            "query",
            cor,
            "SELECT 1",
            names=("leonet-run.json",),
            owner="runfolder",
        ),
        _c("report-missing", "report", str(tmp / "nope"), names=("nope",), owner="runfolder"),
        _c("report-file", "report", str(a_file), names=(a_file.name,), owner="runfolder"),
        _c("report-not-a-run", "report", cor, names=("leonet-run.json",), owner="runfolder"),
        # resume: a checkpoint of an older format, or none saved yet (at fine H3
        # resolutions a run killed in its first slot has none)
        _c(
            "run-resume-old-checkpoint",
            "run",
            "--resume",
            str(_run_folder(tmp / "old-checkpoint", checkpoint_version=2)),
            names=("checkpoint format version 2", "--overwrite"),
        ),
        _c(
            "run-resume-no-checkpoint",
            "run",
            "--resume",
            str(_run_folder(tmp / "no-checkpoint", checkpoint_version=None)),
            names=("no checkpoint.json", "first checkpoint", "--overwrite"),
        ),
        # geo:LON on the command line, --operator (the operators branch)
        *[
            _c(f"{cmd}-geo-{k}", *argv, "--constellation", spec, names=(shown, why))
            for cmd, argv in (
                ("route", ("route", "--from", "Kyiv", "--to", "FRA")),
                ("link", ("link", "--at", "Kyiv")),
                ("coverage", ("coverage", "Ukraine")),
            )
            for k, (spec, shown, why) in enumerate(
                (
                    ("geo:-181", "geo:-181", "[-180, 360)"),
                    ("geo:400", "geo:400", "[-180, 360)"),
                    ("geo:nan", "geo:nan", "geo:LONGITUDE"),
                    ("geo:", "geo:", "geo:LONGITUDE"),
                    ("geo:9,9.05", "geo:9,9.05", "closer than 0.1°"),
                    (_GEO_10000, "1 to 16", "10,000"),
                )
            )
        ],
        _c("propagate-geo-inf", "propagate", "geo:inf", names=("geo:inf", "geo:LONGITUDE")),
        _c("propagate-geo-dup", "propagate", "geo:200,-160", names=("geo:200,-160", "0.1°")),
        *[
            _c(f"{cmd}-operator-{k}", *argv, "--operator", op, names=(repr(op), "oneweb"))
            for cmd, argv in (
                ("route", ("route", "--from", "Kyiv", "--to", "FRA")),
                ("link", ("link", "--at", "Kyiv")),
                ("coverage", ("coverage", "Ukraine")),
            )
            for k, op in enumerate(("nope", "", "[/]", "\x1b[31m"))
        ],
        _c(
            "route-operator-isl",
            "route",
            "--from",
            "Kyiv",
            "--to",
            "FRA",
            "--operator",
            "ka-sat",
            "--mode",
            "isl",
            names=("--mode isl", "no lasers", "bent-pipe"),
        ),
        # leonet calibrate check | fit: sizes refused before minutes of work
        *[
            _c(
                f"calibrate-{sub}-{opt[2:]}-{k}",
                "calibrate",
                sub,
                *pre,
                opt,
                v,
                names=(opt, v if "e" not in v else "3,600"),
            )
            for sub, pre in (("check", ("--countries", "POL")), ("fit", ("--dry-run",)))
            for opt, values in (
                ("--terminals", ("0", "-1", "100000000")),
                ("--duration", ("0", "-5", "nan", "inf", "1e12")),
                ("--workers", ("0", "-3", "100000")),
                ("--draws", ("0", "-2", "5000")),
            )
            for k, v in enumerate(values)
        ],
        _c(
            "calibrate-check-html-dir",
            "calibrate",
            "check",
            "--countries",
            "POL",
            "--html",
            str(tmp),
            names=("--html", "is a folder"),
        ),
        _c(
            "calibrate-check-no-countries",
            "calibrate",
            "check",
            "--countries",
            ",",
            names=("--countries is empty",),
        ),
        _c(
            "calibrate-check-atlantis",
            "calibrate",
            "check",
            "--countries",
            "Atlantis",
            names=("Atlantis",),
        ),
        _c("calibrate-check-markup", "calibrate", "check", "--countries", "[/]", names=("[/]",)),
        _c(
            "calibrate-check-escape",
            "calibrate",
            "check",
            "--countries",
            "\x1b[31m",
            names=("\\x1b[31m",),
        ),
        _c(
            "calibrate-fit-every-zero",
            "calibrate",
            "fit",
            "--dry-run",
            "--every",
            "0",
            names=("--every 0",),
        ),
        # no such command / option
        _c("no-command", "frobnicate", names=("frobnicate",)),
        _c("unknown-option", "validate", "--frobnicate", base, names=("--frobnicate",)),
    ]
    return cases


def all_cases(tmp: Path) -> list[Case]:
    return [*field_cases(tmp), *systems_cases(tmp), *corpus_cases(), *command_cases(tmp)]
