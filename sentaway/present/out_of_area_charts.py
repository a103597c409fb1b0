"""The chapter 'How many children in homes are placed out of area?': its charts (presentation only; the numbers
come from sentaway.analysis.out_of_area)."""

import altair as alt
import pandas as pd

from sentaway.analysis import words
from sentaway.present import charts


def release_chart(table: pd.DataFrame, *, y: str, y_title: str, title: str, name: str, description: str,
                  y_format: str = ",.0f") -> str:
    """One colour and shape per measure, one line per (measure, release): a year given by two releases shows
    both values, and no line crosses from one release (or measure) to another."""
    measures = list(dict.fromkeys(table.measure))
    scale = dict(domain=measures)
    shown = table.assign(**{y: table[y].astype(float)}, key=table.measure + " | " + table.release)
    tooltip = [alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("year:Q", title="Year", format="d"),
               alt.Tooltip(f"{y}:Q", title=y_title, format=y_format), alt.Tooltip("release:N", title="Release")]
    if "headline" in shown:
        tooltip.append(alt.Tooltip("headline:N", title="Headline value for the year"))
    base = alt.Chart(shown).encode(
        x=alt.X("year:Q", title="Year (at 31 March)", scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=None, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=True)),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(range=charts.PALETTE[: len(measures)], **scale),
                        legend=charts.legend(measures)),
        shape=alt.Shape("measure:N", scale=alt.Scale(range=charts.SHAPES[: len(measures)], **scale), legend=None),
        strokeDash=alt.StrokeDash("measure:N", scale=alt.Scale(range=charts.DASHES[: len(measures)], **scale),
                                  legend=None),
        detail="key:N", tooltip=tooltip)
    chart = (base.mark_line() + base.mark_point(size=70, filled=True, opacity=1)).properties(
        title=charts.chart_title(title, y_title), width="container", height=320)  # axis words as subtitle: phones
    columns = [c for c in ("measure", "year", "release", "headline", "inside", "outside", "all", y) if c in shown]
    data = table[list(dict.fromkeys(columns))].copy()
    if "share_outside" in data:
        data["share_outside"] = data.share_outside.astype(float).round(1)
    return charts.figure(chart, name=name, description=description, source=words.say("out_of_area_charts", "source"),
                         notes=words.say("out_of_area_charts", "notes"),
                         table=data.rename(columns={"share_outside": "outside (%)"}))
