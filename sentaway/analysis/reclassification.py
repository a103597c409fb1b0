"""DfE's 2017 reclassification: how far the SFR national tables' Table A2 back-revised the wider children's-homes group.

The group "secure units, children's homes and semi-independent living" (placement code
secure_childrens_homes_semi_independent) was first published each year in that year's SFR underlying data (placement
code secure_childrens_homes_hostels, labelled "secure units, children's homes and hostels"). The SFR national tables'
Table A2 printed 2013-2017 again after the 2016 validation of placement types (its footnote 4), which moved children counted
in residential schools into the group: the first-published and A2 values for the same year differ by several per
cent, far more than any revision from councils' amendments. Every comparison between a figure from before it (the
claimants' 2012 figures, the SFR values of 2010-2015) and one on DfE's revised definition crosses this seam.

Public interface (numbers only; the words are in book/words/reclassification.yml):
- comparison(): one row per year that both the first publication and Table A2 give (see COMPARISON).
- summary(): the back-revision in a dict (see its docstring): the years reclassified, the smallest and largest
  revision in per cent, the largest revision of the other years, the releases and the A2 footnote.
- moved_change(change_pct): how far a change from a first-published base to a revised end point could move if the
  base were on the revised definition: (low, high) per cent.
- crosses(start_year, end_year, start_first_published, end_first_published): whether a comparison of two figures
  crosses the seam (one on the old definition, one on the new).
"""

import re

import pandas as pd

from sentaway.analysis import memo
from sentaway.paths import data_file
from sentaway.read import extracts

FIRST_CODE = "secure_childrens_homes_hostels"  # the group in each SFR's underlying data (2011-2017)
REVISED_CODE = "secure_childrens_homes_semi_independent"  # the same group in Table A2 and the later releases
SCHOOLS_CODE = "residential_schools"
REVISED_TABLE = "A2"
COMPARISON = ["year", "first_release", "first_published", "first_source_file", "first_value", "revised_release",
              "revised_published", "revised_source_file", "revised_value", "revision", "revision_pct",
              "schools_first", "schools_revised", "reclassified"]


class ReclassificationError(ValueError):
    """data/ does not hold both publications of the group as expected: the message names the file and year."""


def _first() -> pd.DataFrame:
    frame = extracts.placements()
    rows = frame[(frame.geographic_level == "national") & (frame.provider == "all") & (frame.locality == "all")
                 & frame.placement.isin([FIRST_CODE, SCHOOLS_CODE]) & frame.release.str.startswith("SFR")
                 & (frame.status == "")]
    # A year's first publication is its own SFR (the reporting year in the release's name).
    rows = rows[[release.endswith(f"/{year}") for release, year in zip(rows.release, rows.year)]]
    return rows.pivot_table(index=["year", "release", "source_file"], columns="placement", values="value",
                            aggfunc="first").reset_index()


def _revised() -> pd.DataFrame:
    tables = extracts.national_tables()
    rows = tables[(tables.table == REVISED_TABLE) & (tables.locality == "all")
                  & tables.placement.isin([REVISED_CODE, SCHOOLS_CODE]) & (tables.status == "")]
    return rows.pivot_table(index=["year", "release", "source_file"], columns="placement", values="value",
                            aggfunc="first").reset_index()


@memo.kept
def comparison() -> pd.DataFrame:
    """One row per year both give: the group as first published and as Table A2 printed it, the revision (A2 minus
    first, children and per cent of the first value), the residential-schools count in each, and `reclassified`:
    True where A2 counts fewer children in residential schools than first published (children moved into the
    group), False where the two differ only by councils' amendments."""
    first, revised = _first(), _revised()
    for name, frame, code in (("cla_placements.csv", first, FIRST_CODE),
                              ("sfr50_national_tables.csv", revised, REVISED_CODE)):
        if frame.empty or code not in frame:
            raise ReclassificationError(f"data/{name}: no national {code} rows")
    dates = extracts.release_dates().set_index("release")["published"]
    merged = first.merge(revised, on="year", suffixes=("_first", "_revised"))
    if merged.empty:
        raise ReclassificationError("data/cla_placements.csv and data/sfr50_national_tables.csv: no year in both")
    rows = []
    for r in merged.sort_values("year").itertuples():
        first_value, revised_value = float(getattr(r, FIRST_CODE)), float(getattr(r, REVISED_CODE))
        schools_first = float(getattr(r, f"{SCHOOLS_CODE}_first"))
        schools_revised = float(getattr(r, f"{SCHOOLS_CODE}_revised"))
        rows.append({"year": int(r.year), "first_release": r.release_first, "first_published": dates.get(r.release_first, ""),
                     "first_source_file": r.source_file_first, "first_value": first_value,
                     "revised_release": r.release_revised, "revised_published": dates.get(r.release_revised, ""),
                     "revised_source_file": r.source_file_revised, "revised_value": revised_value,
                     "revision": revised_value - first_value,
                     "revision_pct": 100 * (revised_value - first_value) / first_value,
                     "schools_first": schools_first, "schools_revised": schools_revised,
                     "reclassified": bool(schools_revised < schools_first)})
    return pd.DataFrame(rows, columns=COMPARISON)


def _footnote() -> dict:
    """Table A2's footnote on the 2016 validation that corrected earlier years' placement types."""
    notes = pd.read_csv(data_file("sfr50_national_notes.csv"), dtype=str, keep_default_na=False)
    notes = notes[(notes.table == REVISED_TABLE) & (notes.kind == "footnote")]
    for note in notes.itertuples():
        found = re.search(r"validation was added to the data collection in (\d{4})", note.text)
        if found:
            return {"footnote": note.note, "validation_year": int(found.group(1)), "text": note.text}
    raise ReclassificationError("data/sfr50_national_notes.csv: no Table A2 footnote on the added validation")


def summary() -> dict:
    """The back-revision in numbers:
    years (list), first_year, last_year: the years reclassified; smallest_pct, largest_pct, largest_year,
    largest_revision (children): the revision over those years; other_largest_pct: the largest revision of the
    other years both give (councils' amendments only); first_releases (list), revised_release, revised_published;
    footnote, validation_year, footnote_text: Table A2's own explanation."""
    table = comparison()
    moved = table[table.reclassified]
    if moved.empty:
        raise ReclassificationError("data/: Table A2 moves no children out of residential schools in any year")
    largest = moved.loc[moved.revision_pct.abs().idxmax()]
    others = table[~table.reclassified]
    return {"years": [int(y) for y in moved.year], "first_year": int(moved.year.min()), "last_year": int(moved.year.max()),
            "smallest_pct": float(moved.revision_pct.min()), "largest_pct": float(moved.revision_pct.max()),
            "largest_year": int(largest.year), "largest_revision": float(largest.revision),
            "other_largest_pct": float(others.revision_pct.abs().max()) if not others.empty else 0.0,
            "first_releases": list(moved.first_release), "revised_release": str(largest.revised_release),
            "revised_published": str(largest.revised_published), **{
                k if k != "text" else "footnote_text": v for k, v in _footnote().items()}}


def moved_change(change_pct: float) -> tuple[float, float]:
    """A change computed from a base on the first-published definition: the change it would be had the base been
    revised as 2013-2015 were (base x (1 + revision)), for the smallest and largest revision. (low, high) per cent."""
    facts = summary()
    ratio = 1 + change_pct / 100
    ends = [100 * (ratio / (1 + pct / 100) - 1) for pct in (facts["smallest_pct"], facts["largest_pct"])]
    return min(ends), max(ends)


def crosses(start_year: int, end_year: int, start_first_published: bool = True, end_first_published: bool = False) -> bool:
    """Does a comparison between a figure for `start_year` and one for `end_year` cross the reclassification? A
    figure is on the old definition where its year precedes Table A2 (whatever its source), or where it is a first
    publication (`*_first_published`) of a year up to the last reclassified one; on the new definition otherwise
    (Table A2 and every later release). The comparison crosses when its two figures are on different definitions.
    By default the start is a first publication (a claim's older figure) and the end a revised one."""
    facts = summary()
    first_a2 = int(comparison().year.min())

    def old(year: int, first_published: bool) -> bool:
        return year < first_a2 or (first_published and year <= facts["last_year"])
    return old(start_year, start_first_published) != old(end_year, end_first_published)
