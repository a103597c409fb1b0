"""Where things live: the repository, the committed extracts, and the raw official files."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
BUILD = REPO / "_build"


def raw_dir() -> Path:
    """The folder of unedited official files: $SENTAWAY_RAW, else ../shared/raw beside the repo."""
    env = os.environ.get("SENTAWAY_RAW")
    return Path(env) if env else REPO.parent / "shared" / "raw"


def transcribed_dir() -> Path:
    """Hand-transcribed official figures: $SENTAWAY_TRANSCRIBED, else beside the raw folder."""
    env = os.environ.get("SENTAWAY_TRANSCRIBED")
    return Path(env) if env else raw_dir().parent / "transcribed"


READS_ENV = "SENTAWAY_DATA_READS"


def note_read(rel: str) -> None:
    """Note that this run read the repository's file `rel` ("data/x.csv", "book/words/x.yml"), where the
    build asked ($SENTAWAY_DATA_READS): the file is then part of the notebook's cache key, so the notebook
    re-runs only when a file it actually read changes."""
    log = os.environ.get(READS_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(rel + "\n")


def data_file(name: str) -> Path:
    """The path of data/<name>, noting the read (note_read)."""
    note_read(f"data/{name}")
    return DATA / name
