"""Chapter 1: how many children in children's homes live outside their home council?

Every figure the chapter states is computed here from data/; the notebook only calls and explains.
Share placed outside = outside / (inside + outside): children whose placement locality is recorded.
The chapter's series is sentaway.analysis.homes_series (one definition, every year and release that gives it); the other
measures shown beside it are named in words (MEASURES, from book/words/out_of_area_chapter.yml) and never joined
to it or to each other.
"""

from dataclasses import dataclass

import pandas as pd

from sentaway.read import extracts
from sentaway.analysis import homes_series, words

# Which published series measure "children's homes" in which years, with their wording.
HOMES_SERIES = {
    "secure_childrens_homes": "Secure homes and children's homes",
    "secure_childrens_homes_semi_independent": "Secure units, children's homes and semi-independent living",
    "secure_childrens_homes_hostels": "Secure units, children's homes and hostels",
    # The oldest release's own placement codes (SSDA903 K1 secure units, K2 homes and hostels): another
    # classification, its own measure.
    "ssda903_k1_k2": "Secure units, and homes and hostels (SSDA903 codes K1 and K2)",
}
TRANSCRIBED_LABEL = "Secure homes and children's homes (transcribed)"


def _national(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[(frame.geographic_level == "national") & (frame.provider == "all")]


def _latest_release(frame: pd.DataFrame) -> pd.DataFrame:
    """Where releases overlap, the latest release's value (revisions are kept in data/)."""
    return frame.sort_values("release").groupby(["year", "placement", "locality"], as_index=False).last()


def _pivot(frame: pd.DataFrame, series: str, definition: str) -> pd.DataFrame:
    wide = frame.pivot_table(index=["year", "release"], columns="locality", values="value", aggfunc="first")
    wide = wide.reindex(columns=["all", "inside", "outside"]).reset_index()
    wide.columns.name = None
    wide.insert(0, "series", series)
    wide.insert(1, "definition", definition)
    return wide


def homes_by_locality() -> pd.DataFrame:
    """National children in secure/children's homes by year: total, inside, outside, share outside.

    One row per (series, year). Series differ in definition; they are kept apart, never spliced.
    """
    frame = _national(extracts.placements())
    # The provider x placement x locality files only (the characteristics files' group totals, read for the
    # children's-homes series, would otherwise replace this table's inside + outside).
    frame = frame[~frame.source_file.str.endswith("_by_characteristics.csv")]
    parts = []
    latest = _latest_release(frame[frame.release.str.contains("EES")])
    for placement in ("secure_childrens_homes", "secure_childrens_homes_semi_independent"):
        rows = latest[latest.placement == placement]
        parts.append(_pivot(rows, "Official, by locality", HOMES_SERIES[placement]))
    sfr = frame[(frame.placement == "secure_childrens_homes_hostels")]
    parts.append(_pivot(sfr, "Official, total only", HOMES_SERIES["secure_childrens_homes_hostels"]))
    # The year given by SSDA903 placement code: secure units (K1) plus children's homes and hostels (K2).
    k = frame[frame.placement.isin(["secure_units", "childrens_homes_hostels"]) & (frame.locality == "all")]
    for (year, release), group in k.groupby(["year", "release"]):
        if group.value.isna().any():
            raise ValueError(f"{year} secure units or homes and hostels suppressed: total not computable")
        parts.append(pd.DataFrame([{
            "series": "Official, total only", "definition": HOMES_SERIES["ssda903_k1_k2"], "year": int(year),
            "release": release, "all": int(group.value.sum()), "inside": pd.NA, "outside": pd.NA}]))
    tr = extracts.transcribed_placement_location()
    tr = tr[(tr.placement_group == "Secure homes and children's homes")]
    if not tr.empty:
        by = {("inside" if "Inside" in loc else "outside"): n for loc, n in zip(tr.location, tr.number)}
        parts.append(pd.DataFrame([{
            "series": "Transcribed, by locality", "definition": TRANSCRIBED_LABEL, "year": int(tr.time_period.iloc[0]),
            "release": words.entry("out_of_area_chapter", "transcribed_release"), "all": pd.NA,
            "inside": by.get("inside"), "outside": by.get("outside")}]))
    table = pd.concat(parts, ignore_index=True)
    for column in ("all", "inside", "outside"):
        table[column] = table[column].astype("Int64")
    known = table["inside"] + table["outside"]
    table["all"] = table["all"].fillna(known)
    table["share_outside"] = (100 * table["outside"] / known).astype("Float64")
    return table.sort_values(["year", "series", "definition"]).reset_index(drop=True)


def all_children_by_locality() -> pd.DataFrame:
    """National share of all looked-after children placed outside their council's boundary."""
    frame = _national(extracts.placements())
    frame = frame[(frame.placement == "all") & frame.locality.isin(["inside", "outside"])]
    frame = frame[~frame.source_file.str.contains("net_?gain")]  # the LA net-gain files give no 'inside'
    table = _pivot(_latest_release(frame), "All looked-after children", "All placements")
    table["share_outside"] = (100 * table["outside"] / (table["inside"] + table["outside"])).astype("Float64")
    return table.drop(columns=["all"])


def window(table: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    return table[(table.year >= first_year) & (table.year <= last_year)].reset_index(drop=True)


def missing_years(table: pd.DataFrame, first_year: int, last_year: int, column: str) -> list[int]:
    """Years in the window with no official value in `column` (stated in the chapter, not filled)."""
    have = set(table.loc[table[column].notna(), "year"])
    return [year for year in range(first_year, last_year + 1) if year not in have]


def change(table: pd.DataFrame, column: str, start: int, end: int, series: str | None = None) -> dict:
    rows = table if series is None else table[table.series == series]
    values = rows.set_index("year")[column]
    a, b = values.get(start), values.get(end)
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        raise ValueError(f"{column}: no official value for {start} or {end}")
    return {"start": a, "end": b, "difference": b - a, "percent": 100 * (b - a) / a}


# Every measure the chapter shows, in words, named the same way every time.
SERIES_NAME = homes_series.DEFINITION[0].upper() + homes_series.DEFINITION[1:]
MEASURES = {"series": SERIES_NAME, **words.entry("out_of_area_chapter", "measures")}


def series_by_release(first_year: int, last_year: int) -> pd.DataFrame:
    """The chapter's series in the window: one row per (year, release), with `headline` marking the value the
    chapter quotes for the year (the latest release)."""
    table = window(homes_series.by_release(), first_year, last_year)
    return table.assign(measure=MEASURES["series"])


def other_measures(first_year: int, last_year: int) -> pd.DataFrame:
    """The other official measures, one row per (measure, year, release): share outside where there is a
    locality split, else the number in the group."""
    homes = window(homes_by_locality(), first_year, last_year)
    rows = []
    for r in homes.itertuples():
        key = ("transcribed" if r.series.startswith("Transcribed") else
               "ssda903_k1_k2" if r.definition == HOMES_SERIES["ssda903_k1_k2"] else
               "secure_childrens_homes_hostels" if r.series == "Official, total only" else
               next(k for k, v in HOMES_SERIES.items() if v == r.definition))
        rows.append({"measure": MEASURES[key], "year": int(r.year), "release": r.release,
                     "inside": r.inside, "outside": r.outside, "all": r.all,
                     "share_outside": r.share_outside})
    children = window(all_children_by_locality(), first_year, last_year)
    for r in children.itertuples():
        rows.append({"measure": MEASURES["all_children"], "year": int(r.year), "release": r.release,
                     "inside": r.inside, "outside": r.outside, "all": pd.NA, "share_outside": r.share_outside})
    table = pd.DataFrame(rows)
    for column in ("inside", "outside", "all"):
        table[column] = table[column].astype("Int64")
    table["share_outside"] = table.share_outside.astype("Float64")
    return table.sort_values(["measure", "year", "release"]).reset_index(drop=True)


@dataclass(frozen=True)
class Headline:
    """What the chapter's prose states (the words are in the notebook)."""
    first_year: int
    last_year: int
    series_first_year: int
    series_first_share: float
    series_first_outside: int
    series_first_release: str
    series_last_year: int
    series_last_share: float
    series_last_outside: int
    series_last_release: str
    years_without_series: str          # years of the window with no value in any release
    releases: int                      # how many releases give the series in the window
    disagreement_years: str            # years two or more releases give differently
    disagreement_max_outside: int      # the largest difference between two releases' 'outside', children
    disagreement_max_year: int
    first_release: str                 # the release of the earliest years, its publication date and years
    first_release_published: str
    first_release_years: str
    later_first_year: int              # the first year taken from a later release
    later_releases: str                # the later releases, in words
    all_first_year: int
    all_first_share: float
    all_last_year: int
    all_last_share: float
    wider_years: str                   # years and releases of each other measure
    wider_releases: str
    transcribed_year: str
    semi_years: str
    semi_releases: str
    hostels_years: str
    k1_k2_year: str                    # the year of the oldest release's own classification, a measure of its own


def _words(items) -> str:
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else "none"


def _coverage(others: pd.DataFrame, key: str) -> tuple[str, str]:
    rows = others[others.measure == MEASURES[key]].sort_values("year")
    return describe_years(sorted(int(y) for y in rows.year.unique())), _words(sorted(rows.release.unique()))


def headline(series: pd.DataFrame, others: pd.DataFrame, first_year: int, last_year: int) -> Headline:
    if series.empty:
        raise ValueError(f"chapter 1: the children's-homes series has no year in {first_year}-{last_year}; "
                         f"it runs {homes_series.by_release().year.min()}-{homes_series.by_release().year.max()}")
    head = series[series.is_headline & series.share_outside.notna()].sort_values("year")
    first, last = head.iloc[0], head.iloc[-1]
    gaps = missing_years(series, first_year, last_year, "outside")
    spread = series.groupby("year").outside.agg(lambda v: int(v.max() - v.min()) if v.notna().all() else 0)
    differ = sorted(int(y) for y in series.groupby("year").filter(
        lambda g: g[["inside", "outside", "all"]].astype("Float64").nunique().max() > 1).year.unique())
    kids = others[(others.measure == MEASURES["all_children"]) & others.share_outside.notna()].sort_values("year")
    nan = float("nan")
    earliest = series.sort_values(["published", "year"]).iloc[0]
    first_rows = series[series.release == earliest.release]
    later = series[series.release != earliest.release].sort_values(["published", "year"])
    return Headline(
        first_year=first_year, last_year=last_year,
        series_first_year=int(first.year), series_first_share=float(first.share_outside),
        series_first_outside=int(first.outside), series_first_release=first.release,
        series_last_year=int(last.year), series_last_share=float(last.share_outside),
        series_last_outside=int(last.outside), series_last_release=last.release,
        years_without_series=describe_years(gaps), releases=int(series.release.nunique()),
        disagreement_years=describe_years(differ), disagreement_max_outside=int(spread.max()) if len(spread) else 0,
        disagreement_max_year=int(spread.idxmax()) if len(spread) else 0,
        first_release=earliest.release, first_release_published=earliest.published,
        first_release_years=describe_years(sorted(int(y) for y in first_rows.year)),
        later_first_year=int(later.year.min()) if len(later) else 0,
        later_releases=_words(later.release), wider_years=_coverage(others, "secure_childrens_homes")[0],
        wider_releases=_coverage(others, "secure_childrens_homes")[1],
        transcribed_year=_coverage(others, "transcribed")[0],
        semi_years=_coverage(others, "secure_childrens_homes_semi_independent")[0],
        semi_releases=_coverage(others, "secure_childrens_homes_semi_independent")[1],
        hostels_years=_coverage(others, "secure_childrens_homes_hostels")[0],
        k1_k2_year=_coverage(others, "ssda903_k1_k2")[0],
        all_first_year=int(kids.year.iloc[0]) if len(kids) else 0,
        all_first_share=float(kids.share_outside.iloc[0]) if len(kids) else nan,
        all_last_year=int(kids.year.iloc[-1]) if len(kids) else 0,
        all_last_share=float(kids.share_outside.iloc[-1]) if len(kids) else nan)


def describe_years(years: list[int]) -> str:
    """[2010, 2011, 2012, 2016] -> '2010-2012 and 2016'."""
    if not years:
        return "none"
    runs = [[years[0], years[0]]]
    for year in years[1:]:
        if year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    spans = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    return spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]


def series_table(series: pd.DataFrame) -> pd.DataFrame:
    """Every (year, release) of the series, for the page and for the charts' data."""
    table = series.assign(headline=series.is_headline.map({True: "yes", False: "no (superseded)"}))
    return table[["measure", "year", "release", "published", "table", "inside", "outside", "all", "share_outside",
                  "headline"]]


def trend(series: pd.DataFrame, column: str) -> dict:
    """The headline values at the first and last year a chart of `column` draws, for its title; `title` names the
    title that applies (too few years: the series' name alone)."""
    rows = series[series.is_headline & series[column].notna()].sort_values("year")
    if len(rows) < 2:
        return {"title": "too_few", "series": SERIES_NAME}
    first, last = rows.iloc[0], rows.iloc[-1]
    return {"title": column, "first": float(first[column]), "first_year": int(first.year), "last": float(last[column]),
            "last_year": int(last.year), "rose": float(last[column]) > float(first[column])}


def other_trend(others: pd.DataFrame, column: str) -> dict:
    """For the other measures' chart title: the shares' lowest and highest latest values with their measures, or
    (a count) the first and last values; `title` names the title that applies."""
    rows = others[others[column].notna()].sort_values("year")
    latest = rows.groupby("measure").tail(1).sort_values(column)
    if latest.empty:
        return {"title": "others_none"}
    if column != "share_outside":
        first, last = rows.iloc[0], rows.iloc[-1]
        return {"title": "others_number", "measure": last.measure, "first": float(first[column]),
                "first_year": int(first.year), "last": float(last[column]), "last_year": int(last.year)}
    high, low = latest.iloc[-1], latest.iloc[0]
    return {"title": "others_share", "low": float(low[column]), "low_measure": low.measure, "low_year": int(low.year),
            "high": float(high[column]), "high_measure": high.measure, "high_year": int(high.year)}
