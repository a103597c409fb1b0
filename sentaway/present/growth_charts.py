"""The growth chapter's charts and tables (presentation only: takes model results, returns HTML)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sentaway.present import charts, growth_prose, tables
from sentaway.analysis import numbers, words
from sentaway.analysis.growth.forecast import Forecast
from sentaway.analysis.growth.page import Shift
from sentaway.analysis.growth.rates import CountFit


say = words.File("growth_charts").say  # a sentence of book/words/growth_charts.yml


def _in_sentence(label: str) -> str:
    """A series label as it reads inside a sentence ('Children in homes' -> 'children in homes')."""
    return label[0].lower() + label[1:]


def _tens(value: float) -> float:
    """A value a model gives, to the nearest 10, as the prose gives it."""
    return numbers.rounded(value, numbers.COUNT_STEP)


def _band(frame: pd.DataFrame, title: str) -> alt.Chart:
    frame = frame.assign(lo=frame.lo.map(_tens), hi=frame.hi.map(_tens))
    return alt.Chart(frame).mark_area(opacity=0.18, color="#0072B2").encode(
        x="year:Q", y=alt.Y("lo:Q", title=title), y2="hi:Q")


def _tooltip():
    return [alt.Tooltip("line:N"), alt.Tooltip("year:Q", format="d"), alt.Tooltip("children:Q", format=",.0f"),
            alt.Tooltip("source:N", title="Release")]


def _by_release(rows: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
    """One line per release (where the series has releases), so no line joins two releases."""
    release = rows["release"] if "release" in rows else pd.Series("", index=rows.index)
    lines = [f"{name} ({r})" if r else name for r in release]
    return pd.DataFrame({"line": lines, "year": rows.year, "children": rows[column], "source": rows.source})


def points_only(chart: alt.LayerChart, names: list[str]) -> alt.LayerChart:
    """Drop the connecting line of the named series (line_chart's first layer), keeping their points."""
    line = chart.layer[0].transform_filter(~alt.FieldOneOfPredicate(field="line", oneOf=names))
    return alt.layer(line, *chart.layer[1:], data=chart.data).properties(title=chart.title, width="container",
                                                                          height=320)


def _window(first: int, last: int) -> alt.Chart:
    """The years modelled, shaded behind a panel's lines."""
    window = pd.DataFrame({"start": [first - 0.5], "end": [last + 0.5],
                           "what": [say("shift.window", first=first, last=last)]})
    return alt.Chart(window).mark_rect(color="#888", opacity=0.12).encode(
        x="start:Q", x2="end:Q", tooltip=[alt.Tooltip("what:N", title="Shaded")])


def _reform_rule(reform: dict | None) -> list[alt.Chart]:
    """The supported-accommodation reform year, a dashed rule (none if the data do not reach it)."""
    if not reform:
        return []
    rule = pd.DataFrame({"year": [reform["year"]], "what": [say("shift.reform", year=reform["year"])]})
    return [alt.Chart(rule).mark_rule(color="#CC79A7", strokeDash=[6, 3], strokeWidth=2).encode(
        x="year:Q", tooltip=[alt.Tooltip("what:N", title="Marked")])]


def shift_chart(shift: Shift, reform: dict | None) -> str:
    """The chapter's first chart: inside, outside and total above, the share placed outside below, every year of the
    series, the window shaded and the reform year marked."""
    rows = shift.rows
    release = rows["release"] if "release" in rows else rows.source
    counts = pd.concat([pd.DataFrame({"line": say(f"shift.lines.{key}"), "year": rows.year, "children": rows[key],
                                      "release": release}) for key in ("inside", "outside", "total")],
                       ignore_index=True)
    words_of = dict(first=shift.first, last=shift.last, inside_fell=shift.inside_last < shift.inside_first,
                    total_rose=shift.total_last > shift.total_first, inside_first=numbers.count(shift.inside_first),
                    inside_last=numbers.count(shift.inside_last), total_first=numbers.count(shift.total_first),
                    total_last=numbers.count(shift.total_last), share_first=numbers.percent(shift.share_first, 0),
                    share_last=numbers.percent(shift.share_last, 0))
    tooltip = [alt.Tooltip("line:N", title="Line"), alt.Tooltip("year:Q", format="d", title="Year"),
               alt.Tooltip("children:Q", format=",.0f", title="Children"), alt.Tooltip("release:N", title="Release")]
    top = charts.line_chart(counts, x="year", y="children", series="line", title=say("shift.counts", series=shift.label),
                            y_title="", tooltip=tooltip)
    marks = [_window(shift.first, shift.last), *_reform_rule(reform)]  # one data set each, drawn in both panels
    top = alt.layer(*marks, *top.layer, data=top.data).properties(
        title=top.title, width="container", height=240)
    share = pd.DataFrame({"line": say("shift.lines.share"), "year": rows.year, "share": (100 * rows.share).round(1),
                          "release": release})
    share_line = alt.Chart(share).encode(
        x=alt.X("year:Q", title="Year (at 31 March)", scale=alt.Scale(zero=False, nice=False, padding=8),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0)),
        y=alt.Y("share:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=".0f")),
        color=alt.Color("line:N", title=None, scale=alt.Scale(range=[charts.PALETTE[3]]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=320)),
        tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("share:Q", format=".1f", title="Per cent"), alt.Tooltip("release:N", title="Release")])
    bottom = alt.layer(*marks, share_line.mark_line(),
                       share_line.mark_point(size=60, filled=True, shape="diamond", opacity=1)).properties(
        title=charts.chart_title(say("shift.share")), width="container", height=150)
    chart = alt.vconcat(top, bottom, title=charts.chart_title(say("shift.title", **words_of)), spacing=24).resolve_scale(
        color="independent", shape="independent", strokeDash="independent")
    table = rows[["year", "inside", "outside", "total"]].assign(share=(100 * rows.share).round(1), release=release)
    return charts.figure(chart, name="growth-shift", description=say("shift.description",
                                                                      series=growth_prose.short(shift.series)),
                         source=say("source"), notes=say("shift.notes"), table=table)


def fit_chart(rows: pd.DataFrame, fit: CountFit, label: str) -> str:
    """Observed counts (one line per release) and the fitted log-linear trend with its 95% band."""
    f = fit.fitted
    long = pd.concat([
        _by_release(rows, "count", say("lines.observed")),
        pd.DataFrame({"line": say("lines.fitted"), "year": f.year, "children": f.fitted.map(_tens),
                      "source": "model"})], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=say("fit.title", label=label, headline=growth_prose.interval(fit.quasi),
                                        first=fit.first, last=fit.last),
                              tooltip=_tooltip())
    chart = charts.with_band(_band(f, y_title), lines)
    table = rows[["year", "count", "source"]].merge(f.set_index("year").map(_tens).reset_index(), on="year").rename(
        columns={"count": "observed", "source": "release", "lo": "95% low", "hi": "95% high"})
    return charts.figure(chart, name="growth-fit", description=say("fit.description", series=_in_sentence(label)),
                         source=say("source"), notes=say("fit.notes"), table=table)


def forecast_chart(forecast: Forecast, label: str, reform: dict | None = None) -> str:
    """Official values, the trend fitted to the window, its forecast and 95% prediction band; the reform year marked."""
    frame = forecast.frame
    obs = frame.dropna(subset=["official"])
    fitted = frame[frame.part == "fitted"]
    ahead = frame[frame.year >= forecast.fit_last]
    long = pd.concat([
        _by_release(obs, "official", say("lines.official")),
        pd.DataFrame({"line": say("lines.fitted_window", first=forecast.fit_first, last=forecast.fit_last),
                      "year": fitted.year, "children": fitted.fitted.map(_tens), "source": "model"}),
        pd.DataFrame({"line": say("lines.forecast"), "year": ahead.year, "children": ahead.fitted.map(_tens), "source": "model"}),
    ], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=say("forecast.title", first=forecast.fit_first, last=forecast.fit_last,
                                        test_first=forecast.test_first, test_last=forecast.test_last,
                                        n_test=forecast.n_test, detect=growth_prose.rate(forecast.detect_rate, 0.5),
                                        inside=forecast.n_test - forecast.above - forecast.below),
                              tooltip=_tooltip())
    chart = charts.with_band(_band(frame[frame.part == "forecast"], y_title), lines)
    chart = alt.layer(*chart.layer, *_reform_rule(reform)).properties(title=chart.title, width="container", height=320)
    table = frame.assign(fitted=frame.fitted.map(_tens), lo=frame.lo.map(_tens), hi=frame.hi.map(_tens)).rename(
        columns={"lo": "95% prediction low", "hi": "95% prediction high"})
    return charts.figure(chart, name="growth-forecast", description=say(
        "forecast.description", series=_in_sentence(label), first=forecast.fit_first, last=forecast.fit_last),
        source=say("source"), notes=say("forecast.notes"), table=table)


def _cited_title(official: pd.DataFrame, cited: pd.DataFrame) -> str:
    """Each cited figure against the official one for its year (latest release), or that there is none."""
    latest = official.sort_values("year").groupby("year").tail(1).set_index("year").outside
    parts = []
    for row in cited.sort_values("year").itertuples():
        there = latest.get(row.year)
        parts.append(say("cited.part", cited=numbers.count(row.outside), year=numbers.year(row.year),
                         official=numbers.count(there) if there is not None and there == there else ""))
    return say("cited.title", parts=parts)


def cited_chart(official: pd.DataFrame, cited: pd.DataFrame, band: pd.DataFrame, label: str) -> str:
    """Official points (one line per release), the trend fitted to them with its 95% prediction band, and the
    cited figures as points only: no line, trend or interval is drawn through them."""
    cited_name = say("lines.cited")
    long = pd.concat([
        _by_release(official, "outside", say("lines.official")),
        pd.DataFrame({"line": cited_name, "year": cited.year, "children": cited.outside, "source": "data/claims.csv"}),
        pd.DataFrame({"line": say("lines.fitted_official"), "year": band.year,
                      "children": band.fitted.map(_tens), "source": "model"}),
    ], ignore_index=True)
    y_title = "Children placed outside their council"
    base = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                             title=_cited_title(official, cited), tooltip=_tooltip())
    chart = charts.with_band(_band(band, y_title), points_only(base, [cited_name]))
    return charts.figure(chart, name="growth-cited", description=say("cited.description", series=_in_sentence(label)),
                         source=say("source"), notes=say("cited.notes"), table=long)


def top_table(top: pd.DataFrame) -> str:
    """The councils behind the national rise: their numbers outside, adjusted for unrecorded locality, to the nearest
    10, and their share of the rise to whole per cent."""
    counts = [c for c in top.columns if c.startswith("outside") or c == "change"]
    shown = top.assign(**{c: top[c].map(_tens) for c in counts})
    shown = shown.assign(**{top.columns[-1]: top[top.columns[-1]].round(0)})
    return html_table(shown.rename(columns={c: f"{c} (adjusted)" for c in counts}), 0)


def cited_table(table: pd.DataFrame) -> str:
    """The cited figures against the official ones, the trend's values to the nearest 10 as the prose gives them."""
    model = ["trend (official fit)", "95% low", "95% high"]
    return html_table(table.assign(**{c: table[c].map(_tens) for c in model}), 1)


def html_table(table: pd.DataFrame, digits: int = 3) -> str:
    """A model table through the book's one formatting layer (years, p-values, counts, `digits` decimals)."""
    return tables.html_table(table, digits=digits)
