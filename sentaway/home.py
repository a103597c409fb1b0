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

from . import numbers
from .paths import data_file

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
    from .claim_pages import badge
    from .register_view import FAMILY_PAGES, quote_url, release_html

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


def homes_series_sentence() -> str:
    """The 2013-2018 children's-homes series in one sentence, from sentaway.homes_series.headline() (columns
    year, release, inside, outside, all, share_outside). Empty where that module or its columns are absent,
    so the page then says nothing rather than something unfounded."""
    try:
        from . import homes_series  # written separately (issue 11); optional here
        frame = homes_series.headline()
    except (ImportError, AttributeError):
        return ""
    needed = {"year", "release", "outside", "share_outside"}
    if frame is None or not needed <= set(getattr(frame, "columns", [])):
        return ""
    frame = frame.dropna(subset=["outside"]).sort_values("year")
    if len(frame) < 2:
        return ""
    first, last = frame.iloc[0], frame.iloc[-1]
    releases = "; ".join(dict.fromkeys(str(r) for r in frame.release))
    return (f"The official children's-homes series for {numbers.year(first.year)}-{numbers.year(last.year)}, which "
            f"no claim quoted, shows {numbers.count(first.outside)} children placed outside their council in "
            f"{numbers.year(first.year)} ({numbers.percent(first.share_outside)}) and {numbers.count(last.outside)} "
            f"in {numbers.year(last.year)} ({numbers.percent(last.share_outside)}); source: {releases}.")


def found_facts() -> dict:
    """What the book found that nobody claimed, each a sentence computed from the extracts."""
    from . import out_of_area, revisions

    share = out_of_area._share_title(out_of_area._share_table(out_of_area.homes_by_locality(),
                                                               out_of_area.all_children_by_locality()))
    revised = revisions.summary(revisions.national_revisions())
    return {
        "found_share": share + ".",
        "found_revisions": (f"DfE revises earlier years between releases, but little: of "
                            f"{numbers.count(revised['n_revisable'])} national figures published twice, "
                            f"{numbers.count(revised['n_revised'])} changed, the largest by "
                            f"{numbers.percent(revised['largest_revision_pct'])} ({revised['largest_revision_measure']})."),
        "found_homes_series": homes_series_sentence() or " ",
    }
