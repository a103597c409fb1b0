import os
import shutil
from pathlib import Path

import pytest

from sentaway.paths import BUILD, REPO, raw_dir

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


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("no built site at _build/html: run `make book` first (`make test` does)")
    return SITE


def chromium_paths() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return (browser, driver) if Path(browser).exists() and Path(driver).exists() else None


@pytest.fixture(scope="session")
def browser():
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
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(paths[1]), options=options)
    yield driver
    driver.quit()
