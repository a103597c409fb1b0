import csv

import pandas as pd
import pytest

from sentaway.analysis import reclassification
from sentaway.paths import DATA
from sentaway.read import extracts


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_year_compares_its_own_sfr_with_table_a2():
    """Recomputed here from the CSV files: the group as its year's SFR first published it against Table A2."""
    first = {int(r["year"]): int(r["value"]) for r in _rows("cla_placements.csv")
             if r["geographic_level"] == "national" and r["placement"] == "secure_childrens_homes_hostels"
             and r["locality"] == "all" and r["provider"] == "all" and r["release"].endswith("/" + r["year"])}
    a2 = {int(r["year"]): int(r["value"]) for r in _rows("sfr50_national_tables.csv")
          if r["table"] == "A2" and r["placement"] == "secure_childrens_homes_semi_independent" and r["locality"] == "all"}
    table = reclassification.comparison()
    assert list(table.year) == sorted(set(first) & set(a2))
    for row in table.itertuples():
        assert (row.first_value, row.revised_value) == (first[row.year], a2[row.year])
        assert row.revision_pct == pytest.approx(100 * (a2[row.year] - first[row.year]) / first[row.year])


def test_the_reclassified_years_are_those_a2_moved_out_of_residential_schools():
    table = reclassification.comparison()
    assert (table.reclassified == (table.schools_revised < table.schools_first)).all()
    facts = reclassification.summary()
    moved = table[table.reclassified]
    assert facts["years"] == list(moved.year) and facts["first_year"] == min(moved.year)
    assert facts["largest_pct"] == pytest.approx(moved.revision_pct.max())
    # The back-revision is far larger than councils' amendments to the other years.
    assert facts["smallest_pct"] > 2 * facts["other_largest_pct"]
    assert "validation" in facts["footnote_text"] and facts["validation_year"] < int(facts["revised_release"][-4:])


def test_a_change_from_an_old_base_moves_by_the_revision():
    facts = reclassification.summary()
    low, high = reclassification.moved_change(100.0)
    assert high == pytest.approx(100 * (2 / (1 + facts["smallest_pct"] / 100) - 1))
    assert low == pytest.approx(100 * (2 / (1 + facts["largest_pct"] / 100) - 1))


def test_what_crosses_the_seam():
    facts = reclassification.summary()
    first, last = facts["first_year"], facts["last_year"]
    assert reclassification.crosses(first - 1, last + 3)  # a base older than Table A2 against a later year
    assert reclassification.crosses(first - 1, first)  # ... or against Table A2's revised first year
    assert reclassification.crosses(last, last + 1)  # a first-published base against a later year
    assert not reclassification.crosses(last, last + 1, start_first_published=False)  # Table A2's own base
    assert not reclassification.crosses(first - 1, last, end_first_published=True)  # both as first published
    assert not reclassification.crosses(last + 1, last + 2)  # both after the seam


def test_a_small_made_up_release(monkeypatch):
    """Two years: one reclassified (schools fall 100 -> 40, group 1,000 -> 1,060), one only amended."""
    def sfr(year, placement, value):
        return {"year": year, "release": f"SFR1/{year}", "source_file": f"f{year}.csv", "geographic_level": "national",
                "placement": placement, "locality": "all", "provider": "all", "value": value, "status": ""}

    def a2(year, placement, value):
        return {"table": "A2", "year": year, "release": "SFR9/2017", "source_file": "t.xlsx", "placement": placement,
                "locality": "all", "value": value, "status": ""}
    monkeypatch.setattr(extracts, "placements", lambda: pd.DataFrame([
        sfr(2014, "secure_childrens_homes_hostels", 1000), sfr(2014, "residential_schools", 100),
        sfr(2015, "secure_childrens_homes_hostels", 2000), sfr(2015, "residential_schools", 50)]))
    monkeypatch.setattr(extracts, "national_tables", lambda: pd.DataFrame([
        a2(2014, "secure_childrens_homes_semi_independent", 1060), a2(2014, "residential_schools", 40),
        a2(2015, "secure_childrens_homes_semi_independent", 2010), a2(2015, "residential_schools", 50)]))
    monkeypatch.setattr(extracts, "release_dates", lambda: pd.DataFrame(
        {"release": ["SFR1/2014", "SFR1/2015", "SFR9/2017"], "published": ["2014-09-30", "2015-09-30", "2017-09-28"]}))
    facts = reclassification.summary()
    assert facts["years"] == [2014] and facts["largest_pct"] == pytest.approx(6.0)
    assert facts["other_largest_pct"] == pytest.approx(0.5)


def test_no_group_in_the_files_is_named(monkeypatch):
    monkeypatch.setattr(extracts, "national_tables", lambda: pd.DataFrame(
        columns=["table", "year", "release", "source_file", "placement", "locality", "value", "status"]))
    with pytest.raises(reclassification.ReclassificationError, match="sfr50_national_tables.csv"):
        reclassification.comparison()
