"""What changed between consecutive releases, computed from the registers and glued figures stored in
releases/<version>/. The words are in book/templates/changes.html.j2; this module only compares.

A claim is listed when its verdict, official value, reading or provenance changed; each change gets the
causes that the stored columns show:
- new_reading: how the claim is read changed (what was said, or which official measure and year it is matched to);
- revision: the same official year now comes from another release, with a different figure (DfE revised it);
- new_data: the figure now comes from another release and another official year (a new release of the data);
- new_source: another release gives the same figure for the same year;
- rule_value: the figure changed with the same release and reading (the book computes it differently);
- rule_verdict: the verdict changed with the same figure, reading and release (the verdict rule changed);
- provenance: the source file or rounding note changed with the same release.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from sentaway.publish import releases as store

GROUPS = {
    "verdict": ["verdict"],
    "value": ["official_value", "official_low", "official_high", "official_unit"],
    "reading": ["quote", "cited_value", "cited_value_2", "unit", "year", "measure", "quantity", "official_measure",
                "official_year", "filters", "comparable", "headline_reading", "relation"],
    "provenance": ["release", "source_file", "rounding", "release_published", "release_url", "experimental",
                   "first_printed_in", "first_printed_by", "first_printed_date", "first_printed_kind",
                   "first_printed_url"],
}
TEXT_ONLY = ["reason", "caveat", "missing", "consistency", "arithmetic", "robustness", "readings", "reading_reason",
             "revisions", "first_printed_note"]
# Only the columns both registers have are compared (a column a release added is reported once, not as a change
# of every claim).
NUMERIC = {"official_value", "official_low", "official_high", "cited_value", "cited_value_2"}
# Not compared: book_version (differs in every release by definition), and who/where/when said it.


def _number(text: str):
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def same(column: str, old: str, new: str) -> bool:
    old, new = (old or "").strip(), (new or "").strip()
    if column in NUMERIC:
        a, b = _number(old), _number(new)
        if a is not None and b is not None:
            return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return old == new


@dataclass
class ClaimChange:
    claim_id: str
    old_id: str
    old: dict
    new: dict
    fields: list[dict] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)


@dataclass
class Comparison:
    old: store.Release
    new: store.Release
    changed: list[ClaimChange]
    added: list[dict]
    removed: list[dict]
    renamed: list[tuple[str, str]]
    text_only: list[str]
    unchanged: int
    figures: list[dict]
    columns_added: list[str]
    columns_removed: list[str]


def causes(diff: set[str], old: dict, new: dict) -> list[str]:
    found = []
    reading_diff = diff & set(GROUPS["reading"])
    if "release" in diff:
        reading_diff -= {"official_year"}  # another release and another year: new data, not a new reading
    reading = bool(reading_diff)
    value = bool(diff & set(GROUPS["value"]))
    if reading:
        found.append("new_reading")
    other_provenance = diff & (set(GROUPS["provenance"]) - {"release"})
    if "release" in diff:
        if "official_year" in diff:
            found.append("new_data")
        elif value:
            found.append("revision")
        else:
            found.append("new_source")
    else:
        if value and not reading:
            found.append("rule_value")
        if other_provenance:
            found.append("provenance")
    if "verdict" in diff and not (reading or value or "release" in diff):
        found.append("rule_verdict")
    return found


def compare_registers(old_rows: list[dict], new_rows: list[dict], renames: dict[str, str]):
    """(changed, added, removed, renamed, text_only, unchanged) between two registers."""
    old_by_id = {}
    renamed = []
    for row in old_rows:
        now = store.final_id(row["claim_id"], renames)
        if now != row["claim_id"]:
            renamed.append((row["claim_id"], now))
        old_by_id[now] = row
    new_by_id = {row["claim_id"]: row for row in new_rows}
    shared = set(old_rows[0] if old_rows else {}) & set(new_rows[0] if new_rows else {})
    groups = {g: [c for c in cols if c in shared] for g, cols in GROUPS.items()}
    text_columns = [c for c in TEXT_ONLY if c in shared]
    changed, text_only, unchanged = [], [], 0
    renamed = [(a, b) for a, b in renamed if b in new_by_id]
    for claim_id, new in new_by_id.items():
        old = old_by_id.get(claim_id)
        if old is None:
            continue
        diff = {c for cols in groups.values() for c in cols if not same(c, old.get(c, ""), new.get(c, ""))}
        if diff:
            change = ClaimChange(claim_id, old["claim_id"], old, new)
            for group, columns in groups.items():
                for column in columns:
                    if column in diff:
                        change.fields.append({"group": group, "column": column,
                                              "old": old.get(column, ""), "new": new.get(column, "")})
            change.causes = causes(diff, old, new)
            changed.append(change)
        elif any(not same(c, old.get(c, ""), new.get(c, "")) for c in text_columns):
            text_only.append(claim_id)
        else:
            unchanged += 1
    added = [row for cid, row in new_by_id.items() if cid not in old_by_id]
    removed = [row for cid, row in old_by_id.items() if cid not in new_by_id]
    return changed, added, removed, renamed, text_only, unchanged


def _shown(value: dict | None) -> str | None:
    """A glued figure as the page shows it: its markdown when it has one, else its plain text."""
    if value is None:
        return None
    return value.get("text/markdown", value.get("text/plain"))


def compare_columns(old_rows: list[dict], new_rows: list[dict]) -> tuple[list[str], list[str]]:
    """(columns the newer register added, columns it dropped), ignoring the order of columns."""
    old, new = list(old_rows[0]) if old_rows else [], list(new_rows[0]) if new_rows else []
    return [c for c in new if c not in old], [c for c in old if c not in new]


def compare_figures(old: dict, new: dict) -> list[dict]:
    """Glued figures that differ, or exist on one side only, notebook by notebook."""
    rows = []
    for notebook in sorted(set(old) | set(new)):
        a, b = old.get(notebook, {}), new.get(notebook, {})
        for name in sorted(set(a) | set(b)):
            before, after = _shown(a.get(name)), _shown(b.get(name))
            if before != after:
                rows.append({"notebook": notebook, "name": name, "old": before, "new": after})
    return rows


def _figures(version: str, root: Path) -> dict:
    path = root / version / store.GLUE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def compare(old: store.Release, new: store.Release, root: Path = store.RELEASES) -> Comparison:
    before, after = store.register(old.version, root), store.register(new.version, root)
    parts = compare_registers(before, after, store.renames(root))
    added, removed = compare_columns(before, after)
    return Comparison(old, new, *parts, figures=compare_figures(_figures(old.version, root), _figures(new.version, root)),
                      columns_added=added, columns_removed=removed)


def all_pairs(recorded: list[store.Release], root: Path = store.RELEASES) -> list[Comparison]:
    """Every pair of consecutive releases, newest pair first."""
    return [compare(a, b, root) for a, b in zip(recorded, recorded[1:])][::-1]
