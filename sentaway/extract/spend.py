"""Section 251 outturn: local authority spending on children looked after, one file a financial year.

Each file has one row per local authority and spending line, one column per kind of spending; their layouts and
line numbers change from year to year (metadata/s251_spend.sources.yml names each file's layout and lines). Each
kept line is found by its label, and its line number is checked against the one expected for the year: a label or
number that does not match stops with the file and the label named.

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
from decimal import Decimal, InvalidOperation

from sentaway.raw.files import RawDataError, RawFiles
from sentaway.raw.suppression import parse_cell, CellError
from . import shapes, sources

NAME = "s251_spend"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
NATIONAL = ("E92000001", "England")
_NUMBER_PREFIX = re.compile(r"^\s*(\d+)\s*")


def financial_year(year_ending_march: int) -> str:
    return f"{year_ending_march - 1}-{year_ending_march % 100:02d}"


def parse_money(text: str, where: str) -> tuple[Decimal | None, str]:
    """(value in £, status): a number exactly as written, else the symbol or 'blank' / 'NULL'; never 0."""
    token = (text or "").strip()
    blank = LABELS["blank_cells"]
    if token.lower() in blank:
        return None, blank[token.lower()]
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


def _row(year: int, file: str, level: str, area: tuple[str, str, str], line: str, label: str, measure: str,
         unit: str, value, status: str, where: str):
    code, old, name = area
    if isinstance(value, Decimal):
        value = value.normalize()  # as the file wrote it, without trailing zeros
    return Row(financial_year=financial_year(year), year_ending_march=year, source_file=file,
               release=f"S251 outturn {financial_year(year)}", geographic_level=level, area_code=code,
               old_la_code=old, area_name=name, line=line, line_label=label, measure=measure, value=value,
               status=status, unit=unit, where=where)


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


def la_rows(raw: RawFiles, data_file: str) -> list:
    spec = LABELS["files"][data_file]
    year, layout = spec["year"], LABELS["layouts"][spec["layout"]]
    ident, measures = layout["identity"], layout["measures"]
    lines = {slug: (number, label) for slug, (number, label) in spec["lines"].items()}
    order = LABELS["lists"]["lines"]
    required = [c for c in ident.values() if c] + list(measures.values())
    records = _records(raw, data_file, required)
    by_label = {label: (slug, number) for slug, (number, label) in lines.items()}
    rows = []
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
            rows.append(_row(year, data_file, "local_authority", ("", la, name), slug, verbatim, measure, "GBP",
                             value, status, cell_where))
    if not found:
        raise RawDataError(f"{data_file}: none of the lines {', '.join(l for _, l in lines.values())} found")
    for la, slugs in sorted(found.items()):
        absent = [lines[s][1] for s in order if s not in slugs]
        if absent:
            raise RawDataError(f"{data_file}: LA {la} ({names[la]}) has no line(s) {', '.join(absent)}")
    for slug in order:
        if not any(slug in slugs for slugs in found.values()):
            raise RawDataError(f"{data_file}: line {lines[slug][1]!r} not found")
    return rows


def national_rows(la: list) -> list:
    """England = sum of the local authorities' known values, with the count of unknown values beside it."""
    groups: dict[tuple, list] = defaultdict(list)
    for row in la:
        groups[(row.year_ending_march, row.source_file, row.line, row.measure)].append(row)
    rows = []
    for (year, file, line, measure), members in groups.items():
        known = [r.value for r in members if r.value is not None]
        unknown = len(members) - len(known)
        label = min(r.line_label for r in members)
        where = f"{file}: sum over {len(members)} local authorities of {line} / {measure}"
        rows.append(_row(year, file, "national", (NATIONAL[0], "", NATIONAL[1]), line, label, measure, "GBP",
                         sum(known, Decimal(0)) if known else None, "" if known else "blank", where))
        rows.append(_row(year, file, "national", (NATIONAL[0], "", NATIONAL[1]), line, label,
                         f"{measure}_las_unknown", "local_authorities", unknown, "", where))
    return rows


def extract(raw: RawFiles) -> list:
    la = [row for data_file in LABELS["files"] for row in la_rows(raw, data_file)]
    return national_rows(la) + la
