"""SFR50/2017 national tables A2 and G1: read by printed labels, true to the workbook, strict on drift."""

import csv
import hashlib
import io

import openpyxl
import pytest

from sentaway.extract import national_notes, national_tables, shapes
from sentaway.raw.files import RawDataError, RawFiles

WORKBOOK = "dfe-cla-sfr/2017/SFR50_2017_National_tables.xlsx"


def one(rows, **where):
    found = [row for row in rows if all(row[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, len(found))
    return found[0]


@pytest.fixture(scope="module")
def table(raw_root):
    return list(csv.DictReader(io.StringIO(shapes.csv_text(national_tables.NAME, national_tables.extract(RawFiles(raw_root))))))


@pytest.fixture(scope="module")
def sheets(raw_root):
    book = openpyxl.load_workbook(raw_root / WORKBOOK, read_only=True)
    return {name: [list(row) for row in book[name].iter_rows(values_only=True)] for name in ("A2", "G1")}


def _raw_value(rows, labels, year):
    """The cell in the year's column (first column headed by the year) of the row reached by finding each
    label in turn, in columns A-C, below the previous one: an independent reading of the sheet."""
    header = next(i for i, row in enumerate(rows) if year in row)
    column = rows[header].index(year)
    start = header
    for label in labels:
        start = next(i for i in range(start + 1, len(rows))
                     if any(isinstance(c, str) and c.strip() == label for c in rows[i][:3]))
    return rows[start][column]


@pytest.mark.parametrize("year, inside, outside", [(2013, 2630, 2810), (2017, 2390, 3680)])
def test_a2_childrens_homes_by_locality(table, sheets, year, inside, outside):
    homes = "Children's homes subject to Children's Homes regulations"
    for locality, expected in (("inside", inside), ("outside", outside)):
        row = one(table, table="A2", year=str(year), placement="childrens_homes", locality=locality)
        assert int(row["value"]) == expected == _raw_value(sheets["A2"], [homes, f"{locality} Council boundary"], year)
        assert row["parent_label"] == homes and row["release"] == "SFR50/2017"


def test_a2_every_year_every_code_matches_the_sheet(table, sheets):
    labels = {
        ("all", "all"): ["All children looked after at 31 March"],
        ("secure_childrens_homes_semi_independent", "all"): ["Secure units, children's homes and semi-independent living accommodation"],
        ("secure_units", "inside"): ["Secure unit inside Council boundary7"],
        ("secure_units", "outside"): ["Secure unit outside Council boundary7"],
        ("childrens_homes", "all"): ["Children's homes subject to Children's Homes regulations"],
        ("semi_independent_not_chr", "all"): ["Semi-independent living accommodation not subject to", "Children's Homes regulations"],
    }
    for year in range(2013, 2018):
        for (placement, locality), path in labels.items():
            row = one(table, table="A2", year=str(year), placement=placement, locality=locality)
            assert int(row["value"]) == _raw_value(sheets["A2"], path, year), (placement, locality, year)


def test_a2_labels_footnotes_and_symbols(table):
    secure = one(table, table="A2", year="2015", placement="secure_units", locality="inside")
    assert secure["row_label"] == "Secure unit inside Council boundary7"
    assert (secure["table_footnotes"], secure["row_footnotes"]) == ("1,2,3,4", "7")
    semi = one(table, table="A2", year="2015", placement="semi_independent_not_chr", locality="all")
    assert semi["row_label"] == "Semi-independent living accommodation not subject to Children's Homes regulations"
    employment = one(table, table="A2", year="2016", placement="residential_employment", locality="all")
    assert (employment["value"], employment["status"]) == ("", "x")
    assert employment["status_meaning"].startswith("Figures not shown in order to protect confidentiality")
    assert {r["experimental"] for r in table if r["table"] == "A2"} == {"false"}
    assert sorted({r["year"] for r in table if r["table"] == "A2"}) == [str(y) for y in range(2013, 2018)]


def test_g1_missing_by_placement_is_experimental(table, sheets):
    rows = [r for r in table if r["table"] == "G1"]
    assert {r["experimental"] for r in rows} == {"true"}
    homes = one(table, table="G1", year="2017", measure="missing_incidents",
                placement="secure_childrens_homes_semi_independent")
    raw = _raw_value(sheets["G1"], ["Placements from which children went missing5",
                                    "Secure Units, children's homes and semi-independent living accommodation11"], 2017)
    assert int(homes["value"]) == raw == 30180
    assert homes["row_footnotes"] == "5,11"
    total = one(table, table="G1", year="2015", measure="away_incidents", placement="all")
    assert int(total["value"]) == _raw_value(sheets["G1"], ["Away from placement without authorisation incidents during the year5"], 2015)
    adoption = one(table, table="G1", year="2015", measure="away_incidents", placement="adoption")
    assert (adoption["value"], adoption["status"]) == ("", "x")
    for measure in ("children_missing", "missing_incidents", "children_away", "away_incidents"):
        assert len([r for r in rows if r["measure"] == measure and r["placement"] == "all"]) == 3


def test_notes_carry_footnote_4_and_the_experimental_warning(raw_root):
    notes = list(csv.DictReader(io.StringIO(shapes.csv_text(national_notes.NAME, national_notes.extract(RawFiles(raw_root))))))
    four = one(notes, table="A2", kind="footnote", note="4")
    assert four["text"].startswith("Additional validation was added to the data collection in 2016")
    assert any("experimental statistics" in n["text"] for n in notes if n["table"] == "G1" and n["kind"] == "remark")
    assert one(notes, table="A2", kind="symbol", note="-")["text"].startswith("Negligible")


# --- drift, on modified copies of the workbook ---------------------------------------------------

@pytest.fixture(autouse=True)
def one_release(request, synthetic_releases):
    """The drift tests read a raw folder holding the workbook alone, as the one SFR release in it."""
    if "tmp_path" in request.fixturenames:
        synthetic_releases({"dfe-cla-sfr/2017": {"release": "SFR50/2017", "published": "2017-09-28"}})


def modified(raw_root, tmp_path, change) -> RawFiles:
    book = openpyxl.load_workbook(raw_root / WORKBOOK)
    change(book)
    target = tmp_path / WORKBOOK
    target.parent.mkdir(parents=True)
    book.save(target)
    content = target.read_bytes()
    (tmp_path / "MANIFEST.csv").write_text(
        "path,bytes,sha256,origin_path\n"
        f"{WORKBOOK},{len(content)},{hashlib.sha256(content).hexdigest()},origin\n")
    return RawFiles(tmp_path)


def _find(sheet, text):
    return next(c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.strip() == text)


def test_a_changed_label_stops_naming_sheet_expected_and_found(raw_root, tmp_path):
    def change(book):
        _find(book["A2"], "outside Council boundary").value = "    outwith Council boundary"
    raw = modified(raw_root, tmp_path, change)
    with pytest.raises(RawDataError) as error:
        national_tables.extract(raw)
    message = str(error.value)
    assert "\n" not in message
    assert "sheet A2: expected label 'outside council boundary'" in message
    assert "under \"Children's homes subject to Children's Homes regulations\"" in message
    assert "labels found there: ['inside Council boundary', 'outwith Council boundary']" in message


def test_moved_rows_are_still_found_by_label(raw_root, tmp_path):
    def change(book):
        sheet = book["A2"]
        sheet.insert_rows(12, amount=3)  # everything below moves down three rows
        sheet.insert_cols(4)             # and one column right
    rows = national_tables.extract(modified(raw_root, tmp_path, change))
    row = next(r for r in rows if (r.table, r.year, r.placement, r.locality) == ("A2", 2013, "childrens_homes", "outside"))
    assert row.value == 2810


def test_a_dash_in_a_numbers_cell_stops(raw_root, tmp_path):
    def change(book):
        sheet = book["A2"]
        cell = _find(sheet, "Secure unit inside Council boundary7")
        sheet.cell(row=cell.row, column=5).value = "-"
    with pytest.raises(RawDataError, match=r"sheet A2, cell E\d+ .*symbol '-' in a count.*only for percentages"):
        national_tables.extract(modified(raw_root, tmp_path, change))


def test_an_unknown_symbol_stops(raw_root, tmp_path):
    def change(book):
        sheet = book["G1"]
        cell = _find(sheet, "Foster placements")
        sheet.cell(row=cell.row, column=5).value = "c"
    with pytest.raises(RawDataError, match=r"sheet G1, cell E\d+ \('Foster placements'\): 'c' is neither a number nor a symbol"):
        national_tables.extract(modified(raw_root, tmp_path, change))


def test_a_missing_sheet_stops(raw_root, tmp_path):
    def change(book):
        del book["G1"]
    with pytest.raises(RawDataError, match="no sheet 'G1' in the workbook"):
        national_tables.extract(modified(raw_root, tmp_path, change))


def test_split_footnotes():
    assert national_tables.split_footnotes("Other12") == ("Other", [12])
    assert national_tables.split_footnotes("Average number per child5,6") == ("Average number per child", [5, 6])
    assert national_tables.split_footnotes("16 and over") == ("16 and over", [])
    assert national_tables.split_footnotes("(under S19 AA 2002)") == ("(under S19 AA 2002)", [])


def test_cross_checks_with_other_official_files(raw_root, table):
    # 2017 wider group = CLA_Secure for England in the SFR50/2017 underlying data.
    with open(raw_root / "dfe-cla-sfr/2017/SFR50_CLA2017.csv", newline="", encoding="cp1252") as handle:
        england = next(r for r in csv.DictReader(handle) if r["geog_l"].strip().upper() == "NATIONAL")
    group = one(table, table="A2", year="2017", placement="secure_childrens_homes_semi_independent", locality="all")
    assert group["value"] == england["CLA_Secure"].strip()
    # 2015 children's homes + secure units by locality = the transcribed 'secure homes and children's homes' point.
    from sentaway.paths import transcribed_dir

    with open(transcribed_dir() / "placement_location_2015_2016.csv", newline="", encoding="utf-8-sig") as handle:
        transcribed = {r["location"]: int(r["number"]) for r in csv.DictReader(handle)
                       if r["placement_group"] == "Secure homes and children's homes" and r["time_period"] == "2015"}
    for locality in ("inside", "outside"):
        homes = int(one(table, table="A2", year="2015", placement="childrens_homes", locality=locality)["value"])
        secure = int(one(table, table="A2", year="2015", placement="secure_units", locality=locality)["value"])
        match = [n for loc, n in transcribed.items() if locality in loc.lower()]
        assert [homes + secure] == match, (locality, transcribed)
