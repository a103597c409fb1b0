"""Every release of each series the register reads, in the files or not (data/release_calendar.csv, written by hand,
described and checked by data/release_calendar.yml beside it), and which release was current on a day.

The release current on a day is the latest one published by then that gives the year asked about (for a snapshot
series, the latest list whatever its day). A release whose publication date was not found is never taken as current;
where it could already have been out (its figures are for a day before the claim), it is named as such, so the
register says so rather than leaning either way.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache

import yaml

from sentaway.extract.validate import SchemaError, validate_resource
from sentaway.paths import data_file

NAME = "release_calendar"


class CalendarError(ValueError):
    """data/release_calendar.csv is missing or does not match its description: the message names file, line, column."""


@dataclass(frozen=True)
class Release:
    series: str
    release: str
    title: str
    reference_date: str     # ISO: the day its figures are for
    first_year: int
    last_year: int
    published: str          # ISO, '' where not known
    in_files: bool
    date_source: str

    def gives(self, year: int | None) -> bool:
        return year is None or self.first_year <= year <= self.last_year


@dataclass(frozen=True)
class Day:
    """What the record says about one series on the day a claim was made."""

    current: Release | None          # the latest release known to have been published by then
    maybe: tuple[Release, ...] = ()  # later releases that could already have been out (date not known, or the
                                     # claim's date too vague to tell)


@lru_cache(maxsize=None)
def _spec(text: str) -> dict:
    return yaml.safe_load(text)


def spec() -> dict:
    """data/release_calendar.yml: the file's fields (a Table Schema) and its series."""
    path = data_file(f"{NAME}.yml")
    if not path.is_file():
        raise CalendarError(f"data/{path.name}: missing (the description of data/{NAME}.csv)")
    return _spec(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _table(text: str) -> tuple[Release, ...]:
    description = spec()
    try:
        validate_resource({"path": f"data/{description['path']}", "schema": {"fields": description["fields"],
                                                                           "primaryKey": description["primaryKey"]}}, text)
    except SchemaError as error:
        raise CalendarError(str(error)) from None
    rows = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text, newline="")), start=2):
        first, _, last = row["years"].partition("-")
        release = Release(row["series"], row["release"], row["title"], row["reference_date"], int(first),
                          int(last or first), row["published"], row["in_files"] == "yes", row["date_source"])
        if release.published and release.published < release.reference_date:
            raise CalendarError(f"data/{description['path']}, line {line}, column published: {release.published} is "
                                f"before the day its figures are for ({release.reference_date})")
        rows.append(release)
    return tuple(rows)


def releases(series: str | None = None) -> list[Release]:
    """The record's releases (of one series), oldest figures first."""
    path = data_file(spec()["path"])
    if not path.is_file():
        raise CalendarError(f"data/{path.name}: missing (it is written by hand; see data/{NAME}.yml)")
    rows = [r for r in _table(path.read_text(encoding="utf-8")) if series is None or r.series == series]
    return sorted(rows, key=lambda r: (r.reference_date, r.published, r.release))


def series_info(series: str) -> dict:
    """{publisher, kind} of a series (kind: 'revised' or 'snapshot')."""
    return spec()["series"][series]


def find(release: str) -> Release | None:
    return next((r for r in releases() if r.release == release), None)


def _span(said: str) -> tuple[str, str]:
    """A claim's date as the first and last day it may be: '2018-05-08' -> both; '2012' -> 1 January to 31 December."""
    said = str(said)
    if len(said) >= 10:
        return said[:10], said[:10]
    return f"{said[:4]}-01-01", f"{said[:4]}-12-31"


def public(release: Release, said: str) -> str:
    """'yes', 'no' or 'maybe': was the release public on the claim's date? A release comes out after the day its
    figures are for; one whose date is not known may have been out once that day has passed."""
    first, last = _span(said)
    if release.reference_date >= last:
        return "no"
    if not release.published:
        return "maybe"
    if release.published <= first:
        return "yes"
    return "no" if release.published > last else "maybe"


def on_day(series: str, said: str, year: int | None = None, table: list[Release] | None = None) -> Day:
    """The release of `series` current on the claim's date `said` for figures of `year` (None: any, as for a snapshot
    series), and the later ones that may already have been out."""
    rows = [r for r in (table if table is not None else releases(series)) if r.series == series and r.gives(year)]
    sure = [r for r in rows if public(r, said) == "yes"]
    current = max(sure, key=lambda r: (r.published, r.reference_date)) if sure else None
    maybe = tuple(r for r in rows if public(r, said) == "maybe"
                  and (current is None or r.reference_date > current.reference_date))
    return Day(current, maybe)


def day_words(iso: str) -> str:
    """'2017-08-31' -> '31 August 2017'."""
    date = dt.date.fromisoformat(iso[:10])
    return f"{date.day} {date.strftime('%B %Y')}"
