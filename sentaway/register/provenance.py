"""Where each cited figure was printed before it was cited: data/provenance.csv (which printed source a claim's
figure comes from, and what kind of source it is) joined with data/claim_sources.csv (the printed sources,
extracted unchanged from ../shared/transcribed/claim_sources.csv). For provenance only: never an official value.
"""

from functools import lru_cache

import pandas as pd

from sentaway.paths import data_file

KEY = ["claim_topic", "year", "value"]


class ProvenanceError(ValueError):
    pass


@lru_cache(maxsize=None)
def sources() -> pd.DataFrame:
    frame = pd.read_csv(data_file("claim_sources.csv"), dtype=str, keep_default_na=False)
    twice = frame[frame.duplicated(KEY)]
    if not twice.empty:
        raise ProvenanceError(f"data/claim_sources.csv: two rows for {tuple(twice[KEY].iloc[0])}")
    return frame


@lru_cache(maxsize=None)
def links() -> pd.DataFrame:
    path = data_file("provenance.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    known = set(map(tuple, sources()[KEY].values))
    for line, row in enumerate(frame.itertuples(), start=2):
        key = (row.source_topic, row.source_year, row.source_value)
        if row.source_topic and key not in known:
            raise ProvenanceError(f"{path}, line {line} ({row.claim_id}): no printed source {key} in data/claim_sources.csv")
    return frame


def _url(text: str) -> str:
    """The first address in a cell that is not a mirror's ('https://... (press)' -> 'https://...'), or ''. A copy a
    third party made ('https://... (third-party mirror)', '... mirrored at https://...') is never given as a source."""
    words = text.split()
    for i, word in enumerate(words):
        if word.startswith(("http://", "https://")):
            near = " ".join(words[max(i - 2, 0):i + 3]).lower()
            if "mirror" not in near:
                return word.rstrip(").,;")
    return ""


def public_before(printed: str, said: str) -> str:
    """'yes', 'no' or 'unknown': was a source dated `printed` (ISO prefix) public before a claim made on `said`?"""
    if len(printed) < 7 or not printed[:4].isdigit():
        return "unknown"
    day = printed[:10]
    if len(day) == 7:  # a month only: before if the month ended before the claim's month began
        return "yes" if day < said[:7] else ("no" if day > said[:7] else "unknown")
    return "yes" if day < said[:10] else ("same day" if day == said[:10] else "no")


def for_claim(claim_id: str, said: str) -> list[dict]:
    """Printed sources of a claim's figure, first printed first; each with kind, date, publisher, links and whether
    it was public before the claim was made."""
    rows = links()
    rows = rows[rows.claim_id == claim_id]
    table = sources().set_index(KEY)
    found = []
    for row in rows.itertuples():
        entry = {"kind": row.kind, "role": row.role, "note": row.note, "publisher": "", "publication": "",
                 "published": "", "official_url": "", "read_at_url": "", "public_before_claim": "unknown",
                 "claimant_only": row.kind == "claimant's restatement"}
        if row.source_topic:
            source = table.loc[(row.source_topic, row.source_year, row.source_value)]
            entry.update({"publisher": source.publisher, "publication": source.publication,
                          "published": source.published_date, "official_url": _url(source.official_url),
                          "read_at_url": _url(source.read_at_url),
                          "public_before_claim": public_before(source.published_date, said)})
        found.append(entry)
    return found


def same_source_groups(claims: pd.DataFrame) -> list[list[str]]:
    """Claims whose figures were first printed in one source (the same data/claim_sources.csv row) and measure the
    same thing: counts and shares for the same year. Each group is listed in claims.csv order."""
    rows = links()
    rows = rows[(rows.role == "first printed") & (rows.source_topic != "")]
    said = claims.set_index("claim_id")
    groups: dict[tuple, list[str]] = {}
    for row in rows.itertuples():
        if row.claim_id not in said.index:
            continue
        claim = said.loc[row.claim_id]
        if claim.quantity not in ("count", "share"):
            continue
        groups.setdefault((row.source_topic, row.source_year, row.source_value, claim.year), []).append(row.claim_id)
    order = {c: i for i, c in enumerate(claims.claim_id)}
    return [sorted(g, key=order.get) for g in groups.values() if len(g) > 1]


def source_words(claim_id: str) -> str:
    """The printed source of a claim's figure in a few words: publication and date."""
    found = next(p for p in for_claim(claim_id, "") if p["role"] == "first printed")
    return f"{found['publication']}, {found['published']}" if found["publication"] else found["kind"]
