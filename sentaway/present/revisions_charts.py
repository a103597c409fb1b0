"""The chapter on revisions between releases: its chart, its tables and the sentences that choose their words by the
figures (presentation only; the numbers come from sentaway.analysis.revisions and .reclassification). The home
page's sentence on revisions is made from the same figures (largest)."""

import altair as alt
import pandas as pd

from sentaway.analysis import numbers, reclassification, revisions, words
from sentaway.present import charts
from sentaway.read import claims

say = words.File("revisions_charts").say  # a sentence of book/words/revisions_charts.yml
chapter = words.File("revisions_chapter")


def _back_year() -> str:
    return numbers.year(int(reclassification.summary()["revised_published"][:4]))


def series_name(series: str) -> str:
    return chapter.say(f"series.{series}")


def revision_chart(table: pd.DataFrame) -> str:
    """One dot per revised figure, one row per series; the back-revision's dots marked apart."""
    facts = revisions.summary(table)
    back = revisions.back_revision(table)
    data = table.assign(series=table.series.map(lambda s: chapter.say(f"short.{s}")),
                        kind=back.map({True: say("kinds.back"), False: say("kinds.other")}))
    order = [chapter.say(f"short.{s}") for s in revisions.SERIES if s in set(table.series)]
    kinds = [say("kinds.back"), say("kinds.other")]
    # The series' names sit above their rows, not beside them as axis labels, so the plot keeps a phone's width.
    base = alt.Chart(data).encode(y=alt.Y("series:N", title=None, sort=order, axis=None,
                                          scale=alt.Scale(paddingInner=0.2, paddingOuter=0.1)))
    dots = base.mark_point(filled=True, size=70, opacity=0.8).encode(
        x=alt.X("revision (%):Q", title=None, axis=alt.Axis(format=".1f")),
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=kinds, range=[charts.PALETTE[1], charts.PALETTE[0]]),
                        legend=alt.Legend(orient="bottom", direction="vertical")),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["diamond", "circle"]), legend=None),
        tooltip=[alt.Tooltip("measure:N", title="Figure"), alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("first release:N"), alt.Tooltip("first value:Q", format=",.0f"),
                 alt.Tooltip("latest release:N"), alt.Tooltip("latest value:Q", format=",.0f"),
                 alt.Tooltip("revision (%):Q", format=".2f")])
    names = base.transform_aggregate(figures="count()", groupby=["series"]).mark_text(
        align="left", baseline="bottom", dy=-9, fontSize=11, fontWeight="bold").encode(x=alt.value(0), text="series:N")
    chart = alt.layer(dots, names).properties(
        title=charts.chart_title(say("title", largest=numbers.percent(facts["largest_revision_pct"]),
                                        other=numbers.percent(facts["other_largest_pct"]), back_year=_back_year()),
                                 say("y_title")),
        width="container", height=48 * len(order))
    return charts.figure(chart, name="revisions", description=say("description"), source=say("source"),
                         notes=say("notes"), table=data.round(2))


def series_table(table: pd.DataFrame) -> pd.DataFrame:
    """The largest revision of each series, as the page shows it."""
    rows = []
    for r in revisions.by_series(table).to_dict("records"):
        pct = r.get("largest revision (%)")
        known = pct is not None and not numbers.is_missing(pct)
        rows.append({"series": series_name(r["series"]), "figures given by two or more releases":
                     r["given twice or more"], "revised": r["revised"],
                     "largest revision": numbers.percent(pct, 1) if known else numbers.MISSING,
                     "figure": r["measure"] if known else numbers.MISSING,
                     "year": numbers.year(r["year"]) if known else numbers.MISSING,
                     "earliest value (release)": f"{numbers.count(r['first value'])} ({r['first release']})" if known else numbers.MISSING,
                     "latest value (release)": f"{numbers.count(r['latest value'])} ({r['latest release']})" if known else numbers.MISSING})
    return pd.DataFrame(rows)


def back_revision_table() -> pd.DataFrame:
    table = reclassification.comparison()
    return pd.DataFrame({"year": table.year, "its own release": table.first_release,
                         "in its own release": table.first_value, "Table A2": table.revised_value,
                         "revision": table.revision, "revision (%)": table.revision_pct.round(1),
                         "residential schools, in its own release": table.schools_first,
                         "residential schools, Table A2": table.schools_revised,
                         "children moved into the group": table.reclassified})


def largest(table: pd.DataFrame) -> list[dict]:
    """Each series' largest revision apart from the back-revision, in words for a list: name, per cent, year (both
    empty for a series no release repeats), and how many of its figures two or more releases give."""
    out = []
    for r in revisions.by_series(table, back=False).to_dict("records"):
        pct = r.get("largest revision (%)")
        known = pct is not None and not numbers.is_missing(pct)
        out.append({"series": r["series"], "name": chapter.say(f"short.{r['series']}"),
                    "pct": numbers.percent(abs(pct), 1) if known else "",
                    "year": numbers.year(r["year"]) if known else "", "given": int(r["given twice or more"])})
    return out


def _cited_before(first_revised: int) -> list[int]:
    """The years the out-of-area claims cite that come before Table A2's first year: on the old definition."""
    said = claims.load()
    return sorted({int(y) for y, family in zip(said.year, said.family)
                   if family == "out_of_area" and str(y).isdigit() and int(y) < first_revised})


def sentences(table: pd.DataFrame) -> dict:
    """The chapter's sentences (book/words/revisions_chapter.yml), filled with the figures."""
    facts = revisions.summary(table)
    others = table[(table.revision != 0) & ~revisions.back_revision(table)]
    other = others.loc[others["revision (%)"].abs().idxmax()] if not others.empty else None
    back = reclassification.summary()
    comparison = reclassification.comparison()
    moved = comparison[comparison.reclassified]
    rest = comparison[~comparison.reclassified & (comparison.revision != 0)]
    once = [item["name"] for item in largest(table) if not item["given"]]
    return {
        "opening": chapter.say("opening", n_revisable=numbers.count(facts["n_revisable"]),
                               n_revised=numbers.count(facts["n_revised"]),
                               other=numbers.percent(facts["other_largest_pct"]),
                               other_measure=f"{other.measure}, {numbers.year(other.year)}" if other is not None else "",
                               back_year=_back_year(), largest=numbers.percent(facts["largest_revision_pct"]),
                               largest_measure=facts["largest_revision_measure"]),
        "once": chapter.say("once", names=once) if once else "",
        "back": chapter.say("back", release=back["revised_release"], published=back["revised_published"],
                            first=numbers.year(back["first_year"]), last=numbers.year(back["last_year"]),
                            schools=numbers.count(moved.schools_revised.sum()),
                            schools_first=numbers.count(moved.schools_first.sum()),
                            lo=numbers.percent(back["smallest_pct"]), hi=numbers.percent(back["largest_pct"]),
                            others=chapter.say("back_others", rows=[
                                {"year": numbers.year(r.year), "pct": numbers.percent(r.revision_pct)}
                                for r in rest.itertuples()]),
                            footnote=back["footnote"], text=back["footnote_text"]),
        "crosses": chapter.say("crosses", before=[numbers.year(y) for y in _cited_before(int(comparison.year.min()))]),
    }
