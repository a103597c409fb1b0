"""Official files mark cells they will not give a number for; read those marks, never as zero."""

import math

# Symbols used by DfE and Ofsted files (see each release's metadata / data guidance).
CODES = {
    "x": "suppressed (small number or to protect confidentiality)",
    "c": "suppressed (confidential)",
    "z": "not applicable",
    "k": "rounds to zero (fewer than 0.5)",
    ":": "not available",
    "..": "not available",
    "u": "low reliability",
}


class CellError(ValueError):
    """A cell that is neither a number nor a known symbol."""


def parse_cell(text: str, where: str = "") -> tuple[float | None, str]:
    """Return (number, status): status is '' for a published number, else the symbol found.

    `where` names the file, row and column for the error message.
    """
    raw = text if text is not None else ""
    token = raw.strip()
    if token.lower() in CODES:
        return None, token.lower()
    cleaned = token.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        shown = "an empty cell" if token == "" else repr(raw)
        raise CellError(
            f"{where}: {shown} is neither a number nor a known suppression symbol "
            f"({', '.join(repr(c) for c in CODES)})"
        ) from None
    if not math.isfinite(value):
        raise CellError(f"{where}: {raw!r} is not a finite number")
    return value, ""
