"""The releases the children's-homes series reads, with their publication dates.

The raw files do not carry their own publication dates: the EES data guidance files name the
reporting year but no date, and the SFR50/2017 workbook none. The dates below are those the
project records for each release (SFR50/2017: ../shared/raw/README.md, "published 28 September
2017"; the three EES releases: the date of first publication on explore-education-statistics as
recorded by the project lead). They are metadata, written to data/release_dates.csv so that code
reads them from data/ like every other fact.
"""

from dataclasses import dataclass

from .catalogue import load
from .write import csv_text, unique

COLUMNS = ["release", "publisher", "title", "published", "years", "date_source"]

_PROJECT = "project record of the release's first publication on explore-education-statistics; not stated in the raw files (the data guidance names the reporting year only)"
_SFR = "publication date on the release's gov.uk page, as recorded by the project; not stated in the raw files"
_TITLE = "Children looked after in England (including adoption and care leavers), year ending 31 March {}"
RELEASES = [
    ("SFR27/2010", "Department for Education", _TITLE.format(2010), "2010-09-30", "2010", _SFR),
    ("SFR21/2011", "Department for Education", _TITLE.format(2011), "2011-09-28", "2011", _SFR),
    ("SFR20/2012", "Department for Education", _TITLE.format(2012), "2012-09-25", "2012", _SFR),
    ("SFR36/2013", "Department for Education", _TITLE.format(2013), "2013-09-26", "2013", _SFR),
    ("SFR36/2014", "Department for Education", _TITLE.format(2014), "2014-09-30", "2014", _SFR),
    ("SFR34/2015", "Department for Education", _TITLE.format(2015), "2015-10-01", "2015", _SFR),
    ("SFR41/2016", "Department for Education", _TITLE.format(2016), "2016-09-29", "2016", _SFR),
    ("SFR50/2017", "Department for Education",
     "Children looked after in England (including adoption), year ending 31 March 2017 (SFR50/2017), national tables",
     "2017-09-28", "2013-2017", "../shared/raw/README.md: 'published 28 September 2017'"),
    ("CLA 2022 (EES)", "Department for Education",
     "Children looked after in England including adoptions, reporting year 2022", "2022-11-17", "2018-2022", _PROJECT),
    ("CLA 2023 (EES)", "Department for Education",
     "Children looked after in England including adoptions, reporting year 2023", "2023-12-14", "2019-2023", _PROJECT),
    ("CLA 2024 (EES)", "Department for Education",
     "Children looked after in England including adoptions, reporting year 2024", "2024-11-14", "2020-2024", _PROJECT),
]


@dataclass
class ReleaseRow:
    values: tuple[str, ...]
    sources: tuple = ()  # read from no raw file
    source: None = None

    @property
    def where(self) -> str:
        return f"releases.RELEASES, {self.values[0]}"


def extract(raw) -> list[ReleaseRow]:
    return [ReleaseRow(values) for values in RELEASES]


def to_csv(rows: list[ReleaseRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.values[3], r.values[0]))
    return csv_text(COLUMNS, [list(r.values) for r in unique(ordered, lambda r: r.values[0])])


# What data/release_dates.csv holds: metadata/release_dates.yml.
RESOURCE = load("release_dates")
