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

from sentaway.analysis import numbers, words

REPRODUCES = "reproduces"
CAVEAT = "reproduces with a caveat"
BORDERLINE = "borderline"
REVISED = "differs from the revised figure"
NOT_REPRODUCED = "does not reproduce"
CONSISTENT = "consistent with an official bound"
INCONSISTENT = "inconsistent with an official bound"
UNCHECKABLE = "cannot be checked with official data"
OUT_OF_SCOPE = "outside the official data's scope"

# The scale's words and symbols live in book/words/verdicts.yml; the order and names are the rule's.
_NAMES = [REPRODUCES, CAVEAT, BORDERLINE, REVISED, NOT_REPRODUCED, CONSISTENT, INCONSISTENT, UNCHECKABLE, OUT_OF_SCOPE]
SCALE = [(name, words.entry("verdicts", "scale")[name]["meaning"], words.entry("verdicts", "scale")[name]["symbol"])
         for name in _NAMES]
JUDGED = {REPRODUCES, CAVEAT, BORDERLINE, REVISED, NOT_REPRODUCED}

# One tolerance per kind of quantity, applied to every claim of that kind: (kind of margin, size, why).
_MARGINS = {"count": ("relative", 0.01), "share": ("points", 0.5), "change_percent": ("points", 2.0),
            "change_points": ("points", 0.5), "money": ("relative", 0.02), "ratio": ("relative", 0.05)}
TOLERANCE = {kind: (how, size, words.entry("verdicts", "tolerance")[kind]) for kind, (how, size) in _MARGINS.items()}
RELATIONS = {name: words.entry("verdicts", "relations")[name] for name in ("same", "wider", "narrower", "context")}


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


def _say(key: str, **values) -> str:
    return words.say("verdicts", f"reasons.{key}", **values)


def judge_reading(claim, evidence: Evidence | None, relation: str) -> Judgement:
    """The verdict of one reading (see the module's rule)."""
    if evidence is None or evidence.official_value is None or not evidence.comparable:
        why = evidence.missing if evidence is not None else _say("no_measure")
        return Judgement(UNCHECKABLE, why)
    cited = cited_interval(claim.cited_value, claim.cited_bound)
    unit = evidence.unit
    shown = format_value(evidence.official_value, unit)
    if relation in ("wider", "narrower"):
        official = widen(_interval(evidence.official_low, evidence.official_high, evidence.official_value),
                         claim.quantity)
        inside = cited[0] <= official[1] if relation == "wider" else cited[1] >= official[0]
        measure = evidence.official_measure[:1].lower() + evidence.official_measure[1:]
        return Judgement(CONSISTENT if inside else INCONSISTENT,
                         _say("bound", measure=measure, shown=shown, wider=relation == "wider", inside=inside),
                         evidence.release)
    if relation != "same":
        return Judgement(UNCHECKABLE, _say("context", shown=shown, measure=evidence.official_measure))
    vintages = _vintages(evidence)
    latest = vintages[-1]
    results = [(v, _match(cited, v, claim.quantity)) for v in vintages]
    latest_match = results[-1][1]
    caveat = f" {evidence.caveat[:1].upper()}{evidence.caveat[1:]}" if evidence.caveat else ""
    how, size, _ = TOLERANCE[claim.quantity]
    tolerance = _say("tolerance_size", size=f"{size:g}" if how == "points" else f"{100 * size:g}", points=how == "points")
    earlier = [(v, m) for v, m in results[:-1] if m in ("exact", "tolerance")]
    revision = (_say("earlier_releases", others="; ".join(f"{v.release}: {format_value(v.value, unit)}" for v in vintages[:-1]))
                if len(vintages) > 1 else "")
    first_missing = not any(v.first_publication for v in vintages)
    common = {"shown": shown, "release": latest.release, "caveat": caveat, "revision": revision}
    if latest_match == "exact":
        if len(vintages) > 1 and results[0][1] not in ("exact", "tolerance") and vintages[0].first_publication:
            return Judgement(CAVEAT, _say("matches_latest_not_first", first_release=vintages[0].release,
                                          first_value=format_value(vintages[0].value, unit), **common), latest.release)
        if caveat:
            return Judgement(CAVEAT, _say("matches_with_caveat", caveat_text=evidence.caveat, **common), latest.release)
        return Judgement(REPRODUCES, _say("matches", **common), latest.release)
    if latest_match == "tolerance":
        return Judgement(CAVEAT, _say("within_tolerance", kind=claim.quantity.replace("_", " "), tolerance=tolerance,
                                      first_note=_say("first_missing") if first_missing else "", **common), latest.release)
    if earlier:
        v = earlier[0][0]
        return Judgement(CAVEAT, _say("matches_earlier_release", release=v.release, value=format_value(v.value, unit),
                                      shown=shown, latest=latest.release, caveat=caveat), v.release)
    if any(m == "borderline" for _, m in results):
        return Judgement(BORDERLINE, _say("borderline", **common), latest.release)
    if first_missing:
        return Judgement(REVISED, _say("revised", **common), latest.release)
    low, high = format_value(latest.low, unit), format_value(latest.high, unit)
    allows = "" if latest.low is None or low == high else _say("rounding_allows", low=low, high=high)
    cited_words = f"{claim.cited_value}{'%' if unit == 'percent' else ''}"
    return Judgement(NOT_REPRODUCED, _say("not_reproduced", allows=allows, cited=cited_words, tolerance=tolerance,
                                          **common), latest.release)


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
        return numbers.percent(value)  # one decimal, no trailing zero (the book's one number format)
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
        implied, said = 100 * (b - a) / a, f"{first.cited_value} -> {second.cited_value}"
    elif claim.quantity == "share":
        implied, said = 100 * b / a, f"{second.cited_value} / {first.cited_value}"
    elif claim.quantity == "money":
        implied, said = b / a, f"{second.cited_value} / {first.cited_value}"
    else:
        return None
    consistent = overlaps(cited_interval(claim.cited_value, claim.cited_bound), (implied, implied))
    unit = "percent" if claim.quantity != "money" else "gbp"
    key = "arithmetic_consistent" if consistent else "arithmetic_inconsistent"
    return {"implied": implied, "consistent": consistent,
            "finding": _say(key, words=said, implied=format_value(implied, unit), cited=claim.cited_value)}
