"""A journalist's task, scripted as a person would do it, on a desktop and on a phone, in both themes, with the
network blocked: open the home page, go to the register, search for a quoted phrase, filter by conclusion, open the
claim's evidence and copy its citation there; the copied text holds the conclusion, the official figure with its
release, the publisher, the version and an absolute address. And what makes that quick: the register's tools on the
first screen, the row a link reaches highlighted, every evidence section listed, headed in words and citable."""

import re

import pytest
from packaging.version import Version

from sentaway import __version__
from sentaway.analysis import numbers
from sentaway.present.register_view import FAMILY_PAGES, citation_fields
from sentaway.publish import releases as store
from sentaway.register import register

BASEURL = "https://sent-away.github.io/sent-away/"
CLAIM = "region-three-regions-share-pa"


def _clipboard(driver) -> str | None:
    """What the clipboard holds, where the browser lets a test read it."""
    try:
        driver.execute_cdp_cmd("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    except Exception:
        pass
    driver.set_script_timeout(5)
    try:
        return driver.execute_async_script(
            "const done = arguments[0]; navigator.clipboard.readText().then(done, () => done(null));")
    except Exception:
        return None


def _tap(driver, element) -> None:
    """A real click, as a finger's: on the element brought to the middle of the screen once it has stopped moving
    (under load a click once landed where the element no longer was: Chromium reported it 573 px above the screen,
    the page having moved after it was scrolled into view)."""
    from selenium.webdriver.support.ui import WebDriverWait

    where = "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); return JSON.stringify(arguments[0].getBoundingClientRect());"
    seen = [driver.execute_script(where, element)]
    WebDriverWait(driver, 5, poll_frequency=0.1).until(
        lambda d: seen.append(d.execute_script(where, element)) or seen[-1] == seen[-2])
    element.click()


def _shows_the_stored_theme(driver, theme: str) -> None:
    """The page shows the theme the reader chose. The theme's script settles it after the page's elements exist, so
    it is waited for. Where the page shows another, the test tells a page that ignores the stored choice (a
    failure) from Chromium's storage for file:// pages handing the new page the value from before the last write
    (seen about once in ten full runs): then the page is reloaded, as on the home page."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    for _ in range(3):
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        try:
            WebDriverWait(driver, 5).until(lambda d: d.execute_script("return document.documentElement.dataset.theme") == theme)
            return
        except TimeoutException:
            shown, stored = driver.execute_script(
                "return [document.documentElement.dataset.theme, localStorage.getItem('theme')]")
            assert stored != theme, f"the page shows the {shown} theme, though the {theme} one is stored"
        driver.refresh()
    pytest.fail(f"the {theme} theme chosen on the home page never reached the register page")


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_find_filter_open_the_evidence_and_copy_its_citation(site, clean_print_browser, phone, width, theme):
    """From the home page, with real taps and typing and the network blocked: find a claim by a quoted phrase on the
    register, filter by its conclusion, open its evidence and copy the citation there. The copied text holds the
    conclusion, the official figure with its release, the publisher, the version and an absolute address."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = clean_print_browser if width == "desktop" else phone
    if width == "desktop":
        driver.set_window_size(1366, 768)
    table, _ = register.build()
    claim = table.set_index("claim_id").loc[CLAIM]
    phrase = "concentrated in just three regions"  # typed with a straight apostrophe-free keyboard
    assert phrase in claim.quote

    driver.get((site / "index.html").as_uri())  # the site's front door, the home page itself
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".sa-main-points"))
    # The theme remembers the reader's choice between pages, as its own button does. Chromium's storage for pages
    # opened from disk (file://) sometimes gives a newly loaded page the value from before the last write (the
    # previous test's theme; the file's run failed 1 time in 3 here), so the choice is made again until the reloaded
    # home page shows it (a second time in 2 runs of 10), and only then is the link followed.
    for _ in range(5):
        driver.execute_script("localStorage.setItem('theme', arguments[0]); localStorage.setItem('mode', arguments[0]);"
                              "document.documentElement.dataset.theme = arguments[0];"
                              "document.documentElement.dataset.mode = arguments[0];", theme)
        driver.refresh()
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        if driver.execute_script("return document.documentElement.dataset.theme") == theme:
            break
    else:
        pytest.fail(f"the home page does not keep the {theme} theme across a reload")
    link = driver.find_element(By.CSS_SELECTOR, '.sa-point a[href^="register.html"]')
    _tap(driver, link)
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".sa-register-tools input.sa-search"))
    assert "executed" not in driver.current_url

    _shows_the_stored_theme(driver, theme)
    search = driver.find_element(By.CSS_SELECTOR, ".sa-register-tools input.sa-search")
    _tap(driver, search)
    search.send_keys(phrase)
    visible = lambda d: [r.get_attribute("data-claim") for r in d.find_elements(By.CSS_SELECTOR, "table.sa-register tbody tr")
                         if r.is_displayed()]
    found = visible(driver)
    assert CLAIM in found and len(found) < len(table), found

    conclusion = Select(driver.find_element(By.CSS_SELECTOR, 'select[data-filter="verdict"]'))
    _tap(driver, driver.find_element(By.CSS_SELECTOR, 'select[data-filter="verdict"]'))
    conclusion.select_by_value(claim.verdict)
    found = visible(driver)
    assert found and all(table.set_index("claim_id").loc[c].verdict == claim.verdict for c in found), found
    count = driver.find_element(By.CSS_SELECTOR, ".sa-count").text
    assert count.startswith(f"{len(found)} of {len(table)}"), count

    row = driver.find_element(By.CSS_SELECTOR, f'tr[data-claim="{CLAIM}"]')
    _tap(driver, row.find_element(By.CSS_SELECTOR, ".sa-col-evidence a"))
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, f"section#claim-{CLAIM} button.sa-copy-button"))
    assert driver.current_url.endswith(f"{FAMILY_PAGES[claim.family]}.html#claim-{CLAIM}"), driver.current_url
    section = driver.find_element(By.CSS_SELECTOR, f"section#claim-{CLAIM}")
    button = section.find_element(By.CSS_SELECTOR, "button.sa-copy-button")
    _tap(driver, button)
    WebDriverWait(driver, 5).until(lambda d: section.find_element(By.CSS_SELECTOR, ".sa-copy-status").text.startswith("Copied"))
    cited = button.get_attribute("data-citation")
    copied = _clipboard(driver)
    assert copied in (None, cited), (copied, cited)  # where the browser lets us read it, the clipboard holds it
    copied = copied or cited
    fields = citation_fields(next(table[table.claim_id == CLAIM].itertuples()))
    official = numbers.value(float(claim.official_value), claim.official_unit)
    address = re.search(r"https://\S+", copied)
    for needed in (fields["conclusion"], f"Official figure: {official}", claim.release, "Published by Sent Away",
                   "The Sent Away authors", f"version {__version__}", claim.quote, "accessed 20"):
        assert needed in copied, (needed, copied)
    assert address and address.group(0).startswith(BASEURL) and "executed" not in address.group(0), copied
    assert f"#claim-{CLAIM}" in address.group(0) or Version(__version__).is_devrelease, copied
    if Version(__version__).is_devrelease:  # a development build says so and cites the last release instead
        assert "a development version, not a release" in copied and f"{BASEURL}v" in address.group(0), copied


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_register_opens_with_its_search_box_and_table_on_the_first_screen(site, clean_print_browser, phone, width):
    from test_phone import load

    driver = clean_print_browser if width == "desktop" else phone
    if width == "desktop":
        driver.set_window_size(1366, 768)
    load(driver, site / "register.html")
    found = driver.execute_script("""
      const h = window.innerHeight, vw = document.documentElement.clientWidth;
      const box = document.querySelector('.sa-register-tools input.sa-search').getBoundingClientRect();
      const row = document.querySelector('table.sa-register tbody tr').getBoundingClientRect();
      return {search: box.bottom, row: row.top, h: h, scroll: document.documentElement.scrollWidth, vw: vw};""")
    assert found["search"] <= found["h"] and found["row"] < found["h"], found
    assert found["scroll"] <= found["vw"] + 1, found  # no sideways scroll anywhere on the page


def test_the_row_a_link_reaches_is_highlighted(site, clean_print_browser):
    from selenium.webdriver.support.ui import WebDriverWait

    driver = clean_print_browser
    driver.get((site / "register.html").as_uri() + f"#claim-{CLAIM}")
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    styles = driver.execute_script(
        "return [arguments[0], arguments[1]].map(id => getComputedStyle(document.getElementById(id)).outlineStyle)",
        f"claim-{CLAIM}", "claim-" + next(c for c in register.build()[0].claim_id if c != CLAIM))
    assert styles == ["solid", "none"], styles


def test_every_evidence_section_has_a_copy_button_a_heading_in_words_and_a_way_back(site, clean_print_browser):
    from test_phone import load

    driver = clean_print_browser
    for page in sorted(site.glob("claims_*.html")):
        load(driver, page)
        sections = driver.execute_script("""
          return Array.from(document.querySelectorAll('section.sa-claim')).map(s => ({
            id: s.id, heading: s.querySelector('h3').textContent,
            button: !!s.querySelector('.sa-cite button.sa-copy-button'),
            back: (s.querySelector('a.sa-back') || {}).getAttribute ? s.querySelector('a.sa-back').getAttribute('href') : '',
            listed: !!document.querySelector('nav.sa-claim-list a[href="#' + s.id + '"]')}));""")
        assert sections, page
        for s in sections:
            assert s["button"] and s["listed"] and s["back"] == f"register.html#{s['id']}", (page.name, s)
            assert s["heading"].startswith("“") and s["id"].removeprefix("claim-") not in s["heading"], (page.name, s)


def test_every_chart_has_a_copy_citation_button_with_its_own_address(site, clean_print_browser):
    from test_phone import load

    page = site / "out_of_area.html"
    load(clean_print_browser, page)
    texts = clean_print_browser.execute_script("""
      return Array.from(document.querySelectorAll('figure.sa-chart')).map(f => {
        const b = f.querySelector('button.sa-copy-button'); b.click(); return [f.id, b.dataset.citation]; });""")
    assert texts
    for figure_id, text in texts:
        # A release cites its permanent address; a development build the same page of the last release.
        version = __version__ if not Version(__version__).is_devrelease else store.load_all()[-1].version
        assert f"{BASEURL}v{version}/out_of_area.html#{figure_id}" in text and f"version {__version__}" in text
