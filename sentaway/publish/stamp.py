"""What every page is stamped with besides the version: the build's date, and the commit the build came from.

The date is $SOURCE_DATE_EPOCH's where it is set (the reproducible-builds convention, so that two builds of one tree
can be compared byte for byte), else today's."""

import datetime as dt
import os
import subprocess

from sentaway.paths import REPO

EPOCH = "SOURCE_DATE_EPOCH"


def today() -> str:
    """The build's date as ISO 8601 (YYYY-MM-DD)."""
    epoch = os.environ.get(EPOCH)
    if not epoch:
        return dt.date.today().isoformat()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"${EPOCH}={epoch!r} is not a whole number of seconds since 1970") from None


def source_commit() -> tuple[str, bool]:
    """(the commit the build came from, whether the working tree had uncommitted changes); ('', False)
    where git or the history is absent (an unpacked archive)."""
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout.strip() != ""
        return sha, dirty
    except (OSError, subprocess.CalledProcessError):
        return "", False
