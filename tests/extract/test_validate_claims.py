"""data/claims.csv is checked before anything reads it: a cited value that is not a number in its unit, markup in
a field with a fixed form, a claim given twice."""

import shutil
from pathlib import Path

import pytest

from faults import SHARE, claims_line, replace_cell
from sentaway.extract import validate
from sentaway.paths import DATA


def _edit_csv(path: Path, line: int, column: str, value: str) -> None:
    path.write_text(replace_cell(path.read_text(encoding="utf-8"), line, column, value), encoding="utf-8")


@pytest.mark.parametrize("column, value, expected", [
    ("cited_value", "nan", "'nan' is not a finite number in percent"),
    ("cited_value", "inf", "'inf' is not a finite number in percent"),
    ("cited_value", "1e400", "'1e400' is not a finite number in percent"),
    ("cited_value", "64,5", "'64,5' is not a finite number in percent"),
    ("cited_value", "64%", "'64%' is not a finite number in percent"),
    ("cited_value", "", "'' is not a finite number in percent"),
    ("cited_value", "150", "'150' is not a share from 0 to 100 per cent"),
])
def test_a_claim_whose_cited_value_is_not_a_finite_number_in_its_unit_is_refused_with_its_id(tmp_path, column, value, expected):
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("claims.csv", "claims.schema.json"):
        shutil.copy(DATA / name, folder / name)
    line = claims_line(SHARE)
    _edit_csv(folder / "claims.csv", line, column, value)
    with pytest.raises(validate.SchemaError) as error:
        validate.validate_claims(folder / "claims.csv")
    assert str(error.value).startswith(f"data/claims.csv, line {line}, column {column}: claim {SHARE}: {expected}")


CONSTRAINED = {"claim_id": "a<b>", "family": "<b>x</b>", "date": "<i>2018</i>", "seed_file": "<x>.txt",
               "cited_value_2": "<1>", "unit": "<u>", "year": "2018<script>", "quantity": "<q>",
               "cited_bound": "<p>", "endpoint_claims": "<a>", "scope": "<s>", "source_public_when_said": "<y>"}


@pytest.mark.parametrize("column", sorted(CONSTRAINED))
def test_markup_in_a_field_with_a_fixed_form_is_refused_before_it_reaches_a_page(tmp_path, column):
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("claims.csv", "claims.schema.json"):
        shutil.copy(DATA / name, folder / name)
    line = claims_line(SHARE)
    _edit_csv(folder / "claims.csv", line, column, CONSTRAINED[column])
    with pytest.raises(validate.SchemaError) as error:
        validate.validate_claims(folder / "claims.csv")
    assert str(error.value).startswith(f"data/claims.csv, line {line}, column {column}: {CONSTRAINED[column]!r} ")


def test_a_claim_id_given_twice_is_refused(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / "claims.schema.json", folder)
    lines = (DATA / "claims.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "claims.csv").write_text("".join(lines[:3] + lines[2:3] + lines[3:]), encoding="utf-8")
    with pytest.raises(validate.SchemaError, match=r"^data/claims.csv, line 4: key \{'claim_id': .*\} repeated \(first on line 3\)$"):
        validate.validate_claims(folder / "claims.csv")
