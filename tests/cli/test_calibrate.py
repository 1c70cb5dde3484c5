"""``leonet calibrate``: a real check of one country, JSON and page; clear errors."""

import json

import pytest
from typer.testing import CliRunner

from leonet.cli import app

runner = CliRunner()


@pytest.mark.slow
def test_check_routes_a_country_to_its_home_pop_and_compares_with_published(tmp_path):
    page = tmp_path / "c.html"
    result = runner.invoke(
        app,
        [
            "calibrate",
            "check",
            "--countries",
            "PL",
            "--terminals",
            "3",
            "--duration",
            "10",
            "--workers",
            "1",
            "--json",
            "--html",
            str(page),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (pol,) = json.loads(result.output)
    assert pol["iso3"] == "POL" and pol["pop"] == "wrswpol1"
    sim = pol["latency_ms"]["simulated"]
    # Slow end first; a Polish terminal to Warsaw is ~20-40 ms idle (published p50 22.9 ms).
    assert sim["p20"] >= sim["p50"] >= sim["p80"]
    assert 15.0 < sim["p50"] < 45.0
    assert pol["latency_ms"]["published"]["p50"] == 22.9
    assert pol["download_mbps"]["published"]["p50"] == pytest.approx(283, abs=1)
    # The p20-p80 spread of each, simulated and published (Poland's latency: 25.01 - 21.36 ms).
    width = pol["latency_ms"]["spread"]
    assert width["published"] == pytest.approx(3.65, abs=0.01)
    assert width["simulated"] == pytest.approx(sim["p20"] - sim["p80"], abs=2e-3)
    assert width["relative_error"] == pytest.approx(
        width["simulated"] / width["published"] - 1, abs=2e-3
    )
    assert pol["upload_mbps"]["spread"]["published"] > 0
    # Speed tests: slow end first, within the link's MODCOD rate (599 Mb/s down, 62 up at
    # the SINR ceiling), within ±35 % of Poland's published p50 (283 / 42 Mb/s).
    for kind, pub, link in (("download_mbps", 283.0, 599.0), ("upload_mbps", 42.1, 62.0)):
        sim = pol[kind]["simulated"]
        assert 0 < sim["p20"] <= sim["p50"] <= sim["p80"] <= link
        assert abs(sim["p50"] / pub - 1) < 0.35
    assert "Poland" in page.read_text()
    assert "latency p20–p80 spread: simulated vs published" in page.read_text()


@pytest.mark.slow
def test_check_takes_a_region_s_own_speeds_where_none_are_published(tmp_path):
    """``--speeds DOWN/UP``: Ukraine has no published metrics; slower speeds than the
    calibrated background gives are a busier load, and its latency at load is longer."""
    args = ["calibrate", "check", "--countries", "UKR", "--terminals", "3", "--duration", "10"]
    args += ["--workers", "1", "--html", str(tmp_path / "c.html"), "--json"]
    result = runner.invoke(app, [*args, "--speeds", "150/20"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (ukr,) = json.loads(result.output)
    assert ukr["latency_ms"]["published"] is None
    assert ukr["busy_hour_load_scale"] > 1.0 and ukr["busy_hour_load_scale_up"] > 1.0
    at_load, calibrated = ukr["latency_at_load_ms"]["simulated"], ukr["latency_ms"]["simulated"]
    assert at_load["p50"] > calibrated["p50"]
    assert (
        ukr["latency_at_load_ms"]["spread"]["simulated"] > ukr["latency_ms"]["spread"]["simulated"]
    )
    for bad in ("150", "150/x", "0/20", "nan/20"):
        result = runner.invoke(app, [*args, "--speeds", bad])
        assert result.exit_code == 2 and "--speeds" in result.output, bad


def test_an_unknown_country_is_named_with_near_matches():
    result = runner.invoke(app, ["calibrate", "check", "--countries", "Polnd"])
    assert result.exit_code == 2
    assert "Polnd" in result.output and "Poland" in result.output


@pytest.mark.slow
def test_fit_holds_countries_out_and_reports_both_groups():
    result = runner.invoke(
        app,
        [
            "calibrate",
            "fit",
            "--countries",
            "POL,DEU,AUT,CZE",
            "--terminals",
            "3",
            "--duration",
            "10",
            "--workers",
            "1",
            "--every",
            "2",
            "--dry-run",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = result.output
    # AUT and CZE (ISO3 order: AUT, CZE, DEU, POL) are fitted, DEU and POL held out.
    assert "over 2 fitted countries" in out and "over 2 held out countries" in out
    for name in ("pop_ms", "user_uplink_cycle_ms", "beam_background_down_mbps", "load_cv_up"):
        assert name in out
    assert "worst ten by latency p50" in out and "worst ten by latency p20-p80 spread" in out
    # The spread of each kind per country and its median error per group.
    assert "p20-p80 spread, simulated vs published" in out
    assert out.count("p20-p80 spread ") >= 6  # 3 kinds × 2 groups
    assert "(held out)" in out


def test_fit_refuses_a_share_below_one():
    result = runner.invoke(app, ["calibrate", "fit", "--countries", "POL", "--every", "0"])
    assert result.exit_code != 0
    assert "--every 0" in result.output


@pytest.mark.parametrize(
    ("step", "duration", "words"),
    [
        ("0", "60", "--step 0"),
        ("nan", "60", "--step nan"),
        ("30", "10", "--step 30"),
        ("20", "60", "--step 20"),
    ],
)
def test_a_step_that_is_not_positive_or_exceeds_the_duration_is_refused(step, duration, words):
    result = runner.invoke(
        app, ["calibrate", "check", "--countries", "POL", "--step", step, "--duration", duration]
    )
    assert result.exit_code == 2, result.output
    assert words in " ".join(result.output.split())


def test_the_default_sample_steps_see_every_second_of_a_slot_alike():
    """Every second of a 15-s slot is sampled equally often (the slot spike at its 1/15
    share): whole windows, each on a slot boundary, stepped by 1 s."""
    from collections import Counter

    from leonet.calibration import SAMPLE_DURATION_S, SAMPLE_SPAN_S, SAMPLE_STEP_S, sample_windows

    seen: Counter[int] = Counter()
    for offset, length in sample_windows(SAMPLE_DURATION_S, SAMPLE_SPAN_S):
        assert offset % 15 == 0
        seen.update(
            round(offset + k * SAMPLE_STEP_S) % 15 for k in range(round(length / SAMPLE_STEP_S))
        )
    assert set(seen) == set(range(15)) and len(set(seen.values())) == 1


@pytest.mark.parametrize(
    ("duration", "span", "windows"),
    [
        # Four windows of 15 s a quarter of an hour apart: 20:00, 20:15, 20:30, 20:45.
        (60, 3600, [(0, 15), (900, 15), (1800, 15), (2700, 15)]),
        # Without a span, one after the other; a last window shorter.
        (50, 0, [(0, 15), (15, 15), (30, 15), (45, 5)]),
        # Two windows over 100 s: 50 s apart, down to whole slots: 45 s.
        (30, 100, [(0, 15), (45, 15)]),
        (10, 3600, [(0, 10)]),
    ],
)
def test_a_sample_s_windows_start_on_slots_spread_over_the_span(duration, span, windows):
    from leonet.calibration import sample_windows

    assert sample_windows(duration, span) == [(float(a), float(b)) for a, b in windows]


@pytest.mark.parametrize(("duration", "span"), [(0, 60), (float("nan"), 60), (60, -1)])
def test_impossible_sample_windows_are_refused(duration, span):
    from leonet.calibration import sample_windows

    with pytest.raises(ValueError, match=r"duration_s|span_s"):
        sample_windows(duration, span)
