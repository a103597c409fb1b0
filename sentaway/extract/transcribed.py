"""The hand-transcribed files (../shared/transcribed/): fingerprinted and checked against themselves before make data
reads a figure of them, as the raw files are checked against MANIFEST.csv.

Their checksums are in the repository, sentaway/extract/transcribed.csv (the raw manifest's columns), because
../shared is the official files' place and read-only to the project, and because a transcribed figure was checked
against its source when it was typed: an edited figure must come with its new checksum in a commit that says why, as
a new official file comes with its manifest row. (data/datapackage.json records what a run read; this file says what
may be read.)

Consistency: each count of placement_location_2015_2016.csv against the percentage printed beside it (within the
rounding of both counts to the nearest 10), and each value of claim_sources.csv against the quote it was read in.
"""

import re
from pathlib import Path

from sentaway.raw.files import RawDataError, read_manifest, sha256_of

MANIFEST = Path(__file__).parent / "transcribed.csv"
MANIFEST_NAME = "sentaway/extract/transcribed.csv"
ROUNDING = 5  # counts are rounded to the nearest 10: each is within 5 of the count its percentage was computed from
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def verified(path: Path) -> Path:
    """`path` (a transcribed file), after checking that its sha256 is the one recorded for it."""
    entries = read_manifest(MANIFEST)
    if path.name not in entries:
        raise RawDataError(f"{path}: not listed in {MANIFEST_NAME}; record its path, bytes and sha256 there")
    if not path.is_file():
        raise RawDataError(f"{path}: transcribed figures missing")
    found, recorded = sha256_of(path), entries[path.name].sha256
    if found != recorded:
        raise RawDataError(f"{path}: sha256 {found} is not the {recorded} recorded in {MANIFEST_NAME}: a transcribed "
                           "figure was changed; check it against its source, then record the new sha256 there")
    return path


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def shares_agree(path: Path, rows: list[tuple[int, dict]], totals: dict) -> None:
    """Each row's printed percentage is its count's share of its location's total, within the rounding of both counts
    and of the percentage itself. The total of a location in a year is the `totals['group']` row at that location; that
    group's own rows are shares of the `totals['location']` row (or, in a year without one, of its locations' sum)."""
    counts = {(item["time_period"], item["placement_group"], item["location"]): int(item["number"]) for _, item in rows}
    for line, item in rows:
        year, group, location = item["time_period"], item["placement_group"], item["location"]
        if group == totals["group"]:
            total = counts.get((year, group, totals["location"]))
            parts = 1 if total is not None else sum(1 for (y, g, place) in counts if (y, g) == (year, group))
            total = total if total is not None else sum(n for (y, g, _), n in counts.items() if (y, g) == (year, group))
        else:
            total, parts = counts.get((year, totals["group"], location)), 1
        where = f"{path}, line {line}, column percentage_of_location_total"
        if total is None:
            raise RawDataError(f"{where}: no count of {totals['group']!r} at {location!r} in {year} to check it against")
        count, printed = int(item["number"]), item["percentage_of_location_total"]
        slack = 0.5 * 10 ** -_decimals(printed)
        low = 100 * max(count - ROUNDING, 0) / (total + ROUNDING * parts) - slack
        high = 100 * (count + ROUNDING) / max(total - ROUNDING * parts, 1) + slack
        if not low <= float(printed) <= high:
            raise RawDataError(f"{where}: {printed}% is not {count:,} of {total:,} (that is {100 * count / total:.2f}%, "
                               "with the rounding of both counts)")


def _forms(value: str) -> list[str]:
    """The ways a figure may be printed in a sentence: as typed, with thousands separators, or as a word."""
    forms = [value]
    if re.fullmatch(r"[0-9]+", value):
        forms.append(f"{int(value):,}")
        if int(value) < len(NUMBER_WORDS):
            forms.append(NUMBER_WORDS[int(value)])
    return forms


def _pattern(form: str) -> str:
    """A figure standing alone: not part of a longer number (nor, for a word, of a longer word)."""
    return rf"\b{form}\b" if form.isalpha() else rf"(?<![0-9.,]){re.escape(form)}(?![0-9])"


def values_in_quotes(path: Path, rows: list[tuple[int, dict]]) -> None:
    """Each printed figure of claim_sources.csv is in the quote it was read in (a typo in either stops make data)."""
    for line, item in rows:
        if not any(re.search(_pattern(form), item["quote"], re.I) for form in _forms(item["value"])):
            raise RawDataError(f"{path}, line {line}, column value: {item['value']!r} is not in the row's quote")
