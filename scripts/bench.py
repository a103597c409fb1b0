"""Benchmark of `make book` against Jupyter Book's own cache mode: prints figures (medians of --runs runs) side by
side, with the ratio and the targets (issue 25), and other figures of the build; not a pass/fail test.

Run from the repository root with the environment's Python:

    python scripts/bench.py            # 3 runs of everything
    python scripts/bench.py --quick    # 1 run of everything

The anchor is what a careful Jupyter Book user runs: a copy of the book (the notebooks, the package, data/, the pages)
built by `jupyter-book build` with `execute_notebooks: cache`, in a temporary folder, measured in the same run and
interleaved with ours (ours, then the anchor, figure by figure): a cold build, a build with nothing changed, a sentence
added to a chapter's prose, a comment added to its code (each timed from an author's second edit on: one untimed edit
comes first), and a data file changed (the anchor's cache does not see data:
the check says which pages then still show the old numbers). A second copy built with `execute_notebooks: force` is
measured cold and with nothing changed.

WARNING: it works on the real tree. It DELETES book/executed/ and _build/ (the two build folders) for the cold builds
and leaves them rebuilt at the end. It edits one notebook (a comment in a code cell, then a sentence in its prose) and
one data file (data/cla_placements.csv) and restores their exact bytes afterwards, each followed by an untimed build.
The Jupyter Book copies and `make data` run in temporary folders.

The build is always called through its command line (`python -m sentaway.publish.build`,
`python -m sentaway.extract`), never through its internals.
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from sentaway.publish.pageweight import page_weights  # noqa: E402  (the repository's package, not installed)
from sentaway.read import params  # noqa: E402
EXECUTED = REPO / "book" / "executed"
BUILD = REPO / "_build"
SITE = BUILD / "html"
NOTEBOOKS = REPO / "notebooks"
TOUCHED = NOTEBOOKS / "out_of_area.ipynb"
CHART_PAGES = {"register": "register.html", "out-of-area chapter": "out_of_area.html"}

DATA_FILE = REPO / "data" / "cla_placements.csv"
# The data change: England's children in children's homes outside their council, 31 March 2018 (CLA 2022), and the
# total it is a part of, each 10 more: the out-of-area chapter's series and charts must show it.
DATA_EDIT = [(",outside,all,4090,,nearest 10", ",outside,all,4100,,nearest 10"),
             ("regulations,all,all,6490,,nearest 10", "regulations,all,all,6500,,nearest 10")]
DATA_CHECK = ("chart-data/number-outside.csv", "4100")  # the published chart data that must show the new figure

# Issue 25's targets: (the most our build may take, the least the anchor/ours ratio may be).
TARGETS = {"cold": (20.0, 2.0), "noop": (None, 5.0), "prose": (1.5, 2.0), "code": (4.0, 2.0)}
OTHER_TARGETS = {"peak_mb": 1024.0, "page_kb": 1.5 * 1024}

try:
    import psutil
except ImportError:  # getrusage alone then: the largest single process, not the whole tree
    psutil = None


# ---------------------------------------------------------------- running commands

class Run:
    def __init__(self, seconds, returncode, lines, peak_mb):
        self.seconds, self.returncode, self.lines, self.peak_mb = seconds, returncode, lines, peak_mb


def _tree_rss(proc) -> int:
    total = 0
    try:
        procs = [proc] + proc.children(recursive=True)
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def run(cmd, env=None, cwd=REPO, echo=False) -> Run:
    """Run cmd, timing it, keeping its output lines with their time since start, sampling memory."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    peak = [0]
    stop = threading.Event()
    if psutil is not None:
        handle = psutil.Process(proc.pid)

        def sample():
            while not stop.is_set():
                peak[0] = max(peak[0], _tree_rss(handle))
                stop.wait(0.05)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    lines = []
    for line in proc.stdout:
        lines.append((time.monotonic() - start, line.rstrip("\n")))
        if echo:
            print("    | " + line.rstrip("\n"), flush=True)
    proc.wait()
    seconds = time.monotonic() - start
    stop.set()
    # ru_maxrss of waited-for descendants: the largest single process so far, in KB on Linux.
    largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_mb = peak[0] / 2**20 if psutil is not None else largest
    return Run(seconds, proc.returncode, lines, peak_mb)


def python(*args) -> list[str]:
    return [sys.executable, *args]


def build(label: str, retry: bool = True) -> Run:
    """`python -m sentaway.publish.build`; a failure is retried once after a minute (someone may be mid-edit)."""
    result = run(python("-m", "sentaway.publish.build"))
    if result.returncode != 0 and retry:
        print(f"  {label}: build failed, retrying in 60 s. Last lines:", flush=True)
        for _, line in result.lines[-8:]:
            print("    | " + line)
        time.sleep(60)
        result = run(python("-m", "sentaway.publish.build"))
    if result.returncode != 0:
        for _, line in result.lines[-30:]:
            print("    | " + line)
        raise SystemExit(f"bench: {label} build failed twice; stopping")
    return result


def median(values):
    return statistics.median(values) if values else float("nan")


def verdict(value, limit) -> str:
    return "PASS" if value <= limit else "MISS"


def line(name, value, unit, runs, extra=""):
    shown = f"{value:,.1f} {unit}" if isinstance(value, (int, float)) else str(value)
    print(f"{name:<46} {shown:>14}   (median of {runs}){('   ' + extra) if extra else ''}", flush=True)


def remove_build_folders():
    shutil.rmtree(EXECUTED, ignore_errors=True)
    shutil.rmtree(BUILD, ignore_errors=True)


# ---------------------------------------------------------------- the naive build

def naive_tree(root: Path, mode: str) -> Path:
    """A copy of the book where Jupyter Book executes the source notebooks itself (execute_notebooks: `mode`, cache or
    force), built from
    book/naive/ (as ours is from book/executed/, at the same depth, so the pages' relative links hold): the
    notebooks and book/pages/ copied there.

    The package, data/ and params.yml are copied too, so the notebooks' own writes (the register's
    downloads, the chart data) land in the copy, not in the real book/executed/.
    """
    import yaml

    for name in ("sentaway", "data", "releases"):  # releases/: the stamp names the last release, as in ours
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in REPO.iterdir():  # the files pages read (CITATION.cff for citations, BENCHMARKS.md for reproduce)
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, root / path.name)
    shutil.copytree(REPO / "book", root / "book", ignore=shutil.ignore_patterns("executed"))
    source = root / "book" / "naive"
    shutil.copytree(NOTEBOOKS, source)
    for page in (REPO / "book" / "pages").glob("*.md"):
        shutil.copy2(page, source / page.name)
    shutil.copy2(REPO / "params.yml", root / "params.yml")
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": mode, "timeout": -1}
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    # Jupyter Book runs each notebook once, as it is: a notebook of several pages becomes one copy per page,
    # its parameters cell set to the page's values (what papermill injects in our build).
    declared = params.load()
    for stem in params.PAGES:
        path = source / f"{stem}.ipynb"
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
        defaults = "".join(cell["source"]).rstrip("\n") + "\n"  # kept, as papermill keeps them: the page's values follow
        for page, values in params.runs(stem, declared):
            cell["source"] = defaults + "".join(f"{name} = {value!r}\n" for name, value in values.items())
            (source / f"{page}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        path.unlink()
    shutil.copy2(REPO / "_toc.yml", root / "_toc.yml")
    # The notebooks write their chart data and downloads as side files (sentaway.sidefiles, under
    # $SENTAWAY_SIDE_FILES, set to book/naive/ by naive_env), where the pages link them.
    return root


def naive_env(root: Path) -> dict:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    raw = os.environ.get("SENTAWAY_RAW") or str(REPO.parent / "shared" / "raw")
    env["SENTAWAY_RAW"] = raw
    env.setdefault("SENTAWAY_TRANSCRIBED", str(Path(raw).parent / "transcribed"))
    env["SENTAWAY_SIDE_FILES"] = str(root / "book" / "naive")
    return env


def naive_build(root: Path, out: Path) -> Run:
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = run([str(jupyter_book), "build", str(root / "book" / "naive"), "--config", str(root / "_config.yml"),
                  "--toc", str(root / "_toc.yml"), "--path-output", str(out), "--quiet"], env=naive_env(root), cwd=root)
    if result.returncode != 0 or not (out / "_build" / "html" / "index.html").exists():
        for _, text in result.lines[-30:]:
            print("    | " + text)
        raise SystemExit("bench: the naive Jupyter Book build failed")
    return result


# ---------------------------------------------------------------- the council pages' cost (issue 26)

COUNCILS_NOTEBOOK = "councils"  # notebooks/councils.ipynb makes every council page
FEATURE_LIMIT = 5.0  # s: what the council pages may add to a cold build


def copy_tree(root: Path, without_councils: bool) -> Path:
    """A copy of the repository's files (git ls-files, the releases' archives linked, not copied). Without the council
    pages, notebooks/councils.ipynb is its title alone (so the links to the list still resolve): it computes nothing
    and writes no page."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, capture_output=True,
                            check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source, target = REPO / rel, root / rel
        if not source.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".zip":
            target.symlink_to(source)
        else:
            shutil.copy2(source, target)
    if without_councils:
        notebook = root / "notebooks" / f"{COUNCILS_NOTEBOOK}.ipynb"
        cells = json.loads(notebook.read_text(encoding="utf-8"))
        title = next(c for c in cells["cells"] if c["cell_type"] == "markdown")
        title["source"] = "".join(title["source"]).splitlines()[0] + "\n"
        cells["cells"] = [title]
        notebook.write_text(json.dumps(cells, indent=1), encoding="utf-8")
    return root


def build_in(root: Path, label: str) -> Run:
    """A cold build of a copy (its own package, data and _build)."""
    shutil.rmtree(root / "_build", ignore_errors=True)
    shutil.rmtree(root / "book" / "executed", ignore_errors=True)
    result = run(python("-m", "sentaway.publish.build"), env=dict(os.environ, PYTHONPATH=str(root)), cwd=root)
    if result.returncode != 0:
        for _, text in result.lines[-20:]:
            print("    | " + text)
        raise SystemExit(f"bench: {label} failed")
    return result


def council_cost(runs: int) -> float:
    """What the council pages add to a cold build: the median cold build of a copy of the tree minus that of the same
    copy without them, the two interleaved (with, without, with, ...) so both meet the machine in the same state."""
    times = {True: [], False: []}
    with tempfile.TemporaryDirectory(prefix="sentaway-councils-") as tmp:
        roots = {with_: copy_tree(Path(tmp) / ("with" if with_ else "without"), not with_) for with_ in times}
        for i in range(runs):
            for with_, root in roots.items():
                label = f"cold build {'with' if with_ else 'without'} the council pages {i + 1}"
                times[with_].append(build_in(root, label).seconds)
                print(f"  {label}: {times[with_][-1]:.1f} s", flush=True)
    return median(times[True]) - median(times[False])


def print_council_cost(added: float | None, pages: list, runs: int) -> None:
    """The council pages' lines: their cold-build cost and the heaviest of them (pages: page_weights' list)."""
    if added is not None:
        line("council pages: added to a cold build", added, "s", runs,
             f"copy minus copy without them; target <= {FEATURE_LIMIT:.0f} s: {verdict(added, FEATURE_LIMIT)}")
    council_pages = [(size, name) for size, name in pages if name.startswith("council-")]
    if council_pages:
        size, name = council_pages[0]
        line("council pages: heaviest with its assets", size / 1024, "KB", 1,
             f"{name} (of {len(council_pages)}); target <= 1536 KB: {verdict(size / 1024, OTHER_TARGETS['page_kb'])}")


# ---------------------------------------------------------------- site size

# ---------------------------------------------------------------- charts in Chromium

# Installed before any page script: records performance.now() when every figure.sa-chart is drawn.
WATCH = """
(function () {
  function check() {
    if (window.__saDrawnAt !== undefined) return;
    var figures = document.querySelectorAll("figure.sa-chart");
    if (figures.length === 0) return;
    for (var i = 0; i < figures.length; i++) if (!figures[i].classList.contains("sa-drawn")) return;
    window.__saDrawnAt = performance.now();
    window.__saCharts = figures.length;
  }
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ["class"]});
})();
"""

WAIT = """
var done = arguments[arguments.length - 1], started = Date.now();
(function poll() {
  if (window.__saDrawnAt !== undefined) return done([window.__saDrawnAt, window.__saCharts]);
  var figures = document.querySelectorAll("figure.sa-chart");
  var drawn = document.querySelectorAll("figure.sa-chart.sa-drawn");
  if (figures.length && figures.length === drawn.length) return done([performance.now(), figures.length]);
  if (!figures.length && document.readyState === "complete") {
    var nav = performance.getEntriesByType("navigation")[0];
    return done([null, 0, nav ? nav.loadEventEnd : performance.now()]);
  }
  if (Date.now() - started > 55000) return done([null, figures.length]);
  setTimeout(poll, 5);
})();
"""


def chart_times(runs: int) -> dict:
    browser, driver_path = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (Path(browser).exists() and Path(driver_path).exists()):
        return {"skipped": "chromium and chromedriver are needed (apt-get install chromium chromium-driver)"}
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return {"skipped": "selenium is not installed (requirements-test.txt)"}
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,2000",
                 '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', "--proxy-server=http://127.0.0.1:9"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    results = {}
    try:
        driver.set_script_timeout(60)
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
        for name, rel in CHART_PAGES.items():
            page = SITE / rel
            if not page.exists():
                results[name] = (None, f"{rel} not built")
                continue
            times, loads, charts = [], [], 0
            for _ in range(runs):
                driver.get("about:blank")
                driver.get(page.as_uri())
                answer = driver.execute_async_script(WAIT)
                drawn_at, charts = answer[0], answer[1]
                if drawn_at is None:
                    if charts == 0 and len(answer) > 2:
                        loads.append(answer[2])
                        continue
                    break
                times.append(drawn_at)
            if loads:
                results[name] = (None, f"no figure.sa-chart on this page; load event at {median(loads):.0f} ms")
            else:
                results[name] = (median(times) if len(times) == runs else None,
                                 f"{charts} charts" if times else f"charts not all drawn within 55 s ({charts} charts)")
    finally:
        driver.quit()
    return results


# ---------------------------------------------------------------- profile helpers

DONE = re.compile(r"\] (\S+\.ipynb)(?:, page (\S+))?: done in ([\d.]+) s")


def notebook_times(result: Run) -> dict:
    """Each run's time, by notebook (or by page, for a notebook of several)."""
    return {m.group(2) or m.group(1): float(m.group(3)) for _, text in result.lines if (m := DONE.search(text))}


def html_seconds(result: Run) -> float | None:
    """Time from the build's 'html: building' line to its end: the Jupyter Book/Sphinx part."""
    starts = [t for t, text in result.lines if text.startswith("html: building")]
    return result.seconds - starts[0] if starts else None


# ---------------------------------------------------------------- readability

# GOV.UK writes for a reading age of 9 (its content design guidance): a Flesch-Kincaid grade of about 4 (US grade 4
# is ages 9-10), a Flesch reading ease of about 80 and above.
READABLE_PAGES = {"home page": "index.html", "register page": "register.html"}
GOVUK = {"ease": 80.0, "grade": 4.0}


def prose(page: Path) -> str:
    """A page's own prose as a reader reads it: its paragraphs and list items and the register's conclusions, without
    the quotes it checks (others' words), tables, charts, code and the theme's navigation."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.bd-article") or soup.body
    conclusions = [" ".join(node.get_text(" ").split()) for node in article.select(".sa-conclusion")]
    for tag in article.select("blockquote, table, figure, pre, code, script, style, nav, .sa-point-label, .sa-point-source, "
                              ".toctree-wrapper, .sa-copy"):
        tag.decompose()
    parts = [" ".join(node.get_text(" ").split()) for node in article.select("p, li")] + conclusions
    return "\n".join(part for part in parts if part)


def readability(site: Path = SITE) -> dict:
    """{page: (Flesch reading ease, Flesch-Kincaid grade, words)} of the home and register pages' prose (textstat, a
    test package: make bench installs it)."""
    try:
        import textstat
    except ImportError:
        return {"skipped": "textstat is not installed (requirements-test.txt)"}
    found = {}
    for name, rel in READABLE_PAGES.items():
        text = prose(site / rel) if (site / rel).is_file() else ""
        found[name] = (textstat.flesch_reading_ease(text), textstat.flesch_kincaid_grade(text),
                       textstat.lexicon_count(text)) if text else None
    return found


def print_readability(found: dict) -> None:
    if "skipped" in found:
        print(f"{'readability':<46} {'skipped':>14}   ({found['skipped']})")
        return
    for name, value in found.items():
        if value is None:
            print(f"{name + ': readability':<46} {'n/a':>14}   (page not built)")
            continue
        ease, grade, count = value
        print(f"{name + ': Flesch reading ease':<46} {ease:>14.1f}   ({count} words; GOV.UK aims at "
              f">= {GOVUK['ease']:.0f}: {verdict(GOVUK['ease'], ease)})", flush=True)
        print(f"{name + ': Flesch-Kincaid grade':<46} {grade:>14.1f}   (GOV.UK's reading age 9 is "
              f"grade {GOVUK['grade']:.0f}: {verdict(grade, GOVUK['grade'])})", flush=True)


# ---------------------------------------------------------------- edits

def edited_notebook(original: bytes, kind: str, mark: str) -> str:
    """The notebook with a comment in its last code cell ("code": it runs again) or a sentence in its first markdown
    cell ("prose": nothing runs), different on every run."""
    notebook = json.loads(original)
    cell = [c for c in notebook["cells"] if c["cell_type"] == ("code" if kind == "code" else "markdown")][-1 if kind == "code" else 0]
    cell["source"] = "".join(cell["source"]) + (f"\n# bench {mark}\n" if kind == "code" else f"\n\nBench sentence {mark}.\n")
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def edited_data(text: str) -> str:
    for old, new in DATA_EDIT:
        if old not in text:
            raise SystemExit(f"bench: {DATA_FILE.name} no longer holds {old!r}; update DATA_EDIT")
        text = text.replace(old, new, 1)
    return text


class Tool:
    """One way of building the book: ours (`make book` in the repository) or Jupyter Book on a copy (`mode`)."""

    def __init__(self, name: str, root: Path | None = None, out: Path | None = None):
        self.name, self.root, self.out = name, root, out

    @property
    def site(self) -> Path:
        return SITE if self.root is None else self.out / "_build" / "html"

    @property
    def notebook(self) -> Path:
        return TOUCHED if self.root is None else self.root / "book" / "naive" / TOUCHED.name

    @property
    def data(self) -> Path:
        return DATA_FILE if self.root is None else self.root / "data" / DATA_FILE.name

    def cold(self, label: str) -> Run:
        if self.root is None:
            remove_build_folders()
        else:
            shutil.rmtree(self.out, ignore_errors=True)
        return self.build(label)

    def build(self, label: str) -> Run:
        return build(label) if self.root is None else naive_build(self.root, self.out)


def pages_changed(site: Path, before: dict[str, bytes]) -> set[str]:
    return {rel for rel, text in before.items() if not (site / rel).is_file() or (site / rel).read_bytes() != text}


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.glob("*.html")}


def shows_new_data(site: Path) -> bool:
    rel, value = DATA_CHECK
    return (site / rel).is_file() and value in (site / rel).read_text(encoding="utf-8")


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="WARNING: deletes book/executed/ and _build/ in this repository (rebuilt before it ends).")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median printed; default 3)")
    parser.add_argument("--quick", action="store_true", help="one run per figure")
    parser.add_argument("--no-force", action="store_true", help="skip the Jupyter Book copy in force mode")
    parser.add_argument("--no-browser", action="store_true", help="skip the chart timings in Chromium")
    parser.add_argument("--no-councils", action="store_true",
                        help="skip the council pages' cold-build cost (two copies built cold)")
    parser.add_argument("--readability", action="store_true",
                        help="only measure the readability of the built site's home and register pages (builds nothing)")
    args = parser.parse_args()
    if args.readability:
        print_readability(readability())
        return 0
    runs = 1 if args.quick else max(1, args.runs)
    if Path.cwd().resolve() != REPO:
        print(f"bench: run from the repository root ({REPO})", file=sys.stderr)
        return 2

    load = os.getloadavg()
    print(f"bench: {runs} run(s) per figure; python {sys.version.split()[0]}; {os.cpu_count()} cores; load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start; memory from "
          f"{'psutil (whole process tree, sampled every 50 ms)' if psutil else 'getrusage (largest process)'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sentaway-bench-") as tmp:
        ours = Tool("ours")
        anchor = Tool("Jupyter Book, cache mode", naive_tree(Path(tmp) / "cache" / "book", "cache"), Path(tmp) / "cache" / "out")
        force = None if args.no_force else Tool("Jupyter Book, force mode", naive_tree(Path(tmp) / "force" / "book", "force"),
                                                Path(tmp) / "force" / "out")
        tools = [t for t in (ours, anchor, force) if t is not None]
        times = {}  # (figure, tool name) -> [Run]

        def timed(figure, tool, result):
            times.setdefault((figure, tool.name), []).append(result)
            print(f"  {figure} {len(times[(figure, tool.name)])}, {tool.name}: {result.seconds:.1f} s", flush=True)

        # Cold: packages installed, no cache; then nothing changed. Interleaved: ours, the anchor, force mode.
        for i in range(runs):
            for tool in tools:
                timed("cold", tool, tool.cold(f"cold {i + 1}"))
        largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        councils = None if args.no_councils else council_cost(runs)
        noop_discarded = 0
        for i in range(runs):
            for tool in tools:
                result = tool.build(f"no-op {i + 1}")
                if tool is ours and (notebook_times(result) or any(t.startswith("html: building") for _, t in result.lines)):
                    # an input changed under us (someone editing the tree): reported, and measured again
                    noop_discarded += 1
                    print(f"  no-op run discarded ({result.seconds:.1f} s): inputs changed during the benchmark", flush=True)
                    result = tool.build(f"no-op {i + 1}, again")
                timed("noop", tool, result)

        # A comment in the chapter's code, then a sentence in its prose, in both books, as an author edits: after one
        # untimed edit (the first edit of a clean checkout also changes what the methods and reproduce pages say of
        # the tree); then the bytes restored and one untimed build of each, so the next figure starts from the
        # committed tree.
        for figure in ("code", "prose"):
            originals = {tool.name: tool.notebook.read_bytes() for tool in (ours, anchor)}
            try:
                for tool in (ours, anchor):
                    tool.notebook.write_text(edited_notebook(originals[tool.name], figure, f"{time.time()}-first"),
                                             encoding="utf-8")
                    tool.build(f"{figure}, the first edit (not timed)")
                for i in range(runs):
                    for tool in (ours, anchor):
                        tool.notebook.write_text(edited_notebook(originals[tool.name], figure, f"{time.time()}-{i}"),
                                                 encoding="utf-8")
                        result = tool.build(f"{figure} {i + 1}")
                        timed(figure, tool, result)
                        if tool is ours:
                            ran = list(notebook_times(result))
                            expected = [str(TOUCHED.relative_to(REPO))] if figure == "code" else []
                            if ran != expected:
                                print(f"  note: {figure} run {i + 1} re-ran {', '.join(ran) or 'no notebook'}", flush=True)
            finally:
                for tool in (ours, anchor):
                    tool.notebook.write_bytes(originals[tool.name])
            for tool in (ours, anchor):
                tool.build(f"resync after restoring the notebook ({figure})")

        # A data file changed: which pages each build changed, and whether the chapter's chart data shows it.
        stale = {}
        originals = {tool.name: tool.data.read_bytes() for tool in (ours, anchor)}
        try:
            for tool in (ours, anchor):
                before = snapshot(tool.site)
                tool.data.write_text(edited_data(originals[tool.name].decode("utf-8")), encoding="utf-8")
                result = tool.build("data changed")
                timed("data", tool, result)
                stale[tool.name] = (shows_new_data(tool.site), pages_changed(tool.site, before))
        finally:
            for tool in (ours, anchor):
                tool.data.write_bytes(originals[tool.name])
        for tool in (ours, anchor):
            tool.build("resync after restoring the data file")

        # make data from raw, into a temporary folder.
        raw = Path(os.environ.get("SENTAWAY_RAW") or REPO.parent / "shared" / "raw")
        extract = []
        if (raw / "MANIFEST.csv").is_file():
            env = dict(os.environ, SENTAWAY_RAW=str(raw))
            for _ in range(runs):
                with tempfile.TemporaryDirectory() as out:
                    result = run(python("-m", "sentaway.extract", out), env=env)
                    if result.returncode != 0:
                        for _, text in result.lines[-10:]:
                            print("    | " + text)
                        raise SystemExit("bench: make data failed")
                    extract.append(result)

    total, pages = page_weights(SITE)
    charts = {} if args.no_browser else chart_times(runs)
    readable = readability()

    def seconds(figure, tool):
        return median([r.seconds for r in times.get((figure, tool.name), [])])

    # ------------------------------------------------------------ the table
    load = os.getloadavg()
    print()
    print(f"Sent Away against Jupyter Book's cache mode, medians of {runs} run(s), interleaved "
          f"(load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end):")
    print()
    print("| edit | Sent Away | Jupyter Book cache mode | ratio | target | |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    names = {"cold": "cold build", "noop": "nothing changed", "prose": f"a sentence of {TOUCHED.stem}'s prose",
             "code": f"a line of {TOUCHED.stem}'s code"}
    for figure, (limit, least) in TARGETS.items():
        mine, theirs = seconds(figure, ours), seconds(figure, anchor)
        ratio = theirs / mine
        wanted = " and ".join(filter(None, [f"<= {limit:g} s" if limit else "", f">= {least:g}x faster"]))
        met = (limit is None or mine <= limit) and ratio >= least
        print(f"| {names[figure]} | {mine:.1f} s | {theirs:.1f} s | {ratio:.1f}x faster | {wanted} | "
              f"{'PASS' if met else 'MISS'} |")
    shown, changed = stale[ours.name]
    their_shown, their_changed = stale[anchor.name]
    left = sorted(changed - their_changed)
    print(f"| a data file changed ({DATA_FILE.name}) | {seconds('data', ours):.1f} s, "
          f"{'new figures shown' if shown else 'OLD FIGURES SHOWN'} ({len(changed)} pages changed) | "
          f"{seconds('data', anchor):.1f} s, {'new figures shown' if their_shown else 'old figures republished'}"
          f"{f' ({len(left)} of those pages unchanged)' if left else ''} | | never a stale page | "
          f"{'PASS' if shown and changed else 'MISS'} |")
    if force is not None:
        print(f"| Jupyter Book force mode: cold / nothing changed | | {seconds('cold', force):.1f} s / "
              f"{seconds('noop', force):.1f} s | {seconds('cold', force) / seconds('cold', ours):.1f}x / "
              f"{seconds('noop', force) / seconds('noop', ours):.1f}x faster | | |")
    if noop_discarded:
        print(f"({noop_discarded} no-op run(s) of ours were measured again: inputs changed during the benchmark)")

    # ------------------------------------------------------------ other figures
    print()
    print("figure                                         median          target")
    cold = times[("cold", ours.name)]
    line("peak memory of our cold build", median([r.peak_mb for r in cold]), "MB", runs,
         f"target <= 1024 MB: {verdict(median([r.peak_mb for r in cold]), OTHER_TARGETS['peak_mb'])}"
         f"   (largest single process: {largest_mb:.0f} MB)")
    line("peak memory of the anchor's cold build", median([r.peak_mb for r in times[("cold", anchor.name)]]), "MB", runs)
    if extract:
        line("make data from raw (sentaway.extract)", median([r.seconds for r in extract]), "s", runs,
             f"peak {median([r.peak_mb for r in extract]):.0f} MB")
    else:
        print(f"{'make data from raw':<46} {'skipped':>14}   (no raw files at {raw}; set SENTAWAY_RAW)")
    print_council_cost(councils, pages, runs)
    line("total site size (_build/html)", total / 1024, "KB", 1)
    heaviest_kb, heaviest = pages[0][0] / 1024, pages[0][1]
    line("heaviest page with its assets", heaviest_kb, "KB", 1,
         f"{heaviest}; target <= 1536 KB: {verdict(heaviest_kb, OTHER_TARGETS['page_kb'])}")
    for name, value in charts.items():
        if name == "skipped":
            print(f"{'charts drawn in headless Chromium':<46} {'skipped':>14}   ({value})")
            continue
        ms, note = value
        if ms is None:
            print(f"{'charts drawn, ' + name + ' page':<46} {'n/a':>14}   ({note})")
        else:
            line(f"charts drawn, {name} page", ms, "ms", runs, f"from navigation start; {note}")
    print_readability(readable)

    print()
    print("where our cold build's time goes (median over the cold runs):")
    per = {}
    for result in cold:
        for name, value in notebook_times(result).items():
            per.setdefault(name, []).append(value)
    for name, values in sorted(per.items(), key=lambda kv: -median(kv[1])):
        print(f"  {name:<40} {median(values):6.1f} s")
    sphinx = [s for s in (html_seconds(r) for r in cold) if s is not None]
    print(f"  {'sum of notebooks (as printed)':<40} {median([sum(notebook_times(r).values()) for r in cold]):6.1f} s")
    if sphinx:
        print(f"  {'html (Sphinx, every page)':<40} {median(sphinx):6.1f} s")
    for figure in ("prose", "code"):
        html = [s for s in (html_seconds(r) for r in times[(figure, ours.name)]) if s is not None]
        if html:
            print(f"  {'html after the ' + figure + ' edit (Sphinx)':<40} {median(html):6.1f} s")
    pages_shown = ", ".join(f"{name} {size / 1024:,.0f} KB" for size, name in pages[:3])
    print(f"  heaviest pages: {pages_shown}")
    in_toc = set(re.findall(r"file: (\w+)", (REPO / "_toc.yml").read_text()))
    extra = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in in_toc)
    if extra:
        print(f"  note: {', '.join(extra)} run by our build but not in _toc.yml, so not by Jupyter Book's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
