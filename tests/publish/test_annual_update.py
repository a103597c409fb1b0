"""Next November's release without code, end to end (issue 23, point 8).

From the latest release in the raw files, a "release to next year" is made in a temporary copy of the raw folder, as
DfE would ship it: a new folder (the same files, years moved on by one: the oldest year dropped, the new year's
figures changed, one earlier year revised, one cell newly suppressed, one council's code changed) and its rows in
MANIFEST.csv with their sha256. In a temporary copy of the repository, a maintainer then adds the one entry of data
(its folder and publication date in sentaway/extract/releases.yml) and runs `make data`, `make book`, `make release`
and `make site`. The new year must be in the children's-homes series, the register and the growth forecast's
comparison (its chart, where the new year's official value stands beside the forecast); the revision on the
revisions page and the changes page; the earlier release's pages unchanged; and no Python file changed.

Its run time (a few minutes: the book is built twice, once by `make book` and once by `make release`, whose new
version changes every page) is spent on one worker of `make test`; `make release` runs only the tests that hold
whatever the figures are (RELEASE_TESTS), since the others pin today's."""

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from faults import run_env
from sentaway.extract import sources
from sentaway.extract.releases import registry
from sentaway.paths import REPO, transcribed_dir
from sentaway.raw.files import RawFiles

VERSION = "0.3.0"  # the release the maintainer makes (newer than every recorded one)
PUBLISHED = "2030-11-20"
# The tests `make release` runs in the copy: what holds whatever the figures are (fresh extraction byte for byte,
# no year range typed by hand).
RELEASE_TESTS = ("tests/extract/test_extract.py::test_regenerating_from_raw_gives_the_committed_bytes "
                 "tests/analysis/test_coverage.py -p no:cacheprovider")
HOMES = {"children's home placement inside the council boundary": 30,
         "children's home placement outside the council boundary": 60,
         "total children's homes subject to children's homes regulations": 90}
REVISED = ("secure homes and children's homes", "all children", 40)  # placement_type, provider, change (inside it)
RECODED = ("805", "E06000099")  # a council's DfE number, and the new ONS code the release gives it
SUPPRESSED_LA = "Camden"


def _rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], [row for row in rows[1:] if row]


def _text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header] + rows)
    return out.getvalue()


def next_release(text: str, year: int) -> str:
    """One CSV file of the release to `year`, as the release to the year after would print it."""
    header, rows = _rows(text)
    if "time_period" not in header:
        return text
    col = {name: i for i, name in enumerate(header)}
    kept = [row for row in rows if int(row[col["time_period"]]) > year - 4]
    new = []
    for row in (r for r in rows if int(r[col["time_period"]]) == year):
        row = list(row)
        row[col["time_period"]] = str(year + 1)
        label = sources.label_key(row[col["characteristic"]]) if "characteristic" in col else ""
        if "cla_group" in col and sources.label_key(row[col["cla_group"]]) == "placement" and label in HOMES:
            row[col["number"]] = str(int(row[col["number"]]) + HOMES[label])  # the new year's own figures
        if "old_la_code" in col and row[col["old_la_code"]] == RECODED[0]:
            row[col["new_la_code"]] = RECODED[1]
        if (row[col.get("la_name", 0)] == SUPPRESSED_LA and "characteristic" in col
                and label.startswith("children who are the responsibility of this la placed outside")):
            row[col["number"]] = "c"
        new.append(row)
    if "placement_type" in col:  # one earlier year revised: children inside the boundary in one placement group
        inside = {row[col["placement_type"]].split(".")[0] for row in rows
                  if sources.label_key(row[col["placement_type"]]) == "all children placed inside council boundary"}
        for row in kept:
            label = row[col["placement_type"]]
            if (int(row[col["time_period"]]) == year - 1 and re.match(r"^\d+", label).group(0) in inside
                    and sources.label_key(label) == REVISED[0]
                    and sources.label_key(row[col["placement_provider"]]) == REVISED[1]):
                row[col["number"]] = str(int(row[col["number"]]) + REVISED[2])
    return _text(header, kept + new)


@pytest.fixture(scope="module")
def simulated(raw_root, tmp_path_factory):
    """The raw folder with the release to next year added (the files DfE would ship and their manifest rows)."""
    raw = RawFiles(raw_root)
    latest = registry().of_kind("ees")[-1]
    year = latest.year
    folder = latest.folder.replace(str(year), str(year + 1))
    root = tmp_path_factory.mktemp("annual") / "raw"
    for rel in raw.entries:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).symlink_to(raw_root / rel)
    manifest = (raw_root / "MANIFEST.csv").read_text(encoding="utf-8")
    for rel in sorted(p for p in raw.entries if p.startswith(latest.folder + "/")):
        inside = rel[len(latest.folder) + 1:].replace(str(year), str(year + 1))
        data = next_release(raw.text(rel), year).encode("utf-8")
        target = root / folder / inside
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest += f"{folder}/{inside},{len(data)},{hashlib.sha256(data).hexdigest()},simulated/{folder}/{inside}\n"
    (root / "MANIFEST.csv").write_text(manifest, encoding="utf-8")
    return root, folder, year


def _run(command: list[str], repo: Path, env: dict, what: str) -> str:
    result = subprocess.run(command, cwd=repo, env=env, text=True, capture_output=True, timeout=3600)
    assert result.returncode == 0, f"{what} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _copy_repository(root: Path) -> Path:
    """The repository as committed and edited now, in a fresh git history of its own, with this venv."""
    repo = root / "repo"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        if (REPO / rel).is_file():
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, repo / rel)
    (repo / ".venv").symlink_to(REPO / ".venv")
    for args in (["init", "-q"], ["config", "user.name", "Test Maintainer"], ["config", "user.email", "test@example.org"],
                 ["add", "-A"], ["commit", "-q", "-m", "as it was"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


def _pages(folder: Path) -> dict[str, bytes]:
    """A release's pages as their archive gave them: the version bar `make site` puts in each page left out."""
    bar = re.compile(rb'<aside id="sa-versions".*?</aside>', re.S)
    return {str(p.relative_to(folder)): bar.sub(b"", p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def _shown(glued: dict, notebook: str, name: str) -> str:
    """A glued figure as the page reads (its Markdown escapes undone)."""
    value = glued[notebook][name]
    shown = value.get("text/markdown", value.get("text/plain")) if isinstance(value, dict) else str(value)
    return re.sub(r"\\(.)", r"\1", shown)


def test_the_release_to_next_year_goes_in_without_code(simulated, tmp_path):
    import json

    raw, folder, year = simulated
    repo = _copy_repository(tmp_path)
    env = {k: v for k, v in run_env(SENTAWAY_RAW=str(raw), SENTAWAY_TRANSCRIBED=str(transcribed_dir())).items()
           if k not in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST")}
    make = lambda *target: ["make", "--no-print-directory", *target]  # noqa: E731
    _run(make("site"), repo, env, "make site (before)")
    recorded = sorted(p.name for p in (repo / "_build" / "site").glob("v*"))
    before = {name: _pages(repo / "_build" / "site" / name) for name in recorded}

    # Before its entry, the new folder is refused by name, with the entry to add.
    refused = subprocess.run(make("data"), cwd=repo, env=env, text=True, capture_output=True, timeout=600)
    assert refused.returncode != 0 and f"{folder}: a new ees release in MANIFEST.csv" in refused.stderr
    assert f"`{folder}: {{published: \"<YYYY-MM-DD>\"}}`" in refused.stderr

    # The one entry of data, as releases.yml's own comment says.
    path = repo / "sentaway" / "extract" / "releases.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if re.match(r"^  dfe-cla-ees-to-\d{4}:", line))
    lines.insert(last + 1, f'  {folder}: {{published: "{PUBLISHED}"}}\n')
    path.write_text("".join(lines), encoding="utf-8")
    _run(make("data"), repo, env, "make data")
    _run(make("book"), repo, env, "make book")
    changelog = repo / "CHANGELOG.md"
    changelog.write_text(changelog.read_text(encoding="utf-8").replace(
        "## Unreleased\n\n", f"## Unreleased\n\n- The release to {year + 1} (simulated by the annual-update test).\n", 1),
        encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-q", "-m", f"The release to {year + 1}"], cwd=repo, check=True)
    edited = subprocess.run(["git", "diff", "--name-only", "HEAD~1", "HEAD"], cwd=repo, capture_output=True,
                            text=True, check=True).stdout.split()
    assert not [name for name in edited if name.endswith(".py")], edited
    assert all(name in ("sentaway/extract/releases.yml", "CHANGELOG.md") or name.startswith("data/") for name in edited)

    _run(make("release", f"VERSION={VERSION}"), repo, {**env, "PYTEST_ADDOPTS": RELEASE_TESTS}, "make release")
    _run(make("site"), repo, env, "make site")
    site = repo / "_build" / "site"
    record = repo / "releases" / VERSION
    glued = json.loads((record / "glued_figures.json").read_text(encoding="utf-8"))
    old = json.loads((repo / "releases" / recorded[-1][1:] / "glued_figures.json").read_text(encoding="utf-8"))
    new_label = f"CLA {year + 1} (EES)"

    # The new year in the children's-homes series, the growth forecast's comparison, and the register.
    outside = int(float(_shown(old, "out_of_area", "series_last_outside")))
    assert (_shown(glued, "out_of_area", "series_last_year"), _shown(glued, "out_of_area", "series_last_release"),
            int(float(_shown(glued, "out_of_area", "series_last_outside")))) == (str(year + 1), new_label, outside + 60)
    forecast = (site / "chart-data" / "growth-forecast.csv").read_text(encoding="utf-8")  # the forecast's chart data
    assert re.search(rf"\n[^\n]*,{year + 1},[^\n]*,Official \({re.escape(new_label)}\),{outside + 60}\.0,", forecast), forecast
    register = list(csv.DictReader(io.StringIO((record / "claims_register.csv").read_text(encoding="utf-8"))))
    assert any(f"the series in the files runs 2013-{year + 1}" in row["missing"] for row in register)

    # The revision: on the revisions page, beside the value the earlier release printed, and on the changes page.
    page = next(p for p in site.rglob("revisions.html") if not p.relative_to(site).parts[0].startswith("v"))
    rows = re.findall(r"<tr>.*?</tr>", page.read_text(encoding="utf-8"), re.S)
    revised = [r for r in rows if f">{year - 1}<" in r and f"CLA {year} (EES)" in r and new_label in r]
    assert revised and any(f">{REVISED[2]}" in r for r in revised), revised
    changes = (site / "changes.html").read_text(encoding="utf-8")
    assert re.search(r"<td>revisions</td><td><code>\w+</code></td>", changes)  # the revisions page's figures moved
    assert "<code>series_last_year</code>" in changes

    # The new cell suppressed and the council's new code are in the extracts, said so, never 0.
    extract = (repo / "data" / "cla_placements.csv").read_text(encoding="utf-8")
    assert re.search(rf"\n{year + 1},{re.escape(new_label)},[^\n]*,{SUPPRESSED_LA},all,[^\n]*,outside,all,,c,", extract)
    context = {row["new_la_code"]: row for row in csv.DictReader(io.StringIO(
        (repo / "data" / "la_context.csv").read_text(encoding="utf-8")))}
    assert context[RECODED[1]]["old_la_code"] == RECODED[0] and context[RECODED[1]]["imd_status"] == ":"

    # The earlier releases' pages are as their archives gave them; only the version bar says a newer one exists.
    for name in recorded:
        assert _pages(site / name) == before[name], f"{name} changed"
    first = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=repo, capture_output=True, text=True,
                           check=True).stdout.strip()
    assert subprocess.run(["git", "diff", "--quiet", first, "HEAD", "--", *[f"releases/{n[1:]}" for n in recorded]],
                          cwd=repo).returncode == 0
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == ""
    assert os.path.islink(repo / ".venv")
