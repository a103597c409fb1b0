"""Printed pages: under the print stylesheet every chart fits the paper whole, down to its last year."""

from test_phone import load

A4_PX = 680  # printable width of A4 at 96 px per inch, with the browser's default margins


def test_every_chart_prints_whole(site, clean_print_browser):
    browser = clean_print_browser
    browser.set_window_size(1366, 900)  # charts drawn at desktop width, as before a reader presses Print
    pages = [p for p in sorted(site.glob("*.html")) if '<figure class="sa-chart"' in p.read_text(encoding="utf-8")]
    assert pages
    problems, checked = [], 0
    for page in pages:
        rel = page.relative_to(site).as_posix()
        load(browser, page)
        # A printer lays the page out at the paper's width without letting Vega redraw: freeze each chart
        # as drawn on screen (a copy Vega no longer owns), then narrow the page to paper.
        browser.execute_script("document.querySelectorAll('figure.sa-chart .sa-chart-view')"
                               ".forEach(v => v.replaceWith(v.cloneNode(true)));")
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": A4_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        found = browser.execute_script("""
          const vw = document.documentElement.clientWidth;
          return Array.from(document.querySelectorAll('figure.sa-chart')).map(f => {
            const svg = f.querySelector('.sa-chart-view svg');
            const labels = Array.from(svg.querySelectorAll('.role-axis-label text'));
            const right = Math.max(...labels.map(t => t.getBoundingClientRect().right));
            const s = svg.getBoundingClientRect(), fig = f.getBoundingClientRect();
            return {id: f.id, vw: vw, svgRight: s.right, svgLeft: s.left, figRight: fig.right, labelsRight: right,
                    shown: getComputedStyle(f).display !== 'none' && s.width > 0};
          });""")
        for chart in found:
            checked += 1
            if not chart["shown"]:
                problems.append(f"{rel} #{chart['id']}: not printed")
            elif chart["svgRight"] > chart["vw"] + 2 or chart["labelsRight"] > chart["vw"] + 2 or chart["svgLeft"] < -2:
                problems.append(f"{rel} #{chart['id']}: cut off on paper (chart to {chart['svgRight']:.0f} px, "
                                f"last axis label to {chart['labelsRight']:.0f} px, paper {chart['vw']} px)")
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert checked >= 10
    assert not problems, "printed:\n" + "\n".join(problems)
