"""The growth chapter's charts and tables (presentation only: takes model results, returns HTML)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from sentaway.present import charts, tables
from sentaway.analysis import numbers
from sentaway.analysis.growth.forecast import Forecast
from sentaway.analysis.growth.rates import CountFit

SOURCE = ("Department for Education, Children looked after in England: SFR underlying data 2010-2017, national "
          "tables of SFR50/2017 (Table A2) and explore-education-statistics releases to 2022, 2023 and 2024; cited "
          "figures from data/claims.csv. Open Government Licence v3.0.")


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
        _by_release(rows, "count", "Observed"),
        pd.DataFrame({"line": "Fitted trend (log-linear)", "year": f.year, "children": f.fitted.round(0),
                      "source": "model"})], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=(f"{label}: grew {numbers.percent(fit.quasi.rate)} a year {fit.first}-{fit.last} "
                                     f"(95% interval {numbers.percent(fit.quasi.lo)} to {numbers.percent(fit.quasi.hi)})"),
                              tooltip=_tooltip())
    chart = charts.with_band(_band(f, y_title), lines)
    table = rows[["year", "count", "source"]].merge(f.round(0), on="year").rename(
        columns={"count": "observed", "source": "release", "lo": "95% low", "hi": "95% high"})
    return charts.figure(chart, name="growth-fit", description=(
        f"Line chart of {label[0].lower() + label[1:]} by year with the fitted exponential trend and its 95% "
        "confidence band."), source=SOURCE, notes="Counts rounded by DfE to the nearest 10. The band is for the "
        "fitted trend, not for single years.", table=table)


def forecast_chart(forecast: Forecast, label: str) -> str:
    """Official values, the trend fitted to the window, its forecast and 95% prediction band."""
    frame = forecast.frame
    obs = frame.dropna(subset=["official"])
    fitted = frame[frame.part == "fitted"]
    ahead = frame[frame.year >= forecast.fit_last]
    long = pd.concat([
        _by_release(obs, "official", "Official"),
        pd.DataFrame({"line": f"Trend fitted {forecast.fit_first}-{forecast.fit_last}", "year": fitted.year,
                      "children": fitted.fitted.round(0), "source": "model"}),
        pd.DataFrame({"line": "Forecast", "year": ahead.year, "children": ahead.fitted.round(0), "source": "model"}),
    ], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=(f"The {forecast.fit_first}-{forecast.fit_last} trend, forecast to {forecast.test_last}: "
                                     f"{forecast.n_test - forecast.above - forecast.below} of {forecast.n_test} later official "
                                     f"values inside its 95% band"), tooltip=_tooltip())
    chart = charts.with_band(_band(frame[frame.part == "forecast"], y_title), lines)
    table = frame.assign(fitted=frame.fitted.round(0), lo=frame.lo.round(0), hi=frame.hi.round(0)).rename(
        columns={"lo": "95% prediction low", "hi": "95% prediction high"})
    return charts.figure(chart, name="growth-forecast", description=(
        f"Line chart of {label[0].lower() + label[1:]}: official values, the trend fitted to "
        f"{forecast.fit_first}-{forecast.fit_last}, and its forecast with a 95% prediction band."),
        source=SOURCE, notes="The shaded band is the 95% prediction interval for single years (quasi-Poisson).",
        table=table)


def _cited_title(official: pd.DataFrame, cited: pd.DataFrame) -> str:
    """Each cited figure against the official one for its year (latest release), or that there is none."""
    latest = official.sort_values("year").groupby("year").tail(1).set_index("year").outside
    parts = []
    for row in cited.sort_values("year").itertuples():
        there = latest.get(row.year)
        parts.append(f"{numbers.count(row.outside)} cited for {numbers.year(row.year)}, "
                     + (f"official {numbers.count(there)}" if there is not None and there == there else "no official figure"))
    return "The cited figures against the official series: " + "; ".join(parts)


def cited_chart(official: pd.DataFrame, cited: pd.DataFrame, band: pd.DataFrame, label: str) -> str:
    """Official points (one line per release), the trend fitted to them with its 95% prediction band, and the
    cited figures as points only: no line, trend or interval is drawn through them."""
    cited_name = "Cited in the claims (not official; points only)"
    long = pd.concat([
        _by_release(official, "outside", "Official"),
        pd.DataFrame({"line": cited_name, "year": cited.year, "children": cited.outside, "source": "data/claims.csv"}),
        pd.DataFrame({"line": "Trend fitted to the official points", "year": band.year,
                      "children": band.fitted.round(0), "source": "model"}),
    ], ignore_index=True)
    y_title = "Children placed outside their council"
    base = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                             title=_cited_title(official, cited), tooltip=_tooltip())
    chart = charts.with_band(_band(band, y_title), points_only(base, [cited_name]))
    return charts.figure(chart, name="growth-cited", description=(
        f"Chart of {label[0].lower() + label[1:]}: official points by release, a trend fitted to the official "
        "points with its 95% prediction band, and the figures cited in the claims as separate points."),
        source=SOURCE, notes="The cited figures are data about the claims; no trend or interval is fitted to them. "
        "Official values are rounded to the nearest 10.", table=long)


def html_table(table: pd.DataFrame, digits: int = 3) -> str:
    """A model table through the book's one formatting layer (years, p-values, counts, `digits` decimals)."""
    return tables.html_table(table, digits=digits)
