"""The published verdict scale and the one rule that assigns it: no verdict is set by hand.

A claim is checked under every reasonable *reading* of its words (data/readings.csv: which official measure,
which year, list or release, and how that measure relates to the claim's words). Each reading is judged by
`judge_reading`; the claim's headline verdict is the judgement of the reading closest to its words
(`headline`). The register page explains the rule with worked examples drawn from the register itself.

Rule for one reading:
1. Like with like first. Only a reading whose official measure is the one the claim's words name
   (relation `same`) can make a claim reproduce or not. A wider official category of a count is an upper bound
   on a narrower claim, a narrower one a lower bound (relations `wider`, `narrower`): the claim is then
   *consistent* or *inconsistent with an official bound*. Any other measure (another date, children instead
   of incidents, a share of a different group) is `context`: shown, never a verdict.
2. The cited value stands for the interval it rounds from at the precision it was written in (64% ->
   63.5-64.5); "at least" claims for [value, inf); "nearly / just under" claims for [0.9 x value, value].
   The official value stands for the interval its published rounding allows.
3. The intervals are compared, then again with one declared tolerance per kind of quantity (TOLERANCE),
   the same for every claim of that kind. A match only within the tolerance reproduces *with a caveat*.
4. No match: if one child or one home more or less in the official count would make it match, the verdict is
   *borderline*, never "does not reproduce".
5. Revisions: every release in the files that gives the figure is compared. A claim that matches the figure
   first published but not the latest revision, or the reverse, says which. If it matches none and the figure
   as first published is not in the files, the verdict is *differs from the revised figure*, not "does not
   reproduce": the claimant may have quoted the first publication.
6. If no reading with an official figure exists, the verdict is *cannot be checked with official data*, and
   the nearest official figures are shown with what is missing.
A claim's own arithmetic (2,250 -> 3,990 = +77%) is checked separately by `arithmetic`.
"""

import math
from dataclasses import dataclass, field

REPRODUCES = "reproduces"
CAVEAT = "reproduces with a caveat"
BORDERLINE = "borderline"
REVISED = "differs from the revised figure"
NOT_REPRODUCED = "does not reproduce"
CONSISTENT = "consistent with an official bound"
INCONSISTENT = "inconsistent with an official bound"
UNCHECKABLE = "cannot be checked with official data"
OUT_OF_SCOPE = "outside the official data's scope"

SCALE = [
    (REPRODUCES, "The official figure for the measure the claim names, within its published rounding, matches the "
     "claim's figure at the precision it was stated.", "✔"),
    (CAVEAT, "The figures match, but only within the declared tolerance, or only for one release of the data, or "
     "the official measure differs from the claim's words in a way the row states.", "✔*"),
    (BORDERLINE, "The figures do not match, but one child or one home more or less in the official count would make "
     "them match: too close to call.", "≈"),
    (REVISED, "The figure for the measure the claim names differs, but only a later revision is in the files; the "
     "figure as first published, which the claimant may have used, is not.", "≠?"),
    (NOT_REPRODUCED, "The official figure for the measure the claim names, in every release in the files, differs "
     "from the claim by more than rounding and the declared tolerance allow.", "✘"),
    (CONSISTENT, "No official figure measures exactly what the claim names, but an official figure for a wider (or "
     "narrower) group bounds it, and the claim lies within that bound.", "≤"),
    (INCONSISTENT, "An official figure for a wider (or narrower) group bounds the claim, and the claim lies outside "
     "that bound.", "✘≤"),
    (UNCHECKABLE, "No official file published the figure the claim names, nor a bound on it; the nearest official "
     "figures are shown and what is missing is said.", "?"),
    (OUT_OF_SCOPE, "Not a statistic about children (a policy threshold, a funding amount, a date): listed so nothing "
     "is dropped, not checked.", "–"),
]
JUDGED = {REPRODUCES, CAVEAT, BORDERLINE, REVISED, NOT_REPRODUCED}

# One tolerance per kind of quantity, applied to every claim of that kind: (kind of margin, size, why).
TOLERANCE = {
    "count": ("relative", 0.01, "1% of the official count: small revisions and differences of coverage between "
              "releases move national counts by about this much"),
    "share": ("points", 0.5, "half a percentage point: DfE prints percentages to the nearest whole number"),
    "change_percent": ("points", 2.0, "two percentage points of growth: a change compounds the rounding of two counts"),
    "change_points": ("points", 0.5, "half a percentage point"),
    "money": ("relative", 0.02, "2% of the official amount: council returns are revised after publication"),
    "ratio": ("relative", 0.05, "5% of the official ratio"),
}
RELATIONS = {"same": "the measure the claim names", "wider": "a wider group: an upper bound on the claim",
             "narrower": "a narrower group: a lower bound on the claim",
             "context": "another measure, date or group: context only, never a verdict"}


@dataclass
class Vintage:
    """One release's value for an official figure."""

    release: str
    published: str = ""          # ISO date the release was published, where known
    value: float | None = None
    low: float | None = None     # the range its published rounding allows
    high: float | None = None
    low_1: float | None = None   # the same range with one more unit (child, home) either way
    high_1: float | None = None
    source_file: str = ""
    first_publication: bool = False  # this release is the figure's first publication


@dataclass
class Evidence:
    """What the official data say about one claim under one reading."""

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
    alternatives: list[dict] = field(default_factory=list)
    vintages: list[Vintage] = field(default_factory=list)  # every release in the files, oldest first
    experimental: str = ""  # the publisher's own words where it called the statistics experimental
    official_low_1: float | None = None
    official_high_1: float | None = None
    first_published_in_files: bool | None = None  # None: not known


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


def widen(interval: tuple[float, float], quantity: str) -> tuple[float, float]:
    """The official interval widened by the declared tolerance for this kind of quantity."""
    kind, size, _ = TOLERANCE[quantity]
    low, high = interval
    if kind == "relative":
        return low * (1 - size), high * (1 + size)
    return low - size, high + size


def _interval(low, high, value) -> tuple[float, float]:
    return (low if low is not None else value, high if high is not None else value)


@dataclass
class Judgement:
    verdict: str
    reason: str
    matched: str = ""  # which release(s) matched


def _match(cited, vintage: Vintage, quantity: str) -> str:
    """'exact', 'tolerance', 'borderline' or '' for one release's value."""
    official = _interval(vintage.low, vintage.high, vintage.value)
    if overlaps(cited, official):
        return "exact"
    if overlaps(cited, widen(official, quantity)):
        return "tolerance"
    if vintage.low_1 is not None and overlaps(cited, (vintage.low_1, vintage.high_1)):
        return "borderline"
    return ""


def _vintages(evidence: Evidence) -> list[Vintage]:
    if evidence.vintages:
        return evidence.vintages
    return [Vintage(evidence.release, value=evidence.official_value, low=evidence.official_low,
                    high=evidence.official_high, low_1=evidence.official_low_1, high_1=evidence.official_high_1,
                    source_file=evidence.source_file, first_publication=bool(evidence.first_published_in_files))]


def judge_reading(claim, evidence: Evidence | None, relation: str) -> Judgement:
    """The verdict of one reading (see the module's rule)."""
    if evidence is None or evidence.official_value is None or not evidence.comparable:
        why = evidence.missing if evidence is not None else "no official measure is defined for this reading"
        return Judgement(UNCHECKABLE, why)
    cited = cited_interval(claim.cited_value, claim.cited_bound)
    shown = format_value(evidence.official_value, evidence.unit)
    if relation in ("wider", "narrower"):
        official = widen(_interval(evidence.official_low, evidence.official_high, evidence.official_value),
                         claim.quantity)
        if relation == "wider":
            inside, words = cited[0] <= official[1], "at most"
        else:
            inside, words = cited[1] >= official[0], "at least"
        return Judgement(CONSISTENT if inside else INCONSISTENT,
                         f"The official figure for {evidence.official_measure[:1].lower()}{evidence.official_measure[1:]} "
                         f"is {shown}, so the figure the claim names is {words} about that: the claim "
                         + ("lies within this bound." if inside else "lies outside this bound."), evidence.release)
    if relation != "same":
        return Judgement(UNCHECKABLE, f"The nearest official figure is {shown} for another measure ({evidence.official_measure}).")
    vintages = _vintages(evidence)
    latest = vintages[-1]
    results = [(v, _match(cited, v, claim.quantity)) for v in vintages]
    latest_match = results[-1][1]
    caveat = f" {evidence.caveat[:1].upper()}{evidence.caveat[1:]}" if evidence.caveat else ""
    tolerance = TOLERANCE[claim.quantity]
    tol_words = (f"{tolerance[1]:g} percentage points" if tolerance[0] == "points" else f"{100 * tolerance[1]:g}%")
    earlier = [(v, m) for v, m in results[:-1] if m in ("exact", "tolerance")]
    revision = ""
    if len(vintages) > 1:
        others = "; ".join(f"{v.release}: {format_value(v.value, evidence.unit)}" for v in vintages[:-1])
        revision = f" Earlier release(s) in the files: {others}."
    first_missing = not any(v.first_publication for v in vintages)
    first_note = (" The figure as first published is not in the files." if first_missing else "")
    if latest_match == "exact":
        if len(vintages) > 1 and results[0][1] not in ("exact", "tolerance") and vintages[0].first_publication:
            return Judgement(CAVEAT, f"The official figure is {shown} ({latest.release}), matching the claim within "
                             f"rounding; but the figure first published ({vintages[0].release}) was "
                             f"{format_value(vintages[0].value, evidence.unit)}.{caveat}", latest.release)
        if caveat:
            return Judgement(CAVEAT, f"The official figure is {shown} ({latest.release}), matching the claim within "
                             f"rounding; but {evidence.caveat}", latest.release)
        return Judgement(REPRODUCES, f"The official figure is {shown} ({latest.release}), matching the claim within "
                         f"rounding.{revision}", latest.release)
    if latest_match == "tolerance":
        return Judgement(CAVEAT, f"The official figure is {shown} ({latest.release}): it differs from the claim by "
                         f"more than rounding, but within the declared tolerance for {claim.quantity.replace('_', ' ')}s "
                         f"({tol_words}).{revision}{first_note}{caveat}", latest.release)
    if earlier:
        v = earlier[0][0]
        return Judgement(CAVEAT, f"The claim matches the figure in {v.release} ({format_value(v.value, evidence.unit)}), "
                         f"since revised to {shown} in {latest.release}.{caveat}", v.release)
    if latest_match == "borderline" or any(m == "borderline" for _, m in results):
        return Judgement(BORDERLINE, f"The official figure is {shown} ({latest.release}); one child or home more or "
                         f"less in the official count would make it match the claim, so this is too close to call."
                         f"{revision}{caveat}", latest.release)
    if first_missing:
        return Judgement(REVISED, f"The official figure is {shown} in {latest.release}, the earliest release in the "
                         f"files that gives it; the figure as first published is not in the files, so whether the "
                         f"claim matched it when it was made cannot be said.{revision}{caveat}", latest.release)
    allows = ("" if format_value(latest.low, evidence.unit) == format_value(latest.high, evidence.unit) or latest.low is None
              else f" (rounding allows {format_value(latest.low, evidence.unit)} to {format_value(latest.high, evidence.unit)})")
    return Judgement(NOT_REPRODUCED, f"The official figure is {shown}{allows} in {latest.release}, not "
                     f"{claim.cited_value}{'%' if evidence.unit == 'percent' else ''} as cited, even within the "
                     f"declared tolerance ({tol_words}).{revision}{caveat}", latest.release)


def headline(judged: list[tuple[dict, Evidence | None, Judgement]]) -> int | None:
    """Index of the reading that gives the claim's verdict, by the stated rule: readings in order of closeness to
    the claim's words (rank); the closest `same` reading that has an official figure; failing that the closest
    bound (`wider` / `narrower`) that has one; failing that none (cannot be checked)."""
    ordered = sorted(range(len(judged)), key=lambda i: int(judged[i][0]["rank"]))
    for relations in (("same",), ("wider", "narrower")):
        for i in ordered:
            reading, _, judgement = judged[i]
            if reading["relation"] in relations and judgement.verdict != UNCHECKABLE:
                return i
    return None


def format_value(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    if unit in ("percent", "percent_change"):
        return f"{value:.1f}%"
    if unit in ("gbp", "gbp_per_child"):
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
