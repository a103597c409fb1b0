"""A journalist's task, scripted as a person would do it, on a desktop and on a phone: open the home page,
go to the register, search for a quoted phrase, filter to a verdict, copy the citation; the copied text
holds the book's absolute URL, the version and the claim."""

import pytest

from sentaway import __version__
from sentaway.register import register

BASEURL = "https://sent-away.github.io/sent-away/"


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
def test_search_filter_and_copy_a_citation(site, clean_print_browser, phone, width, theme):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = clean_print_browser if width == "desktop" else phone
    if width == "desktop":
        driver.set_window_size(1366, 768)
    table, _ = register.build()
    claim = table.set_index("claim_id").loc["region-three-regions-share-pa"]
    phrase = "concentrated in just three regions"  # typed with a straight apostrophe-free keyboard
    assert phrase in claim.quote

    driver.get((site / "index.html").as_uri())  # the site's front door (redirects to the home page)
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

    _shows_the_stored_theme(driver, theme)
    search = driver.find_element(By.CSS_SELECTOR, ".sa-register-tools input.sa-search")
    _tap(driver, search)
    search.send_keys(phrase)
    visible = lambda d: [r.get_attribute("data-claim") for r in d.find_elements(By.CSS_SELECTOR, "table.sa-register tbody tr")
                         if r.is_displayed()]
    found = visible(driver)
    assert "region-three-regions-share-pa" in found and len(found) < len(table), found

    from selenium.webdriver.support.ui import Select
    verdict = Select(driver.find_element(By.CSS_SELECTOR, 'select[data-filter="verdict"]'))
    verdict.select_by_value(claim.verdict)
    found = visible(driver)
    assert found and all(table.set_index("claim_id").loc[c].verdict == claim.verdict for c in found), found
    count = driver.find_element(By.CSS_SELECTOR, ".sa-count").text
    assert count.startswith(f"{len(found)} of {len(table)}"), count

    row = driver.find_element(By.CSS_SELECTOR, 'tr[data-claim="region-three-regions-share-pa"]')
    button = row.find_element(By.CSS_SELECTOR, "button.sa-copy-button")
    _tap(driver, button)
    WebDriverWait(driver, 5).until(lambda d: row.find_element(By.CSS_SELECTOR, ".sa-copy-status").text.startswith("Copied"))
    cited = button.get_attribute("data-citation")
    copied = _clipboard(driver)
    assert copied in (None, cited), (copied, cited)  # where the browser lets us read it, the clipboard holds it
    copied = copied or cited
    for needed in (BASEURL + "book/executed/register.html#claim-region-three-regions-share-pa",
                   f"version {__version__}", claim.quote, claim.verdict, "accessed 20", "built 20"):
        assert needed in copied, (needed, copied)


def test_every_chart_has_a_copy_citation_button_with_its_own_address(site, clean_print_browser):
    from test_phone import load

    page = site / "out_of_area.html"
    load(clean_print_browser, page)
    texts = clean_print_browser.execute_script("""
      return Array.from(document.querySelectorAll('figure.sa-chart')).map(f => {
        const b = f.querySelector('button.sa-copy-button'); b.click(); return [f.id, b.dataset.citation]; });""")
    assert texts
    for figure_id, text in texts:
        assert f"{BASEURL}book/executed/out_of_area.html#{figure_id}" in text and f"version {__version__}" in text
