"""The home page's main points, built from the register at build time: the claims that matter most (chosen
in data/main_points.csv, editorial data), each as what was said beside what the official figures show, and
sentences on what the official series show that nobody claimed.

Reads only these register columns: claim_id, family, quote, speaker, outlet, date, verdict, conclusion,
official_value, official_unit, official_year, release, source_file.
"""

import csv

import pandas as pd

from sentaway.analysis import homes_series, numbers, out_of_area, reclassification, revisions, words
from sentaway.paths import data_file
from sentaway.present import render, revisions_charts
from sentaway.present.claim_pages import badge
from sentaway.present.register_view import FAMILY_PAGES, quote_url, release_html
from sentaway.read import claims as claims_data

COLUMNS = ["claim_id", "family", "quote", "speaker", "outlet", "date", "verdict", "conclusion", "official_value",
           "official_unit", "official_year", "release", "source_file"]


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


def points(register: pd.DataFrame, claims: pd.DataFrame | None = None) -> list[dict]:
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
            "claim_id": claim_id, "quote": " ".join(str(row.quote).split()),
            "speaker": row.speaker, "outlet": row.outlet, "date": str(row.date),
            "said_at": quote_url(notes.loc[claim_id]) if notes is not None and claim_id in notes.index else "",
            "badge": render.Markup(badge(row.verdict)), "reason": row.conclusion, "official": official,
            "official_year": numbers.year(row.official_year) if row.official_year else "",
            "release": render.Markup(release_html(row.release)), "family_page": FAMILY_PAGES[row.family],
        })
    return found


def main_points_html(register: pd.DataFrame, claims: pd.DataFrame | None = None) -> str:
    return render.html("main_points.html.j2", points=points(register, claims))


def claims_last_year() -> int:
    """The latest single year the out-of-area claims name (their period ends there)."""
    said = claims_data.load()
    years = [int(y) for y in said[said.family == "out_of_area"].year if y.isdigit()]
    return max(years)


def homes_series_sentence() -> str:
    """The official children's-homes series over the claims' period, which no claim quoted, in one sentence."""
    frame = homes_series.headline().dropna(subset=["outside"]).sort_values("year")
    frame = frame[frame.year <= claims_last_year()]
    if len(frame) < 2:
        return ""
    first, last = frame.iloc[0], frame.iloc[-1]
    releases = "; ".join(dict.fromkeys(str(r) for r in frame.release))
    rise = 100 * (float(last.outside) / float(first.outside) - 1)
    return words.say("home", "found_homes_series", definition=homes_series.DEFINITION, first=numbers.year(first.year),
                     last=numbers.year(last.year), first_outside=numbers.count(first.outside),
                     first_share=numbers.percent(first.share_outside), last_outside=numbers.count(last.outside),
                     last_share=numbers.percent(last.share_outside), rise=numbers.percent(rise, 0), releases=releases)


def share_sentence() -> str:
    """Children's homes against all looked-after children, in the latest year both have."""
    homes = homes_series.headline().dropna(subset=["share_outside"])
    every = out_of_area.all_children_by_locality().dropna(subset=["share_outside"])
    years = sorted(set(homes.year) & set(every.year))
    if not years:
        return ""
    year = years[-1]
    h = homes[homes.year == year].iloc[-1]
    a = every[every.year == year].iloc[-1]
    return words.say("home", "found_share", year=numbers.year(year), homes_share=numbers.percent(h.share_outside, 0),
                     definition=homes_series.DEFINITION, more=bool(h.share_outside > a.share_outside),
                     all_share=numbers.percent(a.share_outside, 0))


def found_facts() -> dict:
    """What the book found that nobody claimed, each a sentence computed from the extracts."""
    table = revisions.national_revisions()
    largest = revisions_charts.largest(table)
    back = reclassification.summary()
    return {
        "found_share": share_sentence(),
        "found_revisions": words.say(
            "home", "found_revisions", other=numbers.percent(revisions.summary(table)["other_largest_pct"]),
            largest=[s for s in largest if s["pct"]], once=[s["name"] for s in largest if not s["given"]],
            back_year=numbers.year(int(back["revised_published"][:4])), first=numbers.year(back["first_year"]),
            last=numbers.year(back["last_year"]), lo=numbers.percent(back["smallest_pct"]),
            hi=numbers.percent(back["largest_pct"])),
        "found_homes_series": homes_series_sentence() or " ",
    }
