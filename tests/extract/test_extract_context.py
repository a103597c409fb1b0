"""The local-authority context extract (region, IMD, rural-urban): deterministic, true to the raw files read
independently with the csv module, honest about authorities the IMD 2019 areas do not cover, strict on drift."""

import csv
import io
import json

import pytest

from sentaway.extract import context, shapes
from sentaway.extract.releases import registry
from sentaway.paths import DATA
from sentaway.raw.files import RawDataError, RawFiles
from sentaway.extract.validate import validate_resource
from tables import make_raw, one, raw_dicts


@pytest.fixture(scope="module")
def extracted(raw_root):
    rows = context.extract(RawFiles(raw_root))
    return rows, shapes.csv_text(context.NAME, rows)


@pytest.fixture(scope="module")
def table(extracted):
    return list(csv.DictReader(io.StringIO(extracted[1])))


@pytest.fixture(scope="module")
def imd_raw(raw_root):
    """IMD 2019 rows keyed by code, with the file's padded column names stripped."""
    rows = raw_dicts(raw_root, context.IMD_FILE)
    return {r["Upper Tier Local Authority District code (2019)"]: {k.strip(): v for k, v in r.items()} for r in rows}



def test_the_committed_extract_matches_a_fresh_extraction(extracted):
    assert (DATA / "la_context.csv").read_text(encoding="utf-8") == extracted[1]


def test_the_csv_matches_its_schema(extracted):
    spec = next(r for r in json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]
                if r["name"] == context.NAME)
    spec = {**spec, "fields": spec["schema"]["fields"], "primaryKey": spec["schema"]["primaryKey"]}
    resource = {"path": spec["path"], "schema": {"fields": spec["fields"], "primaryKey": spec["primaryKey"]}}
    assert validate_resource(resource, extracted[1]) == len(extracted[0])


def test_one_row_per_authority_with_its_region(raw_root, table):
    netgain = raw_dicts(raw_root, registry().files(RawFiles(raw_root), "ees", "la_net_gain")[-1][1])
    camden = one([r for r in netgain if r["time_period"] == "2024" and r["geographic_level"] == "Local authority"
                  and r["characteristic"].startswith("1.")], la_name="Camden")
    row = one(table, old_la_code=camden["old_la_code"])
    assert (row["new_la_code"], row["region_code"], row["region_name"]) == (
        camden["new_la_code"], camden["region_code"], camden["region_name"])
    assert (row["region9_code"], row["region9_name"]) == ("E12000007", "London")
    assert len({(r["new_la_code"], r["old_la_code"]) for r in table}) == len(table)
    assert {r["region9_name"] for r in table} == set(context.REGION9.values())
    assert len(table) >= 152


def test_imd_values_are_the_raw_file_values(table, imd_raw):
    for code in ("E06000001", "E06000009", "E08000025", "E09000030", "E10000021"):
        raw = imd_raw[code]
        row = one(table, new_la_code=code)
        assert row["imd_match"] == "ONS code" and row["imd_status"] == ""
        assert row["imd_average_score"] == raw["IMD - Average score"]
        assert row["imd_rank_of_average_score"] == raw["IMD - Rank of average score"]
        assert row["imd_prop_lsoas_most_deprived_10pct"] == raw["IMD - Proportion of LSOAs in most deprived 10% nationally"]
        assert row["imd_local_concentration"] == raw["IMD 2019 - Local concentration"]
    assert one(table, new_la_code="E06000009")["imd_rank_of_average_score"] == "1"  # Blackpool


def test_every_imd_area_is_used(table, imd_raw):
    assert {r["imd_area_code"] for r in table if r["imd_area_code"]} == set(imd_raw)


def test_same_area_new_code_takes_its_2019_values(table, imd_raw):
    bucks = one(table, new_la_code="E06000060")
    assert bucks["imd_area_code"] == "E10000002" and "same area" in bucks["imd_match"]
    assert bucks["imd_average_score"] == imd_raw["E10000002"]["IMD - Average score"]


@pytest.mark.parametrize("code", ["E06000028", "E06000029", "E10000009", "E06000061", "E06000062", "E06000063",
                                  "E06000064"])
def test_an_authority_not_on_2019_boundaries_is_empty_never_zero(table, code):
    row = one(table, new_la_code=code)
    assert row["imd_status"] == ":" and row["imd_area_code"] == ""
    assert "not an authority on April 2019 boundaries" in row["imd_match"]
    assert all(row[name] == "" for name in context.IMD_MEASURES.values())


def test_rural_urban_from_the_2021_lookup(raw_root, table):
    text = (raw_root / context.RUC_FILE).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    raw = {r[0]: r for r in lines[context.RUC_HEADER_LINE:] if r and r[0]}
    for code in ("E06000001", "E10000020", "E06000061"):
        row = one(table, new_la_code=code)
        assert (row["ruc11_6fold"], row["ruc11_3fold"]) == (raw[code][2], raw[code][3])
    assert one(table, new_la_code="E10000021")["ruc_status"] == ":"  # Northamptonshire: no 2021 area


# ---------------------------------------------------------------- drift, on small synthetic files

NETGAIN_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
                  "old_la_code,la_name,new_la_code,characteristic,number\n")
NETGAIN_ROW = ("2024,Reporting year,Local authority,E92000001,England,E12000001,North East,805,Hartlepool,E06000001,"
               "2. Children who are the responsibility of this LA placed outside the LA boundary,100\n")
IMD_HEADER = ",".join([context.IMD_CODE, context.IMD_NAME] + [c + " " for c in context.IMD_MEASURES]) + "\n"
IMD_ROW = "E06000001,Hartlepool,22581.98,21,35.037,9,0.3621,9,0.4973,13,32560.44,8\n"
RUC_TEXT = ("Counties and Unitary Authorities (Upper Tier Local Authorities) Rural-Urban Classification (2021),,,\n"
            "There are 1 rows in this dataset.,,,\n,,,\n" + ",".join(context.RUC_COLUMNS) + "\n"
            "E06000001,Hartlepool,Urban with City and Town,Predominantly Urban\n,,,\n")


NETGAIN = "dfe-cla-ees-to-2024/data/la_cla_on_31_march_la_of_placement_netgain.csv"


@pytest.fixture
def synthetic(tmp_path, monkeypatch, synthetic_releases):
    def build(netgain=NETGAIN_HEADER + NETGAIN_ROW, imd=IMD_HEADER + IMD_ROW, ruc=RUC_TEXT):
        synthetic_releases({"dfe-cla-ees-to-2024": {"published": "2024-11-14"}})
        monkeypatch.setattr(context, "IMD_FILE", "i.csv")
        monkeypatch.setattr(context, "RUC_FILE", "r.csv")
        return make_raw(tmp_path, {NETGAIN: netgain, "i.csv": imd, "r.csv": ruc})
    return build


def test_synthetic_files_read(synthetic):
    (row,) = context.extract(synthetic())
    assert (row.old_la_code, row.region9_name, row.imd_average_score, row.ruc11_3fold) == (
        "805", "North East", context.Decimal("35.037"), "Predominantly Urban")
    assert [s.file for s in row.sources] == [NETGAIN, "i.csv", "r.csv"]


def test_a_renamed_imd_column_stops_naming_it(synthetic):
    raw = synthetic(imd=IMD_HEADER.replace("IMD - Average score", "IMD - Mean score") + IMD_ROW)
    with pytest.raises(RawDataError, match=r"i\.csv, line 1: expected column\(s\) 'IMD - Average score' not found"):
        context.extract(raw)


def test_a_renamed_region_column_stops_naming_it(synthetic):
    raw = synthetic(netgain=NETGAIN_HEADER.replace(",region_code,", ",gor_code,") + NETGAIN_ROW)
    with pytest.raises(RawDataError, match=r"netgain\.csv, line 1: expected column\(s\) 'region_code' not found"):
        context.extract(raw)


def test_a_renamed_rural_urban_column_stops_naming_it(synthetic):
    raw = synthetic(ruc=RUC_TEXT.replace("(3 fold)", "(three fold)"))
    with pytest.raises(RawDataError, match=r"r\.csv, line 4: expected column\(s\) 'Rural-Urban Classification 2011 \(3 fold\)'"):
        context.extract(raw)


def test_an_imd_value_that_is_not_a_number_stops(synthetic):
    raw = synthetic(imd=IMD_HEADER + IMD_ROW.replace("35.037", "x"))
    with pytest.raises(RawDataError, match=r"i\.csv, line 2, column 'IMD - Average score': 'x' is not a number"):
        context.extract(raw)


def test_an_authority_in_two_regions_stops(synthetic):
    moved = NETGAIN_ROW.replace("2024,", "2023,", 1).replace("E12000001,North East", "E12000002,North West")
    with pytest.raises(RawDataError, match=r"netgain\.csv, line 3: Hartlepool \(E06000001\) in region E12000002"):
        context.extract(synthetic(netgain=NETGAIN_HEADER + NETGAIN_ROW + moved))


def test_a_region_spelt_again_with_other_case_or_spacing_is_the_same_region(synthetic):
    """'Yorkshire and the Humber' after 'Yorkshire and The Humber' is one label (issue 23, point 1)."""
    north_east = NETGAIN_ROW.replace("2024,", "2023,", 1).replace("North East", "north  east")
    (row,) = context.extract(synthetic(netgain=NETGAIN_HEADER + north_east + NETGAIN_ROW))
    assert (row.region_name, row.first_year, row.last_year) == ("North East", 2023, 2024)
