"""Faults where a claim or a model needs a number that the files withhold, and the rounding rules."""

import math

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from sentaway import claims, extracts, register, verdicts
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
    evidence = register.evidence_for(claims.get("inquiry-children-in-homes-2012-cunningham"))
    verdict, reason = verdicts.judge(claims.get("inquiry-children-in-homes-2012-cunningham"), evidence)
    assert verdict == verdicts.UNCHECKABLE
    assert "suppressed (x)" in reason and "year=2011" in reason
    assert evidence.official_value is None  # never 0


def test_a_sum_over_suppressed_cells_is_reported_with_bounds():
    result = extracts.bounded_sum([10, None, 20, None], ["", "x", "", "c"], cell_max=5)
    assert result == {"known": 30.0, "low": 30.0, "high": 40.0, "suppressed": 2, "exact": False}
    assert extracts.bounded_sum([10, None], ["", "x"], total=14)["high"] == 14
    assert math.isinf(extracts.bounded_sum([10, None], ["", "x"])["high"])
    assert extracts.bounded_sum([1, 2], ["", ""]) == {"known": 3.0, "low": 3.0, "high": 3.0, "suppressed": 0, "exact": True}


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

import nbformat  # noqa: E402

from sentaway import params as chapter_params  # noqa: E402
from sentaway import csp, sidefiles, validate  # noqa: E402
from sentaway.paths import DATA, REPO, raw_dir, transcribed_dir  # noqa: E402
from sentaway.raw import RawDataError, RawFiles  # noqa: E402
from sentaway.suppression import CellError, parse_cell  # noqa: E402

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
def raw_copy(tmp_path_factory):
    root = raw_dir()
    if not (root / "MANIFEST.csv").is_file():
        pytest.skip(f"the raw official files are not beside the repository ({root})")
    copy = tmp_path_factory.mktemp("raw") / "raw"
    shutil.copytree(root, copy)
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


def _make_data(target: Path, raw: Path, transcribed: Path | None = None, **popen):
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
