import csv

import pytest

from sentaway.analysis import revisions
from sentaway.paths import DATA


def test_a_revision_matches_the_two_releases_in_the_extract():
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        values = {r["release"]: int(r["value"]) for r in csv.DictReader(handle)
                  if (r["year"], r["geographic_level"], r["placement"], r["locality"], r["provider"]) == ("2023", "national", "all", "inside", "all")}
    table = revisions.national_revisions()
    row = table[(table.year == 2023) & table.measure.str.endswith("all, locality inside")].iloc[0]
    assert row["first value"] == values["CLA 2023 (EES)"] and row["latest value"] == values["CLA 2024 (EES)"]
    assert row["revision"] == values["CLA 2024 (EES)"] - values["CLA 2023 (EES)"]


def test_tables_are_only_compared_with_themselves():
    table = revisions.national_revisions()
    assert not table.duplicated(["measure", "table", "year"]).any()
    assert set(table.table) >= {"la_cla_on_31_march_la_of_placement_netgain.csv"}


def test_summary_names_the_largest_revision():
    table = revisions.national_revisions()
    facts = revisions.summary(table)
    assert facts["largest_revision_pct"] == pytest.approx(table["revision (%)"].abs().max())
