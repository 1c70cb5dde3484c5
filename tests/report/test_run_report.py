"""The run report: self-contained, and it renders in headless Chromium with no script errors."""

from __future__ import annotations

import re
import shutil

import pytest

from leonet.engine.run import run_scenario
from leonet.report.run_report import write_report
from leonet.scenario import load_scenario


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("quick")
    run_scenario(load_scenario("quick").with_overrides(duration=120.0), out)
    return out


def test_report_is_self_contained(run_dir):
    page = (run_dir / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "no external loads"
    for section in ("Summary", "Time series", "Distributions", "Outage by cause",
                    "Impact of each event", "Terminals"):
        assert f"<h2>{section}" in page
    assert page.count("<svg") >= 5  # three time series and two CDFs at least
    assert "Kyiv" in page


def test_report_rewrites_atomically(run_dir):
    before = (run_dir / "report.html").read_text()
    write_report(run_dir)
    assert (run_dir / "report.html").read_text() == before
    assert not list(run_dir.glob(".report.html.*"))


def _chromium():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.fail("Debian's chromium and chromium-driver are needed; `make test` installs them")
    return browser, driver


def test_report_renders_in_headless_chromium_without_script_errors(run_dir, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        driver.get((run_dir / "report.html").as_uri())
        title = driver.title
        svgs = driver.execute_script("return document.querySelectorAll('svg').length")
        width = driver.execute_script(
            "return document.querySelector('svg.chart').getBoundingClientRect().width")
        errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    finally:
        driver.quit()
    assert title.startswith("leonet run")
    assert svgs >= 5 and width > 100
    assert errors == []
