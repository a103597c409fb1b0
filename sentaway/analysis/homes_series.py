"""The one children's-homes series: children in children's homes subject to Children's Homes Regulations,
secure units excluded, inside / outside the responsible council's boundary, at 31 March of every year a
release gives it.

Each year comes from every release in data/ that gives it, as that release published it:
- the SFR years: the SFR national tables, Table A2 (sfr50_national_tables.csv);
- the EES years: the national characteristics file of every explore-education-statistics release
  (cla_placements.csv, placement childrens_homes).
Years given by several releases keep one row per release. The headline for a year is the latest
release that gives it: DfE's data guidance says each release updates all its time series with local
authorities' amendments. A value a release suppressed stays suppressed for that release (never taken
from another release).
"""

import pandas as pd

from sentaway.read import extracts
from sentaway.analysis import memo, words

DEFINITION = words.entry("homes_series", "definition")  # the series' name wherever it is shown
COLUMNS = ["year", "release", "source_file", "table", "inside", "outside", "all", "share_outside", "status",
           "published", "is_headline", "first_in_files"]
LOCALITIES = ("inside", "outside", "all")
# The words each source's label must carry (lower case), so a row of another definition is never read as this.
LABEL_WORDS = {"all": "children's homes subject to children's homes regulations", "inside": "inside", "outside": "outside"}


class SeriesError(ValueError):
    """data/ does not hold the series as expected: the message names file and row."""


def _check_labels(frame: pd.DataFrame, label_column: str, parent_column: str | None, name: str) -> None:
    for row in frame.itertuples():
        text = (getattr(row, label_column) + " " + (getattr(row, parent_column) if parent_column else "")).lower()
        words = LABEL_WORDS[row.locality]
        if words not in text or (row.locality != "all" and "children's home" not in text):
            raise SeriesError(f"data/{name}: {row.year} {row.release} {row.locality}: label {getattr(row, label_column)!r} "
                              f"does not name {DEFINITION}")


def _a2() -> pd.DataFrame:
    t = extracts.national_tables()
    t = t[(t.table == "A2") & (t.placement == "childrens_homes")].copy()
    _check_labels(t, "row_label", "parent_label", "sfr50_national_tables.csv")
    t["table_name"] = t.release + " national tables, Table " + t.table
    return t


def _ees() -> pd.DataFrame:
    p = extracts.placements()
    p = p[(p.placement == "childrens_homes") & (p.geographic_level == "national") & (p.provider == "all")].copy()
    _check_labels(p, "placement_label", None, "cla_placements.csv")
    p["table_name"] = p.source_file.str.rsplit("/", n=1).str[-1]
    return p


def _wide(long: pd.DataFrame) -> pd.DataFrame:
    keys = ["year", "release", "source_file", "table_name"]
    dupes = long.duplicated(keys + ["locality"], keep=False)
    if dupes.any():
        first = long[dupes].iloc[0]
        raise SeriesError(f"two children's-homes rows for {first.year} {first.release} {first.locality}")
    values = long.pivot(index=keys, columns="locality", values="value")
    statuses = long.pivot(index=keys, columns="locality", values="status").fillna("")
    missing = [loc for loc in LOCALITIES if loc not in values.columns]
    if missing:
        raise SeriesError(f"children's homes rows without locality {missing}")
    wide = values[list(LOCALITIES)].astype("Int64").reset_index()
    wide.columns.name = None
    wide["status"] = [
        "; ".join(f"{loc}: {s[loc]}" for loc in LOCALITIES if s[loc]) for _, s in statuses.reset_index().iterrows()]
    return wide.rename(columns={"table_name": "table"})


@memo.kept
def by_release() -> pd.DataFrame:
    """One row per (year, release): inside, outside, all as published; share_outside = 100 * outside / (inside
    + outside), empty where either is suppressed."""
    wide = _wide(pd.concat([_a2(), _ees()], ignore_index=True)[
        ["year", "release", "source_file", "table_name", "locality", "value", "status"]])
    dates = extracts.release_dates().set_index("release")["published"]
    unknown = sorted(set(wide.release) - set(dates.index))
    if unknown:
        raise SeriesError(f"data/release_dates.csv: no publication date for release(s) {', '.join(unknown)}")
    wide["published"] = wide.release.map(dates)
    wide["year"] = wide.year.astype(int)
    known = wide.inside.notna() & wide.outside.notna()
    share = pd.Series(float("nan"), index=wide.index)
    share[known] = 100 * wide.outside[known].astype(float) / (wide.inside[known] + wide.outside[known]).astype(float)
    wide["share_outside"] = share
    wide = wide.sort_values(["year", "published", "release"]).reset_index(drop=True)
    latest = wide.groupby("year").published.transform("max")
    earliest = wide.groupby("year").published.transform("min")
    wide["is_headline"] = wide.published == latest
    wide["first_in_files"] = wide.published == earliest
    return wide[COLUMNS]


def headline() -> pd.DataFrame:
    """One row per year, from the latest release that gives it (later releases carry councils' amendments)."""
    frame = by_release()
    return frame[frame.is_headline].reset_index(drop=True)


def disagreements() -> pd.DataFrame:
    """Every (year, release) row of the years that two or more releases give differently (inside, outside or
    all), with `differs` naming which."""
    frame = by_release()
    rows = []
    for year, group in frame.groupby("year"):
        differs = [c for c in LOCALITIES if group[c].astype("string").fillna(group.status).nunique(dropna=False) > 1]
        if len(group) > 1 and differs:
            rows.append(group.assign(differs=", ".join(differs)))
    if not rows:
        return frame.iloc[0:0].assign(differs=pd.Series(dtype=str))
    return pd.concat(rows, ignore_index=True)
