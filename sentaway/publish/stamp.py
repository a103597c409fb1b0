"""What every page is stamped with besides the version: the build's date, and the commit the build came from.

The date is $SOURCE_DATE_EPOCH's where it is set (the reproducible-builds convention, so that two builds of one tree
can be compared byte for byte), else today's."""

import datetime as dt
import json
import os
import subprocess

from sentaway.paths import REPO

EPOCH = "SOURCE_DATE_EPOCH"
TREE = "SENTAWAY_TREE"  # what the build found of the tree as it started (stamp.tree), for the Sphinx process


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


def tree() -> tuple[str, bool]:
    """source_commit(), or what the build that started this process found ($SENTAWAY_TREE, which it passes to Sphinx),
    so that the pages and the build's record say the same whatever happens to the tree meanwhile."""
    known = os.environ.get(TREE)
    if not known:
        return source_commit()
    try:
        sha, dirty = json.loads(known)
        return str(sha), bool(dirty)
    except (ValueError, TypeError):
        raise ValueError(f"${TREE}={known!r} is not [commit, uncommitted changes]; unset it") from None
