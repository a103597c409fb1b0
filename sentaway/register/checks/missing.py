"""Claims about children who went missing, and missing incidents ("reports")."""

import pandas as pd

from sentaway.analysis import memo
from sentaway.read import extracts
from sentaway.read.extracts import NotComputable
from sentaway.register.verdicts import Evidence, Vintage
from sentaway.paths import data_file
from sentaway.register.checks import count_interval, entry, largest_revision, measure, say
from sentaway.register.checks.out_of_area import release_year

# What each missing measure counts; its name and the placement groups' words are in book/words/checks.yml.
UNITS = {"children_missing": "children", "missing_incidents": "incidents"}


def _words(measure_name: str, placement: str) -> dict:
    return {"label": entry(f"missing.labels.{measure_name}"), "placement": entry(f"missing.placements.{placement}")}


EXPERIMENTAL_TABLE = "G1"  # the national table that gives missing children and incidents for the experimental years


def _experimental(year: int) -> str:
    """The publisher's own warning, quoted from Table G1's remarks, where G1 marks the year's figures
    experimental ('' otherwise)."""
    tables = extracts.national_tables()
    rows = tables[(tables.table == EXPERIMENTAL_TABLE) & (tables.year == year)]
    if not rows.experimental.any():
        return ""
    notes = pd.read_csv(data_file("sfr50_national_notes.csv"), dtype=str, keep_default_na=False)
    remarks = notes[(notes.table == EXPERIMENTAL_TABLE) & (notes.kind == "remark")
                    & notes.text.str.contains("experimental|not comparable", case=False)]
    if remarks.empty:
        raise ValueError(say("missing.no_experimental_note", table=EXPERIMENTAL_TABLE, year=year))
    return say("missing.experimental", remarks=" ".join(f"\u201c{t}\u201d" for t in remarks.text),
               release=rows.release.iloc[0], table=EXPERIMENTAL_TABLE)


@memo.kept
def _national(measure_name: str, placement: str) -> pd.DataFrame:
    frames = [extracts.missing()]
    tables = extracts.national_tables()
    frames.append(tables[tables.table == "G1"].assign(geographic_level="national", distance="all"))
    rows = []
    for frame in frames:
        frame = frame[(frame.geographic_level == "national") & (frame.measure == measure_name)
                      & (frame.placement == placement) & (frame.locality == "all")]
        if "distance" in frame:
            frame = frame[frame.distance == "all"]
        rows.append(frame[["year", "release", "source_file", "value", "status"]])
    return pd.concat(rows, ignore_index=True)


def _vintages(measure_name: str, placement: str, year: int) -> list[Vintage]:
    rows = _national(measure_name, placement)
    rows = rows[rows.year == year]
    if rows.empty:
        raise NotComputable(say("missing.no_figure", year=year, **_words(measure_name, placement)))
    vintages = {}
    for row in rows.itertuples():
        if row.status:
            continue
        value = float(row.value)
        low, high = count_interval(value)
        low_1, high_1 = count_interval(value, slack=1)
        key = (row.release, value)
        if key not in vintages:  # a release's underlying data and its national table can print the same figure
            vintages[key] = Vintage(row.release, published=extracts.release_date(row.release), value=value, low=low,
                                    high=high, low_1=low_1, high_1=high_1, source_file=row.source_file,
                                    first_publication=release_year(row.release) == year)
    if not vintages:
        raise NotComputable(say("missing.withheld", year=year, **_words(measure_name, placement)))
    return sorted(vintages.values(), key=lambda v: (v.published, v.release))


def _revision(measure_name: str, placement: str):
    rows = _national(measure_name, placement)
    return largest_revision(rows[rows.status == ""], unit=UNITS[measure_name])


@measure("missing_count")
def missing_count(claim, measure_name: str, year: str, placement: str = "all") -> Evidence:
    year = int(year)
    vintages = _vintages(measure_name, placement, year)
    latest = vintages[-1]
    return Evidence(
        claim.claim_id, revision=_revision(measure_name, placement), publisher=say("publishers.dfe"),
        period=say("periods.year_to", year=year), year=year,
        short=say("missing.count.short", year=year, short=entry(f"missing.short.{measure_name}"),
                  placement=entry(f"missing.placements.{placement}")), official_measure=say("missing.count.measure", year=year, **_words(measure_name, placement)),
        comparable=True, official_value=latest.value, official_low=latest.low, official_high=latest.high,
        official_low_1=latest.low_1, official_high_1=latest.high_1, unit=UNITS[measure_name],
        official_year=say("missing.count.year", year=year),
        vintages=vintages, source_file=latest.source_file, release=latest.release,
        first_published_in_files=any(v.first_publication for v in vintages),
        experimental=_experimental(year),
        filters=say("missing.count.filters", measure=measure_name, placement=placement),
        rounding=say("missing.count.rounding"),
        nearest=_points(measure_name, placement))


@measure("missing_change")
def missing_change(claim, measure_name: str, start: str, end: str, placement: str = "all") -> Evidence:
    """Change in a missing measure between two years (latest release of each): context for change claims."""
    start, end = int(start), int(end)
    a, b = (_vintages(measure_name, placement, y)[-1] for y in (start, end))
    return Evidence(
        claim.claim_id, official_measure=say("missing.change.measure", start=start, end=end,
                                             **_words(measure_name, placement)),
        comparable=True, official_value=100 * (b.value / a.value - 1), unit="percent", official_year=f"{start}-{end}",
        release=a.release if a.release == b.release else f"{a.release}; {b.release}",
        source_file=a.source_file, experimental=_experimental(start) or _experimental(end),
        publisher=say("publishers.dfe"), period=say("periods.change", start=start, end=end), year=end,
        rounding=say("missing.change.rounding"))


def _points(measure_name: str, placement: str) -> list[dict]:
    rows = _national(measure_name, placement)
    rows = rows[rows.status == ""].sort_values("release").groupby("year", as_index=False).last()
    name = say("missing.nearest", **_words(measure_name, placement))
    return [{"measure": name, "year": int(r.year), "value": float(r.value), "unit": UNITS[measure_name],
             "release": r.release} for r in rows.itertuples()]


@measure("over_20_miles_share")
def over_20_miles_share(claim, year: str) -> Evidence:
    """Share of ALL looked-after children placed over 20 miles from home at 31 March: children on one day, not
    missing incidents (context)."""
    year = int(year)
    frame = extracts.distance()
    rows = frame[(frame.geographic_level == "national") & (frame.placement == "all") & (frame.unit == "children")
                 & (frame.status == "") & (frame.year == year)]
    if rows.empty:
        raise NotComputable(say("missing.over_20_miles.no_figures", year=year))
    rows = rows[rows.release == rows.release.max()]
    over = rows[(rows.distance == "over_20_miles") & (rows.locality == "all")].value.sum()
    if not over:
        over = rows[rows.distance == "over_20_miles"].value.sum()
    total = rows[(rows.distance == "all") & (rows.locality == "all")].value
    if len(total) != 1 or not over:
        raise NotComputable(say("missing.over_20_miles.no_count", year=year))
    return Evidence(claim.claim_id, official_measure=say("missing.over_20_miles.measure", year=year),
                    comparable=True, official_value=100 * over / float(total.iloc[0]), unit="percent",
                    official_year=str(year), release=rows.release.iloc[0], source_file=rows.source_file.iloc[0],
                    rounding=say("missing.over_20_miles.rounding"))
