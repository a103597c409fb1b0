"""Reading the unedited official files: only after their sha256 matches MANIFEST.csv."""

import csv
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from sentaway.paths import raw_dir


class RawDataError(RuntimeError):
    """A raw file is missing, altered or unreadable: the message names it."""


class ChecksumMismatch(RawDataError):
    pass


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    bytes: int
    sha256: str
    origin_path: str


MANIFEST_COLUMNS = ["path", "bytes", "sha256", "origin_path"]
SHA256 = re.compile(r"[0-9a-f]{64}")
# A year as DfE's "Reporting year" files give it (at 31 March): four digits, nothing else.
YEAR = re.compile(r"[0-9]{4}")
YEAR_COLUMNS = ("time_period",)


def checked_rows(path: Path, data: bytes, columns: list[str], encoding: str, header_word: str = "columns"):
    """(line, fields) for each non-empty row of a CSV read strictly: decodable, exactly the expected header, one
    field per column; a problem stops with the file and line. Shared by the manifest and the transcribed files."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise RawDataError(f"{path}: not UTF-8 (byte {error.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if header != columns:
        raise RawDataError(f"{path}, line 1: {header_word} {','.join(header)!r}, expected {','.join(columns)!r}")
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(columns):
            raise RawDataError(f"{path}, line {line}: {len(row)} fields where the header has {len(columns)}")
        yield line, row


def read_manifest(manifest: Path) -> dict[str, ManifestEntry]:
    """MANIFEST.csv read strictly: exact header, no byte-order mark, whole byte counts, 64-hex checksums,
    each path once. A problem stops with the line, column and value."""
    data = manifest.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        raise RawDataError(f"{manifest}, line 1, column path: a byte-order mark (U+FEFF) before the header; "
                           "save the file as UTF-8 without BOM")
    entries: dict[str, ManifestEntry] = {}
    for line, row in checked_rows(manifest, data, MANIFEST_COLUMNS, "utf-8", header_word="header"):
        path, size, sha, origin = row
        if not size.isdigit() or not size.isascii():
            raise RawDataError(f"{manifest}, line {line}, column bytes: {size!r} is not a whole number of bytes")
        if not SHA256.fullmatch(sha):
            raise RawDataError(f"{manifest}, line {line}, column sha256: {sha!r} is not a sha256 (64 lowercase hex digits)")
        if path in entries:
            raise RawDataError(f"{manifest}, line {line}, column path: {path!r} listed twice")
        entries[path] = ManifestEntry(path, int(size), sha, origin)
    return entries


class RawFiles:
    """The raw folder, opened through its manifest: every read is of a verified file."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else raw_dir()
        manifest = self.root / "MANIFEST.csv"
        if not manifest.is_file():
            raise RawDataError(
                f"No raw data manifest at {manifest}. Put the official files in ../shared/raw "
                "beside the repository or point SENTAWAY_RAW at them."
            )
        self.entries = read_manifest(manifest)
        self._checked: set[str] = set()
        # What may say, for a file, the last year it can hold and why (the extraction's releases): a later year in
        # its year column stops, naming the file, line and year.
        self.last_year: Callable[[str], tuple[int, str] | None] = lambda rel: None

    def verified(self, rel: str) -> Path:
        """The path of `rel` after checking it is listed, present and unaltered."""
        if rel not in self.entries:
            raise RawDataError(f"{rel}: not listed in {self.root / 'MANIFEST.csv'}")
        path = self.root / rel
        if not path.is_file():
            raise RawDataError(f"{rel}: missing from {self.root} (listed in MANIFEST.csv)")
        if rel not in self._checked:
            actual = sha256_of(path)
            expected = self.entries[rel].sha256
            if actual != expected:
                raise ChecksumMismatch(
                    f"{rel}: checksum mismatch, the file has been altered or corrupted\n"
                    f"  expected sha256 {expected} (MANIFEST.csv)\n"
                    f"  found    sha256 {actual}"
                )
            self._checked.add(rel)
        return path

    def text(self, rel: str) -> str:
        """Decoded text: UTF-8 (with or without BOM), else Windows-1252 as older DfE files use."""
        data = self.verified(rel).read_bytes()
        if not data.strip():
            raise RawDataError(f"{rel}: the file is empty")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data.decode("cp1252")

    def rows(self, rel: str) -> tuple[list[str], list[list[str]]]:
        """Header (names stripped) and rows; a row of the wrong width stops with its number."""
        reader = csv.reader(io.StringIO(self.text(rel), newline=""))
        header = [name.strip() for name in next(reader)]
        repeated = [name for name, count in Counter(header).items() if name and count > 1]
        if repeated:
            first = header.index(repeated[0])
            again = header.index(repeated[0], first + 1)
            raise RawDataError(f"{rel}, line 1, column {again + 1}: column name {repeated[0]!r} repeated "
                               f"(also column {first + 1}); which one holds the figures is ambiguous")
        years = [(i, name) for i, name in enumerate(header) if name in YEAR_COLUMNS]
        limit = self.last_year(rel) if years else None
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise RawDataError(
                    f"{rel}, line {number}: {len(row)} fields where the header has {len(header)} "
                    "(truncated or malformed file)"
                )
            for i, name in years:
                if not YEAR.fullmatch(row[i].strip()):
                    raise RawDataError(f"{rel}, line {number}, column {name}: {row[i]!r} is not a year "
                                       "(four digits, the year of 31 March)")
                if limit and int(row[i]) > limit[0]:
                    raise RawDataError(f"{rel}, line {number}, column {name}: year {row[i].strip()} in {limit[1]}")
            rows.append(row)
        if not rows:
            raise RawDataError(f"{rel}: a header but no data rows")
        return header, rows

    def records(self, rel: str, required: list[str]) -> list[dict[str, str]]:
        """Rows as dicts, after checking that every `required` column is in the header."""
        header, rows = self.rows(rel)
        missing = [name for name in required if name not in header]
        if missing:
            raise RawDataError(
                f"{rel}: expected column(s) {', '.join(missing)} not found; the header has {', '.join(header)}"
            )
        return [dict(zip(header, row)) for row in rows]

    def sheet(self, rel: str, name: str) -> list[list[object]]:
        """One worksheet of a verified .xlsx workbook, as rows of cell values (None for an empty cell),
        read with pandas and openpyxl. A missing sheet or an unreadable workbook stops naming the file."""
        path = self.verified(rel)
        try:
            frame = pd.read_excel(path, sheet_name=name, header=None, dtype=object, engine="openpyxl")
        except ValueError as error:
            if "not found" in str(error).lower():
                raise RawDataError(f"{rel}: no sheet {name!r} in the workbook") from None
            raise RawDataError(f"{rel}: sheet {name!r} cannot be read ({error})") from None
        except (zipfile.BadZipFile, OSError, KeyError) as error:
            raise RawDataError(f"{rel}: not a readable .xlsx workbook ({error})") from None
        return [[None if pd.isna(cell) else cell for cell in row] for row in frame.itertuples(index=False)]
