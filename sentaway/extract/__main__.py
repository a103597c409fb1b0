"""`python -m sentaway.extract [OUT_DIR]`: rebuild data/ from the raw official files.

Everything is written to a temporary folder first and moved into place only when all of it
succeeded, so a failure leaves the committed extracts as they were.
"""

import csv
import io
import shutil
import sys
import tempfile
from pathlib import Path

from ..paths import DATA, transcribed_dir
from ..raw import RawFiles, RawDataError, sha256_of
from ..suppression import CellError
from ..validate import SchemaError, validate_folder
from . import catalogue, placements
from .catalogue import EXTRACTORS
from .write import csv_text, placements_csv

TRANSCRIBED = "placement_location_2015_2016.csv"
CLAIM_SOURCES = "claim_sources.csv"
DATASET_URL = "https://explore-education-statistics.service.gov.uk/data-catalogue/data-set/{}"


def transcribed_csv(folder: Path) -> tuple[str, dict]:
    path = folder / TRANSCRIBED
    if not path.is_file():
        raise RawDataError(f"{path}: transcribed figures missing")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    columns = [f["name"] for f in catalogue.resource("transcribed_placement_location")["fields"]]
    records = [[row[c] for c in columns[:-1]] + [DATASET_URL.format(row["dataset_id"])] for row in rows]
    source = {f"transcribed/{TRANSCRIBED}": {
        "origin": "hand-transcribed, see ../shared/transcribed/README.md", "sha256": sha256_of(path),
        "release": "Children looked after: A focus on placement location, 2024 (transcribed)"}}
    return csv_text(columns, records), source


def claim_sources_csv(folder: Path) -> tuple[str, dict]:
    """The printed sources of the claims' figures, unchanged but for a fixed column order and line ends."""
    path = folder / CLAIM_SOURCES
    if not path.is_file():
        raise RawDataError(f"{path}: transcribed claim sources missing")
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    columns = catalogue.CLAIM_SOURCE_FIELDS
    absent = [c for c in columns if rows and c not in rows[0]]
    if absent:
        raise RawDataError(f"{path}: column(s) {', '.join(absent)} missing")
    source = {f"transcribed/{CLAIM_SOURCES}": {
        "origin": "hand-transcribed, see ../shared/transcribed/README.md", "sha256": sha256_of(path),
        "release": "printed sources of the claims' figures (not official values)"}}
    return csv_text(columns, [[row[c] for c in columns] for row in rows]), source


def _sources(raw: RawFiles, rows) -> dict:
    """{raw file: manifest facts and release} for the files these rows came from (a row built from several
    files lists them all in `sources`)."""
    found = {}
    for row in rows:
        for source in getattr(row, "sources", (row.source,)):
            entry = raw.entries[source.file]
            found[source.file] = {"origin": entry.origin_path, "sha256": entry.sha256, "release": source.release}
    return found


def build(out: Path, raw: RawFiles) -> list[str]:
    rows = placements.extract(raw)
    files = {"cla_placements.csv": placements_csv(rows)}
    sources = {"cla_placements": _sources(raw, rows)}
    print(f"extract: cla_placements, {len(rows)} rows", flush=True)
    for module in EXTRACTORS():
        spec = module.RESOURCE
        rows = module.extract(raw)
        files[spec["path"]] = module.to_csv(rows)
        sources[spec["name"]] = _sources(raw, rows)
        print(f"extract: {spec['name']}, {len(rows)} rows", flush=True)
    files["transcribed_placement_location.csv"], sources["transcribed_placement_location"] = \
        transcribed_csv(transcribed_dir())
    files["claim_sources.csv"], sources["claim_sources"] = claim_sources_csv(transcribed_dir())
    files["datapackage.json"] = catalogue.datapackage(sources)
    files["README.md"] = catalogue.readme(sources, placements.SKIPPED)
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="")
    return sorted(files)


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else DATA
    try:
        raw = RawFiles()
        print(f"extract: reading raw files from {raw.root}", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            written = build(Path(tmp), raw)
            for name, rows in validate_folder(Path(tmp)).items():
                print(f"extract: {name} matches its schema ({rows} rows)", flush=True)
            target.mkdir(parents=True, exist_ok=True)
            for name in written:
                shutil.copyfile(Path(tmp) / name, target / name)
                print(f"extract: wrote {target / name}", flush=True)
    except (RawDataError, CellError, SchemaError, ValueError) as error:
        print(f"extract: stopped, nothing written.\n{error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
