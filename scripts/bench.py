"""Benchmark of `make book`: prints figures (medians of --runs runs), not a pass/fail test.

Run from the repository root with the environment's Python:

    python scripts/bench.py            # 3 runs of everything
    python scripts/bench.py --quick    # 1 run of everything

WARNING: it works on the real tree. It DELETES book/executed/ and _build/ (the two build folders)
for the cold builds and leaves them rebuilt at the end. It edits one notebook (a comment in a code cell
for the "one notebook changed" figure, a sentence in its prose for the "prose edited" one) and restores
its exact bytes afterwards. Nothing else is touched:
the naive Jupyter Book build and `make data` run in temporary folders.

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

TARGETS = {  # figure: (limit, unit); PASS when the median is at or under the limit
    "cold": 60.0, "noop": 5.0, "touch": 15.0, "prose": 5.0, "peak_mb": 1024.0, "page_kb": 1.5 * 1024,
}
NAIVE_NOOP_RATIO = 3.0

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

def naive_tree(root: Path) -> Path:
    """A copy of the book where Jupyter Book executes the source notebooks itself (execute: force), built from
    book/naive/ (as ours is from book/executed/, at the same depth, so the pages' relative links hold): the
    notebooks and book/pages/ copied there.

    The package, data/ and params.yml are copied too, so the notebooks' own writes (the register's
    downloads, the chart data) land in the copy, not in the real book/executed/.
    """
    import yaml

    for name in ("sentaway", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "book", root / "book", ignore=shutil.ignore_patterns("executed"))
    source = root / "book" / "naive"
    shutil.copytree(NOTEBOOKS, source)
    for page in (REPO / "book" / "pages").glob("*.md"):
        shutil.copy2(page, source / page.name)
    shutil.copy2(REPO / "params.yml", root / "params.yml")
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": "force", "timeout": -1}
    (root / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    # Jupyter Book runs each notebook once, as it is: a notebook of several pages becomes one copy per page,
    # its parameters cell set to the page's values (what papermill injects in our build).
    declared = params.load()
    for stem in params.PAGES:
        path = source / f"{stem}.ipynb"
        notebook = json.loads(path.read_text(encoding="utf-8"))
        cell = next(c for c in notebook["cells"] if "parameters" in c["metadata"].get("tags", []))
        for page, values in params.runs(stem, declared):
            cell["source"] = "".join(f"{name} = {value!r}\n" for name, value in values.items())
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
             f"{name} (of {len(council_pages)}); target <= 1536 KB: {verdict(size / 1024, TARGETS['page_kb'])}")


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


# ---------------------------------------------------------------- main

def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="WARNING: deletes book/executed/ and _build/ in this repository (rebuilt before it ends).")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median printed; default 3)")
    parser.add_argument("--quick", action="store_true", help="one run per figure")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive Jupyter Book build")
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

    print(f"bench: {runs} run(s) per figure; python {sys.version.split()[0]}; "
          f"memory from {'psutil (whole process tree, sampled every 50 ms)' if psutil else 'getrusage (largest process)'}",
          flush=True)
    figures = {}

    # Cold: packages installed, no cache.
    cold = []
    for i in range(runs):
        remove_build_folders()
        cold.append(build(f"cold {i + 1}"))
        print(f"  cold build {i + 1}: {cold[-1].seconds:.1f} s, peak {cold[-1].peak_mb:.0f} MB", flush=True)
    figures["cold"] = median([r.seconds for r in cold])
    figures["peak_mb"] = median([r.peak_mb for r in cold])
    councils = None if args.no_councils else council_cost(runs)
    largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    # No-op.
    # A "no-op" that ran notebooks or Sphinx means an input changed under us (someone editing the
    # tree): that run is reported and discarded, and another is made (at most `runs` extra).
    noop, discarded = [], 0
    while len(noop) < runs and discarded <= runs:
        result = build(f"no-op {len(noop) + 1}")
        ran = [name for name in notebook_times(result)]
        sphinx = any(text.startswith("html: building") for _, text in result.lines)
        if ran or sphinx:
            discarded += 1
            print(f"  no-op run discarded ({result.seconds:.1f} s): inputs changed during the benchmark, "
                  f"it re-ran {len(ran)} notebook(s){' and Sphinx' if sphinx else ''}", flush=True)
            continue
        noop.append(result.seconds)
    figures["noop"] = median(noop)

    # One notebook changed: a comment in its last code cell (it re-runs), then a sentence in its first
    # markdown cell (only merged into the cached run); different on every run; exact bytes restored.
    original = TOUCHED.read_bytes()
    for figure, kind, expected in (("touch", "code", [str(TOUCHED.relative_to(REPO))]), ("prose", "markdown", [])):
        times = []
        try:
            for i in range(runs):
                notebook = json.loads(original)
                cell = [c for c in notebook["cells"] if c["cell_type"] == kind][-1 if kind == "code" else 0]
                cell["source"] = "".join(cell["source"]) + f"\n\n{'# ' if kind == 'code' else ''}bench {time.time()}-{i}\n"
                TOUCHED.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
                result = build(f"{figure} {i + 1}")
                times.append(result.seconds)
                ran = notebook_times(result)
                if list(ran) != expected:
                    print(f"  note: {figure} run {i + 1} re-ran {', '.join(ran) or 'no notebook'}", flush=True)
        finally:
            TOUCHED.write_bytes(original)
        figures[figure] = median(times)
        # The cache again matches the notebook as committed: else the prose figure's first run would re-run the
        # notebook the code figure left changed.
        build(f"resync after restoring the notebook ({figure})")

    # make data from raw, into a temporary folder.
    raw = Path(os.environ.get("SENTAWAY_RAW") or REPO.parent / "shared" / "raw")
    extract = []
    if (raw / "MANIFEST.csv").is_file():
        env = dict(os.environ, SENTAWAY_RAW=str(raw))
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                result = run(python("-m", "sentaway.extract", tmp), env=env)
                if result.returncode != 0:
                    for _, text in result.lines[-10:]:
                        print("    | " + text)
                    raise SystemExit("bench: make data failed")
                extract.append(result)

    # Site weight.
    total, pages = page_weights(SITE)

    # Naive: Jupyter Book executes every notebook itself.
    naive_cold, naive_noop = [], []
    if not args.no_naive:
        with tempfile.TemporaryDirectory(prefix="sentaway-naive-") as tmp:
            root = naive_tree(Path(tmp) / "book")
            out = Path(tmp) / "out"
            for i in range(runs):
                shutil.rmtree(out, ignore_errors=True)
                naive_cold.append(naive_build(root, out))
                print(f"  naive cold build {i + 1}: {naive_cold[-1].seconds:.1f} s", flush=True)
            for _ in range(runs):
                naive_noop.append(naive_build(root, out))

    charts = {} if args.no_browser else chart_times(runs)
    readable = readability()

    # ------------------------------------------------------------ figures
    print()
    print("figure                                         median          target / ratio")
    line("cold build (no cache)", figures["cold"], "s", runs,
         f"target <= 60 s: {verdict(figures['cold'], TARGETS['cold'])}")
    line("no-op rebuild", figures["noop"], "s", runs, f"target <= 5 s: {verdict(figures['noop'], TARGETS['noop'])}")
    line(f"rebuild after changing {TOUCHED.name}'s code", figures["touch"], "s", runs,
         f"target <= 15 s: {verdict(figures['touch'], TARGETS['touch'])}")
    line(f"rebuild after editing {TOUCHED.name}'s prose only", figures["prose"], "s", runs,
         f"nothing executed; target <= 5 s: {verdict(figures['prose'], TARGETS['prose'])}")
    if extract:
        line("make data from raw (sentaway.extract)", median([r.seconds for r in extract]), "s", runs,
             f"peak {median([r.peak_mb for r in extract]):.0f} MB")
    else:
        print(f"{'make data from raw':<46} {'skipped':>14}   (no raw files at {raw}; set SENTAWAY_RAW)")
    line("peak memory of the cold build", figures["peak_mb"], "MB", runs,
         f"target <= 1024 MB: {verdict(figures['peak_mb'], TARGETS['peak_mb'])}"
         f"   (largest single process: {largest_mb:.0f} MB)")
    print_council_cost(councils, pages, runs)
    line("total site size (_build/html)", total / 1024, "KB", 1)
    heaviest_kb, heaviest = pages[0][0] / 1024, pages[0][1]
    line("heaviest page with its assets", heaviest_kb, "KB", 1,
         f"{heaviest}; target <= 1536 KB: {verdict(heaviest_kb, TARGETS['page_kb'])}")
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
    if naive_cold:
        nc, nn = median([r.seconds for r in naive_cold]), median([r.seconds for r in naive_noop])
        line("naive cold build (jupyter-book, force)", nc, "s", runs, f"naive/ours = {nc / figures['cold']:.1f}x")
        ratio = nn / figures["noop"]
        line("naive no-op rebuild", nn, "s", runs,
             f"naive/ours = {ratio:.1f}x; target >= {NAIVE_NOOP_RATIO:.0f}x: {verdict(NAIVE_NOOP_RATIO, ratio)}")
        line("naive peak memory (cold)", median([r.peak_mb for r in naive_cold]), "MB", runs)

    print()
    print("where the cold build's time goes (median over the cold runs):")
    per = {}
    for result in cold:
        for name, seconds in notebook_times(result).items():
            per.setdefault(name, []).append(seconds)
    for name, values in sorted(per.items(), key=lambda kv: -median(kv[1])):
        print(f"  {name:<40} {median(values):6.1f} s")
    sphinx = [s for s in (html_seconds(r) for r in cold) if s is not None]
    print(f"  {'sum of notebooks (as printed)':<40} {median([sum(notebook_times(r).values()) for r in cold]):6.1f} s")
    if sphinx:
        print(f"  {'html (Jupyter Book / Sphinx)':<40} {median(sphinx):6.1f} s")
    pages_shown = ", ".join(f"{name} {size / 1024:,.0f} KB" for size, name in pages[:3])
    print(f"  heaviest pages: {pages_shown}")
    in_toc = set(re.findall(r"file: (\w+)", (REPO / "_toc.yml").read_text()))
    extra = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in in_toc)
    if extra and naive_cold:
        print(f"  note: {', '.join(extra)} run by our build but not in _toc.yml, so not by the naive build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
