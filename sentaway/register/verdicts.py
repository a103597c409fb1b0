"""The published verdict scale and the one rule that assigns it: no verdict is set by hand.

A claim is checked under every reasonable *reading* of its words (data/readings.csv: which official measure,
which year, list or release, and how that measure relates to the claim's words). Each reading is judged by
`judge_reading`; the claim's headline verdict is the judgement of the reading closest to its words
(`headline`); sentaway/register/register.py then applies the rules that look at a claim as a whole (its own
arithmetic, one verdict per printed source). The register page explains the rule with examples from the register.

Rule for one reading (each uncertainty counted once):
1. Like with like. Only a reading of the measure the claim's words name (relation `same`) can make a claim match
   or not. A figure for a wider group is an upper bound on the claim, for a narrower group a lower bound
   (`wider`, `narrower`); any other measure, date or group is `context`, shown and never a verdict.
2. The claim stands for the range its words allow: a figure for the range it rounds from, its precision read from
   the words and the size of the number, not from trailing zeros alone ("£1 billion" is 0.95-1.05 billion, as if
   rounded to two significant figures; "almost / nearly / just under X" is up to one such step below X; "at
   least / thousands" is X and more). The official figure stands for the range its published rounding allows.
3. Judged on what was public when it was said: the release current on the claim's date first, the latest
   revision second, each named. The two ranges meet: *matches* (a caveat on the measure makes it *roughly
   right*). They miss by no more than the largest revision of the same series between the releases in the files
   (computed; the tolerance, and the only one), or an unrounded count misses by one unit: *roughly right*. They
   miss by more: *does not match*. Where the release current on the day is not in the files and the later
   revision misses by more than revisions explain, the verdict is *cannot be checked*, said so in words.
4. A bound decides only if it could have refuted a plausible misstatement: an upper bound at most BOUND_FACTOR
   times the claim (a lower bound at least 1/BOUND_FACTOR of it). Within such a bound: *roughly right* as far as
   the official figures go; beyond it: *does not match*. A looser bound is context, shown labelled as a bound,
   and the claim *cannot be checked*.
5. No reading with an official figure or a bound that could refute: *cannot be checked*, with what is missing.
A claim's own arithmetic (2,250 -> 3,990 = +77%) is checked by `arithmetic`; where it fails, that is the verdict.
"""

import math
from dataclasses import dataclass, field

from sentaway.analysis import numbers, words
from sentaway.read import extracts
from sentaway.register.provenance import public_before

MATCHES = "matches"
ROUGHLY = "roughly right"
NOT_MATCHED = "does not match"
UNCHECKABLE = "cannot be checked"
OWN_FIGURES = "its own figures do not add up"
OUT_OF_SCOPE = "not a statistic"

# The scale's words and symbols live in book/words/verdicts.yml; the order and names are the rule's.
_NAMES = [MATCHES, ROUGHLY, NOT_MATCHED, OWN_FIGURES, UNCHECKABLE, OUT_OF_SCOPE]
SCALE = [(name, words.entry("verdicts", "scale")[name]["meaning"], words.entry("verdicts", "scale")[name]["symbol"])
         for name in _NAMES]
JUDGED = {MATCHES, ROUGHLY, NOT_MATCHED, OWN_FIGURES}
RELATIONS = {name: words.entry("verdicts", "relations")[name] for name in ("same", "wider", "narrower", "context")}
# A bound decides a verdict only when it is at most this many times the claim (upper) or at least the claim
# divided by it (lower): a claim overstated this much would have failed it (book/words/verdicts.yml, bound_factor).
BOUND_FACTOR = 2
# Quantities whose gap is measured in percentage points; every other kind's in per cent of the official figure.
POINTS = {"share", "change_percent", "change_points"}


@dataclass
class Revision:
    """The largest revision of an official series between two releases in the files (the tolerance)."""

    size: float                 # per cent of the earlier value, or percentage points (`points`)
    points: bool = False
    year: str = ""
    first_release: str = ""
    last_release: str = ""
    first_value: float | None = None
    last_value: float | None = None
    none_why: str = ""          # where no year is given twice: why (e.g. a snapshot list, never revised)
    unit: str = ""              # the unit of first_value and last_value, where not the evidence's


@dataclass
class Vintage:
    """One release's value for an official figure."""

    release: str
    published: str = ""          # ISO date the release was published, where known
    value: float | None = None
    low: float | None = None     # the range its published rounding allows
    high: float | None = None
    low_1: float | None = None   # an unrounded count's range with one more unit (child, home) either way
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
    revision: Revision | None = None  # the largest revision of this series between releases in the files
    publisher: str = ""  # who publishes the figure, as a conclusion names it ("DfE")
    period: str = ""     # what date the figure is for, as a conclusion says it ("March 2018")
    year: int | None = None  # the reference year, for the release that first published it
    says: str = ""       # where the evidence is the publisher's own words (a table note), those words
    short: str = ""      # the measure in a few words, as a bound's label gives it ("all missing incidents, ...")


def _step(digits: str) -> float:
    """One unit in the second significant place of a whole number's size: 10000 -> 1000, 5000 -> 100, 25 -> 1."""
    return 10.0 ** max(len(digits.lstrip("0")) - 2, 0)


def precision(text: str) -> float:
    """The step a written number is rounded to: its last written digit, but for a round number no coarser than
    one unit in its second significant place: '2250' -> 10, '64' -> 1, '10700' -> 100, '1000000000' -> 1e8
    ('£1 billion' said aloud is 0.95-1.05 billion, not 0.5-1.5), '200000' -> 1e4, '0.5' -> 0.1."""
    text = text.strip()
    if "." in text:
        return 10.0 ** -len(text.split(".")[1])
    digits = text.lstrip("-")
    zeros = len(digits) - len(digits.rstrip("0"))
    if zeros == len(digits):
        return 1.0
    return min(10.0 ** zeros, _step(digits))


def cited_interval(value: str, bound: str) -> tuple[float, float]:
    """The range the claim's words allow: 'point' rounds from half a step either side; 'upper' (almost, nearly,
    just under) is up to one step below; 'lower' (at least, more than, thousands) is the value and above."""
    number = float(value)
    step = precision(value)
    if bound == "lower":
        return number, math.inf
    if bound == "upper":
        return number - step, number
    return number - step / 2, number + step / 2


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _interval(low, high, value) -> tuple[float, float]:
    return (low if low is not None else value, high if high is not None else value)


def gap(cited: tuple[float, float], official: tuple[float, float], quantity: str) -> float:
    """How far apart the claim's range and the official range are (0 where they meet): percentage points for
    shares and changes, per cent of the official range's nearer end for counts, money and ratios."""
    if overlaps(cited, official):
        return 0.0
    distance, near = (official[0] - cited[1], official[0]) if cited[1] < official[0] else (cited[0] - official[1], official[1])
    return distance if quantity in POINTS else 100 * distance / abs(near) if near else math.inf


def difference(cited: float, official: float, quantity: str) -> float:
    """The claim's figure against the official one: points for shares and changes, per cent otherwise (signed)."""
    if quantity in POINTS:
        return cited - official
    return 100 * (cited - official) / official if official else math.inf


@dataclass
class Judgement:
    verdict: str
    reason: str
    matched: str = ""      # which release the verdict rests on
    gap: float | None = None  # the gap it rests on, in the quantity's unit (POINTS or per cent)
    bound: str = ""        # 'upper' / 'lower' where the reading is a bound
    informative: bool = False  # a bound that could have refuted the claim
    day_missing: bool = False  # the release current when the claim was made is not in the files
    vintage: Vintage | None = None  # the release's figure the verdict rests on


def _say(key: str, **values) -> str:
    return words.say("verdicts", f"reasons.{key}", **values)


def sentences(*parts: str) -> str:
    """Sentences joined into one reason, each ending with a full stop: never 'files The publisher ...'."""
    done = []
    for part in (p.strip() for p in parts if p and p.strip()):
        part = part[:1].upper() + part[1:]
        done.append(part if part.endswith((".", "?", "!", ")", "\u201d")) else part + ".")
    return " ".join(done)


def _vintages(evidence: Evidence) -> list[Vintage]:
    if evidence.vintages:
        return evidence.vintages
    return [Vintage(evidence.release, published=extracts.release_date(evidence.release), value=evidence.official_value,
                    low=evidence.official_low, high=evidence.official_high, low_1=evidence.official_low_1,
                    high_1=evidence.official_high_1, source_file=evidence.source_file,
                    first_publication=bool(evidence.first_published_in_files))]


def public_when_said(published: str, said: str) -> bool:
    """Was a release published on `published` (ISO, '' where not known) public on the claim's date `said`? A
    release of unknown date counts as public (the reading that names it says why it is reasonable)."""
    return not published or public_before(published, said) in ("yes", "same day", "unknown")


def shown_gap(size: float, quantity: str) -> str:
    """A gap or revision as a reason writes it: one decimal, two under 1 (so a gap of 0.21 beside a revision of 0.2
    reads as larger, and a miss never as '0')."""
    decimals = 1 if size == 0 or abs(size) >= 1 else 2
    return numbers.points(size, decimals) if quantity in POINTS else numbers.percent(size, decimals)


def yardstick(evidence: Evidence, quantity: str) -> str:
    """The largest revision of the series in words: what the gap is compared with."""
    r = evidence.revision
    if r is None or (not r.first_release and r.none_why):
        return _say("no_revisions", why=r.none_why if r else "")
    return _say("revision", size=shown_gap(r.size, "share" if r.points else "count"), year=r.year,
                first=r.first_release, last=r.last_release, first_value=format_value(r.first_value, r.unit or evidence.unit),
                last_value=format_value(r.last_value, r.unit or evidence.unit), share=r.points)


def _tolerance(evidence: Evidence) -> float:
    return evidence.revision.size if evidence.revision is not None else 0.0


def judge_reading(claim, evidence: Evidence | None, relation: str) -> Judgement:
    """The verdict of one reading (see the module's rule)."""
    if evidence is None or evidence.official_value is None or not evidence.comparable:
        why = evidence.missing if evidence is not None else _say("no_measure")
        return Judgement(UNCHECKABLE, why)
    if relation in ("wider", "narrower"):
        return _judge_bound(claim, evidence, relation)
    if relation != "same":
        return Judgement(UNCHECKABLE, _say("context", shown=format_value(evidence.official_value, evidence.unit),
                                           measure=evidence.official_measure))
    return _judge_same(claim, evidence)


def _judge_same(claim, evidence: Evidence) -> Judgement:
    cited = cited_interval(claim.cited_value, claim.cited_bound)
    unit, quantity = evidence.unit, claim.quantity
    vintages = _vintages(evidence)
    public = [v for v in vintages if public_when_said(v.published, str(claim.date))]
    day, latest = (public[-1] if public else None), vintages[-1]
    target = day or latest
    official = _interval(target.low, target.high, target.value)
    found = gap(cited, official, quantity)
    tolerance = _tolerance(evidence)
    cited_words = cited_text(claim.cited_value, unit, claim.cited_bound)
    common = {"shown": format_value(target.value, unit), "release": target.release, "cited": cited_words,
              "difference": _difference_words(float(claim.cited_value), target.value, quantity),
              "gap": shown_gap(found, quantity), "yardstick": yardstick(evidence, quantity),
              "day": _day_words(day, latest, evidence, claim, unit), "caveat": evidence.caveat}
    judged = dict(matched=target.release, gap=found, day_missing=day is None, vintage=target)
    if found == 0:
        if evidence.caveat:
            return Judgement(ROUGHLY, _say("matches_with_caveat", **common), **judged)
        return Judgement(MATCHES, _say("matches", **common), **judged)
    if found <= tolerance + 1e-9:  # a gap equal to the revision is within it (whatever the float's last digit)
        return Judgement(ROUGHLY, _say("within_revision", **common), **judged)
    if target.low_1 is not None and target.low == target.high and overlaps(cited, (target.low_1, target.high_1)):
        return Judgement(ROUGHLY, _say("one_unit", **common), **judged)
    if day is None:
        return Judgement(UNCHECKABLE, _say("day_missing", year=evidence.year or claim.year, **common), **judged)
    others = [v for v in vintages if v is not day and gap(cited, _interval(v.low, v.high, v.value), quantity) == 0]
    if others:
        return Judgement(ROUGHLY, _say("matches_other_release", other=others[-1].release,
                                       other_value=format_value(others[-1].value, unit), **common), **judged)
    return Judgement(NOT_MATCHED, _say("not_matched", **common), **judged)


def _difference_words(cited: float, official: float | None, quantity: str) -> str:
    if official is None:
        return ""
    size = difference(cited, official, quantity)
    return _say("difference", size=shown_gap(abs(size), quantity), above=size > 0, level=abs(size) < 1e-9)


def _day_words(day: Vintage | None, latest: Vintage, evidence: Evidence, claim, unit: str) -> str:
    """The release current when the claim was made, and the latest revision, each named."""
    if day is None:
        return _say("day_not_in_files", year=evidence.year or claim.year, latest=latest.release,
                    published=latest.published)
    if day is latest:
        return _say("day_is_latest", release=day.release, published=day.published)
    return _say("day_then_latest", release=day.release, published=day.published,
                value=format_value(day.value, unit), latest=latest.release, latest_published=latest.published,
                latest_value=format_value(latest.value, unit), same=day.value == latest.value)


def bound_label(evidence: Evidence, relation: str) -> str:
    """'upper bound: <measure>, <value>' as the register shows a bound (never as the official figure)."""
    return _say("bound_label", upper=relation == "wider", measure=evidence.short or _lower_first(evidence.official_measure),
                shown=format_value(evidence.official_value, evidence.unit))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _judge_bound(claim, evidence: Evidence, relation: str) -> Judgement:
    cited = cited_interval(claim.cited_value, claim.cited_bound)
    value, upper = float(claim.cited_value), relation == "wider"
    low, high = _interval(evidence.official_low, evidence.official_high, evidence.official_value)
    tolerance = _tolerance(evidence) / (1 if claim.quantity in POINTS else 100)
    if claim.quantity in POINTS:
        low, high = low - tolerance, high + tolerance
    else:
        low, high = low * (1 - tolerance), high * (1 + tolerance)
    inside = cited[0] <= high if upper else cited[1] >= low
    informative = (evidence.official_value <= BOUND_FACTOR * value) if upper else (evidence.official_value * BOUND_FACTOR >= value)
    ratio = evidence.official_value / value if value else math.inf
    common = {"label": bound_label(evidence, relation), "upper": upper, "times": numbers.number(ratio, 2),
              "factor": BOUND_FACTOR, "cited": cited_text(claim.cited_value, evidence.unit, claim.cited_bound),
              "yardstick": yardstick(evidence, claim.quantity)}
    kind = "upper" if upper else "lower"
    if not informative:
        return Judgement(UNCHECKABLE, _say("bound_too_loose", **common), evidence.release, bound=kind)
    if inside:
        return Judgement(ROUGHLY, _say("bound_within", **common), evidence.release, bound=kind, informative=True)
    return Judgement(NOT_MATCHED, _say("bound_outside", **common), evidence.release, bound=kind, informative=True)


def headline(judged: list[tuple[dict, Evidence | None, Judgement]]) -> int | None:
    """Index of the reading that gives the claim's verdict, by the stated rule: readings in order of closeness to
    the claim's words (rank); the closest `same` reading that has an official figure; failing that the closest
    bound (`wider` / `narrower`) that could have refuted the claim; failing that none (cannot be checked)."""
    ordered = sorted(range(len(judged)), key=lambda i: int(judged[i][0]["rank"]))
    for i in ordered:
        reading, evidence, _ = judged[i]
        if reading["relation"] == "same" and evidence is not None and evidence.official_value is not None \
                and evidence.comparable:
            return i
    for i in ordered:
        reading, _, judgement = judged[i]
        if reading["relation"] in ("wider", "narrower") and judgement.informative:
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
    if unit == "year":
        return f"{value:.0f}"
    if unit == "hours":
        return f"{value:.0f} hours"
    return f"{value:,.0f}"


def cited_text(value: str, unit: str, bound: str = "point") -> str:
    """A cited figure as the reasons write it (the official figure's unit: '64%', '3,990', '£1,000,000,000'),
    with the range its words allow where it is a bound ('just under 25% (24% to 25%)', 'at least 2,000')."""
    shown = format_value(float(value), unit)
    if bound not in ("upper", "lower"):
        return shown
    return _say("cited", bound=bound, value=shown, low=format_value(cited_interval(value, bound)[0], unit))


def arithmetic(claim, claims) -> dict | None:
    """Does the claim follow from the figures it was computed from? Compared as ranges: each figure stands for
    the range its words allow (`cited_interval`). None where the claim is not derived."""
    if not claim.endpoint_claims:
        return None
    first, second = (claims.set_index("claim_id").loc[c] for c in claim.endpoint_claims.split(";"))
    a, b = float(first.cited_value), float(second.cited_value)
    shown_a, shown_b = format_value(a, first.unit), format_value(b, second.unit)
    ra, rb = cited_interval(first.cited_value, first.cited_bound), cited_interval(second.cited_value, second.cited_bound)
    if claim.quantity == "change_percent":
        implied, said = 100 * (b - a) / a, f"{shown_a} -> {shown_b}"
        ends = [100 * (y / x - 1) for x in ra for y in rb]
    elif claim.quantity == "share":
        implied, said = 100 * b / a, f"{shown_b} / {shown_a}"
        ends = [100 * y / x for x in ra for y in rb]
    elif claim.quantity == "money":
        implied, said = b / a, f"{shown_b} / {shown_a}"
        ends = [y / x for x in ra for y in rb]
    else:
        return None
    consistent = overlaps(cited_interval(claim.cited_value, claim.cited_bound), (min(ends), max(ends)))
    unit = "percent" if claim.quantity != "money" else "gbp"
    key = "arithmetic_consistent" if consistent else "arithmetic_inconsistent"
    return {"implied": implied, "consistent": consistent, "said": said,
            "finding": _say(key, words=said, implied=format_value(implied, unit),
                            cited=cited_text(claim.cited_value, unit))}
