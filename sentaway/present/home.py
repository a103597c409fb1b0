"""The home page's main points, built from the register at build time: the claims that matter most (chosen
in data/main_points.csv, editorial data), each as what was said beside what the official figures show, and
sentences on what the official series show that nobody claimed.

Reads only these register columns: claim_id, family, quote, speaker, outlet, date, verdict, reason,
official_value, official_unit, official_year, release, source_file.
"""

import csv
import html
from pathlib import Path

import jinja2
import pandas as pd

from sentaway.analysis import numbers
from sentaway.paths import data_file

COLUMNS = ["claim_id", "family", "quote", "speaker", "outlet", "date", "verdict", "reason", "official_value",
           "official_unit", "official_year", "release", "source_file"]
TEMPLATES = Path(__file__).parent / "templates"


class MainPointsError(ValueError):
    pass


def chosen() -> list[str]:
    """The claim ids of data/main_points.csv, in their order."""
    path = data_file("main_points.csv")
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if not str(row.get("order", "")).strip().isdigit():
            raise MainPointsError(f"{path}, line {line}: order {row.get('order')!r} is not a whole number")
    return [row["claim_id"] for row in sorted(rows, key=lambda r: int(r["order"]))]


def short_reason(reason: str, limit: int = 170) -> str:
    """The verdict's reason as a main point gives it: its first clause, cut at a word (the evidence has it whole)."""
    text = " ".join(str(reason).split())
    first = text.split(". ", 1)[0] if len(text) > limit else text
    first = first.split(": ", 1)[0] if len(first) > limit else first
    first = first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " …"
    return first[0].upper() + first[1:] + ("" if first.endswith((".", "…")) else ".")


def points(register: pd.DataFrame, claims: pd.DataFrame | None = None) -> list[dict]:
    from sentaway.present.claim_pages import badge
    from sentaway.present.register_view import FAMILY_PAGES, quote_url, release_html

    table = register[COLUMNS].set_index("claim_id")
    notes = claims.set_index("claim_id") if claims is not None else None
    found = []
    for claim_id in chosen():
        if claim_id not in table.index:
            raise MainPointsError(f"{data_file('main_points.csv')}: claim_id {claim_id!r} is not in the register")
        row = table.loc[claim_id]
        official = ("" if numbers.is_missing(row.official_value) else
                    numbers.value(float(row.official_value), row.official_unit))
        found.append({
            "claim_id": html.escape(claim_id), "quote": html.escape(" ".join(str(row.quote).split())),
            "speaker": html.escape(row.speaker), "outlet": html.escape(row.outlet), "date": html.escape(str(row.date)),
            "said_at": html.escape(quote_url(notes.loc[claim_id])) if notes is not None and claim_id in notes.index else "",
            "badge": badge(row.verdict), "reason": html.escape(short_reason(row.reason)), "official": html.escape(official),
            "official_year": html.escape(numbers.year(row.official_year)) if row.official_year else "",
            "release": release_html(row.release), "family_page": FAMILY_PAGES[row.family],
        })
    return found


def main_points_html(register: pd.DataFrame, claims: pd.DataFrame | None = None) -> str:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False,
                                     trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("main_points.html.j2").render(points=points(register, claims))


def claims_last_year() -> int:
    """The latest single year the out-of-area claims name (their period ends there)."""
    from sentaway.read import claims

    said = claims.load()
    years = [int(y) for y in said[said.family == "out_of_area"].year if y.isdigit()]
    return max(years)


def homes_series_sentence() -> str:
    """The official children's-homes series over the claims' period, which no claim quoted, in one sentence."""
    from sentaway.analysis import homes_series

    frame = homes_series.headline().dropna(subset=["outside"]).sort_values("year")
    frame = frame[frame.year <= claims_last_year()]
    if len(frame) < 2:
        return ""
    first, last = frame.iloc[0], frame.iloc[-1]
    releases = "; ".join(dict.fromkeys(str(r) for r in frame.release))
    rise = 100 * (float(last.outside) / float(first.outside) - 1)
    return (f"The official series of {homes_series.DEFINITION}, {numbers.year(first.year)}-{numbers.year(last.year)}, "
            f"which no claim quoted: {numbers.count(first.outside)} placed outside their council in "
            f"{numbers.year(first.year)} ({numbers.percent(first.share_outside)}), {numbers.count(last.outside)} in "
            f"{numbers.year(last.year)} ({numbers.percent(last.share_outside)}), a rise of {numbers.percent(rise, 0)} "
            f"(source: {releases}).")


def share_sentence() -> str:
    """Children's homes against all looked-after children, in the latest year both have."""
    from sentaway.analysis import homes_series, out_of_area

    homes = homes_series.headline().dropna(subset=["share_outside"])
    every = out_of_area.all_children_by_locality().dropna(subset=["share_outside"])
    years = sorted(set(homes.year) & set(every.year))
    if not years:
        return ""
    year = years[-1]
    h = homes[homes.year == year].iloc[-1]
    a = every[every.year == year].iloc[-1]
    more = "more" if h.share_outside > a.share_outside else "fewer"
    return (f"In {numbers.year(year)}, {numbers.percent(h.share_outside, 0)} of {homes_series.DEFINITION} lived outside "
            f"their council, {more} than the {numbers.percent(a.share_outside, 0)} of all looked-after children.")


def found_facts() -> dict:
    """What the book found that nobody claimed, each a sentence computed from the extracts."""
    from sentaway.analysis import revisions

    revised = revisions.summary(revisions.national_revisions())
    return {
        "found_share": share_sentence(),
        "found_revisions": (f"DfE revises earlier years between releases, but little: of "
                            f"{numbers.count(revised['n_revisable'])} national figures published twice, "
                            f"{numbers.count(revised['n_revised'])} changed, the largest by "
                            f"{numbers.percent(revised['largest_revision_pct'])} ({revised['largest_revision_measure']})."),
        "found_homes_series": homes_series_sentence() or " ",
    }
