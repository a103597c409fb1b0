"""Pages run warm and apart: each in a process of its own, forked from one that imported pandas and the rest once,
so no page starts a kernel, and none sees what another set."""

import json

import nbformat

from sentaway.publish import cache, runner

SETS = """import json, os
import sentaway.paths
LEAK = "set by the first page"
os.environ["SENTAWAY_TEST_LEAK"] = "set by the first page"
json.LEAKED = sentaway.paths.LEAKED = True
print(os.getpid())
"""
SEES = """import json, os
import sentaway.paths
print(os.getpid())
print(json.dumps({"global": "LEAK" in globals(), "environment": "SENTAWAY_TEST_LEAK" in os.environ,
                  "library module": hasattr(json, "LEAKED"), "package module": hasattr(sentaway.paths, "LEAKED")}))
"""


def _notebook(path, code):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


def test_a_global_or_module_state_set_by_one_page_is_not_seen_by_the_next(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "a_sets.ipynb", SETS)
    _notebook(notebooks / "b_sees.ipynb", SEES)
    for name, path in (("NOTEBOOKS", notebooks), ("EXECUTED", tmp_path / "executed"), ("KEYS", tmp_path / "keys"),
                       ("TMP", tmp_path / "tmp")):
        monkeypatch.setattr(cache, name, path)
    (tmp_path / "executed").mkdir()
    (tmp_path / "keys").mkdir()
    runs = cache.runs({})
    assert [run.page for run in runs] == ["a_sets", "b_sees"]
    # One at a time, the first page first: the second runs after the first, from the same warm process.
    assert runner.execute_runs(runs, workers=1) == ["a_sets", "b_sees"]
    outputs = {run.page: "".join(o.text for o in nbformat.read(run.output, as_version=4).cells[0].outputs)
               for run in runs}
    first, second = outputs["a_sets"].split(), outputs["b_sees"].split("\n", 1)
    assert first[0] != second[0]  # two processes
    assert json.loads(second[1]) == {"global": False, "environment": False, "library module": False,
                                     "package module": False}
    # Each lists the package modules it imported itself (not what the runner had imported): its key is exact.
    assert json.loads(runs[1].record_file.read_text())["modules"] == ["sentaway/__init__.py", "sentaway/paths.py"]


def test_a_page_is_recorded_without_times_so_the_same_run_writes_the_same_bytes(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "same.ipynb", "print('the same')\n1 + 1")
    for name, path in (("NOTEBOOKS", notebooks), ("EXECUTED", tmp_path / "executed"), ("KEYS", tmp_path / "keys"),
                       ("TMP", tmp_path / "tmp")):
        monkeypatch.setattr(cache, name, path)
    (tmp_path / "executed").mkdir()
    (tmp_path / "keys").mkdir()
    [run] = cache.runs({})
    runner.execute_runs([run], workers=1)
    once = run.output.read_bytes()
    runner.execute_runs([run], workers=1)
    assert run.output.read_bytes() == once
    cell = nbformat.reads(once.decode(), as_version=4).cells[0]
    assert [o.output_type for o in cell.outputs] == ["stream", "execute_result"] and cell.execution_count == 1
    assert cell.outputs[1].data["text/plain"] == "2"
