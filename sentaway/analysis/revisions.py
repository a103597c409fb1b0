"""How official figures moved between releases, for every series the book uses: each figure (a series, a measure, a
year) given by more than one release, its first and its latest value, and the largest revision of each series.

A figure is compared only with itself: the same measure in the same kind of table (KINDS). Within a release
different tables may print different figures for the same words (the councils' net-gain table against the national
locality table), so those are never read as revisions of each other; the same table renamed between releases, or a
first release's underlying data against a later release's national table of the same measure, are. DfE's 2017
back-revision of the wider group (sentaway.analysis.reclassification) is one of these revisions, the largest.
Numbers only; the series' and measures' names are in book/words/revisions_chapter.yml.
"""

import re

import pandas as pd

from sentaway.analysis import homes_series, reclassification, words
from sentaway.read import extracts

_words = words.File("revisions_chapter")


def say(key: str, **values) -> str:
    """A measure's name (book/words/revisions_chapter.yml, measures), its codes in words (groups, distances, places)."""
    names = {"placement": _words.entry("groups"), "distance": _words.entry("distances"), "locality": _words.entry("places")}
    return _words.say(key, **{k: names[k].get(v, v) if k in names else v for k, v in values.items()})

# The kind of table a source file is, by its name (first match): the key a figure is compared within.
KINDS = [(r"net_?gain", "netgain"), (r"rate_per_10k", "rates"), (r"(^|/)la_", "councils"),
         (r"_by_characteristics", "national"), (r"placement_provider", "national"), (r"distance", "distance"),
         (r"missing|away", "missing"), (r"National_tables|SFR\d+_CLA|SFR21_CLA|SFR27_2010", "sfr")]
COLUMNS = ["series", "measure", "kind", "year", "release", "published", "value"]
# The placement groups the book's missing and distance figures are about: every placement, and the wider groups the
# register reads for children's homes. (The other groups are not used, and the release to 2024 regrouped them.)
GROUPS = ["all", reclassification.REVISED_CODE, "secure_childrens_homes"]
REVISED = ["series", "measure", "table", "year", "first release", "first value", "latest release", "latest value", "revision",
           "revision (%)"]


def kind(source_file: str) -> str:
    for pattern, name in KINDS:
        if re.search(pattern, source_file, re.IGNORECASE):
            return name
    raise ValueError(f"revisions: no kind of table for {source_file!r} (sentaway/analysis/revisions.py, KINDS)")


def _long(frame: pd.DataFrame, series: str, measure, one_kind: str | None = None) -> pd.DataFrame:
    """Published values only (a suppressed cell is not a value), one row per figure and release. `one_kind`: every
    file of the series is the same kind of table (a series of one table, under whatever file names)."""
    frame = frame[frame.status.fillna("") == ""]
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    dates = extracts.release_dates().set_index("release")["published"]
    return pd.DataFrame({"series": series, "measure": [measure(r) for r in frame.itertuples()],
                         "kind": one_kind or frame.source_file.map(kind), "year": frame.year.astype(int),
                         "release": frame.release, "published": frame.release.map(dates),
                         "value": frame.value.astype(float)})


def _placements(codes) -> pd.DataFrame:
    p = extracts.placements()
    return p[(p.geographic_level == "national") & (p.provider == "all") & p.placement.isin(codes)]


def _a2(codes) -> pd.DataFrame:
    t = extracts.national_tables()
    return t[(t.table == reclassification.REVISED_TABLE) & t.placement.isin(codes)]


def _place(r) -> str:
    return say("measures.placements", placement=r.placement, locality=r.locality)


def childrens_homes() -> pd.DataFrame:
    rows = homes_series.by_release().melt(id_vars=["year", "release", "source_file"], value_vars=["inside", "outside", "all"],
                                          var_name="locality", value_name="value").dropna(subset=["value"])
    return _long(rows.assign(status="", placement="childrens_homes"), "childrens_homes", _place)


def all_children() -> pd.DataFrame:
    return _long(pd.concat([_placements(["all"]), _a2(["all"])]), "all_children", _place)


def wider_group() -> pd.DataFrame:
    """Secure units, children's homes and semi-independent living: each SFR's first publication (its code there,
    reclassification.FIRST_CODE, names the same group), Table A2's revision and the later releases."""
    first = _placements([reclassification.FIRST_CODE])
    first = first[[release.endswith(f"/{year}") for release, year in zip(first.release, first.year)]]
    frame = pd.concat([first.assign(placement=reclassification.REVISED_CODE),
                       _placements([reclassification.REVISED_CODE]), _a2([reclassification.REVISED_CODE])])
    return _long(frame, "wider_group", _place)


def secure_homes() -> pd.DataFrame:
    return _long(_placements(["secure_childrens_homes"]), "secure_homes", _place)


def missing() -> pd.DataFrame:
    """Children who went missing and missing incidents (the register's measures), as the missing data and Table
    G1 of the SFR national tables give them, by placement and locality."""
    m = extracts.missing()
    m = m[(m.geographic_level == "national") & (m.distance == "all")]
    t = extracts.national_tables()
    frame = pd.concat([m, t[t.table == "G1"]])
    frame = frame[frame.measure.isin(["children_missing", "missing_incidents"]) & frame.placement.isin(GROUPS)]
    councils = frame.source_file.map(kind) == "councils"  # the councils' file repeats them: compared with itself only

    def measure(r):
        return say("measures.missing", measure=r.measure, placement=r.placement, locality=r.locality)
    return pd.concat([_long(frame[~councils], "missing", measure, one_kind="missing"),
                      _long(frame[councils], "missing", measure, one_kind="councils")], ignore_index=True)


def distance() -> pd.DataFrame:
    d = extracts.distance()
    d = d[(d.geographic_level == "national") & (d.unit == "children") & d.placement.isin(GROUPS)]
    return _long(d, "distance",
                 lambda r: say("measures.distance", placement=r.placement, distance=r.distance, locality=r.locality),
                 one_kind="distance")


def providers() -> pd.DataFrame:
    o = extracts.providers()
    o = o[(o.geographic_level == "national") & (o.sector == "all") & o.measure.isin(["homes", "places"])]
    return _long(o, "providers", lambda r: say("measures.providers", measure=r.measure, provider=r.provider_type,
                                               date=r.snapshot_date), one_kind="ofsted")


def spend() -> pd.DataFrame:
    s = extracts.spend()
    s = s[(s.geographic_level == "national")].rename(columns={"year_ending_march": "year"})
    return _long(s, "spend", lambda r: say("measures.spend", line=r.line, measure=r.measure), one_kind="s251")


# Every series the book uses, in the order the revisions page lists them.
SERIES = {"childrens_homes": childrens_homes, "all_children": all_children, "wider_group": wider_group,
          "secure_homes": secure_homes, "missing": missing, "distance": distance, "providers": providers,
          "spend": spend}


def figures() -> pd.DataFrame:
    """Every published value of every series, one row per figure and release."""
    return pd.concat([load() for load in SERIES.values()], ignore_index=True)


def national_revisions(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every figure given by more than one release: the first and the latest release's value (by publication
    date) and the revision, in children (or the measure's unit) and per cent of the first value."""
    frame = figures() if frame is None else frame
    rows = []
    tables = _words.entry("kinds")
    for (series, measure, table, year), group in frame.groupby(["series", "measure", "kind", "year"], sort=False):
        if group.release.nunique() < 2:
            continue
        group = group.sort_values(["published", "release"])
        first, last = group.iloc[0], group.iloc[-1]
        rows.append({"series": series, "measure": measure, "table": tables[table], "year": int(year),
                     "first release": first.release,
                     "first value": first.value, "latest release": last.release, "latest value": last.value,
                     "revision": last.value - first.value,
                     "revision (%)": 100 * (last.value - first.value) / first.value if first.value else float("nan")})
    return pd.DataFrame(rows, columns=REVISED)


def back_revision(table: pd.DataFrame) -> pd.Series:
    """The rows that are DfE's 2017 back-revision (reclassification.summary: the wider group's reclassified years,
    revised by Table A2's release)."""
    back = reclassification.summary()
    return ((table.series == "wider_group") & table.year.isin(back["years"])
            & table["latest release"].eq(back["revised_release"]))


def by_series(table: pd.DataFrame, back: bool = True) -> pd.DataFrame:
    """One row per series: how many of its figures more than one release gives, how many of those changed, and its
    largest revision in per cent (empty where no figure is given twice). back=False leaves out the back-revision."""
    table = table if back else table[~back_revision(table)]
    rows = []
    for series in SERIES:
        part = table[table.series == series]
        changed = part[part.revision != 0]
        row = {"series": series, "given twice or more": len(part), "revised": len(changed)}
        if not changed.empty:
            largest = changed.loc[changed["revision (%)"].abs().idxmax()]
            row.update({"largest revision (%)": float(largest["revision (%)"]), "measure": largest.measure,
                        "year": int(largest.year), "first release": largest["first release"],
                        "first value": largest["first value"], "latest release": largest["latest release"],
                        "latest value": largest["latest value"]})
        rows.append(row)
    return pd.DataFrame(rows)


def summary(table: pd.DataFrame) -> dict:
    """How many figures are given twice or more and revised; the largest revision of all, and of all but the
    back-revision."""
    changed = table[table.revision != 0]
    largest = changed.loc[changed["revision (%)"].abs().idxmax()] if not changed.empty else None
    others = changed[~back_revision(changed)]
    return {"n_revisable": len(table), "n_revised": len(changed),
            "largest_revision_pct": abs(float(largest["revision (%)"])) if largest is not None else 0.0,
            "largest_revision_measure": (f"{largest.measure}, {largest.year}" if largest is not None else "none"),
            "largest_revision_series": largest.series if largest is not None else "",
            "other_largest_pct": float(others["revision (%)"].abs().max()) if not others.empty else 0.0}


def verdicts_by_release(register: pd.DataFrame) -> pd.DataFrame:
    """Claims with more than one reading that gives a judgement (another list, year, release or definition), and
    whether the judgement moves with the choice."""
    rows = []
    for row in register.itertuples():
        judged = [r for r in register.attrs.get("readings", {}).get(row.claim_id, [])
                  if r["relation"] != "context" and r["official_value"] is not None]
        if len(judged) < 2:
            continue
        rows.append({"claim": row.claim_id, "verdict": row.verdict,
                     "under each reading": "; ".join(f"{r['rank']}. {r['official_measure']}: {r['verdict']}" for r in judged),
                     "verdict depends on the choice": "yes" if len({r["verdict"] for r in judged}) > 1 else "no"})
    return pd.DataFrame(rows, columns=["claim", "verdict", "under each reading", "verdict depends on the choice"])
