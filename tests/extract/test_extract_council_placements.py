"""The council extract of placement location (cla_council_placements.csv): true to the raw files, read independently
here; the same cells as cla_placements.csv where both hold one; the release to 2022's council totals read; the SFR
files' unreliable net-gain column left out; and the parts checked against their printed net."""

import csv
import io
from dataclasses import replace

import pytest

from sentaway.extract import checks, council_placements, shapes
from sentaway.paths import DATA
from sentaway.raw.files import RawDataError, RawFiles
from tables import one, raw_dicts


@pytest.fixture(scope="module")
def extracted(raw_root):
    rows = council_placements.extract(RawFiles(raw_root))
    return rows, list(csv.DictReader(io.StringIO(shapes.csv_text(council_placements.NAME, rows))))


def test_sfr_cells_of_a_council(raw_root, extracted):
    rel = "dfe-cla-sfr/2013/SFR36_CLA2013.csv"
    stockport = next(r for r in raw_dicts(raw_root, rel, encoding="cp1252") if r["geog_n"] == "Stockport")
    table = extracted[1]
    for measure, column in (("looked_after", "CLA_Mar2013"), ("placed_inside", "CLA_InBound"),
                            ("placed_outside", "CLA_Outbound"), ("placed_in_by_other_councils", "CLA_ExtPl")):
        row = one(table, source_file=rel, area_name="Stockport", measure=measure)
        assert row["value"] == stockport[column].strip() and row["area_code"] == "E08000007", measure
        assert row["old_la_code"] == "356" and row["rounding"] == "unrounded (whole numbers)"
    # The SFR files' own net gain is not read.
    assert not [r for r in table if r["release"].startswith("SFR") and r["measure"] == "net_gain"]


def test_ees_net_gain_and_the_release_to_2022s_totals(raw_root, extracted):
    table = extracted[1]
    rel = "dfe-cla-ees-to-2024/data/la_cla_on_31_march_la_of_placement_netgain.csv"
    raw = {r["characteristic"]: r["number"] for r in raw_dicts(raw_root, rel)
           if r["time_period"] == "2024" and r["new_la_code"] == "E08000007"}
    for measure, label in (("placed_in_by_other_councils", "1. Children who are the responsibility of other LAs placed within this LA boundary"),
                           ("placed_outside", "2. Children who are the responsibility of this LA placed outside the LA boundary"),
                           ("net_gain", "Net gain of children by responsible LA")):
        assert one(table, source_file=rel, year="2024", area_code="E08000007", measure=measure)["value"] == raw[label]
    rel = "dfe-cla-ees-to-2022/data/cla_number_and_rate_per_10k_children.csv"
    raw = next(r for r in raw_dicts(raw_root, rel) if r["time_period"] == "2018" and r["new_la_code"] == "E08000007"
               and r["population_count"] == "Children looked after at 31 March each year")
    assert one(table, source_file=rel, year="2018", area_code="E08000007", measure="looked_after")["value"] == raw["number"]
    assert {r["release"] for r in table if r["year"] == "2022"} == {"CLA 2022 (EES)", "CLA 2023 (EES)", "CLA 2024 (EES)"}


def test_council_cells_are_those_of_cla_placements(extracted):
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        theirs = {(r["year"], r["source_file"], r["area_code"], {"all": "looked_after", "inside": "placed_inside",
                                                                "outside": "placed_outside"}[r["locality"]]): (r["value"], r["status"])
                  for r in csv.DictReader(handle) if r["geographic_level"] == "local_authority" and r["placement"] == "all"
                  and r["provider"] == "all" and r["year"] != "2010"}
    ours = {(r["year"], r["source_file"], r["area_code"], r["measure"]): (r["value"], r["status"]) for r in extracted[1]
            if r["geographic_level"] == "local_authority"}
    shared = set(theirs) & set(ours)
    assert len(shared) > 5000 and all(theirs[k] == ours[k] for k in shared)
    # What this extract adds: other councils' children placed in, the net gain, the release to 2022's totals.
    assert {k[3] for k in set(ours) - set(theirs)} == {"placed_in_by_other_councils", "net_gain", "looked_after"}


def test_suppressed_cells_keep_their_symbol_never_zero(extracted):
    rutland = one(extracted[1], release="CLA 2024 (EES)", year="2024", area_code="E06000017", measure="placed_outside",
                  source_file="dfe-cla-ees-to-2024/data/la_cla_on_31_march_la_of_placement_netgain.csv")
    assert (rutland["value"], rutland["status"]) == ("", "c")
    gone = [r for r in extracted[1] if r["area_code"] == "E10000009" and r["year"] == "2022"]
    assert gone and all((r["value"], r["status"]) == ("", "z") for r in gone)  # the old Dorset county: not applicable


def test_a_net_gain_that_does_not_match_its_parts_stops(raw_root, extracted):
    rows = list(extracted[0])
    i = next(i for i, r in enumerate(rows) if r.measure == "net_gain" and r.area_code == "E08000007" and r.year == 2024)
    rows[i] = replace(rows[i], value=rows[i].value + 3)
    with pytest.raises(RawDataError, match=r"line \d+, column number: 2024, Stockport: measure net_gain 99 \+ measure placed_outside 178 = 277, but the printed total \(measure placed_in_by_other_councils\) is 274"):
        checks.parts_add_up(council_placements.NAME, rows, RawFiles(raw_root))
