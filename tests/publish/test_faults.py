"""Faults of the build: side files, Python versions, the reviewer's route, and builds in a temporary copy of the
repository (bad inputs, interruptions, markup in the claims)."""

import csv
import html
import io
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from faults import (SHARE, claims_line, digest, foreign_content, inject_markup, machine_faults, offered_csv_problems,
                    replace_cell, run_env, the_message)
from sentaway import sidefiles
from sentaway.publish import cache, runner
from sentaway.paths import REPO


def test_the_reviewer_route_refuses_a_misspelt_name_before_running_anything(tmp_path):
    result = subprocess.run([sys.executable, "-m", "sentaway.publish.run", "notebooks/out_of_area.ipynb", str(tmp_path / "review"),
                             "-p", "frist_year", "2013"], cwd=REPO, env=run_env(), text=True, capture_output=True, timeout=120)
    assert result.returncode == 1
    assert the_message(result.stderr) == ("run: stopped before running anything. out_of_area: unknown parameter "
                                          "'frist_year'; allowed: first_year, last_year")
    result = subprocess.run([sys.executable, "-m", "sentaway.publish.run", "notebooks/out_of_area.ipynb", str(REPO / "book" / "executed")],
                            cwd=REPO, env=run_env(), text=True, capture_output=True, timeout=120)
    assert result.returncode == 1 and "inside the book's own folder book/" in the_message(result.stderr)
    assert not (tmp_path / "review").exists()




# ---------------------------------------------------------------- 1. side files are part of the cached output

def test_a_deleted_or_altered_side_file_or_output_reruns_its_notebook(site, tmp_path, monkeypatch):
    executed = tmp_path / "executed"
    shutil.copytree(cache.EXECUTED, executed)
    monkeypatch.setattr(cache, "EXECUTED", executed)
    assert not cache.plan()[0]
    (executed / "extra/chart-data/revisions.csv").write_text("year,value\n2020,1\n")
    (executed / "downloads/claims_register.json").unlink()
    output = executed / "methods.ipynb"
    output.write_bytes(output.read_bytes().replace(b"Methods", b"Method", 1))
    assert {run.page for run in cache.plan()[0]} == {"revisions", "register", "methods"}


def test_a_stray_file_in_the_published_side_folders_is_removed(site, tmp_path, monkeypatch):
    executed = tmp_path / "executed"
    shutil.copytree(cache.EXECUTED, executed)
    monkeypatch.setattr(cache, "EXECUTED", executed)
    (executed / "extra/chart-data/left-by-a-reviewer.csv").write_text("x\n1\n")
    assert runner.prune_side_files() == ["extra/chart-data/left-by-a-reviewer.csv"]
    assert not runner.prune_side_files()


@pytest.mark.parametrize("rel", ["../x.csv", "/tmp/x.csv", "book/x.csv", "extra/../../x.csv", "extra/.hidden"])
def test_a_side_file_cannot_be_written_outside_its_folders(rel):
    with pytest.raises(ValueError, match="must be a plain path under extra or downloads or councils/"):
        sidefiles.write(rel, "x")


# ---------------------------------------------------------------- 9. Python version, virtual environment, skips

def _other_python() -> tuple[str, str] | None:
    """A Python other than 3.11 and 3.12 on this machine, if there is one: (path, "3.x")."""
    candidates = [shutil.which(f"python3.{minor}") for minor in (8, 9, 10, 13, 14)]
    candidates += sorted(str(p) for p in Path("/root/.pyenv/versions").glob("3.*/bin/python3"))
    candidates += sorted(str(p) for p in Path("/usr/bin").glob("python3.[0-9]*") if "-" not in p.name)
    for path in filter(None, candidates):
        try:
            found = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if found and found not in ("3.11", "3.12"):
            return path, found
    return None


@pytest.fixture(scope="module")
def other_python():
    found = _other_python()
    if not found:
        pytest.skip("no Python other than 3.11 and 3.12 on this machine to refuse")
    return found


def test_the_build_refuses_another_python_in_one_line(other_python):
    path, version = other_python
    result = subprocess.run([path, "-m", "sentaway.publish.build"], cwd=REPO, env=run_env(), text=True, capture_output=True, timeout=60)
    assert result.returncode == 1
    assert the_message(result.stderr) == (f"build: stopped. Python {version} found ({path}); Sent Away builds with "
                                          "Python 3.11 or 3.12")


def test_make_refuses_another_python_and_never_reuses_a_venv_made_by_one(other_python, tmp_path):
    path, version = other_python
    for name in ("Makefile", "requirements.txt", "requirements-test.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    result = subprocess.run(["make", "book", f"PYTHON={path}"], cwd=tmp_path, text=True, capture_output=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.splitlines()[0] == (f"setup: {path} is Python {version}; Sent Away needs Python 3.11 or 3.12 "
                                             "(e.g. make PYTHON=python3.12)")
    assert not (tmp_path / ".venv").exists()
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(path)
    (tmp_path / ".venv" / ".installed").touch()
    plan = subprocess.run(["make", "-n", "book", f"PYTHON={sys.executable}"], cwd=tmp_path, text=True,
                          capture_output=True, timeout=60).stdout
    assert f"was made by Python {version}, not {sys.version_info[0]}.{sys.version_info[1]}" in plan
    assert "rm -rf .venv" in plan and "-m venv .venv" in plan


def test_a_changed_requirements_file_reinstalls_whatever_the_file_times_say(tmp_path):
    """The venv's stamp holds the sha256 of the requirements it installed (issue 23, point 7): an edited file older
    than the stamp re-installs; a file touched but unchanged does not."""
    import hashlib
    import os

    for name in ("Makefile", "requirements.txt", "requirements-test.txt"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").symlink_to(sys.executable)
    stamp = tmp_path / ".venv" / ".installed"

    def plan() -> str:
        return subprocess.run(["make", "-n", ".venv/.installed", f"PYTHON={sys.executable}"], cwd=tmp_path, text=True,
                              capture_output=True, timeout=60).stdout

    stamp.write_text(hashlib.sha256((tmp_path / "requirements.txt").read_bytes()).hexdigest() + "\n")
    os.utime(tmp_path / "requirements.txt")  # newer than the stamp, the same bytes
    assert "pip install" not in plan()
    with open(tmp_path / "requirements.txt", "a", encoding="utf-8") as handle:
        handle.write("six==1.17.0\n")
    os.utime(tmp_path / "requirements.txt", (1, 1))  # edited, yet older than the stamp
    assert "pip install --quiet -r requirements.txt" in plan()


def test_make_test_ends_by_saying_how_many_tests_were_skipped_and_why(tmp_path):
    shutil.copy(REPO / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "test_x.py").write_text("import pytest\n\ndef test_a(browser):\n    pass\n\n"
                                        "def test_b():\n    pytest.skip('no raw files')\n")
    env = {k: v for k, v in run_env().items() if k != "CI"}
    env.update(SENTAWAY_CHROMIUM=str(tmp_path / "no-chromium"), PYTHONPATH=str(REPO))  # as on a machine without it
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                            cwd=tmp_path, env=env, text=True, capture_output=True, timeout=120)
    tail = result.stdout.splitlines()[-4:]
    assert "2 test(s) skipped" in tail[0], result.stdout
    assert any(line.startswith("1 skipped: chromium and chromedriver are needed") for line in tail), tail
    assert "1 skipped: no raw files" in tail, tail


# ---------------------------------------------------------------- builds in a temporary copy of the repository

@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory, site):
    """One copy of the repository with its built site and cached runs, for the faults that need a build."""
    root = tmp_path_factory.mktemp("copy") / "sent away"  # a space in the path, as users have
    shutil.copytree(REPO, root, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv", "dist", ".pytest_cache", "__pycache__", ".lock", "tmp"))
    (root / ".venv").symlink_to((REPO / ".venv").resolve())
    result = _build(root)
    # Every run's cache holds in the copy; its pages are written again, since a copy with no git history is stamped so
    # (the stamp's commit is part of the HTML's key), and after that nothing is stale.
    assert result.returncode == 0 and "notebooks: running" not in result.stdout, result.stdout + result.stderr
    assert "html: nothing changed" in _build(root).stdout
    return root


def _build(root: Path, *args, timeout=900) -> subprocess.CompletedProcess:
    return subprocess.run([str(root / ".venv/bin/python"), "-m", "sentaway.publish.build", *args], cwd=root, env=run_env(),
                          text=True, capture_output=True, timeout=timeout)


def _state(root: Path) -> dict:
    return {"site": digest(root / "_build/html"), "data": digest(root / "data"),
            "executed": digest(root / "book/executed"), "register": digest(root / "_build/register")}


@pytest.mark.parametrize("fault", ["value with a decimal comma", "claim cited as nan", "broken datapackage.json",
                                   "duplicate key in params.yml", "window with nothing to show",
                                   "a reading of a claim that does not exist", "an endpoint that is not a claim",
                                   "a reading of an unknown measure", "a release date not in ISO form"])
def test_a_bad_input_stops_make_book_before_any_work_and_leaves_everything_as_it_was(repo_copy, fault):
    edits = {
        "value with a decimal comma": ("data/cla_missing.csv", lambda t: replace_cell(t, 5, "value", "1,5"),
                                       "data/cla_missing.csv, line 5, column value: '1,5' is not of type number"),
        "claim cited as nan": ("data/claims.csv", lambda t: replace_cell(t, claims_line(SHARE), "cited_value", "nan"),
                               f"data/claims.csv, line {claims_line(SHARE)}, column cited_value: claim {SHARE}: "
                               "'nan' is not a finite number in percent"),
        "broken datapackage.json": ("data/datapackage.json", lambda t: t[: len(t) // 2],
                                    "data/datapackage.json, line "),
        "duplicate key in params.yml": ("params.yml", lambda t: t.replace("growth:\n", "growth:\n  series: cited\n", 1),
                                        "params.yml, line "),
        # Found as the register is computed, before any page runs; the register computed before is kept.
        "a reading of an unknown measure": ("data/readings.csv", lambda t: t.replace(",homes_locality,", ",homes_localityX,", 1),
                                            f"the claims register could not be computed: {repo_copy / 'data/readings.csv'}, "
                                            "line 2 (ooa-share-2012-localgov): measure 'homes_localityX' is not defined"),
        "a release date not in ISO form": ("data/release_calendar.csv", lambda t: t.replace(",2017-08-31,", ",31/08/2017,", 1),
                                           "the claims register could not be computed: data/release_calendar.csv, line 21, "
                                           "column published: '31/08/2017' does not have the form"),
        "a reading of a claim that does not exist": (
            "data/readings.csv", lambda t: t.replace("\nooa-share-2012-localgov,1,", "\nooa-share-2012-localgovX,1,", 1),
            "data/readings.csv, line 2, column claim_id: 'ooa-share-2012-localgovX' is not a claim in data/claims.csv"),
        "an endpoint that is not a claim": (
            "data/claims.csv", lambda t: t.replace(";ooa-number-2018-localgov,", ";ooa-number-2019-localgov,", 1),
            "data/claims.csv, line 17, column endpoint_claims: claim ooa-number-change-2012-2018-localgov names "
            "'ooa-number-2019-localgov', not a claim in data/claims.csv"),
        "window with nothing to show": ("params.yml", lambda t: t.replace("claims_regional:\n  first_year: 2014\n",
                                                                          "claims_regional:\n  first_year: 2017\n  last_year: 2022\n"),
                                        "params.yml: claims_regional: the window 2017-2022 holds 0 year(s) of data (none)"),
    }
    name, change, expected = edits[fault]
    path = repo_copy / name
    original = path.read_bytes()
    path.write_text(change(original.decode("utf-8")), encoding="utf-8")
    assert path.read_bytes() != original
    before = _state(repo_copy)
    try:
        result = _build(repo_copy)
        after = _state(repo_copy)
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    message = the_message(result.stderr)
    assert message.startswith(f"build: stopped. {expected}"), message
    assert "notebooks: running" not in result.stdout and "html: building" not in result.stdout
    assert after == before
    assert not (repo_copy / "_build/tmp").exists()


RELEASE_PAGE_TITLE = re.compile(r' \(<a [^>]*class="sa-release"[^>]*>[^<]*</a>\)')


def _figures(page: Path) -> list[tuple[str, str, list[list[str]]]]:
    """(chart name, CSV link, rows of the page's own data table) for every chart on a page."""
    text = page.read_text(encoding="utf-8")
    found = []
    for figure in re.findall(r'<figure class="sa-chart".*?</figure>', text, flags=re.S):
        name = re.search(r'id="chart-([^"]+)"', figure).group(1)
        link = html.unescape(re.search(r'<a href="([^"]+\.csv)" download>', figure).group(1))
        table = re.search(r"<table.*?</table>", figure, flags=re.S).group(0)
        # A release whose page is a collection's shows that page's title after its name: the name is the data.
        rows = [[html.unescape(re.sub(r"<[^>]+>", "", re.sub(RELEASE_PAGE_TITLE, "", cell))).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)]
        found.append((name, link, rows))
    return found


def _same_cell(shown: str, written: str) -> bool:
    if shown == written or (shown in ("–", "") and written == ""):
        return True
    try:
        return math.isclose(float(shown.replace(",", "")), float(written), rel_tol=1e-5, abs_tol=1e-9)
    except ValueError:
        return False


def assert_site_agrees(root: Path) -> int:
    """Every chart's CSV in the site holds what its page's table shows; the register downloads hold the
    register the page shows and what a fresh computation gives; the side files in book/executed/ are the
    ones published. Returns the number of charts checked."""
    site, charts = root / "_build/html", 0
    for page in sorted(site.rglob("*.html")):
        if "_static" in page.parts:
            continue
        for name, link, rows in _figures(page):
            published = (page.parent / link).resolve()
            written = list(csv.reader(io.StringIO(published.read_text(encoding="utf-8"))))
            assert written[0] == rows[0] and len(written) == len(rows), (page.name, name)
            for shown_row, written_row in zip(rows[1:], written[1:]):
                assert all(_same_cell(a, b) for a, b in zip(shown_row, written_row)), (page.name, name, shown_row, written_row)
            source = root / "book/executed/extra/chart-data" / published.name
            assert source.read_bytes() == published.read_bytes(), name
            charts += 1
    fresh = subprocess.run([str(root / ".venv/bin/python"), "-c",
                            "from sentaway.register import register; import sys; sys.stdout.write(register.to_csv(register.build()[0]))"],
                           cwd=root, env=run_env(), text=True, capture_output=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    [download] = site.glob("_downloads/*/claims_register.csv")
    assert download.read_text(encoding="utf-8") == fresh.stdout
    page = (site / "register.html").read_text(encoding="utf-8")
    for row in csv.DictReader(io.StringIO(fresh.stdout)):
        assert f'id="claim-{html.escape(row["claim_id"])}"' in page
    return charts


def _as_from_a_terminal() -> None:
    # A test run started in the background (`make test &`, some CI runners) ignores Ctrl-C, and the build it starts
    # would inherit that; this test stands for a Ctrl-C at a terminal, where the build acts on it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_build(root: Path) -> subprocess.Popen:
    return subprocess.Popen([str(root / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=root, env=run_env(),
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_as_from_a_terminal)


def _kill_all(process: subprocess.Popen) -> None:
    """Kill a build that is still running, and what it started (its notebooks' processes hold its output open)."""
    if process.poll() is None:
        for pid in [process.pid, *runner.descendants(process.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _stop(process: subprocess.Popen, signum: int) -> str:
    """Send the build a signal and return its stderr once it has stopped; a build still running two minutes later
    fails the test with the stack of each of its threads (the build prints them on SIGUSR1)."""
    process.send_signal(signum)
    try:
        return process.communicate(timeout=120)[1]
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGUSR1)
        time.sleep(2)
        _kill_all(process)
        pytest.fail(f"the build was still running 120 s after {signal.Signals(signum).name}; "
                    f"its threads:\n{process.communicate(timeout=60)[1]}")


def _left_running(root: Path) -> list[str]:
    """The processes working in the copy that are still running 10 s after its build ended (what the build started and
    did not stop: its pages, their warm process, the chart converter, Sphinx)."""
    deadline = time.monotonic() + 10
    while True:
        found = []
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                if Path(os.readlink(proc / "cwd")).is_relative_to(root) and \
                        (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append((proc / "cmdline").read_text().replace("\0", " ")[:200])
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_an_interrupted_build_publishes_nothing_of_its_run_and_a_deleted_page_is_rebuilt(repo_copy):
    notebook = repo_copy / "notebooks/out_of_area.ipynb"
    original = notebook.read_bytes()
    mark = repo_copy.parent / "mid-notebook"
    changed = nbformat.reads(original.decode("utf-8"), as_version=4)
    changed.cells.append(nbformat.v4.new_code_cell(
        "import pathlib, time\nfrom sentaway import sidefiles\n"
        "sidefiles.write('extra/chart-data/share-outside.csv', 'year,share\\n2020,99\\n')\n"
        "sidefiles.write('extra/chart-data/from-the-interrupted-run.csv', 'x\\n1\\n')\n"
        f"pathlib.Path({str(mark)!r}).touch()\ntime.sleep(600)"))
    notebook.write_text(nbformat.writes(changed), encoding="utf-8")
    before = _state(repo_copy)
    process = _start_build(repo_copy)
    try:
        deadline = time.monotonic() + 300
        while not mark.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert mark.exists(), "the changed notebook never reached its last cell"
        stderr = _stop(process, signal.SIGINT)
    finally:
        _kill_all(process)
        notebook.write_bytes(original)
    assert process.returncode == 130
    assert the_message(stderr) == ("build: interrupted; nothing half-made was kept, and the previous site is left "
                                   "as it was")
    assert _left_running(repo_copy) == []
    assert _state(repo_copy) == before
    assert not (repo_copy / "_build/tmp").exists()
    # Reverted: nothing is stale, and nothing of the interrupted run is anywhere.
    result = _build(repo_copy)
    assert result.returncode == 0, result.stderr
    assert "notebooks: running" not in result.stdout and "html: nothing changed" in result.stdout
    assert _state(repo_copy) == before
    # A page and a download deleted from the site are noticed and rebuilt; a SIGTERM while Sphinx builds the HTML
    # (every page: its record of the last run is gone too) stops it, removes its temporary folder and leaves the site
    # as it was.
    (repo_copy / "_build/html/out_of_area.html").unlink()
    (repo_copy / "_build/html/chart-data/share-outside.csv").unlink()
    (repo_copy / "_build/sphinx/record.json").unlink()
    before = _state(repo_copy)
    process = _start_build(repo_copy)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None and not any((repo_copy / "_build/tmp").glob("sphinx-*")):
            time.sleep(0.1)
        stderr = _stop(process, signal.SIGTERM)
    finally:
        _kill_all(process)
    assert process.returncode == 130, stderr
    assert the_message(stderr).startswith("build: interrupted;")
    assert _left_running(repo_copy) == []
    assert _state(repo_copy) == before and not (repo_copy / "_build/tmp").exists()
    result = _build(repo_copy)
    assert result.returncode == 0, result.stderr
    assert "differs from what the last build wrote" in result.stdout
    assert (repo_copy / "_build/html/out_of_area.html").is_file()
    assert not list((repo_copy / "_build/html").rglob("from-the-interrupted-run.csv"))
    assert assert_site_agrees(repo_copy) >= 10


def test_the_reviewer_route_writes_only_under_the_chosen_folder(repo_copy, tmp_path):
    before = _state(repo_copy)
    review = tmp_path / "my review"
    result = subprocess.run([str(repo_copy / ".venv/bin/python"), "-m", "sentaway.publish.run", "notebooks/out_of_area.ipynb",
                             str(review), "-p", "first_year", "2016"], cwd=repo_copy, env=run_env(), text=True,
                            capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "[IPKernelApp] WARNING" not in result.stderr, result.stderr  # no kernel noise among the progress lines
    assert (review / "out_of_area.ipynb").is_file()
    years = {row["year"] for row in csv.DictReader(io.StringIO((review / "extra/chart-data/share-outside.csv").read_text()))}
    assert years and min(map(int, years)) >= 2016
    # Plain papermill, as a reviewer may also run it: the side files go nowhere near the book.
    out = tmp_path / "plain.ipynb"
    result = subprocess.run([str(repo_copy / ".venv/bin/papermill"), "notebooks/register.ipynb", str(out)],
                            cwd=repo_copy, env=run_env(PYTHONPATH=str(repo_copy)), text=True, capture_output=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert _state(repo_copy) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my review", "plain.ipynb"]
    result = _build(repo_copy)
    assert "notebooks: running" not in result.stdout and "html: nothing changed" in result.stdout


# Where each kind of text must show, as text: the official footnote the growth chapter and the revisions page quote
# (issue 24), a release's own label, a council's spending line, the claims and their sources, the rule's readings.
MUST_SHOW = {"sfr50_national_notes.csv:text": ["growth.html", "revisions.html", "register.html"],
             "cla_placements.csv:placement_label": ["growth.html"], "s251_spend.csv:line_label": ["claims_cost.html"],
             "release_links.csv:title": ["out_of_area.html", "methods.html"], "readings.csv:reason": ["verdicts.html"],
             "claims.csv:quote": ["index.html", "claims_out_of_area.html"],
             "claims.csv:speaker": ["register.html", "index.html"], "claims.csv:outlet": ["register.html"],
             "claims.csv:measure": ["claims_missing.html"], "provenance.csv:note": ["claims_out_of_area.html"],
             "claim_sources.csv:publication": ["claims_out_of_area.html"], "quote_links.csv:title": ["claims_regional.html"],
             "release_dates.csv:title": ["claims_out_of_area.html"],
             "council_changes.csv:what": ["council-E06000059-dorset.html"],
             "council_changes.csv:url_title": ["council-E06000059-dorset.html"],
             "claim_councils.csv:note": ["council-E08000007-stockport.html"]}


def test_markup_in_every_text_column_of_data_shows_as_text_and_copies_nothing(repo_copy, browser, tmp_path):
    """Every text column of every extract and of the claims' files (tests/faults.py, text_columns) holds, in every
    row, HTML, a script, a refresh, a style, Markdown, an image and a download of a file outside the repository, and
    starts with a spreadsheet formula (one build for all of them): the build succeeds, no published file holds any of
    it live or a copy of the outside file, the pages that show it show it as text, every CSV offered gives the
    formulas as text, and in Chromium nothing runs, no page moves and every badge shows."""
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"bytes of a file outside the repository")
    data = repo_copy / "data"
    originals = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    try:
        columns = inject_markup(data, outside)
        assert "claims.csv" in columns and "text" in columns["sfr50_national_notes.csv"]
        result = _build(repo_copy)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        site = repo_copy / "_build/html"
        live, shown = foreign_content(site, outside)
        assert live == []
        assert offered_csv_problems(repo_copy) == []  # each formula offered with a quote before it, numbers as they are
        register = list(csv.DictReader(io.StringIO(next(site.glob("_downloads/*/claims_register.csv")).read_text())))
        assert all(row["quote"].startswith("'") for row in register)
        missing = {column: sorted(set(pages) - shown.get(column, set())) for column, pages in MUST_SHOW.items()}
        assert {c: p for c, p in missing.items() if p} == {}
        everything = "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', everything, flags=re.S)
        assert all(json.loads(b) for b in blocks)  # a quote cannot end the block early
        assert any("<script>window.pwned=1</script>" in json.loads(b)["claimReviewed"] for b in blocks)
        for page in sorted({page for pages in shown.values() for page in pages}):
            browser.get((site / page).as_uri())
            time.sleep(0.3)  # a refresh of 0 seconds would have left by now
            assert browser.current_url == (site / page).as_uri(), page
            assert browser.execute_script("return window.pwned === undefined;"), page
            hidden = browser.execute_script("return Array.from(document.querySelectorAll('.sa-badge'))"
                                            ".filter(function (b) { return getComputedStyle(b).display === 'none'; }).length;")
            assert hidden == 0, page
    finally:
        for name, text in originals.items():
            (data / name).write_bytes(text)


# ---------------------------------------------------------------- a notebook's kernel, its time, the disk

def _up_to_date(root: Path) -> None:
    """The copy built from what it now holds (a test before may have left its pages stale), so that a failing build
    after it can be seen to change nothing."""
    result = _build(root)
    assert result.returncode == 0, result.stderr


def _one_stale_run(root: Path, cell: str | None = None) -> tuple[Path, bytes]:
    """methods.ipynb made to run again (its cache record gone), with `cell` added as its last code cell; the notebook's
    bytes before, to put back."""
    notebook = root / "notebooks/methods.ipynb"
    original = notebook.read_bytes()
    if cell:
        changed = nbformat.reads(original.decode("utf-8"), as_version=4)
        changed.cells.append(nbformat.v4.new_code_cell(cell))
        notebook.write_text(nbformat.writes(changed), encoding="utf-8")
    (root / "_build/keys/methods.json").unlink(missing_ok=True)
    return notebook, original


def _last_cell(root: Path) -> int:
    return len(nbformat.reads((root / "notebooks/methods.ipynb").read_text(encoding="utf-8"), as_version=4).cells) - 1


@pytest.mark.parametrize("fault", ["the kernel dies", "a cell never ends"])
def test_a_notebook_whose_kernel_dies_or_that_runs_past_the_time_limit_stops_the_build_naming_notebook_and_cell(
        repo_copy, fault):
    _up_to_date(repo_copy)
    config = repo_copy / "_config.yml"
    config_bytes = config.read_bytes()
    before = _state(repo_copy)
    record = (repo_copy / "_build/keys/methods.json").read_bytes()
    cell = ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)" if fault == "the kernel dies"
            else "import time\ntime.sleep(600)")
    notebook, original = _one_stale_run(repo_copy, cell)
    if fault == "a cell never ends":  # the limit a cell may run, set low in the copy's configuration
        config.write_text(config_bytes.decode().replace("  timeout: 600\n", "  timeout: 4\n"), encoding="utf-8")
    try:
        start = time.monotonic()
        result = _build(repo_copy, timeout=600)
        seconds = time.monotonic() - start
    finally:
        notebook.write_bytes(original)
        config.write_bytes(config_bytes)
        (repo_copy / "_build/keys/methods.json").write_bytes(record)
    assert result.returncode == 1
    index = _last_cell(repo_copy) + 1
    # A page runs in a process of its own (sentaway.publish.runner), not a kernel: that process is what dies.
    expected = {"the kernel dies": f"notebooks/methods.ipynb: the process running it died in cell {index} (killed by SIGKILL)",
                "a cell never ends": f"notebooks/methods.ipynb ran past the time limit in cell {index} (execution count 4): "
                                     "a cell may run 4 s (execute.timeout in _config.yml)"}[fault]
    assert the_message(result.stderr) == f"build: stopped. {expected}"
    assert seconds < 300
    assert _left_running(repo_copy) == []  # the pages' warm process and chart converter went with the build
    assert _state(repo_copy) == before and not (repo_copy / "_build/tmp").exists()


# A page's process is forked from the build's warm one (sentaway.publish.runner); a fork a busy machine refuses is the
# start that can fail (EAGAIN), injected here into the build process: the first `fails` starts of a page's process.
START_FAILS = '''
import errno, os, multiprocessing.process

_count, _fails = os.environ["SENTAWAY_TEST_START_COUNT"], int(os.environ["SENTAWAY_TEST_START_FAILS"])
_start = multiprocessing.process.BaseProcess.start


def start(self):
    if self.name.startswith("sentaway page"):
        with open(_count, "a") as handle:
            handle.write("x")
        if _fails < 0 or os.path.getsize(_count) <= _fails:
            raise OSError(errno.EAGAIN, os.strerror(errno.EAGAIN))
    return _start(self)


multiprocessing.process.BaseProcess.start = start
'''


def test_a_page_whose_process_cannot_start_is_started_once_more_then_the_build_stops_naming_the_notebook(repo_copy, tmp_path):
    def build(folder: Path, fails: int) -> subprocess.CompletedProcess:
        folder.mkdir()
        (folder / "sitecustomize.py").write_text(START_FAILS, encoding="utf-8")
        base = run_env()
        env = {**base, "PYTHONPATH": os.pathsep.join(filter(None, [str(folder), base.get("PYTHONPATH", "")])),
               "SENTAWAY_TEST_START_COUNT": str(folder / "starts"), "SENTAWAY_TEST_START_FAILS": str(fails)}
        return subprocess.run([str(repo_copy / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=repo_copy,
                              env=env, text=True, capture_output=True, timeout=600)

    _up_to_date(repo_copy)
    _one_stale_run(repo_copy)
    result = build(tmp_path / "second", fails=1)
    assert result.returncode == 0, result.stderr
    assert ("notebooks/methods.ipynb: its process did not start ([Errno 11] Resource temporarily unavailable); "
            "starting it once more") in result.stdout
    assert (tmp_path / "second" / "starts").read_text() == "xx"
    record = (repo_copy / "_build/keys/methods.json").read_bytes()  # the run just made, kept for the builds after
    before = _state(repo_copy)
    _one_stale_run(repo_copy)
    try:
        result = build(tmp_path / "never", fails=-1)
    finally:
        (repo_copy / "_build/keys/methods.json").write_bytes(record)
    assert result.returncode == 1
    assert the_message(result.stderr) == ("build: stopped. notebooks/methods.ipynb: its process did not start, twice "
                                          "([Errno 11] Resource temporarily unavailable)")
    assert _state(repo_copy) == before and not (repo_copy / "_build/tmp").exists()


def test_a_full_disk_stops_the_build_naming_the_file_it_was_writing(repo_copy, tmp_path):
    _up_to_date(repo_copy)
    record = (repo_copy / "_build/keys/methods.json").read_bytes()
    before = _state(repo_copy)
    _one_stale_run(repo_copy)
    try:
        env = machine_faults(tmp_path / "faults", SENTAWAY_TEST_FULL_DISK=str(repo_copy / "_build/tmp"))
        result = subprocess.run([str(repo_copy / ".venv/bin/python"), "-m", "sentaway.publish.build"], cwd=repo_copy, env=env,
                                text=True, capture_output=True, timeout=600)
    finally:
        (repo_copy / "_build/keys/methods.json").write_bytes(record)
    assert result.returncode == 1
    message = the_message(result.stderr)
    assert re.fullmatch(r"build: stopped\. notebooks/methods\.ipynb: no space left on device while writing "
                        + re.escape(str(repo_copy / "_build/tmp")) + r"/methods-[^/]+/\S+", message), message
    assert _state(repo_copy) == before and not (repo_copy / "_build/tmp").exists()
