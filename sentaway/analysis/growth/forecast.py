"""Did the trend hold? A quasi-Poisson trend fitted to one window of a series, projected to the later years of
the same series (same definition) with 95% prediction intervals, and set against what was published. Numbers only.

Years from `stop` on (the supported-accommodation reform year) are forecast and drawn but not counted: what the
categories cover changed there. What the forecast could detect: a growth rate g sustained after the window, from the
trend's value in its last year, falls below the band in a later year k when trend_last x (1 + g)^k < low_k; the
largest such g over the counted years is the slowest growth the forecast could have told from the trend.

Prediction interval for a later year's count y0 with fitted mean m0: m0 +/- t * sqrt(phi * m0 + m0^2 * x0'Vx0),
where phi is the dispersion used by the fit and V the covariance of its coefficients (both already scaled):
the noise of a single year plus the uncertainty of the trend, t on the fit's residual degrees of freedom.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from sentaway.analysis.growth.rates import MIN_YEARS, Rate, poisson_fits, t_interval

VERDICTS = ("held", "slowed", "accelerated", "mixed")


@dataclass(frozen=True)
class Forecast:
    fit_first: int
    fit_last: int
    rate: Rate                  # quasi-Poisson growth over the fit window
    dispersion: float
    test_first: int
    test_last: int
    n_test: int
    above: int                  # later official values above the 95% prediction interval
    below: int                  # ... below it
    under_central: int          # ... below the central forecast
    verdict: str                # one of VERDICTS
    last_year: int
    last_observed: float
    last_predicted: float
    last_lo: float
    last_hi: float
    last_gap_pct: float
    kept_rising: bool           # the last official value is above the last value of the fit window
    first_above: int | None     # the same counts for each later year's value as first given in the files
    first_below: int | None
    post: Rate | None           # growth over the later years alone, when there are three or more
    detect_rate: float          # the forecast flags growth below this (% a year, sustained after the window) ...
    detect_year: int            # ... first in this year (the counted year where the band is tightest in growth terms)
    slowdown: float             # rate.rate - detect_rate: the smallest slowdown it could detect, points a year
    stop: int | None            # the first year not counted (the reform year), if the series reaches it
    stop_observed: float | None
    stop_position: str | None   # where that year's official value lies: "above", "inside" or "below" the band
    frame: pd.DataFrame = field(repr=False, compare=False)


def prediction(years: np.ndarray, fit, first: int, df: float) -> pd.DataFrame:
    X = sm.add_constant((years - first).astype(float), has_constant="add")
    mean = np.exp(X @ fit.params)
    var_eta = np.einsum("ij,jk,ik->i", X, fit.cov_params(), X)
    half = stats.t.ppf(0.975, df) * np.sqrt(fit.scale * mean + mean ** 2 * var_eta)
    return pd.DataFrame({"year": years, "fitted": mean, "lo": mean - half, "hi": mean + half})


def _verdict(above: int, below: int) -> str:
    if above == 0 and below == 0:
        return "held"
    if below and not above:
        return "slowed"
    if above and not below:
        return "accelerated"
    return "mixed"


def _position(value: float, lo: float, hi: float) -> str:
    return "above" if value > hi else "below" if value < lo else "inside"


def out_of_sample(table: pd.DataFrame, fit_first: int, fit_last: int, column: str = "count",
                  stop: int | None = None) -> Forecast:
    """Fit `column` over fit_first-fit_last, forecast every later year the table has a value for; count those
    before `stop`."""
    rows = table[table[column].notna()]
    train = rows[(rows.year >= fit_first) & (rows.year <= fit_last)].reset_index(drop=True)
    test = rows[(rows.year > fit_last) & (rows.year < (stop or 10 ** 4))].reset_index(drop=True)
    if len(train) < MIN_YEARS or test.empty:
        raise ValueError(f"growth: forecasting needs {MIN_YEARS}+ years in {fit_first}-{fit_last} and a later year; "
                         f"the series has {len(train)} and {len(test)}")
    X = sm.add_constant((train.year - fit_first).astype(float).to_numpy())
    _, quasi, dispersion, _ = poisson_fits(train[column].astype(float).to_numpy(), X)
    years = np.arange(fit_first, int(rows.year.max()) + 1)  # drawn to the last year, counted before `stop`
    frame = prediction(years, quasi, fit_first, quasi.df_resid)
    frame["part"] = np.where(frame.year <= fit_last, "fitted", "forecast")
    # Every year of the series, a suppressed one too: its official value stays empty, its status says why.
    keep = ["year", column, "source"] + [c for c in ("release", "first_outside", "status") if c in table]
    frame = frame.merge(table[keep].rename(columns={column: "official"}), on="year", how="left")
    fc = frame[(frame.part == "forecast") & frame.official.notna() & frame.year.isin(test.year)]
    trend_last = float(frame.fitted[frame.year == fit_last].iloc[0])
    thresholds = 100 * ((fc.lo / trend_last) ** (1 / (fc.year - fit_last)) - 1)
    at_stop = frame[(frame.year == stop) & frame.official.notna()] if stop is not None else frame.iloc[0:0]
    above, below = int((fc.official > fc.hi).sum()), int((fc.official < fc.lo).sum())
    first = fc.get("first_outside")
    last = fc.iloc[-1]
    post = None
    if len(test) >= MIN_YEARS:
        Xp = sm.add_constant((test.year - test.year.iloc[0]).astype(float).to_numpy())
        _, q_post, _, _ = poisson_fits(test[column].astype(float).to_numpy(), Xp)
        post = Rate.from_log(q_post.params[1], *t_interval(q_post, 1))
    rate = Rate.from_log(quasi.params[1], *t_interval(quasi, 1))
    return Forecast(
        fit_first=fit_first, fit_last=fit_last, rate=rate,
        dispersion=float(dispersion), test_first=int(fc.year.iloc[0]), test_last=int(fc.year.iloc[-1]),
        n_test=len(fc), above=above, below=below, under_central=int((fc.official < fc.fitted).sum()),
        verdict=_verdict(above, below), last_year=int(last.year), last_observed=float(last.official),
        last_predicted=float(last.fitted), last_lo=float(last.lo), last_hi=float(last.hi),
        last_gap_pct=float(100 * (last.official / last.fitted - 1)),
        kept_rising=bool(last.official > train[column].iloc[-1]), post=post,
        first_above=None if first is None else int((first > fc.hi).sum()),
        first_below=None if first is None else int((first < fc.lo).sum()),
        detect_rate=float(thresholds.max()), detect_year=int(fc.year[thresholds.idxmax()]),
        slowdown=float(rate.rate - thresholds.max()), stop=int(stop) if len(at_stop) else None,
        stop_observed=float(at_stop.official.iloc[0]) if len(at_stop) else None,
        stop_position=_position(*at_stop[["official", "lo", "hi"]].iloc[0]) if len(at_stop) else None,
        frame=frame.rename(columns={"first_outside": "first in the files"}))
