"""Every CSV the site offers opens in a spreadsheet as data (issue 24, point 3; sentaway/publish/formulas.py). The
whole site with formulas in every text column of data/ is built in tests/publish/test_faults.py."""

import pytest

from sentaway.publish import formulas


@pytest.mark.parametrize("cell", ['=HYPERLINK("https://example.org","x")', "+cmd|' /C calc'!A0", "-1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "\r=1", "-", "--5", "-5%", "=1"])
def test_a_cell_a_spreadsheet_would_run_gets_a_quote_before_it(cell):
    assert formulas.safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3.5", "-12", "+4", "1e-05", "-1.2E+3", "-.5", "0", "", "a=b", "Ofsted's list", "'=1"])
def test_numbers_negative_ones_too_and_other_text_are_left_as_they_are(cell):
    assert formulas.safe_cell(cell) == cell


def test_a_file_is_rewritten_only_where_a_cell_would_run_and_keeps_its_quoting_and_line_ends(tmp_path):
    plain = "year,change,label\n2017,-12,a\n2018,-3.5,\"b, c\"\n"
    assert formulas.safe_text(plain) is None
    (tmp_path / "chart-data").mkdir()
    (tmp_path / "chart-data" / "plain.csv").write_text(plain, encoding="utf-8")
    hostile = 'quote,value\r\n"=HYPERLINK(""https://example.org"",""x"")",-2\r\n"@SUM(1), and more",5\r\n'
    (tmp_path / "register.csv").write_bytes(hostile.encode("utf-8"))
    assert formulas.neutralise_site(tmp_path) == ["register.csv"]
    assert (tmp_path / "chart-data" / "plain.csv").read_text(encoding="utf-8") == plain
    assert (tmp_path / "register.csv").read_bytes().decode("utf-8") == (
        'quote,value\r\n"\'=HYPERLINK(""https://example.org"",""x"")",-2\r\n"\'@SUM(1), and more",5\r\n')
