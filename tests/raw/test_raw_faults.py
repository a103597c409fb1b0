"""A number, a year, a column name or a manifest row in another form stops with its file, line, column and value."""

import hashlib
import re
from pathlib import Path

import pytest

from sentaway.raw.files import RawDataError, RawFiles
from sentaway.raw.suppression import CellError, parse_cell


@pytest.mark.parametrize("text, shown", [("1,5", "a decimal comma"), ("12,34", "a decimal comma"),
                                         ("1.234,5", "a decimal comma"), ("12a", "'12a'"), ("1e3", "'1e3'"),
                                         ("1 234", "'1 234'"), ("nan", "'nan'"), ("1,23,456", "'1,23,456'")])
def test_a_number_in_another_form_stops_with_its_place_and_value(text, shown):
    with pytest.raises(CellError) as error:
        parse_cell(text, "f.csv, line 7, column number")
    assert str(error.value).startswith("f.csv, line 7, column number: ") and shown in str(error.value)


def test_thousands_separators_still_read_exactly():
    assert parse_cell("1,234") == (1234.0, "") and parse_cell("12,345,678.5") == (12345678.5, "")


def _manifest(folder: Path, files: dict[str, bytes], bom: bool = False) -> None:
    lines = ["path,bytes,sha256,origin_path"]
    for name, content in files.items():
        (folder / name).write_bytes(content)
        lines.append(f"{name},{len(content)},{hashlib.sha256(content).hexdigest()},o/{name}")
    (folder / "MANIFEST.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join(lines) + "\n").encode())


@pytest.mark.parametrize("year", ["2024/25", "202425", "24", "2024-25", "2024.0"])
def test_a_year_in_another_form_stops_with_file_line_column_and_value(tmp_path, year):
    _manifest(tmp_path, {"a.csv": f"time_period,number\n2023,5\n{year},6\n".encode()})
    with pytest.raises(RawDataError) as error:
        RawFiles(tmp_path).rows("a.csv")
    assert str(error.value) == (f"a.csv, line 3, column time_period: {year!r} is not a year "
                                "(four digits, the year of 31 March)")


def test_a_repeated_column_name_stops_naming_both_columns(tmp_path):
    _manifest(tmp_path, {"a.csv": b"area,number,number\nE,1,2\n"})
    with pytest.raises(RawDataError) as error:
        RawFiles(tmp_path).rows("a.csv")
    assert str(error.value).startswith("a.csv, line 1, column 3: column name 'number' repeated (also column 2)")


def test_a_byte_order_mark_in_the_manifest_stops_naming_it(tmp_path):
    _manifest(tmp_path, {"a.csv": b"x\n1\n"}, bom=True)
    with pytest.raises(RawDataError) as error:
        RawFiles(tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 'MANIFEST.csv'}, line 1, column path: a byte-order mark")


@pytest.mark.parametrize("line, problem", [("a.csv,12x,{sha},o", "column bytes: '12x'"),
                                           ("a.csv,2,{short},o", "column sha256: '"),
                                           ("a.csv,2,{sha}", "3 fields where the header has 4")])
def test_a_malformed_manifest_row_is_named(tmp_path, line, problem):
    sha = hashlib.sha256(b"x\n").hexdigest()
    (tmp_path / "MANIFEST.csv").write_text("path,bytes,sha256,origin_path\n" + line.format(sha=sha, short=sha[:10]) + "\n")
    with pytest.raises(RawDataError, match=re.escape("MANIFEST.csv, line 2") + ".*" + re.escape(problem)):
        RawFiles(tmp_path)
