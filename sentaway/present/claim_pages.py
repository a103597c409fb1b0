"""HTML for the register page and the evidence pages: badges, evidence blocks, charts, JSON-LD."""

import datetime as dt
import html

import pandas as pd
from IPython.display import HTML, display

from sentaway import __version__
from sentaway.present import links, register_view, render
from sentaway.present.register_view import FAMILY_PAGES, MOVED_FROM
from sentaway.present.tables import html_table
from sentaway.analysis import numbers, words
from sentaway.read import claims
from sentaway.register.register import build, claim_review, readings_of
from sentaway.register.verdicts import (BOUND_FACTOR, OUT_OF_SCOPE, OWN_FIGURES, RELATIONS, SCALE, UNCHECKABLE, cited_interval,
                                        format_value, shown_gap)

TEMPLATE = "claim_pages.html.j2"  # every block's words and markup; every field of every input is escaped there


def block(name: str, **values) -> str:
    """One block (a macro) of the template."""
    return str(render.macro(TEMPLATE, name)(**values))


CLAIM_PAGES = words.File("claim_pages")  # the sentences and labels of book/words/claim_pages.yml
say = CLAIM_PAGES.say


def script_json(text: str) -> str:
    """JSON made safe inside <script>: no '<', '>' or '&' can end the block or open a comment."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# One class per verdict, named by its words (the stylesheet colours them; colour is only a third cue).
BADGE_CLASS = {name: "sa-badge-" + "-".join(name.replace("'", "").split()) for name, _, _ in SCALE}
SYMBOL = {name: symbol for name, _, symbol in SCALE}


def badge(verdict: str) -> str:
    # The symbol and the words carry the verdict; colour is only a third cue.
    return (f'<span class="sa-badge {BADGE_CLASS[verdict]}"><span aria-hidden="true">{SYMBOL[verdict]}</span> '
            f"{html.escape(verdict)}</span>")


def cited_text(row) -> str:
    """The cited figure as it was written (no added decimals), with its unit (a fact's: its official figure's)."""
    number = float(row.cited_value)
    if row.quantity == "fact" and row.official_unit:
        return numbers.value(number, row.official_unit)
    shown = f"{number:,.0f}" if "." not in row.cited_value else f"{number:,}"
    unit = row.unit if row.unit in words.entry("claim_pages", "cited") else "other"
    return say(f"cited.{unit}", number=shown, unit=row.unit)


def official_text(row) -> str:
    if row.official_value is None or pd.isna(row.official_value):
        return "—"
    return numbers.value(float(row.official_value), row.official_unit)


def scale_table() -> str:
    return block("scale_table", scale=[{"badge": render.Markup(badge(name)), "meaning": text}
                                       for name, text, _ in SCALE])


# The register's own claims the rule's examples are computed on: a share, a round sum of money, "just under".
RULE_EXAMPLES = {"share": "ooa-share-2018-localgov", "money": "cost-annual-spend-2012-cunningham",
                 "upper": "inquiry-children-in-homes-2012-cunningham"}


def rule_words(register: pd.DataFrame) -> dict:
    """The rule's declared principles in words, to glue: the one tolerance (the series' own revisions), when a
    bound decides, the ranges three claims stand for, and one claim whose own figures do not add up."""
    said = claims.load().set_index("claim_id")
    ranges = {}
    for kind, claim_id in RULE_EXAMPLES.items():
        claim = said.loc[claim_id]
        low, high = cited_interval(claim.cited_value, claim.cited_bound)
        ranges.update({kind: cited_text(claim), f"{kind}_low": numbers.value(low, claim.unit),
                       f"{kind}_high": numbers.value(high, claim.unit)})
    own = register[register.verdict == OWN_FIGURES]
    # The rule's sentences are the book's Markdown (values escaped); the register's own words are text.
    return {"yardstick": words.prose("verdicts", "yardstick"),
            "bound_factor": words.prose("verdicts", "bound_factor", factor=BOUND_FACTOR),
            "range_examples": words.prose("verdicts", "range_examples", **ranges),
            "own_example": own.arithmetic.iloc[0] if not own.empty else " "}


def yardstick_table(register: pd.DataFrame) -> str:
    """Every claim judged against an official figure: its gap beyond rounding and the largest revision of its
    series between releases in the files (the only tolerance), as the register computed them."""
    rows = register[register.official_value.notna()]
    kind = {"percentage points": "share", "per cent": "count"}  # how shown_gap writes each unit
    return block("yardstick_table", rows=[
        {"claim_id": r.claim_id, "badge": render.Markup(badge(r.verdict)), "official": official_text(r),
         "gap": shown_gap(r.gap, kind[r.gap_unit]),
         "revision": "—" if numbers.is_missing(r.largest_revision) else shown_gap(r.largest_revision, kind[r.gap_unit])}
        for r in rows.itertuples()])


def relations_table() -> str:
    return block("relations_table", relations=list(RELATIONS.items()))


def _reading(r: dict) -> dict:
    """A reading as the tables show it: its official value written out, its release linked and its judgement as a
    badge."""
    value = format_value(r["official_value"], r["official_unit"]) if r["official_value"] is not None else "—"
    return {**r, "value": value, "badge": render.Markup(badge(r["verdict"])),
            "release_html": render.Markup(links.release_html(r.get("release") or ""))}


def all_readings_table(register: pd.DataFrame, readings_of) -> str:
    """Every reading of every statistical claim, with the official value under it and its judgement."""
    rows = [{**_reading(r), "claim_id": row.claim_id, "headline": row.headline_reading == r["rank"]}
            for row in register.itertuples() for r in readings_of(row.claim_id)]
    return block("all_readings_table", rows=rows)


def worked_examples(register: pd.DataFrame, readings_of) -> str:
    """One claim per verdict the register gives, with every reading: the rule shown on the register's own data."""
    examples = []
    for name, _, _ in SCALE:
        if name == OUT_OF_SCOPE:
            continue
        rows = register[register.verdict == name]
        if rows.empty:
            continue
        row = rows.iloc[0]
        examples.append({"badge": render.Markup(badge(name)), "claim_id": row.claim_id, "quote": row.quote,
                         "who": register_view.said_by(row.speaker, row.outlet, row.date),
                         "readings": [_reading(r) for r in readings_of(row.claim_id)],
                         "headline_reading": int(row.headline_reading), "relation": row.relation, "reason": row.reason})
    return block("worked_examples", examples=examples)


def register_table(register: pd.DataFrame) -> str:
    """The claims with verdicts, as sentaway.present.register_view lays them out for readers and journalists."""
    return register_view.register_table(register, badge, claims=claims.load())


HEADING_CHARS = 100  # an evidence section's heading: the claim's words, cut around its figure


def claim_list(rows: pd.DataFrame) -> str:
    """The list of an evidence page's claims, at its top: each one's words and verdict, linking to its section."""
    return block("claim_list", claims=[{"claim_id": row.claim_id, "badge": render.Markup(badge(row.verdict)),
                                        "heading": register_view.quote_parts(row, HEADING_CHARS)}
                                       for row in rows.itertuples()])


def nearest_table(evidence) -> pd.DataFrame:
    frame = pd.DataFrame(evidence.nearest)
    if frame.empty:
        return frame
    frame["shown"] = [numbers.value(v, u) for v, u in zip(frame.value, frame.unit)]
    return frame[["measure", "year", "shown", "release"]].rename(columns={"shown": "value"})


def evidence_block(row, evidence, page: str, build_date: str, readings: list[dict] | None = None) -> str:
    """One claim's evidence: quote, verdict, cited vs official, every reading, provenance, and JSON-LD ClaimReview."""
    said = claims.load().set_index("claim_id")
    shown = {"badge": render.Markup(badge(row.verdict)), "measure": f"{row.measure} ({row.year})",
             "cited": cited_text(row), "official": official_text(row),
             "reading": f"{int(row.headline_reading)}. {row.reading_reason}" if row.comparable else "",
             # For "cannot be checked" the reason already is what the files lack: say it once.
             "missing": row.missing if row.verdict == UNCHECKABLE and row.missing not in row.reason else "",
             "heading": register_view.quote_parts(row, HEADING_CHARS), "who": register_view.said_by(row.speaker, row.outlet, row.date),
             "release": render.Markup(links.release_html(row.release)),
             "published": numbers.date(row.release_published) if row.release_published else ""}
    review = claim_review({**row._asdict(), "build_date": build_date}, f"{page}.html#claim-{row.claim_id}")
    return block("evidence_block", c=row, shown=shown, cite=register_view.citation_fields(row),
                 readings=[_reading(r) for r in readings or []],
                 said_at=links.said_at(said.loc[row.claim_id].seed_file if row.claim_id in said.index else ""),
                 page=page, version=__version__, claim_review=render.Markup(script_json(review)))


def chart_points(row, evidence, first_year: int, last_year: int) -> tuple[pd.DataFrame, str, pd.Series | None]:
    """(the official points a claim's chart draws, their role, the point the verdict rests on or None). The role is
    'same' (the series of the measure the claim names), a bound's ('wider', 'narrower': its group's series, drawn as
    a labelled bound), or 'nearest' (no official figure for the claim: the nearest official figures, as context)."""
    unit = row.official_unit or row.unit
    points = pd.DataFrame([p for p in evidence.nearest if p["unit"] == unit and first_year <= p["year"] <= last_year])
    if points.empty:
        return points, "nearest", None
    # The figure the verdict rests on: the official figure for the measure the claim names, else the bound's.
    value = row.official_value if not numbers.is_missing(row.official_value) else getattr(row, "bound_value", None)
    role = "same" if not numbers.is_missing(row.official_value) else row.relation
    headline = None
    if value is not None and not numbers.is_missing(value) and role in ("same", "wider", "narrower"):
        same = points[(points.value - float(value)).abs() <= 1e-9 * max(1.0, abs(float(value)))]
        headline = same.iloc[-1] if not same.empty else None
    if headline is None:
        return points, "nearest", None
    return points[points.measure == headline.measure], role, headline


def finding_title(row, points: pd.DataFrame, role: str, headline, unit: str) -> str:
    """The chart's title: what the official figure is against the claimed one, in words computed from its points
    ("Official: 63.1% in 2018; claimed: 64%"), or that no official figure measures what the claim names."""
    shown = lambda v: numbers.value(v, unit)  # noqa: E731
    claimed = {"cited": cited_text(row), "cited_year": numbers.year(row.year)}
    if headline is not None:
        title = say(f"chart.title.{role}", official=shown(headline.value), year=numbers.year(headline.year),
                    same_year=str(int(headline.year)) == str(row.year), **claimed)
    else:
        nearest = points.iloc[(points.year - pd.to_numeric(str(row.year)[:4], errors="coerce")).abs().argsort()[:1]]
        title = say("chart.title.nearest", nearest=shown(nearest.value.iloc[0]), year=numbers.year(nearest.year.iloc[0]),
                    **claimed)
    return title[0].upper() + title[1:]


def notes_for(releases: list[str], unit: str) -> str:
    """The chart's note on rounding, true for its sources: DfE's counts are rounded to the nearest 10, Ofsted's lists
    are counted exactly, section 251 returns are money (book/words/claim_pages.yml, chart.notes)."""
    kinds = {"money" if unit.startswith("gbp") else "ofsted" if r.startswith("Ofsted") else "dfe" for r in releases}
    return " ".join(say(f"chart.notes.{kind}") for kind in ("dfe", "ofsted", "money") if kind in kinds) + " " + say("chart.notes.lines")


def claim_chart(row, evidence, first_year: int, last_year: int) -> str | None:
    """The official series of the measure the claim names (a wider group's only as a labelled bound; the nearest
    official figures where none measures it), with the cited figure beside it."""
    # Only the pages that draw a claim's chart depend on Altair and charts.py (a run's cache key lists its imports).
    import altair as alt

    from sentaway.present import charts

    unit = row.official_unit or row.unit
    points, role, headline = chart_points(row, evidence, first_year, last_year)
    if len(points) < 2:
        return None
    table = points.assign(measure=[say(f"chart.role.{role}", measure=m) for m in points.measure])
    same_unit = row.unit == unit or (row.unit, unit) == ("reports", "incidents")
    if "-" not in row.year and first_year <= int(row.year) <= last_year and same_unit:
        cited = say("chart.cited_line", who=register_view.said_by(row.speaker, row.outlet))
        table = pd.concat([table, pd.DataFrame([{"measure": cited, "year": int(row.year), "value": float(row.cited_value),
                                                 "unit": unit, "release": "the claim"}])])
    label = CLAIM_PAGES.entry("chart.axis").get(unit, unit)
    chart = charts.line_chart(
        table, x="year", y="value", series="measure", y_title=say("chart.y_title", label=label), y_format=",.0f",
        title=finding_title(row, points, role, headline, unit),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("value:Q", title=label, format=",.1f"), alt.Tooltip("release:N", title="Release")])
    releases = list(dict.fromkeys(points.release))
    return charts.figure(
        chart, name=row.claim_id,
        description=say("chart.description", what=label.lower(), role=role, cited=len(table) > len(points)),
        source=say("chart.source", outlet=row.outlet, date=numbers.date(row.date)),
        notes=notes_for(releases, unit), table=table[["measure", "year", "value", "release"]], releases=releases)


def page_families(page: str) -> list[str]:
    """The claim families a claims page shows: those FAMILY_PAGES (which the register's links follow) sends to it."""
    return [family for family, shown_on in FAMILY_PAGES.items() if shown_on == page]


def page_words(page: str) -> dict:
    """A claims page's title and opening paragraphs (book/words/claims_chapter.yml), to glue as the book's Markdown;
    the {glue} roles in them are the page's own figures, and what the data hold is filled in, escaped (`data`: the
    releases)."""
    return {key: words.prose("claims_chapter", f"{page}.{key}") for key in words.entry("claims_chapter", page)}


def family_page(page: str, first_year: int, last_year: int) -> None:
    """Display a claims page: a summary of its families' claims with verdicts first, then each claim's evidence."""
    if last_year - first_year < 1:
        raise ValueError(f"the window {first_year}-{last_year} must span at least two years")
    register, evidence = build()
    rows = register[register.family.isin(page_families(page))]
    if rows.empty:
        raise ValueError(f"no claims for the page {page}")
    display(HTML(claim_list(rows)))
    today = dt.date.today().isoformat()
    for row in rows.itertuples():
        display(HTML(evidence_block(row, evidence.get(row.claim_id), page, today, readings_of(row.claim_id))))
        if row.claim_id in evidence:
            figure = claim_chart(row, evidence[row.claim_id], first_year, last_year)
            if figure:
                display(HTML(figure))
            table = nearest_table(evidence[row.claim_id])
            if not table.empty:
                table = table[(table.year >= first_year) & (table.year <= last_year)]
                display(HTML(block("nearest_table", claim_id=row.claim_id, table=render.Markup(html_table(table)))))
    moved = register[register.family.isin([f for f, was in MOVED_FROM.items() if was == page])]
    if not moved.empty:
        display(HTML(block("moved", claims=[{"claim_id": r.claim_id, "page": FAMILY_PAGES[r.family],
                                             "quote": register_view.excerpt(r)} for r in moved.itertuples()])))
