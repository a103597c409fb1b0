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


def data_file(name: str) -> Path:
    """The path of data/<name>, noting the read where the build asked (so a notebook re-runs only when a
    file it actually read changes)."""
    log = os.environ.get(READS_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(name + "\n")
    return DATA / name
