"""The notebook cache is exact: a notebook re-runs when something its outputs depend on changed (its code,
a data or words file it read, a package module it imported, the pinned requirements, the Python version)
and only then; an edit to its prose alone re-renders the page with the cached outputs, executing nothing.

Most tests ask `cache.plan()` in a temporary copy of the repository (the key reads the copy's own files);
one builds the copy, for the prose edit."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from sentaway.publish import cache, prose, runner
from sentaway.publish.errors import BuildError
from sentaway import sidefiles
from sentaway.paths import READS_ENV, REPO


def _env(root: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in (sidefiles.ENV, READS_ENV)}
    return {**env, "PYTHONPATH": str(root)}


@pytest.fixture(scope="module")
def root(tmp_path_factory, site):
    """A copy of the built repository (its cached runs and site), with the same environment."""
    root = tmp_path_factory.mktemp("cache") / "repo"
    shutil.copytree(REPO, root, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "dist", ".pytest_cache", "__pycache__", ".lock", "tmp"))
    (root / ".venv").symlink_to((REPO / ".venv").resolve())
    assert _plan(root) == ([], []), "the copy's cache does not match its files: run `make book` first"
    return root


def _plan(root: Path) -> tuple[list[str], list[str]]:
    """(notebooks to run, fresh notebooks whose prose changed), as the copy's own build plans them."""
    code = ("import json; from sentaway.publish import cache; stale, fresh = cache.plan(); "
            "print(json.dumps([[r.page for r in stale], [r.page for r in fresh if cache.prose_changed(r)]]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, text=True, capture_output=True, timeout=120,
                            env=_env(root))
    assert result.returncode == 0, result.stderr
    stale, prose = json.loads(result.stdout)
    return sorted(stale), sorted(prose)


def _records(root: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (root / "_build/keys").glob("*.json")}


def readers_of(root: Path, kind: str, name: str) -> set[str]:
    """The pages whose output depends on a file (`kind` "reads" for data/, "files" for others): those that read
    it, and, where the register read it, those that read the register (computed once for them all)."""
    register = json.loads((root / "_build/register/record.json").read_text())
    product = "_build/register/register.pickle"
    return {page for page, record in _records(root).items()
            if name in record[kind] or (name in register[kind] and product in record["files"])}


def _edited(root: Path, rel: str, change) -> tuple[list[str], list[str]]:
    """The plan with one file of the copy changed, then the file restored."""
    path = root / rel
    original = path.read_bytes()
    path.write_bytes(change(original))
    assert path.read_bytes() != original
    try:
        return _plan(root)
    finally:
        path.write_bytes(original)


def _comment(text: bytes) -> bytes:
    return text + b"\n# an edited comment\n"


def test_a_change_to_an_imported_module_reruns_exactly_the_notebooks_that_imported_it(root):
    importers = {name for name, record in _records(root).items() if "sentaway/analysis/growth/rates.py" in record["modules"]}
    assert importers == {"growth"}  # the growth chapter, and no other, imports it
    assert _edited(root, "sentaway/analysis/growth/rates.py", _comment) == (["growth"], [])
    everyone = {name for name, record in _records(root).items() if "sentaway/paths.py" in record["modules"]}
    assert _edited(root, "sentaway/paths.py", _comment) == (sorted(everyone), []) and everyone == set(_records(root))


def test_the_claims_notebook_s_code_reruns_all_its_pages_and_a_page_s_parameter_that_page_only(root):
    pages = sorted(name for name in _records(root) if name.startswith("claims_"))
    assert pages == ["claims_cost", "claims_distance", "claims_missing", "claims_other", "claims_out_of_area",
                     "claims_regional"]
    edit = lambda t: t.replace(b'"family_page(page, first_year, last_year)"', b'"family_page(page, first_year, last_year)  # edited"')
    assert _edited(root, "notebooks/claims.ipynb", edit) == (pages, [])
    window = lambda t: t.replace(b"claims_missing:\n  first_year: 2015", b"claims_missing:\n  first_year: 2016")
    assert _edited(root, "params.yml", window) == (["claims_missing"], [])


def test_a_change_to_a_module_no_notebook_imports_reruns_nothing(root):
    imported = set().union(*(record["modules"] for record in _records(root).values()))
    for rel in ("sentaway/publish/site.py", "sentaway/publish/release.py", "sentaway/publish/build.py"):
        assert rel not in imported
        assert _edited(root, rel, _comment) == ([], [])


def test_a_change_to_a_page_template_or_to_how_a_run_is_recorded_reruns_every_page(root):
    """Every page's key holds the page templates (sentaway/present/templates) and the code that records a run's outputs
    (sentaway/publish/execute.py): a change to either leaves no page stale."""
    everyone = sorted(_records(root))
    assert _edited(root, "sentaway/present/templates/chart_figure.html.j2", lambda t: t + b"\n") == (everyone, [])
    assert _edited(root, "sentaway/publish/execute.py", _comment) == (everyone, [])


def test_a_change_to_a_data_file_reruns_exactly_its_readers(root):
    readers = readers_of(root, "reads", "s251_spend.csv")
    direct = {name for name, record in _records(root).items() if "s251_spend.csv" in record["reads"]}
    # The revisions page and the home page's sentence on revisions cover every series, spending included, and the council
    # pages show each council's spending; the others read it via the register.
    assert direct == {"claims_cost", "claims_other", "revisions", "index", "councils"} and readers > direct \
        and "out_of_area" not in readers
    assert _edited(root, "data/s251_spend.csv", lambda t: t + b"\n") == (sorted(readers), [])


def test_a_change_to_a_words_file_reruns_exactly_its_readers(root):
    readers = readers_of(root, "files", "book/words/verdicts.yml")
    assert readers and "growth" not in readers and "methods" not in readers
    assert _edited(root, "book/words/verdicts.yml", _comment) == (sorted(readers), [])


def test_a_changed_pin_in_requirements_reruns_every_notebook_and_a_comment_does_not(root):
    def bump(text: bytes) -> bytes:
        lines = text.decode().splitlines(keepends=True)
        pinned = next(i for i, line in enumerate(lines) if "==" in line and not line.startswith("#"))
        lines[pinned] = lines[pinned].rstrip("\n") + ".post1\n"
        return "".join(lines).encode()

    assert _edited(root, "requirements.txt", bump) == (sorted(_records(root)), [])
    # A comment re-runs only a page that shows the file itself (the Reproduce page lists the pins, read as a file).
    readers = sorted(name for name, record in _records(root).items() if "requirements.txt" in record.get("files", []))
    assert _edited(root, "requirements.txt", _comment) == (readers, [])
    assert readers == ["reproduce"]


def test_the_python_version_is_part_of_the_key(monkeypatch):
    notebook = cache.NOTEBOOKS / "methods.ipynb"
    before = cache.notebook_key(notebook, {}, ["claims.csv"])
    monkeypatch.setattr(cache.platform, "python_version", lambda: "3.11.0")
    assert cache.notebook_key(notebook, {}, ["claims.csv"]) != before


def _notebook(tmp_path: Path, cells, name="n.ipynb") -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def test_only_code_and_the_tags_that_change_how_it_runs_are_in_the_code_hash(tmp_path):
    new = nbformat.v4
    base = [new.new_markdown_cell("Prose."), new.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            new.new_code_cell("print(x)")]
    digest = cache.code_hash(_notebook(tmp_path, base))
    same = [new.new_markdown_cell("Other prose."), new.new_markdown_cell("More."),
            new.new_code_cell("x = 1", metadata={"tags": ["parameters", "remove-cell"]}),
            new.new_code_cell("print(x)", metadata={"tags": ["remove-input"]})]
    assert cache.code_hash(_notebook(tmp_path, same, "same.ipynb")) == digest
    for cells in ([base[0], new.new_code_cell("x = 1"), base[2]],  # no parameters cell: papermill injects first
                  [base[0], base[1], new.new_code_cell("print(x)  # a comment")],
                  [base[0], base[2], base[1]]):
        assert cache.code_hash(_notebook(tmp_path, cells, "other.ipynb")) != digest


def test_merging_prose_keeps_every_output_and_puts_papermill_s_cell_where_a_run_puts_it(tmp_path):
    notebook, cached = cache.NOTEBOOKS / "out_of_area.ipynb", cache.EXECUTED / "out_of_area.ipynb"
    old = nbformat.read(cached, as_version=4)
    unchanged = tmp_path / "unchanged.ipynb"
    prose.merge_prose(notebook, cached, unchanged)
    merged = nbformat.read(unchanged, as_version=4)
    assert [(c.id, c.cell_type, c.source, c.get("outputs")) for c in merged.cells] == \
           [(c.id, c.cell_type, c.source, c.get("outputs")) for c in old.cells]
    # New prose: a paragraph first, one more after the parameters cell, and the last markdown cell gone.
    source = nbformat.read(notebook, as_version=4)
    last = max(i for i, c in enumerate(source.cells) if c.cell_type == "markdown")
    del source.cells[last]
    source.cells.insert(0, nbformat.v4.new_markdown_cell("A new first paragraph."))
    parameters = next(i for i, c in enumerate(source.cells) if "parameters" in c.metadata.get("tags", []))
    source.cells.insert(parameters + 1, nbformat.v4.new_markdown_cell("After the parameters."))
    edited = _notebook(tmp_path, source.cells, "edited.ipynb")
    prose.merge_prose(edited, cached, tmp_path / "merged.ipynb")
    merged = nbformat.read(tmp_path / "merged.ipynb", as_version=4)
    assert [c.source for c in merged.cells if c.cell_type == "markdown"] == \
           [c.source for c in source.cells if c.cell_type == "markdown"]
    assert [c.outputs for c in merged.cells if c.cell_type == "code"] == [c.outputs for c in old.cells if c.cell_type == "code"]
    tags = [c.metadata.get("tags", []) for c in merged.cells]
    injected = next(i for i, t in enumerate(tags) if "injected-parameters" in t)
    assert "parameters" in tags[injected - 1] and merged.cells[injected + 1].source == "After the parameters."
    # Code that is not the code that ran is refused, never merged.
    source.cells[-1 if source.cells[-1].cell_type == "code" else parameters].source += "\n# changed"
    with pytest.raises(BuildError, match="does not hold the code of"):
        prose.merge_prose(_notebook(tmp_path, source.cells, "code.ipynb"), cached, tmp_path / "no.ipynb")


def _surely_stale(root: Path) -> bool:
    code = ("from sentaway.publish import cache; from sentaway.read import params; "
            "print(cache.surely_stale(cache.runs(params.read())))")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, text=True, capture_output=True, timeout=120,
                            env=_env(root))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip() == "True"


def test_a_page_is_known_to_run_before_the_plan_only_when_its_code_or_parameters_changed_or_its_output_is_gone(root):
    """What lets the build start the pages' warm processes before it hashes everything the plan needs: never true of a
    build that runs nothing (a prose edit, nothing changed), so those start nothing."""
    def edited(rel, change):
        path = root / rel
        original = path.read_bytes()
        path.write_bytes(change(original))
        try:
            return _surely_stale(root)
        finally:
            path.write_bytes(original)

    assert not _surely_stale(root)
    code = lambda t: t.replace(b'"family_page(page, first_year, last_year)"', b'"family_page(page, first_year, last_year)  # edited"')
    assert edited("notebooks/claims.ipynb", code)
    assert edited("params.yml", lambda t: t.replace(b"claims_missing:\n  first_year: 2015", b"claims_missing:\n  first_year: 2016"))
    assert not edited("notebooks/out_of_area.ipynb", lambda t: t.replace(b"How many children", b"How many young people", 1))
    output = root / "book/executed/methods.ipynb"
    kept = output.read_bytes()
    output.unlink()
    try:
        assert _surely_stale(root)
    finally:
        output.write_bytes(kept)
    # A data file's change is the plan's to find (it hashes what each page read).
    assert not edited("data/cla_distance.csv", lambda t: t + b"\n")


def test_a_prose_edit_executes_nothing_and_the_page_shows_the_new_prose(root):
    name = "out_of_area"
    path, executed = root / f"notebooks/{name}.ipynb", root / f"book/executed/{name}.ipynb"
    before = nbformat.read(executed, as_version=4)
    record = _records(root)[name]
    notebook = nbformat.read(path, as_version=4)
    sentence = "This sentence was added by the cache test and nothing was run."
    cell = next(c for c in notebook.cells if c.cell_type == "markdown")
    cell.source += f"\n\n{sentence}\n"
    nbformat.write(notebook, path)
    assert _plan(root) == ([], [name])
    result = subprocess.run([str(root / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=root, text=True,
                            capture_output=True, timeout=900, env=_env(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notebooks: running" not in result.stdout and "[IPKernelApp]" not in result.stderr, result.stdout
    assert f"notebooks/{name}.ipynb: only its prose changed" in result.stdout
    assert sentence in (root / f"_build/html/{name}.html").read_text(encoding="utf-8")
    after = nbformat.read(executed, as_version=4)
    assert [c.get("outputs") for c in after.cells if c.cell_type == "code"] == \
           [c.get("outputs") for c in before.cells if c.cell_type == "code"]
    kept = _records(root)[name]
    assert (kept["finished"], kept["key"], kept["side"]) == (record["finished"], record["key"], record["side"])
    assert "new prose merged in this build" in (root / "book/executed/build_status.md").read_text()
    assert _plan(root) == ([], [])
    # An edit to the build status page's template is published by the next build, though nothing runs, and the
    # page still says what the build that made the outputs did.
    template = root / "book/templates/build_status.md.j2"
    template.write_text(template.read_text().replace("# Build status\n", "# Build status\n\nA sentence of the test.\n"))
    result = subprocess.run([str(root / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=root, text=True,
                            capture_output=True, timeout=900, env=_env(root))
    assert result.returncode == 0 and "notebooks: running" not in result.stdout, result.stdout + result.stderr
    page = (root / "_build/html/build_status.html").read_text(encoding="utf-8")
    assert "A sentence of the test." in page and "new prose merged in this build" in page


def test_a_run_notes_every_repository_file_it_reads_and_nothing_it_writes(tmp_path):
    log = tmp_path / "reads.txt"
    code = ("import sentaway, pandas\n"
            "from pathlib import Path\n"
            "Path('book/templates/changes.html.j2').read_text()\n"  # read without data_file or words
            "pandas.read_csv('data/claims.csv', nrows=1)\n"
            "import sentaway.analysis.words\n"  # the package's own source: its modules are listed by the build instead
            "Path('_build/tmp-cache-test.txt').write_text('x')\n"  # the build's folders are not inputs
            "Path('_build/tmp-cache-test.txt').unlink()\n")
    env = {k: v for k, v in os.environ.items() if k != sidefiles.ENV}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, text=True, capture_output=True, timeout=120,
                            env={**env, READS_ENV: str(log), "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert sorted(set(log.read_text().split())) == ["book/templates/changes.html.j2", "data/claims.csv"]


def test_the_register_is_computed_once_and_every_page_that_shows_it_reads_that_one(root):
    """One computation of the register for the whole build: each page that shows it reads the one kept in
    _build/register/ (so its bytes are in the page's key), and that register is the one a fresh computation gives."""
    product = "_build/register/register.pickle"
    readers = {name for name, record in _records(root).items() if product in record["files"]}
    assert readers == {"register", "verdicts", "index", "revisions", "claims_cost", "claims_missing", "claims_out_of_area",
                       "claims_regional", "claims_distance", "claims_other", "councils"}  # councils: the speakers' claims
    record = json.loads((root / "_build/register/record.json").read_text())
    assert {"claims.csv", "readings.csv", "s251_spend.csv"} <= set(record["reads"])
    assert "sentaway/register/verdicts.py" in record["modules"] and "book/words/verdicts.yml" in record["files"]
    code = ("import pickle, pandas as pd; from sentaway.analysis import memo; from sentaway.register import register\n"
            "kept, evidence = pickle.loads(open('_build/register/register.pickle', 'rb').read())\n"
            "with memo.one_computation():\n    fresh, fresh_evidence = register._build()\n"
            "pd.testing.assert_frame_equal(kept, fresh)\n"
            "assert kept.attrs == fresh.attrs and {k: repr(v) for k, v in evidence.items()} == "
            "{k: repr(v) for k, v in fresh_evidence.items()}\n"
            "print(len(kept))")
    result = subprocess.run([sys.executable, "-c", code], cwd=root, text=True, capture_output=True, timeout=120,
                            env=_env(root))
    assert result.returncode == 0 and result.stdout.strip() == "57", result.stderr


def test_a_register_that_cannot_be_computed_stops_the_build_in_one_line_and_keeps_the_one_before(tmp_path, monkeypatch):
    kept = tmp_path / "register"
    kept.mkdir()
    (kept / "register.pickle").write_bytes(b"the register before")
    monkeypatch.setattr(cache, "REGISTER", kept)
    monkeypatch.setattr(cache, "TMP", tmp_path / "tmp")
    failed = subprocess.CompletedProcess([], 1, "", "Traceback (most recent call last):\n  ...\nKeyError: 'no_such_measure'\n")
    monkeypatch.setattr(runner.subprocess, "run", lambda *args, **kwargs: failed)
    with pytest.raises(BuildError) as error:
        runner.compute_register(force=True)
    assert str(error.value) == "the claims register could not be computed: KeyError: 'no_such_measure'"
    assert (kept / "register.pickle").read_bytes() == b"the register before"
