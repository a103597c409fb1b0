"""On a 390 px phone (Chromium's device emulation, tests/conftest.py `phone`): the theme's menu and contents
buttons open their panels when tapped, every chart keeps a plot area at least 300 px wide with its title
whole, and the register keeps each claim, its verdict and the official figure on screen."""

from pathlib import Path

import pytest

from conftest import PHONE

MIN_PLOT = 300  # px: the narrowest plot area a chart may have on a phone
SLACK = 3  # px: sub-pixel rounding


def _pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts]


def load(driver, page: Path) -> int:
    """Open a page and wait until every chart on it is drawn; the number of charts."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(page.as_uri())
    expected = page.read_text(encoding="utf-8").count('<figure class="sa-chart"')
    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && "
        "document.querySelectorAll('figure.sa-chart.sa-drawn').length") == expected)
    return expected


SHOWN = """
const el = document.querySelector(arguments[0]);
if (!el) return null;
const r = el.getBoundingClientRect(), style = getComputedStyle(el);
return {visible: style.visibility !== 'hidden' && style.display !== 'none' && r.width > 100 && r.height > 100
                 && r.left >= -1 && r.right <= document.documentElement.clientWidth + 1,
        left: r.left, right: r.right, width: r.width};
"""


def test_the_phone_is_390px_wide(site, phone):
    load(phone, site / "index.html")
    assert phone.execute_script("return document.documentElement.clientWidth") <= PHONE[0]


@pytest.mark.parametrize("button, panel", [
    (".bd-header-article .primary-toggle", ".bd-sidebar-primary"),
    (".bd-header-article .secondary-toggle", ".bd-sidebar-secondary"),
])
def test_menu_and_contents_buttons_open_their_panels(site, phone, button, panel):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    load(phone, site / "out_of_area.html")
    assert not phone.execute_script(SHOWN, panel)["visible"], f"{panel} is open before any tap"
    icon = phone.execute_script(
        "const i = document.querySelector(arguments[0] + ' [class*=\"fa-\"]');"
        "const s = getComputedStyle(i, '::before'); return [s.width, s.height, s.maskImage || s.webkitMaskImage];", button)
    assert float(icon[0].rstrip("px") or 0) > 4 and icon[2] not in ("none", ""), f"{button} shows no icon: {icon}"
    phone.find_element(By.CSS_SELECTOR, button).click()  # a real tap on the visible button
    WebDriverWait(phone, 5).until(lambda d: d.execute_script(SHOWN, panel)["visible"],
                                  message=f"tapping {button} did not open {panel}")
    # The panel holds links a reader can tap: the chapters (menu) or this page's sections (contents).
    links = phone.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' a')).filter(a => a.getBoundingClientRect().width > 0).length",
        panel)
    assert links >= 3, (panel, links)


PLOTS = """
return Array.from(document.querySelectorAll('figure.sa-chart')).map(f => {
  const svg = f.querySelector('.sa-chart-view svg');
  if (!svg) return {id: f.id, missing: true};
  // Vega draws the plot area as the root group's first cell: its background path spans exactly the plot.
  const frame = svg.querySelector('g.mark-group.role-frame.root > g > g > path.background')
             || svg.querySelector('g.mark-group.role-frame.root path.background');
  const title = svg.querySelector('g.mark-group.role-frame.root .role-title-text, .role-title .role-title-text');
  const s = svg.getBoundingClientRect(), p = frame.getBoundingClientRect();
  const t = title ? title.getBoundingClientRect() : null;
  return {id: f.id, plot: p.width, svgLeft: s.left, svgRight: s.right, vw: document.documentElement.clientWidth,
          titleLeft: t ? t.left : null, titleRight: t ? t.right : null,
          titleText: title ? title.textContent : null};
});
"""


def _chart_pages(site):
    return [p for p in _pages(site) if '<figure class="sa-chart"' in p.read_text(encoding="utf-8")]


def test_every_chart_has_a_plot_area_of_300px_and_a_whole_title_on_a_phone(site, phone):
    pages = _chart_pages(site)
    assert pages, "no page with charts"
    problems, measured = [], 0
    for page in pages:
        rel = page.relative_to(site).as_posix()
        load(phone, page)
        for chart in phone.execute_script(PLOTS):
            measured += 1
            if chart.get("missing"):
                problems.append(f"{rel} #{chart['id']}: no drawn SVG")
                continue
            if chart["plot"] < MIN_PLOT:
                problems.append(f"{rel} #{chart['id']}: plot area {chart['plot']:.0f} px wide (< {MIN_PLOT})")
            if chart["titleText"] is None:
                problems.append(f"{rel} #{chart['id']}: no title")
            elif chart["titleRight"] > chart["vw"] + SLACK or chart["titleLeft"] < -SLACK:
                problems.append(f"{rel} #{chart['id']}: title runs off the screen "
                                f"[{chart['titleLeft']:.0f}, {chart['titleRight']:.0f}] in {chart['vw']} px")
            elif chart["titleText"].endswith("…"):
                problems.append(f"{rel} #{chart['id']}: title cut short: {chart['titleText']!r}")
            if chart["svgRight"] > chart["vw"] + SLACK or chart["svgLeft"] < -SLACK:
                problems.append(f"{rel} #{chart['id']}: chart spans [{chart['svgLeft']:.0f}, {chart['svgRight']:.0f}]")
    assert measured >= 10, measured
    assert not problems, f"on a {PHONE[0]} px phone:\n" + "\n".join(problems)


def test_register_shows_claim_verdict_and_official_figure_on_a_phone(site, phone):
    load(phone, site / "register.html")
    rows = phone.execute_script("""
      const vw = document.documentElement.clientWidth;
      const onScreen = el => { if (!el) return false; const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= -1 && r.right <= vw + 1 && getComputedStyle(el).visibility !== 'hidden'; };
      return Array.from(document.querySelectorAll('table.sa-register tbody tr')).map(tr => ({
        id: tr.id, claim: onScreen(tr.querySelector('.sa-col-claim')),
        verdict: onScreen(tr.querySelector('.sa-col-verdict .sa-badge')),
        official: onScreen(tr.querySelector('.sa-col-official'))}));
    """)
    assert len(rows) > 10, rows
    hidden = [r for r in rows if not (r["claim"] and r["verdict"] and r["official"])]
    assert not hidden, hidden[:5]
