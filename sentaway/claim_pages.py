"""HTML for the register page and the evidence pages: badges, evidence blocks, charts, JSON-LD."""

import html

import pandas as pd

from . import __version__
from .tables import html_table
from .verdicts import SCALE, format_value


def e(value) -> str:
    """Any value as HTML text or attribute content: every field of every input passes through here."""
    return html.escape(str(value), quote=True)


def script_json(text: str) -> str:
    """JSON made safe inside <script>: no '<', '>' or '&' can end the block or open a comment."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


BADGE_CLASS = {name: f"sa-badge-{i}" for i, (name, _, _) in enumerate(SCALE)}
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
    return format_value(float(row.official_value), row.official_unit) + (
        "" if row.official_unit in ("percent", "gbp") else f" {row.official_unit}")


def scale_table() -> str:
    rows = "".join(f"<tr><td>{badge(name)}</td><td>{html.escape(text)}</td></tr>" for name, text, _ in SCALE)
    return f'<table class="sa-table sa-scale" tabindex="0"><thead><tr><th>Verdict</th><th>What it means</th></tr></thead><tbody>{rows}</tbody></table>'


def register_table(register: pd.DataFrame, on_family_page: bool = False) -> str:
    """The claims with verdicts. On the register page each row is the claim's anchor (#claim-<id>);
    on a family page the rows link down to the evidence sections, which hold those anchors."""
    body = []
    for row in register.itertuples():
        page = "" if on_family_page else f"{FAMILY_PAGES[row.family]}.html"
        evidence = f'<a href="{e(page)}#claim-{e(row.claim_id)}">evidence</a>' if row.verdict != SCALE[-1][0] else ""
        row_id = e(f"summary-{row.claim_id}" if on_family_page else f"claim-{row.claim_id}")
        cited = cited_text(row) if row.cited_value else "—"
        body.append(
            f'<tr id="{row_id}"><td><a href="#{row_id}" class="sa-anchor">{e(row.claim_id)}</a></td>'
            f"<td>{e(row.speaker)}, {e(row.outlet)}, {e(row.date)}</td>"
            f"<td>{e(row.measure)} ({e(row.year)})</td><td>{e(cited)}</td><td>{e(official_text(row))}</td>"
            f"<td>{badge(row.verdict)}</td><td>{evidence}</td></tr>")
    # tabindex: tables scroll sideways when wider than the page (sentaway.css); focus lets keyboards scroll.
    return ('<table class="sa-table sa-register" tabindex="0"><caption>All figures in the five source texts, with verdicts</caption>'
            "<thead><tr><th>Claim</th><th>Said by</th><th>Measure (year)</th><th>Cited</th><th>Official</th>"
            "<th>Verdict</th><th>Evidence</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def cite_line(row, page: str) -> str:
    return (f'Cite this check: Sent Away (version {__version__}), "{row.claim_id}", '
            f"{page}.html#claim-{row.claim_id}.")


def nearest_table(evidence) -> pd.DataFrame:
    frame = pd.DataFrame(evidence.nearest)
    if frame.empty:
        return frame
    frame["shown"] = [format_value(v, u) for v, u in zip(frame.value, frame.unit)]
    return frame[["measure", "year", "shown", "release"]].rename(columns={"shown": "value"})


def evidence_block(row, evidence, page: str, build_date: str) -> str:
    """One claim's evidence: quote, verdict, cited vs official, reasons, and the JSON-LD ClaimReview."""
    from .register import claim_review

    facts = [("Cited", cited_text(row)), ("Official", official_text(row)),
             ("Official measure", row.official_measure), ("Official year", row.official_year),
             ("Why this verdict", row.reason), ("What differs from the claim's words", row.caveat),
             # For "cannot be checked" the reason already is what the files lack: say it once.
             ("What the official files lack", row.missing if row.verdict.startswith("cannot") and row.missing != row.reason else ""),
             ("Consistency with the official record", row.consistency), ("The claim's own arithmetic", row.arithmetic),
             ("Under other definitions or releases", row.robustness),
             ("Was the claim's source public when said", row.source_public_when_said),
             ("Source", f"{row.release} ({row.source_file})" if row.release else ""), ("Filters", row.filters),
             ("Rounding", row.rounding)]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts if v)
    data = {**row._asdict(), "build_date": build_date}
    anchor = e(f"claim-{row.claim_id}")
    return (f'<section class="sa-claim" id="{anchor}" aria-labelledby="{anchor}-title">'
            f'<h3 id="{anchor}-title"><a href="#{anchor}" class="sa-anchor">{e(row.claim_id)}</a> '
            f"{badge(row.verdict)}</h3>"
            f"<blockquote>“{e(row.quote)}”<footer>{e(row.speaker)}, {e(row.outlet)}, {e(row.date)}</footer></blockquote>"
            f'<dl class="sa-facts">{items}</dl><p class="sa-cite">{e(cite_line(row, page))}</p>'
            f'<script type="application/ld+json">{script_json(claim_review(data, f"{page}.html#claim-{row.claim_id}"))}</script>'
            "</section>")


def claim_chart(row, evidence, first_year: int, last_year: int) -> str | None:
    """The official figures nearest to the claim, with the cited figure beside them."""
    import altair as alt

    from . import charts

    unit = row.official_unit or row.unit
    points = [p for p in evidence.nearest if p["unit"] == unit and first_year <= p["year"] <= last_year]
    if len(points) < 2:
        return None
    table = pd.DataFrame(points)
    if "-" not in row.year and first_year <= int(row.year) <= last_year and unit in ("children", "incidents", "percent") and row.unit in ("children", "incidents", "reports", "percent"):
        table = pd.concat([table, pd.DataFrame([{"measure": f"Cited by {row.speaker} ({row.outlet})", "year": int(row.year),
                                                 "value": float(row.cited_value), "unit": unit, "release": "the claim"}])])
    label = {"percent": "Per cent", "children": "Children", "incidents": "Incidents"}.get(unit, unit)
    chart = charts.line_chart(
        table, x="year", y="value", series="measure", y_title=f"{label} (England)", y_format=",.0f",
        title=f"{row.claim_id}: the cited figure and the nearest official figures",
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

    from .register import build

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
        display(HTML(evidence_block(row, evidence.get(row.claim_id), page, today)))
        if row.claim_id in evidence:
            figure = claim_chart(row, evidence[row.claim_id], first_year, last_year)
            if figure:
                display(HTML(figure))
            table = nearest_table(evidence[row.claim_id])
            if not table.empty:
                table = table[(table.year >= first_year) & (table.year <= last_year)]
                display(HTML(f'<details><summary>Nearest official figures for {e(row.claim_id)} (table)</summary>'
                             + html_table(table) + "</details>"))
