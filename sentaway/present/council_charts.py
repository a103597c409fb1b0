"""The council pages' charts: small line charts drawn as SVG when the page is built, so they show with scripts off,
print, and load no chart library (a council page is read on a phone, often one of several). Geometry only: the chart's
words come from the caller, its markup from templates/council_chart.html.j2, its colours from book/assets/sentaway.css
(the book's palette, one class per line, with its dark-mode colours). A line never runs across a missing year or a
change of release series (SFR to EES): it stops, and a dashed rule marks the change, as on the book's other charts."""

import math

from sentaway.analysis import coverage, numbers
from sentaway.present import render

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 42, 12, 12, 24
MAX_X_LABELS = 7


def _nice_max(value: float) -> tuple[float, float]:
    """A round top for the axis and its step (about four steps): 47 -> (50, 10); 0 -> (1, 0.25)."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _label(value: float, unit: str) -> str:
    return numbers.percent(value, 0) if unit == "percent" else numbers.count(value)


def chart(series: list[dict], *, anchor: str, title: str, description: str, unit: str) -> str:
    """HTML of one chart: `series` is a list of {name, role, points: [(year, value or None, release)]} (role: the CSS
    class of its line, council, related, region or england). Years without a value are gaps."""
    points = [(y, v) for s in series for y, v, _ in s["points"] if v is not None]
    years = sorted({y for s in series for y, _, _ in s["points"]})
    first, last = years[0], years[-1]
    top, step = _nice_max(max((v for _, v in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(year):
        return LEFT + (plot_w / 2 if first == last else (year - first) / (last - first) * plot_w)

    def y(value):
        return TOP + plot_h - value / top * plot_h

    ticks = [{"y": round(y(i * step), 1), "label": _label(i * step, unit)} for i in range(int(round(top / step)) + 1)]
    every = max(1, math.ceil(len(years) / MAX_X_LABELS))
    shown = [yr for i, yr in enumerate(years) if i % every == 0 or yr == last]
    if len(shown) > 1 and shown[-1] - shown[-2] < every:
        shown.pop(-2)
    x_labels = [{"x": round(x(yr), 1), "label": numbers.year(yr)} for yr in shown]
    lines, seams = [], set()
    for index, s in enumerate(series):
        segments, current, previous = [], [], None
        for year, value, release in sorted(s["points"]):
            if value is None:
                if current:
                    segments.append(current)
                current, previous = [], None
                continue
            if previous is not None and (year - previous[0] > 1 or coverage.kind(release) != coverage.kind(previous[1])):
                if coverage.kind(release) != coverage.kind(previous[1]):
                    seams.add((previous[0] + year) / 2)
                segments.append(current)
                current = []
            current.append((round(x(year), 1), round(y(value), 1), year, value))
            previous = (year, release)
        if current:
            segments.append(current)
        paths = ["M" + " L".join(f"{px} {py}" for px, py, _, _ in seg) for seg in segments if len(seg) > 1]
        dots = [{"x": px, "y": py, "label": f"{s['name']}, {numbers.year(yr)}: {_label(v, unit) if unit != 'percent' else numbers.percent(v)}"}
                for seg in segments for px, py, yr, v in seg]
        lines.append({"name": s["name"], "role": s["role"], "index": index, "paths": paths, "dots": dots})
    return render.html("council_chart.html.j2", anchor=anchor, title=title, description=description, width=WIDTH,
                       height=HEIGHT, left=LEFT, right=WIDTH - RIGHT, top=TOP, bottom=HEIGHT - BOTTOM, ticks=ticks,
                       x_labels=x_labels, lines=lines, seams=[round(x(s), 1) for s in sorted(seams)])
