"""The two hand-made files about councils, checked for shape before anything uses them (data/councils.md describes
them): data/council_changes.csv, the reorganisations that gave a council a new ONS code, and data/claim_councils.csv,
which claims of the register are about a council or were said by the MP for a constituency in it. A malformed row
stops with the file, line, column and value."""

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from sentaway.paths import data_file
from sentaway.read import claims

CODE = re.compile(r"E(06|08|09|10)[0-9]{6}")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CHANGES = ["date", "before_code", "before_name", "after_code", "after_name", "area", "what", "source", "url", "url_title"]
AREAS = ("changed", "unchanged")
LINKS = ["match", "value", "council_code", "relation", "note"]
MATCHES = ("claim_id", "speaker", "outlet")
RELATIONS = ("about", "mp")


class CouncilsError(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    """One council code replaced by another on a date: `area` says whether the area changed with it."""

    date: str
    before_code: str
    before_name: str
    after_code: str
    after_name: str
    area: str
    what: str
    source: str
    url: str
    url_title: str


@dataclass(frozen=True)
class Link:
    """Claims matched by one column's value, and the council they belong to (relation: about it, or said by its MP)."""

    match: str
    value: str
    council_code: str
    relation: str
    note: str


def _rows(name: str, columns: list[str]) -> list[tuple[int, dict]]:
    path = data_file(name)
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        if header != columns:
            raise CouncilsError(f"data/{name}, line 1: columns {header} where {columns} are expected")
        rows = []
        for line, row in enumerate(reader, start=2):
            if len(row) != len(columns):
                raise CouncilsError(f"data/{name}, line {line}: {len(row)} fields where the header has {len(columns)}")
            rows.append((line, dict(zip(columns, row))))
    return rows


def _check(name: str, line: int, column: str, value: str, ok: bool, expected: str) -> None:
    if not ok:
        raise CouncilsError(f"data/{name}, line {line}, column {column}: {value!r} is not {expected}")


@lru_cache(maxsize=None)
def changes() -> tuple[Change, ...]:
    """data/council_changes.csv, oldest first."""
    name, found = "council_changes.csv", []
    for line, row in _rows(name, CHANGES):
        _check(name, line, "date", row["date"], bool(DATE.fullmatch(row["date"])), "a date (YYYY-MM-DD)")
        for column in ("before_code", "after_code"):
            _check(name, line, column, row[column], bool(CODE.fullmatch(row[column])), "a council's ONS code (E06, E08, E09 or E10)")
        _check(name, line, "area", row["area"], row["area"] in AREAS, f"one of {', '.join(AREAS)}")
        _check(name, line, "url", row["url"], row["url"].startswith("https://"), "an https address")
        for column in ("before_name", "after_name", "what", "source", "url_title"):
            _check(name, line, column, row[column], bool(row[column].strip()), "text")
        found.append(Change(**row))
    return tuple(sorted(found, key=lambda c: (c.date, c.before_code, c.after_code)))


@lru_cache(maxsize=None)
def links() -> tuple[Link, ...]:
    """data/claim_councils.csv: each row's claims must be in the register (data/claims.csv)."""
    name, found = "claim_councils.csv", []
    register = claims.load()
    for line, row in _rows(name, LINKS):
        _check(name, line, "match", row["match"], row["match"] in MATCHES, f"one of {', '.join(MATCHES)}")
        _check(name, line, "council_code", row["council_code"], bool(CODE.fullmatch(row["council_code"])),
               "a council's ONS code (E06, E08, E09 or E10)")
        _check(name, line, "relation", row["relation"], row["relation"] in RELATIONS, f"one of {', '.join(RELATIONS)}")
        _check(name, line, "value", row["value"], (register[row["match"]] == row["value"]).any(),
               f"the {row['match']} of any claim in data/claims.csv")
        found.append(Link(**row))
    return tuple(found)


def claim_councils(claim) -> list[tuple[str, str]]:
    """(council code, relation) for one claim (a row of data/claims.csv or of the register), each council once: a claim
    about a council is linked as about it even where its speaker is the council's MP too."""
    found: dict[str, str] = {}
    for link in links():
        if str(getattr(claim, link.match, "")) == link.value:
            if found.get(link.council_code) != "about":
                found[link.council_code] = link.relation
    return sorted(found.items())
