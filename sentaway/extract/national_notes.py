"""The words printed with the national tables read into sfr50_national_tables.csv: titles, footnotes, symbol legends
and the sheets' other notes (the experimental-statistics warning of G1, A2's footnote on the validation change that
revised earlier years), so the numbers never travel without them."""

from sentaway.raw.files import RawFiles
from . import shapes
from .national_tables import sheets

NAME = "sfr50_national_notes"
Row = shapes.row_type(NAME)
LABELS = {}  # its sources file is the national tables' (metadata/sfr50_national_tables.sources.yml)


def extract(raw: RawFiles) -> list:
    rows = []
    for release, sheet in sheets(raw):
        def note(kind: str, number: str, text: str):
            return Row(table=sheet.name, release=release.label, source_file=sheet.file, kind=kind, note=number,
                       text=text, where=f"{sheet.file}, sheet {sheet.name}, {kind} {number}")

        rows.append(note("title", "", sheet.title))
        rows += [note("footnote", number, text) for number, text in sheet.notes.items()]
        rows += [note("symbol", symbol, text) for symbol, text in sheet.symbols.items()]
        rows += [note("remark", str(i), text) for i, text in enumerate(sheet.remarks, start=1)]
    return rows
