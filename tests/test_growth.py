"""The growth chapter's models, checked against an independent closed-form calculation on the extract
read with the csv module (not through sentaway.extracts)."""

import csv

import numpy as np
import pytest
from scipy import stats

from sentaway import growth
from sentaway.paths import DATA


def _outside_all_children(first, last):
    """National 'all children placed outside', one value a year: SFR / national locality table where it exists
    (2018: the release to 2022's provider x locality file), else the LA net-gain file; the latest release wins,
    as in the chapter."""
    best = {}
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        for r in csv.DictReader(handle):
            if (r["geographic_level"], r["placement"], r["locality"], r["provider"]) != ("national", "all", "outside", "all"):
                continue
            year = int(r["year"])
            if not first <= year <= last or not r["value"]:
                continue
            net = "net_gain" in r["source_file"] or "netgain" in r["source_file"]
            rank = (0 if net else 1, r["release"])
            if year not in best or rank > best[year][0]:
                best[year] = (rank, int(r["value"]))
    years = sorted(best)
    return np.array(years, dtype=float), np.array([best[y][1] for y in years], dtype=float)


def _closed_form_growth(years, counts):
    """OLS of log(count) on year by the normal equations; growth % a year and its 95% t interval."""
    X = np.column_stack([np.ones_like(years), years - years[0]])
    y = np.log(counts)
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    resid = y - X @ beta
    df = len(y) - 2
    sigma2 = resid @ resid / df
    se = np.sqrt(sigma2 * np.linalg.inv(X.T @ X)[1, 1])
    t = stats.t.ppf(0.975, df)
    pct = lambda b: 100 * (np.exp(b) - 1)  # noqa: E731
    return pct(beta[1]), pct(beta[1] - t * se), pct(beta[1] + t * se)


@pytest.mark.parametrize("first, last", [(2012, 2018), (2011, 2017), (2019, 2024)])
def test_growth_rate_and_interval_match_closed_form_ols(first, last):
    years, counts = _outside_all_children(first, last)
    rate, lo, hi = _closed_form_growth(years, counts)
    facts = growth.headlines(first, last, "all_children")
    assert facts["fit_n"] == len(years)
    assert facts["rate"] == pytest.approx(rate, rel=1e-9)
    assert facts["rate_lo"] == pytest.approx(lo, rel=1e-9)
    assert facts["rate_hi"] == pytest.approx(hi, rel=1e-9)
    assert facts["rate_lo"] < facts["rate"] < facts["rate_hi"]


def test_default_window_growth_is_pinned():
    years, counts = _outside_all_children(2012, 2018)
    assert list(years) == list(range(2012, 2019))
    assert counts[-1] == 30830, "2018 comes from the release to 2022's national locality table"
    rate, lo, hi = _closed_form_growth(years, counts)
    assert (round(rate, 2), round(lo, 2), round(hi, 2)) == (4.53, 3.88, 5.18)


def test_cited_series_comes_from_the_claims_file():
    cited = growth.cited().set_index("year")
    assert cited.outside.to_dict() == {2012: 2250.0, 2017: 3680.0, 2018: 3990.0}
    assert cited.share.round(2).to_dict() == {2012: 0.46, 2017: 0.61, 2018: 0.64}


@pytest.mark.parametrize("series", list(growth.SERIES))
def test_decomposition_adds_up_to_the_observed_change(series):
    table = growth.load(series)
    d = growth.decomposition(table, 2010, 2024)
    if series == "homes_total":
        assert d is None  # no locality split: nothing to decompose
        return
    assert d["more_children"] + d["larger_share"] == pytest.approx(d["observed_change"], abs=1e-9)
    assert d["sum_of_parts"] == pytest.approx(d["outside_end"] - d["outside_start"], abs=1e-9)


def test_decomposition_by_hand_for_all_children_2012_2018():
    t = growth.all_children().set_index("year")
    d = growth.decomposition(growth.all_children(), 2012, 2018)
    assert (d["start"], d["end"]) == (2012, 2018)  # 2018: the release to 2022's national locality table
    more = (t.total[2018] - t.total[2012]) * (t.share[2012] + t.share[2018]) / 2
    assert d["more_children"] == pytest.approx(more)
    assert d["observed_change"] == t.outside[2018] - t.outside[2012]


def test_changing_the_window_changes_the_fit():
    a = growth.headlines(2012, 2018, "all_children")
    b = growth.headlines(2011, 2017, "all_children")
    c = growth.headlines(2014, 2020, "all_children")
    assert (a["fit_first"], a["fit_last"]) == (2012, 2018)
    assert (b["fit_first"], b["fit_last"]) == (2011, 2017)
    assert len({round(a["rate"], 6), round(b["rate"], 6), round(c["rate"], 6)}) == 3
    assert a["rate_lo"] != b["rate_lo"]
    oos_a, oos_b = growth.out_of_sample(2012, 2018)["facts"], growth.out_of_sample(2011, 2017)["facts"]
    assert oos_a["oos_test_first"] == 2019 and oos_b["oos_test_first"] == 2018


@pytest.mark.parametrize("first, last", [(2015, 2016), (2018, 2018)])
def test_a_window_under_three_years_stops_with_a_clear_message(first, last):
    with pytest.raises(ValueError, match=r"at least 3 years"):
        growth.headlines(first, last, "all_children")
    with pytest.raises(ValueError, match=r"at least 3 years"):
        growth.check_parameters(first, last, "all_children")


def test_a_series_with_too_few_years_in_the_window_names_its_years():
    with pytest.raises(ValueError, match=r"'cited' has 2 year\(s\).*Years it has: 2012, 2017, 2018"):
        growth.headlines(2011, 2017, "cited")


@pytest.mark.parametrize("kwargs, message", [
    ({"series": "homes"}, "allowed: all_children, homes_official, homes_wider, homes_total, cited"),
    ({"first_year": 2009}, "outside the data; allowed 2010 to 2024"),
    ({"last_year": "2018"}, "must be int"),
    ({"first_year": 2018, "last_year": 2012}, "is after last_year"),
])
def test_bad_parameters_are_rejected_with_the_allowed_values(kwargs, message):
    values = {**growth.DEFAULTS, **kwargs}
    with pytest.raises(ValueError, match=message):
        growth.check_parameters(values["first_year"], values["last_year"], values["series"])


def test_step_dummy_sits_at_the_break_found_in_the_data():
    brk = growth.definition_break()
    assert brk["year"] == 2016 and brk["schools_change"] < 0 < brk["homes_change"]
    facts = growth.headlines(2012, 2017, "homes_total")
    assert "step dummy for the 2016" in facts["step_used"]


def test_top_contributors_add_up_to_the_national_rise():
    top, facts = growth.top_contributors()
    assert len(top) == 10 and top.change.is_monotonic_decreasing
    assert facts["la_sum_change"] == pytest.approx(facts["national_change"])


# ---------------------------------------------------------------- the council panel: supply, region, IMD 2019

@pytest.fixture(scope="module")
def panel():
    return growth.la_panel()


@pytest.fixture(scope="module")
def panel_result(panel):
    return growth.panel_models(panel[0])


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
    pooled = table[table.model == growth.MODELS["pooled"]]
    regions = pooled[pooled.term.str.startswith("region: ")]
    assert len(regions) == 8 and growth.REFERENCE_REGION not in " ".join(regions.term)
    assert {"places_per_100", "imd_z"} <= set(pooled.term)
    assert set(table[table.model == growth.MODELS["random"]].term) == set(pooled.term)
    # IMD and region are constant within a council: the fixed-effects model has neither.
    fixed = table[table.model == growth.MODELS["fixed"]]
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
    frame, info = growth.la_panel(first, last)
    assert (frame.year.min(), frame.year.max()) == (first, last)
    assert info["context_matched"] >= 140
    facts = growth.panel_models(frame)["facts"]
    assert facts["model_n"] < growth.panel_models(growth.la_panel()[0])["facts"]["model_n"]
    assert np.isfinite([facts["pool_b"], facts["imd_b"], facts["fe_b"], facts["london_b"]]).all()


@pytest.mark.parametrize("first, last", [(2010, 2017), (2012, 2018), (2015, 2015)])
def test_panel_window_outside_the_sfr_years_stops(first, last):
    with pytest.raises(ValueError, match="council panel needs 2011 <= first_year < last_year <= 2017"):
        growth.la_panel(first, last)
