import pytest
from hypothesis import given, strategies as st

from sentaway.raw.suppression import CODES, CellError, parse_cell


@pytest.mark.parametrize("code", list(CODES))
def test_each_symbol_is_missing_with_its_status_never_zero(code):
    assert parse_cell(code) == (None, code)
    assert parse_cell(f" {code.upper()} ") == (None, code)


@given(st.integers(min_value=0, max_value=10**9))
def test_published_numbers_read_back_exactly(number):
    assert parse_cell(str(number)) == (float(number), "")
    assert parse_cell(f"{number:,}") == (float(number), "")


@given(st.sampled_from(list(CODES)), st.text(alphabet=" \t", max_size=3))
def test_symbols_survive_surrounding_blanks(code, pad):
    assert parse_cell(pad + code + pad) == (None, code)


@pytest.mark.parametrize("text", ["", "#VALUE!", "n/a", "12a", "nan", "inf"])
def test_anything_else_stops_naming_the_place(text):
    with pytest.raises(CellError, match="file.csv, line 7, column X"):
        parse_cell(text, "file.csv, line 7, column X")
