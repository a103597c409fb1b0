"""The growth chapter's models, each checked against an independent calculation in this file: the extracts
read with the csv module (not through sentaway), and the models refitted with numpy and scipy (normal equations,
Poisson by iteratively reweighted least squares), never compared with copied output."""

import csv
import json
import re

import numpy as np
import pytest
from scipy import optimize, stats
from scipy.special import gammaln

from sentaway.read import params
from sentaway.analysis.growth import breaks, claims_period, decomposition, forecast, page, series
from sentaway.analysis.growth import panel as councils
from sentaway.paths import DATA, REPO

Z975 = stats.norm.ppf(0.975)
PINNED_ADJUSTED = (3.59, 3.09, 4.09)  # all looked-after children outside, adjusted, 2012-2018 (quasi-Poisson)


def pct(b):
    return 100 * (np.exp(b) - 1)


# ---------------------------------------------------------------- independent readers

def _national_all_children():
    """year -> {inside, outside, total} for all looked-after children, latest release per value; 'outside' from
    the LA net-gain file only where no national locality table gives the year (2018)."""
    best = {}
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if (r["geographic_level"], r["placement"], r["provider"]) != ("national", "all", "all") or not r["value"]:
                continue
            net = "net_gain" in r["source_file"] or "netgain" in r["source_file"]
            if net and r["locality"] != "outside":
                continue
            key = (int(r["year"]), r["locality"])
            rank = (0 if net else 1, r["release"])
            if key not in best or rank > best[key][0]:
                best[key] = (rank, float(r["value"]), net)
    out = {}
    for (year, locality), (_, value, net) in best.items():
        out.setdefault(year, {})[locality] = value
        if net:
            out[year]["net_gain_only"] = True
    return out


def _adjusted_outside(first, last):
    """outside x total / (inside + outside), for years with all three."""
    data = _national_all_children()
    years = [y for y in sorted(data) if first <= y <= last and {"inside", "outside", "all"} <= set(data[y])
             and not data[y].get("net_gain_only")]
    counts = [data[y]["outside"] * data[y]["all"] / (data[y]["inside"] + data[y]["outside"]) for y in years]
    return np.array(years, dtype=float), np.array(counts)


def _published():
    with open(DATA / "release_dates.csv", newline="", encoding="utf-8") as handle:
        return {r["release"]: r["published"] for r in csv.DictReader(handle)}


def _childrens_homes():
    """year -> (inside, outside, release): Table A2 of SFR50/2017 (data/sfr50_national_tables.csv) for 2013-2017,
    the national characteristics rows (data/cla_placements.csv, placement childrens_homes) after; where several
    releases give a year, the one published last."""
    published = _published()
    found = {}
    with open(DATA / "sfr50_national_tables.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if r["table"] == "A2" and r["placement"] == "childrens_homes" and r["locality"] in ("inside", "outside"):
                found.setdefault((int(r["year"]), r["release"]), {})[r["locality"]] = float(r["value"])
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if (r["placement"], r["geographic_level"], r["provider"]) == ("childrens_homes", "national", "all") \
                    and r["locality"] in ("inside", "outside"):
                found.setdefault((int(r["year"]), r["release"]), {})[r["locality"]] = float(r["value"])
    out = {}
    for (year, release), values in sorted(found.items(), key=lambda kv: published[kv[0][1]]):
        out[year] = (values["inside"], values["outside"], release)
    return dict(sorted(out.items()))


def _first_in_files():
    """year -> 'outside' as the earliest-published release in data/ gave it."""
    published = _published()
    best = {}
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if (r["placement"], r["geographic_level"], r["provider"], r["locality"]) == (
                    "childrens_homes", "national", "all", "outside"):
                year = int(r["year"])
                if year not in best or published[r["release"]] < best[year][0]:
                    best[year] = (published[r["release"]], float(r["value"]))
    return {y: v for y, (_, v) in best.items()}


def _homes_outside(first, last):
    data = _childrens_homes()
    years = [y for y in data if first <= y <= last]
    return np.array(years, dtype=float), np.array([data[y][1] for y in years])


def _validation_year():
    with open(DATA / "sfr50_national_notes.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            found = re.search(r"validation was added to the data collection in (\d{4})", r["text"])
            if r["table"] == "A2" and found:
                return int(found.group(1))


def _claims():
    with open(DATA / "claims.csv", newline="", encoding="utf-8") as handle:
        return {r["claim_id"]: float(r["cited_value"]) for r in csv.DictReader(handle)}


# ---------------------------------------------------------------- independent models

def _ols(years, counts):
    """OLS of log(count) on year by the normal equations; growth % a year and its 95% t interval."""
    X = np.column_stack([np.ones_like(years), years - years[0]])
    y = np.log(counts)
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    resid = y - X @ beta
    df = len(y) - 2
    se = np.sqrt(resid @ resid / df * np.linalg.inv(X.T @ X)[1, 1])
    t = stats.t.ppf(0.975, df)
    return pct(beta[1]), pct(beta[1] - t * se), pct(beta[1] + t * se)


def _poisson_irls(X, y, iterations=100):
    beta = np.linalg.lstsq(X, np.log(y), rcond=None)[0]
    for _ in range(iterations):
        mu = np.exp(X @ beta)
        z = X @ beta + (y - mu) / mu
        beta = np.linalg.solve(X.T @ (mu[:, None] * X), X.T @ (mu * z))
    mu = np.exp(X @ beta)
    return beta, mu, np.linalg.inv(X.T @ (mu[:, None] * X))


def _quasi_poisson(years, counts, extra=()):
    """Poisson by IRLS; dispersion = Pearson X² / (n - p); 95% interval with the covariance scaled by
    max(1, dispersion) and a t value on n - p degrees of freedom. Returns rate, lo, hi, dispersion, p(overdispersion)."""
    X = np.column_stack([np.ones_like(years), years - years[0], *extra])
    beta, mu, cov = _poisson_irls(X, counts)
    df = len(counts) - X.shape[1]
    pearson = np.sum((counts - mu) ** 2 / mu)
    phi = pearson / df
    se = np.sqrt(max(1.0, phi) * np.diag(cov))
    t = stats.t.ppf(0.975, df)
    return (pct(beta[1]), pct(beta[1] - t * se[1]), pct(beta[1] + t * se[1]), phi, stats.chi2.sf(pearson, df),
            beta, se, max(1.0, phi) * cov)


def _negative_binomial(years, counts):
    """NB2 by maximising the log-likelihood with scipy (beta, log alpha); Wald interval from a finite-difference
    Hessian. Returns rate, lo, hi."""
    X = np.column_stack([np.ones_like(years), years - years[0]])

    def nll(theta):
        beta, alpha = theta[:-1], np.exp(theta[-1])
        mu = np.exp(X @ beta)
        r = 1 / alpha
        return -np.sum(gammaln(counts + r) - gammaln(r) - gammaln(counts + 1) + r * np.log(r / (r + mu))
                       + counts * np.log(mu / (r + mu)))
    start = np.append(np.linalg.lstsq(X, np.log(counts), rcond=None)[0], np.log(1e-3))
    theta = optimize.minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12,
                                                                          "maxiter": 40000, "maxfev": 40000}).x
    h = 1e-4
    k = len(theta)
    H = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            H[i, j] = (nll(theta + e_i + e_j) - nll(theta + e_i - e_j) - nll(theta - e_i + e_j)
                       + nll(theta - e_i - e_j)) / (4 * h * h)
    se = np.sqrt(np.linalg.inv(H)[1, 1])
    return pct(theta[1]), pct(theta[1] - Z975 * se), pct(theta[1] + Z975 * se)


# ---------------------------------------------------------------- the children's-homes series: the default

def test_the_series_is_table_a2_then_the_latest_release():
    data = _childrens_homes()
    table = series.childrens_homes().set_index("year")
    assert list(table.index) == list(data)
    assert list(table.index) == list(range(2013, 2025))
    for year, (inside, outside, release) in data.items():
        assert (table.inside[year], table.outside[year], table.release[year]) == (inside, outside, release)
    assert {data[y][2] for y in range(2013, 2018)} == {"SFR50/2017"}
    assert data[2018][2] != "SFR50/2017"  # the last year of the claims' period comes from another release


def test_default_page_models_the_childrens_homes_series_over_the_claims_period():
    defaults = params.load()["growth"]
    assert defaults == {"first_year": 2013, "last_year": 2018, "series": "childrens_homes"}
    assert (series.DEFAULTS["first_year"], series.DEFAULTS["last_year"]) == claims_period.claims_window()
    cited_years = [2012, 2017, 2018]  # data/claims.csv: the out-of-area number claims
    assert claims_period.claims_window() == (min(_childrens_homes()), max(cited_years))


def test_headline_growth_rate_and_interval_match_an_independent_quasi_poisson_fit():
    years, counts = _homes_outside(2013, 2018)
    rate, lo, hi, phi, over_p, *_ = _quasi_poisson(years, counts)
    fit = claims_period.homes_growth()
    assert (fit.first, fit.last, fit.n) == (2013, 2018, 6)
    assert (fit.quasi.rate, fit.quasi.lo, fit.quasi.hi) == pytest.approx((rate, lo, hi), rel=1e-5)
    assert fit.dispersion == pytest.approx(phi, rel=1e-5) and fit.overdispersion_p == pytest.approx(over_p, rel=1e-6)
    assert (fit.ols.rate, fit.ols.lo, fit.ols.hi) == pytest.approx(_ols(years, counts), rel=1e-9)
    # Pinned: the page's headline, rounded as the page shows it.
    assert (round(rate, 1), round(lo, 1), round(hi, 1)) == (7.0, 5.0, 8.9)
    assert phi > 1 and over_p < 0.05, "the counts are overdispersed: the plain Poisson interval is too narrow"
    page_fit = page.build(2013, 2018, "childrens_homes").fit
    assert page_fit.quasi == fit.quasi


def test_negative_binomial_check_matches_an_independent_maximum_likelihood_fit():
    years, counts = _homes_outside(2013, 2018)
    rate, lo, hi = _negative_binomial(years, counts)
    nb = claims_period.homes_growth().negbin
    assert nb.rate == pytest.approx(rate, rel=1e-4)
    assert (nb.lo, nb.hi) == pytest.approx((lo, hi), rel=2e-3)


def test_sensitivity_to_the_2018_release_and_the_validation_change():
    years, counts = _homes_outside(2013, 2018)
    shift_year = _validation_year()
    assert shift_year == series.validation_change()["year"]
    s = claims_period.homes_sensitivity()
    assert (s.last_year, s.shift_year, s.last_release) == (2018, shift_year, _childrens_homes()[2018][2])
    assert s.last_differs
    rate, lo, hi, *_ = _quasi_poisson(years[:-1], counts[:-1])
    assert (s.without_last.rate.rate, s.without_last.rate.lo, s.without_last.rate.hi) == pytest.approx((rate, lo, hi), rel=1e-5)
    step = (years >= shift_year).astype(float)
    rate, lo, hi, _, _, beta, se, _ = _quasi_poisson(years, counts, extra=(step,))
    assert (s.shift.rate.rate, s.shift.rate.lo, s.shift.rate.hi) == pytest.approx((rate, lo, hi), rel=1e-5)
    t = stats.t.ppf(0.975, len(years) - 3)
    assert (s.shift.shift.rate, s.shift.shift.lo, s.shift.shift.hi) == pytest.approx(
        (pct(beta[2]), pct(beta[2] - t * se[2]), pct(beta[2] + t * se[2])), rel=1e-5)
    rate, lo, hi, *_ = _quasi_poisson(years[:-1], counts[:-1], extra=(step[:-1],))
    assert (s.both.rate.rate, s.both.rate.lo, s.both.rate.hi) == pytest.approx((rate, lo, hi), rel=1e-5)
    headline = _quasi_poisson(years, counts)[0]
    moved = any(not (v.rate.lo <= headline <= v.rate.hi) for v in (s.without_last, s.shift, s.both))
    assert s.moved == moved


def test_cited_figures_against_the_official_series():
    claimed = _claims()
    c = page.build(2013, 2018, "childrens_homes").cited
    n2012, n2018 = claimed["ooa-number-2012-localgov"], claimed["ooa-number-2018-localgov"]
    assert (c.n_first, c.n_last) == (n2012, n2018)
    assert c.stated_change_pct == claimed["ooa-number-change-2012-2018-localgov"]
    assert c.change_pct == pytest.approx(100 * (n2018 / n2012 - 1))
    cited_rate = 100 * ((n2018 / n2012) ** (1 / 6) - 1)
    assert c.rate == pytest.approx(cited_rate)
    years, counts = _homes_outside(2013, 2018)
    rate, lo, hi, *_ = _quasi_poisson(years, counts)
    assert c.rate_in_interval == (lo <= cited_rate <= hi) and not c.rate_in_interval
    data = _childrens_homes()
    for year in (2017, 2018):
        cited_number = claimed[{2017: "ooa-number-2017-huffpost", 2018: "ooa-number-2018-localgov"}[year]]
        assert c.years[year].official == data[year][1]
        assert c.years[year].difference == cited_number - data[year][1]
        assert c.years[year].official_release == data[year][2]
    assert np.isnan(c.years[2012].official)  # no official figure for 2012: none invented
    assert not c.years[2012].in_fit


def test_forecast_of_the_later_years_matches_an_independent_calculation():
    result = page.build(2013, 2018, "childrens_homes").forecast
    assert result == forecast.out_of_sample(series.childrens_homes(), *claims_period.claims_window())
    years, counts = _homes_outside(2013, 2018)
    _, _, _, phi, _, beta, _, cov = _quasi_poisson(years, counts)
    later, observed = _homes_outside(2019, 2024)
    X0 = np.column_stack([np.ones_like(later), later - years[0]])
    mean = np.exp(X0 @ beta)
    half = stats.t.ppf(0.975, len(years) - 2) * np.sqrt(max(1.0, phi) * mean
                                                        + mean ** 2 * np.einsum("ij,jk,ik->i", X0, cov, X0))
    fc = result.frame.set_index("year").loc[[int(y) for y in later]]
    assert fc.fitted.to_numpy() == pytest.approx(mean, rel=1e-5)
    assert fc.lo.to_numpy() == pytest.approx(mean - half, rel=1e-5)
    assert fc.hi.to_numpy() == pytest.approx(mean + half, rel=1e-5)
    assert fc.official.to_numpy() == pytest.approx(observed)  # the same series, from the later releases
    assert result.above == int((observed > mean + half).sum()) and result.below == int((observed < mean - half).sum())
    assert (result.test_first, result.test_last) == (2019, 2024)
    first = _first_in_files()
    first_values = np.array([first[int(y)] for y in later])
    assert fc["first in the files"].to_numpy() == pytest.approx(first_values)
    assert result.first_above == int((first_values > mean + half).sum())
    assert result.first_below == int((first_values < mean - half).sum())


def test_breaks_of_the_childrens_homes_series_are_corrected_for_trying_every_year():
    years, counts = _homes_outside(2013, 2024)
    result = breaks.trend_breaks(series.childrens_homes())
    candidates = [int(y) for y in years[1:-2]]
    assert list(result.table["break"]) == candidates
    y = np.log(counts)
    ps = []
    for k in candidates:
        X = np.column_stack([np.ones_like(years), years - years[0], np.maximum(0, years - k)])
        beta = np.linalg.solve(X.T @ X, X.T @ y)
        resid = y - X @ beta
        se = np.sqrt(resid @ resid / (len(y) - 3) * np.linalg.inv(X.T @ X)[2, 2])
        ps.append(2 * stats.t.sf(abs(beta[2] / se), len(y) - 3))
    assert result.table.p.to_numpy() == pytest.approx(ps, rel=1e-6)
    assert result.best_p_adjusted == pytest.approx(min(1.0, min(ps) * len(candidates)), rel=1e-6)
    assert result.any_significant == (min(ps) * len(candidates) < 0.05)


def test_page_figures_are_a_structured_object_named_for_the_glue():
    p = page.build(2013, 2018, "childrens_homes")
    values = page.glue_values(p)
    assert values["fit_quasi_rate"] == p.fit.quasi.rate
    assert values["cited_years_2018_official"] == _childrens_homes()[2018][1]
    assert all(not isinstance(v, (dict, list)) for v in values.values())


# ---------------------------------------------------------------- all looked-after children (a proxy)

def test_all_children_count_is_adjusted_for_unrecorded_locality():
    table = series.all_children().set_index("year")
    years, counts = _adjusted_outside(2010, 2024)
    assert list(table.index[table["count"].notna()]) == [int(y) for y in years]
    assert table["count"].dropna().to_numpy() == pytest.approx(counts, rel=1e-12)
    data = _national_all_children()
    assert data[2013]["all"] - data[2013]["inside"] - data[2013]["outside"] > 0  # the early years' unrecorded share
    for year, values in data.items():  # a year with 'outside' only (LA net-gain file): no adjustment, none guessed
        if values.get("net_gain_only") and year in table.index:
            assert np.isnan(table.loc[year, "count"])


@pytest.mark.parametrize("first, last", [(2012, 2018), (2011, 2017), (2019, 2024)])
def test_growth_rates_and_intervals_match_independent_fits(first, last):
    years, counts = _adjusted_outside(first, last)
    fit = page.fit_series("all_children", first, last)[1]
    assert fit.n == len(years)
    rate, lo, hi, phi, over_p, *_ = _quasi_poisson(years, counts)
    assert (fit.quasi.rate, fit.quasi.lo, fit.quasi.hi) == pytest.approx((rate, lo, hi), rel=1e-5)
    assert fit.dispersion == pytest.approx(phi, rel=1e-5) and fit.overdispersion_p == pytest.approx(over_p, rel=1e-6)
    assert (fit.ols.rate, fit.ols.lo, fit.ols.hi) == pytest.approx(_ols(years, counts), rel=1e-9)
    assert fit.quasi.lo < fit.quasi.rate < fit.quasi.hi


def test_all_children_growth_is_quoted_adjusted():
    years, counts = _adjusted_outside(2012, 2018)
    assert [int(y) for y in years] == list(range(2012, 2019))
    rate, lo, hi, *_ = _quasi_poisson(years, counts)
    assert (round(rate, 2), round(lo, 2), round(hi, 2)) == PINNED_ADJUSTED
    unadjusted = _national_all_children()
    raw = np.array([unadjusted[int(y)]["outside"] for y in years])
    assert _quasi_poisson(years, raw)[0] > rate + 0.5, "without the adjustment the rate is inflated"


def test_the_cited_figures_are_never_a_series_to_model():
    assert "cited" not in series.SERIES and "cited" not in params.SCHEMA["growth"]["series"][1]
    with pytest.raises(ValueError, match="allowed"):
        page.build(2012, 2018, "cited")


def test_parameters_are_checked_in_one_place():
    assert params.SCHEMA["growth"]["series"] == list(series.SERIES)


@pytest.mark.parametrize("name", list(series.SERIES))
def test_decomposition_adds_up_to_the_observed_change(name):
    table = series.load(name)
    d = decomposition.decomposition(table, 2010, 2024)
    if name == "homes_total":
        assert d is None  # no locality split: nothing to decompose
        return
    assert d.more_children + d.larger_share == pytest.approx(d.observed_change, abs=1e-9)
    assert d.sum_of_parts == pytest.approx(d.outside_end - d.outside_start, abs=1e-9)


def test_decomposition_by_hand_for_all_children_2012_2018():
    data = _national_all_children()
    d = decomposition.decomposition(series.all_children(), 2012, 2018)
    assert (d.start, d.end) == (2012, 2018)
    a, b = data[2012], data[2018]
    sa, sb = a["outside"] / (a["inside"] + a["outside"]), b["outside"] / (b["inside"] + b["outside"])
    assert d.more_children == pytest.approx((b["all"] - a["all"]) * (sa + sb) / 2)
    assert d.observed_change == pytest.approx(sb * b["all"] - sa * a["all"])


def test_changing_the_window_changes_the_fit():
    a = page.fit_series("all_children", 2012, 2018)[1]
    b = page.fit_series("all_children", 2011, 2017)[1]
    c = page.fit_series("all_children", 2014, 2020)[1]
    assert (a.first, a.last, b.first, b.last) == (2012, 2018, 2011, 2017)
    assert len({round(a.quasi.rate, 6), round(b.quasi.rate, 6), round(c.quasi.rate, 6)}) == 3


@pytest.mark.parametrize("first, last", [(2015, 2016), (2018, 2018)])
def test_a_window_under_three_years_stops_with_a_clear_message(first, last):
    with pytest.raises(ValueError, match=r"at least 3"):
        series.check_parameters(first, last, "all_children")


def test_a_series_with_too_few_years_in_the_window_names_its_years():
    with pytest.raises(ValueError, match=r"'homes_total' has 0 year\(s\).*Years it has: 2010, 2011"):
        page.build(2018, 2024, "homes_total")


@pytest.mark.parametrize("kwargs, message", [
    ({"series": "homes"}, "allowed: childrens_homes, all_children, homes_total"),
    ({"first_year": 2009}, "outside the data; allowed 2010 to 2024"),
    ({"last_year": "2018"}, "must be int"),
    ({"first_year": 2018, "last_year": 2012}, "is after last_year"),
])
def test_bad_parameters_are_rejected_with_the_allowed_values(kwargs, message):
    values = {**series.DEFAULTS, **kwargs}
    with pytest.raises(ValueError, match=message):
        series.check_parameters(values["first_year"], values["last_year"], values["series"])


def test_level_shift_sits_at_the_break_found_in_the_data():
    brk = series.definition_break()
    assert brk["year"] == 2016 and brk["schools_change"] < 0 < brk["homes_change"]
    rows, fit = page.fit_series("homes_total", 2012, 2017)
    assert fit.shift is not None
    years = rows.year.to_numpy(dtype=float)
    step = (years >= 2016).astype(float)
    *_, beta, se, _ = _quasi_poisson(years, rows["count"].to_numpy(), extra=(step,))
    assert fit.shift.rate == pytest.approx(pct(beta[2]), rel=1e-5)


# ---------------------------------------------------------------- breaks and forecast

def test_breaks_are_tried_at_every_candidate_year_with_a_bonferroni_correction():
    years, counts = _adjusted_outside(2010, 2024)
    result = breaks.trend_breaks(series.all_children())  # the proxy, adjusted for unrecorded locality
    candidates = [int(y) for y in years[1:-2]]  # two years on each side
    assert list(result.table["break"]) == candidates and result.candidates == len(candidates)
    y = np.log(counts)
    for k, row in zip(candidates, result.table.itertuples()):
        X = np.column_stack([np.ones_like(years), years - years[0], np.maximum(0, years - k)])
        beta = np.linalg.solve(X.T @ X, X.T @ y)
        resid = y - X @ beta
        df = len(y) - 3
        se = np.sqrt(resid @ resid / df * np.linalg.inv(X.T @ X)[2, 2])
        p = 2 * stats.t.sf(abs(beta[2] / se), df)
        assert row.p == pytest.approx(p, rel=1e-6)
        assert row.p_bonferroni == pytest.approx(min(1.0, p * len(candidates)), rel=1e-6)
    assert result.any_significant == bool((result.table.p_bonferroni < 0.05).any())


def test_top_contributors_add_up_to_the_national_rise():
    top, facts = councils.top_contributors()
    assert len(top) == 10 and top.change.is_monotonic_decreasing
    assert facts["la_sum_change"] == pytest.approx(facts["national_change"])


# ---------------------------------------------------------------- the council panel: supply, region, IMD 2019

@pytest.fixture(scope="module")
def panel():
    return councils.la_panel()


@pytest.fixture(scope="module")
def panel_result(panel):
    return councils.panel_models(panel[0])


def test_panel_councils_are_matched_to_region_and_imd(panel):
    frame, info = panel
    assert info["context_matched"] >= 140 and info["context_unmatched"] == 0
    assert info["no_imd_names"] == "Bournemouth, Dorset, Poole"  # abolished 1 April 2019: no IMD 2019 value
    assert frame.region9_name.nunique() == 9
    # The DfE-number London indicator and DfE's region agree.
    assert (frame.london == 1).equals(frame.region9_name.eq("London"))
    # No council without IMD 2019 is given a value (never 0).
    assert frame[frame.old_la_code.isin(["835", "836", "837"])].imd_average_score.isna().all()


def _context_by_csv():
    with open(DATA / "la_context.csv", newline="", encoding="utf-8") as handle:
        return {r["old_la_code"]: r for r in csv.DictReader(handle) if r["imd_average_score"]}


def test_panel_imd_is_the_extract_value(panel):
    frame = panel[0].drop_duplicates("old_la_code").set_index("old_la_code")
    ctx = _context_by_csv()
    for code in ("805", "890", "352", "825"):   # Hartlepool, Blackpool, Manchester, Buckinghamshire (recoded 2020)
        assert frame.imd_average_score[code] == pytest.approx(float(ctx[code]["imd_average_score"]))


def test_between_model_has_imd_and_region_coefficients(panel, panel_result):
    table, facts = panel_result["table"], panel_result["facts"]
    pooled = table[table.model == councils.MODELS["pooled"]]
    regions = pooled[pooled.term.str.startswith("region: ")]
    assert len(regions) == 8 and councils.REFERENCE_REGION not in " ".join(regions.term)
    assert {"places_per_100", "imd_z"} <= set(pooled.term)
    assert set(table[table.model == councils.MODELS["random"]].term) == set(pooled.term)
    # IMD and region are constant within a council: the fixed-effects model has neither.
    fixed = table[table.model == councils.MODELS["fixed"]]
    assert list(fixed.term) == ["places_per_100"]
    for prefix in ("pool", "re", "fe", "imd", "imd_re", "london"):
        assert facts[f"{prefix}_lo"] < facts[f"{prefix}_b"] < facts[f"{prefix}_hi"]
    assert facts["model_las"] == panel[0].old_la_code.nunique() - 3
    assert facts["regions"] == 9 and 0 <= facts["region_wald_p"] <= 1


def test_imd_is_standardised_across_councils_once_each(panel, panel_result):
    frame = panel[0]
    scores = frame[frame.imd_average_score.notna()].drop_duplicates("old_la_code").imd_average_score
    facts = panel_result["facts"]
    assert facts["imd_mean"] == pytest.approx(scores.mean()) and facts["imd_sd"] == pytest.approx(scores.std())
    fit = panel_result["fits"]["pooled"]
    z = (fit.model.data.frame.imd_average_score - scores.mean()) / scores.std()
    assert z.to_numpy() == pytest.approx(fit.model.data.frame.imd_z.to_numpy())


@pytest.mark.parametrize("first, last", [(2011, 2014), (2013, 2017)])
def test_panel_runs_with_other_windows(first, last):
    frame, info = councils.la_panel(first, last)
    assert (frame.year.min(), frame.year.max()) == (first, last)
    assert info["context_matched"] >= 140
    facts = councils.panel_models(frame)["facts"]
    assert facts["model_n"] < councils.panel_models(councils.la_panel()[0])["facts"]["model_n"]
    assert np.isfinite([facts["pool_b"], facts["imd_b"], facts["fe_b"], facts["london_b"]]).all()


@pytest.mark.parametrize("first, last", [(2010, 2017), (2012, 2018), (2015, 2015)])
def test_panel_window_outside_the_sfr_years_stops(first, last):
    with pytest.raises(ValueError, match="council panel needs 2011 <= first_year < last_year <= 2017"):
        councils.la_panel(first, last)


# ---------------------------------------------------------------- the register's test (until it is rebuilt)

# ---------------------------------------------------------------- the rest of the default page

def _binomial_share_trend(years, outside, recorded):
    """Logit-linear binomial fit by IRLS on the share with the recorded children as weights; Pearson dispersion;
    t intervals scaled by max(1, dispersion); average marginal effect in percentage points a year."""
    X = np.column_stack([np.ones_like(years), years - years[0]])
    p_obs = outside / recorded
    beta = np.zeros(2)
    for _ in range(100):
        p = 1 / (1 + np.exp(-(X @ beta)))
        w = recorded * p * (1 - p)
        z = X @ beta + (p_obs - p) / (p * (1 - p))
        beta = np.linalg.solve(X.T @ (w[:, None] * X), X.T @ (w * z))
    p = 1 / (1 + np.exp(-(X @ beta)))
    df = len(years) - 2
    phi = np.sum(recorded * (p_obs - p) ** 2 / (p * (1 - p))) / df
    se = np.sqrt(max(1.0, phi) * np.linalg.inv(X.T @ ((recorded * p * (1 - p))[:, None] * X))[1, 1])
    t = stats.t.ppf(0.975, df)
    ame = np.mean(p * (1 - p))
    return 100 * ame * beta[1], 100 * ame * (beta[1] - t * se), 100 * ame * (beta[1] + t * se), phi


def test_share_trend_matches_an_independent_binomial_fit():
    data = _childrens_homes()
    years = np.array([y for y in data if 2013 <= y <= 2018], dtype=float)
    inside = np.array([data[int(y)][0] for y in years])
    outside = np.array([data[int(y)][1] for y in years])
    pp, lo, hi, phi = _binomial_share_trend(years, outside, inside + outside)
    share = page.build(2013, 2018, "childrens_homes").share
    assert (share.pp, share.pp_lo, share.pp_hi) == pytest.approx((pp, lo, hi), rel=1e-6)
    assert share.dispersion == pytest.approx(phi, rel=1e-6)


def test_decomposition_of_the_default_series_by_hand():
    data = _childrens_homes()
    (ia, oa, _), (ib, ob, _) = data[2013], data[2018]
    sa, sb, ta, tb = oa / (ia + oa), ob / (ib + ob), ia + oa, ib + ob
    d = page.build(2013, 2018, "childrens_homes").decomposition
    assert (d.start, d.end) == (2013, 2018)
    assert d.observed_change == pytest.approx(ob - oa)
    assert d.more_children == pytest.approx((tb - ta) * (sa + sb) / 2)
    assert d.larger_share == pytest.approx((sb - sa) * (ta + tb) / 2)


def test_every_figure_the_page_names_is_glued_and_none_is_missing():
    notebook = json.loads((REPO / "notebooks/growth.ipynb").read_text(encoding="utf-8"))
    names = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            names |= set(re.findall(r"\{glue:(?:text|md)\}`([^`:]+)", "".join(cell["source"])))
    values = page.glue_values(page.build(2013, 2018, "childrens_homes"))
    assert names and names <= set(values), sorted(names - set(values))
    absent = sorted(n for n in names if values[n] == "–" or (isinstance(values[n], float) and np.isnan(values[n])))
    assert not absent, f"the default page would show a dash or nan for {absent}"
