"""The release store: releases/<version>/ in the repository holds what each published version said (release.json,
the claims register as CSV and JSON, the glued figures as JSON) and its deposited archive, the bytes whose sha256
release.json records. Every clone can so show every earlier version as it was published, without rebuilding it.

A clone may lack tags: a release is found from releases/ alone. An archive missing from releases/ (recorded before
archives were kept there, or deleted) is looked for in dist/, and can be rebuilt there from the commit recorded in
its release.json (`rebuild`).
"""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from sentaway.paths import REPO, raw_dir, transcribed_dir

RELEASES = REPO / "releases"
DIST = REPO / "dist"
RENAMES = "renames.csv"
REGISTER_FILES = ("claims_register.csv", "claims_register.json")
GLUE_FILE = "glued_figures.json"


class ReleaseError(RuntimeError):
    """A problem stated in one line for the person running the command."""


@dataclass(frozen=True)
class Release:
    version: str
    date: str
    commit: str
    archive: str
    sha256: str
    tag: str

    @property
    def key(self) -> Version:
        return Version(self.version)


def parse_version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        raise ReleaseError(f"version {text!r} is not a version number like 0.2.0 (PEP 440)") from None


def archive_name(version: str) -> str:
    return f"sent-away-{version}.zip"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def deposited(release: "Release", root: Path = RELEASES) -> Path:
    """Where a release's deposited archive is kept: beside its release.json."""
    return root / release.version / release.archive


def load_all(root: Path = RELEASES) -> list[Release]:
    """Every recorded release, oldest first."""
    found = []
    for record in sorted(root.glob("*/release.json")):
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            release = Release(**{k: data[k] for k in Release.__dataclass_fields__})
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise ReleaseError(f"{record}: not a release record ({error})") from None
        if release.version != record.parent.name:
            raise ReleaseError(f"{record}: says version {release.version} but sits in {record.parent.name}/")
        parse_version(release.version)
        found.append(release)
    return sorted(found, key=lambda r: r.key)


def register(version: str, root: Path = RELEASES) -> list[dict]:
    """A release's stored register, every cell as the text the CSV holds."""
    path = root / version / "claims_register.csv"
    if not path.is_file():
        raise ReleaseError(f"{path}: missing; every release stores its register (make release writes it)")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _old_to_new(path: Path, header: list[str], valid, wrong: str, twice: str) -> dict[str, str]:
    """The rows of an old-to-new list of releases/ (renames.csv, moved_pages.csv) as {old: new}; {} where the file is
    absent. A row `valid(old, new)` refuses, or an old named twice, stops with its line."""
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != header:
            raise ReleaseError(f"{path}: the header must be {','.join(header)} (found {','.join(reader.fieldnames or [])})")
        pairs = {}
        for line, row in enumerate(reader, start=2):
            old, new = (row[header[0]] or "").strip(), (row[header[1]] or "").strip()
            if not valid(old, new):
                raise ReleaseError(f"{path}: row {line}: {wrong} (found {old!r}, {new!r})")
            if old in pairs:
                raise ReleaseError(f"{path}: row {line}: {old} is {twice} twice")
            pairs[old] = new
    return pairs


def renames(root: Path = RELEASES) -> dict[str, str]:
    """old claim id -> new claim id, from releases/renames.csv (absent: no claim was ever renamed)."""
    return _old_to_new(root / RENAMES, ["old_id", "new_id"], lambda old, new: old and new and old != new,
                       "old_id and new_id must both be given and differ", "renamed")


MOVES = "moved_pages.csv"


def _is_page(path: str) -> bool:
    return path.endswith(".html") and not path.startswith("/") and ".." not in path.split("/")


def moves(root: Path = RELEASES) -> dict[str, str]:
    """old page -> the page it is now (paths relative to the site root), from releases/moved_pages.csv: pages of
    earlier releases that later ones publish at another address (0.1.0 and 0.2.0 kept them under book/executed/).
    make site answers each old address at the site's root with a redirect to the new one."""
    return _old_to_new(root / MOVES, ["old", "new"], lambda old, new: _is_page(old) and _is_page(new),
                       "old and new must be pages of the site (a/b.html)", "moved")


def final_id(claim_id: str, pairs: dict[str, str]) -> str:
    """Follow renames (a -> b -> c) to the id a claim has now."""
    seen = set()
    while claim_id in pairs and claim_id not in seen:
        seen.add(claim_id)
        claim_id = pairs[claim_id]
    return claim_id


def glued_figures(executed: Path) -> dict:
    """The myst-nb glue values of the executed notebooks: {notebook: {name: {mime type: text}}}."""
    figures = {}
    for path in sorted(executed.glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        values = {}
        for cell in notebook.get("cells", []):
            for output in cell.get("outputs", []):
                glue = output.get("metadata", {}).get("scrapbook")
                if not glue:
                    continue
                prefix = glue.get("mime_prefix", "")
                values[glue["name"]] = {mime[len(prefix):]: "".join(text) if isinstance(text, list) else text
                                        for mime, text in sorted(output.get("data", {}).items())
                                        if mime[len(prefix):].startswith("text/")}
        if values:
            figures[path.stem] = values
    return figures


def record(version: str, date: str, commit: str, archive: Path, register_dir: Path, executed: Path,
           root: Path = RELEASES) -> Path:
    """Write releases/<version>/: release.json, the register, the glued figures and the archive itself. Written to
    a temporary folder first and moved into place whole."""
    folder = root / version
    if folder.exists():
        raise ReleaseError(f"{folder} exists: release {version} is already recorded (versions are never reused)")
    for name in REGISTER_FILES:
        if not (register_dir / name).is_file():
            raise ReleaseError(f"{register_dir / name}: missing; the book build writes it (make book)")
    figures = glued_figures(executed)
    if not figures:
        raise ReleaseError(f"{executed}: no executed notebook with glued figures; run make book first")
    release = Release(version=version, date=date, commit=commit, archive=archive.name, sha256=sha256(archive),
                      tag=f"v{version}")
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=root))
    try:
        (staging / "release.json").write_text(json.dumps(asdict(release), indent=2) + "\n", encoding="utf-8")
        for name in REGISTER_FILES:
            shutil.copyfile(register_dir / name, staging / name)
        (staging / GLUE_FILE).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        shutil.copyfile(archive, staging / archive.name)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def git(*args: str, cwd: Path = REPO) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, text=True, capture_output=True)
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)}: {result.stderr.strip().splitlines()[-1] if result.stderr.strip() else 'failed'}")
    return result.stdout.strip()


def has_commit(commit: str, repo: Path = REPO) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"], cwd=repo,
                          capture_output=True).returncode == 0


def _build_env() -> dict:
    """The environment for building an old commit: this venv's tools, and the raw files where this checkout
    finds them (a temporary worktree has no ../shared beside it)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    if raw_dir().is_dir():
        env.setdefault("SENTAWAY_RAW", str(raw_dir()))
    if transcribed_dir().is_dir():
        env.setdefault("SENTAWAY_TRANSCRIBED", str(transcribed_dir()))
    return env


def _python_for(tree: Path, tmp: Path, run_tests: bool, env: dict, version: str, log) -> str:
    """The Python to build an old commit with: this one where the commit pins the same packages, else a
    temporary venv with the commit's own pins (an old book built with newer packages is not that book)."""
    pins = [name for name in ("requirements.txt",) + (("requirements-test.txt",) if run_tests else ())]
    if all((tree / n).is_file() and (REPO / n).is_file() and (tree / n).read_bytes() == (REPO / n).read_bytes()
           for n in pins):
        return sys.executable
    venv = tmp / "venv"
    log(f"release {version}: its pinned packages differ from this checkout's; installing them in a temporary venv")
    base = getattr(sys, "_base_executable", sys.executable)
    steps = [[base, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *sum((["-r", str(tree / n)] for n in pins
                                                                                      if (tree / n).is_file()), [])]]
    for step in steps:
        result = subprocess.run(step, env=env, text=True, capture_output=True)
        if result.returncode != 0:
            sys.stderr.write((result.stdout + result.stderr)[-3000:])
            raise ReleaseError(f"release {version}: could not install its pinned packages (messages above)")
    env["PATH"] = str(venv / "bin") + os.pathsep + env.get("PATH", "")
    return str(venv / "bin" / "python")


def build_commit(version: str, commit: str, out: Path, run_tests: bool = False, repo: Path = REPO,
                 log=print, keep=None) -> Path:
    """Check out `commit` in a temporary git worktree, build its book and archive there (and run its tests if
    asked), and copy the archive to out/; `keep(tree)` may copy more out before the worktree goes. Returns the
    archive's path."""
    if not has_commit(commit, repo):
        raise ReleaseError(f"commit {commit} of release {version} is not in this clone: "
                           f"git fetch it, or copy the deposited {archive_name(version)} into dist/")
    out.mkdir(parents=True, exist_ok=True)
    env = _build_env()
    with tempfile.TemporaryDirectory(prefix=f"sent-away-{version}-") as tmp:
        tree = Path(tmp) / "tree"
        git("worktree", "add", "--detach", str(tree), commit, cwd=repo)
        try:
            python = _python_for(tree, Path(tmp), run_tests, env, version, log)
            # Commits before the stage folders (issue 15) have sentaway/build.py and sentaway/dist.py.
            package = "sentaway.publish" if (tree / "sentaway" / "publish" / "build.py").is_file() else "sentaway"
            steps = [["-m", f"{package}.build"], ["-m", f"{package}.dist"]]
            if run_tests:
                steps.append(["-m", "pytest", "-q", "-x"])
            for step in steps:
                log(f"release {version}: running `python {' '.join(step)}` at commit {commit[:10]}")
                result = subprocess.run([python, *step], cwd=tree, env=env, text=True, capture_output=True)
                if result.returncode != 0:
                    sys.stderr.write((result.stdout + result.stderr)[-3000:])
                    raise ReleaseError(f"release {version}: `python {' '.join(step)}` failed at commit {commit[:10]} "
                                       "(messages above)")
            built = tree / "dist" / archive_name(version)
            if not built.is_file():
                found = ", ".join(p.name for p in (tree / "dist").glob("*.zip")) or "none"
                raise ReleaseError(f"commit {commit[:10]} does not build version {version} (its archive: {found})")
            target = out / built.name
            shutil.copyfile(built, target)
            shutil.copyfile(tree / "dist" / f"{built.name}.sha256", out / f"{built.name}.sha256")
            if keep:
                keep(tree)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=repo, capture_output=True)
            subprocess.run(["git", "worktree", "prune"], cwd=repo, capture_output=True)
    return target


def rebuilt_marker(archive: Path) -> Path:
    return archive.with_name(archive.name + ".rebuilt")


def rebuild(release: Release, dist: Path = DIST, run_tests: bool = False, repo: Path = REPO, log=print) -> Path:
    """Rebuild a release's missing archive from its recorded commit. The rebuilt archive holds the same sources
    but not the same bytes as the deposited one (its pages carry the rebuild's date), so a marker file next to
    it says so, and `verify` accepts it with a note."""
    archive = build_commit(release.version, release.commit, dist, run_tests=run_tests, repo=repo, log=log)
    rebuilt_marker(archive).write_text(
        f"rebuilt from commit {release.commit}; the deposited archive's sha256 is {release.sha256}\n")
    return archive


def find_archive(release: Release, dist: Path = DIST, root: Path = RELEASES) -> tuple[Path, str]:
    """(the archive to use, 'deposited' or 'rebuilt'): the deposited archive in releases/<version>/, else the
    recorded bytes or an archive rebuilt from the recorded commit in dist/. Raises if none is there, or if a
    file in either place is some other file."""
    kept = deposited(release, root)
    if kept.is_file():
        if sha256(kept) != release.sha256:
            raise ReleaseError(f"release {release.version}: {kept} has sha256 {sha256(kept)}, not the recorded "
                               f"{release.sha256}: it was altered; restore it "
                               f"(git checkout -- releases/{release.version}/{kept.name})")
        return kept, "deposited"
    archive = dist / release.archive
    if not archive.is_file():
        raise ReleaseError(f"release {release.version}: neither {kept} nor {archive} is there")
    if sha256(archive) == release.sha256:
        return archive, "deposited"
    marker = rebuilt_marker(archive)
    if marker.is_file() and release.commit in marker.read_text():
        return archive, "rebuilt"
    raise ReleaseError(f"release {release.version}: {archive} has sha256 {sha256(archive)}, not the recorded "
                       f"{release.sha256}: restore the deposited archive, or delete it to rebuild it from commit "
                       f"{release.commit[:10]}")
