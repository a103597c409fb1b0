"""`python -m sentaway.publish.build`: execute each chapter notebook with papermill, then build the HTML.

- Each page of the book is one run of a notebook, named after it; a notebook of several pages (the claims
  chapter: sentaway.read.params.PAGES) runs once per page, with `page` set, and each run has its own output
  (book/executed/<page>.ipynb), cache record and key.
- A run happens only when its cache key changed. The key covers what its outputs depend on and
  nothing else: its code cells (source, and the tags that change how they run), its parameters, the
  repository files its last run read (data/, book/words/...; noted in the kernel by sentaway.paths),
  the source of the package modules its last run imported (listed by a last cell the build adds, then
  removes), the pinned requirements and the Python version. A stale page can never be published from
  old inputs, and an edit to a module no chapter imports (publishing code) re-runs nothing.
- The claims register is computed once per build, before the pages, in a process of its own
  (python -m sentaway.register), and kept in _build/register/ with a key of the same kind (what it read and
  imported, the pins, the Python version); every page that shows it reads that one, so its bytes are in the
  page's key, and a page is stale whenever the register is.
- A notebook whose code is unchanged but whose prose (markdown) changed is not executed: its cached
  output gets the new markdown cells (code cells and their outputs kept), as jupyter-cache does.
- Side files a notebook writes (chart CSV/SVG, register downloads; sentaway.sidefiles) are staged with
  its run and moved into book/executed/ together with its output, only when it succeeded; their
  checksums are part of its cache entry, so a deleted or altered one re-runs it.
- Before anything runs: the Python version, data/ against datapackage.json and claims.csv against its
  schema, and params.yml against the data.
- Jupyter Book builds from book/executed/, so every page sits at the site's root; the pages no notebook makes
  are put there first (sentaway.publish.pages: book/pages/*.md, and the About page).
- The HTML is built into a temporary folder and swapped into _build/html only on success, so a
  failing or interrupted build leaves the previous site as it was; the built site's checksums are
  recorded, so a page deleted or altered in _build/html is noticed and rebuilt.
- Temporary folders live in _build/tmp and are removed at the end, also after Ctrl-C or SIGTERM.
"""

import sys

PYTHONS = ((3, 11), (3, 12))


def check_python() -> None:
    """Before anything else is imported: one line naming the Python found, never an ImportError."""
    found = sys.version_info[:2]
    if found not in PYTHONS:
        sys.exit(f"build: stopped. Python {found[0]}.{found[1]} found ({sys.executable}); Sent Away builds with "
                 f"Python {' or '.join('.'.join(map(str, v)) for v in PYTHONS)}")


check_python()

import datetime as dt  # noqa: E402 (after the version check)
import faulthandler
import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import platform
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import NamedTuple

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sentaway import __version__
from sentaway.read import params as chapter_params
from sentaway import sidefiles
from sentaway.interrupt import Interrupted
from sentaway.extract.validate import SchemaError, validate_claims, validate_folder, validate_references
from sentaway.paths import BUILD, DATA, READS_ENV, REGISTER_ENV, REPO, data_lock, no_space, watch_writes
from sentaway.publish import pages

NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "book" / "executed"
KEYS = BUILD / "keys"
SITE = BUILD / "html"
TMP = BUILD / "tmp"
SITE_RECORD = BUILD / "site.json"
STATUS_RECORD = BUILD / "status.json"  # what book/executed/build_status.md was last written from
# The claims register, computed once per build for every page that shows it (python -m sentaway.register).
REGISTER = BUILD / "register"
REQUIREMENTS = REPO / "requirements.txt"
# Cell tags that change whether or how a code cell runs (papermill, nbclient); other tags only change the page.
EXECUTION_TAGS = {"parameters", "raises-exception", "skip-execution"}
MODULES_TAG = "sentaway-modules"
# Added as the last cell of every run, and removed from its output: lists the package modules the run imported.
MODULES_CELL = """from sentaway.paths import write_imported_modules as _write_imported_modules
_write_imported_modules({log!r})
"""


class BuildError(RuntimeError):
    pass


class Run(NamedTuple):
    """One page of the book: a notebook run with the page's parameters, into the page's output and record."""
    notebook: Path
    page: str
    parameters: dict
    output: Path  # book/executed/<page>.ipynb
    record_file: Path  # _build/keys/<page>.json

    @property
    def shown(self) -> str:
        """The run as the messages name it: its notebook, and its page where the notebook makes several."""
        return _shown(self.notebook) + ("" if self.page == self.notebook.stem else f", page {self.page}")


def runs(declared: dict[str, dict]) -> list[Run]:
    """Every run of every notebook, with the parameters `declared` (params.yml) gives its page."""
    return [Run(notebook, page, parameters, EXECUTED / f"{page}.ipynb", KEYS / f"{page}.json")
            for notebook in sorted(NOTEBOOKS.glob("*.ipynb"))
            for page, parameters in chapter_params.runs(notebook.stem, declared)]


def _shown(path: Path) -> str:
    """A path as the messages show it: relative to the repository where it is inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _hash_files(paths) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(_shown(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _data_hash(names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in sorted(set(names)):
        path = DATA / name
        digest.update(name.encode() + (path.read_bytes() if path.is_file() else b"<missing>"))
    return digest.hexdigest()


def _repo_hash(rels) -> str:
    """Files named relative to the repository (a missing one hashes as missing, so it changes the key)."""
    digest = hashlib.sha256()
    for rel in sorted(set(rels)):
        path = REPO / rel
        digest.update(rel.encode() + (path.read_bytes() if path.is_file() else b"<missing>"))
    return digest.hexdigest()


def _cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def code_hash(notebook: Path) -> str:
    """The notebook's code cells in order: their source and the tags that change how they run. Markdown,
    raw cells, outputs and other metadata (remove-input, notebook metadata) do not change what it computes."""
    code = [(_text(c["source"]), sorted(set(c.get("metadata", {}).get("tags", [])) & EXECUTION_TAGS))
            for c in _cells(notebook) if c["cell_type"] == "code"]
    return hashlib.sha256(json.dumps(code).encode()).hexdigest()


def requirements_hash() -> str:
    """The pinned requirements, without comments and blank lines (they change nothing that is installed)."""
    lines = [line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines()]
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()


def _dependencies(reads=(), files=(), modules=()) -> dict:
    """What a computation's result depends on besides its own code: the data files (`reads`, names in data/)
    and other repository files (`files`: book/words/...) it read, as sentaway.paths noted them, the source of
    the package modules it imported (`modules`: sentaway/....py), the pinned requirements and the Python version."""
    return {
        "data": _data_hash(reads),
        "files": _repo_hash(files),
        "modules": _repo_hash(modules),
        "requirements": requirements_hash(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def notebook_key(notebook: Path, parameters: dict, reads=(), files=(), modules=()) -> str:
    """What a notebook's output depends on, and nothing else: its code cells, its parameters, and what its last
    run read and imported (_dependencies)."""
    parts = {
        "code": code_hash(notebook),
        "parameters": json.dumps(parameters, sort_keys=True),
        **_dependencies(reads, files, modules),
        # page templates; not other .j2 files of the package (data/README.md's, sentaway/extract/metadata), which no page reads
        "templates": _hash_files((REPO / "sentaway" / "present" / "templates").rglob("*.j2")),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def run_inputs(record: dict) -> dict:
    """The inputs a run recorded, as notebook_key takes them."""
    return {name: record.get(name, []) for name in ("reads", "files", "modules")}


def site_key() -> str:
    inputs = [REPO / "_config.yml", REPO / "_toc.yml"]
    inputs += [p for p in [REPO / "releases" / "renames.csv"] if p.is_file()]  # redirect anchors of renamed claims
    inputs += [p for p in (REPO / "book").rglob("*") if p.is_file()]
    inputs += list((REPO / "sentaway").rglob("*.py"))
    return _hash_files(inputs)


def _kernel_env() -> dict:
    env = dict(os.environ)
    # The kernel must be this environment's Python, with the package importable.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _kernel_manager():
    """nbclient's kernel manager, quiet in the build's progress lines: the kernel's connection is encrypted where
    pyzmq can (CurveZMQ; ipykernel 7.3+ otherwise warns about unencrypted TCP on every run), and a kernel whose
    notebook has finished is asked to shut down without the SIGINT jupyter_client sends first (which ipykernel can
    log as "ERROR | KeyboardInterrupt caught in kernel"). Imported here, like papermill, only when a notebook runs."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class QuietKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _auto(self):
            return "auto"  # encrypt when the kernel says it can; otherwise run as before

        async def _async_interrupt_kernel(self):
            if self.shutting_down:
                return  # the run is over; a kernel that does not stop is still terminated, then killed
            await super()._async_interrupt_kernel()

    return QuietKernelManager


def cell_time_limit() -> int:
    """How long one cell of a notebook may run, in seconds: _config.yml's execute.timeout (Jupyter Book's own setting,
    in its own meaning), generous enough for CI's slow machine; a cell that runs longer stops the build, named."""
    import yaml  # only when a notebook runs (see run_notebook)

    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8")) or {}
    limit = (config.get("execute") or {}).get("timeout")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise BuildError(f"_config.yml: execute.timeout is {limit!r}; give the seconds a notebook's cell may run (e.g. 600)")
    return limit


def _cell_reached(output: Path) -> tuple[int, object] | None:
    """(index, execution count) of the last cell a run started, as the notebook numbers its cells (papermill's own
    cells left out), from the output papermill saves as it goes; None if no cell started."""
    try:
        cells = json.loads(output.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    reached, index = None, 0
    for cell in cells:
        if {"injected-parameters", "papermill-error-cell-tag"} & set(cell.get("metadata", {}).get("tags", [])):
            continue  # cells papermill added (its parameters, its markers of where an error was)
        if (cell.get("metadata", {}).get("papermill") or {}).get("start_time"):
            reached = (index, cell.get("execution_count"))
        index += 1
    return reached


def _in_cell(reached: tuple[int, object]) -> str:
    index, count = reached
    return f"cell {index}" + (f" (execution count {count})" if count is not None else "")


def run_notebook(notebook: Path, parameters: dict, output: Path, name: str = "") -> None:
    """Run a notebook with papermill. A cell that raises, runs past the time limit or kills its kernel stops it, with
    the notebook (`name`, else its path) and cell named; a kernel that does not start (a busy machine) is started
    once more."""
    # papermill, nbformat and jupyter_client load in about a second; a build with nothing to run never needs them.
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    name = name or _shown(notebook)
    os.environ.update(_kernel_env())
    limit = cell_time_limit()
    # papermill's log lines (nbclient's "Kernel died while waiting for execute reply.") would precede the one line
    # the build says about the same failure.
    logging.getLogger("papermill").addHandler(logging.NullHandler())
    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(REPO), kernel_name="python3",
                                progress_bar=False, kernel_manager_class=_kernel_manager(), execution_timeout=limit)
            return
        except PapermillExecutionError as error:
            reached = _cell_reached(output) or (error.cell_index, error.exec_count)
            raise BuildError(f"{name} failed in {_in_cell(reached)}: {error.ename}: {error.evalue}") from None
        except (CellTimeoutError, DeadKernelError, RuntimeError, TimeoutError) as error:
            reached = _cell_reached(output)
            if isinstance(error, CellTimeoutError):
                raise BuildError(f"{name} ran past the time limit in {_in_cell(reached or (0, None))}: a cell "
                                 f"may run {limit} s (execute.timeout in _config.yml)") from None
            if isinstance(error, DeadKernelError) and reached is not None:  # (its execution count may not be known)
                raise BuildError(f"{name}: its kernel died in cell {reached[0]}") from None
            if reached is not None:
                raise BuildError(f"{name} stopped in {_in_cell(reached)} ({type(error).__name__}: {error})") from None
            reason = " ".join(str(error).split()) or type(error).__name__
            if attempt == 2:
                raise BuildError(f"{name}: its kernel did not start, twice ({reason})") from None
            print(f"{name}: its kernel did not start ({reason}); starting it once more", flush=True)


def _with_modules_cell(notebook: Path, staged: Path, log: Path) -> None:
    """A copy of the notebook with a last cell that lists the package modules the run imported into `log`."""
    import nbformat  # only when a notebook runs or its prose is merged (see run_notebook)

    copy = nbformat.read(notebook, as_version=4)
    copy.cells.append(nbformat.v4.new_code_cell(MODULES_CELL.format(log=str(log)),
                                                metadata={"tags": [MODULES_TAG, "remove-cell"]}))
    nbformat.write(copy, staged)


def _finish_output(path: Path, notebook: Path) -> None:
    """Papermill's injected cell would show as code on the page (the page states its parameters itself);
    the build's own last cell goes; the output names the notebook it came from, not the staged copy."""
    import nbformat  # only when a notebook runs or its prose is merged (see run_notebook)

    output = nbformat.read(path, as_version=4)
    output.cells = [c for c in output.cells if MODULES_TAG not in c.metadata.get("tags", [])]
    for cell in output.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    if "papermill" in output.metadata:
        output.metadata.papermill["input_path"] = str(notebook)
    nbformat.write(output, path)


def _imported(log: Path, notebook: Path) -> list[str]:
    """The package modules a run imported, as paths relative to the repository."""
    package = REPO / "sentaway"
    found = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        path = Path(line).resolve()
        if not path.is_relative_to(package):
            raise BuildError(f"{_shown(notebook)} imported the package from {path.parent}, not from {package}")
        found.add(path.relative_to(REPO).as_posix())
    return sorted(found)


def merge_prose(notebook: Path, cached: Path, target: Path) -> None:
    """Write to `target` the notebook's current cells with the cached run's code cells (outputs, execution
    counts) in place of its own, and papermill's parameters cell where that run had it: what a run would
    give when only the prose changed (the code cells, compared in order, must be the ones that ran)."""
    import nbformat  # only when a notebook runs or its prose is merged (see run_notebook)

    source, old = nbformat.read(notebook, as_version=4), nbformat.read(cached, as_version=4)
    ran, injected = [], {}  # injected: papermill's cells, by the number of code cells before them
    for cell in old.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            injected.setdefault(len(ran), []).append(cell)
        elif cell.cell_type == "code":
            ran.append(cell)
    if [c.source for c in ran] != [c.source for c in source.cells if c.cell_type == "code"]:
        raise BuildError(f"{_shown(cached)} does not hold the code of {_shown(notebook)}; run `python -m sentaway.publish.build --force`")
    cells, done = list(injected.get(0, [])), 0
    for cell in source.cells:
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        merged = ran[done]  # its outputs; its tags (remove-input...) are the notebook's own
        merged.metadata = nbformat.from_dict({**cell.metadata, **{k: merged.metadata[k] for k in ("execution", "papermill")
                                                                   if k in merged.metadata}})
        done += 1
        cells += [merged] + injected.get(done, [])
    source.cells = cells
    source.metadata.update({k: old.metadata[k] for k in ("kernelspec", "language_info", "papermill") if k in old.metadata})
    nbformat.write(source, target)


def _record(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def write_status_page(ran: list[str], merged: list[str] = (), date: str | None = None) -> None:
    """book/executed/build_status.md (book/templates/build_status.md.j2): each run (page) of each notebook, its
    parameters, run time and result, from this build (or from the build `date` that last ran one: see
    execute_notebooks). What it was made from is kept in _build/status.json, to write it again."""
    date = date or dt.date.today().isoformat()
    rows = []
    for run in runs({}):
        record = _record(run.record_file)
        rows.append({"notebook": run.notebook.name,
                     "parameters": [f"{k} = {v!r}" for k, v in record.get("parameters", {}).items()],
                     "result": "ran" if run.page in ran else "merged" if run.page in merged else "cached",
                     "seconds": record.get("seconds", "?"), "finished": record.get("finished", "?")})
    templates = Environment(loader=FileSystemLoader(REPO / "book" / "templates"), undefined=StrictUndefined,
                            autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    text = templates.get_template("build_status.md.j2").render(rows=rows, version=__version__, date=date)
    page = EXECUTED / "build_status.md"
    if not page.exists() or page.read_text() != text:
        page.write_text(text)
    STATUS_RECORD.write_text(json.dumps({"ran": list(ran), "merged": list(merged), "date": date}))


def _execute_one(run: Run) -> tuple[float, dict, str]:
    """Run one notebook for one page into a staging folder: its output notebook and every side file it writes.
    Returns its run time, the inputs it read and imported (run_inputs) and the staging folder; the main
    process moves the staged files into place (so a build interrupted at any point never leaves a
    half-swapped notebook)."""
    start = time.monotonic()
    notebook = run.notebook
    TMP.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f"{run.page}-", dir=TMP))
    staged, source = stage / run.output.name, stage / "input.ipynb"
    reads, modules = stage / "reads.txt", stage / "modules.txt"
    reads.touch()
    os.environ[READS_ENV] = str(reads)  # inherited by the kernel papermill starts
    os.environ[sidefiles.ENV] = str(stage / "side")
    os.environ[REGISTER_ENV] = str(_register_file())
    try:
        _with_modules_cell(notebook, source, modules)
        run_notebook(source, run.parameters, staged, run.shown)
        _finish_output(staged, notebook)
    except OSError as error:  # a full disk, named (watch_writes: this worker's last file opened for writing)
        if not no_space(error):
            raise
        raise BuildError(f"{run.shown}: {no_space(error)}") from None
    if not modules.is_file():
        raise BuildError(f"{run.shown} ran, but its last cell (the list of modules it imported) did not")
    return time.monotonic() - start, {**_reads(reads), "modules": _imported(modules, notebook)}, str(stage)


def _reads(log: Path) -> dict:
    """The repository files a run noted reading (sentaway.paths): data/ files by name, others by path."""
    read = sorted(set(log.read_text(encoding="utf-8").split()))
    return {"reads": [r.removeprefix("data/") for r in read if r.startswith("data/")],
            "files": [r for r in read if not r.startswith("data/")]}


def _sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def side_files_intact(record: dict) -> bool:
    """Every side file the notebook's last run wrote is in book/executed/ with the bytes it wrote."""
    return all(_sha(EXECUTED / rel) == sha for rel, sha in record.get("side", {}).items())


def _staged_side(stage: Path) -> dict[str, str]:
    side = stage / "side"
    found = {}
    for path in sorted(p for p in side.rglob("*") if p.is_file()) if side.is_dir() else []:
        rel = path.relative_to(side).as_posix()
        sidefiles.checked(rel)
        found[rel] = _sha(path)
    return found


def install(run: Run, stage: Path, record: dict) -> None:
    """Move a successful run's output and side files into book/executed/, then write its cache record.
    The old record goes first: an interruption mid-way leaves the page stale, never half-new."""
    output, record_file = run.output, run.record_file
    side = _staged_side(stage)
    for other in KEYS.glob("*.json"):
        if other != record_file:
            clash = sorted(set(side) & set(_record(other).get("side", {})))
            if clash:
                raise BuildError(f"{run.shown} writes {clash[0]}, which {other.stem} also writes; "
                                 "give the chart another name")
    old = _record(record_file).get("side", {})
    record_file.unlink(missing_ok=True)
    for rel in old:
        if rel not in side:
            (EXECUTED / rel).unlink(missing_ok=True)
    for rel in side:
        target = EXECUTED / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / "side" / rel, target)
    os.replace(stage / output.name, output)
    record_file.write_text(json.dumps({**record, "side": side, "output": _sha(output)}))
    shutil.rmtree(stage, ignore_errors=True)


def prune_side_files() -> list[str]:
    """Remove files in the side-file folders that no notebook's current run wrote (a removed chart, a
    stray copy): the site publishes those folders whole."""
    claimed = set()
    for run in runs({}):  # a removed notebook's or page's charts are not published
        claimed.update(_record(run.record_file).get("side", {}))
    removed = []
    for area in sidefiles.AREAS:
        for path in sorted((EXECUTED / area).rglob("*")) if (EXECUTED / area).is_dir() else []:
            rel = path.relative_to(EXECUTED).as_posix()
            if path.is_file() and rel not in claimed:
                path.unlink()
                removed.append(rel)
    return removed


def plan(force: bool = False) -> tuple[list[Run], list[Run]]:
    """(stale, fresh): the runs to make, and those to reuse (of which those whose prose changed get it merged
    into their cached output: prose_changed)."""
    stale, fresh = [], []
    # A page that read the register is stale while the register is (its key holds the register's bytes, which
    # change only once the register is computed again). The build computes the register before it plans, so a
    # register computed again with the same bytes leaves its pages fresh.
    register_changed = register_stale()
    for run in runs(chapter_params.load()):
        record = _record(run.record_file)
        current = notebook_key(run.notebook, run.parameters, **run_inputs(record))
        if force or not run.output.exists() or record.get("key") != current or not side_files_intact(record) \
                or record.get("output") != _sha(run.output) or (register_changed and _register_rel() in record.get("files", [])):
            stale.append(run)
        else:
            fresh.append(run)
    return stale, fresh


def _register_file() -> Path:
    return REGISTER / "register.pickle"


def _register_rel() -> str:
    return _register_file().relative_to(REPO).as_posix()


def register_stale() -> bool:
    """Whether the register must be computed again: what its last computation read or imported changed
    (_dependencies), or the kept register is missing or altered."""
    record = _record(REGISTER / "record.json")
    return not record or record.get("key") != _register_key(run_inputs(record)) or record.get("output") != _sha(_register_file())


def _register_key(inputs: dict) -> str:
    return hashlib.sha256(json.dumps(_dependencies(**inputs), sort_keys=True).encode()).hexdigest()


def compute_register(force: bool = False) -> None:
    """The claims register, computed once for every page that shows it (python -m sentaway.register, in a
    process of its own, so what it reads and imports is noted as a run's is), unless nothing it depends on
    changed. Pages read it ($SENTAWAY_REGISTER) and its bytes join their keys."""
    if not force and not register_stale():
        print("register: unchanged, using the one computed before", flush=True)
        return
    start = time.monotonic()
    TMP.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="register-", dir=TMP))
    reads = stage / "reads.txt"
    reads.touch()
    env = {k: v for k, v in _kernel_env().items() if k not in (REGISTER_ENV, sidefiles.ENV)}
    result = subprocess.run([sys.executable, "-m", "sentaway.register", str(stage)], cwd=REPO, text=True,
                            capture_output=True, env={**env, READS_ENV: str(reads)})
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise BuildError(f"the claims register could not be computed: {lines[-1] if lines else 'no message'}")
    inputs = {**_reads(reads), "modules": _imported(stage / "modules.txt", REPO / "sentaway" / "register" / "__main__.py")}
    REGISTER.mkdir(parents=True, exist_ok=True)
    # The old record goes first: an interruption mid-way leaves the register stale, never half-new.
    (REGISTER / "record.json").unlink(missing_ok=True)
    os.replace(stage / "register.pickle", _register_file())
    record = {"key": _register_key(inputs), **inputs, "output": _sha(_register_file()),
              "seconds": round(time.monotonic() - start, 1)}
    (stage / "record.json").write_text(json.dumps(record))
    os.replace(stage / "record.json", REGISTER / "record.json")
    print(f"register: computed once for every page that shows it, in {record['seconds']:.1f} s", flush=True)


def prose_changed(run: Run) -> bool:
    """A fresh run (same key) whose notebook differs from the one its cached output was made from."""
    return _record(run.record_file).get("source") != _sha(run.notebook)


def rerender(run: Run) -> None:
    """Merge a fresh run's new prose into its cached output (nothing is executed). The output is
    replaced whole, then its record; an interruption in between leaves the page stale, never wrong."""
    notebook, record_file, output = run.notebook, run.record_file, run.output
    TMP.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{run.page}-", dir=TMP) as tmp:
        merged = Path(tmp) / output.name
        merge_prose(notebook, output, merged)
        os.replace(merged, output)
        record = {**_record(record_file), "source": _sha(notebook), "output": _sha(output)}
        (Path(tmp) / "record.json").write_text(json.dumps(record))
        os.replace(Path(tmp) / "record.json", record_file)


def execute_notebooks(force: bool = False, workers: int | None = None) -> list[str]:
    """Run every notebook whose key changed, as many at once as there are cores (they are independent)."""
    EXECUTED.mkdir(parents=True, exist_ok=True)
    KEYS.mkdir(parents=True, exist_ok=True)
    compute_register(force)
    stale, fresh = plan(force)
    total = len(stale) + len(fresh)
    merged = []
    for run in fresh:
        if prose_changed(run):
            rerender(run)
            merged.append(run.page)
            print(f"{run.shown}: only its prose changed, merged into the cached run (nothing executed)", flush=True)
        else:
            print(f"{run.shown}: unchanged, using the cached run", flush=True)
    if not stale:
        # Nothing ran: the page still says what the build that made these outputs did, written again (only if it
        # differs) from what that build kept, so an edit to the page's template is published too.
        last = {} if merged else _record(STATUS_RECORD)
        write_status_page(last.get("ran", []), merged or last.get("merged", []), last.get("date"))
        return []
    workers = workers or min(len(stale), os.cpu_count() or 1)
    print(f"notebooks: running {len(stale)} of {total}, {workers} at a time", flush=True)
    ran, failures = [], []
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_worker_signals)
    try:
        jobs = {pool.submit(_execute_one, run): run for run in stale}
        for run in stale:
            print(f"  queued {run.shown} with {run.parameters or 'no parameters'}", flush=True)
        for done, job in enumerate(as_completed(jobs), start=1):
            run = jobs[job]
            try:
                seconds, inputs, stage = job.result()
            except BrokenProcessPool as error:  # the process running it was killed (out of memory, a signal)
                failures.append(f"{run.shown}: the process running it stopped before it finished ({error})")
            except BuildError as error:
                failures.append(str(error))
                print(f"[{done}/{len(stale)}] {run.shown}: FAILED", flush=True)
                continue
            install(run, Path(stage), {
                "key": notebook_key(run.notebook, run.parameters, **inputs), **inputs, "source": _sha(run.notebook),
                "seconds": round(seconds, 1), "parameters": run.parameters,
                "finished": dt.datetime.now().isoformat(timespec="seconds")})
            ran.append(run.page)
            print(f"[{done}/{len(stale)}] {run.shown}: done in {seconds:.1f} s ({len(stale) - done} left)", flush=True)
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown()
    if failures:
        raise BuildError("\n".join(failures))
    write_status_page(ran, merged)
    return ran


def _worker_signals() -> None:
    # Ctrl-C reaches every process of the terminal's group: the main process handles it (below), so a
    # worker ignores it; the build stops a worker with SIGTERM once its kernel is gone, and it exits at once
    # (its staging folder is removed by the main process).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_quietly)
    watch_writes()


def _exit_quietly(signum, frame):
    os._exit(128 + signum)


def _interrupt(signum, frame):
    raise Interrupted  # caught as KeyboardInterrupt (see sentaway.interrupt)


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (the kernels papermill started), read from /proc; [] where there is none."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the running notebooks and their kernels (an interrupt, or an error in the build itself)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # The kernels first (killed outright, so none is left running or prints about its lost worker).
    for pid in [pid for process in processes if process.pid for pid in _descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _site_files() -> dict[str, str]:
    return {p.relative_to(SITE).as_posix(): _sha(p) for p in sorted(SITE.rglob("*")) if p.is_file()} if SITE.is_dir() else {}


def build_html(force: bool = False) -> Path:
    records = [_record(p) for p in sorted(KEYS.glob("*.json"))]
    key = hashlib.sha256((site_key() + json.dumps([(r.get("key", ""), r.get("side", {})) for r in records],
                                                  sort_keys=True)).encode()).hexdigest()
    index = SITE / "index.html"
    built = _record(SITE_RECORD)
    if not force and index.exists() and built.get("key") == key:
        if built.get("files") == _site_files():
            print("html: nothing changed since the last build", flush=True)
            return index
        print("html: _build/html differs from what the last build wrote (a page deleted or altered): rebuilding", flush=True)
    print("html: building the book with Jupyter Book (notebooks are not re-executed)", flush=True)
    (EXECUTED / "extra").mkdir(parents=True, exist_ok=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    TMP.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="html-", dir=TMP) as tmp:
        result = subprocess.run(
            # Built from book/executed/, so every page sits at the site's root (register.html, not book/executed/...).
            [str(jupyter_book), "build", str(EXECUTED), "--config", str(REPO / "_config.yml"), "--toc", str(REPO / "_toc.yml"),
             "--path-output", tmp, "--warningiserror", "--nitpick", "--keep-going", "--quiet"],
            cwd=REPO, env=_kernel_env(), text=True, capture_output=True,
        )
        if result.returncode != 0:
            if "No space left on device" in result.stdout + result.stderr:
                raise BuildError(f"no space left on device while writing the HTML into {_shown(Path(tmp))} (Jupyter "
                                 "Book); the previous site is left as it was")
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise BuildError("Jupyter Book failed (messages above); the previous site is left as it was")
        SITE_RECORD.unlink(missing_ok=True)
        old = Path(tmp) / "html.previous"
        if SITE.exists():
            SITE.rename(old)
        (Path(tmp) / "_build" / "html").rename(SITE)
    SITE_RECORD.write_text(json.dumps({"key": key, "files": _site_files()}))
    (BUILD / "site.key").unlink(missing_ok=True)  # the record of builds before site.json
    return index


def check_inputs() -> None:
    """data/ against datapackage.json, claims.csv against its schema, and every claim another file names against
    claims.csv; skipped when the files are the ones already found valid (their checksums are kept in
    _build/validated.json)."""

    names = sorted(p.name for p in DATA.iterdir() if p.is_file()) if DATA.is_dir() else []
    digest = _data_hash(names) + _hash_files([REPO / "sentaway" / "extract" / "validate.py"])
    stamp = BUILD / "validated.json"
    if _record(stamp).get("data") == digest:
        return
    try:
        validate_folder(DATA)
        validate_claims(DATA / "claims.csv")
        validate_references(DATA)
    except SchemaError as error:
        raise BuildError(f"{error} (nothing was run; fix the file or run `make data`)") from None
    stamp.write_text(json.dumps({"data": digest}))


class _Lock:
    """One build at a time in this repository (so each may clean _build/tmp)."""

    def __enter__(self):
        self.handle = open(BUILD / ".lock", "w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise BuildError("another build is running in this repository; wait for it to finish") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def main(argv: list[str]) -> int:
    force = "--force" in argv
    unknown = [a for a in argv if a != "--force"]
    start = time.monotonic()
    watch_writes()  # a full disk names the file it was writing
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if unknown:
            raise BuildError(f"unknown option {unknown[0]!r}; the only option is --force (re-run every notebook)")
        BUILD.mkdir(exist_ok=True)
        with _Lock(), data_lock(DATA, "build"):
            shutil.rmtree(TMP, ignore_errors=True)  # left by a build that was killed outright
            try:
                check_inputs()
                chapter_params.load()
                execute_notebooks(force)
                removed = prune_side_files()
                if removed:
                    print(f"build: removed {len(removed)} side file(s) no notebook wrote: {', '.join(removed[:5])}", flush=True)
                pages.stage(EXECUTED)
                index = build_html(force)
            finally:
                shutil.rmtree(TMP, ignore_errors=True)
    except (BuildError, chapter_params.ParameterError) as error:
        print(f"build: stopped. {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a full disk, or a bug rather than bad input: still one line, and the site untouched
        if no_space(error):
            print(f"build: stopped. {no_space(error)}; the previous site is left as it was", file=sys.stderr)
            return 1
        print(f"build: stopped by an internal error ({type(error).__name__}: {error}); the previous site is "
              "left as it was. Please report it.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build: interrupted; nothing half-made was kept, and the previous site is left as it was", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(f"build: finished in {time.monotonic() - start:.1f} s. Open the book at:\n{index}", flush=True)
    return 0


if __name__ == "__main__":
    # `kill -USR1` on a build that seems stuck prints where each of its threads is (the tests do so before failing).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    sys.exit(main(sys.argv[1:]))
