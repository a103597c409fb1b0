"""The computed claims register: every claim of the five texts, its official value and its verdict."""

import json
import math
from dataclasses import asdict
from functools import lru_cache

import pandas as pd

from . import __version__, claims as claims_data
from .checks import VARIANTS, load_all
from .extracts import NotComputable
from .verdicts import Evidence, UNCHECKABLE, arithmetic, format_value, judge

COLUMNS = ["claim_id", "family", "verdict", "reason", "speaker", "outlet", "date", "seed_file", "quote",
           "cited_value", "cited_value_2", "unit", "year", "measure", "quantity", "official_measure",
           "official_value", "official_low", "official_high", "official_unit", "official_year", "comparable", "caveat",
           "missing", "consistency", "arithmetic", "robustness", "source_file", "release", "filters", "rounding",
           "source_public_when_said", "book_version"]


def evidence_for(claim, variant: dict | None = None) -> Evidence | None:
    check = load_all().get(claim.claim_id)
    if check is None:
        return None
    try:
        return check(claim, variant) if variant else check(claim)
    except NotComputable as error:
        return Evidence(claim.claim_id, official_measure="", comparable=False,
                        missing=f"the official value is not computable: {error}")


def robustness(claim, verdict: str) -> str:
    """Recompute under each other reasonable definition or release, and say if the verdict moves."""
    variants = VARIANTS.get(claim.claim_id)
    if not variants:
        return ""
    parts = []
    for label, variant in variants.items():
        evidence = evidence_for(claim, variant)
        other, _ = judge(claim, evidence)
        value = format_value(evidence.official_value, evidence.unit) if evidence else "n/a"
        parts.append(f"{label}: {value}, {other}" + ("" if other == verdict else " (verdict changes)"))
    return "; ".join(parts)


@lru_cache(maxsize=1)
def build() -> tuple[pd.DataFrame, dict[str, Evidence]]:
    """The register (do not modify the returned frame: it is cached for the page that asks again)."""
    table = claims_data.load()
    rows, evidence = [], {}
    for claim in table.itertuples(index=False):
        found = evidence_for(claim) if claim.scope == "statistical" else None
        verdict, reason = judge(claim, found)
        sums = arithmetic(claim, table) if claim.scope == "statistical" else None
        found_dict = asdict(found) if found else {}
        rows.append({
            **{c: getattr(claim, c) for c in ("claim_id", "family", "speaker", "outlet", "date", "seed_file", "quote",
                                              "cited_value", "cited_value_2", "unit", "year", "measure", "quantity",
                                              "source_public_when_said")},
            "verdict": verdict, "reason": reason,
            "official_measure": found_dict.get("official_measure", ""),
            "official_value": found_dict.get("official_value"), "official_low": found_dict.get("official_low"),
            "official_high": found_dict.get("official_high"), "official_unit": found_dict.get("unit", ""),
            "official_year": found_dict.get("official_year", ""), "comparable": found_dict.get("comparable", False),
            "caveat": found_dict.get("caveat", ""), "missing": found_dict.get("missing", ""),
            "consistency": found_dict.get("consistency", ""), "arithmetic": sums["finding"] if sums else "",
            "robustness": robustness(claim, verdict) if found else "",
            "source_file": found_dict.get("source_file", ""), "release": found_dict.get("release", ""),
            "filters": found_dict.get("filters", ""), "rounding": found_dict.get("rounding", ""),
            "book_version": __version__,
        })
        if found:
            evidence[claim.claim_id] = found
    return pd.DataFrame(rows, columns=COLUMNS), evidence


def to_csv(register: pd.DataFrame) -> str:
    return register.to_csv(index=False, lineterminator="\n", float_format="%.6g")


def to_json(register: pd.DataFrame) -> str:
    records = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
               for row in register.to_dict(orient="records")]
    return json.dumps({"version": __version__, "claims": records}, indent=1, ensure_ascii=False, default=str) + "\n"


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
    """Counts for a page's opening sentence: how many claims, and how many got each verdict."""
    from .verdicts import SCALE

    table, _ = build()
    rows = table if families is None else table[table.family.isin(families)]
    counts = rows.verdict.value_counts()
    words = [f"{counts[name]} {name}" for name, _, _ in SCALE if name in counts]
    return {"n_claims": len(rows), "n_statistical": int((rows.verdict != SCALE[-1][0]).sum()),
            "verdict_counts": "; ".join(words)}


def write_downloads(folder: str = "downloads") -> pd.DataFrame:
    """Write claims_register.csv and .json where the register page links them; return the register.
    A relative `folder` is a side file of the notebook's run (sentaway.sidefiles: staged by the build,
    never written straight into the book); an absolute one is written to directly."""
    from pathlib import Path

    from . import sidefiles

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
