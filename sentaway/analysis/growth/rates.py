"""Growth rates with 95% intervals: log-linear least squares, Poisson and quasi-Poisson (with a test for
overdispersion), negative binomial, and a binomial (logit) trend in the share placed outside.

Every model takes a frame with a `year` column and a count column (by default `count`); extra columns named
in `terms` (e.g. a 0/1 level shift) enter the design as they are. Numbers only: no sentences.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from sentaway.analysis import words

MIN_YEARS = 3
MODELS = words.entry("growth_chapter", "count_models")  # each model's name in the coefficients table


def pct(log_rate):
    """A log-scale slope as growth in per cent a year."""
    return 100 * (np.exp(log_rate) - 1)


@dataclass(frozen=True)
class Rate:
    """A growth rate (% a year, or per cent for a level shift) and its 95% interval."""
    rate: float
    lo: float
    hi: float

    @classmethod
    def from_log(cls, b: float, lo: float, hi: float) -> "Rate":
        return cls(float(pct(b)), float(pct(lo)), float(pct(hi)))

    def covers(self, value: float) -> bool:
        return self.lo <= value <= self.hi


@dataclass(frozen=True)
class CountFit:
    """One count series over one window, fitted four ways. `quasi` is the headline: the Poisson rate with its
    interval widened by the Pearson dispersion (when above 1) and a t value on the residual degrees of freedom."""
    n: int
    first: int
    last: int
    df: int
    ols: Rate
    ols_r2: float
    poisson: Rate
    quasi: Rate
    negbin: Rate | None
    negbin_alpha: float
    negbin_lr_p: float          # likelihood-ratio test of alpha > 0 against Poisson (half chi-square: alpha = 0 is the boundary)
    negbin_boundary: bool       # alpha cannot be told from its boundary 0: the model is Poisson again, no check
    dispersion: float
    overdispersion_p: float
    endpoint: float
    shift: Rate | None          # the level shift (per cent) when a shift term is in the model
    coefficients: pd.DataFrame = field(repr=False, compare=False)
    residuals: pd.DataFrame = field(repr=False, compare=False)
    fitted: pd.DataFrame = field(repr=False, compare=False)


def design(rows: pd.DataFrame, terms: tuple[str, ...] = ()) -> tuple[np.ndarray, list[str]]:
    """Intercept, years since the first year, and any extra terms."""
    t = (rows.year - rows.year.iloc[0]).astype(float).to_numpy()
    columns = [np.ones_like(t), t] + [rows[name].astype(float).to_numpy() for name in terms]
    return np.column_stack(columns), ["intercept", "year", *terms]


def t_interval(fit, i: int) -> tuple[float, float]:
    """95% interval with a t critical value on the residual degrees of freedom (honest with few years)."""
    half = stats.t.ppf(0.975, fit.df_resid) * fit.bse[i]
    return float(fit.params[i] - half), float(fit.params[i] + half)


def poisson_fits(y: np.ndarray, X: np.ndarray):
    """Poisson GLM, its Pearson dispersion and overdispersion p-value, and the quasi-Poisson refit."""
    poisson = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    df = poisson.df_resid
    pearson = float(poisson.pearson_chi2)
    dispersion = pearson / df if df > 0 else np.nan
    quasi = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale=max(1.0, dispersion)) if df > 0 else poisson
    p = float(stats.chi2.sf(pearson, df)) if df > 0 else np.nan
    return poisson, quasi, dispersion, p


def negative_binomial(y: np.ndarray, X: np.ndarray):
    """NB2 by maximum likelihood (statsmodels), Wald intervals; None if it does not converge."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = sm.NegativeBinomial(y, X).fit(disp=0, maxiter=500)
        except Exception:  # noqa: BLE001 - a failed fit is reported as 'no estimate', never guessed
            return None
    if not fit.mle_retvals.get("converged", False) or not np.all(np.isfinite(fit.bse)):
        return None
    return fit


def count_fit(rows: pd.DataFrame, column: str = "count", terms: tuple[str, ...] = ()) -> CountFit:
    """Annual growth of `column` over the rows given (at least three years with a value)."""
    rows = rows[rows[column].notna()].reset_index(drop=True)
    if len(rows) < MIN_YEARS + len(terms):
        raise ValueError(f"growth: {len(rows)} year(s) with a {column} value; a trend with {len(terms)} extra "
                         f"term(s) needs at least {MIN_YEARS + len(terms)}")
    X, names = design(rows, terms)
    y = rows[column].astype(float).to_numpy()
    ols = sm.OLS(np.log(y), X).fit()
    ols_ci = ols.conf_int(0.05)
    poisson, quasi, dispersion, over_p = poisson_fits(y, X)
    nb = negative_binomial(y, X)
    t = X[:, 1]
    coefficients = []
    fits = [("ols", ols, ols_ci), ("poisson", poisson, poisson.conf_int(0.05)),
            ("quasi", quasi, np.array([t_interval(quasi, i) for i in range(len(names))]))]
    if nb is not None:
        fits.append(("negbin", nb, nb.conf_int(0.05)))
    for model, fit, ci in fits:
        for i, name in enumerate(names):
            coefficients.append({"model": MODELS[model], "term": name, "estimate": fit.params[i], "std_error": fit.bse[i],
                                 "ci_low": ci[i, 0], "ci_high": ci[i, 1], "p_value": fit.pvalues[i]})
    pred = ols.get_prediction(X).summary_frame(alpha=0.05)
    qpred = np.exp(X @ quasi.params)
    residuals = pd.DataFrame({"year": rows.year.to_numpy(), "observed": y, "fitted_quasi_poisson": qpred,
                              "pearson_residual_poisson": poisson.resid_pearson, "fitted_ols": np.exp(pred["mean"]),
                              "residual_log_ols": ols.resid})
    fitted = pd.DataFrame({"year": rows.year.to_numpy(), "fitted": np.exp(pred["mean"]),
                           "lo": np.exp(pred["mean_ci_lower"]), "hi": np.exp(pred["mean_ci_upper"])})
    shift = None
    if terms:
        j = len(names) - 1
        shift = Rate.from_log(quasi.params[j], *t_interval(quasi, j))
    nb_rate = None if nb is None else Rate.from_log(nb.params[1], *nb.conf_int(0.05)[1])
    # alpha = 0 (Poisson) is the edge of the parameter space, so the likelihood-ratio statistic is a 50:50 mixture
    # of 0 and chi-square(1) (Self and Liang 1987): half the chi-square tail.
    nb_lr_p = np.nan if nb is None else float(0.5 * stats.chi2.sf(max(0.0, 2 * (nb.llf - poisson.llf)), 1))
    nb_boundary = nb is None or bool(nb.conf_int(0.05)[-1][0] <= 0 or nb_lr_p >= 0.05)
    return CountFit(
        n=len(rows), first=int(rows.year.iloc[0]), last=int(rows.year.iloc[-1]), df=int(ols.df_resid),
        ols=Rate.from_log(ols.params[1], *ols_ci[1]), ols_r2=float(ols.rsquared),
        poisson=Rate.from_log(poisson.params[1], *poisson.conf_int(0.05)[1]),
        quasi=Rate.from_log(quasi.params[1], *t_interval(quasi, 1)),
        negbin=nb_rate, negbin_alpha=float(nb.params[-1]) if nb is not None else np.nan,
        negbin_lr_p=nb_lr_p, negbin_boundary=nb_boundary,
        dispersion=float(dispersion), overdispersion_p=over_p,
        endpoint=float(100 * ((y[-1] / y[0]) ** (1 / t[-1]) - 1)), shift=shift,
        coefficients=pd.DataFrame(coefficients), residuals=residuals, fitted=fitted)


@dataclass(frozen=True)
class ShareTrend:
    """Trend in the share placed outside: logit-linear binomial GLM with Pearson-scaled (quasi-binomial) t
    intervals, as percentage points a year (average marginal effect) and as an odds ratio a year."""
    n: int
    first: int
    last: int
    df: int
    pp: float
    pp_lo: float
    pp_hi: float
    odds_ratio: float
    or_lo: float
    or_hi: float
    dispersion: float
    naive_or_lo: float
    naive_or_hi: float
    observed_pp: float
    fitted: pd.DataFrame = field(repr=False, compare=False)


def share_trend(rows: pd.DataFrame) -> ShareTrend | None:
    """Share of the children whose locality is recorded; None when fewer than three years have a split."""
    rows = rows[rows.outside.notna() & rows.recorded.notna()].reset_index(drop=True)
    if len(rows) < MIN_YEARS:
        return None
    share = (rows.outside / rows.recorded).to_numpy()
    X = sm.add_constant((rows.year - rows.year.iloc[0]).astype(float).to_numpy())
    model = sm.GLM(share, X, family=sm.families.Binomial(), var_weights=rows.recorded.to_numpy())
    naive = model.fit()
    dispersion = float(naive.pearson_chi2 / naive.df_resid)
    fit = model.fit(scale=max(1.0, dispersion))
    b, (lo, hi) = fit.params[1], t_interval(fit, 1)
    p = fit.predict(X)
    slope = float(np.mean(p * (1 - p)))  # average marginal effect of a year on the share
    naive_ci = naive.conf_int()[1]
    return ShareTrend(n=len(rows), first=int(rows.year.iloc[0]), last=int(rows.year.iloc[-1]), df=int(fit.df_resid),
                      pp=100 * slope * b, pp_lo=100 * slope * lo, pp_hi=100 * slope * hi,
                      odds_ratio=float(np.exp(b)), or_lo=float(np.exp(lo)), or_hi=float(np.exp(hi)),
                      dispersion=dispersion, naive_or_lo=float(np.exp(naive_ci[0])),
                      naive_or_hi=float(np.exp(naive_ci[1])),
                      observed_pp=float(100 * (share[-1] - share[0]) / X[-1, 1]),
                      fitted=pd.DataFrame({"year": rows.year, "share": 100 * share, "fitted": 100 * p}))
