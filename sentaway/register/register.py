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
from sentaway.analysis import memo, words
from sentaway.paths import REGISTER_ENV, REPO, note_read
from sentaway.read import claims as claims_data, extracts
from sentaway.register import provenance, readings
from sentaway.register.checks import load_all
from sentaway.read.extracts import NotComputable
from sentaway.register.verdicts import JUDGED, OUT_OF_SCOPE, RELATIONS, SCALE, UNCHECKABLE, Evidence, Judgement, arithmetic, format_value, headline, judge_reading

COLUMNS = ["claim_id", "family", "verdict", "reason", "speaker", "outlet", "date", "seed_file", "quote",
           "cited_value", "cited_value_2", "unit", "year", "measure", "quantity", "headline_reading", "relation",
           "reading_reason", "official_measure", "official_value", "official_low", "official_high", "official_unit",
           "official_year", "comparable", "caveat", "missing", "consistency", "arithmetic", "readings", "revisions",
           "experimental", "source_file", "release", "release_published", "release_public_when_said", "release_url",
           "filters", "rounding", "first_printed_kind", "first_printed_by", "first_printed_in", "first_printed_date",
           "first_printed_public_when_said", "first_printed_url", "first_printed_note", "claimant_only",
           "source_public_when_said", "book_version"]


NUMERIC = ["official_value", "official_low", "official_high", "headline_reading"]
# A claim outside the data's scope has no reading: its text columns are empty, never NaN.
BLANK = {**{c: "" for c in COLUMNS}, **{c: None for c in NUMERIC}, "comparable": False, "claimant_only": False}


def _say(key: str, **values) -> str:
    return words.say("register_rows", key, **values)


def evidence_for(claim, reading: dict) -> Evidence:
    """The official measure a reading names, computed for this claim (or why it cannot be)."""
    function = load_all()[reading["measure"]]
    try:
        return function(claim, **readings.parse_params(reading["params"]))
    except NotComputable as error:
        return Evidence(claim.claim_id, official_measure="", comparable=False,
                        missing=_say("not_computable", error=error))


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


def _build() -> tuple[pd.DataFrame, dict[str, Evidence]]:
    table = claims_data.load()
    known = extracts.release_dates().set_index("release")
    rows, evidence, all_readings = [], {}, {}
    for claim in table.itertuples(index=False):
        row = {c: getattr(claim, c) for c in ("claim_id", "family", "speaker", "outlet", "date", "seed_file", "quote",
                                              "cited_value", "cited_value_2", "unit", "year", "measure", "quantity",
                                              "source_public_when_said")}
        row["book_version"] = __version__
        if claim.scope != "statistical":
            rows.append({**BLANK, **row, "verdict": OUT_OF_SCOPE, "reason": claim.scope_reason})
            continue
        judged = judge_all(claim)
        chosen = headline(judged)
        summary = _reading_summary(judged)
        all_readings[claim.claim_id] = summary
        if chosen is None:  # no reading has an official figure or bound: the closest reading says what is missing
            reading, found, judgement = judged[0]
            verdict, reason, relation = UNCHECKABLE, judgement.reason, reading["relation"]
            near = _nearest(judged)
            if near is not None and not found.nearest:
                found.nearest = near.nearest
        else:
            reading, found, judgement = judged[chosen]
            verdict, reason, relation = judgement.verdict, judgement.reason, reading["relation"]
        sums = arithmetic(claim, table)
        release = _first_release(found.release)
        published = known.published.get(release, "") if release in known.index else extracts.release_date(release)
        printed = provenance.for_claim(claim.claim_id, claim.date)
        first = next((p for p in printed if p["role"] == "first printed"), {})
        context = [f"{s['official_measure']}: {format_value(s['official_value'], s['official_unit'])} ({s['release']})"
                   for s in summary if s["relation"] == "context" and s["official_value"] is not None]
        rows.append({
            **row, "verdict": verdict, "reason": reason,
            "headline_reading": int(reading["rank"]), "relation": relation, "reading_reason": reading["reason"],
            "official_measure": found.official_measure,
            "official_value": found.official_value if verdict != UNCHECKABLE else None,
            "official_low": found.official_low if verdict != UNCHECKABLE else None,
            "official_high": found.official_high if verdict != UNCHECKABLE else None,
            "official_unit": found.unit, "official_year": found.official_year, "comparable": verdict != UNCHECKABLE,
            "caveat": found.caveat, "missing": found.missing if verdict == UNCHECKABLE else "",
            "consistency": "; ".join(context), "arithmetic": sums["finding"] if sums else "",
            "readings": _readings_text(summary), "revisions": _revisions(found), "experimental": found.experimental,
            "source_file": found.source_file, "release": found.release if verdict != UNCHECKABLE else "",
            "release_published": published if verdict != UNCHECKABLE else "",
            "release_public_when_said": (provenance.public_before(published, claim.date)
                                         if published and verdict != UNCHECKABLE else ""),
            "release_url": (extracts.release_links().get(release, {}).get("url", "")
                            if verdict != UNCHECKABLE else ""),
            "filters": found.filters, "rounding": found.rounding,
            "first_printed_kind": first.get("kind", ""), "first_printed_by": first.get("publisher", ""),
            "first_printed_in": first.get("publication", ""), "first_printed_date": first.get("published", ""),
            "first_printed_public_when_said": first.get("public_before_claim", ""),
            "first_printed_url": first.get("official_url") or first.get("read_at_url", ""),
            "first_printed_note": " ".join(p["note"] for p in printed), "claimant_only": bool(first.get("claimant_only")),
        })
        evidence[claim.claim_id] = found
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame.attrs["readings"] = all_readings
    return frame, evidence


def readings_of(claim_id: str) -> list[dict]:
    """Every reading of one claim with its official value and judgement (as the register computed them)."""
    return build()[0].attrs["readings"].get(claim_id, [])


def to_csv(register: pd.DataFrame) -> str:
    return register.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def _clean(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def to_json(register: pd.DataFrame) -> str:
    records = []
    for row in register.to_dict(orient="records"):
        record = {k: _clean(v) for k, v in row.items()}
        record["readings"] = [{k: _clean(v) for k, v in s.items()} for s in register.attrs.get("readings", {}).get(row["claim_id"], [])]
        records.append(record)
    rule = {"scale": [{"verdict": name, "meaning": text, "symbol": symbol} for name, text, symbol in SCALE],
            "relations": RELATIONS}
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
        "reviewRating": {"@type": "Rating", "alternateName": row["verdict"], "ratingExplanation": row["reason"]},
    }
    if page_url:
        data["url"] = page_url
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def family_summary(families: list[str] | None) -> dict:
    """Counts for a page's opening sentence: how many claims, from how many source texts, and how many got each verdict."""
    table, _ = build()
    rows = table if families is None else table[table.family.isin(families)]
    counts = rows.verdict.value_counts()
    words = [f"{counts[name]} {name}" for name, _, _ in SCALE if name in counts]
    return {"n_claims": len(rows), "n_texts": int(rows.seed_file.nunique()), "n_statistical": int((rows.verdict != OUT_OF_SCOPE).sum()),
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
