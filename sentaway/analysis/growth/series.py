"""The series the growth chapter models, one frame each: year, inside, outside, total, share, count, source.

Each series is one definition, never spliced across definitions. `count` is what its models fit: children
outside the boundary, or (for a group with no locality split) all children in the group. Numbers only.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sentaway.read import claims, extracts
from sentaway.analysis import homes_series, out_of_area, reclassification, words
from sentaway.read import params
from sentaway.read.params import ParameterError
from sentaway.paths import data_file
from sentaway.analysis.growth.rates import MIN_YEARS

COUNT_OF = {"childrens_homes": "outside", "all_children": "outside", "homes_total": "total"}
# What each series counts, in words (book/words/growth_chapter.yml): named every time it is shown.
SERIES = {name: words.say("growth_chapter", f"series.{name}", homes_series=out_of_area.SERIES_NAME) for name in COUNT_OF}
CITED_NUMBER = {2012: "ooa-number-2012-localgov", 2017: "ooa-number-2017-huffpost", 2018: "ooa-number-2018-localgov"}
CITED_SHARE = {2012: "ooa-share-2012-localgov", 2017: "ooa-share-2017-huffpost", 2018: "ooa-share-2018-localgov"}
CITED_CHANGE = "ooa-number-change-2012-2018-localgov"

DEFAULTS = {"first_year": 2013, "last_year": 2018, "series": "childrens_homes"}
SEMI_INDEPENDENT = "semi_independent_not_chr"  # the placement the supported-accommodation reform replaced


# ---------------------------------------------------------------- parameters and windows

def check_parameters(first_year, last_year, series) -> dict:
    """Reject bad parameters (sentaway.read.params, the one place they are checked), then a window of under three years."""
    values = params.check("growth", {"first_year": first_year, "last_year": last_year, "series": series})
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

def _source(kind: str, **values) -> str:
    """Where a row comes from, in words (book/words/growth_chapter.yml)."""
    return words.say("growth_chapter", f"sources.{kind}", **values)


def frame(series: str, rows: list[dict], count: str = "outside") -> pd.DataFrame:
    """A series frame from rows of year, inside, outside (and total where published, else inside + outside).
    share = outside / (inside + outside): of the children whose locality is recorded."""
    table = pd.DataFrame(rows)
    for column in ("outside", "inside", "total"):
        if column not in table:
            table[column] = np.nan
        table[column] = table[column].astype(float)
    table["recorded"] = table.inside + table.outside
    table["total"] = table.total.fillna(table.recorded)
    table["share"] = (table.outside / table.recorded).where(table.recorded.notna(), table.outside / table.total)
    table["count"] = table[count]
    table.insert(0, "series", series)
    return table.sort_values("year").reset_index(drop=True)


def all_children() -> pd.DataFrame:
    """All looked-after children placed outside their council. In the early years some children's locality is
    not recorded (total > inside + outside), which makes the recorded 'outside' count grow faster than the
    children it stands for. The modelled count is therefore adjusted: outside x total / (inside + outside), the
    recorded share applied to every looked-after child. A year with an 'outside' figure only (the LA net-gain
    file, no inside and no total) has no adjusted count and is left out of the fits, never filled."""
    split = out_of_area.all_children_by_locality()
    placements = extracts.placements()
    totals = placements[(placements.geographic_level == "national") & (placements.placement == "all")
                        & (placements.locality == "all") & (placements.provider == "all") & placements.status.eq("")]
    totals = totals.sort_values("release").groupby("year").value.last()
    rows = [{"year": int(r.year), "inside": float(r.inside), "outside": float(r.outside),
             "total": float(totals.get(r.year, np.nan)), "source": _source("locality_table", release=r.release)}
            for r in split.itertuples()]
    net = placements[(placements.geographic_level == "national") & (placements.placement == "all")
                     & (placements.locality == "outside") & placements.source_file.str.contains("net_?gain")
                     & placements.status.eq("")]
    for year in sorted(set(net.year) - {r["year"] for r in rows}):
        row = net[net.year == year].sort_values("release").iloc[-1]
        rows.append({"year": int(year), "outside": float(row.value),
                     "source": _source("net_gain", release=row.release)})
    table = frame("all_children", rows)
    table.loc[table.inside.isna(), "total"] = np.nan
    table["unrecorded"] = table.total - table.recorded
    table["count"] = table.share * table.total
    return table


def childrens_homes() -> pd.DataFrame:
    """The children's-homes series (sentaway.analysis.homes_series): one row a year, 2013-2024, from the latest release
    that gives it; `source` names the release and table; first_outside / first_release: the value as the
    earliest release in the files gave it."""
    releases = homes_series.by_release()
    head = releases[releases.is_headline]
    first = releases[releases.first_in_files].set_index("year")
    # A cell the release suppressed stays empty (status says which symbol): its year is shown, never fitted.
    number = lambda value: np.nan if pd.isna(value) else float(value)  # noqa: E731
    rows = [{"year": int(r.year), "inside": number(r.inside), "outside": number(r.outside), "total": number(r.all),
             "source": r.table if r.release in r.table else f"{r.release}, {r.table}", "release": r.release,
             "published": r.published, "first_outside": number(first.outside[r.year]),
             "first_release": first.release[r.year], "status": r.status} for r in head.itertuples()]
    return frame("childrens_homes", rows)


def validation_change() -> dict:
    """The year DfE added placement validation to the collection, read from Table A2's own footnote
    (data/sfr50_national_notes.csv, read here directly: sentaway.read.extracts has no reader for the notes)."""
    notes = pd.read_csv(data_file("sfr50_national_notes.csv"), dtype=str, keep_default_na=False)
    notes = notes[(notes.table == "A2") & (notes.kind == "footnote")]
    for note in notes.itertuples():
        found = re.search(r"validation was added to the data collection in (\d{4})", note.text)
        if found:
            return {"year": int(found.group(1)), "footnote": note.note, "text": note.text}
    raise ValueError("data/sfr50_national_notes.csv: no Table A2 footnote says when validation was added "
                     f"(footnotes found: {', '.join(notes.note) or 'none'})")


def homes_total() -> pd.DataFrame:
    """Secure units, children's homes and semi-independent living, total (no locality split in Table A2): DfE's
    revised series, one definition throughout. 2013-2017 from the SFR national tables' Table A2, which back-revised the years
    each SFR had first published (the 2017 reclassification, sentaway.analysis.reclassification); each later year from
    the latest release's national characteristics file. The years before Table A2 exist only as first published,
    on the definition before the reclassification: they are a different series and are left out, never joined."""
    tables = extracts.national_tables()
    a2 = tables[(tables.table == reclassification.REVISED_TABLE) & (tables.placement == reclassification.REVISED_CODE)
                & (tables.locality == "all") & tables.status.eq("")]
    placements = extracts.placements()
    later = placements[(placements.geographic_level == "national") & (placements.provider == "all")
                       & (placements.placement == reclassification.REVISED_CODE) & (placements.locality == "all")
                       & placements.source_file.str.endswith("_by_characteristics.csv") & placements.status.eq("")
                       & (placements.year > a2.year.max())]
    published = extracts.release_dates().set_index("release")["published"]
    later = later.assign(published=later.release.map(published)).sort_values("published").groupby("year").tail(1)
    rows = [{"year": int(r.year), "total": float(r.value), "release": r.release,
             "source": _source("revised_table", release=r.release, table=r.table)} for r in a2.itertuples()]
    rows += [{"year": int(r.year), "total": float(r.value), "release": r.release, "source": r.release}
             for r in later.itertuples()]
    if not rows:
        raise ValueError("data/sfr50_national_tables.csv and data/cla_placements.csv: no national "
                         f"{reclassification.REVISED_CODE} rows")
    return frame("homes_total", rows, count="total")


def reform() -> dict | None:
    """The supported-accommodation reform as the releases record it: the first year for which a release marks
    'semi-independent living accommodation not subject to children's homes regulations' as not applicable ('z';
    that release counts those children as supported accommodation from then on). None if no release does."""
    placements = extracts.placements()
    ended = placements[(placements.geographic_level == "national") & (placements.placement == SEMI_INDEPENDENT)
                       & (placements.locality == "all") & (placements.status == "z")].sort_values(["year", "release"])
    if ended.empty:
        return None
    first = ended.iloc[0]
    return {"year": int(first.year), "release": first.release, "label": first.placement_label}


def cited() -> pd.DataFrame:
    """The figures the claims cite (2012, 2017, 2018): data about the claims, never modelled as a series.
    Totals are implied: number / share."""
    rows = []
    for year, claim_id in CITED_NUMBER.items():
        number = float(claims.get(claim_id).cited_value)
        share = float(claims.get(CITED_SHARE[year]).cited_value) / 100
        rows.append({"year": year, "outside": number, "total": number / share,
                     "source": _source("cited", number=claim_id, share=CITED_SHARE[year])})
    return frame("cited", rows)


LOADERS = {"childrens_homes": childrens_homes, "all_children": all_children, "homes_total": homes_total}


def load(series: str) -> pd.DataFrame:
    if series not in LOADERS:
        raise ParameterError(f"growth: series={series!r} is not allowed; allowed: {', '.join(LOADERS)}")
    return LOADERS[series]()
