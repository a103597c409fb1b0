"""Official files mark cells they will not give a number for; read those marks, never as zero."""

import math
import re
from pathlib import Path

import yaml

from sentaway.paths import note_read

# Symbols used by DfE and Ofsted files -> their meaning, from suppression.yml beside this module (a page that
# shows the meanings is then rebuilt when they change: the read is noted for its cache key).
note_read("sentaway/raw/suppression.yml")
CODES: dict[str, str] = yaml.safe_load((Path(__file__).parent / "suppression.yml").read_text(encoding="utf-8"))


# A published number: optional sign, digits either plain or in groups of three separated by commas, an
# optional decimal point. "1,5" (a decimal comma), "1.234,5", "1 234" and "1e3" are not numbers here.
NUMBER = re.compile(r"[-+]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+(?:\.[0-9]{3})*,[0-9]+")


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
    if not NUMBER.fullmatch(token):
        if token == "":
            shown = "an empty cell"
        elif DECIMAL_COMMA.fullmatch(token):
            shown = f"{raw!r} (a decimal comma? numbers here use a decimal point and commas only between thousands)"
        else:
            shown = repr(raw)
        raise CellError(
            f"{where}: {shown} is neither a number nor a known suppression symbol "
            f"({', '.join(repr(c) for c in CODES)})"
        )
    value = float(token.replace(",", ""))
    if not math.isfinite(value):
        raise CellError(f"{where}: {raw!r} is not a finite number")
    return value, ""
