"""Section 251 outturn: local authority spending on children looked after, 2008-09 to 2013-14.

Six files (`dfe-s251-outturn/outturn_0809.csv` .. `outturn_1314.csv`), one row per local authority
and spending line, one column per kind of spending. Their layout changes from year to year:
- 2008-09: no line-number column, the number is written at the start of the label ('5 Residential
  care'); provider columns PRIVATE (x), VOLUNTARY (y), PUBLIC (z); 150 authorities (Bedfordshire and
  Cheshire before their April 2009 split).
- 2009-10 and 2010-11: a Line column; provider columns Own Provision (y), Private (z(i)), Other
  Public (z(ii)), Voluntary (z(iii)); 152 authorities; 2010-11 adds ReturnStatus.
- 2011-12 to 2013-14: CamelCase headers (LineNumber, CYPServiceDescription, TotalExpenditure...),
  missing cells printed NULL in 2011-12; 2012-13 and 2013-14 add ReportGroup and number the labels.
The line numbers move every year (residential care is line 5, 5, 9, 4, 5, 6). Each kept line is
found by its label, and its line number is checked against the one expected for the year: a label
or number that does not match stops with the file and the label named.

Units: pounds (£), not £ thousands. No metadata document comes with the files and the headers do
not state a unit; the values are read as £ because they carry pence (e.g. 3138033.41) and because
the national sum of residential care is about £1 billion, the order of magnitude DfE's published
s251 tables give. Values are written as the file has them (unit 'GBP').

Kept: the lines residential care, fostering services, other children looked after services and
the total for children looked after, and the columns total expenditure (k), income (l), net current
expenditure (m) and the split of expenditure by provider. Not kept: government grants and LEA net
revenue expenditure columns, and every other service line.

National figures are computed here (the files have no national row): the sum over local
authorities of each line and column. A cell that is empty (or NULL) is never taken as 0: the
national row holds the sum of the known values, and a second row (measure `<measure>_las_unknown`,
unit local_authorities) the number of authorities whose value was unknown.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sentaway.raw.files import RawDataError, RawFiles
from sentaway.raw.suppression import CODES, parse_cell, CellError
from .catalogue import load
from .tidy import Source
from .write import csv_text, LEVEL_ORDER, unique

COLUMNS = [
    "financial_year", "year_ending_march", "source_file", "release", "geographic_level", "area_code",
    "old_la_code", "area_name", "line", "line_label", "measure", "value", "status", "unit",
]

FILES = {
    # year ending March: file
    2009: "dfe-s251-outturn/outturn_0809.csv",
    2010: "dfe-s251-outturn/outturn_0910.csv",
    2011: "dfe-s251-outturn/outturn_1011.csv",
    2012: "dfe-s251-outturn/outturn_1112.csv",
    2013: "dfe-s251-outturn/outturn_1213.csv",
    2014: "dfe-s251-outturn/outturn_1314.csv",
}

_OLD = {"la": "LEA Number:", "name": "LA Name:", "number": None, "label": "S52 Line Reference:"}
_MID = {"la": "LA", "name": "LA Name", "number": "Line", "label": "S52 Line Reference"}
_NEW = {"la": "LA", "name": "LA Name", "number": "LineNumber", "label": "CYPServiceDescription"}
# year -> identifying columns (number None: the line number is the label's prefix)
IDENTITY = {2009: _OLD, 2010: dict(_MID, la="LEA", name="LEA Name"), 2011: _MID, 2012: _NEW, 2013: _NEW, 2014: _NEW}

_OLD_MEASURES = {
    "private": "PRIVATE (x)", "voluntary": "VOLUNTARY (y)", "public": "PUBLIC (z)",
    "total_expenditure": "TOTAL EXPENDITURE (k)", "income": "INCOME (l)",
    "net_current_expenditure": "NET Current Expenditure (m)",
}
_MID_MEASURES = {
    "own_provision": "Own Provision (y)", "private": "Private (z(i))", "other_public": "Other Public (z(ii))",
    "voluntary": "Voluntary (z(iii))", "total_expenditure": "Total Expenditure (k)", "income": "Income (l)",
    "net_current_expenditure": "NET Current Expenditure (m)",
}
_NEW_MEASURES = {
    "own_provision": "OwnProvision", "private": "PrivateProvision", "other_public": "OtherPublic",
    "voluntary": "Voluntary", "total_expenditure": "TotalExpenditure", "income": "Income",
    "net_current_expenditure": "NetCurrentExpenditure",
}
# year -> {measure: column}
MEASURES = {2009: _OLD_MEASURES, 2010: _MID_MEASURES, 2011: _MID_MEASURES,
            2012: _NEW_MEASURES, 2013: _NEW_MEASURES, 2014: _NEW_MEASURES}
MEASURE_ORDER = ["total_expenditure", "income", "net_current_expenditure",
                 "own_provision", "public", "other_public", "private", "voluntary"]

# year -> {line slug: (line number, label without its number, whitespace collapsed, lower case)}
LINES = {
    2009: {"residential_care": (5, "residential care"), "fostering_services": (6, "fostering services"),
           "other_cla_services": (7, "other children looked after services"),
           "total_cla": (14, "total children looked after")},
    2010: {"residential_care": (5, "residential care"), "fostering_services": (6, "fostering services"),
           "other_cla_services": (7, "other children looked after services"),
           "total_cla": (17, "total children looked after")},
    2011: {"residential_care": (9, "residential care"), "fostering_services": (10, "fostering services"),
           "other_cla_services": (11, "other children looked after services"),
           "total_cla": (19, "total children looked after")},
    2012: {"residential_care": (4, "residential care"), "fostering_services": (5, "fostering services"),
           "other_cla_services": (6, "other children looked after services"),
           "total_cla": (12, "total children looked after")},
    2013: {"residential_care": (5, "residential care"), "fostering_services": (6, "fostering services"),
           "other_cla_services": (9, "other children looked after"),
           "total_cla": (15, "total children looked after")},
    2014: {"residential_care": (6, "residential care"), "fostering_services": (7, "fostering services"),
           "other_cla_services": (10, "other children looked after services"),
           "total_cla": (16, "total children looked after")},
}
LINE_ORDER = ["residential_care", "fostering_services", "other_cla_services", "total_cla"]

# Statuses beyond the suppression symbols: cells these files leave without a number (their meanings are in
# metadata/s251_spend.yml, field status).
BLANK_STATUSES = {"": "blank", "null": "NULL"}
NATIONAL = ("E92000001", "England")
_NUMBER_PREFIX = re.compile(r"^\s*(\d+)\s*")


def financial_year(year_ending_march: int) -> str:
    return f"{year_ending_march - 1}-{year_ending_march % 100:02d}"


def _release(year: int) -> str:
    return f"S251 outturn {financial_year(year)}"


def parse_money(text: str, where: str) -> tuple[Decimal | None, str]:
    """(value in £, status): a number exactly as written, else the symbol or 'blank' / 'NULL'; never 0."""
    token = (text or "").strip()
    if token.lower() in BLANK_STATUSES:
        return None, BLANK_STATUSES[token.lower()]
    try:
        number, status = parse_cell(token, where)
    except CellError as error:
        raise RawDataError(str(error)) from None
    if status:
        return None, status
    try:
        return Decimal(token.replace(",", "")), ""
    except InvalidOperation:
        raise RawDataError(f"{where}: {text!r} is not a number") from None


@dataclass
class SpendRow:
    year_ending_march: int
    source: Source
    geographic_level: str
    area_code: str
    old_la_code: str
    area_name: str
    line: str
    line_label: str
    measure: str
    unit: str
    value: Decimal | None
    status: str
    where: str
    financial_year: str = field(init=False)

    def __post_init__(self):
        self.financial_year = financial_year(self.year_ending_march)

    def key(self) -> tuple:
        return (self.financial_year, self.source.file, self.geographic_level, self.area_code, self.old_la_code,
                self.area_name, self.line, self.measure)


def _norm(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split()).lower()


def _records(raw: RawFiles, rel: str, required: list[str]) -> list[dict[str, str]]:
    header, rows = raw.rows(rel)
    missing = [name for name in required if name not in header]
    if missing:
        raise RawDataError(
            f"{rel}: expected column(s) {', '.join(missing)} not found; the header has {', '.join(header)}"
        )
    return [dict(zip(header, row)) for row in rows]


def la_rows(raw: RawFiles, year: int) -> list[SpendRow]:
    data_file = FILES[year]
    source = Source(data_file, _release(year))
    ident, measures, lines = IDENTITY[year], MEASURES[year], LINES[year]
    required = [c for c in ident.values() if c] + list(measures.values())
    records = _records(raw, data_file, required)
    by_label = {label: (slug, number) for slug, (number, label) in lines.items()}
    rows: list[SpendRow] = []
    found: dict[str, set[str]] = defaultdict(set)  # LA -> lines found
    names: dict[str, str] = {}
    for line, item in enumerate(records, start=2):
        where = f"{data_file}, line {line}"
        verbatim = item[ident["label"]].strip()
        prefix = _NUMBER_PREFIX.match(verbatim)
        label = _norm(verbatim[prefix.end():] if prefix else verbatim)
        if label not in by_label:
            continue
        slug, expected_number = by_label[label]
        number_text = item[ident["number"]].strip() if ident["number"] else (prefix.group(1) if prefix else "")
        if number_text != str(expected_number):
            raise RawDataError(
                f"{where}: line {verbatim!r} is numbered {number_text!r}, expected {expected_number} "
                f"(column {ident['number'] or ident['label']}); the line layout has changed"
            )
        la = item[ident["la"]].strip()
        if not re.fullmatch(r"\d{3}", la):
            raise RawDataError(f"{where}: column {ident['la']} holds {la!r}, not a three-digit LA number")
        name = item[ident["name"]].strip()
        if names.setdefault(la, name) != name:
            raise RawDataError(f"{where}: LA {la} is named {name!r} here and {names[la]!r} elsewhere")
        if slug in found[la]:
            raise RawDataError(f"{where}: a second {verbatim!r} line for LA {la}")
        found[la].add(slug)
        for measure, column in measures.items():
            cell_where = f"{where}, column {column}"
            value, status = parse_money(item[column], cell_where)
            rows.append(SpendRow(year, source, "local_authority", "", la, name, slug, verbatim, measure, "GBP",
                                 value, status, cell_where))
    if not found:
        raise RawDataError(f"{data_file}: none of the lines {', '.join(l for _, l in lines.values())} found")
    for la, slugs in sorted(found.items()):
        absent = [lines[s][1] for s in LINE_ORDER if s not in slugs]
        if absent:
            raise RawDataError(f"{data_file}: LA {la} ({names[la]}) has no line(s) {', '.join(absent)}")
    for slug in LINE_ORDER:
        if not any(slug in slugs for slugs in found.values()):
            raise RawDataError(f"{data_file}: line {lines[slug][1]!r} not found")
    return rows


def national_rows(la: list[SpendRow]) -> list[SpendRow]:
    """England = sum of the local authorities' known values, with the count of unknown values beside it."""
    groups: dict[tuple, list[SpendRow]] = defaultdict(list)
    for row in la:
        groups[(row.year_ending_march, row.source, row.line, row.measure)].append(row)
    rows = []
    for (year, source, line, measure), members in groups.items():
        known = [r.value for r in members if r.value is not None]
        unknown = len(members) - len(known)
        label = min(r.line_label for r in members)
        where = f"{source.file}: sum over {len(members)} local authorities of {line} / {measure}"
        rows.append(SpendRow(year, source, "national", NATIONAL[0], "", NATIONAL[1], line, label, measure, "GBP",
                             sum(known, Decimal(0)) if known else None, "" if known else "blank", where))
        rows.append(SpendRow(year, source, "national", NATIONAL[0], "", NATIONAL[1], line, label,
                             f"{measure}_las_unknown", "local_authorities", Decimal(unknown), "", where))
    return rows


def extract(raw: RawFiles) -> list[SpendRow]:
    la = [row for year in FILES for row in la_rows(raw, year)]
    return national_rows(la) + la


# ---------------------------------------------------------------------------------------------

def format_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _measure_rank(measure: str) -> tuple[int, int]:
    base = measure.removesuffix("_las_unknown")
    return MEASURE_ORDER.index(base), int(measure != base)


def to_csv(rows: list[SpendRow]) -> str:
    ordered = sorted(rows, key=lambda r: (
        r.year_ending_march, r.source.file, LEVEL_ORDER[r.geographic_level], r.area_code, r.old_la_code,
        r.area_name, LINE_ORDER.index(r.line), _measure_rank(r.measure),
    ))
    records = []
    for r in unique(ordered, lambda r: r.key()):
        records.append([
            r.financial_year, str(r.year_ending_march), r.source.file, r.source.release, r.geographic_level,
            r.area_code, r.old_la_code, r.area_name, r.line, r.line_label, r.measure, format_money(r.value),
            r.status, r.unit,
        ])
    return csv_text(COLUMNS, records)


# What data/s251_spend.csv holds: metadata/s251_spend.yml (the enums it names are the lists given here).
RESOURCE = load("s251_spend", lines=LINE_ORDER, statuses=["", *CODES, *BLANK_STATUSES.values()])
