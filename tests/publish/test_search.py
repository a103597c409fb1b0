"""Search from disk: readable excerpts (no file names, no failed fetches), numbers and claims found."""

import json
import time
from urllib.parse import quote


def _search(browser, site, words):
    browser.get((site / "search.html").as_uri() + "?q=" + quote(words))
    for _ in range(50):
        state = browser.execute_script(
            "const s = document.querySelector('#search-results p.search-summary'); return s ? s.textContent : ''")
        if "finished" in state.lower() or "did not match" in state.lower():
            break
        time.sleep(0.1)
    time.sleep(0.3)
    return browser.execute_script("""
      return {summary: (document.querySelector('#search-results p.search-summary') || {}).textContent || '',
              pages: Array.from(document.querySelectorAll('#search-results ul.search > li')).map(li => ({
                 title: li.querySelector('a').textContent, href: li.querySelector('a').getAttribute('href'),
                 excerpt: (li.querySelector('.sa-excerpt') || {}).textContent || ''})),
              claims: Array.from(document.querySelectorAll('.sa-claim-results li a')).map(a => a.getAttribute('href'))};""")


def test_search_shows_excerpts_without_file_names_and_finds_the_claim(site, browser):
    browser.get_log("browser")
    found = _search(browser, site, "concentrated")
    assert found["pages"], found
    for page in found["pages"]:
        assert "concentrated" in page["excerpt"].lower(), page
        for leak in (".ipynb", ".html", "book/executed", "_sources"):
            assert leak not in page["excerpt"] and leak not in page["title"], page
    # At the site's root, as cited (the search page is there too).
    assert any(h.removeprefix("./") == "register.html#claim-region-three-regions-share-pa" for h in found["claims"]), found
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors  # no excerpt fetch refused by the browser


def test_search_finds_a_figure_only_the_register_and_evidence_tables_hold(site, browser):
    found = _search(browser, site, "3,990")
    assert any(p["href"].endswith("register.html") for p in found["pages"]), found
    assert any(h.endswith("#claim-ooa-number-2018-localgov") for h in found["claims"]), found


def test_every_claim_of_the_register_is_in_the_search_data(site):
    from sentaway.read import claims

    text = (site / "_static/sentaway-search-data.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("{"): text.rindex("}") + 1].replace("<\\/", "</"))
    assert {c["id"] for c in data["claims"]} == set(claims.load().claim_id)
