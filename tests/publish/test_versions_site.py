"""The assembled site of two releases: the recorded ones in releases/ and this build as the newest.

Built once per session in a temporary folder (about 2 s) from the archives deposited in releases/<version>/.
"""

import datetime as dt
import json
import re
import shutil

import pytest
from markupsafe import escape

from sentaway.publish import dist as archive_maker
from sentaway.publish import releases as store
from sentaway.paths import REPO
from sentaway.publish.site import Assembly, assemble

from test_site import ABSOLUTE, LOADS

ID = re.compile(r'\bid="((?:claim|chart)-[^"]+)"')


@pytest.fixture(scope="session")
def versions(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("versions")
    root, dist = tmp / "releases", tmp / "dist"
    shutil.copytree(store.RELEASES, root)
    recorded = store.load_all(root)
    dist.mkdir()
    newest = f"{recorded[-1].version}+build"
    built = archive_maker.make(tmp / "built")
    archive = dist / store.archive_name(newest)
    built.rename(archive)
    executed = REPO / "book" / "executed"
    store.record(newest, dt.date.today().isoformat(), store.git("rev-parse", "HEAD"), archive,
                 executed / "downloads", executed, root)
    out = assemble(root=root, dist=dist, out=tmp / "site", log=lambda _: None)
    recorded = store.load_all(root)
    # Which page of each copy is which page as the latest names it (0.1.0 and 0.2.0 kept theirs under book/executed/).
    layout = Assembly(recorded, out, "", store.moves(root))
    for release in recorded:
        layout.add(release.version, {name for name, _ in _pages(out / f"v{release.version}")})
    return {"site": out, "root": root, "releases": recorded, "layout": layout}


def _page(versions, version, name):
    """The path, in the copy of `version`, of the page the latest names `name` (register.html: book/executed/... in 0.2.0)."""
    return versions["layout"].counterpart(name, version)


def _pages(folder, skip_versions=False):
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder)
        if "_static" in relative.parts or (skip_versions and relative.parts[0].startswith("v")):
            continue
        if relative.parts[0] == "changes.html":
            continue
        yield relative.as_posix(), path


def _is_redirect(text):
    """Jupyter Book's top-level redirect (0.1.0, 0.2.0), or make site's for a page that moved."""
    return text.lstrip().startswith('<meta http-equiv="Refresh"') or '<body class="sa-redirect">' in text


def test_every_release_is_complete_under_its_own_folder_and_the_latest_at_the_root(versions):
    site = versions["site"]
    latest = versions["releases"][-1]
    for release in versions["releases"]:
        assert (site / f"v{release.version}" / _page(versions, release.version, "register.html")).is_file(), release.version
    assert (site / "register.html").read_text(encoding="utf-8").count(f"version {latest.version} (") >= 1
    switcher = json.loads((site / "switcher.json").read_text())
    assert [e["version"] for e in switcher] == [r.version for r in reversed(versions["releases"])]
    assert all(not ABSOLUTE.match(e["url"]) for e in switcher) and sum(e["preferred"] for e in switcher) == 1


def test_every_page_has_the_switcher_and_old_versions_carry_the_banner(versions):
    site, recorded = versions["site"], versions["releases"]
    latest = recorded[-1]
    for release in recorded:
        folder = site / f"v{release.version}"
        for name, path in _pages(folder):
            text = path.read_text(encoding="utf-8")
            if _is_redirect(text):
                continue
            assert text.count('<details class="sa-switcher">') == 1, (release.version, name)
            assert f"Cite this version: Sent Away, version {release.version} ({release.date}), " in text
            assert f"https://sent-away.github.io/sent-away/v{release.version}/{name}" in text, (release.version, name)
            banner = (f"You are reading version {release.version} of {release.date}; the latest is {latest.version} "
                      f"of {latest.date}")
            assert (banner in text) == (release is not latest), (release.version, name)
    for name, path in _pages(site, skip_versions=True):
        text = path.read_text(encoding="utf-8")
        assert _is_redirect(text) or ("sa-switcher" in text and "You are reading version" not in text), name


def test_the_banner_links_to_the_same_page_in_the_latest_version(versions):
    site, old = versions["site"], versions["releases"][0]
    page = site / f"v{old.version}" / _page(versions, old.version, "register.html")
    link = re.search(r'<p class="sa-versions-banner"[^>]*>.*?<a href="([^"]+)"', page.read_text(encoding="utf-8"), re.S)
    assert (page.parent / link.group(1)).resolve() == (site / "register.html").resolve()


def test_every_claim_and_chart_anchor_of_the_older_release_resolves_in_the_newer(versions):
    site, recorded = versions["site"], versions["releases"]
    for older, newer in zip(recorded, recorded[1:]):
        broken = []
        for name, path in _pages(site / f"v{older.version}"):
            ids = set(ID.findall(path.read_text(encoding="utf-8")))
            there = versions["layout"].counterpart(name, newer.version)
            target = site / f"v{newer.version}" / there if there else None
            present = set(ID.findall(target.read_text(encoding="utf-8"))) if target and target.is_file() else set()
            broken += [f"{name}#{i}" for i in sorted(ids - present)]
        assert not broken, f"anchors of {older.version} missing in {newer.version} (add releases/renames.csv rows): {broken}"
        register = {r["claim_id"] for r in store.register(older.version, versions["root"])}
        text = (site / f"v{newer.version}" / _page(versions, newer.version, "register.html")).read_text(encoding="utf-8")
        assert all(f'id="claim-{store.final_id(c, store.renames(versions["root"]))}"' in text or f'id="claim-{c}"' in text
                   for c in register)


def test_the_assembled_site_loads_nothing_from_outside_and_keeps_its_security_policy(versions):
    """Every HTML file of the assembled site carries the policy in its <head>: every release's pages, make site's
    redirects (the earlier releases' bare top-level redirects are rewritten as make site's own) and its changes page;
    the theme's HTML templates under _static/ are not published."""
    offenders, unprotected = [], []
    site = versions["site"]
    for path in list(site.rglob("*.html")) + list(site.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in LOADS.finditer(text):
            url = next(g for g in match.groups() if g)
            if ABSOLUTE.match(url.strip()):
                offenders.append(f"{path.relative_to(site)}: {url}")
        head = text.split("</head>", 1)[0] if "</head>" in text else ""
        if path.suffix == ".html" and '<meta http-equiv="Content-Security-Policy"' not in head:
            unprotected.append(str(path.relative_to(site)))
    assert not offenders and not unprotected, (offenders[:5], unprotected[:5])
    assert not list(site.glob("**/_static/*.html"))
    for release in versions["releases"]:
        root_page = (site / f"v{release.version}" / "index.html").read_text(encoding="utf-8")
        assert '<body class="sa-redirect">' in root_page or "sa-switcher" in root_page, release.version


def test_the_changes_page_lists_every_changed_claim_with_old_and_new_values(versions):
    from sentaway.publish import changes

    text = (versions["site"] / "changes.html").read_text(encoding="utf-8")
    pairs = changes.all_pairs(versions["releases"], versions["root"])
    assert len(pairs) == len(versions["releases"]) - 1
    for pair in pairs:
        assert f"From {pair.old.version} ({pair.old.date}) to {pair.new.version} ({pair.new.date})" in text
        section = text.split(f'<section id="changes-{pair.old.version}-{pair.new.version}">')[1].split("</section>")[0]
        assert f"{len(pair.changed)} claim" in section
        for change in pair.changed:
            assert f"#claim-{change.claim_id}" in section
            for f in change.fields:
                old, new = escape(f["old"] or "none"), escape(f["new"] or "none")
                assert f'<td class="sa-old">{old}</td><td class="sa-new">{new}</td>' in section


def _clear(browser):
    browser.get_log("browser")
    browser.get_log("performance")


def _at_rest(browser):
    """Wait until the page has scrolled to its #claim-... anchor: the theme's stylesheet makes that scroll smooth
    (scroll-behavior), so it is still moving for a second or two after the page has loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    positions = []

    def resting(driver):
        y, in_view = driver.execute_script(
            "const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));"
            "const top = target ? target.getBoundingClientRect().top : 0;"
            "return [window.scrollY, top >= -1 && top < window.innerHeight];")
        positions.append(y)
        return in_view and len(positions) >= 3 and positions[-1] == positions[-2] == positions[-3]

    WebDriverWait(browser, 20, poll_frequency=0.1).until(resting)


def _switch(browser, version):
    from selenium.webdriver.common.by import By

    summary = browser.find_element(By.CSS_SELECTOR, "#sa-versions details.sa-switcher summary")
    # A deep link (#claim-...) scrolls the bar out of view: a reader scrolls back up to it once the page is still
    # (instantly here, as a smooth scroll would move the bar from under the click).
    _at_rest(browser)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", summary)
    summary.click()
    browser.find_element(By.CSS_SELECTOR, f'#sa-versions .sa-switcher-menu a[data-version="{version}"]').click()


def test_the_switcher_moves_between_versions_on_the_same_page_in_chromium(versions, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    site, recorded = versions["site"], versions["releases"]
    old, latest = recorded[0], recorded[-1]
    old_page = (site / f"v{old.version}" / _page(versions, old.version, "register.html")).as_uri()
    new_page = (site / "register.html").as_uri()
    claim = store.register(old.version, versions["root"])[0]["claim_id"]
    _clear(browser)
    browser.get(old_page + f"#claim-{claim}")
    assert "You are reading version" in browser.find_element("id", "sa-versions").text
    _switch(browser, latest.version)
    WebDriverWait(browser, 10).until(lambda d: d.current_url == new_page + f"#claim-{claim}")  # the same claim
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
    assert browser.title.startswith("The claims register") and browser.find_elements("id", f"claim-{claim}")
    assert "You are reading version" not in browser.find_element("id", "sa-versions").text
    _switch(browser, old.version)
    WebDriverWait(browser, 10).until(lambda d: d.current_url == old_page + f"#claim-{claim}")
    assert "You are reading version" in browser.find_element("id", "sa-versions").text
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    messages = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
    urls = {m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"}
    assert not [u for u in urls if not u.startswith(("file://", "data:", "blob:", "about:"))], urls


def test_every_address_of_an_earlier_release_still_answers_at_the_root(versions):
    """0.1.0 and 0.2.0 kept their pages under book/executed/: at the site's root each old address is a redirect (with
    the site's Content-Security-Policy) to the page as it is now, which holds every claim and chart anchor the old
    page had; their downloads still answer at their old addresses."""
    site, recorded = versions["site"], versions["releases"]
    latest = recorded[-1]
    problems, redirects = [], 0
    for release in recorded[:-1]:
        folder = site / f"v{release.version}"
        for name, path in _pages(folder):
            here = site / name
            if not here.is_file():
                problems.append(f"{release.version}: {name} does not answer at the root")
                continue
            text = here.read_text(encoding="utf-8")
            if '<body class="sa-redirect">' not in text:
                continue
            redirects += 1
            target = re.search(r'data-target="([^"]+)"', text).group(1)
            landed = (here.parent / target).resolve()
            if landed != (site / _page(versions, latest.version, name)).resolve():
                problems.append(f"{name} redirects to {target}")
            if 'http-equiv="Content-Security-Policy"' not in text:
                problems.append(f"{name}: redirect without the Content-Security-Policy")
            ids = set(ID.findall(path.read_text(encoding="utf-8"))) - set(ID.findall(landed.read_text(encoding="utf-8")))
            problems += [f"{name}#{i}: not on {target}" for i in sorted(ids)]
            clean = versions["layout"].name(name)
            if not (folder / clean).is_file():  # v0.2.0/register.html, as a development build cites it
                problems.append(f"{release.version}: {name} does not answer at v{release.version}/{clean}")
        for old in folder.glob("_downloads/*/*"):
            if not (site / old.relative_to(folder)).is_file():
                problems.append(f"{release.version}: {old.relative_to(folder)} does not answer at the root")
    assert redirects and not problems, problems[:10]


def test_an_old_address_with_a_claim_anchor_lands_on_the_claim_in_chromium(versions, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    site, old = versions["site"], versions["releases"][0]
    claim = store.register(old.version, versions["root"])[0]["claim_id"]
    claim = store.final_id(claim, store.renames(versions["root"]))
    address = (site / _page(versions, old.version, "register.html")).as_uri() + f"#claim-{claim}"
    assert "book/executed" in address
    browser.get(address)
    WebDriverWait(browser, 10).until(lambda d: d.current_url == (site / "register.html").as_uri() + f"#claim-{claim}")
    assert browser.find_elements("id", f"claim-{claim}")
