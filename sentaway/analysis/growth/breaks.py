"""Was growth steady? A change of trend (a hinge in log count) tried at every candidate year, with the
p-values corrected for trying several (Bonferroni) and the largest F statistic (sup-F) reported. Numbers only."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from sentaway.analysis.growth.rates import pct

MIN_SIDE = 2   # a candidate break leaves at least this many years on each side


@dataclass(frozen=True)
class Breaks:
    first: int
    last: int
    n: int
    steady_rate: float
    candidates: int
    best_year: int
    best_p: float           # the smallest unadjusted p-value, at best_year
    best_p_adjusted: float  # the same, Bonferroni-adjusted for the number of candidates
    sup_f: float
    any_significant: bool   # any adjusted p-value below 0.05
    durbin_watson: float    # of the steady-trend fit: serial correlation makes every p-value too small
    table: pd.DataFrame = field(repr=False, compare=False)


def hinge_fit(years: np.ndarray, log_y: np.ndarray, k: int):
    t = (years - years[0]).astype(float)
    hinge = np.maximum(0, years - k).astype(float)
    return sm.OLS(log_y, np.column_stack([np.ones_like(t), t, hinge])).fit()


def trend_breaks(rows: pd.DataFrame, column: str = "count") -> Breaks:
    """Every year that leaves MIN_SIDE years on each side is a candidate; each is tested by the t test of the
    hinge term (equal to the F test of one restriction), and its p-value multiplied by the number of candidates."""
    rows = rows[rows[column].notna()].reset_index(drop=True)
    years = rows.year.to_numpy().astype(int)
    log_y = np.log(rows[column].astype(float).to_numpy())
    steady = sm.OLS(log_y, sm.add_constant((years - years[0]).astype(float))).fit()
    candidates = [int(k) for k in years[MIN_SIDE - 1:len(years) - MIN_SIDE]]
    if not candidates:
        raise ValueError(f"growth: {len(years)} years leave no candidate break with {MIN_SIDE} years on each side")
    out = []
    for k in candidates:
        fit = hinge_fit(years, log_y, k)
        ci = fit.conf_int()
        f_stat = float(fit.tvalues[2] ** 2)
        out.append({"break": k, "before": pct(fit.params[1]), "after": pct(fit.params[1] + fit.params[2]),
                    "change_pts": 100 * fit.params[2], "change_lo": 100 * ci[2, 0], "change_hi": 100 * ci[2, 1],
                    "F": f_stat, "p": float(fit.pvalues[2]),
                    "p_bonferroni": min(1.0, float(fit.pvalues[2]) * len(candidates))})
    table = pd.DataFrame(out)
    best = table.loc[table.p.idxmin()]
    return Breaks(first=int(years[0]), last=int(years[-1]), n=len(years), steady_rate=float(pct(steady.params[1])),
                  candidates=len(candidates), best_year=int(best["break"]), best_p=float(best.p),
                  best_p_adjusted=float(best.p_bonferroni), sup_f=float(table.F.max()),
                  any_significant=bool((table.p_bonferroni < 0.05).any()),
                  durbin_watson=float(sm.stats.durbin_watson(steady.resid)), table=table)
