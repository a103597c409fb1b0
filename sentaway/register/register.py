"""The computed claims register: every claim of the five texts, every reading of it, the official value under
each, the headline verdict, its reason, the release, and where the cited figure was first printed."""

import json
import math
import os
import pickle
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sentaway import __version__, sidefiles
from sentaway.analysis import memo, numbers, reclassification, words
from sentaway.paths import REGISTER_ENV, REPO, note_read
from sentaway.read import claims as claims_data, extracts
from sentaway.register import conclusions, provenance, readings
from sentaway.register.checks import load_all
from sentaway.read.extracts import NotComputable
from sentaway.register.verdicts import (BOUND_FACTOR, JUDGED, MATCHES, NOT_MATCHED, OUT_OF_SCOPE, OWN_FIGURES, POINTS, RELATIONS, ROUGHLY,
                                        SCALE, UNCHECKABLE, Evidence, Judgement, arithmetic, bound_label, cited_text,
                                        format_value, headline, judge_reading, sentences)

COLUMNS = ["claim_id", "family", "verdict", "conclusion", "reason", "speaker", "outlet", "date", "seed_file", "quote",
           "cited_value", "cited_value_2", "unit", "year", "measure", "quantity", "headline_reading", "relation",
           "reading_reason", "official_measure", "official_value", "official_low", "official_high", "official_unit",
           "official_year", "bound", "bound_value", "gap", "gap_unit", "largest_revision", "release_current_when_said",
           "comparable", "caveat", "missing", "consistency", "arithmetic", "same_source", "reclassification",
           "readings", "revisions", "experimental", "source_file", "release", "release_published",
           "release_public_when_said", "release_url", "filters", "rounding", "first_printed_kind", "first_printed_by",
           "first_printed_in", "first_printed_date", "first_printed_public_when_said", "first_printed_url",
           "first_printed_note", "claimant_only", "source_public_when_said", "book_version"]


NUMERIC = ["official_value", "official_low", "official_high", "headline_reading", "bound_value", "gap",
           "largest_revision"]
# A claim outside the data's scope has no reading: its text columns are empty, never NaN.
BLANK = {**{c: "" for c in COLUMNS}, **{c: None for c in NUMERIC}, "comparable": False, "claimant_only": False}
# The measures that count the children's-homes group DfE reclassified in 2017: a claim read against them may
# cross the seam (sentaway.analysis.reclassification).
SEAM_MEASURES = {"homes_locality", "homes_change", "homes_count"}
# The order in which one source's figures settle on their one verdict: the more cautious wins.
CAUTION = [MATCHES, ROUGHLY, UNCHECKABLE, NOT_MATCHED, OWN_FIGURES]


def _say(key: str, **values) -> str:
    return words.say("register_rows", key, **values)


def _reason(key: str, **values) -> str:
    return words.say("verdicts", f"reasons.{key}", **values)


def evidence_for(claim, reading: dict) -> Evidence:
    """The official measure a reading names, computed for this claim (or why it cannot be). A reading's `caveat`
    parameter (data/readings.csv) is the reading's own caveat: a literal reading the speaker may not have meant."""
    function = load_all()[reading["measure"]]
    params = readings.parse_params(reading["params"])
    caveat = params.pop("caveat", "")
    try:
        found = function(claim, **params)
    except NotComputable as error:
        return Evidence(claim.claim_id, official_measure="", comparable=False,
                        missing=_say("not_computable", error=error))
    if caveat:
        found.caveat = f"{caveat} {found.caveat}".strip()
    return found


def judge_all(claim) -> list[tuple[dict, Evidence, Judgement]]:
    return [(reading, evidence, judge_reading(claim, evidence, reading["relation"]))
            for reading in readings.for_claim(claim.claim_id)
            for evidence in [evidence_for(claim, reading)]]


def _reading_summary(judged) -> list[dict]:
    return [{"rank": int(r["rank"]), "relation": r["relation"], "reason": r["reason"], "measure": r["measure"],
             "params": r["params"], "official_measure": e.official_measure, "official_value": e.official_value,
             "official_unit": e.unit, "release": e.release, "verdict": j.verdict, "finding": j.reason}
            for r, e, j in judged]


def _readings_text(summary: list[dict]) -> str:
    return " | ".join(_say("reading", rank=s["rank"], relation=s["relation"], computed=s["official_value"] is not None,
                           measure=s["official_measure"], value=format_value(s["official_value"], s["official_unit"]),
                           release=s["release"], verdict=s["verdict"], finding=s["finding"])
                      for s in summary)


def _revisions(evidence: Evidence) -> str:
    if not evidence.vintages:
        return ""
    parts = [_say("revision", release=v.release, published=v.published, value=format_value(v.value, evidence.unit),
                  first=v.first_publication) for v in evidence.vintages]
    if not any(v.first_publication for v in evidence.vintages):
        parts.append(_say("first_missing"))
    return "; ".join(parts)


def _nearest(judged) -> Evidence | None:
    """The evidence that carries the nearest official figures for the page's chart and table."""
    for _, evidence, _ in judged:
        if evidence.nearest:
            return evidence
    return None


def _first_release(release: str) -> str:
    return release.split(";")[0].strip()


def _loose_bound(judged) -> tuple[dict, Evidence, Judgement] | None:
    """The closest bound with an official figure (shown as context where it is too loose to decide)."""
    bounds = [(r, e, j) for r, e, j in judged if r["relation"] in ("wider", "narrower") and e.official_value is not None]
    return min(bounds, key=lambda t: int(t[0]["rank"])) if bounds else None


def _experimental(judged) -> str:
    return next((e.experimental for _, e, _ in judged if e.experimental), "")


def _seam(claim, judged) -> dict | None:
    """DfE's 2017 reclassification, where a comparison the claim makes (or its evidence shows) crosses it: a claim
    about a year whose figure was published before it, read against the children's-homes group in a year on the
    new definition."""
    years = [int(y) for y in str(claim.year).split("-")]
    measured = [e.year for r, e, _ in judged if r["measure"] in SEAM_MEASURES and e.year]
    ends = ([years[-1]] if len(years) > 1 else []) + [y for y in measured if y != years[0]]
    if not measured or not any(reclassification.crosses(years[0], end) for end in ends):
        return None
    facts = reclassification.summary()
    seam = {"year": years[0], "largest": numbers.percent(facts["largest_pct"]),
            "smallest": numbers.percent(facts["smallest_pct"]), "first_year": facts["first_year"],
            "last_year": facts["last_year"], "release": facts["revised_release"], "footnote": facts["footnote"]}
    moved = claim.quantity == "change_percent" and len(years) > 1
    low, high = reclassification.moved_change(float(claim.cited_value)) if moved else (None, None)
    return {**seam, "moved": moved, "low": numbers.percent(low, 0) if moved else "",
            "high": numbers.percent(high, 0) if moved else "", "cited": f"{claim.cited_value}%"}


@lru_cache(maxsize=1)
def build() -> tuple[pd.DataFrame, dict[str, Evidence]]:
    """The register (do not modify the returned frame: it is cached for the page that asks again). In a run
    `make book` started, the one the build computed for every page ($SENTAWAY_REGISTER; the read joins the
    page's cache key); elsewhere (a reviewer's run, plain papermill) computed here."""
    product = os.environ.get(REGISTER_ENV)
    if product:
        note_read(Path(product).resolve().relative_to(REPO).as_posix())
        return pickle.loads(Path(product).read_bytes())
    with memo.one_computation():
        return _build()


def _claim_row(claim, table, known) -> tuple[dict, Evidence | None, list[dict], conclusions.Basis]:
    """One claim's register row (before the rules that look at several claims), its evidence and readings, and what
    its conclusion rests on."""
    row = {c: getattr(claim, c) for c in ("claim_id", "family", "speaker", "outlet", "date", "seed_file", "quote",
                                          "cited_value", "cited_value_2", "unit", "year", "measure", "quantity",
                                          "source_public_when_said")}
    row["book_version"] = __version__
    if claim.scope not in claims_data.CHECKED:
        return ({**BLANK, **row, "verdict": OUT_OF_SCOPE, "reason": claim.scope_reason}, None, [],
                conclusions.Basis(OUT_OF_SCOPE, claim))
    judged = judge_all(claim)
    chosen = headline(judged)
    summary = _reading_summary(judged)
    loose = None
    if chosen is None:  # no official figure, nor a bound that could have refuted the claim: what is missing
        reading, found, judgement = judged[0]
        verdict, reason = UNCHECKABLE, judgement.reason
        loose = _loose_bound(judged)
        if loose is not None:
            reason = sentences(reason, loose[2].reason)
        near = _nearest(judged)
        if near is not None and not found.nearest:
            found.nearest = near.nearest
    else:
        reading, found, judgement = judged[chosen]
        verdict, reason = judgement.verdict, judgement.reason
    bound_from = (found, reading["relation"]) if judgement.bound else (loose[1], loose[0]["relation"]) if loose else None
    bound = bound_label(*bound_from) if bound_from else ""
    same = reading["relation"] == "same" and found.official_value is not None and found.comparable
    sums = arithmetic(claim, table)
    if sums and not sums["consistent"]:
        reason = _reason("own_figures", finding=sums["finding"], official=sentences(reason))
    experimental = _experimental(judged)
    trend = bool(experimental) and claim.quantity in ("change_percent", "change_points")
    if trend:
        reason = sentences(reason, _reason("experimental_trend", warning=experimental))
    seam = _seam(claim, judged)
    if seam:
        reason = sentences(reason, _reason("seam", **seam))
    if same and found.says:
        reason = sentences(reason, found.says)
    reason = sentences(reason)
    vintage = judgement.vintage if same else None
    release = (vintage.release if vintage is not None else _first_release(found.release)) if same or judgement.bound else ""
    published = (known.published.get(release, "") if release in known.index else extracts.release_date(release)) if release else ""
    printed = provenance.for_claim(claim.claim_id, claim.date)
    first = next((p for p in printed if p["role"] == "first printed"), {})
    context = [f"{s['official_measure']}: {format_value(s['official_value'], s['official_unit'])} ({s['release']})"
               for s in summary if s["relation"] == "context" and s["official_value"] is not None]
    revision = found.revision if (same or judgement.bound) else None
    row.update({
        "verdict": verdict, "reason": reason,
        "headline_reading": int(reading["rank"]), "relation": reading["relation"], "reading_reason": reading["reason"],
        "official_measure": found.official_measure if same else "",
        "official_value": found.official_value if same else None,
        "official_low": found.official_low if same else None,
        "official_high": found.official_high if same else None,
        "official_unit": found.unit if same or bound_from else "", "official_year": found.official_year if same else "",
        "bound": bound, "bound_value": bound_from[0].official_value if bound_from else None,
        "gap": judgement.gap if same else None,
        "gap_unit": ("percentage points" if claim.quantity in POINTS else "per cent") if same else "",
        "largest_revision": revision.size if revision is not None and revision.first_release else None,
        "release_current_when_said": ("" if not same else vintage.release if vintage is not None and not judgement.day_missing
                                      else _say("day_not_in_files")),
        "comparable": same or judgement.informative, "caveat": found.caveat,
        "missing": found.missing if not same else "",
        "consistency": "; ".join(context), "arithmetic": sums["finding"] if sums else "",
        "reclassification": _reason("seam", **seam) if seam else "",
        "readings": _readings_text(summary), "revisions": _revisions(found), "experimental": experimental,
        "source_file": found.source_file if same or judgement.bound else "", "release": release,
        "release_published": published,
        "release_public_when_said": provenance.public_before(published, claim.date) if published else "",
        "release_url": extracts.release_links().get(release, {}).get("url", "") if release else "",
        "filters": found.filters, "rounding": found.rounding,
        "first_printed_kind": first.get("kind", ""), "first_printed_by": first.get("publisher", ""),
        "first_printed_in": first.get("publication", ""), "first_printed_date": first.get("published", ""),
        "first_printed_public_when_said": first.get("public_before_claim", ""),
        "first_printed_url": first.get("official_url") or first.get("read_at_url", ""),
        "first_printed_note": " ".join(p["note"] for p in printed), "claimant_only": bool(first.get("claimant_only")),
    })
    if sums and not sums["consistent"]:
        row["verdict"] = OWN_FIGURES
    basis = conclusions.Basis(row["verdict"], claim, evidence=found, judgement=judgement, vintage=vintage, bound=bound,
                              missing=found.missing if not same else "",
                              arithmetic={**sums, "shown": format_value(sums["implied"], "percent" if claim.quantity != "money" else "gbp"),
                                          "cited": cited_text(claim.cited_value, "percent" if claim.quantity != "money" else "gbp")} if sums else None,
                              experimental=trend, seam=seam)
    return row, found, summary, basis


def _one_source(rows: dict[str, dict], bases: dict, table: pd.DataFrame) -> None:
    """Figures from one printed source that measure the same thing (a count and its share for the same year, by
    data/provenance.csv and data/claim_sources.csv) take one verdict, the more cautious, with one explanation."""
    for members in provenance.same_source_groups(table):
        present = [c for c in members if c in rows and rows[c]["verdict"] in CAUTION]
        if len(present) < 2:
            continue
        verdict = max((rows[c]["verdict"] for c in present), key=CAUTION.index)
        source = provenance.source_words(present[0])
        shown = {c: cited_text(rows[c]["cited_value"], rows[c]["official_unit"] or rows[c]["unit"]) for c in present}
        reasons = dict.fromkeys(sentences(rows[c]["reason"]) for c in present)  # one figure's reason once if alike
        figures = list(dict.fromkeys(shown.values()))
        explanation = sentences(_reason("same_source", figures=" and ".join(figures), source=source, twice=len(figures) == 1),
                                *(reasons if len(reasons) == 1 else (f"{shown[c]}: {sentences(rows[c]['reason'])}"
                                                                     for c in present)))
        for c in present:
            rows[c].update({"verdict": verdict, "reason": explanation,
                            "same_source": "; ".join(o for o in present if o != c)})
            bases[c].verdict = verdict


def _build() -> tuple[pd.DataFrame, dict[str, Evidence]]:
    table = claims_data.load()
    known = extracts.release_dates().set_index("release")
    rows, evidence, all_readings, bases = {}, {}, {}, {}
    for claim in table.itertuples(index=False):
        row, found, summary, basis = _claim_row(claim, table, known)
        rows[claim.claim_id], bases[claim.claim_id] = row, basis
        if found is not None:
            evidence[claim.claim_id], all_readings[claim.claim_id] = found, summary
    _one_source(rows, bases, table)
    for claim_id, row in rows.items():
        row["conclusion"] = conclusions.conclusion(bases[claim_id])
    frame = pd.DataFrame(list(rows.values()), columns=COLUMNS)
    frame.attrs["readings"] = all_readings
    return frame, evidence


def readings_of(claim_id: str) -> list[dict]:
    """Every reading of one claim with its official value and judgement (as the register computed them)."""
    return build()[0].attrs["readings"].get(claim_id, [])


def _plain(value) -> str:
    """A number as the CSV writes it: six significant figures, but never an exponent, and money (a million and
    more) in full to the penny: 63.1173, 1028000317.12."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if abs(value) >= 1e6:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return numbers.number(float(f"{value:.6g}"), 6).replace(",", "")


def to_csv(register: pd.DataFrame) -> str:
    frame = register.copy()
    for column in NUMERIC:
        frame[column] = [_plain(v) for v in frame[column]]
    return frame.to_csv(index=False, lineterminator="\n")


def _clean(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def to_json(register: pd.DataFrame) -> str:
    records = []
    for row in register.to_dict(orient="records"):
        record = {k: _clean(v) for k, v in row.items()}
        record["readings"] = [{k: _clean(v) for k, v in s.items()} for s in register.attrs.get("readings", {}).get(row["claim_id"], [])]
        records.append(record)
    rule = {"scale": [{"verdict": name, "meaning": text, "symbol": symbol} for name, text, symbol in SCALE],
            "relations": RELATIONS, "tolerance": words.entry("verdicts", "yardstick"),
            "bounds": words.say("verdicts", "bound_factor", factor=BOUND_FACTOR)}
    return json.dumps({"version": __version__, "rule": rule, "claims": records}, indent=1, ensure_ascii=False,
                      default=str) + "\n"


def claim_review(row: dict, page_url: str = "") -> str:
    """schema.org ClaimReview JSON-LD for one claim, as fact-checkers publish."""
    data = {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "claimReviewed": row["quote"], "datePublished": row.get("build_date", ""),
        "author": {"@type": "Organization", "name": "Sent Away"},
        "itemReviewed": {"@type": "Claim", "datePublished": row["date"],
                         "author": {"@type": "Person", "name": row["speaker"]},
                         "appearance": {"@type": "CreativeWork", "name": row["outlet"]}},
        "reviewRating": {"@type": "Rating", "alternateName": row["conclusion"], "name": row["verdict"],
                         "ratingExplanation": row["reason"]},
    }
    if page_url:
        data["url"] = page_url
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def family_summary(families: list[str] | None) -> dict:
    """Counts for a page's opening sentence: how many claims, from how many source texts, how many of them are
    statistics about children and how many statements about how the data are collected, and how many got each
    verdict."""
    table, _ = build()
    rows = table if families is None else table[table.family.isin(families)]
    counts = rows.verdict.value_counts()
    words = [f"{counts[name]} {name}" for name, _, _ in SCALE if name in counts]
    scope = claims_data.load().set_index("claim_id").scope.reindex(rows.claim_id)
    return {"n_claims": len(rows), "n_texts": int(rows.seed_file.nunique()),
            "n_statistical": int((scope == "statistical").sum()), "n_collection": int((scope == "data_collection").sum()),
            "n_judged": int(rows.verdict.isin(JUDGED).sum()), "verdict_counts": "; ".join(words)}


def write_downloads(folder: str = "downloads") -> pd.DataFrame:
    """Write claims_register.csv and .json where the register page links them; return the register.
    A relative `folder` is a side file of the notebook's run (sentaway.sidefiles: staged by the build,
    never written straight into the book); an absolute one is written to directly."""
    table, _ = build()
    files = {"claims_register.csv": to_csv(table), "claims_register.json": to_json(table)}
    if Path(folder).is_absolute():
        Path(folder).mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
    else:
        for name, text in files.items():
            sidefiles.write(f"{folder}/{name}", text)
    return table
