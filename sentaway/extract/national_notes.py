"""The words printed with SFR50/2017 national tables A2 and G1: titles, footnotes, symbol legends and
the sheets' other notes (the experimental-statistics warning of G1, A2's footnote 4 on the 2016
validation change), so the numbers in sfr50_national_tables.csv never travel without them."""

from dataclasses import dataclass

from sentaway.raw.files import RawFiles
from .catalogue import load
from .national_tables import RELEASE, TABLES, WORKBOOK, read_sheet
from .tidy import Source
from .write import csv_text, unique

COLUMNS = ["table", "release", "source_file", "kind", "note", "text"]
KINDS = ("title", "footnote", "symbol", "remark")


@dataclass
class NoteRow:
    table: str
    source: Source
    kind: str
    note: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.source.file}, sheet {self.table}, {self.kind} {self.note}"


def extract(raw: RawFiles) -> list[NoteRow]:
    source = Source(WORKBOOK, RELEASE)
    rows: list[NoteRow] = []
    for name, (_, block, _) in TABLES.items():
        sheet = read_sheet(raw, name, block)
        rows.append(NoteRow(name, source, "title", "", sheet.title))
        rows += [NoteRow(name, source, "footnote", number, text) for number, text in sheet.notes.items()]
        rows += [NoteRow(name, source, "symbol", symbol, text) for symbol, text in sheet.symbols.items()]
        rows += [NoteRow(name, source, "remark", str(i), text) for i, text in enumerate(sheet.remarks, start=1)]
    return rows


def to_csv(rows: list[NoteRow]) -> str:
    def order(r: NoteRow):
        return (r.table, KINDS.index(r.kind), int(r.note) if r.note.isdigit() else 0, r.note)

    records = [[r.table, r.source.release, r.source.file, r.kind, r.note, r.text]
               for r in unique(sorted(rows, key=order), lambda r: (r.table, r.kind, r.note))]
    return csv_text(COLUMNS, records)


# What data/sfr50_national_notes.csv holds: metadata/sfr50_national_notes.yml (the enums it names are the lists given here).
RESOURCE = load("sfr50_national_notes", tables=TABLES, kinds=KINDS)
