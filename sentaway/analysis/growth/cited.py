"""The cited figures against the official series: the growth the claims imply, set against the growth rate
fitted to the official points, and each cited year against the official value for that year (where there is
one) and against the official trend's 95% prediction interval. The cited figures are data about the claims:
nothing is fitted to them. A cited base from before DfE's 2017 reclassification (sentaway.analysis.reclassification)
set against an official figure after it crosses that seam: each such comparison is also made with the base revised
as DfE revised 2013-2015 (by the smallest and the largest of those revisions), to show how far the seam could move
it. Numbers only."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from sentaway.analysis import reclassification
from sentaway.read import claims
from sentaway.analysis.growth.forecast import prediction
from sentaway.analysis.growth.rates import CountFit, count_fit, poisson_fits
from sentaway.analysis.growth.series import CITED_CHANGE, SERIES, cited


@dataclass(frozen=True)
class CitedYear:
    year: int
    number: float                 # cited
    share: float                  # cited, per cent
    official: float               # official number for the year (nan when the series has none)
    official_share: float         # official share, per cent (nan when none)
    official_source: str
    official_release: str         # the release the official value comes from ('' when none)
    official_published: str       # that release's publication date
    difference: float             # cited - official (nan when no official value)
    predicted: float              # the official trend's central value for the year
    lo: float                     # its 95% prediction interval
    hi: float
    inside: bool                  # the cited number lies in the interval
    in_fit: bool                  # the year lies inside the years the trend was fitted to
    crosses: bool                 # a cited year with no official figure, before the reclassification: set against
    revised_lo: float             # the trend on the revised definition; the cited number revised as 2013-2015 were
    revised_hi: float             # (smallest and largest revision; nan where it does not cross)
    revised_inside: bool          # either revised number lies in the interval (False where it does not cross)


@dataclass(frozen=True)
class CitedComparison:
    label: str                    # what the official series counts, in words
    first: int
    last: int
    n_first: float
    n_last: float
    change_pct: float             # from the cited numbers
    stated_change_pct: float      # as the claim states it (claims.csv)
    rate: float                   # the per-year growth the cited numbers imply
    official: CountFit            # the official series over fit_first-fit_last
    rate_in_interval: bool        # the implied rate lies inside the official rate's 95% interval
    crosses: bool                 # the cited change runs from before the reclassification to after it
    revised_change_lo: float      # the cited change (per cent) with its base revised as 2013-2015 were
    revised_change_hi: float
    revised_rate_lo: float        # the per-year growth those imply
    revised_rate_hi: float
    revised_in_interval: bool     # the revised implied rates reach into the official rate's 95% interval
    years: dict[int, CitedYear]
    table: pd.DataFrame = field(repr=False, compare=False)
    band: pd.DataFrame = field(repr=False, compare=False)
    points: pd.DataFrame = field(repr=False, compare=False)
    cited_points: pd.DataFrame = field(repr=False, compare=False)


def implied_rate(a: float, b: float, years: int) -> float:
    return float(100 * ((b / a) ** (1 / years) - 1))


def compare(official: pd.DataFrame, fit_first: int, fit_last: int) -> CitedComparison:
    """`official` is one series frame (year, outside, inside, share, source); the trend is the quasi-Poisson
    fit of its outside count over fit_first-fit_last, with the same prediction intervals as the forecast."""
    c = cited().set_index("year")
    rows = official[(official.year >= fit_first) & (official.year <= fit_last) & official.outside.notna()]
    rows = rows.assign(count=rows.outside).reset_index(drop=True)
    fit = count_fit(rows)
    X = sm.add_constant((rows.year - fit_first).astype(float).to_numpy())
    _, quasi, _, _ = poisson_fits(rows.outside.to_numpy(), X)
    first, last = int(c.index.min()), int(c.index.max())
    span = np.arange(min(first, fit_first), max(last, fit_last) + 1)
    band = prediction(span, quasi, fit_first, quasi.df_resid)
    by_year = official.set_index("year")
    revision = reclassification.summary()
    revised = [1 + revision[key] / 100 for key in ("smallest_pct", "largest_pct")]
    years = {}
    for year, r in c.iterrows():
        p = band.set_index("year").loc[year]
        has = year in by_year.index and pd.notna(by_year.outside.get(year))
        o = by_year.loc[year] if has else None
        crosses = not has and reclassification.crosses(int(year), fit_last)
        low, high = (r.outside * revised[0], r.outside * revised[1]) if crosses else (np.nan, np.nan)
        years[int(year)] = CitedYear(
            year=int(year), number=float(r.outside), share=float(100 * r.share),
            official=float(o.outside) if has else np.nan,
            official_share=float(100 * o.share) if has and pd.notna(o.share) else np.nan,
            official_source=str(o.source) if has else "", official_release=str(o.get("release", "")) if has else "",
            official_published=str(o.get("published", "")) if has else "", difference=float(r.outside - o.outside) if has else np.nan,
            predicted=float(p.fitted), lo=float(p.lo), hi=float(p.hi), inside=bool(p.lo <= r.outside <= p.hi),
            in_fit=fit_first <= year <= fit_last, crosses=crosses, revised_lo=float(low), revised_hi=float(high),
            revised_inside=bool(crosses and (p.lo <= low <= p.hi or p.lo <= high <= p.hi or low <= p.lo <= high)))
    rate = implied_rate(c.outside[first], c.outside[last], last - first)
    change = float(100 * (c.outside[last] / c.outside[first] - 1))
    crosses = reclassification.crosses(first, last)
    moved = reclassification.moved_change(change) if crosses else (np.nan, np.nan)
    moved_rates = [100 * ((1 + m / 100) ** (1 / (last - first)) - 1) for m in moved]
    table = pd.DataFrame([{
        "year": y.year, "cited number": y.number, "official number": y.official, "official release": y.official_source,
        "cited − official": y.difference, "trend (official fit)": y.predicted, "95% low": y.lo, "95% high": y.hi,
        "cited inside interval": y.inside, "cited share (%)": y.share, "official share (%)": y.official_share,
    } for y in years.values()])
    return CitedComparison(
        label=SERIES[official.series.iloc[0]], first=first, last=last, n_first=float(c.outside[first]), n_last=float(c.outside[last]),
        change_pct=change,
        stated_change_pct=float(claims.get(CITED_CHANGE).cited_value), rate=rate, official=fit,
        rate_in_interval=fit.quasi.lo <= rate <= fit.quasi.hi, crosses=crosses, revised_change_lo=float(moved[0]),
        revised_change_hi=float(moved[1]), revised_rate_lo=float(min(moved_rates)), revised_rate_hi=float(max(moved_rates)),
        revised_in_interval=bool(crosses and min(moved_rates) <= fit.quasi.hi and max(moved_rates) >= fit.quasi.lo),
        years=years, table=table, band=band,
        points=official[official.outside.notna()].reset_index(drop=True), cited_points=c.reset_index())

