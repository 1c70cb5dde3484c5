"""``leonet apps``, ``leonet query ... app_*`` and ``leonet validate`` on profile files."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from leonet.cli import app
from support.app_runs import BRIEF_APPS, cut_off_run

runner = CliRunner()


def _run(tmp_path):
    return cut_off_run(tmp_path)


def test_apps_json_gives_each_application_its_shares_before_and_during_each_event(tmp_path):
    out = runner.invoke(app, ["apps", str(_run(tmp_path)), "--json"], catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert {a["app"] for a in data["apps"]} == BRIEF_APPS
    for entry in data["apps"]:
        assert entry["terminal_share_works"] == 1.0 - 30 / 200  # t1 cut off 30 of 100 s
        (event,) = entry["events"]
        assert event["start"] == "2026-05-30T12:00:40Z" and event["end"] == "2026-05-30T12:01:10Z"
        assert event["terminal_share_before"] == 1.0
        assert event["terminal_share_during"] == 0.5


def test_apps_app_filter_and_unknown_name(tmp_path):
    run = _run(tmp_path)
    out = runner.invoke(app, ["apps", str(run), "--app", "voice", "--json"])
    assert [a["app"] for a in json.loads(out.output)["apps"]] == ["voice"]
    out = runner.invoke(app, ["apps", str(run), "--app", "voce"])
    assert out.exit_code != 0
    assert "no application 'voce'. Did you mean 'voice'?" in out.output


def test_query_reads_the_app_views(tmp_path):
    out = runner.invoke(
        app,
        [
            "query",
            str(_run(tmp_path)),
            "--csv",
            "SELECT terminal, works_share FROM app_terminals WHERE app = 'voice' ORDER BY terminal",
        ],
        catch_exceptions=False,
    )
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == ['"terminal","works_share"', '"t0",1', '"t1",0.7']


def test_validate_checks_a_profile_file_with_located_errors(tmp_path):
    good = tmp_path / "mine.yaml"
    good.write_text(
        "apps:\n  - name: sensor\n    up_mbps: {works: 0.01, fails: 0.001, source: vendor sheet}\n"
    )
    out = runner.invoke(app, ["validate", str(good)])
    assert out.exit_code == 0 and "1 application profile(s): sensor" in out.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("apps:\n  - name: sensor\n    up_mbps: {works: 0.01, fails: 1, source: x}\n")
    out = runner.invoke(app, ["validate", str(bad)])
    assert out.exit_code != 0
    assert "line 3: apps[0].up_mbps: fails=1 is above works=0.01" in out.output


def test_apps_profiles_option_adds_a_users_profiles(tmp_path):
    run = _run(tmp_path / "run")
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        "apps:\n  - name: sensor\n    up_mbps: {works: 30, fails: 25, source: vendor sheet}\n"
    )
    out = runner.invoke(
        app,
        ["apps", str(run), "--profiles", str(mine), "--app", "sensor", "--json"],
        catch_exceptions=False,
    )
    (entry,) = json.loads(out.output)["apps"]
    assert entry["app"] == "sensor"
    assert entry["terminal_share_works"] == 0.0  # 20 Mb/s up < 25 Mb/s: it fails throughout


def test_apps_refuses_a_folder_that_is_not_a_run(tmp_path):
    out = runner.invoke(app, ["apps", str(tmp_path)])
    assert out.exit_code != 0
    assert "is not a leonet run folder" in out.output
