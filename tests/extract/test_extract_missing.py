"""The missing / away-without-authorisation extract: deterministic, true to the raw files, strict on drift."""

import csv
import io

import pytest

from sentaway.extract import missing, shapes
from sentaway.raw.files import RawDataError, RawFiles
from tables import make_raw, one, raw_dicts


@pytest.fixture(scope="module")
def extracted(raw_root):
    raw = RawFiles(raw_root)
    rows = missing.extract(raw)
    return rows, shapes.csv_text(missing.NAME, rows)


@pytest.fixture(scope="module")
def table(extracted):
    return list(csv.DictReader(io.StringIO(extracted[1])))





def test_sfr_2017_children_missing_nationally(raw_root, table):
    rel = "dfe-cla-sfr/2017/SFR50_Missing_2017.csv"
    national = next(r for r in raw_dicts(raw_root, rel) if r["geog_l"] == "NATIONAL")
    row = one(table, source_file=rel, geographic_level="national", measure="children_missing")
    assert row["year"] == "2017" and row["value"] == national["Miss_Miss_DuringYear"] == "10700"
    assert row["unit"] == "children" and row["status"] == "" and row["rounding"] == "nearest 10"
    assert "missing incident" in row["measure_label"]


def test_sfr_2015_missing_incidents_nationally(raw_root, table):
    rel = "dfe-cla-sfr/2015/SFR34_Missing2015.csv"
    national = next(r for r in raw_dicts(raw_root, rel) if r["geog_l"] == "NATIONAL")
    row = one(table, source_file=rel, geographic_level="national", measure="missing_incidents")
    assert row["value"] == national["CLA_MissIncs"]


def test_2018_national_missing_incidents_release_to_2022(raw_root, table):
    # 2018 is only in the release to 2022 (LA file, national row); the release to 2023 starts in 2019.
    rel = "dfe-cla-ees-to-2022/data/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv"
    wanted = [r["number"] for r in raw_dicts(raw_root, rel)
              if r["time_period"] == "2018" and r["geographic_level"] == "National"
              and r["cla_group"] == "Number of missing incidents during the year"]
    assert len(wanted) == 1
    row = one(table, source_file=rel, year="2018", geographic_level="national", measure="missing_incidents")
    assert row["value"] == wanted[0] and row["release"] == "CLA 2022 (EES)"
    assert not [r for r in table if r["year"] == "2018" and r["release"] == "CLA 2023 (EES)"]


def test_2019_incidents_from_placements_outside_the_boundary(raw_root, table):
    rel = "dfe-cla-ees-to-2023/data/national_statistics_official_statistics_cla_who_were_missing.csv"
    records = [r for r in raw_dicts(raw_root, rel) if r["time_period"] == "2019"]
    outside = next(r["number"] for r in records
                   if r["characteristic"] == "Missing from placement outside council boundary")
    total = next(r["number"] for r in records
                 if r["characteristic"] == "Total number of missing incidents during the year")
    row = one(table, source_file=rel, year="2019", measure="missing_incidents", locality="outside")
    assert row["value"] == outside and row["unit"] == "incidents" and row["distance"] == "all"
    assert one(table, source_file=rel, year="2019", measure="missing_incidents", locality="all",
               placement="all")["value"] == total
    # Nothing is split by locality before 2019, and children are never split by locality.
    split = [r for r in table if r["locality"] != "all"]
    assert split and min(int(r["year"]) for r in split) == 2019
    assert {r["unit"] for r in split} == {"incidents"}


def test_rates_are_decimals_counts_are_whole(table):
    per_child = one(table, source_file="dfe-cla-ees-to-2023/data/national_statistics_official_statistics_cla_who_were_missing.csv",
                    year="2019", measure="missing_incidents_per_child")
    assert per_child["value"] == "6.2" and per_child["rounding"] == "not applicable"
    for row in table:
        if row["unit"] in ("children", "incidents") and row["value"]:
            assert row["value"].isdigit(), row


def test_suppressed_cells_have_a_symbol_and_no_value(raw_root, table):
    suppressed = [r for r in table if r["status"]]
    assert suppressed and all(r["value"] == "" for r in suppressed)
    assert all(r["value"] != "" for r in table if not r["status"])
    rel = "dfe-cla-sfr/2015/SFR34_Missing2015.csv"
    north_west = next(r for r in raw_dicts(raw_root, rel) if r["geog_n"] == "NORTH WEST")
    assert north_west["CLA_Away31Mar"] == "x"
    row = one(table, source_file=rel, area_name="NORTH WEST", measure="children_away_at_31_march")
    assert (row["value"], row["status"]) == ("", "x")


def test_duplicate_keys_are_refused(extracted):
    rows = extracted[0]
    with pytest.raises(ValueError, match="a second value for the same key"):
        shapes.csv_text(missing.NAME, [rows[0], rows[0]])


# --- schema drift, on small synthetic raw folders -----------------------------------------------

LA_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
             "old_la_code,la_name,new_la_code,{group},number\n")
LA_ROW = ("2024,Reporting year,Local authority,E92000001,England,E12000001,North East,390,Gateshead,E08000037,"
          "{label},{number}\n")


LA = "dfe-cla-ees-to-2024/data/la_children_who_were_missing_or_away_from_placement_without_authorisation.csv"
NATIONAL = "dfe-cla-ees-to-2024/data/official_statistics_cla_who_were_missing.csv"


@pytest.fixture
def ees(tmp_path, synthetic_releases):
    """A raw folder of one release holding the files given (path -> text)."""
    synthetic_releases({"dfe-cla-ees-to-2024": {"published": "2024-11-14"}})
    return lambda files: make_raw(tmp_path, files)


def la_file(group="CLA_group", label="Number of missing incidents during the year", number="12"):
    return LA_HEADER.format(group=group) + LA_ROW.format(label=label, number=number)


def test_synthetic_la_file_reads(ees):
    [row] = missing.ees_la_rows(ees({LA: la_file(number="c")}))
    assert (row.measure, row.area_name, row.value, row.status) == ("missing_incidents", "Gateshead", None, "c")


def test_a_renamed_filter_column_stops_naming_it(ees):
    with pytest.raises(RawDataError, match=r"authorisation\.csv: expected column\(s\) cla_group or CLA_group not found"):
        missing.ees_la_rows(ees({LA: la_file(group="cla_grouping")}))


def test_a_renamed_value_column_stops_naming_it(ees):
    with pytest.raises(RawDataError, match=r"authorisation\.csv: expected column\(s\) number not found"):
        missing.ees_la_rows(ees({LA: la_file().replace(",number\n", ",value\n", 1)}))


def test_an_unknown_label_stops_naming_it(ees):
    with pytest.raises(RawDataError, match="authorisation.csv, line 2: CLA_group 'Missing incidents per 1000 children' "
                                           "is not among the labels CLA 2024"):
        missing.ees_la_rows(ees({LA: la_file(label="Missing incidents per 1000 children")}))


def test_national_totals_that_disagree_stop(ees):
    header = "time_period,time_identifier,geographic_level,country_code,country_name,missing_status,characteristic,number\n"
    start = "2024,Reporting year,National,E92000001,England,"
    text = (header
            + start + "Missing from placement incidents,Total number of missing incidents during the year,100\n"
            + start + "Placement locations from which children were missing,Missing from placement inside council boundary,60\n"
            + start + "Placement locations from which children were missing,Missing from placement outside council boundary,30\n"
            + start + "Placement locations from which children were missing,Total incidents,90\n")
    with pytest.raises(RawDataError, match="missing.csv: 2024 totals of incidents disagree"):
        missing.ees_national_rows(ees({NATIONAL: text}))


def test_a_renamed_sfr_code_stops_naming_it(tmp_path, monkeypatch, synthetic_releases):
    synthetic_releases({"dfe-cla-sfr/2017": {"release": "SFR50/2017", "published": "2017-09-28"}})
    monkeypatch.setitem(missing.LABELS, "sfr_measures",
                        {"missing_incidents": missing.LABELS["sfr_measures"]["missing_incidents"]})
    meta = "Miss_Miss_Incs: Number of missing incidents during the year\n"
    data = "LA_order,New_geog_code,geog_l,geog_c,geog_n,Miss_Miss_Incidents\n1,E92000001,NATIONAL,999,ENGLAND,60720\n"
    raw = make_raw(tmp_path, {"dfe-cla-sfr/2017/SFR50_Missing_2017.csv": data,
                              "dfe-cla-sfr/2017/SFR50_2017_MetaData.txt": meta})
    with pytest.raises(RawDataError, match=r"SFR50_Missing_2017\.csv: expected one column of CLA_MissIncs or "
                                           r"Miss_Miss_Incs \(missing_incidents\); found 0"):
        missing.sfr_rows(raw)


def test_2018_incidents_by_placement_from_the_release_to_2022(raw_root, table):
    rel = "dfe-cla-ees-to-2022/data/official_statistics_national_cla_missing.csv"
    wanted = [r["number"] for r in raw_dicts(raw_root, rel) if r["time_period"] == "2018"
              and r["missing_status"].strip() == "Placements from which children were missing"
              and r["characteristic"] == "Secure units, children's homes and semi-independent living accommodation"]
    assert len(wanted) == 1
    row = one(table, source_file=rel, year="2018", measure="missing_incidents",
              placement="secure_childrens_homes_semi_independent")
    assert row["value"] == wanted[0] and row["release"] == "CLA 2022 (EES)"
    # the release to 2022 has no locality table: nothing by locality for 2018
    assert not [r for r in table if r["year"] == "2018" and r["locality"] != "all"]
