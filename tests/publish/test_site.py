"""The built site: self-contained, stamped with its version, and its charts draw in a real browser."""

import re

from sentaway import __version__
from sentaway.paths import REPO

# Anything a page loads by itself (not plain <a href> links to sources).
LOADS = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc\s*=\s*["']([^"']+)"""
    r"""|<link\b(?![^>]*\brel\s*=\s*["']canonical)[^>]*\bhref\s*=\s*["']([^"']+)"""  # rel=canonical names, loads nothing
    r"""|url\(\s*["']?([^"')]+)|@import\s+["']([^"']+)""",
    re.I,
)
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


def _pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_no_page_or_stylesheet_loads_anything_from_outside(site):
    offenders = []
    for path in _pages(site) + sorted(site.rglob("*.css")):
        for match in LOADS.finditer(path.read_text(encoding="utf-8", errors="replace")):
            url = next(g for g in match.groups() if g)
            if ABSOLUTE.match(url.strip()):
                offenders.append(f"{path.relative_to(site)}: {url}")
    assert not offenders, "external loads:\n" + "\n".join(offenders)


def test_every_page_shows_the_version(site):
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        if text.startswith('<meta http-equiv="Refresh"'):
            continue  # the top-level index.html only redirects to book/index.html
        assert f"version {__version__}" in text, page


def test_chapter_prose_has_no_unfilled_glue(site):
    text = (site / "out_of_area.html").read_text(encoding="utf-8")
    assert "glue" not in text.lower() or "{glue" not in text


def test_every_page_loads_offline_and_its_charts_draw_in_chromium(site, browser):
    for page in _pages(site):
        _check_page(page, browser)


def _check_page(page, browser):
    browser.get(page.as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    expected = page.read_text(encoding="utf-8").count('<figure class="sa-chart"')
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("return document.querySelectorAll('figure.sa-chart.sa-drawn').length") == expected)
    marks = browser.execute_script(
        "return Array.from(document.querySelectorAll('figure.sa-chart .sa-chart-view svg'))"
        ".map(s => s.querySelectorAll('.mark-symbol path').length)")  # every chart plots its data as points
    assert len(marks) == expected and all(n > 1 for n in marks), (page, marks)
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, (page, errors)
    import json

    requests = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = {m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"}
    outside = sorted(u for u in urls if not u.startswith(("file://", "data:", "blob:", "about:")))
    assert not outside, (page, outside)


def test_chart_tooltips_work(site, browser):
    browser.get((site / "out_of_area.html").as_uri())
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script("return document.querySelectorAll('figure.sa-chart.sa-drawn').length"
                                   " === document.querySelectorAll('figure.sa-chart').length"))
    point = browser.find_element("css selector", "#chart-share-outside .mark-symbol path")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", point)
    # As a reader's pointer does: into the chart first, then onto the point (Vega drops the very first
    # pointer event that enters a view, so a jump straight from outside onto a point shows nothing).
    view = browser.find_element("css selector", "#chart-share-outside .sa-chart-view svg")
    ActionChains(browser).move_to_element(view).pause(0.2).move_to_element(point).perform()
    WebDriverWait(browser, 5).until(
        lambda d: d.execute_script("var t=document.querySelector('#vg-tooltip-element');"
                                   "return t && t.classList.contains('visible') && t.textContent.length > 0"))


def test_register_download_has_every_claim_and_anchors_resolve(site):
    import csv
    import io

    from sentaway.read import claims

    said = set(claims.load().claim_id)
    found = list(site.glob("_downloads/*/claims_register.csv"))
    assert len(found) == 1
    assert {r["claim_id"] for r in csv.DictReader(io.StringIO(found[0].read_text(encoding="utf-8")))} == said
    register_page = (site / "register.html").read_text(encoding="utf-8")
    for claim_id in said:
        assert f'id="claim-{claim_id}"' in register_page, claim_id
    pages = {p.name: p.read_text(encoding="utf-8") for p in site.glob("claims_*.html")}
    for link in re.findall(r'href="(claims_[a-z_]+\.html)#(claim-[^"]+)"', register_page):
        assert f'id="{link[1]}"' in pages[link[0]], link


def test_each_evidence_section_carries_claim_review_json_ld(site):
    import json

    for page in site.glob("claims_*.html"):
        text = page.read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, flags=re.S)
        assert blocks, page
        for block in blocks:
            data = json.loads(block.replace("<\\/", "</"))
            assert data["@type"] == "ClaimReview" and data["reviewRating"]["alternateName"]


def test_downloads_page_links_resolve_to_the_extracts_byte_for_byte(site):
    """Each extract as data/ holds it, a cell a spreadsheet would run as a formula excepted (sentaway.publish.formulas:
    given a leading quote in the copy offered)."""
    import json
    from pathlib import Path

    from sentaway.paths import DATA
    from sentaway.publish.formulas import safe_text

    page = site / "downloads.html"
    text = page.read_text(encoding="utf-8")
    links = re.findall(r'href="(_downloads/[^"]+)"', text)
    names = {Path(link).name: (page.parent / link).resolve() for link in links}
    package = json.loads((DATA / "datapackage.json").read_text())
    for resource in package["resources"]:
        assert resource["path"] in names, f"{resource['path']} is not offered on the Downloads page"
    for name, target in names.items():
        if name.startswith("claims_register."):
            continue  # computed at build time, not an extract: checked against claims.csv below
        with open(DATA / name, encoding="utf-8", newline="") as handle:
            text = handle.read()
        offered = (safe_text(text) or text) if name.endswith(".csv") else text
        assert target.read_bytes() == offered.encode("utf-8"), name
    assert {"claims_register.csv", "claims_register.json"} <= set(names)


def test_citation_file_is_valid_and_matches_the_version():
    import yaml
    from packaging.version import Version

    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "version", "authors"):
        assert citation.get(key), key
    assert str(citation["version"]) == __version__
    # A release has its changelog section; a development version (after a release) has `## Unreleased`.
    heading = "## Unreleased" if Version(__version__).is_devrelease else f"## {__version__}"
    assert heading in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_home_page_says_when_its_version_is_a_development_one_and_after_which_release(site):
    from packaging.version import Version

    from sentaway.publish import releases

    text = (site / "index.html").read_text(encoding="utf-8")
    note = f"a development version, built after release {releases.load_all()[-1].version}"
    assert (note in text) == Version(__version__).is_devrelease, __version__


def test_every_chart_offers_its_data_as_csv(site):
    import csv
    import io

    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        for name in re.findall(r'<figure class="sa-chart" id="chart-([^"]+)"', text):
            link = re.search(rf'<a href="([^"]+/{re.escape(name)}\.csv)" download>', text)
            assert link, (page.name, name)
            target = (page.parent / link.group(1)).resolve()
            rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
            assert len(rows) >= 2, target
            # Readers without JavaScript get the same chart as a static SVG.
            static = re.search(rf'<noscript><img class="sa-chart-static" src="([^"]+/{re.escape(name)}\.svg)" alt="[^"]+">', text)
            assert static and (page.parent / static.group(1)).resolve().read_text().startswith("<svg"), (page.name, name)
            assert f"Cite this figure: Sent Away, version {__version__}" in text


def test_build_status_page_lists_every_notebook(site):
    text = (site / "build_status.html").read_text(encoding="utf-8")
    for notebook in (REPO / "notebooks").glob("*.ipynb"):
        assert f"notebooks/{notebook.name}" in text


def test_every_page_carries_a_content_security_policy_without_eval(site):
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        if text.startswith('<meta http-equiv="Refresh"'):
            continue
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        assert policy, page
        assert "default-src 'self'" in policy.group(1) and "unsafe-eval" not in policy.group(1)
        assert "script-src 'self'" in policy.group(1) and "'unsafe-inline'" not in policy.group(1).split("style-src")[0]


def test_icons_come_from_a_small_stylesheet_not_the_font_awesome_script(site):
    css = (site / "_static/sentaway-icons.css").read_text(encoding="utf-8")
    for page in _pages(site):
        text = page.read_text(encoding="utf-8")
        assert "fontawesome.js" not in text, page
        for classes in re.findall(r'class="([^"]*\bfa-[^"]*)"', text):
            for token in classes.split():
                if token.startswith("fa-") and token not in ("fa-solid", "fa-regular", "fa-lg"):
                    assert f".{token}::before" in css, (page.name, token)


def test_no_page_weighs_more_than_the_budget_with_its_assets(site):
    from sentaway.publish.pageweight import LIMIT_BYTES, page_weights

    _, pages = page_weights(site)
    heavy = [(size, name) for size, name in pages if size > LIMIT_BYTES]
    assert not heavy, heavy
