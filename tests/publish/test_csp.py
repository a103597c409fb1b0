"""The Content-Security-Policy comes from a fixed list of the scripts the site ships, never from the page."""

import re

import pytest

from sentaway.publish import csp


PAGE = ('<html><head><title>t</title></head><body><script>DOCUMENTATION_OPTIONS.pagename = \'book/index\';</script>'
        '<script src="_static/x.js"></script><script type="application/json" class="sa-spec">{"a":1}</script>'
        '<button onclick="window.print()">p</button>{extra}</body></html>')


def test_the_policy_allows_only_the_scripts_the_site_ships():
    known = csp.known_scripts(["book/index"])
    policy = csp.policy(PAGE.replace("{extra}", ""), known)
    hashes = set(re.findall(r"'sha256-[^']+'", policy))
    assert hashes == {csp._hash("DOCUMENTATION_OPTIONS.pagename = 'book/index';"), csp._hash("window.print()")}
    for extra, expected in [("<script>alert(1)</script>", "an inline script the site does not ship"),
                            ('<img src=x onerror="alert(1)">', "an event handler the site does not ship"),
                            ("<img src=x onerror=alert(1)>", "an event handler the site does not ship"),
                            ('<a href="javascript:alert(1)">x</a>', "a javascript: link"),
                            ("<script>DOCUMENTATION_OPTIONS.pagename = 'other';</script>", "does not ship"),
                            ('<script type="text/javascript" class="application/json">alert(1)</script>', "does not ship")]:
        with pytest.raises(csp.PolicyError, match=re.escape(expected)):
            csp.policy(PAGE.replace("{extra}", extra), known, "p.html")


def test_a_page_left_by_an_incremental_build_keeps_its_one_policy_and_a_page_s_own_policy_is_refused(tmp_path):
    """Jupyter Book run by hand (`jupyter-book build .`) rebuilds only changed pages, so the step meets pages it
    stamped before: it keeps their policy (one, the same), but still refuses a policy a page brought itself."""
    known = csp.known_scripts(["book/index"])
    page = tmp_path / "p.html"
    page.write_text(PAGE.replace("{extra}", ""), encoding="utf-8")
    csp.add_policy(page, known)
    once = page.read_text(encoding="utf-8")
    csp.add_policy(page, known)
    assert page.read_text(encoding="utf-8") == once and once.count("Content-Security-Policy") == 1
    page.write_text(PAGE.replace("{extra}", '<meta http-equiv="Content-Security-Policy" content="default-src *">'),
                    encoding="utf-8")
    with pytest.raises(csp.PolicyError, match="already holds a Content-Security-Policy"):
        csp.add_policy(page, known)


def test_every_published_policy_hashes_only_known_scripts(site):
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    names = [p.relative_to(site).with_suffix("").as_posix() for p in pages]
    allowed = {csp._hash(s) for s in csp.known_scripts(names)} | {csp._hash(h) for h in csp.KNOWN_HANDLERS}
    for page in pages:
        found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page.read_text(encoding="utf-8"))
        if found:
            assert set(re.findall(r"'sha256-[^']+'", found.group(1))) <= allowed, page


def test_every_html_file_of_the_site_carries_the_policy_and_a_page_without_a_head_is_refused(site, tmp_path):
    """Pages, and any HTML the theme leaves under _static/ (its layout's Jinja source, not published)."""
    files = sorted(site.rglob("*.html"))
    assert not [p for p in files if "_static" in p.relative_to(site).parts]
    for path in files:
        head = path.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert '<meta http-equiv="Content-Security-Policy"' in head, path
    bare = tmp_path / "index.html"
    bare.write_text('<meta http-equiv="Refresh" content="0; url=book/index.html" />\n', encoding="utf-8")
    with pytest.raises(csp.PolicyError, match="index.html: has no <head>, so it cannot carry the Content-Security-Policy"):
        csp.add_policy(bare, csp.known_scripts([]), "index.html")
