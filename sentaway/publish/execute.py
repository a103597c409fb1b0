"""Run one notebook in this process, as a Jupyter kernel would, into an executed notebook.

`make book` runs each page in a fresh process forked from a warm one (sentaway.publish.runner), so a page pays
neither a kernel start nor the import of pandas and Altair, and sees nothing another page set. IPython runs the cells
(the shell a Jupyter kernel wraps); what they display, return, print and raise becomes the cells' outputs as nbclient
records them; papermill's translator writes the parameters cell, as papermill injects it. The executed notebook holds
no times, so a run that computes the same page writes the same bytes.
"""

import errno
import io
import os
import platform
import sys
from pathlib import Path

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.translators import translate_parameters
from traitlets import Type
from traitlets.config import Config

# Cell tags that change how a cell runs (as nbclient reads them).
SKIP, RAISES = "skip-execution", "raises-exception"
INJECTED = "injected-parameters"
# What ipykernel reports as the kernel's language; myst-nb reads the lexer from it.
LANGUAGE_INFO = {"name": "python", "version": platform.python_version(), "mimetype": "text/x-python",
                 "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
                 "nbconvert_exporter": "python", "file_extension": ".py"}
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


class CellError(RuntimeError):
    """A cell raised: where (its index in the executed notebook and its execution count) and what."""

    def __init__(self, cell_index: int, exec_count: int | None, ename: str, evalue: str):
        super().__init__(f"cell {cell_index} (execution count {exec_count}): {ename}: {evalue}")
        self.cell_index, self.exec_count, self.ename, self.evalue = cell_index, exec_count, ename, evalue


class _Publisher(DisplayPublisher):
    """display(): a display_data output of the running cell."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.record(nbformat.v4.new_output("display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait=False):
        self.shell.outputs.clear()


class _Hook(DisplayHook):
    """The value of a cell's last expression: its execute_result output."""

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.record(nbformat.v4.new_output("execute_result", data=format_dict, metadata=md_dict or {},
                                                 execution_count=self.prompt_count))

    def finish_displayhook(self):
        self._is_active = False


class _Stream(io.TextIOBase):
    """sys.stdout or sys.stderr: stream outputs, consecutive writes to one stream joined (as nbclient joins them)."""

    def __init__(self, shell, name: str):
        super().__init__()
        self.shell, self.name = shell, name

    def writable(self):
        return True

    def write(self, text):
        outputs = self.shell.outputs
        if outputs and outputs[-1].output_type == "stream" and outputs[-1].name == self.name:
            outputs[-1].text += text
        else:
            self.shell.record(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)


class _Shell(InteractiveShell):
    displayhook_class = Type(_Hook)
    display_pub_class = Type(_Publisher)

    def init_io(self):
        super().init_io()
        self.outputs: list = []

    def record(self, output) -> None:
        self.outputs.append(output)

    def _showtraceback(self, etype, evalue, stb):
        self.record(nbformat.v4.new_output("error", ename=etype.__name__, evalue=str(evalue), traceback=stb))


def _shell() -> _Shell:
    config = Config()
    config.HistoryManager.enabled = False  # no history database (and its thread)
    shell = _Shell.instance(config=config)
    shell.outputs = []
    return shell


def parameters_cell(notebook, parameters: dict):
    """The notebook with papermill's parameters cell after its `parameters` cell (or first), as papermill puts it."""
    cell = nbformat.v4.new_code_cell(translate_parameters("python3", "python", parameters, "Parameters"),
                                     metadata={"tags": [INJECTED]})
    cell.id = INJECTED  # papermill's is random; a fixed one keeps the executed notebook the same from run to run
    tagged = [i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", [])]
    at = tagged[0] + 1 if tagged else 0
    notebook.cells.insert(at, cell)
    return notebook


def execute(notebook, parameters: dict, cwd: Path, starting=lambda index, count: None):
    """Run the notebook's code cells in order in this process (the caller's process must be one of its own: the
    notebook's globals, imports and module state stay in it). Returns the executed notebook; CellError at the first
    cell that raises (unless tagged raises-exception). `starting(index, execution count)` is called before each cell
    runs. A cell's index is as the notebook numbers its cells (the injected parameters cell left out)."""
    if parameters:
        notebook = parameters_cell(notebook, parameters)
    shell = _shell()
    stdout, stderr, cwd_before = sys.stdout, sys.stderr, os.getcwd()
    sys.stdout, sys.stderr = _Stream(shell, "stdout"), _Stream(shell, "stderr")
    os.chdir(cwd)
    try:
        index = -1
        for cell in notebook.cells:
            tags = cell.metadata.get("tags", [])
            index += INJECTED not in tags
            if cell.cell_type != "code":
                continue
            cell.outputs, cell.execution_count = [], None
            if SKIP in tags or not cell.source.strip():
                continue
            starting(index, shell.execution_count)
            shell.outputs = cell.outputs
            result = shell.run_cell(cell.source, store_history=True)
            cell.execution_count = result.execution_count
            if isinstance(result.error_in_exec, OSError) and result.error_in_exec.errno == errno.ENOSPC:
                raise result.error_in_exec  # a full disk is the machine's fault, not the cell's: named by the runner
            if not result.success and RAISES not in tags:
                error = next((o for o in cell.outputs if o.output_type == "error"), None)
                failure = result.error_in_exec or result.error_before_exec
                raise CellError(index, cell.execution_count,
                                error.ename if error else type(failure).__name__, error.evalue if error else str(failure))
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        os.chdir(cwd_before)
    notebook.metadata["kernelspec"] = notebook.metadata.get("kernelspec") or KERNELSPEC
    notebook.metadata["language_info"] = LANGUAGE_INFO
    return notebook


def run_notebook(notebook: Path, parameters: dict, output: Path, cwd: Path, starting=lambda index, count: None) -> None:
    """Execute `notebook` with `parameters` in this process and write the executed notebook to `output`."""
    executed = execute(nbformat.read(notebook, as_version=4), parameters, cwd, starting)
    nbformat.write(executed, output)
