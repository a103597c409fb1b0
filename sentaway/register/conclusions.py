"""A claim's conclusion in plain words, generated from its verdict and the numbers (words: book/words/conclusions.yml):
"Roughly right. DfE's figure for March 2018, as revised in 2022, is 63.1%; the claim says 64%." It leads the register
row, the evidence, the copied citation and the ClaimReview."""

import datetime as dt
from dataclasses import dataclass

from sentaway.analysis import words
from sentaway.register.verdicts import (NOT_MATCHED, OUT_OF_SCOPE, OWN_FIGURES, ROUGHLY, UNCHECKABLE, Evidence, Judgement,
                                        Vintage, cited_text, format_value)

WORDS = words.File("conclusions")


@dataclass
class Basis:
    """What a conclusion rests on: the verdict, the claim, and the official evidence behind it."""

    verdict: str
    claim: object
    evidence: Evidence | None = None
    judgement: Judgement | None = None
    vintage: Vintage | None = None  # the release the verdict rests on
    bound: str = ""           # a bound's label, where the verdict or the context is a bound
    missing: str = ""         # what the files lack
    arithmetic: dict | None = None
    experimental: bool = False  # a change built on figures the publisher called experimental
    seam: dict | None = None  # sentaway.analysis.reclassification.summary(), where the claim crosses it


def month(iso: str) -> str:
    """'2017-09-28' -> 'September 2017' ('' where the date is not known)."""
    try:
        return dt.date.fromisoformat(iso[:10]).strftime("%B %Y")
    except ValueError:
        return ""


def _figure(basis: Basis) -> str:
    evidence, vintage = basis.evidence, basis.vintage
    if evidence.says:
        return evidence.says
    value = vintage.value if vintage is not None and vintage.value is not None else evidence.official_value
    published = vintage.published if vintage is not None else ""
    revised = published[:4] if vintage is not None and not vintage.first_publication and published else ""
    differs = basis.judgement is not None and bool(basis.judgement.gap)
    return WORDS.say("figure", publisher=evidence.publisher or "The publisher", period=evidence.period or evidence.official_year,
                     what=evidence.short if evidence.caveat else "", revised=revised, published=month(published),
                     value=format_value(value, evidence.unit),
                     differs=differs, cited=cited_text(basis.claim.cited_value, evidence.unit, basis.claim.cited_bound))


def _official(basis: Basis) -> tuple[str, bool]:
    """The official side (the figure, the bound, or what is missing), and whether it opens with the verdict's own
    words ("Cannot be checked: ...", "Roughly right, as far as ..."), so that the opening is not said twice."""
    judgement = basis.judgement
    if judgement is not None and judgement.bound and judgement.informative:
        return WORDS.say("bound_within" if basis.verdict != NOT_MATCHED else "bound_outside", label=basis.bound), True
    if basis.evidence is not None and basis.evidence.official_value is not None and not (judgement and judgement.bound):
        if judgement is not None and judgement.day_missing and basis.verdict == UNCHECKABLE:
            return WORDS.say("day_missing") + " " + _figure(basis), True
        caveat = WORDS.say("caveat", caveat=basis.evidence.caveat) if basis.evidence.caveat and basis.verdict == ROUGHLY else ""
        return _figure(basis) + caveat, False
    text = WORDS.say("missing", missing=basis.missing.rstrip("."))
    return text + (WORDS.say("loose_bound", label=basis.bound) if basis.bound else ""), True


def conclusion(basis: Basis) -> str:
    """The conclusion for one claim."""
    if basis.verdict == OUT_OF_SCOPE:
        return WORDS.say("out_of_scope", reason=str(basis.claim.scope_reason).rstrip("."))
    official, opens = _official(basis)
    if basis.verdict == OWN_FIGURES:
        sums = basis.arithmetic
        if opens and basis.missing:
            official = WORDS.say("own_unchecked", missing=basis.missing.rstrip("."))
        text = WORDS.say("own_figures", said=sums["said"].replace(" -> ", " to "), implied=sums["shown"],
                         cited=sums["cited"]) + " " + official
    else:
        opening = WORDS.entry(f"opening.{basis.verdict}")
        text = official if opens and official.startswith(opening.rstrip(".")) else f"{opening} {official}"
    if basis.experimental:
        text += WORDS.say("experimental")
    if basis.seam:
        text += WORDS.say("seam", **basis.seam)
    return text
