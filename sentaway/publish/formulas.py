"""Every CSV the site offers is safe to open in a spreadsheet (OWASP, CSV injection): a cell that begins with =, +, -,
@, a tab or a carriage return would be read by Excel, LibreOffice or Google Sheets as a formula (=HYPERLINK(...) in a
quote becomes a live link, a DDE call runs a program), so such a cell is published with a single quote before it,
which a spreadsheet takes as "this is text" and does not show.

A cell that is a number ("-3.5", "-12", "1e-05") is left as it is: a spreadsheet reads it as a number, which cannot
run anything, and a quote would turn every negative figure (a revision, a change) into text a reader cannot add up.

Done once, on the built site (every .csv under it, at the end of the Sphinx build), so no download can miss it; data/
keeps the official text exactly (the book reads it, and a fresh extraction must give the same bytes). A file with
nothing to neutralise is left byte for byte as written. Sphinx keeps its output between builds, so a file whose bytes
are what this step left last time (`kept`, a record beside Sphinx's environment) is not read again.
"""

import csv
import hashlib
import io
import json
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


def neutralise_site(outdir: Path, kept: Path | None = None) -> list[str]:
    """Neutralise every CSV under `outdir` (the built site); the files changed, relative to it. With `kept`, a file
    whose bytes are those this step left in it last time is skipped."""
    before = json.loads(kept.read_text(encoding="utf-8")) if kept is not None and kept.is_file() else {}
    changed, record = [], {}
    for path in sorted(outdir.rglob("*.csv")):
        rel = path.relative_to(outdir).as_posix()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if before.get(rel) != digest:
            safe = safe_text(data.decode("utf-8"))  # decoded as written: no line ending translated
            if safe is not None:
                path.write_text(safe, encoding="utf-8", newline="")
                changed.append(rel)
                digest = hashlib.sha256(safe.encode("utf-8")).hexdigest()
        record[rel] = digest
    if kept is not None:
        kept.write_text(json.dumps(record), encoding="utf-8")
    return changed
