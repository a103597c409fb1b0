"""Pages run warm and apart: each in a process of its own, forked from one that imported pandas and the rest once,
so no page starts a kernel, and none sees what another set."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from sentaway.paths import REPO
from sentaway.present import chart_converter
from sentaway.publish import cache, runner
from sentaway.publish.errors import BuildError

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


CONVERTS = """import json, os
from sentaway.present import chart_converter
spec = {"data": {"values": [{"year": 2019, "share": 61.5}, {"year": 2020, "share": 64.0}]}, "mark": "line",
        "encoding": {"x": {"field": "year", "type": "quantitative"}, "y": {"field": "share", "type": "quantitative"}}}
print(json.dumps({"address": os.environ.get(chart_converter.ENV), "svg": chart_converter.convert("svg", spec, "x"),
                  "vega": chart_converter.convert("vega", spec, "x")}))
# Not waited for: kept beside the page once its cells have run.
from sentaway import sidefiles
chart_converter.static_svg(spec, "x", lambda svg: sidefiles.write(f"extra/chart-data/{os.getpid()}.svg", svg))
"""
BAD_CHART = """from sentaway.present import chart_converter
chart_converter.convert("svg", {"mark": "point", "encoding": {"x": {"field": "a", "type": "bogus"}}}, "share-outside")
"""
# A static SVG the page did not wait for: its failure is found once the cells have run.
BAD_STATIC = """from sentaway.present import chart_converter
chart_converter.static_svg({"mark": "point", "encoding": {"x": {"field": "a", "type": "bogus"}}}, "share-outside", print)
chart_converter.static_svg({"mark": "point"}, "fine", print)
"""


def _pages(tmp_path, monkeypatch, **codes) -> list:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name, code in codes.items():
        _notebook(notebooks / f"{name}.ipynb", code)
    for name, path in (("NOTEBOOKS", notebooks), ("EXECUTED", tmp_path / "executed"), ("KEYS", tmp_path / "keys"),
                       ("TMP", tmp_path / "tmp")):
        monkeypatch.setattr(cache, name, path)
    (tmp_path / "executed").mkdir()
    (tmp_path / "keys").mkdir()
    return cache.runs({})


def _started(monkeypatch) -> list:
    """The chart converters the runner starts, as it starts them."""
    started, original = [], chart_converter.start

    def start(*args, **kwargs):
        started.append(original(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(runner.chart_converter, "start", start)
    return started


def test_the_pages_convert_charts_through_one_warm_converter_to_the_bytes_vl_convert_makes_in_a_page(tmp_path, monkeypatch):
    runs = _pages(tmp_path, monkeypatch, a=CONVERTS, b=CONVERTS)
    started = _started(monkeypatch)
    runner.execute_runs(runs, workers=2)
    made = [json.loads(nbformat.read(run.output, as_version=4).cells[0].outputs[0].text) for run in runs]
    # One converter for the build, reached by every page; stopped, and its socket's folder gone, once they ran.
    [converter] = started
    assert made[0]["address"] == made[1]["address"] == converter.address()
    assert converter.process.poll() is not None and not Path(converter.address()).parent.exists()
    # What a notebook run by hand (no converter named) makes in its own process: the same bytes.
    monkeypatch.delenv(chart_converter.ENV, raising=False)
    spec = json.loads(CONVERTS.split("spec = ", 1)[1].split("\nprint", 1)[0].replace("\n", ""))
    for page, run in zip(made, runs):
        assert page["svg"] == chart_converter.convert("svg", spec, "x") and page["svg"].startswith("<svg")
        assert page["vega"] == chart_converter.convert("vega", spec, "x")
        [kept] = json.loads(run.record_file.read_text())["side"]
        assert (cache.EXECUTED / kept).read_text(encoding="utf-8") == page["svg"]


def test_a_chart_vl_convert_refuses_stops_the_build_naming_the_chart_in_one_line_and_the_converter_stops(tmp_path, monkeypatch):
    runs = _pages(tmp_path, monkeypatch, bad=BAD_CHART)
    started = _started(monkeypatch)
    with pytest.raises(BuildError) as error:
        runner.execute_runs(runs, workers=1)
    message = str(error.value)
    assert message.startswith(f"{runs[0].shown} failed in cell 0 (execution count 1): ChartError: chart share-outside: "
                              "vl-convert could not make its static SVG: ")
    assert 'Invalid field type' in message and "\n" not in message and " at " not in message
    [converter] = started
    assert converter.process.poll() is not None and not Path(converter.address()).parent.exists()
    # The same words where the notebook converts in its own process.
    monkeypatch.delenv(chart_converter.ENV, raising=False)
    with pytest.raises(chart_converter.ChartError) as alone:
        exec(BAD_CHART, {})
    assert str(alone.value) == message.split("ChartError: ", 1)[1]


def test_a_static_svg_vl_convert_refuses_stops_the_build_naming_the_chart_once_the_cells_ran(tmp_path, monkeypatch):
    runs = _pages(tmp_path, monkeypatch, bad=BAD_STATIC)
    with pytest.raises(BuildError) as error:
        runner.execute_runs(runs, workers=1)
    assert str(error.value).startswith(f"{runs[0].shown} failed: chart share-outside: vl-convert could not make its "
                                       "static SVG: Vega-Lite to SVG conversion failed: Error: Invalid field type")
    assert "\n" not in str(error.value) and not runs[0].output.exists()


def test_the_converter_goes_when_the_build_that_started_it_is_killed_outright(tmp_path):
    script = ("import sys, time\nfrom pathlib import Path\nfrom sentaway.present import chart_converter\n"
              f"c = chart_converter.start({{}}, Path({str(tmp_path / 'log')!r}))\n"
              "print(c.process.pid, c.address(), flush=True)\ntime.sleep(600)\n")
    build = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        pid, address = build.stdout.readline().split()
        assert Path(address).exists()
    finally:
        build.kill()
        build.wait()
    deadline = time.monotonic() + 30
    while _running(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(int(pid)) and not Path(address).parent.exists()


def _running(pid: int) -> bool:
    """Whether a process is alive (not gone, nor a zombie awaiting its parent)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_converter_that_cannot_start_stops_the_build_in_one_line(tmp_path, monkeypatch):
    runs = _pages(tmp_path, monkeypatch, a=CONVERTS)
    # Where the package cannot be found, the converter's process ends at once, saying why.
    monkeypatch.setattr(runner, "run_env", lambda: {"PATH": os.environ["PATH"], "PYTHONSAFEPATH": "1"})
    with pytest.raises(BuildError) as error:
        runner.execute_runs(runs, workers=1)
    assert str(error.value).startswith("the chart converter did not start (")
    assert "No module named 'sentaway'" in str(error.value) and "\n" not in str(error.value)
    assert not runs[0].output.exists()


def test_the_warm_process_leaves_at_once_when_the_build_ends_freeing_nothing_object_by_object():
    # What the warm process imports last (runner.PRELOAD): after it, nothing registered for the process's exit runs.
    code = "import atexit\natexit.register(print, 'freed at exit')\nimport sentaway.publish.warm\nprint('ran')"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "ran\n", "")
    assert runner.PRELOAD[-1] == "sentaway.publish.warm"
