"""Growth models: how fast did out-of-area placement grow, was the cited growth real, did the trend hold?

Every figure the chapter states is computed here from data/; the notebook only calls and explains.
Counts are children at 31 March. Share placed outside = outside / (inside + outside).

The series (each kept apart, never spliced across definitions):
- all_children: all looked-after children placed inside / outside their council's boundary, national
  (SFR 2011-2017; 2018 'outside' only, from the LA net-gain file; EES national locality file 2019-2024);
- homes_official: children in secure homes and children's homes by locality: 2015 TRANSCRIBED from
  'A focus on placement location' (2024) and 2020-2024 from the release to 2024;
- homes_wider: secure units, children's homes and semi-independent living by locality, 2019-2023;
- homes_total: children in secure units, children's homes and hostels (no locality split), 2010-2017,
  whose definition takes in dual-registered residential schools from 2016 (a step, found in the data);
- cited: the figures as the claims state them (data/claims.csv), which are data about the claims.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from . import claims, extracts, out_of_area
from . import tables
from .params import ParameterError

SERIES = {
    "all_children": "All looked-after children (official)",
    "homes_official": "Secure homes and children's homes (official; 2015 transcribed)",
    "homes_wider": "Secure units, children's homes and semi-independent living (official)",
    "homes_total": "Secure units, children's homes and hostels, total only (official)",
    "cited": "Cited in the claims (LocalGov 2019, HuffPost 2018)",
}
# What each series' modelled count is: children outside the boundary, or (no split) all children in the group.
COUNT_OF = {"all_children": "outside", "homes_official": "outside", "homes_wider": "outside",
            "homes_total": "total", "cited": "outside"}
CITED_NUMBER = {2012: "ooa-number-2012-localgov", 2017: "ooa-number-2017-huffpost", 2018: "ooa-number-2018-localgov"}
CITED_SHARE = {2012: "ooa-share-2012-localgov", 2017: "ooa-share-2017-huffpost", 2018: "ooa-share-2018-localgov"}

YEARS_ALLOWED = (2010, 2024)
PARAMETERS = {"first_year": (int, YEARS_ALLOWED), "last_year": (int, YEARS_ALLOWED), "series": (str, list(SERIES))}
DEFAULTS = {"first_year": 2012, "last_year": 2018, "series": "all_children"}
MIN_YEARS = 3
Z = stats.norm.ppf(0.975)


# ---------------------------------------------------------------- parameters and windows

def check_parameters(first_year, last_year, series) -> dict:
    """Reject bad parameters, listing what is allowed; a window must span at least three years."""
    values = {"first_year": first_year, "last_year": last_year, "series": series}
    for name, value in values.items():
        kind, allowed = PARAMETERS[name]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ParameterError(f"growth: {name} must be {kind.__name__}, got {value!r}")
        if isinstance(allowed, tuple) and not allowed[0] <= value <= allowed[1]:
            raise ParameterError(f"growth: {name}={value} is outside the data; allowed {allowed[0]} to {allowed[1]}")
        if isinstance(allowed, list) and value not in allowed:
            raise ParameterError(f"growth: {name}={value!r} is not allowed; allowed: {', '.join(allowed)}")
    check_window(first_year, last_year)
    return values


def check_window(first_year: int, last_year: int) -> None:
    if first_year > last_year:
        raise ValueError(f"growth: first_year {first_year} is after last_year {last_year}")
    if last_year - first_year + 1 < MIN_YEARS:
        raise ValueError(f"growth: the window {first_year}-{last_year} spans {last_year - first_year + 1} year(s); "
                         f"a trend needs at least {MIN_YEARS} years (e.g. first_year={first_year}, "
                         f"last_year={first_year + MIN_YEARS - 1})")


def window(table: pd.DataFrame, first_year: int, last_year: int, column: str = "count") -> pd.DataFrame:
    """The series' years inside the window with a value in `column`; stops if fewer than three."""
    check_window(first_year, last_year)
    rows = table[(table.year >= first_year) & (table.year <= last_year) & table[column].notna()]
    if len(rows) < MIN_YEARS:
        have = ", ".join(map(str, table.loc[table[column].notna(), "year"])) or "none"
        name = table.series.iloc[0] if len(table) else "series"
        raise ValueError(f"growth: {name!r} has {len(rows)} year(s) with a {column} value in {first_year}-{last_year}; "
                         f"a trend needs at least {MIN_YEARS}. Years it has: {have}")
    return rows.reset_index(drop=True)


# ---------------------------------------------------------------- the series

def _frame(series: str, rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    for column in ("outside", "inside", "total"):
        if column not in table:
            table[column] = np.nan
        table[column] = table[column].astype(float)
    known = table.inside + table.outside
    table["total"] = table.total.fillna(known)
    table["share"] = table.outside / table.total
    table["count"] = table[COUNT_OF[series]]
    table.insert(0, "series", series)
    return table.sort_values("year").reset_index(drop=True)


def all_children() -> pd.DataFrame:
    split = out_of_area.all_children_by_locality()
    rows = [{"year": int(r.year), "inside": float(r.inside), "outside": float(r.outside),
             "source": f"{r.release}, national locality table"} for r in split.itertuples()]
    net = extracts.placements()
    net = net[(net.geographic_level == "national") & (net.placement == "all") & (net.locality == "outside")
              & net.source_file.str.contains("net_?gain") & net.status.eq("")]
    for year in sorted(set(net.year) - {r["year"] for r in rows}):
        row = net[net.year == year].sort_values("release").iloc[-1]
        rows.append({"year": int(year), "outside": float(row.value),
                     "source": f"{row.release}, LA net-gain file (outside only; no inside or total)"})
    return _frame("all_children", rows)


def _homes(definition: str | None, transcribed: bool) -> list[dict]:
    homes = out_of_area.homes_by_locality()
    rows = []
    for r in homes.itertuples():
        if (transcribed and r.series.startswith("Transcribed")) or (definition and r.definition == definition
                                                                      and r.series == "Official, by locality"):
            label = f"{r.release} (TRANSCRIBED)" if r.series.startswith("Transcribed") else r.release
            rows.append({"year": int(r.year), "inside": float(r.inside), "outside": float(r.outside), "source": label})
    return rows


def homes_official() -> pd.DataFrame:
    return _frame("homes_official", _homes(out_of_area.HOMES_SERIES["secure_childrens_homes"], transcribed=True))


def homes_wider() -> pd.DataFrame:
    return _frame("homes_wider", _homes(out_of_area.HOMES_SERIES["secure_childrens_homes_semi_independent"], False))


def homes_total() -> pd.DataFrame:
    homes = out_of_area.homes_by_locality()
    homes = homes[homes.series == "Official, total only"]
    rows = [{"year": int(r.year), "total": float(r.all), "source": r.release} for r in homes.itertuples()]
    table = _frame("homes_total", rows)
    table["step"] = (table.year >= definition_break()["year"]).astype(float)
    return table


def cited() -> pd.DataFrame:
    """The figures the claims cite (2012, 2017, 2018). Totals are implied: number / share."""
    rows = []
    for year, claim_id in CITED_NUMBER.items():
        number = float(claims.get(claim_id).cited_value)
        share = float(claims.get(CITED_SHARE[year]).cited_value) / 100
        rows.append({"year": year, "outside": number, "total": number / share,
                     "source": f"claims {claim_id} and {CITED_SHARE[year]} (total implied = number / share)"})
    return _frame("cited", rows)


LOADERS = {"all_children": all_children, "homes_official": homes_official, "homes_wider": homes_wider,
           "homes_total": homes_total, "cited": cited}


def load(series: str) -> pd.DataFrame:
    if series not in LOADERS:
        raise ParameterError(f"growth: series={series!r} is not allowed; allowed: {', '.join(LOADERS)}")
    return LOADERS[series]()


def definition_break() -> dict:
    """The year 'secure units, children's homes and hostels' took in residential schools, read off the data:
    the year residential schools fall most while the homes group rises most."""
    frame = extracts.placements()
    frame = frame[(frame.geographic_level == "national") & (frame.provider == "all") & (frame.locality == "all")
                  & frame.release.str.startswith("SFR")]
    def by_year(placement):
        return frame[frame.placement == placement].set_index("year").value.astype(float).sort_index()
    schools = by_year("residential_schools")
    homes = by_year("secure_childrens_homes_hostels")
    d_schools, d_homes = schools.diff().dropna(), homes.diff().dropna()
    year = int(d_schools.idxmin())
    if int(d_homes.idxmax()) != year:
        raise ValueError(f"the residential-schools fall ({year}) and the homes jump ({int(d_homes.idxmax())}) differ")
    return {"year": year, "schools_before": schools[year - 1], "schools_after": schools[year],
            "homes_before": homes[year - 1], "homes_after": homes[year],
            "schools_change": schools[year] - schools[year - 1], "homes_change": homes[year] - homes[year - 1]}


# ---------------------------------------------------------------- trend models

def _pct(log_rate):
    return 100 * (np.exp(log_rate) - 1)


def _t_interval(fit, i: int) -> tuple[float, float]:
    """95% interval with a t critical value on the residual degrees of freedom (honest with few years)."""
    half = stats.t.ppf(0.975, fit.df_resid) * fit.bse[i]
    return float(fit.params[i] - half), float(fit.params[i] + half)


def _has_step(rows: pd.DataFrame) -> bool:
    """Use the step dummy only when the window has points on both sides and a residual degree of freedom left."""
    return "step" in rows and rows.step.nunique() == 2 and len(rows) >= 4


def growth_models(rows: pd.DataFrame) -> dict:
    """Annual growth of the count: log-linear OLS, Poisson GLM (with overdispersion test) and quasi-Poisson."""
    t = (rows.year - rows.year.iloc[0]).astype(float).to_numpy()
    y = rows["count"].astype(float).to_numpy()
    step = _has_step(rows)
    X = np.column_stack([np.ones_like(t), t] + ([rows.step.to_numpy()] if step else []))
    names = ["intercept", "year"] + (["step"] if step else [])
    ols = sm.OLS(np.log(y), X).fit()
    ols_ci = ols.conf_int(0.05)
    poisson = sm.GLM(y, X, family=sm.families.Poisson()).fit()
    df = poisson.df_resid
    pearson = float(poisson.pearson_chi2)
    dispersion = pearson / df if df > 0 else np.nan
    quasi = sm.GLM(y, X, family=sm.families.Poisson()).fit(scale=max(1.0, dispersion)) if df > 0 else poisson
    q_lo, q_hi = _t_interval(quasi, 1)
    out = {
        "n": len(rows), "first": int(rows.year.iloc[0]), "last": int(rows.year.iloc[-1]), "step": step,
        "ols_rate": _pct(ols.params[1]), "ols_lo": _pct(ols_ci[1, 0]), "ols_hi": _pct(ols_ci[1, 1]),
        "ols_df": int(ols.df_resid), "ols_r2": float(ols.rsquared),
        "poisson_rate": _pct(poisson.params[1]), "poisson_lo": _pct(poisson.conf_int()[1, 0]),
        "poisson_hi": _pct(poisson.conf_int()[1, 1]),
        "dispersion": dispersion, "overdispersion_p": float(stats.chi2.sf(pearson, df)) if df > 0 else np.nan,
        "quasi_lo": _pct(q_lo), "quasi_hi": _pct(q_hi),
        "endpoint_rate": 100 * ((y[-1] / y[0]) ** (1 / t[-1]) - 1),
    }
    if step:
        out.update({"step_pct": _pct(ols.params[2]), "step_lo": _pct(ols_ci[2, 0]), "step_hi": _pct(ols_ci[2, 1])})
    coefficients = []
    for label, fit, scale in (("Log-linear OLS", ols, None), ("Poisson GLM", poisson, None),
                              ("Quasi-Poisson GLM (scale = max(1, Pearson X²/df), t intervals)", quasi, "t")):
        ci = fit.conf_int(0.05) if scale is None else np.array([_t_interval(fit, i) for i in range(len(names))])
        for i, name in enumerate(names):
            coefficients.append({"model": label, "term": name, "estimate": fit.params[i], "std_error": fit.bse[i],
                                 "ci_low": ci[i, 0], "ci_high": ci[i, 1], "p_value": fit.pvalues[i]})
    pred = ols.get_prediction(X).summary_frame(alpha=0.05)
    residuals = pd.DataFrame({
        "year": rows.year.to_numpy(), "observed": y, "fitted_ols": np.exp(pred["mean"].to_numpy()),
        "residual_log_ols": ols.resid, "pearson_residual_poisson": poisson.resid_pearson,
    })
    return {"facts": out, "coefficients": pd.DataFrame(coefficients), "residuals": residuals,
            "fit": pd.DataFrame({"year": rows.year.to_numpy(), "fitted": np.exp(pred["mean"]),
                                 "lo": np.exp(pred["mean_ci_lower"]), "hi": np.exp(pred["mean_ci_upper"])}),
            "ols": ols}


def share_model(rows: pd.DataFrame) -> dict | None:
    """Trend in the share outside: binomial GLM (logit), with Pearson-scaled (quasi-binomial) intervals since
    national counts in the tens of thousands make the plain binomial intervals far too narrow."""
    rows = rows[rows.share.notna() & rows.total.notna()].reset_index(drop=True)
    if len(rows) < MIN_YEARS:
        return None
    t = (rows.year - rows.year.iloc[0]).astype(float).to_numpy()
    X = sm.add_constant(t)
    naive = sm.GLM(rows.share.to_numpy(), X, family=sm.families.Binomial(), var_weights=rows.total.to_numpy()).fit()
    dispersion = float(naive.pearson_chi2 / naive.df_resid)
    fit = sm.GLM(rows.share.to_numpy(), X, family=sm.families.Binomial(), var_weights=rows.total.to_numpy()).fit(
        scale=max(1.0, dispersion))
    b, (lo, hi) = fit.params[1], _t_interval(fit, 1)
    p = fit.predict(X)
    slope = float(np.mean(p * (1 - p)))  # average marginal effect of a year on the share
    return {"n": len(rows), "first": int(rows.year.iloc[0]), "last": int(rows.year.iloc[-1]),
            "pp": 100 * slope * b, "pp_lo": 100 * slope * lo, "pp_hi": 100 * slope * hi,
            "odds_ratio": float(np.exp(b)), "or_lo": float(np.exp(lo)), "or_hi": float(np.exp(hi)),
            "dispersion": dispersion, "df": int(fit.df_resid), "naive_or_lo": float(np.exp(naive.conf_int()[1, 0])),
            "naive_or_hi": float(np.exp(naive.conf_int()[1, 1])),
            "observed_pp": 100 * (rows.share.iloc[-1] - rows.share.iloc[0]) / t[-1],
            "fitted": pd.DataFrame({"year": rows.year, "share": 100 * rows.share, "fitted": 100 * p})}


def decomposition(table: pd.DataFrame, first_year: int, last_year: int) -> dict | None:
    """Change in the outside count between the first and last years with total and share, split exactly into
    'more children' (change in total x mean share) and 'a larger share' (change in share x mean total)."""
    rows = table[table.total.notna() & table.share.notna() & table.outside.notna()]
    inside = rows[(rows.year >= first_year) & (rows.year <= last_year)]
    rows = inside if len(inside) >= 2 else rows
    if len(rows) < 2:
        return None
    a, b = rows.iloc[0], rows.iloc[-1]
    more = (b.total - a.total) * (a.share + b.share) / 2
    larger = (b.share - a.share) * (a.total + b.total) / 2
    return {"series": table.series.iloc[0], "start": int(a.year), "end": int(b.year), "in_window": len(inside) >= 2,
            "outside_start": a.outside, "outside_end": b.outside, "observed_change": b.outside - a.outside,
            "more_children": more, "larger_share": larger, "sum_of_parts": more + larger}


def decompositions(first_year: int, last_year: int) -> pd.DataFrame:
    rows = [decomposition(load(name), first_year, last_year) for name in SERIES]
    table = pd.DataFrame([r for r in rows if r is not None])
    table["label"] = table.series.map(SERIES)
    return table


def side_by_side(first_year: int, last_year: int) -> pd.DataFrame:
    """Growth and share trends of every series that has at least three years in the window."""
    out = []
    for name in SERIES:
        table = load(name)
        try:
            rows = window(table, first_year, last_year)
        except ValueError:
            have = table.loc[table["count"].notna(), "year"]
            out.append({"series": SERIES[name], "years": f"{len(have[(have >= first_year) & (have <= last_year)])} in "
                        "window: too few", "counted": COUNT_OF[name]})
            continue
        g = growth_models(rows)["facts"]
        s = share_model(rows)
        out.append({"series": SERIES[name], "years": f"{g['first']}-{g['last']} ({g['n']})", "counted": COUNT_OF[name],
                    "growth % a year (OLS)": f"{g['ols_rate']:.1f} ({g['ols_lo']:.1f} to {g['ols_hi']:.1f})",
                    "growth % a year (quasi-Poisson)": f"{g['poisson_rate']:.1f} ({g['quasi_lo']:.1f} to {g['quasi_hi']:.1f})",
                    "dispersion": f"{g['dispersion']:.1f}",
                    "share, points a year": "–" if s is None else f"{s['pp']:.2f} ({s['pp_lo']:.2f} to {s['pp_hi']:.2f})",
                    "share, odds ratio a year": "–" if s is None else f"{s['odds_ratio']:.3f} ({s['or_lo']:.3f} to {s['or_hi']:.3f})",
                    "step dummy": "yes" if g["step"] else "no"})
    return pd.DataFrame(out).fillna("–")


# ---------------------------------------------------------------- the cited series against the record

def _cagr(a: float, b: float, years: int) -> float:
    return 100 * ((b / a) ** (1 / years) - 1)


def official_trends(h: pd.DataFrame | None = None):
    """Log-linear trend of the number, and logit-linear trend of the share, of children in children's homes
    placed outside their council, through the official points (2015 transcribed, 2020-2024)."""
    h = homes_official() if h is None else h
    years = sm.add_constant(h.year.to_numpy().astype(float))
    fit = sm.OLS(np.log(h.outside.to_numpy()), years).fit()
    fit_share = sm.OLS(np.log(h.share / (1 - h.share)).to_numpy(), years).fit()
    return fit, fit_share


def trend_at(year: int) -> dict:
    """The official trend's prediction for one year, with its 95% prediction interval, for the number and the
    share (in per cent), and whether that year lies between the official points or outside them."""
    h = homes_official()
    fit, fit_share = official_trends(h)
    x = sm.add_constant(np.array([float(year)]), has_constant="add")
    pn = fit.get_prediction(x).summary_frame(alpha=0.05).iloc[0]
    ps = fit_share.get_prediction(x).summary_frame(alpha=0.05).iloc[0]
    inv = lambda v: 100 / (1 + np.exp(-v))  # noqa: E731
    return {
        "number": (float(np.exp(pn["mean"])), float(np.exp(pn["obs_ci_lower"])), float(np.exp(pn["obs_ci_upper"]))),
        "share": (float(inv(ps["mean"])), float(inv(ps["obs_ci_lower"])), float(inv(ps["obs_ci_upper"]))),
        "kind": "interpolation" if h.year.min() <= year <= h.year.max() else "extrapolation",
        "points": [int(y) for y in h.year], "first": int(h.year.min()), "last": int(h.year.max()),
    }


def cited_vs_official() -> dict:
    c, h, a, tot = cited(), homes_official(), all_children(), homes_total()
    cv, hv, av = c.set_index("year"), h.set_index("year"), a.set_index("year")
    first_h, last_h = int(h.year.min()), int(h.year.max())
    first_split = int(h.year[h.year > first_h].min())
    facts = {
        "cited_first": int(c.year.min()), "cited_last": int(c.year.max()),
        "cited_n_first": cv.outside.iloc[0], "cited_n_last": cv.outside.iloc[-1],
        "cited_years": int(c.year.max() - c.year.min()),
        "cited_rate": _cagr(cv.outside.iloc[0], cv.outside.iloc[-1], int(c.year.max() - c.year.min())),
        "h_first": first_h, "h_split": first_split, "h_last": last_h,
        "h_rate_first_split": _cagr(hv.outside[first_h], hv.outside[first_split], first_split - first_h),
        "h_rate_first_last": _cagr(hv.outside[first_h], hv.outside[last_h], last_h - first_h),
        "h_rate_split_last": _cagr(hv.outside[first_split], hv.outside[last_h], last_h - first_split),
        "a_rate_12_18": _cagr(av.outside[2012], av.outside[2018], 6),
    }
    total_rows = window(tot, 2012, 2018)
    g = growth_models(total_rows)["facts"]
    facts.update({"total_rate": g["ols_rate"], "total_lo": g["ols_lo"], "total_hi": g["ols_hi"],
                  "total_first": g["first"], "total_last": g["last"]})
    # Interpolation: log-linear trend through the official homes points, prediction intervals at cited years.
    fit, fit_share = official_trends(h)
    years = c.year.to_numpy().astype(float)
    pn = fit.get_prediction(sm.add_constant(years, has_constant="add")).summary_frame(alpha=0.05)
    ps = fit_share.get_prediction(sm.add_constant(years, has_constant="add")).summary_frame(alpha=0.05)
    inv = lambda v: 100 / (1 + np.exp(-np.asarray(v)))  # noqa: E731
    table = pd.DataFrame({
        "year": c.year.astype(int), "cited number": c.outside, "predicted number": np.exp(pn["mean"].to_numpy()),
        "number 95% low": np.exp(pn["obs_ci_lower"].to_numpy()), "number 95% high": np.exp(pn["obs_ci_upper"].to_numpy()),
        "cited share (%)": 100 * c.share, "predicted share (%)": inv(ps["mean"]),
        "share 95% low": inv(ps["obs_ci_lower"]), "share 95% high": inv(ps["obs_ci_upper"]),
    })
    table["kind"] = np.where((table.year >= first_h) & (table.year <= last_h), "interpolation", "extrapolation")
    table["number inside interval"] = (table["cited number"] >= table["number 95% low"]) & (
        table["cited number"] <= table["number 95% high"])
    table["share inside interval"] = (table["cited share (%)"] >= table["share 95% low"]) & (
        table["cited share (%)"] <= table["share 95% high"])
    facts["interp_rate"] = _pct(fit.params[1])
    facts["interp_lo"], facts["interp_hi"] = (_pct(v) for v in fit.conf_int()[1])
    facts["interp_n_points"] = len(h)
    for r in table.itertuples():
        y = int(r.year)
        facts.update({f"pred_{y}": r[3], f"pred_{y}_lo": r[4], f"pred_{y}_hi": r[5],
                      f"pred_share_{y}": r[7], f"pred_share_{y}_lo": r[8], f"pred_share_{y}_hi": r[9],
                      f"cited_{y}": r[2], f"cited_share_{y}": r[6]})
    facts["verdict_numbers"] = _inside_words(table, "number")
    facts["verdict_shares"] = _inside_words(table, "share")
    band = pd.DataFrame({"year": np.arange(min(years.min(), first_h), last_h + 1, dtype=float)})
    pb = fit.get_prediction(sm.add_constant(band.year.to_numpy(), has_constant="add")).summary_frame(alpha=0.05)
    band["fitted"], band["lo"], band["hi"] = (np.exp(pb[k].to_numpy()) for k in ("mean", "obs_ci_lower", "obs_ci_upper"))
    return {"facts": facts, "table": table, "band": band, "official": h, "cited": c}


def _inside_words(table: pd.DataFrame, what: str) -> str:
    inside = table.loc[table[f"{what} inside interval"], "year"].tolist()
    outside = table.loc[~table[f"{what} inside interval"], "year"].tolist()
    parts = []
    if inside:
        parts.append(f"inside the interval in {' and '.join(map(str, inside))}")
    if outside:
        parts.append(f"outside it in {' and '.join(map(str, outside))}")
    return "; ".join(parts)


# ---------------------------------------------------------------- was growth steady?

def segmented(breaks=(2013, 2014)) -> dict:
    """Change of trend in log(all children outside), 2011-2024: log y = a + b*t + c*max(0, year - k)."""
    rows = all_children()
    rows = rows[rows.outside.notna()].reset_index(drop=True)
    y = np.log(rows.outside.to_numpy())
    t = (rows.year - rows.year.iloc[0]).to_numpy().astype(float)
    linear = sm.OLS(y, sm.add_constant(t)).fit()
    results = []
    for k in breaks:
        hinge = np.maximum(0, rows.year.to_numpy() - k).astype(float)
        fit = sm.OLS(y, np.column_stack([np.ones_like(t), t, hinge])).fit()
        ci = fit.conf_int()
        results.append({"break": k, "before": _pct(fit.params[1]), "before_lo": _pct(ci[1, 0]), "before_hi": _pct(ci[1, 1]),
                        "after": _pct(fit.params[1] + fit.params[2]),
                        "change_pts": 100 * fit.params[2], "change_lo": 100 * ci[2, 0], "change_hi": 100 * ci[2, 1],
                        "p": float(fit.pvalues[2]), "aic": float(fit.aic), "dw": float(sm.stats.durbin_watson(fit.resid))})
    table = pd.DataFrame(results)
    best = table.loc[table.aic.idxmin()]
    return {"table": table, "first": int(rows.year.iloc[0]), "last": int(rows.year.iloc[-1]), "n": len(rows),
            "linear_rate": _pct(linear.params[1]), "linear_aic": float(linear.aic), "best": best}


# ---------------------------------------------------------------- out of sample

def forecast_window(first_year: int, last_year: int) -> tuple[int, int, str]:
    """Fit years for the out-of-sample test: the chapter's window when it leaves three or more later official years
    to forecast and holds three or more years of data, else 2012-2018 (the issue's window)."""
    rows = all_children()
    later = rows[(rows.year > last_year)]
    inside = rows[(rows.year >= first_year) & (rows.year <= last_year)]
    if len(later) >= 3 and len(inside) >= MIN_YEARS:
        return first_year, last_year, "the chapter's window"
    return 2012, 2018, "2012-2018, because the chapter's window leaves fewer than three later years to forecast"


def out_of_sample(first_year: int, last_year: int) -> dict:
    fit_first, fit_last, why = forecast_window(first_year, last_year)
    rows = all_children()
    train = window(rows.assign(count=rows.outside), fit_first, fit_last)
    test = rows[rows.year > fit_last].reset_index(drop=True)
    t0 = fit_first
    ols = sm.OLS(np.log(train.outside.to_numpy()), sm.add_constant((train.year - t0).to_numpy().astype(float))).fit()
    years = np.arange(fit_first, int(test.year.max()) + 1)
    pred = ols.get_prediction(sm.add_constant((years - t0).astype(float), has_constant="add")).summary_frame(alpha=0.05)
    frame = pd.DataFrame({"year": years, "fitted": np.exp(pred["mean"].to_numpy()),
                          "lo": np.exp(pred["obs_ci_lower"].to_numpy()), "hi": np.exp(pred["obs_ci_upper"].to_numpy())})
    frame["part"] = np.where(frame.year <= fit_last, "fitted", "forecast")
    frame = frame.merge(rows[["year", "outside", "source"]], on="year", how="left")
    fc = frame[frame.part == "forecast"].dropna(subset=["outside"])
    above, below = int((fc.outside > fc.hi).sum()), int((fc.outside < fc.lo).sum())
    last = fc.iloc[-1]
    under = int((fc.outside < fc.fitted).sum())
    if above == 0 and below == 0:
        verdict = (f"held: every later official value lies inside the 95% prediction interval "
                   f"({under} of {len(fc)} below the central forecast)")
    elif above > 0 and below == 0:
        verdict = f"accelerated: {above} of {len(fc)} later official values lie above the 95% prediction interval"
    elif below > 0 and above == 0:
        verdict = (f"slowed: {under} of {len(fc)} later official values lie below the central forecast and {below} "
                   f"below the 95% prediction interval"
                   + ("; the number kept rising, more slowly" if last.outside > train.outside.iloc[-1] else
                      "; the number fell below its level at the end of the fit"))
    else:
        verdict = (f"did not hold cleanly: {above} later value(s) above and {below} below the 95% prediction interval "
                   f"out of {len(fc)}")
    facts = {"oos_first": fit_first, "oos_last": fit_last, "oos_why": why, "oos_rate": _pct(ols.params[1]),
             "oos_lo": _pct(ols.conf_int()[1, 0]), "oos_hi": _pct(ols.conf_int()[1, 1]),
             "oos_test_first": int(fc.year.iloc[0]), "oos_test_last": int(fc.year.iloc[-1]),
             "oos_last_year": int(last.year), "oos_last_obs": float(last.outside), "oos_last_pred": float(last.fitted),
             "oos_last_lo": float(last.lo), "oos_last_hi": float(last.hi),
             "oos_gap_pct": 100 * (last.outside / last.fitted - 1), "oos_verdict": verdict,
             "oos_above": above, "oos_below": below, "oos_n_test": len(fc)}
    after = rows[(rows.year > fit_last) & rows.outside.notna()]
    if len(after) >= MIN_YEARS:
        g = sm.OLS(np.log(after.outside.to_numpy()), sm.add_constant(after.year.to_numpy().astype(float))).fit()
        facts.update({"post_rate": _pct(g.params[1]), "post_lo": _pct(g.conf_int()[1, 0]),
                      "post_hi": _pct(g.conf_int()[1, 1])})
    return {"facts": facts, "frame": frame, "net_gain_gap": net_gain_gap()}


def net_gain_gap() -> dict:
    """How far the LA net-gain files' national 'outside' differs from the national locality table, where both exist."""
    frame = extracts.placements()
    frame = frame[(frame.geographic_level == "national") & (frame.placement == "all") & (frame.locality == "outside")
                  & (frame.provider == "all") & frame.release.str.contains("EES")]
    net = frame[frame.source_file.str.contains("net_?gain")].sort_values("release").groupby("year").value.last()
    nat = frame[~frame.source_file.str.contains("net_?gain")].sort_values("release").groupby("year").value.last()
    both = pd.concat([net.rename("net_gain"), nat.rename("national")], axis=1).dropna()
    gap = (both.net_gain - both.national).astype(float)
    return {"years": f"{int(both.index.min())}-{int(both.index.max())}", "min": float(gap.min()), "max": float(gap.max()),
            "first_year": int(both.index.min()), "first_gap": float(gap.iloc[0])}


# ---------------------------------------------------------------- where growth came from: LA panel

def _norm(name: str) -> str:
    s = re.sub(r"\(.*?\)", " ", name.lower()).replace("&", "and").replace(".", "").replace(",", " ").replace("-", " ")
    s = " ".join(w for w in s.split() if w not in {"city", "of", "the", "borough", "council", "county", "royal"})
    return ALIASES.get(s, s)


# Ofsted's short names for authorities -> the DfE name, after _norm (names only differ in wording).
ALIASES = {"blackburn": "blackburn with darwen", "bath and ne somerset": "bath and north east somerset",
           "hull": "kingston upon hull", "southend": "southend on sea", "stockton": "stockton on tees",
           "telford": "telford and wrekin", "newcastle": "newcastle upon tyne", "medway towns": "medway",
           "st helens": "st helens", "isles scilly": "isles scilly"}


def _supply() -> pd.DataFrame:
    """Registered places in children's homes of all types by the LA where the home is, per snapshot with places."""
    o = extracts.providers()
    o = o[(o.geographic_level == "local_authority") & (o.sector == "all") & (o.measure == "places")
          & o.provider_type.isin(["childrens_home", "secure_childrens_home", "residential_special_school_childrens_home"])
          & o.status.eq("")]
    places = o.groupby(["snapshot_date", "area_name"], as_index=False).value.sum()
    places["key"] = places.area_name.map(_norm)
    places["snapshot"] = pd.to_datetime(places.snapshot_date)
    return places


PANEL_YEARS = (2011, 2017)   # SFR local-authority rows with a locality split
REFERENCE_REGION = "North East"


def _context_match(wide: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Attach region and IMD 2019 (data/la_context.csv) to the SFR authorities: on DfE number and ONS code, else on
    the DfE number alone where it names one authority (ONS codes changed, e.g. Northumberland and Gateshead in 2013),
    else on the normalised name."""
    ctx = extracts.la_context()
    ctx = ctx.assign(key=ctx.la_name.map(_norm))
    las = wide[["old_la_code", "area_code", "area_name", "key"]].drop_duplicates("old_la_code")
    by_pair = ctx.set_index(["old_la_code", "new_la_code"])
    by_old = ctx.groupby("old_la_code").filter(lambda g: len(g) == 1).set_index("old_la_code")
    by_name = ctx.groupby("key").filter(lambda g: len(g) == 1).set_index("key")
    found, how = {}, {}
    for r in las.itertuples():
        if (r.old_la_code, r.area_code) in by_pair.index:
            found[r.old_la_code], how[r.old_la_code] = by_pair.loc[(r.old_la_code, r.area_code)], "DfE number and ONS code"
        elif r.old_la_code in by_old.index:
            found[r.old_la_code], how[r.old_la_code] = by_old.loc[r.old_la_code], "DfE number (ONS code differs)"
        elif r.key in by_name.index:
            found[r.old_la_code], how[r.old_la_code] = by_name.loc[r.key], "name"
    columns = ["region9_name", "imd_average_score", "imd_rank_of_average_score", "imd_status", "imd_match"]
    matched = pd.DataFrame({code: row[columns] for code, row in found.items()}).T.rename_axis("old_la_code")
    matched["context_match"] = pd.Series(how)
    matched["imd_average_score"] = matched.imd_average_score.astype(float)
    matched = matched.reset_index()
    names = las.set_index("old_la_code").area_name
    unmatched = sorted(names[~names.index.isin(matched.old_la_code)])
    no_imd = matched[matched.imd_average_score.isna()]
    info = {"context_matched": len(matched), "context_unmatched": len(unmatched),
            "context_unmatched_names": ", ".join(unmatched) or "none",
            "context_by_name": int((matched.context_match == "name").sum()),
            "context_by_old_code": int((matched.context_match == "DfE number (ONS code differs)").sum()),
            "context_by_old_code_names": ", ".join(sorted(names[matched.old_la_code[
                matched.context_match == "DfE number (ONS code differs)"]])) or "none",
            "no_imd": len(no_imd), "no_imd_names": ", ".join(sorted(names[no_imd.old_la_code])) or "none"}
    return wide.merge(matched.drop(columns=["imd_match"]), on="old_la_code", how="left"), info


def la_panel(first_year: int = PANEL_YEARS[0], last_year: int = PANEL_YEARS[1]) -> tuple[pd.DataFrame, dict]:
    """LA x year (SFR years 2011-2017 by default): outside share of looked-after children, places per 100 looked-after
    children (nearest Ofsted snapshot with places), region and IMD 2019 from data/la_context.csv."""
    if not PANEL_YEARS[0] <= first_year < last_year <= PANEL_YEARS[1]:
        raise ValueError(f"growth: the council panel needs {PANEL_YEARS[0]} <= first_year < last_year <= {PANEL_YEARS[1]} "
                         f"(the SFR years with a local-authority locality split); got {first_year}-{last_year}")
    p = extracts.placements()
    p = p[(p.geographic_level == "local_authority") & (p.placement == "all") & p.release.str.startswith("SFR")
          & (p.year >= first_year) & (p.year <= last_year) & p.status.eq("")]
    wide = p.pivot_table(index=["year", "old_la_code", "area_code", "area_name"], columns="locality", values="value",
                         aggfunc="first").reset_index()
    wide = wide.dropna(subset=["inside", "outside"])
    wide = wide[(wide.inside + wide.outside) > 0]
    wide["inside"], wide["outside"] = wide.inside.astype(float), wide.outside.astype(float)
    wide["looked_after"] = wide.inside + wide.outside
    wide["share_outside"] = 100 * wide.outside / wide.looked_after
    wide["key"] = wide.area_name.map(_norm)
    wide["london"] = wide.old_la_code.astype(int).between(201, 320).astype(int)  # DfE codes 2xx/3xx up to 320
    supply = _supply()
    snaps = sorted(supply.snapshot.unique())
    wide["snapshot"] = [min(snaps, key=lambda s: abs(s - pd.Timestamp(f"{y}-03-31"))) for y in wide.year]
    wide = wide.merge(supply[["snapshot", "key", "value"]], on=["snapshot", "key"], how="left")
    names = set(wide.key)
    unmatched = sorted({n for n in supply.key if n not in names})
    # An authority absent from a snapshot's places list has no registered places there (the list is every provider).
    no_homes = wide.value.isna()
    wide["places"] = wide.value.fillna(0.0)
    wide["places_per_100"] = 100 * wide.places / wide.looked_after
    wide, context = _context_match(wide.drop(columns=["value"]))
    if (wide.london == 1).ne(wide.region9_name.eq("London")).any() and wide.region9_name.notna().all():
        raise ValueError("growth: the DfE-number London indicator and the region from data/la_context.csv disagree")
    info = {"first": first_year, "last": last_year, "las": wide.old_la_code.nunique(), "rows": len(wide),
            "snapshots": ", ".join(pd.Timestamp(s).strftime("%d %B %Y").lstrip("0") for s in sorted(wide.snapshot.unique())),
            "la_years_no_places": int(no_homes.sum()), "ofsted_names_unmatched": len(unmatched),
            "unmatched_names": ", ".join(unmatched) or "none", **context}
    return wide, info


MODELS = {
    "base": "Pooled: year effects, London indicator (earlier specification)",
    "pooled": "Pooled: year and region effects, IMD 2019",
    "random": "Random intercept per council: year and region effects, IMD 2019",
    "fixed": "Council and year fixed effects (region and IMD absorbed)",
}
REGION_TERM = f"C(region, Treatment(reference='{REFERENCE_REGION}'))"


def _term_label(term: str) -> str:
    return f"region: {term.split('[T.')[1][:-1]}" if term.startswith(REGION_TERM) else term


def panel_models(panel: pd.DataFrame) -> dict:
    """Share outside (percentage points) on places per 100 looked-after children.

    Between councils: pooled OLS with year and region effects (nine regions, London as one, against the North East)
    and IMD 2019 average score standardised across councils (one value per council), SEs clustered by council; the
    same with a random intercept per council (mixed model, model-based SEs); and, for comparison on the same
    councils, the earlier specification with a London indicator only. Within councils: council and year fixed
    effects, with SEs clustered by council. IMD 2019 and region do not change within a council over these years, so
    the fixed effects absorb them: they cannot be estimated there, and are not."""
    full = panel.copy()
    sample = full[full.imd_average_score.notna() & full.region9_name.notna()].copy()
    la_imd = sample.drop_duplicates("old_la_code").imd_average_score
    imd_mean, imd_sd = float(la_imd.mean()), float(la_imd.std())
    sample["imd_z"] = (sample.imd_average_score - imd_mean) / imd_sd
    sample["region"] = sample.region9_name
    clusters = lambda frame: frame.old_la_code.astype("category").cat.codes  # noqa: E731
    between = f"share_outside ~ places_per_100 + imd_z + {REGION_TERM} + C(year)"
    fits = {
        "base": smf.ols("share_outside ~ places_per_100 + london + C(year)", data=sample).fit(
            cov_type="cluster", cov_kwds={"groups": clusters(sample)}),
        "pooled": smf.ols(between, data=sample).fit(cov_type="cluster", cov_kwds={"groups": clusters(sample)}),
        "random": smf.mixedlm(between, data=sample, groups=sample.old_la_code).fit(reml=True),
        "fixed": smf.ols("share_outside ~ places_per_100 + C(old_la_code) + C(year)", data=full).fit(
            cov_type="cluster", cov_kwds={"groups": clusters(full)}),
    }
    rows = []
    for key, fit in fits.items():
        ci = fit.conf_int()
        for term in fit.params.index:
            if term in ("places_per_100", "imd_z", "london") or term.startswith(REGION_TERM):
                rows.append({"model": MODELS[key], "term": _term_label(term), "estimate": fit.params[term],
                             "std_error": fit.bse[term], "ci_low": ci.loc[term, 0], "ci_high": ci.loc[term, 1],
                             "p_value": fit.pvalues[term], "observations": int(fit.nobs)})
    table = pd.DataFrame(rows)

    def get(model, term, col):
        return float(table[(table.model == MODELS[model]) & (table.term == term)][col].iloc[0])

    region_terms = [t for t in fits["pooled"].params.index if t.startswith(REGION_TERM)]
    R = np.zeros((len(region_terms), len(fits["pooled"].params)))
    for i, term in enumerate(region_terms):
        R[i, list(fits["pooled"].params.index).index(term)] = 1.0
    region_wald = fits["pooled"].wald_test(R, scalar=True)
    regions = table[(table.model == MODELS["pooled"]) & table.term.str.startswith("region: ")]
    top, bottom = regions.loc[regions.estimate.idxmax()], regions.loc[regions.estimate.idxmin()]
    within_sd = float(full.groupby("old_la_code").places_per_100.transform(lambda s: s - s.mean()).std())
    facts = {"base_b": get("base", "places_per_100", "estimate"), "base_lo": get("base", "places_per_100", "ci_low"),
             "base_hi": get("base", "places_per_100", "ci_high"),
             "base_london_b": get("base", "london", "estimate"),
             "base_london_lo": get("base", "london", "ci_low"), "base_london_hi": get("base", "london", "ci_high")}
    for prefix, key in (("pool", "pooled"), ("re", "random"), ("fe", "fixed")):
        facts.update({f"{prefix}_{k}": get(key, "places_per_100", col) for k, col in
                      (("b", "estimate"), ("lo", "ci_low"), ("hi", "ci_high"), ("p", "p_value"))})
    for prefix, key in (("imd", "pooled"), ("imd_re", "random")):
        facts.update({f"{prefix}_{k}": get(key, "imd_z", col) for k, col in
                      (("b", "estimate"), ("lo", "ci_low"), ("hi", "ci_high"), ("p", "p_value"))})
    facts.update({
        "london_b": get("pooled", "region: London", "estimate"), "london_lo": get("pooled", "region: London", "ci_low"),
        "london_hi": get("pooled", "region: London", "ci_high"),
        "region_reference": REFERENCE_REGION, "region_wald_p": float(region_wald.pvalue),
        "region_wald_df": len(region_terms), "regions": len(region_terms) + 1,
        "region_wald_words": ("p < 0.001" if region_wald.pvalue < 0.001 else f"p = {float(region_wald.pvalue):.3f}"),
        "region_top": top.term.removeprefix("region: "), "region_top_b": float(top.estimate),
        "region_bottom": bottom.term.removeprefix("region: "), "region_bottom_b": float(bottom.estimate),
        "imd_mean": imd_mean, "imd_sd": imd_sd,
        "model_n": int(fits["pooled"].nobs), "model_las": int(sample.old_la_code.nunique()),
        "supply_sd": float(full.places_per_100.std()), "supply_within_sd": within_sd,
        "panel_n": int(fits["fixed"].nobs), "panel_clusters": int(full.old_la_code.nunique()),
        "re_la_sd": float(np.sqrt(fits["random"].cov_re.iloc[0, 0])),
    })
    return {"table": table, "facts": facts, "fits": fits}


def top_contributors(start: int = 2011, end: int = 2017, n: int = 10) -> tuple[pd.DataFrame, dict]:
    p = extracts.placements()
    p = p[(p.placement == "all") & (p.locality == "outside") & p.release.str.startswith("SFR") & p.status.eq("")]
    la = p[p.geographic_level == "local_authority"]
    a = la[la.year == start].set_index("old_la_code").value.astype(float)
    b = la[la.year == end].set_index("old_la_code").value.astype(float)
    names = la[la.year == end].set_index("old_la_code").area_name
    change = (b - a).dropna()
    nat = p[p.geographic_level == "national"].set_index("year").value.astype(float)
    national = nat[end] - nat[start]
    table = pd.DataFrame({"authority": names.reindex(change.index), f"outside {start}": a.reindex(change.index),
                          f"outside {end}": b.reindex(change.index), "change": change})
    table["share of national rise (%)"] = 100 * table.change / national
    table = table.sort_values("change", ascending=False).reset_index(drop=True)
    top = table.head(n)
    rising = int((table.change > 0).sum())
    facts = {"top_start": start, "top_end": end, "national_change": national, "la_sum_change": float(change.sum()),
             "top_n": n, "top_change": float(top.change.sum()), "top_share": float(100 * top.change.sum() / national),
             "top_first": top.authority.iloc[0], "top_first_change": float(top.change.iloc[0]),
             "las_rising": rising, "las_counted": len(table)}
    return top, facts


# ---------------------------------------------------------------- what the chapter states

def headlines(first_year: int, last_year: int, series: str) -> dict:
    """The figures the chapter's prose states (growth, share trend, decomposition of the chosen series)."""
    check_parameters(first_year, last_year, series)
    table = load(series)
    rows = window(table, first_year, last_year)
    g = growth_models(rows)["facts"]
    facts = {"first_year": first_year, "last_year": last_year, "series_label": SERIES[series],
             "counted": "children placed outside their council's boundary" if COUNT_OF[series] == "outside"
             else "all children in the group (no locality split exists for it)",
             "fit_first": g["first"], "fit_last": g["last"], "fit_n": g["n"], "fit_df": g["ols_df"],
             "rate": g["ols_rate"], "rate_lo": g["ols_lo"], "rate_hi": g["ols_hi"],
             "p_rate": g["poisson_rate"], "p_lo": g["poisson_lo"], "p_hi": g["poisson_hi"],
             "q_lo": g["quasi_lo"], "q_hi": g["quasi_hi"], "dispersion": g["dispersion"],
             "overdispersion_p": g["overdispersion_p"], "endpoint_rate": g["endpoint_rate"],
             "step_used": "with a step dummy for the definition change" if g["step"] else "with no step dummy"}
    if g["step"]:
        facts.update({"step_pct": g["step_pct"], "step_lo": g["step_lo"], "step_hi": g["step_hi"]})
        facts["step_used"] = (f"with a step dummy for the {definition_break()['year']} definition change (estimated "
                              f"level shift {g['step_pct']:+.1f}%, 95% interval {g['step_lo']:+.1f}% to "
                              f"{g['step_hi']:+.1f}%)")
    s = share_model(rows)
    if s is None:
        facts["share_sentence"] = (f"The share placed outside cannot be modelled for this series in "
                                   f"{first_year}-{last_year}: it has fewer than three years with both a total and a "
                                   "locality split.")
    else:
        facts["share_sentence"] = (
            f"The share placed outside rose by **{s['pp']:.2f} percentage points a year** "
            f"(95% interval {s['pp_lo']:.2f} to {s['pp_hi']:.2f}; {s['first']}-{s['last']}, {s['n']} years), "
            f"an odds ratio of {s['odds_ratio']:.3f} a year ({s['or_lo']:.3f} to {s['or_hi']:.3f}), against "
            f"{s['observed_pp']:.2f} points a year from the end points alone. The binomial model's Pearson dispersion "
            f"is {s['dispersion']:,.1f} (1 would mean binomial noise only); the intervals are scaled by the larger of "
            f"it and 1 and use a t value on {s['df']} degree(s) of freedom. Plain binomial intervals for the odds ratio "
            f"would be {s['naive_or_lo']:.4f} to {s['naive_or_hi']:.4f}, treating every child as an independent draw.")
    d = decomposition(table, first_year, last_year)
    if d is None:
        facts["decomposition_sentence"] = "This series has no total and share to decompose."
    else:
        where = "" if d["in_window"] else " (outside the window: the series has fewer than two such years in it)"
        facts["decomposition_sentence"] = (
            f"Between {d['start']} and {d['end']}{where} the number outside changed by "
            f"**{d['observed_change']:+,.0f}**: {d['more_children']:+,.0f} from more children in the group and "
            f"{d['larger_share']:+,.0f} from a larger share placed outside (sum {d['sum_of_parts']:+,.0f}).")
    return facts


def parameters_note(first_year: int, last_year: int, series: str) -> str:
    return (f"Parameters used for this page: `first_year = {first_year}`, `last_year = {last_year}`, "
            f"`series = '{series}'`.")


# ---------------------------------------------------------------- charts

SOURCE = ("Department for Education, Children looked after in England: SFR underlying data 2010-2017 and "
          "explore-education-statistics releases to 2022, 2023 and 2024 (national locality tables; LA net-gain "
          "files for 2018); 2015 children's-homes split TRANSCRIBED from 'A focus on placement location' (2024); "
          "cited figures from data/claims.csv. Open Government Licence v3.0.")


def _band(frame: pd.DataFrame, title: str):
    import altair as alt
    return alt.Chart(frame).mark_area(opacity=0.18, color="#0072B2").encode(
        x="year:Q", y=alt.Y("lo:Q", title=None), y2="hi:Q")


def _fit_title(rows: pd.DataFrame, fit: pd.DataFrame, series: str) -> str:
    """The chart's finding in words, from its own points: where the series went and the fitted yearly rate."""
    from . import numbers

    rows = rows.sort_values("year")
    first, last = rows.iloc[0], rows.iloc[-1]
    fit = fit.sort_values("year")
    years = float(fit.year.iloc[-1] - fit.year.iloc[0])
    rate = 100 * ((fit.fitted.iloc[-1] / fit.fitted.iloc[0]) ** (1 / years) - 1) if years else 0.0
    moved = "rose" if last["count"] > first["count"] else "fell"
    return (f"{SERIES[series]} {moved} from {numbers.count(first['count'])} in {numbers.year(first.year)} to "
            f"{numbers.count(last['count'])} in {numbers.year(last.year)}: {numbers.number(abs(rate), 1)}% a year "
            f"on the fitted trend")


def _forecast_title(frame: pd.DataFrame, facts: dict) -> str:
    from . import numbers

    later = frame[(frame.year > facts["oos_last"]) & frame.outside.notna() & frame.hi.notna()]
    above = int((later.outside > later.hi).sum())
    return (f"After {numbers.year(facts['oos_last'])}, {above} of {len(later)} official values lie above the "
            "forecast's 95% prediction band")


def _cited_title(cited: pd.DataFrame, band: pd.DataFrame) -> str:
    merged = cited.merge(band[["year", "lo", "hi"]], on="year", how="left")
    outside = int(((merged.outside < merged.lo) | (merged.outside > merged.hi)).sum())
    return (f"{outside} of {len(merged)} cited figures lie outside the 95% band of the trend through the "
            "official children's-homes points")


def fit_chart(rows: pd.DataFrame, fit: pd.DataFrame, series: str) -> str:
    import altair as alt

    from . import charts
    long = pd.concat([
        pd.DataFrame({"line": "Observed", "year": rows.year, "children": rows["count"], "source": rows.source}),
        pd.DataFrame({"line": "Fitted trend (log-linear OLS)", "year": fit.year, "children": fit.fitted.round(0),
                      "source": "model"})], ignore_index=True)
    y_title = "Children (number, at 31 March)"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=_fit_title(rows, fit, series),
                              tooltip=[alt.Tooltip("line:N"), alt.Tooltip("year:Q", format="d"),
                                       alt.Tooltip("children:Q", format=",.0f"), alt.Tooltip("source:N")])
    chart = charts.with_band(_band(fit, y_title), lines)
    table = rows[["year", "count", "source"]].merge(fit.round(0), on="year").rename(
        columns={"count": "observed", "fitted": "fitted", "lo": "95% low", "hi": "95% high"})
    return charts.figure(chart, name="growth-fit", description=(
        f"Line chart of {SERIES[series].lower()} by year with the fitted exponential trend and its 95% confidence band."),
        source=SOURCE, notes="Counts rounded by DfE to the nearest 10. The band is for the fitted trend, not for single "
        "years. Cited figures are as the claims state them.", table=table)


def forecast_chart(frame: pd.DataFrame, facts: dict) -> str:
    import altair as alt

    from . import charts
    obs = frame.dropna(subset=["outside"])
    long = pd.concat([
        pd.DataFrame({"line": "Official", "year": obs.year, "children": obs.outside}),
        pd.DataFrame({"line": f"Trend fitted {facts['oos_first']}-{facts['oos_last']}",
                      "year": frame.year[frame.part == "fitted"], "children": frame.fitted[frame.part == "fitted"].round(0)}),
        pd.DataFrame({"line": "Forecast", "year": frame.year[frame.year >= facts["oos_last"]],
                      "children": frame.fitted[frame.year >= facts["oos_last"]].round(0)})], ignore_index=True)
    y_title = "Looked-after children placed outside their council"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=_forecast_title(frame, facts),
                              tooltip=[alt.Tooltip("line:N"), alt.Tooltip("year:Q", format="d"),
                                       alt.Tooltip("children:Q", format=",.0f")])
    chart = charts.with_band(_band(frame[frame.part == "forecast"], y_title), lines)
    table = frame.assign(fitted=frame.fitted.round(0), lo=frame.lo.round(0), hi=frame.hi.round(0)).rename(
        columns={"outside": "official", "lo": "95% prediction low", "hi": "95% prediction high"})
    return charts.figure(chart, name="growth-forecast", description=(
        "Line chart of looked-after children placed outside their council's boundary: official values, the trend "
        f"fitted to {facts['oos_first']}-{facts['oos_last']}, and its forecast with a 95% prediction band."),
        source=SOURCE, notes="2018 is from the LA net-gain file (the only 2018 figure); 2019-2024 from the national "
        "locality table. The shaded band is the 95% prediction interval for single years.", table=table)


def cited_chart(result: dict) -> str:
    import altair as alt

    from . import charts
    h, c, band = result["official"], result["cited"], result["band"]
    long = pd.concat([
        pd.DataFrame({"line": "Official (2015 transcribed)", "year": h.year, "children": h.outside}),
        pd.DataFrame({"line": "Cited in the claims", "year": c.year, "children": c.outside}),
        pd.DataFrame({"line": "Trend through the official points", "year": band.year, "children": band.fitted.round(0)}),
    ], ignore_index=True)
    y_title = "Children in children's homes placed outside their council"
    lines = charts.line_chart(long, x="year", y="children", series="line", y_title=y_title,
                              title=_cited_title(c, band),
                              tooltip=[alt.Tooltip("line:N"), alt.Tooltip("year:Q", format="d"),
                                       alt.Tooltip("children:Q", format=",.0f")])
    chart = charts.with_band(_band(band, y_title), lines)
    table = result["table"][["year", "kind", "cited number", "predicted number", "number 95% low", "number 95% high"]]
    return charts.figure(chart, name="growth-cited", description=(
        "Line chart of children in secure homes and children's homes placed outside their council: official points "
        "(2015 transcribed, 2020-2024), the cited 2012, 2017 and 2018 figures, and a log-linear trend through the "
        "official points with its 95% prediction band."), source=SOURCE,
        notes="Before 2015 the band is an extrapolation. Official values are rounded to the nearest 10.",
        table=table.round(0))


def html_table(table: pd.DataFrame, digits: int = 3) -> str:
    """Numbers written by sentaway.numbers (no trailing zeros; p-values as "p < 0.001")."""
    return tables.html_table(table, digits=digits)


# ---------------------------------------------------------------- everything the chapter glues

def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def chapter(first_year: int, last_year: int, series: str) -> dict:
    """Run every model once; return the facts to glue and the tables and frames the notebook shows."""
    facts = headlines(first_year, last_year, series)
    rows = window(load(series), first_year, last_year)
    growth = growth_models(rows)
    brk = definition_break()
    facts.update({f"break_{k}": v for k, v in brk.items()})
    cited_result = cited_vs_official()
    facts.update(cited_result["facts"])
    seg = segmented()
    facts.update({"seg_first": seg["first"], "seg_last": seg["last"], "seg_n": seg["n"],
                  "seg_linear_rate": seg["linear_rate"], "seg_best": int(seg["best"]["break"])})
    for r in seg["table"].itertuples():
        facts.update({f"seg_{r[1]}_{k}": getattr(r, k) for k in
                      ("before", "before_lo", "before_hi", "after", "change_pts", "change_lo", "change_hi", "p", "dw")})
    facts["seg_sentence"] = _segmented_sentence(seg)
    oos = out_of_sample(first_year, last_year)
    facts.update(oos["facts"])
    facts.update({f"netgain_{k}": v for k, v in oos["net_gain_gap"].items()})
    panel, info = la_panel()
    facts.update({f"panel_{k}": v for k, v in info.items()})
    pm = panel_models(panel)
    facts.update(pm["facts"])
    top, top_facts = top_contributors()
    facts.update(top_facts)
    decomp = decompositions(first_year, last_year)
    facts["decomp_all_equal"] = "yes" if np.allclose(decomp.observed_change, decomp.sum_of_parts) else "NO"
    facts = {k: _plain(v) for k, v in facts.items()}
    return {"facts": facts, "rows": rows, "growth": growth, "cited": cited_result, "segmented": seg, "oos": oos,
            "panel": pm, "top": top, "decompositions": decomp, "side_by_side": side_by_side(first_year, last_year)}


def _segmented_sentence(seg: dict) -> str:
    parts = []
    for r in seg["table"].itertuples():
        direction = "slower" if r.change_pts < 0 else "faster"
        verdict = "a change this size is unlikely by chance alone" if r.p < 0.05 else \
            "the data cannot tell this apart from steady growth"
        parts.append(f"with the trend allowed to bend in {r[1]}, growth was {r.before:.1f}% a year before and "
                     f"{r.after:.1f}% after, {abs(r.change_pts):.1f} log-points a year {direction} (95% interval "
                     f"{r.change_lo:+.1f} to {r.change_hi:+.1f}; p = {r.p:.2f}): {verdict}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
