"""The national tables workbook of the SFR releases (table national_tables in releases.yml): the sheets
metadata/sfr50_national_tables.sources.yml names, and in each the rows it names.

- Table A2: children looked after at 31 March by placement. It is the only official table in the raw
  files that splits children in children's homes subject to Children's Homes Regulations (secure units
  excluded) by placement locality, inside / outside the council boundary, before the EES releases.
  Only its numbers block is read; the percentages block beside it is left out (it is the numbers
  over the total, rounded).
- Table G1: children looked after who went missing or were away from placement without
  authorisation, and the incidents by the placement they were from. The table says it holds
  experimental statistics; every G1 row carries that flag.

The workbook is read as the publisher laid it out, never by fixed cell positions:
- rows are found by their printed labels (columns A-C, at varying indent). A label printed over
  two lines (a first line with no numbers, continued in the same column on the next line) is one
  label; a row belongs under the nearest row above it that is less indented (first by column,
  then by leading spaces), so "inside Council boundary" is read as a child of "Children's homes
  subject to Children's Homes regulations". A row is identified by its path of labels from the top.
- labels carry footnote numbers as trailing digits ("Secure unit inside Council boundary7"); they
  are split off and recorded, as are the table's own (from its title and its units line).
- the year columns come from the header row of years; in A2 only the years under "numbers".
- the symbols in cells (x, .., -) are kept as the status, with the meaning the sheet's own legend
  gives them. A symbol the legend does not define, or that it defines only for percentages found in
  a numbers cell, stops the extraction.

Every expected row must be found exactly once with the expected label: otherwise the extraction
stops with one line naming the sheet, the label expected and the labels found.
"""

import re
from dataclasses import dataclass

from sentaway.raw.files import RawDataError, RawFiles
from . import shapes, sources
from .releases import registry
from .write import add_rounding

NAME = "sfr50_national_tables"
Row = shapes.row_type(NAME)
LABELS = sources.load(NAME)
LABEL_COLUMNS = 3  # labels sit in columns A-C


def _path(text: str) -> tuple[str, ...]:
    """'missing > children missing at 31 march' -> ('missing', 'children missing at 31 march')."""
    return tuple(part.strip() for part in text.split(" > "))


_FOOTNOTE = re.compile(r"(?<=[a-z])(\d{1,2}(?:,\d{1,2})*)$")
_INLINE_FOOTNOTE = re.compile(r"(?<=[a-z])(\d{1,2}(?:,\d{1,2})*)(?=\s|$)")
_NOTE_LINE = re.compile(r"^\s*(\d{1,2})\.\s+(.*)$")
_SYMBOL_LINE = re.compile(r"^\s*(x|-|\.\.)\s{2,}(.*)$")


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).lower()


def split_footnotes(label: str) -> tuple[str, list[int]]:
    """'Secure unit inside Council boundary7' -> ('Secure unit inside Council boundary', [7])."""
    stripped = label.rstrip()
    match = _FOOTNOTE.search(stripped)
    if not match:
        return stripped, []
    return stripped[:match.start()], [int(n) for n in match.group(1).split(",")]


def _column_letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else "A" + chr(ord("A") + index - 26)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


@dataclass
class Label:
    text: str           # verbatim (lines of a two-line label joined by one space)
    key: str            # normalised, footnote digits removed
    footnotes: list[int]
    indent: tuple[int, int]
    row: int            # 0-based sheet row of the line that carries the numbers
    parent: "Label | None"

    def path(self) -> tuple[str, ...]:
        return (self.parent.path() if self.parent else ()) + (self.key,)

    def all_footnotes(self) -> list[int]:
        return sorted(set(self.footnotes) | set(self.parent.all_footnotes() if self.parent else ()))


@dataclass
class Sheet:
    """What a table sheet says about itself: title, year columns, labelled rows, footnotes and legend."""

    file: str
    name: str
    title: str
    table_footnotes: list[int]
    years: dict[int, int]         # column index -> year
    labels: list[Label]
    notes: dict[str, str]         # footnote number -> text
    symbols: dict[str, str]       # symbol -> the legend's meaning
    remarks: list[str]            # other text of the sheet (above the years, below the footnotes)
    cells: list[list[object]]

    @property
    def experimental(self) -> bool:
        return any("experimental statistics" in remark.lower() for remark in self.remarks)


def read_sheet(raw: RawFiles, workbook: str, name: str, block: str | None) -> Sheet:
    cells = raw.sheet(workbook, name)
    where = f"{workbook}, sheet {name}"
    title_row = next((i for i, row in enumerate(cells) if _text(row[0]).startswith(f"Table {name}:")), None)
    if title_row is None:
        raise RawDataError(f"{where}: no title 'Table {name}: ...' in column A")
    title = _text(cells[title_row][0]).strip()
    year_row = next((i for i in range(title_row + 1, len(cells)) if _is_year_row(cells[i])), None)
    if year_row is None:
        raise RawDataError(f"{where}: no header row of years below the title")
    years = {j: int(cell) for j, cell in enumerate(cells[year_row]) if cell is not None}
    header_text = [(i, j, _text(cell)) for i in range(title_row + 1, year_row) for j, cell in enumerate(cells[i])
                   if _text(cell).strip()]
    table_footnotes = sorted({int(n) for text in [title] + [t for _, _, t in header_text]
                              for group in _INLINE_FOOTNOTE.findall(text) for n in group.split(",")})
    if block is not None:
        # The block heading ("numbers") and the next heading in its row ("percentages") bound the block's years.
        found = [(i, j) for i, j, t in header_text if j >= LABEL_COLUMNS and _norm(split_footnotes(t)[0]) == block]
        if len(found) != 1:
            headings = sorted({t.strip() for _, j, t in header_text if j >= LABEL_COLUMNS})
            raise RawDataError(f"{where}: expected one '{block}' heading above the years, found {len(found)}; "
                               f"headings found: {headings}")
        row, start = found[0]
        end = min([j for i, j, _ in header_text if i == row and j > start], default=len(cells[year_row]))
        years = {j: y for j, y in years.items() if start <= j < end}
        if not years:
            raise RawDataError(f"{where}: no years under the '{block}' heading")
    if len(set(years.values())) != len(years):
        raise RawDataError(f"{where}: a year repeats in the header row {year_row + 1}: {sorted(years.values())}")
    remarks = [t.strip() for _, j, t in header_text if j < LABEL_COLUMNS]

    end_row = next((i for i in range(year_row + 1, len(cells))
                    if any(_text(c).strip().lower().startswith("source:") for c in cells[i])), None)
    if end_row is None:
        raise RawDataError(f"{where}: no 'Source:' line below the table")
    labels = _labels(cells, year_row + 1, end_row, list(years), where)
    notes, symbols, after = _footnotes(cells, end_row + 1)
    for label in labels:
        for number in label.footnotes:
            if str(number) not in notes:
                raise RawDataError(f"{where}, row {label.row + 1}: label {label.text!r} cites footnote {number}, "
                                   f"which the sheet does not give (footnotes: {', '.join(notes)})")
    for number in table_footnotes:
        if str(number) not in notes:
            raise RawDataError(f"{where}: the title cites footnote {number}, which the sheet does not give")
    return Sheet(workbook, name, title, table_footnotes, years, labels, notes, symbols, remarks + after, cells)


def _is_year_row(row: list[object]) -> bool:
    values = [c for c in row if c is not None and _text(c).strip()]
    if len(values) < 2 or any(_text(c).strip() for c in row[:LABEL_COLUMNS]):
        return False
    return all(re.fullmatch(r"(19|20)\d\d", _text(c).strip()) for c in values)


def _labels(cells, first: int, end: int, value_columns: list[int], where: str) -> list[Label]:
    """The labelled rows between the header of years and the 'Source:' line, each under its parent."""
    labels: list[Label] = []
    stack: list[Label] = []
    pending: Label | None = None  # the last label line if it had no numbers (a heading, or a first line)
    for i in range(first, end):
        row = cells[i]
        found = [(j, _text(row[j])) for j in range(min(LABEL_COLUMNS, len(row))) if _text(row[j]).strip()]
        has_values = any(_text(row[j]).strip() for j in value_columns if j < len(row))
        if not found:
            if has_values:
                raise RawDataError(f"{where}, row {i + 1}: numbers without a label in columns A-C")
            pending = None
            continue
        if len(found) > 1:
            raise RawDataError(f"{where}, row {i + 1}: two labels in one row: {[t for _, t in found]}")
        column, line = found[0]
        if pending is not None and pending.indent[0] == column and pending.row == i - 1:
            # The second line of a label printed over two lines: one label, at the first line's indent.
            labels.pop()
            stack.remove(pending)
            text, indent = pending.text + " " + line.strip(), pending.indent
        else:
            text, indent = line.strip(), (column, len(line) - len(line.lstrip(" ")))
        while stack and stack[-1].indent >= indent:
            stack.pop()
        key, footnotes = split_footnotes(text)
        label = Label(text, _norm(key), footnotes, indent, i, stack[-1] if stack else None)
        labels.append(label)
        stack.append(label)
        pending = None if has_values else label
    return labels


def _footnotes(cells, first: int) -> tuple[dict[str, str], dict[str, str], list[str]]:
    notes: dict[str, str] = {}
    symbols: dict[str, str] = {}
    remarks: list[str] = []
    current: str | None = None
    for row in cells[first:]:
        text = _text(row[0]) if row else ""
        if not text.strip():
            current = None
            continue
        note = _NOTE_LINE.match(text)
        symbol = _SYMBOL_LINE.match(text)
        if note:
            current = note.group(1)
            notes[current] = note.group(2).strip()
        elif symbol:
            symbols[symbol.group(1)] = symbol.group(2).strip()
            current = None
        elif current is not None and text.startswith(" "):
            notes[current] += " " + text.strip()
        elif remarks and current == "remark":
            remarks[-1] += " " + text.strip()
        else:
            remarks.append(text.strip())
            current = "remark"
    return notes, symbols, remarks


# ---------------------------------------------------------------------------------------------

def _find(sheet: Sheet, path: tuple[str, ...]) -> Label:
    """The one label with this path; else stop naming the sheet, the label expected and the labels found."""
    for depth in range(1, len(path) + 1):
        matches = [label for label in sheet.labels if label.path() == path[:depth]]
        if len(matches) == 1:
            continue
        parent = path[:depth - 1]
        siblings = [label.text for label in sheet.labels if label.path()[:-1] == parent]
        under = f" under {sheet_label(sheet, parent)!r}" if parent else ""
        problem = "not found" if not matches else f"found {len(matches)} times (rows {', '.join(str(m.row + 1) for m in matches)})"
        raise RawDataError(f"{sheet.file}, sheet {sheet.name}: expected label {path[depth - 1]!r}{under} {problem}; "
                           f"labels found there: {siblings}")
    return matches[0]


def sheet_label(sheet: Sheet, path: tuple[str, ...]) -> str:
    return next((label.text for label in sheet.labels if label.path() == path), " > ".join(path))


def _cell(sheet: Sheet, label: Label, column: int, unit: str) -> tuple[float | None, str, str, str]:
    """(value, status, status meaning, where) of one cell of a labelled row."""
    row = sheet.cells[label.row]
    where = f"{sheet.file}, sheet {sheet.name}, cell {_column_letter(column)}{label.row + 1} ({label.text!r})"
    cell = row[column] if column < len(row) else None
    if isinstance(cell, bool):
        raise RawDataError(f"{where}: {cell!r} is not a number")
    if isinstance(cell, (int, float)):
        value = float(cell)
        if value != value or value < 0:
            raise RawDataError(f"{where}: {cell!r} is not a published count")
        return value, "", "", where
    text = _text(cell).strip()
    if re.fullmatch(r"\d+", text):
        return float(text), "", "", where
    if text in sheet.symbols:
        meaning = sheet.symbols[text]
        if unit in ("children", "incidents") and "percentage" in meaning.lower():
            raise RawDataError(f"{where}: symbol {text!r} in a count, but the sheet's legend defines it only for "
                               f"percentages ({meaning!r})")
        return None, text, meaning, where
    shown = "an empty cell" if not text else repr(text)
    raise RawDataError(f"{where}: {shown} is neither a number nor a symbol the sheet's legend defines "
                       f"({', '.join(repr(s) for s in sheet.symbols)})")


def expected_rows(name: str) -> dict[tuple[str, ...], tuple[str, str, str, str]]:
    """{path of labels: (measure, unit, placement, locality)} of the rows read from sheet `name`."""
    spec = LABELS["tables"][name]
    rows = {}
    for path, row in spec["rows"].items():
        rows[_path(path)] = (row.get("measure", spec.get("measure")), row.get("unit", spec.get("unit")),
                             row.get("placement", "all"), row.get("locality", "all"))
    for under, measure in spec.get("placements_under", {}).items():
        for label, placement in spec["placements"].items():
            rows[_path(under) + (label,)] = (measure, "incidents", placement, "all")
    return rows


def _table_rows(sheet: Sheet, release: str) -> list:
    rows = []
    for path, (measure, unit, placement, locality) in expected_rows(sheet.name).items():
        label = _find(sheet, path)
        for column, year in sorted(sheet.years.items(), key=lambda item: item[1]):
            value, status, meaning, where = _cell(sheet, label, column, unit)
            rows.append(Row(
                table=sheet.name, year=year, release=release, source_file=sheet.file, row_label=label.text,
                parent_label=label.parent.text if label.parent else "", measure=measure, placement=placement,
                locality=locality, value=value, status=status, status_meaning=meaning, unit=unit,
                table_footnotes=",".join(str(n) for n in sheet.table_footnotes),
                row_footnotes=",".join(str(n) for n in label.all_footnotes()), experimental=sheet.experimental,
                rounding="", where=where))
    return rows


def _check_totals(sheet: Sheet, rows: list) -> None:
    """The 'Placements from which ...' rows repeat the incidents total: a different figure would mean the
    breakdown below it is of something else."""
    for path, measure in LABELS["tables"][sheet.name].get("placements_under", {}).items():
        label = _find(sheet, _path(path))
        for column, year in sheet.years.items():
            value, status, _, where = _cell(sheet, label, column, "incidents")
            total = next(r for r in rows if r.year == year and r.measure == measure and r.placement == "all")
            if (value, status) != (total.value, total.status):
                raise RawDataError(f"{where}: {value if value is not None else status} differs from the incidents "
                                   f"total {total.value if total.value is not None else total.status} ({total.where})")


def sheets(raw: RawFiles):
    """(release, sheet) for every sheet named of every release's workbook."""
    for release, workbook in registry().files(raw, "sfr", "national_tables"):
        for name in LABELS["lists"]["tables"]:
            yield release, read_sheet(raw, workbook, name, LABELS["tables"][name]["block"])


def extract(raw: RawFiles) -> list:
    rows = []
    for release, sheet in sheets(raw):
        table_rows = _table_rows(sheet, release.label)
        _check_totals(sheet, table_rows)
        rows += table_rows
    add_rounding(rows, by=("source_file", "table", "year"))
    return rows
