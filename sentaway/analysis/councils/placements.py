"""Where each council's looked-after children are placed, every year the files give, beside its region and England;
and the children other councils placed inside its boundary (data/cla_council_placements.csv).

For each council and year the figures come from one release, the latest that gives that code for that year (a year in
several releases is shown as last published; the revisions page shows the others), and the region's and England's
from the same release's rows, so every comparison is within one file:
- share outside: its children placed outside its boundary, of all it looks after at 31 March (children whose
  placement's locality was not recorded count in the total; where the release splits them, 2011-2017, they are shown);
- not recorded: looked after less placed inside less placed outside, where the release gives all three;
- net: other councils' children placed inside less its own placed outside (the release's own net gain where it prints
  one; else computed from the two counts), so a council is a net importer (more placed in) or exporter.
A figure is computed only from published cells: any part suppressed, the figure is not computed and carries the
part's symbol; a suppressed share is not ranked. Ranks count councils with a share in the same year and release,
the highest share first."""

from functools import lru_cache

import numpy as np
import pandas as pd

from sentaway.analysis.councils import codes
from sentaway.read import extracts
from sentaway.analysis.councils.by_code import ByCode

MEASURES = ["looked_after", "placed_inside", "placed_outside", "placed_in_by_other_councils", "net_gain"]


def _wide(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per key and release: each measure's value and status side by side (measure, measure_status)."""
    values = rows.pivot_table(index=keys + ["release"], columns="measure", values="value", aggfunc="first")
    status = rows.pivot_table(index=keys + ["release"], columns="measure", values="status", aggfunc="first")
    values = values.reindex(columns=MEASURES).astype("Float64")
    status = status.reindex(columns=MEASURES).fillna("").add_suffix("_status")
    return values.join(status).reset_index()


def _first_symbol(frame: pd.DataFrame, measures: list[str]) -> pd.Series:
    """Each row's first symbol among the measures' statuses ('' where all were published)."""
    found = pd.Series("", index=frame.index, dtype=object)
    for measure in reversed(measures):
        status = frame[f"{measure}_status"]
        found = found.mask(status.ne(""), status)
    return found


def _derived(frame: pd.DataFrame) -> pd.DataFrame:
    """share, not recorded and net, each with the symbol of the suppressed part it could not be computed from."""
    frame = frame.copy()
    looked, outside, inside = frame.looked_after, frame.placed_outside, frame.placed_inside
    frame["share"] = (100 * outside / looked).where(looked > 0)
    frame["share_status"] = _first_symbol(frame, ["looked_after", "placed_outside"])
    frame["not_recorded"] = looked - inside - outside
    frame["not_recorded_status"] = _first_symbol(frame, ["looked_after", "placed_inside", "placed_outside"])
    computed = frame.placed_in_by_other_councils - outside
    printed = (frame.net_gain_status.eq("") & frame.net_gain.notna()).astype(bool)
    frame["net"] = frame.net_gain.where(printed, computed)
    frame["net_printed"] = printed
    parts = _first_symbol(frame, ["placed_in_by_other_councils", "placed_outside"])
    frame["net_status"] = frame.net_gain_status.mask(frame.net_gain_status.eq(""), parts).where(~printed, "")
    frame.loc[frame.net_status.ne(""), "net"] = pd.NA
    return frame


@lru_cache(maxsize=None)
def _areas() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(regions, England): every year and release, with their shares. A region is the nine regions' (London as one)."""
    rows = extracts.council_placements()
    england = _derived(_wide(rows[rows.geographic_level == "national"], ["year"]))
    regional = rows[rows.geographic_level == "regional"].copy()
    context = extracts.la_context()[["region9_code", "region9_name"]].drop_duplicates()
    named = dict(zip(context.region9_code, context.region9_name.str.lower()))
    # The SFR files print Inner and Outer London with London's code: the region is the row of its own name.
    regional = regional[regional.area_code.map(named).eq(regional.area_name.str.lower())]
    regions = _derived(_wide(regional, ["area_code", "year"])).rename(columns={"area_code": "region_code"})
    return regions, england


@lru_cache(maxsize=None)
def table() -> pd.DataFrame:
    """One row per council and year the files give it: the latest release's figures for that code and year, with the
    region's and England's share from the same release, and the council's rank in England and its region."""
    rows = codes.council_rows()
    wide = _wide(rows, ["area_code", "year"])
    published = rows.drop_duplicates("release").set_index("release").published
    wide["published"] = wide.release.map(published)
    given = rows[rows.status != "z"][["area_code", "year", "release"]].drop_duplicates()
    wide = wide.merge(given, on=["area_code", "year", "release"])
    wide = _derived(wide).rename(columns={"area_code": "code"})
    table_ = codes.by_code()
    wide["region_code"] = wide.code.map(lambda c: table_[c].region_code)
    # Ranked within each release's own councils for the year, before the latest release is chosen for each.
    wide = _ranks(wide)
    wide = wide.sort_values("published").drop_duplicates(["code", "year"], keep="last")
    regions, england = _areas()
    keep = ["year", "release", "share", "share_status", "looked_after", "placed_outside"]
    wide = wide.merge(regions[["region_code"] + keep].rename(columns=lambda c: c if c in ("region_code", "year", "release")
                                                               else f"region_{c}"),
                      on=["region_code", "year", "release"], how="left")
    wide = wide.merge(england[keep].rename(columns=lambda c: c if c in ("year", "release") else f"england_{c}"),
                      on=["year", "release"], how="left")
    return wide.sort_values(["code", "year"]).reset_index(drop=True)


def _ranks(frame: pd.DataFrame) -> pd.DataFrame:
    """Rank of each share (1 = the highest) among the councils with a share in the same year and release, in England
    and in the region; none for a share not computed."""
    frame = frame.copy()
    ranked = frame.share.notna() & frame.share_status.eq("")
    scores = frame.share.astype(float).where(ranked)
    groups = [frame.year, frame.release]
    frame["rank_england"] = scores.groupby(groups).rank(ascending=False, method="min")
    frame["of_england"] = ranked.groupby(groups).transform("sum")
    frame["rank_region"] = scores.groupby(groups + [frame.region_code]).rank(ascending=False, method="min")
    frame["of_region"] = ranked.groupby(groups + [frame.region_code]).transform("sum")
    # Tied: another council has the same share (its lowest and highest rank differ).
    frame["tied_england"] = frame.rank_england.ne(scores.groupby(groups).rank(ascending=False, method="max")) & ranked
    frame["tied_region"] = frame.rank_region.ne(
        scores.groupby(groups + [frame.region_code]).rank(ascending=False, method="max")) & ranked
    frame.loc[~ranked, ["rank_england", "rank_region"]] = np.nan
    return frame


_BY_CODE = ByCode(table)
council = _BY_CODE.council  # the council's rows of table(), oldest first (none where the files give it none)
rows = _BY_CODE.rows  # the same as plain rows (dicts): what the pages read, many times over


@lru_cache(maxsize=None)
def split_years() -> list[int]:
    """The years whose council rows split the council's own children inside and outside its boundary (the years a
    'not recorded' count can be shown)."""
    found = table()
    return sorted(set(found.year[found.placed_inside.notna() | found.placed_inside_status.ne("")]))
