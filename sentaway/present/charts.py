"""Charts as the book publishes them: an interactive Vega-Lite view drawn by the site's own copy of
Vega (no CDN), a static SVG for print and no-script readers, a source line, and the data as a table.

The page carries the spec as JSON; book/assets/sentaway-charts.js draws every chart on load, so no
inline script is needed.
"""

import json
import textwrap

import altair as alt
import pandas as pd

from sentaway import __version__, sidefiles
from sentaway.analysis import coverage, words
from sentaway.present import chart_converter, links, render
from sentaway.read.extracts import release_links
from sentaway.present.tables import header, html_table

# Okabe-Ito: distinguishable with colour-vision deficiency; marks also differ by shape and dash.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "circle"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2], [1, 0], [4, 4], [1, 0]]


TITLE_CHARS = 46  # a title line fits a 342 px phone column at Vega's 13 px bold title font


def wrap(text: str, width: int = TITLE_CHARS) -> list[str]:
    """A chart title as lines short enough for a phone (Vega does not wrap titles itself)."""
    return textwrap.wrap(text, width=width, break_long_words=False, break_on_hyphens=False) or [text]


LEGEND_CHARS = 40  # a legend line fits a 342 px phone column at Vega's 11 px label font


def legend(names) -> alt.Legend:
    """A legend below the plot, one entry a line, each name wrapped onto lines short enough for a phone (Vega cuts a
    label at labelLimit and never wraps one itself): the data keep the whole name, the label shows its lines."""
    # A name with a word longer than a line (a file name) is broken inside that word too.
    lines = {name: textwrap.wrap(str(name), LEGEND_CHARS, break_on_hyphens=False) or [str(name)] for name in names}
    expression = "datum.label"
    for name, parts in lines.items():
        if len(parts) > 1:
            expression = (f"datum.label === {json.dumps(str(name), ensure_ascii=False)} ? "
                          f"{json.dumps(parts, ensure_ascii=False)} : ({expression})")
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=0, labelExpr=expression)


def chart_title(text: str, subtitle: str = "") -> alt.Title:
    """Titles start at the left, wrap for phones, and carry the y-axis's words as a subtitle, so the axis
    needs no rotated title of its own and the plot keeps its width on a narrow screen."""
    extra = dict(subtitle=wrap(subtitle, TITLE_CHARS + 8), subtitleFontSize=12, subtitleColor="#333") if subtitle else {}
    return alt.Title(wrap(text), anchor="start", fontSize=14, offset=8, **extra)


def release_family(release) -> str:
    """The series a release belongs to: the statistical first releases are one series, the
    explore-education-statistics releases another; moving from one to the other is a break."""
    return coverage.kind(release)


def segments(table: pd.DataFrame, *, x: str, series: str, breaks: str | None) -> tuple[pd.Series, list[float]]:
    """A line segment id for each row, and where the breaks fall: a series' line stops at a missing year and
    where its rows move to another release series (column `breaks`), so no line joins what is not comparable."""
    ids = pd.Series("", index=table.index, dtype=object)
    marks = []
    for name, rows in table.groupby(series, sort=False):
        rows = rows.sort_values(x)
        part, previous = 0, None
        for index, row in rows.iterrows():
            if previous is not None:
                gap = float(row[x]) - float(previous[x]) > 1
                changed = breaks in table.columns and release_family(row[breaks]) != release_family(previous[breaks])
                if gap or changed:
                    part += 1
                    marks.append((float(row[x]) + float(previous[x])) / 2)
            ids[index] = f"{name} #{part}"
            previous = row
    return ids, sorted(set(marks))


def line_chart(table: pd.DataFrame, *, x: str, y: str, series: str, y_title: str, title: str,
               tooltip: list[alt.Tooltip], y_format: str = ",.0f", breaks: str | None = "release") -> alt.LayerChart:
    """Lines with points, one per series, told apart by colour, point shape and dash. A line never crosses a
    missing year or a change of release series (`breaks`, a column naming each row's release): it stops,
    and a grey dashed rule marks the break."""
    table = table.copy()
    table["segment"], marks = segments(table, x=x, series=series, breaks=breaks)
    names = list(dict.fromkeys(table[series]))
    scale = dict(domain=names)
    axis = dict(format=y_format)
    largest = pd.to_numeric(table[y], errors="coerce").abs().max()
    if largest >= 1e6:  # "1,100,000,000" would take a third of a phone's width: "1.1 bn", "250 m"
        axis = dict(labelExpr="abs(datum.value) >= 1e9 ? format(datum.value / 1e9, '.3~f') + ' bn' : "
                              "abs(datum.value) >= 1e6 ? format(datum.value / 1e6, '.3~f') + ' m' : format(datum.value, ',')")
    encode = alt.Chart(table).encode(
        # Quantitative years, so a year with no official value shows as a gap rather than vanishing.
        x=alt.X(f"{x}:Q", title="Year (at 31 March)", scale=alt.Scale(zero=False, nice=False, padding=8),
                axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0)),
        y=alt.Y(f"{y}:Q", title=None, axis=alt.Axis(**axis), scale=alt.Scale(zero=True)),
        color=alt.Color(f"{series}:N", title=None, scale=alt.Scale(range=PALETTE[: len(names)], **scale),
                        legend=legend(names)),
        shape=alt.Shape(f"{series}:N", scale=alt.Scale(range=SHAPES[: len(names)], **scale), legend=None),
        strokeDash=alt.StrokeDash(f"{series}:N", scale=alt.Scale(range=DASHES[: len(names)], **scale), legend=None),
        tooltip=tooltip,
    )
    layers = [encode.mark_line().encode(detail="segment:N"), encode.mark_point(size=70, filled=True, opacity=1)]
    if marks:
        rules = pd.DataFrame({x: marks, "break": words.say("charts", "break.text")})
        layers.append(alt.Chart(rules).mark_rule(color="#666", strokeDash=[3, 3], strokeWidth=1).encode(
            x=f"{x}:Q", tooltip=[alt.Tooltip("break:N", title=words.say("charts", "break.title"))]))
    chart = alt.layer(*layers, data=table)
    return chart.properties(title=chart_title(title, y_title), width="container", height=320)


def chart_frames(chart) -> list[tuple[str, pd.DataFrame]]:
    """Every data set a chart draws, each with the mark that draws it (line, point, area, rule)."""
    found, seen = [], set()

    def visit(node, inherited):
        data = node.data if isinstance(getattr(node, "data", alt.Undefined), pd.DataFrame) else inherited
        for part in ("layer", "vconcat"):  # a layered chart, or panels stacked in one figure
            for child in getattr(node, part, None) or []:
                visit(child, data)
        mark = getattr(node, "mark", alt.Undefined)
        if mark is not alt.Undefined and isinstance(data, pd.DataFrame):
            kind = mark if isinstance(mark, str) else getattr(mark, "type", "mark")
            if id(data) not in seen:
                seen.add(id(data))
                found.append((str(kind), data))

    visit(chart, None)
    return found


def chart_csv(chart) -> pd.DataFrame:
    """The CSV behind a chart: every data set it draws, one after another, with what draws it."""
    parts = []
    for kind, frame in chart_frames(chart):
        if "break" in frame.columns and len(frame.columns) == 2:
            continue  # the break rules: positions computed from the data above, not data
        frame = frame.drop(columns=[c for c in ("segment",) if c in frame.columns]).copy()
        frame.insert(0, "drawn as", words.entry("charts", "drawn_as").get(kind, kind))
        parts.append(frame)
    return pd.concat(parts, ignore_index=True, sort=False) if parts else pd.DataFrame()


def chart_releases(frames) -> list[str]:
    """The releases a chart's data name (any column whose name says release or source), in order, each once: those
    data/release_links.csv knows, also where a cell names a table after one ('SFRnn/YYYY, Table A2'; a cited
    point's "the claim" is none)."""
    known = sorted(release_links(), key=len, reverse=True)
    found = []
    for frame in frames:
        for column in [c for c in frame.columns if "release" in str(c).lower() or str(c).lower() == "source"]:
            # In the order the cells name them (a set's order would change between builds).
            for part in dict.fromkeys(part for cell in frame[column].dropna() for part in links.release_parts(cell)):
                found += [label for label in known if part.startswith(label)][:1]
    return list(dict.fromkeys(found))


def figure(chart: alt.Chart, *, name: str, description: str, source: str, notes: str,
           table: pd.DataFrame, releases: list[str] | None = None) -> str:
    """The HTML a notebook displays for one chart (see the module docstring). Its source line links each release
    its data come from to the publisher's page (`releases`, else those its data name)."""
    spec = chart.to_dict()  # validated against the Vega-Lite schema once; the static copy differs only in width
    panels = "vconcat" in spec  # panels stacked in one figure, sharing the page's width
    svg = {**spec, "vconcat": [{**v, "width": 640} for v in spec["vconcat"]]} if panels else {**spec, "width": 640}
    # Compiled to Vega here, so pages need not load the Vega-Lite compiler (a quarter of a megabyte); the static SVG
    # asked for after it, so that the page goes on while it is made.
    vega = chart_converter.convert("vega", spec, name)
    chart_converter.static_svg(svg, name, lambda static: write_chart_file(name, "svg", static))
    if panels:
        # Vega-Lite fits only single and layered views to their container; Vega itself fits any layout, shrinking
        # the panels' shared width until axes and legends fit too (else they spill past a phone's edge).
        vega["autosize"] = {"type": "fit-x", "contains": "padding"}
    # No '<', '>' or '&' in the block, so no text in the spec can end the <script> or open a comment.
    spec_json = json.dumps(vega, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    drawn = chart_csv(chart)
    # The table on the page and the CSV hold the same rows and columns: what the chart draws.
    data = (drawn if not drawn.empty else table).rename(columns=header)
    # Shown to one decimal on the page, so written so: a reader's CSV holds the numbers the table shows.
    data = data.apply(lambda c: c.round(1) if pd.api.types.is_float_dtype(c) else c)
    heading = chart.title if not isinstance(chart.title, alt.Title) else chart.title.text
    heading = " ".join(heading) if isinstance(heading, list) else str(heading or name)
    releases = releases if releases is not None else chart_releases([table] + [f for _, f in chart_frames(chart)])
    return render.html("chart_figure.html.j2", anchor=f"chart-{name}", name=name, heading=heading,
                       description=description, source=source, notes=notes, version=__version__,
                       releases=render.Markup("; ".join(links.release_link(r) for r in releases)),
                       spec_json=render.Markup(spec_json), static_link=chart_file(name, "svg"),
                       csv_link=write_chart_data(name, data), table_html=render.Markup(html_table(data)))


CHART_DATA = "chart-data"


def chart_file(name: str, suffix: str) -> str:
    """The link to a file beside the chart from a page (every page sits at the site's root)."""
    return f"{CHART_DATA}/{name}.{suffix}"


def write_chart_file(name: str, suffix: str, text: str) -> str:
    """Write a file beside the chart (published at the site root as /chart-data/) and return the link
    from a page. Written through sentaway.sidefiles: staged with the notebook's run, never straight into the book."""
    sidefiles.write(f"extra/{chart_file(name, suffix)}", text)
    return chart_file(name, suffix)


def write_chart_data(name: str, table: pd.DataFrame) -> str:
    return write_chart_file(name, "csv", table.to_csv(index=False, lineterminator="\n"))


def with_band(band: alt.Chart, lines: alt.LayerChart) -> alt.LayerChart:
    """A shaded interval band under a line_chart. line_chart keeps its data at the top of its layer,
    so each line layer is given that data back before being layered with the band's own data."""
    layers = []
    for layer in lines.layer:
        layer = layer.copy()
        if layer.data is alt.Undefined:  # the break rules keep their own data
            layer.data = lines.data
        layers.append(layer)
    return alt.layer(band, *layers).properties(title=lines.title, width="container", height=320)
