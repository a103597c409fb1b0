"""The register as a journalist reads it: each row leads with what was said, then who said it and when,
the verdict (symbol, word and colour), the official figure with a link to the release it came from, and
the evidence. Takes a register DataFrame (sentaway.register.register.build()) and reads only the columns
ROW_COLUMNS; rendering only, no verdict logic.

The rows carry data attributes (verdict, speaker, outlet, topic, date) that book/assets/sentaway-register.js
uses to add search, filters and sorting; with scripts off the full table is still there to read.
"""

import re

import pandas as pd

from sentaway.analysis import numbers, words
from sentaway.analysis.councils import codes
from sentaway.present import links, render
from sentaway.read import councils
from sentaway.read.extracts import release_dates, release_links
from sentaway.register.verdicts import OUT_OF_SCOPE, SCALE

RANK = {name: i for i, (name, _, _) in enumerate(SCALE)}

ROW_COLUMNS = ["claim_id", "family", "quote", "speaker", "outlet", "date", "verdict", "conclusion", "reason",
               "official_value", "official_unit", "official_year", "bound", "release", "source_file", "cited_value",
               "unit", "official_measure"]
QUOTE_CHARS = 140  # a short quote leads the row; the evidence page has it whole

# Each claims page holds one family's claims, and only those.
FAMILY_PAGES = {"out_of_area": "claims_out_of_area", "missing": "claims_missing", "distance": "claims_distance",
                "regional": "claims_regional", "cost": "claims_cost", "other": "claims_other"}
# The page that showed a family's claims before it had its own (0.2.0 and earlier): that page keeps a signpost
# with each claim's anchors, linking to its page now, so an address cited then still lands on the claim.
MOVED_FROM = {"distance": "claims_missing", "other": "claims_cost"}
TOPICS = {"out_of_area": "Out-of-area placements", "missing": "Missing children", "distance": "Distance from home",
          "regional": "Where homes are", "cost": "Cost", "other": "Other figures"}
def _digits(value: float, unit: str) -> list[str]:
    """How a figure may be written in digits: '3,990' or '3990'; money also '5 million', '1 billion'."""
    forms = []
    for scale, word in ((1e9, "billion"), (1e6, "million")):
        if unit.startswith("gbp") and value >= scale:
            forms.append(f"{value / scale:g} {word}")
    if value == int(value):
        forms += [f"{int(value):,}", str(int(value))]
    else:
        forms.append(f"{value:g}")
    return forms


def said_figure(quote: str, cited_value, unit: str = "") -> tuple[int, int] | None:
    """Where the quote states its cited figure (start, end), with its '%', 'per cent' or '£'; None where the
    words do not show it in digits nor in the words book/words/register_rows.yml lists for it."""
    try:
        value = float(cited_value)
    except (TypeError, ValueError):
        return None
    # A share is written with its sign ("20 miles" is not the 20% said "one in five").
    sign = "(%| per cent)" if unit == "percent" else "(%| per cent)?"
    for form in _digits(value, str(unit or "")):
        found = re.search(r"(£)?(?<![\d,.])" + re.escape(form) + r"(?![\d]|,\d)" + sign, quote)
        if found:
            return found.span()
    key = f"{value:g}" if value != int(value) else str(int(value))
    for said in words.entry("register_rows", "figure_words").get(key, []):
        found = re.search(r"\b" + re.escape(said), quote, re.I)
        if found:
            return found.span()
    return None


def short_quote(quote: str, span: tuple[int, int] | None = None, limit: int = QUOTE_CHARS) -> dict:
    """A quote as a row shows it: {before, figure, after}. Whole where it fits; else cut at words around the
    figure it states (`span`, from said_figure), never hiding it, with '…' where words were left out."""
    quote = " ".join(str(quote).split())
    if span is None:
        if len(quote) <= limit:
            return {"before": quote, "figure": "", "after": ""}
        cut = quote[:limit].rsplit(" ", 1)[0].rstrip(",;:")
        return {"before": cut + " …", "figure": "", "after": ""}
    start, end = span
    before, figure, after = quote[:start], quote[start:end], quote[end:]
    room = max(limit - len(figure), 0)
    if len(quote) > limit:
        # Half the room on each side of the figure; what one side does not need goes to the other.
        left = min(len(before), max(room // 2, room - len(after)))
        right = room - left
        if left < len(before):
            kept = before[len(before) - left:]
            if not before[len(before) - left - 1].isspace():  # a word cut in two is left out whole
                kept = kept.split(" ", 1)[1] if " " in kept else ""
            before = "… " + kept.lstrip()
        if right < len(after):
            kept = after[:right + 1]
            if not kept[-1].isspace():
                kept = kept.rsplit(" ", 1)[0] if " " in kept else ""
            after = kept.rstrip(" ,;:") + " …"
    return {"before": before, "figure": figure, "after": after}


def quote_parts(claim, limit: int = QUOTE_CHARS) -> dict:
    """A claim's quote (a register row, a claims.csv row or a dict of either) cut around its figure: short_quote's
    {before, figure, after}."""
    get = claim.get if isinstance(claim, dict) else lambda name, default="": getattr(claim, name, default)
    quote = " ".join(str(get("quote", "")).split())
    return short_quote(quote, said_figure(quote, get("cited_value", ""), get("unit", "")), limit)


def said_by(speaker: str, outlet: str, date: str = "") -> str:
    """Who said it, where and (given a date) when, the outlet named once: a speaker may name it already
    ('LocalGov (unattributed; ...)')."""
    parts = [speaker] + ([] if str(outlet) in str(speaker) else [outlet]) + ([numbers.date(date)] if date else [])
    return ", ".join(str(p) for p in parts if str(p))


def excerpt(claim, limit: int = QUOTE_CHARS) -> str:
    """A claim's quote as one line of text, cut around its figure (quote_parts)."""
    cut = quote_parts(claim, limit)
    return cut["before"] + cut["figure"] + cut["after"]


def official_cell(row) -> dict:
    """What the row's official-figure cell holds: the official figure for the measure the claim names (the register
    gives one only for that measure); else a bound, labelled as one (context, not the figure); else nothing."""
    release = render.Markup(links.release_html(row.release)) if row.release else ""
    if numbers.is_missing(row.official_value):
        bound = str(getattr(row, "bound", "") or "")
        return {"figure": "", "bound": bound, "release": release if bound else ""}
    return {"figure": numbers.value(float(row.official_value), row.official_unit), "bound": "",
            "year": numbers.year(row.official_year) if row.official_year else "", "release": release}


def reference(official_year) -> str:
    """When an official figure is for, as readers see it: '2016-03-31' -> '31 March 2016'; '2018' and 'year ending 31
    March 2017' as they are."""
    text = str(official_year or "")
    return numbers.date(text) if len(text) == 10 and text[4] == "-" else text


def release_title(label: str) -> str:
    """A release as a citation names it: label, title, publisher and publication date (data/release_dates.csv, else
    the page data/release_links.csv gives it)."""
    dated = release_dates().set_index("release")
    link = release_links().get(label, {})
    known = label in dated.index
    return words.say("register_rows", "cite.release", label=label,
                     title=dated.title[label] if known else link.get("title", ""),
                     publisher=dated.publisher[label] if known else link.get("publisher", ""),
                     published=numbers.date(dated.published[label]) if known else "")


def citation_fields(row) -> dict:
    """A claim's part of its citation (who said what, when; the conclusion; the official figure with its release and
    reference date), as its copy buttons paste it: book/assets/sentaway-register.js adds who wrote and publishes the
    book, its version and the address. `row`: a register row (any columns beyond ROW_COLUMNS are optional)."""
    say = words.File("register_rows").say
    conclusion = str(getattr(row, "conclusion", "") or "") or say("cite.verdict", verdict=row.verdict)
    cell = official_cell(row)
    releases = "; ".join(release_title(part) for part in links.release_parts(row.release))
    if cell["figure"]:
        year = reference(row.official_year)
        measure = str(getattr(row, "official_measure", "") or "")
        official = say("cite.official", figure=cell["figure"], year="" if year and year in measure else year,
                       measure=measure, releases=releases)
    elif cell["bound"] and releases:
        official = say("cite.bound", bound=cell["bound"], releases=releases)
    else:
        official = say("cite.none")
    return {"claim": say("cite.claim", quote=" ".join(str(row.quote).split()), speaker=row.speaker, outlet=row.outlet,
                         date=numbers.date(row.date)),
            "conclusion": conclusion, "official": official}


def council_links(claim) -> list[dict]:
    """The council pages a claim belongs to (data/claim_councils.csv: about the council, or said by its MP): each
    {page, name, relation}."""
    table = codes.by_code()
    return [{"page": f"{table[code].page}.html", "name": table[code].name, "relation": relation}
            for code, relation in councils.claim_councils(claim) if code in table]


def register_table(register: pd.DataFrame, badge, claims: pd.DataFrame | None = None) -> str:
    """The claims with verdicts (badge: verdict -> HTML); each row is the claim's anchor (#claim-<id>) and links to
    its evidence."""
    extra = claims.set_index("claim_id") if claims is not None else None
    rows = []
    for row in register[ROW_COLUMNS].itertuples(index=False):
        seed = extra.loc[row.claim_id].seed_file if extra is not None and row.claim_id in extra.index else ""
        rows.append({
            "claim_id": row.claim_id, "row_id": f"claim-{row.claim_id}",
            "verdict": row.verdict, "rank": RANK.get(row.verdict, 9), "badge": render.Markup(badge(row.verdict)),
            "conclusion": row.conclusion,
            "speaker": row.speaker, "outlet": row.outlet, "date": str(row.date), "said_on": numbers.date(row.date),
            "where": "" if str(row.outlet) in str(row.speaker) else row.outlet,
            "topic": TOPICS.get(row.family, row.family), "quote": " ".join(str(row.quote).split()),
            "cut": quote_parts(row), "said_at": links.said_at(seed)["url"], "official": official_cell(row),
            # "not a statistic": listed, not checked, so no evidence to link to.
            "checked": row.verdict != OUT_OF_SCOPE,
            "cite": citation_fields(row), "page": f"{FAMILY_PAGES[row.family]}.html",
            "councils": council_links(row)})
    return render.html("register_table.html.j2", rows=rows, n_texts=int(register.seed_file.nunique()))
