"""The raw layer refuses altered, missing, truncated or empty files, naming each."""

import hashlib

import pytest

from sentaway.raw.files import ChecksumMismatch, RawDataError, RawFiles


def make_raw(tmp_path, files: dict[str, bytes]):
    lines = ["path,bytes,sha256,origin_path"]
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        lines.append(f"{name},{len(content)},{hashlib.sha256(content).hexdigest()},origin/{name}")
    (tmp_path / "MANIFEST.csv").write_text("\n".join(lines) + "\n")
    return RawFiles(tmp_path)


def test_a_verified_file_reads(tmp_path):
    raw = make_raw(tmp_path, {"a.csv": b"x,y\n1,2\n"})
    assert raw.rows("a.csv") == (["x", "y"], [["1", "2"]])


def test_one_changed_byte_stops_with_the_name_and_both_checksums(tmp_path):
    raw = make_raw(tmp_path, {"a.csv": b"x,y\n1,2\n"})
    expected = hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    (tmp_path / "a.csv").write_bytes(b"x,y\n1,3\n")
    with pytest.raises(ChecksumMismatch) as error:
        raw.rows("a.csv")
    message = str(error.value)
    assert "a.csv" in message and expected in message
    assert hashlib.sha256(b"x,y\n1,3\n").hexdigest() in message


def test_missing_and_unlisted_files_are_named(tmp_path):
    raw = make_raw(tmp_path, {"a.csv": b"x\n1\n"})
    (tmp_path / "a.csv").unlink()
    with pytest.raises(RawDataError, match="a.csv: missing"):
        raw.rows("a.csv")
    with pytest.raises(RawDataError, match="b.csv: not listed"):
        raw.rows("b.csv")


def test_no_manifest_says_where_it_looked(tmp_path):
    with pytest.raises(RawDataError, match="No raw data manifest"):
        RawFiles(tmp_path)


def test_truncated_and_empty_files(tmp_path):
    raw = make_raw(tmp_path, {"t.csv": b"x,y,z\n1,2,3\n4,5\n", "e.csv": b""})
    with pytest.raises(RawDataError, match="t.csv, line 3: 2 fields where the header has 3"):
        raw.rows("t.csv")
    with pytest.raises(RawDataError, match="e.csv: the file is empty"):
        raw.rows("e.csv")


def test_bom_and_windows_1252_are_decoded(tmp_path):
    raw = make_raw(tmp_path, {"bom.csv": "\ufeffname\nA\n".encode("utf-8"), "w.csv": "name\nSt Helen\u2019s\n".encode("cp1252")})
    assert raw.rows("bom.csv")[0] == ["name"]
    assert raw.rows("w.csv")[1] == [["St Helen\u2019s"]]


def test_a_dropped_column_is_named(tmp_path):
    raw = make_raw(tmp_path, {"a.csv": b"x,y\n1,2\n"})
    with pytest.raises(RawDataError, match="expected column\\(s\\) number not found"):
        raw.records("a.csv", ["x", "number"])
