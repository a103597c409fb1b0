"""An incremental build publishes exactly what a full build of the same tree publishes. For each kind of edit an
author makes (prose, code, data, a page template, a words file, a deleted page), one after another in a copy of the
built repository, the site the build makes from the previous one is byte-identical, page by page and asset by asset,
to the site a build makes from nothing but the same notebook outputs; at the end, to the site of a build from nothing
at all (every notebook run again). Dates are fixed ($SOURCE_DATE_EPOCH)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from faults import run_env
from sentaway.paths import REPO

EPOCH = "1780000000"  # 28 May 2026
IGNORED = shutil.ignore_patterns(".git", ".venv", "dist", ".pytest_cache", "__pycache__", ".lock", "tmp")


def _build(root: Path, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run([str(root / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=root, text=True,
                            capture_output=True, timeout=1800,
                            env=run_env(SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(root), **env))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _copy(source: Path, target: Path, *leave_out: str) -> Path:
    shutil.copytree(source, target, symlinks=True, ignore=IGNORED)
    (target / ".venv").symlink_to((REPO / ".venv").resolve())
    for rel in leave_out:
        shutil.rmtree(target / rel, ignore_errors=True)
    return target


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _differences(ours: dict, full: dict) -> list[str]:
    found = [f"only in the incremental build: {rel}" for rel in sorted(set(ours) - set(full))]
    found += [f"only in the full build: {rel}" for rel in sorted(set(full) - set(ours))]
    found += [f"differs: {rel}" for rel in sorted(set(ours) & set(full)) if ours[rel] != full[rel]]
    return found


@pytest.fixture(scope="module")
def root(tmp_path_factory, site):
    """A copy of the built repository, built again with the date fixed."""
    root = _copy(REPO, tmp_path_factory.mktemp("incremental") / "repo")
    _build(root)
    return root


def _edit(root: Path, rel: str, change) -> None:
    path = root / rel
    before = path.read_text(encoding="utf-8")
    path.write_text(change(before), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != before, rel


def _notebook(root: Path, name: str, change) -> None:
    path = root / "notebooks" / f"{name}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook["cells"])
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _add_prose(cells):
    cell = next(c for c in cells if c["cell_type"] == "markdown")
    cell["source"] = "".join(cell["source"]) + "\n\nA sentence the incremental-build test added.\n"


def _add_output(cells):
    cell = [c for c in cells if c["cell_type"] == "code"][-1]
    cell["source"] = "".join(cell["source"]) + ('\nfrom IPython.display import Markdown, display\n'
                                                'display(Markdown("A line printed by code the incremental-build test added."))\n')


def _delete_revisions(root: Path) -> None:
    (root / "notebooks/revisions.ipynb").unlink()
    _edit(root, "_toc.yml", lambda t: t.replace("      - file: revisions\n", ""))


# The copies have no git history; where a build comes from is given as the build would find it (sentaway.publish.stamp).
COMMITTED = {"SENTAWAY_TREE": json.dumps(["c" * 40, True])}

# (edit, what it does to the copy and the environment its builds get, what the incremental build must say, what the
# page must then show)
EDITS = {
    # A commit, or a first edit of a clean tree: only the pages that say where the site was built from are written.
    "commit": (lambda root: COMMITTED, ["html: building the pages that say where it is built from"],
               ("methods.html", "cccccccccccc</a>")),
    "prose": (lambda root: _notebook(root, "out_of_area", _add_prose),
              ["notebooks/out_of_area.ipynb: only its prose changed", "html: building the pages of"],
              ("out_of_area.html", "A sentence the incremental-build test added.")),
    "code": (lambda root: _notebook(root, "out_of_area", _add_output),
             ["notebooks: running 1 of", "html: building the pages of"],
             ("out_of_area.html", "A line printed by code the incremental-build test added.")),
    "data": (lambda root: _edit(root, "data/cla_placements.csv", lambda t: t.replace(
                 "not with current foster carer,all,all,170,", "not with current foster carer,all,all,180,", 1)),
             # data files are also downloads of the site, so the whole site is built again
             ["notebooks: running", "html: building every page"], None),
    "template": (lambda root: _edit(root, "sentaway/present/templates/chart_figure.html.j2", lambda t: t.replace(
                     "<strong>Source:</strong>", "<strong>Source (as the test says):</strong>")),
                 ["notebooks: running", "html: building the pages of"],
                 ("out_of_area.html", "Source (as the test says):")),
    "words file": (lambda root: _edit(root, "book/words/out_of_area_chapter.yml", lambda t: t.replace(
                       'parameters: "Parameters used for this page:', 'parameters: "The parameters this page used:')),
                   ["notebooks: running", "html: building the pages of"],
                   ("out_of_area.html", "The parameters this page used:")),
    # The council pages are side files the councils notebook writes, put into one frame page at the end of the build.
    "council pages": (lambda root: _edit(root, "book/words/councils.yml", lambda t: t.replace(
                          "Council code {{ code }} (DfE number", "Council code {{ code }} (as the test says; DfE number")),
                      ["notebooks: running 1 of", "html: building the pages of"],
                      ("council-E09000001-city-of-london.html", "as the test says; DfE number")),
    "deleted page": (_delete_revisions, ["html: building every page"], None),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_incremental_build_publishes_what_a_full_build_of_the_same_tree_does(root, tmp_path, kind):
    edit, said, shown = EDITS[kind]
    env = edit(root) or {}
    result = _build(root, **env)
    for words in said:
        assert words in result.stdout, (words, result.stdout[-3000:])
    if shown:
        page, text = shown
        assert text in (root / "_build/html" / page).read_text(encoding="utf-8")
    if kind == "deleted page":
        assert not (root / "_build/html/revisions.html").exists()
        assert not list((root / "_build/html").rglob("revisions.csv"))
    _council_pages_published(root)
    full = _copy(root, tmp_path / "full", "_build/html", "_build/sphinx")
    assert "html: building every page" in _build(full, **env).stdout
    differences = _differences(_files(root / "_build/html"), _files(full / "_build/html"))
    assert not differences, differences[:20]


def _council_pages_published(root: Path) -> None:
    """Every council page the notebook wrote is in the site, with its policy and its search entry (and the frame not)."""
    bodies = sorted(p.stem for p in (root / "book/executed/councils").glob("*.html"))
    site = root / "_build/html"
    assert bodies and sorted(p.stem for p in site.glob("council-*.html")) == bodies
    assert not (site / "council-page-frame.html").exists()
    data = json.loads((site / "_static/sentaway-search-data.js").read_text(encoding="utf-8")
                      .removeprefix("window.SA_SEARCH = ").rstrip().removesuffix(";").replace("<\\/", "</"))
    assert {page["doc"] for page in data["pages"]} >= set(bodies)
    assert "council-page-frame" not in {page["doc"] for page in data["pages"]}
    for name in bodies[:3]:
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        assert "Content-Security-Policy" in text and f"DOCUMENTATION_OPTIONS.pagename = '{name}';" in text


# The build status page says what each build ran (and when, and for how long): that differs by nature between a build
# that reused runs and one that ran them all, and is all that may (the page is not searched, so the search index holds
# none of it).
STATUS = ("build_status.html", "_sources/build_status.md")
PER_BUILD = re.compile(r"passed, (run in this build|cached \([^)]*\))|\b\d+(\.\d)? s\b|\? s\b|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def test_after_every_edit_the_site_is_the_site_a_build_from_nothing_makes(root, tmp_path):
    clean = _copy(root, tmp_path / "clean", "_build", "book/executed")
    result = _build(clean)
    assert re.search(r"notebooks: running (\d+) of \1,", result.stdout) and "html: building every page" in result.stdout
    ours, full = _files(root / "_build/html"), _files(clean / "_build/html")
    for rel in STATUS:
        assert PER_BUILD.sub("", ours.pop(rel).decode()) == PER_BUILD.sub("", full.pop(rel).decode()), rel
    differences = _differences(ours, full)
    assert not differences, differences[:20]
