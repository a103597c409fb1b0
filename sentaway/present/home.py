"""The home page, built from the register at build time, bottom line first: a tally of the verdicts (in the verdict
scale's own words), the main points (the claims chosen in data/main_points.csv, editorial data), each as what was
said beside what the official figures show, and sentences on what the official series show that nobody claimed.
The abbreviations it uses are spelled out the first time the page shows them (page() makes its parts in page order).

Reads only these register columns: claim_id, family, quote, speaker, outlet, date, verdict, conclusion,
official_value, official_unit, official_year, release, source_file, bound.
"""

import csv
import re

import pandas as pd

from sentaway.analysis import homes_series, numbers, out_of_area, reclassification, revisions, words
from sentaway.paths import data_file
from sentaway.present import register_view, render, revisions_charts
from sentaway.present.claim_pages import badge
from sentaway.present import links
from sentaway.present.register_view import FAMILY_PAGES
from sentaway.read import claims as claims_data
from sentaway.register.verdicts import OUT_OF_SCOPE, SCALE

COLUMNS = ["claim_id", "family", "quote", "speaker", "outlet", "date", "verdict", "conclusion", "official_value",
           "official_unit", "official_year", "release", "source_file", "bound"]


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
        official = register_view.official_cell(row)
        found.append({
            "claim_id": claim_id, "quote": " ".join(str(row.quote).split()),
            "who": register_view.said_by(row.speaker, row.outlet, row.date),
            "said_at": links.said_at(notes.loc[claim_id].seed_file)["url"] if notes is not None and claim_id in notes.index else "",
            "badge": render.Markup(badge(row.verdict)),
            "finding": row.conclusion,
            "official": official.get("figure", ""), "bound": official.get("bound", ""),
            "official_year": register_view.reference(row.official_year) if official.get("figure") else "",
            "release": render.Markup(links.release_html(row.release)), "family_page": FAMILY_PAGES[row.family],
        })
    return found


def main_points_html(register: pd.DataFrame, claims: pd.DataFrame | None = None) -> str:
    return render.html("main_points.html.j2", points=points(register, claims))


def tally(register: pd.DataFrame) -> str:
    """The bottom line: how many of the texts' figures the register checked got each verdict, in the scale's order
    and words (so it follows the scale when the scale changes), and how many it lists without checking."""
    checked = register[register.verdict != OUT_OF_SCOPE]
    counts = [(name, int((checked.verdict == name).sum())) for name, _, _ in SCALE]
    counts = [(name, n) for name, n in counts if n]
    parts = [say("tally_first" if i == 0 else "tally_next", count=n, verdict=name) for i, (name, n) in enumerate(counts)]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    years = sorted(str(d)[:4] for d in register.date)
    sentence = say("tally", n=len(checked), texts=register.seed_file.nunique(), first=years[0], last=years[-1], parts=joined)
    other = len(register) - len(checked)
    return sentence + (" " + say("tally_other", other=other) if other else "")


def spell_out(html_text: str, seen: set[str]) -> str:
    """The abbreviations of book/words/home.yml spelled out where the page first shows them, in its text, never in a
    tag or an address: 'SFRnn/YYYY (statistical first release)', '(EES, explore education statistics)'; one that
    first shows in a link's words (a release's name) is spelled out just after the link, so the link's words stay
    the name of what it opens. `seen`: those the page already spelled out, updated."""
    expansions = words.entry("home", "abbreviations")
    parts = re.split(r"(<[^>]+>)", html_text)
    in_link, pending = False, []
    for i, part in enumerate(parts):
        if part.startswith("<"):
            if re.match(r"<a\b", part):
                in_link = True
            elif part.startswith("</a") and in_link:
                in_link = False
                if pending:
                    parts[i] = part + " (" + "; ".join(f"{a}: {expansions[a]}" for a in pending) + ")"
                    pending = []
            continue
        for abbreviation, meaning in expansions.items():
            if abbreviation in seen:
                continue
            # The word it stands in ('SFRnn/YYYY'), with a possessive ("DfE's", escaped or not) kept whole.
            found = re.search(r"(?<![A-Za-z])" + re.escape(abbreviation) + r"(?![A-Za-z])[\w/.-]*"
                              r"(?:(?:'|’|&#39;|&#x27;)s\b)?", part)
            if not found:
                continue
            seen.add(abbreviation)
            if in_link:
                pending.append(abbreviation)
                continue
            start, end = found.start(), found.end()
            inside = start > 0 and part[start - 1] == "(" and part[end:end + 1] == ")"
            if not inside and re.fullmatch(re.escape(abbreviation) + r"(?:'|’|&#39;|&#x27;)s", found.group(0)):
                # A possessive reads "the Department for Education's (DfE) figures", not "DfE's (Department...)".
                before = part[:start].rstrip()
                article = "The" if not before or before.endswith((".", "!", "?")) else "the"
                apostrophe = found.group(0)[len(abbreviation):-1]
                part = part[:start] + f"{article} {meaning}{apostrophe}s ({abbreviation})" + part[end:]
                parts[i] = part
                continue
            part = part[:end] + (f", {meaning}" if inside else f" ({meaning})") + part[end:]
        parts[i] = part
    return "".join(parts)


def page(register: pd.DataFrame, claims: pd.DataFrame) -> dict:
    """The home page's computed parts, in the order the page shows them, each abbreviation spelled out at its first
    use: the bottom line, the main points (HTML) and what nobody claimed (glue)."""
    seen: set[str] = set()
    parts = {"bottom_line": spell_out(tally(register), seen),
             "main_points": spell_out(main_points_html(register, claims), seen)}
    for name, sentence in found_facts().items():
        parts[name] = spell_out(sentence, seen) if sentence.strip() else sentence
    return parts


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


say = words.File("home").say  # a sentence of book/words/home.yml
