"""HTML for the register page and the evidence pages: badges, evidence blocks, charts, JSON-LD."""

import html

import pandas as pd

from . import __version__
from .tables import html_table
from . import numbers
from .verdicts import SCALE

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
    return numbers.value(float(row.official_value), row.official_unit)


def scale_table() -> str:
    rows = "".join(f"<tr><td>{badge(name)}</td><td>{html.escape(text)}</td></tr>" for name, text, _ in SCALE)
    return f'<table class="sa-table sa-scale" tabindex="0"><thead><tr><th>Verdict</th><th>What it means</th></tr></thead><tbody>{rows}</tbody></table>'


def register_table(register: pd.DataFrame, on_family_page: bool = False) -> str:
    """The claims with verdicts, as sentaway.register_view lays them out for readers and journalists."""
    from . import claims, register_view

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
    from . import claims, register_view

    linked = {"Source": register_view.release_html(row.release) + f" ({html.escape(row.source_file)})" if row.release else ""}
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{linked[k] if k in linked else html.escape(str(v))}</dd>"
                    for k, v in facts if v)
    said = claims.load().set_index("claim_id")
    said_at = register_view.quote_url(said.loc[row.claim_id]) if row.claim_id in said.index else ""
    said_link = f' · <a href="{html.escape(said_at)}" rel="external">where it was said</a>' if said_at else ""
    data = {**row._asdict(), "build_date": build_date}
    return (f'<section class="sa-claim" id="claim-{row.claim_id}" aria-labelledby="claim-{row.claim_id}-title">'
            f'<h3 id="claim-{row.claim_id}-title"><a href="#claim-{row.claim_id}" class="sa-anchor">{html.escape(row.claim_id)}</a> '
            f"{badge(row.verdict)}</h3>"
            f"<blockquote>“{html.escape(row.quote)}”<footer>{html.escape(row.speaker)}, {html.escape(row.outlet)}, {row.date}{said_link}</footer></blockquote>"
            f'<dl class="sa-facts">{items}</dl><p class="sa-cite">{html.escape(cite_line(row, page))}</p>'
            f'<script type="application/ld+json">{claim_review(data, f"{page}.html#claim-{row.claim_id}")}</script>'
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

    from . import charts

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
                display(HTML(f'<details><summary>Nearest official figures for {row.claim_id} (table)</summary>'
                             + html_table(table) + "</details>"))
