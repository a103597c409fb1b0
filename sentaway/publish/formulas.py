"""Every CSV the site offers is safe to open in a spreadsheet (OWASP, CSV injection): a cell that begins with =, +, -,
@, a tab or a carriage return would be read by Excel, LibreOffice or Google Sheets as a formula (=HYPERLINK(...) in a
quote becomes a live link, a DDE call runs a program), so such a cell is published with a single quote before it,
which a spreadsheet takes as "this is text" and does not show.

A cell that is a number ("-3.5", "-12", "1e-05") is left as it is: a spreadsheet reads it as a number, which cannot
run anything, and a quote would turn every negative figure (a revision, a change) into text a reader cannot add up.

Done once, on the built site (every .csv under it, at the end of the Sphinx build), so no download can miss it; data/
keeps the official text exactly (the book reads it, and a fresh extraction must give the same bytes). A file with
nothing to neutralise is left byte for byte as written.
"""

import csv
import io
import re
from pathlib import Path

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def safe_cell(cell: str) -> str:
    """The cell as a spreadsheet may open it: a leading quote where it would start a formula."""
    if cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def safe_text(text: str) -> str | None:
    """A CSV file's text with every formula cell neutralised, or None when it has none (left as written)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    safe = [[safe_cell(cell) for cell in row] for row in rows]
    if safe == rows:
        return None
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(safe)
    return out.getvalue()


def neutralise_site(outdir: Path) -> list[str]:
    """Neutralise every CSV under `outdir` (the built site); the files changed, relative to it."""
    changed = []
    for path in sorted(outdir.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:  # as written: no line ending translated
            safe = safe_text(handle.read())
        if safe is not None:
            path.write_text(safe, encoding="utf-8", newline="")
            changed.append(path.relative_to(outdir).as_posix())
    return changed
