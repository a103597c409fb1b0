"""A failing notebook stops the build, names the notebook and cell, and leaves the published site as it was."""

import hashlib

import nbformat

from sentaway import build


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
    monkeypatch.setattr(build, "NOTEBOOKS", notebooks)
    monkeypatch.setattr(build, "EXECUTED", tmp_path / "executed")
    monkeypatch.setattr(build, "KEYS", tmp_path / "keys")
    before = _digest(site)
    assert build.main([]) == 1
    message = capsys.readouterr().err
    assert "notebooks/broken.ipynb" in message or "broken.ipynb failed" in message
    assert "cell 1" in message and "ValueError: bad data" in message
    assert _digest(site) == before
    assert not (tmp_path / "executed" / "broken.ipynb").exists()
