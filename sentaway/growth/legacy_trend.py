"""The register's consistency test until the register is rebuilt on the children's-homes series: a
log-linear trend through the official 'secure homes and children's homes' points (2015 transcribed,
2020-2024) and its 95% prediction interval for one year. Kept unchanged so the register's verdicts do not
move under it; the growth chapter no longer uses it (see sentaway/growth/cited.py)."""

from __future__ import annotations

import numpy as np
import statsmodels.api as sm

from .. import out_of_area
from .series import frame


def homes_official():
    """Secure homes and children's homes (a wider definition than the chapter's series): 2015 transcribed
    from 'A focus on placement location' (2024), 2020-2024 from the release to 2024."""
    homes = out_of_area.homes_by_locality()
    definition = out_of_area.HOMES_SERIES["secure_childrens_homes"]
    rows = [{"year": int(r.year), "inside": float(r.inside), "outside": float(r.outside), "source": r.release}
            for r in homes.itertuples()
            if r.series.startswith("Transcribed") or (r.definition == definition and r.series == "Official, by locality")]
    return frame("homes_official", rows)


def official_trends(h=None):
    """Log-linear trend of the number, and logit-linear trend of the share, through the official points."""
    h = homes_official() if h is None else h
    years = sm.add_constant(h.year.to_numpy().astype(float))
    fit = sm.OLS(np.log(h.outside.to_numpy()), years).fit()
    fit_share = sm.OLS(np.log(h.share / (1 - h.share)).to_numpy(), years).fit()
    return fit, fit_share


def trend_at(year: int) -> dict:
    """The trend's prediction for one year, with its 95% prediction interval, for the number and the share
    (in per cent), and whether that year lies between the official points or outside them."""
    h = homes_official()
    fit, fit_share = official_trends(h)
    x = sm.add_constant(np.array([float(year)]), has_constant="add")
    pn = fit.get_prediction(x).summary_frame(alpha=0.05).iloc[0]
    ps = fit_share.get_prediction(x).summary_frame(alpha=0.05).iloc[0]

    def inv(v):
        return 100 / (1 + np.exp(-v))
    return {
        "number": (float(np.exp(pn["mean"])), float(np.exp(pn["obs_ci_lower"])), float(np.exp(pn["obs_ci_upper"]))),
        "share": (float(inv(ps["mean"])), float(inv(ps["obs_ci_lower"])), float(inv(ps["obs_ci_upper"]))),
        "kind": "interpolation" if h.year.min() <= year <= h.year.max() else "extrapolation",
        "points": [int(y) for y in h.year], "first": int(h.year.min()), "last": int(h.year.max()),
    }
