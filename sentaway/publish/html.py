"""The HTML step: Sphinx builds the site from book/executed/ incrementally, and the site is published whole.

- Sphinx keeps its output and environment in _build/sphinx/ from one build to the next, so it reads and writes again
  only the pages whose sources changed (sentaway.publish.incremental keeps that equal to a full build), and each page
  is finished as it is written (sentaway.publish.finish).
- What the pages depend on besides their sources (the configuration, the theme's assets, the words and records the
  stamp and citations read, the code of the extension: every repository file the Sphinx process read, and every
  package module it imported, noted as a notebook run's are) is the HTML's key: when it changed, or the last Sphinx
  run did not finish, Sphinx starts again from an empty folder. Where the site is built from (the commit, and whether
  the tree had uncommitted changes) counts as a source of the pages that say it.
- The site is published by copying Sphinx's output into a new folder (files that did not change are hard links to the
  published ones) and swapping it into _build/html only on success, so a failing or interrupted build leaves the
  previous site as it was; the published files' checksums are recorded, so a page deleted or altered in _build/html
  is noticed and published again.
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from sentaway import sidefiles
from sentaway.interrupt import Interruptible
from sentaway.paths import BUILD, READS_ENV, REPO
from sentaway.publish import cache, runner, stamp
from sentaway.publish.errors import BuildError

SITE = BUILD / "html"
SITE_RECORD = BUILD / "site.json"
SPHINX = BUILD / "sphinx"  # Sphinx's own folders: output/ and doctrees/, kept between builds
SPHINX_RECORD = SPHINX / "record.json"  # written when a Sphinx run finished and was published
# Folders the Sphinx process reads whole (copied assets, release records): a file added to them changes the key too.
LISTED = (REPO / "book" / "assets", REPO / "releases")
# Jupyter Book's configuration, which the Sphinx process keeps computed beside its folders (sentaway.publish.sphinx_run).
CONFIGURATION = (REPO / "_config.yml", REPO / "_toc.yml")
TREE = ":tree"  # among the sources' checksums: where the site is built from (no file holds it)


def sources() -> dict[str, str]:
    """What Sphinx builds from: every file of book/executed/, with its checksum."""
    return {p.relative_to(cache.EXECUTED).as_posix(): cache.sha(p)
            for p in sorted(cache.EXECUTED.rglob("*")) if p.is_file()}


def _listing() -> list[str]:
    return sorted(p.relative_to(REPO).as_posix() for folder in LISTED for p in folder.rglob("*") if p.is_file())


def _stamped() -> dict:
    """What the stamp on every page says that no file read holds: the date fixed by $SOURCE_DATE_EPOCH where it is set
    (today's date is not part of the key: a site nothing changed in keeps the date it was built). Where the site was
    built from is not part of it: when it changed, Sphinx writes again the pages that say it
    (sentaway.publish.incremental)."""
    return {"date": stamp.today() if os.environ.get(stamp.EPOCH) else ""}


def html_key(inputs: dict) -> str:
    """What every page depends on besides its source: what the last Sphinx run read and imported (its files and
    modules, the pins, the Python version), the files of the folders it reads whole, and what the stamp says."""
    parts = {**cache.dependencies(**inputs), "listing": _listing(), "configuration": cache.hash_files(CONFIGURATION),
             "stamp": _stamped()}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _site_files() -> dict[str, str]:
    return {p.relative_to(SITE).as_posix(): cache.sha(p) for p in sorted(SITE.rglob("*")) if p.is_file()} if SITE.is_dir() else {}


class Sphinx:
    """The Sphinx process: started early (`start`, importing everything while the notebooks run), told to load its
    folders once they are known to be fit to build on (`load`, by `prepare`), told to build when the sources are
    ready (`build`), or stopped unused (`close`)."""

    def __init__(self):
        self.process, self.tree = None, None  # tree: where the site is built from (stamp.tree), asked once
        self.fresh, self.kept = False, {}  # whether its folders can be built on (prepare), and their record
        self.loading = False

    def where_from(self) -> tuple[str, bool]:
        if self.tree is None:
            self.tree = stamp.tree()
        return self.tree

    def start(self) -> None:
        if self.process is not None:
            return
        cache.TMP.mkdir(parents=True, exist_ok=True)
        self.stage = Path(tempfile.mkdtemp(prefix="sphinx-", dir=cache.TMP))
        (self.stage / "reads.txt").touch()
        self.output = self.stage / "output.txt"
        args = [str(cache.EXECUTED), str(SPHINX / "output"), str(SPHINX / "doctrees"), str(self.stage / "modules.txt")]
        with open(self.output, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "sentaway.publish.sphinx_run", *args, "--wait"], cwd=REPO, stdin=subprocess.PIPE,
                stdout=log, stderr=subprocess.STDOUT, text=True,
                env={**runner.run_env(), READS_ENV: str(self.stage / "reads.txt"), stamp.TREE: json.dumps(self.where_from())})

    def load(self) -> None:
        if self.loading:
            return
        # Loading checks that the folders the configuration names exist (html_extra_path: a side-file folder), which
        # before a first build no notebook has written yet.
        for area in sidefiles.AREAS:
            (cache.EXECUTED / area).mkdir(parents=True, exist_ok=True)
        self.start()
        self.process.stdin.write("load\n")
        self.process.stdin.flush()
        self.loading = True

    def build(self) -> dict:
        """Build; the inputs it read and imported (cache.run_inputs), or BuildError with its messages."""
        self.load()
        try:
            self.process.communicate("build\n")
        finally:
            self.close()
        if self.process.returncode != 0:
            text = self.output.read_text(encoding="utf-8", errors="replace")
            if "No space left on device" in text:
                raise BuildError(f"no space left on device while writing the HTML into {cache.shown(SPHINX)} (Sphinx); "
                                 "the previous site is left as it was")
            sys.stderr.write(text[-6000:])
            raise BuildError("Sphinx failed (messages above); the previous site is left as it was")
        run = REPO / "sentaway" / "publish" / "sphinx_run.py"  # run as __main__, so not among the modules listed
        return {**runner.read_log(self.stage / "reads.txt"),
                "modules": sorted({*runner.imported(self.stage / "modules.txt", run), run.relative_to(REPO).as_posix()})}

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            for pid in runner.descendants(self.process.pid):  # the process it forks at the end (sphinx_ext: the CSVs)
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            self.process.kill()
            self.process.wait()


def _publish(key: str, published: dict[str, str], work: Interruptible) -> None:
    """A new site from Sphinx's output, swapped in whole: files whose bytes the published site already holds
    (`published`: its files' checksums now) are hard links to those, the others copies. A signal during the swap
    waits for it, and is then too late to stop the build (`work`)."""
    output = SPHINX / "output"
    cache.TMP.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="html-", dir=cache.TMP) as tmp:
        new, files = Path(tmp) / "site", {}
        for path in sorted(p for p in output.rglob("*") if p.is_file()):
            rel = path.relative_to(output).as_posix()
            target = new / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            files[rel] = cache.sha(path)
            if published.get(rel) == files[rel]:
                try:
                    os.link(SITE / rel, target)
                    continue
                except OSError:
                    pass
            shutil.copyfile(path, target)
        with work.last_step():
            SITE_RECORD.unlink(missing_ok=True)
            if SITE.exists():
                SITE.rename(Path(tmp) / "previous")
            new.rename(SITE)
    SITE_RECORD.write_text(json.dumps({"key": key, "files": files}))


def prepare(sphinx: Sphinx, force: bool = False) -> None:
    """Before the notebooks run: whether Sphinx's folders can be built on (their key holds nothing a notebook writes);
    if so, Sphinx loads them (its configuration and environment) while the notebooks run. If not, they are emptied
    only once the notebooks ran (a build that stops before keeps them)."""
    sphinx.kept = kept = cache.record(SPHINX_RECORD)
    sphinx.fresh = bool(not force and kept and kept.get("key") == html_key(cache.run_inputs(kept)))
    if sphinx.fresh:
        sphinx.load()


def build_html(sphinx: Sphinx, work: Interruptible) -> Path:
    """Bring _build/html up to date with book/executed/ (after `prepare`); the path of its index page. `work`: the
    build, which a signal stops until the site is swapped in."""
    index = SITE / "index.html"
    kept, fresh = sphinx.kept, sphinx.fresh
    now, published = {**sources(), TREE: json.dumps(sphinx.where_from())}, _site_files()  # the tree: what some pages say
    intact = index.exists() and cache.record(SITE_RECORD).get("files") == published
    if fresh and kept.get("sources") == now:
        sphinx.close()
        if intact:
            print("html: nothing changed since the last build", flush=True)
            return index
    if not intact and SITE_RECORD.is_file():
        print("html: _build/html differs from what the last build wrote (a page deleted or altered): rebuilding", flush=True)
    if fresh and kept.get("sources") == now:
        _publish(kept["key"], published, work)
        return index
    if not fresh:
        shutil.rmtree(SPHINX, ignore_errors=True)
    changed = sorted(rel for rel in set(now) | set(kept.get("sources", {})) if now.get(rel) != kept.get("sources", {}).get(rel))
    files = [rel for rel in changed if rel != TREE]
    what = f"the pages of {len(files)} changed source file(s)" if files else "the pages that say where it is built from"
    print(f"html: building {'every page' if not fresh else what} with Sphinx (notebooks are not re-executed)", flush=True)
    SPHINX_RECORD.unlink(missing_ok=True)  # a run that does not finish leaves the folder to be rebuilt from nothing
    inputs = sphinx.build()
    inputs = {**inputs, "files": [f for f in inputs["files"] if not f.startswith("book/executed/")]}
    key = kept["key"] if fresh and cache.run_inputs(inputs) == cache.run_inputs(kept) else html_key(inputs)
    _publish(key, published, work)
    SPHINX_RECORD.write_text(json.dumps({"key": key, **inputs, "sources": now}))
    (BUILD / "site.key").unlink(missing_ok=True)  # the record of builds before site.json
    return index
