"""Running the pages whose key changed, and the claims register before them.

- Each page runs in a process of its own, forked from a warm one that has imported pandas, Altair, IPython and the
  rest once for the whole build (multiprocessing's fork server): no page pays a kernel start or those imports, and
  none sees what another page set (its globals, its imports of the package, its module state live and die with its
  process). The package itself is imported afresh by each page, so what it imports is what the page imported: its
  modules, with the files it read, are the page's key (sentaway.publish.cache).
- As many pages run at once as there are cores, the longest (as last measured) first. Their charts are converted by
  one converter for the build (sentaway.present.chart_converter). The warm process and the converter start before
  the plan is made when a page surely runs (its code or parameters changed, or the register must be computed).
- Side files a notebook writes (chart CSV/SVG, register downloads; sentaway.sidefiles) are staged with its run and
  moved into book/executed/ together with its output, only when it succeeded; their checksums join its cache record.
- The claims register is computed once per build, before the pages, in a process of its own
  (python -m sentaway.register), unless nothing it depends on changed.
- Ctrl-C or SIGTERM stops every run and what it started; nothing of an unfinished run is kept.
"""

import datetime as dt
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.forkserver
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from sentaway import sidefiles
from sentaway.paths import READS_ENV, REGISTER_ENV, REPO
from sentaway.publish import cache, prose, status
from sentaway.present import chart_converter
from sentaway.publish.errors import BuildError
from sentaway.read import params as chapter_params

# Imported once by the warm process every page is forked from: what nearly every page imports, then what warms those
# libraries up for every page (sentaway.publish.warm; each page imports the package itself, so its key lists what it
# used). statsmodels (1.5 s, one chapter) is left to the page that needs it.
PRELOAD = ["numpy", "pandas", "altair", "jinja2", "yaml", "markupsafe", "nbformat", "IPython.display",
           "IPython.core.interactiveshell", "myst_nb", "papermill.translators", "vl_convert", "sentaway.publish.warm"]
# One thread per numerical library in each page: the pages already share the cores between them.
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def run_env() -> dict:
    """The environment a page or the register runs in: this environment's Python first, the package importable."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# ---------------------------------------------------------------- the register

def compute_register(force: bool = False) -> None:
    """The claims register, computed once for every page that shows it (python -m sentaway.register, in a
    process of its own, so what it reads and imports is noted as a run's is), unless nothing it depends on
    changed (`force`: the caller knows it did, or wants it computed anyway). Pages read it ($SENTAWAY_REGISTER) and
    its bytes join their keys."""
    if not force and not cache.register_stale():
        print("register: unchanged, using the one computed before", flush=True)
        return
    start = time.monotonic()
    cache.TMP.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix="register-", dir=cache.TMP))
    reads = stage / "reads.txt"
    reads.touch()
    env = {k: v for k, v in run_env().items() if k not in (REGISTER_ENV, sidefiles.ENV)}
    result = subprocess.run([sys.executable, "-m", "sentaway.register", str(stage)], cwd=REPO, text=True,
                            capture_output=True, env={**env, READS_ENV: str(reads)})
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        raise BuildError(f"the claims register could not be computed: {lines[-1] if lines else 'no message'}")
    inputs = {**read_log(reads), "modules": imported(stage / "modules.txt", REPO / "sentaway" / "register" / "__main__.py")}
    cache.REGISTER.mkdir(parents=True, exist_ok=True)
    # The old record goes first: an interruption mid-way leaves the register stale, never half-new.
    (cache.REGISTER / "record.json").unlink(missing_ok=True)
    os.replace(stage / "register.pickle", cache.register_file())
    kept = {"key": cache.register_key(inputs), **inputs, "output": cache.sha(cache.register_file()),
            "seconds": round(time.monotonic() - start, 1)}
    (stage / "record.json").write_text(json.dumps(kept))
    os.replace(stage / "record.json", cache.REGISTER / "record.json")
    print(f"register: computed once for every page that shows it, in {kept['seconds']:.1f} s", flush=True)


# ---------------------------------------------------------------- what a run read and imported

def read_log(log: Path) -> dict:
    """The repository files a run noted reading (sentaway.paths): data/ files by name, others by path."""
    read = sorted(set(log.read_text(encoding="utf-8").split()))
    return {"reads": [r.removeprefix("data/") for r in read if r.startswith("data/")],
            "files": [r for r in read if not r.startswith("data/")]}


def imported(log: Path, notebook: Path) -> list[str]:
    """The package modules a run imported, as paths relative to the repository."""
    package = REPO / "sentaway"
    found = set()
    for line in log.read_text(encoding="utf-8").splitlines():
        path = Path(line).resolve()
        if not path.is_relative_to(package):
            raise BuildError(f"{cache.shown(notebook)} imported the package from {path.parent}, not from {package}")
        found.add(path.relative_to(REPO).as_posix())
    return sorted(found)


# ---------------------------------------------------------------- one page, in its own process

class Job(NamedTuple):
    """What a page's process is given: the run, its staging folder, the register it reads, its environment."""
    run: cache.Run
    stage: Path
    register: Path
    env: dict


def _forget_package() -> None:
    """Drop the package from this process's modules (the runner's own imports of it): the page imports afresh what it
    uses, and only that is listed as what it imported."""
    for name in [n for n in sys.modules if n == "sentaway" or n.startswith("sentaway.")]:
        del sys.modules[name]


def _page(job: Job, conn) -> None:
    """The body of a page's process: say it is up, run the notebook into the staging folder saying which cell it
    starts, send (seconds) or the failure, and exit at once (nothing the notebook started may hold the process open)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it stops this process
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(128 + signum))
    start = time.monotonic()
    try:
        conn.send(("up",))
        # Anything written straight to the process's stdout or stderr (a library's C code) goes to a log, not
        # among the build's progress lines.
        console = os.open(job.stage / "console.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(console, 1)
        os.dup2(console, 2)
        os.environ.clear()
        os.environ.update({**job.env, READS_ENV: str(job.stage / "reads.txt"), sidefiles.ENV: str(job.stage / "side"),
                           REGISTER_ENV: str(job.register)})
        (job.stage / "reads.txt").touch()
        sys.path.insert(0, str(REPO))
        from sentaway.paths import no_space, watch_writes  # in the page's process, forgotten with the package below
        from sentaway.publish import execute  # this module's own imports (sentaway.*) are forgotten just below

        watch_writes()  # a full disk names the file this page was writing
        _forget_package()
        try:
            execute.run_notebook(job.run.notebook, job.run.parameters, job.stage / job.run.output.name, REPO,
                                 lambda index, count: conn.send(("cell", index, count)))
            converter = sys.modules.get(chart_converter.__name__)  # as the page imported it, if it did
            # The static SVGs it asked for and did not wait for, kept beside it.
            failure = converter.finish() if converter is not None else None
            if failure:
                conn.send(("failed", f"{job.run.shown} failed: {failure}"))
                return
        except execute.CellError as error:
            conn.send(("failed", f"{job.run.shown} failed in {error}"))
            return
        except OSError as error:
            if not no_space(error):
                raise
            conn.send(("failed", f"{job.run.shown}: {no_space(error)}"))
            return
        from sentaway.paths import write_imported_modules  # after the run: what the page itself imported

        write_imported_modules(job.stage / "modules.txt")
        conn.send(("done", time.monotonic() - start))
    except BaseException as error:  # noqa: BLE001 (anything else still reaches the build as one line)
        conn.send(("failed", f"{job.run.shown} could not be run: {type(error).__name__}: {error}"))
    finally:
        conn.close()
        os._exit(0)


def warm_context():
    """multiprocessing's fork server, started (once per build process) with PRELOAD imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    saved = dict(os.environ)
    os.environ.update(THREADS)  # the server's environment; each page is given the build's own (Job.env), plus these
    try:
        multiprocessing.forkserver.ensure_running()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return context


def cell_time_limit() -> int:
    """How long one cell of a page may run, in seconds: _config.yml's execute.timeout (Jupyter Book's own setting, in
    its own meaning), generous enough for CI's slow machine; a cell that runs longer stops the build, named."""
    import yaml  # only when a page runs (a build with nothing to run never needs it)

    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8")) or {}
    limit = (config.get("execute") or {}).get("timeout")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit <= 0:
        raise BuildError(f"_config.yml: execute.timeout is {limit!r}; give the seconds a notebook's cell may run (e.g. 600)")
    return limit


def _in_cell(index: int, count) -> str:
    return f"cell {index}" + (f" (execution count {count})" if count is not None else "")


class _Running:
    """A page's process as the build follows it: the cell it last said it started, and since when."""

    def __init__(self, run: cache.Run, process, stage: Path, attempt: int):
        self.run, self.process, self.stage, self.attempt = run, process, stage, attempt
        self.up, self.cell, self.since = False, None, time.monotonic()


def _start(context, run: cache.Run, attempt: int, env: dict) -> tuple:
    """A process for the page, in `env`; OSError if it could not be started (a busy machine), its staging folder
    removed."""
    cache.TMP.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f"{run.page}-", dir=cache.TMP))
    reader, writer = context.Pipe(duplex=False)
    job = Job(run, stage, cache.register_file(), env)
    process = context.Process(target=_page, args=(job, writer), name=f"sentaway page {run.page}")
    try:
        process.start()
    except BaseException:
        reader.close()
        shutil.rmtree(stage, ignore_errors=True)
        raise
    finally:
        writer.close()
    return reader, _Running(run, process, stage, attempt)


def _ended(page: _Running) -> str:
    """Why a page's process ended without a word: the signal that killed it, or its exit code."""
    code = page.process.exitcode
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def start_converter() -> chart_converter.Converter:
    """The build's chart converter (sentaway.present.chart_converter), in the pages' environment."""
    cache.TMP.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in run_env().items() if k not in (READS_ENV, REGISTER_ENV, sidefiles.ENV, chart_converter.ENV)}
    try:
        return chart_converter.start(env, cache.TMP / "chart-converter.log")
    except OSError as error:
        raise BuildError(f"the chart converter did not start ({error})") from None


def start_warm() -> chart_converter.Converter:
    """What the pages run in, started: the warm process (warm_context) and the chart converter."""
    warm_context()
    return start_converter()


def converter_address(converter: chart_converter.Converter) -> str:
    try:
        return converter.address()
    except RuntimeError as error:
        raise BuildError(f"the chart converter did not start ({error})") from None


def execute_runs(stale: list[cache.Run], workers: int, converter: chart_converter.Converter | None = None) -> list[str]:
    """Run every stale page, `workers` at a time, installing each as it succeeds; the pages that ran. A page whose
    process does not start is started once more; one whose cell runs past the time limit is stopped; either, a cell
    that raises or a process that dies stops the build with the notebook and cell named, once the others finished.
    The pages share one chart converter (`converter`, the caller's to stop; else one started and stopped here)."""
    context = warm_context()
    own = converter is None
    converter = start_converter() if own else converter
    try:
        env = {**run_env(), **THREADS, chart_converter.ENV: converter_address(converter)}
        return _execute_runs(context, stale, workers, env)
    finally:
        if own:
            converter.stop()


def _execute_runs(context, stale: list[cache.Run], workers: int, env: dict) -> list[str]:
    limit = cell_time_limit()
    # The longest first (as last measured), so no core is left running one alone at the end.
    queue = [(run, 1) for run in sorted(stale, key=lambda run: -float(cache.record(run.record_file).get("seconds", 0) or 0))]
    running: dict = {}
    ran, failures, done = [], [], 0

    def again(run: cache.Run, attempt: int, reason: str) -> None:
        if attempt == 2:
            failures.append(f"{run.shown}: its process did not start, twice ({reason})")
            return
        print(f"{run.shown}: its process did not start ({reason}); starting it once more", flush=True)
        queue.insert(0, (run, 2))

    def finished(page: _Running, outcome: tuple) -> None:
        nonlocal done
        done += 1
        if outcome[0] != "done":
            failures.append(outcome[1])
            print(f"[{done}/{len(stale)}] {page.run.shown}: FAILED", flush=True)
            return
        run, seconds = page.run, outcome[1]
        inputs = {**read_log(page.stage / "reads.txt"), "modules": imported(page.stage / "modules.txt", run.notebook)}
        install(run, page.stage, {
            "key": cache.notebook_key(run.notebook, run.parameters, **inputs), **inputs,
            "source": cache.sha(run.notebook), "code": cache.code_hash(run.notebook), "seconds": round(seconds, 1),
            "parameters": run.parameters, "finished": dt.datetime.now().isoformat(timespec="seconds")})
        ran.append(run.page)
        print(f"[{done}/{len(stale)}] {run.shown}: done in {seconds:.1f} s ({len(stale) - done} left)", flush=True)

    try:
        while queue or running:
            while queue and len(running) < workers:
                run, attempt = queue.pop(0)
                try:
                    reader, started = _start(context, run, attempt, env)
                except OSError as error:
                    again(run, attempt, str(error))
                    continue
                running[reader] = started
            if not running:
                continue
            now = time.monotonic()
            deadline = min(page.since + limit for page in running.values())
            for reader in multiprocessing.connection.wait(list(running), timeout=max(0.0, deadline - now)):
                page = running[reader]
                try:
                    message = reader.recv()
                except EOFError:  # the process ended without a word: it died, or never came up
                    running.pop(reader)
                    reader.close()
                    page.process.join()
                    shutil.rmtree(page.stage, ignore_errors=True)
                    if not page.up:
                        again(page.run, page.attempt, _ended(page))
                    elif page.cell is None:
                        finished(page, ("failed", f"{page.run.shown}: the process running it stopped before its first "
                                                  f"cell ({_ended(page)})"))
                    else:
                        finished(page, ("failed", f"{page.run.shown}: the process running it died in cell "
                                                  f"{page.cell[0]} ({_ended(page)})"))
                    continue
                if message[0] == "up":
                    page.up = True
                elif message[0] == "cell":
                    page.cell, page.since = message[1:], time.monotonic()
                else:
                    running.pop(reader)
                    reader.close()
                    page.process.join()
                    if message[0] != "done":
                        shutil.rmtree(page.stage, ignore_errors=True)
                    finished(page, message)
            now = time.monotonic()
            for reader, page in list(running.items()):
                if page.cell is not None and now - page.since > limit:
                    running.pop(reader)
                    reader.close()
                    stop([page.process])
                    shutil.rmtree(page.stage, ignore_errors=True)
                    finished(page, ("failed", f"{page.run.shown} ran past the time limit in {_in_cell(*page.cell)}: a "
                                              f"cell may run {limit} s (execute.timeout in _config.yml)"))
    except BaseException:
        stop([page.process for page in running.values()])
        raise
    if failures:
        raise BuildError("\n".join(failures))
    return ran


def execute_notebooks(force: bool = False, workers: int | None = None) -> list[str]:
    """Run every notebook whose key changed (after the register, if it changed), merge new prose into the cached
    runs whose code did not, and write the build status page; the pages that ran."""
    cache.EXECUTED.mkdir(parents=True, exist_ok=True)
    cache.KEYS.mkdir(parents=True, exist_ok=True)
    # The files the register's key is made of (data/, words, modules) are hashed once for it and the plan: the build
    # writes none of them (the register it computes is hashed only once computed).
    digests = cache.Digests()
    converter = None
    try:
        # Pages will run (their code or parameters changed, or the register must be computed): the warm process
        # imports, and the chart converter warms up, while the register is computed and the plan made.
        if force or cache.surely_stale(cache.runs(chapter_params.read())):
            converter = start_warm()
        register = force or cache.register_stale(digests)
        if register and converter is None:
            converter = start_warm()
        if register:
            compute_register(force=True)
        else:
            print("register: unchanged, using the one computed before", flush=True)
        stale, fresh = cache.plan(force, digests)
        total = len(stale) + len(fresh)
        merged = []
        for run in fresh:
            if cache.prose_changed(run):
                prose.rerender(run)
                merged.append(run.page)
                print(f"{run.shown}: only its prose changed, merged into the cached run (nothing executed)", flush=True)
            else:
                print(f"{run.shown}: unchanged, using the cached run", flush=True)
        if not stale:
            status.rewrite(merged)
            return []
        workers = workers or min(len(stale), os.cpu_count() or 1)
        print(f"notebooks: running {len(stale)} of {total}, {workers} at a time", flush=True)
        for run in stale:
            print(f"  queued {run.shown} with {run.parameters or 'no parameters'}", flush=True)
        ran = execute_runs(stale, workers, converter)
    finally:
        if converter is not None:
            converter.stop()
    status.write(ran, merged)
    return ran


# ---------------------------------------------------------------- stopping

def descendants(pid: int) -> list[int]:
    """Every process below `pid`, read from /proc; [] where there is none."""
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


def stop(processes) -> None:
    """Stop running pages and whatever they started (an interrupt, or an error in the build itself)."""
    for pid in [pid for process in processes if process.pid for pid in descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=10)


# ---------------------------------------------------------------- installing a run's files

def _staged_side(stage: Path) -> dict[str, str]:
    side = stage / "side"
    found = {}
    for path in sorted(p for p in side.rglob("*") if p.is_file()) if side.is_dir() else []:
        rel = path.relative_to(side).as_posix()
        sidefiles.checked(rel)
        found[rel] = cache.sha(path)
    return found


def install(run: cache.Run, stage: Path, kept: dict) -> None:
    """Move a successful run's output and side files into book/executed/, then write its cache record.
    The old record goes first: an interruption mid-way leaves the page stale, never half-new. An output or side
    file whose bytes did not change is left as it was (the HTML step then has nothing to rebuild for it)."""
    output, record_file = run.output, run.record_file
    side = _staged_side(stage)
    for other in cache.KEYS.glob("*.json"):
        if other != record_file:
            clash = sorted(set(side) & set(cache.record(other).get("side", {})))
            if clash:
                raise BuildError(f"{run.shown} writes {clash[0]}, which {other.stem} also writes; "
                                 "give the chart another name")
    old = cache.record(record_file).get("side", {})
    record_file.unlink(missing_ok=True)
    for rel in old:
        if rel not in side:
            (cache.EXECUTED / rel).unlink(missing_ok=True)
    for rel, digest in side.items():
        target = cache.EXECUTED / rel
        if cache.sha(target) != digest:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / "side" / rel, target)
    staged = stage / output.name
    if cache.sha(output) != cache.sha(staged):
        os.replace(staged, output)
    record_file.write_text(json.dumps({**kept, "side": side, "output": cache.sha(output)}))
    shutil.rmtree(stage, ignore_errors=True)


def prune_runs() -> list[str]:
    """Remove the outputs and records of runs that no longer exist (a notebook or a page deleted), so nothing of
    them is built or published."""
    current = {run.page for run in cache.runs(chapter_params.read())}
    removed = []
    for output in sorted(cache.EXECUTED.glob("*.ipynb")):
        if output.stem not in current:
            output.unlink()
            (cache.KEYS / f"{output.stem}.json").unlink(missing_ok=True)
            removed.append(cache.shown(output))
    return removed


def prune_side_files() -> list[str]:
    """Remove files in the side-file folders that no notebook's current run wrote (a removed chart, a
    stray copy): the site publishes those folders whole."""
    claimed = set()
    for run in cache.runs({}):  # a removed notebook's or page's charts are not published
        claimed.update(cache.record(run.record_file).get("side", {}))
    removed = []
    for area in sidefiles.AREAS:
        folder = cache.EXECUTED / area
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            rel = path.relative_to(cache.EXECUTED).as_posix()
            if path.is_file() and rel not in claimed:
                path.unlink()
                removed.append(rel)
    return removed
