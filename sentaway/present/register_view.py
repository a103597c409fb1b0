"""The register as a journalist reads it: each row leads with what was said, then who said it and when,
the verdict (symbol, word and colour), the official figure with a link to the release it came from, and
the evidence. Takes a register DataFrame (sentaway.register.register.build()) and reads only the columns
ROW_COLUMNS; rendering only, no verdict logic.

The rows carry data attributes (verdict, speaker, outlet, topic, date) that book/assets/sentaway-register.js
uses to add search, filters and sorting; with scripts off the full table is still there to read.
"""

import csv
import html
import re
from functools import lru_cache

import pandas as pd

from sentaway.analysis import numbers
from sentaway.read.extracts import release_links
from sentaway.paths import data_file
from sentaway.present import render
from sentaway.register.verdicts import OUT_OF_SCOPE, SCALE

RANK = {name: i for i, (name, _, _) in enumerate(SCALE)}

ROW_COLUMNS = ["claim_id", "family", "quote", "speaker", "outlet", "date", "verdict", "conclusion", "reason",
               "official_value", "official_unit", "official_year", "bound", "release", "source_file"]
QUOTE_CHARS = 140  # a short quote leads the row; the evidence page has it whole

# Each claims page holds one family's claims, and only those.
FAMILY_PAGES = {"out_of_area": "claims_out_of_area", "missing": "claims_missing", "distance": "claims_distance",
                "regional": "claims_regional", "cost": "claims_cost", "other": "claims_other"}
# The page that showed a family's claims before it had its own (0.2.0 and earlier): that page keeps a signpost
# with each claim's anchors, linking to its page now, so an address cited then still lands on the claim.
MOVED_FROM = {"distance": "claims_missing", "other": "claims_cost"}
TOPICS = {"out_of_area": "Out-of-area placements", "missing": "Missing children", "distance": "Distance from home",
          "regional": "Where homes are", "cost": "Cost", "other": "Other figures"}
URL = re.compile(r"https?://[^\s,;)'\"]+")


@lru_cache(maxsize=None)
def quote_links() -> dict[str, str]:
    """data/quote_links.csv: seed file of a text -> where that text was published."""
    with open(data_file("quote_links.csv"), encoding="utf-8", newline="") as handle:
        return {row["seed_file"]: row["url"] for row in csv.DictReader(handle)}


def release_parts(release: str) -> list[str]:
    return [part.strip() for part in str(release or "").split(";") if part.strip()]


def unlinked_releases(register: pd.DataFrame) -> list[str]:
    """Release labels in the register with no publisher page in data/release_links.csv."""
    links = release_links()
    return sorted({part for release in register.release for part in release_parts(release) if part not in links})


def release_html(release: str) -> str:
    """Each release a figure came from, linked to its publisher's page."""
    links = release_links()
    parts = []
    for part in release_parts(release):
        link = links.get(part)
        text = html.escape(part)
        parts.append(f'<a href="{html.escape(link["url"])}" class="sa-release" rel="external">{text}</a>' if link else text)
    return "; ".join(parts)


def quote_url(claim) -> str:
    """Where the words were said or printed: the text's own address where data/quote_links.csv has it, else
    an address the claim's notes give (the Hansard record of a speech); '' where none is recorded."""
    seed = getattr(claim, "seed_file", "")
    if seed and seed in quote_links():
        return quote_links()[seed]
    found = URL.search(str(getattr(claim, "notes", "") or ""))
    return found.group(0) if found else ""


def short_quote(quote: str, limit: int = QUOTE_CHARS) -> str:
    quote = " ".join(str(quote).split())
    if len(quote) <= limit:
        return quote
    cut = quote[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def register_table(register: pd.DataFrame, badge, on_family_page: bool = False, claims: pd.DataFrame | None = None) -> str:
    """The claims with verdicts (badge: verdict -> HTML). On the register page each row is the claim's
    anchor (#claim-<id>); on a family page the rows link down to the evidence sections."""
    extra = claims.set_index("claim_id") if claims is not None else None
    rows = []
    for row in register[ROW_COLUMNS].itertuples(index=False):
        missing = numbers.is_missing(row.official_value)
        rows.append({
            "claim_id": row.claim_id, "row_id": f"{'summary' if on_family_page else 'claim'}-{row.claim_id}",
            "verdict": row.verdict, "rank": RANK.get(row.verdict, 9), "badge": render.Markup(badge(row.verdict)),
            "conclusion": row.conclusion, "bound": row.bound if missing else "",
            "speaker": row.speaker, "outlet": row.outlet, "date": str(row.date),
            "topic": TOPICS.get(row.family, row.family), "quote": " ".join(str(row.quote).split()),
            "short_quote": short_quote(row.quote),
            "said_at": quote_url(extra.loc[row.claim_id]) if extra is not None and row.claim_id in extra.index else "",
            "official": "" if missing else numbers.value(float(row.official_value), row.official_unit),
            "official_year": numbers.year(row.official_year) if row.official_year and not missing else "",
            "release": render.Markup(release_html(row.release)),
            # "not a statistic": listed, not checked, so no evidence to link to.
            "checked": row.verdict != OUT_OF_SCOPE,
            "page": "" if on_family_page else f"{FAMILY_PAGES[row.family]}.html"})
    # A family page lists some of the texts' figures: only the whole register counts the texts.
    n_texts = 0 if on_family_page else int(register.seed_file.nunique())
    return render.html("register_table.html.j2", rows=rows, n_texts=n_texts)
