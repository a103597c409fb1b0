"""The growth chapter's figures as its prose states them, each a string: rounded to what the data support (counts a
model gives to the nearest 10, growth rates and their intervals to whole or half per cent: numbers.rounded and
numbers.rate_step), written by sentaway.analysis.numbers, and the sentences that choose words by the results taken
from book/words/growth_prose.yml. The notebook glues them as text, so text from a data file (a footnote, a release
or council name) reaches the page escaped. A figure a section does not have is a dash, never nan."""

from __future__ import annotations

from sentaway.analysis import numbers, reclassification, words
from sentaway.analysis.growth.page import Page
from sentaway.analysis.growth.rates import Rate

say = words.File("growth_prose").say
COUNT = numbers.COUNT_STEP
MODELS = words.entry("growth_chapter", "model_names")  # each model named in a sentence, as the code fits it


def tens(value) -> str:
    """A count a model gives (a fitted value, an extrapolation, a split of a change), to the nearest 10."""
    return numbers.count(numbers.rounded(value, COUNT))


def signed_tens(value) -> str:
    text = tens(value)
    return text if text.startswith(("-", numbers.MISSING)) or text == "0" else "+" + text


def rate(value, step: float = 1.0) -> str:
    """A growth rate in per cent, to `step` (1 or 0.5)."""
    return numbers.percent(numbers.rounded(value, step), 1)


def bare(value, step: float = 1.0) -> str:
    """The same without the per cent sign, for 'roughly 5 to 9'."""
    return numbers.number(numbers.rounded(value, step), 1)


def interval(r: Rate | None, kind: str = "rate") -> str:
    """'about 7% a year (roughly 5 to 9)': a rate and its 95% interval, rounded together (book/words/growth_prose.yml)."""
    if r is None:
        return numbers.MISSING
    step = numbers.rate_step(r.lo, r.hi)
    return say(f"interval.{kind}", rate=bare(r.rate, step), lo=bare(r.lo, step), hi=bare(r.hi, step))


def short(name: str) -> str:
    """A series' name inside a sentence ('children in children's homes')."""
    return say(f"short.{name}")


def opening(p: Page) -> dict:
    s = p.shift
    c = p.comparison
    return {
        "opening_shift": say("opening.shift", first=numbers.year(s.first), last=numbers.year(s.last),
                             short=short(s.series), inside_fell=s.inside_last < s.inside_first,
                             total_rose=s.total_last > s.total_first, inside_first=numbers.count(s.inside_first),
                             inside_last=numbers.count(s.inside_last), total_first=numbers.count(s.total_first),
                             total_last=numbers.count(s.total_last), outside_first=numbers.count(s.outside_first),
                             outside_last=numbers.count(s.outside_last), share_first=numbers.percent(s.share_first, 0),
                             share_last=numbers.percent(s.share_last, 0)),
        "opening_rate": say("opening.rate", short=short(p.series), counted=p.counted, headline=interval(p.fit.quasi),
                            grew=p.fit.quasi.rate > 0,
                            first=numbers.year(p.fit.first), last=numbers.year(p.fit.last)),
        "opening_cited": say("opening.cited", cited=rate(p.cited.rate), inside=p.cited.rate_in_interval,
                             faster=p.cited.rate > p.cited.official.quasi.hi, crosses=p.cited.crosses,
                             revised_inside=p.cited.revised_in_interval, **_revised_rates(p), **_revision_words()),
        "opening_after": say("opening.after", compared=c is not None, last=numbers.year(p.last_year),
                             **({} if c is None else _comparison_words(c))),
    }


def _revised_rates(p: Page) -> dict:
    c = p.cited
    step = numbers.rate_step(c.revised_rate_lo, c.revised_rate_hi)
    return {"revised_lo": bare(c.revised_rate_lo, 0.5), "revised_hi": rate(c.revised_rate_hi, 0.5),
            "revised_step": step}


def _comparison_words(c) -> dict:
    return {"before_first": numbers.year(c.before_first), "before_last": numbers.year(c.before_last),
            "after_first": numbers.year(c.after_first), "after_last": numbers.year(c.after_last),
            "before": interval(c.before), "after": interval(c.after), "slower": c.difference < 0,
            "significant": c.p < 0.05, "p": numbers.p_value(c.p),
            "difference": numbers.number(numbers.rounded(abs(c.difference), 0.5), 1),
            "t": numbers.number(c.t, 2), "df": numbers.count(c.df),
            "detectable": numbers.number(numbers.rounded(c.detectable, 0.5), 1)}


def headline(p: Page) -> dict:
    f, s, d = p.fit, p.share, p.decomposition
    return {
        "series_label": p.series_label, "counted": p.counted, "first_year": numbers.year(p.first_year),
        "last_year": numbers.year(p.last_year), "fit_first": numbers.year(f.first), "fit_last": numbers.year(f.last),
        "fit_n": numbers.count(f.n), "fit_df": numbers.count(f.df), "headline": interval(f.quasi),
        "fit_dispersion": numbers.number(f.dispersion, 2), "fit_overdispersion_p": numbers.p_value(f.overdispersion_p),
        "share_sentence": say("share", known=s is not None, **({} if s is None else {"rose": s.pp > 0,
            "first": numbers.year(s.first), "last": numbers.year(s.last), "n": numbers.count(s.n),
            "trend": interval(Rate(s.pp, s.pp_lo, s.pp_hi), "points"),
            "observed": numbers.number(numbers.rounded(s.observed_pp, 0.5), 1)})),
        "decomposition_sentence": say("decomposition", known=d is not None, **({} if d is None else {
            "start": numbers.year(d.start), "end": numbers.year(d.end), "change": signed_tens(d.observed_change),
            "more": signed_tens(d.more_children), "share": signed_tens(d.larger_share)})),
    }


def cited(p: Page) -> dict:
    c = p.cited
    out = {"cited_first": numbers.year(c.first), "cited_last": numbers.year(c.last),
           "cited_rate": rate(c.rate), "cited_change": numbers.percent(c.change_pct, 0),
           "cited_stated_change": numbers.percent(c.stated_change_pct, 0),
           "cited_official": interval(c.official.quasi), "cited_official_first": numbers.year(c.official.first),
           "cited_official_last": numbers.year(c.official.last), "cited_official_endpoint": rate(c.official.endpoint),
           "cited_in_interval": say("cited.in_interval", inside=c.rate_in_interval),
           "cited_reclassification": say("cited.reclassification", crosses=c.crosses, first=numbers.year(c.first),
                                         last=numbers.year(c.last), **_revision_words(),
                                         change_lo=numbers.percent(c.revised_change_lo, 0),
                                         change_hi=numbers.percent(c.revised_change_hi, 0),
                                         inside=c.rate_in_interval, revised_inside=c.revised_in_interval,
                                         **_revised_rates(p))}
    for year, y in c.years.items():
        out[f"cited_year_{year}"] = say(
            "cited.year", year=numbers.year(year), number=numbers.count(y.number), has=not numbers.is_missing(y.official),
            official=numbers.count(y.official), difference=signed_tens(y.difference), release=y.official_release,
            published=y.official_published, own_release=str(year) in y.official_release,
            share=numbers.percent(y.share, 0), official_share=numbers.percent(y.official_share, 0),
            predicted=tens(y.predicted), lo=tens(y.lo), hi=tens(y.hi), inside=y.inside, crosses=y.crosses,
            revised_lo=tens(y.revised_lo), revised_hi=tens(y.revised_hi), revised_inside=y.revised_inside,
            **_revision_words())
    return out


def _revision_words() -> dict:
    r = reclassification.summary()
    return {"revision_first": numbers.year(r["first_year"]), "revision_last": numbers.year(r["last_year"]),
            "revision_lo": numbers.percent(r["smallest_pct"], 1), "revision_hi": numbers.percent(r["largest_pct"], 1),
            "revision_release": r["revised_release"], "revision_year": numbers.year(int(r["revised_published"][:4]))}


def after(p: Page) -> dict:
    c, f, r = p.comparison, p.forecast, p.reform
    out = {"reform_sentence": say("reform", known=r is not None, **({} if r is None else {
        "year": numbers.year(r["year"]), "release": r["release"], "label": r["label"],
        "forecast_position": (f.stop_position if f is not None and f.stop is not None else ""),
        "observed": tens(f.stop_observed) if f is not None and f.stop is not None else ""}))}
    out["comparison_sentence"] = say("comparison.result", compared=c is not None,
                                     **({} if c is None else _comparison_words(c)))
    out["comparison_test"] = say("comparison.test", compared=c is not None, model=MODELS["quasi"],
                                 poisson=MODELS["poisson"], **({} if c is None else {
                                     **_comparison_words(c), "dispersion": numbers.number(c.dispersion, 2)}))
    out["forecast_sentence"] = say("forecast", known=f is not None, **({} if f is None else {
        "fit_first": numbers.year(f.fit_first), "fit_last": numbers.year(f.fit_last), "rate": interval(f.rate),
        "detect": rate(f.detect_rate, 0.5), "slowdown": numbers.number(numbers.rounded(f.slowdown, 0.5), 1),
        "detect_year": numbers.year(f.detect_year), "test_first": numbers.year(f.test_first),
        "test_last": numbers.year(f.test_last), "n_test": numbers.count(f.n_test), "above": f.above, "below": f.below,
        "inside": f.n_test - f.above - f.below, "under_central": numbers.count(f.under_central),
        "last_year": numbers.year(f.last_year), "last_observed": tens(f.last_observed),
        "last_predicted": tens(f.last_predicted), "last_lo": tens(f.last_lo), "last_hi": tens(f.last_hi),
        "post": interval(f.post), "has_post": f.post is not None,
        "first_above": f.first_above or 0, "first_below": f.first_below or 0}))
    return out


def panel(p: Page) -> dict:
    facts, comparable = p.panel.facts, p.panel.comparable

    def coef(key, source=facts, decimals=2):
        return numbers.number(source[key], decimals)
    lists = facts["lists"]
    out = {f"panel_{k}": coef(k) for k in ("pool_b", "pool_lo", "pool_hi", "base_b", "base_lo", "base_hi", "re_b",
                                             "re_lo", "re_hi", "fe_b", "fe_lo", "fe_hi")}
    out.update({f"panel_{k}": coef(k, decimals=1) for k in ("imd_b", "imd_lo", "imd_hi", "imd_re_b", "imd_re_lo",
                                                            "imd_re_hi", "imd_sd", "supply_within_sd", "supply_sd",
                                                            "region_bottom_b")})
    out.update({f"panel_{k}": coef(k, decimals=0) for k in ("london_b", "london_lo", "london_hi")})
    out.update({f"panel_{k}": numbers.count(facts[k]) for k in (
        "las", "n", "ofsted_names_unmatched", "la_years_no_places", "regions", "context_matched", "context_by_name",
        "no_imd", "model_las", "model_n", "region_wald_df", "clusters", "las_rising", "las_counted")})
    out.update({f"panel_{k}": str(facts[k]) for k in (
        "snapshots", "unmatched_names", "context_by_old_code_names", "context_unmatched_names", "no_imd_names",
        "region_reference", "region_bottom", "region_wald_words")})
    out.update({
        "panel_first": numbers.year(facts["first"]), "panel_last": numbers.year(facts["last"]),
        "panel_imd_p": numbers.p_value(facts["imd_p"]),
        "panel_top_start": numbers.year(facts["top_start"]), "panel_top_end": numbers.year(facts["top_end"]),
        "panel_national_change": tens(facts["national_change"]), "panel_la_sum_change": tens(facts["la_sum_change"]),
        "panel_top_change": tens(facts["top_change"]), "panel_top_share": numbers.percent(facts["top_share"], 0),
        "panel_lists": say("panel.lists", lists=[{**item, "homes": numbers.count(item["homes"]),
                                                  "kind": say("panel.kind." + item["kind"])} for item in lists],
                           differ=facts["lists_differ"], comparable_b=coef("pool_b", comparable),
                           comparable_lo=coef("pool_lo", comparable), comparable_hi=coef("pool_hi", comparable)),
    })
    return out


def appendix(p: Page) -> dict:
    f, s = p.fit, p.sensitivity
    v = p.validation
    out = {
        "fit_poisson": say("appendix.interval", r=_decimals(f.poisson)),
        "fit_quasi": say("appendix.interval", r=_decimals(f.quasi)),
        "fit_ols": say("appendix.interval", r=_decimals(f.ols)),
        "fit_endpoint": numbers.percent(f.endpoint, 1),
        "fit_negbin": say("appendix.negbin", fitted=f.negbin is not None, boundary=f.negbin_boundary,
                          model=MODELS["negbin"], poisson=MODELS["poisson"],
                          r=_decimals(f.negbin) if f.negbin is not None else {},
                          alpha=numbers.number(f.negbin_alpha, 5), p=numbers.p_value(f.negbin_lr_p)),
        "validation_year": numbers.year(v["year"]), "validation_footnote": str(v["footnote"]),
        "validation_text": str(v["text"]),
        "sensitivity_sentence": say("appendix.sensitivity", last_year=numbers.year(s.last_year),
                                    last_release=s.last_release, other_releases=s.other_releases,
                                    differs=s.last_differs, shift_year=numbers.year(s.shift_year),
                                    headline=_decimals(s.headline), moved=s.moved,
                                    variants={k: _variant(getattr(s, k)) for k in ("without_last", "shift", "both")}),
    }
    b = p.breaks
    out["breaks_sentence"] = say("appendix.breaks", first=numbers.year(b.first), last=numbers.year(b.last),
                                 n=numbers.count(b.n), steady=numbers.percent(b.steady_rate, 1),
                                 candidates=numbers.count(b.candidates), best_year=numbers.year(b.best_year),
                                 best_p=numbers.p_value(b.best_p), best_p_adjusted=numbers.p_value(b.best_p_adjusted),
                                 sup_f=numbers.number(b.sup_f, 1), significant=b.any_significant,
                                 dw=numbers.number(b.durbin_watson, 2))
    return out


def _decimals(r: Rate) -> dict:
    """A rate and its interval to one decimal, for the specialists' appendix (the model output as fitted)."""
    return {"rate": numbers.percent(r.rate, 1), "lo": numbers.percent(r.lo, 1), "hi": numbers.percent(r.hi, 1)}


def _variant(v) -> dict | None:
    if v is None:
        return None
    return {"first": numbers.year(v.first), "last": numbers.year(v.last), "n": numbers.count(v.n),
            "df": numbers.count(v.df), "r": _decimals(v.rate), "shift": _decimals(v.shift) if v.shift else None,
            "difference": numbers.number(v.difference, 1)}


def values(p: Page) -> dict:
    """Every figure and sentence the growth chapter's prose glues, by name."""
    return {**{f"model_{key}": name for key, name in MODELS.items()}, **opening(p), **headline(p), **cited(p), **after(p), **panel(p), **appendix(p)}
