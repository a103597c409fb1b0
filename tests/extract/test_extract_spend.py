"""The section 251 spend extract: deterministic, true to the raw files, strict on drift."""

import csv
import io
from decimal import Decimal

import pytest

import tables
from sentaway.extract import shapes, spend
from sentaway.raw.files import RawDataError, RawFiles
from tables import one


@pytest.fixture(scope="module")
def extracted(raw_root):
    rows = spend.extract(RawFiles(raw_root))
    return rows, shapes.csv_text(spend.NAME, rows)


@pytest.fixture(scope="module")
def table(extracted):
    return list(csv.DictReader(io.StringIO(extracted[1])))


def raw_lists(root, rel):
    data = (root / rel).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))



def test_resource_name_and_sources(raw_root, extracted):
    assert shapes.spec(spend.NAME)["path"] == "s251_spend.csv"
    assert {row.source_file for row in extracted[0]} == set(spend.LABELS["files"])


def test_birmingham_residential_care_2008_09(raw_root, table):
    rel = "dfe-s251-outturn/outturn_0809.csv"
    rows = raw_lists(raw_root, rel)
    header = rows[0]
    wanted = [r for r in rows[1:] if r[0] == "330" and r[2] == "5 Residential care"]
    assert len(wanted) == 1
    row = one(table, source_file=rel, old_la_code="330", line="residential_care", measure="total_expenditure")
    assert Decimal(row["value"]) == Decimal(wanted[0][header.index("TOTAL EXPENDITURE (k)")])
    assert (row["financial_year"], row["year_ending_march"], row["unit"]) == ("2008-09", "2009", "GBP")
    assert row["area_name"] == "Birmingham" and row["line_label"] == "5 Residential care"


def test_national_residential_care_2013_14_is_the_sum_of_las(raw_root, table):
    rel = "dfe-s251-outturn/outturn_1314.csv"
    rows = raw_lists(raw_root, rel)
    header = rows[0]
    lines = [r for r in rows[1:] if r[header.index("CYPServiceDescription")] == "6 Residential care"]
    assert len(lines) == 152
    total = sum(Decimal(r[header.index("NetCurrentExpenditure")]) for r in lines)
    row = one(table, source_file=rel, geographic_level="national", line="residential_care",
              measure="net_current_expenditure")
    assert Decimal(row["value"]) == total
    assert one(table, source_file=rel, geographic_level="national", line="residential_care",
               measure="net_current_expenditure_las_unknown")["value"] == "0"


def test_blank_cells_are_unknown_not_zero(raw_root, table):
    rel = "dfe-s251-outturn/outturn_0910.csv"
    rows = raw_lists(raw_root, rel)
    header = rows[0]
    newham = next(r for r in rows[1:] if r[0] == "316" and r[3] == "Residential care")
    assert newham[header.index("Voluntary (z(iii))")] == ""
    row = one(table, source_file=rel, old_la_code="316", line="residential_care", measure="voluntary")
    assert (row["value"], row["status"]) == ("", "blank")
    assert one(table, source_file=rel, geographic_level="national", line="residential_care",
               measure="voluntary_las_unknown")["value"] == "1"


def test_every_year_every_line(table):
    national = [r for r in table if r["geographic_level"] == "national" and r["measure"] == "total_expenditure"]
    assert sorted({(r["financial_year"], r["line"]) for r in national}) == sorted(
        (spend.financial_year(f["year"]), line) for f in spend.LABELS["files"].values() for line in spend.LABELS["lists"]["lines"])
    counts = {y: len({r["old_la_code"] for r in table if r["year_ending_march"] == str(y)
                      and r["geographic_level"] == "local_authority"}) for y in [f["year"] for f in spend.LABELS["files"].values()]}
    assert counts == {2009: 150, 2010: 152, 2011: 152, 2012: 152, 2013: 152, 2014: 152}


def test_duplicate_keys_are_refused(extracted):
    rows = extracted[0]
    with pytest.raises(ValueError, match="a second value for the same key"):
        shapes.csv_text(spend.NAME, [rows[0], rows[0]])


# --- schema drift, on small synthetic raw folders -----------------------------------------------

HEADER = ("LA,LA Name,LineNumber,CYPServiceDescription,ReportGroup,OwnProvision,PrivateProvision,OtherPublic,"
          "Voluntary,TotalExpenditure,Income,NetCurrentExpenditure,GovGrantsInsideAEF,GovGrantsOutsideAEF,"
          "LEANetRevenueExpenditure\n")
LINES = [(6, "6 Residential care"), (7, "7 Fostering services"), (10, "10 Other children looked after services"),
         (16, "16 Total Children Looked After")]


OUTTURN = "dfe-s251-outturn/outturn_1314.csv"


def make_raw(tmp_path, files: dict[str, str]) -> RawFiles:
    """A raw folder holding one outturn file, read as the one of 2013-14 (its layout and lines)."""
    return tables.make_raw(tmp_path, {OUTTURN: files["o.csv"]})


def outturn(header=HEADER, lines=LINES, cell="100"):
    body = "".join(f"330,Birmingham,{n},{label},CHILDREN LOOKED AFTER,{cell},0,0,0,100,0,100,0,0,100\n"
                   for n, label in lines)
    return header + body


def test_synthetic_file_reads(tmp_path):
    raw = make_raw(tmp_path, {"o.csv": outturn(cell="NULL")})
    rows = spend.la_rows(raw, OUTTURN)
    own = [r for r in rows if r.measure == "own_provision" and r.line == "residential_care"]
    assert [(r.value, r.status) for r in own] == [(None, "NULL")]
    national = spend.national_rows(rows)
    unknown = next(r for r in national if r.measure == "own_provision_las_unknown" and r.line == "residential_care")
    assert unknown.value == 1


def test_a_renamed_column_stops_naming_it(tmp_path):
    raw = make_raw(tmp_path, {"o.csv": outturn(header=HEADER.replace(",TotalExpenditure,", ",GrossExpenditure,"))})
    with pytest.raises(RawDataError, match=r"outturn_1314\.csv: expected column\(s\) TotalExpenditure not found"):
        spend.la_rows(raw, OUTTURN)


def test_a_renamed_line_stops_naming_it(tmp_path):
    lines = [(6, "6 Residential placements")] + LINES[1:]
    raw = make_raw(tmp_path, {"o.csv": outturn(lines=lines)})
    with pytest.raises(RawDataError, match="outturn_1314.csv: LA 330 \\(Birmingham\\) has no line\\(s\\) residential care"):
        spend.la_rows(raw, OUTTURN)


def test_a_moved_line_stops_naming_it(tmp_path):
    lines = [(5, "5 Residential care")] + LINES[1:]
    raw = make_raw(tmp_path, {"o.csv": outturn(lines=lines)})
    with pytest.raises(RawDataError, match="outturn_1314.csv, line 2: line '5 Residential care' is numbered '5', expected 6"):
        spend.la_rows(raw, OUTTURN)


def test_an_unreadable_cell_stops_naming_it(tmp_path):
    raw = make_raw(tmp_path, {"o.csv": outturn(cell="n/a")})
    with pytest.raises(RawDataError, match="outturn_1314.csv, line 2, column OwnProvision"):
        spend.la_rows(raw, OUTTURN)
