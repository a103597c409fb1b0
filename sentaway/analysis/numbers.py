"""How the book writes numbers: one place for counts, percentages, money, years and p-values.

Rules: years never take a thousands separator; no trailing zeros after a decimal point; a p-value below
0.001 is written "p < 0.001"; a missing value is written as a dash (never nan/None); booleans are words.
Every page, table and chart label that shows a number (or a date) to a reader goes through here.
"""

import math
import numbers as _numbers

MISSING = "–"


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value)) or str(value) in ("nan", "NaN", "<NA>", "NaT")
    except TypeError:
        return False


def _trim(text: str) -> str:
    """'23.50' -> '23.5', '24.0' -> '24' (the figure's precision is stated once, not padded with zeros)."""
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def number(value, decimals: int = 0) -> str:
    """A plain quantity with thousands separators: 23560 -> '23,560', 59.166667 (1 dp) -> '59.2'."""
    if is_missing(value):
        return MISSING
    return _trim(f"{float(value):,.{decimals}f}")


def count(value) -> str:
    """A count of children, incidents, homes: whole, with thousands separators."""
    if is_missing(value):
        return MISSING
    return f"{round(float(value)):,}"


def percent(value, decimals: int = 1) -> str:
    """A share or change in per cent: 54.51168 -> '54.5%', 24.0 -> '24%'."""
    if is_missing(value):
        return MISSING
    return number(value, decimals) + "%"


def points(value, decimals: int = 1) -> str:
    """A change in percentage points."""
    if is_missing(value):
        return MISSING
    return number(value, decimals) + " percentage points"


def money(value, decimals: int = 1) -> str:
    """Pounds: £1,028,000,000 -> '£1 bn' ... '£1.03 bn' at 2 decimals; under a million in full pounds."""
    if is_missing(value):
        return MISSING
    value = float(value)
    sign, value = ("-" if value < 0 else ""), abs(value)
    if value >= 1e9:
        return f"{sign}£{number(value / 1e9, decimals)} bn"
    if value >= 1e6:
        return f"{sign}£{number(value / 1e6, decimals)} m"
    return f"{sign}£{count(value)}"


# What the data support (issue 21, point 9): a count an extrapolation or interval gives is rounded to tens, a growth
# rate and its interval to whole per cent, or to half per cent where the interval is narrower than two points.
COUNT_STEP = 10


def rounded(value, step: float):
    """`value` to the nearest multiple of `step`, halves away from zero (6.25 by 0.5 -> 6.5, 2405 by 10 -> 2410)."""
    if is_missing(value):
        return value
    units = abs(float(value)) / step
    return math.copysign(math.floor(units + 0.5) * step, float(value)) + 0.0


def rate_step(lo, hi) -> float:
    """The step a rate and its 95% interval are rounded to: 1 (whole per cent), or 0.5 where the interval spans
    under two points (rounding it to whole per cent would hide most of it)."""
    return 1.0 if is_missing(lo) or is_missing(hi) or float(hi) - float(lo) >= 2 else 0.5


def year(value) -> str:
    """A year or a span of years as written: 2014 -> '2014', 2014.0 -> '2014', '2015-2017' kept."""
    if is_missing(value):
        return MISSING
    if isinstance(value, _numbers.Number) and not isinstance(value, bool):
        return str(int(value))
    return str(value).replace(",", "")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def date(value) -> str:
    """A day as readers see it (one style on every page, as GOV.UK writes it): '2019-03-26' -> '26 March 2019';
    a month or a year alone ('2019-03', '2019') as far as it is known; text that is no date is kept as it is."""
    if is_missing(value) or str(value).strip() == "":
        return MISSING
    parts = str(value).strip()[:10].split("-")
    if not all(p.isdigit() for p in parts) or len(parts[0]) != 4 or len(parts) > 3 \
            or (len(parts) > 1 and not 1 <= int(parts[1]) <= 12):
        return str(value)
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def p_value(value) -> str:
    """'p < 0.001' below a thousandth, else 'p = 0.012' (three decimals at most, no trailing zeros)."""
    if is_missing(value):
        return MISSING
    value = float(value)
    if value < 0.001:
        return "p < 0.001"
    return f"p = {_trim(f'{value:.3f}')}"


def ratio(value, decimals: int = 2) -> str:
    if is_missing(value):
        return MISSING
    return number(value, decimals)


def yes_no(value) -> str:
    if is_missing(value):
        return MISSING
    return "yes" if bool(value) else "no"


UNIT_WORDS = {"children": "children", "incidents": "incidents", "reports": "reports", "homes": "homes",
              "miles": "miles"}


def value(value, unit: str) -> str:
    """A figure with its unit, as prose shows it: (54.51, 'percent') -> '54.5%', (4700, 'children') ->
    '4,700 children', (1.028e9, 'gbp') -> '£1 bn'."""
    if is_missing(value):
        return MISSING
    if unit in ("percent", "percent_change"):
        return percent(value)
    if unit in ("percentage_points", "points"):
        return points(value)
    if unit in ("gbp", "gbp_per_child"):
        return money(value, 2) + (" a child" if unit == "gbp_per_child" else "")
    if unit == "ratio":
        return ratio(value) + " times"
    if unit in UNIT_WORDS:
        return f"{count(value)} {UNIT_WORDS[unit]}"
    if unit == "year":
        return year(round(float(value)))
    if unit == "hours":
        return f"{count(value)} hours"
    return number(value, 1)
