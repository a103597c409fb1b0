"""Every council's figures (sentaway/analysis/councils/), pinned for a sample of councils against values computed here
independently, with the csv module, from the committed extracts: each year's share placed out of area from the
latest release giving it, beside the region's and England's from the same release; the net of children placed in and
out; ranks; children's homes; missing children; spending. And the rules: no series joined across a code change, no
share from a suppressed count, no rank for a suppressed share; a code change the record does not explain still
shown as one."""

import csv
from functools import lru_cache

import pandas as pd
import pytest

from sentaway.analysis.councils import codes, findings, homes, missing, placements, spend
from sentaway.analysis.growth import panel
from sentaway.paths import DATA
from sentaway.read import councils as council_files

SAMPLE = ["E08000007", "E06000004", "E06000059", "E10000009", "E10000023", "E06000065", "E06000017", "E09000007",
          "E06000053", "E10000006", "E06000064", "E09000001"]


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[dict, ...]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


@lru_cache(maxsize=None)
def _published() -> dict:
    return {r["release"]: r["published"] for r in _rows("release_dates.csv")}


def _cells(level: str, code: str | None = None, name: str | None = None) -> dict:
    """(year, release) -> {measure: (value, status)} of cla_council_placements.csv for one area."""
    found = {}
    for r in _rows("cla_council_placements.csv"):
        if r["geographic_level"] != level or (code and r["area_code"] != code) \
                or (name and r["area_name"].lower() != name.lower()):
            continue
        found.setdefault((int(r["year"]), r["release"]), {})[r["measure"]] = \
            (int(r["value"]) if r["value"] else None, r["status"])
    return found


def _latest(cells: dict) -> dict:
    """year -> (release, measures): the latest release giving the year (a row other than 'z')."""
    by_year = {}
    for (year, release), measures in cells.items():
        if all(status == "z" for _, status in measures.values()):
            continue
        if year not in by_year or _published()[release] > _published()[by_year[year][0]]:
            by_year[year] = (release, measures)
    return by_year


def _value(value):
    """A figure of the analysis as a number, or None where it gives none (NA, NaN)."""
    return None if pd.isna(value) else float(value)


def _share(measures: dict):
    (looked, s1), (outside, s2) = measures.get("looked_after", (None, "")), measures.get("placed_outside", (None, ""))
    return None if s1 or s2 or not looked else 100 * outside / looked


def _region_of(code: str) -> tuple[str, str]:
    context = _rows("la_context.csv")
    row = next((r for r in context if r["new_la_code"] == code), None)
    if row is None:  # a code only the SFR files use: its DfE number's
        dfe = next(r["old_la_code"] for r in _rows("cla_council_placements.csv") if r["area_code"] == code)
        row = next(r for r in context if r["old_la_code"] == dfe)
    return row["region9_code"], row["region9_name"]


@pytest.mark.parametrize("code", SAMPLE)
def test_each_years_figures_are_the_latest_releases_beside_region_and_england(code):
    ours = {int(r.year): r for r in placements.council(code).itertuples()}
    theirs = _latest(_cells("local_authority", code))
    assert sorted(ours) == sorted(theirs)
    england = _cells("national")
    region_code, region_name = _region_of(code)
    region = _cells("regional", region_code, region_name)
    for year, (release, measures) in theirs.items():
        row = ours[year]
        assert row.release == release, year
        share = _share(measures)
        assert (_value(row.share) if not row.share_status else None) == \
            (pytest.approx(share) if share is not None else None), year
        assert row.england_share == pytest.approx(_share(england[(year, release)]))
        assert row.region_share == pytest.approx(_share(region[(year, release)]))
        if "placed_inside" in measures:  # the SFR years: locality not recorded is what the total leaves
            (looked, s1), (inside, s2), (outside, s3) = (measures[m] for m in ("looked_after", "placed_inside", "placed_outside"))
            if not (s1 or s2 or s3):
                assert _value(row.not_recorded) == looked - inside - outside
        net, status = measures.get("net_gain", (None, ""))
        if net is None and not status:  # no printed net: computed from the two counts where both are published
            (placed_in, s1), (outside, s2) = measures["placed_in_by_other_councils"], measures["placed_outside"]
            net = None if s1 or s2 else placed_in - outside
        assert _value(row.net) == net, year


def test_stockport_pinned():
    rows = {int(r.year): r for r in placements.council("E08000007").itertuples()}
    # 2013 (SFR36/2013): 72 of 304 outside; 2024 (CLA 2024 (EES)): 178 of 495, and 274 placed in by other councils.
    theirs = _latest(_cells("local_authority", "E08000007"))
    for year in (2013, 2024):
        release, measures = theirs[year]
        assert rows[year].placed_outside == measures["placed_outside"][0]
        assert rows[year].looked_after == measures["looked_after"][0]
    latest = findings.latest("E08000007")
    release, measures = theirs[2024]
    assert latest["share"] == pytest.approx(_share(measures))
    # Its rank among the councils CLA 2024 (EES) gives a share for 2024 (1st: the highest).
    shares = [_share(m) for (y, r), m in _council_cells_of(2024, release).items()]
    shares = [s for s in shares if s is not None]
    assert latest["of_england"] == len(shares)
    assert latest["rank_england"] == 1 + sum(s > latest["share"] for s in shares)
    balance = findings.balance("E08000007")
    assert balance["role"] == ("importer" if measures["net_gain"][0] > 0 else "exporter")
    assert balance["net"] == measures["net_gain"][0]


def _council_cells_of(year: int, release: str) -> dict:
    found = {}
    for r in _rows("cla_council_placements.csv"):
        if r["geographic_level"] == "local_authority" and r["year"] == str(year) and r["release"] == release:
            found.setdefault((r["area_code"], release), {})[r["measure"]] = (int(r["value"]) if r["value"] else None,
                                                                             r["status"])
    return found


def test_a_suppressed_share_is_not_computed_nor_ranked():
    rutland = {int(r.year): r for r in placements.council("E06000017").itertuples()}
    _, measures = _latest(_cells("local_authority", "E06000017"))[2024]
    assert measures["placed_outside"] == (None, "c")
    assert _value(rutland[2024].share) is None and rutland[2024].share_status == "c"  # not computed
    assert _value(rutland[2024].rank_england) is None
    assert findings.latest("E06000017")["suppressed"] == "c"
    # Never ranked among the others: no council's count of ranked councils includes it.
    table = placements.table()
    assert (table[(table.year == 2024)].of_england <= table[(table.year == 2024) & table.share.notna()
                                                              & table.share_status.eq("")].code.nunique()).all()


def test_no_series_runs_across_a_code_change():
    for council in codes.councils():
        years = [int(y) for y in placements.council(council.code).year]
        assert years == sorted(set(years)) and set(years) == set(council.years), council.code
    dorset, county = codes.by_code()["E06000059"], codes.by_code()["E10000009"]
    assert (county.first, county.last) == (2011, 2019) and dorset.first == 2020
    assert not set(dorset.years) & set(county.years)
    assert [c.code for c in codes.lineage(dorset)] == ["E10000009", "E06000059"]
    assert sorted(c.code for c in codes.lineage(codes.by_code()["E06000058"])) == \
        ["E06000028", "E06000029", "E06000058", "E10000009"]
    # The same area under a new code, given by two releases for the same years: two series, never one.
    york = codes.by_code()["E06000065"]
    assert york.before[0].area == "unchanged" and set(york.years) & set(codes.by_code()["E10000023"].years)


def test_a_recode_the_record_does_not_explain_is_still_shown_as_one(monkeypatch):
    codes.councils.cache_clear()
    codes.by_code.cache_clear()
    monkeypatch.setattr(council_files, "changes", lambda: ())
    try:
        york = codes.by_code()["E06000065"]
        assert [(c.before_code, c.area) for c in york.before] == [("E10000023", "unrecorded")]
        assert not codes.by_code()["E06000059"].before  # a new DfE number: nothing in the files links the two
    finally:
        codes.councils.cache_clear()
        codes.by_code.cache_clear()


def test_homes_missing_and_spending_pinned():
    stockport = homes.council("E08000007")
    types = {"childrens_home", "secure_childrens_home", "residential_special_school_childrens_home"}
    for row in stockport.itertuples():
        mine = [r for r in _rows("ofsted_providers.csv") if r["snapshot_date"] == row.snapshot_date
                and r["geographic_level"] == "local_authority" and r["area_name"] == "Stockport"
                and r["provider_type"] in types and r["sector"] == "all"]
        assert row.homes == sum(float(r["value"]) for r in mine if r["measure"] == "homes")
        places = [float(r["value"]) for r in mine if r["measure"] == "places" and r["value"]]
        assert _value(row.places) == (sum(places) if places else None)
    assert list(stockport.snapshot_date) == sorted({r["snapshot_date"] for r in _rows("ofsted_providers.csv")})
    # Dorset's two codes each get the lists of their own years.
    assert list(homes.council("E10000009").snapshot_date) == ["2014-09-30", "2015-03-31", "2016-03-31"]
    assert list(homes.council("E06000059").snapshot_date) == ["2023-03-31"]

    found = {int(r.year): r for r in missing.council("E08000007").itertuples()}
    for year, row in found.items():
        mine = [r for r in _rows("cla_missing.csv") if r["geographic_level"] == "local_authority"
                and r["area_code"] == "E08000007" and r["year"] == str(year) and r["release"] == row.release
                and r["measure"] == "missing_incidents"]
        assert len(mine) == 1 and (float(mine[0]["value"]) if mine[0]["value"] else None) == _value(row.missing_incidents)
        assert _published()[row.release] == max(_published()[r["release"]] for r in _rows("cla_missing.csv")
                                                if r["area_code"] == "E08000007" and r["year"] == str(year))

    for row in spend.council("E08000007").itertuples():
        mine = [r for r in _rows("s251_spend.csv") if r["old_la_code"] == "356" and r["financial_year"] == row.financial_year
                and r["line"] == "residential_care" and r["measure"] == "total_expenditure"]
        assert len(mine) == 1 and float(mine[0]["value"]) == pytest.approx(row.total_expenditure)
    assert spend.left_out() == [("820", "Bedfordshire"), ("875", "Cheshire")]


def test_every_ofsted_council_with_a_home_is_matched_to_one_council():
    types = {"childrens_home", "secure_childrens_home", "residential_special_school_childrens_home"}
    names = {(r["snapshot_date"], r["area_name"]) for r in _rows("ofsted_providers.csv")
             if r["geographic_level"] == "local_authority" and r["provider_type"] in types}
    assert set(homes.matched()) == names


def test_the_panel_years_are_the_years_whose_council_rows_split_locality():
    split = sorted({int(r["year"]) for r in _rows("cla_placements.csv") if r["geographic_level"] == "local_authority"
                    and r["placement"] == "all" and r["locality"] == "inside" and not r["status"]})
    assert panel.panel_years() == (split[0], split[-1])
    assert placements.split_years() == split


@pytest.mark.parametrize("line, column, bad, message", [
    (2, "date", "1 April 2019", "is not a date"),
    (2, "area", "smaller", "is not one of changed, unchanged"),
    (2, "before_code", "X123", "is not a council's ONS code"),
])
def test_a_malformed_council_change_stops_naming_line_and_column(tmp_path, monkeypatch, line, column, bad, message):
    rows = list(csv.DictReader(open(DATA / "council_changes.csv", encoding="utf-8")))
    rows[line - 2][column] = bad
    path = tmp_path / "council_changes.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=council_files.CHANGES, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setattr(council_files, "data_file", lambda name: path)
    council_files.changes.cache_clear()
    try:
        with pytest.raises(council_files.CouncilsError, match=rf"data/council_changes.csv, line {line}, column {column}: "
                                                              rf"{bad!r} {message}"):
            council_files.changes()
    finally:
        council_files.changes.cache_clear()
