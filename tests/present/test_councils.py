"""Your council's figures, as a local journalist uses them: on a phone (and a desktop), in both themes, with the network
blocked, find Stockport by typing part of its name, open its page, read its share placed out of area for 2013 and 2024
beside England's, and copy a citation naming the figure, its release, the council and an absolute address. And what the
built site must hold: a page for every council in the files, reachable from the list and from its region, a council
whose code changed shown as separate series, suppressed figures shown by their symbol, the register's claims linked
both ways, every page's table readable with scripts off."""

import csv
import re
from pathlib import Path

import pytest

from sentaway.paths import DATA
from sentaway.publish.pageweight import LIMIT_BYTES, page_weights
from test_journalist import BASEURL, _clipboard, _shows_the_stored_theme, _tap

STOCKPORT = "E08000007"


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _published() -> dict[str, str]:
    return {r["release"]: r["published"] for r in _rows("release_dates.csv")}


def _share(rows, level, code, year):
    """(share %, release) of a council (or England) for a year, computed here from the extract: the latest release
    that gives the year, outside over looked after."""
    published = _published()
    found = {}
    for r in rows:
        if r["geographic_level"] == level and (level == "national" or r["area_code"] == code) and r["year"] == str(year):
            found.setdefault(r["release"], {})[r["measure"]] = r["value"]
    release = max(found, key=published.get)
    values = found[release]
    return 100 * int(values["placed_outside"]) / int(values["looked_after"]), release


def _england(rows, year, release):
    values = {r["measure"]: r["value"] for r in rows if r["geographic_level"] == "national" and r["year"] == str(year)
              and r["release"] == release}
    return 100 * int(values["placed_outside"]) / int(values["looked_after"])


def _pages(site: Path) -> dict[str, Path]:
    return {p.stem: p for p in site.glob("council-E*.html")}


def _written(share: float) -> str:
    """A share as the pages write it (one decimal, no trailing zero)."""
    return f"{share:.1f}".rstrip("0").rstrip(".") + "%"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_find_stockport_read_its_shares_and_copy_a_citation(site, clean_print_browser, phone, width, theme):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = phone if width == "phone" else clean_print_browser
    if width == "desktop":
        driver.set_window_size(1366, 768)
    rows = _rows("cla_council_placements.csv")
    driver.get((site / "councils.html").as_uri())
    for _ in range(5):  # the theme the reader chose, kept across pages (see test_journalist for why it is retried)
        driver.execute_script("localStorage.setItem('theme', arguments[0]); localStorage.setItem('mode', arguments[0]);",
                              theme)
        driver.refresh()
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        if driver.execute_script("return document.documentElement.dataset.theme") == theme:
            break
    box = WebDriverWait(driver, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "#sa-council-find"))
    _tap(driver, box)
    box.send_keys("stockp")
    shown = [li for li in driver.find_elements(By.CSS_SELECTOR, "li[data-search]") if li.is_displayed()]
    assert [li.find_element(By.TAG_NAME, "a").text for li in shown] == ["Stockport"], [li.text for li in shown]
    assert driver.current_url.endswith("#find=stockp"), driver.current_url  # what was typed is in the address
    _tap(driver, shown[0].find_element(By.TAG_NAME, "a"))
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#share-2024 button.sa-copy-button"))
    assert re.search(rf"council-{STOCKPORT}-stockport\.html$", driver.current_url), driver.current_url
    _shows_the_stored_theme(driver, theme)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= \
        driver.execute_script("return document.documentElement.clientWidth") + 1  # nothing wider than the screen

    for year in (2013, 2024):
        share, release = _share(rows, "local_authority", STOCKPORT, year)
        england = _england(rows, year, release)
        row = driver.find_element(By.CSS_SELECTOR, f"#share-{year}")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
        assert row.is_displayed()
        assert row.find_element(By.CSS_SELECTOR, ".sa-share").text.endswith(_written(share)), (year, row.text)
        assert row.find_element(By.CSS_SELECTOR, ".sa-england").text.endswith(_written(england)), (year, row.text)
        assert release in row.text

    row = driver.find_element(By.CSS_SELECTOR, "#share-2024")
    button = row.find_element(By.CSS_SELECTOR, "button.sa-copy-button")
    _tap(driver, button)
    WebDriverWait(driver, 5).until(lambda d: row.find_element(By.CSS_SELECTOR, ".sa-copy-status").text.startswith("Copied"))
    cited = button.get_attribute("data-citation")
    copied = _clipboard(driver)
    assert copied in (None, cited), (copied, cited)
    copied = copied or cited
    share, release = _share(rows, "local_authority", STOCKPORT, 2024)
    for needed in ("Stockport", STOCKPORT, "31 March 2024", _written(share), f"England: {_written(_england(rows, 2024, release))}",
                   release, "Children looked after in England", "Department for Education", "The Sent Away authors",
                   "Published by Sent Away", "accessed 20"):
        assert needed in copied, (needed, copied)
    address = re.search(r"https://\S+\.html\S*", copied)
    assert address and address.group(0).startswith(BASEURL), copied


def test_every_council_in_the_files_has_a_page_listed_under_its_region(site):
    rows = _rows("cla_council_placements.csv")
    codes = {r["area_code"] for r in rows if r["geographic_level"] == "local_authority" and r["status"] != "z"}
    pages = _pages(site)
    assert {name.split("-")[1] for name in pages} == codes
    listing = (site / "councils.html").read_text(encoding="utf-8")
    regions = {r["region9_name"] for r in _rows("la_context.csv")}
    for region in regions:
        assert f'<h2>{region}</h2>' in listing, region
    for name in pages:
        assert f'href="{name}.html"' in listing, name
    page = pages[f"council-{STOCKPORT}-stockport"].read_text(encoding="utf-8")
    assert 'href="councils.html#region-north-west"' in page
    assert 'id="region-north-west"' in listing
    assert "<title>Stockport" in page and 'http-equiv="Content-Security-Policy"' in page
    assert f"DOCUMENTATION_OPTIONS.pagename = 'council-{STOCKPORT}-stockport';" in page
    assert not (site / "council-page-frame.html").exists()
    assert (site / "chart-data" / f"council-{STOCKPORT}-stockport.csv").is_file()
    assert (site / "chart-data" / "councils.csv").is_file()


def test_council_pages_stay_within_the_page_weight_budget(site):
    _, weights = page_weights(site)
    councils = [(size, page) for size, page in weights if page.startswith("council")]
    assert len(councils) == len(_pages(site)) + 1
    assert max(councils)[0] <= LIMIT_BYTES, max(councils)
    # They draw their charts as SVG at build time: no chart library.
    assert "vega" not in _pages(site)[f"council-{STOCKPORT}-stockport"].read_text(encoding="utf-8")


def test_a_council_whose_boundary_changed_shows_separate_series(site):
    pages = _pages(site)
    dorset = pages["council-E06000059-dorset"].read_text(encoding="utf-8")
    county = pages["council-E10000009-dorset"].read_text(encoding="utf-8")
    # Two lines, never joined: the council's own and the county's, each under its code and years.
    chart = re.search(r'<figure class="sa-council-chart" id="council-chart-share">.*?</figure>', dorset, re.S).group(0)
    assert chart.count('class="sa-line sa-line-council') == 1 and chart.count('class="sa-line sa-line-related') == 1
    assert "Dorset (E10000009, 2011-2019)" in chart
    # The table holds the new code's years only; the county's page its own.
    assert 'id="share-2020"' in dorset and 'id="share-2019"' not in dorset
    assert 'id="share-2019"' in county and 'id="share-2020"' not in county
    for page in (dorset, county):
        assert "1 April 2019" in page and "The area changed" in page
    assert 'href="council-E10000009-dorset.html"' in dorset and 'href="council-E06000059-dorset.html"' in county
    # The same area under a new code is still two series (North Yorkshire, 2023).
    york = pages["council-E06000065-north-yorkshire"].read_text(encoding="utf-8")
    assert "The area stayed the same" in york and "North Yorkshire (E10000023, 2011-2023)" in york


def test_a_suppressed_share_shows_its_symbol_and_is_not_ranked(site):
    rutland = _pages(site)["council-E06000017-rutland"].read_text(encoding="utf-8")
    row = re.search(r'<tr id="share-2024".*?</tr>', rutland, re.S).group(0)
    assert re.search(r'<abbr class="sa-symbol" title="suppressed \(confidential\)">c</abbr>', row), row
    assert 'data-label="Rank in England">–<' in row
    assert "is not\n    ranked" in rutland or "is not ranked" in re.sub(r"\s+", " ", rutland)
    assert "<dt>c</dt><dd>suppressed (confidential)</dd>" in rutland


def test_the_speakers_councils_and_their_claims_link_both_ways(site):
    register = (site / "register.html").read_text(encoding="utf-8")
    row = re.search(r'<tr id="claim-other-stockport-missing-cse-huffpost".*?</tr>', register, re.S).group(0)
    assert f'href="council-{STOCKPORT}-stockport.html"' in row
    stockport = _pages(site)[f"council-{STOCKPORT}-stockport"].read_text(encoding="utf-8")
    assert 'href="register.html#claim-other-stockport-missing-cse-huffpost"' in stockport
    stockton = _pages(site)["council-E06000004-stockton-on-tees"].read_text(encoding="utf-8")
    claims = [r for r in _rows("claims.csv") if r["speaker"] == "Alex Cunningham MP"
              or r["outlet"] == "Alex Cunningham MP press release"]
    assert claims and all(f'href="register.html#claim-{c["claim_id"]}"' in stockton for c in claims)


def test_a_council_page_reads_with_scripts_off(site, clean_print_browser):
    from selenium.webdriver.common.by import By

    driver = clean_print_browser
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get((site / f"council-{STOCKPORT}-stockport.html").as_uri())
        row = driver.find_element(By.CSS_SELECTOR, "#share-2024")
        assert row.is_displayed() and "%" in row.find_element(By.CSS_SELECTOR, ".sa-share").text
        assert driver.find_element(By.CSS_SELECTOR, "#council-chart-share svg").is_displayed()
        driver.get((site / "councils.html").as_uri())
        assert len([a for a in driver.find_elements(By.CSS_SELECTOR, "li[data-search] a") if a.is_displayed()]) \
            == len(_pages(site))
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_the_list_opens_filtered_from_an_address(site, clean_print_browser):
    from selenium.webdriver.common.by import By

    driver = clean_print_browser
    driver.get((site / "index.html").as_uri())  # another page first: going to the same page with a new hash loads nothing
    driver.get((site / "councils.html").as_uri() + "#find=dorset")
    shown = [li.find_element(By.TAG_NAME, "a").text for li in driver.find_elements(By.CSS_SELECTOR, "li[data-search]")
             if li.is_displayed()]
    # Both Dorsets, and the council that took in part of the old county (its search words name its predecessors).
    assert sorted(shown) == ["Bournemouth, Christchurch and Poole", "Dorset", "Dorset"], shown
    assert driver.find_element(By.CSS_SELECTOR, "#sa-council-find").get_attribute("value") == "dorset"
