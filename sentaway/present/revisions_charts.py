"""The chapter on revisions between releases: its chart (presentation only; the numbers come from
sentaway.analysis.revisions)."""

import altair as alt
import pandas as pd

from sentaway.analysis import words
from sentaway.analysis.revisions import summary
from sentaway.present import charts


def revision_chart(table: pd.DataFrame) -> str:
    data = table.assign(series=table.measure + " [" + table.table + "]")
    chart = charts.line_chart(
        data, x="year", y="revision (%)", series="series", y_title="Revision, latest vs first release (%)",
        y_format=".1f", title=say("title", largest=f"{summary(table)['largest_revision_pct']:.1f}"),
        tooltip=[alt.Tooltip("series:N", title="Figure"), alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("first value:Q", format=",.0f"), alt.Tooltip("latest value:Q", format=",.0f"),
                 alt.Tooltip("revision (%):Q", format=".2f")])
    return charts.figure(chart, name="revisions", description=say("description"), source=say("source"),
                         notes=say("notes"), table=table.round(2))


say = words.File("revisions_charts").say  # a sentence of book/words/revisions_charts.yml
