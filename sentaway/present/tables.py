"""Data tables as the book shows them: every cell written by sentaway.analysis.numbers (years without separators,
no trailing zeros, p-values as "p < 0.001", booleans as yes/no, missing values as a dash)."""

import html
import re

import pandas as pd

from sentaway.analysis import numbers
from sentaway.present import links

YEAR = re.compile(r"(^|_|\b)(year|years|start|end|first|last|period)(_|\b|$)", re.I)
P_VALUE = re.compile(r"^(p|p_value|p-value|pvalue|p>\|t\||p>\|z\|)$", re.I)


def _is_year_column(name: str, values: pd.Series) -> bool:
    if not YEAR.search(str(name)):
        return False
    found = pd.to_numeric(values, errors="coerce").dropna()
    return found.empty or bool(((found >= 1900) & (found <= 2100) & (found == found.round())).all())


def _cell(value, digits: int) -> str:
    if isinstance(value, bool) or (hasattr(value, "dtype") and str(getattr(value, "dtype", "")) == "bool"):
        return numbers.yes_no(value)
    if numbers.is_missing(value):
        return numbers.MISSING
    if isinstance(value, (int, float)) or pd.api.types.is_number(value):
        value = float(value)
        return numbers.count(value) if value == round(value) else numbers.number(value, digits)
    text = str(value)
    return {"True": "yes", "False": "no"}.get(text, text)


def shown(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """The frame as text, column by column: years, p-values, counts and decimals each written their way."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if P_VALUE.match(str(column)):
            out[column] = [numbers.p_value(v) if not numbers.is_missing(v) else numbers.MISSING for v in values]
        elif _is_year_column(column, values):
            out[column] = [numbers.year(v) for v in values]
        else:
            out[column] = [_cell(v, digits) for v in values]
    out.columns = [header(c) for c in frame.columns]
    return out


def header(column) -> str:
    """A column name as a table (and its CSV) shows it: 'share_outside' -> 'share outside'."""
    return str(column).replace("_", " ") if re.fullmatch(r"[a-z0-9_]+", str(column)) else str(column)


RELEASE_COLUMNS = ("release", "Release")


def html_table(frame: pd.DataFrame, extra_class: str = "", digits: int = 1) -> str:
    """No index, escaped text, numbers written by sentaway.analysis.numbers (`digits`: decimals for non-whole numbers),
    and a release column's releases linked to their publishers' pages (sentaway.present.links).
    tabindex: a table wider than the page scrolls sideways (sentaway.css), and keyboard users need to reach it
    to scroll it."""
    classes = "sa-table" + (f" {extra_class}" if extra_class else "")
    cells = shown(frame, digits).map(html.escape)
    for position, column in enumerate(frame.columns):
        if column in RELEASE_COLUMNS:
            cells.iloc[:, position] = [links.release_html(value) if not numbers.is_missing(value) and str(value)
                                       else numbers.MISSING for value in frame[column]]
    cells.columns = [html.escape(c) for c in cells.columns]
    return cells.to_html(index=False, border=0, classes=classes, na_rep=numbers.MISSING,
                         escape=False).replace("<table ", '<table tabindex="0" ', 1)


def specialist(tables_html: str, summary: str) -> str:
    """Model output folded under a toggle: the page's prose above it says what it means in plain words."""
    return f'<details class="sa-specialist"><summary>{html.escape(summary)}</summary>{tables_html}</details>'
