"""One way of writing numbers (sentaway/analysis/numbers.py), and no raw output on any built page."""

import re
from html.parser import HTMLParser

import pytest

from sentaway.analysis import numbers
from sentaway.present.tables import shown


@pytest.mark.parametrize("value, expected", [
    (2014, "2014"), (2014.0, "2014"), ("2015-2017", "2015-2017"), (None, "–"), (float("nan"), "–")])
def test_years_never_take_a_thousands_separator(value, expected):
    assert numbers.year(value) == expected


@pytest.mark.parametrize("function, value, expected", [
    (numbers.count, 23560.0, "23,560"), (numbers.count, 2014, "2,014"),
    (numbers.percent, 54.51168, "54.5%"), (numbers.percent, 24.0, "24%"), (numbers.percent, 23.50, "23.5%"),
    (lambda v: numbers.number(v, 1), 59.166667, "59.2"), (numbers.number, 10.0, "10"),
    (numbers.money, 1.028e9, "£1 bn"), (numbers.money, 174533.2, "£174,533"),
    (numbers.p_value, 0.00001, "p < 0.001"), (numbers.p_value, 0.0, "p < 0.001"), (numbers.p_value, 0.0312, "p = 0.031"),
    (numbers.p_value, 0.05, "p = 0.05"), (numbers.yes_no, True, "yes"), (numbers.yes_no, False, "no"),
])
def test_each_kind_of_number_is_written_one_way(function, value, expected):
    assert function(value) == expected


def test_tables_write_years_p_values_booleans_and_gaps_as_words():
    import pandas as pd

    frame = pd.DataFrame({"year": [2012.0, 2013.0], "p_value": [0.00001, 0.0312], "estimate": [23560.0, 10.5],
                          "in_window": [True, False], "share": [59.166667, None]})
    cells = shown(frame, 1)
    assert list(cells["year"]) == ["2012", "2013"]
    assert list(cells["p value"]) == ["p < 0.001", "p = 0.031"]
    assert list(cells["estimate"]) == ["23,560", "10.5"]
    assert list(cells["in window"]) == ["yes", "no"]
    assert list(cells["share"]) == ["59.2", "–"]


class _Text(HTMLParser):
    """Visible text of a page (no scripts, styles or code), and each table's header and cell texts."""

    SKIP = {"script", "style", "pre", "code", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.text: list[str] = []
        self.tables: list[dict] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "table":
            self.tables.append({"head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th") and self.cell is not None and self.tables:
            text = " ".join("".join(self.cell).split())
            table = self.tables[-1]
            if tag == "th" and len(table["rows"]) <= 1:
                table["head"].append(text)
            elif table["rows"]:
                table["rows"][-1].append(text)
            self.cell = None

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def _pages(site):
    return [p for p in sorted(site.rglob("*.html")) if "_static" not in p.relative_to(site).parts
            and p.name not in ("genindex.html", "search.html")]


RAW_WORDS = {"True", "False", "nan", "NaN", "None", "<NA>", "NaT", "null"}
LONG_DECIMAL = re.compile(r"(?<![\w.])\d[\d,]*\.\d{5,}\b")  # more decimals than any table states (at most 4)
PADDED = re.compile(r"^-?[\d,]+\.\d*0%?$")  # "23,560.000", "40.0": trailing zeros
YEAR_WITH_COMMA = re.compile(r"(?:\b(?:in|since|from|to|between|and|of|March|year|ending)\s+|[–-])(?:19|20),?\d{3}\b")


def test_no_page_shows_raw_output(site):
    problems = []
    for page in _pages(site):
        parser = _Text()
        parser.feed(page.read_text(encoding="utf-8"))
        rel = page.relative_to(site).as_posix()
        text = " ".join(" ".join(parser.text).split())
        for match in LONG_DECIMAL.finditer(text):
            problems.append(f"{rel}: a float with more than the stated precision: {match.group(0)!r}")
        for match in YEAR_WITH_COMMA.finditer(text):
            if "," in match.group(0):
                problems.append(f"{rel}: a year with a thousands separator: {match.group(0)!r}")
        for table in parser.tables:
            years = [i for i, name in enumerate(table["head"]) if re.search(r"\byear\b", name, re.I)]
            labels = {i for i, name in enumerate(table["head"]) if re.search(r"\bversion\b", name, re.I)}  # "3.20" is a name
            for row in table["rows"]:
                for i, cell in enumerate(row):
                    if i in labels:
                        continue
                    if cell in RAW_WORDS:
                        problems.append(f"{rel}: raw value {cell!r} in a table ({table['head'][i] if i < len(table['head']) else '?'})")
                    elif PADDED.match(cell):
                        problems.append(f"{rel}: trailing zeros {cell!r} in a table")
                    elif i in years and re.search(r"\d,\d", cell):
                        problems.append(f"{rel}: year written {cell!r}")
    assert not problems, f"{len(problems)} raw number(s) on the pages:\n" + "\n".join(sorted(set(problems))[:60])
