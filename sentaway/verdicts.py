"""The published verdict scale and the rule that assigns it: no verdict is set by hand.

Rule (applied by `judge`):
1. The claim's cited value stands for an interval: a point figure for the range it rounds from at the
   precision it is written in (64% -> 63.5-64.5; 2,250 -> 2,245-2,255; GBP 1 billion -> 0.5-1.5 billion);
   "at least" claims for [value, infinity); "nearly / almost / just under" claims for [0.9 x value, value].
2. The official value stands for an interval too: the range its published rounding allows (counts to the
   nearest 10 are +-5; shares and changes are recomputed at the extremes of their rounded counts).
3. If no official figure measures what the claim names (only a proxy, or nothing), the verdict is
   *cannot be checked with official data*, and the nearest official figures are shown.
4. Otherwise, if the two intervals overlap: *reproduces*, or *reproduces with a caveat* where the official
   measure differs from the claim's words in a way the row states; if they do not overlap: *does not reproduce*.
A claim's own arithmetic (e.g. 2,250 -> 3,990 = +77%) is checked separately by `arithmetic`.
"""

import math
from dataclasses import dataclass, field

REPRODUCES = "reproduces"
CAVEAT = "reproduces with a caveat"
NOT_REPRODUCED = "does not reproduce"
UNCHECKABLE = "cannot be checked with official data"
OUT_OF_SCOPE = "outside the official data's scope"

SCALE = [
    (REPRODUCES, "The official figure, within its published rounding, matches the claim's figure at the precision it was stated.", "✔"),
    (CAVEAT, "The figures match, but the official measure differs from the claim's words (for example incidents vs children, or a wider group of homes); the difference is stated.", "✔*"),
    (NOT_REPRODUCED, "The official figure for the measure the claim names differs from the claim by more than rounding allows.", "✘"),
    (UNCHECKABLE, "No official file published the figure the claim names; the nearest official figures are shown and what is missing is said.", "?"),
    (OUT_OF_SCOPE, "Not a statistic about children (a policy threshold, a funding amount, a date): listed so nothing is dropped, not checked.", "–"),
]


@dataclass
class Evidence:
    """What the official data say about one claim."""

    claim_id: str
    official_measure: str
    comparable: bool
    official_value: float | None = None
    official_low: float | None = None
    official_high: float | None = None
    unit: str = ""
    official_year: str = ""
    caveat: str = ""
    missing: str = ""
    source_file: str = ""
    release: str = ""
    filters: str = ""
    rounding: str = ""
    nearest: list[dict] = field(default_factory=list)  # rows: measure, year, value, unit, release
    consistency: str = ""
    alternatives: list[dict] = field(default_factory=list)  # other definitions/releases: label + Evidence


def precision(text: str) -> float:
    """The step a written number is rounded to: '2250' -> 10, '64' -> 1, '1000000000' -> 1e9, '0.5' -> 0.1."""
    text = text.strip()
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    digits = text.lstrip("-")
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == len(digits):
        return 1.0
    return 10.0 ** zeros


def cited_interval(value: str, bound: str) -> tuple[float, float]:
    number = float(value)
    if bound == "lower":
        return number, math.inf
    if bound == "upper":
        return 0.9 * number, number
    step = precision(value)
    return number - step / 2, number + step / 2


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def judge(claim, evidence: Evidence | None) -> tuple[str, str]:
    """(verdict, reason in one sentence) for a claim row and its evidence."""
    if claim.scope != "statistical":
        return OUT_OF_SCOPE, claim.scope_reason
    if evidence is None or not evidence.comparable or evidence.official_value is None:
        why = evidence.missing if evidence is not None else "no official measure is defined for this claim"
        return UNCHECKABLE, why
    cited = cited_interval(claim.cited_value, claim.cited_bound)
    official = (evidence.official_low if evidence.official_low is not None else evidence.official_value,
                evidence.official_high if evidence.official_high is not None else evidence.official_value)
    shown = format_value(evidence.official_value, evidence.unit)
    if overlaps(cited, official):
        if evidence.caveat:
            return CAVEAT, f"The official figure is {shown}; but {evidence.caveat}"
        return REPRODUCES, f"The official figure is {shown}, matching the claim within rounding."
    allows = ("" if format_value(official[0], evidence.unit) == format_value(official[1], evidence.unit) else
              f" (rounding allows {format_value(official[0], evidence.unit)} to {format_value(official[1], evidence.unit)})")
    return NOT_REPRODUCED, (f"The official figure is {shown}{allows}, not {claim.cited_value}"
                            f"{'%' if evidence.unit == 'percent' else ''} as cited."
                            + (f" Note: {evidence.caveat}" if evidence.caveat else ""))


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    if unit in ("percent", "percent_change"):
        return f"{value:.1f}%"
    if unit == "gbp":
        return f"£{value:,.0f}"
    if unit == "ratio":
        return f"{value:.2f}"
    return f"{value:,.0f}"


def arithmetic(claim, claims) -> dict | None:
    """Does the claim follow from the figures it was computed from? None where it is not derived."""
    if not claim.endpoint_claims:
        return None
    first, second = (claims.set_index("claim_id").loc[c] for c in claim.endpoint_claims.split(";"))
    a, b = float(first.cited_value), float(second.cited_value)
    if claim.quantity == "change_percent":
        implied, words = 100 * (b - a) / a, f"{first.cited_value} -> {second.cited_value}"
    elif claim.quantity == "share":
        implied, words = 100 * b / a, f"{second.cited_value} / {first.cited_value}"
    elif claim.quantity == "money":
        implied, words = b / a, f"{second.cited_value} / {first.cited_value}"
    else:
        return None
    consistent = overlaps(cited_interval(claim.cited_value, claim.cited_bound), (implied, implied))
    unit = "percent" if claim.quantity != "money" else "gbp"
    return {"implied": implied, "consistent": consistent,
            "finding": f"{words} gives {format_value(implied, unit)}: "
                       + ("consistent with the claim's own figures." if consistent else
                          f"the claim says {claim.cited_value}, so its own figures do not add up.")}
