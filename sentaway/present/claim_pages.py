"""HTML for the register page and the evidence pages: badges, evidence blocks, charts, JSON-LD."""

import html

import pandas as pd

from sentaway import __version__
from sentaway.present.tables import html_table
from sentaway.analysis import numbers
from sentaway.register.verdicts import RELATIONS, SCALE, TOLERANCE, format_value


def e(value) -> str:
    """Any value as HTML text or attribute content: every field of every input passes through here."""
    return html.escape(str(value), quote=True)


def script_json(text: str) -> str:
    """JSON made safe inside <script>: no '<', '>' or '&' can end the block or open a comment."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# One class per verdict, named by its words (the stylesheet colours them; colour is only a third cue).
BADGE_CLASS = {name: "sa-badge-" + "-".join(name.replace("'", "").split()) for name, _, _ in SCALE}
SYMBOL = {name: symbol for name, _, symbol in SCALE}
FAMILY_PAGES = {"out_of_area": "claims_out_of_area", "missing": "claims_missing", "distance": "claims_missing",
                "regional": "claims_regional", "cost": "claims_cost", "other": "claims_cost"}
FAMILY_TITLES = {"out_of_area": "Out-of-area placements", "missing": "Missing children and incidents",
                 "distance": "Distance from home", "regional": "Where children's homes are", "cost": "Cost",
                 "other": "Other figures"}


def badge(verdict: str) -> str:
    # The symbol and the words carry the verdict; colour is only a third cue.
    return (f'<span class="sa-badge {BADGE_CLASS[verdict]}"><span aria-hidden="true">{SYMBOL[verdict]}</span> '
            f"{html.escape(verdict)}</span>")


def cited_text(row) -> str:
    """The cited figure as it was written (no added decimals), with its unit."""
    number = float(row.cited_value)
    shown = f"{number:,.0f}" if "." not in row.cited_value else f"{number:,}"
    if row.unit == "percent":
        return f"{shown}%"
    if row.unit in ("gbp", "gbp_per_child"):
        return f"£{shown}" + (" a child" if row.unit == "gbp_per_child" else "")
    if row.unit == "ratio":
        return f"{shown} times"
    return f"{shown} {row.unit}"


def official_text(row) -> str:
    if row.official_value is None or pd.isna(row.official_value):
        return "—"
    return numbers.value(float(row.official_value), row.official_unit)


def scale_table() -> str:
    rows = "".join(f"<tr><td>{badge(name)}</td><td>{html.escape(text)}</td></tr>" for name, text, _ in SCALE)
    return f'<table class="sa-table sa-scale" tabindex="0"><thead><tr><th>Verdict</th><th>What it means</th></tr></thead><tbody>{rows}</tbody></table>'


def tolerance_table() -> str:
    rows = "".join(f"<tr><td>{html.escape(kind.replace('_', ' '))}</td><td>"
                   + (f"{size:g} percentage points" if how == "points" else f"{100 * size:g}% of the official value")
                   + f"</td><td>{html.escape(why)}</td></tr>" for kind, (how, size, why) in TOLERANCE.items())
    return ('<table class="sa-table sa-tolerance" tabindex="0"><caption>Declared tolerance, one per kind of quantity</caption>'
            "<thead><tr><th>Kind of figure</th><th>Tolerance</th><th>Why</th></tr></thead><tbody>" + rows + "</tbody></table>")


def relations_table() -> str:
    rows = "".join(f"<tr><td><code>{name}</code></td><td>{html.escape(text)}</td></tr>" for name, text in RELATIONS.items())
    return ('<table class="sa-table sa-relations" tabindex="0"><caption>How a reading\'s official measure relates to '
            "the claim's words</caption><thead><tr><th>Relation</th><th>What it means for the verdict</th></tr></thead>"
            "<tbody>" + rows + "</tbody></table>")


def _reading_cells(r: dict, what: str) -> str:
    """The cells every readings table shares: relation, `what` the reading is, official value, release, judgement."""
    value = format_value(r["official_value"], r["official_unit"]) if r["official_value"] is not None else "—"
    return (f"<td>{html.escape(r['relation'])}</td><td>{html.escape(what)}</td><td>{html.escape(value)}</td>"
            f"<td>{html.escape(r['release'] or '—')}</td><td>{badge(r['verdict'])}</td>")


def readings_table(readings: list[dict]) -> str:
    """Every reading of one claim: what it reads the words as, the official value under it, and its judgement."""
    body = "".join(f"<tr><td>{r['rank']}</td><td>{html.escape(r['reason'])}</td>"
                   + _reading_cells(r, r["official_measure"] or "—") + "</tr>" for r in readings)
    return ('<table class="sa-table sa-readings" tabindex="0"><caption>Every reading of the claim (1 = closest to its '
            "words)</caption><thead><tr><th>#</th><th>Reading</th><th>Relation</th><th>Official measure</th>"
            "<th>Official value</th><th>Release</th><th>Judgement</th></tr></thead><tbody>" + body + "</tbody></table>")


def all_readings_table(register: pd.DataFrame, readings_of) -> str:
    """Every reading of every statistical claim, with the official value under it and its judgement."""
    body = []
    for row in register.itertuples():
        for r in readings_of(row.claim_id):
            headline = " (headline)" if row.headline_reading == r["rank"] else ""
            body.append(f'<tr><td><a href="#claim-{html.escape(row.claim_id)}">{html.escape(row.claim_id)}</a></td>'
                        f"<td>{r['rank']}{headline}</td>" + _reading_cells(r, r["official_measure"] or r["finding"]) + "</tr>")
    return ('<table class="sa-table sa-all-readings" tabindex="0"><caption>Every reading of every claim</caption>'
            "<thead><tr><th>Claim</th><th>Reading</th><th>Relation</th><th>Official measure (or what is missing)</th>"
            "<th>Official value</th><th>Release</th><th>Judgement</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def worked_examples(register: pd.DataFrame, readings_of) -> str:
    """One claim per verdict the register gives, with every reading: the rule shown on the register's own data."""
    parts = []
    for name, _, _ in SCALE[:-1]:
        rows = register[register.verdict == name]
        if rows.empty:
            continue
        row = rows.iloc[0]
        parts.append(f'<section class="sa-example"><h3>{badge(name)} <a href="#claim-{row.claim_id}">'
                     f"{html.escape(row.claim_id)}</a></h3><blockquote>“{html.escape(row.quote)}”<footer>"
                     f"{html.escape(row.speaker)}, {html.escape(row.outlet)}, {html.escape(row.date)}</footer></blockquote>"
                     f"{readings_table(readings_of(row.claim_id))}<p><strong>Headline:</strong> reading "
                     f"{int(row.headline_reading)} ({html.escape(row.relation)}). {html.escape(row.reason)}</p></section>")
    return "".join(parts)


def register_table(register: pd.DataFrame, on_family_page: bool = False) -> str:
    """The claims with verdicts, as sentaway.present.register_view lays them out for readers and journalists."""
    from sentaway.read import claims
    from sentaway.present import register_view

    return register_view.register_table(register, badge, on_family_page=on_family_page, claims=claims.load())


def cite_line(row, page: str) -> str:
    return (f'Cite this check: Sent Away (version {__version__}), "{row.claim_id}", '
            f"{page}.html#claim-{row.claim_id}.")


def nearest_table(evidence) -> pd.DataFrame:
    frame = pd.DataFrame(evidence.nearest)
    if frame.empty:
        return frame
    frame["shown"] = [numbers.value(v, u) for v, u in zip(frame.value, frame.unit)]
    return frame[["measure", "year", "shown", "release"]].rename(columns={"shown": "value"})


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>' if url.startswith(("http://", "https://")) else html.escape(text)


def provenance_text(row) -> str:
    """Where the cited figure was first printed, when, and whether that was public before the claim."""
    if not row.first_printed_kind:
        return ""
    when = row.first_printed_date or "date not known"
    public = {"yes": "public before the claim was made", "no": "not yet public when the claim was made",
              "same day": "published the day the claim was made", "unknown": "whether it was public before the claim is not known",
              "": ""}[row.first_printed_public_when_said]
    who = row.first_printed_by or "source not identified"
    words = f"{row.first_printed_kind}: {who}" + (f", {row.first_printed_in}" if row.first_printed_in else "")
    return (_link(row.first_printed_url, words) + html.escape(f" ({when}; {public})." if public else f" ({when}).")
            + (" <strong>Found only in the claimant's own restatement.</strong>" if row.claimant_only else "")
            + (f" {html.escape(row.first_printed_note)}" if row.first_printed_note else ""))


def release_text(row) -> str:
    if not row.release:
        return ""
    public = {"yes": "published before the claim was made", "no": "published after the claim was made",
              "same day": "published the day the claim was made"}.get(row.release_public_when_said, "")
    words = row.release + (f", published {row.release_published}" if row.release_published else "") + (f" ({public})" if public else "")
    return _link(row.release_url, words) + html.escape(f" — file {row.source_file}" if row.source_file else "")


def evidence_block(row, evidence, page: str, build_date: str, readings: list[dict] | None = None) -> str:
    """One claim's evidence: quote, verdict, cited vs official, every reading, provenance, and JSON-LD ClaimReview."""
    from sentaway.register.register import claim_review

    plain = [("What the claim measures", f"{row.measure} ({row.year})"), ("Cited", cited_text(row)), ("Official", official_text(row)),
             ("Official measure", row.official_measure if row.comparable else ""), ("Official year", row.official_year if row.comparable else ""),
             ("Why this verdict", row.reason), ("Reading used for the verdict", f"{int(row.headline_reading)}. {row.reading_reason}" if row.comparable else ""),
             ("What differs from the claim's words", row.caveat),
             ("Experimental statistics", row.experimental),
             # For "cannot be checked" the reason already is what the files lack: say it once.
             ("What the official files lack", row.missing if row.verdict.startswith("cannot") and row.missing != row.reason else ""),
             ("Nearest official figures (context)", row.consistency), ("The claim's own arithmetic", row.arithmetic),
             ("Releases in the files", row.revisions),
             ("Filters", row.filters), ("Rounding", row.rounding)]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in plain if v)
    for label, markup in (("Official source", release_text(row)), ("Where the cited figure was first printed", provenance_text(row))):
        if markup:
            items += f"<dt>{html.escape(label)}</dt><dd>{markup}</dd>"
    from sentaway.read import claims
    from sentaway.present import register_view

    said = claims.load().set_index("claim_id")
    said_at = register_view.quote_url(said.loc[row.claim_id]) if row.claim_id in said.index else ""
    said_link = f' · <a href="{e(said_at)}" rel="external">where it was said</a>' if said_at else ""
    data = {**row._asdict(), "build_date": build_date}
    anchor = e(f"claim-{row.claim_id}")
    return (f'<section class="sa-claim" id="{anchor}" aria-labelledby="{anchor}-title">'
            f'<h3 id="{anchor}-title"><a href="#{anchor}" class="sa-anchor">{e(row.claim_id)}</a> '
            f"{badge(row.verdict)}</h3>"
            f"<blockquote>“{e(row.quote)}”<footer>{e(row.speaker)}, {e(row.outlet)}, {e(row.date)}{said_link}</footer></blockquote>"
            f'<dl class="sa-facts">{items}</dl>'
            + (readings_table(readings) if readings else "")
            + f'<p class="sa-cite">{e(cite_line(row, page))}</p>'
            f'<script type="application/ld+json">{script_json(claim_review(data, f"{page}.html#claim-{row.claim_id}"))}</script>'
            "</section>")


def finding_title(row, table: pd.DataFrame, unit: str) -> str:
    """What the chart shows, in words computed from its points: how the longest official series moved, and
    where the cited figure stands against the official one for its year (or that there is none)."""
    official = table[table.release != "the claim"]
    longest = official.groupby("measure", sort=False).size().idxmax()
    rows = official[official.measure == longest].sort_values("year")
    first, last = rows.iloc[0], rows.iloc[-1]
    a, b = float(first.value), float(last.value)
    moved = "rose" if b > a * 1.005 else "fell" if b < a * 0.995 else "stayed about level"
    shown = lambda v: numbers.value(v, unit)  # noqa: E731
    words = (f"{longest} {moved} from {shown(a)} in {numbers.year(first.year)} to {shown(b)} in {numbers.year(last.year)}"
             if moved != "stayed about level" else
             f"{longest} stayed about level ({shown(a)} in {numbers.year(first.year)}, {shown(b)} in {numbers.year(last.year)})")
    cited = table[table.release == "the claim"]
    if not cited.empty:
        said = cited.iloc[0]
        same_year = official[official.year == said.year]
        if same_year.empty:
            words += f"; no official figure for {numbers.year(said.year)}, the year of the cited {shown(said.value)}"
        else:
            words += f"; cited {shown(said.value)} for {numbers.year(said.year)}"
    return words[0].upper() + words[1:]


def claim_chart(row, evidence, first_year: int, last_year: int) -> str | None:
    """The official figures nearest to the claim, with the cited figure beside them."""
    import altair as alt

    from sentaway.present import charts

    unit = row.official_unit or row.unit
    points = [p for p in evidence.nearest if p["unit"] == unit and first_year <= p["year"] <= last_year]
    if len(points) < 2:
        return None
    table = pd.DataFrame(points)
    same_unit = row.unit == unit or (row.unit, unit) == ("reports", "incidents")
    if "-" not in row.year and first_year <= int(row.year) <= last_year and same_unit:
        table = pd.concat([table, pd.DataFrame([{"measure": f"Cited by {row.speaker} ({row.outlet})", "year": int(row.year),
                                                 "value": float(row.cited_value), "unit": unit, "release": "the claim"}])])
    label = {"percent": "Per cent", "children": "Children", "incidents": "Incidents", "gbp": "Spending (£)",
             "gbp_per_child": "Spending per child (£)"}.get(unit, unit)
    chart = charts.line_chart(
        table, x="year", y="value", series="measure", y_title=f"{label} (England)", y_format=",.0f",
        title=finding_title(row, table, unit),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("year:Q", title="Year", format="d"),
                 alt.Tooltip("value:Q", title=label, format=",.1f"), alt.Tooltip("release:N", title="Release")])
    return charts.figure(
        chart, name=row.claim_id,
        description=(f"Chart of {label.lower()} by year: the official figures nearest to claim {row.claim_id}"
                     + (", and the cited value as a separate point." if len(table) > len(points) else ".")),
        source=f"{evidence.release or 'Department for Education'}; Open Government Licence v3.0. Claim: {row.outlet}, {row.date}.",
        notes="Counts rounded by DfE to the nearest 10; shares and changes computed from rounded counts. "
              "Lines with different definitions are not joined; missing years are not filled.",
        table=table[["measure", "year", "value", "release"]])


def family_page(families: list[str], first_year: int, last_year: int) -> None:
    """Display a family's claims: a summary with verdicts first, then each claim's evidence."""
    import datetime as dt

    from IPython.display import HTML, display

    from sentaway.register.register import build, readings_of

    if last_year - first_year < 1:
        raise ValueError(f"the window {first_year}-{last_year} must span at least two years")
    register, evidence = build()
    rows = register[register.family.isin(families)]
    if rows.empty:
        raise ValueError(f"no claims in families {families}")
    page = FAMILY_PAGES[families[0]]
    display(HTML(register_table(rows, on_family_page=True)))
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
                display(HTML(f'<details><summary>Nearest official figures for {e(row.claim_id)} (table)</summary>'
                             + html_table(table) + "</details>"))
