"""Where things live: the repository, the committed extracts, and the raw official files."""

import errno
import fcntl
import os
import sys
from contextlib import contextmanager
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
# The claims register `make book` computed once for every page (sentaway/register/register.py reads it).
REGISTER_ENV = "SENTAWAY_REGISTER"


def note_read(rel: str) -> None:
    """Note that this run read the repository's file `rel` ("data/x.csv", "book/words/x.yml"), where the
    build asked ($SENTAWAY_DATA_READS): the file is then part of the notebook's cache key, so the notebook
    re-runs only when a file it actually read changes."""
    log = os.environ.get(READS_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(rel + "\n")


def write_imported_modules(log) -> None:
    """Write the file of every package module this process imported into `log`, one a line: with the files it
    read (note_read), what a run's cache key is made of (the build reads both)."""
    with open(log, "w", encoding="utf-8") as handle:
        handle.writelines(module.__file__ + "\n" for name, module in list(sys.modules.items())
                          if (name == "sentaway" or name.startswith("sentaway.")) and getattr(module, "__file__", None))


def _opened_for_writing(args) -> bool:
    mode, flags = args[1], args[2] if len(args) > 2 else 0
    return (mode is not None and any(m in str(mode) for m in "wax+")) or \
        (mode is None and bool((flags or 0) & (os.O_WRONLY | os.O_RDWR)))


def watch_reads() -> None:
    """In a run the build started ($SENTAWAY_DATA_READS set): note every file of the repository the run
    opens for reading (a template, anything package code reads without data_file), so none can be left
    out of the cache key. The package's own source (its modules are listed by the build) and the build's
    folders are not noted."""
    if not os.environ.get(READS_ENV):
        return
    root = os.path.join(str(REPO), "")
    skipped = tuple(os.path.join(root, part, "") for part in ("sentaway", "_build", ".venv", ".git"))
    seen = set()

    def hook(event, args):
        if event != "open" or not isinstance(args[0], (str, os.PathLike)) or _opened_for_writing(args):
            return
        path = os.path.abspath(os.fspath(args[0]))
        if path.startswith(root) and not path.startswith(skipped) and path not in seen and os.path.isfile(path):
            seen.add(path)
            note_read(os.path.relpath(path, root).replace(os.sep, "/"))

    sys.addaudithook(hook)


_WRITING: list[str] = []  # the last file this process opened for writing (watch_writes)


def watch_writes() -> None:
    """Remember the last file this process opens for writing: a full disk fails a write() with no file name, and
    no_space() names it all the same."""
    def hook(event, args):
        if event == "open" and isinstance(args[0], (str, os.PathLike)) and _opened_for_writing(args):
            _WRITING[:] = [os.fspath(args[0])]

    sys.addaudithook(hook)


def no_space(error: BaseException) -> str | None:
    """'no space left on device while writing X' for a full disk (X: the file named by the error, else the last this
    process opened for writing, where watch_writes() watched); None for any other error."""
    if not (isinstance(error, OSError) and error.errno == errno.ENOSPC):
        return None
    return f"no space left on device while writing {error.filename or (_WRITING[-1] if _WRITING else 'a file')}"


@contextmanager
def data_lock(data: Path, who: str):
    """Held by `make data` (writing a data folder) and `make book` (reading data/) for the whole of their run, so the
    two never interleave: a page is never kept as fresh against data it did not see. The lock is a file beside the
    folder (.data.lock); whichever comes second waits, saying so."""
    data.parent.mkdir(parents=True, exist_ok=True)
    with open(data.parent / f".{data.name}.lock", "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"{who}: waiting for the make data or make book already running on {data} to finish", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def data_file(name: str) -> Path:
    """The path of data/<name>, noting the read (note_read)."""
    note_read(f"data/{name}")
    return DATA / name
