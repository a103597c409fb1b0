"""A failing notebook stops the build, names the notebook and cell, and leaves the published site as it was;
a build with nothing changed re-executes nothing.

The tests that run a build in the repository itself live here, so that under pytest-xdist (one module per
worker) they never run at the same time: the second would find the repository's _build/.lock taken."""

import hashlib
import subprocess
import sys

import nbformat

from sentaway.paths import REPO
from sentaway.publish import build, cache
from sentaway.read import params as chapter_params
from test_cache import readers_of


def _digest(folder):
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_a_failing_notebook_stops_and_the_site_is_untouched(site, tmp_path, monkeypatch, capsys):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('bad data')")]
    broken.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(broken, notebooks / "broken.ipynb")
    monkeypatch.setattr(cache, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(cache, "EXECUTED", tmp_path / "executed")
    monkeypatch.setattr(cache, "KEYS", tmp_path / "keys")
    before = _digest(site)
    assert build.main([]) == 1
    message = capsys.readouterr().err
    assert "notebooks/broken.ipynb" in message or "broken.ipynb failed" in message
    assert "cell 1" in message and "ValueError: bad data" in message
    assert _digest(site) == before
    assert not (tmp_path / "executed" / "broken.ipynb").exists()


def _stale_after_changing(name, tmp_path, monkeypatch):
    import shutil

    from sentaway.paths import DATA

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / name
    path.write_bytes(path.read_bytes() + b"\n")  # one byte more
    monkeypatch.setattr(cache, "DATA", copy)
    stale, _ = cache.plan()
    return {run.page for run in stale}


def test_a_second_build_with_nothing_changed_reexecutes_nothing():
    result = subprocess.run([sys.executable, "-m", "sentaway.publish.build"], cwd=REPO, text=True, capture_output=True)
    assert result.returncode == 0, result.stderr
    unchanged = [line for line in result.stdout.splitlines() if line.endswith(": unchanged, using the cached run")]
    assert len(unchanged) == len(cache.runs(chapter_params.load())), result.stdout  # every run, each once
    assert "notebooks: running" not in result.stdout and "queued" not in result.stdout
    assert "nothing changed since the last build" in result.stdout


def test_nothing_is_stale_after_a_build(site):
    stale, fresh = cache.plan()
    assert not stale and fresh


def test_changing_a_data_file_reruns_exactly_the_notebooks_that_read_it(site, tmp_path, monkeypatch):
    readers = readers_of(REPO, "reads", "s251_spend.csv")  # directly, or through the register
    assert readers and "out_of_area" not in readers and "methods" not in readers
    assert _stale_after_changing("s251_spend.csv", tmp_path, monkeypatch) == readers


def test_a_stale_cache_never_publishes_an_old_number(site, tmp_path, monkeypatch):
    # The chapter's figures come from cla_placements.csv: changing it must re-run the chapter.
    assert "out_of_area" in _stale_after_changing("cla_placements.csv", tmp_path, monkeypatch)


def test_make_book_waits_while_make_data_writes_data():
    """make data and make book never interleave (issue 23, point 6): one lock for data/, held by both."""
    from sentaway.paths import DATA

    from faults import waits_while_locked

    out = waits_while_locked([sys.executable, "-m", "sentaway.publish.build"], DATA, "build")
    assert "build: finished" in out
