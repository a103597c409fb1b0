"""The releases the children's-homes series reads, with their publication dates.

The raw files do not carry their own publication dates: the EES data guidance files name the
reporting year but no date, and the SFR50/2017 workbook none. The dates are those the project
records for each release, kept as data in releases.yml beside this module (each with where it comes
from). They are metadata, written to data/release_dates.csv so that code reads them from data/ like
every other fact.
"""

from dataclasses import dataclass
from pathlib import Path

import yaml

from .catalogue import load
from .write import csv_text, unique

COLUMNS = ["release", "publisher", "title", "published", "years", "date_source"]
LIST = Path(__file__).with_name("releases.yml")


@dataclass
class ReleaseRow:
    values: tuple[str, ...]
    sources: tuple = ()  # read from no raw file
    source: None = None

    @property
    def where(self) -> str:
        return f"sentaway/extract/releases.yml, {self.values[0]}"


def extract(raw) -> list[ReleaseRow]:
    """releases.yml's rows, each exactly COLUMNS, every value text (a date left unquoted would be read as a date)."""
    rows = []
    for entry in yaml.safe_load(LIST.read_text(encoding="utf-8")):
        if list(entry) != COLUMNS or not all(isinstance(value, str) for value in entry.values()):
            raise ValueError(f"sentaway/extract/releases.yml, {entry.get('release')!r}: expected the text values "
                             f"{', '.join(COLUMNS)}, in that order; found {entry}")
        rows.append(ReleaseRow(tuple(entry.values())))
    return rows


def to_csv(rows: list[ReleaseRow]) -> str:
    ordered = sorted(rows, key=lambda r: (r.values[3], r.values[0]))
    return csv_text(COLUMNS, [list(r.values) for r in unique(ordered, lambda r: r.values[0])])


# What data/release_dates.csv holds: metadata/release_dates.yml.
RESOURCE = load("release_dates")
