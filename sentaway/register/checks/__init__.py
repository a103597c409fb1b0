"""Official measures the claims are read against. Each module registers, under a name, a function that
computes one official measure from data/ (never typed in) for the parameters a reading gives it.

Which measure, year, list or release a claim is read against is data, not code: data/readings.csv names the
measure and its parameters for every reading of every claim (see sentaway/register/readings.py). The words
of each measure (its description, notes, rounding, why it cannot be computed) are in book/words/checks.yml.
"""

from sentaway.analysis import words

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


def load_all() -> dict:
    # Imported here, not at the top: each module imports this one to register its measures.
    from sentaway.register.checks import cost, missing, other, out_of_area, regional  # noqa: F401

    return MEASURES
