import os
import shutil
from pathlib import Path

import pytest

from sentaway.paths import BUILD, raw_dir

SITE = BUILD / "html"


@pytest.fixture(scope="session")
def raw_root() -> Path:
    root = raw_dir()
    if not (root / "MANIFEST.csv").is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but the raw official files are not at {root}: the regeneration checks must run on CI")
        pytest.skip(f"the raw official files are not beside the repository ({root} is absent): "
                    "regeneration checks run where ../shared/raw exists, as on CI")
    return root


@pytest.fixture
def synthetic_releases(tmp_path, monkeypatch):
    """Make the extraction read a releases.yml with the project's kinds and only the release entries (and sources) a
    test gives: synthetic_releases({"dfe-cla-ees-to-2031": {"published": "2031-11-20"}}). The real one again after."""
    import yaml

    from sentaway.extract import releases

    def use(entries: dict, sources: dict | None = None) -> None:
        data = yaml.safe_load(releases.LIST.read_text(encoding="utf-8"))
        data["releases"], data["sources"] = entries, sources or {}
        path = tmp_path / "releases.yml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        monkeypatch.setattr(releases, "LIST", path)
        releases.registry.cache_clear()

    yield use
    releases.registry.cache_clear()


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("no built site at _build/html: run `make book` first (`make test` does)")
    return SITE


def chromium_paths() -> tuple[str, str] | None:
    # $SENTAWAY_CHROMIUM names another browser binary (or a missing one, to run without the browser tests).
    browser = os.environ.get("SENTAWAY_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return (browser, driver) if Path(browser).exists() and Path(driver).exists() else None


def _chrome(mobile: bool = False):
    paths = chromium_paths()
    if paths is None:
        message = "chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,2000",
                 # No network at all: any request leaving the site fails, and shows in the log.
                 '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', "--proxy-server=http://127.0.0.1:9"):
        options.add_argument(flag)
    if mobile:
        # A headless window is never narrower than 500 px: a phone's 390 px needs device emulation.
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": PHONE[0], "height": PHONE[1], "pixelRatio": 3.0, "touch": True},
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                         "Chrome/130.0 Mobile Safari/537.36"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(paths[1]), options=options)


PHONE = (390, 844)  # an iPhone 12-15 screen, CSS px


@pytest.fixture(scope="session")
def browser():
    driver = _chrome()
    yield driver
    driver.quit()


# `make test` spreads the tests over the cores (pytest-xdist, --dist loadfile): a module's tests run on one worker,
# sharing its module fixtures (a copy of the repository, one extraction). The slowest modules go first, so that no
# worker is left running one of them alone at the end.
SLOW_FIRST = ("test_annual_update.py", "test_accessibility.py", "test_faults.py")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        items.sort(key=lambda item: SLOW_FIRST.index(item.path.name) if item.path.name in SLOW_FIRST else len(SLOW_FIRST))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Outside CI, end with how many tests were skipped and why (on CI a missing browser fails instead)."""
    if os.environ.get("CI"):
        return
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        reasons[reason] = reasons.get(reason, 0) + 1
    terminalreporter.write_sep("=", f"{len(skipped)} test(s) skipped")
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{count} skipped: {reason}")


@pytest.fixture(scope="session")
def phone():
    """A Chromium emulating a 390 px-wide phone (touch, device pixel ratio 3)."""
    driver = _chrome(mobile=True)
    yield driver
    driver.quit()


@pytest.fixture
def clean_print_browser(browser):
    """The session's desktop browser, with print emulation and any size override undone afterwards."""
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.set_window_size(1200, 2000)
