"""`make data` end to end on a copy of the raw files: a bad cell, column, manifest or transcribed figure stops it
with one line and changes nothing; a good run swaps every extract in at once; an interrupted one leaves nothing."""

import csv
import hashlib
import io
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from faults import digest, machine_faults, replace_cell, run_env, the_message, waits_while_locked
from sentaway.paths import DATA, REPO, transcribed_dir


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


STOPPED = "extract: stopped, nothing written: "


def stopped(result) -> str:
    """What a stopped `make data` says, in the one line it prints (after its prefix)."""
    assert result.returncode == 1, result.stdout[-2000:]
    line = the_message(result.stderr)
    assert line.startswith(STOPPED), line
    return line[len(STOPPED):]


def _make_data(target: Path, raw: Path, transcribed: Path | None = None):
    env = run_env(SENTAWAY_RAW=str(raw))
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
    yield "decimal comma", lambda t, line: replace_cell(t, line, "number", "1,5"), "number", "'1,5' (a decimal comma?"
    yield "unparseable number", lambda t, line: replace_cell(t, line, "number", "12a"), "number", "'12a' is neither a number"
    yield "year 2024/25", lambda t, line: replace_cell(t, line, "time_period", "2024/25"), "time_period", "'2024/25' is not a year"
    yield "year 202425", lambda t, line: replace_cell(t, line, "time_period", "202425"), "time_period", "'202425' is not a year"


@pytest.mark.parametrize("fault, change, column, expected", list(_raw_faults()), ids=[f[0] for f in _raw_faults()])
def test_make_data_stops_on_a_bad_raw_cell_and_changes_nothing(raw_copy, data_copy, fault, change, column, expected):
    line, _ = _first_value_line((raw_copy / EES).read_text(encoding="utf-8-sig"), "number")
    before = digest(data_copy)
    saved = _alter(raw_copy, EES, lambda text: change(text, line))
    try:
        result = _make_data(data_copy, raw_copy)
    finally:
        _restore(raw_copy, EES, saved)
    message = stopped(result)
    assert message.startswith(f"{EES}, line {line}, column {column}: ") and expected in message, message
    assert digest(data_copy) == before
    assert not list(data_copy.parent.glob(".extract-*"))


def test_make_data_stops_on_a_repeated_column_and_a_bom_in_the_manifest(raw_copy, data_copy):
    before = digest(data_copy)
    saved = _alter(raw_copy, EES, lambda text: text.replace("country_name", "country_code", 1))
    try:
        result = _make_data(data_copy, raw_copy)
    finally:
        _restore(raw_copy, EES, saved)
    message = stopped(result)
    assert message.startswith(f"{EES}, line 1, column ") and "'country_code' repeated" in message
    manifest = raw_copy / "MANIFEST.csv"
    original = manifest.read_bytes()
    manifest.write_bytes(b"\xef\xbb\xbf" + original)
    try:
        result = _make_data(data_copy, raw_copy)
    finally:
        manifest.write_bytes(original)
    assert stopped(result) == (f"{manifest}, line 1, column path: a byte-order mark (U+FEFF) before the "
                               "header; save the file as UTF-8 without BOM")
    assert digest(data_copy) == before


@pytest.fixture
def recorded(raw_root, tmp_path, monkeypatch):
    """A transcribed folder copied from ../shared/transcribed, whose files' checksums are recorded as they now are:
    edit a figure, then record(): a deliberate change, which the other checks must still catch. Skipped, as the raw
    files' tests are (raw_root), where ../shared is not beside the repository."""
    from sentaway.extract import transcribed

    folder = tmp_path / "transcribed"
    shutil.copytree(transcribed_dir(), folder)
    for path in folder.iterdir():
        path.chmod(0o644)

    def record() -> Path:
        manifest = tmp_path / "transcribed.csv"
        rows = [["path", "bytes", "sha256", "origin_path"]] + [
            [p.name, str(p.stat().st_size), hashlib.sha256(p.read_bytes()).hexdigest(), "test"] for p in sorted(folder.glob("*.csv"))]
        with open(manifest, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
        monkeypatch.setattr(transcribed, "MANIFEST", manifest)
        return folder

    return folder, record


@pytest.mark.parametrize("column, value, expected", [
    ("time_period", "2015/16", "column time_period: '2015/16' is not a year"),
    ("number", "2,5", "column number: '2,5' (a decimal comma?"),
    ("number", "-10", "column number: '-10' is not a whole number of children"),
    ("percentage_of_location_total", "120", "column percentage_of_location_total: '120' is not a percentage"),
    # A count edited and recorded on purpose, still not the share printed beside it.
    ("number", "5710", "column percentage_of_location_total: 13.48098681% is not 5,710 of 41,630 (that is 13.72%"),
    ("percentage_of_location_total", "13.9", "column percentage_of_location_total: 13.9% is not 5,610 of 41,630"),
])
def test_transcribed_figures_are_checked_like_raw_files_and_against_their_percentages(recorded, column, value, expected):
    from sentaway.extract.__main__ import TRANSCRIBED, read_transcribed
    from sentaway.raw.files import RawDataError
    from sentaway.raw.suppression import CellError

    folder, record = recorded
    path = folder / TRANSCRIBED
    path.write_text(replace_cell(path.read_text(encoding="utf-8-sig"), 3, column, value), encoding="utf-8")
    record()
    with pytest.raises((RawDataError, CellError)) as error:
        read_transcribed(path)
    assert str(error.value).startswith(f"{path}, line 3, {expected}"), str(error.value)


def test_every_count_of_the_transcribed_file_agrees_with_its_percentage(recorded):
    from sentaway.extract.__main__ import TRANSCRIBED, read_transcribed

    folder, _ = recorded
    assert len(read_transcribed(folder / TRANSCRIBED)) == 15  # the file as it is: every row checked, none refused


@pytest.mark.parametrize("name, line, column, value", [("placement_location_2015_2016.csv", 3, "number", "5620"),
                                                       ("claim_sources.csv", 5, "value", "2260")])
def test_an_edited_transcribed_figure_stops_make_data_naming_the_file_and_both_checksums(raw_copy, data_copy, recorded,
                                                                                         name, line, column, value):
    """An edit the transcribed files' record does not know (an edited figure went through before)."""
    from sentaway.extract import transcribed

    folder, _ = recorded
    path = folder / name
    recorded_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    path.write_text(replace_cell(path.read_text(encoding="utf-8-sig"), line, column, value), encoding="utf-8")
    before = digest(data_copy)
    result = _make_data(data_copy, raw_copy, folder)
    assert stopped(result) == (f"{path}: sha256 {hashlib.sha256(path.read_bytes()).hexdigest()} is not the "
                               f"{recorded_sha} recorded in {transcribed.MANIFEST_NAME}: a transcribed figure was changed; "
                               "check it against its source, then record the new sha256 there")
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
                               env=run_env(SENTAWAY_RAW=str(raw_copy)), text=True, stdout=subprocess.PIPE,
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




@pytest.mark.parametrize("change, expected", [
    (lambda t: t.replace(",2017-09-20,", ",20 Sept 2017,", 1), "column published_date: '20 Sept 2017' does not start with a year"),
    (lambda t: t.replace("claim_topic,", "topic,", 1), "line 1: columns"),
    (lambda t: t.replace(",2250,", ",,", 1), "column value: empty"),
    # A figure edited and recorded on purpose, no longer the one its quote prints.
    (lambda t: t.replace(",2250,", ",2260,", 1), "line 5, column value: '2260' is not in the row's quote"),
])
def test_a_bad_claim_source_row_is_named_with_file_line_and_column(recorded, change, expected):
    from sentaway.extract.__main__ import CLAIM_SOURCES, claim_sources_csv
    from sentaway.raw.files import RawDataError

    folder, record = recorded
    text = (DATA / "claim_sources.csv").read_text(encoding="utf-8")
    (folder / CLAIM_SOURCES).write_text(change(text), encoding="utf-8")
    record()
    with pytest.raises(RawDataError, match=re.escape(expected)):
        claim_sources_csv(folder)
    (folder / CLAIM_SOURCES).write_text(text, encoding="utf-8")
    record()
    assert claim_sources_csv(folder)[0] == text  # a good file is copied byte for byte


# --- a release as its folder says (issue 23, points 1, 2 and 4) -----------------------------------

CHARACTERISTICS = "dfe-cla-ees-to-2024/data/national_cla_on_31_march_by_characteristics.csv"


def _add(raw: Path, files: dict[str, str]) -> tuple[bytes, list[Path]]:
    """Add files to the raw folder and their rows to MANIFEST.csv, as a publisher's new files would come; returns the
    manifest as it was and the folders made."""
    manifest = raw / "MANIFEST.csv"
    saved = manifest.read_bytes()
    rows, made = saved.decode(), []
    for rel, text in files.items():
        folder = raw / rel
        while not folder.parent.exists():
            folder = folder.parent
        if folder != raw / rel:
            made.append(folder)
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        (raw / rel).write_text(text, encoding="utf-8")
        data = (raw / rel).read_bytes()
        rows += f"{rel},{len(data)},{hashlib.sha256(data).hexdigest()},new/{rel}\n"
    manifest.write_text(rows, encoding="utf-8")
    return saved, made


def _remove(raw: Path, files, added) -> None:
    saved, made = added
    (raw / "MANIFEST.csv").write_bytes(saved)
    for rel in files:
        (raw / rel).unlink()
    for folder in made:
        shutil.rmtree(folder)


@pytest.mark.parametrize("path, expected", [
    ("dfe-cla-ees-to-2025/data/national_cla_on_31_march_by_characteristics.csv",
     "dfe-cla-ees-to-2025: a new ees release in MANIFEST.csv (to 2025) that sentaway/extract/releases.yml does not "
     "list; add its date of first publication under releases: `dfe-cla-ees-to-2025: {published: \"<YYYY-MM-DD>\"}`"),
    ("dfe-cla-sfr/2018/SFR99_CLA2018.csv",
     "dfe-cla-sfr/2018: a new sfr release in MANIFEST.csv (to 2018) that sentaway/extract/releases.yml does not list; "
     "add its date of first publication under releases: `dfe-cla-sfr/2018: {release: \"<its label, e.g. SFRnn/YYYY>\", "
     "published: \"<YYYY-MM-DD>\"}`"),
    ("ofsted-inspections/2025.csv", "ofsted-inspections: a folder in MANIFEST.csv (ofsted-inspections/2025.csv) that is no "
                                    "release sentaway/extract/releases.yml lists and no source it names; add"),
])
def test_a_new_folder_in_the_manifest_is_refused_by_name_with_the_entry_to_add(raw_copy, data_copy, path, expected):
    before = digest(data_copy)
    saved = _add(raw_copy, {path: (raw_copy / CHARACTERISTICS).read_text(encoding="utf-8-sig")})
    try:
        message = stopped(_make_data(data_copy, raw_copy))
    finally:
        _remove(raw_copy, [path], saved)
    assert message.startswith(expected), message
    assert digest(data_copy) == before


def test_a_year_its_release_cannot_hold_stops_with_file_year_and_release(raw_copy, data_copy):
    """New files written over an older release's folder: a 2025 row in the release to 2024 is not taken in."""
    before = digest(data_copy)
    last = (raw_copy / CHARACTERISTICS).read_text(encoding="utf-8-sig").rstrip("\n").rsplit("\n", 1)[1]
    saved = _alter(raw_copy, CHARACTERISTICS, lambda text: text.rstrip("\n") + "\n2025" + last[4:] + "\n")
    try:
        message = stopped(_make_data(data_copy, raw_copy))
    finally:
        _restore(raw_copy, CHARACTERISTICS, saved)
    assert re.match(rf"{re.escape(CHARACTERISTICS)}, line \d+, column time_period: year 2025 in a file of CLA 2024 "
                    r"\(EES\) \(folder dfe-cla-ees-to-2024\), which holds years to 2024 only", message), message
    assert digest(data_copy) == before


def test_parts_that_do_not_add_up_to_their_printed_total_stop_make_data_in_one_line(raw_copy, data_copy):
    before = digest(data_copy)
    inside = "4c.1 Children's home placement inside the council boundary"
    rows = list(csv.reader(io.StringIO((raw_copy / CHARACTERISTICS).read_text(encoding="utf-8-sig"))))
    header = rows[0]
    line = next(i for i, row in enumerate(rows, start=1) if row[0] == "2024" and row[header.index("characteristic")] == inside)
    value = int(rows[line - 1][header.index("number")])
    saved = _alter(raw_copy, CHARACTERISTICS, lambda t: replace_cell(t, line, "number", str(value + 500)))
    try:
        message = stopped(_make_data(data_copy, raw_copy))
    finally:
        _restore(raw_copy, CHARACTERISTICS, saved)
    assert message.startswith(f"{CHARACTERISTICS}, line ") and ": 2024, England: " in message, message
    assert f"locality inside {value + 500} + locality outside " in message and "but the printed total" in message
    assert "differ by 500, more than the publisher's rounding allows (15)" in message
    assert digest(data_copy) == before


def test_make_data_waits_while_make_book_reads_the_data(raw_copy, data_copy):
    """The same lock the other way (tests/publish/test_build.py has make book waiting for make data)."""
    out = waits_while_locked([sys.executable, "-m", "sentaway.extract", str(data_copy)], data_copy, "extract",
                             run_env(SENTAWAY_RAW=str(raw_copy)))
    assert "in one step" in out


# ---------------------------------------------------------------- the disk, the swap, the clean-up

def test_a_full_disk_stops_make_data_naming_the_file_and_changes_nothing(raw_copy, data_copy, tmp_path):
    before = digest(data_copy)
    env = machine_faults(tmp_path / "faults", SENTAWAY_RAW=str(raw_copy),
                         SENTAWAY_TEST_FULL_DISK=str(data_copy.parent / ".extract-"))
    result = subprocess.run([sys.executable, "-m", "sentaway.extract", str(data_copy)], cwd=REPO, env=env, text=True,
                            capture_output=True, timeout=300)
    message = stopped(result)
    assert re.fullmatch(r"no space left on device while writing " + re.escape(str(data_copy.parent)) +
                        r"/\.extract-data-[^/]+/data/cla_placements\.csv; " + re.escape(str(data_copy)) + " is as it was",
                        message), message
    assert digest(data_copy) == before and not list(data_copy.parent.glob(".extract-*"))


@pytest.fixture
def small_extraction(monkeypatch):
    """make data's own swap and clean-up, on a data folder of two small files (the extraction itself stood in for)."""
    from sentaway.extract import __main__ as extract

    def build(out, raw):
        for name in ("a.csv", "b.csv"):
            (out / name).write_text("x\nnew\n", encoding="utf-8")
        return ["a.csv", "b.csv"]

    monkeypatch.setattr(extract, "RawFiles", lambda: type("Raw", (), {"root": "raw"})())
    monkeypatch.setattr(extract, "build", build)
    monkeypatch.setattr(extract, "validate_folder", lambda folder: {})
    return extract


def _small_data(tmp_path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    for name in ("a.csv", "b.csv", "claims.csv"):
        (target / name).write_text("x\nold\n", encoding="utf-8")
    return target


def test_a_data_folder_that_cannot_be_replaced_says_so_and_is_left_as_it_was(small_extraction, tmp_path, monkeypatch,
                                                                           capsys):
    target = _small_data(tmp_path)
    before = digest(target)
    rename = Path.rename

    def refused(self, destination):
        if Path(destination) == target and self.parent.name.startswith(".extract-") and self.name == target.name:
            raise PermissionError(13, "Permission denied", str(self))
        return rename(self, destination)

    monkeypatch.setattr(small_extraction, "_exchange", lambda a, b: False)  # as on a system without renameat2
    monkeypatch.setattr(Path, "rename", refused)
    assert small_extraction.main([str(target)]) == 1
    assert the_message(capsys.readouterr().err) == (f"extract: stopped, nothing written: {target} could not be replaced "
                                                    "with the new extracts (Permission denied); it is as it was")
    assert digest(target) == before and not list(tmp_path.glob(".extract-*"))


def test_a_clean_up_that_fails_after_data_was_replaced_never_says_nothing_written(small_extraction, tmp_path,
                                                                                monkeypatch, capsys):
    target = _small_data(tmp_path)
    rmtree = shutil.rmtree

    def refused(path, *args, **kwargs):
        if Path(path).name.startswith(".extract-") and not kwargs.get("ignore_errors"):
            raise PermissionError(13, "Permission denied", str(path))
        return rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", refused)
    assert small_extraction.main([str(target)]) == 0
    out, err = capsys.readouterr()
    assert "nothing written" not in out + err
    assert f"extract: wrote a.csv, b.csv into {target} in one step (kept claims.csv)" in out
    [left] = tmp_path.glob(".extract-*")
    assert the_message(err) == (f"extract: {target} was replaced, but the previous extracts left in {left} could not be "
                                "removed (Permission denied); the next make data removes them")
    assert (target / "a.csv").read_text() == "x\nnew\n" and (target / "claims.csv").read_text() == "x\nold\n"
