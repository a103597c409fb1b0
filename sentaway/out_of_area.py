"""Chapter 1: how many children in children's homes live outside their home council?

Every figure the chapter states is computed here from data/; the notebook only calls and explains.
Share placed outside = outside / (inside + outside): children whose placement locality is recorded.
"""

import pandas as pd

from . import extracts

# Which published series measure "children's homes" in which years, with their wording.
HOMES_SERIES = {
    "secure_childrens_homes": "Secure homes and children's homes",
    "secure_childrens_homes_semi_independent": "Secure units, children's homes and semi-independent living",
    "secure_childrens_homes_hostels": "Secure units, children's homes and hostels",
    "2010_k1_k2": "Secure units, children's homes and hostels",
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
    parts = []
    latest = _latest_release(frame[frame.release.str.contains("EES")])
    for placement in ("secure_childrens_homes", "secure_childrens_homes_semi_independent"):
        rows = latest[latest.placement == placement]
        parts.append(_pivot(rows, "Official, by locality", HOMES_SERIES[placement]))
    sfr = frame[(frame.placement == "secure_childrens_homes_hostels")]
    parts.append(_pivot(sfr, "Official, total only", HOMES_SERIES["secure_childrens_homes_hostels"]))
    k = frame[(frame.year == 2010) & frame.placement.isin(["secure_units", "childrens_homes_hostels"])]
    if k.value.isna().any():
        raise ValueError("2010 secure units or homes and hostels suppressed: total not computable")
    parts.append(pd.DataFrame([{
        "series": "Official, total only", "definition": HOMES_SERIES["2010_k1_k2"], "year": 2010,
        "release": "SFR27/2010", "all": int(k.value.sum()), "inside": pd.NA, "outside": pd.NA}]))
    tr = extracts.transcribed_placement_location()
    tr = tr[(tr.placement_group == "Secure homes and children's homes")]
    if not tr.empty:
        by = {("inside" if "Inside" in loc else "outside"): n for loc, n in zip(tr.location, tr.number)}
        parts.append(pd.DataFrame([{
            "series": "Transcribed, by locality", "definition": TRANSCRIBED_LABEL, "year": int(tr.time_period.iloc[0]),
            "release": "A focus on placement location (2024), transcribed", "all": pd.NA,
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


def headlines(homes: pd.DataFrame, children: pd.DataFrame, first_year: int, last_year: int) -> dict:
    """The figures the chapter's prose states, for the years in the window."""
    if last_year - first_year < 0:
        raise ValueError("empty window")
    facts: dict = {"first_year": first_year, "last_year": last_year}
    split = homes[(homes.series == "Official, by locality") & homes.share_outside.notna()]
    newest = split[split.definition == HOMES_SERIES["secure_childrens_homes"]]
    if not newest.empty:
        first, last = newest.iloc[0], newest.iloc[-1]
        facts.update({
            "homes_first_year": int(first.year), "homes_first_share": float(first.share_outside),
            "homes_first_outside": int(first.outside),
            "homes_last_year": int(last.year), "homes_last_share": float(last.share_outside),
            "homes_last_outside": int(last.outside), "homes_last_release": last.release,
        })
    wider = split[split.definition == HOMES_SERIES["secure_childrens_homes_semi_independent"]]
    if not wider.empty:
        row = wider.iloc[0]
        facts.update({"wider_year": int(row.year), "wider_share": float(row.share_outside)})
    transcribed = homes[homes.series.str.startswith("Transcribed")]
    if not transcribed.empty:
        row = transcribed.iloc[0]
        facts.update({"transcribed_year": int(row.year), "transcribed_share": float(row.share_outside),
                      "transcribed_outside": int(row.outside)})
    totals = homes[homes.series == "Official, total only"]
    if len(totals) >= 2:
        facts.update({"total_first_year": int(totals.year.iloc[0]), "total_first": int(totals["all"].iloc[0]),
                      "total_last_year": int(totals.year.iloc[-1]), "total_last": int(totals["all"].iloc[-1])})
    gaps = missing_years(split, first_year, last_year, "share_outside")
    facts["years_without_split"] = describe_years(gaps)
    if len(children) >= 2:
        first, last = children.iloc[0], children.iloc[-1]
        facts.update({"all_first_year": int(first.year), "all_first_share": float(first.share_outside),
                      "all_last_year": int(last.year), "all_last_share": float(last.share_outside)})
    return facts


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
    words = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]



SOURCE = ("Department for Education, Children looked after in England: SFR underlying data 2010-2017 "
          "(column CLA_Secure; 2010 codes K1+K2) and explore-education-statistics releases to 2023 and 2024 "
          "(national placement type x locality tables); 2015 point transcribed from 'A focus on placement "
          "location' (2024). Open Government Licence v3.0.")
NOTES = ("Counts at 31 March, rounded by DfE to the nearest 10 (2010: nearest 100). Share placed outside = "
         "outside / (inside + outside), computed from rounded counts, shown to 1 decimal place in the table. "
         "Lines with different definitions are not joined. Years with no official value are left empty, not filled.")


def _share_table(homes: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    rows = homes[homes.share_outside.notna()].copy()
    rows["measure"] = rows.definition.map(lambda d: f"Children's homes: {d}")
    kids = children.copy()
    kids["measure"] = "All looked-after children (all placements)"
    table = pd.concat([rows, kids], ignore_index=True)[["measure", "year", "release", "inside", "outside", "share_outside"]]
    table["share_outside"] = table.share_outside.astype(float).round(1)
    return table.sort_values(["measure", "year"]).reset_index(drop=True)


def _share_title(table: pd.DataFrame) -> str:
    """The finding in words from the chart's own rows: children's homes against all looked-after children,
    in the latest year both have."""
    from . import numbers

    homes = table[table.measure.str.startswith("Children's homes")].dropna(subset=["share_outside"])
    every = table[table.measure.str.startswith("All looked-after")].dropna(subset=["share_outside"])
    years = sorted(set(homes.year) & set(every.year))
    if not years:
        return "Share of children placed outside their council's boundary"
    year = years[-1]
    h = homes[homes.year == year].sort_values("share_outside").iloc[-1]
    a = every[every.year == year].iloc[0]
    more = "more" if h.share_outside > a.share_outside else "fewer"
    return (f"In {numbers.year(year)}, {numbers.percent(h.share_outside, 0)} of children in children's homes lived "
            f"outside their council, {more} than the {numbers.percent(a.share_outside, 0)} of all looked-after children")


def _number_title(table: pd.DataFrame) -> str:
    from . import numbers

    outside = table[table.measure.str.startswith("Outside")]
    if outside.empty:
        return "Children in children's homes, by year"
    longest = outside.groupby("measure").size().idxmax()
    rows = outside[outside.measure == longest].sort_values("year")
    first, last = rows.iloc[0], rows.iloc[-1]
    moved = "rose" if last.children > first.children else "fell"
    return (f"Children in children's homes placed outside their council {moved} from {numbers.count(first.children)} "
            f"in {numbers.year(first.year)} to {numbers.count(last.children)} in {numbers.year(last.year)} "
            f"({longest.split(': ', 1)[-1]})")


def share_chart(homes: pd.DataFrame, children: pd.DataFrame) -> str:
    from . import charts
    import altair as alt

    table = _share_table(homes, children)
    chart = charts.line_chart(
        table.assign(inside=table.inside.astype(float), outside=table.outside.astype(float)),
        x="year", y="share_outside", series="measure", y_title="Placed outside the council boundary (%)",
        y_format=".0f",
        title=_share_title(table),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("share_outside:Q", title="Outside (%)", format=".1f"),
                 alt.Tooltip("outside:Q", title="Children outside", format=",.0f"),
                 alt.Tooltip("release:N", title="Release")],
    )
    homes_rows = table[table.measure.str.startswith("Children's homes")]
    last = homes_rows.sort_values("year").iloc[-1] if len(homes_rows) else None
    description = ("Line chart of the percentage of children placed outside their council's boundary, by year. "
                   + (f"Latest children's-homes value: {last.share_outside:.0f}% in {last.year}. " if last is not None else "")
                   + "All looked-after children are shown for comparison.")
    return charts.figure(chart, name="share-outside", description=description, source=SOURCE, notes=NOTES,
                         table=table.rename(columns={"share_outside": "outside (%)"}))


def number_chart(homes: pd.DataFrame) -> str:
    from . import charts
    import altair as alt

    long = []
    for _, row in homes.iterrows():
        if pd.notna(row["all"]) and row.series != "Transcribed, by locality":
            long.append({"measure": f"All in {row.definition.lower()}", "year": row.year, "children": row["all"], "release": row.release})
        if pd.notna(row.outside):
            label = f"Outside the boundary: {row.definition.lower()}"
            long.append({"measure": label, "year": row.year, "children": row.outside, "release": row.release})
    table = pd.DataFrame(long).sort_values(["measure", "year"]).reset_index(drop=True)
    table["children"] = table.children.astype(int)
    chart = charts.line_chart(
        table, x="year", y="children", series="measure", y_title="Children (number, at 31 March)",
        title=_number_title(table),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("children:Q", title="Children", format=",.0f"),
                 alt.Tooltip("release:N", title="Release")],
    )
    description = ("Line chart of the number of children in children's homes by year, in total and placed outside "
                   "their council's boundary, with one line per definition used by the official files.")
    return charts.figure(chart, name="number-outside", description=description, source=SOURCE, notes=NOTES, table=table)


def parameters_note(first_year: int, last_year: int) -> str:
    return f"Parameters used for this page: `first_year = {first_year}`, `last_year = {last_year}`."
