"""Faults where a claim or a model needs a number that the files withhold, and the rounding rules."""

import math

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from sentaway.read import claims, extracts
from sentaway.register import register, verdicts
from sentaway.extract.write import observed_rounding


def test_a_suppressed_cell_a_claim_needs_makes_it_not_computable(monkeypatch):
    real = extracts.placements()

    def suppressed():
        frame = real.copy()
        hit = (frame.year == 2011) & (frame.geographic_level == "national") & (frame.placement == "secure_childrens_homes_hostels")
        frame.loc[hit, "value"] = pd.NA
        frame.loc[hit, "status"] = "x"
        return frame

    monkeypatch.setattr(extracts, "placements", suppressed)
    claim = claims.get("inquiry-children-in-homes-2012-cunningham")
    judged = register.judge_all(claim)
    reading, evidence, judgement = next(j for j in judged if "year=2011" in j[0]["params"])
    assert judgement.verdict == verdicts.UNCHECKABLE
    assert "suppressed (x)" in judgement.reason and "year=2011" in judgement.reason
    assert evidence.official_value is None  # never 0
    # The headline moves to the next reading that has a figure (the 2010 count), never to a zero.
    chosen = verdicts.headline(judged)
    assert "year=2010" in judged[chosen][0]["params"]


@given(st.integers(min_value=1, max_value=10**7))
def test_a_cited_number_lies_inside_its_own_interval(number):
    low, high = verdicts.cited_interval(str(number), "point")
    assert low <= number <= high
    assert high - low == verdicts.precision(str(number))


@given(st.integers(min_value=1, max_value=10**6).map(lambda n: n * 10))
def test_counts_rounded_to_ten_are_seen_as_such(tens):
    assert observed_rounding([tens, 20, 30]) in ("nearest 10", "nearest 100 (nearest 10 below 1,000)")


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=20))
def test_observed_rounding_never_claims_more_rounding_than_the_values_show(values):
    rule = observed_rounding(values)
    if rule == "nearest 10":
        assert all(v % 10 == 0 for v in values)
    if rule.startswith("nearest 100"):
        assert all(v % 100 == 0 for v in values if v >= 1000)


# ------------------------------------------------------------------ issue 12: every bad input stops cleanly
# Each fault is injected into a temporary copy (of the repository, the raw files or one file) and the exact
# outcome asserted: one line naming the file (and line, column, value), nothing half-made left, and the
# previous site and data/ byte-identical; or success with what is published matching a fresh computation.

import csv  # noqa: E402
import hashlib  # noqa: E402
import html  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import markupsafe  # noqa: E402
import nbformat  # noqa: E402

from sentaway.read import params as chapter_params  # noqa: E402
from sentaway.publish import csp
from sentaway import sidefiles
from sentaway.extract import validate  # noqa: E402
from sentaway.present.claim_pages import FAMILY_PAGES  # noqa: E402
from sentaway.paths import DATA, REPO, raw_dir, transcribed_dir  # noqa: E402
from sentaway.raw.files import RawDataError, RawFiles  # noqa: E402
from sentaway.raw.suppression import CellError, parse_cell  # noqa: E402

KERNEL_NOISE = "[IPKernelApp]"


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def the_message(stderr: str) -> str:
    """What the user is told: exactly one line (the kernels' own start-up warnings aside), no traceback."""
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [line for line in stderr.strip().splitlines() if line and KERNEL_NOISE not in line]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in (sidefiles.ENV, "SENTAWAY_DATA_READS")}
    env.update({"SENTAWAY_RAW": str(raw_dir()), "SENTAWAY_TRANSCRIBED": str(transcribed_dir()), **extra})
    return env


# ---------------------------------------------------------------- 6. numbers, years, columns, manifest

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
                                "(four digits, the year of 31 March, e.g. 2024)")


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
    with pytest.raises(RawDataError, match=re.escape(f"MANIFEST.csv, line 2") + ".*" + re.escape(problem)):
        RawFiles(tmp_path)


# ---------------------------------------------------------------- 6, 7 and 5 end to end: `make data`

EES = "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_placement_provider_placement_type_and_locality.csv"


@pytest.fixture(scope="module")
def raw_copy(raw_root, tmp_path_factory):
    copy = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(raw_root, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


def _alter(raw: Path, rel: str, change) -> tuple[bytes, bytes]:
    """Change one raw file and give MANIFEST.csv its new checksum (a new release, not a corrupted file)."""
    path, manifest = raw / rel, raw / "MANIFEST.csv"
    saved = path.read_bytes(), manifest.read_bytes()
    new = change(saved[0].decode("utf-8-sig")).encode()
    path.write_bytes(new)
    rows = list(csv.reader(io.StringIO(saved[1].decode())))
    for row in rows[1:]:
        if row and row[0] == rel:
            row[1], row[2] = str(len(new)), hashlib.sha256(new).hexdigest()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    manifest.write_text(out.getvalue())
    return saved


def _restore(raw: Path, rel: str, saved) -> None:
    (raw / rel).write_bytes(saved[0])
    (raw / "MANIFEST.csv").write_bytes(saved[1])


def _first_value_line(text: str, column: str) -> tuple[int, str]:
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    number = next(i for i, row in enumerate(rows[1:], start=2) if row[index].strip().isdigit())
    return number, rows[number - 1][index]


def _replace_cell(text: str, line: int, column: str, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _make_data(target: Path, raw: Path, transcribed: Path | None = None):
    env = _env(SENTAWAY_RAW=str(raw))
    if transcribed:
        env["SENTAWAY_TRANSCRIBED"] = str(transcribed)
    return subprocess.run([sys.executable, "-m", "sentaway.extract", str(target)], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=300)


@pytest.fixture()
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    (target / "cla_missing.csv").write_bytes((DATA / "cla_missing.csv").read_bytes() + b"stale\n")  # to be replaced
    return target


def _raw_faults():
    yield "decimal comma", lambda t, line: _replace_cell(t, line, "number", "1,5"), "number", "'1,5' (a decimal comma?"
    yield "unparseable number", lambda t, line: _replace_cell(t, line, "number", "12a"), "number", "'12a' is neither a number"
    yield "year 2024/25", lambda t, line: _replace_cell(t, line, "time_period", "2024/25"), "time_period", "'2024/25' is not a year"
    yield "year 202425", lambda t, line: _replace_cell(t, line, "time_period", "202425"), "time_period", "'202425' is not a year"


@pytest.mark.parametrize("fault, change, column, expected", list(_raw_faults()), ids=[f[0] for f in _raw_faults()])
def test_make_data_stops_on_a_bad_raw_cell_and_changes_nothing(raw_copy, data_copy, fault, change, column, expected):
    line, _ = _first_value_line((raw_copy / EES).read_text(encoding="utf-8-sig"), "number")
    before = digest(data_copy)
    saved = _alter(raw_copy, EES, lambda text: change(text, line))
    try:
        result = _make_data(data_copy, raw_copy)
    finally:
        _restore(raw_copy, EES, saved)
    assert result.returncode == 1
    message = result.stderr.strip().splitlines()
    assert message[0] == "extract: stopped, nothing written." and len(message) == 2 and "Traceback" not in result.stderr
    assert message[1].startswith(f"{EES}, line {line}, column {column}: ") and expected in message[1], message[1]
    assert digest(data_copy) == before
    assert not list(data_copy.parent.glob(".extract-*"))


def test_make_data_stops_on_a_repeated_column_and_a_bom_in_the_manifest(raw_copy, data_copy):
    before = digest(data_copy)
    saved = _alter(raw_copy, EES, lambda text: text.replace("country_name", "country_code", 1))
    try:
        result = _make_data(data_copy, raw_copy)
    finally:
        _restore(raw_copy, EES, saved)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1].startswith(f"{EES}, line 1, column ") and "'country_code' repeated" in result.stderr
    manifest = raw_copy / "MANIFEST.csv"
    original = manifest.read_bytes()
    manifest.write_bytes(b"\xef\xbb\xbf" + original)
    try:
        result = _make_data(data_copy, raw_copy)
    finally:
        manifest.write_bytes(original)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1] == (f"{manifest}, line 1, column path: a byte-order mark (U+FEFF) before the "
                                            "header; save the file as UTF-8 without BOM")
    assert digest(data_copy) == before


@pytest.mark.parametrize("column, value, expected", [
    ("time_period", "2015/16", "column time_period: '2015/16' is not a year"),
    ("number", "2,5", "column number: '2,5' (a decimal comma?"),
    ("number", "-10", "column number: '-10' is not a whole number of children"),
    ("percentage_of_location_total", "120", "column percentage_of_location_total: '120' is not a percentage"),
])
def test_transcribed_figures_are_checked_like_raw_files(raw_copy, data_copy, tmp_path, column, value, expected):
    folder = tmp_path / "transcribed"
    shutil.copytree(transcribed_dir(), folder)
    path = folder / "placement_location_2015_2016.csv"
    path.chmod(0o644)
    path.write_text(_replace_cell(path.read_text(encoding="utf-8-sig"), 3, column, value), encoding="utf-8")
    before = digest(data_copy)
    result = _make_data(data_copy, raw_copy, folder)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1].startswith(f"{path}, line 3, {expected}"), result.stderr
    assert digest(data_copy) == before


def test_make_data_swaps_every_extract_in_at_once_and_keeps_the_hand_made_files(raw_copy, data_copy):
    result = _make_data(data_copy, raw_copy)
    assert result.returncode == 0, result.stderr
    assert digest(data_copy) == digest(DATA)  # the stale extract replaced, claims.csv and claims.md kept
    assert "in one step" in result.stdout and not list(data_copy.parent.glob(".extract-*"))
    again = _make_data(data_copy, raw_copy)
    assert "already up to date; nothing changed" in again.stdout


def test_an_interrupted_make_data_changes_nothing_and_leaves_no_temporary_folder(raw_copy, data_copy):
    before = digest(data_copy)
    process = subprocess.Popen([sys.executable, "-m", "sentaway.extract", str(data_copy)], cwd=REPO,
                               env=_env(SENTAWAY_RAW=str(raw_copy)), text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(data_copy.parent.glob(".extract-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    if process.returncode == 0:
        pytest.skip("the extraction finished before the signal arrived")
    assert process.returncode == 130 and the_message(stderr) == "extract: interrupted, nothing written."
    assert digest(data_copy) == before
    assert not list(data_copy.parent.glob(".extract-*"))


# ---------------------------------------------------------------- 5. inputs checked at the start of `make book`

def _edit_csv(path: Path, line: int, column: str, value: str) -> None:
    path.write_text(_replace_cell(path.read_text(encoding="utf-8"), line, column, value), encoding="utf-8")


def _claims_line(claim_id: str) -> int:
    rows = list(csv.DictReader(io.StringIO((DATA / "claims.csv").read_text(encoding="utf-8"))))
    return next(i for i, row in enumerate(rows, start=2) if row["claim_id"] == claim_id)


SHARE = "ooa-share-2018-localgov"  # a statistical share, in percent


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
    line = _claims_line(SHARE)
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
    line = _claims_line(SHARE)
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


# ---------------------------------------------------------------- 8. parameters checked against the data

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
    ("growth:\n  first_year: '2012'\n", "growth: first_year must be int, got '2012'"),
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


def test_a_notebook_given_a_name_it_does_not_take_refuses_it():
    assert chapter_params.passed({"first_year": 2013, "frist_year": 2013, "In": [], "_": 1, "glue": print,
                                  "params": chapter_params}) == {"first_year": 2013, "frist_year": 2013}
    with pytest.raises(chapter_params.ParameterError, match="out_of_area: unknown parameter 'frist_year'"):
        chapter_params.check("out_of_area", chapter_params.passed({"first_year": 2013, "last_year": 2024, "frist_year": 2013}))
    # Shown by IPython (and so papermill) as one line, not a traceback.
    assert chapter_params.ParameterError("x")._render_traceback_() == ["ParameterError: x"]


def test_the_reviewer_route_refuses_a_misspelt_name_before_running_anything(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sentaway.publish.run", "notebooks/out_of_area.ipynb", str(tmp_path / "review"),
                             "-p", "frist_year", "2013"], cwd=REPO, env=_env(), text=True, capture_output=True, timeout=120)
    assert result.returncode == 1
    assert the_message(result.stderr) == ("run: stopped before running anything. out_of_area: unknown parameter "
                                          "'frist_year'; allowed: first_year, last_year")
    result = subprocess.run([sys.executable, "-m", "sentaway.publish.run", "notebooks/out_of_area.ipynb", str(REPO / "book" / "executed")],
                            cwd=REPO, env=_env(), text=True, capture_output=True, timeout=120)
    assert result.returncode == 1 and "inside the book's own folder book/" in the_message(result.stderr)
    assert not (tmp_path / "review").exists()


# ---------------------------------------------------------------- 2. CSP from a fixed list, never from the page

PAGE = ('<html><head><title>t</title></head><body><script>DOCUMENTATION_OPTIONS.pagename = \'book/index\';</script>'
        '<script src="_static/x.js"></script><script type="application/json" class="sa-spec">{"a":1}</script>'
        '<button onclick="window.print()">p</button>{extra}</body></html>')


def test_the_policy_allows_only_the_scripts_the_site_ships():
    known = csp.known_scripts(["book/index"])
    policy = csp.policy(PAGE.replace("{extra}", ""), known)
    hashes = set(re.findall(r"'sha256-[^']+'", policy))
    assert hashes == {csp._hash("DOCUMENTATION_OPTIONS.pagename = 'book/index';"), csp._hash("window.print()")}
    for extra, expected in [("<script>alert(1)</script>", "an inline script the site does not ship"),
                            ('<img src=x onerror="alert(1)">', "an event handler the site does not ship"),
                            ("<img src=x onerror=alert(1)>", "an event handler the site does not ship"),
                            ('<a href="javascript:alert(1)">x</a>', "a javascript: link"),
                            ("<script>DOCUMENTATION_OPTIONS.pagename = 'other';</script>", "does not ship"),
                            ('<script type="text/javascript" class="application/json">alert(1)</script>', "does not ship")]:
        with pytest.raises(csp.PolicyError, match=re.escape(expected)):
            csp.policy(PAGE.replace("{extra}", extra), known, "p.html")


def test_a_page_left_by_an_incremental_build_keeps_its_one_policy_and_a_page_s_own_policy_is_refused(tmp_path):
    """Jupyter Book run by hand (`jupyter-book build .`) rebuilds only changed pages, so the step meets pages it
    stamped before: it keeps their policy (one, the same), but still refuses a policy a page brought itself."""
    known = csp.known_scripts(["book/index"])
    page = tmp_path / "p.html"
    page.write_text(PAGE.replace("{extra}", ""), encoding="utf-8")
    csp.add_policy(page, known)
    once = page.read_text(encoding="utf-8")
    csp.add_policy(page, known)
    assert page.read_text(encoding="utf-8") == once and once.count("Content-Security-Policy") == 1
    page.write_text(PAGE.replace("{extra}", '<meta http-equiv="Content-Security-Policy" content="default-src *">'),
                    encoding="utf-8")
    with pytest.raises(csp.PolicyError, match="already holds a Content-Security-Policy"):
        csp.add_policy(page, known)


def test_every_published_policy_hashes_only_known_scripts(site):
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    names = [p.relative_to(site).with_suffix("").as_posix() for p in pages]
    allowed = {csp._hash(s) for s in csp.known_scripts(names)} | {csp._hash(h) for h in csp.KNOWN_HANDLERS}
    for page in pages:
        found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page.read_text(encoding="utf-8"))
        if found:
            assert set(re.findall(r"'sha256-[^']+'", found.group(1))) <= allowed, page


# ---------------------------------------------------------------- 1. side files are part of the cached output

def test_a_deleted_or_altered_side_file_or_output_reruns_its_notebook(site, tmp_path, monkeypatch):
    from sentaway.publish import build

    executed = tmp_path / "executed"
    shutil.copytree(build.EXECUTED, executed)
    monkeypatch.setattr(build, "EXECUTED", executed)
    assert not build.plan()[0]
    (executed / "extra/chart-data/revisions.csv").write_text("year,value\n2020,1\n")
    (executed / "downloads/claims_register.json").unlink()
    output = executed / "methods.ipynb"
    output.write_bytes(output.read_bytes().replace(b"Methods", b"Method", 1))
    assert {run.page for run in build.plan()[0]} == {"revisions", "register", "methods"}


def test_a_stray_file_in_the_published_side_folders_is_removed(site, tmp_path, monkeypatch):
    from sentaway.publish import build

    executed = tmp_path / "executed"
    shutil.copytree(build.EXECUTED, executed)
    monkeypatch.setattr(build, "EXECUTED", executed)
    (executed / "extra/chart-data/left-by-a-reviewer.csv").write_text("x\n1\n")
    assert build.prune_side_files() == ["extra/chart-data/left-by-a-reviewer.csv"]
    assert not build.prune_side_files()


@pytest.mark.parametrize("rel", ["../x.csv", "/tmp/x.csv", "book/x.csv", "extra/../../x.csv", "extra/.hidden"])
def test_a_side_file_cannot_be_written_outside_its_folders(rel):
    with pytest.raises(ValueError, match="must be a plain path under extra or downloads/"):
        sidefiles.write(rel, "x")


# ---------------------------------------------------------------- 9. Python version, virtual environment, skips

def _other_python() -> tuple[str, str] | None:
    """A Python other than 3.11 and 3.12 on this machine, if there is one: (path, "3.x")."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (8, 9, 10, 13, 14)]
    candidates += sorted(str(p) for p in Path("/root/.pyenv/versions").glob("3.*/bin/python3"))
    candidates += sorted(str(p) for p in Path("/usr/bin").glob("python3.[0-9]*") if "-" not in p.name)
    for path in filter(None, candidates):
        try:
            found = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found and found not in ("3.11", "3.12"):
            return path, found
    return None


@pytest.fixture(scope="module")
def other_python():
    found = _other_python()
    if not found:
        pytest.skip("no Python other than 3.11 and 3.12 on this machine to refuse")
    return found


def test_the_build_refuses_another_python_in_one_line(other_python):
    path, version = other_python
    result = subprocess.run([path, "-m", "sentaway.publish.build"], cwd=REPO, env=_env(), text=True, capture_output=True, timeout=60)
    assert result.returncode == 1
    assert the_message(result.stderr) == (f"build: stopped. Python {version} found ({path}); Sent Away builds with "
                                          "Python 3.11 or 3.12")


def test_make_refuses_another_python_and_never_reuses_a_venv_made_by_one(other_python, tmp_path):
    path, version = other_python
    for name in ("Makefile", "requirements.txt", "requirements-test.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    result = subprocess.run(["make", "book", f"PYTHON={path}"], cwd=tmp_path, text=True, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (f"setup: {path} is Python {version}; Sent Away needs Python 3.11 or 3.12 "
                                             "(e.g. make PYTHON=python3.12)")
    assert not (tmp_path / ".venv").exists()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(path)
    (tmp_path / ".venv" / ".installed").touch()
    plan = subprocess.run(["make", "-n", "book", f"PYTHON={sys.executable}"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=60).stdout
    assert f"was made by Python {version}, not {sys.version_info[0]}.{sys.version_info[1]}" in plan
    assert "rm -rf .venv" in plan and "-m venv .venv" in plan


def test_make_test_ends_by_saying_how_many_tests_were_skipped_and_why(tmp_path):
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_x.py").write_text("import pytest\n\ndef test_a(browser):\n    pass\n\n"
                                        "def test_b():\n    pytest.skip('no raw files')\n")
    env = {k: v for k, v in _env().items() if k != "CI"}
    env.update(SENTAWAY_CHROMIUM=str(tmp_path / "no-chromium"), PYTHONPATH=str(REPO))  # as on a machine without it
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, env=env, text=True, capture_output=True, timeout=120)
    tail = result.stdout.splitlines()[-4:]
    assert "2 test(s) skipped" in tail[0], result.stdout
    assert any(line.startswith("1 skipped: chromium and chromedriver are needed") for line in tail), tail
    assert "1 skipped: no raw files" in tail, tail


# ---------------------------------------------------------------- builds in a temporary copy of the repository

@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory, site):
    """One copy of the repository with its built site and cached runs, for the faults that need a build."""
    root = tmp_path_factory.mktemp("copy") / "sent away"  # a space in the path, as users have
    shutil.copytree(REPO, root, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "dist", ".pytest_cache", "__pycache__", ".lock", "tmp"))
    (root / ".venv").symlink_to((REPO / ".venv").resolve())
    result = _build(root)
    assert result.returncode == 0 and "html: nothing changed" in result.stdout, result.stdout + result.stderr
    return root


def _build(root: Path, *args, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([str(root / ".venv/bin/python"), "-m", "sentaway.publish.build", *args], cwd=root, env=_env(),
                          text=True, capture_output=True, timeout=timeout)


def _state(root: Path) -> dict:
    return {"site": digest(root / "_build/html"), "data": digest(root / "data"),
            "executed": digest(root / "book/executed")}


@pytest.mark.parametrize("fault", ["value with a decimal comma", "claim cited as nan", "broken datapackage.json",
                                   "duplicate key in params.yml", "window with nothing to show"])
def test_a_bad_input_stops_make_book_before_any_work_and_leaves_everything_as_it_was(repo_copy, fault):
    edits = {
        "value with a decimal comma": ("data/cla_missing.csv", lambda t: _replace_cell(t, 5, "value", "1,5"),
                                       "data/cla_missing.csv, line 5, column value: '1,5' is not of type number"),
        "claim cited as nan": ("data/claims.csv", lambda t: _replace_cell(t, _claims_line(SHARE), "cited_value", "nan"),
                               f"data/claims.csv, line {_claims_line(SHARE)}, column cited_value: claim {SHARE}: "
                               "'nan' is not a finite number in percent"),
        "broken datapackage.json": ("data/datapackage.json", lambda t: t[: len(t) // 2],
                                    "data/datapackage.json, line "),
        "duplicate key in params.yml": ("params.yml", lambda t: t.replace("growth:\n", "growth:\n  series: cited\n", 1),
                                        "params.yml, line "),
        "window with nothing to show": ("params.yml", lambda t: t.replace("claims_regional:\n  first_year: 2014\n  last_year: 2024",
                                                                          "claims_regional:\n  first_year: 2017\n  last_year: 2022"),
                                        "params.yml: claims_regional: the window 2017-2022 holds 0 year(s) of data (none)"),
    }
    name, change, expected = edits[fault]
    path = repo_copy / name
    original = path.read_bytes()
    path.write_text(change(original.decode("utf-8")), encoding="utf-8")
    assert path.read_bytes() != original
    before = _state(repo_copy)
    try:
        result = _build(repo_copy)
        after = _state(repo_copy)
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    message = the_message(result.stderr)
    assert message.startswith(f"build: stopped. {expected}"), message
    assert "notebooks: running" not in result.stdout and "html: building" not in result.stdout
    assert after == before
    assert not (repo_copy / "_build/tmp").exists()


def _figures(page: Path) -> list[tuple[str, str, list[list[str]]]]:
    """(chart name, CSV link, rows of the page's own data table) for every chart on a page."""
    text = page.read_text(encoding="utf-8")
    found = []
    for figure in re.findall(r'<figure class="sa-chart".*?</figure>', text, flags=re.S):
        name = re.search(r'id="chart-([^"]+)"', figure).group(1)
        link = html.unescape(re.search(r'<a href="([^"]+\.csv)" download>', figure).group(1))
        table = re.search(r"<table.*?</table>", figure, flags=re.S).group(0)
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)]
        found.append((name, link, rows))
    return found


def _same_cell(shown: str, written: str) -> bool:
    if shown == written or (shown in ("–", "") and written == ""):
        return True
    try:
        return math.isclose(float(shown.replace(",", "")), float(written), rel_tol=1e-5, abs_tol=1e-9)
    except ValueError:
        return False


def assert_site_agrees(root: Path) -> int:
    """Every chart's CSV in the site holds what its page's table shows; the register downloads hold the
    register the page shows and what a fresh computation gives; the side files in book/executed/ are the
    ones published. Returns the number of charts checked."""
    site, charts = root / "_build/html", 0
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        for name, link, rows in _figures(page):
            published = (page.parent / link).resolve()
            written = list(csv.reader(io.StringIO(published.read_text(encoding="utf-8"))))
            assert written[0] == rows[0] and len(written) == len(rows), (page.name, name)
            for shown_row, written_row in zip(rows[1:], written[1:]):
                assert all(_same_cell(a, b) for a, b in zip(shown_row, written_row)), (page.name, name, shown_row, written_row)
            source = root / "book/executed/extra/chart-data" / published.name
            assert source.read_bytes() == published.read_bytes(), name
            charts += 1
    fresh = subprocess.run([str(root / ".venv/bin/python"), "-c",
                            "from sentaway.register import register; import sys; sys.stdout.write(register.to_csv(register.build()[0]))"],
                           cwd=root, env=_env(), text=True, capture_output=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    [download] = site.glob("_downloads/*/claims_register.csv")
    assert download.read_text(encoding="utf-8") == fresh.stdout
    page = (site / "book/executed/register.html").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(fresh.stdout)):
        assert f'id="claim-{html.escape(row["claim_id"])}"' in page
    return charts


def _stop(process: subprocess.Popen, signum: int) -> str:
    """Send the build a signal and return its stderr once it has stopped; a build still running two minutes later
    fails the test with the stack of each of its threads (the build prints them on SIGUSR1)."""
    process.send_signal(signum)
    try:
        return process.communicate(timeout=120)[1]
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)
        time.sleep(2)
        process.kill()
        pytest.fail(f"the build was still running 120 s after {signal.Signals(signum).name}; "
                    f"its threads:\n{process.communicate()[1]}")


def test_an_interrupted_build_publishes_nothing_of_its_run_and_a_deleted_page_is_rebuilt(repo_copy):
    notebook = repo_copy / "notebooks/out_of_area.ipynb"
    original = notebook.read_bytes()
    mark = repo_copy.parent / "mid-notebook"
    changed = nbformat.reads(original.decode("utf-8"), as_version=4)
    changed.cells.append(nbformat.v4.new_code_cell(
        "import pathlib, time\nfrom sentaway import sidefiles\n"
        "sidefiles.write('extra/chart-data/share-outside.csv', 'year,share\\n2020,99\\n')\n"
        "sidefiles.write('extra/chart-data/from-the-interrupted-run.csv', 'x\\n1\\n')\n"
        f"pathlib.Path({str(mark)!r}).touch()\ntime.sleep(600)"))
    notebook.write_text(nbformat.writes(changed), encoding="utf-8")
    before = _state(repo_copy)
    process = subprocess.Popen([str(repo_copy / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=repo_copy,
                               env=_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not mark.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert mark.exists(), "the changed notebook never reached its last cell"
        stderr = _stop(process, signal.SIGINT)
    finally:
        if process.poll() is None:
            process.kill()
        notebook.write_bytes(original)
    assert process.returncode == 130
    assert the_message(stderr) == ("build: interrupted; nothing half-made was kept, and the previous site is left "
                                   "as it was")
    assert _state(repo_copy) == before
    assert not (repo_copy / "_build/tmp").exists()
    # Reverted: nothing is stale, and nothing of the interrupted run is anywhere.
    result = _build(repo_copy)
    assert result.returncode == 0, result.stderr
    assert "notebooks: running" not in result.stdout and "html: nothing changed" in result.stdout
    assert _state(repo_copy) == before
    # A page and a download deleted from the site are noticed and rebuilt; a SIGTERM while Jupyter Book
    # builds the HTML stops it, removes its temporary folder and leaves the site as it was.
    (repo_copy / "_build/html/book/executed/out_of_area.html").unlink()
    (repo_copy / "_build/html/chart-data/share-outside.csv").unlink()
    before = _state(repo_copy)
    process = subprocess.Popen([str(repo_copy / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=repo_copy,
                               env=_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None and not any(
                p.is_dir() for p in (repo_copy / "_build/tmp").glob("html-*/_build")):
            time.sleep(0.1)
        stderr = _stop(process, signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert the_message(stderr).startswith("build: interrupted;")
    assert _state(repo_copy) == before and not (repo_copy / "_build/tmp").exists()
    result = _build(repo_copy)
    assert result.returncode == 0, result.stderr
    assert "differs from what the last build wrote" in result.stdout
    assert (repo_copy / "_build/html/book/executed/out_of_area.html").is_file()
    assert not list((repo_copy / "_build/html").rglob("from-the-interrupted-run.csv"))
    assert assert_site_agrees(repo_copy) >= 10


def test_the_reviewer_route_writes_only_under_the_chosen_folder(repo_copy, tmp_path):
    before = _state(repo_copy)
    review = tmp_path / "my review"
    result = subprocess.run([str(repo_copy / ".venv/bin/python"), "-m", "sentaway.publish.run", "notebooks/out_of_area.ipynb",
                             str(review), "-p", "first_year", "2016"], cwd=repo_copy, env=_env(), text=True,
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "[IPKernelApp] WARNING" not in result.stderr, result.stderr  # no kernel noise among the progress lines
    assert (review / "out_of_area.ipynb").is_file()
    years = {row["year"] for row in csv.DictReader(io.StringIO((review / "extra/chart-data/share-outside.csv").read_text()))}
    assert years and min(map(int, years)) >= 2016
    # Plain papermill, as a reviewer may also run it: the side files go nowhere near the book.
    out = tmp_path / "plain.ipynb"
    result = subprocess.run([str(repo_copy / ".venv/bin/papermill"), "notebooks/register.ipynb", str(out)],
                            cwd=repo_copy, env=_env(PYTHONPATH=str(repo_copy)), text=True, capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _state(repo_copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my review", "plain.ipynb"]
    result = _build(repo_copy)
    assert "notebooks: running" not in result.stdout and "html: nothing changed" in result.stdout


TEXT_FIELDS = ["quote", "speaker", "outlet", "measure", "denominator", "scope_reason", "notes"]


def _payload(field: str) -> str:
    return (f'<script>window.pwned_{field}=1</script></script><!--<img src=x onerror="window.pwned_{field}=1">'
            f"<b>bold-{field}</b>&amp;\"quoted\"")


def test_markup_and_scripts_in_every_text_field_of_claims_csv_show_as_text(repo_copy, browser):
    """Each text field of data/claims.csv in turn (one statistical claim each, so one build) holds markup
    and scripts; the build succeeds, every page shows them as text, and none of them runs."""
    path = repo_copy / "data/claims.csv"
    original = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(original.decode("utf-8"))))
    statistical = [row for row in rows if row["scope"] == "statistical" and row["family"] != "other"]
    targets = dict(zip(TEXT_FIELDS, statistical[: len(TEXT_FIELDS)]))
    for field, row in targets.items():
        row[field] = _payload(field)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    try:
        result = _build(repo_copy)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "[IPKernelApp]" not in result.stderr, result.stderr  # eight runs, and no kernel noise among them
        site = repo_copy / "_build/html"
        pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")
                 if "_static" not in p.parts}
        everything = "\n".join(pages.values())
        for field in TEXT_FIELDS:
            assert f"window.pwned_{field}=1</script>" not in everything.replace("\\u003c", "<")
            assert f"<b>bold-{field}</b>" not in everything
        # Escaped as html.escape or as the page templates (markupsafe) write it: '"' is &quot; or &#34;.
        escaped = lambda f: (html.escape(_payload(f)), str(markupsafe.escape(_payload(f))))  # noqa: E731
        shown = {f for f in ("quote", "speaker", "outlet", "measure") if any(e in everything for e in escaped(f))}
        assert shown == {"quote", "speaker", "outlet", "measure"}, shown
        for page in ("book/executed/register.html", *(n for n in pages if "/claims_" in n)):
            browser.get((site / page).as_uri())
            ran = browser.execute_script(
                "return Object.keys(window).filter(function (k) { return k.indexOf('pwned_') === 0; });")
            assert ran == [], (page, ran)
            text = browser.execute_script("return document.body.innerText;")
            for field, row in targets.items():
                if field in ("quote", "speaker", "outlet") and FAMILY_PAGES[row["family"]] in page:
                    assert f"<script>window.pwned_{field}=1</script>" in text, (page, field)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', everything, flags=re.S):
            json.loads(block)  # the quote cannot end the block early
        quote = targets["quote"]["quote"]
        assert any(json.loads(b)["claimReviewed"] == quote
                   for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', everything, flags=re.S))
    finally:
        path.write_bytes(original)


@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace(",2017-09-20,", ",20 Sept 2017,", 1), "column published_date: '20 Sept 2017' does not start with a year"),
    (lambda t: t.replace("claim_topic,", "topic,", 1), "line 1: columns"),
    (lambda t: t.replace(",2250,", ",,", 1), "column value: empty"),
])
def test_a_bad_claim_source_row_is_named_with_file_line_and_column(tmp_path, change, expected):
    from sentaway.extract.__main__ import CLAIM_SOURCES, claim_sources_csv
    from sentaway.raw.files import RawDataError

    text = (DATA / "claim_sources.csv").read_text(encoding="utf-8")
    (tmp_path / CLAIM_SOURCES).write_text(change(text), encoding="utf-8")
    with pytest.raises(RawDataError, match=re.escape(expected)):
        claim_sources_csv(tmp_path)
    (tmp_path / CLAIM_SOURCES).write_text(text, encoding="utf-8")
    assert claim_sources_csv(tmp_path)[0] == text  # a good file is copied byte for byte
