"""Revisions between releases, for every series the book uses: each checked against the extracts read here with csv."""

import csv

import pytest

from sentaway.analysis import revisions
from sentaway.paths import DATA
from sentaway.present import home, revisions_charts


@pytest.fixture(scope="module")
def table():
    return revisions.national_revisions()


def _placements(**where):
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if all(r[k] == v for k, v in where.items())]


def test_a_revision_matches_the_two_releases_in_the_extract(table):
    values = {r["release"]: int(r["value"]) for r in _placements(
        year="2023", geographic_level="national", placement="all", locality="inside", provider="all")
        if "placement_provider" in r["source_file"]}
    row = table[(table.series == "all_children") & (table.year == 2023) & table.measure.str.contains(", inside their")
                & table.table.str.startswith("national")].iloc[0]
    assert row["first value"] == values["CLA 2023 (EES)"] and row["latest value"] == values["CLA 2024 (EES)"]
    assert row["revision"] == values["CLA 2024 (EES)"] - values["CLA 2023 (EES)"]


def test_the_childrens_homes_series_itself_is_covered(table):
    """Its 2023 value outside the boundary, in the characteristics file of the releases to 2023 and to 2024."""
    values = {r["release"]: float(r["value"]) for r in _placements(
        year="2023", geographic_level="national", placement="childrens_homes", locality="outside")}
    row = table[(table.series == "childrens_homes") & (table.year == 2023) & table.measure.str.contains(", outside their")].iloc[0]
    assert (row["first value"], row["latest value"]) == (values["CLA 2023 (EES)"], values["CLA 2024 (EES)"])


def test_the_2017_back_revision_is_a_revision_of_the_wider_group(table):
    first = {int(r["year"]): float(r["value"]) for r in _placements(
        geographic_level="national", placement="secure_childrens_homes_hostels", locality="all", provider="all")
        if r["release"].endswith("/" + r["year"])}
    with open(DATA / "sfr50_national_tables.csv", newline="", encoding="utf-8") as handle:
        a2 = {int(r["year"]): float(r["value"]) for r in csv.DictReader(handle)
              if (r["table"], r["placement"], r["locality"]) == ("A2", "secure_childrens_homes_semi_independent", "all")}
    wider = table[(table.series == "wider_group") & (table["latest release"] == "SFR50/2017")].set_index("year")
    for year in (2013, 2014, 2015, 2016):
        assert (wider["first value"][year], wider["latest value"][year]) == (first[year], a2[year])
    largest = max((a2[y] / first[y] - 1) * 100 for y in (2013, 2014, 2015))
    facts = revisions.summary(table)
    assert facts["largest_revision_pct"] == pytest.approx(largest) and facts["largest_revision_series"] == "wider_group"
    assert facts["other_largest_pct"] < 3 < facts["largest_revision_pct"]
    assert revisions.back_revision(table).sum() == 3


def test_tables_are_only_compared_with_themselves(table):
    assert not table.duplicated(["series", "measure", "table", "year"]).any()
    assert "councils' net-gain table" in set(table.table)
    assert table[table.table == "councils' net-gain table"]["first release"].str.contains("EES").all()


def test_every_series_the_book_uses_has_its_largest_revision(table):
    rows = revisions.by_series(table).set_index("series")
    assert list(rows.index) == list(revisions.SERIES)
    for series, row in rows.iterrows():
        part = table[(table.series == series) & (table.revision != 0)]
        assert row["given twice or more"] == (table.series == series).sum() and row["revised"] == len(part)
        if len(part):
            assert abs(row["largest revision (%)"]) == pytest.approx(part["revision (%)"].abs().max())
    # Series that one release gives each figure of: named as such, never given a revision of 0.
    assert set(rows.index[rows["given twice or more"] == 0]) == {"secure_homes", "providers", "spend"}


def test_the_home_page_names_the_back_revision_and_each_series_largest_revision(table):
    sentence = home.found_facts()["found_revisions"]
    assert "back-revision" in sentence and "8.3% to 10.5%" in sentence and "2013-2015" in sentence
    for item in revisions_charts.largest(table):
        assert item["name"] in sentence
        if item["pct"]:
            assert f"{item['name']} {item['pct']} in {item['year']}" in sentence


def test_the_revisions_page_names_the_back_revision_and_crossing_comparisons(table):
    words = revisions_charts.sentences(table)
    assert "back-revision, 10.5%" in words["opening"] and "at most 2.4%" in words["opening"]
    assert "2013-2015" in words["back"] and "footnote 4" in words["back"]
    assert "2012" in words["crosses"]
    shown = revisions_charts.series_table(table)
    assert len(shown) == len(revisions.SERIES) and "10.5%" in set(shown["largest revision"])
