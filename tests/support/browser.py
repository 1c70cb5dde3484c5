"""Headless Chromium for the page tests (Debian's chromium and chromium-driver)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

__all__ = ["chromium", "chromium_driver", "console_errors", "set_slider"]


def chromium() -> tuple[str, str]:
    """The browser and driver binaries; the test fails (never skips) without them."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        pytest.fail("Debian's chromium and chromium-driver are needed; `make test` installs them")
    return browser, driver


def chromium_driver(profile: Path, window: str = "1300,900") -> Any:
    """A headless Chromium WebDriver with no network chatter, its browser log on and its
    profile in ``profile``; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver_path = chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={window}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def console_errors(driver: Any) -> list[dict[str, Any]]:
    """The page's SEVERE browser-log entries (script errors, failed loads)."""
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def set_slider(driver: Any, value: int, slider_id: str = "slot") -> None:
    """Move a range input as a user would (its ``input`` event fires)."""
    driver.execute_script(
        f"const s = document.getElementById('{slider_id}'); "
        f"s.value = '{value}'; s.dispatchEvent(new Event('input'));"
    )
