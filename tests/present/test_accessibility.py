"""Accessibility of the built site: axe-core finds no serious or critical violation on any page,
every internal link (and #fragment) resolves, and charts fit a phone-width screen.

axe-core is a test tool only (tests/present/vendor/axe.min.js, see tests/present/vendor/README.md); it is injected
into the page by the test and never shipped with the site.
"""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import PHONE
from test_phone import load

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}
SLACK = 3  # px: rounding of sub-pixel layout

# Rules excused for narrow elements, each with why: (page glob relative to the site, rule id, CSS
# selector of the excused element; its descendants are excused too). Keep this list short: it is empty since
# the theme's search button is named by what it shows (sentaway/publish/finish.py, static_header_buttons).
EXCLUDE: list[tuple[str, str, str]] = []


def _pages(site: Path) -> list[Path]:
    """Every HTML page but the theme's assets."""
    return [path for path in sorted(site.rglob("*.html")) if "_static" not in path.relative_to(site).parts]


# The council pages are one template filled 160 times (sentaway/present/templates/council_page.html.j2): axe runs on
# the ones that show each of its variants (claims listed, code changes, suppressed and zero counts, a code the SFR files
# alone use), not on every one (that would add ten minutes to every test run for the same markup).
COUNCIL_SAMPLE = ("council-E08000007-stockport", "council-E06000059-dorset", "council-E10000009-dorset",
                  "council-E06000017-rutland", "council-E06000053-isles-of-scilly", "council-E09000001-city-of-london",
                  "council-E10000002-buckinghamshire")


def _axe_pages(site: Path) -> list[Path]:
    """Every page for axe: the council pages of COUNCIL_SAMPLE only (each must exist)."""
    pages = [p for p in _pages(site) if not p.name.startswith("council-") or p.stem in COUNCIL_SAMPLE]
    assert len([p for p in pages if p.name.startswith("council-")]) == len(COUNCIL_SAMPLE), "a sampled council page is missing"
    return pages


def _chart_pages(site: Path) -> list[Path]:
    return [p for p in _pages(site) if '<figure class="sa-chart"' in p.read_text(encoding="utf-8")]


@pytest.fixture
def clean_browser(browser):
    """The session's browser, left as found: desktop size, and its logs drained, so nothing these
    tests do shows up in another test's check of the console and network logs."""
    yield browser
    browser.set_window_size(1200, 2000)
    for kind in ("browser", "performance"):
        browser.get_log(kind)


# --- axe-core -------------------------------------------------------------------------------------

RUN_AXE = """
const done = arguments[arguments.length - 1];
// preload: false. axe would otherwise fetch each stylesheet with XMLHttpRequest to read the CSSOM
// (only css-orientation-lock needs it), which Chromium refuses on file:// and logs as errors.
const options = Object.assign({preload: false}, arguments[0]);
axe.run(document, options)
  .then(r => done({violations: r.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map(n => ({impact: n.impact, target: n.target.map(String),
                                summary: n.failureSummary}))}))}))
  .catch(e => done({error: String(e)}));
"""


def _excluded_here(page_rel: str) -> list[tuple[str, str]]:
    import fnmatch

    return [(rule, selector) for glob, rule, selector in EXCLUDE if fnmatch.fnmatch(page_rel, glob)]


def _is_excluded(rule: str, target: list, excluded: list[tuple[str, str]], browser) -> bool:
    """Whether axe's element (its unique selector) is, or is inside, an excused element for this rule."""
    selectors = [selector for rule_id, selector in excluded if rule_id == rule]
    if not selectors or not all(isinstance(t, str) for t in target) or len(target) != 1:
        return False  # nothing excused, or an element inside a frame / shadow root
    return browser.execute_script(
        "const el = document.querySelector(arguments[0]);"
        "return !!el && arguments[1].some(s => el.closest(s) !== null);", target[0], selectors)


# The dark theme changes colours only: the same elements are shown (checked on every page; only the theme button's
# own icon changes, a sun for a moon), so axe's rules about anything else (names, roles, structure, focus, sizes)
# would find the same in both, and in the dark theme only the rules about colour run.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
SHOWN_ELEMENTS = ("return Array.from(document.querySelectorAll('body *')).filter(e => e.getClientRects().length"
                  " && getComputedStyle(e).visibility !== 'hidden' && !e.closest('.theme-switch-button *'))"
                  ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
                  ".join('|')")


def _axe_failures(site, browser, pages, options, themes=("light",)) -> list[str]:
    """Run axe on each page in each theme (charts drawn, every <details> open; the page is loaded once and its
    theme switched as its own button does; after the first theme, only the colour rules); the serious and critical
    violations not excused in EXCLUDE, one line per page, theme and rule."""
    axe_source = AXE.read_text(encoding="utf-8")
    browser.set_script_timeout(120)
    failures = []
    for page in pages:
        rel = page.relative_to(site).as_posix()
        load(browser, page)
        # Open every <details> (chart data tables, nearest official figures) so axe checks them too.
        browser.execute_script("document.querySelectorAll('details').forEach(d => { d.open = true; });")
        browser.execute_script(axe_source)
        excluded = _excluded_here(rel)
        shown = None
        for theme in themes:
            set_theme(browser, theme)
            if shown is None:
                shown, run = browser.execute_script(SHOWN_ELEMENTS), options
            else:
                assert browser.execute_script(SHOWN_ELEMENTS) == shown, f"{rel}: the {theme} theme shows other elements"
                run = {**options, "runOnly": {"type": "rule", "values": COLOUR_RULES}}
            result = browser.execute_async_script(RUN_AXE, run)
            assert "error" not in result, (rel, theme, result.get("error"))
            for violation in result["violations"]:
                nodes = [n for n in violation["nodes"]
                         if (n["impact"] or violation["impact"]) in BLOCKING
                         and not _is_excluded(violation["id"], n["target"], excluded, browser)]
                if not nodes:
                    continue
                targets = "; ".join(" ".join(n["target"]) for n in nodes[:4])
                more = f" (+{len(nodes) - 4} more)" if len(nodes) > 4 else ""
                failures.append(f"{rel} ({theme} theme): {violation['id']} [{violation['impact']}] {violation['help']} "
                                f"({len(nodes)} element(s)): {targets}{more}\n    {nodes[0]['summary']}")
    return failures


DESKTOP = (1366, 900)


def set_theme(browser, theme: str) -> None:
    """Switch the theme as its own button does: data-theme (and data-mode) on <html>."""
    browser.execute_script(
        "document.documentElement.dataset.mode = arguments[0];"
        "document.documentElement.dataset.theme = arguments[0];", theme)
    # The theme fades colours on a switch (150 ms): measure once every transition has ended, not halfway through.
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("document.body.offsetHeight;")
    WebDriverWait(browser, 5, poll_frequency=0.05).until(lambda d: d.execute_script(
        "return document.getAnimations().every(a => !(a instanceof CSSTransition))"))
    assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") != "", theme


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_serious_or_critical_axe_violation_on_any_page(site, clean_browser, phone, width):
    """Every page, at 1366 px and on a 390 px phone, in the light and the dark theme (colour contrast
    included). On a phone, tables scroll sideways and must then take keyboard focus: axe checks that too."""
    browser = clean_browser if width == "desktop" else phone
    if width == "desktop":
        browser.set_window_size(*DESKTOP)
    failures = _axe_failures(site, browser, _axe_pages(site), {"resultTypes": ["violations"]}, ("light", "dark"))
    assert not failures, f"axe-core violations ({width}):\n" + "\n".join(failures)


def test_the_axe_check_finds_a_colour_fault_of_the_dark_theme_alone(tmp_path, clean_browser):
    """The check above can fail: text readable in the light theme but not in the dark one is reported, with the
    page, the theme and the rule."""
    page = tmp_path / "dark-fault.html"
    page.write_text('<!doctype html><html lang="en"><head><title>t</title><style>'
                    'html[data-theme="dark"] body { background: #000; } html[data-theme="dark"] p { color: #222; }'
                    '</style></head><body><main><p>Hard to read in the dark</p></main></body></html>', encoding="utf-8")
    failures = _axe_failures(tmp_path, clean_browser, [page], {"resultTypes": ["violations"]}, ("light", "dark"))
    assert len(failures) == 1 and failures[0].startswith("dark-fault.html (dark theme): color-contrast"), failures


def test_dark_theme_changes_the_page_colours(site, clean_browser):
    """The dark-mode checks above are only worth something if the theme switch really takes effect."""
    load(clean_browser, site / "out_of_area.html")
    colours = []
    for theme in ("light", "dark"):
        set_theme(clean_browser, theme)
        colours.append(clean_browser.execute_script(
            "return [getComputedStyle(document.body).backgroundColor,"
            " getComputedStyle(document.querySelector('figure.sa-chart .sa-source')).color]"))
    assert colours[0][0] != colours[1][0] and colours[0][1] != colours[1][1], colours


# --- internal links -------------------------------------------------------------------------------

class _Anchors(HTMLParser):
    """The hrefs of <a> and every id (and legacy <a name>) of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a":
            if attrs.get("name"):
                self.ids.add(attrs["name"])
            if attrs.get("href") is not None:
                self.hrefs.append(attrs["href"])

    handle_startendtag = handle_starttag


def _parse(path: Path) -> _Anchors:
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)  # http:, https:, mailto:, javascript:, //host


def test_every_internal_link_and_anchor_resolves(site):
    site_root = site.resolve()
    parsed: dict[Path, _Anchors] = {}

    def anchors(path: Path) -> _Anchors:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken = []
    checked = 0
    for page in _pages(site):
        rel = page.relative_to(site).as_posix()
        for href in anchors(page.resolve()).hrefs:
            href = href.strip()
            if not href or EXTERNAL.match(href):
                continue
            parts = urlsplit(href)
            fragment = unquote(parts.fragment)
            checked += 1
            if not parts.path:  # "#id" or "?q#id": the same page
                target = page.resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve()
                if target.is_dir():
                    target = target / "index.html"
            try:
                target.relative_to(site_root)
            except ValueError:
                broken.append(f"{rel}: {href} -> outside the site")
                continue
            if not target.is_file():
                broken.append(f"{rel}: {href} -> no file {target.relative_to(site_root).as_posix()}")
                continue
            if fragment and target.suffix == ".html" and fragment not in anchors(target).ids:
                broken.append(f"{rel}: {href} -> no id={fragment!r} in {target.relative_to(site_root).as_posix()}")
    assert checked, "no internal link found at all: is the site built?"
    assert not broken, f"{len(broken)} broken internal link(s):\n" + "\n".join(broken)


# --- phone width ----------------------------------------------------------------------------------

def test_charts_fit_a_phone_screen(site, phone):
    browser = phone
    pages = _chart_pages(site)
    assert pages, "no page with charts"
    problems = []
    for page in pages:
        rel = page.relative_to(site).as_posix()
        load(browser, page)
        # Open tables too: a wide one must scroll inside itself, not push the page sideways.
        browser.execute_script("document.querySelectorAll('details').forEach(d => { d.open = true; });")
        # The window size includes browser chrome; what matters is the layout viewport.
        measure = browser.execute_script("""
            const vw = document.documentElement.clientWidth;
            const charts = Array.from(document.querySelectorAll('figure.sa-chart')).map(f => {
              const svg = f.querySelector('.sa-chart-view svg');
              const fig = f.getBoundingClientRect();
              const s = svg ? svg.getBoundingClientRect() : null;
              return {id: f.id, svgWidth: s ? s.width : null, svgRight: s ? s.right : null,
                      svgLeft: s ? s.left : null, figRight: fig.right, figLeft: fig.left};
            });
            return {vw: vw, bodyScroll: document.body.scrollWidth,
                    docScroll: document.documentElement.scrollWidth, charts: charts};
        """)
        vw = measure["vw"]
        assert vw <= PHONE[0], (rel, vw)
        for chart in measure["charts"]:
            if chart["svgWidth"] is None:
                problems.append(f"{rel}: #{chart['id']} has no drawn SVG")
                continue
            if chart["svgWidth"] > vw + SLACK or chart["svgRight"] > vw + SLACK or chart["svgLeft"] < -SLACK:
                problems.append(f"{rel}: #{chart['id']} SVG {chart['svgWidth']:.0f}px wide "
                                f"[{chart['svgLeft']:.0f}, {chart['svgRight']:.0f}] in a {vw}px viewport")
            if chart["figRight"] > vw + SLACK or chart["figLeft"] < -SLACK:
                problems.append(f"{rel}: #{chart['id']} figure spans "
                                f"[{chart['figLeft']:.0f}, {chart['figRight']:.0f}] in a {vw}px viewport")
        for name in ("bodyScroll", "docScroll"):
            if measure[name] > vw + SLACK:
                problems.append(f"{rel}: page scrolls sideways ({name} {measure[name]}px > {vw}px viewport)")
    assert not problems, "on a 390px-wide phone:\n" + "\n".join(problems)
