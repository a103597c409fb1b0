"""Official measures the claims are read against. Each module registers, under a name, a function that
computes one official measure from data/ (never typed in) for the parameters a reading gives it.

Which measure, year, list or release a claim is read against is data, not code: data/readings.csv names the
measure and its parameters for every reading of every claim (see sentaway/register/readings.py). The words
of each measure (its description, notes, rounding, why it cannot be computed) are in book/words/checks.yml.
"""

import datetime as dt

import pandas as pd

from sentaway.analysis import words
from sentaway.register.verdicts import Revision

MEASURES = {}


# A sentence of book/words/checks.yml ('missing.count.measure'), and an entry as written ('missing.placements.all').
CHECKS = words.File("checks")
say, entry = CHECKS.say, CHECKS.entry


def measure(name: str):
    def register(function):
        MEASURES[name] = function
        return function
    return register


def count_interval(value: float, step: float = 10, slack: float = 0) -> tuple[float, float]:
    """The range a count published to the nearest `step` can have come from (widened by `slack` units)."""
    return value - step / 2 - slack, value + step / 2 + slack


def share_interval(part: float, rest: float, step: float = 10, slack: float = 0) -> tuple[float, float]:
    """Share part / (part + rest) at the extremes of two counts rounded to `step` (each widened by `slack`)."""
    h = step / 2 + slack
    return 100 * (part - h) / (part - h + rest + h), 100 * (part + h) / (part + h + rest - h)


def change_interval(start: float, end: float, step: float = 10, slack: float = 0) -> tuple[float, float]:
    h = step / 2 + slack
    return 100 * ((end - h) / (start + h) - 1), 100 * ((end + h) / (start - h) - 1)


def largest_revision(rows: pd.DataFrame, points: bool = False, unit: str = "") -> Revision | None:
    """The largest revision of one series between the releases in the files: `rows` hold year, release and value,
    one row per release that gives a year. Per cent of the earlier release's value, or percentage points for a
    share (`points`). None where no year is given by two releases."""
    from sentaway.read import extracts  # the releases' dates order each pair

    best = None
    rows = rows.dropna(subset=["value"]).drop_duplicates(["year", "release", "value"])
    for year, group in rows.groupby("year"):
        if group.release.nunique() < 2:
            continue
        group = group.assign(published=group.release.map(extracts.release_date)).sort_values(["published", "release"])
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                a, b = float(group.value.iloc[i]), float(group.value.iloc[j])
                size = abs(b - a) if points else 100 * abs(b - a) / a if a else 0.0
                if best is None or size > best.size:
                    best = Revision(size, points, str(year), group.release.iloc[i], group.release.iloc[j], a, b, unit=unit)
    return best


def not_revised(why: str) -> Revision:
    """A series that is never revised (a snapshot list, an exact return): no revision allowance, and why."""
    return Revision(0.0, none_why=why)


def day(iso: str) -> str:
    """'2016-03-31' -> '31 March 2016', the book's date style in a conclusion."""
    date = dt.date.fromisoformat(iso[:10])
    return f"{date.day} {date.strftime('%B %Y')}"


def load_all() -> dict:
    # Imported here, not at the top: each module imports this one to register its measures.
    from sentaway.register.checks import cost, missing, other, out_of_area, regional  # noqa: F401

    return MEASURES
