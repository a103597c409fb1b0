"""The distance x locality extract: deterministic, true to the raw files, strict on drift."""

import csv
import io

import pytest

from sentaway.extract import distance, shapes
from sentaway.raw.files import RawDataError, RawFiles
from tables import make_raw, one, raw_dicts


@pytest.fixture(scope="module")
def extracted(raw_root):
    rows = distance.extract(RawFiles(raw_root))
    return rows, shapes.csv_text(distance.NAME, rows)


@pytest.fixture(scope="module")
def table(extracted):
    return list(csv.DictReader(io.StringIO(extracted[1])))




def test_resource_name_and_sources(raw_root, extracted):
    assert shapes.spec(distance.NAME)["path"] == "cla_distance.csv"
    assert all(row.source_file == row.source_file.strip() for row in extracted[0])


def test_sfr_2017_outside_over_20_miles(raw_root, table):
    rel = "dfe-cla-sfr/2017/SFR50_CLA2017.csv"
    records = raw_dicts(raw_root, rel, encoding="cp1252")
    national = next(r for r in records if r["geog_l"] == "NATIONAL")
    row = one(table, source_file=rel, geographic_level="national", distance="over_20_miles", locality="outside")
    assert row["value"] == national["CLA_OutLA_GT20"] == "10530"
    assert row["unit"] == "children" and row["placement"] == "all" and "over 20 miles" in row["placement_label"]
    kent = next(r for r in records if r["geog_n"] == "Kent")
    row = one(table, source_file=rel, area_name="Kent", distance="not_known", locality="inside")
    assert row["value"] == kent["CLA_InLA_NoInfo"] and row["old_la_code"] == kent["geog_c"]


def test_ees_childrens_homes_over_20_miles(raw_root, table):
    rel = "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_placement_distance_and_placement_locality.csv"
    wanted = [r for r in raw_dicts(raw_root, rel) if r["time_period"] == "2024"
              and r["cla_group"] == "Secure homes and children's homes"
              and r["characteristic"] == "2.ii Over 20 miles outside LA boundary"]
    assert len(wanted) == 1
    count = one(table, source_file=rel, year="2024", placement="secure_childrens_homes",
                distance="over_20_miles", locality="outside", unit="children")
    share = one(table, source_file=rel, year="2024", placement="secure_childrens_homes",
                distance="over_20_miles", locality="outside", unit="percent")
    assert (count["value"], share["value"]) == (wanted[0]["number"], wanted[0]["percentage"])
    assert count["rounding"] == "nearest 10" and share["rounding"] == "not applicable"


def test_both_releases_kept_for_overlapping_years(table):
    releases = {r["release"] for r in table if r["year"] == "2022"}
    assert releases == {"CLA 2022 (EES)", "CLA 2023 (EES)", "CLA 2024 (EES)"}
    assert {r["year"] for r in table} == {str(y) for y in range(2017, 2025)}


def test_suppressed_cells_have_a_symbol_and_no_value(table):
    suppressed = [r for r in table if r["status"]]
    assert suppressed and all(r["value"] == "" for r in suppressed)
    assert {r["status"] for r in suppressed} <= {"x", "k"}


def test_no_earlier_sfr_year_has_distance(raw_root):
    notes = distance.sfr_without_distance(RawFiles(raw_root))
    assert sorted(notes) == [2011, 2012, 2013, 2014, 2015, 2016]


def test_duplicate_keys_are_refused(extracted):
    rows = extracted[0]
    with pytest.raises(ValueError, match="a second value for the same key"):
        shapes.csv_text(distance.NAME, [rows[0], rows[0]])


# --- schema drift, on small synthetic raw folders -----------------------------------------------

HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,cla_group,characteristic,number,percentage\n"
ROW = "2024,Reporting year,National,E92000001,England,{group},{characteristic},4220,49\n"


EES = "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_placement_distance_and_placement_locality.csv"
SFR_DATA, SFR_META = "dfe-cla-sfr/2017/SFR50_CLA2017.csv", "dfe-cla-sfr/2017/SFR50_2017_MetaData.txt"


@pytest.fixture
def ees(tmp_path, synthetic_releases):
    """A raw folder holding one release's distance file, of the text given."""
    synthetic_releases({"dfe-cla-ees-to-2024": {"published": "2024-11-14"}})
    return lambda text: make_raw(tmp_path, {EES: text})


@pytest.fixture
def sfr(tmp_path, monkeypatch, synthetic_releases):
    """A raw folder holding one SFR release's data file and metadata document, reading one distance code."""
    synthetic_releases({"dfe-cla-sfr/2017": {"release": "SFR50/2017", "published": "2017-09-28"}})
    monkeypatch.setitem(distance.LABELS, "sfr_columns",
                        {"CLA_OutLA_GT20": distance.LABELS["sfr_columns"]["CLA_OutLA_GT20"]})
    return lambda data, meta: make_raw(tmp_path, {SFR_DATA: data, SFR_META: meta})


def ees_file(header=HEADER, group="Secure homes and children's homes", characteristic="2. Over 20 miles"):
    return header + ROW.format(group=f'"{group}"', characteristic=characteristic)


def test_synthetic_file_reads(ees):
    count, share = distance.ees_rows(ees(ees_file()))
    assert (count.placement, count.distance, count.locality, count.value) == ("secure_childrens_homes", "over_20_miles", "all", 4220)
    assert (share.unit, share.value) == ("percent", 49)


def test_a_renamed_column_stops_naming_it(ees):
    raw = ees(ees_file(header=HEADER.replace(",cla_group,", ",placement_group,")))
    with pytest.raises(RawDataError, match=r"locality\.csv: expected column\(s\) cla_group not found"):
        distance.ees_rows(raw)


def test_an_unknown_placement_label_stops_naming_it_and_the_entry_that_would_take_it(ees):
    raw = ees(ees_file(group="Children's homes only"))
    with pytest.raises(RawDataError, match=r"locality\.csv, line 2: cla_group \"Children's homes only\" is not among the "
                                           r"labels CLA 2024 \(EES\) is known to print .*dfe-cla-ees-to-2024: "
                                           r"\{relabel: \{\"children's homes only\": "):
        distance.ees_rows(raw)


def test_an_unknown_distance_label_stops_naming_it(ees):
    raw = ees(ees_file(characteristic="2. Over 30 miles"))
    with pytest.raises(RawDataError, match=r"locality\.csv, line 2: characteristic '2\. Over 30 miles' is not among"):
        distance.ees_rows(raw)


def test_a_relabelled_group_is_read_as_its_release_s_entry_says(tmp_path, synthetic_releases):
    synthetic_releases({"dfe-cla-ees-to-2024": {"published": "2024-11-14",
                                               "relabel": {"Secure and children's homes": "secure homes and children's homes"}}})
    count, _ = distance.ees_rows(make_raw(tmp_path, {EES: ees_file(group="Secure and  Children's homes")}))
    assert count.placement == "secure_childrens_homes" and count.placement_label == "Secure and  Children's homes"


def test_a_renamed_sfr_code_stops_naming_it(sfr):
    meta = "CLA_OutLA_GT20: Children looked after at 31 March 2017 placed outside of the local authority boundary and over 20 miles from the child's home\n"
    data = "LA_order,New_geog_code,geog_l,geog_c,geog_n,CLA_OutLA_GT21\n1,E92000001,NATIONAL,999,ENGLAND,10530\n"
    with pytest.raises(RawDataError, match=r"SFR50_CLA2017\.csv: distance column\(s\) \['CLA_OutLA_GT21'\]"):
        distance.extract(sfr(data, meta))


def test_a_code_whose_definition_changed_stops(sfr):
    meta = "CLA_OutLA_GT20: Children looked after at 31 March 2017 placed outside of the local authority boundary and over 30 miles from the child's home\n"
    data = "LA_order,New_geog_code,geog_l,geog_c,geog_n,CLA_OutLA_GT20\n1,E92000001,NATIONAL,999,ENGLAND,10530\n"
    with pytest.raises(RawDataError, match="column CLA_OutLA_GT20 is defined as .* expected it to mention 'over 20 miles'"):
        distance.sfr_rows(sfr(data, meta))


def test_release_to_2022_all_new_placements_are_the_children_at_31_march(raw_root, table):
    # The release to 2022 labels its group of all children 'All new placements'; its totals are the
    # release's children looked after at 31 March (provider file, all children), year by year.
    provider = "dfe-cla-ees-to-2022/data/national_cla_on_31_march_by_placement_provider_and_locality_.csv"
    totals = {r["time_period"]: r["number"] for r in raw_dicts(raw_root, provider)
              if r["placement_type"] == "1. All children looked after at 31 March" and r["placement_provider"] == "All children"}
    for year in range(2018, 2023):
        row = one(table, release="CLA 2022 (EES)", year=str(year), placement="all", distance="all", locality="all",
                  unit="children")
        assert row["value"] == totals[str(year)] and row["placement_label"] == "All new placements"


def test_a_renumbered_distance_label_is_read_by_its_words(ees):
    count, _ = distance.ees_rows(ees(ees_file(characteristic="3.ii 20 miles or less inside LA boundary")))
    assert (count.distance, count.locality) == ("20_miles_or_less", "inside")
