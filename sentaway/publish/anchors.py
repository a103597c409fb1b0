"""Stable addresses for renamed claims: where a page has the anchor claim-<new> (or chart-<new>) of a claim
renamed in releases/renames.csv, an empty element with the old id is put inside the same element, so
register.html#claim-<old> still lands on the claim. A row may also rename one whole anchor (chart-<old>,chart-<new>)
for a chapter's chart. Used by the book build and by `make site` (for archives
built before the rename)."""

import re
from pathlib import Path

from sentaway.publish import releases as store

PREFIXES = ("claim-", "chart-")
# Elements that cannot hold a <span> directly: the span goes into their first cell instead.
TABLE_PARTS = ("tr", "tbody", "thead", "table")


def _opening_tag(text: str, position: int) -> tuple[int, int, str]:
    """(start, end, tag name) of the opening tag around `position` (which is inside it)."""
    start = text.rfind("<", 0, position)
    end = text.find(">", position) + 1
    name = re.match(r"<([a-zA-Z0-9]+)", text[start:end]).group(1).lower()
    return start, end, name


CLAIM_SECTION = re.compile(r'<section\b[^>]*\bid="claim-([^"]+)"[^>]*>')


def chart_fallbacks(text: str) -> str:
    """A claim's evidence section without a chart (a later release may have none, e.g. once the claim cannot be
    checked) still answers to #chart-<id>: the address leads to the claim, which says why there is no chart."""
    def fallback(match):
        claim_id = match.group(1)
        if f'id="chart-{claim_id}"' in text:
            return match.group(0)
        return match.group(0) + f'<span id="chart-{claim_id}" class="sa-chart-absent" data-claim="claim-{claim_id}"></span>'
    return CLAIM_SECTION.sub(fallback, text)


def add(text: str, pairs: dict[str, str]) -> str:
    """The page with a redirect anchor for every renamed claim it shows under its new id, and a #chart-<id> for
    every claim section that has no chart."""
    text = chart_fallbacks(text)
    for old in sorted(pairs):
        new = store.final_id(old, pairs)
        # A claim id renames both its anchors; a row naming a whole anchor (chart-..., for a chapter's chart
        # that belongs to no claim) renames that anchor only.
        ids = [(old, new)] if old.startswith(PREFIXES) else [(p + old, p + new) for p in PREFIXES]
        for old_id, new_id in ids:
            if f'id="{old_id}"' in text:
                continue
            found = text.find(f'id="{new_id}"')
            if found < 0:
                continue
            _, end, name = _opening_tag(text, found)
            if name in TABLE_PARTS:
                cell = re.compile(r"<t[dh]\b[^>]*>").search(text, end)
                if cell is None:
                    continue
                end = cell.end()
            span = f'<span id="{old_id}" class="sa-renamed" data-renamed-to="{new_id}"></span>'
            text = text[:end] + span + text[end:]
    return text


def add_to_site(outdir: Path, pairs: dict[str, str]) -> int:
    """Add the anchors of `add` to every page of a built site; returns how many pages changed."""
    changed = 0
    for path in outdir.rglob("*.html"):
        if "_static" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        updated = add(text, pairs)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    return changed
