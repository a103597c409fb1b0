"""The chapter on revisions between releases: its chart (presentation only; the numbers come from
sentaway.analysis.revisions)."""

import altair as alt
import pandas as pd

from sentaway.analysis.revisions import summary
from sentaway.present import charts


def revision_chart(table: pd.DataFrame) -> str:
    data = table.assign(series=table.measure + " [" + table.table + "]")
    chart = charts.line_chart(
        data, x="year", y="revision (%)", series="series", y_title="Revision, latest vs first release (%)",
        y_format=".1f", title=f"The largest revision between releases is {summary(table)['largest_revision_pct']:.1f}% of the first figure",
        tooltip=[alt.Tooltip("series:N", title="Figure"), alt.Tooltip("year:Q", format="d", title="Year"),
                 alt.Tooltip("first value:Q", format=",.0f"), alt.Tooltip("latest value:Q", format=",.0f"),
                 alt.Tooltip("revision (%):Q", format=".2f")])
    return charts.figure(
        chart, name="revisions", description="Line chart of the percentage revision of each national figure between the first and latest release that gives it, by year.",
        source="Department for Education, Children looked after in England, explore-education-statistics releases to 2022, 2023 and 2024; Open Government Licence v3.0.",
        notes="Counts rounded to the nearest 10 in each release; a revision of 10 may be rounding alone.",
        table=table.round(2))
