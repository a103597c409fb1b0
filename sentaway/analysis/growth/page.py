"""What the growth chapter shows, as one structured object: each section's results as a small dataclass.
The notebook's markdown holds the words; `glue_values` names every number for it (section_field)."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sentaway.analysis import words
from sentaway.analysis.growth import breaks, cited, claims_period, decomposition, forecast, panel, rates, series
from sentaway.analysis.growth.breaks import Breaks
from sentaway.analysis.growth.cited import CitedComparison
from sentaway.analysis.growth.decomposition import Decomposition
from sentaway.analysis.growth.forecast import Forecast
from sentaway.analysis.growth.rates import CountFit, ShareTrend
from sentaway.analysis.growth.sensitivity import Sensitivity


@dataclass(frozen=True)
class Panel:
    facts: dict
    table: pd.DataFrame = field(repr=False, compare=False)
    top: pd.DataFrame = field(repr=False, compare=False)


@dataclass(frozen=True)
class Page:
    first_year: int
    last_year: int
    series: str
    series_label: str
    counted: str                     # "outside" or "total"
    has_shift: bool
    fit: CountFit
    share: ShareTrend | None
    decomposition: Decomposition | None
    sensitivity: Sensitivity          # of the children's-homes series over the claims' period, whatever the series
    validation: dict                  # Table A2's footnote on the validation change: year, footnote, text
    definition_break: dict
    cited: CitedComparison
    breaks: Breaks
    forecast: Forecast | None         # None when the window leaves no later year
    panel: Panel
    rows: pd.DataFrame = field(repr=False, compare=False)
    side_by_side: pd.DataFrame = field(repr=False, compare=False)
    decompositions: pd.DataFrame = field(repr=False, compare=False)


def _has_shift(rows: pd.DataFrame) -> bool:
    """A step term only when the window has points on both sides and a residual degree of freedom left."""
    return "step" in rows and rows.step.nunique() == 2 and len(rows) >= 4


def fit_series(name: str, first_year: int, last_year: int) -> tuple[pd.DataFrame, CountFit]:
    rows = series.window(series.load(name), first_year, last_year)
    return rows, rates.count_fit(rows, terms=("step",) if _has_shift(rows) else ())


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
                    "share, points a year": "–" if s is None else f"{s.pp:.2f} ({s.pp_lo:.2f} to {s.pp_hi:.2f})",
                    "level shift": "yes" if g.shift else "no"})
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
    later = table[(table.year > last_year) & table["count"].notna()]
    return Page(
        first_year=first_year, last_year=last_year, series=series_name, series_label=series.SERIES[series_name],
        counted=series.COUNT_OF[series_name], has_shift=fit.shift is not None, fit=fit,
        share=rates.share_trend(rows), decomposition=decomposition.decomposition(table, first_year, last_year),
        sensitivity=claims_period.homes_sensitivity(),
        validation=validation, definition_break=series.definition_break(),
        cited=cited.compare(series.childrens_homes(), *claims_period.claims_window()),
        breaks=breaks.trend_breaks(table),
        forecast=forecast.out_of_sample(table, first_year, last_year) if len(later) else None,
        panel=Panel(facts={**info, **{k.removeprefix("panel_"): v for k, v in models["facts"].items()}, **top_facts},
                    table=models["table"], top=top),
        rows=rows, side_by_side=side_by_side(first_year, last_year),
        decompositions=decomposition.table(decomps, series.SERIES))


# ---------------------------------------------------------------- names for the notebook's glue

def _plain(value):
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _absent(kind, prefix: str) -> dict:
    """An absent section (None) still names each of its figures: nan for a number, a dash for words."""
    out = {}
    for f in dataclasses.fields(kind):
        hint = typing.get_type_hints(kind)[f.name]
        if dataclasses.is_dataclass(hint):
            out.update(_absent(hint, f"{prefix}{f.name}_"))
        elif hint is not pd.DataFrame and f.repr:
            out[f"{prefix}{f.name}"] = float("nan") if hint in (int, float) else "–"
    return out


def glue_values(obj, prefix: str = "") -> dict:
    """Every scalar of a (nested) dataclass or dict, named prefix_field; frames are left to the tables."""
    out = {}
    items = obj.items() if isinstance(obj, dict) else ((f.name, getattr(obj, f.name)) for f in dataclasses.fields(obj))
    hints = {} if isinstance(obj, dict) else typing.get_type_hints(type(obj))
    for name, value in items:
        key = prefix[:-1] if name == "facts" and prefix else f"{prefix}{name}"   # a section's facts: no extra prefix
        if isinstance(value, pd.DataFrame):
            continue
        if dataclasses.is_dataclass(value) or isinstance(value, dict):
            out.update(glue_values(value, f"{key}_" if key else ""))
        elif value is None:
            kind = next((a for a in typing.get_args(hints.get(name)) if dataclasses.is_dataclass(a)), None)
            out.update(_absent(kind, f"{key}_") if kind else {key: "–"})
        else:
            out[key] = _plain(value)
    if dataclasses.is_dataclass(obj) and isinstance(obj, decomposition.Decomposition):
        out[f"{prefix}sum_of_parts"] = obj.sum_of_parts
    return out


__all__ = ["Page", "build", "glue_values"]
