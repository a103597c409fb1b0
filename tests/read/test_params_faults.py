"""Parameters checked against params.yml's form and against the years the data hold."""

import re
import shutil
from pathlib import Path

import pytest

from sentaway.paths import DATA
from sentaway.read import params as chapter_params


def _params_file(tmp_path, text: str) -> Path:
    path = tmp_path / "params.yml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("text, expected", [
    ("growth:\n  first_year: 2012\n  last_year: 2018\n  first_year: 2013\n", "line 4: 'first_year' given twice (first on line 2)"),
    ("growth:\n  first_year: 2012\ngrowth:\n  last_year: 2018\n", "line 3: 'growth' given twice (first on line 1)"),
    ("growth:\n  first_year: [2012\n", "line 3, column 1: not valid YAML"),
    ("growth:\n\tfirst_year: 2012\n", "line 2, column 1: not valid YAML (found character '\\t'"),
    ("growth: 2012\n", "chapter 'growth' must map parameter names to values, got 2012"),
    ("- growth\n", "line 1: expected chapters with their parameters, found list"),
    ("growth:\n  frist_year: 2012\n", "growth: unknown parameter 'frist_year'; allowed: first_year, last_year, series"),
    ("chapter_one:\n  first_year: 2012\n", "unknown chapter 'chapter_one'"),
    ("methods:\n  first_year: 2012\n", "methods: unknown parameter 'first_year'; allowed: none"),
    ("growth:\n  first_year: '2012'\n", "growth: first_year must be int or None, got '2012'"),
    ("growth:\n  first_year: 1990\n", "growth: first_year=1990 is outside the data"),
])
def test_a_malformed_or_misspelt_params_yml_is_named_with_file_and_line(tmp_path, text, expected):
    path = _params_file(tmp_path, text)
    with pytest.raises(chapter_params.ParameterError) as error:
        chapter_params.load(path)
    assert str(error.value).startswith(f"{path}") and expected in str(error.value), str(error.value)


def test_a_window_that_leaves_a_chapter_nothing_to_show_is_refused_with_the_years_that_work():
    with pytest.raises(chapter_params.ParameterError) as error:
        chapter_params.check("claims_regional", {"first_year": 2017, "last_year": 2022})
    years = ", ".join(map(str, chapter_params.data_years("claims_regional")))
    assert str(error.value).startswith("claims_regional: the window 2017-2022 holds 0 year(s) of data (none)")
    assert f"Years with data (ofsted_providers.csv): {years}" in str(error.value)
    with pytest.raises(chapter_params.ParameterError, match=re.escape(
            "claims_missing: first_year=2010 is outside the data; allowed 2015 to 2024 (the years in cla_missing.csv, "
            "cla_distance.csv); e.g. first_year=2015, last_year=2024")):
        chapter_params.check("claims_missing", {"first_year": 2010, "last_year": 2014})
    with pytest.raises(chapter_params.ParameterError, match="growth: the window 2016-2017 holds 2 year.*at least 3"):
        chapter_params.check("growth", {"first_year": 2016, "last_year": 2017})
    # Each refusal names a window that works, and that window is accepted.
    for chapter in chapter_params.YEARS_FROM:
        years = chapter_params.data_years(chapter)
        assert chapter_params.check(chapter, {"first_year": years[0], "last_year": years[-1]})


def test_a_new_year_in_the_data_is_usable_without_editing_code(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    text = (folder / "cla_placements.csv").read_text(encoding="utf-8")
    last = text.splitlines()[-1].split(",")
    last[0] = "2025"
    (folder / "cla_placements.csv").write_text(text + ",".join(last) + "\n", encoding="utf-8")
    with pytest.raises(chapter_params.ParameterError, match="last_year=2025 is outside the data"):
        chapter_params.check("out_of_area", {"first_year": 2016, "last_year": 2025})
    monkeypatch.setattr(chapter_params, "DATA", folder)
    assert chapter_params.check("out_of_area", {"first_year": 2016, "last_year": 2025})
    assert chapter_params.year_range("out_of_area") == (2010, 2025)
    assert chapter_params.check("growth", {"first_year": 2020, "last_year": 2025})


@pytest.mark.parametrize("text, expected", [
    ("area,year\nA,2019\n\nB,2020\nC,20x1\n", "line 5, column year: '20x1' is not a year"),  # a blank line counted
    ("area,year\nA,2019\nB\n", "line 3, column year: '' is not a year"),
    ("area,year\nA,2019\nB,\n", "line 3, column year: '' is not a year"),
    ("area,yr\nA,2019\n", "line 1: no column 'year' to read the years from"),
    ("", "line 1: no column 'year' to read the years from"),
])
def test_a_year_that_is_not_one_is_named_with_its_file_line_and_column(tmp_path, text, expected):
    (tmp_path / "x.csv").write_text(text, encoding="utf-8")
    with pytest.raises(chapter_params.ParameterError) as error:
        chapter_params._file_years(tmp_path, "x.csv")
    assert str(error.value) == f"{tmp_path / 'x.csv'}, {expected}"


def test_the_years_of_a_file_are_each_year_its_rows_hold(tmp_path):
    (tmp_path / "x.csv").write_text("area,year\nA,2019\n\nB,2012\nC,2019\n", encoding="utf-8")
    assert chapter_params._file_years(tmp_path, "x.csv") == (2012, 2019)


def test_a_notebook_given_a_name_it_does_not_take_refuses_it():
    assert chapter_params.passed({"first_year": 2013, "frist_year": 2013, "In": [], "_": 1, "glue": print,
                                  "params": chapter_params}) == {"first_year": 2013, "frist_year": 2013}
    with pytest.raises(chapter_params.ParameterError, match="out_of_area: unknown parameter 'frist_year'"):
        chapter_params.check("out_of_area", chapter_params.passed({"first_year": 2013, "last_year": 2024, "frist_year": 2013}))
    # Shown by IPython (and so papermill) as one line, not a traceback.
    assert chapter_params.ParameterError("x")._render_traceback_() == ["ParameterError: x"]
