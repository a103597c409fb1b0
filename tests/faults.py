"""What the fault tests share: a folder's checksums, the one line a user is told, the environment of a run
they start, and editing one cell of a CSV file.

Each fault is injected into a temporary copy (of the repository, the raw files or one file) and the exact outcome
asserted: one line naming the file (and line, column, value), nothing half-made left, and the previous site and
data/ byte-identical; or success with what is published matching a fresh computation.
"""

import csv
import hashlib
import io
import os
import subprocess
import time
from pathlib import Path

from sentaway import sidefiles
from sentaway.paths import DATA, REPO, data_lock, raw_dir, transcribed_dir

KERNEL_NOISE = "[IPKernelApp]"
SHARE = "ooa-share-2018-localgov"  # a statistical claim whose value is a share, in percent


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def the_message(stderr: str) -> str:
    """What the user is told: exactly one line (the kernels' own start-up warnings aside), no traceback."""
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [line for line in stderr.strip().splitlines() if line and KERNEL_NOISE not in line]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def run_env(**extra) -> dict:
    """The environment for a build, extraction or run the test starts: this machine's raw and transcribed files,
    and none of the variables a build sets for its own notebooks."""
    env = {k: v for k, v in os.environ.items() if k not in (sidefiles.ENV, "SENTAWAY_DATA_READS")}
    env.update({"SENTAWAY_RAW": str(raw_dir()), "SENTAWAY_TRANSCRIBED": str(transcribed_dir()), **extra})
    return env


def replace_cell(text: str, line: int, column: str, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def claims_line(claim_id: str) -> int:
    rows = list(csv.DictReader(io.StringIO((DATA / "claims.csv").read_text(encoding="utf-8"))))
    return next(i for i, row in enumerate(rows, start=2) if row["claim_id"] == claim_id)


SHARE = "ooa-share-2018-localgov"  # a statistical share, in percent


def waits_while_locked(command: list[str], data, who: str, env: dict | None = None) -> str:
    """Run `command` while this test holds `data`'s lock, as a make data or make book would: it must say it waits,
    and do nothing until the lock is let go; then it finishes. Returns its output."""
    with data_lock(data, "test"):
        process = subprocess.Popen(command, cwd=REPO, env=env or run_env(), text=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        first = process.stdout.readline()
        while first and "waiting for" not in first:
            first = process.stdout.readline()
        assert first.startswith(f"{who}: waiting for the make data or make book already running on {data}"), first
        time.sleep(1)
        assert process.poll() is None, "it went on while the other held the lock"
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out
