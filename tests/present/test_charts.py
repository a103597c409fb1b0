"""Charts that tell the truth at a glance: lines stop at missing years and release changes, titles state
the finding with the chart's own numbers, and each chart's CSV holds every series it draws."""

import csv
import io
import re

import pandas as pd
import pytest

from sentaway.present import charts


def _table():
    return pd.DataFrame({
        "measure": ["A"] * 5 + ["B"] * 2,
        "year": [2011, 2012, 2014, 2015, 2016, 2020, 2021],  # A misses 2013
        "value": [1.0, 2, 3, 4, 5, 6, 7],
        "release": ["SFR20/2012", "SFR20/2012", "SFR36/2014", "SFR34/2015", "CLA 2023 (EES)", "CLA 2024 (EES)", "CLA 2024 (EES)"]})


def test_a_line_stops_at_a_missing_year_and_at_a_change_of_release_series():
    ids, marks = charts.segments(_table(), x="year", series="measure", breaks="release")
    assert list(ids) == ["A #0", "A #0", "A #1", "A #1", "A #2", "B #0", "B #0"]
    assert marks == [2013.0, 2015.5]  # the gap, and SFR -> EES; EES 2023 -> 2024 is one series


def test_line_chart_draws_one_path_per_segment_and_marks_each_break():
    chart = charts.line_chart(_table(), x="year", y="value", series="measure", y_title="Value", title="t", tooltip=[])
    spec = chart.to_dict()
    line = next(layer for layer in spec["layer"] if layer["mark"] == "line" or layer["mark"].get("type") == "line")
    assert line["encoding"]["detail"]["field"] == "segment"
    assert any((layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]) == "rule" for layer in spec["layer"])


def test_the_csv_behind_a_chart_holds_every_series_it_draws():
    band = charts.alt.Chart(pd.DataFrame({"year": [2011, 2016], "lo": [0, 1], "hi": [2, 6]})).mark_area().encode(
        x="year:Q", y="lo:Q", y2="hi:Q")
    lines = charts.line_chart(_table(), x="year", y="value", series="measure", y_title="Value", title="t", tooltip=[])
    table = charts.chart_csv(charts.with_band(band, lines))
    assert set(table["drawn as"]) == {"shaded band", "line with points"}
    assert set(table.measure.dropna()) == {"A", "B"}


def _pages(site):
    return [p for p in sorted(site.glob("*.html")) if '<figure class="sa-chart"' in p.read_text(encoding="utf-8")]


def test_every_chart_title_states_a_finding_with_numbers_and_its_csv_has_every_series(site, browser):
    from test_phone import load

    problems, charts_seen = [], 0
    for page in _pages(site):
        load(browser, page)
        found = browser.execute_script("""
          return Array.from(document.querySelectorAll('figure.sa-chart')).map(f => ({
            id: f.id, csv: f.querySelector('a[download]').href,
            title: Array.from(f.querySelectorAll('.sa-chart-view svg .role-title-text tspan, .sa-chart-view svg .role-title-text'))
                     .map(t => t.textContent).join(' '),
            // A wrapped label is one text with a tspan per line.
            legend: Array.from(f.querySelectorAll('.sa-chart-view svg .role-legend-label text')).map(t => {
              const lines = t.querySelectorAll('tspan');
              return lines.length ? Array.from(lines).map(s => s.textContent).join(' ') : t.textContent; })}));""")
        for chart in found:
            charts_seen += 1
            name = f"{page.name} #{chart['id']}"
            if not re.search(r"\d", chart["title"]) or re.search(r"nearest official figures|observed and fitted", chart["title"]):
                problems.append(f"{name}: generic title {chart['title']!r}")
            path = site / "chart-data" / chart["csv"].rsplit("/", 1)[-1]
            text = path.read_text(encoding="utf-8")
            # A wrapped label's lines may split a long word: compare without spaces.
            cells = {cell.replace(" ", "") for row in csv.reader(io.StringIO(text)) for cell in row}
            for label in [label.replace(" ", "") for label in chart["legend"]]:
                if label.endswith("…"):
                    if not any(cell.startswith(label[:-1]) for cell in cells):
                        problems.append(f"{name}: series {label!r} drawn but not in {path.name}")
                elif label not in cells:
                    problems.append(f"{name}: series {label!r} drawn but not in {path.name}")
    assert charts_seen >= 10
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_chart_legend_is_cut_or_clipped(site, clean_print_browser, phone, width):
    """Every legend label whole (wrapped onto lines, never cut with '…') and inside its chart and the screen, at
    1366 and at 390 px."""
    from test_phone import load

    driver = clean_print_browser if width == "desktop" else phone
    if width == "desktop":
        driver.set_window_size(1366, 768)
    problems, labels = [], 0
    for page in _pages(site):
        load(driver, page)
        for chart in driver.execute_script("""
          const vw = document.documentElement.clientWidth;
          return Array.from(document.querySelectorAll('figure.sa-chart')).map(f => {
            const svg = f.querySelector('.sa-chart-view svg').getBoundingClientRect();
            return {id: f.id, labels: Array.from(f.querySelectorAll('.sa-chart-view svg .role-legend-label text')).map(t => {
              const r = t.getBoundingClientRect();
              return {text: t.textContent, inside: r.left >= svg.left - 1 && r.right <= svg.right + 1 && r.left >= -1
                                                   && r.right <= vw + 1};})};});"""):
            for label in chart["labels"]:
                labels += 1
                if label["text"].endswith("…") or not label["inside"]:
                    problems.append(f"{page.name} #{chart['id']}: {label['text']!r} cut or outside the chart")
    assert labels >= 10 and not problems, "\n".join(problems)
