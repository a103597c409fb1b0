"""Where growth came from: councils. A council x year panel (the years whose council rows split locality: the SFR
years) of the share of looked-after children placed outside the council, against children's-home places registered
inside it (Ofsted), region and IMD 2019 (data/la_context.csv); pooled, random-intercept and fixed-effects models; and
the councils whose rises add most to the national rise. Numbers only.

Unrecorded locality is handled as on the rest of the page (series.all_children): the share outside is of the
children whose locality is recorded, and it stands for every looked-after child, so a council's number outside is
outside x all / (inside + outside) and its places are per 100 of all its looked-after children.
The Ofsted lists differ in kind (book/words/growth_chapter.yml, ofsted_lists, says which file is which): the
September 2014 file is the full register, the later ones list only providers with a full inspection, so a change
in a council's places between them is partly a change of list; the pooled model is also refitted on the full
register alone, the comparable list."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

from sentaway.read import extracts
from sentaway.analysis import words
from sentaway.analysis.growth import series
from sentaway.analysis.councils.homes import HOMES_OF_ALL_TYPES, list_kind
from sentaway.analysis.councils.names import norm as _norm


def _supply() -> pd.DataFrame:
    """Registered places in children's homes of all types by the LA where the home is, per snapshot with places."""
    o = extracts.providers()
    o = o[(o.geographic_level == "local_authority") & (o.sector == "all") & (o.measure == "places")
          & o.provider_type.isin(HOMES_OF_ALL_TYPES) & o.status.eq("")]
    places = o.groupby(["snapshot_date", "source_file", "area_name"], as_index=False).value.sum()
    places["key"] = places.area_name.map(_norm)
    places["snapshot"] = pd.to_datetime(places.snapshot_date)
    places["kind"] = places.source_file.map(list_kind)
    return places


def lists(snapshots) -> dict:
    """The Ofsted lists the panel uses: each one's date, kind, and its children's homes of all types in England."""
    o = extracts.providers()
    homes = o[(o.geographic_level == "national") & (o.sector == "all") & (o.measure == "homes")
              & o.provider_type.isin(HOMES_OF_ALL_TYPES)].groupby(["snapshot_date", "source_file"]).value.sum()
    used = [(pd.Timestamp(s), file, homes[(pd.Timestamp(s).strftime("%Y-%m-%d"), file)]) for s, file in snapshots]
    kinds = [list_kind(file) for _, file, _ in used]
    return {"lists": [{"date": d.strftime("%d %B %Y").lstrip("0"), "kind": kind, "homes": float(n)}
                      for (d, _, n), kind in zip(used, kinds)],
            "lists_differ": len(set(kinds)) > 1}


def panel_years() -> tuple[int, int]:
    """The first and last year whose council rows split looked-after children by locality (inside and outside the
    boundary): the years the panel can cover, read from the rows it uses (the SFR local-authority years)."""
    p = extracts.placements()
    rows = p[(p.geographic_level == "local_authority") & (p.placement == "all") & p.status.eq("")]
    split = sorted(set(rows.year[rows.locality == "inside"]) & set(rows.year[rows.locality == "outside"]))
    if not split:
        raise ValueError("growth: no council rows of data/cla_placements.csv split locality; the council panel needs them")
    return int(split[0]), int(split[-1])


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
            found[r.old_la_code], how[r.old_la_code] = by_pair.loc[(r.old_la_code, r.area_code)], "code_pair"
        elif r.old_la_code in by_old.index:
            found[r.old_la_code], how[r.old_la_code] = by_old.loc[r.old_la_code], "old_code"
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
            "context_by_old_code": int((matched.context_match == "old_code").sum()),
            "context_by_old_code_names": ", ".join(sorted(names[matched.old_la_code[
                matched.context_match == "old_code"]])) or "none",
            "no_imd": len(no_imd), "no_imd_names": ", ".join(sorted(names[no_imd.old_la_code])) or "none"}
    return wide.merge(matched.drop(columns=["imd_match"]), on="old_la_code", how="left"), info


def la_panel(first_year: int | None = None, last_year: int | None = None,
             kinds: tuple[str, ...] = ("full", "inspected")) -> tuple[pd.DataFrame, dict]:
    """LA x year (every year whose council rows split locality, by default: panel_years): outside share of looked-after
    children (of those whose locality is recorded), places per 100 looked-after children (nearest Ofsted snapshot with
    places, among lists of the `kinds` given), region and IMD 2019 from data/la_context.csv."""
    first, last = panel_years()
    first_year = first if first_year is None else first_year
    last_year = last if last_year is None else last_year
    if not first <= first_year < last_year <= last:
        raise ValueError(f"growth: the council panel needs {first} <= first_year < last_year <= {last} "
                         f"(the years whose council rows split locality); got {first_year}-{last_year}")
    p = extracts.placements()
    p = p[(p.geographic_level == "local_authority") & (p.placement == "all") & p.release.str.startswith("SFR")
          & (p.year >= first_year) & (p.year <= last_year) & p.status.eq("")]
    wide = p.pivot_table(index=["year", "old_la_code", "area_code", "area_name"], columns="locality", values="value",
                         aggfunc="first").reset_index()
    wide = wide.dropna(subset=["inside", "outside", "all"])
    wide = wide[(wide.inside + wide.outside) > 0]
    wide["inside"], wide["outside"] = wide.inside.astype(float), wide.outside.astype(float)
    wide["looked_after"] = wide["all"].astype(float)
    wide["share_outside"] = 100 * wide.outside / (wide.inside + wide.outside)
    wide["key"] = wide.area_name.map(_norm)
    wide["london"] = wide.old_la_code.astype(int).between(201, 320).astype(int)  # DfE codes 2xx/3xx up to 320
    supply = _supply()
    supply = supply[supply.kind.isin(kinds)]
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
    used = supply[supply.snapshot.isin(wide.snapshot.unique())][["snapshot", "source_file"]].drop_duplicates()
    info = {"first": first_year, "last": last_year, "las": wide.old_la_code.nunique(), "rows": len(wide),
            **lists(sorted(used.itertuples(index=False, name=None))),
            "snapshots": ", ".join(pd.Timestamp(s).strftime("%d %B %Y").lstrip("0") for s in sorted(wide.snapshot.unique())),
            "la_years_no_places": int(no_homes.sum()), "ofsted_names_unmatched": len(unmatched),
            "unmatched_names": ", ".join(unmatched) or "none", **context}
    return wide, info


MODELS = words.entry("growth_chapter", "panel_models")  # base, pooled, random, fixed: each model's name in its table
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


def _adjusted(frame: pd.DataFrame) -> pd.Series:
    """outside x all / (inside + outside) by council: the recorded share applied to every looked-after child."""
    wide = frame.pivot_table(index="old_la_code", columns="locality", values="value", aggfunc="first").astype(float)
    return (wide.outside * wide["all"] / (wide.inside + wide.outside)).dropna()


def top_contributors(start: int | None = None, end: int | None = None, n: int = 10) -> tuple[pd.DataFrame, dict]:
    """The councils whose number placed outside (adjusted for unrecorded locality) rose most between the first and last
    years whose council rows split locality (panel_years, unless given), against the national rise of the same
    adjusted count (series.all_children)."""
    first, last = panel_years()
    start, end = first if start is None else start, last if end is None else end
    p = extracts.placements()
    la = p[(p.placement == "all") & p.release.str.startswith("SFR") & p.status.eq("")
           & (p.geographic_level == "local_authority")]
    a = _adjusted(la[la.year == start])
    b = _adjusted(la[la.year == end])
    names = la[la.year == end].drop_duplicates("old_la_code").set_index("old_la_code").area_name
    change = (b - a).dropna()
    nat = series.all_children().set_index("year")["count"]
    national = float(nat[end] - nat[start])
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
