"""The growth chapter's charts and tables (presentation only: takes model results, returns HTML)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sentaway.present import charts, tables
from sentaway.analysis import numbers, words
from sentaway.analysis.growth.forecast import Forecast
from sentaway.analysis.growth.rates import CountFit


say = words.File("growth_charts").say  # a sentence of book/words/growth_charts.yml


def _in_sentence(label: str) -> str:
    """A series label as it reads inside a sentence ('Children in homes' -> 'children in homes')."""
    return label[0].lower() + label[1:]


def _band(frame: pd.DataFrame, title: str) -> alt.Chart:
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


def fit_chart(rows: pd.DataFrame, fit: CountFit, label: str) -> str:
    """Observed counts (one line per release) and the fitted log-linear trend with its 95% band."""
    f = fit.fitted
    long = pd.concat([
        _by_release(rows, "count", say("lines.observed")),
        pd.DataFrame({"line": say("lines.fitted"), "year": f.year, "children": f.fitted.round(0),
                      "source": "model"})], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=say("fit.title", label=label, rate=numbers.percent(fit.quasi.rate),
                                        first=fit.first, last=fit.last, lo=numbers.percent(fit.quasi.lo),
                                        hi=numbers.percent(fit.quasi.hi)),
                              tooltip=_tooltip())
    chart = charts.with_band(_band(f, y_title), lines)
    table = rows[["year", "count", "source"]].merge(f.round(0), on="year").rename(
        columns={"count": "observed", "source": "release", "lo": "95% low", "hi": "95% high"})
    return charts.figure(chart, name="growth-fit", description=say("fit.description", series=_in_sentence(label)),
                         source=say("source"), notes=say("fit.notes"), table=table)


def forecast_chart(forecast: Forecast, label: str) -> str:
    """Official values, the trend fitted to the window, its forecast and 95% prediction band."""
    frame = forecast.frame
    obs = frame.dropna(subset=["official"])
    fitted = frame[frame.part == "fitted"]
    ahead = frame[frame.year >= forecast.fit_last]
    long = pd.concat([
        _by_release(obs, "official", say("lines.official")),
        pd.DataFrame({"line": say("lines.fitted_window", first=forecast.fit_first, last=forecast.fit_last),
                      "year": fitted.year, "children": fitted.fitted.round(0), "source": "model"}),
        pd.DataFrame({"line": say("lines.forecast"), "year": ahead.year, "children": ahead.fitted.round(0), "source": "model"}),
    ], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=say("forecast.title", first=forecast.fit_first, last=forecast.fit_last,
                                        test_last=forecast.test_last, n_test=forecast.n_test,
                                        inside=forecast.n_test - forecast.above - forecast.below),
                              tooltip=_tooltip())
    chart = charts.with_band(_band(frame[frame.part == "forecast"], y_title), lines)
    table = frame.assign(fitted=frame.fitted.round(0), lo=frame.lo.round(0), hi=frame.hi.round(0)).rename(
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
                      "children": band.fitted.round(0), "source": "model"}),
    ], ignore_index=True)
    y_title = "Children placed outside their council"
    base = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                             title=_cited_title(official, cited), tooltip=_tooltip())
    chart = charts.with_band(_band(band, y_title), points_only(base, [cited_name]))
    return charts.figure(chart, name="growth-cited", description=say("cited.description", series=_in_sentence(label)),
                         source=say("source"), notes=say("cited.notes"), table=long)


def html_table(table: pd.DataFrame, digits: int = 3) -> str:
    """A model table through the book's one formatting layer (years, p-values, counts, `digits` decimals)."""
    return tables.html_table(table, digits=digits)
