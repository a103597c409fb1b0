"""Does the headline rate depend on how two known breaks in the series are treated? The same quasi-Poisson
fit, refitted (a) without the last year when it comes from a different release from the others, (b) with a
level shift from the year DfE added placement validation (Table A2's own footnote), and (c) both.
Numbers only."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sentaway.analysis import words
from sentaway.analysis.growth.rates import MIN_YEARS, CountFit, Rate, count_fit


@dataclass(frozen=True)
class Variant:
    first: int
    last: int
    n: int
    df: int
    rate: Rate                 # quasi-Poisson growth, % a year
    shift: Rate | None         # the level shift, per cent, when the variant has one
    difference: float          # rate minus the headline rate, percentage points a year
    holds_headline: bool       # the headline rate lies inside this variant's 95% interval


@dataclass(frozen=True)
class Sensitivity:
    last_year: int
    last_release: str          # the release of the window's last year
    other_releases: str        # the release(s) of the other years
    last_differs: bool         # the last year's release is not the others'
    shift_year: int
    headline: Rate
    without_last: Variant | None
    shift: Variant | None
    both: Variant | None
    moved: bool                # any variant's interval leaves out the headline rate
    table: pd.DataFrame = field(repr=False, compare=False)


def _variant(rows: pd.DataFrame, headline: Rate, shift_year: int | None) -> Variant | None:
    terms = ()
    if shift_year is not None:
        rows = rows.assign(shift=(rows.year >= shift_year).astype(float))
        if rows["shift"].nunique() < 2:
            return None
        terms = ("shift",)
    if len(rows) < MIN_YEARS + len(terms):
        return None
    fit: CountFit = count_fit(rows, terms=terms)
    return Variant(first=fit.first, last=fit.last, n=fit.n, df=fit.df, rate=fit.quasi, shift=fit.shift,
                   difference=fit.quasi.rate - headline.rate, holds_headline=fit.quasi.covers(headline.rate))


def sensitivity(rows: pd.DataFrame, headline: CountFit, shift_year: int) -> Sensitivity:
    """`rows` are the headline fit's rows (year, count, release)."""
    last_release = rows.release.iloc[-1]
    others = rows.release.iloc[:-1].unique()
    without = rows.iloc[:-1].reset_index(drop=True)
    variants = {"without_last": _variant(without, headline.quasi, None),
                "shift": _variant(rows, headline.quasi, shift_year),
                "both": _variant(without, headline.quasi, shift_year)}
    labels = {key: words.say("growth_chapter", f"fits.{key}", last_year=int(rows.year.iloc[-1]),
                             last_release=last_release, shift_year=shift_year) for key in ("headline", *variants)}
    table = [{"fit": labels["headline"], "years": f"{headline.first}-{headline.last}", "n": headline.n,
              "growth % a year": headline.quasi.rate, "95% low": headline.quasi.lo, "95% high": headline.quasi.hi,
              "level shift %": None, "shift 95% low": None, "shift 95% high": None}]
    for key, v in variants.items():
        if v is not None:
            table.append({"fit": labels[key], "years": f"{v.first}-{v.last}", "n": v.n, "growth % a year": v.rate.rate,
                          "95% low": v.rate.lo, "95% high": v.rate.hi,
                          "level shift %": v.shift.rate if v.shift else None,
                          "shift 95% low": v.shift.lo if v.shift else None,
                          "shift 95% high": v.shift.hi if v.shift else None})
    return Sensitivity(last_year=int(rows.year.iloc[-1]), last_release=last_release, other_releases=", ".join(others),
                       last_differs=last_release not in others, shift_year=shift_year, headline=headline.quasi,
                       moved=any(v is not None and not v.holds_headline for v in variants.values()),
                       table=pd.DataFrame(table).astype({"level shift %": float, "shift 95% low": float,
                                                         "shift 95% high": float}), **variants)
