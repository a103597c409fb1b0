"""`python -m sentaway.extract [OUT_DIR]`: rebuild data/ from the raw official files.

Everything is written to a temporary folder beside the target first: the new extracts, their metadata
and a copy of every other file already in the target (data/claims.csv ...). Only when all of it was
written and matches its schema is that folder swapped with the target in one rename, so an error or an
interrupt leaves the target exactly as it was.
"""

import ctypes
import os
import re
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from ..interrupt import Interruptible
from ..paths import DATA, data_lock, no_space, transcribed_dir, watch_writes
from sentaway.raw.files import RawFiles, RawDataError, checked_rows, sha256_of
from sentaway.raw.suppression import CellError, parse_cell
from sentaway.extract.validate import SchemaError, validate_folder
from . import catalogue, checks, context, council_placements, distance, missing, national_notes, national_tables
from . import placements, providers
from . import releases, shapes, spend, transcribed

# The extractors, in the order they run (the placements first: the largest, and read by the checks of others).
EXTRACTORS = [placements, council_placements, missing, distance, providers, spend, context, national_tables, national_notes]
TRANSCRIBED = "placement_location_2015_2016.csv"
CLAIM_SOURCES = "claim_sources.csv"
DATASET_URL = "https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/{}"


# The transcribed file's columns: the extract's, but the link to the data set, which the extraction adds.
TRANSCRIBED_COLUMNS = [c for c in shapes.columns("transcribed_placement_location") if c != "source_url"]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
YEAR = re.compile(r"[0-9]{4}")


def transcribed_rows(path: Path, columns: list[str]):
    """(line, row as a dict) for each row of a hand-transcribed CSV, after the checks every such file gets:
    present, its sha256 the one recorded (sentaway/extract/transcribed.py), UTF-8, exactly the expected columns, and
    one field per column in every row."""
    transcribed.verified(path)
    for line, row in checked_rows(path, path.read_bytes(), columns, "utf-8-sig"):
        yield line, dict(zip(columns, row))


def read_transcribed(path: Path) -> list[dict[str, str]]:
    """The hand-transcribed figures, checked like a raw file: exact columns (each once), a four-digit year,
    a data-set id, a whole non-negative count and a percentage from 0 to 100 in every row, and each percentage
    against its count (transcribed.shares_agree)."""
    rows, lined = [], list(transcribed_rows(path, TRANSCRIBED_COLUMNS))
    for line, item in lined:
        where = f"{path}, line {line}, column"
        if not YEAR.fullmatch(item["time_period"]):
            raise RawDataError(f"{where} time_period: {item['time_period']!r} is not a year (four digits)")
        if not UUID.fullmatch(item["dataset_id"]):
            raise RawDataError(f"{where} dataset_id: {item['dataset_id']!r} is not a data-set id")
        number, status = parse_cell(item["number"], f"{where} number")
        if status or number != int(number) or number < 0:
            raise RawDataError(f"{where} number: {item['number']!r} is not a whole number of children")
        share, status = parse_cell(item["percentage_of_location_total"], f"{where} percentage_of_location_total")
        if status or not 0 <= share <= 100:
            raise RawDataError(f"{where} percentage_of_location_total: {item['percentage_of_location_total']!r} "
                               "is not a percentage from 0 to 100")
        rows.append(item)
    if not rows:
        raise RawDataError(f"{path}: a header but no data rows")
    transcribed.shares_agree(path, lined, shapes.read("transcribed_placement_location")["totals"])
    return rows


def transcribed_csv(folder: Path) -> tuple[str, dict]:
    path = folder / TRANSCRIBED
    rows = read_transcribed(path)
    spec = shapes.spec("transcribed_placement_location")
    row_type = shapes.row_type("transcribed_placement_location")
    records = [row_type(**{c: row[c] for c in TRANSCRIBED_COLUMNS}, source_url=DATASET_URL.format(row["dataset_id"]),
                        where=f"{path}, row {i}") for i, row in enumerate(rows, start=1)]
    source = {f"transcribed/{TRANSCRIBED}": {**spec["source"], "sha256": sha256_of(path)}}
    return shapes.csv_text("transcribed_placement_location", records), source


def claim_sources_csv(folder: Path) -> tuple[str, dict]:
    """The printed sources of the claims' figures, checked like the other transcribed file (and every row holding
    a topic, a value found in its quote, a publisher and a date that starts with its year, or 'not read'), copied
    unchanged."""
    path = folder / CLAIM_SOURCES
    spec = shapes.spec("claim_sources")
    columns = shapes.columns("claim_sources")
    records = []
    lined = list(transcribed_rows(path, columns))
    transcribed.values_in_quotes(path, lined)
    for line, item in lined:
        for column in ("claim_topic", "value", "publisher"):
            if not item[column].strip():
                raise RawDataError(f"{path}, line {line}, column {column}: empty")
        if not (YEAR.match(item["published_date"]) or item["published_date"] == "not read"):
            raise RawDataError(f"{path}, line {line}, column published_date: {item['published_date']!r} does not start "
                               "with a year (or say 'not read')")
        records.append(shapes.row_type("claim_sources")(**item, where=f"{path}, line {line}"))
    source = {f"transcribed/{CLAIM_SOURCES}": {**spec["source"], "sha256": sha256_of(path)}}
    return shapes.csv_text("claim_sources", records), source


def _sources(raw: RawFiles, rows) -> dict:
    """{raw file: manifest facts and release} for the files these rows came from (a row built from several
    files lists them all in `sources`)."""
    found = {}
    for row in rows:
        for file, release in ([(s.file, s.release) for s in row.sources] if row.sources
                              else [(row.source_file, row.release)] if hasattr(row, "source_file") else []):
            entry = raw.entries[file]
            found[file] = {"origin": entry.origin_path, "sha256": entry.sha256, "release": release}
    return found


def _span(years) -> str:
    years = sorted(years)
    return "" if not years else str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def build(out: Path, raw: RawFiles) -> list[str]:
    registry = releases.registry()
    registry.check_manifest(raw.entries)
    raw.last_year = registry.last_year
    # The hand-made transcribed files first: a typo there stops in a second, not after every raw file is read.
    transcribed, transcribed_sources = transcribed_csv(transcribed_dir())
    printed, printed_sources = claim_sources_csv(transcribed_dir())
    files, sources = {}, {}
    held = defaultdict(set)     # release label -> the years its rows hold
    years = {}                  # extract -> the span of its years
    for module in EXTRACTORS:
        name = module.NAME
        rows = module.extract(raw)
        checks.years_within_releases(rows)
        if "totals" in module.LABELS:
            checks.parts_add_up(name, rows, raw)
        files[f"{name}.csv"] = shapes.csv_text(name, rows)
        sources[name] = _sources(raw, rows)
        for row in rows:
            if isinstance(getattr(row, "year", None), int) and hasattr(row, "release"):
                held[row.release].add(row.year)
        years[name] = _span({row.year for row in rows if isinstance(getattr(row, "year", None), int)})
        print(f"extract: {name}, {len(rows)} rows", flush=True)
    rows = releases.dates_rows(shapes.row_type("release_dates"), held)
    files["release_dates.csv"], sources["release_dates"] = shapes.csv_text("release_dates", rows), {}
    print(f"extract: release_dates, {len(rows)} rows", flush=True)
    files["transcribed_placement_location.csv"], sources["transcribed_placement_location"] = \
        transcribed, transcribed_sources
    files["claim_sources.csv"], sources["claim_sources"] = printed, printed_sources
    facts = {"years": years, "releases": releases.facts(held)}
    files["datapackage.json"] = catalogue.datapackage(sources, facts)
    files["README.md"] = catalogue.readme(sources, placements.SKIPPED, facts)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="")
    return sorted(files)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


class NotReplaced(RuntimeError):
    """The target folder could not be replaced with the new extracts; it is as it was."""


def swap_in(staged: Path, target: Path) -> None:
    """Make `staged` the target folder: one atomic exchange where possible, else two renames (the first undone if the
    second fails). NotReplaced, naming the reason, if it cannot be done; the target is then as it was."""
    try:
        if not target.exists():
            staged.rename(target)
            return
        if _exchange(staged, target):
            return  # `staged` now holds the old contents; the caller's temporary folder removes them
        old = staged.with_name(staged.name + ".old")
        target.rename(old)
        try:
            staged.rename(target)
        except OSError:
            old.rename(target)
            raise
        old.rename(staged)
    except OSError as error:
        raise NotReplaced(f"{target} could not be replaced with the new extracts ({error.strerror or error}); "
                          "it is as it was") from None


def _same(a: Path, b: Path) -> bool:
    names = lambda folder: sorted(p.name for p in folder.iterdir())  # noqa: E731
    return names(a) == names(b) and all((a / n).read_bytes() == (b / n).read_bytes() for n in names(a))


PREFIX = ".extract-"


def _extract(raw: RawFiles, target: Path, work: Interruptible) -> int:
    """Extract into a folder beside `target`, validate, and swap it in whole (unless nothing changed)."""
    for stale in target.parent.glob(f"{PREFIX}{target.name}-*"):  # left by a killed run
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{target.name}-", dir=target.parent))
    replaced = False
    try:
        staged = tmp / target.name
        staged.mkdir()
        written = build(staged, raw)
        for name, rows in validate_folder(staged).items():
            print(f"extract: {name} matches its schema ({rows} rows)", flush=True)
        kept = []
        if target.is_dir():
            for path in sorted(target.iterdir()):
                if path.name not in written:
                    (shutil.copytree if path.is_dir() else shutil.copy2)(path, staged / path.name)
                    kept.append(path.name)
        if target.is_dir() and _same(staged, target):
            print(f"extract: {target} is already up to date; nothing changed", flush=True)
            return 0
        with work.last_step():  # a signal from here on is too late: the new extracts are in place
            swap_in(staged, target)
            replaced = True
        print(f"extract: wrote {', '.join(written)} into {target} in one step"
              + (f" (kept {', '.join(kept)})" if kept else ""), flush=True)
    finally:
        try:
            shutil.rmtree(tmp)
        except OSError as error:
            # The extracts are in place (or were never moved): say what is left, never that nothing was written.
            if replaced:
                print(f"extract: {target} was replaced, but the previous extracts left in {tmp} could not be removed "
                      f"({error.strerror or error}); the next make data removes them", file=sys.stderr)
    return 0


def main(argv: list[str]) -> int:
    target = (Path(argv[0]) if argv else DATA).absolute()
    watch_writes()  # a full disk names the file it was writing
    try:
        with Interruptible() as work:  # so a kill cleans up like Ctrl-C
            raw = RawFiles()
            print(f"extract: reading raw files from {raw.root}", flush=True)
            with data_lock(target, "extract"):
                return _extract(raw, target, work)
    except (RawDataError, CellError, SchemaError, ValueError, NotReplaced) as error:
        print(f"extract: stopped, nothing written: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("extract: interrupted, nothing written.", file=sys.stderr)
        return 130
    except Exception as error:  # a full disk, or a bug rather than bad input: still one line, and nothing written
        if no_space(error):
            print(f"extract: stopped, nothing written: {no_space(error)}; {target} is as it was", file=sys.stderr)
            return 1
        print(f"extract: stopped, nothing written (internal error {type(error).__name__}: {error}; "
              "please report it)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
