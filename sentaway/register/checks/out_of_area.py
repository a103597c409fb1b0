"""Claims about children in children's homes placed outside their council ("out of area"): the one
children's-homes series (sentaway.analysis.homes_series), every release that gives each year."""

import re

import pandas as pd

from sentaway.analysis import homes_series, out_of_area
from sentaway.read.extracts import NotComputable
from sentaway.register.verdicts import Evidence, Vintage
from sentaway.register.checks import change_interval, count_interval, largest_revision, measure, say, share_interval

SERIES = "dfe_cla"  # the series of data/release_calendar.csv these figures belong to
# The series' columns a reading can name; each one's description is in book/words/checks.yml (out_of_area.locality).
UNITS = {"share_outside": "percent", "outside": "children", "all": "children", "inside": "children"}


def release_year(release: str) -> int | None:
    """The reporting year a release is for: the year its label names ('SFRnn/YYYY' or 'CLA YYYY (EES)')."""
    found = re.search(r"(\d{4})", release)
    return int(found.group(1)) if found else None


def _rows(year: int) -> pd.DataFrame:
    table = homes_series.by_release()
    rows = table[(table.year == year)]
    if rows.empty:
        have = sorted(table.year.unique())
        raise NotComputable(say("out_of_area.no_year", definition=homes_series.DEFINITION, year=year,
                                first=have[0], last=have[-1]))
    return rows.sort_values(["published", "release"])


def _vintage(row, column: str) -> Vintage:
    if row.status or pd.isna(row.outside) or pd.isna(row.inside):
        raise NotComputable(say("out_of_area.withheld", release=row.release, year=row.year, status=row.status))
    outside, inside = float(row.outside), float(row.inside)
    if column == "share_outside":
        low, high = share_interval(outside, inside)
        low_1, high_1 = share_interval(outside, inside, slack=1)
        value = 100 * outside / (outside + inside)
    else:
        value = float(getattr(row, column))
        low, high = count_interval(value)
        low_1, high_1 = count_interval(value, slack=1)
    return Vintage(row.release, published=row.published, value=value, low=low, high=high, low_1=low_1, high_1=high_1,
                   source_file=row.source_file, first_publication=release_year(row.release) == int(row.year))


def series_revision(column: str):
    """The largest revision of the series' column between the releases in the files (its tolerance)."""
    frame = homes_series.by_release()
    rows = frame[frame.status == ""][["year", "release", column]].rename(columns={column: "value"})
    return largest_revision(rows.astype({"value": float}), points=column == "share_outside",
                            unit="percent" if column == "share_outside" else "children")


@measure("homes_locality")
def homes_locality(claim, year: str, column: str) -> Evidence:
    year = int(year)
    vintages = [_vintage(row, column) for row in _rows(year).itertuples()]
    latest = vintages[-1]
    return Evidence(
        claim.claim_id, revision=series_revision(column), publisher=say("publishers.dfe"), series=SERIES,
        period=say("periods.census", year=year), year=year, official_measure=say(f"out_of_area.locality.measure.{column}",
                                             definition=homes_series.DEFINITION, year=year), comparable=True,
        official_value=latest.value, official_low=latest.low, official_high=latest.high,
        official_low_1=latest.low_1, official_high_1=latest.high_1, unit=UNITS[column], official_year=str(year),
        vintages=vintages, source_file=latest.source_file, release=latest.release,
        first_published_in_files=any(v.first_publication for v in vintages),
        filters=say("out_of_area.locality.filters", definition=homes_series.DEFINITION,
                    column=column.replace("_", " ")),
        rounding=say("out_of_area.locality.rounding", share=column == "share_outside"),
        nearest=_series_points(column))


@measure("homes_change")
def homes_change(claim, start: str, end: str) -> Evidence:
    """Change in the number placed outside between two years, each from its headline release."""
    start, end = int(start), int(end)
    first, last = (_rows(y).iloc[-1] for y in (start, end))
    a, b = float(first.outside), float(last.outside)
    low, high = change_interval(a, b)
    low_1, high_1 = change_interval(a, b, slack=1)
    release = first.release if first.release == last.release else f"{first.release}; {last.release}"
    return Evidence(
        claim.claim_id, revision=_change_revision(a, b), publisher=say("publishers.dfe"), series=SERIES,
        period=say("periods.change", start=start, end=end), year=end, official_measure=say("out_of_area.change.measure", definition=homes_series.DEFINITION,
                                             start=start, end=end),
        comparable=True, official_value=100 * (b / a - 1), official_low=low, official_high=high,
        official_low_1=low_1, official_high_1=high_1, unit="percent", official_year=f"{start}-{end}",
        source_file=f"{first.source_file}; {last.source_file}" if first.source_file != last.source_file else first.source_file,
        release=release, first_published_in_files=bool(release_year(last.release) == end),
        caveat=say("out_of_area.change.caveat") if first.release != last.release else "",
        rounding=say("out_of_area.change.rounding"),
        nearest=_series_points("outside"))


def _change_revision(start: float, end: float):
    """A change between two counts of the series, each revised by up to the series' largest revision r: the
    change moves by up to (end / start) x ((1 + r) / (1 - r) - 1), in percentage points."""
    count = series_revision("outside")
    if count is None:
        return None
    r = count.size / 100
    size = 100 * (end / start) * ((1 + r) / (1 - r) - 1)
    return type(count)(size, True, count.year, count.first_release, count.last_release, count.first_value,
                       count.last_value, unit="children")


def _series_points(column: str) -> list[dict]:
    table = homes_series.headline()
    name = say("out_of_area.nearest", definition=homes_series.DEFINITION, share=column == "share_outside")
    return [{"measure": name, "year": int(r.year),
             "value": float(r.share_outside if column == "share_outside" else r.outside),
             "unit": "percent" if column == "share_outside" else "children", "release": r.release}
            for r in table.itertuples() if pd.notna(r.outside)]


@measure("all_children_share")
def all_children_share(claim, year: str) -> Evidence:
    """Share of ALL looked-after children placed outside the boundary: a proxy, never the claim's measure."""
    year = int(year)
    table = out_of_area.all_children_by_locality()
    rows = table[table.year == year]
    if rows.empty:
        raise NotComputable(say("out_of_area.all_children.no_split", year=year))
    row = rows.iloc[-1]
    low, high = share_interval(float(row.outside), float(row.inside))
    return Evidence(claim.claim_id, official_measure=say("out_of_area.all_children.measure", year=year), comparable=True,
                    publisher=say("publishers.dfe"), period=say("periods.census", year=year), year=year, series=SERIES,
                    official_value=float(row.share_outside), official_low=low, official_high=high, unit="percent",
                    official_year=str(year), release=row.release, source_file="data/cla_placements.csv",
                    rounding=say("out_of_area.all_children.rounding"))
