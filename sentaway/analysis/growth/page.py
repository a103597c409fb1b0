"""What the growth chapter shows, as one structured object: each section's results as a small dataclass.
The notebook's markdown holds the words; sentaway/present/growth_prose.py writes each figure as the prose states it."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sentaway.analysis import words
from sentaway.analysis.growth import (breaks, cited, claims_period, comparison, decomposition, forecast, panel, rates,
                                      series)
from sentaway.analysis.growth.breaks import Breaks
from sentaway.analysis.growth.cited import CitedComparison
from sentaway.analysis.growth.comparison import Comparison
from sentaway.analysis.growth.decomposition import Decomposition
from sentaway.analysis.growth.forecast import Forecast
from sentaway.analysis.growth.rates import CountFit, ShareTrend
from sentaway.analysis.growth.sensitivity import Sensitivity


@dataclass(frozen=True)
class Panel:
    facts: dict
    comparable: dict                  # the pooled model refitted on the full register alone (one kind of list)
    table: pd.DataFrame = field(repr=False, compare=False)
    top: pd.DataFrame = field(repr=False, compare=False)


@dataclass(frozen=True)
class Shift:
    """Inside, outside, total and share of one series over the window, for the chapter's opening and first chart."""
    series: str
    label: str
    first: int
    last: int
    inside_first: float
    inside_last: float
    outside_first: float
    outside_last: float
    total_first: float
    total_last: float
    share_first: float                # per cent of the children whose locality is recorded
    share_last: float
    rows: pd.DataFrame = field(repr=False, compare=False)   # every year of the series (the chart draws them all)


def shift(name: str, first_year: int, last_year: int) -> Shift:
    """The chosen series where it splits inside from outside, else the children's-homes series."""
    name = name if series.load(name).inside.notna().sum() >= 2 else "childrens_homes"
    table = series.load(name)
    rows = table[(table.year >= first_year) & (table.year <= last_year) & table.inside.notna()]
    a, b = rows.iloc[0], rows.iloc[-1]
    return Shift(series=name, label=series.SERIES[name], first=int(a.year), last=int(b.year),
                 inside_first=float(a.inside), inside_last=float(b.inside), outside_first=float(a.outside),
                 outside_last=float(b.outside), total_first=float(a.total), total_last=float(b.total),
                 share_first=float(100 * a.share), share_last=float(100 * b.share),
                 rows=table[table.inside.notna()].reset_index(drop=True))


@dataclass(frozen=True)
class Page:
    first_year: int
    last_year: int
    series: str
    series_label: str
    counted: str                     # "outside" or "total"
    shift: Shift
    fit: CountFit
    share: ShareTrend | None
    decomposition: Decomposition | None
    sensitivity: Sensitivity          # of the children's-homes series over the claims' period, whatever the series
    validation: dict                  # Table A2's footnote on the validation change: year, footnote, text
    reform: dict | None               # the supported-accommodation reform year (series.reform), if the data reach it
    comparison: Comparison | None     # growth in the window against the later years before the reform (3+ each)
    cited: CitedComparison
    breaks: Breaks
    forecast: Forecast | None         # None when the window leaves no later year before the reform
    panel: Panel
    rows: pd.DataFrame = field(repr=False, compare=False)
    side_by_side: pd.DataFrame = field(repr=False, compare=False)
    decompositions: pd.DataFrame = field(repr=False, compare=False)


def fit_series(name: str, first_year: int, last_year: int) -> tuple[pd.DataFrame, CountFit]:
    rows = series.window(series.load(name), first_year, last_year)
    return rows, rates.count_fit(rows)


def side_by_side(first_year: int, last_year: int) -> pd.DataFrame:
    """Growth and share trends of every series that has at least three years in the window."""
    out = []
    for name, label in series.SERIES.items():
        try:
            rows, g = fit_series(name, first_year, last_year)
        except ValueError:
            out.append({"series": label, "years": words.entry("growth_chapter", "side_by_side.too_few"),
                        "counted": series.COUNT_OF[name]})
            continue
        s = rates.share_trend(rows)
        out.append({"series": label, "years": f"{g.first}-{g.last} ({g.n})", "counted": series.COUNT_OF[name],
                    "growth % a year (quasi-Poisson)": f"{g.quasi.rate:.1f} ({g.quasi.lo:.1f} to {g.quasi.hi:.1f})",
                    "growth % a year (log-linear OLS)": f"{g.ols.rate:.1f} ({g.ols.lo:.1f} to {g.ols.hi:.1f})",
                    "dispersion": f"{g.dispersion:.1f}",
                    "share, points a year": "–" if s is None else f"{s.pp:.2f} ({s.pp_lo:.2f} to {s.pp_hi:.2f})"})
    return pd.DataFrame(out).fillna("–")


def build(first_year: int, last_year: int, series_name: str) -> Page:
    """Run every model once."""
    series.check_parameters(first_year, last_year, series_name)
    rows, fit = fit_series(series_name, first_year, last_year)
    table = series.load(series_name)
    decomps = [d for d in (decomposition.decomposition(series.load(n), first_year, last_year) for n in series.SERIES)
               if d is not None]
    validation = series.validation_change()
    top, top_facts = panel.top_contributors()
    frame, info = panel.la_panel()
    models = panel.panel_models(frame)
    reform = series.reform()
    stop = reform["year"] if reform else None
    later = table[(table.year > last_year) & (table.year < (stop or 10 ** 4)) & table["count"].notna()]
    before, after = comparison.periods(first_year, last_year, stop, table.year[table["count"].notna()])
    try:
        compared = comparison.compare(table, before, after)
    except ValueError:  # fewer than three later years before the reform: the page says there is no comparison
        compared = None
    comparable, _ = panel.la_panel(kinds=("full",))
    return Page(
        first_year=first_year, last_year=last_year, series=series_name, series_label=series.SERIES[series_name],
        counted=series.COUNT_OF[series_name],
        shift=shift(series_name, first_year, last_year), fit=fit,
        share=rates.share_trend(rows), decomposition=decomposition.decomposition(table, first_year, last_year),
        sensitivity=claims_period.homes_sensitivity(),
        validation=validation, reform=reform, comparison=compared,
        cited=cited.compare(series.childrens_homes(), *claims_period.claims_window()),
        breaks=breaks.trend_breaks(table),
        forecast=forecast.out_of_sample(table, first_year, last_year, stop=stop) if len(later) else None,
        panel=Panel(facts={**info, **{k.removeprefix("panel_"): v for k, v in models["facts"].items()}, **top_facts},
                    comparable=panel.panel_models(comparable)["facts"], table=models["table"], top=top),
        rows=rows, side_by_side=side_by_side(first_year, last_year),
        decompositions=decomposition.table(decomps, series.SERIES))


__all__ = ["Page", "Shift", "build"]
