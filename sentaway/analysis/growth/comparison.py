"""Did growth change after the window? A comparison fixed in advance, not chosen by looking at the data: growth over
the window (by default the claims' period) against growth over the years after it, up to the year before the
supported-accommodation reform (series.reform). Numbers only.

The test: one quasi-Poisson model of the count with its own level and its own log-linear slope in each period, and a
t test of the difference between the two slopes (statsmodels' t_test on the Pearson-scaled covariance, t on the
residual degrees of freedom). Counts, overdispersed, few points: the same model as the headline rate, a t rather
than a normal value because a dozen points leave few degrees of freedom, and a level of its own in each period so
that a step between them (the later years come from other releases) is not read as a change in growth.

Power: the smallest fall in growth the test would find four times in five at the 5% level (80% power), from the
standard error of the slope difference: (t(0.975, df) + t(0.80, df)) x SE (Bloom 1995, minimum detectable effect).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from sentaway.analysis.growth.rates import MIN_YEARS, Rate, pct, poisson_fits

POWER = 0.8
ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    before_first: int
    before_last: int
    before_n: int
    after_first: int
    after_last: int
    after_n: int
    before: Rate                # growth % a year in each period, 95% intervals from the joint model
    after: Rate
    difference: float           # after minus before, percentage points a year
    t: float                    # the slope difference's t statistic
    df: int
    p: float                    # two-sided
    dispersion: float           # Pearson X² / df of the joint model (the interval scale is max(1, this))
    detectable: float           # the smallest fall in growth, points a year below `before`, found with 80% power
    detectable_rate: float      # the growth rate after that fall, % a year
    table: pd.DataFrame = field(repr=False, compare=False)


def periods(first_year: int, last_year: int, reform_year: int | None, years) -> tuple[tuple[int, int], tuple[int, int]]:
    """(the window), (the years after it up to the year before the reform, or to the last year without one)."""
    later = [int(y) for y in years if y > last_year and (reform_year is None or y < reform_year)]
    return (first_year, last_year), (last_year + 1, max(later) if later else last_year)


def compare(table: pd.DataFrame, before: tuple[int, int], after: tuple[int, int], column: str = "count") -> Comparison:
    """`table`: a series frame (year, `column`). Both periods need three years with a value."""
    rows = table[table[column].notna()]
    parts = {name: rows[(rows.year >= a) & (rows.year <= b)] for name, (a, b) in (("before", before), ("after", after))}
    for name, part in parts.items():
        if len(part) < MIN_YEARS:
            raise ValueError(f"growth: the comparison needs {MIN_YEARS}+ years with a value in each period; "
                             f"{name} ({'-'.join(map(str, before if name == 'before' else after))}) has {len(part)}")
    data = pd.concat([parts["before"].assign(after=0.0), parts["after"].assign(after=1.0)], ignore_index=True)
    t = (data.year - before[0]).astype(float)
    X = np.column_stack([np.ones(len(data)), data.after, t, t * data.after])
    _, quasi, dispersion, _ = poisson_fits(data[column].astype(float).to_numpy(), X)
    df = int(quasi.df_resid)
    test = quasi.t_test(np.array([[0.0, 0.0, 0.0, 1.0]]), use_t=True)
    cov = quasi.cov_params()
    half = stats.t.ppf(0.975, df)
    slope_before, slope_after = quasi.params[2], quasi.params[2] + quasi.params[3]
    se_before = np.sqrt(cov[2, 2])
    se_after = np.sqrt(cov[2, 2] + cov[3, 3] + 2 * cov[2, 3])
    se_diff = float(np.sqrt(cov[3, 3]))
    smallest = (stats.t.ppf(1 - ALPHA / 2, df) + stats.t.ppf(POWER, df)) * se_diff
    rate_before = Rate.from_log(slope_before, slope_before - half * se_before, slope_before + half * se_before)
    rate_after = Rate.from_log(slope_after, slope_after - half * se_after, slope_after + half * se_after)
    summary = pd.DataFrame([
        {"period": f"{before[0]}-{before[1]}", "years": len(parts["before"]), "growth % a year": rate_before.rate,
         "95% low": rate_before.lo, "95% high": rate_before.hi},
        {"period": f"{after[0]}-{after[1]}", "years": len(parts["after"]), "growth % a year": rate_after.rate,
         "95% low": rate_after.lo, "95% high": rate_after.hi}])
    return Comparison(
        before_first=before[0], before_last=before[1], before_n=len(parts["before"]), after_first=after[0],
        after_last=after[1], after_n=len(parts["after"]), before=rate_before, after=rate_after,
        difference=rate_after.rate - rate_before.rate, t=float(np.asarray(test.tvalue).ravel()[0]), df=df,
        p=float(np.asarray(test.pvalue).ravel()[0]), dispersion=float(dispersion),
        detectable=float(rate_before.rate - pct(slope_before - smallest)),
        detectable_rate=float(pct(slope_before - smallest)), table=summary)
