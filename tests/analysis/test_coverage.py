"""The book names releases and years from the data (issue 23, point 5): `data` in the words files, the same facts as
MyST substitutions in the notebooks' prose, and in the extracts' descriptions; a year range or list typed by hand that
reaches the latest year the data hold, which the next release will contradict, fails here."""

import json
import re
from pathlib import Path

import pytest

from sentaway.analysis import coverage, words
from sentaway.paths import REPO

# Where the book's words are written (README's "Where a sentence of the book is written"), and the project's README.
SOURCES = ["book/words/*.yml", "book/templates/*", "book/*.md", "book/pages/*.md", "sentaway/present/templates/*",
           "sentaway/extract/metadata/*.yml", "README.md"]
RANGE = re.compile(r"\b((?:19|20)\d\d)\s*(?:-|–|to)\s*((?:19|20)\d\d)\b")
LISTED = re.compile(r"\b((?:19|20)\d\d)((?:,\s*(?:19|20)\d\d)*)\s+and\s+((?:19|20)\d\d)\b")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def typed_years(text: str) -> list[tuple[str, int]]:
    """(what is written, its last year) for every year range ('2018-2024') and list of years ('2022, 2023 and 2024')
    written in prose (code is not prose)."""
    text = CODE.sub(" ", text)
    found = [(m.group(0), int(m.group(2))) for m in RANGE.finditer(text)]
    found += [(m.group(0), int(m.group(3))) for m in LISTED.finditer(text)]
    return found


def prose() -> dict[str, str]:
    texts = {}
    for pattern in SOURCES:
        for path in sorted(REPO.glob(pattern)):
            if path.is_file():
                texts[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8")
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[str(path.relative_to(REPO))] = "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return texts


def test_no_prose_types_a_range_or_list_of_years_the_next_release_will_contradict():
    last = coverage.data().last_year
    stale = [f"{name}: {written!r}" for name, text in prose().items() for written, end in typed_years(text) if end >= last]
    assert not stale, (f"year ranges or lists reaching {last}, the latest year in data/, typed by hand (name them from "
                       "the data: `data.ees_years` in book/words, {{ ees_years }} in a notebook's prose, "
                       "{{ ees_years }} or {{ years }} in an extract's metadata):\n" + "\n".join(stale))


def test_the_check_finds_a_typed_range_and_list_and_leaves_code_alone():
    assert typed_years("the releases to 2022, 2023 and 2024 (2018-2024)") == [("2018-2024", 2024),
                                                                              ("2022, 2023 and 2024", 2024)]
    assert typed_years("the releases to 2022 and 2023, from 2013 to 2017") == [("2013 to 2017", 2017),
                                                                              ("2022 and 2023", 2023)]
    assert typed_years("`dfe-cla-ees-to-2024` and ```\n2018-2024\n```") == []


def test_the_releases_and_years_come_from_data_release_dates():
    data = coverage.data()
    ees = [r for r in data.releases if coverage.kind(r.label) == "EES"]
    assert data.ees_years == coverage.listed(r.last for r in ees)
    assert data.ees_span == f"{min(r.first for r in ees)}-{max(r.last for r in ees)}"
    assert data.last_year == max(r.last for r in data.releases)
    assert words.say("revisions_charts", "source").count(data.ees_years) == 1


@pytest.mark.parametrize("years, expected", [([2024], "2024"), ([2018, 2020, 2024], "2018-2024")])
def test_span(years, expected):
    assert coverage.span(years) == expected
