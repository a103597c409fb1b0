"""`make release VERSION=x.y.z` (python -m sentaway.publish.release x.y.z): publish a version.

A new version: the tree must be clean and the version newer than every recorded one. The version is set in
sentaway/__init__.py (the one source), and CITATION.cff (version, date-released) and the CHANGELOG heading
(`## Unreleased` becomes `## x.y.z (date)`) are updated from it; the book is built and the tests run; then the
version is committed, dist/sent-away-<version>.zip and its sha256 are written, releases/<version>/ is recorded (the
archive with it) and committed, and the version commit is tagged v<version>. Last, the next development version
(x.y.z+1.dev0) is set and committed, so no later build shows the released number.

`COMMIT=<hash>` records an existing commit (whose __version__ is already x.y.z) as release x.y.z: it is built and
tested in a temporary worktree. This is how 0.1.0 was recorded.

A version already in releases/: its archive is checked, and rebuilt into dist/ from the recorded commit in a
temporary worktree when neither releases/<version>/ nor dist/ holds it. Only here may `SKIP_TESTS=1` skip that
commit's tests (they passed when it was recorded).
"""

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sentaway.publish import releases as store
from sentaway.paths import REPO
from sentaway.publish.releases import ReleaseError

VERSION_FILE = REPO / "sentaway" / "__init__.py"
CITATION = REPO / "CITATION.cff"
CHANGELOG = REPO / "CHANGELOG.md"
DATAPACKAGE = REPO / "data" / "datapackage.json"  # names the version its extracts belong to
VERSION_LINE = re.compile(r'^__version__ = "([^"]*)"$', re.M)
UNRELEASED = re.compile(r"^## Unreleased[^\n]*$", re.M)


def _run(args: list[str], what: str) -> None:
    print(f"release: {what}", flush=True)
    result = subprocess.run(args, cwd=REPO)
    if result.returncode != 0:
        raise ReleaseError(f"{what} failed (messages above); nothing was committed")


# A version is three whole numbers: v0.3.0 or 0.3 would pass PEP 440 and make releases/v0.3.0/ and the tag vv0.3.0.
VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def checked_version(text: str) -> str:
    if not VERSION.fullmatch(text):
        raise ReleaseError(f"version {text!r} is not of the form x.y.z (three whole numbers, as 0.3.0)")
    return text


def dirty_files() -> list[str]:
    """The files git status lists, each named whole (read with -z: no quoting, no trimming of the first line's
    leading space, which cut the first name's first letter)."""
    result = subprocess.run(["git", "status", "--porcelain", "-z"], cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseError(f"git status: {result.stderr.strip() or 'failed'}")
    entries, files = result.stdout.split("\0"), []
    while entries:
        entry = entries.pop(0)
        if entry:
            files.append(entry[3:])
            if entry[0] in "RC" and entries:
                entries.pop(0)  # a renamed or copied file's old name follows its new one
    return files


def versioned_files() -> list[str]:
    """The files a version is written to, as paths in the repository (for git)."""
    return [str(p.relative_to(REPO)) for p in (VERSION_FILE, CITATION, CHANGELOG, DATAPACKAGE)]


def _carry(version: str, date: str | None = None) -> None:
    """Write the version to its one source and carry it to CITATION.cff (and its release date, if given) and the
    data package (which `make data` writes from the one source, so a fresh extraction still gives the same bytes)."""
    VERSION_FILE.write_text(VERSION_LINE.sub(f'__version__ = "{version}"', VERSION_FILE.read_text(encoding="utf-8"), 1),
                            encoding="utf-8")
    citation = re.sub(r"^version: .*$", f"version: {version}", CITATION.read_text(encoding="utf-8"), count=1, flags=re.M)
    if date:
        citation = re.sub(r"^date-released: .*$", f"date-released: {date}", citation, count=1, flags=re.M)
    CITATION.write_text(citation, encoding="utf-8")
    package = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    package["version"] = version
    DATAPACKAGE.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def set_version(version: str, date: str) -> None:
    """A release's version and date in every file that carries them; the changelog's Unreleased section becomes
    its section."""
    _carry(version, date)
    changelog = CHANGELOG.read_text(encoding="utf-8")
    if not re.search(rf"^## {re.escape(version)}\b", changelog, re.M):
        changelog = UNRELEASED.sub(f"## {version} ({date})", changelog, count=1)
    CHANGELOG.write_text(changelog, encoding="utf-8")


def next_development(version: str) -> str:
    """The development version after a release: 0.2.0 -> 0.2.1.dev0 (any later release may follow it)."""
    major, minor, micro = (list(store.parse_version(version).release) + [0, 0])[:3]
    return f"{major}.{minor}.{micro + 1}.dev0"


def begin_development(released: str) -> str:
    """After recording a release: the next development version in the same files (CITATION.cff keeps the
    release's date), so a book built from later commits never shows the released number; the changelog opens an
    `## Unreleased` section."""
    version = next_development(released)
    _carry(version)
    changelog = CHANGELOG.read_text(encoding="utf-8")
    if not UNRELEASED.search(changelog):
        changelog = re.sub(r"^## ", "## Unreleased\n\n## ", changelog, count=1, flags=re.M)
    CHANGELOG.write_text(changelog, encoding="utf-8")
    return version


def changelog_ready(version: str) -> bool:
    text = CHANGELOG.read_text(encoding="utf-8")
    return bool(UNRELEASED.search(text) or re.search(rf"^## {re.escape(version)}\b", text, re.M))


def citation_date(commit: str) -> str:
    text = store.git("show", f"{commit}:CITATION.cff")
    match = re.search(r"^date-released: *['\"]?(\d{4}-\d{2}-\d{2})", text, re.M)
    if not match:
        raise ReleaseError(f"CITATION.cff at {commit[:10]} has no date-released")
    return match.group(1)


def rebuild_recorded(version: str, skip_tests: bool) -> int:
    release = next(r for r in store.load_all() if r.version == version)
    try:
        archive, state = store.find_archive(release)
        print(f"release: {version} is recorded (commit {release.commit[:10]}); {archive} is the {state} archive")
        return 0
    except ReleaseError:
        pass
    archive = store.rebuild(release, run_tests=not skip_tests)
    print(f"release: rebuilt {archive} from commit {release.commit[:10]} (recorded {release.date})")
    return 0


def record_commit(version: str, commit: str) -> int:
    """Record an existing commit as a release: build and test it in a temporary worktree."""
    commit = store.git("rev-parse", f"{commit}^{{commit}}")
    dirty = dirty_files()
    if dirty:
        raise ReleaseError(f"the tree has uncommitted changes ({', '.join(dirty[:3])}); commit or stash them first")
    found = VERSION_LINE.search(store.git("show", f"{commit}:sentaway/__init__.py"))
    if not found or found.group(1) != version:
        raise ReleaseError(f"commit {commit[:10]} is version {found.group(1) if found else '?'}, not {version}")
    date = citation_date(commit)
    with tempfile.TemporaryDirectory() as tmp:
        collected = Path(tmp)

        def keep(tree: Path) -> None:
            shutil.copytree(tree / "book" / "executed", collected / "executed")

        archive = store.build_commit(version, commit, store.DIST, run_tests=True, keep=keep)
        folder = store.record(version, date, commit, archive, collected / "executed" / "downloads",
                              collected / "executed")
    store.git("add", str(folder.relative_to(REPO)))
    store.git("commit", "-m", f"Record release {version} (commit {commit[:10]}, {date}) in releases/{version}")
    _tag(version, commit)
    print(f"release: recorded {version} from commit {commit[:10]} in {folder.relative_to(REPO)}; archive {archive}")
    return 0


def _tag(version: str, commit: str) -> None:
    tag = f"v{version}"
    if subprocess.run(["git", "rev-parse", "-q", "--verify", f"refs/tags/{tag}"], cwd=REPO,
                      capture_output=True).returncode == 0:
        print(f"release: tag {tag} exists already; left as it is")
        return
    store.git("tag", "-a", tag, commit, "-m", f"Sent Away {version}")


def new_release(version: str) -> int:
    recorded = store.load_all()
    if recorded and store.parse_version(version) <= recorded[-1].key:
        raise ReleaseError(f"version {version} is not newer than the latest recorded release {recorded[-1].version}")
    dirty = dirty_files()
    if dirty:
        raise ReleaseError(f"the tree has uncommitted changes ({len(dirty)}: {', '.join(dirty[:3])}"
                           f"{' ...' if len(dirty) > 3 else ''}); commit or stash them first")
    if not changelog_ready(version):
        raise ReleaseError(f"CHANGELOG.md has no `## Unreleased` or `## {version}` section: write what changed first")
    date = dt.date.today().isoformat()
    set_version(version, date)
    try:
        # `make test` builds the book first and runs the tests as CI does (on every core).
        _run(["make", "--no-print-directory", "test"], f"building the book of {version} and running its tests")
    except ReleaseError:
        store.git("checkout", "--", *versioned_files())
        raise
    files = versioned_files()
    if store.git("status", "--porcelain", "--", *files):  # unchanged when a stopped release is run again
        store.git("commit", "-q", "-m", f"Sent Away {version}: the version set in sentaway/__init__.py, CITATION.cff, "
                  "CHANGELOG.md and data/datapackage.json", "--", *files)
    commit = store.git("rev-parse", "HEAD")
    _run([sys.executable, "-m", "sentaway.publish.dist"], f"writing the archive of {version}")
    archive = store.DIST / store.archive_name(version)
    executed = REPO / "book" / "executed"
    folder = store.record(version, date, commit, archive, executed / "downloads", executed)
    store.git("add", str(folder.relative_to(REPO)))
    store.git("commit", "-q", "-m", f"Record release {version} in releases/{version}")
    _tag(version, commit)
    development = begin_development(version)
    store.git("commit", "-q", "-m", f"Begin {development}: a book built after release {version} does not show its "
              "number", "--", *versioned_files())
    print(f"release: {version} recorded in {folder.relative_to(REPO)}, archive {archive}, tag v{version} on "
          f"{commit[:10]}; the archive is kept in releases/{version}/ too. The version is now {development}.")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make release", description=__doc__.splitlines()[0])
    parser.add_argument("version", nargs="?")
    parser.add_argument("--commit", help="record this existing commit as the release")
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args(argv)
    try:
        if not args.version:
            raise ReleaseError("say which version: make release VERSION=x.y.z")
        checked_version(args.version)
        recorded = {r.version for r in store.load_all()}
        if args.version in recorded:
            return rebuild_recorded(args.version, args.skip_tests)
        if args.skip_tests:
            raise ReleaseError("SKIP_TESTS is only for rebuilding the archive of a recorded release from its commit; "
                               "a new release must pass its tests")
        if args.commit:
            return record_commit(args.version, args.commit)
        return new_release(args.version)
    except ReleaseError as error:
        print(f"release: stopped. {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
