"""`python -m sentaway.build`: execute each chapter notebook with papermill, then build the HTML.

- A notebook runs only when its cache key changed: the notebook itself, its parameters, the data/
  extracts and the package source (a stale page can never be published from old inputs).
- The HTML is built into a temporary folder and swapped into _build/html only on success, so a
  failing build leaves the previous site as it was.
"""

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from . import __version__
from . import params as chapter_params
from .paths import BUILD, DATA, READS_ENV, REPO

NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "book" / "executed"
KEYS = BUILD / "keys"
SITE = BUILD / "html"


class BuildError(RuntimeError):
    pass


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


def notebook_key(notebook: Path, parameters: dict, reads: list[str]) -> str:
    """What a notebook's output depends on: itself, its parameters, the data files it read (as recorded by
    sentaway.paths.data_file during its last run) and the package source."""
    parts = {
        "notebook": _hash_files([notebook]),
        "parameters": json.dumps(parameters, sort_keys=True),
        "data": _data_hash(reads),
        "package": _hash_files([*(REPO / "sentaway").rglob("*.py"), *(REPO / "sentaway").rglob("*.j2")]),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def site_key() -> str:
    inputs = [REPO / "_config.yml", REPO / "_toc.yml"]
    inputs += [p for p in (REPO / "book").rglob("*") if p.is_file()]
    inputs += list((REPO / "sentaway").rglob("*.py"))
    return _hash_files(inputs)


def _kernel_env() -> dict:
    env = dict(os.environ)
    # The kernel must be this environment's Python, with the package importable.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_notebook(notebook: Path, parameters: dict, output: Path) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    os.environ.update(_kernel_env())
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=parameters, cwd=str(REPO),
                            kernel_name="python3", progress_bar=False)
    except PapermillExecutionError as error:
        raise BuildError(
            f"{_shown(notebook)} failed in cell {error.cell_index} "
            f"(execution count {error.exec_count}): {error.ename}: {error.evalue}"
        ) from None


def _hide_injected_parameters(path: Path) -> None:
    """Papermill's injected cell would show as code on the page; the page states its parameters itself."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(notebook, path)


def _record(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def write_status_page(ran: list[str]) -> None:
    """book/executed/build_status.md: each notebook, its parameters, run time and result, from this build."""
    lines = ["# Build status", "",
             "Every chapter is a notebook executed with papermill before the HTML is built. A build in which any "
             "notebook fails stops with the notebook and cell named, and is not published: every notebook listed "
             "here passed. A notebook whose inputs (its own text, its parameters, the data files and the package "
             "code) are unchanged since its last run is not run again; its cached output is used.", "",
             "| Notebook | Parameters | Result | Run time | Last run |", "| --- | --- | --- | --- | --- |"]
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        record = _record(KEYS / f"{notebook.stem}.json")
        params = ", ".join(f"`{k} = {v!r}`" for k, v in record.get("parameters", {}).items()) or "none"
        result = "passed, run in this build" if notebook.stem in ran else "passed, cached (inputs unchanged)"
        lines.append(f"| `notebooks/{notebook.name}` | {params} | {result} | {record.get('seconds', '?')} s | {record.get('finished', '?')} |")
    lines += ["", f"Built with Sent Away {__version__} on {dt.date.today().isoformat()}."]
    text = "\n".join(lines) + "\n"
    page = EXECUTED / "build_status.md"
    if not page.exists() or page.read_text() != text:
        page.write_text(text)


def _execute_one(notebook: Path, parameters: dict, output: Path) -> tuple[float, list[str]]:
    """Run one notebook into a staging file and move it into place only when it succeeded.
    Returns its run time and the data files it read."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        staged = Path(tmp) / output.name
        reads = Path(tmp) / "reads.txt"
        reads.touch()
        os.environ[READS_ENV] = str(reads)  # inherited by the kernel papermill starts
        os.environ["SENTAWAY_CHART_DATA"] = str(EXECUTED / "extra" / "chart-data")
        run_notebook(notebook, parameters, staged)
        _hide_injected_parameters(staged)
        shutil.move(staged, output)
        names = sorted(set(reads.read_text().split()))
    return time.monotonic() - start, names


def plan(force: bool = False) -> tuple[list, list]:
    """(stale, fresh): notebooks to run, as (notebook, parameters, output, record file), and those to reuse."""
    all_params = chapter_params.load()
    stale, fresh = [], []
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        parameters = all_params.get(notebook.stem, {})
        record_file, output = KEYS / f"{notebook.stem}.json", EXECUTED / f"{notebook.stem}.ipynb"
        record = _record(record_file)
        current = notebook_key(notebook, parameters, record.get("reads", []))
        if force or not output.exists() or record.get("key") != current:
            stale.append((notebook, parameters, output, record_file))
        else:
            fresh.append(notebook)
    return stale, fresh


def execute_notebooks(force: bool = False, workers: int | None = None) -> list[str]:
    """Run every notebook whose key changed, as many at once as there are cores (they are independent)."""
    EXECUTED.mkdir(parents=True, exist_ok=True)
    KEYS.mkdir(parents=True, exist_ok=True)
    stale, fresh = plan(force)
    total = len(stale) + len(fresh)
    for notebook in fresh:
        print(f"{_shown(notebook)}: unchanged, using the cached run", flush=True)
    if not stale:
        # Nothing ran: the page from the build that made these outputs still describes them.
        if not (EXECUTED / "build_status.md").exists():
            write_status_page([])
        return []
    workers = workers or min(len(stale), os.cpu_count() or 1)
    print(f"notebooks: running {len(stale)} of {total}, {workers} at a time", flush=True)
    ran, failures = [], []
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        jobs = {pool.submit(_execute_one, nb, params, out): (nb, params, record) for nb, params, out, record in stale}
        for nb, params, _ in jobs.values():
            print(f"  queued {_shown(nb)} with {params or 'no parameters'}", flush=True)
        for done, job in enumerate(as_completed(jobs), start=1):
            notebook, parameters, record_file = jobs[job]
            try:
                seconds, reads = job.result()
            except BuildError as error:
                failures.append(str(error))
                print(f"[{done}/{len(stale)}] {_shown(notebook)}: FAILED", flush=True)
                continue
            record_file.write_text(json.dumps({
                "key": notebook_key(notebook, parameters, reads), "reads": reads, "seconds": round(seconds, 1),
                "parameters": parameters, "finished": dt.datetime.now().isoformat(timespec="seconds")}))
            ran.append(notebook.stem)
            print(f"[{done}/{len(stale)}] {_shown(notebook)}: done in {seconds:.1f} s ({len(stale) - done} left)", flush=True)
    if failures:
        raise BuildError("\n".join(failures))
    write_status_page(ran)
    return ran


def build_html(force: bool = False) -> Path:
    key = site_key() + "".join(_record(p).get("key", "") for p in sorted(KEYS.glob("*.json")))
    stamp = BUILD / "site.key"
    index = SITE / "index.html"
    if not force and index.exists() and stamp.exists() and stamp.read_text() == key:
        print("html: nothing changed since the last build", flush=True)
        return index
    print("html: building the book with Jupyter Book (notebooks are not re-executed)", flush=True)
    (EXECUTED / "extra").mkdir(parents=True, exist_ok=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    with tempfile.TemporaryDirectory(dir=BUILD) as tmp:
        result = subprocess.run(
            [str(jupyter_book), "build", str(REPO), "--path-output", tmp, "--warningiserror", "--nitpick", "--keep-going", "--quiet"],
            cwd=REPO, env=_kernel_env(), text=True, capture_output=True,
        )
        if result.returncode != 0:
            sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])
            raise BuildError("Jupyter Book failed (messages above); the previous site is left as it was")
        old = BUILD / "html.previous"
        shutil.rmtree(old, ignore_errors=True)
        if SITE.exists():
            SITE.rename(old)
        (Path(tmp) / "_build" / "html").rename(SITE)
        shutil.rmtree(old, ignore_errors=True)
    stamp.write_text(key)
    return index


def main(argv: list[str]) -> int:
    force = "--force" in argv
    start = time.monotonic()
    BUILD.mkdir(exist_ok=True)
    try:
        execute_notebooks(force)
        index = build_html(force)
    except (BuildError, chapter_params.ParameterError) as error:
        print(f"build: stopped. {error}", file=sys.stderr)
        return 1
    print(f"build: finished in {time.monotonic() - start:.1f} s. Open the book at:\n{index}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
